// A PCI bus: up to 32 devices of 8 functions, addressed by devfn, and its four interrupt wires.
//
// Configuration cycles arrive here from the host bridge (configuration mechanism #1) with a bus
// number; cycles for this bus go to the function at devfn, cycles for a bus behind a bridge go
// to that bridge's secondary bus, and cycles nobody claims end in a master abort, which the host
// bridge returns as all ones (PCI Local Bus Specification 3.0, 6.1: "read accesses to reserved
// or unimplemented registers ... must be completed normally"; absent functions master-abort).
// Every cycle is traced under TraceCategory::Pci.
//
// INTx#: the four PCI interrupt wires of the board (PIRQA#-PIRQD#) are wire-ORs, since INTx# is
// open-drain (2.2.6). A function's pin is wired to PIRQ (pin - 1 + slot - 1) mod 4 -- the
// rotation by slot that keeps INTA# of neighbouring slots apart, counted from the first PCI slot
// (device 1) as on QEMU's pc and as SeaBIOS and the ACPI _PRT of that board assume: device 1's
// INTA# is PIRQA#, device 2's INTA# is PIRQB#, device 0's INTA# is PIRQD#.
//
// Bridges: a function with a type 1 header that returns a bus from secondary_bus() receives the
// cycles for bus numbers in its secondary..subordinate range; the bus behind it then answers to
// the secondary bus number software programmed. A bus behind a bridge has its own four PIRQ
// wires; the bridge's model decides where they go (normally its own INTx# pins, rotated by slot).
// Functions keep the requester ID of the bus number they were built with.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "bus/irq_line.h"
#include "bus/types.h"

namespace glasspc {

class Machine;
class PciFunction;

class PciBus {
 public:
  static constexpr unsigned kPirqCount = 4;
  static constexpr unsigned kDevfnCount = 256;

  PciBus(std::string name, Machine& machine, u8 number = 0);
  PciBus(const PciBus&) = delete;
  PciBus& operator=(const PciBus&) = delete;

  const std::string& name() const { return m_name; }
  Machine& machine() { return m_machine; }
  u8 number() const { return m_number; }

  // Called by PciFunction's constructor. std::logic_error if the devfn is taken.
  void plug(PciFunction& function);
  PciFunction* function(u8 devfn) const { return m_functions[devfn]; }

  // Configuration cycles for bus `bus`; size 1, 2 or 4. Absent functions read all ones.
  u32 config_read(u8 bus, u8 devfn, u8 offset, unsigned size);
  void config_write(u8 bus, u8 devfn, u8 offset, u32 value, unsigned size);

  // The wire-ORed PIRQ lines (0 = PIRQA#); the ISA bridge routes them to ISA IRQs.
  IrqLine& pirq(unsigned index) { return m_pirqs[index % kPirqCount]->output(); }
  // Which PIRQ the INTx# `pin` (1 = INTA#) of `device` drives.
  static unsigned pirq_of(u8 device, u8 pin) {
    return (pin - 1u + device + kPirqCount - 1) % kPirqCount;
  }

 private:
  // The function that answers a cycle for `bus`/`devfn`, through bridges; null = master abort.
  PciFunction* route(u8 bus, u8 devfn);
  void trace_cycle(const char* what, u8 bus, u8 devfn, u8 offset, u32 value, unsigned size,
                   bool claimed);

  std::string m_name;
  Machine& m_machine;
  u8 m_number;
  std::array<PciFunction*, kDevfnCount> m_functions{};
  std::array<std::unique_ptr<IrqWireOr>, kPirqCount> m_pirqs;
};

}  // namespace glasspc

// One PCI function: 256 bytes of configuration space with the predefined header, BARs, the
// capabilities list and an INTx# pin (PCI Local Bus Specification 3.0, chapter 6).
//
// Every configuration byte has a writable mask and a write-1-to-clear mask, so the header
// behaves as the specification describes without code per register: read-only IDs, the
// command register's defined bits, status error bits cleared by writing 1, hardwired BAR bits
// that make sizing work. Registers 0x40-0xFF not defined by the function are plain read/write
// storage, as on QEMU's pc (software that parks values there reads them back).
//
// The function follows its own registers: the command register switches I/O and memory decode
// of every BAR and bus mastering of the function's DmaSpace (Machine::dma of its requester ID);
// a BAR write moves the decoded block at once; Interrupt Disable gates the INTx# output while the
// Interrupt Status bit keeps showing the function's own condition (6.2.2, 6.2.3). While MSI or
// MSI-X is enabled the function does not use INTx# at all (6.8.1.3, 6.8.2.3).
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/pci/pci_bars.h"
#include "bus/pci/pci_config_regs.h"
#include "bus/requester_id.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class DmaSpace;
class Machine;
class PciBus;
class Trace;

struct PciIdentity {
  u16 vendor_id = 0;
  u16 device_id = 0;
  u8 revision = 0;
  u8 class_code = 0;  // base class
  u8 subclass = 0;
  u8 prog_if = 0;
  u16 subsystem_vendor_id = 0;  // type 0 only
  u16 subsystem_id = 0;
  bool bridge = false;                      // type 1 header (PCI-to-PCI bridge)
  bool multifunction = false;               // header type bit 7: software probes functions 1-7
  u8 interrupt_pin = pci::kNoInterruptPin;  // 1 = INTA# .. 4 = INTD#
  u16 status = 0;                           // read-only status bits (DEVSEL timing, 66 MHz, ...)
};

class PciFunction : public Device {
 public:
  // Plugs the function into `bus` at device.function (std::logic_error if the slot is taken).
  PciFunction(std::string name, PciBus& bus, u8 device, u8 function, const PciIdentity& identity);
  ~PciFunction() override;

  PciBus& bus() { return m_bus; }
  Machine& machine();
  Trace& trace();
  u8 device_number() const { return m_device; }
  u8 function_number() const { return m_function; }
  u8 devfn() const { return pci::devfn(m_device, m_function); }
  RequesterId requester() const;
  // Every DMA and MSI of the function goes through this space.
  DmaSpace& dma() { return m_dma; }

  // Configuration cycles: any offset and size 1..4 inside the 256 bytes (bytes past 0xFF read as
  // ones and ignore writes). No tracing here: the bus traces the cycle.
  u32 config_read(u8 offset, unsigned size);
  void config_write(u8 offset, u32 value, unsigned size);

  // The function's interrupt condition (its INTx# pin as the device logic drives it).
  void set_intx(bool asserted);
  bool intx_asserted() const { return m_intx_asserted; }
  // The INTx# wire after Interrupt Disable and MSI gating; the bus wires it to a PIRQ.
  IrqLine& intx_line() { return m_intx; }
  u8 interrupt_pin() const { return m_interrupt_pin; }

  u16 command() const { return static_cast<u16>(config_value(pci::kCommand, 2)); }
  u16 status() const { return static_cast<u16>(config_value(pci::kStatus, 2)); }
  bool is_bridge() const { return m_bridge; }
  // Where BAR `index` decodes now, or nothing.
  std::optional<u64> bar_decoded_at(unsigned index) const;

  void reset() override;
  void serialize(Archive& archive) override;

  // A bridge returns the bus behind it; the bus forwards configuration cycles for bus numbers in
  // its secondary..subordinate range there (PCI-to-PCI Bridge Architecture 1.2, 3.1.2.2).
  virtual PciBus* secondary_bus() { return nullptr; }

  // --- building the function (constructors of the function and of its capabilities) ----------
  // Defines a register: its reset value, writable bits and write-1-to-clear bits.
  void define_register(u8 offset, unsigned width, u32 reset_value, u32 writable,
                       u32 write_one_to_clear = 0);
  // Declares BAR `index` (a 64-bit BAR also takes index + 1). std::logic_error on a bad BAR.
  void add_bar(unsigned index, PciBarSpec spec);
  // Links a capability of `length` bytes at `offset` into the list and defines its ID and next
  // pointer; the capability defines its other registers itself.
  void add_capability(u8 offset, u8 id, u8 length);
  // Called after every configuration write that touches [begin, end).
  void watch_config(u8 begin, unsigned end, std::function<void(u8 offset, unsigned size)> written);
  // Another interrupt mechanism (MSI, MSI-X) tells whether it has taken INTx# over.
  void add_intx_inhibitor(std::function<bool()> inhibits);
  // State kept outside configuration space (an MSI-X table): reset and saved with the function.
  void add_state(std::function<void()> reset, std::function<void(Archive&)> serialize);

  // Stored values without side effects (also used by the function to update its own state bits).
  u32 config_value(u8 offset, unsigned size) const;
  void set_config_value(u8 offset, u32 value, unsigned size);
  // Changes which bits software may write (lock bits).
  void set_writable(u8 offset, u32 mask, unsigned size);
  // Recomputes the INTx# output (after Interrupt Disable or an MSI enable changed).
  void update_intx();

 protected:
  // Subclasses react to writes of their device-specific registers here.
  virtual void config_written(u8 /*offset*/, unsigned /*size*/) {}

 private:
  struct Bar {
    PciBarKind kind = PciBarKind::Memory32;
    u64 size = 0;
    bool present = false;
    bool upper_half = false;  // the high dword of the 64-bit BAR below it
    std::unique_ptr<PciIoWindow> io;
    std::unique_ptr<PciMemoryWindow> memory;
    std::optional<u64> decoded;  // last placement, for tracing changes
  };
  struct StatePart {
    std::function<void()> reset;
    std::function<void(Archive&)> serialize;
  };
  struct Watch {
    u8 begin;
    unsigned end;
    std::function<void(u8, unsigned)> written;
  };

  void define_header(const PciIdentity& identity);
  u8 bar_offset(unsigned index) const { return static_cast<u8>(pci::kBar0 + 4 * index); }
  unsigned bar_count() const { return m_bridge ? pci::kBarCountType1 : pci::kBarCountType0; }
  u64 bar_value(unsigned index) const;
  void update_decode();
  void command_changed();

  PciBus& m_bus;
  u8 m_device;
  u8 m_function;
  bool m_bridge;
  u8 m_interrupt_pin;
  DmaSpace& m_dma;
  std::array<u8, pci::kConfigSize> m_config{};
  std::array<u8, pci::kConfigSize> m_reset_config{};
  std::array<u8, pci::kConfigSize> m_writable{};
  std::array<u8, pci::kConfigSize> m_reset_writable{};
  std::array<u8, pci::kConfigSize> m_write_one_to_clear{};
  std::array<Bar, pci::kBarCountType0> m_bars;
  std::vector<Watch> m_watches;
  std::vector<std::function<bool()>> m_intx_inhibitors;
  std::vector<StatePart> m_state_parts;
  u8 m_last_capability = 0;  // offset of the last capability in the list, 0 = none yet
  bool m_intx_asserted = false;
  IrqLine m_intx;
};

}  // namespace glasspc

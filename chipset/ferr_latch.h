// The PC/AT's x87 error latch: how a CPU running with CR0.NE = 0 reports floating-point errors
// through IRQ 13, as MS-DOS era software expects (Intel SDM Vol. 1 8.7 "Handling x87 FPU
// Exceptions in Software" and Appendix D "Guidelines for Writing x87 FPU Exception Handlers",
// D.2.1.2; Intel 82371SB PIIX3 datasheet 290550, "Coprocessor Error" and port F0h).
//
// The CPU's FERR# output is this device's input (pin kFerrInput). Its assertion sets the latch,
// which drives ISA IRQ 13 until software writes any value to port 0xF0 (the handler's
// "clear busy" write). The latch sets again only on a new assertion of FERR#: a FERR# that stays
// asserted after the write (the handler has not yet cleared the x87 status word) raises no second
// interrupt, as on the chipset, which holds IGNNE# instead. glasspc's CPU never stalls on an x87
// error with CR0.NE = 0, so IGNNE# has nothing to release and is not modelled. As on QEMU's pc,
// the latch is always enabled (no chipset enable bit is consulted), and port 0xF0 reads as a
// floating bus (0xFF).
#pragma once

#include <string>

#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/register_bank.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class PortSpace;
class Trace;

class FerrLatch : public Device, public IrqSink {
 public:
  static constexpr u16 kPort = 0xF0;
  static constexpr unsigned kFerrInput = 0;  // the pin the CPU's FERR# line connects to
  static constexpr unsigned kIsaIrq = 13;    // where the board connects irq()

  FerrLatch(std::string name, Trace& trace);

  // Claims port 0xF0.
  void attach(PortSpace& ports);
  // The output: high from a FERR# assertion until a write to port 0xF0.
  IrqLine& irq() { return m_irq; }
  bool latched() const { return m_irq.level(); }
  bool ferr() const { return m_ferr; }

  // FERR# (pin kFerrInput): an assertion (rising level) sets the latch.
  void set_irq(unsigned pin, bool level) override;

  void reset() override;
  void serialize(Archive& archive) override;

 private:
  void clear_written();

  Trace& m_trace;
  RegisterBank m_bank;
  IrqLine m_irq;
  bool m_ferr = false;  // the FERR# line's level as delivered (the CPU owns it: not reset here)
};

}  // namespace glasspc

// The PC's two cascaded 8259A programmable interrupt controllers, plus the PIIX3 edge/level
// control registers (ELCR) that sit in front of their inputs.
//
// The master answers at ports 0x20/0x21 and drives the CPU's INTR pin; the slave answers at
// 0xA0/0xA1 and its INT output is wired to the master's IR2. ISA IRQ n (0..15) enters at master
// pin n (n < 8) or slave pin n - 8. Every routing decision (request latched, INTR raised or
// lowered, acknowledge and the vector it returns, EOI) is traced under TraceCategory::Irq, and
// every command-port access under TraceCategory::Reg with the name the datasheet gives it.
//
// References: Intel 8259A Programmable Interrupt Controller datasheet (231468); Intel 82371FB/SB
// PIIX/PIIX3 datasheet (290550), ELCR1/ELCR2 (edge/level control registers).
#pragma once

#include <string>

#include "bus/cpu_core.h"
#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/register_bank.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class PortSpace;
class Trace;

class Pic8259Pair : public Device, public IrqSink, public InterruptAcknowledger {
 public:
  static constexpr u16 kMasterPort = 0x20;
  static constexpr u16 kSlavePort = 0xA0;
  static constexpr u16 kElcrPort = 0x4D0;
  // The master input the slave's INT output is wired to on every AT-compatible board.
  static constexpr unsigned kCascadePin = 2;

  Pic8259Pair(std::string name, Trace& trace);

  // Claims 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1.
  void attach(PortSpace& ports);

  void reset() override;
  void serialize(Archive& archive) override;

  // ISA IRQ input 0..15. IRQ 2 is the cascade input, driven only by the slave: a request there
  // from outside (or any number above 15) is ignored and traced.
  void set_irq(unsigned irq, bool level) override;
  // The master's INT output, to the CPU's INTR pin (or the LAPIC's LINT0).
  IrqLine& intr() { return m_intr; }
  // The two INTA cycles: returns the vector the PICs put on the data bus.
  u8 acknowledge() override;

  // Register views without side effects, for the monitor and tests: bits 0-7 are the master's
  // IR0-7, bits 8-15 the slave's.
  u16 irr() const;
  u16 isr() const;
  u16 imr() const;
  u16 elcr() const;

 private:
  // Where the next write to the odd (A0 = 1) port goes (8259A datasheet, "Initialization
  // Command Words", figure 6: the ICW sequence).
  enum class InitStep : u8 { Ready, Icw2, Icw3, Icw4 };

  struct Chip {
    std::string label;  // "pic.master", used as the trace source
    bool is_master = false;
    u8 irr = 0;    // interrupt request register
    u8 isr = 0;    // in-service register
    u8 imr = 0;    // interrupt mask register (OCW1)
    u8 input = 0;  // present level of the IR0-7 pins, for edge detection
    InitStep init = InitStep::Ready;
    bool icw4_needed = false;
    bool single = false;      // ICW1 SNGL: no cascade, ICW3 skipped
    bool level_mode = false;  // ICW1 LTIM: every input level-triggered
    u8 vector_base = 0;       // ICW2 T7-T3
    u8 icw3 = 0;              // master: pins with a slave; slave: its ID in bits 0-2
    u8 icw4 = 0;              // kept whole, for the fields without effect on a PC (uPM, BUF)
    bool auto_eoi = false;
    bool special_fully_nested = false;
    bool rotate_in_auto_eoi = false;
    u8 lowest_priority = 7;  // IR7 is lowest after ICW1; the one after it is highest
    bool read_isr = false;   // OCW3 RR/RIS: the even port reads ISR (true) or IRR (false)
    bool poll = false;       // OCW3 P: the next even-port read is a poll
    bool special_mask = false;
    bool output = false;  // the INT pin
  };

  Chip& chip_at(u16 base);
  u8 level_pins(const Chip& chip) const;

  u8 read_port(Chip& chip, u16 offset);
  void write_port(Chip& chip, u16 offset, u8 value);
  void write_icw1(Chip& chip, u8 value);
  void write_init_word(Chip& chip, u8 value);
  void write_ocw2(Chip& chip, u8 value);
  void write_ocw3(Chip& chip, u8 value);
  u8 poll(Chip& chip);
  void elcr_written();

  void set_input(Chip& chip, unsigned pin, bool level);
  void resync_level_inputs(Chip& chip);
  int highest_request(const Chip& chip) const;
  int highest_in_service(const Chip& chip) const;
  void take_request(Chip& chip, unsigned pin);
  void end_of_interrupt(Chip& chip, unsigned pin, const char* how);
  u8 acknowledge_slave(unsigned cascade_address);
  void update_outputs();

  void trace_register(const Chip& chip, const char* reg, u16 offset, u8 value, const char* what);
  std::string describe_pin(const Chip& chip, unsigned pin) const;

  Trace& m_trace;
  Chip m_master;
  Chip m_slave;
  RegisterBank m_elcr;  // ELCR1 (IRQ 0-7) and ELCR2 (IRQ 8-15)
  IrqLine m_intr;
};

}  // namespace glasspc

// The I/O APIC (Intel 82093AA datasheet, 290566) at 0xFEC00000, as QEMU's version 0x20 model:
// 24 input pins, each with a 64-bit redirection entry that turns a pin into an interrupt message
// on the ApicBus.
//
// Registers are reached indirectly: the guest writes a register index to IOREGSEL (offset 0x00)
// and reads or writes it through IOWIN (offset 0x10). Version 0x20 adds a directly written EOI
// register at offset 0x40. Indirect registers: ID (0x00), version (0x01, 0x00170020: 24 entries,
// version 0x20), arbitration ID (0x02), and the redirection table at 0x10 + 2 * pin (low dword)
// and 0x11 + 2 * pin (high dword).
//
// Edge-triggered pins send a message on each rising edge while unmasked (a masked edge is lost,
// 82093AA 3.2.4 "Interrupt Mask"). Level-triggered pins send a message while asserted and
// unmasked and remote IRR is clear; remote IRR is set when a LAPIC accepts the message and
// cleared by the EOI broadcast for its vector (or the EOI register), after which a pin still
// asserted sends again. Unmasking an asserted level pin sends at once.
//
// Pin levels are logical (asserted or not), as the wires of this machine carry them; the
// polarity bit is stored and read back only. Messages are delivered before the register write
// returns, so delivery status always reads idle.
#pragma once

#include <array>
#include <string>

#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/register_bank.h"
#include "bus/types.h"
#include "chipset/apic_bus.h"

namespace glasspc {

class Archive;
class MemoryMap;
class Trace;

class IoApic : public Device, public IrqSink, public EoiListener {
 public:
  static constexpr Gpa kDefaultBase = 0xFEC00000;
  static constexpr u64 kWindowSize = 0x1000;
  static constexpr unsigned kPins = 24;

  // Direct registers (offsets in the MMIO window).
  static constexpr u32 kIoRegSel = 0x00;
  static constexpr u32 kIoWin = 0x10;
  static constexpr u32 kEoi = 0x40;
  // Indirect registers (IOREGSEL values).
  static constexpr u8 kIdRegister = 0x00;
  static constexpr u8 kVersionRegister = 0x01;
  static constexpr u8 kArbitrationRegister = 0x02;
  static constexpr u8 kRedirectionTable = 0x10;

  // Redirection entry fields (82093AA 3.2.4).
  static constexpr u64 kVectorMask = 0xFF;
  static constexpr unsigned kDeliveryModeShift = 8;
  static constexpr u64 kDeliveryModeMask = u64{0x7} << kDeliveryModeShift;
  static constexpr u64 kDestinationLogical = u64{1} << 11;
  static constexpr u64 kDeliveryStatus = u64{1} << 12;
  static constexpr u64 kPolarityActiveLow = u64{1} << 13;
  static constexpr u64 kRemoteIrr = u64{1} << 14;
  static constexpr u64 kLevelTriggered = u64{1} << 15;
  static constexpr u64 kMasked = u64{1} << 16;
  static constexpr unsigned kDestinationShift = 56;

  // Registers as an EOI listener on `bus`, which must outlive it.
  IoApic(std::string name, ApicBus& bus, Trace& trace);
  ~IoApic() override;

  // Maps the 4 KiB window at `base` (32-bit accesses; narrower ones are widened by the map).
  void attach(MemoryMap& memory, Gpa base = kDefaultBase);
  // The window itself (offsets 0..0xFFF), for the map and for tests.
  u32 mmio_read(u32 offset);
  void mmio_write(u32 offset, u32 value);

  void reset() override;
  void serialize(Archive& archive) override;

  // Input pins 0..23 (GSIs). Higher pins are ignored and traced.
  void set_irq(unsigned pin, bool level) override;
  // EoiListener: the EOI broadcast of a level-triggered vector.
  void end_of_interrupt(u8 vector) override;

  // Views without side effects.
  u64 redirection_entry(unsigned pin) const { return pin < kPins ? m_entries[pin] : 0; }
  bool pin_level(unsigned pin) const { return pin < kPins && m_levels[pin]; }
  u8 id() const { return m_id; }

 private:
  u32 read_indirect(u8 index);
  void write_indirect(u8 index, u32 value);
  void entry_written(unsigned pin, u64 old_entry);
  // Sends the pin's message if the entry and pin state call for one now.
  void service(unsigned pin, std::string_view why);
  void send(unsigned pin, std::string_view why);
  void clear_remote_irr(u8 vector, std::string_view how);
  std::string indirect_name(u8 index) const;

  ApicBus& m_bus;
  Trace& m_trace;
  RegisterBank m_direct;  // IOREGSEL, IOWIN, EOI
  u32 m_ioregsel = 0;     // index of IOREGSEL in m_direct
  u8 m_id = 0;
  u8 m_arbitration_id = 0;
  std::array<u64, kPins> m_entries{};
  std::array<bool, kPins> m_levels{};
};

}  // namespace glasspc

// Motorola MC146818A real-time clock with 128 bytes of CMOS RAM, as wired on the PC: an index
// port at 0x70 (whose bit 7 is the board's NMI mask) and a data port at 0x71, the IRQ output on
// ISA IRQ 8.
//
// Time comes only from virtual time. The chip's 32.768 kHz divider chain is modelled as a count of
// oscillator ticks derived from the Clock, so the once-a-second update, the update-in-progress
// window and the periodic interrupt taps happen at exact, reproducible virtual times. Flags are
// brought up to date lazily whenever the guest looks (register accesses); the Scheduler is only
// used to raise IRQ 8 on time, and only while an interrupt is enabled and not already pending,
// so an idle clock costs no events. The starting wall-clock time is a constructor argument.
//
// Choices where the datasheet leaves room, made as QEMU makes them:
// - The time is kept as numbers and shown in the data mode (BCD or binary, 24- or 12-hour)
//   selected when it is read, so changing DM or 24/12 converts the time instead of leaving the
//   old bytes to be misread. Fields written out of range are normalized by the next update as
//   calendar arithmetic would (February 31 becomes March 3).
// - DSE (daylight saving) is stored but has no effect: PC operating systems keep daylight
//   saving themselves. SQWE is stored; the SQW pin is not connected on a PC.
// - The divider chain runs for DV = 000, 001 and 010 (the crystal is 32.768 kHz whatever DV
//   says) and stops otherwise; after leaving reset the first update comes half a second later.
// - The 1984 us update cycle itself is instantaneous: UIP covers the 244 us before it.
//
// CMOS bytes PC firmware reads (the layout QEMU fills for SeaBIOS; the board writes them with
// set_cmos() or set_pc_memory_fields()):
//   0x0F        shutdown status (written by the BIOS before a CPU reset through the 8042)
//   0x10        floppy drive types (high nibble drive A, low nibble drive B)
//   0x12        hard disk types (legacy)
//   0x14        equipment byte (bit 0 floppy present, bits 4-5 video, bits 6-7 floppies - 1)
//   0x15/0x16   base memory in KiB (640), low byte first
//   0x17/0x18   extended memory in KiB above 1 MiB, capped at 0xFFFF
//   0x30/0x31   the same value as 0x17/0x18 (the copy POST writes)
//   0x32        century, in the clock's data mode (part of the clock here, as on QEMU)
//   0x34/0x35   memory between 16 MiB and 4 GiB in 64 KiB units, capped at 0xFFFF
//   0x38, 0x3D  boot device order (SeaBIOS)
//   0x5B-0x5D   memory above 4 GiB in 64 KiB units, 24 bits, low byte first
//   0x5F        number of CPUs minus one
#pragma once

#include <array>
#include <string>

#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/port_space.h"
#include "bus/scheduler.h"
#include "bus/trace.h"
#include "bus/types.h"
#include "chipset/rtc_calendar.h"

namespace glasspc {

// Register addresses and bits, named as in the MC146818A datasheet ("Address Map" and
// "Registers").
namespace rtc {
constexpr u16 kIndexPort = 0x70;
constexpr u16 kDataPort = 0x71;
constexpr u8 kIndexMask = 0x7f;
constexpr u8 kIndexNmiDisable = 0x80;  // on the PC, not the chip: 1 masks NMI

constexpr u8 kSeconds = 0x00;
constexpr u8 kSecondsAlarm = 0x01;
constexpr u8 kMinutes = 0x02;
constexpr u8 kMinutesAlarm = 0x03;
constexpr u8 kHours = 0x04;
constexpr u8 kHoursAlarm = 0x05;
constexpr u8 kDayOfWeek = 0x06;
constexpr u8 kDayOfMonth = 0x07;
constexpr u8 kMonth = 0x08;
constexpr u8 kYear = 0x09;
constexpr u8 kRegA = 0x0a;
constexpr u8 kRegB = 0x0b;
constexpr u8 kRegC = 0x0c;
constexpr u8 kRegD = 0x0d;
constexpr u8 kCentury = 0x32;  // PC convention (IBM PS/2 and QEMU), BCD by default
constexpr unsigned kCmosSize = 128;

// Register A.
constexpr u8 kAUip = 0x80;           // update in progress (read-only)
constexpr u8 kADividerMask = 0x70;   // DV2-DV0
constexpr u8 kADividerReset = 0x60;  // DV2-DV1 = 11: divider chain held in reset
constexpr u8 kADivider32k = 0x20;    // 010: 32.768 kHz time base, chain running
constexpr u8 kARateMask = 0x0f;      // RS3-RS0
constexpr u8 kAWritable = 0x7f;

// Register B.
constexpr u8 kBSet = 0x80;     // SET: updates inhibited while the time is being written
constexpr u8 kBPie = 0x40;     // periodic interrupt enable
constexpr u8 kBAie = 0x20;     // alarm interrupt enable
constexpr u8 kBUie = 0x10;     // update-ended interrupt enable
constexpr u8 kBSqwe = 0x08;    // square-wave enable (SQW pin, not connected on a PC)
constexpr u8 kBBinary = 0x04;  // DM: 1 = binary, 0 = BCD
constexpr u8 kB24Hour = 0x02;  // 24/12: 1 = 24-hour mode
constexpr u8 kBDse = 0x01;     // daylight saving enable (stored, no effect, as on QEMU)

// Register C (read-only, cleared by reading).
constexpr u8 kCIrqf = 0x80;
constexpr u8 kCPf = 0x40;
constexpr u8 kCAf = 0x20;
constexpr u8 kCUf = 0x10;
constexpr u8 kCFlags = kCPf | kCAf | kCUf;

// Register D.
constexpr u8 kDVrt = 0x80;  // valid RAM and time: the battery is good

constexpr u8 kHourPm = 0x80;         // 12-hour mode: PM bit of the hours byte
constexpr u8 kAlarmDontCare = 0xc0;  // an alarm byte of 0xC0-0xFF matches every value

// The time base: a 32.768 kHz crystal, one update every 32768 oscillator ticks.
constexpr u64 kOscillatorHz = 32768;
constexpr u64 kTicksPerSecond = kOscillatorHz;
// UIP rises 244 us (8 oscillator ticks, tBUC) before the update transfers the new time.
constexpr u64 kUipTicks = 8;
// After the divider chain leaves reset, the first update comes half a second later.
constexpr u64 kTicksAfterDividerReset = kTicksPerSecond / 2;

// Power-on values, as PC firmware expects to find them (and as QEMU sets them): 32.768 kHz time
// base with the 1024 Hz periodic rate selected, 24-hour BCD mode.
constexpr u8 kRegAPowerOn = kADivider32k | 0x06;
constexpr u8 kRegBPowerOn = kB24Hour;
}  // namespace rtc

class RtcCmos : public Device {
 public:
  RtcCmos(std::string name, Scheduler& scheduler, Trace& trace, i64 start_unix_seconds);

  // Claims ports 0x70-0x71.
  void attach(PortSpace& ports);
  // IRQ 8: high while register C's IRQF is set.
  IrqLine& irq() { return m_irq; }
  // Bit 7 of the last index written: 1 masks NMI on the PC.
  bool nmi_masked() const { return m_nmi_masked; }

  // Writes a CMOS byte as firmware setup would: clock registers (0x00-0x0D, 0x32) behave as a
  // guest write through port 0x71; every other byte is stored as given.
  void set_cmos(u8 index, u8 value);
  // The byte a guest would read, without side effects (register C is not cleared).
  u8 peek_cmos(u8 index);
  // Fills the memory-size and CPU-count bytes listed above from the board's RAM layout.
  void set_pc_memory_fields(u64 ram_below_4g, u64 ram_above_4g, unsigned cpu_count);

  // The current time and date as numbers (after bringing the clock up to date).
  rtc::DateTime date_time();

  // The RESET pin: clears PIE, AIE, UIE, SQWE and the interrupt flags; the time, the data mode
  // and the CMOS bytes survive (the chip is battery-backed).
  void reset() override;
  void serialize(Archive& archive) override;

 private:
  u8 read_data();
  void write_data(u8 value);
  u8 read_register(u8 index, bool side_effects);
  void write_register(u8 index, u8 value);
  void write_reg_a(u8 value);
  void write_reg_b(u8 value);

  // Divider chain and updates (rtc_cmos.cpp).
  bool divider_running() const;
  u64 divider_ticks() const;  // oscillator ticks counted by the chain now
  u64 divider_ticks_when_running() const;
  u64 periodic_ticks() const;  // period of the selected periodic tap, 0 when off
  bool update_in_progress() const;
  void catch_up();
  u64 seconds_to_alarm() const;  // updates until the time matches the alarm, 0 if never
  bool irqf() const;
  void update_irq();
  void schedule();
  void on_timer();

  u8 encode(int value) const;
  int decode(u8 value) const;  // -1 for BCD digits above 9
  u8 encode_hour(int hour) const;
  int decode_hour(u8 value) const;
  int decode_hour_checked(u8 value) const;
  void trace_access(const char* what, u8 index, u8 value);

  Scheduler& m_scheduler;
  Trace& m_trace;
  IrqLine m_irq;
  TimerId m_timer;
  PortSpace* m_ports = nullptr;
  PortClaimId m_claim = 0;

  // Guest-visible state (all of it is in serialize()).
  std::array<u8, rtc::kCmosSize> m_ram{};  // alarm and plain CMOS bytes
  rtc::DateTime m_time;
  u8 m_index = 0;
  bool m_nmi_masked = false;
  u8 m_reg_a = rtc::kRegAPowerOn;
  u8 m_reg_b = rtc::kRegBPowerOn;
  u8 m_flags = 0;  // register C's PF, AF, UF
  // The divider chain counts oscillator ticks: its value is ticks_at(now) + m_divider_offset
  // (modulo 2^64). Updates happen when it crosses a multiple of 32768.
  u64 m_divider_offset = 0;
  u64 m_divider_frozen = 0;    // its value while held in reset
  u64 m_seconds_counted = 0;   // divider value / 32768 when the calendar was last updated
  u64 m_periodic_checked = 0;  // divider value up to which PF has been evaluated
};

}  // namespace glasspc

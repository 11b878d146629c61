// MC146818A RTC/CMOS at ports 0x70/0x71: registers, time on virtual time and IRQ 8.
#include <catch2/catch.hpp>

#include "bus/archive.h"
#include "tests/chipset/timekeeping/rtc_rig.h"

namespace glasspc::test {
namespace {

using namespace rtc;

// 2024-02-28 23:59:58 UTC, a Wednesday (weekday 4).
constexpr i64 kBeforeLeapDay = 1709164798;
// 2099-12-31 23:59:59 UTC, a Thursday.
constexpr i64 kEndOf2099 = 4102444799;

TEST_CASE("rtc: power-on registers and the time in BCD", "[rtc]") {
  RtcRig rig;
  CHECK(rig.read(kRegA) == kRegAPowerOn);
  CHECK(rig.read(kRegB) == kB24Hour);
  CHECK(rig.read(kRegC) == 0x00);
  CHECK(rig.read(kRegD) == kDVrt);
  CHECK(rig.read(kSeconds) == 0x36);
  CHECK(rig.read(kMinutes) == 0x23);
  CHECK(rig.read(kHours) == 0x18);
  CHECK(rig.read(kDayOfWeek) == 0x03);
  CHECK(rig.read(kDayOfMonth) == 0x24);
  CHECK(rig.read(kMonth) == 0x11);
  CHECK(rig.read(kYear) == 0x26);
  CHECK(rig.read(kCentury) == 0x20);
  // Nothing is pending and no interrupt is enabled: no timer is armed.
  CHECK(rig.scheduler.next_deadline() == kNever);
}

TEST_CASE("rtc: binary data mode and 12-hour mode with the PM bit", "[rtc]") {
  RtcRig rig;
  rig.write(kRegB, kB24Hour | kBBinary);
  CHECK(rig.read(kSeconds) == 36);
  CHECK(rig.read(kHours) == 18);
  CHECK(rig.read(kYear) == 26);
  CHECK(rig.read(kCentury) == 20);
  CHECK(rig.read(kMonth) == 11);

  rig.write(kRegB, 0);  // 12-hour BCD: 18:23 is 6 PM
  CHECK(rig.read(kHours) == (0x06 | kHourPm));
  rig.write(kRegB, kBBinary);  // 12-hour binary
  CHECK(rig.read(kHours) == (6 | kHourPm));

  // Midnight and noon in 12-hour mode are 12 AM and 12 PM.
  rig.write(kRegB, kBSet);
  rig.write(kHours, 0x12);  // 12 AM
  rig.write(kRegB, kB24Hour);
  CHECK(rig.read(kHours) == 0x00);
  rig.write(kRegB, kBSet);
  rig.write(kHours, 0x12 | kHourPm);  // 12 PM
  rig.write(kRegB, kB24Hour);
  CHECK(rig.read(kHours) == 0x12);
  rig.write(kRegB, kBSet);
  rig.write(kHours, 0x11 | kHourPm);  // 11 PM
  rig.write(kRegB, kB24Hour);
  CHECK(rig.read(kHours) == 0x23);
}

TEST_CASE("rtc: the time advances once per second of virtual time", "[rtc]") {
  RtcRig rig;
  rig.advance_to(kPsPerSecond - 1);
  CHECK(rig.read(kSeconds) == 0x36);
  rig.advance_to(kPsPerSecond);
  CHECK(rig.read(kSeconds) == 0x37);
  // A long idle stretch is applied at once when the guest looks: 1 hour 36 minutes 25 seconds.
  rig.advance_to(kPsPerSecond + (3600 + 36 * 60 + 25) * kPsPerSecond);
  CHECK(rig.read(kSeconds) == 0x02);
  CHECK(rig.read(kMinutes) == 0x00);
  CHECK(rig.read(kHours) == 0x20);
  CHECK(rig.scheduler.next_deadline() == kNever);
}

TEST_CASE("rtc: UIP is set for the 244 us before each update", "[rtc]") {
  RtcRig rig;
  const Picoseconds uip_start = at_tick(kTicksPerSecond - kUipTicks);
  CHECK(uip_start == 999'755'859'375);
  rig.advance_to(uip_start - 1);
  CHECK((rig.read(kRegA) & kAUip) == 0);
  rig.advance_to(uip_start);
  CHECK((rig.read(kRegA) & kAUip) == kAUip);
  CHECK(rig.read(kRegA) == (kRegAPowerOn | kAUip));
  CHECK(rig.read(kSeconds) == 0x36);  // the old time is still readable, the update is ahead
  rig.advance_to(kPsPerSecond);
  CHECK((rig.read(kRegA) & kAUip) == 0);
  CHECK(rig.read(kSeconds) == 0x37);
  // SET inhibits the update, so UIP stays clear through the window.
  rig.write(kRegB, kB24Hour | kBSet);
  rig.advance_to(kPsPerSecond + uip_start);
  CHECK((rig.read(kRegA) & kAUip) == 0);
}

TEST_CASE("rtc: SET freezes the time, clears UIE, and the written time runs on", "[rtc]") {
  RtcRig rig;
  rig.write(kRegB, kB24Hour | kBUie);
  rig.write(kRegB, kB24Hour | kBUie | kBSet);
  CHECK(rig.read(kRegB) == (kB24Hour | kBSet));  // UIE was cleared by SET
  rig.advance_to(5 * kPsPerSecond + kPsPerSecond / 2);
  CHECK(rig.read(kSeconds) == 0x36);
  CHECK((rig.read(kRegC) & kCUf) == 0);  // no update cycle ran
  // 2030-06-15 12:00:00.
  rig.write(kSeconds, 0x00);
  rig.write(kMinutes, 0x00);
  rig.write(kHours, 0x12);
  rig.write(kDayOfMonth, 0x15);
  rig.write(kMonth, 0x06);
  rig.write(kYear, 0x30);
  rig.write(kRegB, kB24Hour);
  CHECK(rig.read(kYear) == 0x30);
  CHECK(rig.read(kCentury) == 0x20);
  // The divider was not reset: the next update is at the next whole second of the chain.
  rig.advance_to(6 * kPsPerSecond - 1);
  CHECK(rig.read(kSeconds) == 0x00);
  rig.advance_to(6 * kPsPerSecond);
  CHECK(rig.read(kSeconds) == 0x01);
  CHECK(rig.rtc.date_time().year == 2030);
}

TEST_CASE("rtc: periodic interrupt at 1024 Hz over one second of virtual time", "[rtc]") {
  RtcRig rig;
  rig.write(kRegB, kB24Hour | kBPie);
  // Rate 6 = 1024 Hz = 32 oscillator ticks, 976.5625 us.
  CHECK(rig.scheduler.next_deadline() == at_tick(32));
  CHECK(at_tick(32) == 976'562'500);
  unsigned interrupts = 0;
  while (rig.scheduler.next_deadline() <= kPsPerSecond) {
    const Picoseconds expected = at_tick((interrupts + 1) * 32);
    REQUIRE(rig.scheduler.next_deadline() == expected);
    rig.run_to_next_event();
    REQUIRE(rig.irq());
    // At the whole second the update-ended flag shows as well.
    REQUIRE((rig.read(kRegC) & ~kCUf) == (kCIrqf | kCPf));
    REQUIRE_FALSE(rig.irq());
    ++interrupts;
  }
  CHECK(interrupts == 1024);
}

TEST_CASE("rtc: periodic rates selected by RS3-RS0", "[rtc]") {
  struct Case {
    u8 rate;
    unsigned per_second;
  };
  for (const Case c : {Case{1, 256}, Case{2, 128}, Case{3, 8192}, Case{7, 512}, Case{15, 2}}) {
    RtcRig rig;
    rig.write(kRegA, kADivider32k | c.rate);
    rig.write(kRegB, kB24Hour | kBPie);
    unsigned interrupts = 0;
    while (rig.scheduler.next_deadline() <= kPsPerSecond) {
      rig.run_to_next_event();
      REQUIRE((rig.read(kRegC) & ~kCUf) == (kCIrqf | kCPf));
      ++interrupts;
    }
    INFO("rate select " << int(c.rate));
    CHECK(interrupts == c.per_second);
  }
  // RS = 0: no periodic interrupt at all.
  RtcRig rig;
  rig.write(kRegA, kADivider32k);
  rig.write(kRegB, kB24Hour | kBPie);
  CHECK(rig.scheduler.next_deadline() == kNever);
  rig.advance_to(kPsPerSecond / 2);
  CHECK((rig.read(kRegC) & kCPf) == 0);
}

TEST_CASE("rtc: PF is set without PIE and costs no timer events", "[rtc]") {
  RtcRig rig;
  CHECK(rig.scheduler.next_deadline() == kNever);
  rig.advance_to(at_tick(31));
  CHECK(rig.read(kRegC) == 0x00);
  rig.advance_to(at_tick(32));
  CHECK(rig.read(kRegC) == kCPf);  // flag without IRQF: PIE is off
  CHECK(rig.read(kRegC) == 0x00);  // cleared by the read
  CHECK(rig.irq_levels.empty());
  // Enabling PIE while PF is pending raises IRQ 8 at once.
  rig.advance_to(at_tick(70));
  rig.write(kRegB, kB24Hour | kBPie);
  CHECK(rig.irq());
  CHECK(rig.read(kRegC) == (kCIrqf | kCPf));
}

TEST_CASE("rtc: register C read clears the flags and lowers IRQ 8", "[rtc]") {
  RtcRig rig;
  rig.write(kRegB, kB24Hour | kBUie);
  CHECK(rig.scheduler.next_deadline() == kPsPerSecond);
  rig.run_to_next_event();
  CHECK(rig.irq_levels == std::vector<bool>{true});
  // While UF is pending the line stays high and no further events are needed.
  CHECK(rig.scheduler.next_deadline() == kNever);
  rig.advance_to(3 * kPsPerSecond + 1);
  CHECK(rig.irq_levels == std::vector<bool>{true});
  CHECK(rig.read(kRegC) == (kCIrqf | kCUf | kCPf));
  CHECK(rig.irq_levels == std::vector<bool>{true, false});
  CHECK(rig.read(kRegC) == 0x00);
  CHECK(rig.scheduler.next_deadline() == 4 * kPsPerSecond);
  // Writes to C and D are ignored.
  rig.write(kRegC, 0xff);
  rig.write(kRegD, 0x00);
  CHECK(rig.read(kRegC) == 0x00);
  CHECK(rig.read(kRegD) == kDVrt);
}

TEST_CASE("rtc: update-ended interrupt every second", "[rtc]") {
  RtcRig rig;
  rig.write(kRegA, kADivider32k);  // periodic rate off, so only UF shows
  rig.write(kRegB, kB24Hour | kBUie);
  for (int second = 1; second <= 3; ++second) {
    REQUIRE(rig.scheduler.next_deadline() == second * kPsPerSecond);
    rig.run_to_next_event();
    CHECK(rig.irq());
    CHECK(rig.read(kRegC) == (kCIrqf | kCUf));
    CHECK(rig.read(kSeconds) == 0x36 + second);
  }
}

TEST_CASE("rtc: alarm interrupt at an exact time", "[rtc]") {
  RtcRig rig;
  rig.write(kRegA, kADivider32k);
  rig.write(kSecondsAlarm, 0x40);
  rig.write(kMinutesAlarm, 0x23);
  rig.write(kHoursAlarm, 0x18);
  rig.write(kRegB, kB24Hour | kBAie);
  CHECK(rig.scheduler.next_deadline() == 4 * kPsPerSecond);
  rig.advance_to(4 * kPsPerSecond - 1);
  CHECK_FALSE(rig.irq());
  rig.run_to_next_event();
  CHECK(rig.irq());
  CHECK(rig.read(kRegC) == (kCIrqf | kCAf | kCUf));
  CHECK(rig.read(kSeconds) == 0x40);
  // The next match is a day later.
  CHECK(rig.scheduler.next_deadline() == (4 + 86400) * kPsPerSecond);

  // In 12-hour mode the alarm hour byte is compared in that format: 6 PM.
  rig.write(kRegB, kBAie);
  rig.write(kHoursAlarm, 0x06 | kHourPm);
  rig.write(kMinutesAlarm, 0x24);
  rig.write(kSecondsAlarm, 0x00);
  CHECK(rig.scheduler.next_deadline() == 24 * kPsPerSecond);
  // An impossible alarm byte never matches.
  rig.write(kHoursAlarm, 0x13);
  CHECK(rig.scheduler.next_deadline() == kNever);
}

TEST_CASE("rtc: alarm don't-care bytes match every value", "[rtc]") {
  RtcRig rig;
  rig.write(kRegA, kADivider32k);
  rig.write(kSecondsAlarm, 0x30);
  rig.write(kMinutesAlarm, 0xc0);
  rig.write(kHoursAlarm, 0xff);
  rig.write(kRegB, kB24Hour | kBAie);
  // 18:23:36 -> :30 of the next minute is 54 s away, then every 60 s.
  for (int minute = 0; minute < 3; ++minute) {
    REQUIRE(rig.scheduler.next_deadline() == (54 + 60 * minute) * kPsPerSecond);
    rig.run_to_next_event();
    REQUIRE(rig.read(kRegC) == (kCIrqf | kCAf | kCUf));
  }
  // All three don't care: every update is an alarm.
  rig.write(kSecondsAlarm, 0xc5);
  CHECK(rig.scheduler.next_deadline() == (54 + 120 + 1) * kPsPerSecond);
}

TEST_CASE("rtc: AF is found after a long idle stretch without AIE", "[rtc]") {
  RtcRig rig;
  rig.write(kSecondsAlarm, 0x00);
  rig.write(kMinutesAlarm, 0x30);
  rig.write(kHoursAlarm, 0x18);
  CHECK(rig.scheduler.next_deadline() == kNever);
  rig.advance_to(300 * kPsPerSecond);  // 18:28:36: not yet
  CHECK((rig.read(kRegC) & kCAf) == 0);
  rig.advance_to(2 * 3600 * kPsPerSecond);  // 20:23:36: 18:30:00 went by
  CHECK(rig.read(kRegC) == (kCAf | kCUf | kCPf));
}

TEST_CASE("rtc: leap-year rollover Feb 28 -> Feb 29 -> Mar 1", "[rtc]") {
  RtcRig rig(kBeforeLeapDay);
  rig.advance_to(2 * kPsPerSecond);
  CHECK(rig.read(kDayOfMonth) == 0x29);
  CHECK(rig.read(kMonth) == 0x02);
  CHECK(rig.read(kHours) == 0x00);
  CHECK(rig.read(kDayOfWeek) == 0x05);
  rig.advance_to((2 + 86400) * kPsPerSecond);
  CHECK(rig.read(kDayOfMonth) == 0x01);
  CHECK(rig.read(kMonth) == 0x03);
  CHECK(rig.read(kYear) == 0x24);

  // 2023 is not a leap year: Feb 28 -> Mar 1.
  RtcRig common(1677628799);
  common.advance_to(kPsPerSecond);
  CHECK(common.read(kDayOfMonth) == 0x01);
  CHECK(common.read(kMonth) == 0x03);
}

TEST_CASE("rtc: Dec 31 -> Jan 1 carries into the century byte", "[rtc]") {
  RtcRig rig(kEndOf2099);
  CHECK(rig.read(kYear) == 0x99);
  CHECK(rig.read(kCentury) == 0x20);
  rig.advance_to(kPsPerSecond);
  CHECK(rig.read(kSeconds) == 0x00);
  CHECK(rig.read(kHours) == 0x00);
  CHECK(rig.read(kDayOfMonth) == 0x01);
  CHECK(rig.read(kMonth) == 0x01);
  CHECK(rig.read(kYear) == 0x00);
  CHECK(rig.read(kCentury) == 0x21);
  CHECK(rig.read(kDayOfWeek) == 0x06);
  // 2100 is not a leap year.
  rig.write(kRegB, kB24Hour | kBSet);
  rig.write(kMonth, 0x02);
  rig.write(kDayOfMonth, 0x28);
  rig.write(kHours, 0x23);
  rig.write(kMinutes, 0x59);
  rig.write(kSeconds, 0x59);
  rig.write(kRegB, kB24Hour);
  rig.advance_to(2 * kPsPerSecond);
  CHECK(rig.read(kMonth) == 0x03);
  CHECK(rig.read(kDayOfMonth) == 0x01);
  // Writing the century byte moves the year.
  rig.write(kCentury, 0x19);
  CHECK(rig.rtc.date_time().year == 1900);
}

TEST_CASE("rtc: divider reset stops the clock, the first update comes 500 ms after release",
          "[rtc]") {
  RtcRig rig;
  rig.write(kRegB, kB24Hour | kBUie | kBPie);
  rig.advance_to(kPsPerSecond / 4);
  rig.read(kRegC);
  rig.write(kRegA, kADividerReset | 0x06);
  CHECK(rig.scheduler.next_deadline() == kNever);
  rig.advance_to(10 * kPsPerSecond);
  CHECK(rig.read(kSeconds) == 0x36);
  CHECK((rig.read(kRegA) & kAUip) == 0);
  CHECK((rig.read(kRegC) & kCFlags) == 0);
  const Picoseconds release = 10 * kPsPerSecond;
  rig.write(kRegA, kRegAPowerOn);
  rig.write(kRegB, kB24Hour | kBUie);
  CHECK(rig.scheduler.next_deadline() == release + kPsPerSecond / 2);
  rig.run_to_next_event();
  CHECK(rig.read(kSeconds) == 0x37);
  CHECK(rig.read(kRegC) == (kCIrqf | kCUf | kCPf));
}

TEST_CASE("rtc: CMOS bytes, the NMI mask bit and the index port", "[rtc]") {
  RtcRig rig;
  rig.write(0x40, 0xa5);
  rig.write(0x7f, 0x5a);
  CHECK(rig.read(0x40) == 0xa5);
  CHECK(rig.read(0x7f) == 0x5a);
  // Bit 7 of the index masks NMI and does not select a register.
  rig.ports.write(kIndexPort, 0x80 | 0x40, 1);
  CHECK(rig.rtc.nmi_masked());
  CHECK(rig.ports.read(kDataPort, 1) == 0xa5);
  rig.ports.write(kIndexPort, 0x40, 1);
  CHECK_FALSE(rig.rtc.nmi_masked());
  CHECK(rig.ports.read(kIndexPort, 1) == 0xff);
  // Garbage everywhere never crashes.
  for (unsigned index = 0; index < 256; ++index) {
    rig.ports.write(kIndexPort, index, 1);
    rig.ports.write(kDataPort, 0xff, 1);
    rig.ports.read(kDataPort, 1);
  }
  rig.advance_to(100 * kPsPerSecond);
  for (unsigned index = 0; index < kCmosSize; ++index) rig.read(static_cast<u8>(index));
}

TEST_CASE("rtc: memory-size and CPU-count fields for the BIOS", "[rtc]") {
  RtcRig rig;
  constexpr u64 kMiB = 1024 * 1024;
  rig.rtc.set_pc_memory_fields(3 * 1024 * kMiB, 2048 * kMiB, 4);
  CHECK(rig.read(0x15) == 0x80);  // 640 KiB
  CHECK(rig.read(0x16) == 0x02);
  CHECK(rig.read(0x17) == 0xff);  // capped at 0xFFFF KiB
  CHECK(rig.read(0x18) == 0xff);
  CHECK(rig.read(0x30) == 0xff);
  CHECK(rig.read(0x31) == 0xff);
  // (3072 - 16) MiB in 64 KiB units = 48896 = 0xBF00.
  CHECK(rig.read(0x34) == 0x00);
  CHECK(rig.read(0x35) == 0xbf);
  // 2 GiB in 64 KiB units = 0x8000.
  CHECK(rig.read(0x5b) == 0x00);
  CHECK(rig.read(0x5c) == 0x80);
  CHECK(rig.read(0x5d) == 0x00);
  CHECK(rig.read(0x5f) == 3);

  rig.rtc.set_pc_memory_fields(32 * kMiB, 0, 1);
  CHECK(rig.read(0x17) == 0x00);  // 31 MiB = 31744 KiB = 0x7C00
  CHECK(rig.read(0x18) == 0x7c);
  CHECK(rig.read(0x34) == 0x00);  // 16 MiB in 64 KiB units = 0x100
  CHECK(rig.read(0x35) == 0x01);
  CHECK(rig.read(0x5f) == 0);

  rig.rtc.set_cmos(0x14, 0x06);
  CHECK(rig.read(0x14) == 0x06);
  rig.rtc.set_cmos(kCentury, 0x21);
  CHECK(rig.read(kCentury) == 0x21);
  CHECK(rig.rtc.peek_cmos(kRegD) == kDVrt);
}

TEST_CASE("rtc: RESET clears the enables and flags but keeps the time", "[rtc]") {
  RtcRig rig;
  rig.write(kRegB, kB24Hour | kBPie | kBAie | kBUie | kBSqwe | kBBinary);
  rig.advance_to(kPsPerSecond);
  CHECK(rig.irq());
  rig.rtc.reset();
  CHECK_FALSE(rig.irq());
  CHECK(rig.read(kRegB) == (kB24Hour | kBBinary));
  CHECK(rig.read(kRegC) == 0x00);
  CHECK(rig.read(kSeconds) == 37);
  CHECK(rig.scheduler.next_deadline() == kNever);
}

TEST_CASE("rtc: snapshot round trip keeps time, phase and pending events", "[rtc]") {
  RtcRig rig;
  rig.write(kRegB, kB24Hour | kBUie);
  rig.write(0x50, 0x77);
  rig.advance_to(kPsPerSecond / 3);
  Archive saver = Archive::for_saving();
  {
    ArchiveSection section(saver, "rtc", 1);
    rig.rtc.serialize(saver);
  }
  std::vector<u8> bytes = saver.finish();

  RtcRig other(0);
  other.clock.skip_to(kPsPerSecond / 3);
  Archive loader = Archive::for_loading(bytes);
  {
    ArchiveSection section(loader, "rtc", 1);
    other.rtc.serialize(loader);
  }
  CHECK(other.read(0x50) == 0x77);
  CHECK(other.read(kSeconds) == 0x36);
  CHECK(other.read(kRegB) == (kB24Hour | kBUie));
  other.advance_to(kPsPerSecond);
  CHECK(other.read(kSeconds) == 0x37);
  CHECK((other.read(kRegC) & kCUf) != 0);
}

}  // namespace
}  // namespace glasspc::test

// The LAPIC timer over virtual time: one-shot, periodic and TSC-deadline modes, the divide
// configuration, masking. The rig's timer clock is 1 GHz (QEMU's), so one bus tick is 1 ns, and
// the TSC runs at 1 GHz as well.
#include <catch2/catch.hpp>

#include "tests/chipset/apic/apic_rig.h"

namespace glasspc::apic_test {
namespace {

using R = LocalApic;

constexpr u32 kOneShot = 0u << 17;
constexpr u32 kPeriodic = 1u << 17;
constexpr u32 kTscDeadline = 2u << 17;
constexpr u32 kDivideBy1 = 0xB;
constexpr u32 kDivideBy2 = 0x0;

// Takes every pending timer interrupt; returns how many there were.
int drain(ApicRig& rig, u8 vector) {
  int taken = 0;
  while (rig.lapic().irr_bit(vector)) {
    REQUIRE(rig.cpu().take() == vector);
    rig.eoi(0);
    ++taken;
  }
  return taken;
}

TEST_CASE("LAPIC timer one-shot counts down and fires once at zero", "[lapic][timer]") {
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kLvtTimer, kOneShot | 0x40);
  rig.write(0, R::kDivideConfig, kDivideBy1);
  rig.write(0, R::kInitialCount, 1000);
  CHECK(rig.read(0, R::kInitialCount) == 1000);
  rig.advance(250 * kPsPerNs);
  CHECK(rig.read(0, R::kCurrentCount) == 750);
  rig.advance_to(999 * kPsPerNs);
  CHECK_FALSE(rig.lapic().irr_bit(0x40));
  rig.advance_to(1000 * kPsPerNs);
  CHECK(rig.lapic().irr_bit(0x40));
  CHECK(rig.read(0, R::kCurrentCount) == 0);
  CHECK(drain(rig, 0x40) == 1);
  rig.advance(1 * kPsPerMs);
  CHECK(drain(rig, 0x40) == 0);
  // Writing 0 stops a running timer.
  rig.write(0, R::kInitialCount, 100);
  rig.write(0, R::kInitialCount, 0);
  rig.advance(1 * kPsPerMs);
  CHECK(drain(rig, 0x40) == 0);
}

TEST_CASE("LAPIC timer divide configuration values", "[lapic][timer]") {
  const auto [dcr, divisor] = GENERATE(table<u32, u32>(
      {{0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32}, {0x9, 64}, {0xA, 128}, {0xB, 1}}));
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kLvtTimer, kOneShot | 0x40);
  rig.write(0, R::kDivideConfig, dcr);
  CHECK(rig.read(0, R::kDivideConfig) == dcr);
  rig.write(0, R::kInitialCount, 100);
  rig.advance(50 * divisor * kPsPerNs);
  CHECK(rig.read(0, R::kCurrentCount) == 50);
  rig.advance(50 * divisor * kPsPerNs - 1);
  CHECK_FALSE(rig.lapic().irr_bit(0x40));
  rig.advance(1);
  CHECK(rig.lapic().irr_bit(0x40));
}

TEST_CASE("LAPIC timer periodic reloads and fires every period", "[lapic][timer]") {
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kLvtTimer, kPeriodic | 0x41);
  rig.write(0, R::kDivideConfig, kDivideBy1);
  const Picoseconds start = rig.now();
  rig.write(0, R::kInitialCount, 500);
  int fired = 0;
  for (int period = 1; period <= 4; ++period) {
    rig.advance_to(start + (500 * period - 1) * kPsPerNs);
    CHECK(drain(rig, 0x41) == 0);
    rig.advance_to(start + 500 * period * kPsPerNs);
    fired += drain(rig, 0x41);
  }
  CHECK(fired == 4);
  rig.advance_to(start + 2200 * kPsPerNs);
  CHECK(rig.read(0, R::kCurrentCount) == 300);
  // Switching to one-shot lets the current count run out and stop.
  rig.write(0, R::kLvtTimer, kOneShot | 0x41);
  rig.advance_to(start + 2500 * kPsPerNs);
  CHECK(drain(rig, 0x41) == 1);
  rig.advance(10 * kPsPerUs);
  CHECK(drain(rig, 0x41) == 0);
  CHECK(rig.read(0, R::kCurrentCount) == 0);
}

TEST_CASE("LAPIC timer TSC-deadline mode", "[lapic][timer]") {
  ApicRig rig;
  rig.enable(0);
  // Outside TSC-deadline mode the MSR ignores writes and reads zero.
  rig.lapic().set_tsc_deadline(100);
  CHECK(rig.lapic().tsc_deadline() == 0);
  rig.write(0, R::kLvtTimer, kTscDeadline | 0x42);
  rig.write(0, R::kInitialCount, 10);  // ignored in this mode
  CHECK(rig.read(0, R::kCurrentCount) == 0);
  rig.lapic().set_tsc_deadline(5000);
  CHECK(rig.lapic().tsc_deadline() == 5000);
  rig.advance_to(4999 * kPsPerNs);
  CHECK_FALSE(rig.lapic().irr_bit(0x42));
  rig.advance_to(5000 * kPsPerNs);
  CHECK(rig.lapic().irr_bit(0x42));
  CHECK(rig.lapic().tsc_deadline() == 0);  // disarmed by firing
  CHECK(drain(rig, 0x42) == 1);
  // A deadline already in the past fires at once.
  rig.lapic().set_tsc_deadline(10);
  rig.advance(0);
  CHECK(drain(rig, 0x42) == 1);
  // Writing 0 disarms.
  rig.lapic().set_tsc_deadline(rig.now() / kPsPerNs + 100);
  rig.lapic().set_tsc_deadline(0);
  rig.advance(1 * kPsPerUs);
  CHECK(drain(rig, 0x42) == 0);
  // Leaving the mode clears the deadline.
  rig.lapic().set_tsc_deadline(rig.now() / kPsPerNs + 100);
  rig.write(0, R::kLvtTimer, kOneShot | 0x42);
  rig.write(0, R::kLvtTimer, kTscDeadline | 0x42);
  CHECK(rig.lapic().tsc_deadline() == 0);
  rig.advance(1 * kPsPerUs);
  CHECK(drain(rig, 0x42) == 0);
}

TEST_CASE("LAPIC TSC-deadline follows the TSC rate", "[lapic][timer]") {
  ApicRig rig(1, 2'500'000'000);  // 2.5 GHz TSC
  rig.enable(0);
  rig.write(0, R::kLvtTimer, kTscDeadline | 0x43);
  rig.lapic().set_tsc_deadline(2'500'000);  // 1 ms of TSC ticks
  rig.advance_to(1 * kPsPerMs - 1);
  CHECK_FALSE(rig.lapic().irr_bit(0x43));
  rig.advance_to(1 * kPsPerMs);
  CHECK(rig.lapic().irr_bit(0x43));
}

TEST_CASE("LAPIC timer masked: counts without interrupting, expiry while masked is lost",
          "[lapic][timer]") {
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kDivideConfig, kDivideBy1);
  rig.write(0, R::kLvtTimer, kLvtMasked | kOneShot | 0x44);
  rig.write(0, R::kInitialCount, 100);
  rig.advance(40 * kPsPerNs);
  CHECK(rig.read(0, R::kCurrentCount) == 60);
  rig.advance(100 * kPsPerNs);
  CHECK(rig.read(0, R::kCurrentCount) == 0);
  rig.write(0, R::kLvtTimer, kOneShot | 0x44);
  rig.advance(1 * kPsPerUs);
  CHECK(drain(rig, 0x44) == 0);
  // A periodic timer unmasked mid-way interrupts again at the next period boundary.
  rig.write(0, R::kLvtTimer, kLvtMasked | kPeriodic | 0x44);
  const Picoseconds start = rig.now();
  rig.write(0, R::kInitialCount, 100);
  rig.advance_to(start + 250 * kPsPerNs);
  CHECK(drain(rig, 0x44) == 0);
  rig.write(0, R::kLvtTimer, kPeriodic | 0x44);
  rig.advance_to(start + 299 * kPsPerNs);
  CHECK(drain(rig, 0x44) == 0);
  rig.advance_to(start + 300 * kPsPerNs);
  CHECK(drain(rig, 0x44) == 1);
}

TEST_CASE("LAPIC timer divide change keeps the current count", "[lapic][timer]") {
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kLvtTimer, kOneShot | 0x45);
  rig.write(0, R::kDivideConfig, kDivideBy1);
  rig.write(0, R::kInitialCount, 1000);
  rig.advance_to(400 * kPsPerNs);
  CHECK(rig.read(0, R::kCurrentCount) == 600);
  rig.write(0, R::kDivideConfig, kDivideBy2);
  CHECK(rig.read(0, R::kCurrentCount) == 600);
  rig.advance_to(1599 * kPsPerNs);
  CHECK_FALSE(rig.lapic().irr_bit(0x45));
  rig.advance_to(1600 * kPsPerNs);
  CHECK(rig.lapic().irr_bit(0x45));
}

TEST_CASE("LAPIC timer: entering TSC-deadline mode disarms a running count", "[lapic][timer]") {
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kLvtTimer, kOneShot | 0x46);
  rig.write(0, R::kInitialCount, 1000);
  rig.write(0, R::kLvtTimer, kTscDeadline | 0x46);
  CHECK(rig.read(0, R::kCurrentCount) == 0);
  rig.advance(10 * kPsPerUs);
  CHECK(drain(rig, 0x46) == 0);
  // A software disable masks the timer LVT and so silences it.
  rig.write(0, R::kLvtTimer, kOneShot | 0x46);
  rig.write(0, R::kInitialCount, 100);
  rig.write(0, R::kSvr, 0xFF);
  rig.advance(10 * kPsPerUs);
  CHECK_FALSE(rig.lapic().irr_bit(0x46));
}

}  // namespace
}  // namespace glasspc::apic_test

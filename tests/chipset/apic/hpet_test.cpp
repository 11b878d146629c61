// The HPET through its MMIO window at 0xFED00000: capabilities, the 100 MHz main counter,
// comparators in one-shot, periodic and 32-bit modes, IOAPIC, LegacyReplacement and FSB routing,
// level-triggered status.
#include "chipset/hpet.h"

#include <catch2/catch.hpp>
#include <map>

#include "tests/chipset/apic/apic_rig.h"

namespace glasspc::apic_test {
namespace {

using H = Hpet;

constexpr Picoseconds kTick = 10 * kPsPerNs;  // one HPET tick

// Records levels and rising edges per pin.
struct PinProbe : IrqSink {
  void set_irq(unsigned pin, bool level) override {
    if (level && !levels[pin]) ++rises[pin];
    levels[pin] = level;
  }
  std::map<unsigned, bool> levels;
  std::map<unsigned, int> rises;
};

struct HpetRig : ApicRig {
  Hpet hpet{"hpet", machine.scheduler(), machine.trace(), machine.dma(RequesterId::of(0, 0x1F, 0))};
  PinProbe ioapic_pins;
  PinProbe pic_pins;

  explicit HpetRig(bool real_ioapic = false) : ApicRig(2) {
    hpet.attach(machine.memory());
    hpet.connect(real_ioapic ? static_cast<IrqSink*>(&ioapic) : &ioapic_pins, &pic_pins);
  }
  u64 read64(u32 offset) { return machine.memory().read(H::kDefaultBase + offset, 8); }
  u32 read32(u32 offset) {
    return static_cast<u32>(machine.memory().read(H::kDefaultBase + offset, 4));
  }
  void write64(u32 offset, u64 value) {
    machine.memory().write(H::kDefaultBase + offset, value, 8);
  }
  void write32(u32 offset, u32 value) {
    machine.memory().write(H::kDefaultBase + offset, value, 4);
  }
  static u32 timer(unsigned n, u32 reg) { return H::kTimerBlock + n * H::kTimerStride + reg; }
  void hpet_enable(u64 extra = 0) { write64(H::kConfiguration, H::kEnable | extra); }
};

TEST_CASE("HPET capabilities as QEMU reports them", "[hpet]") {
  HpetRig rig;
  CHECK(rig.read64(H::kCapabilities) == 0x00989680'8086A201);
  CHECK(rig.read32(H::kCapabilities + 4) == 10'000'000);  // 10 ns in femtoseconds
  for (unsigned n = 0; n < H::kTimers; ++n) {
    const u64 config = rig.read64(HpetRig::timer(n, H::kTimerConfig));
    CHECK((config & H::kTimerPeriodicCapable) != 0);
    CHECK((config & H::kTimer64BitCapable) != 0);
    CHECK((config & H::kTimerFsbCapable) != 0);
    CHECK(config >> 32 == H::kPiixRouteCapability);
    CHECK(rig.read64(HpetRig::timer(n, H::kTimerComparator)) == ~u64{0});
  }
  rig.write64(H::kCapabilities, 0);  // read-only
  CHECK(rig.read64(H::kCapabilities) == 0x00989680'8086A201);
  // Capability bits ignore writes; only the configuration bits stick.
  rig.write64(HpetRig::timer(0, H::kTimerConfig), ~u64{0});
  CHECK(rig.read64(HpetRig::timer(0, H::kTimerConfig)) == 0x00000004'0000FF7E);
  // Byte accesses are not valid on the HPET: they read all ones and write nothing.
  CHECK(rig.machine.memory().read(H::kDefaultBase, 1) == 0xFF);
}

TEST_CASE("HPET main counter runs at 100 MHz, halts, and takes writes", "[hpet]") {
  HpetRig rig;
  rig.advance(1 * kPsPerMs);
  CHECK(rig.read64(H::kMainCounter) == 0);  // halted after reset
  rig.hpet_enable();
  rig.advance(1 * kPsPerMs);
  CHECK(rig.read64(H::kMainCounter) == 100'000);
  rig.advance(15 * kPsPerNs);
  CHECK(rig.read64(H::kMainCounter) == 100'001);
  rig.write64(H::kConfiguration, 0);  // halt
  const u64 held = rig.read64(H::kMainCounter);
  rig.advance(1 * kPsPerMs);
  CHECK(rig.read64(H::kMainCounter) == held);
  rig.write32(H::kMainCounter + 4, 0x12);  // high half
  rig.write32(H::kMainCounter, 0x34);      // low half
  CHECK(rig.read64(H::kMainCounter) == 0x12'00000034);
  CHECK(rig.read32(H::kMainCounter + 4) == 0x12);
  rig.hpet_enable();
  rig.advance(10 * kPsPerUs);
  CHECK(rig.read64(H::kMainCounter) == 0x12'00000034 + 1000);
}

TEST_CASE("HPET one-shot comparator through IOAPIC input 2 to a LAPIC", "[hpet]") {
  HpetRig rig(true);
  rig.enable_all();
  rig.route(2, 0x3C);  // edge, fixed, physical destination 0
  rig.write64(HpetRig::timer(0, H::kTimerConfig),
              H::kTimerInterruptEnable | (u64{2} << H::kTimerRouteShift));
  rig.write64(HpetRig::timer(0, H::kTimerComparator), 1000);
  rig.hpet_enable();
  rig.advance_to(1000 * kTick - 1);
  CHECK_FALSE(rig.lapic(0).irr_bit(0x3C));
  rig.advance_to(1000 * kTick);
  CHECK(rig.lapic(0).irr_bit(0x3C));
  CHECK(rig.cpu(0).take() == 0x3C);
  rig.eoi(0);
  rig.advance(10 * kPsPerMs);
  CHECK_FALSE(rig.lapic(0).irr_bit(0x3C));      // one-shot: no second match for 2^64 ticks
  CHECK(rig.read64(H::kInterruptStatus) == 0);  // edge timers leave status alone
}

TEST_CASE("HPET periodic timer: Tn_VAL_SET_CNF sets the accumulator, later writes the period",
          "[hpet]") {
  HpetRig rig;
  const u32 config = HpetRig::timer(0, H::kTimerConfig);
  const u32 comparator = HpetRig::timer(0, H::kTimerComparator);
  rig.write64(config, H::kTimerInterruptEnable | H::kTimerPeriodic | H::kTimerValueSet |
                          (u64{2} << H::kTimerRouteShift));
  rig.write64(comparator, 1000);                         // with VAL_SET: comparator and period
  CHECK((rig.read64(config) & H::kTimerValueSet) == 0);  // clears by itself
  rig.write64(comparator, 250);  // periodic without VAL_SET: the period only
  CHECK(rig.read64(comparator) == 1000);
  rig.hpet_enable();
  rig.advance_to(1000 * kTick);
  CHECK(rig.ioapic_pins.rises[2] == 1);
  CHECK(rig.read64(comparator) == 1250);
  rig.advance_to(1249 * kTick);
  CHECK(rig.ioapic_pins.rises[2] == 1);
  rig.advance_to(2000 * kTick);
  CHECK(rig.ioapic_pins.rises[2] == 5);    // 1000, 1250, 1500, 1750, 2000
  CHECK_FALSE(rig.ioapic_pins.levels[2]);  // edges are pulses
  // Halting stops the events; re-enabling resumes from where the counter was held.
  rig.write64(H::kConfiguration, 0);
  rig.advance(1 * kPsPerMs);
  CHECK(rig.ioapic_pins.rises[2] == 5);
}

TEST_CASE("HPET LegacyReplacement routes timer 0 to IRQ 0/GSI 2 and timer 1 to IRQ 8", "[hpet]") {
  HpetRig rig;
  CHECK_FALSE(rig.hpet.legacy_replacement().level());
  rig.write64(HpetRig::timer(0, H::kTimerConfig), H::kTimerInterruptEnable);
  rig.write64(HpetRig::timer(0, H::kTimerComparator), 100);
  rig.write64(HpetRig::timer(1, H::kTimerConfig), H::kTimerInterruptEnable);
  rig.write64(HpetRig::timer(1, H::kTimerComparator), 200);
  rig.hpet_enable(H::kLegacyRoute);
  CHECK(rig.hpet.legacy_replacement().level());
  rig.advance_to(100 * kTick);
  CHECK(rig.pic_pins.rises[0] == 1);
  CHECK(rig.ioapic_pins.rises[2] == 1);
  CHECK(rig.pic_pins.rises[8] == 0);
  rig.advance_to(200 * kTick);
  CHECK(rig.pic_pins.rises[8] == 1);
  CHECK(rig.ioapic_pins.rises[8] == 1);
  CHECK(rig.ioapic_pins.rises[0] == 0);  // timer 1's route field (0) is not used
  rig.write64(H::kConfiguration, H::kEnable);
  CHECK_FALSE(rig.hpet.legacy_replacement().level());
}

TEST_CASE("HPET level-triggered timer: status bit holds the line until written with 1", "[hpet]") {
  HpetRig rig;
  const u32 config = HpetRig::timer(2, H::kTimerConfig);
  rig.write64(config, H::kTimerLevel | H::kTimerInterruptEnable | (u64{2} << H::kTimerRouteShift));
  rig.write64(HpetRig::timer(2, H::kTimerComparator), 50);
  rig.hpet_enable();
  rig.advance_to(50 * kTick);
  CHECK(rig.read64(H::kInterruptStatus) == 1u << 2);
  CHECK(rig.ioapic_pins.levels[2]);
  rig.write64(H::kInterruptStatus, 1u << 0);  // another timer's bit: nothing changes
  CHECK(rig.ioapic_pins.levels[2]);
  rig.write64(H::kInterruptStatus, 1u << 2);
  CHECK(rig.read64(H::kInterruptStatus) == 0);
  CHECK_FALSE(rig.ioapic_pins.levels[2]);
  // With Tn_INT_ENB_CNF clear the status bit is still set, but no line moves.
  rig.write64(config, H::kTimerLevel | (u64{2} << H::kTimerRouteShift));
  rig.write64(HpetRig::timer(2, H::kTimerComparator), 80);
  rig.advance_to(80 * kTick);
  CHECK(rig.read64(H::kInterruptStatus) == 1u << 2);
  CHECK_FALSE(rig.ioapic_pins.levels[2]);
  // Enabling the interrupt now asserts the line for the pending status.
  rig.write64(config, H::kTimerLevel | H::kTimerInterruptEnable | (u64{2} << H::kTimerRouteShift));
  CHECK(rig.ioapic_pins.levels[2]);
}

TEST_CASE("HPET 32-bit mode: 32-bit comparator, wrap of the low counter half", "[hpet]") {
  HpetRig rig;
  const u32 config = HpetRig::timer(0, H::kTimerConfig);
  const u32 comparator = HpetRig::timer(0, H::kTimerComparator);
  rig.write64(comparator, 0x1'00000010);
  rig.write64(config, H::kTimer32Bit | H::kTimerInterruptEnable | (u64{2} << H::kTimerRouteShift));
  CHECK(rig.read64(comparator) == 0x10);  // entering 32-bit mode truncates
  rig.write32(comparator + 4, 0xFFFF);    // the high half is gone
  CHECK(rig.read64(comparator) == 0x10);
  rig.write64(H::kMainCounter, 0x7'FFFFFF00);
  rig.hpet_enable();
  const Picoseconds start = rig.now();
  // One-shot in 32-bit mode: an interrupt when the low 32 bits wrap, then at the comparator.
  rig.advance_to(start + 0xFF * kTick);
  CHECK(rig.ioapic_pins.rises[2] == 0);
  rig.advance_to(start + 0x100 * kTick);
  CHECK(rig.ioapic_pins.rises[2] == 1);
  rig.advance_to(start + 0x110 * kTick);
  CHECK(rig.ioapic_pins.rises[2] == 2);
  CHECK(rig.read64(H::kMainCounter) == 0x8'00000010);  // the main counter stays 64-bit
}

TEST_CASE("HPET FSB delivery writes Tn_FSB_INT_VAL to Tn_FSB_INT_ADDR", "[hpet][msi]") {
  HpetRig rig;
  rig.enable_all();
  rig.write64(HpetRig::timer(1, H::kTimerFsbRoute), (u64{0xFEE01000} << 32) | 0x65);
  rig.write64(HpetRig::timer(1, H::kTimerConfig), H::kTimerFsbEnable | H::kTimerInterruptEnable);
  rig.write64(HpetRig::timer(1, H::kTimerComparator), 300);
  rig.hpet_enable();
  rig.advance_to(300 * kTick);
  CHECK(rig.lapic(1).irr_bit(0x65));
  CHECK_FALSE(rig.lapic(0).irr_bit(0x65));
  CHECK(rig.ioapic_pins.rises.empty());
  CHECK(rig.read32(HpetRig::timer(1, H::kTimerFsbRoute) + 4) == 0xFEE01000);
}

TEST_CASE("HPET route outside Tn_INT_ROUTE_CAP delivers nothing", "[hpet]") {
  HpetRig rig;
  const u32 config = HpetRig::timer(0, H::kTimerConfig);
  rig.write64(config, H::kTimerInterruptEnable | (u64{5} << H::kTimerRouteShift));
  CHECK(((rig.read64(config) & H::kTimerRouteMask) >> H::kTimerRouteShift) == 5);
  rig.write64(HpetRig::timer(0, H::kTimerComparator), 10);
  rig.hpet_enable();
  rig.advance(1 * kPsPerUs);
  CHECK(rig.ioapic_pins.rises.empty());
  CHECK(rig.pic_pins.rises.empty());
  // A reset puts everything back.
  rig.hpet.reset();
  CHECK(rig.read64(H::kConfiguration) == 0);
  CHECK(rig.read64(config) == 0x00000004'00008030);
  CHECK(rig.read64(HpetRig::timer(0, H::kTimerComparator)) == ~u64{0});
}

}  // namespace
}  // namespace glasspc::apic_test

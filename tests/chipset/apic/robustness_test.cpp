// Whatever a guest writes, the interrupt fabric neither crashes nor asserts: every register of
// the LAPIC (xAPIC page and x2APIC MSRs), the IOAPIC and the HPET is hit with pseudo-random
// values in every access size, with time running in between.
#include <catch2/catch.hpp>

#include "chipset/hpet.h"
#include "tests/chipset/apic/apic_rig.h"

namespace glasspc::apic_test {
namespace {

// A fixed xorshift generator: the same garbage on every run.
struct Garbage {
  u64 state = 0x9E3779B97F4A7C15;
  u64 next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

TEST_CASE("Garbage writes to LAPIC, IOAPIC and HPET registers are survived", "[robustness]") {
  ApicRig rig(2);
  Hpet hpet("hpet", rig.machine.scheduler(), rig.machine.trace(),
            rig.machine.dma(RequesterId::of(0, 0x1F, 0)));
  hpet.attach(rig.machine.memory());
  hpet.connect(&rig.ioapic, nullptr);
  Garbage garbage;
  const unsigned sizes[] = {1, 2, 4, 8};
  for (int round = 0; round < 20000; ++round) {
    const u64 value = garbage.next();
    const u64 where = garbage.next();
    const unsigned size = sizes[where % 4];
    const unsigned lapic = (where >> 8) & 1;
    switch ((where >> 4) % 8) {
      case 0:
        rig.lapic(lapic).mmio_write(static_cast<u32>(where >> 16), static_cast<u32>(value), size);
        break;
      case 1:
        rig.lapic(lapic).mmio_read(static_cast<u32>(where >> 16), size);
        break;
      case 2: {
        u64 ignored = 0;
        rig.lapic(lapic).msr_write(0x800 + static_cast<u32>((where >> 16) & 0xFF), value);
        rig.lapic(lapic).msr_read(0x800 + static_cast<u32>((where >> 24) & 0xFF), ignored);
        break;
      }
      case 3:
        rig.lapic(lapic).set_apic_base(value & 0xFFFFFFFF'FFFFFFFF >> (where % 64));
        break;
      case 4:
        rig.machine.memory().write(IoApic::kDefaultBase + ((where >> 16) & 0xFFF), value, size);
        rig.ioapic.set_irq(static_cast<unsigned>(value % 30), (value >> 40) & 1);
        break;
      case 5:
        rig.machine.memory().write(Hpet::kDefaultBase + ((where >> 16) & 0x3FF), value, size);
        break;
      case 6:
        rig.machine.dma(RequesterId::of(0, 3, 0))
            .signal_msi(0xFEE00000 | (value & 0xFFFFF), static_cast<u32>(value >> 20));
        rig.lapic(lapic).set_irq(static_cast<unsigned>(value % 3), (value >> 50) & 1);
        break;
      case 7:
        if (rig.cpu(lapic).intr) rig.cpu(lapic).take();
        rig.lapic(lapic).set_tsc_deadline(value >> (where % 64));
        rig.advance(value % (10 * kPsPerUs));
        break;
    }
  }
  // Still a working LAPIC afterwards.
  REQUIRE(rig.lapic(0).set_apic_base(LocalApic::kDefaultBase));
  REQUIRE(rig.lapic(0).set_apic_base(kApicBaseEnabled));
  rig.enable(0);
  rig.fixed(0, 0x77);
  CHECK(rig.lapic(0).irr_bit(0x77));
}

}  // namespace
}  // namespace glasspc::apic_test

namespace glasspc::apic_test {
namespace {

// Saves `device` into a fresh archive and loads it into `into`.
template <typename T>
void copy_state(T& device, T& into) {
  Archive saver = Archive::for_saving();
  {
    ArchiveSection section(saver, device.name(), 1);
    device.serialize(saver);
  }
  Archive loader = Archive::for_loading(saver.finish());
  ArchiveSection section(loader, into.name(), 1);
  into.serialize(loader);
}

TEST_CASE("IOAPIC and HPET snapshot round trip", "[snapshot]") {
  ApicRig rig;
  rig.route(3, IoApic::kLevelTriggered | 0x43);
  rig.ioapic_write(IoApic::kIdRegister, 0x05000000);
  rig.ioapic.set_irq(3, true);
  ApicRig other;
  copy_state(rig.ioapic, other.ioapic);
  CHECK(other.ioapic.redirection_entry(3) == (IoApic::kLevelTriggered | 0x43));
  CHECK(other.ioapic.id() == 5);
  CHECK(other.ioapic.pin_level(3));
  CHECK(other.ioapic_read(IoApic::kIdRegister) == 0x05000000);

  Hpet hpet("hpet", rig.machine.scheduler(), rig.machine.trace(),
            rig.machine.dma(RequesterId::of(0, 0x1F, 0)));
  hpet.mmio_write(Hpet::kTimerBlock + Hpet::kTimerComparator, 12345, 8);
  hpet.mmio_write(Hpet::kConfiguration, Hpet::kEnable, 8);
  rig.advance(1 * kPsPerUs);
  Hpet restored("hpet", other.machine.scheduler(), other.machine.trace(),
                other.machine.dma(RequesterId::of(0, 0x1F, 0)));
  copy_state(hpet, restored);
  other.advance_to(rig.now());
  CHECK(restored.mmio_read(Hpet::kMainCounter, 8) == 100);
  CHECK(restored.mmio_read(Hpet::kTimerBlock + Hpet::kTimerComparator, 8) == 12345);
  CHECK(restored.mmio_read(Hpet::kConfiguration, 8) == Hpet::kEnable);
}

}  // namespace
}  // namespace glasspc::apic_test

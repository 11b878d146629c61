// The PCI side of the board together: host bridge, PIIX3, power management and a device, driven
// the way a guest would, including with garbage.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "chipset/acpi_pm.h"
#include "chipset/piix3.h"
#include "tests/chipset/pci/pci_rig.h"

namespace glasspc {
namespace {

using test::PciRig;
using test::TestFunction;

struct BoardRig : PciRig {
  test::FakeSystem system;
  test::IrqProbe pic;
  Piix3& piix3;
  AcpiPm& pm;
  TestFunction& dev;
  BoardRig()
      : piix3(machine.add_device<Piix3>("piix3", bus, system)),
        pm(machine.add_device<AcpiPm>("acpi", bus, system)),
        dev(machine.add_device<TestFunction>("dev", bus, 3)) {
    piix3.connect_isa_irqs(pic, nullptr);
    host.forward_legacy_accesses(piix3.reset_control_port());
    host.map_shadow_ram(machine.memory());
    pm.attach(machine.ports());
    pm.sci().connect(pic, AcpiPm::kSciIrq);
  }
};

// A fixed pseudo-random sequence (64-bit LCG, Knuth's MMIX constants): the same garbage each run.
struct Lcg {
  u64 state = 0x9E3779B97F4A7C15;
  u32 next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<u32>(state >> 32);
  }
};

TEST_CASE("pci board: a guest enumerating the bus finds every function by its IDs",
          "[pci][board]") {
  BoardRig rig;
  std::vector<std::string> found;
  for (u8 device = 0; device < 32; ++device) {
    const u32 id0 = rig.config_read(device, 0, pci::kVendorId, 4);
    if ((id0 & 0xFFFF) == 0xFFFF) continue;
    const bool multi = rig.config_read(device, 0, pci::kHeaderType, 1) & 0x80;
    for (u8 function = 0; function < (multi ? 8 : 1); ++function) {
      const u32 id = rig.config_read(device, function, pci::kVendorId, 4);
      if ((id & 0xFFFF) == 0xFFFF) continue;
      found.push_back(RequesterId::of(0, device, function).to_string() + " " +
                      fmt::format("{:04x}:{:04x}", id & 0xFFFF, id >> 16));
    }
  }
  const std::vector<std::string> expected = {"00:00.0 8086:1237", "00:01.0 8086:7000",
                                             "00:01.3 8086:7113", "00:03.0 1234:beef"};
  CHECK(found == expected);
}

TEST_CASE("pci board: garbage in every configuration register and port never breaks the bus",
          "[pci][board]") {
  BoardRig rig;
  Lcg random;
  const unsigned sizes[] = {1, 2, 4};
  for (int round = 0; round < 3; ++round) {
    for (u8 device : {u8{0}, u8{1}, u8{3}}) {
      for (u8 function : {u8{0}, u8{3}}) {
        for (unsigned reg = 0; reg < pci::kConfigSize; ++reg) {
          const unsigned size = sizes[random.next() % 3];
          rig.config_write(device, function, static_cast<u8>(reg), random.next(), size);
        }
      }
    }
    // Enable everything, then poke wherever the BARs and blocks landed.
    rig.config_write(3, 0, pci::kCommand, 0x0007, 2);
    rig.config_write(1, 3, AcpiPm::kPmregmisc, 1, 1);
    for (unsigned i = 0; i < 4096; ++i) {
      const u16 port = static_cast<u16>(random.next());
      if (port == 0xCF9 || port == 0x92) continue;  // resets are counted below
      rig.out(port, random.next(), sizes[random.next() % 3]);
      rig.in(port, sizes[random.next() % 3]);
    }
    for (unsigned i = 0; i < 4096; ++i) {
      const Gpa gpa = (u64{random.next()} << 32 | random.next()) >> (random.next() % 33);
      rig.poke(gpa, random.next(), sizes[random.next() % 3]);
      rig.peek(gpa, sizes[random.next() % 3]);
    }
    rig.dev.set_intx(random.next() & 1);
    rig.dev.msi().notify(random.next() % 64);
    rig.dev.msix().notify(random.next() % 64);
    rig.pm.raise_gpe(random.next() % 32);
  }
  // The host bridge still answers, and a machine reset brings every function back.
  rig.machine.reset();
  CHECK(rig.config_read(0, 0, pci::kVendorId, 4) == 0x12378086);
  CHECK(rig.config_read(1, 0, Piix3::kPirqRouteControl, 4) == 0x80808080);
  CHECK(rig.config_read(3, 0, pci::kBar0, 4) == pci::kBarIoSpace);
  CHECK(rig.config_read(1, 3, AcpiPm::kPmregmisc, 1) == 0);
  CHECK_FALSE(rig.dev.bar_decoded_at(0));
}

}  // namespace
}  // namespace glasspc

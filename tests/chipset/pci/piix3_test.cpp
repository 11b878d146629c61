// Register-level tests of the PIIX3: PIRQ routing of PCI INTx# to ISA IRQs, the reset control
// register at 0xCF9, port 0x92 and the POST code port.
#include "chipset/piix3.h"

#include <catch2/catch.hpp>

#include "chipset/piix3_port92.h"
#include "chipset/piix3_post_code.h"
#include "tests/chipset/pci/pci_rig.h"

namespace glasspc {
namespace {

using test::PciRig;
using test::TestFunction;

constexpr u8 kPirqA = Piix3::kPirqRouteControl;

struct Piix3Rig : PciRig {
  test::FakeSystem system;
  test::IrqProbe pic;
  test::IrqProbe ioapic;
  Piix3& piix3;
  Piix3Rig() : piix3(machine.add_device<Piix3>("piix3", bus, system)) {
    piix3.connect_isa_irqs(pic, &ioapic);
    host.forward_legacy_accesses(piix3.reset_control_port());
  }
  void route(unsigned pirq, u8 value) {
    config_write(1, 0, static_cast<u8>(kPirqA + pirq), value, 1);
  }
};

TEST_CASE("piix3: identity, multi-function header and PIRQ routes disabled at reset", "[piix3]") {
  Piix3Rig rig;
  CHECK(rig.config_read(1, 0, pci::kVendorId, 4) == 0x70008086);
  CHECK(rig.config_read(1, 0, pci::kSubclass, 2) == 0x0601);
  CHECK(rig.config_read(1, 0, pci::kHeaderType, 1) == pci::kHeaderTypeMultiFunction);
  CHECK(rig.config_read(1, 0, kPirqA, 4) == 0x80808080);
  CHECK((rig.config_read(1, 0, pci::kCommand, 2) & 0x7) == 0x7);
  rig.route(0, 0xFF);
  CHECK(rig.config_read(1, 0, kPirqA, 1) == 0x8F);  // bits 6:4 reserved
}

TEST_CASE("piix3: INTx# reaches the ISA IRQ its PIRQ is routed to, after the slot swizzle",
          "[piix3][pirq]") {
  Piix3Rig rig;
  auto& dev3 = rig.machine.add_device<TestFunction>("dev3", rig.bus, 3);  // INTA# -> PIRQC
  auto& dev5 = rig.machine.add_device<TestFunction>("dev5", rig.bus, 5);  // INTA# -> PIRQA
  CHECK(PciBus::pirq_of(1, pci::kIntA) == 0);
  CHECK(PciBus::pirq_of(2, pci::kIntA) == 1);
  CHECK(PciBus::pirq_of(2, pci::kIntB) == 2);
  CHECK(PciBus::pirq_of(0, pci::kIntA) == 3);
  CHECK(PciBus::pirq_of(5, pci::kIntA) == 0);
  rig.route(2, 11);  // PIRQC -> IRQ 11
  rig.route(0, 10);  // PIRQA -> IRQ 10
  dev3.set_intx(true);
  CHECK(rig.pic.level[11]);
  CHECK(rig.ioapic.level[11]);
  CHECK_FALSE(rig.pic.level[10]);
  dev5.set_intx(true);
  CHECK(rig.pic.level[10]);
  dev3.set_intx(false);
  CHECK_FALSE(rig.pic.level[11]);
  CHECK_FALSE(rig.ioapic.level[11]);
  CHECK(rig.pic.level[10]);
  CHECK(rig.piix3.route_of(2) == 11);
}

TEST_CASE("piix3: a disabled or reserved route drives nothing, rerouting moves the level",
          "[piix3][pirq]") {
  Piix3Rig rig;
  auto& dev = rig.machine.add_device<TestFunction>("dev", rig.bus, 3);  // PIRQC
  dev.set_intx(true);
  CHECK(rig.pic.events.empty());  // route disabled at reset
  rig.route(2, 0x80 | 11);        // IRQROUTEN set: still disabled
  CHECK(rig.pic.events.empty());
  rig.route(2, 2);  // IRQ 2 is reserved (cascade)
  CHECK(rig.pic.events.empty());
  CHECK(rig.piix3.route_of(2) == -1);
  rig.route(2, 5);
  CHECK(rig.pic.level[5]);
  rig.route(2, 9);  // the level moves from IRQ 5 to IRQ 9
  CHECK_FALSE(rig.pic.level[5]);
  CHECK(rig.pic.level[9]);
  rig.route(2, 0x89);
  CHECK_FALSE(rig.pic.level[9]);
}

TEST_CASE("piix3: PIRQs sharing one IRQ are ORed", "[piix3][pirq]") {
  Piix3Rig rig;
  auto& a = rig.machine.add_device<TestFunction>("a", rig.bus, 5);  // PIRQA
  auto& b = rig.machine.add_device<TestFunction>("b", rig.bus, 6);  // PIRQB
  rig.route(0, 11);
  rig.route(1, 11);
  a.set_intx(true);
  b.set_intx(true);
  CHECK(rig.pic.level[11]);
  a.set_intx(false);
  CHECK(rig.pic.level[11]);
  b.set_intx(false);
  CHECK_FALSE(rig.pic.level[11]);
  // Two functions on one PIRQ share the wire-OR inside the bus too.
  auto& c = rig.machine.add_device<TestFunction>("c", rig.bus, 5, 1);  // also PIRQA
  a.set_intx(true);
  c.set_intx(true);
  a.set_intx(false);
  CHECK(rig.pic.level[11]);
  c.set_intx(false);
  CHECK_FALSE(rig.pic.level[11]);
}

TEST_CASE("piix3: reset control register at 0xCF9", "[piix3][reset]") {
  Piix3Rig rig;
  rig.out(Piix3::kResetControlPort, Piix3::kResetSystem);
  CHECK(rig.system.resets == 0);
  CHECK(rig.in(Piix3::kResetControlPort) == Piix3::kResetSystem);  // SRST reads back
  rig.out(Piix3::kResetControlPort, 0x06);                         // the FADT reset value
  CHECK(rig.system.resets == 1);
  CHECK(rig.system.reason.find("hard reset") != std::string::npos);
  CHECK(rig.in(Piix3::kResetControlPort) == Piix3::kResetSystem);  // RCPU does not
  rig.out(Piix3::kResetControlPort, Piix3::kResetCpu);
  CHECK(rig.system.resets == 2);
  CHECK(rig.system.reason.find("soft reset") != std::string::npos);
  // A word write across 0xCF8/0xCF9 is not a reset control access, and CONFIG_ADDRESS is intact.
  rig.out(test::kConfigAddress, 0x80000000, 4);
  rig.out(0xCF8, 0x0600, 2);
  CHECK(rig.system.resets == 2);
  CHECK(rig.in(test::kConfigAddress, 4) == 0x80000000);
  rig.machine.reset();
  CHECK(rig.in(Piix3::kResetControlPort) == 0);
}

TEST_CASE("port92: bit 1 drives the A20 gate and bit 0 resets on a 0 to 1 write",
          "[piix3][port92]") {
  PciRig rig;
  test::FakeSystem system;
  auto& port92 =
      rig.machine.add_device<Port92>("port92", rig.machine.memory(), system, rig.machine.trace());
  port92.attach(rig.machine.ports());
  CHECK(rig.in(Port92::kPort) == 0);
  rig.out(Port92::kPort, Port92::kA20Gate);
  CHECK(rig.machine.memory().a20_enabled());
  CHECK(rig.in(Port92::kPort) == Port92::kA20Gate);
  rig.out(Port92::kPort, 0);
  CHECK_FALSE(rig.machine.memory().a20_enabled());
  CHECK(system.resets == 0);
  rig.out(Port92::kPort, Port92::kFastReset | Port92::kA20Gate);
  CHECK(system.resets == 1);
  CHECK(rig.machine.memory().a20_enabled());
  rig.out(Port92::kPort, Port92::kFastReset | Port92::kA20Gate);  // already 1: no new reset
  CHECK(system.resets == 1);
  rig.out(Port92::kPort, 0xFC);  // reserved bits read 0
  CHECK(rig.in(Port92::kPort) == 0);
  rig.out(Port92::kPort, Port92::kFastReset);
  rig.machine.reset();  // FAST_INIT clears, so the next write resets again
  CHECK(rig.in(Port92::kPort) == 0);
  rig.out(Port92::kPort, Port92::kFastReset);
  CHECK(system.resets == 3);
}

TEST_CASE("post: port 0x80 latches the last code and reads it back", "[piix3][post]") {
  PciRig rig;
  auto& post = rig.machine.add_device<PostCodePort>("post", rig.machine.trace());
  post.attach(rig.machine.ports());
  rig.out(PostCodePort::kPort, 0x10);
  rig.out(PostCodePort::kPort, 0xAA);
  CHECK(rig.in(PostCodePort::kPort) == 0xAA);
  CHECK(post.last_code() == 0xAA);
  CHECK(post.codes_written() == 2);
}

}  // namespace
}  // namespace glasspc

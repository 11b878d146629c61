// The 82093AA IOAPIC through its MMIO window: identification registers, redirection entries,
// edge and level delivery, remote IRR and both EOI paths, masking and re-delivery.
#include <catch2/catch.hpp>

#include "tests/chipset/apic/apic_rig.h"

namespace glasspc::apic_test {
namespace {

using R = LocalApic;

constexpr u64 kLevel = IoApic::kLevelTriggered;
constexpr u64 kMasked = IoApic::kMasked;
constexpr u64 kRemoteIrr = IoApic::kRemoteIrr;

u64 destination(u32 apic_id) {
  return u64{apic_id} << IoApic::kDestinationShift;
}

TEST_CASE("IOAPIC identification: ID, version 0x00170020, arbitration, IOREGSEL", "[ioapic]") {
  ApicRig rig;
  CHECK(rig.ioapic_read(IoApic::kVersionRegister) == 0x00170020);
  CHECK(rig.ioapic_read(IoApic::kIdRegister) == 0);
  rig.ioapic_write(IoApic::kIdRegister, 0x0A000000);
  CHECK(rig.ioapic_read(IoApic::kIdRegister) == 0x0A000000);
  CHECK(rig.ioapic_read(IoApic::kArbitrationRegister) == 0x0A000000);  // loaded from the ID
  rig.ioapic_write(IoApic::kIdRegister, 0xFFFFFFFF);                   // only bits 27:24 exist
  CHECK(rig.ioapic_read(IoApic::kIdRegister) == 0x0F000000);
  rig.ioapic_write(IoApic::kVersionRegister, 0);  // read-only
  CHECK(rig.ioapic_read(IoApic::kVersionRegister) == 0x00170020);
  // IOREGSEL keeps 8 bits and reads back; an index past the table reads zero.
  rig.machine.memory().write(IoApic::kDefaultBase, 0x12F0, 4);
  CHECK(rig.machine.memory().read(IoApic::kDefaultBase, 4) == 0xF0);
  CHECK(rig.machine.memory().read(IoApic::kDefaultBase + IoApic::kIoWin, 4) == 0);
  // A byte write to IOREGSEL, as some guests do, works too.
  rig.machine.memory().write(IoApic::kDefaultBase, IoApic::kVersionRegister, 1);
  CHECK(rig.machine.memory().read(IoApic::kDefaultBase + IoApic::kIoWin, 4) == 0x00170020);
}

TEST_CASE("IOAPIC redirection entries: reset masked, writable fields, read-only status",
          "[ioapic]") {
  ApicRig rig;
  for (unsigned pin = 0; pin < IoApic::kPins; ++pin)
    CHECK(rig.ioapic.redirection_entry(pin) == kMasked);
  CHECK(rig.ioapic_read(IoApic::kRedirectionTable + 2 * 5) == kMasked);
  rig.route(5, destination(0xAB) | 0xFFFFFFFF);  // every low bit, including the read-only ones
  CHECK(rig.ioapic_read(IoApic::kRedirectionTable + 2 * 5) == 0x0001AFFF);
  CHECK(rig.ioapic_read(IoApic::kRedirectionTable + 2 * 5 + 1) == 0xAB000000);
  CHECK(rig.ioapic.redirection_entry(5) == (destination(0xAB) | 0x1AFFF));
  // Bits 55:32 are reserved.
  rig.ioapic_write(IoApic::kRedirectionTable + 2 * 6 + 1, 0xFFFFFFFF);
  CHECK(rig.ioapic_read(IoApic::kRedirectionTable + 2 * 6 + 1) == 0xFF000000);
}

TEST_CASE("IOAPIC edge-triggered pin: one message per rising edge, lost while masked", "[ioapic]") {
  ApicRig rig(2);
  rig.enable_all();
  rig.route(4, destination(1) | 0x34);
  rig.ioapic.set_irq(4, true);
  CHECK(rig.lapic(1).irr_bit(0x34));
  CHECK_FALSE(rig.lapic(0).irr_bit(0x34));
  CHECK_FALSE(rig.lapic(1).tmr_bit(0x34));
  CHECK(rig.cpu(1).take() == 0x34);
  rig.ioapic.set_irq(4, true);  // no new edge
  CHECK_FALSE(rig.lapic(1).irr_bit(0x34));
  rig.ioapic.set_irq(4, false);
  rig.route(4, kMasked | destination(1) | 0x34);
  rig.ioapic.set_irq(4, true);
  rig.ioapic.set_irq(4, false);
  rig.route(4, destination(1) | 0x34);  // unmasking does not resurrect the edge
  CHECK_FALSE(rig.lapic(1).irr_bit(0x34));
  rig.ioapic.set_irq(4, true);
  CHECK(rig.lapic(1).irr_bit(0x34));
  // Pins above 23 do not exist.
  rig.ioapic.set_irq(24, true);
  rig.ioapic.set_irq(1000, true);
}

TEST_CASE("IOAPIC level-triggered pin: remote IRR, EOI broadcast, re-delivery", "[ioapic]") {
  ApicRig rig;
  rig.enable(0);
  rig.route(10, kLevel | destination(0) | 0x3A);
  rig.ioapic.set_irq(10, true);
  CHECK(rig.lapic().irr_bit(0x3A));
  CHECK(rig.lapic().tmr_bit(0x3A));
  CHECK((rig.ioapic.redirection_entry(10) & kRemoteIrr) != 0);
  CHECK((rig.ioapic_read(IoApic::kRedirectionTable + 2 * 10) & kRemoteIrr) != 0);
  CHECK(rig.cpu().take() == 0x3A);
  // While remote IRR is set nothing more is sent, even on a new assertion.
  rig.ioapic.set_irq(10, false);
  rig.ioapic.set_irq(10, true);
  CHECK_FALSE(rig.lapic().irr_bit(0x3A));
  // The EOI (level-triggered vector) clears remote IRR; the line is still up, so it comes back.
  rig.eoi(0);
  CHECK(rig.lapic().irr_bit(0x3A));
  CHECK((rig.ioapic.redirection_entry(10) & kRemoteIrr) != 0);
  CHECK(rig.cpu().take() == 0x3A);
  // Device serviced: line drops before the EOI; remote IRR clears and stays clear.
  rig.ioapic.set_irq(10, false);
  rig.eoi(0);
  CHECK((rig.ioapic.redirection_entry(10) & kRemoteIrr) == 0);
  CHECK_FALSE(rig.lapic().irr_bit(0x3A));
}

TEST_CASE("IOAPIC EOI register clears remote IRR by vector", "[ioapic]") {
  ApicRig rig;
  // Suppress the LAPIC's EOI broadcast, as an OS using directed EOI does.
  rig.write(0, R::kSvr, kSvrEnable | (1u << 12) | 0xFF);
  rig.route(11, kLevel | destination(0) | 0x4B);
  rig.route(12, kLevel | destination(0) | 0x4C);
  rig.ioapic.set_irq(11, true);
  rig.ioapic.set_irq(12, true);
  CHECK(rig.cpu().take() == 0x4C);
  rig.eoi(0);
  CHECK(rig.cpu().take() == 0x4B);
  rig.eoi(0);
  CHECK((rig.ioapic.redirection_entry(11) & kRemoteIrr) != 0);  // not broadcast
  rig.ioapic.set_irq(11, false);
  rig.machine.memory().write(IoApic::kDefaultBase + IoApic::kEoi, 0x4B, 4);
  CHECK((rig.ioapic.redirection_entry(11) & kRemoteIrr) == 0);
  CHECK((rig.ioapic.redirection_entry(12) & kRemoteIrr) != 0);  // other vector untouched
  // Pin 12 is still asserted: its EOI re-delivers.
  rig.machine.memory().write(IoApic::kDefaultBase + IoApic::kEoi, 0x4C, 4);
  CHECK(rig.lapic().irr_bit(0x4C));
  CHECK(rig.machine.memory().read(IoApic::kDefaultBase + IoApic::kEoi, 4) == 0);
}

TEST_CASE("IOAPIC masked level interrupt is delivered when unmasked while asserted", "[ioapic]") {
  ApicRig rig;
  rig.enable(0);
  rig.route(9, kMasked | kLevel | destination(0) | 0x39);
  rig.ioapic.set_irq(9, true);
  CHECK_FALSE(rig.lapic().irr_bit(0x39));
  CHECK(rig.ioapic.pin_level(9));
  rig.route(9, kLevel | destination(0) | 0x39);
  CHECK(rig.lapic().irr_bit(0x39));
  CHECK((rig.ioapic.redirection_entry(9) & kRemoteIrr) != 0);
  // Switching the entry to edge clears remote IRR.
  rig.route(9, destination(0) | 0x39);
  CHECK((rig.ioapic.redirection_entry(9) & kRemoteIrr) == 0);
  // A level message no LAPIC accepts leaves remote IRR clear.
  rig.ioapic.set_irq(9, false);
  rig.route(9, kLevel | destination(7) | 0x39);
  rig.ioapic.set_irq(9, true);
  CHECK((rig.ioapic.redirection_entry(9) & kRemoteIrr) == 0);
}

TEST_CASE("IOAPIC delivery modes: logical destination, lowest priority, NMI, ExtINT", "[ioapic]") {
  ApicRig rig(2);
  rig.enable_all();
  rig.write(0, R::kLdr, 0x01000000);
  rig.write(1, R::kLdr, 0x02000000);
  rig.route(1, IoApic::kDestinationLogical | destination(0x02) | 0x41);
  rig.ioapic.set_irq(1, true);
  CHECK(rig.lapic(1).irr_bit(0x41));
  CHECK_FALSE(rig.lapic(0).irr_bit(0x41));
  rig.write(0, R::kTpr, 0x70);
  rig.route(3, IoApic::kDestinationLogical | (u64{1} << IoApic::kDeliveryModeShift) |
                   destination(0x03) | 0x43);
  rig.ioapic.set_irq(3, true);
  CHECK(rig.lapic(1).irr_bit(0x43));  // lower priority than LAPIC 0 (TPR 0x70)
  rig.route(2, (u64{4} << IoApic::kDeliveryModeShift) | destination(0));
  rig.ioapic.set_irq(2, true);
  CHECK(rig.cpu(0).nmis == 1);
  rig.route(0, (u64{7} << IoApic::kDeliveryModeShift) | destination(0));
  rig.ioapic.set_irq(0, true);
  CHECK(rig.cpu(0).intr);  // ExtINT waits for the acknowledge (no 8259 here: spurious)
  CHECK(rig.cpu(0).take() == 0xFF);
}

TEST_CASE("IOAPIC reset masks every entry and keeps pin levels", "[ioapic]") {
  ApicRig rig;
  rig.route(7, kLevel | 0x47);
  rig.ioapic.set_irq(7, true);
  rig.ioapic_write(IoApic::kIdRegister, 0x03000000);
  rig.ioapic.reset();
  CHECK(rig.ioapic.redirection_entry(7) == kMasked);
  CHECK(rig.ioapic.id() == 0);
  CHECK(rig.ioapic.pin_level(7));
}

}  // namespace
}  // namespace glasspc::apic_test

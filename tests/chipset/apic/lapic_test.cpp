// Register-level tests of the local APIC in xAPIC mode: priorities, acceptance, acknowledge, EOI,
// errors, the LINT pins and IA32_APIC_BASE.
#include <catch2/catch.hpp>

#include "bus/port_space.h"
#include "chipset/pic8259.h"
#include "tests/chipset/apic/apic_rig.h"

namespace glasspc::apic_test {
namespace {

using R = LocalApic;

TEST_CASE("LAPIC power-up state: ID, version, DFR, SVR, masked LVTs, BSP virtual wire", "[lapic]") {
  ApicRig rig(2);
  CHECK(rig.read(1, R::kId) == 1u << 24);
  CHECK(rig.read(0, R::kVersion) == 0x01050014);
  CHECK(rig.read(0, R::kDfr) == 0xFFFFFFFF);
  CHECK(rig.read(0, R::kSvr) == 0xFF);
  CHECK(rig.read(0, R::kTpr) == 0);
  CHECK(rig.read(0, R::kLdr) == 0);
  CHECK(rig.lapic(0).apic_base() == (kApicBaseEnabled | R::kApicBaseBsp));
  CHECK(rig.lapic(1).apic_base() == kApicBaseEnabled);
  for (u32 lvt : {R::kLvtTimer, R::kLvtThermal, R::kLvtPerf, R::kLvtLint1, R::kLvtError})
    CHECK(rig.read(0, lvt) == kLvtMasked);
  // The BSP's LINT0 is ExtINT and unmasked; an AP's is masked.
  CHECK(rig.read(0, R::kLvtLint0) == 0x700);
  CHECK(rig.read(1, R::kLvtLint0) == kLvtMasked);
  CHECK(rig.cpu(0).acknowledger == &rig.lapic(0));
  // The ID register is writable in xAPIC mode and changes what the LAPIC answers to.
  rig.write(1, R::kId, 0x07000000);
  CHECK(rig.lapic(1).apic_id() == 7);
}

TEST_CASE("LAPIC fixed interrupt raises INTR; acknowledge moves IRR to ISR", "[lapic]") {
  ApicRig rig;
  rig.enable(0);
  rig.fixed(0, 0x31);
  CHECK(rig.lapic().irr_bit(0x31));
  CHECK(rig.read(0, R::kIrr + 0x10) == 1u << (0x31 - 32));
  CHECK(rig.cpu().intr);
  CHECK(rig.cpu().take() == 0x31);
  CHECK_FALSE(rig.lapic().irr_bit(0x31));
  CHECK(rig.lapic().isr_bit(0x31));
  CHECK(rig.read(0, R::kIsr + 0x10) == 1u << (0x31 - 32));
  CHECK_FALSE(rig.cpu().intr);
  CHECK(rig.read(0, R::kPpr) == 0x30);
  rig.eoi(0);
  CHECK_FALSE(rig.lapic().isr_bit(0x31));
  CHECK(rig.read(0, R::kPpr) == 0x00);
}

TEST_CASE("LAPIC TPR blocks interrupts of its class and below; CR8 is TPR[7:4]", "[lapic]") {
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kTpr, 0x45);
  CHECK(rig.lapic().cr8() == 4);
  rig.fixed(0, 0x4F);  // same class as TPR: blocked
  CHECK(rig.lapic().irr_bit(0x4F));
  CHECK_FALSE(rig.cpu().intr);
  rig.fixed(0, 0x3A);  // lower class: blocked
  CHECK_FALSE(rig.cpu().intr);
  rig.fixed(0, 0x51);  // higher class: delivered
  CHECK(rig.cpu().intr);
  CHECK(rig.cpu().take() == 0x51);
  CHECK_FALSE(rig.cpu().intr);
  rig.eoi(0);
  // Lowering TPR through CR8 releases the pending vectors, highest first.
  rig.lapic().set_cr8(3);
  CHECK(rig.read(0, R::kTpr) == 0x30);
  CHECK(rig.cpu().intr);
  CHECK(rig.cpu().take() == 0x4F);
  rig.eoi(0);
  CHECK_FALSE(rig.cpu().intr);  // 0x3A is in class 3, still blocked
  rig.lapic().set_cr8(0);
  CHECK(rig.cpu().take() == 0x3A);
}

TEST_CASE("LAPIC PPR is TPR or the in-service class, whichever is higher", "[lapic]") {
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kTpr, 0x27);
  CHECK(rig.read(0, R::kPpr) == 0x27);
  rig.fixed(0, 0x65);
  CHECK(rig.cpu().take() == 0x65);
  CHECK(rig.read(0, R::kPpr) == 0x60);  // ISRV class above TPR: sub-class 0
  rig.write(0, R::kTpr, 0x6C);
  CHECK(rig.read(0, R::kPpr) == 0x6C);  // TPR class >= ISRV class: TPR itself
  rig.write(0, R::kTpr, 0x00);
  rig.eoi(0);
  CHECK(rig.read(0, R::kPpr) == 0x00);
}

TEST_CASE("LAPIC nesting: a higher class preempts, EOI retires the highest ISR bit", "[lapic]") {
  ApicRig rig;
  rig.enable(0);
  rig.fixed(0, 0x40);
  CHECK(rig.cpu().take() == 0x40);
  rig.fixed(0, 0x45);  // same class as the one in service: waits
  CHECK_FALSE(rig.cpu().intr);
  rig.fixed(0, 0x80);  // higher class: nests
  CHECK(rig.cpu().intr);
  CHECK(rig.cpu().take() == 0x80);
  CHECK(rig.lapic().isr_bit(0x40));
  CHECK(rig.lapic().isr_bit(0x80));
  rig.eoi(0);  // retires 0x80
  CHECK_FALSE(rig.lapic().isr_bit(0x80));
  CHECK(rig.lapic().isr_bit(0x40));
  CHECK_FALSE(rig.cpu().intr);
  rig.eoi(0);  // retires 0x40; 0x45 now deliverable
  CHECK(rig.cpu().intr);
  CHECK(rig.cpu().take() == 0x45);
  // The same vector twice while pending is one request.
  rig.fixed(0, 0x90);
  rig.fixed(0, 0x90);
  CHECK(rig.cpu().take() == 0x90);
  CHECK_FALSE(rig.lapic().irr_bit(0x90));
}

TEST_CASE("LAPIC answers the spurious vector when nothing is deliverable at INTA", "[lapic]") {
  ApicRig rig;
  rig.enable(0, 0xEF);
  rig.fixed(0, 0x41);
  CHECK(rig.cpu().intr);
  // The guest raises TPR between INTR and the acknowledge cycle.
  rig.write(0, R::kTpr, 0xF0);
  CHECK(rig.cpu().take() == 0xEF);
  CHECK_FALSE(rig.lapic().isr_bit(0xEF));
  CHECK(rig.lapic().irr_bit(0x41));
  // An EOI with nothing in service changes nothing.
  rig.eoi(0);
  CHECK(rig.lapic().irr_bit(0x41));
}

TEST_CASE("LAPIC software-disabled: refuses fixed interrupts and keeps LVTs masked", "[lapic]") {
  ApicRig rig;
  rig.fixed(0, 0x31);  // SVR bit 8 clear after reset
  CHECK_FALSE(rig.lapic().irr_bit(0x31));
  rig.write(0, R::kLvtError, 0x33);
  CHECK(rig.read(0, R::kLvtError) == (kLvtMasked | 0x33));
  rig.enable(0);
  rig.write(0, R::kLvtError, 0x33);
  CHECK(rig.read(0, R::kLvtError) == 0x33);
  rig.fixed(0, 0x31);
  CHECK(rig.lapic().irr_bit(0x31));
  // Disabling again masks every LVT entry and stops INTR while IRR is held.
  rig.write(0, R::kSvr, 0xFF);
  CHECK(rig.read(0, R::kLvtError) == (kLvtMasked | 0x33));
  CHECK(rig.read(0, R::kLvtLint0) == (kLvtMasked | 0x700));
  CHECK(rig.lapic().irr_bit(0x31));
  CHECK_FALSE(rig.cpu().intr);
  // NMI is still accepted.
  InterruptMessage nmi;
  nmi.delivery_mode = ApicDeliveryMode::Nmi;
  CHECK(rig.bus.deliver(nmi, "test") == 1);
  CHECK(rig.cpu().nmis == 1);
}

TEST_CASE("LAPIC ESR: errors latch on write, illegal register address", "[lapic]") {
  ApicRig rig;
  rig.enable(0);
  CHECK(rig.read(0, 0x2F0) == 0);    // no CMCI LVT on this model: reserved
  CHECK(rig.read(0, R::kEsr) == 0);  // not latched yet
  rig.write(0, R::kEsr, 0);
  CHECK(rig.read(0, R::kEsr) == R::kEsrIllegalRegister);
  rig.write(0, R::kEsr, 0);  // nothing new since the last write
  CHECK(rig.read(0, R::kEsr) == 0);
  rig.write(0, 0x3F0, 1);  // SELF IPI does not exist in xAPIC mode
  rig.write(0, R::kEsr, 0);
  CHECK(rig.read(0, R::kEsr) == R::kEsrIllegalRegister);
}

TEST_CASE("LAPIC illegal vectors set ESR and raise the error LVT", "[lapic]") {
  ApicRig rig(2);
  rig.enable_all();
  rig.write(0, R::kLvtError, 0xFE);
  rig.fixed(0, 0x05);  // received illegal vector
  CHECK_FALSE(rig.lapic(0).irr_bit(0x05));
  CHECK(rig.lapic(0).irr_bit(0xFE));
  CHECK(rig.cpu(0).take() == 0xFE);
  rig.eoi(0);
  rig.write(0, R::kEsr, 0);
  CHECK(rig.read(0, R::kEsr) == R::kEsrReceiveIllegalVector);
  // An IPI with vector 3 is not sent: send illegal vector.
  rig.send_ipi(0, 1, kIcrFixed | 0x03);
  CHECK_FALSE(rig.lapic(1).irr_bit(0x03));
  rig.write(0, R::kEsr, 0);
  CHECK(rig.read(0, R::kEsr) == R::kEsrSendIllegalVector);
  CHECK(rig.lapic(0).irr_bit(0xFE));
}

TEST_CASE("LAPIC EOI of a level-triggered vector is broadcast unless suppressed", "[lapic]") {
  ApicRig rig;
  EoiProbe probe;
  rig.bus.add_eoi_listener(probe);
  rig.enable(0);
  rig.fixed(0, 0x61, ApicTriggerMode::Level);
  CHECK(rig.lapic().tmr_bit(0x61));
  CHECK(rig.read(0, R::kTmr + 0x30) == 1u << 1);
  rig.fixed(0, 0x51);
  CHECK(rig.cpu().take() == 0x61);
  rig.eoi(0);
  REQUIRE(probe.vectors.size() == 1);
  CHECK(probe.vectors[0] == 0x61);
  CHECK(rig.cpu().take() == 0x51);
  rig.eoi(0);  // edge: no broadcast
  CHECK(probe.vectors.size() == 1);
  // SVR bit 12 suppresses the broadcast.
  rig.write(0, R::kSvr, kSvrEnable | (1u << 12) | 0xFF);
  rig.fixed(0, 0x62, ApicTriggerMode::Level);
  CHECK(rig.cpu().take() == 0x62);
  rig.eoi(0);
  CHECK(probe.vectors.size() == 1);
  rig.bus.remove_eoi_listener(probe);
}

TEST_CASE("LAPIC arbitration priority", "[lapic]") {
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kTpr, 0x35);
  CHECK(rig.read(0, R::kApr) == 0x35);  // TPR above everything pending or in service
  rig.write(0, R::kTpr, 0x00);
  rig.fixed(0, 0x72);
  rig.write(0, R::kTpr, 0x80);  // keep it pending
  CHECK(rig.read(0, R::kApr) == 0x80);
  rig.write(0, R::kTpr, 0x20);
  CHECK(rig.read(0, R::kApr) == 0x70);  // the pending class wins, sub-class 0
}

// A PC 8259 pair initialised by the BIOS: vectors 0x08 and 0x70.
void init_pic(PortSpace& ports) {
  for (auto [port, value] : {std::pair<u16, u8>{0x20, 0x11},
                             {0x21, 0x08},
                             {0x21, 0x04},
                             {0x21, 0x01},
                             {0xA0, 0x11},
                             {0xA1, 0x70},
                             {0xA1, 0x02},
                             {0xA1, 0x01},
                             {0x21, 0x00},
                             {0xA1, 0x00}})
    ports.write(port, value, 1);
}

TEST_CASE("LAPIC LINT0 in ExtINT mode forwards the 8259 and asks it for the vector", "[lapic]") {
  ApicRig rig;
  Pic8259Pair pic("pic", rig.machine.trace());
  pic.attach(rig.machine.ports());
  pic.intr().connect(rig.lapic(), R::kLint0);
  rig.lapic().set_extint_acknowledger(&pic);
  init_pic(rig.machine.ports());
  // Straight out of reset (APIC enabled, software-disabled, LINT0 in virtual wire mode) an
  // 8259-only guest already gets its interrupts.
  pic.set_irq(3, true);
  CHECK(rig.cpu().intr);
  CHECK(rig.cpu().take() == 0x0B);
  rig.machine.ports().write(0x20, 0x20, 1);  // EOI to the 8259
  CHECK_FALSE(rig.cpu().intr);
  rig.enable(0);
  // Virtual wire: IRQ 1 reaches the CPU with the 8259's vector, bypassing IRR/ISR.
  pic.set_irq(1, true);
  CHECK(rig.cpu().intr);
  CHECK(rig.cpu().take() == 0x09);
  CHECK_FALSE(rig.lapic().isr_bit(0x09));
  CHECK_FALSE(rig.cpu().intr);
  CHECK(pic.isr() == 0x02);
  // Masking LINT0 stops the forwarding.
  rig.machine.ports().write(0x20, 0x20, 1);  // EOI to the 8259
  pic.set_irq(1, false);
  rig.write(0, R::kLvtLint0, kLvtMasked | 0x700);
  pic.set_irq(1, true);
  CHECK_FALSE(rig.cpu().intr);
  // An ExtINT message from the bus also asks the 8259.
  InterruptMessage extint;
  extint.delivery_mode = ApicDeliveryMode::ExtInt;
  CHECK(rig.bus.deliver(extint, "test") == 1);
  CHECK(rig.cpu().intr);
  CHECK(rig.cpu().take() == 0x09);
}

TEST_CASE("LAPIC globally disabled: LINT0 is INTR, LINT1 is NMI, INTA goes to the 8259",
          "[lapic]") {
  ApicRig rig;
  Pic8259Pair pic("pic", rig.machine.trace());
  pic.attach(rig.machine.ports());
  pic.intr().connect(rig.lapic(), R::kLint0);
  rig.lapic().set_extint_acknowledger(&pic);
  init_pic(rig.machine.ports());
  REQUIRE(rig.lapic().set_apic_base(LocalApic::kDefaultBase | R::kApicBaseBsp));
  CHECK_FALSE(rig.lapic().xapic_mmio_enabled());
  pic.set_irq(0, true);
  CHECK(rig.cpu().intr);
  CHECK(rig.cpu().take() == 0x08);
  CHECK_FALSE(rig.cpu().intr);
  rig.lapic().set_irq(R::kLint1, true);
  CHECK(rig.cpu().nmis == 1);
  rig.lapic().set_irq(R::kLint1, false);
  rig.lapic().set_irq(R::kLint1, true);
  CHECK(rig.cpu().nmis == 2);
  // A disabled LAPIC takes no messages.
  rig.fixed(0, 0x40);
  CHECK_FALSE(rig.lapic().irr_bit(0x40));
}

TEST_CASE("LAPIC LINT1 NMI and LINT0 fixed level-triggered with remote IRR", "[lapic]") {
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kLvtLint1, 0x400);  // NMI
  rig.lapic().set_irq(R::kLint1, true);
  CHECK(rig.cpu().nmis == 1);
  rig.lapic().set_irq(R::kLint1, false);
  // LINT0: fixed, level-triggered, vector 0x55.
  rig.write(0, R::kLvtLint0, (1u << 15) | 0x55);
  rig.lapic().set_irq(R::kLint0, true);
  CHECK(rig.read(0, R::kLvtLint0) == ((1u << 15) | (1u << 14) | 0x55));  // remote IRR
  CHECK(rig.lapic().tmr_bit(0x55));
  CHECK(rig.cpu().take() == 0x55);
  rig.eoi(0);  // still asserted: accepted again
  CHECK(rig.lapic().irr_bit(0x55));
  CHECK(rig.cpu().take() == 0x55);
  rig.lapic().set_irq(R::kLint0, false);
  rig.eoi(0);
  CHECK(rig.read(0, R::kLvtLint0) == ((1u << 15) | 0x55));
  CHECK_FALSE(rig.lapic().irr_bit(0x55));
  // An edge-triggered fixed LINT0 takes rising edges only.
  rig.write(0, R::kLvtLint0, 0x56);
  rig.lapic().set_irq(R::kLint0, true);
  CHECK(rig.cpu().take() == 0x56);
  rig.eoi(0);
  CHECK_FALSE(rig.lapic().irr_bit(0x56));
}

TEST_CASE("LAPIC IA32_APIC_BASE: reserved bits, disable resets state, x2APIC transitions",
          "[lapic]") {
  ApicRig rig;
  LocalApic& lapic = rig.lapic();
  CHECK_FALSE(lapic.set_apic_base(kApicBaseEnabled | 0x1));                      // bit 0 reserved
  CHECK_FALSE(lapic.set_apic_base(kApicBaseEnabled | (1u << 9)));                // bit 9 reserved
  CHECK_FALSE(lapic.set_apic_base(kApicBaseEnabled | (u64{1} << 40)));           // above MAXPHYADDR
  CHECK_FALSE(lapic.set_apic_base(LocalApic::kDefaultBase | R::kApicBaseExtd));  // invalid state
  rig.enable(0);
  rig.write(0, R::kTpr, 0x20);
  rig.fixed(0, 0x80);
  // xAPIC -> disabled: state back to power-up.
  REQUIRE(lapic.set_apic_base(LocalApic::kDefaultBase));
  CHECK((lapic.apic_base() & R::kApicBaseBsp) != 0);  // the BSP flag ignores writes
  CHECK_FALSE(lapic.irr_bit(0x80));
  CHECK_FALSE(lapic.xapic_mmio_enabled());
  u64 value = 0;
  CHECK_FALSE(lapic.msr_read(0x802, value));
  // disabled -> x2APIC is illegal; disabled -> xAPIC is fine.
  CHECK_FALSE(lapic.set_apic_base(kApicBaseX2apic));
  REQUIRE(lapic.set_apic_base(kApicBaseEnabled));
  CHECK(rig.read(0, R::kTpr) == 0);
  CHECK(rig.read(0, R::kSvr) == 0xFF);
  // xAPIC -> x2APIC -> (not xAPIC) -> disabled.
  REQUIRE(lapic.set_apic_base(kApicBaseX2apic));
  CHECK_FALSE(lapic.xapic_mmio_enabled());
  CHECK_FALSE(lapic.set_apic_base(kApicBaseEnabled));
  REQUIRE(lapic.set_apic_base(LocalApic::kDefaultBase));
  CHECK_FALSE(lapic.x2apic_mode());
}

TEST_CASE("LAPIC base relocation keeps the state", "[lapic]") {
  ApicRig rig;
  rig.enable(0);
  rig.write(0, R::kTpr, 0x42);
  REQUIRE(rig.lapic().set_apic_base(0xFEF00000 | R::kApicBaseEnable));
  CHECK((rig.lapic().apic_base() & ~u64{0xFFF}) == 0xFEF00000);
  CHECK(rig.lapic().xapic_mmio_enabled());
  CHECK(rig.read(0, R::kTpr) == 0x42);
}

TEST_CASE("LAPIC trace explains acceptance and refusal", "[lapic][trace]") {
  ApicRig rig(2);
  auto sink = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink* lines = sink.get();
  rig.machine.trace().set_sink(std::move(sink));
  rig.machine.trace().set_mask(static_cast<u32>(TraceCategory::Irq));
  rig.enable(1);
  rig.write(1, R::kTpr, 0x50);
  rig.fixed(1, 0x31);
  rig.fixed(0, 0x32);  // LAPIC 0 is software-disabled
  const auto contains = [&](std::string_view text) {
    for (const std::string& line : lines->lines())
      if (line.find(text) != std::string::npos) return true;
    return false;
  };
  CHECK(contains("LAPIC 1 accepts vector 0x31"));
  CHECK(contains("PPR 0x50"));
  CHECK(contains("LAPIC 0 refuses fixed"));
  CHECK(contains("software-disabled"));
}

TEST_CASE("LAPIC snapshot round trip", "[lapic][snapshot]") {
  ApicRig rig;
  rig.enable(0, 0xE0);
  rig.write(0, R::kTpr, 0x23);
  rig.fixed(0, 0x44);
  rig.write(0, R::kInitialCount, 5000);
  Archive saver = Archive::for_saving();
  {
    ArchiveSection section(saver, "lapic0", 1);
    rig.lapic().serialize(saver);
  }
  std::vector<u8> bytes = saver.finish();

  ApicRig other;
  Archive loader = Archive::for_loading(bytes);
  {
    ArchiveSection section(loader, "lapic0", 1);
    other.lapic().serialize(loader);
  }
  CHECK(other.read(0, R::kSvr) == (kSvrEnable | 0xE0));
  CHECK(other.read(0, R::kTpr) == 0x23);
  CHECK(other.lapic().irr_bit(0x44));
  CHECK(other.read(0, R::kInitialCount) == 5000);
}

}  // namespace
}  // namespace glasspc::apic_test

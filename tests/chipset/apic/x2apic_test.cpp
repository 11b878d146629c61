// The x2APIC MSR interface (SDM 11.12): register numbers, derived logical IDs, the 64-bit ICR,
// SELF IPI, and the #GP rules.
#include <catch2/catch.hpp>

#include "tests/chipset/apic/apic_rig.h"

namespace glasspc::apic_test {
namespace {

using R = LocalApic;

constexpr u32 kMsrId = 0x802;
constexpr u32 kMsrVersion = 0x803;
constexpr u32 kMsrTpr = 0x808;
constexpr u32 kMsrApr = 0x809;
constexpr u32 kMsrPpr = 0x80A;
constexpr u32 kMsrEoi = 0x80B;
constexpr u32 kMsrRrd = 0x80C;
constexpr u32 kMsrLdr = 0x80D;
constexpr u32 kMsrDfr = 0x80E;
constexpr u32 kMsrSvr = 0x80F;
constexpr u32 kMsrIsr0 = 0x810;
constexpr u32 kMsrIrr1 = 0x821;
constexpr u32 kMsrEsr = 0x828;
constexpr u32 kMsrIcr = 0x830;
constexpr u32 kMsrIcrHigh = 0x831;
constexpr u32 kMsrLvtTimer = 0x832;
constexpr u32 kMsrLvtLint0 = 0x835;
constexpr u32 kMsrInitialCount = 0x838;
constexpr u32 kMsrCurrentCount = 0x839;
constexpr u32 kMsrDivide = 0x83E;
constexpr u32 kMsrSelfIpi = 0x83F;

// A rig whose LAPICs have APIC IDs 0, 1, ... and are all in x2APIC mode, software-enabled.
void to_x2apic(ApicRig& rig) {
  for (auto& lapic : rig.lapics) {
    REQUIRE(lapic->set_apic_base(kApicBaseX2apic | (lapic->index() == 0 ? R::kApicBaseBsp : 0)));
    REQUIRE(lapic->msr_write(kMsrSvr, kSvrEnable | 0xFF));
  }
}

u64 rdmsr(LocalApic& lapic, u32 msr) {
  u64 value = 0;
  REQUIRE(lapic.msr_read(msr, value));
  return value;
}

TEST_CASE("x2APIC: MSRs are off in xAPIC mode, ID and LDR derive from the x2APIC ID", "[x2apic]") {
  LocalApicConfig config;
  ApicRig rig(1);
  u64 value = 0;
  CHECK_FALSE(rig.lapic().msr_read(kMsrId, value));
  CHECK_FALSE(rig.lapic().msr_write(kMsrTpr, 0));
  to_x2apic(rig);
  CHECK(rdmsr(rig.lapic(), kMsrId) == 0);
  CHECK(rdmsr(rig.lapic(), kMsrVersion) == 0x01050014);
  CHECK(rdmsr(rig.lapic(), kMsrLdr) == 0x00000001);
  CHECK_FALSE(rig.lapic().xapic_mmio_enabled());

  // An x2APIC ID of 0x25: cluster 2, member bit 5.
  ApicRig big(1);
  auto cpu = std::make_unique<FakeCpu>(7);
  config.index = 7;
  config.apic_id = 0x25;
  LocalApic lapic("lapic7", config, *cpu, big.bus, big.machine.scheduler(), big.machine.trace());
  CHECK(lapic.apic_id() == 0x25);
  REQUIRE(lapic.set_apic_base(kApicBaseX2apic));
  CHECK(rdmsr(lapic, kMsrId) == 0x25);
  CHECK(rdmsr(lapic, kMsrLdr) == ((2u << 16) | (1u << 5)));
  CHECK(lapic.apic_id() == 0x25);
}

TEST_CASE("x2APIC: #GP on write-only, read-only, absent registers and reserved bits", "[x2apic]") {
  ApicRig rig;
  to_x2apic(rig);
  LocalApic& lapic = rig.lapic();
  u64 value = 0;
  CHECK_FALSE(lapic.msr_read(kMsrEoi, value));      // write-only
  CHECK_FALSE(lapic.msr_read(kMsrSelfIpi, value));  // write-only
  CHECK_FALSE(lapic.msr_read(kMsrDfr, value));      // no DFR in x2APIC mode
  CHECK_FALSE(lapic.msr_read(kMsrApr, value));
  CHECK_FALSE(lapic.msr_read(kMsrRrd, value));
  CHECK_FALSE(lapic.msr_read(kMsrIcrHigh, value));  // the ICR is one 64-bit MSR
  CHECK_FALSE(lapic.msr_read(0x82F, value));        // no CMCI LVT
  CHECK_FALSE(lapic.msr_write(kMsrId, 5));          // read-only
  CHECK_FALSE(lapic.msr_write(kMsrLdr, 5));
  CHECK_FALSE(lapic.msr_write(kMsrVersion, 0));
  CHECK_FALSE(lapic.msr_write(kMsrPpr, 0));
  CHECK_FALSE(lapic.msr_write(kMsrIsr0, 0));
  CHECK_FALSE(lapic.msr_write(kMsrIrr1, 0));
  CHECK_FALSE(lapic.msr_write(kMsrCurrentCount, 0));
  CHECK_FALSE(lapic.msr_write(kMsrDfr, 0xFFFFFFFF));
  CHECK_FALSE(lapic.msr_write(kMsrTpr, 0x100));         // reserved bits
  CHECK_FALSE(lapic.msr_write(kMsrTpr, u64{1} << 32));  // bits 63:32
  CHECK_FALSE(lapic.msr_write(kMsrEoi, 1));             // EOI takes only zero
  CHECK_FALSE(lapic.msr_write(kMsrEsr, 1));             // ESR takes only zero
  CHECK_FALSE(lapic.msr_write(kMsrSvr, 0x2000));
  CHECK_FALSE(lapic.msr_write(kMsrLvtTimer, 1u << 20));
  CHECK_FALSE(lapic.msr_write(kMsrDivide, 0x4));
  CHECK_FALSE(lapic.msr_write(kMsrSelfIpi, 0x100));
  CHECK_FALSE(lapic.msr_write(kMsrIcr, 1u << 13));
  CHECK_FALSE(lapic.msr_write(0x7FF, 0));
  CHECK_FALSE(lapic.msr_write(0x900, 0));
  // The legal forms succeed.
  CHECK(lapic.msr_write(kMsrTpr, 0x20));
  CHECK(rdmsr(lapic, kMsrTpr) == 0x20);
  CHECK(rdmsr(lapic, kMsrPpr) == 0x20);
  CHECK(lapic.msr_write(kMsrEoi, 0));
  CHECK(lapic.msr_write(kMsrEsr, 0));
  // LVT read-only bits may be written back unchanged.
  CHECK(lapic.msr_write(kMsrLvtLint0, kLvtMasked | (1u << 12) | 0x700));
  CHECK(rdmsr(lapic, kMsrLvtLint0) == (kLvtMasked | 0x700));
  CHECK(lapic.msr_write(kMsrDivide, 0xB));
  CHECK(rdmsr(lapic, kMsrDivide) == 0xB);
}

TEST_CASE("x2APIC SELF IPI and timer through MSRs", "[x2apic]") {
  ApicRig rig;
  to_x2apic(rig);
  LocalApic& lapic = rig.lapic();
  REQUIRE(lapic.msr_write(kMsrSelfIpi, 0x61));
  CHECK(lapic.irr_bit(0x61));
  CHECK(rig.cpu().take() == 0x61);
  REQUIRE(lapic.msr_write(kMsrEoi, 0));
  CHECK_FALSE(lapic.isr_bit(0x61));
  REQUIRE(lapic.msr_write(kMsrLvtTimer, 0x62));
  REQUIRE(lapic.msr_write(kMsrDivide, 0xB));
  REQUIRE(lapic.msr_write(kMsrInitialCount, 300));
  rig.advance(100 * kPsPerNs);
  CHECK(rdmsr(lapic, kMsrCurrentCount) == 200);
  rig.advance(200 * kPsPerNs);
  CHECK(lapic.irr_bit(0x62));
}

TEST_CASE("x2APIC ICR: 32-bit destinations, physical and cluster logical", "[x2apic]") {
  ApicRig rig(4);
  to_x2apic(rig);
  // Physical: destination in bits 63:32.
  REQUIRE(rig.lapic(0).msr_write(kMsrIcr, (u64{3} << 32) | 0x70));
  CHECK(rig.lapic(3).irr_bit(0x70));
  CHECK_FALSE(rig.lapic(0).irr_bit(0x70));
  CHECK(rdmsr(rig.lapic(0), kMsrIcr) == ((u64{3} << 32) | 0x70));
  // Logical: cluster 0, members 1 and 2 (x2APIC IDs 1 and 2).
  REQUIRE(rig.lapic(0).msr_write(kMsrIcr, (u64{0x00000006} << 32) | kIcrLogical | 0x71));
  CHECK(rig.lapic(1).irr_bit(0x71));
  CHECK(rig.lapic(2).irr_bit(0x71));
  CHECK_FALSE(rig.lapic(3).irr_bit(0x71));
  // Another cluster matches nobody.
  REQUIRE(rig.lapic(0).msr_write(kMsrIcr, (u64{0x00010006} << 32) | kIcrLogical | 0x72));
  for (unsigned i = 0; i < 4; ++i) CHECK_FALSE(rig.lapic(i).irr_bit(0x72));
  // 0xFFFFFFFF is the broadcast.
  REQUIRE(rig.lapic(0).msr_write(kMsrIcr, (u64{0xFFFFFFFF} << 32) | 0x73));
  for (unsigned i = 0; i < 4; ++i) CHECK(rig.lapic(i).irr_bit(0x73));
}

}  // namespace
}  // namespace glasspc::apic_test

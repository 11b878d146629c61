// Interrupt messages on the ApicBus: IPIs from the ICR (shorthands, physical, logical flat and
// cluster, lowest priority, NMI, INIT, STARTUP) and MSI writes decoded into deliveries.
#include <catch2/catch.hpp>

#include "tests/chipset/apic/apic_rig.h"

namespace glasspc::apic_test {
namespace {

using R = LocalApic;

TEST_CASE("IPI: fixed physical to another LAPIC; the ICR reads back idle", "[ipi]") {
  ApicRig rig(3);
  rig.enable_all();
  rig.send_ipi(0, 2, kIcrFixed | kIcrAssert | 0x50);
  CHECK(rig.lapic(2).irr_bit(0x50));
  CHECK_FALSE(rig.lapic(1).irr_bit(0x50));
  CHECK_FALSE(rig.lapic(0).irr_bit(0x50));
  CHECK(rig.cpu(2).intr);
  CHECK((rig.read(0, R::kIcrLow) & (1u << 12)) == 0);  // delivery status: idle
  CHECK(rig.read(0, R::kIcrLow) == (kIcrAssert | 0x50));
  CHECK(rig.read(0, R::kIcrHigh) == 2u << 24);
  // A destination nobody has reaches nobody.
  rig.send_ipi(0, 9, kIcrFixed | 0x51);
  for (unsigned i = 0; i < 3; ++i) CHECK_FALSE(rig.lapic(i).irr_bit(0x51));
  // 0xFF is the physical broadcast.
  rig.send_ipi(0, 0xFF, kIcrFixed | 0x52);
  for (unsigned i = 0; i < 3; ++i) CHECK(rig.lapic(i).irr_bit(0x52));
}

TEST_CASE("IPI shorthands: self, all including self, all excluding self", "[ipi]") {
  ApicRig rig(3);
  rig.enable_all();
  rig.send_ipi(1, 0, kIcrSelf | 0x60);
  CHECK(rig.lapic(1).irr_bit(0x60));
  CHECK_FALSE(rig.lapic(0).irr_bit(0x60));
  CHECK_FALSE(rig.lapic(2).irr_bit(0x60));
  rig.send_ipi(1, 0, kIcrAllIncludingSelf | 0x61);
  for (unsigned i = 0; i < 3; ++i) CHECK(rig.lapic(i).irr_bit(0x61));
  rig.send_ipi(1, 0, kIcrAllExcludingSelf | 0x62);
  CHECK(rig.lapic(0).irr_bit(0x62));
  CHECK_FALSE(rig.lapic(1).irr_bit(0x62));
  CHECK(rig.lapic(2).irr_bit(0x62));
  // The self shorthands carry fixed interrupts only; lowest priority takes no shorthand.
  rig.send_ipi(1, 0, kIcrSelf | kIcrNmi);
  CHECK(rig.cpu(1).nmis == 0);
  rig.send_ipi(1, 0, kIcrAllExcludingSelf | kIcrLowestPriority | 0x63);
  for (unsigned i = 0; i < 3; ++i) CHECK_FALSE(rig.lapic(i).irr_bit(0x63));
  // NMI to all others is legal.
  rig.send_ipi(1, 0, kIcrAllExcludingSelf | kIcrNmi);
  CHECK(rig.cpu(0).nmis == 1);
  CHECK(rig.cpu(1).nmis == 0);
  CHECK(rig.cpu(2).nmis == 1);
}

TEST_CASE("IPI logical flat model uses the LDR bit mask", "[ipi]") {
  ApicRig rig(4);
  rig.enable_all();
  for (unsigned i = 0; i < 4; ++i) rig.write(i, R::kLdr, (1u << i) << 24);  // DFR flat (reset)
  rig.send_ipi(0, 0x0A, kIcrLogical | 0x70);                                // LAPICs 1 and 3
  CHECK_FALSE(rig.lapic(0).irr_bit(0x70));
  CHECK(rig.lapic(1).irr_bit(0x70));
  CHECK_FALSE(rig.lapic(2).irr_bit(0x70));
  CHECK(rig.lapic(3).irr_bit(0x70));
  CHECK(rig.read(1, R::kLdr) == 0x02000000);
}

TEST_CASE("IPI logical cluster model: cluster in bits 7:4, members in 3:0", "[ipi]") {
  ApicRig rig(4);
  rig.enable_all();
  const u32 ldr[4] = {0x11, 0x12, 0x21, 0x22};  // clusters 1 and 2, two members each
  for (unsigned i = 0; i < 4; ++i) {
    rig.write(i, R::kDfr, 0x0FFFFFFF);  // cluster model
    rig.write(i, R::kLdr, ldr[i] << 24);
  }
  CHECK(rig.read(0, R::kDfr) == 0x0FFFFFFF);
  rig.send_ipi(0, 0x23, kIcrLogical | 0x71);  // cluster 2, members 1 and 2
  CHECK_FALSE(rig.lapic(0).irr_bit(0x71));
  CHECK_FALSE(rig.lapic(1).irr_bit(0x71));
  CHECK(rig.lapic(2).irr_bit(0x71));
  CHECK(rig.lapic(3).irr_bit(0x71));
  rig.send_ipi(0, 0xF1, kIcrLogical | 0x72);  // every cluster, member 1
  CHECK(rig.lapic(0).irr_bit(0x72));
  CHECK_FALSE(rig.lapic(1).irr_bit(0x72));
  CHECK(rig.lapic(2).irr_bit(0x72));
  CHECK_FALSE(rig.lapic(3).irr_bit(0x72));
}

TEST_CASE("IPI lowest priority: lowest arbitration priority, ties to the lowest APIC ID", "[ipi]") {
  ApicRig rig(4);
  rig.enable_all();
  for (unsigned i = 0; i < 4; ++i) rig.write(i, R::kLdr, 0x01000000);  // all in group 1
  for (unsigned i = 0; i < 4; ++i) rig.write(i, R::kSvr, kSvrEnable | (1u << 9) | 0xFF);
  rig.write(0, R::kTpr, 0x40);
  rig.write(1, R::kTpr, 0x20);
  rig.write(2, R::kTpr, 0x20);
  rig.write(3, R::kTpr, 0x30);
  rig.send_ipi(0, 0x01, kIcrLogical | kIcrLowestPriority | 0x80);
  CHECK(rig.lapic(1).irr_bit(0x80));  // LAPICs 1 and 2 tie at 0x20: lowest APIC ID wins
  for (unsigned i : {0u, 2u, 3u}) CHECK_FALSE(rig.lapic(i).irr_bit(0x80));
  // LAPIC 1 now has a pending class-8 vector, so its arbitration priority is 0x80.
  rig.send_ipi(0, 0x01, kIcrLogical | kIcrLowestPriority | 0x81);
  CHECK(rig.lapic(2).irr_bit(0x81));
  // A software-disabled LAPIC does not compete.
  rig.write(3, R::kTpr, 0x00);
  rig.write(3, R::kSvr, 0xFF);
  rig.send_ipi(0, 0x01, kIcrLogical | kIcrLowestPriority | 0x82);
  CHECK_FALSE(rig.lapic(3).irr_bit(0x82));
  CHECK(rig.lapic(0).irr_bit(0x82));  // 0x40 beats 0x80 and 0x80
}

TEST_CASE("IPI lowest priority prefers the focus processor", "[ipi]") {
  ApicRig rig(2);
  rig.enable_all();  // focus checking on (SVR bit 9 clear)
  rig.write(0, R::kTpr, 0x00);
  rig.write(1, R::kTpr, 0x50);
  rig.fixed(1, 0x90);
  CHECK(rig.cpu(1).take() == 0x90);  // vector 0x90 in service on LAPIC 1
  InterruptMessage message;
  message.destination = 0xFF;
  message.delivery_mode = ApicDeliveryMode::LowestPriority;
  message.vector = 0x90;
  CHECK(rig.bus.deliver(message, "test") == 1);
  CHECK(rig.lapic(1).irr_bit(0x90));
  CHECK_FALSE(rig.lapic(0).irr_bit(0x90));
}

TEST_CASE("IPI INIT and STARTUP bring up an AP", "[ipi]") {
  ApicRig rig(2);
  rig.enable_all();
  rig.write(1, R::kTpr, 0x30);
  rig.send_ipi(0, 1, kIcrInit | kIcrAssert | kIcrLevel);
  CHECK(rig.cpu(1).inits == 1);
  CHECK(rig.read(1, R::kTpr) == 0);  // the LAPIC is back in its INIT state
  CHECK(rig.read(1, R::kSvr) == 0xFF);
  CHECK(rig.read(1, R::kId) == 1u << 24);  // but keeps its ID
  // INIT level de-assert does nothing.
  rig.send_ipi(0, 1, kIcrInit | kIcrLevel);
  CHECK(rig.cpu(1).inits == 1);
  rig.send_ipi(0, 1, kIcrStartUp | kIcrAssert | 0x9A);
  rig.send_ipi(0, 1, kIcrStartUp | kIcrAssert | 0x9A);
  REQUIRE(rig.cpu(1).sipis.size() == 2);
  CHECK(rig.cpu(1).sipis[0] == 0x9A);
  CHECK(rig.cpu(0).inits == 0);
  CHECK(rig.cpu(0).sipis.empty());
  // STARTUP has no illegal vectors (vector 0 means address 0).
  rig.send_ipi(0, 1, kIcrStartUp | kIcrAssert | 0x00);
  CHECK(rig.cpu(1).sipis.size() == 3);
}

// An MSI address as a device's capability holds it: 0xFEE, destination ID, RH, DM.
u64 msi_address(u32 destination, bool logical = false, bool redirection_hint = false) {
  return 0xFEE00000 | (destination << 12) | (redirection_hint ? 8 : 0) | (logical ? 4 : 0);
}

TEST_CASE("MSI: a DMA write into 0xFEExxxxx reaches the addressed LAPIC", "[msi]") {
  ApicRig rig(3);
  rig.enable_all();
  DmaSpace& dma = rig.machine.dma(RequesterId::of(0, 3, 0));
  CHECK(dma.signal_msi(msi_address(2), 0x0000'0045) == DmaStatus::Ok);
  CHECK(rig.lapic(2).irr_bit(0x45));
  CHECK_FALSE(rig.lapic(0).irr_bit(0x45));
  CHECK_FALSE(rig.lapic(1).irr_bit(0x45));
  CHECK(rig.cpu(2).take() == 0x45);
  // Level-triggered assert message: TMR set, EOI broadcast.
  EoiProbe probe;
  rig.bus.add_eoi_listener(probe);
  CHECK(dma.signal_msi(msi_address(0), (1u << 15) | (1u << 14) | 0x46) == DmaStatus::Ok);
  CHECK(rig.lapic(0).tmr_bit(0x46));
  CHECK(rig.cpu(0).take() == 0x46);
  rig.eoi(0);
  CHECK(probe.vectors == std::vector<u8>{0x46});
  // A level de-assert message delivers nothing.
  CHECK(dma.signal_msi(msi_address(0), (1u << 15) | 0x47) == DmaStatus::Ok);
  CHECK_FALSE(rig.lapic(0).irr_bit(0x47));
  // NMI by message.
  CHECK(dma.signal_msi(msi_address(1), 4u << 8) == DmaStatus::Ok);
  CHECK(rig.cpu(1).nmis == 1);
  rig.bus.remove_eoi_listener(probe);
}

TEST_CASE("MSI decoding: logical destinations, redirection hint, reserved modes", "[msi]") {
  InterruptMessage decoded;
  std::string why;
  REQUIRE(ApicBus::decode_msi({msi_address(0x12, true), 0x0000'C131}, decoded, why));
  CHECK(decoded.destination == 0x12);
  CHECK(decoded.destination_mode == ApicDestinationMode::Logical);
  CHECK(decoded.delivery_mode == ApicDeliveryMode::LowestPriority);
  CHECK(decoded.vector == 0x31);
  CHECK(decoded.trigger_mode == ApicTriggerMode::Level);
  CHECK(decoded.assert_level);
  REQUIRE(ApicBus::decode_msi({msi_address(0x3, true, true), 0x0000'0032}, decoded, why));
  CHECK(decoded.delivery_mode == ApicDeliveryMode::LowestPriority);  // RH=1, DM=1
  REQUIRE(ApicBus::decode_msi({msi_address(0x3, false, true), 0x0000'0032}, decoded, why));
  CHECK(decoded.delivery_mode == ApicDeliveryMode::Fixed);  // RH=1, DM=0: no redirection
  CHECK(decoded.destination_mode == ApicDestinationMode::Physical);
  CHECK_FALSE(ApicBus::decode_msi({msi_address(0), 3u << 8}, decoded, why));
  CHECK_FALSE(ApicBus::decode_msi({msi_address(0), 6u << 8}, decoded, why));
  CHECK_FALSE(why.empty());

  // Through the bus: logical flat group of LAPICs 1 and 2, lowest priority picks LAPIC 2.
  ApicRig rig(3);
  rig.enable_all();
  for (unsigned i = 0; i < 3; ++i) rig.write(i, R::kLdr, (1u << i) << 24);
  rig.write(1, R::kTpr, 0x60);
  DmaSpace& dma = rig.machine.dma(RequesterId::of(0, 4, 0));
  CHECK(dma.signal_msi(msi_address(0x06, true, true), 0x55) == DmaStatus::Ok);
  CHECK(rig.lapic(2).irr_bit(0x55));
  CHECK_FALSE(rig.lapic(1).irr_bit(0x55));
  CHECK_FALSE(rig.lapic(0).irr_bit(0x55));
  // A reserved delivery mode is dropped.
  CHECK(dma.signal_msi(msi_address(0), (3u << 8) | 0x56) == DmaStatus::Ok);
  CHECK_FALSE(rig.lapic(0).irr_bit(0x56));
}

}  // namespace
}  // namespace glasspc::apic_test

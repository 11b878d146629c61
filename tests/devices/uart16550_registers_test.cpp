// 16550 register decoding: reset values, DLAB banking, read-only and reserved bits, port-size
// splitting.
#include <catch2/catch.hpp>

#include "tests/devices/uart_rig.h"

namespace glasspc::test {
namespace {

u16 read_divisor(UartRig& rig) {
  const u8 lcr = rig.in(uart::kLcr);
  rig.out(uart::kLcr, lcr | uart::kLcrDlab);
  const u16 divisor = static_cast<u16>(rig.in(uart::kRbrThrDll) | (rig.in(uart::kIerDlm) << 8));
  rig.out(uart::kLcr, lcr);
  return divisor;
}

TEST_CASE("uart: power-on registers match the datasheet reset table", "[uart]") {
  UartRig rig;
  CHECK(rig.in(uart::kIerDlm) == 0x00);
  CHECK(rig.in(uart::kIirFcr) == 0x01);
  CHECK(rig.in(uart::kLcr) == 0x00);
  CHECK(rig.in(uart::kMcr) == 0x00);
  CHECK(rig.in(uart::kLsr) == 0x60);  // THRE and TEMT
  CHECK(rig.in(uart::kMsr) == 0xb0);  // a ready peer: DCD, DSR, CTS; no deltas
  CHECK(rig.in(uart::kScr) == 0x00);
  CHECK(read_divisor(rig) == uart::kPowerOnDivisor);
  CHECK_FALSE(rig.irq());
}

TEST_CASE("uart: DLAB banks the divisor latch over RBR/THR and IER", "[uart]") {
  UartRig rig;
  rig.out(uart::kLcr, uart::kLcrDlab | 0x03);
  rig.out(uart::kRbrThrDll, 0x34);
  rig.out(uart::kIerDlm, 0x12);
  CHECK(rig.in(uart::kRbrThrDll) == 0x34);
  CHECK(rig.in(uart::kIerDlm) == 0x12);
  CHECK(rig.in(uart::kLcr) == (uart::kLcrDlab | 0x03));
  // Divisor writes neither transmit nor touch IER.
  CHECK(rig.backend.sent.empty());
  CHECK(rig.in(uart::kLsr) == 0x60);

  rig.out(uart::kLcr, 0x03);
  CHECK(rig.in(uart::kIerDlm) == 0x00);
  rig.out(uart::kIerDlm, 0x05);
  CHECK(rig.in(uart::kIerDlm) == 0x05);
  CHECK(read_divisor(rig) == 0x1234);
  // 0x1234 * 16 cycles per bit, 10 bits, at 1.8432 MHz.
  CHECK(rig.uart.character_time() == time_of_tick(u64{0x1234} * 16 * 10, uart::kReferenceHz));
}

TEST_CASE("uart: reserved bits read as zero and the scratch register holds any byte", "[uart]") {
  UartRig rig;
  rig.out(uart::kIerDlm, 0xff);
  CHECK(rig.in(uart::kIerDlm) == 0x0f);
  rig.out(uart::kMcr, 0xef);  // everything but loopback
  CHECK(rig.in(uart::kMcr) == 0x0f);
  for (u8 value : {u8{0x00}, u8{0x5a}, u8{0xa5}, u8{0xff}}) {
    rig.out(uart::kScr, value);
    CHECK(rig.in(uart::kScr) == value);
  }
}

TEST_CASE("uart: LSR and MSR ignore writes", "[uart]") {
  UartRig rig;
  rig.out(uart::kLsr, 0x1f);
  rig.out(uart::kMsr, 0x0f);
  CHECK(rig.in(uart::kLsr) == 0x60);
  CHECK(rig.in(uart::kMsr) == 0xb0);
  CHECK_FALSE(rig.irq());
}

TEST_CASE("uart: a 2-byte port read is split into two byte reads", "[uart]") {
  UartRig rig;
  rig.set_divisor(0xbeef);
  rig.out(uart::kLcr, uart::kLcrDlab);
  CHECK(rig.ports.read(UartRig::kBase + uart::kRbrThrDll, 2) == 0xbeef);
  rig.out(uart::kLcr, 0x03);
  // LSR and MSR side by side.
  CHECK(rig.ports.read(UartRig::kBase + uart::kLsr, 2) == 0xb060);
  // A 2-byte write to DLL/DLM programs both halves.
  rig.out(uart::kLcr, uart::kLcrDlab);
  rig.ports.write(UartRig::kBase, 0x0102, 2);
  CHECK(rig.in(uart::kRbrThrDll) == 0x02);
  CHECK(rig.in(uart::kIerDlm) == 0x01);
  // A 4-byte read of MCR, LSR, MSR and SCR.
  rig.out(uart::kLcr, 0x03);
  rig.out(uart::kScr, 0x77);
  rig.out(uart::kMcr, 0x03);
  CHECK(rig.ports.read(UartRig::kBase + uart::kMcr, 4) == 0x77b06003u);
}

TEST_CASE("uart: reset restores the reset table but keeps the divisor latch", "[uart]") {
  UartRig rig;
  rig.set_divisor(3);
  rig.out(uart::kLcr, 0x1b);
  rig.out(uart::kIerDlm, 0x0f);
  rig.out(uart::kIirFcr, 0xc7);
  rig.out(uart::kMcr, 0x0b);
  rig.feed({1, 2, 3});
  rig.out(uart::kRbrThrDll, 'x');
  REQUIRE(rig.irq());
  rig.uart.reset();
  CHECK_FALSE(rig.irq());
  CHECK(rig.in(uart::kIerDlm) == 0);
  CHECK(rig.in(uart::kIirFcr) == 0x01);
  CHECK(rig.in(uart::kLcr) == 0);
  CHECK(rig.in(uart::kMcr) == 0);
  CHECK(rig.in(uart::kLsr) == 0x60);
  CHECK(read_divisor(rig) == 3);
  // The character that was shifting out is gone with the reset.
  rig.advance_by(kPsPerSecond);
  CHECK(rig.backend.sent.empty());
}

}  // namespace
}  // namespace glasspc::test

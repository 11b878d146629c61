// 16550 timing on virtual time: transmit pacing, THRE/TEMT, frame length, character timeout.
#include <catch2/catch.hpp>

#include "tests/devices/uart_rig.h"

namespace glasspc::test {
namespace {

using Sent = std::vector<std::pair<Picoseconds, u8>>;

TEST_CASE("uart: a character reaches the backend one character time after the THR write",
          "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  const Picoseconds start = 5 * kPsPerUs;
  rig.advance_to(start);
  rig.out(uart::kRbrThrDll, 'A');
  // THR emptied into the shift register at once; the shifter is busy.
  CHECK(rig.in(uart::kLsr) == uart::kLsrThre);
  rig.advance_to(start + kChar8n1At115200 - 1);
  CHECK(rig.backend.sent.empty());
  CHECK(rig.in(uart::kLsr) == uart::kLsrThre);
  rig.advance_to(start + kChar8n1At115200);
  CHECK(rig.backend.sent == Sent{{start + kChar8n1At115200, 'A'}});
  CHECK(rig.in(uart::kLsr) == (uart::kLsrThre | uart::kLsrTemt));
}

TEST_CASE("uart: without line timing a character leaves at once, as on QEMU", "[uart]") {
  UartRig rig;
  rig.uart.set_line_timing(false);
  rig.configure_8n1_115200();
  const Picoseconds start = 5 * kPsPerUs;
  rig.advance_to(start);
  rig.out(uart::kIirFcr, uart::kFcrEnable);
  for (u8 c : {'a', 'b', 'c'}) rig.out(uart::kRbrThrDll, c);
  // The shifter finishes at the write's own time: one scheduler pass sends all three.
  rig.advance_to(start);
  CHECK(rig.backend.sent == Sent{{start, 'a'}, {start, 'b'}, {start, 'c'}});
  CHECK(rig.in(uart::kLsr) == (uart::kLsrThre | uart::kLsrTemt));
}

TEST_CASE("uart: FIFO characters leave back to back even when timers run late", "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  rig.out(uart::kIirFcr, uart::kFcrEnable);
  for (u8 c : {'a', 'b', 'c', 'd'}) rig.out(uart::kRbrThrDll, c);
  CHECK(rig.in(uart::kLsr) == 0x00);  // three still queued, one shifting
  // One late jump covers all four characters; each is stamped when its timer fired, and the
  // schedule is chained from the previous finish, not from the late "now".
  rig.advance_to(10 * kChar8n1At115200);
  REQUIRE(rig.backend.sent.size() == 4);
  CHECK(rig.scheduler.next_deadline() == kNever);
  CHECK(rig.in(uart::kLsr) == (uart::kLsrThre | uart::kLsrTemt));

  // Stepping deadline by deadline shows the exact spacing.
  rig.backend.sent.clear();
  const Picoseconds start = rig.clock.now();
  for (u8 c : {'e', 'f', 'g'}) rig.out(uart::kRbrThrDll, c);
  while (rig.scheduler.next_deadline() != kNever) rig.advance_to(rig.scheduler.next_deadline());
  CHECK(rig.backend.sent == Sent{{start + kChar8n1At115200, 'e'},
                                 {start + 2 * kChar8n1At115200, 'f'},
                                 {start + 3 * kChar8n1At115200, 'g'}});
}

TEST_CASE("uart: frame length follows LCR word length, parity and stop bits", "[uart]") {
  UartRig rig;
  rig.set_divisor(12);
  auto half_bits_time = [](u64 divisor, u64 half_bits) {
    return time_of_tick(divisor * 8 * half_bits, uart::kReferenceHz);
  };
  rig.out(uart::kLcr, 0x00);  // 5N1: 7 bits
  CHECK(rig.uart.character_time() == half_bits_time(12, 14));
  rig.out(uart::kLcr, 0x04);  // 5N1.5: 7.5 bits
  CHECK(rig.uart.character_time() == half_bits_time(12, 15));
  rig.out(uart::kLcr, 0x1a);  // 7E1: 10 bits
  CHECK(rig.uart.character_time() == half_bits_time(12, 20));
  rig.out(uart::kLcr, 0x0f);  // 8O2: 12 bits
  CHECK(rig.uart.character_time() == half_bits_time(12, 24));
  // 9600 baud 8N1 is 1.0416 ms a character.
  rig.out(uart::kLcr, 0x03);
  CHECK(rig.uart.character_time() == 1'041'666'667);
  // A zero divisor runs as divisor 1 instead of dividing by zero.
  rig.set_divisor(0);
  CHECK(rig.uart.character_time() == kChar8n1At115200);
  rig.out(uart::kRbrThrDll, 'z');
  rig.advance_by(kChar8n1At115200);
  CHECK(rig.backend.sent.size() == 1);
}

TEST_CASE("uart: character timeout fires four character times after the last activity", "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  rig.out(uart::kIirFcr, uart::kFcrEnable | 0x80);  // trigger level 8
  rig.out(uart::kIerDlm, uart::kIerRxData);
  rig.out(uart::kMcr, uart::kMcrOut2);
  const Picoseconds t0 = 1 * kPsPerMs;
  rig.advance_to(t0);
  rig.feed({'1', '2', '3'});
  const Picoseconds timeout = 4 * kChar8n1At115200;
  rig.advance_to(t0 + timeout - 1);
  CHECK_FALSE(rig.irq());
  CHECK(rig.in(uart::kIirFcr) == 0xc1);
  rig.advance_to(t0 + timeout);
  CHECK(rig.irq());
  CHECK(rig.in(uart::kIirFcr) == 0xcc);
  // A new character does not clear a timeout that has already occurred.
  rig.advance_by(kPsPerUs);
  rig.feed({'4'});
  CHECK(rig.in(uart::kIirFcr) == 0xcc);
  // Reading one character clears it and restarts the timer from the read.
  const Picoseconds read_time = rig.clock.now() + kPsPerUs;
  rig.advance_to(read_time);
  CHECK(rig.in(uart::kRbrThrDll) == '1');
  CHECK_FALSE(rig.irq());
  CHECK(rig.in(uart::kIirFcr) == 0xc1);
  rig.advance_to(read_time + timeout - 1);
  CHECK_FALSE(rig.irq());
  rig.advance_to(read_time + timeout);
  CHECK(rig.in(uart::kIirFcr) == 0xcc);
  // Draining the FIFO ends it for good.
  for (u8 c : {'2', '3', '4'}) CHECK(rig.in(uart::kRbrThrDll) == c);
  CHECK(rig.in(uart::kIirFcr) == 0xc1);
  rig.advance_by(10 * timeout);
  CHECK(rig.in(uart::kIirFcr) == 0xc1);
  CHECK_FALSE(rig.irq());
}

TEST_CASE("uart: a received character restarts a character timeout not yet due", "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  rig.out(uart::kIirFcr, uart::kFcrEnable | 0xc0);
  rig.out(uart::kIerDlm, uart::kIerRxData);
  rig.feed({'a'});
  const Picoseconds timeout = 4 * kChar8n1At115200;
  rig.advance_to(timeout - 10);
  rig.feed({'b'});
  rig.advance_to(timeout);
  CHECK(rig.iir_id() == uart::kIirNoInterrupt);
  rig.advance_to(timeout - 10 + timeout);
  CHECK(rig.iir_id() == uart::kIirCharTimeout);
}

TEST_CASE("uart: there is no character timeout in 16450 mode", "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  rig.out(uart::kIerDlm, uart::kIerRxData);
  rig.feed({'a'});
  CHECK(rig.scheduler.next_deadline() == kNever);
  rig.advance_by(kPsPerSecond);
  CHECK(rig.in(uart::kIirFcr) == 0x04);
}

TEST_CASE("uart: characters sent while LCR break is set never reach the line", "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  rig.out(uart::kLcr, 0x03 | uart::kLcrBreak);
  rig.out(uart::kRbrThrDll, 'x');
  rig.advance_by(kChar8n1At115200);
  CHECK(rig.backend.sent.empty());
  CHECK(rig.in(uart::kLsr) == (uart::kLsrThre | uart::kLsrTemt));
  rig.out(uart::kLcr, 0x03);
  rig.out(uart::kRbrThrDll, 'y');
  rig.advance_by(kChar8n1At115200);
  REQUIRE(rig.backend.sent.size() == 1);
  CHECK(rig.backend.sent[0].second == 'y');
}

}  // namespace
}  // namespace glasspc::test

// 16550 receiver: flow control towards the host, overrun, loopback, errors in the FIFO.
#include <catch2/catch.hpp>

#include "tests/devices/uart_rig.h"

namespace glasspc::test {
namespace {

TEST_CASE("uart: can_receive reports free receive space", "[uart]") {
  UartRig rig;
  CHECK(rig.uart.can_receive() == 1);  // 16450 mode: RBR empty
  rig.feed({'a'});
  CHECK(rig.uart.can_receive() == 0);
  rig.in(uart::kRbrThrDll);
  CHECK(rig.uart.can_receive() == 1);
  rig.out(uart::kIirFcr, uart::kFcrEnable);
  CHECK(rig.uart.can_receive() == 16);
  rig.feed({1, 2, 3, 4, 5});
  CHECK(rig.uart.can_receive() == 11);
  rig.out(uart::kIirFcr, uart::kFcrEnable | uart::kFcrClearRx);
  CHECK(rig.uart.can_receive() == 16);
  CHECK((rig.in(uart::kLsr)&uart::kLsrDataReady) == 0);
}

TEST_CASE("uart: a full receive FIFO sets OE and drops the extra byte", "[uart]") {
  UartRig rig;
  rig.out(uart::kIirFcr, uart::kFcrEnable);
  rig.out(uart::kMcr, uart::kMcrOut2);
  rig.out(uart::kIerDlm, uart::kIerLineStatus);
  std::vector<u8> bytes;
  for (u8 i = 0; i < 17; ++i) bytes.push_back(static_cast<u8>('A' + i));
  rig.uart.receive(bytes.data(), 16);
  CHECK_FALSE(rig.irq());
  CHECK(rig.uart.can_receive() == 0);
  rig.uart.receive(bytes.data() + 16, 1);
  CHECK(rig.irq());
  CHECK(rig.in(uart::kIirFcr) == 0xc6);
  CHECK(rig.in(uart::kLsr) == (0x60 | uart::kLsrOverrun | uart::kLsrDataReady));
  CHECK_FALSE(rig.irq());
  CHECK(rig.in(uart::kLsr) == (0x60 | uart::kLsrDataReady));
  for (unsigned i = 0; i < 16; ++i) CHECK(rig.in(uart::kRbrThrDll) == bytes[i]);
  CHECK(rig.in(uart::kLsr) == 0x60);
  // An empty receiver keeps returning the last character.
  CHECK(rig.in(uart::kRbrThrDll) == 'P');
}

TEST_CASE("uart: in 16450 mode an overrun replaces the unread character", "[uart]") {
  UartRig rig;
  rig.feed({'1', '2'});
  CHECK(rig.in(uart::kLsr) == (0x60 | uart::kLsrOverrun | uart::kLsrDataReady));
  CHECK(rig.in(uart::kRbrThrDll) == '2');
  CHECK(rig.in(uart::kLsr) == 0x60);
}

TEST_CASE("uart: loopback returns transmitted bytes and maps MCR outputs to MSR", "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  // The check Linux's 8250 driver makes: loopback with RTS and OUT2 reads CTS and DCD.
  rig.out(uart::kMcr, uart::kMcrLoopback | uart::kMcrOut2 | uart::kMcrRts);
  CHECK((rig.in(uart::kMsr)&0xf0) == 0x90);
  rig.out(uart::kMcr, uart::kMcrLoopback | uart::kMcrOut1 | uart::kMcrDtr);
  CHECK(rig.in(uart::kMsr) == (uart::kMsrRi | uart::kMsrDsr | uart::kMsrDeltaCts |
                               uart::kMsrDeltaDcd | uart::kMsrDeltaDsr));
  rig.out(uart::kMcr, uart::kMcrLoopback);  // OUT1 (RI) falls: trailing edge
  CHECK(rig.in(uart::kMsr) == (uart::kMsrTrailingEdgeRi | uart::kMsrDeltaDsr));

  // The host line is disconnected in loopback.
  CHECK(rig.uart.can_receive() == 0);
  rig.feed({'h'});
  CHECK((rig.in(uart::kLsr)&uart::kLsrDataReady) == 0);

  rig.out(uart::kRbrThrDll, 'L');
  rig.advance_by(kChar8n1At115200 - 1);
  CHECK((rig.in(uart::kLsr)&uart::kLsrDataReady) == 0);
  rig.advance_by(1);
  CHECK(rig.in(uart::kLsr) == (0x60 | uart::kLsrDataReady));
  CHECK(rig.in(uart::kRbrThrDll) == 'L');
  CHECK(rig.backend.sent.empty());

  // Leaving loopback reconnects the line and the host's modem inputs.
  rig.out(uart::kMcr, 0);
  CHECK((rig.in(uart::kMsr)&0xf0) == 0xb0);
  CHECK(rig.uart.can_receive() == 1);
  rig.out(uart::kRbrThrDll, 'W');
  rig.advance_by(kChar8n1At115200);
  REQUIRE(rig.backend.sent.size() == 1);
  CHECK(rig.backend.sent[0].second == 'W');
}

TEST_CASE("uart: errors are revealed at the top of the FIFO and LSR bit 7 tracks them", "[uart]") {
  UartRig rig;
  rig.out(uart::kIirFcr, uart::kFcrEnable | 0xc0);
  rig.feed({'a'});
  rig.uart.receive_break();
  rig.feed({'b'});
  rig.uart.receive_break();
  // 'a' is on top: no BI yet, but the FIFO holds errored characters.
  CHECK(rig.in(uart::kLsr) == (0xe0 | uart::kLsrDataReady));
  CHECK(rig.in(uart::kRbrThrDll) == 'a');
  // The first break character is on top now; another one follows, so bit 7 survives the read.
  CHECK(rig.in(uart::kLsr) == (0xe0 | uart::kLsrBreak | uart::kLsrDataReady));
  CHECK(rig.in(uart::kLsr) == (0xe0 | uart::kLsrDataReady));
  CHECK(rig.in(uart::kRbrThrDll) == 0x00);
  CHECK(rig.in(uart::kRbrThrDll) == 'b');
  // Last break on top and nothing behind it: bit 7 clears with this read.
  CHECK(rig.in(uart::kLsr) == (0xe0 | uart::kLsrBreak | uart::kLsrDataReady));
  CHECK(rig.in(uart::kLsr) == (0x60 | uart::kLsrDataReady));
  CHECK(rig.in(uart::kRbrThrDll) == 0x00);
  CHECK(rig.in(uart::kLsr) == 0x60);
}

TEST_CASE("uart: loopback keeps only the programmed data bits, the host line passes bytes whole",
          "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  rig.out(uart::kLcr, 0x02);  // 7 data bits
  rig.out(uart::kMcr, uart::kMcrLoopback);
  rig.out(uart::kRbrThrDll, 0xc1);
  rig.advance_by(kPsPerMs);
  CHECK(rig.in(uart::kRbrThrDll) == 0x41);
  rig.out(uart::kMcr, 0);
  rig.out(uart::kLcr, 0x00);  // the reset value: 5 data bits
  rig.feed({0xff});
  CHECK(rig.in(uart::kRbrThrDll) == 0xff);
  rig.out(uart::kRbrThrDll, 'A');
  rig.advance_by(kPsPerMs);
  REQUIRE(rig.backend.sent.size() == 1);
  CHECK(rig.backend.sent[0].second == 'A');
}

TEST_CASE("uart: switching FIFO mode clears both FIFOs and raises THRE", "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  rig.out(uart::kIirFcr, uart::kFcrEnable);
  rig.out(uart::kMcr, uart::kMcrOut2);
  rig.feed({1, 2, 3});
  for (u8 c : {'a', 'b', 'c'}) rig.out(uart::kRbrThrDll, c);
  rig.out(uart::kIerDlm, uart::kIerThre);
  CHECK_FALSE(rig.irq());     // the transmit FIFO still holds 'b' and 'c'
  rig.out(uart::kIirFcr, 0);  // back to 16450 mode
  CHECK(rig.irq());
  CHECK(rig.in(uart::kIirFcr) == 0x02);
  CHECK(rig.in(uart::kLsr) == uart::kLsrThre);  // 'a' is still in the shift register
  rig.advance_by(kPsPerMs);
  CHECK(rig.backend.sent.size() == 1);
  CHECK(rig.in(uart::kLsr) == 0x60);
}

}  // namespace
}  // namespace glasspc::test

namespace glasspc::test {
namespace {

TEST_CASE("uart: a peer with RTS/CTS flow control sends only while RTS is asserted", "[uart]") {
  UartRig rig;
  rig.uart.set_peer_flow_control(true);
  CHECK(rig.uart.can_receive() == 0);  // reset: MCR.RTS clear
  rig.out(uart::kMcr, uart::kMcrDtr | uart::kMcrRts);
  CHECK(rig.uart.can_receive() == 1);  // 16450 mode: RBR only
  rig.out(uart::kIirFcr, uart::kFcrEnable);
  CHECK(rig.uart.can_receive() == 16);
  rig.out(uart::kMcr, uart::kMcrDtr);
  CHECK(rig.uart.can_receive() == 0);
}

}  // namespace
}  // namespace glasspc::test

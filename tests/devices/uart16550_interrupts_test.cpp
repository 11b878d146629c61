// 16550 interrupt identification, priorities, THRE semantics, modem status and the OUT2 gate.
#include <catch2/catch.hpp>

#include "tests/devices/uart_rig.h"

namespace glasspc::test {
namespace {

TEST_CASE("uart: IIR reports RX data at each FIFO trigger level", "[uart]") {
  struct Case {
    u8 fcr_bits;
    unsigned level;
  };
  for (const Case c : {Case{0x00, 1}, Case{0x40, 4}, Case{0x80, 8}, Case{0xc0, 14}}) {
    UartRig rig;
    rig.out(uart::kIirFcr, uart::kFcrEnable | c.fcr_bits);
    rig.out(uart::kIerDlm, uart::kIerRxData);
    rig.out(uart::kMcr, uart::kMcrOut2);
    for (unsigned i = 0; i + 1 < c.level; ++i) rig.feed({static_cast<u8>(i)});
    INFO("trigger level " << c.level);
    CHECK(rig.in(uart::kIirFcr) == 0xc1);
    CHECK_FALSE(rig.irq());
    rig.feed({0x55});
    CHECK(rig.in(uart::kIirFcr) == 0xc4);
    CHECK(rig.irq());
    // One read takes the FIFO below the trigger level and clears the interrupt.
    rig.in(uart::kRbrThrDll);
    CHECK(rig.in(uart::kIirFcr) == 0xc1);
    CHECK_FALSE(rig.irq());
  }
}

TEST_CASE("uart: in 16450 mode the RX interrupt follows DR and IIR has no FIFO bits", "[uart]") {
  UartRig rig;
  rig.out(uart::kIerDlm, uart::kIerRxData);
  rig.out(uart::kMcr, uart::kMcrOut2);
  rig.feed({'q'});
  CHECK(rig.in(uart::kIirFcr) == 0x04);
  CHECK(rig.irq());
  CHECK(rig.in(uart::kRbrThrDll) == 'q');
  CHECK(rig.in(uart::kIirFcr) == 0x01);
  CHECK_FALSE(rig.irq());
  CHECK(rig.irq_levels == std::vector<bool>{true, false});
}

TEST_CASE("uart: THRE interrupt is cleared by an IIR read and by a THR write", "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  rig.out(uart::kMcr, uart::kMcrOut2);
  rig.out(uart::kIerDlm, uart::kIerThre);  // THR is empty: THRE at once
  CHECK(rig.irq());
  CHECK(rig.iir_id() == uart::kIirThre);
  // The IIR read that reported THRE cleared it.
  CHECK(rig.iir_id() == uart::kIirNoInterrupt);
  CHECK_FALSE(rig.irq());

  // The first byte moves straight into the idle shift register, so THR is empty again.
  rig.out(uart::kRbrThrDll, 'a');
  CHECK(rig.irq());
  // The second byte waits in THR: the write clears THRE and nothing re-raises it.
  rig.out(uart::kRbrThrDll, 'b');
  CHECK_FALSE(rig.irq());
  CHECK(rig.in(uart::kLsr) == 0x00);
  CHECK(rig.iir_id() == uart::kIirNoInterrupt);

  // When 'a' has gone out, 'b' moves into the shift register and THR empties.
  rig.advance_by(kChar8n1At115200);
  CHECK(rig.irq());
  CHECK(rig.in(uart::kLsr) == uart::kLsrThre);
  CHECK(rig.iir_id() == uart::kIirThre);
  CHECK_FALSE(rig.irq());
  rig.advance_by(kChar8n1At115200);
  CHECK(rig.in(uart::kLsr) == (uart::kLsrThre | uart::kLsrTemt));
  CHECK(rig.irq_levels == std::vector<bool>{true, false, true, false, true, false});
}

TEST_CASE("uart: enabling ETBEI re-raises THRE only while THR is empty", "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  rig.out(uart::kMcr, uart::kMcrOut2);
  rig.out(uart::kIerDlm, uart::kIerThre);
  CHECK(rig.iir_id() == uart::kIirThre);
  CHECK(rig.iir_id() == uart::kIirNoInterrupt);
  // Disabling and enabling again with THR empty brings the interrupt back.
  rig.out(uart::kIerDlm, 0);
  rig.out(uart::kIerDlm, uart::kIerThre);
  CHECK(rig.irq());
  CHECK(rig.iir_id() == uart::kIirThre);

  // With THR holding a byte, enabling ETBEI raises nothing until THR empties.
  rig.out(uart::kIerDlm, 0);
  rig.out(uart::kRbrThrDll, 'a');  // into the shift register
  rig.out(uart::kRbrThrDll, 'b');  // stays in THR
  rig.out(uart::kIerDlm, uart::kIerThre);
  CHECK_FALSE(rig.irq());
  CHECK(rig.iir_id() == uart::kIirNoInterrupt);
  rig.advance_by(kChar8n1At115200);
  CHECK(rig.irq());
}

TEST_CASE("uart: interrupt priorities follow the datasheet", "[uart]") {
  UartRig rig;
  rig.configure_8n1_115200();
  rig.out(uart::kMcr, uart::kMcrOut2);
  rig.feed({'x', 'y'});             // 16450 mode: 'y' overruns 'x'
  rig.uart.set_modem_inputs(0x30);  // DCD drops: a modem status change
  rig.out(uart::kIerDlm, 0x0f);     // every source enabled at once
  CHECK(rig.iir_id() == uart::kIirLineStatus);
  CHECK((rig.in(uart::kLsr)&uart::kLsrOverrun) != 0);  // reading LSR clears it
  CHECK(rig.iir_id() == uart::kIirRxData);
  CHECK(rig.in(uart::kRbrThrDll) == 'y');
  CHECK(rig.iir_id() == uart::kIirThre);  // and this read clears THRE
  CHECK(rig.iir_id() == uart::kIirModemStatus);
  CHECK(rig.in(uart::kMsr) == (0x30 | uart::kMsrDeltaDcd));
  CHECK(rig.iir_id() == uart::kIirNoInterrupt);
  CHECK_FALSE(rig.irq());
}

TEST_CASE("uart: OUT2 gates the IRQ output", "[uart]") {
  UartRig rig;
  rig.out(uart::kIerDlm, uart::kIerThre);  // THRE pending, but OUT2 is low
  CHECK_FALSE(rig.irq());
  CHECK(rig.irq_levels.empty());
  rig.out(uart::kMcr, uart::kMcrOut2);
  CHECK(rig.irq());
  rig.out(uart::kMcr, uart::kMcrDtr | uart::kMcrRts);
  CHECK_FALSE(rig.irq());
  // Loopback forces the OUT2 pin inactive even though the bit is set.
  rig.out(uart::kMcr, uart::kMcrOut2 | uart::kMcrLoopback);
  CHECK_FALSE(rig.irq());
  rig.out(uart::kMcr, uart::kMcrOut2);
  CHECK(rig.irq());
  // The interrupt itself was pending all along.
  CHECK(rig.iir_id() == uart::kIirThre);
  CHECK_FALSE(rig.irq());
  CHECK(rig.irq_levels == std::vector<bool>{true, false, true, false});
}

TEST_CASE("uart: MSR delta bits record modem input changes until MSR is read", "[uart]") {
  UartRig rig;
  rig.out(uart::kMcr, uart::kMcrOut2);
  rig.out(uart::kIerDlm, uart::kIerModemStatus);
  CHECK_FALSE(rig.irq());
  // CTS drops, RI rises: DCTS set; RI rising is not a trailing edge.
  rig.uart.set_modem_inputs(uart::kMsrDsr | uart::kMsrDcd | uart::kMsrRi);
  CHECK(rig.irq());
  CHECK(rig.iir_id() == uart::kIirModemStatus);
  CHECK(rig.in(uart::kMsr) == (0xe0 | uart::kMsrDeltaCts));
  CHECK_FALSE(rig.irq());
  CHECK(rig.in(uart::kMsr) == 0xe0);
  // RI falls (trailing edge), DSR and DCD fall.
  rig.uart.set_modem_inputs(0);
  CHECK(rig.in(uart::kMsr) == (uart::kMsrTrailingEdgeRi | uart::kMsrDeltaDsr | uart::kMsrDeltaDcd));
  // Deltas accumulate across several changes before a read.
  rig.uart.set_modem_inputs(uart::kMsrCts);
  rig.uart.set_modem_inputs(uart::kMsrCts | uart::kMsrDsr);
  CHECK(rig.in(uart::kMsr) == (0x30 | uart::kMsrDeltaCts | uart::kMsrDeltaDsr));
  CHECK(rig.iir_id() == uart::kIirNoInterrupt);
}

TEST_CASE("uart: receive line status interrupt reports a break and clears on LSR read", "[uart]") {
  UartRig rig;
  rig.out(uart::kMcr, uart::kMcrOut2);
  rig.out(uart::kIerDlm, uart::kIerLineStatus);
  rig.uart.receive_break();
  CHECK(rig.irq());
  CHECK(rig.in(uart::kIirFcr) == 0x06);
  CHECK(rig.in(uart::kLsr) == (0x60 | uart::kLsrBreak | uart::kLsrDataReady));
  CHECK_FALSE(rig.irq());
  CHECK(rig.in(uart::kRbrThrDll) == 0x00);
  CHECK(rig.in(uart::kLsr) == 0x60);
}

}  // namespace
}  // namespace glasspc::test

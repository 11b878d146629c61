// National/TI 16550A UART (TI PC16550D datasheet), as wired on a PC: eight I/O ports, the INTR
// output gated by MCR.OUT2, a 1.8432 MHz reference clock.
//
// Everything the guest sees is driven by virtual time: a character takes
// divisor * 16 * bits-per-frame cycles of the 1.8432 MHz clock to shift out, the transmitter
// moves THR -> shift register -> backend at that rate (so LSR.THRE and LSR.TEMT tell the truth),
// unless line timing is off: then, as on QEMU, a character leaves the shift register as soon as
// it enters it (a kernel printing its log at 9600 baud would otherwise spend seconds of virtual
// time polling LSR). The board turns timing off unless asked (-device isa-serial,timing=on);
// and the receiver's character-timeout interrupt fires four character times after the last
// receive or CPU read. Input from the host arrives through receive() (fed by the InputLog), which
// takes at most can_receive() bytes.
//
// The host end of the line is byte-oriented, not a second UART: bytes pass between the guest and
// the backend whole, whatever word length LCR selects (a guest that never programs LCR runs at
// the reset value of 5 data bits and still prints readable text, as it does under QEMU). The word
// length does set the frame time, and loopback keeps only the programmed data bits.
#pragma once

#include <string>

#include "bus/chardev.h"
#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/port_space.h"
#include "bus/register_bank.h"
#include "bus/scheduler.h"
#include "bus/trace.h"
#include "bus/types.h"
#include "devices/uart_fifo.h"

namespace glasspc {

// Register bits, named as in the PC16550D datasheet, Table II "Summary of Registers".
namespace uart {
// Register offsets from the base port (Table II; DLAB is LCR bit 7).
constexpr u16 kRbrThrDll = 0;
constexpr u16 kIerDlm = 1;
constexpr u16 kIirFcr = 2;
constexpr u16 kLcr = 3;
constexpr u16 kMcr = 4;
constexpr u16 kLsr = 5;
constexpr u16 kMsr = 6;
constexpr u16 kScr = 7;
constexpr u16 kPortCount = 8;

constexpr u8 kIerRxData = 0x01;       // ERBFI: received data available (and character timeout)
constexpr u8 kIerThre = 0x02;         // ETBEI: transmitter holding register empty
constexpr u8 kIerLineStatus = 0x04;   // ELSI: receiver line status
constexpr u8 kIerModemStatus = 0x08;  // EDSSI: modem status
constexpr u8 kIerMask = 0x0f;         // bits 4-7 are always 0

constexpr u8 kIirNoInterrupt = 0x01;
constexpr u8 kIirModemStatus = 0x00;
constexpr u8 kIirThre = 0x02;
constexpr u8 kIirRxData = 0x04;
constexpr u8 kIirLineStatus = 0x06;
constexpr u8 kIirCharTimeout = 0x0c;
constexpr u8 kIirFifosEnabled = 0xc0;

constexpr u8 kFcrEnable = 0x01;
constexpr u8 kFcrClearRx = 0x02;
constexpr u8 kFcrClearTx = 0x04;
constexpr u8 kFcrDmaMode = 0x08;
constexpr u8 kFcrTriggerMask = 0xc0;

constexpr u8 kLcrWordLengthMask = 0x03;  // 5 + value data bits
constexpr u8 kLcrStopBits = 0x04;        // 1.5 (5-bit words) or 2 stop bits
constexpr u8 kLcrParityEnable = 0x08;
constexpr u8 kLcrBreak = 0x40;
constexpr u8 kLcrDlab = 0x80;

constexpr u8 kMcrDtr = 0x01;
constexpr u8 kMcrRts = 0x02;
constexpr u8 kMcrOut1 = 0x04;
constexpr u8 kMcrOut2 = 0x08;
constexpr u8 kMcrLoopback = 0x10;
constexpr u8 kMcrMask = 0x1f;  // bits 5-7 are always 0

constexpr u8 kLsrDataReady = 0x01;
constexpr u8 kLsrOverrun = 0x02;
constexpr u8 kLsrParityError = 0x04;
constexpr u8 kLsrFramingError = 0x08;
constexpr u8 kLsrBreak = 0x10;
constexpr u8 kLsrThre = 0x20;
constexpr u8 kLsrTemt = 0x40;
constexpr u8 kLsrFifoError = 0x80;
constexpr u8 kLsrCharErrors = kLsrParityError | kLsrFramingError | kLsrBreak;
constexpr u8 kLsrErrors = kLsrOverrun | kLsrCharErrors;

constexpr u8 kMsrDeltaCts = 0x01;
constexpr u8 kMsrDeltaDsr = 0x02;
constexpr u8 kMsrTrailingEdgeRi = 0x04;
constexpr u8 kMsrDeltaDcd = 0x08;
constexpr u8 kMsrDeltas = 0x0f;
constexpr u8 kMsrCts = 0x10;
constexpr u8 kMsrDsr = 0x20;
constexpr u8 kMsrRi = 0x40;
constexpr u8 kMsrDcd = 0x80;
constexpr u8 kMsrInputs = 0xf0;

// The baud generator's reference clock on a PC (Table I / section 8.3 "Programmable Baud
// Generator": 1.8432 MHz gives 115200 baud at divisor 1).
constexpr u64 kReferenceHz = 1'843'200;
// The divisor latch has no defined power-on value; a fixed 12 (9600 baud, the usual PC default)
// keeps power-on deterministic.
constexpr u16 kPowerOnDivisor = 12;
}  // namespace uart

class Uart16550 : public Device, public CharReceiver {
 public:
  Uart16550(std::string name, Scheduler& scheduler, Trace& trace);

  // Claims the eight registers at [base, base + 8). May be called again to move the UART.
  void attach(PortSpace& ports, u16 base);
  // The INTR output after the PC's OUT2 gate: high while an enabled interrupt is pending and
  // the OUT2 pin is active.
  IrqLine& irq() { return m_irq; }
  const IrqLine& irq() const { return m_irq; }
  // Where transmitted characters go; null discards them (an unconnected line).
  void set_backend(CharBackend* backend) { m_backend = backend; }

  // CharReceiver: free space in the receive FIFO (1 or 0 in 16450 mode).
  std::size_t can_receive() const override;
  // Characters that arrived on SIN. Characters beyond the free space overrun (LSR.OE).
  void receive(const u8* data, std::size_t length) override;
  // A break condition on SIN (the host's break event): one zero character with LSR.BI.
  void receive_break();
  // The modem status inputs CTS, DSR, RI and DCD as the far end of the line drives them, in MSR
  // bit positions (kMsrCts...kMsrDcd). The default is a ready peer: CTS, DSR and DCD asserted.
  // Like receive(), calls must come through the InputLog. MSR ignores them in loopback mode.
  void set_modem_inputs(u8 msr_inputs);

  void reset() override;
  void serialize(Archive& archive) override;

  // The duration of one character frame under the current LCR and divisor.
  Picoseconds character_time() const;
  // On (the default for the chip itself): the transmitter takes character_time() per character.
  // Off: transmitted characters go out at once; the receiver keeps its timing.
  void set_line_timing(bool on) { m_line_timing = on; }
  // On: the far end uses RTS/CTS hardware flow control and sends nothing while MCR.RTS is clear,
  // so host input waits until a driver has opened the port (Linux raises RTS when the tty is
  // opened) instead of being lost in a FIFO reset during the driver's probe. Off (the default
  // for the chip itself): input arrives whenever there is room.
  void set_peer_flow_control(bool on) { m_peer_flow_control = on; }

 private:
  // Register accesses (uart16550.cpp).
  u8 read_rbr();
  void write_thr(u8 value);
  void write_ier(u8 value);
  u8 read_iir();
  void write_fcr(u8 value);
  void write_lcr(u8 value);
  void write_mcr(u8 value);
  u8 read_lsr();
  u8 read_msr();
  void write_divisor(u16 divisor);
  bool dlab() const { return (m_lcr & uart::kLcrDlab) != 0; }
  bool fifo_enabled() const { return (m_fcr & uart::kFcrEnable) != 0; }
  bool loopback() const { return (m_mcr & uart::kMcrLoopback) != 0; }

  // Interrupts (uart16550.cpp).
  u8 interrupt_id() const;  // IIR bits 0-3
  bool rx_data_interrupt() const;
  void update_irq();
  void update_modem_status();
  void trace_event(std::string_view what, u64 value);

  // Serial line timing (uart16550_line.cpp).
  unsigned rx_trigger_level() const;
  unsigned rx_capacity() const;
  void start_transmit(Picoseconds start);
  void transmit_done();
  void receive_char(u8 data, u8 errors, Picoseconds arrival);
  void restart_rx_timeout();
  void rx_timeout_expired();
  u8 data_mask() const;

  Scheduler& m_scheduler;
  Trace& m_trace;
  RegisterBank m_registers;
  IrqLine m_irq;
  TimerId m_tx_timer;
  TimerId m_rx_timeout_timer;
  CharBackend* m_backend = nullptr;
  PortSpace* m_ports = nullptr;
  PortClaimId m_claim = 0;

  // Guest-visible state (all of it is in serialize()).
  u16 m_divisor = uart::kPowerOnDivisor;
  u8 m_ier = 0;
  u8 m_fcr = 0;  // FCR bits 0, 3, 6-7 as last programmed (FCR is write-only)
  u8 m_lcr = 0;
  u8 m_mcr = 0;
  u8 m_lsr_latched = 0;  // OE, PE, FE, BI and the RX FIFO error bit; DR/THRE/TEMT are computed
  u8 m_msr = 0;
  u8 m_scr = 0;
  u8 m_rbr_last = 0;  // what RBR reads when the receiver is empty
  UartFifo m_rx;
  UartFifo m_tx;
  u8 m_tsr = 0;  // transmitter shift register
  bool m_tsr_busy = false;
  Picoseconds m_tx_finish = 0;         // when the character in the shift register has gone out
  bool m_thre_pending = false;         // THRE interrupt latch (section 8.6)
  bool m_timeout_pending = false;      // character-timeout interrupt latch (section 8.10)
  Picoseconds m_rx_last_activity = 0;  // last character received or read, for the timeout
  u8 m_modem_inputs = uart::kMsrCts | uart::kMsrDsr | uart::kMsrDcd;
  bool m_line_timing = true;  // configuration, not guest state
  bool m_peer_flow_control = false;
};

}  // namespace glasspc

// 16550A serial line side: character timing, the transmitter (THR/FIFO -> shift register -> wire)
// and the receiver (wire -> FIFO, overrun, character timeout). Section numbers refer to the
// TI/National PC16550D datasheet.
#include "devices/uart16550.h"

namespace glasspc {

using namespace uart;

namespace {
// Section 8.5, FCR bits 7-6: receiver FIFO trigger levels.
constexpr unsigned kTriggerLevels[4] = {1, 4, 8, 14};
// Section 8.10: the character timeout is four character times.
constexpr unsigned kTimeoutCharacters = 4;
}  // namespace

// Section 8.1 (LCR) and 8.3 (baud generator): a frame is a start bit, 5-8 data bits, an
// optional parity bit and 1, 1.5 (5-bit words) or 2 stop bits; each bit lasts 16 cycles of the
// baud clock, which is the 1.8432 MHz reference divided by the divisor latch. Counting in half
// bits keeps 1.5 stop bits exact: a half bit is divisor * 8 reference cycles.
Picoseconds Uart16550::character_time() const {
  // A divisor of 0 does not divide; treat it as 1 rather than stopping the line.
  const u64 divisor = m_divisor == 0 ? 1 : m_divisor;
  const unsigned data_bits = 5 + (m_lcr & kLcrWordLengthMask);
  const unsigned parity_bits = (m_lcr & kLcrParityEnable) ? 1 : 0;
  unsigned stop_halves = 2;
  if (m_lcr & kLcrStopBits) stop_halves = data_bits == 5 ? 3 : 4;
  const unsigned half_bits = 2 * (1 + data_bits + parity_bits) + stop_halves;
  return time_of_tick(divisor * 8 * half_bits, kReferenceHz);
}

u8 Uart16550::data_mask() const {
  return static_cast<u8>((1u << (5 + (m_lcr & kLcrWordLengthMask))) - 1);
}

unsigned Uart16550::rx_trigger_level() const {
  return kTriggerLevels[(m_fcr & kFcrTriggerMask) >> 6];
}

unsigned Uart16550::rx_capacity() const {
  return fifo_enabled() ? UartFifo::kCapacity : 1;
}

// Moves the next character from THR (or the transmit FIFO) into the shift register at `start`.
// When that empties the holding side, THRE is set and the THRE interrupt raised (section 8.6;
// in FIFO mode "when the XMIT FIFO is empty", section 8.10).
void Uart16550::start_transmit(Picoseconds start) {
  if (m_tsr_busy || m_tx.empty()) return;
  m_tsr = m_tx.pop().data;
  m_tsr_busy = true;
  m_tx_finish = start + (m_line_timing ? character_time() : 0);
  m_scheduler.arm_at(m_tx_timer, m_tx_finish);
  if (m_tx.empty() && (m_ier & kIerThre)) m_thre_pending = true;
}

// The last stop bit of the character in the shift register has gone out. Times are taken from
// the scheduled finish, not from "now", so back-to-back characters keep exact spacing even when
// the timer is serviced late.
void Uart16550::transmit_done() {
  if (!m_tsr_busy) return;
  m_tsr_busy = false;
  const u8 data = m_tsr;
  if (loopback()) {
    // Section 8.8, MCR bit 4: the shift register output is looped back into the receiver and
    // SOUT stays marking, so nothing reaches the line. Only the programmed number of data bits
    // is shifted out and sampled back in.
    receive_char(data & data_mask(), 0, m_tx_finish);
  } else if (m_lcr & kLcrBreak) {
    // Section 8.1, LCR bit 6: SOUT is forced to spacing, so the character never appears.
    trace_event("tx-lost-in-break", data);
  } else if (m_backend) {
    m_backend->write(&data, 1);
  }
  start_transmit(m_tx_finish);  // the next character follows the last stop bit at once
  update_irq();
}

std::size_t Uart16550::can_receive() const {
  // In loopback mode SIN is disconnected (section 8.8): the host keeps its input until it ends.
  if (loopback()) return 0;
  // A peer using RTS/CTS hardware flow control sends only while the guest asserts RTS.
  if (m_peer_flow_control && !(m_mcr & kMcrRts)) return 0;
  return rx_capacity() - m_rx.size();
}

void Uart16550::receive(const u8* data, std::size_t length) {
  if (loopback()) {
    trace_event("rx-ignored-in-loopback", length);
    return;
  }
  for (std::size_t i = 0; i < length; ++i) receive_char(data[i], 0, m_scheduler.clock().now());
}

void Uart16550::receive_break() {
  if (loopback()) return;
  // Section 8.4, LSR bit 4: a break loads one zero character, flagged BI.
  receive_char(0, kLsrBreak, m_scheduler.clock().now());
}

// A character has been assembled in the receiver shift register at time `arrival`.
void Uart16550::receive_char(u8 data, u8 errors, Picoseconds arrival) {
  if (m_rx.size() >= rx_capacity()) {
    // Section 8.4, LSR bit 1. FIFO mode: the character in the shift register is overwritten and
    // never enters the full FIFO. 16450 mode: the new character replaces the unread one.
    m_lsr_latched |= kLsrOverrun;
    if (fifo_enabled()) {
      trace_event("rx-overrun-drop", data);
    } else {
      m_rx.replace_back({data, errors});
      m_lsr_latched |= errors;
      trace_event("rx-overrun-replace", data);
    }
  } else {
    const bool was_empty = m_rx.empty();
    m_rx.push({data, errors});
    if (!fifo_enabled() || was_empty) m_lsr_latched |= errors;
    if (fifo_enabled() && errors) m_lsr_latched |= kLsrFifoError;
  }
  // Section 8.10: a received character restarts the timeout timer, unless a timeout interrupt
  // has already occurred (only a CPU read clears that).
  m_rx_last_activity = arrival;
  restart_rx_timeout();
  update_irq();
}

// Section 8.10: a timeout is due four character times after the last character received or
// read, while at least one character is in the receive FIFO (FIFO mode only).
void Uart16550::restart_rx_timeout() {
  if (!fifo_enabled() || m_rx.empty() || m_timeout_pending) {
    m_scheduler.cancel(m_rx_timeout_timer);
    return;
  }
  m_scheduler.arm_at(m_rx_timeout_timer,
                     m_rx_last_activity + kTimeoutCharacters * character_time());
}

void Uart16550::rx_timeout_expired() {
  if (!fifo_enabled() || m_rx.empty()) return;
  m_timeout_pending = true;
  trace_event("rx-char-timeout", m_rx.size());
  update_irq();
}

}  // namespace glasspc

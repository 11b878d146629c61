// 16550A registers and interrupts. Section numbers refer to the TI/National PC16550D datasheet
// ("PC16550D Universal Asynchronous Receiver/Transmitter with FIFOs"). The serial line side
// (timing, FIFO movement, receive) is in uart16550_line.cpp.
#include "devices/uart16550.h"

#include <utility>
#include <vector>

#include "bus/archive.h"

namespace glasspc {

using namespace uart;

Uart16550::Uart16550(std::string name, Scheduler& scheduler, Trace& trace)
    : Device(std::move(name)),
      m_scheduler(scheduler),
      m_trace(trace),
      m_registers(this->name(), trace, kPortCount),
      m_irq(this->name() + ".intr", &trace),
      m_tx_timer(scheduler.create_timer(this->name() + ".tx", [this] { transmit_done(); })),
      m_rx_timeout_timer(
          scheduler.create_timer(this->name() + ".rx_timeout", [this] { rx_timeout_expired(); })) {
  // Table II: offsets 0 and 1 are banked by LCR.DLAB; offset 2 is IIR on reads, FCR on writes.
  // All state lives in members, so every register has behaviour callbacks and the bank's stored
  // values are never read.
  m_registers.add({.offset = kRbrThrDll,
                   .width = 1,
                   .name = "RBR/THR/DLL",
                   .writable_mask = 0xff,
                   .read = [this]() -> u64 { return dlab() ? (m_divisor & 0xff) : read_rbr(); },
                   .write =
                       [this](u64 value, u64) {
                         if (dlab())
                           write_divisor(static_cast<u16>((m_divisor & 0xff00) | (value & 0xff)));
                         else
                           write_thr(static_cast<u8>(value));
                       }});
  m_registers.add({.offset = kIerDlm,
                   .width = 1,
                   .name = "IER/DLM",
                   .writable_mask = 0xff,
                   .read = [this]() -> u64 { return dlab() ? (m_divisor >> 8) : m_ier; },
                   .write =
                       [this](u64 value, u64) {
                         if (dlab())
                           write_divisor(
                               static_cast<u16>((m_divisor & 0x00ff) | ((value & 0xff) << 8)));
                         else
                           write_ier(static_cast<u8>(value));
                       }});
  m_registers.add({.offset = kIirFcr,
                   .width = 1,
                   .name = "IIR/FCR",
                   .writable_mask = 0xff,
                   .read = [this]() -> u64 { return read_iir(); },
                   .write = [this](u64 value, u64) { write_fcr(static_cast<u8>(value)); }});
  m_registers.add({.offset = kLcr,
                   .width = 1,
                   .name = "LCR",
                   .writable_mask = 0xff,
                   .read = [this]() -> u64 { return m_lcr; },
                   .write = [this](u64 value, u64) { write_lcr(static_cast<u8>(value)); }});
  m_registers.add({.offset = kMcr,
                   .width = 1,
                   .name = "MCR",
                   .writable_mask = 0xff,
                   .read = [this]() -> u64 { return m_mcr; },
                   .write = [this](u64 value, u64) { write_mcr(static_cast<u8>(value)); }});
  // LSR and MSR are read-only (section 8.4: writing LSR is for factory test only); the bank's
  // writable mask of 0 drops guest writes.
  m_registers.add({.offset = kLsr,
                   .width = 1,
                   .name = "LSR",
                   .writable_mask = 0,
                   .read = [this]() -> u64 { return read_lsr(); },
                   .write = {}});
  m_registers.add({.offset = kMsr,
                   .width = 1,
                   .name = "MSR",
                   .writable_mask = 0,
                   .read = [this]() -> u64 { return read_msr(); },
                   .write = {}});
  m_registers.add({.offset = kScr,
                   .width = 1,
                   .name = "SCR",
                   .writable_mask = 0xff,
                   .read = [this]() -> u64 { return m_scr; },
                   .write = [this](u64 value, u64) { m_scr = static_cast<u8>(value); }});
  reset();
}

void Uart16550::attach(PortSpace& ports, u16 base) {
  if (m_ports) {
    m_ports->release(m_claim);
    m_ports = nullptr;
  }
  PortHandler handler;
  handler.name = name();
  handler.read = [this](u16 offset, unsigned) {
    return static_cast<u32>(m_registers.read(offset, 1));
  };
  handler.write = [this](u16 offset, u32 value, unsigned) { m_registers.write(offset, value, 1); };
  // Every register is 8 bits wide: the port space splits wider accesses into byte accesses.
  handler.impl = AccessSizes{1, 1, true};
  handler.traces_itself = true;
  m_claim = ports.claim(base, kPortCount, std::move(handler));
  m_ports = &ports;
  m_registers.set_trace_base(base, TraceCategory::Port);
}

// Table III "UART Reset Configuration". The master reset leaves the divisor latch and the
// scratch register alone (they are not in the table); their power-on values are set in the
// member initialisers.
void Uart16550::reset() {
  m_scheduler.cancel(m_tx_timer);
  m_scheduler.cancel(m_rx_timeout_timer);
  m_ier = 0;
  m_fcr = 0;
  m_lcr = 0;
  m_mcr = 0;
  m_lsr_latched = 0;
  m_rbr_last = 0;
  m_rx.clear();
  m_tx.clear();
  m_tsr = 0;
  m_tsr_busy = false;
  m_tx_finish = 0;
  m_thre_pending = false;
  m_timeout_pending = false;
  m_rx_last_activity = 0;
  m_msr = m_modem_inputs & kMsrInputs;  // deltas low, bits 4-7 follow the inputs
  update_irq();
}

u8 Uart16550::read_rbr() {
  if (m_rx.empty()) return m_rbr_last;  // the holding register keeps the last character
  const UartFifo::Entry entry = m_rx.pop();
  m_rbr_last = entry.data;
  // Section 8.4: in FIFO mode PE/FE/BI are revealed when their character reaches the top.
  if (fifo_enabled() && !m_rx.empty()) m_lsr_latched |= m_rx.front().errors;
  // Section 8.10: a CPU read clears a character-timeout interrupt and restarts the timer.
  m_timeout_pending = false;
  m_rx_last_activity = m_scheduler.clock().now();
  restart_rx_timeout();
  update_irq();
  return entry.data;
}

void Uart16550::write_thr(u8 value) {
  // Section 8.6: writing THR clears a pending THRE interrupt.
  m_thre_pending = false;
  if (!fifo_enabled() && !m_tx.empty()) {
    // 16450 mode: THR is one byte; an unsent character is overwritten.
    m_tx.replace_back({value, 0});
    trace_event("thr-overwrite", value);
  } else if (m_tx.size() >= UartFifo::kCapacity) {
    trace_event("tx-fifo-full-drop", value);
  } else {
    m_tx.push({value, 0});
  }
  if (!m_tsr_busy) start_transmit(m_scheduler.clock().now());
  update_irq();
}

void Uart16550::write_ier(u8 value) {
  const u8 old = m_ier;
  m_ier = value & kIerMask;
  if (!(m_ier & kIerThre)) {
    m_thre_pending = false;
  } else if (!(old & kIerThre) && m_tx.empty()) {
    // Enabling ETBEI while the holding register is empty raises the THRE interrupt at once, as
    // every 8250-family part does; drivers (Linux's 8250 THRE probe) check for it.
    m_thre_pending = true;
  }
  update_irq();
}

u8 Uart16550::read_iir() {
  const u8 id = interrupt_id();
  // Section 8.6: reading IIR clears the THRE interrupt when it is the one reported.
  if (id == kIirThre) m_thre_pending = false;
  update_irq();
  return static_cast<u8>(id | (fifo_enabled() ? kIirFifosEnabled : 0));
}

void Uart16550::write_fcr(u8 value) {
  const bool enable = (value & kFcrEnable) != 0;
  if (enable != fifo_enabled()) {
    // Section 8.5 (FCR0): changing between 16450 and FIFO mode clears both FIFOs; the shift
    // registers are not affected. Section 8.10: the first transmitter interrupt after changing
    // FCR0 is immediate if it is enabled.
    m_rx.clear();
    m_tx.clear();
    m_lsr_latched &= kLsrOverrun;
    m_timeout_pending = false;
    if (m_ier & kIerThre) m_thre_pending = true;
  }
  if (!enable) {
    // "FCR0 must be a 1 when other FCR bits are written to or they will not be programmed."
    m_fcr &= static_cast<u8>(~kFcrEnable);
  } else {
    m_fcr = value & (kFcrEnable | kFcrDmaMode | kFcrTriggerMask);
    if (value & kFcrClearRx) {
      // FCR1 empties the receive FIFO (the shift register is not cleared); with its characters
      // go the errors that belonged to them.
      m_rx.clear();
      m_lsr_latched &= kLsrOverrun;
      m_timeout_pending = false;
    }
    if ((value & kFcrClearTx) && !m_tx.empty()) {
      m_tx.clear();
      if (m_ier & kIerThre) m_thre_pending = true;
    }
  }
  restart_rx_timeout();
  update_irq();
}

void Uart16550::write_lcr(u8 value) {
  m_lcr = value;
  restart_rx_timeout();  // the character time may have changed
}

void Uart16550::write_divisor(u16 divisor) {
  m_divisor = divisor;
  restart_rx_timeout();
}

void Uart16550::write_mcr(u8 value) {
  m_mcr = value & kMcrMask;
  update_modem_status();
  update_irq();
}

u8 Uart16550::read_lsr() {
  u8 value = m_lsr_latched;
  if (!m_rx.empty()) value |= kLsrDataReady;
  if (m_tx.empty()) value |= kLsrThre;
  if (m_tx.empty() && !m_tsr_busy) value |= kLsrTemt;
  // Section 8.4: reading LSR clears OE, PE, FE and BI (and so the line status interrupt); LSR7
  // is cleared too unless characters with errors remain behind the one at the top.
  m_lsr_latched &= static_cast<u8>(~kLsrErrors);
  bool later_errors = false;
  for (unsigned i = 1; i < m_rx.size(); ++i) later_errors |= m_rx.at(i).errors != 0;
  if (!later_errors) m_lsr_latched &= static_cast<u8>(~kLsrFifoError);
  update_irq();
  return value;
}

u8 Uart16550::read_msr() {
  const u8 value = m_msr;
  // Section 8.9: reading MSR clears the delta bits and with them the modem status interrupt.
  m_msr &= kMsrInputs;
  update_irq();
  return value;
}

void Uart16550::set_modem_inputs(u8 msr_inputs) {
  m_modem_inputs = msr_inputs & kMsrInputs;
  update_modem_status();
  update_irq();
}

// Section 8.9: MSR bits 4-7 are the (complemented) CTS, DSR, RI and DCD inputs; bits 0-3 record
// changes since the last MSR read. In loopback mode (section 8.8, MCR bit 4) the inputs are
// disconnected and driven internally by RTS, DTR, OUT1 and OUT2.
void Uart16550::update_modem_status() {
  u8 inputs = m_modem_inputs & kMsrInputs;
  if (loopback()) {
    inputs = 0;
    if (m_mcr & kMcrRts) inputs |= kMsrCts;
    if (m_mcr & kMcrDtr) inputs |= kMsrDsr;
    if (m_mcr & kMcrOut1) inputs |= kMsrRi;
    if (m_mcr & kMcrOut2) inputs |= kMsrDcd;
  }
  const u8 old = m_msr & kMsrInputs;
  const u8 changed = old ^ inputs;
  u8 deltas = m_msr & kMsrDeltas;
  if (changed & kMsrCts) deltas |= kMsrDeltaCts;
  if (changed & kMsrDsr) deltas |= kMsrDeltaDsr;
  if (changed & kMsrDcd) deltas |= kMsrDeltaDcd;
  // TERI: the RI pin went from low to high, i.e. the RI bit (its complement) went from 1 to 0.
  if ((old & kMsrRi) && !(inputs & kMsrRi)) deltas |= kMsrTrailingEdgeRi;
  m_msr = deltas | inputs;
}

bool Uart16550::rx_data_interrupt() const {
  // Section 8.10: in FIFO mode the interrupt follows the trigger level; in 16450 mode, DR.
  if (fifo_enabled()) return m_rx.size() >= rx_trigger_level();
  return !m_rx.empty();
}

// Table IV "Interrupt Control Functions": line status > received data / character timeout >
// THRE > modem status.
u8 Uart16550::interrupt_id() const {
  if ((m_ier & kIerLineStatus) && (m_lsr_latched & kLsrErrors)) return kIirLineStatus;
  if (m_ier & kIerRxData) {
    if (rx_data_interrupt()) return kIirRxData;
    if (m_timeout_pending) return kIirCharTimeout;
  }
  if ((m_ier & kIerThre) && m_thre_pending) return kIirThre;
  if ((m_ier & kIerModemStatus) && (m_msr & kMsrDeltas)) return kIirModemStatus;
  return kIirNoInterrupt;
}

// A PC board routes INTR to the ISA IRQ line through a buffer enabled by the OUT2 pin. In
// loopback mode the modem control output pins are forced inactive (section 8.8, MCR bit 4), so
// the gate is closed even though MCR.OUT2 reads back as set.
void Uart16550::update_irq() {
  const bool out2_pin_active = (m_mcr & kMcrOut2) && !loopback();
  const bool level = out2_pin_active && interrupt_id() != kIirNoInterrupt;
  if (level != m_irq.level()) m_irq.set(level);
}

void Uart16550::trace_event(std::string_view what, u64 value) {
  if (m_trace.on(TraceCategory::Device))
    m_trace.emit(TraceCategory::Device, name(), what, {{"value", value}});
}

void Uart16550::serialize(Archive& archive) {
  archive.field("divisor", m_divisor);
  archive.field("ier", m_ier);
  archive.field("fcr", m_fcr);
  archive.field("lcr", m_lcr);
  archive.field("mcr", m_mcr);
  archive.field("lsr", m_lsr_latched);
  archive.field("msr", m_msr);
  archive.field("scr", m_scr);
  archive.field("rbr_last", m_rbr_last);
  std::vector<u16> rx = m_rx.to_vector();
  std::vector<u16> tx = m_tx.to_vector();
  archive.field("rx_fifo", rx);
  archive.field("tx_fifo", tx);
  archive.field("tsr", m_tsr);
  archive.field("tsr_busy", m_tsr_busy);
  archive.field("tx_finish", m_tx_finish);
  archive.field("thre_pending", m_thre_pending);
  archive.field("timeout_pending", m_timeout_pending);
  archive.field("rx_last_activity", m_rx_last_activity);
  archive.field("modem_inputs", m_modem_inputs);
  if (archive.loading()) {
    m_rx.from_vector(rx);
    m_tx.from_vector(tx);
    m_ier &= kIerMask;
    m_mcr &= kMcrMask;
    m_modem_inputs &= kMsrInputs;
    // The wire is not part of any device's state: drive it to what the loaded state says.
    m_irq.set((m_mcr & kMcrOut2) && !loopback() && interrupt_id() != kIirNoInterrupt);
  }
}

}  // namespace glasspc

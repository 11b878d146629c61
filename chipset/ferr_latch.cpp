#include "chipset/ferr_latch.h"

#include "bus/archive.h"
#include "bus/port_space.h"
#include "bus/trace.h"

namespace glasspc {

FerrLatch::FerrLatch(std::string name, Trace& trace)
    : Device(std::move(name)),
      m_trace(trace),
      m_bank(this->name(), trace, 1),
      m_irq(this->name() + ".irq13", &trace) {
  m_bank.set_trace_base(kPort, TraceCategory::Port);
  // Write-only: any value clears the latch; nothing is stored.
  m_bank.add({.offset = 0,
              .width = 1,
              .name = "CLEAR_BUSY",
              .writable_mask = 0,
              .reset_value = 0,
              .read = [] { return u64{0xFF}; },
              .write = [this](u64, u64) { clear_written(); }});
}

void FerrLatch::attach(PortSpace& ports) {
  claim_byte_register(ports, kPort, m_bank, name());
}

void FerrLatch::set_irq(unsigned pin, bool level) {
  if (pin != kFerrInput || level == m_ferr) return;
  m_ferr = level;
  if (m_trace.on(TraceCategory::Device))
    m_trace.emit(TraceCategory::Device, name(), level ? "ferr_assert" : "ferr_deassert",
                 {{"latched", m_irq.level() || level}});
  if (level) m_irq.raise();
}

// SDM Vol. 1 D.2.1.2: the handler's write to port 0F0H clears the latch and so IRQ 13.
void FerrLatch::clear_written() {
  if (m_trace.on(TraceCategory::Device))
    m_trace.emit(TraceCategory::Device, name(), "clear", {{"ferr", m_ferr}});
  m_irq.lower();
}

// A system reset clears the latch. FERR# itself is the CPU's output: the CPU's reset drives it.
void FerrLatch::reset() {
  m_bank.reset();
  m_irq.lower();
}

// Only the latch is state of this device. FERR# is the level of the CPU's line as last delivered
// here; it is not taken from the archive, so it keeps matching the line it is connected to (the
// CPU, which drives that line, restores its own output).
void FerrLatch::serialize(Archive& archive) {
  bool latched = m_irq.level();
  archive.field("latched", latched);
  if (archive.loading()) m_irq.set(latched);
}

}  // namespace glasspc

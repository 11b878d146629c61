#include "bus/irq_line.h"

#include <algorithm>

#include "bus/trace.h"

namespace glasspc {

void IrqLine::connect(IrqSink& sink, unsigned pin) {
  m_sinks.push_back({&sink, pin});
  // A receiver attached to a line that is already high must see it high, as a wire would show.
  sink.set_irq(pin, m_level);
}

void IrqLine::set(bool level) {
  if (level == m_level) return;
  m_level = level;
  if (m_trace != nullptr && m_trace->on(TraceCategory::Irq)) {
    m_trace->emit(TraceCategory::Irq, m_name, level ? "raise" : "lower", {{"level", level}});
  }
  // By index over the receivers present now: a sink may connect more (they get the level from
  // connect) or disconnect all while it is told. If a sink changes the level again, that newer
  // change has already reached everyone, so this one stops.
  const std::size_t count = m_sinks.size();
  for (std::size_t i = 0; i < count && i < m_sinks.size() && m_level == level; ++i) {
    const Connection connection = m_sinks[i];
    connection.sink->set_irq(connection.pin, level);
  }
}

void IrqLine::pulse() {
  raise();
  lower();
}

void IrqWireOr::set_irq(unsigned pin, bool level) {
  const auto it = std::find(m_high.begin(), m_high.end(), pin);
  if (level && it == m_high.end()) m_high.push_back(pin);
  if (!level && it != m_high.end()) m_high.erase(it);
  // PCI Local Bus Spec 3.0, 2.2.6: INTx# are open-drain, so the shared wire is asserted while
  // any function drives it.
  m_output.set(!m_high.empty());
}

void IrqGate::set_irq(unsigned pin, bool level) {
  (pin == kInhibit ? m_inhibit : m_input) = level;
  m_output.set(m_input && !m_inhibit);
}

}  // namespace glasspc

// Interrupt wires.
//
// A device drives an IrqLine (raise/lower for level-triggered sources, pulse for edges) without
// knowing what is on the other end: an 8259 input, an IOAPIC pin, both at once (fan-out, as the
// ISA IRQs on a PC), a wire-OR that merges PCI INTx sources, or a test probe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bus/types.h"

namespace glasspc {

class Trace;

// The receiving end: an interrupt controller input pin, for example.
class IrqSink {
 public:
  virtual ~IrqSink() = default;
  virtual void set_irq(unsigned pin, bool level) = 0;
};

class IrqLine {
 public:
  IrqLine() = default;
  IrqLine(std::string name, Trace* trace) : m_name(std::move(name)), m_trace(trace) {}

  // Adds a receiver; the line's current level is delivered to it at once.
  void connect(IrqSink& sink, unsigned pin);
  void disconnect_all() { m_sinks.clear(); }

  void set(bool level);
  void raise() { set(true); }
  void lower() { set(false); }
  // An edge: raise then lower (the 8254, edge-triggered ISA devices).
  void pulse();
  bool level() const { return m_level; }
  const std::string& name() const { return m_name; }

 private:
  struct Connection {
    IrqSink* sink;
    unsigned pin;
  };
  std::string m_name;
  Trace* m_trace = nullptr;
  std::vector<Connection> m_sinks;
  bool m_level = false;
};

// Wire-OR of several sources (shared PCI INTx): the output is high while any input is high.
class IrqWireOr : public IrqSink {
 public:
  IrqWireOr(std::string name, Trace* trace) : m_output(std::move(name), trace) {}
  // Input pins are numbered by the caller (e.g. one per device); any unsigned value works.
  void set_irq(unsigned pin, bool level) override;
  IrqLine& output() { return m_output; }

 private:
  std::vector<unsigned> m_high;  // pins currently high
  IrqLine m_output;
};

// A line that follows its input (pin kInput) unless inhibited (pin kInhibit high): how the
// HPET's LegacyReplacement route takes IRQ 0 and IRQ 8 away from the PIT and the RTC
// (IA-PC HPET Specification 1.0a, 2.3.5 LEG_RT_CNF).
class IrqGate : public IrqSink {
 public:
  static constexpr unsigned kInput = 0;
  static constexpr unsigned kInhibit = 1;
  IrqGate(std::string name, Trace* trace) : m_output(std::move(name), trace) {}
  void set_irq(unsigned pin, bool level) override;
  IrqLine& output() { return m_output; }

 private:
  bool m_input = false;
  bool m_inhibit = false;
  IrqLine m_output;
};

// A sink that calls a function (tests, or glue such as "LAPIC LINT0").
class IrqCallback : public IrqSink {
 public:
  explicit IrqCallback(std::function<void(unsigned pin, bool level)> fn) : m_fn(std::move(fn)) {}
  void set_irq(unsigned pin, bool level) override { m_fn(pin, level); }

 private:
  std::function<void(unsigned, bool)> m_fn;
};

}  // namespace glasspc

// Structured trace of everything guest-visible that crosses the backplane.
//
// Every producer guards its event with `if (trace.on(TraceCategory::X))`, a single test of a
// bit mask, so tracing that is off costs one predictable branch. Events carry the instruction
// count and virtual time at which they happened and go to one sink: text or Chrome/Perfetto JSON.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bus/types.h"

namespace glasspc {

class Clock;

enum class TraceCategory : u32 {
  Port = 1u << 0,       // IN/OUT accesses (raw, for handlers without a register table)
  Mmio = 1u << 1,       // MMIO accesses (raw)
  Reg = 1u << 2,        // named device register accesses (register tables)
  Irq = 1u << 3,        // IRQ line level changes, controller routing decisions
  Msi = 1u << 4,        // message-signalled interrupts
  Dma = 1u << 5,        // device DMA with requester ID
  Iommu = 1u << 6,      // IOMMU walks, translations and faults
  Exception = 1u << 7,  // CPU exceptions and interrupts taken
  Cpu = 1u << 8,        // CPU mode changes, resets, halts
  Pci = 1u << 9,        // PCI configuration cycles, BAR assignment
  Unassigned = 1u << 10,  // accesses nothing decodes
  Device = 1u << 11,    // device-internal events (timers firing, FIFO overruns, ...)
};

// Parses a QEMU-style "-d" list ("port,irq", "all", "help" is handled by the caller).
// Returns false and names the bad item in `error` when a name is unknown.
bool parse_trace_categories(std::string_view list, u32& mask, std::string& error);
// The names accepted by parse_trace_categories, one per line with a short description.
std::string trace_category_help();
std::string_view trace_category_name(TraceCategory category);

struct TraceArg {
  const char* key;
  u64 value;
};

struct TraceEvent {
  TraceCategory category;
  u64 instructions;       // retired instructions (all vCPUs) when the event happened
  Picoseconds time;       // virtual time
  std::string_view source;  // the device or component, e.g. "com1", "memory"
  std::string_view what;    // the event, e.g. "read", "LCR", "raise"
  const TraceArg* args;
  std::size_t arg_count;
  std::string_view text;  // optional free-form explanation
};

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void write(const TraceEvent& event) = 0;
  virtual void flush() {}
};

// "[icount=123 t=1.000000us] port com1 write port=0x3f8 value=0x41 size=1 (text)"
std::unique_ptr<TraceSink> make_text_trace_sink(std::FILE* out);
// Chrome trace-event JSON (chrome://tracing, ui.perfetto.dev): one instant event per trace event.
std::unique_ptr<TraceSink> make_json_trace_sink(std::FILE* out);
// Keeps events in memory as text lines; used by tests and by the monitor.
class MemoryTraceSink : public TraceSink {
 public:
  void write(const TraceEvent& event) override;
  const std::vector<std::string>& lines() const { return m_lines; }
  void clear() { m_lines.clear(); }

 private:
  std::vector<std::string> m_lines;
};

// Formats one event as the text sink does (without trailing newline).
std::string format_trace_event(const TraceEvent& event);

class Trace {
 public:
  explicit Trace(const Clock& clock) : m_clock(clock) {}

  bool on(TraceCategory category) const { return (m_mask & static_cast<u32>(category)) != 0; }
  u32 mask() const { return m_mask; }
  void set_mask(u32 mask) { m_mask = m_sink ? mask : 0; m_wanted = mask; }
  // The trace takes ownership of the sink; a null sink turns tracing off.
  void set_sink(std::unique_ptr<TraceSink> sink);
  TraceSink* sink() const { return m_sink.get(); }

  void emit(TraceCategory category, std::string_view source, std::string_view what,
            std::initializer_list<TraceArg> args = {}, std::string_view text = {});
  void flush();

 private:
  const Clock& m_clock;
  u32 m_mask = 0;
  u32 m_wanted = 0;
  std::unique_ptr<TraceSink> m_sink;
};

}  // namespace glasspc

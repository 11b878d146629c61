#include "bus/trace.h"

#include <fmt/format.h>

#include <array>

#include "bus/clock.h"

namespace glasspc {

namespace {

struct CategoryInfo {
  TraceCategory category;
  std::string_view name;
  std::string_view help;
};

constexpr std::array kCategories = {
    CategoryInfo{TraceCategory::Port, "port", "raw I/O port accesses"},
    CategoryInfo{TraceCategory::Mmio, "mmio", "raw MMIO accesses"},
    CategoryInfo{TraceCategory::Reg, "reg", "device register accesses, by register name"},
    CategoryInfo{TraceCategory::Irq, "irq", "interrupt lines and controller decisions"},
    CategoryInfo{TraceCategory::Msi, "msi", "message-signalled interrupts"},
    CategoryInfo{TraceCategory::Dma, "dma", "device DMA, with requester ID"},
    CategoryInfo{TraceCategory::Iommu, "iommu", "IOMMU translations and faults"},
    CategoryInfo{TraceCategory::Exception, "int", "CPU exceptions and interrupts taken"},
    CategoryInfo{TraceCategory::Cpu, "cpu", "CPU mode changes, resets, halts"},
    CategoryInfo{TraceCategory::Pci, "pci", "PCI configuration cycles and BAR changes"},
    CategoryInfo{TraceCategory::Unassigned, "unassigned", "accesses that nothing decodes"},
    CategoryInfo{TraceCategory::Device, "device", "device-internal events"},
};

void append_args(std::string& out, const TraceEvent& event) {
  for (std::size_t i = 0; i < event.arg_count; ++i)
    fmt::format_to(std::back_inserter(out), " {}={:#x}", event.args[i].key, event.args[i].value);
}

class TextSink : public TraceSink {
 public:
  explicit TextSink(std::FILE* out) : m_out(out) {}
  void write(const TraceEvent& event) override {
    std::string line = format_trace_event(event);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), m_out);
  }
  void flush() override { std::fflush(m_out); }

 private:
  std::FILE* m_out;
};

std::string json_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Chrome trace-event format: a JSON array of instant events ("ph":"i"); timestamps are in
// microseconds of virtual time; each category is its own track ("tid").
class JsonSink : public TraceSink {
 public:
  explicit JsonSink(std::FILE* out) : m_out(out) { std::fputs("[\n", m_out); }
  ~JsonSink() override {
    std::fputs("\n]\n", m_out);
    std::fflush(m_out);
  }
  void write(const TraceEvent& event) override {
    std::string line = fmt::format(
        "{}{{\"name\":\"{} {}\",\"cat\":\"{}\",\"ph\":\"i\",\"s\":\"t\",\"ts\":{:.6f},\"pid\":1,"
        "\"tid\":\"{}\",\"args\":{{\"icount\":{}",
        m_first ? "" : ",\n", json_escape(event.source), json_escape(event.what),
        trace_category_name(event.category), static_cast<double>(event.time) / kPsPerUs,
        trace_category_name(event.category), event.instructions);
    for (std::size_t i = 0; i < event.arg_count; ++i)
      line += fmt::format(",\"{}\":\"{:#x}\"", json_escape(event.args[i].key), event.args[i].value);
    if (!event.text.empty()) line += fmt::format(",\"text\":\"{}\"", json_escape(event.text));
    line += "}}";
    m_first = false;
    std::fwrite(line.data(), 1, line.size(), m_out);
  }
  void flush() override { std::fflush(m_out); }

 private:
  std::FILE* m_out;
  bool m_first = true;
};

}  // namespace

std::string_view trace_category_name(TraceCategory category) {
  for (const auto& info : kCategories)
    if (info.category == category) return info.name;
  return "?";
}

bool parse_trace_categories(std::string_view list, u32& mask, std::string& error) {
  mask = 0;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.empty()) continue;
    if (item == "all") {
      for (const auto& info : kCategories) mask |= static_cast<u32>(info.category);
      continue;
    }
    bool found = false;
    for (const auto& info : kCategories) {
      if (info.name == item) {
        mask |= static_cast<u32>(info.category);
        found = true;
      }
    }
    if (!found) {
      error = fmt::format("unknown trace category '{}' (try -d help)", item);
      return false;
    }
  }
  return true;
}

std::string trace_category_help() {
  std::string out;
  for (const auto& info : kCategories) out += fmt::format("{:<11} {}\n", info.name, info.help);
  out += fmt::format("{:<11} {}\n", "all", "every category");
  return out;
}

std::string format_trace_event(const TraceEvent& event) {
  std::string line = fmt::format("[icount={} t={:.6f}us] {:<5} {} {}", event.instructions,
                                 static_cast<double>(event.time) / kPsPerUs,
                                 trace_category_name(event.category), event.source, event.what);
  append_args(line, event);
  if (!event.text.empty()) fmt::format_to(std::back_inserter(line), " ({})", event.text);
  return line;
}

void MemoryTraceSink::write(const TraceEvent& event) { m_lines.push_back(format_trace_event(event)); }

std::unique_ptr<TraceSink> make_text_trace_sink(std::FILE* out) { return std::make_unique<TextSink>(out); }
std::unique_ptr<TraceSink> make_json_trace_sink(std::FILE* out) { return std::make_unique<JsonSink>(out); }

void Trace::set_sink(std::unique_ptr<TraceSink> sink) {
  if (m_sink) m_sink->flush();
  m_sink = std::move(sink);
  m_mask = m_sink ? m_wanted : 0;
}

void Trace::emit(TraceCategory category, std::string_view source, std::string_view what,
                 std::initializer_list<TraceArg> args, std::string_view text) {
  if (!m_sink || !on(category)) return;
  const TraceEvent event{category,   m_clock.instructions(), m_clock.now(), source, what,
                         args.begin(), args.size(),          text};
  m_sink->write(event);
}

void Trace::flush() {
  if (m_sink) m_sink->flush();
}

}  // namespace glasspc

#include "bus/trace.h"

#include <catch2/catch.hpp>
#include <cctype>
#include <cstdio>

#include "bus/clock.h"

using namespace glasspc;

namespace {

u32 bit(TraceCategory category) {
  return static_cast<u32>(category);
}

// A small strict JSON checker: enough to tell that the sink's output parses.
class JsonChecker {
 public:
  explicit JsonChecker(std::string text) : m_text(std::move(text)) {}
  bool valid() {
    skip_space();
    if (!value()) return false;
    skip_space();
    return m_pos == m_text.size();
  }

 private:
  bool value() {
    skip_space();
    if (m_pos >= m_text.size()) return false;
    const char c = m_text[m_pos];
    if (c == '{') return container('}', true);
    if (c == '[') return container(']', false);
    if (c == '"') return string();
    return number();
  }
  bool container(char close, bool object) {
    ++m_pos;
    skip_space();
    if (peek() == close) return ++m_pos, true;
    for (;;) {
      if (object) {
        skip_space();
        if (!string()) return false;
        skip_space();
        if (peek() != ':') return false;
        ++m_pos;
      }
      if (!value()) return false;
      skip_space();
      if (peek() == close) return ++m_pos, true;
      if (peek() != ',') return false;
      ++m_pos;
    }
  }
  bool string() {
    if (peek() != '"') return false;
    for (++m_pos; m_pos < m_text.size(); ++m_pos) {
      const char c = m_text[m_pos];
      if (c == '"') return ++m_pos, true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') ++m_pos;
    }
    return false;
  }
  bool number() {
    const std::size_t start = m_pos;
    while (m_pos < m_text.size() && (std::isdigit(static_cast<unsigned char>(m_text[m_pos])) ||
                                     m_text[m_pos] == '.' || m_text[m_pos] == '-'))
      ++m_pos;
    return m_pos > start;
  }
  char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
  void skip_space() {
    while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
      ++m_pos;
  }

  std::string m_text;
  std::size_t m_pos = 0;
};

std::string read_all(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  return text;
}

}  // namespace

TEST_CASE("trace category lists parse") {
  u32 mask = 0;
  std::string error;
  CHECK(parse_trace_categories("port,irq", mask, error));
  CHECK(mask == (bit(TraceCategory::Port) | bit(TraceCategory::Irq)));
  CHECK(parse_trace_categories("reg,,dma", mask, error));
  CHECK(mask == (bit(TraceCategory::Reg) | bit(TraceCategory::Dma)));
  CHECK(parse_trace_categories("", mask, error));
  CHECK(mask == 0);
  CHECK(parse_trace_categories("all", mask, error));
  CHECK(mask == 0xfff);
  CHECK(parse_trace_categories("int,unassigned,device", mask, error));
  CHECK(mask == (bit(TraceCategory::Exception) | bit(TraceCategory::Unassigned) |
                 bit(TraceCategory::Device)));
}

TEST_CASE("trace category parsing names an unknown category") {
  u32 mask = 0;
  std::string error;
  CHECK_FALSE(parse_trace_categories("port,bogus", mask, error));
  CHECK_THAT(error, Catch::Contains("'bogus'"));
  CHECK(trace_category_name(TraceCategory::Iommu) == "iommu");
  CHECK_THAT(trace_category_help(), Catch::Contains("iommu") && Catch::Contains("all"));
}

TEST_CASE("trace text format carries icount, time, names and values") {
  Clock clock;
  Trace trace(clock);
  auto owned = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink& sink = *owned;
  trace.set_sink(std::move(owned));
  trace.set_mask(bit(TraceCategory::Port) | bit(TraceCategory::Reg));
  clock.advance(1500 * kPsPerNs, 123);
  trace.emit(TraceCategory::Port, "com1", "write", {{"port", 0x3f8}, {"value", 0x41}, {"size", 1}});
  trace.emit(TraceCategory::Reg, "com1", "LCR", {{"port", 0x3fb}, {"value", 0x83}}, "write");
  REQUIRE(sink.lines().size() == 2);
  CHECK(sink.lines()[0] ==
        "[icount=123 t=1.500000us] port  com1 write port=0x3f8 value=0x41 size=0x1");
  CHECK(sink.lines()[1] ==
        "[icount=123 t=1.500000us] reg   com1 LCR port=0x3fb value=0x83 (write)");
}

TEST_CASE("trace emits nothing for masked categories or without a sink") {
  Clock clock;
  Trace trace(clock);
  trace.set_mask(bit(TraceCategory::Irq));
  CHECK_FALSE(trace.on(TraceCategory::Irq));  // no sink yet: everything off
  trace.emit(TraceCategory::Irq, "pic", "raise");
  auto owned = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink& sink = *owned;
  trace.set_sink(std::move(owned));
  CHECK(trace.on(TraceCategory::Irq));  // the wanted mask applies once a sink exists
  trace.emit(TraceCategory::Port, "com1", "read");
  CHECK(sink.lines().empty());
  trace.emit(TraceCategory::Irq, "pic", "raise");
  CHECK(sink.lines().size() == 1);
  trace.set_mask(0);
  trace.emit(TraceCategory::Irq, "pic", "lower");
  CHECK(sink.lines().size() == 1);
}

TEST_CASE("trace JSON sink writes a valid Chrome trace-event array") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  {
    Clock clock;
    Trace trace(clock);
    trace.set_sink(make_json_trace_sink(file));
    trace.set_mask(bit(TraceCategory::Dma) | bit(TraceCategory::Irq));
    clock.advance(2 * kPsPerUs, 7);
    trace.emit(TraceCategory::Dma, "nic", "write", {{"rid", 0x18}, {"addr", 0x1000}},
               "quote \" backslash \\ newline \n");
    trace.emit(TraceCategory::Irq, "ioapic", "deliver", {{"vector", 0x30}});
    trace.emit(TraceCategory::Port, "com1", "read");  // masked off
    trace.set_sink(nullptr);                          // closes the array
  }
  const std::string text = read_all(file);
  std::fclose(file);
  CHECK(JsonChecker(text).valid());
  CHECK_THAT(text, Catch::Contains("\"name\":\"nic write\""));
  CHECK_THAT(text, Catch::Contains("\"icount\":7"));
  CHECK_THAT(text, Catch::Contains("\"ts\":2.000000"));
  CHECK_THAT(text, Catch::Contains("\"vector\":\"0x30\""));
  CHECK_THAT(text, !Catch::Contains("com1"));
  CHECK_FALSE(JsonChecker("[{\"a\":1,}]").valid());  // the checker itself rejects bad JSON
}

TEST_CASE("trace text sink writes lines to a file") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  Clock clock;
  Trace trace(clock);
  trace.set_sink(make_text_trace_sink(file));
  trace.set_mask(bit(TraceCategory::Cpu));
  trace.emit(TraceCategory::Cpu, "cpu0", "hlt");
  trace.flush();
  CHECK(read_all(file) == "[icount=0 t=0.000000us] cpu   cpu0 hlt\n");
  trace.set_sink(nullptr);
  std::fclose(file);
}

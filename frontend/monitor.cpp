#include "frontend/monitor.h"

#include <fmt/format.h>

#include "bus/machine.h"
#include "frontend/usage.h"

namespace glasspc {

namespace {

constexpr std::string_view kPrompt = "(glasspc) ";

constexpr std::string_view kHelp =
    "cont|c          resume the CPUs\n"
    "stop            stop the CPUs (the monitor keeps running)\n"
    "quit|q          quit glasspc\n"
    "system_reset    reset the machine, as its reset button does\n"
    "info mtree      show the guest-physical memory map\n"
    "info ports      show the claimed I/O port ranges\n"
    "info trace      show what is traced and where it goes\n"
    "help|?          show this help\n";

constexpr std::string_view kInfoHelp =
    "info mtree      show the guest-physical memory map\n"
    "info ports      show the claimed I/O port ranges\n"
    "info trace      show what is traced and where it goes\n";

constexpr u8 kBackspace = 0x08;
constexpr u8 kDelete = 0x7f;
constexpr u8 kEsc = 0x1b;

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

Monitor::Monitor(CharBackend& output, Machine& machine, RunControl& control,
                 std::string trace_description)
    : m_output(output),
      m_machine(machine),
      m_control(control),
      m_trace_description(std::move(trace_description)) {}

void Monitor::print(std::string_view text) {
  m_output.write(reinterpret_cast<const u8*>(text.data()), text.size());
  m_output.flush();
}

void Monitor::prompt() {
  if (!m_quit) print(kPrompt);
}

void Monitor::focus_gained() {
  if (!m_greeted) {
    print(fmt::format("glasspc {} monitor - type 'help' for more information\n", kVersion));
    m_greeted = true;
  }
  prompt();
}

void Monitor::accept(std::span<const u8> bytes) {
  for (u8 byte : bytes) edit(byte);
}

void Monitor::edit(u8 byte) {
  if (m_escape == Escape::Started) {
    m_escape = (byte == '[' || byte == 'O') ? Escape::Sequence : Escape::None;
    return;
  }
  if (m_escape == Escape::Sequence) {
    if (byte >= 0x40 && byte <= 0x7e) m_escape = Escape::None;  // the final byte
    return;
  }
  const bool was_cr = m_last_was_cr;
  m_last_was_cr = byte == '\r';
  if (byte == '\r' || byte == '\n') {
    if (byte == '\n' && was_cr) return;  // CR LF is one line end
    print("\n");
    const std::string line = std::move(m_line);
    m_line.clear();
    execute(line);
    prompt();
  } else if (byte == kBackspace || byte == kDelete) {
    if (!m_line.empty()) {
      m_line.pop_back();
      print("\b \b");
    }
  } else if (byte == kEsc) {
    m_escape = Escape::Started;
  } else if (byte >= 0x20 && byte < 0x7f) {
    m_line.push_back(static_cast<char>(byte));
    print(std::string_view(&m_line.back(), 1));
  }
  // Other control characters are ignored.
}

bool Monitor::execute(std::string_view line) {
  line = trim(line);
  const std::size_t space = line.find(' ');
  const std::string_view command = line.substr(0, space);
  const std::string_view argument =
      space == std::string_view::npos ? std::string_view{} : trim(line.substr(space));
  if (command.empty()) return true;
  if (command == "help" || command == "?") {
    print(kHelp);
  } else if (command == "cont" || command == "c") {
    m_control.cont();
  } else if (command == "stop") {
    m_control.stop();
  } else if (command == "quit" || command == "q") {
    m_quit = true;
    m_control.quit();
  } else if (command == "system_reset") {
    m_control.system_reset();
  } else if (command == "info") {
    info(argument);
  } else {
    print(fmt::format("unknown command: '{}'\n", command));
    return false;
  }
  return true;
}

void Monitor::info(std::string_view what) {
  if (what == "mtree") {
    print(m_machine.memory().describe());
  } else if (what == "ports") {
    print(port_table());
  } else if (what == "trace") {
    print(trace_info());
  } else if (what.empty()) {
    print(kInfoHelp);
  } else {
    print(fmt::format("unknown info command: '{}' (info mtree, info ports, info trace)\n", what));
  }
}

std::string Monitor::port_table() const {
  // PortSpace names the handler of each port; consecutive ports with one owner form a range.
  const PortSpace& ports = m_machine.ports();
  std::string out;
  u32 start = 0;
  std::string owner = ports.owner(0);
  for (u32 port = 1; port <= 0x10000; ++port) {
    const std::string next = port < 0x10000 ? ports.owner(static_cast<u16>(port)) : std::string();
    if (port < 0x10000 && next == owner) continue;
    if (!owner.empty()) out += fmt::format("{:04x}-{:04x} {}\n", start, port - 1, owner);
    start = port;
    owner = next;
  }
  if (out.empty()) out = "no ports are claimed\n";
  out += fmt::format("unclaimed accesses: {} reads, {} writes\n", ports.unclaimed_reads(),
                     ports.unclaimed_writes());
  return out;
}

std::string Monitor::trace_info() const {
  const Trace& trace = m_machine.trace();
  std::string categories;
  for (u32 bit = 0; bit < 32; ++bit) {
    const auto category = static_cast<TraceCategory>(u32{1} << bit);
    if (!trace.on(category)) continue;
    if (!categories.empty()) categories += ',';
    categories += trace_category_name(category);
  }
  if (categories.empty())
    return "tracing is off (start glasspc with -d LIST; -d help lists the categories)\n";
  return fmt::format("tracing {} as {}\n", categories, m_trace_description);
}

}  // namespace glasspc

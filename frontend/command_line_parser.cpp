// Machine, memory, CPU, boot and debug options. Error messages name the option and its
// argument first ("-m 12Q: ..."), as QEMU's do.
#include "frontend/command_line_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "bus/trace.h"
#include "chipset/rtc_calendar.h"
#include "cpu/cpu_model.h"
#include "frontend/option_values.h"
#include "frontend/usage.h"

namespace glasspc {

namespace {

struct OptionSpec {
  std::string_view name;
  bool takes_argument;
};

constexpr std::array kOptions = {
    OptionSpec{"h", false},
    OptionSpec{"help", false},
    OptionSpec{"version", false},
    OptionSpec{"m", true},
    OptionSpec{"smp", true},
    OptionSpec{"M", true},
    OptionSpec{"machine", true},
    OptionSpec{"cpu", true},
    OptionSpec{"accel", true},
    OptionSpec{"kernel", true},
    OptionSpec{"initrd", true},
    OptionSpec{"append", true},
    OptionSpec{"bios", true},
    OptionSpec{"serial", true},
    OptionSpec{"chardev", true},
    OptionSpec{"device", true},
    OptionSpec{"display", true},
    OptionSpec{"nographic", false},
    OptionSpec{"nodefaults", false},
    OptionSpec{"no-reboot", false},
    OptionSpec{"S", false},
    OptionSpec{"d", true},
    OptionSpec{"D", true},
    OptionSpec{"pacing", true},
    OptionSpec{"trace-format", true},
    OptionSpec{"rtc", true},
};

constexpr unsigned kMaxCpus = 64;

const OptionSpec* find_option(std::string_view name) {
  for (const auto& spec : kOptions)
    if (spec.name == name) return &spec;
  return nullptr;
}

// QEMU's versioned i440FX machines: "pc-i440fx-" followed by MAJOR.MINOR.
bool is_versioned_pc(std::string_view name) {
  constexpr std::string_view kPrefix = "pc-i440fx-";
  if (!name.starts_with(kPrefix)) return false;
  const std::string_view version = name.substr(kPrefix.size());
  const std::size_t dot = version.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == version.size()) return false;
  return std::all_of(
             version.begin(), version.end(),
             [](char c) { return c == '.' || std::isdigit(static_cast<unsigned char>(c)); }) &&
         version.find('.', dot + 1) == std::string_view::npos;
}

// A fixed number of decimal digits at `text[pos]`, advancing pos; -1 if they are not there.
int take_digits(std::string_view text, std::size_t& pos, std::size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return value;
}

bool take_char(std::string_view text, std::size_t& pos, char expected) {
  if (pos >= text.size() || text[pos] != expected) return false;
  ++pos;
  return true;
}

// QEMU's -rtc base= dates: "2006-06-17T16:01:21" or "2006-06-17" (midnight), checked field by
// field so that "2006-02-30" is refused instead of rolling over into March.
std::optional<i64> parse_rtc_date(std::string_view text) {
  std::size_t pos = 0;
  rtc::DateTime time;
  time.year = take_digits(text, pos, 4);
  if (!take_char(text, pos, '-')) return std::nullopt;
  time.month = take_digits(text, pos, 2);
  if (!take_char(text, pos, '-')) return std::nullopt;
  time.day = take_digits(text, pos, 2);
  time.hour = time.minute = time.second = 0;
  if (pos < text.size()) {
    if (!take_char(text, pos, 'T')) return std::nullopt;
    time.hour = take_digits(text, pos, 2);
    if (!take_char(text, pos, ':')) return std::nullopt;
    time.minute = take_digits(text, pos, 2);
    if (!take_char(text, pos, ':')) return std::nullopt;
    time.second = take_digits(text, pos, 2);
  }
  if (pos != text.size() || time.year < 0 || time.month < 1 || time.month > 12 || time.day < 1 ||
      time.day > rtc::days_in_month(time.year, time.month) || time.hour < 0 || time.hour > 23 ||
      time.minute < 0 || time.minute > 59 || time.second < 0 || time.second > 59)
    return std::nullopt;
  return rtc::seconds_from_date_time(time);
}

std::string file_argument(std::string_view option, std::string_view argument) {
  if (argument.empty()) throw OptionError{fmt::format("-{}: empty file name", option)};
  return std::string(argument);
}

}  // namespace

bool CommandLineParser::known(std::string_view name) {
  return find_option(name) != nullptr;
}

bool CommandLineParser::takes_argument(std::string_view name) {
  const OptionSpec* spec = find_option(name);
  return spec != nullptr && spec->takes_argument;
}

std::optional<std::string> CommandLineParser::apply(std::string_view name,
                                                    std::string_view argument) {
  // Options that may print a list ("-cpu help") return its text.
  if (name == "h" || name == "help") return usage_text();
  if (name == "version") return version_text();
  if (name == "M" || name == "machine") return machine(argument);
  if (name == "cpu") return cpu(argument);
  if (name == "accel") return accel(argument);
  if (name == "serial") return serial(argument);
  if (name == "chardev") return chardev(argument);
  if (name == "device") return device(argument);
  if (name == "display") return display(argument);
  if (name == "d") return trace(argument);

  if (name == "m") {
    memory(argument);
  } else if (name == "smp") {
    smp(argument);
  } else if (name == "kernel") {
    m_config.kernel = file_argument(name, argument);
  } else if (name == "initrd") {
    m_config.initrd = file_argument(name, argument);
  } else if (name == "append") {
    m_config.append = argument;
  } else if (name == "bios") {
    m_config.bios = file_argument(name, argument);
  } else if (name == "D") {
    m_config.trace_file = file_argument(name, argument);
  } else if (name == "nographic") {
    m_nographic = true;
  } else if (name == "nodefaults") {
    m_nodefaults = true;
  } else if (name == "rtc") {
    rtc(argument);
  } else if (name == "no-reboot") {
    m_config.no_reboot = true;
  } else if (name == "S") {
    m_config.start_stopped = true;
  } else if (name == "pacing") {
    if (argument == "realtime") {
      m_config.pacing = Pacing::Realtime;
    } else if (argument == "fast") {
      m_config.pacing = Pacing::Fast;
    } else {
      throw OptionError{fmt::format("-pacing {}: expected realtime or fast", argument)};
    }
  } else if (name == "trace-format") {
    if (argument == "text") {
      m_config.trace_format = TraceFormat::Text;
    } else if (argument == "json") {
      m_config.trace_format = TraceFormat::Json;
    } else {
      throw OptionError{fmt::format("-trace-format {}: expected text or json", argument)};
    }
  }
  return std::nullopt;
}

void CommandLineParser::memory(std::string_view argument) {
  OptionList list("-m", argument, "size");
  const auto size = list.take("size");
  list.reject_unknown("size");
  if (!size) throw OptionError{fmt::format("{}: parameter 'size' is required", list.context())};
  // QEMU: a number without a suffix is in MiB.
  const auto bytes = parse_size(*size, u64{1} << 20);
  if (!bytes)
    throw OptionError{
        fmt::format("{}: expected a size in MiB or with a suffix K, M, G or T", list.context())};
  if (*bytes == 0) throw OptionError{fmt::format("{}: the RAM size must not be 0", list.context())};
  m_config.ram_size = *bytes;
}

void CommandLineParser::smp(std::string_view argument) {
  OptionList list("-smp", argument, "cpus");
  auto cpus = list.take_integer("cpus", ~u64{0});
  const auto maxcpus = list.take_integer("maxcpus", ~u64{0});
  const auto quantum = list.take_integer("quantum", ~u64{0});
  list.reject_unknown("cpus, maxcpus, quantum");
  if (quantum) {
    if (*quantum < 100 || *quantum > 100'000'000)
      throw OptionError{fmt::format("{}: quantum must be 100 to 100000000 cycles", list.context())};
    m_config.smp_quantum_cycles = *quantum;
  }
  if (!cpus) cpus = maxcpus;  // QEMU: "-smp maxcpus=4" means 4 CPUs
  if (!cpus) throw OptionError{fmt::format("{}: parameter 'cpus' is required", list.context())};
  if (maxcpus && *maxcpus != *cpus)
    throw OptionError{
        fmt::format("{}: maxcpus must equal cpus (glasspc has no CPU hotplug)", list.context())};
  if (*cpus < 1 || *cpus > kMaxCpus)
    throw OptionError{
        fmt::format("{}: the number of CPUs must be between 1 and {}", list.context(), kMaxCpus)};
  m_config.cpus = static_cast<unsigned>(*cpus);
}

std::optional<std::string> CommandLineParser::machine(std::string_view argument) {
  OptionList list("-machine", argument, "type");
  const auto type = list.take("type");
  if (type == "help") return machine_help();
  const auto accelerators = list.take("accel");
  list.reject_unknown("type, accel");
  if (type) {
    if (*type != "pc" && !is_versioned_pc(*type))
      throw OptionError{
          fmt::format("{}: unsupported machine type '{}' (glasspc has pc; use "
                      "-machine help)",
                      list.context(), *type)};
    m_config.machine = *type;
  }
  if (accelerators) {
    // QEMU takes a fallback list "kvm:tcg" and uses the first accelerator it has.
    std::string_view rest = *accelerators;
    bool found = false;
    while (!rest.empty() && !found) {
      const std::size_t colon = rest.find(':');
      found = rest.substr(0, colon) == "tcg";
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
    if (!found)
      throw OptionError{fmt::format("{}: no accelerator found in '{}' (glasspc has only tcg)",
                                    list.context(), *accelerators)};
  }
  return std::nullopt;
}

std::optional<std::string> CommandLineParser::cpu(std::string_view argument) {
  OptionList list("-cpu", argument, "model");
  const auto model = list.take("model");
  if (model == "help") return cpu_model_help();
  const auto frequency = list.take("freq");
  list.reject_unknown("freq");
  if (!model) throw OptionError{fmt::format("{}: no CPU model given", list.context())};
  if (!find_cpu_model(*model))
    throw OptionError{
        fmt::format("{}: unknown CPU model '{}' (use -cpu help)", list.context(), *model)};
  m_config.cpu_model = *model;
  if (frequency) {
    const auto hz = parse_frequency(*frequency);
    if (!hz || *hz == 0)
      throw OptionError{
          fmt::format("{}: freq expects a frequency in Hz (suffixes k, M, G)", list.context())};
    m_config.cpu_frequency_hz = *hz;
  }
  return std::nullopt;
}

std::optional<std::string> CommandLineParser::accel(std::string_view argument) {
  OptionList list("-accel", argument, "accel");
  const auto name = list.take("accel");
  if (name == "help") return accel_help();
  const auto thread = list.take("thread");
  const auto jit = list.take("jit");
  list.reject_unknown("thread, jit");
  if (name != "tcg")
    throw OptionError{fmt::format("{}: accelerator '{}' is not supported (glasspc has only tcg)",
                                  list.context(), name.value_or(""))};
  if (thread && *thread != "single")
    throw OptionError{
        fmt::format("{}: thread must be single (glasspc runs every vCPU on one host "
                    "thread)",
                    list.context())};
  if (jit) {
    if (*jit != "on" && *jit != "off")
      throw OptionError{fmt::format("{}: jit expects on or off", list.context())};
    m_config.jit = *jit == "on";
  }
  return std::nullopt;
}

std::optional<std::string> CommandLineParser::display(std::string_view argument) {
  OptionList list("-display", argument, "type");
  const auto type = list.take("type");
  if (type == "help") return display_help();
  list.reject_unknown("none");
  if (type != "none")
    throw OptionError{
        fmt::format("{}: display '{}' is not supported (glasspc has no window yet; "
                    "use -display none or -nographic)",
                    list.context(), type.value_or(""))};
  m_display_none = true;
  return std::nullopt;
}

std::optional<std::string> CommandLineParser::trace(std::string_view argument) {
  if (argument == "help") return trace_category_help();
  u32 mask = 0;
  std::string error;
  if (!parse_trace_categories(argument, mask, error))
    throw OptionError{fmt::format("-d: {}", error)};
  m_config.trace_mask = mask;
  return std::nullopt;
}

void CommandLineParser::rtc(std::string_view argument) {
  OptionList list("-rtc", argument, "base");
  const auto base = list.take("base");
  list.reject_unknown("base");
  if (!base) throw OptionError{fmt::format("{}: parameter 'base' is required", list.context())};
  if (*base == "utc") {
    m_config.rtc = RtcConfig{RtcConfig::Base::Utc, 0};
  } else if (*base == "localtime") {
    m_config.rtc = RtcConfig{RtcConfig::Base::LocalTime, 0};
  } else if (const auto seconds = parse_rtc_date(*base)) {
    m_config.rtc = RtcConfig{RtcConfig::Base::Fixed, *seconds};
  } else {
    throw OptionError{
        fmt::format("{}: base expects utc, localtime or a date as 2006-06-17T16:01:21 or "
                    "2006-06-17",
                    list.context())};
  }
}

void CommandLineParser::check_boot_options() const {
  // QEMU's wording.
  if (m_config.kernel.empty() && !m_config.initrd.empty())
    throw OptionError{"-initrd only allowed with -kernel option"};
  if (m_config.kernel.empty() && !m_config.append.empty())
    throw OptionError{"-append only allowed with -kernel option"};
}

void CommandLineParser::finish() {
  check_boot_options();
  resolve_serial_options();
  add_default_devices();
  place_device_serials();
  check_chardev_users();
  std::sort(m_config.serials.begin(), m_config.serials.end(),
            [](const SerialConfig& a, const SerialConfig& b) { return a.index < b.index; });
  if (m_config.start_stopped && m_config.monitor_chardev.empty())
    throw OptionError{
        "-S: there is no monitor to start the machine from (-nodefaults, -display none or "
        "-serial took it away; -serial mon:stdio brings it back)"};
}

}  // namespace glasspc

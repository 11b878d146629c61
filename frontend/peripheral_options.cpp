// -chardev, -serial, -device, and QEMU's default serial port and monitor.
//
// QEMU's rules, mirrored here (system/vl.c, qemu_create_default_devices and serial_parse):
// - Without -nodefaults there is a COM1 unless some -serial or -device isa-serial is given, and
//   a monitor unless some -serial is "mon:...".
// - With -nographic both go to the terminal: one shared "mon:stdio" when both are defaults, else
//   a plain stdio each (so "-nographic -serial stdio" fails: stdio cannot be used twice).
// - With -display none they go to a virtual console nobody sees, i.e. nowhere.
// glasspc has no window: without -display none or -nographic, a default serial port and monitor
// share the terminal as with -nographic, and a default monitor alone (QEMU would put it in its
// window) is left out.
#include <fmt/format.h>

#include <map>

#include "frontend/command_line_parser.h"
#include "frontend/option_values.h"
#include "frontend/usage.h"

namespace glasspc {

namespace {

constexpr std::string_view kSerialDevices =
    "glasspc has stdio, null, none, file:PATH, chardev:ID and mon:stdio";

std::string com_name(unsigned index) {
  return fmt::format("COM{}", index + 1);
}

ChardevConfig implied_chardev(std::string id, ChardevConfig::Backend backend) {
  ChardevConfig chardev;
  chardev.id = std::move(id);
  chardev.backend = backend;
  return chardev;
}

}  // namespace

ChardevConfig& CommandLineParser::add_chardev(ChardevConfig chardev, std::string_view context) {
  if (m_config.find_chardev(chardev.id))
    throw OptionError{fmt::format("{}: duplicate chardev id '{}'", context, chardev.id)};
  m_config.chardevs.push_back(std::move(chardev));
  return m_config.chardevs.back();
}

std::optional<std::string> CommandLineParser::chardev(std::string_view argument) {
  OptionList list("-chardev", argument, "backend");
  const auto backend = list.take("backend");
  if (backend == "help") return chardev_help();
  ChardevConfig chardev;
  const auto id = list.take("id");
  const auto mux = list.take_bool("mux");
  if (backend == "stdio") {
    chardev.backend = ChardevConfig::Backend::Stdio;
    chardev.signal = list.take_bool("signal").value_or(true);
    list.reject_unknown("id, mux, signal");
  } else if (backend == "file") {
    chardev.backend = ChardevConfig::Backend::File;
    const auto path = list.take("path");
    chardev.append = list.take_bool("append").value_or(false);
    list.reject_unknown("id, path, append, mux");
    if (!path || path->empty())
      throw OptionError{fmt::format("{}: parameter 'path' is required", list.context())};
    chardev.path = *path;
  } else if (backend == "null") {
    chardev.backend = ChardevConfig::Backend::Null;
    list.reject_unknown("id, mux");
  } else if (!backend) {
    throw OptionError{fmt::format("{}: no backend given", list.context())};
  } else {
    throw OptionError{
        fmt::format("{}: chardev backend '{}' is not supported (glasspc has file, null and stdio)",
                    list.context(), *backend)};
  }
  if (!id || id->empty())
    throw OptionError{fmt::format("{}: parameter 'id' is required", list.context())};
  chardev.id = *id;
  chardev.mux = mux.value_or(false);
  add_chardev(std::move(chardev), list.context());
  return std::nullopt;
}

std::optional<std::string> CommandLineParser::serial(std::string_view argument) {
  if (argument == "help") return chardev_help();
  m_serial_options.emplace_back(argument);
  // As in QEMU: a serial port that carries the monitor replaces the default monitor.
  if (argument.starts_with("mon:")) m_serial_has_monitor = true;
  return std::nullopt;
}

void CommandLineParser::resolve_serial_options() {
  unsigned index = 0;
  for (const std::string& option : m_serial_options) {
    const std::string context = fmt::format("-serial {}", option);
    if (index >= kMaxSerialPorts)
      throw OptionError{
          fmt::format("{}: too many serial ports (glasspc has COM1 to COM4)", context)};
    std::string_view device = option;
    if (device == "none") {  // the port stays empty; the next -serial is the next port
      ++index;
      continue;
    }
    const bool monitor = device.starts_with("mon:");
    if (monitor) {
      device.remove_prefix(4);
      if (device != "stdio")
        throw OptionError{fmt::format("{}: mon: is only supported as mon:stdio", context)};
      if (!m_config.monitor_chardev.empty())
        throw OptionError{fmt::format("{}: glasspc has only one monitor", context)};
    }
    SerialConfig serial{index, {}};
    if (device.starts_with("chardev:")) {
      serial.chardev = device.substr(8);
      if (serial.chardev.empty())
        throw OptionError{fmt::format("{}: no chardev id given", context)};
    } else {
      ChardevConfig chardev;
      chardev.id = fmt::format("serial{}", index);
      if (device == "stdio") {
        chardev.backend = ChardevConfig::Backend::Stdio;
        // QEMU: a terminal shared with the monitor passes Ctrl-C to the guest.
        chardev.mux = monitor;
        chardev.signal = !monitor;
      } else if (device == "null") {
        chardev.backend = ChardevConfig::Backend::Null;
      } else if (device.starts_with("file:")) {
        chardev.backend = ChardevConfig::Backend::File;
        chardev.path = device.substr(5);
        if (chardev.path.empty()) throw OptionError{fmt::format("{}: empty file name", context)};
      } else {
        throw OptionError{fmt::format("{}: '{}' is not a valid char driver ({})", context, device,
                                      kSerialDevices)};
      }
      serial.chardev = add_chardev(std::move(chardev), context).id;
      if (monitor) m_config.monitor_chardev = serial.chardev;
    }
    m_serial_context[index] = context;
    m_config.serials.push_back(std::move(serial));
    ++index;
  }
}

void CommandLineParser::add_default_devices() {
  const bool default_serial = !m_nodefaults && m_serial_options.empty() && m_device_serials.empty();
  const bool default_monitor = !m_nodefaults && !m_serial_has_monitor;
  const std::string_view context = "default devices";
  if (!m_nographic && m_display_none) {
    // QEMU's virtual console without a window: the port exists, its output goes nowhere, and
    // the monitor is out of reach.
    if (default_serial) {
      add_chardev(implied_chardev("serial0", ChardevConfig::Backend::Null), context);
      m_config.serials.push_back({0, "serial0"});
    }
    return;
  }
  if (default_serial && default_monitor) {
    ChardevConfig shared = implied_chardev("serial0", ChardevConfig::Backend::Stdio);
    shared.mux = true;
    shared.signal = false;  // mon:stdio: Ctrl-C goes to the guest, Ctrl-A x quits
    add_chardev(std::move(shared), context);
    m_config.serials.push_back({0, "serial0"});
    m_config.monitor_chardev = "serial0";
    return;
  }
  if (!m_nographic) {
    // Without -nographic QEMU would show a lone default monitor in its window; glasspc has no
    // window, so there is none (and "-serial stdio" keeps the terminal to itself).
    return;
  }
  if (default_serial) {
    add_chardev(implied_chardev("serial0", ChardevConfig::Backend::Stdio), context);
    m_config.serials.push_back({0, "serial0"});
  }
  if (default_monitor) {
    add_chardev(implied_chardev("compat_monitor0", ChardevConfig::Backend::Stdio), context);
    m_config.monitor_chardev = "compat_monitor0";
  }
}

bool CommandLineParser::serial_index_free(unsigned index) const {
  for (const auto& serial : m_config.serials)
    if (serial.index == index) return false;
  // "-serial none" keeps its index empty but reserved, as the serial_hd table does in QEMU.
  return index >= m_serial_options.size();
}

void CommandLineParser::place_device_serials() {
  for (const DeviceSerial& request : m_device_serials) {
    unsigned index = 0;
    if (request.index) {
      index = *request.index;
      if (!serial_index_free(index))
        throw OptionError{
            fmt::format("{}: {} is already in use", request.context, com_name(index))};
    } else {
      while (index < kMaxSerialPorts && !serial_index_free(index)) ++index;
      if (index == kMaxSerialPorts)
        throw OptionError{
            fmt::format("{}: no free COM port (glasspc has COM1 to COM4)", request.context)};
    }
    m_serial_context[index] = request.context;
    m_config.serials.push_back({index, request.chardev, request.line_timing});
  }
}

void CommandLineParser::check_chardev_users() const {
  struct User {
    std::string name;
    std::string context;
  };
  std::vector<std::pair<std::string, User>> uses;  // chardev id, user; in command-line order
  for (const auto& serial : m_config.serials) {
    if (serial.chardev.empty()) continue;
    const auto context = m_serial_context.find(serial.index);
    uses.push_back({serial.chardev,
                    {com_name(serial.index),
                     context == m_serial_context.end() ? "default devices" : context->second}});
  }
  for (std::size_t i = 0; i < m_config.debugcons.size(); ++i)
    uses.push_back({m_config.debugcons[i].chardev, {"isa-debugcon", m_debugcon_context[i]}});
  if (!m_config.monitor_chardev.empty())
    uses.push_back({m_config.monitor_chardev, {"the monitor", "the monitor"}});

  std::map<std::string, const User*> first_user;
  for (const auto& [id, user] : uses) {
    const ChardevConfig* chardev = m_config.find_chardev(id);
    if (!chardev) throw OptionError{fmt::format("{}: chardev '{}' not found", user.context, id)};
    const auto [it, inserted] = first_user.emplace(id, &user);
    if (!inserted && !chardev->mux)
      throw OptionError{
          fmt::format("chardev '{}' is used by both {} and {} (add mux=on to its "
                      "-chardev to share it)",
                      id, it->second->name, user.name)};
  }
  unsigned stdio = 0;
  for (const auto& chardev : m_config.chardevs)
    if (chardev.backend == ChardevConfig::Backend::Stdio) ++stdio;
  if (stdio > 1) throw OptionError{"cannot use stdio by multiple character devices"};
}

std::optional<std::string> CommandLineParser::device(std::string_view argument) {
  OptionList list("-device", argument, "driver");
  const auto driver = list.take("driver");
  if (driver == "help") return device_help();
  if (!driver) throw OptionError{fmt::format("{}: parameter 'driver' is required", list.context())};
  const std::string properties = device_property_help(*driver);
  if (properties.empty())
    throw OptionError{fmt::format("{}: '{}' is not a valid device model name (use -device help)",
                                  list.context(), *driver)};
  if (list.take_bool("help")) return properties;

  if (*driver == "isa-debug-exit") {
    DebugExitConfig exit;
    exit.iobase = static_cast<u16>(list.take_integer("iobase", 0xffff).value_or(exit.iobase));
    const u64 size = list.take_integer("iosize", 0x10000).value_or(exit.iosize);
    list.reject_unknown("iobase, iosize");
    if (size == 0 || exit.iobase + size > 0x10000)
      throw OptionError{
          fmt::format("{}: iosize must be at least 1 and end at or below port "
                      "0xffff",
                      list.context())};
    exit.iosize = static_cast<u16>(size);
    m_config.debug_exits.push_back(exit);
  } else if (*driver == "isa-debugcon") {
    DebugconConfig debugcon;
    debugcon.iobase =
        static_cast<u16>(list.take_integer("iobase", 0xffff).value_or(debugcon.iobase));
    const auto chardev = list.take("chardev");
    list.reject_unknown("iobase, chardev");
    if (!chardev || chardev->empty())
      throw OptionError{fmt::format("{}: parameter 'chardev' is required", list.context())};
    debugcon.chardev = *chardev;
    m_config.debugcons.push_back(debugcon);
    m_debugcon_context.push_back(list.context());
  } else if (*driver == "pc-testdev") {
    list.reject_unknown("none");
    m_config.pc_testdevs.push_back(PcTestdevConfig{});
  } else if (*driver == "pci-testdev") {
    PciTestdevConfig testdev;
    testdev.interrupts = list.take_bool("msi").value_or(testdev.interrupts);
    list.reject_unknown("msi");
    m_config.pci_testdevs.push_back(testdev);
  } else {  // isa-serial
    DeviceSerial serial;
    serial.context = list.context();
    const auto index = list.take_integer("index", ~u64{0});
    serial.chardev = list.take("chardev").value_or("");
    if (const auto timing = list.take("timing")) {
      if (*timing != "on" && *timing != "off")
        throw OptionError{fmt::format("{}: timing must be on or off", list.context())};
      serial.line_timing = *timing == "on";
    }
    list.reject_unknown("chardev, index, timing");
    if (index && *index >= kMaxSerialPorts)
      throw OptionError{fmt::format("{}: index must be 0 to 3 (COM1 to COM4)", list.context())};
    if (index) serial.index = static_cast<unsigned>(*index);
    m_device_serials.push_back(std::move(serial));
  }
  return std::nullopt;
}

}  // namespace glasspc

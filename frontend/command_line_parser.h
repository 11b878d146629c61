// The state of one parse_command_line() call (options.h). Options are taken one at a time;
// serial ports, chardev references and QEMU's default devices are resolved in finish(), after
// the whole command line is known, because QEMU lets -serial chardev:ID name a -chardev given
// later and lets -nodefaults appear anywhere.
//
// Split in two files: command_line_parser.cpp (machine, memory, CPU, boot, debug options) and
// peripheral_options.cpp (-chardev, -serial, -device and the default devices).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/machine_config.h"

namespace glasspc {

class CommandLineParser {
 public:
  explicit CommandLineParser(MachineConfig& config) : m_config(config) {}

  // Applies one option (name without dashes). Returns text to print when the option asks for
  // help ("-cpu help"). Throws OptionError.
  std::optional<std::string> apply(std::string_view name, std::string_view argument);
  // Whether option `name` (without dashes) exists and takes an argument.
  static bool known(std::string_view name);
  static bool takes_argument(std::string_view name);
  // Resolves defaults and cross-option rules. Throws OptionError.
  void finish();

 private:
  // command_line_parser.cpp
  void memory(std::string_view argument);
  void smp(std::string_view argument);
  std::optional<std::string> machine(std::string_view argument);
  std::optional<std::string> cpu(std::string_view argument);
  std::optional<std::string> accel(std::string_view argument);
  std::optional<std::string> display(std::string_view argument);
  std::optional<std::string> trace(std::string_view argument);
  void rtc(std::string_view argument);
  void check_boot_options() const;

  // peripheral_options.cpp
  std::optional<std::string> chardev(std::string_view argument);
  std::optional<std::string> serial(std::string_view argument);
  std::optional<std::string> device(std::string_view argument);
  void resolve_serial_options();
  void add_default_devices();
  void place_device_serials();
  void check_chardev_users() const;
  ChardevConfig& add_chardev(ChardevConfig chardev, std::string_view context);
  bool serial_index_free(unsigned index) const;

  struct DeviceSerial {
    std::optional<unsigned> index;
    std::string chardev;
    bool line_timing = false;
    std::string context;  // "-device isa-serial,...", for error messages
  };

  MachineConfig& m_config;
  std::vector<std::string> m_serial_options;  // -serial arguments, in order
  std::vector<DeviceSerial> m_device_serials;
  std::map<unsigned, std::string> m_serial_context;  // COM index -> the option that made it
  std::vector<std::string> m_debugcon_context;       // parallel to m_config.debugcons
  bool m_nodefaults = false;
  bool m_nographic = false;
  bool m_display_none = false;
  bool m_serial_has_monitor = false;  // some -serial is mon:...
};

}  // namespace glasspc

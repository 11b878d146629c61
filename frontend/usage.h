// What glasspc offers on its command line (machines, CPU models, devices, chardev backends) and
// the help texts that list it. The option parser validates against the same tables, so --help
// and the parser cannot disagree.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace glasspc {

struct Offering {
  std::string_view name;
  std::string_view help;
};

// Devices accepted by -device, with their parameters.
std::span<const Offering> device_models();

constexpr std::string_view kVersion = "0.1.0";

std::string usage_text();      // --help
std::string version_text();    // --version
std::string machine_help();    // -machine help
std::string cpu_model_help();  // -cpu help
std::string device_help();     // -device help
// -device NAME,help: the parameters of one device (NAME must be in device_models()).
std::string device_property_help(std::string_view device);
std::string chardev_help();  // -chardev help, -serial help
std::string accel_help();    // -accel help
std::string display_help();  // -display help

}  // namespace glasspc

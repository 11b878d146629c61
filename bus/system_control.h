// What devices may ask of the machine as a whole: reset it (port 0xCF9, i8042 command 0xFE,
// triple fault) or end the run (isa-debug-exit, ACPI S5 power-off).
#pragma once

#include <string>

namespace glasspc {

class SystemControl {
 public:
  virtual ~SystemControl() = default;
  // Ends Machine::run() with this exit status at the next instruction boundary.
  virtual void request_exit(int status, std::string reason) = 0;
  // Resets the machine (devices and CPUs) at the next instruction boundary.
  virtual void request_reset(std::string reason) = 0;
};

}  // namespace glasspc

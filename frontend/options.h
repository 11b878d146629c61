// The command line: QEMU-spelled options to a MachineConfig.
//
// Parsing is pure (no files are opened, nothing is printed), so every accepted command line and
// every error message is unit-tested. Files named on the command line are checked when the
// board is built.
#pragma once

#include <string>
#include <vector>

#include "frontend/machine_config.h"

namespace glasspc {

struct CommandLine {
  enum class Action : u8 {
    Run,    // build and run `config`
    Print,  // print `text` on stdout and exit 0 (--help, --version, -machine help, ...)
    Fail,   // `text` is a one-line error message
  };
  Action action = Action::Run;
  MachineConfig config;
  std::string text;
};

// `args` excludes the program name.
CommandLine parse_command_line(const std::vector<std::string>& args);

}  // namespace glasspc

// A small text monitor, reached with Ctrl-A c on a shared terminal (and where -S waits for
// "cont"). It reads lines, echoes what is typed (the terminal is raw), and runs commands:
//   cont (c), stop, quit (q), system_reset, info mtree, info ports, info trace, help (?)
// spelled as QEMU's human monitor spells them.
#pragma once

#include <string>
#include <string_view>

#include "bus/chardev.h"
#include "frontend/char_mux.h"

namespace glasspc {

class Machine;

// What the monitor may do to the run as a whole.
class RunControl {
 public:
  virtual ~RunControl() = default;
  virtual bool running() const = 0;
  virtual void stop() = 0;  // hold the CPUs at the next slice boundary
  virtual void cont() = 0;
  virtual void quit() = 0;          // end glasspc with status 0
  virtual void system_reset() = 0;  // reset the machine as the reset button does
};

class Monitor : public InputTarget {
 public:
  // `trace_description` says where the trace goes ("text to stderr"), for "info trace".
  Monitor(CharBackend& output, Machine& machine, RunControl& control,
          std::string trace_description);

  // InputTarget: typed bytes, edited into lines.
  void accept(std::span<const u8> bytes) override;
  // The first time: the banner; then a prompt.
  void focus_gained() override;

  // Runs one command line; output goes to the terminal. Returns false for an unknown command.
  bool execute(std::string_view line);

 private:
  void print(std::string_view text);
  void prompt();
  void edit(u8 byte);
  void info(std::string_view what);
  std::string port_table() const;
  std::string trace_info() const;

  CharBackend& m_output;
  Machine& m_machine;
  RunControl& m_control;
  std::string m_trace_description;
  std::string m_line;
  bool m_greeted = false;
  bool m_quit = false;
  // Terminal escape sequences (arrow keys: ESC [ A) are skipped, not inserted into the line.
  enum class Escape : u8 { None, Started, Sequence } m_escape = Escape::None;
  bool m_last_was_cr = false;
};

}  // namespace glasspc

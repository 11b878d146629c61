// The terminal on stdin, in raw mode while glasspc runs, and the signals that end it.
//
// Raw mode passes every key to the guest (or the monitor) at once and unechoed, as QEMU's stdio
// chardev does. The terminal is restored on every way out: normal return, exceptions (the
// destructor), fatal signals (restored in the handler, then the signal takes its default
// action), and Ctrl-Z (restored while stopped, raw again after fg).
//
// SIGINT, SIGTERM and SIGHUP do not kill glasspc at once: they are noted, and the run loop ends
// the machine at the next slice so that trace files and output are complete. A second such
// signal, if the first was not acted on, ends glasspc at once.
#pragma once

#include <csignal>

namespace glasspc {

class TerminalSession {
 public:
  // Installs the signal handlers. If `raw` and `fd` is a terminal, puts it into raw mode;
  // `signals` keeps Ctrl-C and Ctrl-Z meaning SIGINT and SIGTSTP (QEMU's signal=on), otherwise
  // they reach the guest as bytes (mon:stdio). Only one session may exist at a time (the
  // handlers share one static state); a second throws std::logic_error.
  TerminalSession(int fd, bool raw, bool signals);
  ~TerminalSession();
  TerminalSession(const TerminalSession&) = delete;
  TerminalSession& operator=(const TerminalSession&) = delete;

  bool raw() const;
  // The signal that asked glasspc to stop (SIGINT, SIGTERM, SIGHUP), or 0.
  int stop_signal() const;
  // Readable once a stop signal has arrived: poll it next to the terminal, so a signal that
  // comes just before poll() starts still ends the wait.
  int wake_fd() const;

 private:
  struct sigaction m_previous[12];
};

}  // namespace glasspc

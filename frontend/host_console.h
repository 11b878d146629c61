// The host side of a running machine: reads the terminal, routes typed input through the mux to
// the guest's serial ports or the monitor, feeds waiting input to devices as they can take it,
// holds the machine while it is stopped (-S, monitor "stop"), and turns SIGINT/SIGTERM/SIGHUP
// into an orderly exit. The pacers wait on it (HostEvents); the monitor controls the run
// through it (RunControl).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "frontend/char_mux.h"
#include "frontend/guest_input.h"
#include "frontend/monitor.h"
#include "frontend/pacer.h"

namespace glasspc {

class Machine;
class TerminalSession;

class HostConsole : public HostEvents, public RunControl {
 public:
  // `input_fd` is read only if set_input() gives it a mux; `terminal` reports stop signals
  // (may be null: no signal handling, as in tests).
  HostConsole(Machine& machine, const TerminalSession* terminal);

  // The terminal's mux: bytes read from `fd` go to it. EOF closes the input for good (the
  // guest keeps running, as on QEMU).
  void set_input(int fd, CharMux& mux);
  // Queues to pump into their devices between slices.
  void add_queue(GuestInputQueue& queue) { m_queues.push_back(&queue); }

  // Before the first run: waits here while the machine is stopped (-S), serving the monitor.
  void hold_while_stopped();
  // The signal that ended the run (0 if none): for the exit message.
  int stopped_by_signal() const { return m_signal; }

  // HostEvents.
  HostActivity service() override;
  HostActivity wait(std::optional<std::chrono::nanoseconds> timeout) override;

  // RunControl.
  bool running() const override { return m_running; }
  void stop() override { m_running = false; }
  void cont() override { m_running = true; }
  void quit() override;
  void system_reset() override;

 private:
  // Reads what the terminal has, waiting up to `timeout` (forever if empty) for it. A signal
  // ends the wait early.
  void read_input(std::optional<std::chrono::nanoseconds> timeout);
  bool check_signal();
  bool pump();

  Machine& m_machine;
  const TerminalSession* m_terminal;
  int m_fd = -1;
  CharMux* m_mux = nullptr;
  std::vector<GuestInputQueue*> m_queues;
  bool m_running = true;
  bool m_wake = false;  // an exit or reset was requested from the host side
  int m_signal = 0;
};

}  // namespace glasspc

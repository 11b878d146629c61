#include "frontend/app.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <new>
#include <optional>

#include "firmware/load_error.h"
#include "frontend/char_mux.h"
#include "frontend/guest_input.h"
#include "frontend/host_console.h"
#include "frontend/monitor.h"
#include "frontend/options.h"
#include "frontend/pacer.h"
#include "frontend/pc_board.h"
#include "frontend/terminal.h"

namespace glasspc {

namespace {

constexpr int kUsageError = 2;
constexpr int kRunError = 1;

void report(std::string_view message) {
  fmt::print(stderr, "glasspc: {}\n", message);
}

const ChardevConfig* stdio_chardev(const MachineConfig& config) {
  for (const auto& chardev : config.chardevs)
    if (chardev.backend == ChardevConfig::Backend::Stdio) return &chardev;
  return nullptr;
}

int exit_status(const MachineExit& exit, const HostConsole& console) {
  switch (exit.reason) {
    case MachineExit::Reason::GuestExit:
      if (console.stopped_by_signal() != 0) report(exit.message);
      return exit.status;
    case MachineExit::Reason::Reset:
    case MachineExit::Reason::Shutdown:
    case MachineExit::Reason::Halted:
      return 0;  // -no-reboot: a reset or triple fault ends the run normally, as on QEMU
    case MachineExit::Reason::Error:
      report(exit.message);
      return kRunError;
  }
  return kRunError;
}

// Builds the host side around a built board and runs it.
int run_board(const MachineConfig& config, PcBoard& board) {
  Machine& machine = board.machine();
  const ChardevConfig* terminal_chardev = stdio_chardev(config);
  // Raw mode only when a chardev reads the terminal; the signal handlers always, so that an
  // interrupted run still ends in order.
  TerminalSession terminal(STDIN_FILENO, terminal_chardev != nullptr,
                           terminal_chardev == nullptr || terminal_chardev->signal);
  HostConsole console(machine, &terminal);

  std::vector<std::unique_ptr<GuestInputQueue>> queues;
  std::optional<CharMux> mux;
  std::optional<Monitor> monitor;
  std::size_t monitor_index = 0;
  if (terminal_chardev) {
    CharBackend& output = board.backend(terminal_chardev->id);
    mux.emplace(output, terminal_chardev->mux);
    for (const GuestPort& port : board.input_ports(terminal_chardev->id)) {
      queues.push_back(
          std::make_unique<GuestInputQueue>(machine.input(), port.channel, *port.receiver));
      mux->add(*queues.back());
      console.add_queue(*queues.back());
    }
    if (config.monitor_chardev == terminal_chardev->id) {
      monitor.emplace(output, machine, console, board.trace_description());
      monitor_index = mux->size();
      mux->add(*monitor);
    }
    mux->set_quit_handler([&console] { console.quit(); });
    console.set_input(STDIN_FILENO, *mux);
    // A monitor alone on the terminal greets at once; a shared one when Ctrl-A c reaches it.
    if (monitor && (mux->size() == 1 || config.start_stopped)) mux->set_focus(monitor_index);
  }

  if (config.start_stopped) {
    console.stop();
    console.hold_while_stopped();
  }
  SteadyHostClock clock;
  RealtimePacer realtime(clock, console);
  FastHostPacer fast(console);
  RunPacer& pacer = config.pacing == Pacing::Realtime ? static_cast<RunPacer&>(realtime)
                                                      : static_cast<RunPacer&>(fast);
  const MachineExit exit = machine.run(pacer);
  machine.trace().flush();
  return exit_status(exit, console);
}

}  // namespace

int run_glasspc(const std::vector<std::string>& args) {
  const CommandLine command_line = parse_command_line(args);
  switch (command_line.action) {
    case CommandLine::Action::Print:
      std::fputs(command_line.text.c_str(), stdout);
      return 0;
    case CommandLine::Action::Fail:
      report(command_line.text);
      return kUsageError;
    case CommandLine::Action::Run:
      break;
  }
  const MachineConfig& config = command_line.config;
  std::unique_ptr<PcBoard> board;
  try {
    board = std::make_unique<PcBoard>(config);
  } catch (const firmware::LoadError& error) {
    report(error.what());
    return kUsageError;
  } catch (const BoardError& error) {
    report(error.what());
    return kUsageError;
  } catch (const std::bad_alloc&) {
    report(fmt::format("cannot allocate {} MiB of guest RAM", config.ram_size >> 20));
    return kUsageError;
  }
  try {
    return run_board(config, *board);
  } catch (const firmware::LoadError& error) {  // a module that vanished before a reset
    report(error.what());
    return kUsageError;
  } catch (const std::exception& error) {
    report(error.what());
    return kRunError;
  }
}

}  // namespace glasspc

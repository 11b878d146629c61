// The host console with a pipe for a terminal: typed input reaches the device and the monitor,
// EOF is not an exit, a stopped machine waits for "cont", and signals end the run in order.
#include "frontend/host_console.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <string>
#include <thread>

#include "bus/machine.h"
#include "frontend/terminal.h"

using namespace glasspc;

namespace {

class TextBackend : public CharBackend {
 public:
  void write(const u8* data, std::size_t length) override { text.append(data, data + length); }
  std::string text;
};

class Fifo : public CharReceiver {
 public:
  std::size_t can_receive() const override { return space; }
  void receive(const u8* data, std::size_t length) override {
    received.append(data, data + length);
    space -= length;
  }
  std::size_t space = 16;
  std::string received;
};

struct Pipe {
  Pipe() { REQUIRE(::pipe(fds) == 0); }
  ~Pipe() {
    ::close(fds[0]);
    if (fds[1] >= 0) ::close(fds[1]);
  }
  void type(std::string_view text) const {
    REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  }
  void close_writer() {
    ::close(fds[1]);
    fds[1] = -1;
  }
  int fds[2];
};

// A serial port and the monitor sharing the "terminal" (mon:stdio).
struct Rig {
  Machine machine;
  Fifo fifo;
  TextBackend out;
  Pipe pipe;
  InputLog::ChannelId channel = machine.input().register_channel(
      "com1", [this](std::span<const u8> data) { fifo.receive(data.data(), data.size()); });
  GuestInputQueue queue{machine.input(), channel, fifo};
  CharMux mux{out, true};
  HostConsole console{machine, nullptr};
  Monitor monitor{out, machine, console, "text to stderr"};

  Rig() {
    mux.add(queue);
    mux.add(monitor);
    mux.set_quit_handler([this] { console.quit(); });
    console.add_queue(queue);
    console.set_input(pipe.fds[0], mux);
  }
};

}  // namespace

TEST_CASE("typed bytes reach the serial port, as many as it takes at a time") {
  Rig rig;
  rig.fifo.space = 3;
  rig.pipe.type("hello");
  HostActivity activity = rig.console.service();
  CHECK(activity.wake);
  CHECK(rig.fifo.received == "hel");
  rig.fifo.space = 8;
  activity = rig.console.service();
  CHECK(activity.wake);
  CHECK(rig.fifo.received == "hello");
  CHECK_FALSE(rig.console.service().wake);  // nothing new
}

TEST_CASE("Ctrl-A c reaches the monitor, whose commands control the run") {
  Rig rig;
  rig.pipe.type(
      "\x01"
      "csystem_reset\r");
  rig.console.service();
  CHECK(rig.out.text.find("(glasspc) system_reset\n") != std::string::npos);
  CHECK(rig.fifo.received.empty());
  // The reset request ends the current slice: the machine processes it before running on.
  rig.pipe.type(
      "\x01"
      "cabc");
  rig.console.service();
  CHECK(rig.fifo.received == "abc");
}

TEST_CASE("a stopped machine is held until cont") {
  Rig rig;
  rig.console.stop();
  rig.mux.set_focus(1);
  rig.pipe.type("cont\r");
  rig.console.hold_while_stopped();
  CHECK(rig.console.running());
  // During a run, "stop" holds service() until "cont" arrives; the pacer learns of the pause.
  rig.pipe.type("stop\r");
  std::thread later([&rig] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // A plain write: Catch's assertions are not for other threads.
    [[maybe_unused]] const ssize_t written = ::write(rig.pipe.fds[1], "cont\r", 5);
  });
  const HostActivity activity = rig.console.service();
  later.join();
  CHECK(activity.paused);
  CHECK(rig.console.running());
}

TEST_CASE("Ctrl-A x and quit request exit status 0") {
  Rig rig;
  rig.pipe.type("\x01x");
  CHECK(rig.console.service().wake);
  CHECK(rig.out.text == "glasspc: Terminated\n");
  CHECK(rig.machine.exit_requested());
  const MachineExit exit = rig.machine.run(*std::make_unique<FastPacer>());
  CHECK(exit.reason == MachineExit::Reason::GuestExit);
  CHECK(exit.status == 0);
}

TEST_CASE("EOF on the terminal is not an exit") {
  Rig rig;
  rig.pipe.type("ok");
  rig.pipe.close_writer();
  rig.console.service();
  rig.console.service();
  CHECK(rig.fifo.received == "ok");
  CHECK_FALSE(rig.machine.exit_requested());
  // With the input gone, a bounded wait just times out.
  const HostActivity activity = rig.console.wait(std::chrono::milliseconds(1));
  CHECK_FALSE(activity.wake);
  CHECK_FALSE(rig.machine.exit_requested());
}

TEST_CASE("SIGTERM is turned into an orderly exit with status 0") {
  Machine machine;
  Pipe pipe;
  TerminalSession terminal(pipe.fds[0], true, true);
  CHECK_FALSE(terminal.raw());  // a pipe is not a terminal
  HostConsole console(machine, &terminal);
  std::raise(SIGTERM);
  CHECK(terminal.stop_signal() == SIGTERM);
  CHECK(console.service().wake);
  CHECK(console.stopped_by_signal() == SIGTERM);
  CHECK(machine.exit_requested());
  FastPacer pacer;
  const MachineExit exit = machine.run(pacer);
  CHECK(exit.status == 0);
  CHECK(exit.message == "terminating on signal 15");
}

TEST_CASE("only one terminal session at a time") {
  Pipe pipe;
  TerminalSession first(pipe.fds[0], false, true);
  CHECK_THROWS_AS(TerminalSession(pipe.fds[0], false, true), std::logic_error);
}

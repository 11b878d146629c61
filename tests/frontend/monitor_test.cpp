// The monitor's commands and line editing.
#include "frontend/monitor.h"

#include <catch2/catch.hpp>
#include <string>

#include "bus/machine.h"

using namespace glasspc;

namespace {

class TextBackend : public CharBackend {
 public:
  void write(const u8* data, std::size_t length) override { text.append(data, data + length); }
  std::string text;
};

class FakeControl : public RunControl {
 public:
  bool running() const override { return is_running; }
  void stop() override { is_running = false; }
  void cont() override { is_running = true; }
  void quit() override { ++quits; }
  void system_reset() override { ++resets; }
  bool is_running = true;
  int quits = 0;
  int resets = 0;
};

struct Rig {
  Machine machine;
  TextBackend out;
  FakeControl control;
  Monitor monitor{out, machine, control, "text to stderr"};

  void type(std::string_view text) {
    monitor.accept({reinterpret_cast<const u8*>(text.data()), text.size()});
  }
};

}  // namespace

TEST_CASE("the monitor greets once, then prompts on each focus") {
  Rig rig;
  rig.monitor.focus_gained();
  CHECK(rig.out.text == "glasspc 0.1.0 monitor - type 'help' for more information\n(glasspc) ");
  rig.out.text.clear();
  rig.monitor.focus_gained();
  CHECK(rig.out.text == "(glasspc) ");
}

TEST_CASE("stop, cont, quit and system_reset act on the run") {
  Rig rig;
  CHECK(rig.monitor.execute("stop"));
  CHECK_FALSE(rig.control.is_running);
  CHECK(rig.monitor.execute("cont"));
  CHECK(rig.control.is_running);
  rig.monitor.execute("stop");
  rig.monitor.execute("c");
  CHECK(rig.control.is_running);
  rig.monitor.execute("system_reset");
  CHECK(rig.control.resets == 1);
  rig.monitor.execute("  quit  ");
  CHECK(rig.control.quits == 1);
}

TEST_CASE("typed lines are echoed, edited with backspace and run on Enter") {
  Rig rig;
  rig.type(
      "sto\x7f"
      "op\r");
  CHECK_FALSE(rig.control.is_running);
  CHECK(rig.out.text == "sto\b \bop\n(glasspc) ");
  rig.out.text.clear();
  // An arrow key's escape sequence is skipped; CR LF ends one line, not two.
  rig.type("\x1b[Acont\r\n");
  CHECK(rig.control.is_running);
  CHECK(rig.out.text == "cont\n(glasspc) ");
}

TEST_CASE("help, unknown commands and info subcommands") {
  Rig rig;
  rig.monitor.execute("help");
  CHECK(rig.out.text.find("system_reset") != std::string::npos);
  CHECK(rig.out.text.find("info ports") != std::string::npos);
  rig.out.text.clear();
  CHECK_FALSE(rig.monitor.execute("frobnicate now"));
  CHECK(rig.out.text == "unknown command: 'frobnicate'\n");
  rig.out.text.clear();
  rig.monitor.execute("info registers");
  CHECK(rig.out.text == "unknown info command: 'registers' (info mtree, info ports, info trace)\n");
}

TEST_CASE("info mtree shows the memory map") {
  Rig rig;
  rig.machine.memory().allocate_ram(1 << 20);
  rig.machine.memory().add_ram("low-ram", 0, 1 << 20, 0);
  rig.monitor.execute("info mtree");
  CHECK(rig.out.text == rig.machine.memory().describe());
  CHECK(rig.out.text.find("low-ram") != std::string::npos);
}

TEST_CASE("info ports lists claimed ranges by owner, and unclaimed accesses") {
  Rig rig;
  PortHandler uart;
  uart.name = "com1";
  uart.read = [](u16, unsigned) { return 0u; };
  uart.write = [](u16, u32, unsigned) {};
  rig.machine.ports().claim(0x3f8, 8, uart);
  PortHandler exit = uart;
  exit.name = "debug-exit";
  rig.machine.ports().claim(0x501, 2, exit);
  rig.machine.ports().read(0x80, 1);
  rig.monitor.execute("info ports");
  CHECK(rig.out.text ==
        "03f8-03ff com1\n"
        "0501-0502 debug-exit\n"
        "unclaimed accesses: 1 reads, 0 writes\n");
}

TEST_CASE("info trace says what is traced and where") {
  Rig rig;
  rig.monitor.execute("info trace");
  CHECK(rig.out.text ==
        "tracing is off (start glasspc with -d LIST; -d help lists the categories)\n");
  rig.out.text.clear();
  rig.machine.trace().set_sink(std::make_unique<MemoryTraceSink>());
  rig.machine.trace().set_mask(static_cast<u32>(TraceCategory::Port) |
                               static_cast<u32>(TraceCategory::Irq));
  rig.monitor.execute("info trace");
  CHECK(rig.out.text == "tracing port,irq as text to stderr\n");
}

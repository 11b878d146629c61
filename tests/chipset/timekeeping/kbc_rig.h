// An 8042 with its keyboard and mouse on a small backplane: port space, a SystemControl that
// records reset requests, an A20 probe and probes on IRQ 1 and IRQ 12.
#pragma once

#include <string>
#include <vector>

#include "bus/clock.h"
#include "bus/irq_line.h"
#include "bus/port_space.h"
#include "bus/system_control.h"
#include "bus/trace.h"
#include "chipset/i8042.h"

namespace glasspc::test {

class RecordingSystem : public SystemControl {
 public:
  void request_exit(int status, std::string) override { exits.push_back(status); }
  void request_reset(std::string reason) override { resets.push_back(std::move(reason)); }
  std::vector<int> exits;
  std::vector<std::string> resets;
};

using Bytes = std::vector<u8>;

struct KbcRig {
  Clock clock;
  Trace trace{clock};
  PortSpace ports{trace};
  RecordingSystem system;
  std::vector<bool> a20;
  I8042 kbc{"i8042", trace, system, [this](bool on) { a20.push_back(on); }};
  std::vector<bool> irq1_levels;
  std::vector<bool> irq12_levels;
  IrqCallback irq1_probe{[this](unsigned, bool level) { irq1_levels.push_back(level); }};
  IrqCallback irq12_probe{[this](unsigned, bool level) { irq12_levels.push_back(level); }};

  KbcRig() {
    kbc.attach(ports);
    kbc.keyboard_irq().connect(irq1_probe, 1);
    kbc.mouse_irq().connect(irq12_probe, 12);
    irq1_levels.clear();
    irq12_levels.clear();
  }

  u8 status() { return static_cast<u8>(ports.read(i8042::kStatusCommandPort, 1)); }
  u8 data() { return static_cast<u8>(ports.read(i8042::kDataPort, 1)); }
  void command(u8 value) { ports.write(i8042::kStatusCommandPort, value, 1); }
  void write(u8 value) { ports.write(i8042::kDataPort, value, 1); }
  void set_command_byte(u8 value) {
    command(i8042::kWriteRamFirst);
    write(value);
  }
  void to_mouse(u8 value) {
    command(i8042::kWriteMouse);
    write(value);
  }
  // Reads bytes while the output buffer is full, as a polling driver does.
  Bytes drain() {
    Bytes bytes;
    while ((status() & i8042::kStatusOutputFull) && bytes.size() < 1024) bytes.push_back(data());
    return bytes;
  }
  void key(u16 key, bool down) { kbc.key_event(key, down); }
};

}  // namespace glasspc::test

// A 16550 on its own small backplane, for register-level tests: virtual clock, scheduler, port
// space, a backend that records what reaches the line and a probe on the IRQ output.
#pragma once

#include <utility>
#include <vector>

#include "bus/chardev.h"
#include "bus/clock.h"
#include "bus/irq_line.h"
#include "bus/port_space.h"
#include "bus/scheduler.h"
#include "bus/trace.h"
#include "devices/uart16550.h"

namespace glasspc::test {

// Records each transmitted byte with the virtual time at which it left the shift register.
class RecordingBackend : public CharBackend {
 public:
  explicit RecordingBackend(const Clock& clock) : m_clock(clock) {}
  void write(const u8* data, std::size_t length) override {
    for (std::size_t i = 0; i < length; ++i) sent.emplace_back(m_clock.now(), data[i]);
  }
  std::vector<std::pair<Picoseconds, u8>> sent;

 private:
  const Clock& m_clock;
};

struct UartRig {
  static constexpr u16 kBase = 0x3f8;

  Clock clock;
  Trace trace{clock};
  Scheduler scheduler{clock};
  PortSpace ports{trace};
  RecordingBackend backend{clock};
  Uart16550 uart{"com1", scheduler, trace};
  std::vector<bool> irq_levels;  // every level delivered to the probe after construction
  IrqCallback irq_probe{[this](unsigned, bool level) { irq_levels.push_back(level); }};

  UartRig() {
    uart.attach(ports, kBase);
    uart.set_backend(&backend);
    uart.irq().connect(irq_probe, 4);
    irq_levels.clear();
  }

  u8 in(u16 offset) { return static_cast<u8>(ports.read(kBase + offset, 1)); }
  void out(u16 offset, u8 value) { ports.write(kBase + offset, value, 1); }
  void set_divisor(u16 divisor) {
    const u8 lcr = in(uart::kLcr);
    out(uart::kLcr, lcr | uart::kLcrDlab);
    out(uart::kRbrThrDll, static_cast<u8>(divisor));
    out(uart::kIerDlm, static_cast<u8>(divisor >> 8));
    out(uart::kLcr, lcr);
  }
  // 115200 baud (divisor 1), 8 data bits, no parity, 1 stop bit: 10 bits a character.
  void configure_8n1_115200() {
    out(uart::kLcr, 0x03);
    set_divisor(1);
  }
  // Advances virtual time and fires every timer that is due.
  void advance_to(Picoseconds time) {
    clock.skip_to(time);
    scheduler.run_due();
  }
  void advance_by(Picoseconds delta) { advance_to(clock.now() + delta); }
  bool irq() const { return uart.irq().level(); }
  u8 iir_id() { return in(uart::kIirFcr)&0x0f; }
  void feed(std::initializer_list<u8> bytes) {
    std::vector<u8> data(bytes);
    uart.receive(data.data(), data.size());
  }
};

// One 8N1 character at 115200 baud: 160 half-bit periods of 8 cycles at 1.8432 MHz, i.e.
// 86.80555... us, rounded up to the next picosecond.
constexpr Picoseconds kChar8n1At115200 = 86'805'556;

}  // namespace glasspc::test

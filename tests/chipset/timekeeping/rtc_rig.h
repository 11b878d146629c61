// An MC146818A on its own small backplane: virtual clock, scheduler, port space and a probe on
// IRQ 8 that records every level change.
#pragma once

#include <vector>

#include "bus/clock.h"
#include "bus/irq_line.h"
#include "bus/port_space.h"
#include "bus/scheduler.h"
#include "bus/trace.h"
#include "chipset/rtc_cmos.h"

namespace glasspc::test {

// 2026-11-24 18:23:36 UTC, a Tuesday.
constexpr i64 kTuesdayEvening = 1795544616;

struct RtcRig {
  Clock clock;
  Trace trace{clock};
  Scheduler scheduler{clock};
  PortSpace ports{trace};
  RtcCmos rtc;
  std::vector<bool> irq_levels;
  IrqCallback irq_probe{[this](unsigned, bool level) { irq_levels.push_back(level); }};

  explicit RtcRig(i64 start = kTuesdayEvening) : rtc("rtc", scheduler, trace, start) {
    rtc.attach(ports);
    rtc.irq().connect(irq_probe, 8);
    irq_levels.clear();
  }

  u8 read(u8 index) {
    ports.write(rtc::kIndexPort, index, 1);
    return static_cast<u8>(ports.read(rtc::kDataPort, 1));
  }
  void write(u8 index, u8 value) {
    ports.write(rtc::kIndexPort, index, 1);
    ports.write(rtc::kDataPort, value, 1);
  }
  void advance_to(Picoseconds time) {
    clock.skip_to(time);
    scheduler.run_due();
  }
  void advance_by(Picoseconds delta) { advance_to(clock.now() + delta); }
  // Runs to the next armed deadline; false if nothing is armed.
  bool run_to_next_event() {
    const Picoseconds next = scheduler.next_deadline();
    if (next == kNever) return false;
    advance_to(next);
    return true;
  }
  bool irq() { return rtc.irq().level(); }
};

// The time at which the divider chain has counted `ticks` oscillator ticks since power-on.
inline Picoseconds at_tick(u64 ticks) {
  return time_of_tick(ticks, rtc::kOscillatorHz);
}

}  // namespace glasspc::test

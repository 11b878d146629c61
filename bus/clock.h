// Virtual time. The CPU advances it as it retires instructions; devices only ever read it.
// Nothing guest-visible in glasspc reads the host clock.
#pragma once

#include "bus/types.h"

namespace glasspc {

class Archive;

class Clock {
 public:
  Picoseconds now() const { return m_now; }
  u64 instructions() const { return m_instructions; }

  // Called by the CPU as it retires instructions (cost already converted to picoseconds).
  void advance(Picoseconds delta, u64 retired_instructions) {
    m_now += delta;
    m_instructions += retired_instructions;
  }
  // Moves time forward without retiring instructions: an idle (halted) CPU jumps to the next
  // timer deadline. Time never goes backwards.
  void skip_to(Picoseconds time) {
    if (time > m_now) m_now = time;
  }

  void serialize(Archive& archive);

 private:
  Picoseconds m_now = 0;
  u64 m_instructions = 0;
};

// Converts a count of ticks of a clock running at `hz` into picoseconds and back, without
// overflow for any time below 2^64 ps, rounding down. Used by every timer device.
u64 ticks_at(Picoseconds time, u64 hz);       // ticks elapsed after `time`
Picoseconds time_of_tick(u64 tick, u64 hz);   // first time at which `tick` ticks have elapsed

}  // namespace glasspc

#include "bus/clock.h"

#include "bus/archive.h"

namespace glasspc {

void Clock::serialize(Archive& archive) {
  archive.field("now_ps", m_now);
  archive.field("instructions", m_instructions);
}

// time * hz / 1e12 without overflowing: split time into whole seconds and the remainder.
u64 ticks_at(Picoseconds time, u64 hz) {
  const u64 seconds = time / kPsPerSecond;
  const u64 rest = time % kPsPerSecond;
  return seconds * hz + static_cast<u64>((static_cast<unsigned __int128>(rest) * hz) / kPsPerSecond);
}

// Smallest time t with ticks_at(t, hz) >= tick.
Picoseconds time_of_tick(u64 tick, u64 hz) {
  const u64 seconds = tick / hz;
  const u64 rest = tick % hz;
  const unsigned __int128 scaled = static_cast<unsigned __int128>(rest) * kPsPerSecond;
  return seconds * kPsPerSecond + static_cast<u64>((scaled + hz - 1) / hz);
}

}  // namespace glasspc

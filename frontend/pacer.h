// Pacing virtual time against the host clock, and servicing host input between CPU slices.
//
// Host time enters glasspc only here (and when input is stamped): the pacer decides when the
// machine runs, never what the guest sees. RealtimePacer keeps virtual time from running ahead
// of host time, so a guest's one-second timer takes one second; when the guest is idle it sleeps
// until the next timer deadline or until host input arrives. FastHostPacer skips idle time at
// once (bus FastPacer) and still services input.
#pragma once

#include <chrono>
#include <optional>

#include "bus/machine.h"

namespace glasspc {

class HostClock {
 public:
  virtual ~HostClock() = default;
  virtual std::chrono::nanoseconds now() = 0;
};

// std::chrono::steady_clock: monotonic, unaffected by changes of the wall clock.
class SteadyHostClock : public HostClock {
 public:
  std::chrono::nanoseconds now() override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now().time_since_epoch());
  }
};

// What happened while host input was serviced.
struct HostActivity {
  bool wake = false;    // input reached a device, or an exit or reset was requested
  bool paused = false;  // the machine was held stopped (monitor "stop"): host time passed
                        // that virtual time must not catch up on
};

// The host side the pacer waits on (the terminal, the monitor, signals).
class HostEvents {
 public:
  virtual ~HostEvents() = default;
  // Handles whatever host input is ready now, without waiting.
  virtual HostActivity service() = 0;
  // Waits up to `timeout` (forever if empty) for host input, then handles it.
  virtual HostActivity wait(std::optional<std::chrono::nanoseconds> timeout) = 0;
};

class RealtimePacer : public RunPacer {
 public:
  RealtimePacer(HostClock& clock, HostEvents& events) : m_clock(clock), m_events(events) {}

  void between_slices(Picoseconds now) override;
  bool idle_until(Picoseconds now, Picoseconds deadline) override;

 private:
  // Virtual time `now` corresponds to host time now from here on.
  void anchor(Picoseconds now);
  // Host time at which virtual time reaches `time`.
  std::chrono::nanoseconds host_time_of(Picoseconds time) const;

  HostClock& m_clock;
  HostEvents& m_events;
  bool m_anchored = false;
  Picoseconds m_virtual_anchor = 0;
  std::chrono::nanoseconds m_host_anchor{0};
};

class FastHostPacer : public RunPacer {
 public:
  explicit FastHostPacer(HostEvents& events) : m_events(events) {}

  void between_slices(Picoseconds now) override;
  bool idle_until(Picoseconds now, Picoseconds deadline) override;

 private:
  HostEvents& m_events;
  FastPacer m_fast;
};

}  // namespace glasspc

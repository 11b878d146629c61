// The local APIC timer (Intel SDM Vol. 3A, 11.5.4 "APIC Timer"): a 32-bit down-counter clocked by
// the processor's bus clock through the divide configuration register, in one-shot or periodic
// mode, or a comparator against the time-stamp counter in TSC-deadline mode (11.5.4.1).
//
// Nothing ticks. The counter remembers the bus-clock tick at which it held a known count and
// computes the current count from the Clock when read. A Scheduler event exists only while an
// expiry can produce an interrupt (the LVT timer entry is unmasked and the timer runs), and it
// fires exactly at the virtual time the count reaches zero (or the TSC reaches the deadline).
#pragma once

#include <functional>
#include <string>

#include "bus/scheduler.h"
#include "bus/types.h"

namespace glasspc {

class Archive;

class LapicTimer {
 public:
  // LVT timer bits 18:17 (SDM Figure 11-8).
  enum class Mode : u8 { OneShot = 0, Periodic = 1, TscDeadline = 2 };

  // `bus_hz` clocks the counter before division; `tsc_hz` is the rate of the TSC.
  LapicTimer(std::string name, Scheduler& scheduler, u64 bus_hz, u64 tsc_hz,
             std::function<void()> expired);

  // Power-up state: one-shot, stopped, divide by 2, no deadline, masked.
  void reset();

  Mode mode() const { return m_mode; }
  // Changing between one-shot and periodic keeps counting; entering or leaving TSC-deadline mode
  // disarms the timer (SDM 11.5.4.1).
  void set_mode(Mode mode);
  // Whether an expiry reaches the LVT (the LVT mask bit). A one-shot count or TSC deadline that
  // passed while masked stays expired and gives no interrupt when unmasked later.
  void set_unmasked(bool unmasked);

  u32 initial_count() const { return m_initial; }
  // Starts counting from `count` (0 stops the timer). Ignored in TSC-deadline mode.
  void set_initial_count(u32 count);
  u32 current_count() const;

  // Divide configuration register bits 0, 1 and 3 (SDM Figure 11-10).
  u32 divide_config() const { return m_divide_config; }
  void set_divide_config(u32 value);
  u32 divisor() const;

  u64 tsc() const;
  // IA32_TSC_DEADLINE: reads 0 outside TSC-deadline mode and after the deadline has passed.
  u64 tsc_deadline() const;
  void set_tsc_deadline(u64 deadline);

  void serialize(Archive& archive);

 private:
  u64 bus_ticks_now() const;
  u64 elapsed_counts() const;  // counter decrements since m_base_bus_tick
  Picoseconds time_of_count(u64 counts) const;
  // Moves the base to now, keeping the current count (divider or mode changes).
  void rebase();
  // Arms or cancels the Scheduler event. `past_fires` makes a deadline already behind the TSC
  // fire at once (a new deadline) rather than count as expired while masked (an unmask).
  void reschedule(bool past_fires);
  void fire();

  Scheduler& m_scheduler;
  TimerId m_event;
  u64 m_bus_hz;
  u64 m_tsc_hz;
  std::function<void()> m_expired;

  Mode m_mode = Mode::OneShot;
  bool m_unmasked = false;
  u32 m_initial = 0;        // initial-count register: the periodic reload value
  u32 m_divide_config = 0;  // divide by 2
  u64 m_base_bus_tick = 0;  // bus tick at which the counter held m_base_count
  u32 m_base_count = 0;     // 0: stopped (or a one-shot count that has run out)
  u64 m_next_fire = 0;      // periodic: counts after the base at which the next expiry falls
  u64 m_deadline = 0;       // IA32_TSC_DEADLINE, 0 = disarmed
};

}  // namespace glasspc

// Timed events on virtual time.
//
// Devices create named timers once (at construction) and then arm, re-arm and cancel them.
// Pending timers are ordered by (deadline, sequence number of arming), so timers with equal
// deadlines always fire in the order they were armed: a total order, independent of pointers or
// host timing. Because timers are named, a snapshot stores "timer com1.tx fires at t" rather
// than a callback pointer.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "bus/clock.h"
#include "bus/types.h"

namespace glasspc {

class Archive;

using TimerId = u32;

class Scheduler {
 public:
  explicit Scheduler(Clock& clock) : m_clock(clock) {}

  // Creates a timer. `name` must be unique within the machine (it keys snapshots).
  TimerId create_timer(std::string name, std::function<void()> callback);

  // Arms (or re-arms) the timer to fire at the absolute virtual time `deadline`. A deadline in
  // the past fires at the next call to run_due().
  void arm_at(TimerId timer, Picoseconds deadline);
  void arm_after(TimerId timer, Picoseconds delay) { arm_at(timer, m_clock.now() + delay); }
  void cancel(TimerId timer);
  bool armed(TimerId timer) const;
  Picoseconds deadline(TimerId timer) const;  // kNever when not armed

  // The earliest armed deadline, or kNever.
  Picoseconds next_deadline() const;
  // Fires, in order, every timer whose deadline is <= now. Callbacks may arm/cancel timers;
  // a timer armed for a time <= now during this call also fires in this call.
  // Returns the number of timers fired.
  unsigned run_due();

  Clock& clock() { return m_clock; }
  const Clock& clock() const { return m_clock; }

  // Saves/loads the deadlines of all timers by name.
  void serialize(Archive& archive);

 private:
  struct Timer {
    std::string name;
    std::function<void()> callback;
    Picoseconds deadline = kNever;
    u64 sequence = 0;
  };
  struct Key {
    Picoseconds deadline;
    u64 sequence;
    TimerId id;
    bool operator<(const Key& other) const {
      if (deadline != other.deadline) return deadline < other.deadline;
      return sequence < other.sequence;
    }
  };

  Clock& m_clock;
  std::vector<Timer> m_timers;
  std::set<Key> m_pending;
  u64 m_next_sequence = 1;
};

}  // namespace glasspc

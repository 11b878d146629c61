#include "bus/scheduler.h"

#include <fmt/format.h>

#include <stdexcept>

#include "bus/archive.h"

namespace glasspc {

namespace {

// A guest can program a device to re-arm a timer for "now" from its own callback (a periodic
// timer with period 0). Bounding the work per call keeps the machine responsive: the rest fires
// on the next call, after the CPU has run.
constexpr unsigned kMaxFiredPerCall = 1'000'000;

}  // namespace

TimerId Scheduler::create_timer(std::string name, std::function<void()> callback) {
  for (const Timer& timer : m_timers)
    if (timer.name == name) throw std::logic_error(fmt::format("timer '{}' created twice", name));
  if (!callback) throw std::logic_error(fmt::format("timer '{}' has no callback", name));
  Timer timer;
  timer.name = std::move(name);
  timer.callback = std::move(callback);
  m_timers.push_back(std::move(timer));
  return static_cast<TimerId>(m_timers.size() - 1);
}

void Scheduler::arm_at(TimerId id, Picoseconds deadline) {
  Timer& timer = m_timers.at(id);
  if (timer.deadline != kNever) m_pending.erase(Key{timer.deadline, timer.sequence, id});
  // A deadline of kNever can never be reached: it is the same as not being armed.
  if (deadline == kNever) {
    timer.deadline = kNever;
    return;
  }
  timer.deadline = deadline;
  timer.sequence = m_next_sequence++;
  m_pending.insert(Key{timer.deadline, timer.sequence, id});
}

void Scheduler::cancel(TimerId id) {
  Timer& timer = m_timers.at(id);
  if (timer.deadline == kNever) return;
  m_pending.erase(Key{timer.deadline, timer.sequence, id});
  timer.deadline = kNever;
}

bool Scheduler::armed(TimerId id) const {
  return m_timers.at(id).deadline != kNever;
}

Picoseconds Scheduler::deadline(TimerId id) const {
  return m_timers.at(id).deadline;
}

Picoseconds Scheduler::next_deadline() const {
  return m_pending.empty() ? kNever : m_pending.begin()->deadline;
}

unsigned Scheduler::run_due() {
  const Picoseconds now = m_clock.now();
  unsigned fired = 0;
  while (fired < kMaxFiredPerCall && !m_pending.empty() && m_pending.begin()->deadline <= now) {
    const TimerId id = m_pending.begin()->id;
    m_pending.erase(m_pending.begin());
    m_timers[id].deadline = kNever;
    // A copy: the callback may create timers, which can move m_timers while it runs.
    const std::function<void()> callback = m_timers[id].callback;
    ++fired;
    callback();
  }
  return fired;
}

// Layout: section "scheduler" { next_sequence, section "timers" { <timer name>: [deadline,
// sequence] ... } }. Every timer is saved, armed or not (deadline kNever), so a snapshot from a
// build with a timer this build lacks is refused by name ("unknown field '...timers.com1.tx'").
void Scheduler::serialize(Archive& archive) {
  ArchiveSection section(archive, "scheduler", 1);
  u64 next_sequence = m_next_sequence;
  archive.field("next_sequence", next_sequence);
  ArchiveSection timers(archive, "timers", 1);
  if (archive.saving()) {
    for (Timer& timer : m_timers) {
      std::array<u64, 2> state = {timer.deadline, timer.sequence};
      archive.field(timer.name, state);
    }
    return;
  }
  // Parse everything first, so a bad snapshot leaves the timers as they were.
  std::set<Key> pending;
  std::vector<std::array<u64, 2>> states(m_timers.size(), {kNever, 0});
  for (TimerId id = 0; id < m_timers.size(); ++id) {
    const Timer& timer = m_timers[id];
    // A timer added after the snapshot was written is simply not armed.
    if (archive.has_field(timer.name)) archive.field(timer.name, states[id]);
    const auto [deadline, sequence] = states[id];
    if (deadline == kNever) continue;
    if (sequence >= next_sequence || !pending.insert(Key{deadline, sequence, id}).second) {
      throw ArchiveError(fmt::format("snapshot timer '{}' has an invalid sequence number {}",
                                     timer.name, sequence));
    }
  }
  for (TimerId id = 0; id < m_timers.size(); ++id) {
    m_timers[id].deadline = states[id][0];
    m_timers[id].sequence = states[id][1];
  }
  m_pending = std::move(pending);
  m_next_sequence = next_sequence;
}

}  // namespace glasspc

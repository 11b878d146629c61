#include "chipset/lapic_timer.h"

#include "bus/archive.h"
#include "bus/clock.h"

namespace glasspc {

namespace {

// SDM Figure 11-10: bits 0, 1 and 3 of the divide configuration register; bit 2 is reserved.
constexpr u32 kDivideConfigMask = 0xB;
constexpr u32 kDivideHighBit = 1u << 3;
constexpr u32 kDivideLowBits = 0x3;
// The encoding 111 divides by 1; every other value v divides by 2^(v+1).
constexpr u32 kDivideByOne = 0x7;

}  // namespace

LapicTimer::LapicTimer(std::string name, Scheduler& scheduler, u64 bus_hz, u64 tsc_hz,
                       std::function<void()> expired)
    : m_scheduler(scheduler),
      m_event(scheduler.create_timer(std::move(name), [this] { fire(); })),
      m_bus_hz(bus_hz == 0 ? 1 : bus_hz),
      m_tsc_hz(tsc_hz == 0 ? 1 : tsc_hz),
      m_expired(std::move(expired)) {}

void LapicTimer::reset() {
  m_scheduler.cancel(m_event);
  m_mode = Mode::OneShot;
  m_unmasked = false;
  m_initial = 0;
  m_divide_config = 0;
  m_base_bus_tick = bus_ticks_now();
  m_base_count = 0;
  m_next_fire = 0;
  m_deadline = 0;
}

u64 LapicTimer::bus_ticks_now() const {
  return ticks_at(m_scheduler.clock().now(), m_bus_hz);
}

u64 LapicTimer::tsc() const {
  return ticks_at(m_scheduler.clock().now(), m_tsc_hz);
}

u32 LapicTimer::divisor() const {
  const u32 encoded =
      ((m_divide_config & kDivideHighBit) >> 1) | (m_divide_config & kDivideLowBits);
  return encoded == kDivideByOne ? 1 : 2u << encoded;
}

u64 LapicTimer::elapsed_counts() const {
  const u64 now = bus_ticks_now();
  return now > m_base_bus_tick ? (now - m_base_bus_tick) / divisor() : 0;
}

Picoseconds LapicTimer::time_of_count(u64 counts) const {
  return time_of_tick(m_base_bus_tick + counts * divisor(), m_bus_hz);
}

// SDM 11.5.4: the count runs from the initial count down to zero; a periodic timer reloads the
// initial count on reaching zero, a one-shot timer stays at zero.
u32 LapicTimer::current_count() const {
  if (m_mode == Mode::TscDeadline || m_base_count == 0) return 0;
  const u64 elapsed = elapsed_counts();
  if (elapsed < m_base_count) return static_cast<u32>(m_base_count - elapsed);
  if (m_mode == Mode::OneShot || m_initial == 0) return 0;
  return static_cast<u32>(m_initial - (elapsed - m_base_count) % m_initial);
}

void LapicTimer::rebase() {
  m_base_count = current_count();
  m_base_bus_tick = bus_ticks_now();
}

void LapicTimer::set_mode(Mode mode) {
  if (mode == m_mode) return;
  if (mode == Mode::TscDeadline || m_mode == Mode::TscDeadline) {
    // SDM 11.5.4.1: a change into or out of TSC-deadline mode disarms the timer and clears the
    // deadline; the count stays stopped until the initial count is written again.
    m_mode = mode;
    m_base_count = 0;
    m_deadline = 0;
  } else {
    rebase();
    m_mode = mode;
  }
  reschedule(false);
}

void LapicTimer::set_unmasked(bool unmasked) {
  if (unmasked == m_unmasked) return;
  m_unmasked = unmasked;
  reschedule(false);
}

void LapicTimer::set_initial_count(u32 count) {
  // SDM 11.5.4.1: in TSC-deadline mode writes to the initial-count register are ignored.
  if (m_mode == Mode::TscDeadline) return;
  m_initial = count;
  m_base_count = count;
  m_base_bus_tick = bus_ticks_now();
  reschedule(true);
}

void LapicTimer::set_divide_config(u32 value) {
  value &= kDivideConfigMask;
  if (value == m_divide_config) return;
  rebase();
  m_divide_config = value;
  reschedule(false);
}

u64 LapicTimer::tsc_deadline() const {
  if (m_mode != Mode::TscDeadline || m_deadline == 0) return 0;
  return tsc() >= m_deadline ? 0 : m_deadline;
}

void LapicTimer::set_tsc_deadline(u64 deadline) {
  // SDM 11.5.4.1: outside TSC-deadline mode writes to IA32_TSC_DEADLINE are ignored.
  if (m_mode != Mode::TscDeadline) return;
  m_deadline = deadline;
  reschedule(true);
}

void LapicTimer::reschedule(bool past_fires) {
  m_scheduler.cancel(m_event);
  if (!m_unmasked) return;
  const Picoseconds now = m_scheduler.clock().now();
  switch (m_mode) {
    case Mode::TscDeadline: {
      // A deadline beyond the last representable picosecond never arrives.
      if (m_deadline == 0 || m_deadline > ticks_at(kNever - 1, m_tsc_hz)) return;
      const Picoseconds when = time_of_tick(m_deadline, m_tsc_hz);
      if (when < now && !past_fires) {
        m_deadline = 0;  // passed while masked: disarmed without an interrupt
        return;
      }
      m_scheduler.arm_at(m_event, when);
      return;
    }
    case Mode::OneShot:
      if (m_base_count == 0 || elapsed_counts() >= m_base_count) return;
      m_scheduler.arm_at(m_event, time_of_count(m_base_count));
      return;
    case Mode::Periodic: {
      if (m_base_count == 0) return;
      const u64 elapsed = elapsed_counts();
      if (elapsed < m_base_count) {
        m_next_fire = m_base_count;
      } else {
        if (m_initial == 0) return;
        m_next_fire = m_base_count + ((elapsed - m_base_count) / m_initial + 1) * m_initial;
      }
      m_scheduler.arm_at(m_event, time_of_count(m_next_fire));
      return;
    }
  }
}

void LapicTimer::fire() {
  switch (m_mode) {
    case Mode::TscDeadline:
      m_deadline = 0;  // the timer disarms itself and clears the MSR
      break;
    case Mode::OneShot:
      break;  // the count now reads zero
    case Mode::Periodic:
      if (m_initial != 0) {
        m_next_fire += m_initial;
        m_scheduler.arm_at(m_event, time_of_count(m_next_fire));
      }
      break;
  }
  m_expired();
}

void LapicTimer::serialize(Archive& archive) {
  archive.field("mode", m_mode);
  archive.field("unmasked", m_unmasked);
  archive.field("initial", m_initial);
  archive.field("divide_config", m_divide_config);
  archive.field("base_bus_tick", m_base_bus_tick);
  archive.field("base_count", m_base_count);
  archive.field("next_fire", m_next_fire);
  archive.field("deadline", m_deadline);
  if (archive.loading()) {
    if (m_mode > Mode::TscDeadline) m_mode = Mode::OneShot;
    m_divide_config &= kDivideConfigMask;
  }
}

}  // namespace glasspc

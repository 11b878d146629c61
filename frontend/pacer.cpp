#include "frontend/pacer.h"

namespace glasspc {

namespace {

std::chrono::nanoseconds to_host(Picoseconds duration) {
  return std::chrono::nanoseconds(static_cast<std::chrono::nanoseconds::rep>(duration / kPsPerNs));
}

}  // namespace

void RealtimePacer::anchor(Picoseconds now) {
  m_anchored = true;
  m_virtual_anchor = now;
  m_host_anchor = m_clock.now();
}

std::chrono::nanoseconds RealtimePacer::host_time_of(Picoseconds time) const {
  return m_host_anchor + to_host(time - m_virtual_anchor);
}

void RealtimePacer::between_slices(Picoseconds now) {
  if (!m_anchored) anchor(now);
  HostActivity activity = m_events.service();
  if (activity.paused) anchor(now);
  // Virtual time may be behind host time (a slow guest, or an idle wait cut short by input):
  // then it catches up by not sleeping. It is never allowed ahead.
  for (;;) {
    const auto target = host_time_of(now);
    const auto host = m_clock.now();
    if (host >= target) return;
    activity = m_events.wait(target - host);
    if (activity.paused) {
      anchor(now);
      return;
    }
  }
}

bool RealtimePacer::idle_until(Picoseconds now, Picoseconds deadline) {
  if (!m_anchored) anchor(now);
  HostActivity activity = m_events.service();
  if (activity.paused) anchor(now);
  if (activity.wake) return false;
  if (deadline == kNever) {
    // Nothing but host input can wake the guest.
    activity = m_events.wait(std::nullopt);
    if (activity.paused) anchor(now);
    return false;
  }
  for (;;) {
    const auto target = host_time_of(deadline);
    const auto host = m_clock.now();
    if (host >= target) return true;
    activity = m_events.wait(target - host);
    if (activity.paused) anchor(now);  // the rest of the idle time is waited after the pause
    if (activity.wake) return false;
  }
}

void FastHostPacer::between_slices(Picoseconds now) {
  m_events.service();
  m_fast.between_slices(now);
}

bool FastHostPacer::idle_until(Picoseconds now, Picoseconds deadline) {
  if (m_events.service().wake) return false;
  if (deadline == kNever) {
    // Skipping ahead is impossible: no timer is armed. Only host input can change that.
    m_events.wait(std::nullopt);
    return false;
  }
  return m_fast.idle_until(now, deadline);
}

}  // namespace glasspc

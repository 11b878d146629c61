// Pacing against a fake host clock: never ahead of host time, idle waits cut short by input,
// pauses not caught up on.
#include "frontend/pacer.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace glasspc;
using std::chrono::nanoseconds;

namespace {

constexpr Picoseconds kMs = kPsPerMs;

class FakeClock : public HostClock {
 public:
  nanoseconds now() override { return time; }
  nanoseconds time{1'000'000'000};
};

// Waits advance the fake clock; scripted activity is returned by the next service or wait.
class FakeEvents : public HostEvents {
 public:
  explicit FakeEvents(FakeClock& clock) : m_clock(clock) {}
  HostActivity service() override { return next(); }
  HostActivity wait(std::optional<nanoseconds> timeout) override {
    waits.push_back(timeout);
    if (input_after && (!timeout || *input_after < *timeout)) {
      m_clock.time += *input_after;
      input_after.reset();
      return HostActivity{true, false};
    }
    if (!timeout) return HostActivity{true, false};  // a test never waits forever
    m_clock.time += *timeout;
    return next();
  }
  std::vector<std::optional<nanoseconds>> waits;
  std::optional<nanoseconds> input_after;  // input arrives this long into the next wait
  HostActivity pending;                    // returned by the next service()/wait()

 private:
  HostActivity next() {
    const HostActivity activity = pending;
    pending = {};
    return activity;
  }
  FakeClock& m_clock;
};

nanoseconds ms(long count) {
  return nanoseconds(count * 1'000'000);
}

}  // namespace

TEST_CASE("realtime: virtual time ahead of host time waits for the host") {
  FakeClock clock;
  FakeEvents events(clock);
  RealtimePacer pacer(clock, events);
  pacer.between_slices(0);  // anchors virtual 0 to host now
  CHECK(events.waits.empty());
  pacer.between_slices(5 * kMs);
  REQUIRE(events.waits.size() == 1);
  CHECK(events.waits[0] == ms(5));
  // Host time ran ahead (a slow slice): no waiting, virtual time catches up.
  clock.time += ms(20);
  pacer.between_slices(10 * kMs);
  CHECK(events.waits.size() == 1);
}

TEST_CASE("realtime: an idle machine sleeps until the deadline's host time") {
  FakeClock clock;
  FakeEvents events(clock);
  RealtimePacer pacer(clock, events);
  pacer.between_slices(0);
  CHECK(pacer.idle_until(0, 30 * kMs));
  REQUIRE(events.waits.size() == 1);
  CHECK(events.waits[0] == ms(30));
}

TEST_CASE("realtime: input during an idle wait runs the CPUs at once") {
  FakeClock clock;
  FakeEvents events(clock);
  RealtimePacer pacer(clock, events);
  pacer.between_slices(0);
  events.input_after = ms(4);
  CHECK_FALSE(pacer.idle_until(0, 30 * kMs));
  // The 4 ms waited are host time virtual time may catch up on: the next idle wait is shorter.
  events.waits.clear();
  CHECK(pacer.idle_until(1 * kMs, 30 * kMs));
  REQUIRE(events.waits.size() == 1);
  CHECK(events.waits[0] == ms(26));
}

TEST_CASE("realtime: with no timer armed only input ends the idle wait") {
  FakeClock clock;
  FakeEvents events(clock);
  RealtimePacer pacer(clock, events);
  CHECK_FALSE(pacer.idle_until(0, kNever));
  REQUIRE(events.waits.size() == 1);
  CHECK_FALSE(events.waits[0].has_value());
}

TEST_CASE("realtime: input already waiting means no idle wait at all") {
  FakeClock clock;
  FakeEvents events(clock);
  RealtimePacer pacer(clock, events);
  events.pending = HostActivity{true, false};
  CHECK_FALSE(pacer.idle_until(0, 30 * kMs));
  CHECK(events.waits.empty());
}

TEST_CASE("realtime: time spent stopped is not caught up on") {
  FakeClock clock;
  FakeEvents events(clock);
  RealtimePacer pacer(clock, events);
  pacer.between_slices(0);
  // The monitor held the machine for ten seconds inside service().
  clock.time += ms(10'000);
  events.pending = HostActivity{false, true};
  pacer.between_slices(1 * kMs);
  // Re-anchored at virtual 1 ms: 2 ms of virtual time now take 1 ms of host time to allow.
  events.waits.clear();
  pacer.between_slices(2 * kMs);
  REQUIRE(events.waits.size() == 1);
  CHECK(events.waits[0] == ms(1));
}

TEST_CASE("fast: idle time is skipped without waiting, but input still counts") {
  FakeClock clock;
  FakeEvents events(clock);
  FastHostPacer pacer(events);
  pacer.between_slices(5 * kMs);
  CHECK(pacer.idle_until(0, 1'000 * kMs));
  CHECK(events.waits.empty());
  events.pending = HostActivity{true, false};
  CHECK_FALSE(pacer.idle_until(0, 1'000 * kMs));
  CHECK_FALSE(pacer.idle_until(0, kNever));
  REQUIRE(events.waits.size() == 1);
  CHECK_FALSE(events.waits[0].has_value());
}

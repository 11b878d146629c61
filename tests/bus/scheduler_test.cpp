#include "bus/scheduler.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "bus/archive.h"

using namespace glasspc;

TEST_CASE("scheduler fires equal deadlines in arming order") {
  Clock clock;
  Scheduler s(clock);
  std::vector<std::string> fired;
  const TimerId a = s.create_timer("a", [&] { fired.push_back("a"); });
  const TimerId b = s.create_timer("b", [&] { fired.push_back("b"); });
  const TimerId c = s.create_timer("c", [&] { fired.push_back("c"); });
  s.arm_at(c, 100);
  s.arm_at(a, 100);
  s.arm_at(b, 50);
  CHECK(s.next_deadline() == 50);
  CHECK(s.run_due() == 0);
  clock.advance(100, 1);
  CHECK(s.run_due() == 3);
  CHECK(fired == std::vector<std::string>{"b", "c", "a"});
  CHECK(s.next_deadline() == kNever);
  CHECK_FALSE(s.armed(a));
}

TEST_CASE("scheduler fires only due timers and keeps the rest") {
  Clock clock;
  Scheduler s(clock);
  int fired = 0;
  const TimerId early = s.create_timer("early", [&] { ++fired; });
  const TimerId late = s.create_timer("late", [&] { fired += 10; });
  s.arm_at(early, 10);
  s.arm_at(late, 20);
  clock.advance(15, 1);
  CHECK(s.run_due() == 1);
  CHECK(fired == 1);
  CHECK(s.armed(late));
  CHECK(s.deadline(late) == 20);
  CHECK(s.deadline(early) == kNever);
  CHECK(s.next_deadline() == 20);
}

TEST_CASE("scheduler cancel and re-arm") {
  Clock clock;
  Scheduler s(clock);
  std::vector<std::string> fired;
  const TimerId a = s.create_timer("a", [&] { fired.push_back("a"); });
  const TimerId b = s.create_timer("b", [&] { fired.push_back("b"); });
  s.arm_at(a, 10);
  s.arm_at(b, 10);
  s.cancel(a);
  s.cancel(a);  // cancelling an idle timer is harmless
  CHECK_FALSE(s.armed(a));
  // Re-arming moves the timer: it is keyed once, at its new deadline and new sequence.
  s.arm_at(b, 30);
  s.arm_at(a, 30);
  s.arm_at(b, 30);
  CHECK(s.next_deadline() == 30);
  clock.advance(30, 1);
  CHECK(s.run_due() == 2);
  CHECK(fired == std::vector<std::string>{"a", "b"});
}

TEST_CASE("scheduler arm_after is relative to now and kNever means not armed") {
  Clock clock;
  clock.advance(1000, 5);
  Scheduler s(clock);
  const TimerId t = s.create_timer("t", [] {});
  s.arm_after(t, 500);
  CHECK(s.deadline(t) == 1500);
  s.arm_at(t, kNever);
  CHECK_FALSE(s.armed(t));
  CHECK(s.next_deadline() == kNever);
}

TEST_CASE("scheduler callbacks may arm timers, which fire in the same call when due") {
  Clock clock;
  Scheduler s(clock);
  std::vector<std::string> fired;
  TimerId b = 0, c = 0;
  const TimerId a = s.create_timer("a", [&] {
    fired.push_back("a");
    s.arm_at(b, 5);    // in the past: fires in this call
    s.arm_at(c, 500);  // in the future: stays armed
  });
  b = s.create_timer("b", [&] { fired.push_back("b"); });
  c = s.create_timer("c", [&] { fired.push_back("c"); });
  s.arm_at(a, 10);
  clock.advance(100, 1);
  CHECK(s.run_due() == 2);
  CHECK(fired == std::vector<std::string>{"a", "b"});
  CHECK(s.next_deadline() == 500);
}

TEST_CASE("scheduler periodic timer re-armed from its callback") {
  Clock clock;
  Scheduler s(clock);
  int ticks = 0;
  Picoseconds next = 100;
  TimerId t = 0;
  t = s.create_timer("pit", [&] {
    ++ticks;
    CHECK_FALSE(s.armed(t));  // a firing timer is disarmed before its callback runs
    next += 100;
    s.arm_at(t, next);
  });
  s.arm_at(t, 100);
  clock.advance(350, 1);
  // 100, 200, 300 are all <= 350: each re-arm is due and fires in the same call.
  CHECK(s.run_due() == 3);
  CHECK(ticks == 3);
  CHECK(s.deadline(t) == 400);
}

TEST_CASE("scheduler bounds the timers fired per call") {
  Clock clock;
  Scheduler s(clock);
  u64 count = 0;
  TimerId t = 0;
  t = s.create_timer("storm", [&] {
    ++count;
    s.arm_at(t, 0);
  });
  s.arm_at(t, 0);
  CHECK(s.run_due() == 1'000'000);
  CHECK(count == 1'000'000);
  CHECK(s.armed(t));
}

TEST_CASE("scheduler rejects duplicate timer names") {
  Clock clock;
  Scheduler s(clock);
  s.create_timer("com1.tx", [] {});
  CHECK_THROWS_AS(s.create_timer("com1.tx", [] {}), std::logic_error);
}

TEST_CASE("scheduler serialize restores deadlines and order by name") {
  Clock clock;
  Scheduler s(clock);
  std::vector<std::string> fired;
  const TimerId x = s.create_timer("x", [&] { fired.push_back("x"); });
  const TimerId y = s.create_timer("y", [&] { fired.push_back("y"); });
  s.create_timer("idle", [] {});
  s.arm_at(y, 70);
  s.arm_at(x, 70);
  Archive out = Archive::for_saving();
  s.serialize(out);
  const std::vector<u8> bytes = out.finish();

  // A second machine, with the timers created in a different order.
  Clock clock2;
  Scheduler s2(clock2);
  std::vector<std::string> fired2;
  s2.create_timer("idle", [] {});
  const TimerId x2 = s2.create_timer("x", [&] { fired2.push_back("x"); });
  s2.create_timer("y", [&] { fired2.push_back("y"); });
  s2.arm_at(x2, 5);  // overwritten by the load
  Archive in = Archive::for_loading(bytes);
  s2.serialize(in);
  CHECK(s2.deadline(x2) == 70);
  clock2.advance(70, 1);
  CHECK(s2.run_due() == 2);
  CHECK(fired2 == std::vector<std::string>{"y", "x"});

  // Sequence numbers continue where the saved scheduler left off, so saving again is identical.
  Archive again = Archive::for_saving();
  Clock clock3;
  Scheduler s3(clock3);
  s3.create_timer("x", [] {});
  s3.create_timer("y", [] {});
  s3.create_timer("idle", [] {});
  Archive in3 = Archive::for_loading(bytes);
  s3.serialize(in3);
  s3.serialize(again);
  CHECK(again.finish() == bytes);
}

TEST_CASE("scheduler load names an unknown saved timer") {
  Clock clock;
  Scheduler s(clock);
  s.arm_at(s.create_timer("com1.tx", [] {}), 10);
  Archive out = Archive::for_saving();
  s.serialize(out);

  Clock clock2;
  Scheduler s2(clock2);
  s2.create_timer("other", [] {});
  Archive in = Archive::for_loading(out.finish());
  CHECK_THROWS_WITH(s2.serialize(in), Catch::Contains("com1.tx"));
}

TEST_CASE("ticks_at and time_of_tick round trip") {
  for (u64 hz :
       {u64{1'193'182}, u64{3'579'545}, u64{32'768}, u64{1'000'000'000}, u64{14'318'180}}) {
    for (u64 tick : {u64{0}, u64{1}, u64{2}, u64{1000}, u64{65536}, hz - 1, hz, hz + 1, 10 * hz + 7,
                     u64{1} << 36}) {
      const Picoseconds t = time_of_tick(tick, hz);
      INFO("hz " << hz << " tick " << tick);
      CHECK(ticks_at(t, hz) == tick);
      if (t > 0) CHECK(ticks_at(t - 1, hz) == tick - 1);
    }
  }
  // One second is exactly hz ticks.
  CHECK(ticks_at(kPsPerSecond, 1'193'182) == 1'193'182);
  CHECK(time_of_tick(3'579'545, 3'579'545) == kPsPerSecond);
  // 1.193182 MHz: one tick is 838.095... ns, so the first tick completes at 838096 ps.
  CHECK(time_of_tick(1, 1'193'182) == 838'096);
  CHECK(ticks_at(838'095, 1'193'182) == 0);
  CHECK(ticks_at(838'096, 1'193'182) == 1);
}

TEST_CASE("ticks_at does not overflow for large times") {
  // About 200 days of virtual time, close to 2^64 ps.
  const Picoseconds t = Picoseconds{200} * 24 * 3600 * kPsPerSecond;
  CHECK(ticks_at(t, 3'579'545) == u64{200} * 24 * 3600 * 3'579'545);
  CHECK(ticks_at(t, 1'000'000'000) == u64{200} * 24 * 3600 * 1'000'000'000);
  const u64 ticks = ticks_at(t + 12'345, 1'193'182);
  CHECK(time_of_tick(ticks, 1'193'182) <= t + 12'345);
  CHECK(time_of_tick(ticks + 1, 1'193'182) > t + 12'345);
  CHECK(ticks_at(time_of_tick(ticks, 1'193'182), 1'193'182) == ticks);
}

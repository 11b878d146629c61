#include "bus/input_log.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "bus/archive.h"
#include "bus/trace.h"

using namespace glasspc;

namespace {

struct Received {
  Picoseconds time;
  u64 instructions;
  std::string bytes;
  bool operator==(const Received&) const = default;
};

// A clock, scheduler and input log with one receiving "device" per channel.
struct Rig {
  Clock clock;
  Scheduler scheduler{clock};
  Trace trace{clock};
  InputLog log{scheduler};
  std::vector<Received> com1, kbd;
  InputLog::ChannelId com1_id = 0, kbd_id = 0;

  explicit Rig(bool register_channels = true) {
    log.set_trace(&trace);
    if (register_channels) register_all();
  }
  void register_all() {
    com1_id = log.register_channel("com1", receiver(com1));
    kbd_id = log.register_channel("kbd", receiver(kbd));
  }
  std::function<void(std::span<const u8>)> receiver(std::vector<Received>& into) {
    return [this, &into](std::span<const u8> data) {
      into.push_back(
          Received{clock.now(), clock.instructions(), std::string(data.begin(), data.end())});
    };
  }
  // A CPU retiring one instruction per `ps_per_instruction`, stopping at timer deadlines, as the
  // machine's run loop does; runs until `until`.
  void run_until(Picoseconds until, Picoseconds ps_per_instruction = 10) {
    while (clock.now() < until) {
      const Picoseconds deadline = std::min(scheduler.next_deadline(), until);
      while (clock.now() < deadline) clock.advance(ps_per_instruction, 1);
      scheduler.run_due();
    }
  }
  void send(InputLog::ChannelId id, std::string_view text) {
    log.deliver(id, std::span<const u8>(reinterpret_cast<const u8*>(text.data()), text.size()));
  }
};

}  // namespace

TEST_CASE("input log replays recorded input at the same virtual time and instruction") {
  Rig rec;
  rec.log.start_recording();
  CHECK(rec.log.mode() == InputLog::Mode::Record);
  rec.run_until(1000);
  rec.send(rec.com1_id, "ls\r");
  rec.run_until(2500);
  rec.send(rec.kbd_id, std::string("\x1c\x9c", 2));
  rec.send(rec.com1_id, "x");
  rec.run_until(9000);
  rec.send(rec.com1_id, "");
  REQUIRE(rec.com1.size() == 3);
  REQUIRE(rec.kbd.size() == 1);
  const std::vector<u8> recording = rec.log.recording();

  Rig play;
  play.log.start_replay(recording);
  CHECK(play.log.mode() == InputLog::Mode::Replay);
  CHECK_FALSE(play.log.replay_finished());
  play.run_until(20000);
  CHECK(play.com1 == rec.com1);
  CHECK(play.kbd == rec.kbd);
  CHECK(play.com1[0] == Received{1000, 100, "ls\r"});
  CHECK(play.log.replay_finished());
  CHECK(play.log.divergences() == 0);
}

TEST_CASE("input log ignores live input while replaying") {
  Rig rec;
  rec.log.start_recording();
  rec.run_until(500);
  rec.send(rec.com1_id, "a");
  const std::vector<u8> recording = rec.log.recording();

  Rig play;
  play.log.start_replay(recording);
  play.send(play.com1_id, "typed");
  play.run_until(300);
  play.send(play.com1_id, "more");
  CHECK(play.com1.empty());
  play.run_until(1000);
  REQUIRE(play.com1.size() == 1);
  CHECK(play.com1[0].bytes == "a");
  play.send(play.com1_id, "after the end");
  CHECK(play.com1.size() == 1);
}

TEST_CASE("input log live mode delivers at once and records nothing") {
  Rig live;
  live.run_until(40);
  live.send(live.com1_id, "hi");
  REQUIRE(live.com1.size() == 1);
  CHECK(live.com1[0] == Received{40, 4, "hi"});
  CHECK(live.log.host_value("rtc.base", 77) == 77);
  Rig play;
  play.log.start_replay(live.log.recording());
  CHECK(play.log.replay_finished());
  CHECK_THROWS_AS(play.log.host_value("rtc.base", 1), ArchiveError);
}

TEST_CASE("input log host values are recorded and replayed by name") {
  Rig rec;
  rec.log.start_recording();
  CHECK(rec.log.host_value("rtc.base", 1'700'000'000) == 1'700'000'000);
  CHECK(rec.log.host_value("seed", 5) == 5);
  CHECK(rec.log.host_value("rtc.base", 1'700'000'100) == 1'700'000'100);
  const std::vector<u8> recording = rec.log.recording();

  Rig play;
  play.log.start_replay(recording);
  // The live value is ignored; repeated names replay in recorded order.
  CHECK(play.log.host_value("seed", 999) == 5);
  CHECK(play.log.host_value("rtc.base", 1) == 1'700'000'000);
  CHECK(play.log.host_value("rtc.base", 2) == 1'700'000'100);
  CHECK_THROWS_WITH(play.log.host_value("rtc.base", 3), Catch::Contains("rtc.base"));
  CHECK_THROWS_WITH(play.log.host_value("other", 3), Catch::Contains("other"));
}

TEST_CASE("input log replay may start before the channels are registered") {
  Rig rec;
  rec.log.start_recording();
  rec.run_until(200);
  rec.send(rec.kbd_id, "k");
  const std::vector<u8> recording = rec.log.recording();

  Rig play(false);
  play.log.start_replay(recording);
  play.register_all();
  play.run_until(1000);
  REQUIRE(play.kbd.size() == 1);
  CHECK(play.kbd[0] == Received{200, 20, "k"});
}

TEST_CASE("input log reports a replay that diverges from the recording") {
  Rig rec;
  rec.log.start_recording();
  rec.run_until(1000);
  rec.send(rec.com1_id, "a");
  const std::vector<u8> recording = rec.log.recording();

  Rig play;
  auto owned = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink& sink = *owned;
  play.trace.set_sink(std::move(owned));
  play.trace.set_mask(static_cast<u32>(TraceCategory::Device));
  play.log.start_replay(recording);
  play.run_until(2000, 20);  // a slower CPU: 50 instructions by t=1000 instead of 100
  REQUIRE(play.com1.size() == 1);
  CHECK(play.com1[0].time == 1000);
  CHECK(play.log.divergences() == 1);
  REQUIRE(sink.lines().size() == 1);
  CHECK_THAT(sink.lines()[0], Catch::Contains("input-log divergence recorded_icount=0x64"));
}

TEST_CASE("input log channels are unique and looked up by name") {
  Rig rig;
  CHECK(rig.log.channel("kbd") == rig.kbd_id);
  CHECK_THROWS_AS(rig.log.channel("mouse"), std::out_of_range);
  CHECK_THROWS_AS(rig.log.register_channel("com1", [](std::span<const u8>) {}), std::logic_error);
  CHECK_THROWS_AS(rig.log.deliver(99, {}), std::out_of_range);
}

TEST_CASE("input log rejects malformed logs") {
  Rig play;
  CHECK_THROWS_AS(play.log.start_replay({1, 2, 3}), ArchiveError);

  // Well-formed archives whose contents do not fit together.
  auto log_with = [](std::vector<u64> times, std::vector<u64> channels, std::vector<u8> data) {
    Archive out = Archive::for_saving();
    {
      ArchiveSection s(out, "input_log", 1);
      {
        ArchiveSection names(out, "channels", 1);
        std::string com1 = "com1";
        out.field("0", com1);
      }
      std::vector<u64> instructions(2, 0), lengths = {1, 1};
      out.field("entry_instructions", instructions);
      out.field("entry_times", times);
      out.field("entry_channels", channels);
      out.field("entry_lengths", lengths);
      out.field("entry_data", data);
      { ArchiveSection names(out, "value_names", 1); }
      std::vector<u64> values;
      out.field("values", values);
    }
    return out.finish();
  };
  CHECK_NOTHROW(Rig().log.start_replay(log_with({1, 2}, {0, 0}, {'a', 'b'})));
  CHECK_THROWS_WITH(play.log.start_replay(log_with({1}, {0, 0}, {'a', 'b'})),
                    Catch::Contains("differ in length"));
  CHECK_THROWS_WITH(play.log.start_replay(log_with({1, 2}, {0, 1}, {'a', 'b'})),
                    Catch::Contains("channel 1"));
  CHECK_THROWS_WITH(play.log.start_replay(log_with({1, 2}, {0, 0}, {'a'})),
                    Catch::Contains("past the data"));
  CHECK_THROWS_WITH(play.log.start_replay(log_with({1, 2}, {0, 0}, {'a', 'b', 'c'})),
                    Catch::Contains("unused"));
  CHECK(play.log.mode() == InputLog::Mode::Live);  // failed loads change nothing

  Rig rec;
  rec.log.start_recording();
  rec.send(rec.com1_id, "abc");
  const std::vector<u8> bytes = rec.log.recording();
  // Truncating anywhere must give ArchiveError, never a crash.
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    Rig victim;
    CHECK_THROWS_AS(victim.log.start_replay(
                        std::vector<u8>(bytes.begin(), bytes.begin() + static_cast<long>(length))),
                    ArchiveError);
  }
}

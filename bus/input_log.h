// The one chokepoint for everything the host feeds into the guest.
//
// Keyboard and serial input, and host-derived values such as the RTC's start time, enter the
// guest only through InputLog. In Live mode input is delivered at once; in Record mode it is
// also stored with the instruction count and virtual time of its delivery; in Replay mode host
// input is ignored and the stored entries are delivered at exactly the recorded virtual times
// (a timer on the Scheduler), so the run repeats bit for bit.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "bus/scheduler.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class Trace;

class InputLog {
 public:
  enum class Mode : u8 { Live, Record, Replay };
  using ChannelId = u32;

  explicit InputLog(Scheduler& scheduler);

  // Channels are registered by devices or the board at construction, by unique name.
  ChannelId register_channel(std::string name, std::function<void(std::span<const u8>)> deliver);
  ChannelId channel(std::string_view name) const;  // throws std::out_of_range if unknown

  // Host input. Delivered now (Live/Record) or dropped (Replay).
  void deliver(ChannelId channel, std::span<const u8> data);

  // A value the guest will see that comes from the host (e.g. "rtc.base" = host time at start):
  // Live/Record return `live_value` (Record also stores it); Replay returns the stored value.
  u64 host_value(std::string_view name, u64 live_value);

  Mode mode() const { return m_mode; }
  void start_recording();
  // Replays a log produced by recording() (throws ArchiveError if it is malformed).
  void start_replay(std::vector<u8> log);
  // The recording so far, as an archive.
  std::vector<u8> recording() const;
  bool replay_finished() const { return m_next_replay >= m_entries.size(); }
  // Replayed entries whose recorded instruction count differed from the replaying run's: the run
  // has diverged from the recording. Each one is also traced under TraceCategory::Device.
  u64 divergences() const { return m_divergences; }
  void set_trace(Trace* trace) { m_trace = trace; }

 private:
  struct Entry {
    u64 instructions;
    Picoseconds time;
    ChannelId channel;
    std::vector<u8> data;
  };
  struct Value {
    std::string name;
    u64 value;
  };
  void replay_due();
  void arm_next();

  Scheduler& m_scheduler;
  Mode m_mode = Mode::Live;
  std::vector<std::string> m_channel_names;
  std::vector<std::function<void(std::span<const u8>)>> m_channels;
  std::vector<Entry> m_entries;
  std::vector<Value> m_values;
  std::size_t m_next_replay = 0;
  TimerId m_replay_timer;
  Trace* m_trace = nullptr;
  u64 m_divergences = 0;
};

}  // namespace glasspc

#include "bus/input_log.h"

#include <fmt/format.h>

#include <stdexcept>

#include "bus/archive.h"
#include "bus/trace.h"

namespace glasspc {

namespace {

constexpr u32 kLogVersion = 1;

// A list of strings as a section of fields "0", "1", ... (the archive has no string arrays).
void save_strings(Archive& archive, std::string_view section_name, std::vector<std::string> names) {
  ArchiveSection section(archive, section_name, 1);
  for (std::size_t i = 0; i < names.size(); ++i) archive.field(std::to_string(i), names[i]);
}

std::vector<std::string> load_strings(Archive& archive, std::string_view section_name) {
  ArchiveSection section(archive, section_name, 1);
  std::vector<std::string> names;
  while (archive.has_field(std::to_string(names.size()))) {
    std::string name;
    archive.field(std::to_string(names.size()), name);
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace

InputLog::InputLog(Scheduler& scheduler)
    : m_scheduler(scheduler),
      m_replay_timer(scheduler.create_timer("input-log.replay", [this] { replay_due(); })) {}

InputLog::ChannelId InputLog::register_channel(std::string name,
                                               std::function<void(std::span<const u8>)> deliver) {
  if (!deliver) throw std::logic_error(fmt::format("input channel '{}' has no receiver", name));
  for (ChannelId id = 0; id < m_channel_names.size(); ++id) {
    if (m_channel_names[id] != name) continue;
    // A replayed log may name a channel before its device exists (the log is loaded before the
    // board is built); the device then takes over the placeholder.
    if (m_channels[id])
      throw std::logic_error(fmt::format("input channel '{}' registered twice", name));
    m_channels[id] = std::move(deliver);
    return id;
  }
  m_channel_names.push_back(std::move(name));
  m_channels.push_back(std::move(deliver));
  return static_cast<ChannelId>(m_channel_names.size() - 1);
}

InputLog::ChannelId InputLog::channel(std::string_view name) const {
  for (ChannelId id = 0; id < m_channel_names.size(); ++id)
    if (m_channel_names[id] == name && m_channels[id]) return id;
  throw std::out_of_range(fmt::format("no input channel '{}'", name));
}

void InputLog::deliver(ChannelId channel, std::span<const u8> data) {
  if (channel >= m_channels.size() || !m_channels[channel])
    throw std::out_of_range(fmt::format("no input channel {}", channel));
  // While replaying, the recorded input is the guest's only input.
  if (m_mode == Mode::Replay) return;
  if (m_mode == Mode::Record) {
    const Clock& clock = m_scheduler.clock();
    m_entries.push_back(Entry{clock.instructions(), clock.now(), channel,
                              std::vector<u8>(data.begin(), data.end())});
    m_next_replay = m_entries.size();
  }
  m_channels[channel](data);
}

u64 InputLog::host_value(std::string_view name, u64 live_value) {
  switch (m_mode) {
    case Mode::Live:
      return live_value;
    case Mode::Record:
      m_values.push_back(Value{std::string(name), live_value});
      return live_value;
    case Mode::Replay:
      break;
  }
  // Values are handed out in recorded order, so a name asked for twice replays both values.
  for (auto it = m_values.begin(); it != m_values.end(); ++it) {
    if (it->name != name) continue;
    const u64 value = it->value;
    m_values.erase(it);
    return value;
  }
  throw ArchiveError(fmt::format("input log has no (further) host value '{}'", name));
}

void InputLog::start_recording() {
  m_scheduler.cancel(m_replay_timer);
  m_mode = Mode::Record;
  m_entries.clear();
  m_values.clear();
  m_next_replay = 0;
}

// Layout: section "input_log" { section "channels" {"0": name, ...}, entry_instructions[],
// entry_times[], entry_channels[], entry_lengths[], entry_data (all payloads concatenated),
// section "value_names" {"0": name, ...}, values[] }.
std::vector<u8> InputLog::recording() const {
  Archive archive = Archive::for_saving();
  {
    ArchiveSection section(archive, "input_log", kLogVersion);
    save_strings(archive, "channels", m_channel_names);
    std::vector<u64> instructions, times, channels, lengths;
    std::vector<u8> data;
    for (const Entry& entry : m_entries) {
      instructions.push_back(entry.instructions);
      times.push_back(entry.time);
      channels.push_back(entry.channel);
      lengths.push_back(entry.data.size());
      data.insert(data.end(), entry.data.begin(), entry.data.end());
    }
    archive.field("entry_instructions", instructions);
    archive.field("entry_times", times);
    archive.field("entry_channels", channels);
    archive.field("entry_lengths", lengths);
    archive.field("entry_data", data);
    std::vector<std::string> names;
    std::vector<u64> values;
    for (const Value& value : m_values) {
      names.push_back(value.name);
      values.push_back(value.value);
    }
    save_strings(archive, "value_names", std::move(names));
    archive.field("values", values);
  }
  return archive.finish();
}

void InputLog::start_replay(std::vector<u8> log) {
  Archive archive = Archive::for_loading(std::move(log));
  std::vector<std::string> channel_names, value_names;
  std::vector<u64> instructions, times, channels, lengths, values;
  std::vector<u8> data;
  {
    ArchiveSection section(archive, "input_log", kLogVersion);
    if (section.version() != kLogVersion)
      throw ArchiveError(fmt::format("input log version {} is not supported", section.version()));
    channel_names = load_strings(archive, "channels");
    archive.field("entry_instructions", instructions);
    archive.field("entry_times", times);
    archive.field("entry_channels", channels);
    archive.field("entry_lengths", lengths);
    archive.field("entry_data", data);
    value_names = load_strings(archive, "value_names");
    archive.field("values", values);
  }
  const std::size_t count = instructions.size();
  if (times.size() != count || channels.size() != count || lengths.size() != count)
    throw ArchiveError("input log is corrupt: entry arrays differ in length");
  if (value_names.size() != values.size())
    throw ArchiveError("input log is corrupt: host value arrays differ in length");

  std::vector<Entry> entries;
  u64 offset = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (channels[i] >= channel_names.size())
      throw ArchiveError(
          fmt::format("input log is corrupt: entry {} names channel {}", i, channels[i]));
    if (lengths[i] > data.size() - offset)
      throw ArchiveError(fmt::format("input log is corrupt: entry {} runs past the data", i));
    const auto first = data.begin() + static_cast<std::ptrdiff_t>(offset);
    entries.push_back(
        Entry{instructions[i], times[i], static_cast<ChannelId>(channels[i]),
              std::vector<u8>(first, first + static_cast<std::ptrdiff_t>(lengths[i]))});
    offset += lengths[i];
  }
  if (offset != data.size()) throw ArchiveError("input log is corrupt: unused entry data");

  // Recorded channel numbers become this run's channel numbers, matched by name.
  std::vector<ChannelId> id_of(channel_names.size());
  for (std::size_t i = 0; i < channel_names.size(); ++i) {
    ChannelId id = 0;
    while (id < m_channel_names.size() && m_channel_names[id] != channel_names[i]) ++id;
    if (id == m_channel_names.size()) {
      m_channel_names.push_back(channel_names[i]);
      m_channels.emplace_back();
    }
    id_of[i] = id;
  }
  for (Entry& entry : entries) entry.channel = id_of[entry.channel];

  m_values.clear();
  for (std::size_t i = 0; i < values.size(); ++i)
    m_values.push_back(Value{value_names[i], values[i]});
  m_entries = std::move(entries);
  m_next_replay = 0;
  m_mode = Mode::Replay;
  arm_next();
}

void InputLog::arm_next() {
  if (replay_finished())
    m_scheduler.cancel(m_replay_timer);
  else
    m_scheduler.arm_at(m_replay_timer, m_entries[m_next_replay].time);
}

void InputLog::replay_due() {
  const Clock& clock = m_scheduler.clock();
  while (!replay_finished() && m_entries[m_next_replay].time <= clock.now()) {
    const Entry& entry = m_entries[m_next_replay++];
    // The entry fires at its recorded time; a different instruction count there means the guest
    // did not execute the same way as when it was recorded.
    if (entry.instructions != clock.instructions()) {
      ++m_divergences;
      if (m_trace && m_trace->on(TraceCategory::Device)) {
        m_trace->emit(TraceCategory::Device, "input-log", "divergence",
                      {{"recorded_icount", entry.instructions}, {"time", entry.time}},
                      "replay diverged from the recording");
      }
    }
    // A copy: delivery may register channels, which can move m_channels.
    const auto receiver = m_channels[entry.channel];
    if (receiver) {
      receiver(entry.data);
    } else if (m_trace && m_trace->on(TraceCategory::Device)) {
      m_trace->emit(TraceCategory::Device, "input-log", "dropped", {{"channel", entry.channel}},
                    m_channel_names[entry.channel]);
    }
  }
  arm_next();
}

}  // namespace glasspc

#include "chipset/rtc_cmos.h"

#include <algorithm>
#include <iterator>

#include "bus/archive.h"
#include "bus/clock.h"

namespace glasspc {

using namespace rtc;

namespace {

constexpr u8 kBcdDigit = 0x0f;
constexpr int kHoursPerHalfDay = 12;
constexpr int kNoMatch = -1;
constexpr int kMatchAny = -2;
constexpr u64 kNoTarget = ~u64{0};
constexpr u16 kIndexOffset = 0;  // port offsets within the claimed pair
constexpr u16 kDataOffset = kDataPort - kIndexPort;
constexpr u8 kIndexReadValue = 0xff;

// Field limits for the alarm comparison (datasheet "Alarm": a byte compares equal to the
// corresponding time byte at each update).
constexpr int kSecondsPerMinuteInt = 60;
constexpr int kMinutesPerHour = 60;
constexpr int kHoursPerDay = 24;

// BCD or binary byte to a number without validation (what the update logic counts from).
int decode_raw(u8 value, bool binary) {
  return binary ? value : (value >> 4) * 10 + (value & kBcdDigit);
}

i64 floor_mod(i64 a, i64 b) {
  return ((a % b) + b) % b;
}

// Names for traces, in the order of the datasheet's address map.
constexpr const char* kClockRegisterNames[] = {
    "SECONDS",     "SECONDS_ALARM", "MINUTES",      "MINUTES_ALARM", "HOURS",
    "HOURS_ALARM", "DAY_OF_WEEK",   "DAY_OF_MONTH", "MONTH",         "YEAR",
    "REG_A",       "REG_B",         "REG_C",        "REG_D"};

const char* register_name(u8 index) {
  if (index < std::size(kClockRegisterNames)) return kClockRegisterNames[index];
  return index == kCentury ? "CENTURY" : "CMOS";
}

}  // namespace

RtcCmos::RtcCmos(std::string name, Scheduler& scheduler, Trace& trace, i64 start_unix_seconds)
    : Device(std::move(name)),
      m_scheduler(scheduler),
      m_trace(trace),
      m_irq(this->name() + ".irq", &trace),
      m_time(date_time_from_seconds(start_unix_seconds)) {
  m_timer = m_scheduler.create_timer(this->name() + ".event", [this] { on_timer(); });
  // The chain has been running (on the battery) before power-on: the first update is a whole
  // second after time 0, and the time read at time 0 is the starting time.
  m_divider_offset = 0;
  m_seconds_counted = 0;
  m_periodic_checked = 0;
}

void RtcCmos::attach(PortSpace& ports) {
  if (m_ports != nullptr) m_ports->release(m_claim);
  PortHandler handler;
  handler.name = name();
  handler.traces_itself = true;
  handler.read = [this](u16 offset, unsigned) -> u32 {
    // The index register is write-only; QEMU's PC reads it as 0xFF, and so does glasspc.
    if (offset == kIndexOffset) return kIndexReadValue;
    return read_data();
  };
  handler.write = [this](u16 offset, u32 value, unsigned) {
    if (offset == kDataOffset) {
      write_data(static_cast<u8>(value));
      return;
    }
    m_index = static_cast<u8>(value) & kIndexMask;
    m_nmi_masked = (value & kIndexNmiDisable) != 0;
    if (m_trace.on(TraceCategory::Reg)) {
      m_trace.emit(TraceCategory::Reg, name(), "INDEX",
                   {{"port", kIndexPort}, {"index", m_index}, {"nmi_masked", m_nmi_masked}},
                   "write");
    }
  };
  m_claim = ports.claim(kIndexPort, 2, std::move(handler));
  m_ports = &ports;
}

// --- guest accesses ------------------------------------------------------------------------------

u8 RtcCmos::read_data() {
  catch_up();
  const u8 value = read_register(m_index, true);
  trace_access("read", m_index, value);
  update_irq();
  schedule();
  return value;
}

void RtcCmos::write_data(u8 value) {
  trace_access("write", m_index, value);
  catch_up();
  write_register(m_index, value);
  update_irq();
  schedule();
}

void RtcCmos::set_cmos(u8 index, u8 value) {
  catch_up();
  write_register(index & kIndexMask, value);
  update_irq();
  schedule();
}

u8 RtcCmos::peek_cmos(u8 index) {
  catch_up();
  return read_register(index & kIndexMask, false);
}

DateTime RtcCmos::date_time() {
  catch_up();
  return m_time;
}

u8 RtcCmos::read_register(u8 index, bool side_effects) {
  switch (index) {
    case kSeconds:
      return encode(m_time.second);
    case kMinutes:
      return encode(m_time.minute);
    case kHours:
      return encode_hour(m_time.hour);
    case kDayOfWeek:
      return encode(m_time.weekday);
    case kDayOfMonth:
      return encode(m_time.day);
    case kMonth:
      return encode(m_time.month);
    case kYear:
      return encode(static_cast<int>(floor_mod(m_time.year, 100)));
    case kCentury:
      return encode(static_cast<int>((m_time.year - floor_mod(m_time.year, 100)) / 100));
    case kRegA:
      return m_reg_a | (update_in_progress() ? kAUip : 0);
    case kRegB:
      return m_reg_b;
    case kRegC: {
      const u8 value = m_flags | (irqf() ? kCIrqf : 0);
      // Datasheet, Register C: all flag bits are cleared after the register is read.
      if (side_effects) m_flags = 0;
      return value;
    }
    case kRegD:
      return kDVrt;  // VRT reads 1; the other bits read 0
    default:
      return m_ram[index];
  }
}

void RtcCmos::write_register(u8 index, u8 value) {
  const bool binary = (m_reg_b & kBBinary) != 0;
  const int number = decode_raw(value, binary);
  switch (index) {
    case kSeconds:
      m_time.second = number;
      break;
    case kMinutes:
      m_time.minute = number;
      break;
    case kHours:
      m_time.hour = decode_hour(value);
      break;
    case kDayOfWeek:
      m_time.weekday = number;
      break;
    case kDayOfMonth:
      m_time.day = number;
      break;
    case kMonth:
      m_time.month = number;
      break;
    case kYear:
      m_time.year = static_cast<int>(m_time.year - floor_mod(m_time.year, 100)) + number;
      break;
    case kCentury:
      m_time.year = number * 100 + static_cast<int>(floor_mod(m_time.year, 100));
      break;
    case kRegA:
      write_reg_a(value);
      break;
    case kRegB:
      write_reg_b(value);
      break;
    case kRegC:
    case kRegD:
      break;  // read-only
    default:
      m_ram[index] = value;
      break;
  }
}

void RtcCmos::write_reg_a(u8 value) {
  const bool was_running = divider_running();
  m_reg_a = value & kAWritable;
  const bool running = divider_running();
  if (was_running && !running) {
    m_divider_frozen = divider_ticks_when_running();
  } else if (!was_running && running) {
    // Datasheet, "Divider Control": the first update cycle begins one half second after the
    // divider chain is taken out of reset.
    const u64 host_ticks = ticks_at(m_scheduler.clock().now(), kOscillatorHz);
    m_divider_offset = kTicksAfterDividerReset - host_ticks;
    m_seconds_counted = 0;
    m_periodic_checked = kTicksAfterDividerReset;
  }
  // A new rate takes effect from now: catch_up() has already evaluated the old one.
}

void RtcCmos::write_reg_b(u8 value) {
  // Datasheet, Register B: SET going high clears UIE (and ends any update in progress).
  if (value & kBSet) value &= static_cast<u8>(~kBUie);
  m_reg_b = value;
}

// --- divider chain, updates and interrupts -------------------------------------------------------

// QEMU's convention: DV = 000, 001 and 010 run the chain (the PC's crystal is 32.768 kHz
// whatever the selection says); 11x holds it in reset; the test modes 011 and 10x stop it.
bool RtcCmos::divider_running() const {
  return (m_reg_a & kADividerMask) <= kADivider32k;
}

u64 RtcCmos::divider_ticks_when_running() const {
  return ticks_at(m_scheduler.clock().now(), kOscillatorHz) + m_divider_offset;
}

u64 RtcCmos::divider_ticks() const {
  return divider_running() ? divider_ticks_when_running() : m_divider_frozen;
}

// Datasheet, Register A rate table for a 32.768 kHz time base: RS = 1 and 2 select
// the 256 Hz and 128 Hz taps, RS = 3..15 select 8192 Hz down to 2 Hz (period 2^(RS-1) ticks).
u64 RtcCmos::periodic_ticks() const {
  unsigned rate = m_reg_a & kARateMask;
  if (rate == 0) return 0;
  if (rate <= 2) rate += 7;
  return u64{1} << (rate - 1);
}

// UIP is 1 during the 244 us before each update, and 0 while SET inhibits updates or the
// divider is held (datasheet, "Update Cycle" and Register A).
bool RtcCmos::update_in_progress() const {
  if (!divider_running() || (m_reg_b & kBSet) != 0) return false;
  return divider_ticks() % kTicksPerSecond >= kTicksPerSecond - kUipTicks;
}

// Applies every divider event between the last look and now: the periodic tap sets PF, each
// update advances the calendar, sets UF and, when the new time matches the alarm, AF.
void RtcCmos::catch_up() {
  if (!divider_running()) return;
  const u64 now = divider_ticks();
  const u64 period = periodic_ticks();
  if (period != 0 && now / period > m_periodic_checked / period) m_flags |= kCPf;
  m_periodic_checked = now;

  const u64 seconds = now / kTicksPerSecond;
  if (seconds <= m_seconds_counted) return;
  const u64 elapsed = seconds - m_seconds_counted;
  m_seconds_counted = seconds;
  // With SET high the chain keeps counting but no update cycle runs (datasheet, Register B).
  if (m_reg_b & kBSet) return;
  const u64 to_alarm = seconds_to_alarm();
  if (to_alarm != 0 && to_alarm <= elapsed) m_flags |= kCAf;
  advance(m_time, static_cast<i64>(elapsed));
  m_flags |= kCUf;
}

// The alarm bytes compare with the time bytes in the current data mode; a byte of 0xC0-0xFF
// matches any value ("don't care"). Returns the number of updates until the first match after
// the current time (1..86400), or 0 if the alarm bytes can never match.
u64 RtcCmos::seconds_to_alarm() const {
  const auto wanted = [&](u8 byte, bool hour, int limit) {
    if ((byte & kAlarmDontCare) == kAlarmDontCare) return kMatchAny;
    const int value = hour ? decode_hour_checked(byte) : decode(byte);
    return (value < 0 || value >= limit) ? kNoMatch : value;
  };
  const int want_second = wanted(m_ram[kSecondsAlarm], false, kSecondsPerMinuteInt);
  const int want_minute = wanted(m_ram[kMinutesAlarm], false, kMinutesPerHour);
  const int want_hour = wanted(m_ram[kHoursAlarm], true, kHoursPerDay);
  if (want_second == kNoMatch || want_minute == kNoMatch || want_hour == kNoMatch) return 0;

  const i64 current = second_of_day(m_time);
  // Candidates in increasing order over today and tomorrow; whole hours and minutes that end
  // before the current time are skipped, so the search is short.
  for (int day = 0; day < 2; ++day) {
    for (int h = 0; h < kHoursPerDay; ++h) {
      if (want_hour != kMatchAny && h != want_hour) continue;
      const i64 hour_start = day * kSecondsPerDay + h * kSecondsPerHour;
      if (hour_start + kSecondsPerHour - 1 <= current) continue;
      for (int m = 0; m < kMinutesPerHour; ++m) {
        if (want_minute != kMatchAny && m != want_minute) continue;
        const i64 minute_start = hour_start + m * kSecondsPerMinute;
        if (minute_start + kSecondsPerMinute - 1 <= current) continue;
        for (int s = 0; s < kSecondsPerMinuteInt; ++s) {
          if (want_second != kMatchAny && s != want_second) continue;
          const i64 candidate = minute_start + s;
          if (candidate > current) return static_cast<u64>(candidate - current);
        }
      }
    }
  }
  return 0;
}

// IRQF (and the IRQ output) follow PF & PIE, AF & AIE and UF & UIE.
bool RtcCmos::irqf() const {
  return ((m_flags & kCPf) && (m_reg_b & kBPie)) || ((m_flags & kCAf) && (m_reg_b & kBAie)) ||
         ((m_flags & kCUf) && (m_reg_b & kBUie));
}

void RtcCmos::update_irq() {
  m_irq.set(irqf());
}

// Arms the event timer for the next divider event that would raise IRQ 8: only enabled
// interrupts whose flag is not yet pending need one (a pending flag already holds the line).
void RtcCmos::schedule() {
  u64 target = kNoTarget;
  if (divider_running()) {
    const u64 now = divider_ticks();
    const u64 period = periodic_ticks();
    if ((m_reg_b & kBPie) && period != 0 && !(m_flags & kCPf))
      target = std::min(target, (now / period + 1) * period);
    if (!(m_reg_b & kBSet)) {
      if ((m_reg_b & kBUie) && !(m_flags & kCUf))
        target = std::min(target, (m_seconds_counted + 1) * kTicksPerSecond);
      if ((m_reg_b & kBAie) && !(m_flags & kCAf)) {
        const u64 to_alarm = seconds_to_alarm();
        if (to_alarm != 0)
          target = std::min(target, (m_seconds_counted + to_alarm) * kTicksPerSecond);
      }
    }
  }
  if (target == kNoTarget) {
    m_scheduler.cancel(m_timer);
    return;
  }
  const Picoseconds deadline = time_of_tick(target - m_divider_offset, kOscillatorHz);
  if (m_scheduler.deadline(m_timer) != deadline) m_scheduler.arm_at(m_timer, deadline);
}

void RtcCmos::on_timer() {
  catch_up();
  if (m_trace.on(TraceCategory::Device)) {
    m_trace.emit(TraceCategory::Device, name(), "event", {{"flags", m_flags}});
  }
  update_irq();
  schedule();
}

// --- data formats --------------------------------------------------------------------------------

u8 RtcCmos::encode(int value) const {
  if (m_reg_b & kBBinary) return static_cast<u8>(value);
  const int v = static_cast<int>(floor_mod(value, 100));
  return static_cast<u8>(((v / 10) << 4) | (v % 10));
}

int RtcCmos::decode(u8 value) const {
  if (m_reg_b & kBBinary) return value;
  if ((value & kBcdDigit) > 9 || (value >> 4) > 9) return -1;
  return decode_raw(value, false);
}

// 12-hour mode keeps 1..12 with bit 7 set for PM (datasheet, "Time, Calendar
// and Alarm Data Modes": 12 AM is midnight).
u8 RtcCmos::encode_hour(int hour) const {
  if (m_reg_b & kB24Hour) return encode(hour);
  const int h = static_cast<int>(floor_mod(hour, kHoursPerDay));
  const int h12 = h % kHoursPerHalfDay == 0 ? kHoursPerHalfDay : h % kHoursPerHalfDay;
  return encode(h12) | (h >= kHoursPerHalfDay ? kHourPm : 0);
}

int RtcCmos::decode_hour(u8 value) const {
  const bool binary = (m_reg_b & kBBinary) != 0;
  if (m_reg_b & kB24Hour) return decode_raw(value, binary);
  const int h12 = decode_raw(value & static_cast<u8>(~kHourPm), binary);
  return h12 % kHoursPerHalfDay + ((value & kHourPm) ? kHoursPerHalfDay : 0);
}

// As decode_hour, but -1 for bytes that no time register can hold (for the alarm compare).
int RtcCmos::decode_hour_checked(u8 value) const {
  if (m_reg_b & kB24Hour) return decode(value);
  const int h12 = decode(value & static_cast<u8>(~kHourPm));
  if (h12 < 1 || h12 > kHoursPerHalfDay) return -1;
  return h12 % kHoursPerHalfDay + ((value & kHourPm) ? kHoursPerHalfDay : 0);
}

void RtcCmos::trace_access(const char* what, u8 index, u8 value) {
  if (!m_trace.on(TraceCategory::Reg)) return;
  m_trace.emit(TraceCategory::Reg, name(), register_name(index),
               {{"port", kDataPort}, {"index", index}, {"value", value}}, what);
}

// --- board helpers, reset, snapshot --------------------------------------------------------------

void RtcCmos::set_pc_memory_fields(u64 ram_below_4g, u64 ram_above_4g, unsigned cpu_count) {
  constexpr u64 kKiB = 1024;
  constexpr u64 kMiB = 1024 * kKiB;
  constexpr u64 kChunk = 64 * kKiB;
  constexpr u64 kBaseMemoryKiB = 640;
  constexpr u64 kMax16 = 0xffff;
  constexpr u64 kMax24 = 0xffffff;
  const auto put16 = [this](u8 index, u64 value) {
    m_ram[index] = static_cast<u8>(value);
    m_ram[index + 1] = static_cast<u8>(value >> 8);
  };
  put16(0x15, kBaseMemoryKiB);
  const u64 extended_kib = ram_below_4g > kMiB ? std::min((ram_below_4g - kMiB) / kKiB, kMax16) : 0;
  put16(0x17, extended_kib);
  put16(0x30, extended_kib);
  const u64 above_16m =
      ram_below_4g > 16 * kMiB ? std::min((ram_below_4g - 16 * kMiB) / kChunk, kMax16) : 0;
  put16(0x34, above_16m);
  const u64 above_4g = std::min(ram_above_4g / kChunk, kMax24);
  m_ram[0x5b] = static_cast<u8>(above_4g);
  m_ram[0x5c] = static_cast<u8>(above_4g >> 8);
  m_ram[0x5d] = static_cast<u8>(above_4g >> 16);
  m_ram[0x5f] = static_cast<u8>(cpu_count > 0 ? cpu_count - 1 : 0);
}

void RtcCmos::reset() {
  catch_up();
  // Datasheet, "RESET": PIE, AIE, UIE, SQWE and the flags (with IRQF) are cleared; the time,
  // DM, 24/12, DSE and register A are unaffected.
  m_reg_b &= static_cast<u8>(~(kBPie | kBAie | kBUie | kBSqwe));
  m_flags = 0;
  m_index = 0;
  m_nmi_masked = false;
  update_irq();
  schedule();
}

void RtcCmos::serialize(Archive& archive) {
  archive.field("ram", m_ram);
  archive.field("year", m_time.year);
  archive.field("month", m_time.month);
  archive.field("day", m_time.day);
  archive.field("hour", m_time.hour);
  archive.field("minute", m_time.minute);
  archive.field("second", m_time.second);
  archive.field("weekday", m_time.weekday);
  archive.field("index", m_index);
  archive.field("nmi_masked", m_nmi_masked);
  archive.field("reg_a", m_reg_a);
  archive.field("reg_b", m_reg_b);
  archive.field("flags", m_flags);
  archive.field("divider_offset", m_divider_offset);
  archive.field("divider_frozen", m_divider_frozen);
  archive.field("seconds_counted", m_seconds_counted);
  archive.field("periodic_checked", m_periodic_checked);
  if (archive.loading()) {
    m_flags &= kCFlags;
    m_reg_a &= kAWritable;
    m_index &= kIndexMask;
    update_irq();
  }
}

}  // namespace glasspc

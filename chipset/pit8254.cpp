#include "chipset/pit8254.h"

#include <fmt/format.h>

#include "bus/archive.h"
#include "bus/clock.h"
#include "bus/port_space.h"
#include "bus/trace.h"

namespace glasspc {

namespace {

// 82C54 datasheet, "Control Word Format" (A1 A0 = 11).
constexpr unsigned kSelectShift = 6;  // SC1 SC0
constexpr u8 kSelectReadBack = 3;
constexpr unsigned kAccessShift = 4;  // RW1 RW0
constexpr u8 kAccessMask = 3;
constexpr unsigned kModeShift = 1;  // M2 M1 M0
constexpr u8 kModeMask = 7;
constexpr u8 kBcd = 1 << 0;
constexpr u8 kControlFieldsMask = 0x3F;  // what the status byte reports back
// Modes 6 and 7 are modes 2 and 3 with M2 set ("M2 = X").
constexpr u8 kModeDontCareBit = 4;

// "Read-Back Command": D5 = /COUNT, D4 = /STATUS, D3..D1 select counters 2..0.
constexpr u8 kReadBackNoCount = 1 << 5;
constexpr u8 kReadBackNoStatus = 1 << 4;
constexpr unsigned kReadBackCounterShift = 1;

// "Status Byte": OUT, NULL COUNT, then the control word's RW/M/BCD fields.
constexpr u8 kStatusOut = 1 << 7;
constexpr u8 kStatusNullCount = 1 << 6;

constexpr u32 kBinaryModulus = 0x10000;
constexpr u32 kBcdModulus = 10000;

// The A1 A0 = 11 port reads nothing: the 82C54 leaves the data bus floating.
constexpr u8 kFloatingBus = 0xFF;
constexpr u16 kControlPortOffset = 3;

// Output waveform steps to try before concluding that OUT never changes again; a load or a
// reload with no visible change is followed by at most one step that changes OUT.
constexpr int kMaxWaveformSteps = 8;

const char* mode_name(u8 mode) {
  static constexpr const char* kNames[] = {"interrupt on terminal count",
                                           "hardware retriggerable one-shot",
                                           "rate generator",
                                           "square wave",
                                           "software triggered strobe",
                                           "hardware triggered strobe"};
  return mode < 6 ? kNames[mode] : "?";
}

const char* access_name(u8 access) {
  static constexpr const char* kNames[] = {"latch", "LSB only", "MSB only", "LSB then MSB"};
  return kNames[access & kAccessMask];
}

bool one_shot(u8 mode) {
  return mode != 2 && mode != 3;
}
bool strobe(u8 mode) {
  return mode == 4 || mode == 5;
}
// Modes 0 and 4 count only while GATE is high; 2 and 3 too (and restart on its rising edge).
bool gate_enables_counting(u8 mode) {
  return mode != 1 && mode != 5;
}

}  // namespace

Pit8254::Pit8254(std::string name, Scheduler& scheduler, Trace& trace)
    : Device(std::move(name)),
      m_scheduler(scheduler),
      m_trace(trace),
      m_irq0(this->name() + ".out0", &trace) {
  m_timer = scheduler.create_timer(this->name() + ".ch0", [this] { catch_up(kEventCounter); });
  reset();
}

void Pit8254::attach(PortSpace& ports) {
  ports.claim(
      kBasePort, 4,
      PortHandler{.name = name(),
                  .read = [this](u16 offset, unsigned) { return read_port(offset); },
                  .write = [this](u16 offset, u32 value, unsigned) { write_port(offset, value); },
                  .impl = {1, 1, true},
                  .traces_itself = true});
}

// Power-on leaves mode, count and OUT undefined (82C54 "Operational Description"); glasspc picks
// mode 0 with no count and OUT low, the state a control word for mode 0 leaves.
void Pit8254::reset() {
  const u64 now = current_tick();
  m_scheduler.cancel(m_timer);
  for (unsigned i = 0; i < kCounters; ++i) {
    Counter fresh;
    fresh.sync_tick = now;
    fresh.gate = i != 2;  // GATE 0/1 are tied high; GATE 2 follows port 0x61, 0 after reset
    m_counters[i] = fresh;
    drive_output(i);
  }
}

u64 Pit8254::current_tick() const {
  return ticks_at(m_scheduler.clock().now(), kClockHz);
}

void Pit8254::set_gate(unsigned index, bool level) {
  if (index >= kCounters) return;
  Counter& c = m_counters[index];
  if (c.gate == level) return;
  catch_up(index);
  c.gate = level;
  if (level) {
    // A rising edge is a trigger: modes 1 and 5 start, 2 and 3 restart, each loading the count
    // register on the next CLK; modes 0 and 4 simply resume counting.
    if (c.mode != 0 && c.mode != 4 && c.phase != Phase::Idle) {
      if (c.phase == Phase::Running) c.held = element_value(c);
      c.phase = Phase::LoadPending;
    }
  } else if (c.mode == 2 || c.mode == 3) {
    c.out = true;  // "If GATE goes low while OUT is low, OUT is set high immediately"
  }
  drive_output(index);
  reschedule(index);
}

bool Pit8254::gate(unsigned index) const {
  return index < kCounters && m_counters[index].gate;
}

bool Pit8254::output(unsigned index) {
  if (index >= kCounters) return false;
  catch_up(index);
  return m_counters[index].out;
}

// ---- ports ----------------------------------------------------------------------------------

u8 Pit8254::read_port(u16 offset) {
  if (offset == kControlPortOffset) {
    trace_access("CONTROL", offset, kFloatingBus, "read", "the control word cannot be read");
    return kFloatingBus;
  }
  const u8 value = read_count(offset);
  trace_access(offset == 0   ? "COUNTER0"
               : offset == 1 ? "COUNTER1"
                             : "COUNTER2",
               offset, value, "read");
  return value;
}

void Pit8254::write_port(u16 offset, u8 value) {
  if (offset == kControlPortOffset) {
    write_control(value);
    return;
  }
  trace_access(offset == 0   ? "COUNTER0"
               : offset == 1 ? "COUNTER1"
                             : "COUNTER2",
               offset, value, "write");
  write_count(offset, value);
}

void Pit8254::write_control(u8 value) {
  const u8 select = value >> kSelectShift;
  if (select == kSelectReadBack) {
    read_back(value);
    return;
  }
  Counter& c = m_counters[select];
  const auto access = static_cast<Access>((value >> kAccessShift) & kAccessMask);
  catch_up(select);
  if (access == Access::Latch) {
    // "Counter Latch Command": later latch commands are ignored until the latch is read.
    trace_access("CONTROL", kControlPortOffset, value, "write",
                 fmt::format("counter {}: latch count", select));
    if (!c.count_latched) {
      c.count_latched = true;
      c.latched_count = encode(c, element_value(c));
      c.latched_msb_next = false;
    }
    return;
  }
  u8 mode = (value >> kModeShift) & kModeMask;
  if (mode >= 6) mode &= ~kModeDontCareBit;
  trace_access("CONTROL", kControlPortOffset, value, "write",
               fmt::format("counter {}: mode {} ({}), {}, {}", select, mode, mode_name(mode),
                           access_name(static_cast<u8>(access)), value & kBcd ? "BCD" : "binary"));
  // "When a Control Word is written to a Counter, all Control Logic is immediately reset and
  // OUT goes to a known initial state": low in mode 0, high in every other mode.
  if (c.phase == Phase::Running) c.held = element_value(c);
  c.mode = mode;
  c.bcd = value & kBcd;
  c.access = access;
  c.control = value & kControlFieldsMask;
  c.phase = Phase::Idle;
  c.write_msb_next = false;
  c.read_msb_next = false;
  c.null_count = true;
  c.terminal = false;
  c.reload_pending = false;
  c.out = mode != 0;
  drive_output(select);
  reschedule(select);
}

void Pit8254::read_back(u8 value) {
  trace_access(
      "CONTROL", kControlPortOffset, value, "write",
      fmt::format("read-back:{}{} of counters{}{}{}", value & kReadBackNoCount ? "" : " count",
                  value & kReadBackNoStatus ? "" : " status", value & 2 ? " 0" : "",
                  value & 4 ? " 1" : "", value & 8 ? " 2" : ""));
  for (unsigned i = 0; i < kCounters; ++i) {
    if (!(value & (1u << (kReadBackCounterShift + i)))) continue;
    Counter& c = m_counters[i];
    catch_up(i);
    if (!(value & kReadBackNoCount) && !c.count_latched) {
      c.count_latched = true;
      c.latched_count = encode(c, element_value(c));
      c.latched_msb_next = false;
    }
    if (!(value & kReadBackNoStatus) && !c.status_latched) {
      c.status_latched = true;
      c.latched_status = static_cast<u8>((c.out ? kStatusOut : 0) |
                                         (c.null_count ? kStatusNullCount : 0) | c.control);
    }
  }
}

void Pit8254::write_count(unsigned index, u8 value) {
  Counter& c = m_counters[index];
  catch_up(index);
  switch (c.access) {
    case Access::Lsb:
      c.count_register = value;
      count_complete(index);
      break;
    case Access::Msb:
      c.count_register = static_cast<u16>(value << 8);
      count_complete(index);
      break;
    case Access::LsbMsb:
    case Access::Latch:
      if (!c.write_msb_next) {
        c.write_lsb = value;
        c.write_msb_next = true;
        // Mode 0: "Writing the first byte disables counting. OUT is set low immediately."
        if (c.mode == 0) {
          if (c.phase == Phase::Running) c.held = element_value(c);
          c.phase = Phase::Idle;
          c.out = false;
          drive_output(index);
        }
      } else {
        c.count_register = static_cast<u16>(c.write_lsb | (value << 8));
        c.write_msb_next = false;
        count_complete(index);
      }
      break;
  }
  reschedule(index);
}

// A complete count is in CR. When it reaches the counting element depends on the mode.
void Pit8254::count_complete(unsigned index) {
  Counter& c = m_counters[index];
  c.null_count = true;
  switch (c.mode) {
    case 0:
    case 4:
      // Loaded on the next CLK, restarting the count (software trigger).
      if (c.phase == Phase::Running) c.held = element_value(c);
      c.phase = Phase::LoadPending;
      break;
    case 1:
    case 5:
      // Only a GATE trigger loads the counter; a running one-shot is not disturbed.
      if (c.phase == Phase::Idle) c.phase = Phase::WaitTrigger;
      break;
    default:
      // Modes 2 and 3: the first count loads on the next CLK; later ones wait for the end of
      // the period (mode 2) or half-cycle (mode 3) unless a trigger comes first.
      if (c.phase == Phase::Idle) c.phase = Phase::LoadPending;
      if (c.phase == Phase::Running) c.reload_pending = true;
      break;
  }
}

u8 Pit8254::read_count(unsigned index) {
  Counter& c = m_counters[index];
  // A latched status is read before a latched count ("Read-Back Command").
  if (c.status_latched) {
    c.status_latched = false;
    return c.latched_status;
  }
  u16 value;
  bool* msb_next;
  if (c.count_latched) {
    value = c.latched_count;
    msb_next = &c.latched_msb_next;
  } else {
    catch_up(index);
    value = encode(c, element_value(c));
    msb_next = &c.read_msb_next;
  }
  bool msb = c.access == Access::Msb;
  bool done = true;
  if (c.access == Access::LsbMsb || c.access == Access::Latch) {
    msb = *msb_next;
    *msb_next = !*msb_next;
    done = msb;
  }
  if (c.count_latched && done) c.count_latched = false;
  return static_cast<u8>(msb ? value >> 8 : value);
}

// ---- time -----------------------------------------------------------------------------------

void Pit8254::catch_up(unsigned index) {
  catch_up_to(index, current_tick());
}

// Walks through every OUT change up to `tick` in order, so that a pulse shorter than the gap
// between two looks at the counter (mode 2's one-clock low) still reaches IRQ 0. OUT 1 and OUT 2
// have no edge-sensitive listener: they simply jump to `tick`.
void Pit8254::catch_up_to(unsigned index, u64 tick) {
  Counter& c = m_counters[index];
  while (index == kEventCounter && c.event_armed && c.event_tick <= tick) {
    advance(c, c.event_tick);
    drive_output(index);
    const u64 edges = edges_until_output_change(c);
    c.event_armed = edges != 0;
    c.event_tick = c.sync_tick + edges;
  }
  advance(c, tick);
  drive_output(index);
  reschedule(index);
}

void Pit8254::reschedule(unsigned index) {
  if (index != kEventCounter) return;
  Counter& c = m_counters[index];
  const u64 edges = edges_until_output_change(c);
  c.event_armed = edges != 0;
  c.event_tick = c.sync_tick + edges;
  if (!c.event_armed) {
    m_scheduler.cancel(m_timer);
    return;
  }
  // Re-arming for the same deadline would only renumber the timer; a guest polling the count
  // in a loop should cost no scheduler work.
  const Picoseconds deadline = time_of_tick(c.event_tick, kClockHz);
  if (m_scheduler.deadline(m_timer) != deadline) m_scheduler.arm_at(m_timer, deadline);
}

void Pit8254::drive_output(unsigned index) {
  if (index == 0) m_irq0.set(m_counters[0].out);
}

u32 Pit8254::modulus(const Counter& c) {
  return c.bcd ? kBcdModulus : kBinaryModulus;
}

// N as the counter sees it: BCD digits decoded (a non-decimal nibble still counts by its weight,
// folded into range), and 0 meaning the full 2^16 or 10^4.
u32 Pit8254::count_value(const Counter& c) {
  u32 value = c.count_register;
  if (c.bcd) {
    value = (c.count_register & 0xF) + 10 * ((c.count_register >> 4) & 0xF) +
            100 * ((c.count_register >> 8) & 0xF) + 1000 * ((c.count_register >> 12) & 0xF);
    value %= kBcdModulus;
  }
  return value == 0 ? modulus(c) : value;
}

u16 Pit8254::encode(const Counter& c, u32 value) {
  value %= modulus(c);
  if (!c.bcd) return static_cast<u16>(value);
  return static_cast<u16>((value % 10) | ((value / 10 % 10) << 4) | ((value / 100 % 10) << 8) |
                          ((value / 1000) << 12));
}

// The counting element as a read would see it.
u32 Pit8254::element_value(const Counter& c) {
  if (c.phase != Phase::Running) return c.held;
  if (one_shot(c.mode)) return c.element;
  if (c.mode == 2) return c.initial - c.position;
  // Mode 3 decrements by two: an even N from N, an odd N from N - 1 in both halves, so a read
  // shows the even part of N minus twice the edges into the current half-cycle.
  const u32 high_edges = (c.initial + 1) / 2;
  const u32 into_half = c.position < high_edges ? c.position : c.position - high_edges;
  return (c.initial & ~1u) - 2 * into_half;
}

// Moves the counter from edge sync_tick to edge `tick`.
void Pit8254::advance(Counter& c, u64 tick) {
  if (tick <= c.sync_tick) return;
  u64 edges = tick - c.sync_tick;
  c.sync_tick = tick;
  if (c.phase == Phase::LoadPending) {
    // Modes 2 and 3 wait with GATE low: the rising edge will trigger the load.
    if ((c.mode == 2 || c.mode == 3) && !c.gate) return;
    load(c);
    --edges;
  }
  if (c.phase == Phase::Running && edges != 0) run(c, edges);
}

// The CLK edge that copies CR into the counting element (it does not decrement).
void Pit8254::load(Counter& c) {
  c.initial = count_value(c);
  c.null_count = false;
  c.reload_pending = false;
  c.terminal = false;
  c.phase = Phase::Running;
  c.element = c.initial % modulus(c);
  c.position = 0;
  // Mode 0 stays low and mode 1 goes low until terminal count; the others start high.
  c.out = c.mode != 0 && c.mode != 1;
}

void Pit8254::run(Counter& c, u64 edges) {
  if (gate_enables_counting(c.mode) && !c.gate) return;
  const u64 mod = modulus(c);
  if (one_shot(c.mode)) {
    if (strobe(c.mode) && !c.out) c.out = true;  // the strobe lasts one CLK
    if (!c.terminal) {
      const u64 to_terminal = c.element == 0 ? mod : c.element;
      if (edges >= to_terminal) {
        c.terminal = true;
        // Modes 0/1 go high and stay; 4/5 go low for exactly the CLK after terminal count.
        c.out = strobe(c.mode) ? edges != to_terminal : true;
      }
    }
    // After terminal count the element keeps counting down and wraps.
    c.element = static_cast<u32>((c.element + mod - edges % mod) % mod);
    return;
  }
  const u32 high_edges = (c.initial + 1) / 2;
  if (c.reload_pending) {
    // A new count takes over at the end of the period (mode 2) or the half-cycle (mode 3).
    const u32 end = (c.mode == 3 && c.position < high_edges) ? high_edges : c.initial;
    if (edges >= end - c.position) {
      edges -= end - c.position;
      const bool into_low_half = c.mode == 3 && end == high_edges;
      c.initial = count_value(c);
      c.reload_pending = false;
      c.null_count = false;
      c.position = into_low_half ? (c.initial + 1) / 2 % c.initial : 0;
    }
  }
  c.position = static_cast<u32>((c.position + edges % c.initial) % c.initial);
  if (c.mode == 2)
    c.out = c.position != c.initial - 1;  // low for the one CLK when the element holds 1
  else
    c.out = c.position < (c.initial + 1) / 2;
}

// Edges from sync_tick to the next point where OUT may change (0: none ever).
u64 Pit8254::next_candidate(const Counter& c) {
  switch (c.phase) {
    case Phase::Idle:
    case Phase::WaitTrigger:
      return 0;
    case Phase::LoadPending:
      return (c.mode == 2 || c.mode == 3) && !c.gate ? 0 : 1;
    case Phase::Running:
      break;
  }
  if (gate_enables_counting(c.mode) && !c.gate) return 0;
  if (one_shot(c.mode)) {
    if (strobe(c.mode) && !c.out) return 1;
    if (c.terminal) return 0;
    return c.element == 0 ? modulus(c) : c.element;
  }
  if (c.mode == 2) return c.position == c.initial - 1 ? 1 : c.initial - 1 - c.position;
  const u32 high_edges = (c.initial + 1) / 2;
  return (c.position < high_edges ? high_edges : c.initial) - c.position;
}

u64 Pit8254::edges_until_output_change(const Counter& c) {
  Counter probe = c;
  u64 total = 0;
  for (int step = 0; step < kMaxWaveformSteps; ++step) {
    const u64 edges = next_candidate(probe);
    if (edges == 0) return 0;
    advance(probe, probe.sync_tick + edges);
    total += edges;
    if (probe.out != c.out) return total;
  }
  return 0;
}

// ---- tracing and state ------------------------------------------------------------------------

void Pit8254::trace_access(const char* reg, u16 offset, u8 value, const char* what,
                           std::string_view text) {
  if (!m_trace.on(TraceCategory::Reg)) return;
  const std::string explanation =
      text.empty() ? std::string(what) : fmt::format("{}: {}", what, text);
  m_trace.emit(TraceCategory::Reg, name(), reg,
               {{"port", static_cast<u64>(kBasePort + offset)}, {"value", value}}, explanation);
}

void Pit8254::serialize(Archive& archive) {
  for (unsigned i = 0; i < kCounters; ++i) {
    Counter& c = m_counters[i];
    ArchiveSection section(archive, fmt::format("ch{}", i), 1);
    archive.field("mode", c.mode);
    archive.field("bcd", c.bcd);
    archive.field("access", c.access);
    archive.field("control", c.control);
    archive.field("count_register", c.count_register);
    archive.field("write_msb_next", c.write_msb_next);
    archive.field("write_lsb", c.write_lsb);
    archive.field("read_msb_next", c.read_msb_next);
    archive.field("count_latched", c.count_latched);
    archive.field("latched_count", c.latched_count);
    archive.field("latched_msb_next", c.latched_msb_next);
    archive.field("status_latched", c.status_latched);
    archive.field("latched_status", c.latched_status);
    archive.field("phase", c.phase);
    archive.field("sync_tick", c.sync_tick);
    archive.field("initial", c.initial);
    archive.field("element", c.element);
    archive.field("position", c.position);
    archive.field("held", c.held);
    archive.field("terminal", c.terminal);
    archive.field("reload_pending", c.reload_pending);
    archive.field("null_count", c.null_count);
    archive.field("gate", c.gate);
    archive.field("out", c.out);
    archive.field("event_armed", c.event_armed);
    archive.field("event_tick", c.event_tick);
    if (archive.loading()) {
      // A damaged file must not make the arithmetic divide by zero or leave its ranges; the
      // scheduler restores the timer deadlines itself.
      if (c.mode > 5) c.mode = 0;
      c.access = static_cast<Access>(static_cast<u8>(c.access) & kAccessMask);
      if (c.phase > Phase::Running) c.phase = Phase::Idle;
      if (c.initial == 0 || c.initial > modulus(c)) c.initial = modulus(c);
      c.position %= c.initial;
      c.element %= modulus(c);
      drive_output(i);
    }
  }
}

}  // namespace glasspc

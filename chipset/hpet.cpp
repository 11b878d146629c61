#include "chipset/hpet.h"

#include <fmt/format.h>

#include <algorithm>

#include "bus/archive.h"
#include "bus/dma_space.h"
#include "bus/memory_map.h"
#include "bus/trace.h"

namespace glasspc {

namespace {

// GCAP_ID (spec 2.3.4): REV_ID 7:0, NUM_TIM_CAP 12:8 (number of the last timer),
// COUNT_SIZE_CAP 13 (64-bit counter), LEG_RT_CAP 15, VENDOR_ID 31:16, COUNTER_CLK_PERIOD 63:32.
constexpr u64 kRevisionId = 1;
constexpr unsigned kLastTimerShift = 8;
constexpr u64 kCounter64Bit = 1u << 13;
constexpr u64 kLegacyRouteCapable = 1u << 15;
constexpr unsigned kVendorShift = 16;
constexpr u64 kVendorIntel = 0x8086;
constexpr unsigned kPeriodShift = 32;
constexpr u64 kCapabilitiesValue =
    kRevisionId | (u64{Hpet::kTimers - 1} << kLastTimerShift) | kCounter64Bit |
    kLegacyRouteCapable | (kVendorIntel << kVendorShift) | (u64{Hpet::kPeriodFs} << kPeriodShift);

constexpr u64 kConfigurationWritable = Hpet::kEnable | Hpet::kLegacyRoute;
constexpr u64 kTimerConfigWritable =
    Hpet::kTimerLevel | Hpet::kTimerInterruptEnable | Hpet::kTimerPeriodic | Hpet::kTimerValueSet |
    Hpet::kTimer32Bit | Hpet::kTimerRouteMask | Hpet::kTimerFsbEnable;

constexpr u64 kLow32 = 0xFFFFFFFF;
constexpr u64 kHigh32 = kLow32 << 32;
constexpr u64 k32BitWrap = u64{1} << 32;
constexpr unsigned kFsbAddressShift = 32;
constexpr u32 kRegisterAlign = 8;
// Tn_INT_ROUTE_CNF is 5 bits wide (IOAPIC inputs 0-31); LegacyReplacement drives ISA IRQs 0-15.
constexpr int kRouteInputs = 32;
constexpr int kIsaIrqs = 16;

}  // namespace

Hpet::Hpet(std::string name, Scheduler& scheduler, Trace& trace, DmaSpace& fsb,
           u32 route_capability)
    : Device(std::move(name)),
      m_scheduler(scheduler),
      m_trace(trace),
      m_fsb(fsb),
      m_route_capability(route_capability),
      m_legacy_line(this->name() + ".legacy_replacement", &trace) {
  for (unsigned n = 0; n < kTimers; ++n) {
    m_timers[n].event = scheduler.create_timer(fmt::format("{}.t{}", this->name(), n),
                                               [this, n] { timer_fired(n); });
  }
  reset();
}

void Hpet::attach(MemoryMap& memory, Gpa base) {
  m_trace_base = base;
  MmioOps ops;
  ops.read = [this](u64 offset, unsigned size) {
    return mmio_read(static_cast<u32>(offset), size);
  };
  ops.write = [this](u64 offset, u64 value, unsigned size) {
    mmio_write(static_cast<u32>(offset), value, size);
  };
  ops.valid = {4, 8, false};
  ops.impl = {4, 8, false};
  ops.traces_itself = true;
  memory.add_mmio(name(), base, kWindowSize, std::move(ops));
}

void Hpet::connect(IrqSink* ioapic, IrqSink* pic) {
  m_ioapic = ioapic;
  m_pic = pic;
}

// Power-on (spec 2.3): halted, counter zero, no routing, comparators all ones.
void Hpet::reset() {
  for (Timer& t : m_timers) {
    m_scheduler.cancel(t.event);
    if (t.driven_ioapic_pin >= 0 && m_ioapic) m_ioapic->set_irq(t.driven_ioapic_pin, false);
    if (t.driven_pic_irq >= 0 && m_pic) m_pic->set_irq(t.driven_pic_irq, false);
    t.driven_ioapic_pin = -1;
    t.driven_pic_irq = -1;
    t.config = 0;
    t.comparator = ~u64{0};
    t.period = 0;
    t.fsb_route = 0;
  }
  m_configuration = 0;
  m_status = 0;
  m_counter_base = 0;
  m_base_tick = counter_ticks_now();
  m_legacy_line.set(false);
}

u64 Hpet::counter_ticks_now() const {
  return ticks_at(m_scheduler.clock().now(), kFrequencyHz);
}

u64 Hpet::main_counter() const {
  if (!(m_configuration & kEnable)) return m_counter_base;
  return m_counter_base + (counter_ticks_now() - m_base_tick);
}

u64 Hpet::timer_capabilities() const {
  return kTimerPeriodicCapable | kTimer64BitCapable | kTimerFsbCapable |
         (u64{m_route_capability} << kTimerRouteCapShift);
}

std::string Hpet::register_name(u32 offset) const {
  switch (offset) {
    case kCapabilities:
      return "GCAP_ID";
    case kConfiguration:
      return "GEN_CONF";
    case kInterruptStatus:
      return "GINTR_STA";
    case kMainCounter:
      return "MAIN_CNT";
    default:
      break;
  }
  if (offset >= kTimerBlock && offset < kTimerBlock + kTimers * kTimerStride) {
    const unsigned n = (offset - kTimerBlock) / kTimerStride;
    switch ((offset - kTimerBlock) % kTimerStride) {
      case kTimerConfig:
        return fmt::format("TIM{}_CONF", n);
      case kTimerComparator:
        return fmt::format("TIM{}_COMP", n);
      case kTimerFsbRoute:
        return fmt::format("TIM{}_FSB_INT_ROUTE", n);
      default:
        break;
    }
  }
  return "undefined";
}

// ---- register access ----------------------------------------------------------------------------

u64 Hpet::register_value(u32 offset) const {
  switch (offset) {
    case kCapabilities:
      return kCapabilitiesValue;
    case kConfiguration:
      return m_configuration;
    case kInterruptStatus:
      return m_status;
    case kMainCounter:
      return main_counter();
    default:
      break;
  }
  if (offset < kTimerBlock || offset >= kTimerBlock + kTimers * kTimerStride) return 0;
  const Timer& t = m_timers[(offset - kTimerBlock) / kTimerStride];
  switch ((offset - kTimerBlock) % kTimerStride) {
    case kTimerConfig:
      return t.config | timer_capabilities();
    case kTimerComparator:
      return t.comparator;
    case kTimerFsbRoute:
      return t.fsb_route;
    default:
      return 0;
  }
}

// A 32-bit access reaches one half of a 64-bit register (spec 2.3.1).
u64 Hpet::mmio_read(u32 offset, unsigned size) {
  const u32 reg = offset & ~(kRegisterAlign - 1);
  const unsigned shift = 8 * (offset & (kRegisterAlign - 1));
  const u64 value = (register_value(reg) >> shift) & size_mask(size);
  if (m_trace.on(TraceCategory::Reg))
    m_trace.emit(TraceCategory::Reg, name(), register_name(reg),
                 {{"addr", m_trace_base + offset}, {"value", value}, {"size", size}}, "read");
  return value;
}

void Hpet::mmio_write(u32 offset, u64 value, unsigned size) {
  const u32 reg = offset & ~(kRegisterAlign - 1);
  const unsigned shift = 8 * (offset & (kRegisterAlign - 1));
  const u64 mask = size_mask(size) << shift;
  if (m_trace.on(TraceCategory::Reg))
    m_trace.emit(TraceCategory::Reg, name(), register_name(reg),
                 {{"addr", m_trace_base + offset}, {"value", value}, {"size", size}}, "write");
  write_register(reg, (value << shift) & mask, mask);
}

void Hpet::write_register(u32 offset, u64 value, u64 mask) {
  switch (offset) {
    case kConfiguration:
      write_configuration((m_configuration & ~mask) | (value & mask));
      return;
    case kInterruptStatus:
      // Spec 2.3.6: writing 1 clears a level-triggered timer's status (and its line).
      m_status &= ~(value & mask);
      for (unsigned n = 0; n < kTimers; ++n) update_level_output(n);
      return;
    case kMainCounter:
      // Spec 2.3.7: software should halt the counter first; a write while it runs restarts the
      // count from the new value.
      m_counter_base = (main_counter() & ~mask) | (value & mask);
      m_base_tick = counter_ticks_now();
      reschedule_all();
      return;
    default:
      break;
  }
  if (offset < kTimerBlock || offset >= kTimerBlock + kTimers * kTimerStride) return;
  const unsigned n = (offset - kTimerBlock) / kTimerStride;
  Timer& t = m_timers[n];
  switch ((offset - kTimerBlock) % kTimerStride) {
    case kTimerConfig:
      write_timer_config(n, (t.config & ~mask) | (value & mask));
      return;
    case kTimerComparator:
      write_comparator(n, value, mask);
      return;
    case kTimerFsbRoute:
      t.fsb_route = (t.fsb_route & ~mask) | (value & mask);
      return;
    default:
      return;
  }
}

void Hpet::write_configuration(u64 value) {
  value &= kConfigurationWritable;
  const bool was_enabled = m_configuration & kEnable;
  const bool enable = value & kEnable;
  if (was_enabled && !enable) m_counter_base = main_counter();    // halt: keep the count
  if (!was_enabled && enable) m_base_tick = counter_ticks_now();  // run from the held count
  m_configuration = value;
  m_legacy_line.set((value & kLegacyRoute) != 0);
  if (m_trace.on(TraceCategory::Device) && was_enabled != enable)
    m_trace.emit(TraceCategory::Device, name(), enable ? "enable" : "halt",
                 {{"counter", m_counter_base}},
                 enable ? "main counter runs at 100 MHz" : "main counter halted");
  for (unsigned n = 0; n < kTimers; ++n) update_level_output(n);
  reschedule_all();
}

void Hpet::write_timer_config(unsigned n, u64 value) {
  Timer& t = m_timers[n];
  t.config = value & kTimerConfigWritable;
  // Spec 2.3.8, Tn_32MODE_CNF: the comparator (and the period) become 32-bit.
  if (t.config & kTimer32Bit) {
    t.comparator &= kLow32;
    t.period &= kLow32;
  }
  update_level_output(n);
  reschedule(n);
}

// Spec 2.3.9.2.2: in periodic mode a comparator write sets the period (the amount added on each
// match); with Tn_VAL_SET_CNF it also sets the comparator itself. Tn_VAL_SET_CNF clears by itself
// once the write is complete: after the high half (64-bit timers) or the only half (32-bit).
void Hpet::write_comparator(unsigned n, u64 value, u64 mask) {
  Timer& t = m_timers[n];
  const bool is32 = t.config & kTimer32Bit;
  if (is32) mask &= kLow32;  // the high half of a 32-bit comparator is not there
  if (mask == 0) return;
  if (!(t.config & kTimerPeriodic) || (t.config & kTimerValueSet))
    t.comparator = (t.comparator & ~mask) | (value & mask);
  t.period = (t.period & ~mask) | (value & mask);
  if (is32 || (mask & kHigh32)) t.config &= ~kTimerValueSet;
  reschedule(n);
}

// ---- routing and interrupts ---------------------------------------------------------------------

Hpet::Route Hpet::route_of(unsigned n) const {
  const Timer& t = m_timers[n];
  Route route;
  if (t.config & kTimerFsbEnable) {
    route.fsb = true;
  } else if ((m_configuration & kLegacyRoute) && n == 0) {
    route.ioapic_pin = kLegacyTimer0IoapicPin;
    route.pic_irq = kLegacyTimer0PicIrq;
  } else if ((m_configuration & kLegacyRoute) && n == 1) {
    route.ioapic_pin = kLegacyTimer1IoapicPin;
    route.pic_irq = kLegacyTimer1PicIrq;
  } else {
    const unsigned input = static_cast<unsigned>((t.config & kTimerRouteMask) >> kTimerRouteShift);
    if (m_route_capability & (1u << input)) route.ioapic_pin = static_cast<int>(input);
  }
  return route;
}

// Spec 2.3.9.2: a level-triggered timer holds its line while its status bit is set (and its
// interrupt is enabled); an edge-triggered one pulses it.
void Hpet::update_level_output(unsigned n) {
  Timer& t = m_timers[n];
  const Route route = route_of(n);
  const bool assert = (m_configuration & kEnable) && (t.config & kTimerLevel) &&
                      (t.config & kTimerInterruptEnable) && !route.fsb &&
                      (m_status & (u64{1} << n));
  const int ioapic_pin = assert ? route.ioapic_pin : -1;
  const int pic_irq = assert ? route.pic_irq : -1;
  if (ioapic_pin != t.driven_ioapic_pin) {
    if (t.driven_ioapic_pin >= 0 && m_ioapic) m_ioapic->set_irq(t.driven_ioapic_pin, false);
    if (ioapic_pin >= 0 && m_ioapic) m_ioapic->set_irq(ioapic_pin, true);
    t.driven_ioapic_pin = ioapic_pin;
  }
  if (pic_irq != t.driven_pic_irq) {
    if (t.driven_pic_irq >= 0 && m_pic) m_pic->set_irq(t.driven_pic_irq, false);
    if (pic_irq >= 0 && m_pic) m_pic->set_irq(pic_irq, true);
    t.driven_pic_irq = pic_irq;
  }
}

void Hpet::raise_interrupt(unsigned n) {
  Timer& t = m_timers[n];
  const bool level = t.config & kTimerLevel;
  if (level) m_status |= u64{1} << n;
  const auto note = [&](std::string_view text) {
    if (m_trace.on(TraceCategory::Irq))
      m_trace.emit(TraceCategory::Irq, name(), "timer", {{"timer", n}, {"counter", main_counter()}},
                   text);
  };
  if (!(t.config & kTimerInterruptEnable)) {
    note(fmt::format("timer {} matched; no interrupt (Tn_INT_ENB_CNF clear){}", n,
                     level ? ", status bit set" : ""));
    return;
  }
  const Route route = route_of(n);
  if (route.fsb) {
    const u64 address = t.fsb_route >> kFsbAddressShift;
    const u32 data = static_cast<u32>(t.fsb_route & kLow32);
    note(fmt::format("timer {} matched: FSB message {:#x} to {:#x}", n, data, address));
    m_fsb.signal_msi(address, data);
    return;
  }
  if (route.ioapic_pin < 0 && route.pic_irq < 0) {
    note(fmt::format("timer {} matched, but IOAPIC input {} is not in Tn_INT_ROUTE_CAP: lost", n,
                     (t.config & kTimerRouteMask) >> kTimerRouteShift));
    return;
  }
  note(fmt::format("timer {} matched: {} interrupt on IOAPIC input {}{}", n,
                   level ? "level" : "edge", route.ioapic_pin,
                   route.pic_irq >= 0 ? fmt::format(" and IRQ {}", route.pic_irq) : ""));
  if (level) {
    update_level_output(n);
    return;
  }
  if (route.ioapic_pin >= 0 && m_ioapic) {
    m_ioapic->set_irq(route.ioapic_pin, true);
    m_ioapic->set_irq(route.ioapic_pin, false);
  }
  if (route.pic_irq >= 0 && m_pic) {
    m_pic->set_irq(route.pic_irq, true);
    m_pic->set_irq(route.pic_irq, false);
  }
}

void Hpet::timer_fired(unsigned n) {
  Timer& t = m_timers[n];
  raise_interrupt(n);
  // Spec 2.3.9.2.2: a periodic comparator advances by the period; if the match was seen late,
  // by as many periods as it takes to get ahead of the counter again.
  if ((t.config & kTimerPeriodic) && t.period != 0) {
    const u64 counter = main_counter();
    if (t.config & kTimer32Bit) {
      const u64 behind = static_cast<u32>(counter - t.comparator);
      t.comparator = (t.comparator + (behind / t.period + 1) * t.period) & kLow32;
    } else {
      const u64 behind = counter - t.comparator;
      const u64 steps = static_cast<i64>(behind) < 0 ? 1 : behind / t.period + 1;
      t.comparator += steps * t.period;
    }
  }
  reschedule(n);
}

void Hpet::reschedule_all() {
  for (unsigned n = 0; n < kTimers; ++n) reschedule(n);
}

// The next counter value at which timer n does something: its comparator, or for a 32-bit
// one-shot timer the wrap of the low 32 bits if that comes first. A comparator equal to the
// counter now has just matched, so the next match is a whole wrap away.
void Hpet::reschedule(unsigned n) {
  Timer& t = m_timers[n];
  m_scheduler.cancel(t.event);
  if (!(m_configuration & kEnable)) return;
  if (!(t.config & (kTimerInterruptEnable | kTimerLevel | kTimerPeriodic))) return;
  const u64 counter = main_counter();
  u64 delta;
  if (t.config & kTimer32Bit) {
    delta = static_cast<u32>(t.comparator - counter);
    if (delta == 0) delta = k32BitWrap;
    if (!(t.config & kTimerPeriodic)) delta = std::min(delta, k32BitWrap - (counter & kLow32));
  } else {
    delta = t.comparator - counter;
    if (delta == 0) return;
  }
  const u64 now_tick = counter_ticks_now();
  const u64 last_tick = ticks_at(kNever - 1, kFrequencyHz);
  if (now_tick > last_tick || delta > last_tick - now_tick) return;  // beyond representable time
  m_scheduler.arm_at(t.event, time_of_tick(now_tick + delta, kFrequencyHz));
}

// ---- snapshots ----------------------------------------------------------------------------------

void Hpet::serialize(Archive& archive) {
  archive.field("configuration", m_configuration);
  archive.field("status", m_status);
  archive.field("counter_base", m_counter_base);
  archive.field("base_tick", m_base_tick);
  for (unsigned n = 0; n < kTimers; ++n) {
    Timer& t = m_timers[n];
    ArchiveSection section(archive, fmt::format("t{}", n), 1);
    archive.field("config", t.config);
    archive.field("comparator", t.comparator);
    archive.field("period", t.period);
    archive.field("fsb_route", t.fsb_route);
    archive.field("driven_ioapic_pin", t.driven_ioapic_pin);
    archive.field("driven_pic_irq", t.driven_pic_irq);
    if (archive.loading()) {
      t.config &= kTimerConfigWritable;
      if (t.driven_ioapic_pin < -1 || t.driven_ioapic_pin >= kRouteInputs) t.driven_ioapic_pin = -1;
      if (t.driven_pic_irq < -1 || t.driven_pic_irq >= kIsaIrqs) t.driven_pic_irq = -1;
    }
  }
  if (archive.loading()) {
    m_configuration &= kConfigurationWritable;
    m_status &= (u64{1} << kTimers) - 1;
    m_legacy_line.set((m_configuration & kLegacyRoute) != 0);
  }
}

}  // namespace glasspc

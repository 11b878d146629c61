// The High Precision Event Timer (IA-PC HPET Specification 1.0a) at 0xFED00000, with the
// capabilities QEMU reports: vendor 0x8086, revision 1, three comparators, a 64-bit main counter
// ticking every 10 ns (100 MHz), LegacyReplacement routing, FSB (MSI) delivery on every timer, and
// every timer capable of periodic and 32-bit operation.
//
// Routing (spec 2.3.8 Tn_INT_ROUTE_CNF, 2.3.5 LEG_RT_CNF): each timer interrupts through the
// IOAPIC input named by Tn_INT_ROUTE_CNF, among those its Tn_INT_ROUTE_CAP advertises (QEMU's
// i440FX machine offers input 2 only, bit 2); or, with Tn_FSB_EN_CNF, by writing Tn_FSB_INT_VAL
// to Tn_FSB_INT_ADDR through the HPET's DmaSpace (an MSI); or, with LEG_RT_CNF, timer 0 drives
// 8259 IRQ 0 and IOAPIC input 2 and timer 1 drives IRQ 8 and IOAPIC input 8. legacy_replacement()
// is high while LEG_RT_CNF is set, so the board can silence the PIT and RTC as the HPET takes
// over their lines.
//
// Nothing ticks: the main counter is computed from the Clock, and one Scheduler event per timer
// fires when the counter reaches the comparator (or, for a 32-bit one-shot timer, wraps, spec
// 2.3.9.2.1), only while the HPET is enabled and the timer can produce something visible.
#pragma once

#include <array>
#include <string>

#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/scheduler.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class DmaSpace;
class MemoryMap;
class Trace;

class Hpet : public Device {
 public:
  static constexpr Gpa kDefaultBase = 0xFED00000;
  static constexpr u64 kWindowSize = 0x400;
  static constexpr unsigned kTimers = 3;
  static constexpr u64 kFrequencyHz = 100'000'000;
  static constexpr u32 kPeriodFs = 10'000'000;  // COUNTER_CLK_PERIOD: 10 ns in femtoseconds
  // QEMU's i440FX machine: IOAPIC input 2 only. (Its Q35 machine offers inputs 2, 8 and 16-23,
  // kQ35RouteCapability.)
  static constexpr u32 kPiixRouteCapability = 1u << 2;
  static constexpr u32 kQ35RouteCapability = 0x00FF0104;

  // Register offsets (spec 2.3.2, the register summary).
  static constexpr u32 kCapabilities = 0x000;
  static constexpr u32 kConfiguration = 0x010;
  static constexpr u32 kInterruptStatus = 0x020;
  static constexpr u32 kMainCounter = 0x0F0;
  static constexpr u32 kTimerBlock = 0x100;
  static constexpr u32 kTimerStride = 0x20;
  static constexpr u32 kTimerConfig = 0x00;      // Tn_CONF_CAP
  static constexpr u32 kTimerComparator = 0x08;  // Tn_COMPARATOR
  static constexpr u32 kTimerFsbRoute = 0x10;    // Tn_FSB_INT_ROUTE

  // General configuration bits.
  static constexpr u64 kEnable = 1u << 0;       // ENABLE_CNF
  static constexpr u64 kLegacyRoute = 1u << 1;  // LEG_RT_CNF
  // Tn_CONF_CAP bits.
  static constexpr u64 kTimerLevel = 1u << 1;            // Tn_INT_TYPE_CNF
  static constexpr u64 kTimerInterruptEnable = 1u << 2;  // Tn_INT_ENB_CNF
  static constexpr u64 kTimerPeriodic = 1u << 3;         // Tn_TYPE_CNF
  static constexpr u64 kTimerPeriodicCapable = 1u << 4;  // Tn_PER_INT_CAP
  static constexpr u64 kTimer64BitCapable = 1u << 5;     // Tn_SIZE_CAP
  static constexpr u64 kTimerValueSet = 1u << 6;         // Tn_VAL_SET_CNF
  static constexpr u64 kTimer32Bit = 1u << 8;            // Tn_32MODE_CNF
  static constexpr unsigned kTimerRouteShift = 9;        // Tn_INT_ROUTE_CNF, bits 13:9
  static constexpr u64 kTimerRouteMask = u64{0x1F} << kTimerRouteShift;
  static constexpr u64 kTimerFsbEnable = 1u << 14;     // Tn_FSB_EN_CNF
  static constexpr u64 kTimerFsbCapable = 1u << 15;    // Tn_FSB_INT_DEL_CAP
  static constexpr unsigned kTimerRouteCapShift = 32;  // Tn_INT_ROUTE_CAP, bits 63:32

  // LegacyReplacement wiring (spec 2.3.5, LEG_RT_CNF).
  static constexpr unsigned kLegacyTimer0PicIrq = 0;
  static constexpr unsigned kLegacyTimer0IoapicPin = 2;
  static constexpr unsigned kLegacyTimer1PicIrq = 8;
  static constexpr unsigned kLegacyTimer1IoapicPin = 8;

  // Creates the Scheduler timers name() + ".t0" .. ".t2". FSB messages go through `fsb`.
  Hpet(std::string name, Scheduler& scheduler, Trace& trace, DmaSpace& fsb,
       u32 route_capability = kPiixRouteCapability);

  // Maps the 1 KiB window (32- and 64-bit accesses, spec 2.3.1).
  void attach(MemoryMap& memory, Gpa base = kDefaultBase);
  // Where the interrupt lines go: IOAPIC inputs and (LegacyReplacement only) the 8259 inputs.
  // Either may be null.
  void connect(IrqSink* ioapic, IrqSink* pic);
  IrqLine& legacy_replacement() { return m_legacy_line; }

  // The window itself, for the map and tests (offsets 0..0x3FF; size 4 or 8).
  u64 mmio_read(u32 offset, unsigned size);
  void mmio_write(u32 offset, u64 value, unsigned size);

  void reset() override;
  void serialize(Archive& archive) override;

  u64 main_counter() const;

 private:
  struct Timer {
    u64 config = 0;  // the writable Tn_CONF_CAP bits (capabilities are added on read)
    u64 comparator = 0;
    u64 period = 0;     // periodic mode: the amount added on each match
    u64 fsb_route = 0;  // Tn_FSB_INT_VAL in bits 31:0, Tn_FSB_INT_ADDR in 63:32
    TimerId event = 0;
    // Where a level-triggered interrupt is being held asserted (-1: nowhere).
    int driven_ioapic_pin = -1;
    int driven_pic_irq = -1;
  };
  struct Route {
    int ioapic_pin = -1;
    int pic_irq = -1;
    bool fsb = false;
  };

  u64 register_value(u32 offset) const;
  void write_register(u32 offset, u64 value, u64 mask);
  void write_configuration(u64 value);
  void write_timer_config(unsigned n, u64 value);
  void write_comparator(unsigned n, u64 value, u64 mask);
  u64 timer_capabilities() const;
  std::string register_name(u32 offset) const;

  Route route_of(unsigned n) const;
  void timer_fired(unsigned n);
  void raise_interrupt(unsigned n);
  void update_level_output(unsigned n);
  void reschedule(unsigned n);
  void reschedule_all();
  u64 counter_ticks_now() const;

  Scheduler& m_scheduler;
  Trace& m_trace;
  DmaSpace& m_fsb;
  u32 m_route_capability;
  IrqSink* m_ioapic = nullptr;
  IrqSink* m_pic = nullptr;
  IrqLine m_legacy_line;
  u64 m_trace_base = kDefaultBase;

  u64 m_configuration = 0;
  u64 m_status = 0;
  u64 m_counter_base = 0;  // main counter value at m_base_tick (or while halted)
  u64 m_base_tick = 0;     // 100 MHz ticks since power-on at which the counter held it
  std::array<Timer, kTimers> m_timers{};
};

}  // namespace glasspc

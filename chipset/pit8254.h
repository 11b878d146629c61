// The 8254 programmable interval timer at ports 0x40-0x43.
//
// Three counters clocked at 1.193182 MHz. Nothing ticks: every counter keeps its state as of
// some clock edge and computes the count and its OUT pin at any later edge in closed form from
// the Clock. OUT 0 drives IRQ 0, an edge-triggered input, so one Scheduler timer (name() +
// ".ch0") fires exactly at the edges where OUT 0 changes: a 1000 Hz IRQ 0 costs two events per
// millisecond, not 1193. OUT 1 and OUT 2 are only ever read (port 0x61), so they are computed
// when read and cost no events at all, even when a BIOS runs counter 1 at 66 kHz for refresh.
//
// Wiring on the PC: GATE 0 and GATE 1 are tied high; GATE 2 and OUT 2 go to port 0x61 (see
// port61.h); OUT 0 drives IRQ 0; OUT 1 once requested DRAM refresh and drives nothing here.
//
// Reference: Intel 82C54 CHMOS Programmable Interval Timer datasheet (231244), "Modes" and
// "Read-Back Command".
#pragma once

#include <array>
#include <string>

#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/scheduler.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class PortSpace;
class Trace;

class Pit8254 : public Device {
 public:
  static constexpr u64 kClockHz = 1'193'182;
  static constexpr u16 kBasePort = 0x40;
  static constexpr unsigned kCounters = 3;

  // Creates the timer name() + ".ch0" on `scheduler`.
  Pit8254(std::string name, Scheduler& scheduler, Trace& trace);

  // Claims 0x40-0x43.
  void attach(PortSpace& ports);

  void reset() override;
  void serialize(Archive& archive) override;

  // OUT 0, to IRQ 0 of the PIC (and pin 2 of the IOAPIC).
  IrqLine& irq0() { return m_irq0; }

  // The GATE inputs (only GATE 2 is not tied high on a PC). Counter numbers above 2 are ignored.
  void set_gate(unsigned counter, bool level);
  bool gate(unsigned counter) const;
  // The OUT pin as of now.
  bool output(unsigned counter);

 private:
  enum class Access : u8 { Latch = 0, Lsb = 1, Msb = 2, LsbMsb = 3 };
  // Where a counter stands between a control word and its steady running state.
  enum class Phase : u8 {
    Idle,         // control word written, no complete count yet (or mode 0 mid two-byte write)
    WaitTrigger,  // modes 1 and 5: count written, waiting for a rising edge on GATE
    LoadPending,  // the count register is copied to the counting element at the next edge
    Running,
  };

  struct Counter {
    // Programming.
    u8 mode = 0;  // 0..5 (6 and 7 are written as 2 and 3)
    bool bcd = false;
    Access access = Access::LsbMsb;
    u8 control = 0;          // RW1 RW0 M2 M1 M0 BCD, as the read-back status reports them
    u16 count_register = 0;  // CR: the last complete count written, raw (BCD when bcd)
    bool write_msb_next = false;
    u8 write_lsb = 0;
    bool read_msb_next = false;
    // Latches (8254 "Counter Latch Command" and "Read-Back Command").
    bool count_latched = false;
    u16 latched_count = 0;
    bool latched_msb_next = false;
    bool status_latched = false;
    u8 latched_status = 0;
    // Counting state as of clock edge `sync_tick`.
    Phase phase = Phase::Idle;
    u64 sync_tick = 0;
    u32 initial = 0;              // N in effect, 1..modulus (0 written means the full modulus)
    u32 element = 0;              // one-shot modes: the counting element, 0..modulus-1
    u32 position = 0;             // periodic modes: edges since the start of the period, 0..N-1
    u32 held = 0;                 // the counting element while it is not running
    bool terminal = false;        // one-shot modes: terminal count already reached
    bool reload_pending = false;  // periodic modes: a new count waits for the period end
    bool null_count = true;
    bool gate = true;
    bool out = false;
    // The next edge at which OUT changes, if any.
    bool event_armed = false;
    u64 event_tick = 0;
  };

  u8 read_port(u16 offset);
  void write_port(u16 offset, u8 value);
  void write_control(u8 value);
  void read_back(u8 value);
  void write_count(unsigned index, u8 value);
  void count_complete(unsigned index);
  u8 read_count(unsigned index);

  // Brings a counter to the present clock edge, driving OUT through every change on the way.
  void catch_up(unsigned index);
  void catch_up_to(unsigned index, u64 tick);
  void on_timer(unsigned index);
  void reschedule(unsigned index);
  void drive_output(unsigned index);

  // Closed-form waveform arithmetic on one counter.
  static u32 modulus(const Counter& counter);
  static u32 count_value(const Counter& counter);  // N from the count register
  static void advance(Counter& counter, u64 tick);
  static void load(Counter& counter);
  static void run(Counter& counter, u64 edges);
  static u64 next_candidate(const Counter& counter);
  static u64 edges_until_output_change(const Counter& counter);
  static u32 element_value(const Counter& counter);
  static u16 encode(const Counter& counter, u32 value);

  u64 current_tick() const;
  void trace_access(const char* reg, u16 offset, u8 value, const char* what,
                    std::string_view text = {});

  Scheduler& m_scheduler;
  Trace& m_trace;
  std::array<Counter, kCounters> m_counters;
  static constexpr unsigned kEventCounter = 0;  // the counter whose OUT edges are events
  TimerId m_timer = 0;
  IrqLine m_irq0;
};

}  // namespace glasspc

// Register-level tests of the 8254: every mode's OUT waveform over virtual time, latches,
// read-back, BCD, gates, and IRQ 0 reaching the 8259 at 1000 Hz.
#include "chipset/pit8254.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bus/archive.h"
#include "bus/clock.h"
#include "bus/irq_line.h"
#include "bus/port_space.h"
#include "bus/scheduler.h"
#include "bus/trace.h"
#include "chipset/pic8259.h"

namespace glasspc {

struct Edge {
  u64 tick;
  bool level;
  bool operator==(const Edge&) const = default;
};

namespace {

constexpr u16 kCounter0 = 0x40;
constexpr u16 kCounter1 = 0x41;
constexpr u16 kCounter2 = 0x42;
constexpr u16 kControl = 0x43;

// Control words: counter select, LSB then MSB, mode, binary.
constexpr u8 control(unsigned counter, unsigned mode, bool bcd = false) {
  return static_cast<u8>((counter << 6) | (3 << 4) | (mode << 1) | (bcd ? 1 : 0));
}

}  // namespace
}  // namespace glasspc

namespace Catch {
template <>
struct StringMaker<glasspc::Edge> {
  static std::string convert(const glasspc::Edge& edge) {
    return fmt::format("{{{}, {}}}", edge.tick, edge.level ? "high" : "low");
  }
};
}  // namespace Catch

namespace glasspc {
namespace {

struct PitRig {
  Clock clock;
  Trace trace{clock};
  Scheduler scheduler{clock};
  PortSpace ports{trace};
  Pit8254 pit{"pit", scheduler, trace};
  std::vector<Edge> edges;  // IRQ 0, by clock tick
  IrqCallback probe{[this](unsigned, bool level) { edges.push_back({tick(), level}); }};
  unsigned fired = 0;

  PitRig() {
    pit.attach(ports);
    pit.irq0().connect(probe, 0);
    edges.clear();
  }

  u64 tick() const { return ticks_at(clock.now(), Pit8254::kClockHz); }
  void out(u16 port, u8 value) { ports.write(port, value, 1); }
  u8 in(u16 port) { return static_cast<u8>(ports.read(port, 1)); }
  void program(unsigned counter, unsigned mode, u16 count, bool bcd = false) {
    out(kControl, control(counter, mode, bcd));
    out(kCounter0 + counter, static_cast<u8>(count));
    out(kCounter0 + counter, static_cast<u8>(count >> 8));
  }
  // Lets virtual time pass as the machine does: jump to each deadline and fire it.
  void run_until(Picoseconds time) {
    while (scheduler.next_deadline() <= time) {
      clock.skip_to(scheduler.next_deadline());
      fired += scheduler.run_due();
    }
    clock.skip_to(time);
    fired += scheduler.run_due();
  }
  void run_to_tick(u64 tick) { run_until(time_of_tick(tick, Pit8254::kClockHz)); }
  bool out_at(unsigned counter, u64 tick) {
    run_to_tick(tick);
    return pit.output(counter);
  }
  u16 latch_and_read(unsigned counter) {
    out(kControl, static_cast<u8>(counter << 6));  // counter latch command
    const u8 lsb = in(kCounter0 + counter);
    return static_cast<u16>(lsb | (in(kCounter0 + counter) << 8));
  }
};

TEST_CASE("pit: mode 0 goes high N+1 clocks after the count is written", "[pit]") {
  PitRig rig;
  rig.program(0, 0, 100);
  CHECK_FALSE(rig.pit.irq0().level());
  rig.run_to_tick(51);
  CHECK(rig.latch_and_read(0) == 50);  // loaded on tick 1, then one per clock
  rig.run_to_tick(100);
  CHECK(rig.edges.empty());
  rig.run_until(kPsPerSecond);
  CHECK(rig.edges == std::vector<Edge>{{101, true}});  // and stays high
  // After terminal count the element wraps and keeps counting.
  rig.run_to_tick(2'000'000);
  CHECK(rig.latch_and_read(0) == static_cast<u16>(100 - (2'000'000 - 1)));
}

TEST_CASE("pit: mode 0 first byte of a new count stops counting and drops OUT", "[pit]") {
  PitRig rig;
  rig.program(0, 0, 20);
  rig.run_to_tick(30);
  CHECK(rig.pit.irq0().level());
  rig.out(kCounter0, 10);  // LSB: counting stops, OUT low at once
  CHECK_FALSE(rig.pit.irq0().level());
  rig.run_to_tick(500);
  CHECK_FALSE(rig.pit.irq0().level());
  rig.out(kCounter0, 0);  // MSB: count 10 loads on the next clock
  rig.run_until(kPsPerSecond);
  CHECK(rig.edges == std::vector<Edge>{{21, true}, {30, false}, {511, true}});
}

TEST_CASE("pit: mode 0 on counter 2 counts only while GATE is high", "[pit]") {
  PitRig rig;
  CHECK_FALSE(rig.pit.gate(2));  // GATE 2 is low after reset
  rig.program(2, 0, 100);
  rig.run_to_tick(50);
  CHECK(rig.latch_and_read(2) == 100);  // loaded, but not counting
  rig.pit.set_gate(2, true);
  CHECK_FALSE(rig.out_at(2, 100));
  rig.pit.set_gate(2, false);  // element 50: suspended
  CHECK_FALSE(rig.out_at(2, 200));
  rig.pit.set_gate(2, true);
  CHECK_FALSE(rig.out_at(2, 249));
  CHECK(rig.out_at(2, 250));
}

TEST_CASE("pit: mode 1 one-shot starts on a GATE rising edge and retriggers", "[pit]") {
  PitRig rig;
  rig.program(2, 1, 50);
  CHECK(rig.out_at(2, 100));  // no trigger yet: OUT stays high
  rig.pit.set_gate(2, true);
  CHECK_FALSE(rig.out_at(2, 101));
  CHECK_FALSE(rig.out_at(2, 150));
  CHECK(rig.out_at(2, 151));
  CHECK(rig.out_at(2, 300));
  // Retrigger in the middle of a one-shot restarts it.
  rig.pit.set_gate(2, false);
  rig.run_to_tick(310);
  rig.pit.set_gate(2, true);  // loads on 311
  rig.run_to_tick(330);
  rig.pit.set_gate(2, false);
  rig.run_to_tick(331);
  rig.pit.set_gate(2, true);  // loads on 332
  CHECK_FALSE(rig.out_at(2, 370));
  CHECK_FALSE(rig.out_at(2, 381));
  CHECK(rig.out_at(2, 382));
  // GATE 0 is tied high: mode 1 on counter 0 never starts.
  rig.program(0, 1, 5);
  rig.run_until(kPsPerSecond);
  CHECK(rig.pit.irq0().level());
}

TEST_CASE("pit: mode 2 pulses OUT low for one clock every N clocks", "[pit]") {
  PitRig rig;
  rig.program(0, 2, 10);
  // The control word itself sets OUT high: that is already an edge on IRQ 0.
  CHECK(rig.edges == std::vector<Edge>{{0, true}});
  rig.edges.clear();
  rig.run_to_tick(45);
  CHECK(rig.edges == std::vector<Edge>{{10, false},
                                       {11, true},
                                       {20, false},
                                       {21, true},
                                       {30, false},
                                       {31, true},
                                       {40, false},
                                       {41, true}});
  // The element counts N..1 and never shows 0.
  CHECK(rig.latch_and_read(0) == 6);
  rig.run_to_tick(50);
  CHECK(rig.latch_and_read(0) == 1);
  rig.run_to_tick(51);
  CHECK(rig.latch_and_read(0) == 10);
}

TEST_CASE("pit: mode 2 takes a new count at the end of the period", "[pit]") {
  PitRig rig;
  rig.program(0, 2, 10);
  rig.run_to_tick(15);
  rig.edges.clear();
  rig.program(0, 2, 10);  // a control word restarts the counter...
  rig.run_to_tick(30);
  CHECK(rig.edges == std::vector<Edge>{{25, false}, {26, true}});
  rig.edges.clear();
  rig.out(kCounter0, 4);  // ...a bare count waits for the period to end at 36
  rig.out(kCounter0, 0);
  rig.run_to_tick(45);
  CHECK(
      rig.edges ==
      std::vector<Edge>{{35, false}, {36, true}, {39, false}, {40, true}, {43, false}, {44, true}});
}

TEST_CASE("pit: mode 3 square wave with even and odd counts", "[pit]") {
  PitRig rig;
  rig.program(0, 3, 10);
  rig.edges.clear();
  rig.run_to_tick(22);
  CHECK(rig.edges == std::vector<Edge>{{6, false}, {11, true}, {16, false}, {21, true}});
  // Decrements by two: 10 8 6 4 2, then 10 8 ... in the low half.
  rig.run_to_tick(24);
  CHECK(rig.latch_and_read(0) == 4);

  PitRig odd;
  odd.program(0, 3, 7);
  odd.edges.clear();
  odd.run_to_tick(16);
  // High for (N+1)/2 = 4 clocks, low for (N-1)/2 = 3.
  CHECK(odd.edges == std::vector<Edge>{{5, false}, {8, true}, {12, false}, {15, true}});
  odd.run_to_tick(16);
  CHECK(odd.latch_and_read(0) == 4);  // N-1 loaded, then -2 per clock: 6 4
}

TEST_CASE("pit: mode 3 takes a new count at the end of the half-cycle", "[pit]") {
  PitRig rig;
  rig.program(0, 3, 10);
  rig.run_to_tick(3);
  rig.edges.clear();
  rig.out(kCounter0, 4);
  rig.out(kCounter0, 0);
  rig.run_to_tick(13);
  CHECK(rig.edges == std::vector<Edge>{{6, false}, {8, true}, {10, false}, {12, true}});
}

TEST_CASE("pit: mode 3 GATE low forces OUT high and the rising edge restarts", "[pit]") {
  PitRig rig;
  rig.program(2, 3, 10);
  CHECK(rig.out_at(2, 5));    // GATE 2 low: nothing runs
  rig.pit.set_gate(2, true);  // loads on 6
  CHECK(rig.out_at(2, 10));
  CHECK_FALSE(rig.out_at(2, 11));
  CHECK_FALSE(rig.out_at(2, 13));
  rig.pit.set_gate(2, false);
  CHECK(rig.pit.output(2));  // at once, no clock needed
  CHECK(rig.out_at(2, 100));
  rig.pit.set_gate(2, true);  // loads on 101
  CHECK(rig.out_at(2, 105));
  CHECK_FALSE(rig.out_at(2, 106));
  CHECK(rig.out_at(2, 111));
}

TEST_CASE("pit: mode 4 strobes OUT low once, N+1 clocks after the count", "[pit]") {
  PitRig rig;
  rig.program(0, 4, 20);
  rig.edges.clear();
  rig.run_until(kPsPerSecond / 10);
  CHECK(rig.edges == std::vector<Edge>{{21, false}, {22, true}});
  // Writing a new count retriggers it.
  rig.edges.clear();
  const u64 now = rig.tick();
  rig.out(kCounter0, 5);
  rig.out(kCounter0, 0);
  rig.run_until(kPsPerSecond / 5);
  CHECK(rig.edges == std::vector<Edge>{{now + 6, false}, {now + 7, true}});
}

TEST_CASE("pit: mode 5 strobes after a GATE trigger", "[pit]") {
  PitRig rig;
  rig.program(2, 5, 5);
  CHECK(rig.out_at(2, 10));
  rig.pit.set_gate(2, true);  // loads on 11
  CHECK(rig.out_at(2, 15));
  CHECK_FALSE(rig.out_at(2, 16));
  CHECK(rig.out_at(2, 17));
  CHECK(rig.out_at(2, 1000));
}

TEST_CASE("pit: the counter latch freezes a count until it is read", "[pit]") {
  PitRig rig;
  rig.program(0, 2, 1000);
  rig.run_to_tick(101);
  rig.out(kControl, 0x00);  // latch counter 0
  rig.run_to_tick(500);
  CHECK(rig.in(kCounter0) == (900 & 0xFF));
  CHECK(rig.in(kCounter0) == (900 >> 8));
  // Live again: 1000 - 499.
  CHECK(rig.in(kCounter0) == (501 & 0xFF));
  CHECK(rig.in(kCounter0) == (501 >> 8));
  // A second latch before the first is read is ignored.
  rig.run_to_tick(600);
  rig.out(kControl, 0x00);
  rig.run_to_tick(700);
  rig.out(kControl, 0x00);
  CHECK(rig.in(kCounter0) == (401 & 0xFF));
  CHECK(rig.in(kCounter0) == (401 >> 8));
}

TEST_CASE("pit: read-back latches status with OUT and NULL COUNT, then the count", "[pit]") {
  PitRig rig;
  rig.out(kControl, control(0, 2));
  rig.out(kControl, 0xE2);           // read-back: status only, counter 0
  CHECK(rig.in(kCounter0) == 0xF4);  // OUT high, null count, RW=3, mode 2
  rig.out(kCounter0, 100);
  rig.out(kCounter0, 0);
  rig.out(kControl, 0xE2);
  CHECK(rig.in(kCounter0) == 0xF4);  // written but not loaded yet
  rig.run_to_tick(11);
  rig.out(kControl, 0xC2);  // count and status
  CHECK(rig.in(kCounter0) == 0xB4);
  CHECK(rig.in(kCounter0) == 90);
  CHECK(rig.in(kCounter0) == 0);
  // Several counters at once; counter 2 in mode 0 shows OUT low.
  rig.out(kControl, control(2, 0));
  rig.out(kControl, 0xEE);  // status of counters 0, 1, 2
  CHECK(rig.in(kCounter2) == 0x70);
  CHECK(rig.in(kCounter0) == 0xB4);
  CHECK(rig.in(kCounter1) == 0x40);  // reset state: mode 0, OUT low, no count
}

TEST_CASE("pit: BCD counting", "[pit]") {
  PitRig rig;
  rig.program(0, 2, 0x0100, true);  // 100 decimal
  rig.edges.clear();
  rig.run_to_tick(11);
  CHECK(rig.latch_and_read(0) == 0x0090);
  rig.run_to_tick(105);
  CHECK(rig.edges == std::vector<Edge>{{100, false}, {101, true}});
  // Count 0 in BCD is 10000: loaded as 0000, then 9999 after one clock.
  rig.program(0, 2, 0x0000, true);
  const u64 start = rig.tick();
  rig.edges.clear();
  rig.run_to_tick(start + 1);
  CHECK(rig.latch_and_read(0) == 0x0000);
  rig.run_to_tick(start + 2);
  CHECK(rig.latch_and_read(0) == 0x9999);
  rig.run_to_tick(start + 10'000);
  CHECK(rig.edges == std::vector<Edge>{{start + 10'000, false}});
}

TEST_CASE("pit: LSB-only and MSB-only access", "[pit]") {
  PitRig rig;
  rig.out(kControl, 0x14);  // counter 0, LSB only, mode 2
  rig.out(kCounter0, 0x80);
  rig.run_to_tick(11);
  CHECK(rig.in(kCounter0) == 128 - 10);
  CHECK(rig.in(kCounter0) == 128 - 10);  // no MSB in between
  rig.out(kControl, 0x24);               // counter 0, MSB only, mode 2
  rig.out(kCounter0, 0x02);              // 512
  const u64 start = rig.tick();
  rig.run_to_tick(start + 1 + 256);
  CHECK(rig.in(kCounter0) == 0x01);
  rig.edges.clear();
  rig.run_to_tick(start + 513);
  CHECK(rig.edges == std::vector<Edge>{{start + 512, false}, {start + 513, true}});
}

TEST_CASE("pit: IRQ 0 at 1000 Hz with count 1193 reaches the PIC as vector 8", "[pit]") {
  PitRig rig;
  Pic8259Pair pic("pic", rig.trace);
  pic.attach(rig.ports);
  rig.pit.irq0().connect(pic, 0);
  rig.program(0, 2, 1193);
  // The BIOS order: the timer first, then the PIC, whose ICW1 forgets the control word's edge.
  for (u8 value : {0x11, 0x08, 0x04, 0x01}) rig.ports.write(value == 0x11 ? 0x20 : 0x21, value, 1);
  rig.edges.clear();
  int interrupts = 0;
  while (rig.scheduler.next_deadline() <= kPsPerSecond) {
    rig.clock.skip_to(rig.scheduler.next_deadline());
    rig.fired += rig.scheduler.run_due();
    if (pic.intr().level()) {
      CHECK(pic.acknowledge() == 0x08);
      rig.ports.write(0x20, 0x20, 1);  // EOI
      ++interrupts;
    }
  }
  CHECK(interrupts == 1000);
  // Two timer events per period (OUT low, OUT high), not one per clock.
  CHECK(rig.fired <= 2 * 1000 + 1);
  // Rising edges 1193 clocks apart: 999.847 us.
  REQUIRE(rig.edges.size() >= 4);
  CHECK(rig.edges[3].tick - rig.edges[1].tick == 1193);
  CHECK(time_of_tick(rig.edges[3].tick, Pit8254::kClockHz) -
            time_of_tick(rig.edges[1].tick, Pit8254::kClockHz) ==
        Approx(999.847 * kPsPerUs).epsilon(1e-5));
}

TEST_CASE("pit: a late timer still delivers mode 2's one-clock pulse", "[pit]") {
  PitRig rig;
  rig.program(0, 2, 100);
  rig.edges.clear();
  rig.clock.skip_to(time_of_tick(150, Pit8254::kClockHz));
  rig.scheduler.run_due();
  CHECK(rig.edges == std::vector<Edge>{{150, false}, {150, true}});
  // A port read that comes first catches up the same way.
  rig.clock.skip_to(time_of_tick(260, Pit8254::kClockHz));
  rig.latch_and_read(0);
  CHECK(rig.edges.size() == 4);  // low at 200 and high at 201, both seen at 260
  CHECK(rig.edges.back() == Edge{260, true});
}

TEST_CASE("pit: counters 1 and 2 are computed when read and cost no timer events", "[pit]") {
  PitRig rig;
  rig.program(1, 2, 18);  // the AT refresh rate: 66 kHz
  rig.program(2, 3, 100);
  rig.pit.set_gate(2, true);
  CHECK(rig.scheduler.next_deadline() == kNever);
  rig.run_to_tick(1'000'000);
  CHECK(rig.fired == 0);
  // Still exact when looked at: counter 1 loaded on tick 1, so 999999 clocks have passed.
  CHECK(rig.latch_and_read(1) == 18 - (999'999 % 18));
  CHECK(rig.pit.output(2) == ((1'000'000 - 1) % 100 < 50));
  // Counter 0 alone arms the timer.
  rig.program(0, 2, 100);
  CHECK(rig.scheduler.next_deadline() == time_of_tick(1'000'100, Pit8254::kClockHz));
}

TEST_CASE("pit: the control port reads float and guest garbage never breaks the timer", "[pit]") {
  PitRig rig;
  CHECK(rig.in(kControl) == 0xFF);
  u32 seed = 777;
  for (int i = 0; i < 20000; ++i) {
    seed = seed * 1103515245 + 12345;
    const u16 port = kCounter0 + ((seed >> 16) & 3);
    if ((seed >> 8) & 1)
      rig.out(port, static_cast<u8>(seed >> 24));
    else
      rig.in(port);
    if ((seed >> 9) % 5 == 0) rig.pit.set_gate((seed >> 12) % 4, (seed >> 11) & 1);
    if ((seed >> 10) % 3 == 0) rig.run_until(rig.clock.now() + ((seed >> 20) % 200) * kPsPerUs);
  }
  rig.pit.set_gate(2, false);
  rig.program(0, 2, 10);
  const u64 start = rig.tick();
  rig.edges.clear();
  rig.run_to_tick(start + 21);
  CHECK(rig.edges ==
        std::vector<Edge>{
            {start + 10, false}, {start + 11, true}, {start + 20, false}, {start + 21, true}});
}

TEST_CASE("pit: state and timers survive a snapshot round trip", "[pit]") {
  PitRig rig;
  rig.program(0, 3, 1000);
  rig.program(2, 1, 300);
  rig.pit.set_gate(2, true);
  rig.run_to_tick(123);
  rig.out(kControl, 0x00);  // a pending latch comes along too

  Archive saver = Archive::for_saving();
  {
    ArchiveSection root(saver, "machine", 1);
    {
      ArchiveSection clock(saver, "clock", 1);
      rig.clock.serialize(saver);
    }
    rig.scheduler.serialize(saver);
    ArchiveSection pit(saver, "pit", 1);
    rig.pit.serialize(saver);
  }
  PitRig copy;
  Archive loader = Archive::for_loading(saver.finish());
  {
    ArchiveSection root(loader, "machine", 1);
    {
      ArchiveSection clock(loader, "clock", 1);
      copy.clock.serialize(loader);
    }
    copy.scheduler.serialize(loader);
    ArchiveSection pit(loader, "pit", 1);
    copy.pit.serialize(loader);
  }
  CHECK(copy.in(kCounter0) == rig.in(kCounter0));
  CHECK(copy.in(kCounter0) == rig.in(kCounter0));
  rig.edges.clear();
  copy.edges.clear();
  rig.run_to_tick(5000);
  copy.run_to_tick(5000);
  CHECK(copy.edges == rig.edges);
  CHECK(copy.edges.size() == 9);
  CHECK(copy.pit.output(2) == rig.pit.output(2));
  CHECK(copy.pit.gate(2));
}

TEST_CASE("pit: control words are traced with their meaning", "[pit]") {
  PitRig rig;
  auto sink = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink& lines = *sink;
  rig.trace.set_sink(std::move(sink));
  rig.trace.set_mask(static_cast<u32>(TraceCategory::Reg));
  rig.program(0, 2, 1193);
  rig.out(kControl, 0x00);
  REQUIRE(lines.lines().size() == 4);
  CHECK(lines.lines()[0].find("reg   pit CONTROL port=0x43 value=0x34 (write: counter 0: mode 2 "
                              "(rate generator), LSB then MSB, binary)") != std::string::npos);
  CHECK(lines.lines()[1].find("pit COUNTER0 port=0x40 value=0xa9 (write)") != std::string::npos);
  CHECK(lines.lines()[3].find("counter 0: latch count") != std::string::npos);
}

}  // namespace
}  // namespace glasspc

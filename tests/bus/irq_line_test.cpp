#include "bus/irq_line.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bus/clock.h"
#include "bus/trace.h"

namespace glasspc {
namespace {

using Edge = std::pair<unsigned, bool>;

// A sink that records (pin, level) for every notification.
struct Probe {
  std::vector<Edge> seen;
  IrqCallback sink{[this](unsigned pin, bool level) { seen.emplace_back(pin, level); }};
};

TEST_CASE("irq line: raise and lower reach every connected sink", "[irq]") {
  IrqLine line;
  Probe pic;
  Probe ioapic;
  line.connect(pic.sink, 4);
  line.connect(ioapic.sink, 4);
  pic.seen.clear();
  ioapic.seen.clear();

  line.raise();
  CHECK(line.level());
  line.lower();
  CHECK_FALSE(line.level());
  const std::vector<Edge> expected{{4, true}, {4, false}};
  CHECK(pic.seen == expected);
  CHECK(ioapic.seen == expected);
}

TEST_CASE("irq line: each sink receives the pin it was connected with", "[irq]") {
  // ISA IRQ0 goes to 8259 input 0 and, through the usual interrupt source override, to IOAPIC
  // input 2.
  IrqLine timer;
  Probe pic;
  Probe ioapic;
  timer.connect(pic.sink, 0);
  timer.connect(ioapic.sink, 2);
  timer.raise();
  CHECK(pic.seen.back() == Edge{0, true});
  CHECK(ioapic.seen.back() == Edge{2, true});
}

TEST_CASE("irq line: connect delivers the line's current level at once", "[irq]") {
  IrqLine line;
  Probe early;
  line.connect(early.sink, 1);
  CHECK(early.seen == std::vector<Edge>{{1, false}});

  line.raise();
  Probe late;
  line.connect(late.sink, 9);
  CHECK(late.seen == std::vector<Edge>{{9, true}});
}

TEST_CASE("irq line: setting the same level again notifies nobody", "[irq]") {
  IrqLine line;
  Probe probe;
  line.connect(probe.sink, 3);
  probe.seen.clear();
  line.raise();
  line.raise();
  line.set(true);
  line.lower();
  line.lower();
  CHECK(probe.seen == std::vector<Edge>{{3, true}, {3, false}});
}

TEST_CASE("irq line: a pulse is a raise followed by a lower", "[irq]") {
  IrqLine line;
  Probe probe;
  line.connect(probe.sink, 0);
  probe.seen.clear();
  line.pulse();
  line.pulse();
  CHECK(probe.seen == std::vector<Edge>{{0, true}, {0, false}, {0, true}, {0, false}});
  CHECK_FALSE(line.level());
}

TEST_CASE("irq line: disconnect_all leaves the line driving nothing", "[irq]") {
  IrqLine line;
  Probe probe;
  line.connect(probe.sink, 0);
  line.disconnect_all();
  probe.seen.clear();
  line.raise();
  CHECK(probe.seen.empty());
  CHECK(line.level());
}

TEST_CASE("irq line: a sink may connect another receiver while it is notified", "[irq]") {
  IrqLine line;
  std::vector<std::unique_ptr<Probe>> added;
  IrqCallback grows([&](unsigned, bool level) {
    if (!level) return;
    for (int i = 0; i < 16; ++i) {
      added.push_back(std::make_unique<Probe>());
      line.connect(added.back()->sink, 100 + i);
    }
  });
  line.connect(grows, 0);
  line.raise();
  REQUIRE(added.size() == 16);
  // Each new receiver saw the high level on connect, and only then.
  for (const auto& probe : added) CHECK(probe->seen.size() == 1);
  line.lower();
  for (const auto& probe : added) CHECK(probe->seen.back().second == false);
}

TEST_CASE("irq line: a sink that changes the level again leaves every sink at the new level",
          "[irq]") {
  IrqLine line;
  IrqCallback acknowledges([&](unsigned, bool level) {
    if (level) line.lower();
  });
  Probe later;
  line.connect(acknowledges, 0);
  line.connect(later.sink, 1);
  later.seen.clear();
  line.raise();
  CHECK_FALSE(line.level());
  // The later sink never sees a stale "high" after the "low".
  CHECK((later.seen.empty() || later.seen.back() == Edge{1, false}));
}

TEST_CASE("irq line: level changes are traced by line name", "[irq]") {
  Clock clock;
  Trace trace(clock);
  auto owned = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink* sink = owned.get();
  trace.set_sink(std::move(owned));
  trace.set_mask(static_cast<u32>(TraceCategory::Irq));

  IrqLine line("isa-irq4", &trace);
  CHECK(line.name() == "isa-irq4");
  line.raise();
  line.raise();
  line.lower();
  REQUIRE(sink->lines().size() == 2);
  CHECK(sink->lines()[0].find("irq   isa-irq4 raise level=0x1") != std::string::npos);
  CHECK(sink->lines()[1].find("irq   isa-irq4 lower level=0x0") != std::string::npos);
}

TEST_CASE("irq wire-or: the output is high while any input is high", "[irq]") {
  IrqWireOr intx("pirq-a", nullptr);
  Probe ioapic;
  intx.output().connect(ioapic.sink, 16);
  ioapic.seen.clear();

  IrqLine nic;
  IrqLine disk;
  nic.connect(intx, 7);
  disk.connect(intx, 0xffffffffu);  // any pin number works
  CHECK(ioapic.seen.empty());

  nic.raise();
  CHECK(intx.output().level());
  disk.raise();
  nic.lower();
  CHECK(intx.output().level());  // the disk still holds the wire
  disk.lower();
  CHECK_FALSE(intx.output().level());
  CHECK(ioapic.seen == std::vector<Edge>{{16, true}, {16, false}});
}

TEST_CASE("irq wire-or: an input asserted twice is released by one deassert", "[irq]") {
  IrqWireOr intx("pirq-b", nullptr);
  intx.set_irq(5, true);
  intx.set_irq(5, true);
  intx.set_irq(1000000, false);  // an input that was never high
  CHECK(intx.output().level());
  intx.set_irq(5, false);
  CHECK_FALSE(intx.output().level());
}

}  // namespace
}  // namespace glasspc

namespace glasspc {
namespace {

TEST_CASE("irq gate: passes its input until inhibited, then holds the output low", "[irq]") {
  IrqGate gate("gate", nullptr);
  Probe out;
  gate.output().connect(out.sink, 0);
  out.seen.clear();
  gate.set_irq(IrqGate::kInput, true);
  CHECK(gate.output().level());
  gate.set_irq(IrqGate::kInhibit, true);  // e.g. HPET LegacyReplacement takes the line
  CHECK_FALSE(gate.output().level());
  gate.set_irq(IrqGate::kInput, false);  // edges while inhibited never reach the output
  gate.set_irq(IrqGate::kInput, true);
  CHECK(out.seen == std::vector<Edge>{{0, true}, {0, false}});
  gate.set_irq(IrqGate::kInhibit, false);  // released: the present input level shows again
  CHECK(gate.output().level());
}

}  // namespace
}  // namespace glasspc

// Register-level tests of the x87 error latch (FERR# -> IRQ 13, cleared by a write to port 0xF0;
// Intel SDM Vol. 1 8.7 and D.2.1), with the 8259 pair behind it as on the PC.
#include "chipset/ferr_latch.h"

#include <catch2/catch.hpp>

#include "bus/archive.h"
#include "bus/clock.h"
#include "bus/irq_line.h"
#include "bus/port_space.h"
#include "bus/trace.h"
#include "chipset/pic8259.h"

namespace glasspc {
namespace {

constexpr u16 kPortF0 = 0xF0;

struct FerrRig {
  Clock clock;
  Trace trace{clock};
  PortSpace ports{trace};
  IrqLine ferr{"cpu0.ferr", &trace};  // what the CPU drives
  FerrLatch latch{"ferr_latch", trace};
  unsigned edges = 0;
  IrqCallback probe{[this](unsigned, bool level) { edges += level; }};

  FerrRig() {
    latch.attach(ports);
    ferr.connect(latch, FerrLatch::kFerrInput);
    latch.irq().connect(probe, 0);
  }
  void clear() { ports.write(kPortF0, 0, 1); }
};

TEST_CASE("ferr latch: FERR# assertion raises IRQ 13 until port 0xF0 is written", "[ferr]") {
  FerrRig rig;
  CHECK_FALSE(rig.latch.irq().level());
  rig.ferr.raise();
  CHECK(rig.latch.irq().level());
  CHECK(rig.edges == 1);
  // FNCLEX drops FERR#; the latch holds IRQ 13 until the handler's write.
  rig.ferr.lower();
  CHECK(rig.latch.irq().level());
  rig.clear();
  CHECK_FALSE(rig.latch.irq().level());
  // Any value clears it, and a write with nothing latched is harmless.
  rig.ferr.raise();
  CHECK(rig.latch.irq().level());
  CHECK(rig.edges == 2);
  rig.ports.write(kPortF0, 0xA5, 1);
  CHECK_FALSE(rig.latch.irq().level());
  rig.clear();
  CHECK_FALSE(rig.latch.irq().level());
}

TEST_CASE("ferr latch: a FERR# still asserted after the clear raises no second IRQ 13", "[ferr]") {
  FerrRig rig;
  rig.ferr.raise();
  rig.clear();  // the handler writes 0xF0 before clearing the x87 status word
  CHECK_FALSE(rig.latch.irq().level());
  CHECK(rig.latch.ferr());
  rig.ferr.raise();  // the next waiting instruction: FERR# stays asserted, no new edge
  CHECK_FALSE(rig.latch.irq().level());
  rig.ferr.lower();
  rig.ferr.raise();  // a new error after FNCLEX
  CHECK(rig.latch.irq().level());
  CHECK(rig.edges == 2);
}

TEST_CASE("ferr latch: port 0xF0 is write-only and reads as a floating bus", "[ferr]") {
  FerrRig rig;
  rig.ferr.raise();
  CHECK(rig.ports.read(kPortF0, 1) == 0xFF);
  CHECK(rig.latch.irq().level());  // reading does not clear
  CHECK(rig.ports.owner(kPortF0) == "ferr_latch");
  CHECK(rig.ports.owner(0xF1).empty());
}

TEST_CASE("ferr latch: IRQ 13 reaches the slave 8259 (vector base + 5)", "[ferr]") {
  FerrRig rig;
  Pic8259Pair pic{"pic", rig.trace};
  pic.attach(rig.ports);
  rig.latch.irq().connect(pic, FerrLatch::kIsaIrq);
  // ICW1-4 for both chips (vectors 0x20 and 0x28, cascade on IR2), then unmask IRQ 2 and 13.
  for (u16 base : {u16{0x20}, u16{0xA0}}) rig.ports.write(base, 0x11, 1);
  rig.ports.write(0x21, 0x20, 1);
  rig.ports.write(0xA1, 0x28, 1);
  rig.ports.write(0x21, 0x04, 1);
  rig.ports.write(0xA1, 0x02, 1);
  rig.ports.write(0x21, 0x01, 1);
  rig.ports.write(0xA1, 0x01, 1);
  rig.ports.write(0x21, 0xFB, 1);
  rig.ports.write(0xA1, 0xDF, 1);
  CHECK_FALSE(pic.intr().level());
  rig.ferr.raise();
  CHECK(pic.intr().level());
  CHECK(pic.acknowledge() == 0x2D);
  rig.clear();
  rig.ports.write(0xA0, 0x20, 1);
  rig.ports.write(0x20, 0x20, 1);
  CHECK_FALSE(pic.intr().level());
}

TEST_CASE("ferr latch: reset clears the latch; serialize restores it", "[ferr]") {
  FerrRig rig;
  rig.ferr.raise();
  rig.latch.reset();
  CHECK_FALSE(rig.latch.irq().level());
  CHECK(rig.latch.ferr());  // the CPU owns FERR#

  rig.ferr.lower();
  rig.ferr.raise();
  Archive saver = Archive::for_saving();
  {
    ArchiveSection section(saver, "ferr_latch", 1);
    rig.latch.serialize(saver);
  }
  FerrRig other;
  Archive loader = Archive::for_loading(saver.finish());
  {
    ArchiveSection section(loader, "ferr_latch", 1);
    other.latch.serialize(loader);
  }
  CHECK(other.latch.irq().level());
  CHECK(other.edges == 1);  // the probe saw the restored level
  // FERR# is the level of the machine's own line (still low here), not a saved copy: the CPU's
  // next assertion is a new edge.
  CHECK_FALSE(other.latch.ferr());
  other.clear();
  other.ferr.raise();
  CHECK(other.latch.irq().level());
}

TEST_CASE("ferr latch: FERR# changes and clears are traced", "[ferr]") {
  FerrRig rig;
  auto sink = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink& lines = *sink;
  rig.trace.set_sink(std::move(sink));
  rig.trace.set_mask(static_cast<u32>(TraceCategory::Device) |
                     static_cast<u32>(TraceCategory::Irq) | static_cast<u32>(TraceCategory::Reg));
  rig.ferr.raise();
  rig.clear();
  std::string all;
  for (const std::string& line : lines.lines()) all += line + "\n";
  INFO(all);
  CHECK(all.find("ferr_assert") != std::string::npos);
  CHECK(all.find("ferr_latch.irq13 raise") != std::string::npos);
  CHECK(all.find("CLEAR_BUSY") != std::string::npos);
  CHECK(all.find("ferr_latch clear") != std::string::npos);
  CHECK(all.find("ferr_latch.irq13 lower") != std::string::npos);
}

}  // namespace
}  // namespace glasspc

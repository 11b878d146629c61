// Register-level tests of the cascaded 8259A pair and the ELCR, driven through the port space
// exactly as a guest drives them.
#include "chipset/pic8259.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "bus/archive.h"
#include "bus/clock.h"
#include "bus/irq_line.h"
#include "bus/port_space.h"
#include "bus/trace.h"

namespace glasspc {
namespace {

constexpr u16 kMasterCommand = 0x20;
constexpr u16 kMasterData = 0x21;
constexpr u16 kSlaveCommand = 0xA0;
constexpr u16 kSlaveData = 0xA1;
constexpr u16 kElcr1 = 0x4D0;
constexpr u16 kElcr2 = 0x4D1;

// Command bytes as a guest writes them.
constexpr u8 kIcw1EdgeCascadeIcw4 = 0x11;
constexpr u8 kIcw4Mode8086 = 0x01;
constexpr u8 kIcw4AutoEoi = 0x03;
constexpr u8 kIcw4SpecialFullyNested = 0x11;
constexpr u8 kNonSpecificEoi = 0x20;
constexpr u8 kSpecificEoi = 0x60;
constexpr u8 kRotateOnNonSpecificEoi = 0xA0;
constexpr u8 kRotateOnSpecificEoi = 0xE0;
constexpr u8 kSetPriority = 0xC0;
constexpr u8 kRotateInAutoEoiSet = 0x80;
constexpr u8 kRotateInAutoEoiClear = 0x00;
constexpr u8 kReadIrr = 0x0A;
constexpr u8 kReadIsr = 0x0B;
constexpr u8 kPoll = 0x0C;
constexpr u8 kSetSpecialMask = 0x68;
constexpr u8 kResetSpecialMask = 0x48;

struct PicRig {
  Clock clock;
  Trace trace{clock};
  PortSpace ports{trace};
  Pic8259Pair pic{"pic", trace};
  bool intr = false;
  int intr_edges = 0;
  IrqCallback cpu{[this](unsigned, bool level) {
    if (level && !intr) ++intr_edges;
    intr = level;
  }};

  PicRig() {
    pic.attach(ports);
    pic.intr().connect(cpu, 0);
  }

  void out(u16 port, u8 value) { ports.write(port, value, 1); }
  u8 in(u16 port) { return static_cast<u8>(ports.read(port, 1)); }

  // What a PC BIOS does: master vectors 0x08-0x0F, slave 0x70-0x77, slave on IR2.
  void init(u8 master_icw4 = kIcw4Mode8086, u8 slave_icw4 = kIcw4Mode8086, u8 slave_id = 2) {
    out(kMasterCommand, kIcw1EdgeCascadeIcw4);
    out(kMasterData, 0x08);
    out(kMasterData, 0x04);
    out(kMasterData, master_icw4);
    out(kSlaveCommand, kIcw1EdgeCascadeIcw4);
    out(kSlaveData, 0x70);
    out(kSlaveData, slave_id);
    out(kSlaveData, slave_icw4);
  }
  void pulse(unsigned irq) {
    pic.set_irq(irq, true);
    pic.set_irq(irq, false);
  }
  u8 read_isr(u16 command) {
    out(command, kReadIsr);
    return in(command);
  }
  u8 read_irr(u16 command) {
    out(command, kReadIrr);
    return in(command);
  }
  MemoryTraceSink& trace_to_memory(u32 mask) {
    auto sink = std::make_unique<MemoryTraceSink>();
    MemoryTraceSink& ref = *sink;
    trace.set_sink(std::move(sink));
    trace.set_mask(mask);
    return ref;
  }
};

bool any_line_contains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

TEST_CASE("pic: the ICW sequence sets vector bases and the cascade", "[pic]") {
  PicRig rig;
  rig.init();
  CHECK_FALSE(rig.intr);
  rig.pulse(1);
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x09);
  CHECK_FALSE(rig.intr);
  rig.out(kMasterCommand, kNonSpecificEoi);
  rig.pulse(12);
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x74);
  // The master put IR2 in service for the slave, the slave IR4.
  CHECK(rig.pic.isr() == ((1u << 12) | (1u << 2)));
  // After the init sequence the odd port is OCW1 again.
  rig.out(kMasterData, 0x5A);
  CHECK(rig.in(kMasterData) == 0x5A);
}

TEST_CASE("pic: single mode skips ICW3, and without IC4 ICW4 is skipped and cleared", "[pic]") {
  PicRig rig;
  rig.out(kMasterCommand, 0x13);       // ICW1: edge, single, ICW4 needed
  rig.out(kMasterData, 0x20);          // ICW2
  rig.out(kMasterData, kIcw4AutoEoi);  // straight to ICW4: AEOI
  rig.out(kMasterData, 0xFD);          // OCW1: only IRQ 1 unmasked
  CHECK(rig.pic.imr() == 0xFD);
  rig.pulse(1);
  CHECK(rig.pic.acknowledge() == 0x21);
  CHECK(rig.pic.isr() == 0);  // AEOI

  rig.out(kMasterCommand, 0x12);  // ICW1: single, no ICW4 (AEOI goes back to 0)
  rig.out(kMasterData, 0x40);     // ICW2, and the sequence is over
  rig.out(kMasterData, 0x00);     // OCW1
  rig.pulse(3);
  CHECK(rig.pic.acknowledge() == 0x43);
  CHECK(rig.pic.isr() == 0x08);
}

TEST_CASE("pic: ICW1 clears IMR and ISR and re-arms edge detection", "[pic]") {
  PicRig rig;
  rig.init();
  rig.pic.set_irq(5, true);
  CHECK(rig.pic.acknowledge() == 0x0D);
  rig.out(kMasterData, 0xFF);
  rig.init();
  CHECK(rig.pic.imr() == 0);
  CHECK(rig.pic.isr() == 0);
  CHECK(rig.pic.irr() == 0);
  // IRQ 5 is still high: only a new low-to-high transition requests again.
  CHECK_FALSE(rig.intr);
  rig.pic.set_irq(5, false);
  rig.pic.set_irq(5, true);
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x0D);
}

TEST_CASE("pic: OCW1 masks requests and the IMR reads back on the odd ports", "[pic]") {
  PicRig rig;
  rig.init();
  rig.out(kMasterData, 0x02);
  rig.out(kSlaveData, 0x81);
  CHECK(rig.in(kMasterData) == 0x02);
  CHECK(rig.in(kSlaveData) == 0x81);
  CHECK(rig.pic.imr() == 0x8102);
  rig.pulse(1);
  CHECK_FALSE(rig.intr);
  CHECK(rig.pic.irr() == 0x0002);  // latched although masked
  rig.out(kMasterData, 0x00);
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x09);
  // A masked slave input does not reach the master at all.
  rig.pulse(8);
  CHECK(rig.pic.irr() == 0x0100);
  CHECK_FALSE(rig.intr);
}

TEST_CASE("pic: fully nested priority, lowest IRQ number first, in-service blocks below", "[pic]") {
  PicRig rig;
  rig.init();
  rig.pulse(5);
  rig.pulse(3);
  CHECK(rig.pic.acknowledge() == 0x0B);
  CHECK_FALSE(rig.intr);  // IRQ 5 waits behind IRQ 3 in service
  rig.pulse(1);
  CHECK(rig.intr);  // IRQ 1 outranks IRQ 3: nesting
  CHECK(rig.pic.acknowledge() == 0x09);
  CHECK(rig.pic.isr() == 0x0A);
  rig.out(kMasterCommand, kNonSpecificEoi);  // ends IRQ 1, the highest in service
  CHECK(rig.pic.isr() == 0x08);
  CHECK_FALSE(rig.intr);
  rig.out(kMasterCommand, kNonSpecificEoi);  // ends IRQ 3
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x0D);
}

TEST_CASE("pic: specific EOI clears the named level only", "[pic]") {
  PicRig rig;
  rig.init();
  rig.pulse(3);
  CHECK(rig.pic.acknowledge() == 0x0B);
  rig.pulse(1);
  CHECK(rig.pic.acknowledge() == 0x09);
  rig.out(kMasterCommand, kSpecificEoi | 3);
  CHECK(rig.read_isr(kMasterCommand) == 0x02);
  rig.out(kMasterCommand, kSpecificEoi | 6);  // not in service: nothing changes
  CHECK(rig.read_isr(kMasterCommand) == 0x02);
}

TEST_CASE("pic: rotate on non-specific EOI makes the served level the lowest", "[pic]") {
  PicRig rig;
  rig.init();
  rig.pulse(3);
  CHECK(rig.pic.acknowledge() == 0x0B);
  rig.out(kMasterCommand, kRotateOnNonSpecificEoi);
  CHECK(rig.pic.isr() == 0);
  // Priority is now 4 5 6 7 0 1 2 3: IRQ 5 beats IRQ 1.
  rig.pulse(1);
  rig.pulse(5);
  CHECK(rig.pic.acknowledge() == 0x0D);
  rig.out(kMasterCommand, kRotateOnNonSpecificEoi);  // now 6 7 0 1 2 3 4 5
  CHECK(rig.pic.acknowledge() == 0x09);
}

TEST_CASE("pic: set priority and rotate on specific EOI", "[pic]") {
  PicRig rig;
  rig.init();
  rig.out(kMasterCommand, kSetPriority | 4);  // IR4 lowest, IR5 highest
  rig.pulse(1);
  rig.pulse(6);
  CHECK(rig.pic.acknowledge() == 0x0E);
  rig.out(kMasterCommand, kRotateOnSpecificEoi | 6);  // IR6 lowest, IR7 highest
  CHECK(rig.pic.isr() == 0);
  rig.pulse(7);
  CHECK(rig.pic.acknowledge() == 0x0F);
  rig.out(kMasterCommand, kSpecificEoi | 7);
  CHECK(rig.pic.acknowledge() == 0x09);
}

TEST_CASE("pic: automatic EOI and rotation in AEOI mode", "[pic]") {
  PicRig rig;
  rig.init(kIcw4AutoEoi);
  rig.pulse(4);
  CHECK(rig.pic.acknowledge() == 0x0C);
  CHECK(rig.pic.isr() == 0);
  rig.out(kMasterCommand, kRotateInAutoEoiSet);
  rig.pulse(4);
  CHECK(rig.pic.acknowledge() == 0x0C);  // IR4 becomes the lowest
  rig.pulse(3);
  rig.pulse(5);
  CHECK(rig.pic.acknowledge() == 0x0D);  // 5 now outranks 3; and 5 becomes lowest
  CHECK(rig.pic.acknowledge() == 0x0B);
  rig.out(kMasterCommand, kRotateInAutoEoiClear);
  rig.pulse(6);
  rig.pulse(7);
  // With 3 the lowest (from the last rotation) the order is 4 5 6 7 0 1 2 3.
  CHECK(rig.pic.acknowledge() == 0x0E);
  CHECK(rig.pic.acknowledge() == 0x0F);  // no rotation after 6: 7 still follows
}

TEST_CASE("pic: edge inputs latch a pulse, level inputs (ELCR) follow the line", "[pic]") {
  PicRig rig;
  rig.init();
  rig.pulse(3);
  CHECK(rig.pic.irr() == 0x0008);  // the edge stays latched after the line fell
  rig.out(kElcr2, 0x04);           // IRQ 10 level-triggered
  rig.pic.set_irq(10, true);
  CHECK(rig.pic.irr() == (0x0008 | (1u << 10) | (1u << 2)));
  rig.pic.set_irq(10, false);
  CHECK((rig.pic.irr() & (1u << 10)) == 0);
  // A level input needs no edge: high after ELCR turns it level is a request at once.
  rig.pic.set_irq(11, true);
  rig.pic.set_irq(11, false);
  CHECK((rig.pic.irr() & (1u << 11)) != 0);  // edge: latched
  rig.out(kElcr2, 0x0C);                     // level now: IRR mirrors the low line
  CHECK((rig.pic.irr() & (1u << 11)) == 0);
  rig.pic.set_irq(11, true);
  CHECK((rig.pic.irr() & (1u << 11)) != 0);
}

TEST_CASE("pic: ELCR reserved bits keep IRQ 0, 1, 2, 8 and 13 edge-triggered", "[pic]") {
  PicRig rig;
  rig.out(kElcr1, 0xFF);
  rig.out(kElcr2, 0xFF);
  CHECK(rig.in(kElcr1) == 0xF8);
  CHECK(rig.in(kElcr2) == 0xDE);
  CHECK(rig.pic.elcr() == 0xDEF8);
  rig.init();
  rig.pic.set_irq(0, true);
  rig.pic.set_irq(0, false);
  CHECK(rig.pic.irr() == 0x0001);  // still edge: latched
  // A 2-byte access reaches both registers.
  rig.ports.write(kElcr1, 0x0000, 2);
  CHECK(rig.ports.read(kElcr1, 2) == 0);
  rig.pic.reset();
  CHECK(rig.pic.elcr() == 0);
}

TEST_CASE("pic: a level request still high after EOI interrupts again", "[pic]") {
  PicRig rig;
  rig.init();
  rig.out(kElcr2, 0x08);  // IRQ 11
  rig.pic.set_irq(11, true);
  CHECK(rig.pic.acknowledge() == 0x73);
  CHECK_FALSE(rig.intr);
  rig.out(kSlaveCommand, kNonSpecificEoi);
  rig.out(kMasterCommand, kNonSpecificEoi);
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x73);
  rig.pic.set_irq(11, false);  // the device is serviced before this EOI
  rig.out(kSlaveCommand, kNonSpecificEoi);
  rig.out(kMasterCommand, kNonSpecificEoi);
  CHECK_FALSE(rig.intr);
}

TEST_CASE("pic: LTIM in ICW1 makes every input level-triggered", "[pic]") {
  PicRig rig;
  rig.out(kMasterCommand, 0x19);  // ICW1 with LTIM
  rig.out(kMasterData, 0x08);
  rig.out(kMasterData, 0x04);
  rig.out(kMasterData, kIcw4Mode8086);
  rig.pic.set_irq(1, true);
  CHECK(rig.intr);
  rig.pic.set_irq(1, false);
  CHECK_FALSE(rig.intr);
  CHECK(rig.pic.irr() == 0);
}

TEST_CASE("pic: spurious IRQ 7 when the request vanishes before the acknowledge", "[pic]") {
  PicRig rig;
  rig.init();
  rig.out(kElcr1, 0x20);  // IRQ 5 level
  rig.pic.set_irq(5, true);
  CHECK(rig.intr);
  rig.pic.set_irq(5, false);
  CHECK_FALSE(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x0F);
  CHECK(rig.pic.isr() == 0);  // a spurious interrupt is not put in service
  // Masking an edge request after INTR has the same effect.
  rig.pulse(3);
  rig.out(kMasterData, 0x08);
  CHECK(rig.pic.acknowledge() == 0x0F);
  CHECK(rig.pic.isr() == 0);
  CHECK(rig.pic.irr() == 0x0008);
}

TEST_CASE("pic: spurious IRQ 15 from the slave leaves master IR2 in service", "[pic]") {
  PicRig rig;
  rig.init();
  rig.out(kElcr2, 0x02);  // IRQ 9 level
  rig.pic.set_irq(9, true);
  CHECK(rig.intr);
  rig.pic.set_irq(9, false);
  // The master latched the slave's INT edge on IR2, and still asks for it.
  CHECK(rig.pic.irr() == 0x0004);
  CHECK(rig.pic.acknowledge() == 0x77);
  CHECK(rig.pic.isr() == 0x0004);
  rig.out(kMasterCommand, kNonSpecificEoi);
  CHECK(rig.pic.isr() == 0);
}

TEST_CASE("pic: cascade delivers slave vectors and nests behind master IR2", "[pic]") {
  PicRig rig;
  rig.init();
  rig.pulse(12);
  CHECK(rig.pic.acknowledge() == 0x74);
  rig.pulse(8);  // higher than 12 on the slave, but master IR2 is in service
  CHECK_FALSE(rig.intr);
  rig.pulse(1);  // higher than IR2 on the master
  CHECK(rig.pic.acknowledge() == 0x09);
  rig.out(kMasterCommand, kNonSpecificEoi);  // ends IRQ 1
  CHECK_FALSE(rig.intr);
  rig.out(kSlaveCommand, kNonSpecificEoi);   // ends IRQ 12 on the slave
  rig.out(kMasterCommand, kNonSpecificEoi);  // ends IR2 on the master
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x70);
  CHECK(rig.read_isr(kSlaveCommand) == 0x01);
  CHECK(rig.read_isr(kMasterCommand) == 0x04);
}

TEST_CASE("pic: special fully nested mode lets a higher slave request through", "[pic]") {
  PicRig rig;
  rig.init(kIcw4SpecialFullyNested);
  rig.pulse(12);
  CHECK(rig.pic.acknowledge() == 0x74);
  rig.pulse(13);  // lower than 12: the slave itself holds it back
  CHECK_FALSE(rig.intr);
  rig.pulse(8);
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x70);
  CHECK(rig.pic.isr() == ((1u << 8) | (1u << 12) | (1u << 2)));
}

TEST_CASE("pic: a slave AEOI acknowledge does not lose a second slave request", "[pic]") {
  PicRig rig;
  rig.init(kIcw4Mode8086, kIcw4AutoEoi);
  rig.pulse(9);
  rig.pulse(10);
  CHECK(rig.pic.acknowledge() == 0x71);
  rig.out(kMasterCommand, kNonSpecificEoi);
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x72);
}

TEST_CASE("pic: a cascade address no slave answers floats the data bus", "[pic]") {
  PicRig rig;
  rig.init(kIcw4Mode8086, kIcw4Mode8086, 5);  // the slave believes it is slave 5
  rig.pulse(12);
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0xFF);
  // Master ICW3 without IR2: IR2 is an ordinary input with its own vector.
  PicRig plain;
  plain.init();
  plain.out(kMasterCommand, kIcw1EdgeCascadeIcw4);
  plain.out(kMasterData, 0x08);
  plain.out(kMasterData, 0x00);
  plain.out(kMasterData, kIcw4Mode8086);
  plain.pulse(13);
  CHECK(plain.pic.acknowledge() == 0x0A);
}

TEST_CASE("pic: poll command acknowledges the highest request on the next read", "[pic]") {
  PicRig rig;
  rig.init();
  rig.out(kMasterData, 0xFF);  // a polling guest masks everything
  rig.out(kMasterCommand, kPoll);
  CHECK(rig.in(kMasterCommand) == 0x00);  // masked requests do not count
  rig.out(kMasterData, 0x00);
  rig.pulse(6);
  rig.pulse(4);
  rig.out(kMasterCommand, kPoll);
  CHECK(rig.in(kMasterCommand) == 0x84);
  CHECK(rig.pic.isr() == 0x10);
  CHECK(rig.in(kMasterCommand) == 0x40);  // the poll is over: IRR again
  // Polling the cascade: the master answers 2, then the slave its own level.
  rig.out(kMasterCommand, kNonSpecificEoi);  // ends IR4
  rig.out(kMasterCommand, kPoll);
  CHECK(rig.in(kMasterCommand) == 0x86);
  rig.out(kMasterCommand, kNonSpecificEoi);
  rig.pulse(14);
  rig.out(kMasterCommand, kPoll);
  CHECK(rig.in(kMasterCommand) == 0x82);
  rig.out(kSlaveCommand, kPoll);
  CHECK(rig.in(kSlaveCommand) == 0x86);
}

TEST_CASE("pic: OCW3 selects IRR or ISR for the even port", "[pic]") {
  PicRig rig;
  rig.init();
  rig.pulse(3);
  rig.pulse(6);
  CHECK(rig.pic.acknowledge() == 0x0B);
  CHECK(rig.read_irr(kMasterCommand) == 0x40);
  CHECK(rig.read_isr(kMasterCommand) == 0x08);
  rig.out(kMasterCommand, 0x08);  // OCW3 with RR = 0: the selection is kept
  CHECK(rig.in(kMasterCommand) == 0x08);
}

TEST_CASE("pic: special mask mode opens lower levels while one is in service", "[pic]") {
  PicRig rig;
  rig.init();
  rig.pulse(3);
  CHECK(rig.pic.acknowledge() == 0x0B);
  rig.pulse(5);
  CHECK_FALSE(rig.intr);
  rig.out(kMasterData, 0x08);  // mask the level in service
  rig.out(kMasterCommand, kSetSpecialMask);
  CHECK(rig.intr);
  CHECK(rig.pic.acknowledge() == 0x0D);
  // In special mask mode a non-specific EOI skips the masked in-service IR3.
  rig.out(kMasterCommand, kNonSpecificEoi);
  CHECK(rig.pic.isr() == 0x08);
  rig.out(kMasterCommand, kResetSpecialMask);
  rig.out(kMasterData, 0x00);
  rig.out(kMasterCommand, kNonSpecificEoi);
  CHECK(rig.pic.isr() == 0);
}

TEST_CASE("pic: IRQ 2 from outside and IRQ numbers above 15 are ignored", "[pic]") {
  PicRig rig;
  rig.init();
  rig.pic.set_irq(2, true);
  rig.pic.set_irq(16, true);
  rig.pic.set_irq(1000, true);
  CHECK(rig.pic.irr() == 0);
  CHECK_FALSE(rig.intr);
}

TEST_CASE("pic: reset forgets the registers but not which lines are high", "[pic]") {
  PicRig rig;
  rig.init();
  rig.out(kElcr1, 0x08);
  rig.pic.set_irq(3, true);
  rig.pic.set_irq(4, true);
  CHECK(rig.pic.acknowledge() == 0x0B);
  rig.pic.reset();
  CHECK(rig.pic.irr() == 0);
  CHECK(rig.pic.isr() == 0);
  CHECK(rig.pic.imr() == 0);
  CHECK(rig.pic.elcr() == 0);
  CHECK_FALSE(rig.intr);
  rig.init();
  // IRQ 4 (edge) is still high from before: it must fall and rise again to be seen.
  rig.pic.set_irq(4, true);
  CHECK_FALSE(rig.intr);
  rig.pic.set_irq(4, false);
  rig.pic.set_irq(4, true);
  CHECK(rig.pic.acknowledge() == 0x0C);
}

TEST_CASE("pic: the trace explains request, INTR, acknowledge and EOI", "[pic]") {
  PicRig rig;
  rig.init();
  MemoryTraceSink& sink = rig.trace_to_memory(static_cast<u32>(TraceCategory::Irq) |
                                              static_cast<u32>(TraceCategory::Reg));
  rig.pulse(12);
  rig.pic.acknowledge();
  rig.out(kSlaveCommand, kNonSpecificEoi);
  rig.out(kMasterCommand, kNonSpecificEoi);
  rig.in(kMasterData);
  const auto& lines = sink.lines();
  CHECK(
      any_line_contains(lines, "irq   pic.slave request irq=0xc irr=0x10 (IRQ 12 latched in IRR"));
  CHECK(any_line_contains(lines, "pic intr level=0x1 irq=0x2 (INTR raised: IRQ 2 (cascade"));
  CHECK(any_line_contains(lines, "pic.slave acknowledge irq=0xc vector=0x74"));
  CHECK(any_line_contains(lines, "INTR lowered"));
  CHECK(
      any_line_contains(lines, "pic.slave eoi irq=0xc isr=0x0 (non-specific EOI for IRQ 12: ISR"));
  CHECK(any_line_contains(lines, "reg   pic.master OCW2 port=0x20 value=0x20 (write)"));
  CHECK(any_line_contains(lines, "reg   pic.master IMR port=0x21 value=0x0 (read)"));
}

TEST_CASE("pic: state survives a snapshot round trip", "[pic]") {
  PicRig rig;
  rig.init(kIcw4SpecialFullyNested);
  rig.out(kElcr2, 0x08);
  rig.out(kMasterData, 0x40);
  rig.pulse(12);
  rig.pulse(3);
  CHECK(rig.pic.acknowledge() == 0x74);  // IR2 outranks IR3
  rig.out(kMasterCommand, kReadIsr);
  rig.pic.set_irq(11, true);  // above IRQ 12 on the slave: through, thanks to SFNM
  CHECK(rig.intr);

  Archive saver = Archive::for_saving();
  {
    ArchiveSection section(saver, "pic", 1);
    rig.pic.serialize(saver);
  }
  PicRig copy;
  Archive loader = Archive::for_loading(saver.finish());
  {
    ArchiveSection section(loader, "pic", 1);
    copy.pic.serialize(loader);
  }
  CHECK(copy.pic.irr() == rig.pic.irr());
  CHECK(copy.pic.isr() == rig.pic.isr());
  CHECK(copy.pic.imr() == rig.pic.imr());
  CHECK(copy.pic.elcr() == rig.pic.elcr());
  CHECK(copy.in(kMasterCommand) == 0x04);  // the read selection came along
  CHECK(copy.intr);
  CHECK(copy.pic.acknowledge() == 0x73);
  CHECK(rig.pic.acknowledge() == 0x73);
}

TEST_CASE("pic: random guest writes never break the pair", "[pic]") {
  PicRig rig;
  const u16 ports[] = {kMasterCommand, kMasterData, kSlaveCommand, kSlaveData, kElcr1, kElcr2};
  u32 seed = 12345;
  for (int i = 0; i < 20000; ++i) {
    seed = seed * 1103515245 + 12345;
    const u16 port = ports[(seed >> 16) % 6];
    if ((seed >> 8) & 1) {
      rig.out(port, static_cast<u8>(seed >> 24));
    } else {
      rig.in(port);
    }
    if ((seed >> 9) % 7 == 0) rig.pic.set_irq((seed >> 12) % 16, (seed >> 11) & 1);
    if ((seed >> 10) % 11 == 0) rig.pic.acknowledge();
  }
  for (unsigned irq = 0; irq < 16; ++irq) rig.pic.set_irq(irq, false);
  rig.out(kElcr1, 0);
  rig.out(kElcr2, 0);
  rig.init();
  rig.pulse(4);
  CHECK(rig.pic.acknowledge() == 0x0C);
  rig.out(kMasterCommand, kNonSpecificEoi);
  rig.pulse(15);
  CHECK(rig.pic.acknowledge() == 0x77);
}

}  // namespace
}  // namespace glasspc

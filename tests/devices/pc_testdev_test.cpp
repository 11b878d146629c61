// QEMU's pc-testdev at register level: the scratch register through both port windows, the
// irq-line ports, the flush port's valid sizes, iomem as memory, tracing and snapshots.
#include "devices/pc_testdev.h"

#include <array>
#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "bus/archive.h"
#include "bus/clock.h"
#include "bus/irq_line.h"
#include "bus/memory_map.h"
#include "bus/port_space.h"
#include "bus/trace.h"

namespace glasspc::test {
namespace {

struct LineProbe : IrqSink {
  std::array<bool, PcTestdev::kIrqLines> level{};
  void set_irq(unsigned pin, bool value) override { level.at(pin) = value; }
};

struct PcTestdevRig {
  Clock clock;
  Trace trace{clock};
  PortSpace ports{trace};
  MemoryMap memory{trace};
  PcTestdev device{"pc-testdev", trace};
  LineProbe probe;
  PcTestdevRig() {
    device.attach(ports, memory);
    for (unsigned line = 0; line < PcTestdev::kIrqLines; ++line)
      device.irq(line).connect(probe, line);
  }
  u32 in(u16 port, unsigned size) { return ports.read(port, size); }
  void out(u16 port, u32 value, unsigned size) { ports.write(port, value, size); }
};

std::vector<u8> save(PcTestdev& device) {
  Archive archive = Archive::for_saving();
  {
    ArchiveSection root(archive, "machine", 1);
    ArchiveSection section(archive, device.name(), 1);
    device.serialize(archive);
  }
  return archive.finish();
}

void load(PcTestdev& device, std::vector<u8> bytes) {
  Archive archive = Archive::for_loading(std::move(bytes));
  ArchiveSection root(archive, "machine", 1);
  ArchiveSection section(archive, device.name(), 1);
  device.serialize(archive);
}

TEST_CASE("pc-testdev: 0xE0-0xE3 is a 32-bit scratch register for byte, word and dword accesses",
          "[pc-testdev]") {
  PcTestdevRig rig;
  CHECK(rig.in(0xE0, 4) == 0);
  rig.out(0xE0, 0x12345678, 4);
  CHECK(rig.in(0xE0, 4) == 0x12345678);
  CHECK(rig.in(0xE0, 1) == 0x78);
  CHECK(rig.in(0xE3, 1) == 0x12);
  CHECK(rig.in(0xE2, 2) == 0x1234);
  rig.out(0xE2, 0xBEEF, 2);  // QEMU: the access covers bits 31:16 only
  CHECK(rig.in(0xE0, 4) == 0xBEEF5678);
  rig.out(0xE1, 0xAA, 1);
  CHECK(rig.in(0xE0, 4) == 0xBEEFAA78);
  CHECK(rig.device.ioport_data() == 0xBEEFAA78);
}

TEST_CASE("pc-testdev: misaligned port accesses are invalid, as on QEMU", "[pc-testdev]") {
  PcTestdevRig rig;
  rig.out(0xE0, 0x11223344, 4);
  CHECK(rig.in(0xE1, 2) == 0);
  rig.out(0xE1, 0xFFFF, 2);
  rig.out(0xE9, 0xFFFF, 2);
  CHECK(rig.in(0xE0, 4) == 0x11223344);
  CHECK(rig.in(0xEA, 2) == 0x1122);  // aligned words of the byte-wise window work
}

TEST_CASE("pc-testdev: 0xE8-0xEB is the same register, byte by byte", "[pc-testdev]") {
  PcTestdevRig rig;
  rig.out(0xE0, 0xCAFEF00D, 4);
  CHECK(rig.in(0xE8, 4) == 0xCAFEF00D);
  CHECK(rig.in(0xEA, 2) == 0xCAFE);
  rig.out(0xE8, 0x01020304, 4);
  CHECK(rig.in(0xE0, 4) == 0x01020304);
  rig.out(0xEB, 0xFF, 1);
  CHECK(rig.in(0xE0, 4) == 0xFF020304);
}

TEST_CASE("pc-testdev: flush port reads 0 and accepts only 4-byte writes", "[pc-testdev]") {
  PcTestdevRig rig;
  MemoryTraceSink* sink = nullptr;
  {
    auto owned = std::make_unique<MemoryTraceSink>();
    sink = owned.get();
    rig.trace.set_sink(std::move(owned));
  }
  rig.trace.set_mask(static_cast<u32>(TraceCategory::Device));
  CHECK(rig.in(0xE4, 4) == 0);
  CHECK(rig.in(0xE4, 1) == 0);
  rig.out(0xE4, 0x12345, 1);  // invalid sizes: dropped
  rig.out(0xE4, 0x12345, 2);
  CHECK(sink->lines().empty());
  rig.out(0xE4, 0x12345, 4);
  REQUIRE(sink->lines().size() == 1);
  CHECK(sink->lines()[0].find("flush-page") != std::string::npos);
  CHECK(sink->lines()[0].find("0x12000") != std::string::npos);
  CHECK(rig.device.ioport_data() == 0);  // a different register from 0xE0-0xE3
}

TEST_CASE("pc-testdev: port 0x2000 + n drives line n to (byte != 0)", "[pc-testdev]") {
  PcTestdevRig rig;
  rig.out(0x2000 + 10, 1, 1);
  CHECK(rig.probe.level[10]);
  CHECK(rig.device.irq(10).level());
  rig.out(0x2000 + 10, 0x80, 1);
  CHECK(rig.probe.level[10]);
  rig.out(0x2000 + 10, 0, 1);
  CHECK_FALSE(rig.probe.level[10]);
  // QEMU's valid.max_access_size = 1: a word or dword OUT is invalid and drives nothing.
  rig.out(0x2004, 0x0101, 2);
  rig.out(0x2004, 0x01010101, 4);
  for (unsigned line = 4; line < 8; ++line) CHECK_FALSE(rig.probe.level[line]);
  rig.out(0x2000 + 23, 1, 1);  // the last GSI
  CHECK(rig.probe.level[23]);
  CHECK(rig.in(0x2000 + 23, 1) == 0);  // reads give 0
  CHECK(rig.ports.owner(0x2018).empty());
  rig.device.reset();
  for (bool level : rig.probe.level) CHECK_FALSE(level);
}

TEST_CASE("pc-testdev: iomem at 0xFF000000 is 64 KiB of memory for any access size",
          "[pc-testdev]") {
  PcTestdevRig rig;
  rig.memory.write(PcTestdev::kIomemBase, 0x1122334455667788, 8);
  CHECK(rig.memory.read(PcTestdev::kIomemBase, 8) == 0x1122334455667788);
  CHECK(rig.memory.read(PcTestdev::kIomemBase + 1, 4) == 0x44556677);
  CHECK(rig.memory.read(PcTestdev::kIomemBase + 7, 1) == 0x11);
  rig.memory.write(PcTestdev::kIomemBase + 0xFFFF, 0xAB, 1);
  CHECK(rig.memory.read(PcTestdev::kIomemBase + 0xFFFF, 1) == 0xAB);
  CHECK(rig.device.iomem()[0xFFFF] == 0xAB);
  // Past the end nothing decodes: all ones.
  CHECK(rig.memory.read(PcTestdev::kIomemBase + 0x10000, 1) == 0xFF);
}

TEST_CASE("pc-testdev: reset keeps the scratch register and iomem, as QEMU does", "[pc-testdev]") {
  PcTestdevRig rig;
  rig.out(0xE0, 0x5A5A5A5A, 4);
  rig.memory.write(PcTestdev::kIomemBase + 16, 0x77, 1);
  rig.device.reset();
  CHECK(rig.in(0xE0, 4) == 0x5A5A5A5A);
  CHECK(rig.memory.read(PcTestdev::kIomemBase + 16, 1) == 0x77);
}

TEST_CASE("pc-testdev: snapshot keeps the register, iomem and line levels", "[pc-testdev]") {
  PcTestdevRig a;
  a.out(0xE0, 0xDEADBEEF, 4);
  a.memory.write(PcTestdev::kIomemBase + 0x1234, 0x0102030405060708, 8);
  a.out(0x2000 + 3, 1, 1);
  a.out(0x2000 + 17, 1, 1);
  const std::vector<u8> bytes = save(a.device);

  PcTestdevRig b;
  load(b.device, bytes);
  CHECK(b.in(0xE0, 4) == 0xDEADBEEF);
  CHECK(b.memory.read(PcTestdev::kIomemBase + 0x1234, 8) == 0x0102030405060708);
  CHECK(b.probe.level[3]);
  CHECK(b.probe.level[17]);
  CHECK_FALSE(b.probe.level[4]);
}

}  // namespace
}  // namespace glasspc::test

#include "bus/memory_map.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bus/clock.h"
#include "bus/trace.h"

namespace glasspc {
namespace {

struct MmioAccess {
  u64 offset;
  u64 value;
  unsigned size;
  bool write;
  bool operator==(const MmioAccess&) const = default;
};

// An MMIO device backed by a byte array that records every callback.
struct FakeMmio {
  std::vector<u8> regs;
  std::vector<MmioAccess> log;

  explicit FakeMmio(std::size_t size, u8 seed = 0) : regs(size) {
    for (std::size_t i = 0; i < size; ++i) regs[i] = static_cast<u8>(seed + i);
  }
  MmioOps ops(AccessSizes valid = {1, 8, true}, AccessSizes impl = {1, 8, true}) {
    MmioOps o;
    o.valid = valid;
    o.impl = impl;
    o.read = [this](u64 offset, unsigned size) {
      u64 value = 0;
      for (unsigned i = 0; i < size; ++i)
        if (offset + i < regs.size()) value |= u64{regs[offset + i]} << (8 * i);
      log.push_back({offset, value, size, false});
      return value;
    };
    o.write = [this](u64 offset, u64 value, unsigned size) {
      log.push_back({offset, value, size, true});
      for (unsigned i = 0; i < size; ++i)
        if (offset + i < regs.size()) regs[offset + i] = static_cast<u8>(value >> (8 * i));
    };
    return o;
  }
};

struct RecordingObserver : RamWriteObserver {
  struct Write {
    u64 offset;
    u64 length;
    bool operator==(const Write&) const = default;
  };
  std::vector<Write> writes;
  void ram_written(u64 ram_offset, u64 length) override { writes.push_back({ram_offset, length}); }
};

struct Bench {
  Clock clock;
  Trace trace{clock};
  MemoryTraceSink* sink = nullptr;
  MemoryMap map{trace};

  explicit Bench(u64 ram = 0x200000) {
    auto owned = std::make_unique<MemoryTraceSink>();
    sink = owned.get();
    trace.set_sink(std::move(owned));
    map.allocate_ram(ram);
  }
  bool traced(const std::string& needle) const {
    for (const auto& line : sink->lines())
      if (line.find(needle) != std::string::npos) return true;
    return false;
  }
};

std::vector<u8> pattern(std::size_t size, u8 seed) {
  std::vector<u8> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<u8>(seed + i * 7);
  return bytes;
}

TEST_CASE("memory map: RAM is read and written little-endian at every size", "[memory]") {
  Bench bench;
  bench.map.add_ram("ram", 0, 0x200000, 0);
  bench.map.write(0x1003, 0x8877665544332211, 8);
  CHECK(bench.map.ram()[0x1003] == 0x11);
  CHECK(bench.map.ram()[0x100a] == 0x88);
  CHECK(bench.map.read(0x1003, 1) == 0x11);
  CHECK(bench.map.read(0x1003, 2) == 0x2211);
  CHECK(bench.map.read(0x1004, 4) == 0x55443322);
  CHECK(bench.map.read(0x1003, 8) == 0x8877665544332211);
  bench.map.write(0x1004, 0xffffffffffffabcd, 2);
  CHECK(bench.map.read(0x1003, 4) == 0x44abcd11);
  CHECK(bench.map.unassigned_accesses() == 0);
}

TEST_CASE("memory map: a RAM window maps guest addresses onto a RAM offset", "[memory]") {
  Bench bench;
  bench.map.add_ram("ram-high", 0x100000000, 0x100000, 0x100000);
  bench.map.write(0x100000010, 0xabcd, 2);
  CHECK(bench.map.ram()[0x100010] == 0xcd);
  CHECK(bench.map.ram_offset_of(0x100000010) == 0x100010);
  CHECK(bench.map.ram_offset_of(0x10) == ~u64{0});
}

TEST_CASE("memory map: a BAR with higher priority covers RAM", "[memory]") {
  Bench bench;
  FakeMmio bar(0x1000, 0x40);
  bench.map.add_ram("ram", 0, 0x200000, 0);
  bench.map.add_mmio("bar0", 0x100000, 0x1000, bar.ops(), 1);
  std::memset(bench.map.ram() + 0xff000, 0x99, 0x3000);

  CHECK(bench.map.read(0x100004, 1) == 0x44);
  REQUIRE(bar.log.size() == 1);
  CHECK(bar.log[0] == MmioAccess{4, 0x44, 1, false});
  CHECK(bench.map.read(0x101000, 1) == 0x99);  // past the BAR: RAM again
  CHECK(bench.map.read(0xffffc, 4) == 0x99999999);
}

TEST_CASE("memory map: a lower-priority region stays hidden even when added later", "[memory]") {
  Bench bench;
  FakeMmio dev(0x1000);
  bench.map.add_ram("ram", 0, 0x200000, 0, 2);
  bench.map.add_mmio("hidden", 0x1000, 0x1000, dev.ops(), 1);
  bench.map.write(0x1000, 0x5a, 1);
  CHECK(bench.map.read(0x1000, 1) == 0x5a);
  CHECK(dev.log.empty());
}

TEST_CASE("memory map: with equal priority the region added later wins", "[memory]") {
  Bench bench;
  FakeMmio first(0x1000, 0x10);
  FakeMmio second(0x1000, 0x20);
  bench.map.add_mmio("first", 0xfed00000, 0x1000, first.ops());
  bench.map.add_mmio("second", 0xfed00000, 0x1000, second.ops());
  CHECK(bench.map.read(0xfed00000, 1) == 0x20);
  CHECK(first.log.empty());
}

TEST_CASE("memory map: ROM is shadowed by RAM of higher priority until that is disabled",
          "[memory]") {
  Bench bench;
  const RegionId rom = bench.map.add_rom("bios", 0xf0000, pattern(0x10000, 3));
  const RegionId shadow = bench.map.add_ram("shadow", 0xf0000, 0x10000, 0xf0000, 1);
  bench.map.ram()[0xf0010] = 0xee;
  CHECK(bench.map.read(0xf0010, 1) == 0xee);

  bench.map.set_enabled(shadow, false);
  CHECK(bench.map.read(0xf0010, 1) == pattern(0x10000, 3)[0x10]);
  // ROM writes are ignored: the image is unchanged.
  bench.map.write(0xf0010, 0x00, 1);
  CHECK(bench.map.read(0xf0010, 1) == pattern(0x10000, 3)[0x10]);
  CHECK(bench.map.rom_bytes(rom)[0x10] == pattern(0x10000, 3)[0x10]);
  CHECK(bench.map.unassigned_accesses() == 0);
}

TEST_CASE("memory map: PAM-style routing sends reads to ROM and writes to shadow RAM", "[memory]") {
  // i440FX datasheet 3.2.18 (PAM registers): each segment of 0xC0000-0xFFFFF routes reads and
  // writes separately to DRAM or to the PCI/ISA side.
  Bench bench;
  const auto image = pattern(0x10000, 9);
  bench.map.add_rom("bios", 0xf0000, image);
  const RegionId shadow = bench.map.add_ram("pam-f0000", 0xf0000, 0x10000, 0xf0000, 1);

  bench.map.set_decode(shadow, Decode::Write);  // "write enable": copy the BIOS into RAM
  std::vector<u8> copy(0x10000);
  bench.map.read_bytes(0xf0000, copy.data(), copy.size());
  CHECK(copy == image);
  for (std::size_t i = 0; i < copy.size(); ++i) copy[i] ^= 0xff;
  bench.map.write_bytes(0xf0000, copy.data(), copy.size());
  CHECK(bench.map.ram()[0xf0000] == static_cast<u8>(image[0] ^ 0xff));
  CHECK(bench.map.read(0xf0000, 1) == image[0]);  // reads still from ROM

  bench.map.set_decode(shadow, Decode::Read);  // "read enable", write-protected shadow
  CHECK(bench.map.read(0xf0000, 1) == static_cast<u8>(image[0] ^ 0xff));
  bench.map.write(0xf0000, 0x12, 1);  // falls through to ROM, which ignores it
  CHECK(bench.map.ram()[0xf0000] == static_cast<u8>(image[0] ^ 0xff));

  bench.map.set_decode(shadow, Decode::None);
  CHECK(bench.map.read(0xf0000, 1) == image[0]);
  bench.map.set_decode(shadow, Decode::ReadWrite);
  bench.map.write(0xf0000, 0x12, 1);
  CHECK(bench.map.read(0xf0000, 1) == 0x12);
}

TEST_CASE("memory map: an alias shows its target at another address", "[memory]") {
  Bench bench;
  const auto image = pattern(0x20000, 1);
  const RegionId bios = bench.map.add_rom("bios", 0xfffe0000, image);
  bench.map.add_alias("bios-low", 0xe0000, 0x20000, bios, 0);
  CHECK(bench.map.read(0xe0000, 4) == bench.map.read(0xfffe0000, 4));
  CHECK(bench.map.read(0xfffff, 1) == image[0x1ffff]);

  const RegionId ram = bench.map.add_ram("ram", 0, 0x100000, 0);
  bench.map.add_alias("ram-mirror", 0x40000000, 0x1000, ram, 0x5000);
  bench.map.write(0x40000010, 0xcafe, 2);
  CHECK(bench.map.ram()[0x5010] == 0xfe);
  CHECK(bench.map.ram_offset_of(0x40000010) == 0x5010);
}

TEST_CASE("memory map: aliases resolve through chains and stop at their target's end", "[memory]") {
  Bench bench;
  FakeMmio dev(0x100, 0x30);
  const RegionId mmio = bench.map.add_mmio("dev", 0xfe000000, 0x100, dev.ops());
  const RegionId a = bench.map.add_alias("a", 0x10000000, 0x100, mmio, 0x80);
  bench.map.add_alias("b", 0x20000000, 0x100, a, 0x10);
  // b+0 -> a+0x10 -> dev+0x90
  CHECK(bench.map.read(0x20000000, 1) == 0x30 + 0x90);
  REQUIRE(dev.log.size() == 1);
  CHECK(dev.log[0].offset == 0x90);
  // a shows only 0x80 bytes of dev; past that it decodes nothing.
  CHECK(bench.map.read(0x10000080, 1) == 0xff);
  CHECK(bench.map.unassigned_accesses() == 1);
}

TEST_CASE("memory map: aliases of a removed region decode nothing", "[memory]") {
  Bench bench;
  FakeMmio dev(0x10);
  const RegionId base = bench.map.add_mmio("dev", 0x1000, 0x10, dev.ops());
  const RegionId x = bench.map.add_alias("x", 0x2000, 0x10, base, 0);
  bench.map.add_alias("y", 0x3000, 0x10, x, 0);
  // Removing the base leaves aliases that lead nowhere.
  bench.map.remove(base);
  CHECK(bench.map.read(0x2000, 1) == 0xff);
  CHECK(bench.map.read(0x3000, 1) == 0xff);
  CHECK(dev.log.empty());
}

TEST_CASE("memory map: moving and disabling a BAR relocates and hides it", "[memory]") {
  Bench bench;
  FakeMmio bar(0x1000, 0x50);
  const RegionId id = bench.map.add_mmio("bar0", 0xe0000000, 0x1000, bar.ops());
  CHECK(bench.map.read(0xe0000001, 1) == 0x51);

  bench.map.move(id, 0xe1000000);
  CHECK(bench.map.region_base(id) == 0xe1000000);
  CHECK(bench.map.read(0xe0000001, 1) == 0xff);
  CHECK(bench.map.read(0xe1000001, 1) == 0x51);
  CHECK(bar.log.back().offset == 1);

  bench.map.set_enabled(id, false);
  CHECK(bench.map.read(0xe1000001, 1) == 0xff);
  bench.map.set_enabled(id, true);
  CHECK(bench.map.read(0xe1000001, 1) == 0x51);
  CHECK(bench.map.unassigned_accesses() == 2);
  CHECK(bench.map.region_size(id) == 0x1000);
  CHECK(bench.map.region_name(id) == "bar0");
}

TEST_CASE("memory map: every change of the map bumps the generation", "[memory]") {
  Bench bench;
  FakeMmio bar(0x1000);
  u64 gen = bench.map.generation();
  auto bumped = [&] {
    const u64 now = bench.map.generation();
    const bool result = now > gen;
    gen = now;
    return result;
  };
  const RegionId ram = bench.map.add_ram("ram", 0, 0x100000, 0);
  CHECK(bumped());
  const RegionId id = bench.map.add_mmio("bar", 0xe0000000, 0x1000, bar.ops());
  CHECK(bumped());
  bench.map.move(id, 0xe0001000);
  CHECK(bumped());
  bench.map.move(id, 0xe0001000);  // same place: nothing changed
  CHECK_FALSE(bumped());
  bench.map.set_enabled(id, false);
  CHECK(bumped());
  bench.map.set_decode(ram, Decode::Read);
  CHECK(bumped());
  bench.map.set_a20(false);
  CHECK(bumped());
  CHECK(bench.map.a20_mask() == ~(u64{1} << 20));
  bench.map.set_a20(false);
  CHECK_FALSE(bumped());
  bench.map.watch_ram_page(3, true);
  CHECK(bumped());
  bench.map.watch_ram_page(3, false);  // losing a watch needs no invalidation
  CHECK_FALSE(bumped());
  bench.map.remove(id);
  CHECK(bumped());
  // Accesses do not change the generation.
  bench.map.read(0x10, 4);
  CHECK_FALSE(bumped());
}

TEST_CASE("memory map: host_page gives direct pointers only for whole RAM or ROM pages",
          "[memory]") {
  Bench bench;
  FakeMmio dev(0x100);
  const RegionId rom = bench.map.add_rom("bios", 0xf0000, pattern(0x10000, 5));
  bench.map.add_ram("ram", 0, 0xa0000, 0);
  bench.map.add_ram("ram-high", 0x100000, 0x100000, 0x100000);
  bench.map.add_mmio("dev", 0x150800, 0x100, dev.ops(), 1);

  auto ram_page = bench.map.host_page(0x3000);
  CHECK(ram_page.read == bench.map.ram() + 0x3000);
  CHECK(ram_page.write == bench.map.ram() + 0x3000);
  CHECK(ram_page.ram_offset == 0x3000);
  // Any address inside the page names the page.
  CHECK(bench.map.host_page(0x3abc).read == bench.map.ram() + 0x3000);

  auto rom_page = bench.map.host_page(0xf1000);
  CHECK(rom_page.read == bench.map.rom_bytes(rom).data() + 0x1000);
  CHECK(rom_page.write == nullptr);
  CHECK(rom_page.ram_offset == ~u64{0});

  auto mixed = bench.map.host_page(0x150000);  // MMIO inside the page
  CHECK(mixed.read == nullptr);
  CHECK(mixed.write == nullptr);
  CHECK(bench.map.host_page(0x151000).write == bench.map.ram() + 0x151000);

  auto hole = bench.map.host_page(0xc0000000);
  CHECK(hole.read == nullptr);
  CHECK(hole.write == nullptr);

  bench.map.watch_ram_page(0x3, true);
  auto watched = bench.map.host_page(0x3000);
  CHECK(watched.read == bench.map.ram() + 0x3000);
  CHECK(watched.write == nullptr);
  CHECK(watched.ram_offset == 0x3000);
}

TEST_CASE("memory map: host_page follows read-only decode and a RAM page split by a region",
          "[memory]") {
  Bench bench;
  bench.map.add_rom("bios", 0xf0000, pattern(0x10000, 5));
  const RegionId shadow = bench.map.add_ram("shadow", 0xf0000, 0x10000, 0xf0000, 1);
  bench.map.set_decode(shadow, Decode::Write);
  auto page = bench.map.host_page(0xf2000);
  CHECK(page.read != nullptr);
  CHECK(page.read != bench.map.ram() + 0xf2000);  // ROM bytes for reads
  CHECK(page.write == bench.map.ram() + 0xf2000);
  CHECK(page.ram_offset == 0xf2000);

  bench.map.add_ram("odd", 0x300000, 0x800, 0x1000, 2);  // half a page
  CHECK(bench.map.host_page(0x300000).read == nullptr);
}

TEST_CASE("memory map: MMIO accesses of invalid sizes are unassigned", "[memory]") {
  Bench bench;
  FakeMmio ioapic(0x20, 0x10);
  bench.map.add_mmio("ioapic", 0xfec00000, 0x20, ioapic.ops(AccessSizes{4, 4, false}));
  CHECK(bench.map.read(0xfec00000, 1) == 0xff);
  CHECK(bench.map.read(0xfec00002, 4) == 0xffffffff);  // misaligned
  CHECK(bench.map.read(0xfec00000, 8) == ~u64{0});
  bench.map.write(0xfec00010, 0x1234, 2);
  CHECK(ioapic.log.empty());
  CHECK(bench.map.unassigned_accesses() == 4);
  CHECK(bench.map.read(0xfec00010, 4) == 0x23222120);
  CHECK(ioapic.log.size() == 1);
}

TEST_CASE("memory map: MMIO accesses are split or widened to the implemented sizes", "[memory]") {
  Bench bench;
  FakeMmio hpet(0x400, 0);
  bench.map.add_mmio("hpet", 0xfed00000, 0x400, hpet.ops({1, 8, true}, AccessSizes{4, 4, false}));

  CHECK(bench.map.read(0xfed00008, 8) == 0x0f0e0d0c0b0a0908);
  REQUIRE(hpet.log.size() == 2);
  CHECK(hpet.log[0] == MmioAccess{8, 0x0b0a0908, 4, false});
  CHECK(hpet.log[1] == MmioAccess{0xc, 0x0f0e0d0c, 4, false});
  hpet.log.clear();

  bench.map.write(0xfed00011, 0xaa, 1);
  REQUIRE(hpet.log.size() == 2);
  CHECK(hpet.log[0] == MmioAccess{0x10, 0x13121110, 4, false});
  CHECK(hpet.log[1] == MmioAccess{0x10, 0x1312aa10, 4, true});
}

TEST_CASE("memory map: an access across a region boundary is split into bytes", "[memory]") {
  Bench bench;
  FakeMmio dev(0x100, 0xa0);
  bench.map.add_ram("ram", 0, 0x1000, 0);
  bench.map.add_mmio("dev", 0x1000, 0x100, dev.ops());
  bench.map.ram()[0xffe] = 0x11;
  bench.map.ram()[0xfff] = 0x22;

  CHECK(bench.map.read(0xffe, 4) == 0xa1a02211);
  REQUIRE(dev.log.size() == 2);
  CHECK(dev.log[0] == MmioAccess{0, 0xa0, 1, false});
  CHECK(dev.log[1] == MmioAccess{1, 0xa1, 1, false});

  bench.map.write(0xfff, 0x334455, 3);
  CHECK(bench.map.ram()[0xfff] == 0x55);
  CHECK(dev.regs[0] == 0x44);
  CHECK(dev.regs[1] == 0x33);

  // RAM followed by nothing: the missing bytes float high.
  bench.map.add_ram("ram2", 0x10000, 0x1000, 0x1000);
  bench.map.ram()[0x1fff] = 0x77;
  CHECK(bench.map.read(0x10ffe, 4) == 0xffff7700);
  CHECK(bench.map.unassigned_accesses() == 2);
}

TEST_CASE("memory map: unassigned reads are all ones, writes are dropped, both counted",
          "[memory]") {
  Bench bench;
  CHECK(bench.map.read(0x80000000, 1) == 0xff);
  CHECK(bench.map.read(0x80000000, 4) == 0xffffffff);
  CHECK(bench.map.read(0x80000000, 8) == ~u64{0});
  bench.map.write(0x80000000, 1, 4);
  CHECK(bench.map.unassigned_accesses() == 4);
  // The top of the address space wraps without overflowing anything.
  CHECK(bench.map.read(~u64{0} - 3, 8) == ~u64{0});
}

TEST_CASE("memory map: regions at the top of the address space are clipped, not wrapped",
          "[memory]") {
  Bench bench;
  FakeMmio bar(0x2000, 0x60);
  const RegionId id = bench.map.add_mmio("bar64", 0x1000, 0x2000, bar.ops());
  bench.map.move(id, ~u64{0} - 0xfff);  // a guest may program a 64-bit BAR anywhere
  CHECK(bench.map.read(~u64{0} - 0xfff, 1) == 0x60);
  CHECK(bench.map.read(0x0, 1) == 0xff);  // nothing wrapped around to 0
  bench.map.read(~u64{0} - 1, 8);
  bench.map.host_page(~u64{0});
  CHECK_FALSE(bench.map.describe().empty());
}

TEST_CASE("memory map: bulk copies cross RAM, ROM, MMIO and holes", "[memory]") {
  Bench bench;
  FakeMmio dev(0x10, 0xc0);
  bench.map.add_ram("ram", 0, 0x1000, 0);
  bench.map.add_mmio("dev", 0x1000, 0x10, dev.ops({4, 4, false}, {4, 4, false}));
  bench.map.add_rom("rom", 0x1020, {1, 2, 3, 4});

  std::vector<u8> out(0x1028 - 0xff8);
  bench.map.read_bytes(0xff8, out.data(), out.size());
  // RAM (zero), then the device in dword pieces, then a hole, then the ROM, then a hole.
  CHECK(out[0] == 0);
  CHECK(out[8] == 0xc0);
  CHECK(out[0x17] == 0xcf);
  CHECK(out[0x18] == 0xff);
  CHECK(out[0x28] == 1);
  CHECK(out[0x2b] == 4);
  CHECK(out[0x2c] == 0xff);
  CHECK(dev.log.size() == 4);
  for (const auto& access : dev.log) CHECK(access.size == 4);

  std::vector<u8> in(0x18, 0x5a);
  bench.map.write_bytes(0xff8, in.data(), in.size());
  CHECK(bench.map.ram()[0xff8] == 0x5a);
  CHECK(bench.map.ram()[0xfff] == 0x5a);
  CHECK(dev.regs[0] == 0x5a);
  CHECK(dev.regs[0xf] == 0x5a);
  const u64 before = bench.map.unassigned_accesses();
  bench.map.write_bytes(0x1010, in.data(), 0x18);  // hole then ROM: dropped
  CHECK(bench.map.unassigned_accesses() == before + 2);
  CHECK(bench.map.read(0x1020, 4) == 0x04030201);
}

TEST_CASE("memory map: writes to watched RAM pages reach the observer with RAM offsets",
          "[memory]") {
  Bench bench;
  RecordingObserver observer;
  const RegionId ram = bench.map.add_ram("ram", 0x100000, 0x10000, 0x10000);
  bench.map.add_alias("mirror", 0x800000, 0x10000, ram, 0);
  bench.map.set_ram_write_observer(&observer);
  bench.map.watch_ram_page(0x11, true);
  CHECK(bench.map.ram_page_watched(0x11));
  CHECK_FALSE(bench.map.ram_page_watched(0x12));

  bench.map.write(0x100010, 1, 4);  // RAM page 0x10: not watched
  CHECK(observer.writes.empty());
  bench.map.write(0x100ffc, ~u64{0}, 8);  // straddles into watched page 0x11
  REQUIRE(observer.writes.size() == 1);
  CHECK(observer.writes[0] == RecordingObserver::Write{0x11000, 4});

  observer.writes.clear();
  std::vector<u8> block(0x3000, 0x90);
  bench.map.write_bytes(0x800800, block.data(), block.size());  // through the alias
  REQUIRE(observer.writes.size() == 1);
  CHECK(observer.writes[0] == RecordingObserver::Write{0x11000, 0x1000});

  bench.map.watch_ram_page(0x11, false);
  observer.writes.clear();
  bench.map.write(0x101000, 1, 1);
  CHECK(observer.writes.empty());
}

TEST_CASE("memory map: MMIO is traced by region name unless the device traces itself", "[memory]") {
  Bench bench;
  bench.trace.set_mask(static_cast<u32>(TraceCategory::Mmio) |
                       static_cast<u32>(TraceCategory::Unassigned));
  FakeMmio uart(0x10, 0x30);
  FakeMmio quiet(0x10);
  MmioOps quiet_ops = quiet.ops();
  quiet_ops.traces_itself = true;
  bench.map.add_mmio("mmio-uart", 0xfe000000, 0x10, uart.ops());
  bench.map.add_mmio("self-traced", 0xfe001000, 0x10, std::move(quiet_ops));
  bench.map.read(0xfe000001, 1);
  bench.map.write(0xfe000002, 0x41, 1);
  bench.map.read(0xfe001000, 4);
  bench.map.read(0xd0000000, 2);
  CHECK(bench.traced("mmio  mmio-uart read addr=0xfe000001 value=0x31 size=0x1"));
  CHECK(bench.traced("mmio  mmio-uart write addr=0xfe000002 value=0x41 size=0x1"));
  CHECK(bench.traced("unassigned memory read addr=0xd0000000 value=0xffff size=0x2"));
  CHECK_FALSE(bench.traced("self-traced"));
  CHECK(bench.sink->lines().size() == 3);
}

TEST_CASE("memory map: a device callback may change the map in the middle of an access",
          "[memory]") {
  Bench bench;
  FakeMmio bar(0x1000, 0x70);
  const RegionId bar_id = bench.map.add_mmio("bar0", 0xe0000000, 0x1000, bar.ops());
  MmioOps control;
  control.write = [&](u64, u64 value, unsigned) {
    bench.map.move(bar_id, value);
    bench.map.read(value, 1);  // rebuilds the table while the outer access is running
  };
  control.read = [](u64, unsigned) { return u64{0}; };
  bench.map.add_mmio("control", 0xfee00000 - 0x1000, 0x10, std::move(control));
  bench.map.write(0xfee00000 - 0x1000, 0xd0000000, 4);
  CHECK(bench.map.read(0xd0000003, 1) == 0x73);
  CHECK(bench.map.read(0xe0000003, 1) == 0xff);
}

TEST_CASE("memory map: describe lists each flat range with its kind, name and offset", "[memory]") {
  Bench bench;
  FakeMmio dev(0x1000);
  bench.map.add_ram("ram-low", 0, 0xa0000, 0);
  bench.map.add_rom("bios", 0xf0000, pattern(0x10000, 1));
  const RegionId shadow = bench.map.add_ram("shadow", 0xf0000, 0x10000, 0xf0000, 1);
  bench.map.set_decode(shadow, Decode::Write);
  bench.map.add_mmio("lapic", 0xfee00000, 0x1000, dev.ops());
  const std::string text = bench.map.describe();
  CHECK(text.find("0000000000000000-000000000009ffff ram  ram-low +0x0 (ram 0x0)") !=
        std::string::npos);
  CHECK(text.find("00000000000f0000-00000000000fffff read: rom  bios +0x0; write: ram  shadow "
                  "+0x0 (ram 0xf0000)") != std::string::npos);
  CHECK(text.find("00000000fee00000-00000000fee00fff mmio lapic +0x0") != std::string::npos);
  // Exactly one line per decoded range.
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
}

TEST_CASE("memory map: building errors throw logic_error", "[memory]") {
  Bench bench(0x10000);
  CHECK_THROWS_AS(bench.map.add_ram("too-big", 0, 0x20000, 0), std::logic_error);
  CHECK_THROWS_AS(bench.map.add_ram("past-end", 0, 0x1000, 0xf001), std::logic_error);
  CHECK_THROWS_AS(bench.map.add_rom("empty", 0, {}), std::logic_error);
  CHECK_THROWS_AS(bench.map.add_alias("nowhere", 0, 0x1000, 42, 0), std::logic_error);
  CHECK_THROWS_AS(bench.map.move(42, 0), std::logic_error);
  CHECK_THROWS_AS(bench.map.allocate_ram(0x1000), std::logic_error);
  const RegionId ram = bench.map.add_ram("ram", 0, 0x10000, 0);
  CHECK_THROWS_AS(bench.map.rom_bytes(ram), std::logic_error);
  bench.map.remove(ram);
  CHECK_THROWS_AS(bench.map.region_base(ram), std::logic_error);
  CHECK(bench.map.read(0, 1) == 0xff);
}

}  // namespace
}  // namespace glasspc

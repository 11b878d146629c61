// Tests for firmware/pc_memory_layout: the RAM split of QEMU's pc machine and the E820 map.
#include "firmware/pc_memory_layout.h"

#include <catch2/catch.hpp>
#include <vector>

#include "bus/clock.h"
#include "bus/memory_map.h"
#include "bus/trace.h"
#include "firmware/load_error.h"

namespace glasspc::firmware {

namespace {

constexpr E820Type kRam = E820Type::Ram;
constexpr E820Type kReserved = E820Type::Reserved;

}  // namespace

TEST_CASE("pc_memory_layout keeps 128 MiB whole below 4 GiB") {
  const PcMemoryLayout layout = pc_memory_layout(128 * kMiB);
  CHECK(layout.ram_size == 128 * kMiB);
  CHECK(layout.below_4g == 128 * kMiB);
  CHECK(layout.above_4g == 0);
}

TEST_CASE("pc_memory_layout moves everything past 3 GiB above 4 GiB from 3.5 GiB on") {
  // Just below QEMU's 0xE0000000 threshold nothing is split.
  const PcMemoryLayout below = pc_memory_layout(0xE0000000 - kPageSize);
  CHECK(below.below_4g == 0xE0000000 - kPageSize);
  CHECK(below.above_4g == 0);

  const PcMemoryLayout at = pc_memory_layout(0xE0000000);  // 3.5 GiB
  CHECK(at.below_4g == 3 * kGiB);
  CHECK(at.above_4g == kGiB / 2);

  const PcMemoryLayout eight = pc_memory_layout(8 * kGiB);
  CHECK(eight.ram_size == 8 * kGiB);
  CHECK(eight.below_4g == 3 * kGiB);
  CHECK(eight.above_4g == 5 * kGiB);
}

TEST_CASE("pc_memory_layout rejects sizes a PC cannot have") {
  CHECK_THROWS_WITH(pc_memory_layout(512 * kKiB),
                    "memory size 524288 bytes is too small: a PC needs at least 1 MiB");
  CHECK_THROWS_AS(pc_memory_layout(0), LoadError);
  CHECK_THROWS_WITH(pc_memory_layout(64 * kMiB + 100),
                    "memory size 67108964 bytes is not a multiple of 4 KiB");
  CHECK_NOTHROW(pc_memory_layout(kMiB));
}

TEST_CASE("pc_e820_map for 128 MiB matches QEMU with SeaBIOS") {
  const std::vector<E820Entry> expected = {
      {0, 0x9FC00, kRam},
      {0x9FC00, 0x400, kReserved},
      {0xF0000, 0x10000, kReserved},
      {0x100000, 128 * kMiB - 0x100000, kRam},
      {0xFFFC0000, 0x40000, kReserved},
  };
  CHECK(pc_e820_map(pc_memory_layout(128 * kMiB)) == expected);
}

TEST_CASE("pc_e820_map for 3.5 GiB and 8 GiB adds RAM above 4 GiB") {
  const std::vector<E820Entry> expected_3_5 = {
      {0, 0x9FC00, kRam},
      {0x9FC00, 0x400, kReserved},
      {0xF0000, 0x10000, kReserved},
      {0x100000, 3 * kGiB - 0x100000, kRam},
      {0xFFFC0000, 0x40000, kReserved},
      {4 * kGiB, kGiB / 2, kRam},
  };
  CHECK(pc_e820_map(pc_memory_layout(0xE0000000)) == expected_3_5);

  const std::vector<E820Entry> map = pc_e820_map(pc_memory_layout(8 * kGiB));
  REQUIRE(map.size() == 6);
  CHECK(map[3] == E820Entry{0x100000, 3 * kGiB - 0x100000, kRam});
  CHECK(map[5] == E820Entry{4 * kGiB, 5 * kGiB, kRam});
  // Total RAM reported equals the RAM size minus the 1 KiB EBDA and the 384 KiB legacy hole.
  u64 ram = 0;
  for (const E820Entry& entry : map)
    if (entry.type == kRam) ram += entry.length;
  CHECK(ram == 8 * kGiB - 0x400 - 0x60000);
}

TEST_CASE("map_pc_ram backs both windows with one RAM allocation") {
  Clock clock;
  Trace trace(clock);
  MemoryMap memory(trace);
  // A small hand-made split exercises the window above 4 GiB without allocating gigabytes.
  const PcMemoryLayout layout{8 * kMiB, 4 * kMiB, 4 * kMiB};
  map_pc_ram(memory, layout);
  REQUIRE(memory.ram_size() == 8 * kMiB);

  memory.write(0x1000, 0x11223344, 4);
  memory.write(4 * kGiB, 0xAABBCCDD, 4);
  memory.write(4 * kGiB + 4 * kMiB - 4, 0x55667788, 4);
  CHECK(memory.ram()[0x1000] == 0x44);
  CHECK(memory.ram()[4 * kMiB] == 0xDD);  // 4 GiB is RAM offset below_4g
  CHECK(memory.ram()[8 * kMiB - 1] == 0x55);
  CHECK(memory.read(4 * kGiB, 4) == 0xAABBCCDD);
  // Between the windows (and past the top) nothing is mapped: reads float to all ones.
  CHECK(memory.read(4 * kMiB, 4) == 0xFFFFFFFF);
  CHECK(memory.read(4 * kGiB + 4 * kMiB, 4) == 0xFFFFFFFF);
}

TEST_CASE("map_pc_ram without RAM above 4 GiB maps only the low window") {
  Clock clock;
  Trace trace(clock);
  MemoryMap memory(trace);
  map_pc_ram(memory, pc_memory_layout(2 * kMiB));
  memory.write(2 * kMiB - 1, 0x5A, 1);
  CHECK(memory.ram()[2 * kMiB - 1] == 0x5A);
  CHECK(memory.read(2 * kMiB, 1) == 0xFF);
  CHECK(memory.read(4 * kGiB, 1) == 0xFF);
}

}  // namespace glasspc::firmware

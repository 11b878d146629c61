// Tests for firmware/bios_rom: where the BIOS image appears in the physical address space.
#include "firmware/bios_rom.h"

#include <catch2/catch.hpp>

#include "firmware/load_error.h"
#include "tests/firmware/firmware_test_support.h"

namespace glasspc::firmware {

TEST_CASE("load_bios shows the reset vector at 0xFFFFFFF0 and in the F000 segment") {
  test::GuestMemory guest(64 * kMiB);
  MemoryMap& memory = guest.memory();
  std::vector<u8> rom = test::pattern(256 * kKiB, 9);
  // A far jump at the reset vector, as every PC BIOS has.
  const std::vector<u8> jump = {0xEA, 0x5B, 0xE0, 0x00, 0xF0};
  std::copy(jump.begin(), jump.end(), rom.end() - 16);
  const std::vector<u8> original = rom;
  const BiosRegions regions = load_bios(memory, "bios.bin", std::move(rom));

  CHECK(memory.region_base(regions.bios) == 4 * kGiB - 256 * kKiB);
  CHECK(memory.region_size(regions.bios) == 256 * kKiB);
  CHECK(memory.region_name(regions.isa_bios) == "isa-bios");
  CHECK(memory.region_base(regions.isa_bios) == 0xE0000);
  CHECK(memory.region_size(regions.isa_bios) == 128 * kKiB);

  CHECK(test::difference(guest.bytes(0xFFFFFFF0, 16), guest.bytes(0xFFFF0, 16)) == "");
  CHECK(test::difference(guest.bytes(0xFFFFFFF0, 5), jump) == "");
  // The whole image at the top of 4 GiB, its last 128 KiB below 1 MiB (over RAM).
  CHECK(test::difference(guest.bytes(4 * kGiB - 256 * kKiB, 256 * kKiB), original) == "");
  CHECK(test::difference(guest.bytes(0xE0000, 128 * kKiB),
                         std::vector<u8>(original.end() - 128 * kKiB, original.end())) == "");
  // ROM: writes are dropped.
  memory.write(0xFFFF0, 0, 4);
  CHECK(test::difference(guest.bytes(0xFFFF0, 5), jump) == "");
  // Below the alias, RAM is still RAM.
  memory.write(0xDFFFC, 0x12345678, 4);
  CHECK(guest.read32(0xDFFFC) == 0x12345678);
}

TEST_CASE("load_bios maps a 64 KiB image only at 0xF0000 below 1 MiB") {
  test::GuestMemory guest(16 * kMiB);
  const std::vector<u8> rom = test::pattern(64 * kKiB, 4);
  load_bios(guest.memory(), "small.bin", rom);
  CHECK(test::difference(guest.bytes(0xF0000, 64 * kKiB), rom) == "");
  CHECK(test::difference(guest.bytes(0xFFFF0000, 64 * kKiB), rom) == "");
  CHECK(test::difference(guest.bytes(0xFFFFFFF0, 16), guest.bytes(0xFFFF0, 16)) == "");
  // 0xE0000-0xEFFFF stays RAM (filled with 0xCC by GuestMemory).
  CHECK(guest.read32(0xE0000) == 0xCCCCCCCC);
}

TEST_CASE("load_bios rejects images of the wrong size") {
  test::GuestMemory guest(16 * kMiB);
  MemoryMap& memory = guest.memory();
  CHECK_THROWS_WITH(load_bios(memory, "bad.bin", std::vector<u8>(12345)),
                    "bios 'bad.bin': size 12345 is not a multiple of 64 KiB");
  CHECK_THROWS_WITH(load_bios(memory, "empty.bin", {}), "bios 'empty.bin': file is empty");
  CHECK_THROWS_WITH(load_bios(memory, "huge.bin", std::vector<u8>(16 * kMiB + 64 * kKiB)),
                    "bios 'huge.bin': size 16842752 is larger than 16 MiB");
  CHECK_THROWS_AS(load_bios(memory, "odd.bin", std::vector<u8>(64 * kKiB + 1)), LoadError);
  // Nothing was mapped by the failed attempts.
  CHECK(memory.read(0xFFFFFFF0, 4) == 0xFFFFFFFF);
  // The largest allowed image maps.
  CHECK_NOTHROW(load_bios(memory, "max.bin", std::vector<u8>(16 * kMiB)));
  CHECK(memory.read(0xFF000000, 4) == 0);
}

}  // namespace glasspc::firmware

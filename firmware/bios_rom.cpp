#include "firmware/bios_rom.h"

#include <fmt/format.h>

#include <algorithm>

#include "firmware/load_error.h"
#include "firmware/pc_memory_layout.h"

namespace glasspc::firmware {

namespace {

// Wins over guest RAM (priority 0) in the low megabyte (QEMU: memory_region_add_subregion_overlap
// of "isa-bios" with priority 1).
constexpr int kIsaBiosPriority = 1;

}  // namespace

BiosRegions load_bios(MemoryMap& memory, const std::string& path, std::vector<u8> rom) {
  const u64 size = rom.size();
  if (size == 0) throw LoadError("bios", path, "file is empty");
  if (size % kBiosSizeUnit != 0)
    throw LoadError("bios", path, fmt::format("size {} is not a multiple of 64 KiB", size));
  if (size > kMaxBiosSize)
    throw LoadError("bios", path, fmt::format("size {} is larger than 16 MiB", size));

  const u64 isa_size = std::min(size, kMaxIsaBiosSize);
  BiosRegions regions;
  regions.bios = memory.add_rom("bios", k4GiB - size, std::move(rom));
  regions.isa_bios = memory.add_alias("isa-bios", kExtendedMemoryStart - isa_size, isa_size,
                                      regions.bios, size - isa_size, kIsaBiosPriority);
  return regions;
}

}  // namespace glasspc::firmware

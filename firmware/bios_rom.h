// The system BIOS image (SeaBIOS bios.bin, or any PC firmware image).
//
// As on QEMU's pc machine (hw/i386/pc_sysfw.c) the image sits at the top of the 32-bit address
// space, so its last 16 bytes hold the reset vector the CPU fetches first (physical 0xFFFFFFF0,
// CS:IP F000:FFF0 with CS base 0xFFFF0000; Intel SDM Vol. 3A, 10.1.4 "First Instruction
// Executed"). Its last 128 KiB are also visible just below 1 MiB ("isa-bios"), where real-mode
// code reaches the F000 segment once CS has been reloaded.
#pragma once

#include <string>
#include <vector>

#include "bus/memory_map.h"
#include "bus/types.h"

namespace glasspc::firmware {

constexpr u64 kBiosSizeUnit = 64 * 1024;
constexpr u64 kMaxBiosSize = 16 * 1024 * 1024;
constexpr u64 kMaxIsaBiosSize = 128 * 1024;

struct BiosRegions {
  RegionId bios;      // the whole image at 4 GiB - size
  RegionId isa_bios;  // alias of its last min(size, 128 KiB) bytes, ending at 0x100000
};

// Maps `rom`, read from `path`, as the BIOS. Its size must be a non-zero multiple of 64 KiB and
// at most 16 MiB; otherwise throws LoadError ("bios 'p': size 12345 is not a multiple of
// 64 KiB"). The isa-bios alias has priority 1, above RAM (0), as on QEMU, so it covers the RAM
// at 0xE0000-0xFFFFF until the chipset's PAM registers say otherwise.
BiosRegions load_bios(MemoryMap& memory, const std::string& path, std::vector<u8> rom);

}  // namespace glasspc::firmware

// The Multiboot information structure a loader hands to the OS in EBX (Multiboot Specification
// 0.6.96, 3.3 "Boot information format"), built as one block of bytes: the structure itself,
// then the module list, the memory map and the strings it points to.
#pragma once

#include <string>
#include <vector>

#include "bus/types.h"
#include "firmware/pc_memory_layout.h"

namespace glasspc::firmware {

// Which fields of the structure are valid (3.3, "flags").
enum MultibootInfoFlag : u32 {
  kInfoMemory = 1u << 0,          // mem_lower, mem_upper
  kInfoBootDevice = 1u << 1,      // boot_device
  kInfoCmdline = 1u << 2,         // cmdline
  kInfoModules = 1u << 3,         // mods_count, mods_addr
  kInfoMemoryMap = 1u << 6,       // mmap_length, mmap_addr
  kInfoBootLoaderName = 1u << 9,  // boot_loader_name
};

// Field offsets in the structure (3.3).
constexpr u32 kInfoFlagsOffset = 0;
constexpr u32 kInfoMemLowerOffset = 4;
constexpr u32 kInfoMemUpperOffset = 8;
constexpr u32 kInfoBootDeviceOffset = 12;
constexpr u32 kInfoCmdlineOffset = 16;
constexpr u32 kInfoModsCountOffset = 20;
constexpr u32 kInfoModsAddrOffset = 24;
constexpr u32 kInfoMmapLengthOffset = 44;
constexpr u32 kInfoMmapAddrOffset = 48;
constexpr u32 kInfoBootLoaderNameOffset = 64;
// Up to and including the VBE fields; the framebuffer fields are only read with flag bit 12.
constexpr u32 kInfoSize = 88;

// A module list entry: mod_start, mod_end (exclusive), string, reserved (3.3, "mods_addr").
constexpr u32 kModuleEntrySize = 16;
// A memory map entry: size (= 20, not counting itself), base_addr, length, type (3.3, "mmap_addr").
constexpr u32 kMmapEntrySize = 24;

// BIOS drive 0x80 (the first hard disk), no partition: what QEMU reports, since its multiboot
// loader does not look at the boot device either.
constexpr u32 kBootDeviceFirstHardDisk = 0x8000FFFF;

struct MultibootModuleRange {
  u32 start = 0;
  u32 end = 0;  // exclusive
  std::string cmdline;
};

struct MultibootInfoContent {
  std::string cmdline;
  std::vector<MultibootModuleRange> modules;
  std::vector<E820Entry> memory_map;
  std::string boot_loader_name;
  u32 boot_device = kBootDeviceFirstHardDisk;
};

// Lower memory in KiB: the RAM contiguous from address 0, as INT 12h reports it (639 on a PC
// whose EBDA sits at 0x9FC00), at most 640.
u32 multiboot_mem_lower_kib(const std::vector<E820Entry>& memory_map);
// Upper memory in KiB: the RAM contiguous from 1 MiB up to the first hole, counting RAM entries
// below 4 GiB only (3.3: "maximally the address of the first upper memory hole minus 1
// megabyte"); QEMU's multiboot option ROM derives it from the E820 map in the same way.
u32 multiboot_mem_upper_kib(const std::vector<E820Entry>& memory_map);

// The information block as it will lie at guest-physical `base`: the structure at offset 0 with
// flags MEM, BOOTDEV, CMDLINE, MODS, MMAP and BOOT_LOADER_NAME (the set QEMU passes), followed
// by its module list, memory map and NUL-terminated strings. The caller checks that
// base + size lies in RAM below 4 GiB.
std::vector<u8> build_multiboot_info(const MultibootInfoContent& content, u32 base);

}  // namespace glasspc::firmware

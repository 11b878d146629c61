// Where guest RAM lives on the PC, and the BIOS-style memory map that describes it.
//
// The split follows QEMU's i440FX "pc" machine (hw/i386/pc_piix.c) so that guests see the same
// addresses on glasspc as on QEMU: RAM below 0xE0000000 bytes is mapped whole at 0; from
// 0xE0000000 bytes up, 3 GiB stay below 4 GiB (leaving 1 GiB for the PCI hole, gigabyte aligned)
// and the rest moves to 4 GiB and above.
#pragma once

#include <vector>

#include "bus/types.h"

namespace glasspc {
class MemoryMap;
}

namespace glasspc::firmware {

constexpr u64 kKiB = 1024;
constexpr u64 kMiB = 1024 * kKiB;
constexpr u64 kGiB = 1024 * kMiB;
constexpr u64 k4GiB = 4 * kGiB;

// Conventional memory ends where the BIOS puts its Extended BIOS Data Area: 639 KiB, as
// SeaBIOS does on QEMU (the EBDA is the last 1 KiB below 0xA0000).
constexpr u64 kEbdaStart = 0x9FC00;
constexpr u64 kVgaStart = 0xA0000;
constexpr u64 kBiosAreaStart = 0xF0000;
constexpr u64 kExtendedMemoryStart = 0x100000;
// The top 256 KiB below 4 GiB, reserved for the flash/BIOS ROM (SeaBIOS reports this range).
constexpr u64 kBiosRomReservedStart = 0xFFFC0000;

struct PcMemoryLayout {
  u64 ram_size = 0;  // total guest RAM in bytes
  u64 below_4g = 0;  // bytes mapped at guest-physical 0
  u64 above_4g = 0;  // bytes mapped at guest-physical 4 GiB, continuing after below_4g in RAM
};

// Splits `ram_size` bytes as QEMU's pc machine does. Throws LoadError if the size is below
// 1 MiB (no room for the real-mode area a PC needs) or not a multiple of 4 KiB.
PcMemoryLayout pc_memory_layout(u64 ram_size);

// Allocates guest RAM once and maps it: "ram-below-4g" at 0 and, when there is RAM above 4 GiB,
// "ram-above-4g" at 4 GiB (backed by RAM from offset below_4g). Both at priority 0, so the VGA
// window, PAM shadowing and the BIOS alias can be laid over the low part, as on QEMU.
void map_pc_ram(MemoryMap& memory, const PcMemoryLayout& layout);

// Address range types of the INT 15h E820 interface (ACPI 6.5, 15.1 "INT 15H, E820H").
enum class E820Type : u32 { Ram = 1, Reserved = 2 };

struct E820Entry {
  u64 address = 0;
  u64 length = 0;
  E820Type type = E820Type::Ram;
  friend bool operator==(const E820Entry&, const E820Entry&) = default;
};

// The memory map a guest sees on QEMU with SeaBIOS, in ascending address order:
//   0        .. 0x9FC00      RAM       (conventional memory, 639 KiB)
//   0x9FC00  .. 0xA0000      reserved  (EBDA)
//   0xF0000  .. 0x100000     reserved  (BIOS area)
//   1 MiB    .. below_4g     RAM
//   0xFFFC0000 .. 4 GiB      reserved  (BIOS ROM)
//   4 GiB    .. 4 GiB + above_4g   RAM (only with RAM above 4 GiB)
// SeaBIOS also reserves a little RAM below below_4g for its own tables, and KVM a few pages at
// 0xFEFFC000; neither exists when glasspc loads a kernel directly, so that RAM is usable here.
// Entries are clipped to the RAM that exists, so any layout gives a consistent map.
std::vector<E820Entry> pc_e820_map(const PcMemoryLayout& layout);

}  // namespace glasspc::firmware

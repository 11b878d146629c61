// The zero page: struct boot_params, which a loader using the 32-bit boot protocol fills in
// place of the kernel's real-mode setup code (Documentation/arch/x86/boot.rst, "32-bit Boot
// Protocol"; the fields beyond the setup header are listed in Documentation/arch/x86/
// zero-page.rst, their layout in arch/x86/include/uapi/asm/bootparam.h).
#pragma once

#include <array>
#include <span>
#include <vector>

#include "bus/types.h"
#include "firmware/pc_memory_layout.h"

namespace glasspc::firmware {

// Offsets of the zero-page fields glasspc fills (zero-page.rst); the setup header keeps its
// image offsets (see setup_header:: in linux_setup_header.h).
namespace boot_params {
constexpr u32 kSize = 4096;
constexpr u32 kScreenInfo = 0x000;  // struct screen_info, 0x40 bytes
constexpr u32 kScreenInfoSize = 0x40;
constexpr u32 kAcpiRsdpAddr = 0x070;     // u64
constexpr u32 kExtRamdiskImage = 0x0C0;  // u32, high half of ramdisk_image
constexpr u32 kExtRamdiskSize = 0x0C4;   // u32, high half of ramdisk_size
constexpr u32 kExtCmdLinePtr = 0x0C8;    // u32, high half of cmd_line_ptr
constexpr u32 kAltMemK = 0x1E0;          // u32, KiB of memory above 1 MiB (pre-E820 fallback)
constexpr u32 kE820Entries = 0x1E8;      // u8
constexpr u32 kSentinel = 0x1EF;         // u8; non-zero makes the kernel discard loader fields
constexpr u32 kE820Table = 0x2D0;  // struct boot_e820_entry[128]: u64 addr, u64 size, u32 type
constexpr u32 kE820EntrySize = 20;
constexpr u32 kE820MaxEntries = 128;
}  // namespace boot_params

// boot.rst, type_of_loader: "If your boot loader does not have an assigned ID, enter 0xFF
// here." glasspc has none; 0xB0 is QEMU's and would make the kernel report QEMU as its loader.
constexpr u8 kLinuxLoaderTypeUndefined = 0xFF;

// What the loader decided, to be written into the zero page.
struct BootParamsContent {
  // Bytes 0x1F1 .. header_end of the kernel image: the setup header as the kernel shipped it.
  std::span<const u8> setup_header;
  u32 code32_start = 0;  // where the protected-mode kernel was loaded
  u64 cmd_line_ptr = 0;
  u64 ramdisk_image = 0;  // 0 and 0: no initrd
  u64 ramdisk_size = 0;
  u64 acpi_rsdp_addr = 0;  // 0: the kernel scans for the RSDP itself
  std::vector<E820Entry> memory_map;
};

// Builds the 4 KiB zero page: all zero, the setup header copied from the image at 0x1F1, and
// the loader's fields (type_of_loader, loadflags, heap_end_ptr, code32_start, cmd_line_ptr,
// ramdisk_image/size with their ext_ halves, acpi_rsdp_addr, alt_mem_k, the E820 table).
// screen_info stays zero, which the kernel reads as "no video": vgacon declines a console with
// zero mode, lines and columns, and the serial console is the only one. Throws
// std::invalid_argument if the header passes 0x290 or the map has more than 128 entries.
std::array<u8, boot_params::kSize> build_boot_params(const BootParamsContent& content);

}  // namespace glasspc::firmware

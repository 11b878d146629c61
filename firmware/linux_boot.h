// Direct boot of a Linux bzImage with an initrd and a command line (QEMU's -kernel, -initrd,
// -append), without a BIOS in the loop.
//
// Why the 32-bit entry with a filled zero page, and not the kernel's real-mode setup code
// ------------------------------------------------------------------------------------------
// boot.rst offers two ways in. A 16-bit loader loads the setup code below 1 MiB and jumps to it
// in real mode; the setup code then asks the BIOS for the memory map (INT 15h E820), video mode,
// EDD disks and APM, fills struct boot_params itself and switches to protected mode. That needs
// a BIOS answering those interrupts, which a direct boot does not have (QEMU gets one by running
// SeaBIOS plus an option ROM first). The 32-bit protocol ("32-bit Boot Protocol") instead lets
// the loader fill boot_params itself and enter the protected-mode kernel directly, which is
// what kvmtool and Firecracker do. glasspc takes that way because:
//   - everything the setup code would ask the BIOS is known to the loader already: the E820
//     map (pc_e820_map), no video (serial console), the ACPI RSDP address;
//   - the guest's first instruction is the kernel's own startup_32, so a trace of a boot starts
//     with the kernel rather than with thousands of real-mode BIOS calls, and nothing in the
//     boot depends on a BIOS image being present;
//   - it works for every bzImage since protocol 2.06 (the 64-bit entry would need identity page
//     tables and XLF_KERNEL_64; the 32-bit one is present in 32- and 64-bit kernels alike).
//
// Placement (all below 4 GiB, all checked against the E820 map before anything is written):
//   0x6000     GDT: flat code at selector 0x10, flat data at 0x18 (as the protocol requires)
//   0x7000     the zero page (struct boot_params); ESI points here at entry
//   0x20000    the command line, NUL-terminated, at most cmdline_size bytes (and 64 KiB)
//   0x100000   the protected-mode kernel, as LOADED_HIGH prescribes; entry = code32_start
//   runtime    [runtime_start, + init_size) must be RAM: a relocatable kernel moves itself to
//              pref_address (aligned to kernel_alignment) and decompresses there, so the memory
//              it needs is counted from there, not from 1 MiB
//   initrd     as high as possible: the highest page-aligned address where it fits in E820 RAM
//              below min(initrd_addr_max + 1, 4 GiB) and above the kernel's runtime area
// The kernel is loaded at 1 MiB rather than at pref_address. Loading higher would only save the
// decompressor one copy of itself, while 1 MiB is the address the header itself names
// (code32_start's default), keeps small -m values working for non-relocatable kernels, and
// gives the same layout as QEMU's direct boot, so traces of both can be compared. The low boot
// data sits in conventional memory below 0x30000: far from the EBDA and from the top of low
// memory, where the decompressor places its paging trampoline, and the kernel copies the zero
// page and command line before it reuses low memory.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bus/cpu_core.h"
#include "bus/types.h"
#include "firmware/linux_setup_header.h"  // is_bzimage
#include "firmware/pc_memory_layout.h"

namespace glasspc {
class MemoryMap;
}

namespace glasspc::firmware {

constexpr u64 kLinuxGdtAddress = 0x6000;
constexpr u64 kLinuxZeroPageAddress = 0x7000;
constexpr u64 kLinuxCmdlineAddress = 0x20000;
constexpr u64 kLinuxCmdlineSpace = 0x10000;
constexpr u64 kLinuxKernelAddress = 0x100000;
// __BOOT_CS and __BOOT_DS of the 32-bit boot protocol.
constexpr u16 kLinuxBootCodeSelector = 0x10;
constexpr u16 kLinuxBootDataSelector = 0x18;

struct LinuxBootRequest {
  std::string kernel_path;                // names the kernel in error messages
  std::vector<u8> kernel;                 // the bzImage's bytes
  std::string initrd_path;                // names the initrd in error messages
  std::optional<std::vector<u8>> initrd;  // absent: no initrd
  std::string cmdline;                    // -append
  PcMemoryLayout layout;
  u64 acpi_rsdp = 0;  // RSDP address for boot_params.acpi_rsdp_addr; 0: the kernel scans for it
  // The map given to the kernel and respected by the placement; empty means pc_e820_map(layout).
  // Boards that keep firmware tables in RAM pass the map with those ranges reserved.
  std::vector<E820Entry> memory_map;
};

// Where load_linux puts everything.
struct LinuxBootPlan {
  LinuxSetupHeader header;
  u64 kernel_address = kLinuxKernelAddress;
  u64 kernel_size = 0;    // bytes of protected-mode kernel copied
  u64 runtime_start = 0;  // where the kernel decompresses itself
  u64 runtime_end = 0;    // runtime_start + init_size
  u64 cmdline_address = kLinuxCmdlineAddress;
  u64 initrd_address = 0;  // 0 with no initrd (or an empty one)
  u64 initrd_size = 0;
  u64 zero_page_address = kLinuxZeroPageAddress;
  u64 gdt_address = kLinuxGdtAddress;
  std::vector<E820Entry> memory_map;
};

// Decides the placement and checks the request, without touching guest memory. Throws LoadError
// for a file that is not a usable bzImage, a command line longer than the kernel accepts, RAM
// too small for the kernel (init_size), or an initrd that does not fit.
LinuxBootPlan plan_linux_boot(const LinuxBootRequest& request);

// Loads the kernel, initrd, command line, zero page and GDT into `memory`, whose RAM must have
// been mapped with map_pc_ram(request.layout), and returns the CPU state of the 32-bit boot
// protocol: protected mode, paging and interrupts off, CS = 0x10 and data segments = 0x18 from
// the GDT at kLinuxGdtAddress, EIP = 0x100000, ESI = the zero page, EBP = EDI = EBX = 0.
// Everything is checked before guest memory is written, so on a LoadError nothing was.
CpuBootState load_linux(MemoryMap& memory, const LinuxBootRequest& request);

}  // namespace glasspc::firmware

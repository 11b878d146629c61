// Direct boot of Multiboot v1 kernels with modules (Multiboot Specification 0.6.96), the way
// QEMU's -kernel/-append/-initrd boot them, without a BIOS in the loop.
//
// Placement in guest RAM (every address below 4 GiB, every byte in E820 RAM):
//   the kernel          where its header's address fields or its ELF program headers say
//   modules             from the first page after the kernel (and not below 1 MiB), each one
//                       page aligned, in command-line order
//   boot information    on the next page: the info structure, module list, memory map, strings
// The kernel is entered as section 3.2 "Machine state" prescribes: 32-bit protected mode, flat
// segments, paging and interrupts off, EAX = 0x2BADB002, EBX = address of the info structure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bus/cpu_core.h"
#include "bus/types.h"
#include "firmware/pc_memory_layout.h"

namespace glasspc {
class MemoryMap;
}

namespace glasspc::firmware {

struct MultibootModuleSpec {
  std::string path;     // the file to load
  std::string cmdline;  // the module's string: its whole item, file name first (as QEMU does)
};

struct MultibootRequest {
  std::string kernel_path;
  std::vector<u8> kernel;  // the kernel file's bytes
  std::string cmdline;     // -append
  std::vector<MultibootModuleSpec> modules;
  PcMemoryLayout layout;
};

// QEMU's -initrd syntax for multiboot kernels: comma-separated items "path args...", where the
// file name ends at the first space and ",," stands for a comma. Each item's whole text becomes
// the module's string. An empty option means no modules; an item without a file name (an empty
// item, or one starting with a space) is a LoadError, as QEMU fails to open such a file.
std::vector<MultibootModuleSpec> parse_multiboot_modules(std::string_view initrd_option);

// Whether the image has a multiboot header with a valid checksum in its first 8192 bytes.
bool is_multiboot_image(const std::vector<u8>& image);

// Loads the kernel, its modules and the boot information into `memory`, whose RAM must have been
// mapped with map_pc_ram(request.layout), and returns the CPU state to start the kernel in.
// Everything is checked before guest memory is touched, so on a LoadError nothing was written.
// The kernel's string is "<kernel path> <cmdline>", with the space even for an empty cmdline,
// which is how QEMU builds it.
CpuBootState load_multiboot(MemoryMap& memory, const MultibootRequest& request);

// The boot loader name passed in the information structure.
constexpr std::string_view kMultibootLoaderName = "glasspc";

}  // namespace glasspc::firmware

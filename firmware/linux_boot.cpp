#include "firmware/linux_boot.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "bus/memory_map.h"
#include "firmware/boot_params.h"
#include "firmware/linux_setup_header.h"
#include "firmware/little_endian.h"
#include "firmware/load_error.h"

namespace glasspc::firmware {

namespace {

constexpr u64 align_up_page(u64 value) {
  return (value + kPageMask) & ~kPageMask;
}
constexpr u64 align_down_page(u64 value) {
  return value & ~kPageMask;
}

// Flat 4 GiB descriptors (Intel SDM Vol. 3A, 3.4.5 "Segment Descriptors"): base 0, limit
// 0xFFFFF in 4 KiB units (G=1), 32-bit (D/B=1), present, DPL 0. Code is type 0xB (execute/read,
// accessed), data type 0x3 (read/write, accessed); the accessed bit is preset so the CPU never
// needs to write the table back.
constexpr u64 kFlatCode32Descriptor = 0x00CF9B000000FFFF;
constexpr u64 kFlatData32Descriptor = 0x00CF93000000FFFF;
constexpr u32 kGdtEntries = 4;  // null, unused 0x08, __BOOT_CS 0x10, __BOOT_DS 0x18
constexpr u16 kGdtLimit = kGdtEntries * 8 - 1;

struct RamRange {
  u64 start;
  u64 end;  // exclusive
};

// Usable RAM below 4 GiB: the protocol's 32-bit pointers (and QEMU's practice) keep everything
// the loader places there.
std::vector<RamRange> ram_below_4g(const std::vector<E820Entry>& memory_map) {
  std::vector<RamRange> ranges;
  for (const E820Entry& entry : memory_map) {
    if (entry.type != E820Type::Ram || entry.address >= k4GiB || entry.length == 0) continue;
    ranges.push_back(RamRange{entry.address, std::min(entry.address + entry.length, k4GiB)});
  }
  return ranges;
}

bool in_ram(const std::vector<RamRange>& ram, u64 start, u64 end) {
  return std::any_of(ram.begin(), ram.end(), [&](const RamRange& range) {
    return start >= range.start && end <= range.end;
  });
}

u64 ram_top(const std::vector<RamRange>& ram) {
  u64 top = 0;
  for (const RamRange& range : ram) top = std::max(top, range.end);
  return top;
}

std::string mib_text(u64 bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / static_cast<double>(kMiB));
}

// The highest page-aligned start at which `size` bytes fit inside one RAM range and inside
// [lower, upper). 0 when there is none (0 is never a valid initrd address: it is below lower).
u64 highest_fit(const std::vector<RamRange>& ram, u64 size, u64 lower, u64 upper) {
  u64 best = 0;
  for (const RamRange& range : ram) {
    const u64 start = std::max(range.start, lower);
    const u64 end = std::min(range.end, upper);
    if (end <= start || end - start < size) continue;
    const u64 address = align_down_page(end - size);
    if (address >= start) best = std::max(best, address);
  }
  return best;
}

void check_boot_data_in_ram(const std::vector<RamRange>& ram, const LinuxBootPlan& plan,
                            u64 cmdline_bytes, std::string_view path) {
  struct Block {
    const char* what;
    u64 start;
    u64 size;
  };
  const std::array<Block, 3> blocks{{
      {"GDT", plan.gdt_address, kGdtEntries * 8},
      {"zero page", plan.zero_page_address, boot_params::kSize},
      {"command line", plan.cmdline_address, cmdline_bytes},
  }};
  for (const Block& block : blocks)
    if (!in_ram(ram, block.start, block.start + block.size))
      throw LoadError(
          "kernel", path,
          fmt::format("the memory map leaves no RAM for the {} at {:#x}", block.what, block.start));
}

void place_initrd(LinuxBootPlan& plan, const LinuxSetupHeader& header,
                  const std::vector<RamRange>& ram, const LinuxBootRequest& request) {
  const u64 size = request.initrd->size();
  // boot.rst, initrd_addr_max: "the maximum address that may be occupied by the initial
  // ramdisk contents", i.e. the last byte. Kernels that could take it above 4 GiB
  // (XLF_CAN_BE_LOADED_ABOVE_4G) still get it below, as QEMU does.
  const u64 upper = std::min(u64{header.initrd_addr_max} + 1, k4GiB);
  // Above everything the kernel occupies while it decompresses, so neither the loaded image nor
  // the decompressed kernel can overwrite it.
  const u64 lower =
      align_up_page(std::max(plan.kernel_address + plan.kernel_size, plan.runtime_end));
  const u64 address = size <= upper ? highest_fit(ram, size, lower, upper) : 0;
  if (address == 0)
    throw LoadError("initrd", request.initrd_path,
                    fmt::format("{} bytes ({}) do not fit in RAM between the kernel's end {:#x} "
                                "and {:#x} (initrd_addr_max {:#x}); give the machine more memory "
                                "with -m",
                                size, mib_text(size), lower, std::min(upper, ram_top(ram)),
                                header.initrd_addr_max));
  plan.initrd_address = address;
  plan.initrd_size = size;
}

std::array<u8, kGdtEntries * 8> build_gdt() {
  std::array<u8, kGdtEntries * 8> gdt{};
  store_le64(gdt, kLinuxBootCodeSelector, kFlatCode32Descriptor);
  store_le64(gdt, kLinuxBootDataSelector, kFlatData32Descriptor);
  return gdt;
}

}  // namespace

LinuxBootPlan plan_linux_boot(const LinuxBootRequest& request) {
  const std::string& path = request.kernel_path;
  LinuxBootPlan plan;
  plan.header = parse_linux_setup_header(request.kernel, path);
  const LinuxSetupHeader& header = plan.header;
  plan.memory_map = request.memory_map.empty() ? pc_e820_map(request.layout) : request.memory_map;
  if (plan.memory_map.size() > boot_params::kE820MaxEntries)
    throw std::invalid_argument(
        fmt::format("load_linux: {} memory map entries, the zero page "
                    "holds {}",
                    plan.memory_map.size(), boot_params::kE820MaxEntries));
  const std::vector<RamRange> ram = ram_below_4g(plan.memory_map);

  if (request.cmdline.find('\0') != std::string::npos)
    throw LoadError("kernel", path, "the command line contains a NUL character");
  const u64 cmdline_limit = std::min<u64>(header.cmdline_size, kLinuxCmdlineSpace - 1);
  if (request.cmdline.size() > cmdline_limit)
    throw LoadError("kernel", path,
                    fmt::format("the command line is {} bytes, the kernel accepts at most {} "
                                "(cmdline_size)",
                                request.cmdline.size(), cmdline_limit));
  check_boot_data_in_ram(ram, plan, request.cmdline.size() + 1, path);

  plan.kernel_size = header.kernel_size;
  const u64 kernel_end = plan.kernel_address + plan.kernel_size;
  if (!in_ram(ram, plan.kernel_address, kernel_end))
    throw LoadError("kernel", path,
                    fmt::format("the {} protected-mode kernel does not fit in RAM from {:#x}; "
                                "give the machine more memory with -m",
                                mib_text(plan.kernel_size), plan.kernel_address));
  // Before protocol 2.10 the header does not say how much memory the kernel needs; the loaded
  // image is then the only known lower bound.
  plan.runtime_start = header.runtime_start(plan.kernel_address);
  const u64 needed = header.init_size != 0 ? header.init_size : plan.kernel_size;
  plan.runtime_end = plan.runtime_start + needed;
  if (plan.runtime_end > k4GiB || !in_ram(ram, plan.runtime_start, plan.runtime_end))
    throw LoadError(
        "kernel", path,
        fmt::format("needs RAM up to {:#x} ({} from {:#x}, init_size) but RAM below "
                    "4 GiB ends at {:#x}; give the machine more memory with -m",
                    plan.runtime_end, mib_text(needed), plan.runtime_start, ram_top(ram)));

  if (request.initrd && !request.initrd->empty()) place_initrd(plan, header, ram, request);
  return plan;
}

CpuBootState load_linux(MemoryMap& memory, const LinuxBootRequest& request) {
  if (memory.ram_size() != request.layout.ram_size)
    throw std::invalid_argument("load_linux: guest RAM was not mapped with this layout");
  const LinuxBootPlan plan = plan_linux_boot(request);
  const LinuxSetupHeader& header = plan.header;

  BootParamsContent content;
  content.setup_header =
      std::span<const u8>(request.kernel)
          .subspan(setup_header::kStart, header.header_end - setup_header::kStart);
  content.code32_start = static_cast<u32>(plan.kernel_address);
  content.cmd_line_ptr = plan.cmdline_address;
  content.ramdisk_image = plan.initrd_address;
  content.ramdisk_size = plan.initrd_size;
  content.acpi_rsdp_addr = request.acpi_rsdp;
  content.memory_map = plan.memory_map;
  const auto zero_page = build_boot_params(content);
  const auto gdt = build_gdt();

  memory.write_bytes(plan.gdt_address, gdt.data(), gdt.size());
  memory.write_bytes(plan.zero_page_address, zero_page.data(), zero_page.size());
  memory.write_bytes(plan.cmdline_address, request.cmdline.c_str(), request.cmdline.size() + 1);
  memory.write_bytes(plan.kernel_address, request.kernel.data() + header.kernel_offset,
                     plan.kernel_size);
  if (plan.initrd_size != 0)
    memory.write_bytes(plan.initrd_address, request.initrd->data(), plan.initrd_size);

  // boot.rst, "32-bit Boot Protocol": protected mode, paging off, a GDT with flat __BOOT_CS and
  // __BOOT_DS, CS = __BOOT_CS, DS = ES = SS = __BOOT_DS, interrupts off, ESI = boot_params,
  // EBP = EDI = EBX = 0. Protected32Flat loads exactly these segments, with EFLAGS.IF clear.
  CpuBootState state;
  state.mode = CpuBootState::Mode::Protected32Flat;
  state.cs_selector = kLinuxBootCodeSelector;
  state.rip = plan.kernel_address;
  state.rsi = plan.zero_page_address;
  state.gdt_base = plan.gdt_address;
  state.gdt_limit = kGdtLimit;
  return state;
}

}  // namespace glasspc::firmware

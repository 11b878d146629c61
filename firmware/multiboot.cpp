#include "firmware/multiboot.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "bus/memory_map.h"
#include "firmware/elf32.h"
#include "firmware/file_image.h"
#include "firmware/load_error.h"
#include "firmware/load_plan.h"
#include "firmware/multiboot_header.h"
#include "firmware/multiboot_info.h"

namespace glasspc::firmware {

namespace {

// Code segment selector of the flat 32-bit state (see CpuBootState::Mode::Protected32Flat).
constexpr u16 kFlatCodeSelector = 0x10;

constexpr u64 align_up_page(u64 value) {
  return (value + kPageMask) & ~kPageMask;
}

struct RamRange {
  u64 start;
  u64 end;  // exclusive
};

// Usable RAM below 4 GiB: the only memory a 32-bit multiboot kernel and its data may occupy.
std::vector<RamRange> ram_below_4g(const std::vector<E820Entry>& memory_map) {
  std::vector<RamRange> ranges;
  for (const E820Entry& entry : memory_map) {
    if (entry.type != E820Type::Ram || entry.address >= k4GiB) continue;
    ranges.push_back(RamRange{entry.address, std::min(entry.address + entry.length, k4GiB)});
  }
  return ranges;
}

bool in_ram(const std::vector<RamRange>& ram, u64 start, u64 end) {
  return std::any_of(ram.begin(), ram.end(), [&](const RamRange& range) {
    return start >= range.start && end <= range.end;
  });
}

std::string describe_ram(const std::vector<RamRange>& ram) {
  std::string text;
  for (const RamRange& range : ram)
    text += fmt::format("{}{:#x}-{:#x}", text.empty() ? "" : ", ", range.start, range.end);
  return text.empty() ? "none" : text;
}

std::string segment_name(const LoadSegment& segment, bool elf) {
  return elf ? fmt::format("ELF segment {}", segment.index) : std::string("multiboot image");
}

// Every segment must lie in RAM (not in the VGA window, the BIOS area or the PCI hole) and
// segments must not overlap, or the later copy would silently overwrite the earlier one.
void check_kernel_placement(const LoadPlan& plan, bool elf, const std::vector<RamRange>& ram,
                            std::string_view path) {
  for (const LoadSegment& segment : plan.segments) {
    const u64 end = segment.address + segment.memory_size;
    if (!in_ram(ram, segment.address, end))
      throw LoadError(
          "kernel", path,
          fmt::format("{} at {:#x}-{:#x} is not in RAM (RAM below 4 GiB: {})",
                      segment_name(segment, elf), segment.address, end, describe_ram(ram)));
  }
  std::vector<LoadSegment> sorted = plan.segments;
  std::sort(sorted.begin(), sorted.end(), [](const LoadSegment& a, const LoadSegment& b) {
    return a.address != b.address ? a.address < b.address : a.index < b.index;
  });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const LoadSegment& before = sorted[i - 1];
    const LoadSegment& after = sorted[i];
    if (after.address < before.address + before.memory_size)
      throw LoadError(
          "kernel", path,
          fmt::format("{} at {:#x}-{:#x} overlaps {} at {:#x}-{:#x}", segment_name(before, elf),
                      before.address, before.address + before.memory_size, segment_name(after, elf),
                      after.address, after.address + after.memory_size));
  }
}

void write_zeros(MemoryMap& memory, u64 address, u64 length) {
  static constexpr std::array<u8, 4096> kZeros{};
  while (length != 0) {
    const u64 chunk = std::min<u64>(length, kZeros.size());
    memory.write_bytes(address, kZeros.data(), chunk);
    address += chunk;
    length -= chunk;
  }
}

struct PlacedModule {
  std::vector<u8> bytes;
  u64 start = 0;
};

}  // namespace

std::vector<MultibootModuleSpec> parse_multiboot_modules(std::string_view initrd_option) {
  std::vector<MultibootModuleSpec> modules;
  if (initrd_option.empty()) return modules;
  std::string item;
  // One past the end acts as the final separator.
  for (std::size_t i = 0; i <= initrd_option.size(); ++i) {
    const bool at_end = i == initrd_option.size();
    if (!at_end && initrd_option[i] == ',' && i + 1 < initrd_option.size() &&
        initrd_option[i + 1] == ',') {
      item += ',';  // ",," is an escaped comma
      ++i;
      continue;
    }
    if (!at_end && initrd_option[i] != ',') {
      item += initrd_option[i];
      continue;
    }
    MultibootModuleSpec module;
    module.path = item.substr(0, item.find(' '));
    if (module.path.empty())
      throw LoadError("initrd", initrd_option,
                      fmt::format("module {} has no file name", modules.size() + 1));
    module.cmdline = item;
    modules.push_back(std::move(module));
    item.clear();
  }
  return modules;
}

bool is_multiboot_image(const std::vector<u8>& image) {
  return search_multiboot_header(image).header_offset.has_value();
}

CpuBootState load_multiboot(MemoryMap& memory, const MultibootRequest& request) {
  if (memory.ram_size() != request.layout.ram_size)
    throw std::invalid_argument("load_multiboot: guest RAM was not mapped with this layout");
  const std::string& path = request.kernel_path;
  const std::vector<u8>& kernel = request.kernel;

  // 1. Decide where everything goes, checking it all before writing any guest memory.
  const MultibootHeader header = read_multiboot_header(kernel, path);
  const bool elf = (header.flags & kHeaderAddressFields) == 0;
  const LoadPlan plan =
      elf ? elf32_load_plan(kernel, path) : address_fields_load_plan(header, kernel, path);
  const std::vector<E820Entry> memory_map = pc_e820_map(request.layout);
  const std::vector<RamRange> ram = ram_below_4g(memory_map);
  check_kernel_placement(plan, elf, ram, path);

  u64 kernel_end = 0;
  for (const LoadSegment& segment : plan.segments)
    kernel_end = std::max(kernel_end, segment.address + segment.memory_size);
  // A kernel in conventional memory still gets its modules above 1 MiB: below, the EBDA, VGA
  // window and BIOS would cut the space short.
  u64 cursor = align_up_page(std::max(kernel_end, kExtendedMemoryStart));

  MultibootInfoContent info;
  info.cmdline = path + " " + request.cmdline;
  info.memory_map = memory_map;
  info.boot_loader_name = std::string(kMultibootLoaderName);
  std::vector<PlacedModule> modules;
  for (const MultibootModuleSpec& spec : request.modules) {
    PlacedModule module{read_image_file(spec.path, "module"), cursor};
    const u64 end = module.start + module.bytes.size();
    if (!in_ram(ram, module.start, end))
      throw LoadError("module", spec.path,
                      fmt::format("does not fit in RAM: it would occupy {:#x}-{:#x} after the "
                                  "kernel (RAM below 4 GiB: {})",
                                  module.start, end, describe_ram(ram)));
    info.modules.push_back(
        MultibootModuleRange{static_cast<u32>(module.start), static_cast<u32>(end), spec.cmdline});
    cursor = align_up_page(end);
    modules.push_back(std::move(module));
  }

  const u64 info_base = cursor;
  std::vector<u8> info_block;
  if (info_base < k4GiB) info_block = build_multiboot_info(info, static_cast<u32>(info_base));
  if (info_base >= k4GiB || !in_ram(ram, info_base, info_base + info_block.size()))
    throw LoadError("kernel", path,
                    fmt::format("no room in RAM for the multiboot information at {:#x} after "
                                "the kernel and modules (RAM below 4 GiB: {})",
                                info_base, describe_ram(ram)));

  // 2. Copy it into the guest. Bss is zeroed explicitly: after a reset RAM is not clean.
  for (const LoadSegment& segment : plan.segments) {
    memory.write_bytes(segment.address, kernel.data() + segment.file_offset, segment.file_size);
    write_zeros(memory, segment.address + segment.file_size,
                segment.memory_size - segment.file_size);
  }
  for (const PlacedModule& module : modules)
    memory.write_bytes(module.start, module.bytes.data(), module.bytes.size());
  memory.write_bytes(info_base, info_block.data(), info_block.size());

  // 3. The machine state of section 3.2.
  CpuBootState state;
  state.mode = CpuBootState::Mode::Protected32Flat;
  state.cs_selector = kFlatCodeSelector;
  state.rip = plan.entry;
  state.rax = kMultibootBootloaderMagic;
  state.rbx = info_base;
  return state;
}

}  // namespace glasspc::firmware

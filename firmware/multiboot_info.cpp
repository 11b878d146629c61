#include "firmware/multiboot_info.h"

#include <algorithm>

#include "firmware/little_endian.h"

namespace glasspc::firmware {

namespace {

// The RAM contiguous from `from`: follows RAM entries that start inside or right at the end of
// what is covered so far (the map need not be sorted). Stops at `limit`.
u64 contiguous_ram_end(const std::vector<E820Entry>& memory_map, u64 from, u64 limit) {
  u64 end = from;
  bool grew = true;
  while (grew) {
    grew = false;
    for (const E820Entry& entry : memory_map) {
      if (entry.type != E820Type::Ram) continue;
      const u64 entry_end = entry.address + entry.length;
      if (entry.address <= end && entry_end > end) {
        end = std::min(entry_end, limit);
        grew = end < limit;
        if (!grew) return end;
      }
    }
  }
  return end;
}

}  // namespace

u32 multiboot_mem_lower_kib(const std::vector<E820Entry>& memory_map) {
  return static_cast<u32>(contiguous_ram_end(memory_map, 0, 640 * kKiB) / kKiB);
}

u32 multiboot_mem_upper_kib(const std::vector<E820Entry>& memory_map) {
  const u64 end = contiguous_ram_end(memory_map, kExtendedMemoryStart, k4GiB);
  return static_cast<u32>((end - kExtendedMemoryStart) / kKiB);
}

std::vector<u8> build_multiboot_info(const MultibootInfoContent& content, u32 base) {
  const u32 modules_offset = kInfoSize;
  const u32 mmap_offset =
      modules_offset + static_cast<u32>(content.modules.size()) * kModuleEntrySize;
  const u32 mmap_length = static_cast<u32>(content.memory_map.size()) * kMmapEntrySize;
  u32 strings_offset = mmap_offset + mmap_length;

  u64 strings_size = content.cmdline.size() + 1 + content.boot_loader_name.size() + 1;
  for (const MultibootModuleRange& module : content.modules)
    strings_size += module.cmdline.size() + 1;
  std::vector<u8> block(strings_offset + strings_size, 0);

  // Appends a NUL-terminated string and returns its guest address.
  auto add_string = [&](const std::string& text) {
    const u32 at = strings_offset;
    std::copy(text.begin(), text.end(), block.begin() + at);
    strings_offset += static_cast<u32>(text.size()) + 1;  // the NUL is already there
    return base + at;
  };

  store_le32(block, kInfoFlagsOffset,
             kInfoMemory | kInfoBootDevice | kInfoCmdline | kInfoModules | kInfoMemoryMap |
                 kInfoBootLoaderName);
  store_le32(block, kInfoMemLowerOffset, multiboot_mem_lower_kib(content.memory_map));
  store_le32(block, kInfoMemUpperOffset, multiboot_mem_upper_kib(content.memory_map));
  store_le32(block, kInfoBootDeviceOffset, content.boot_device);
  store_le32(block, kInfoCmdlineOffset, add_string(content.cmdline));
  store_le32(block, kInfoModsCountOffset, static_cast<u32>(content.modules.size()));
  store_le32(block, kInfoModsAddrOffset, base + modules_offset);
  store_le32(block, kInfoMmapLengthOffset, mmap_length);
  store_le32(block, kInfoMmapAddrOffset, base + mmap_offset);
  store_le32(block, kInfoBootLoaderNameOffset, add_string(content.boot_loader_name));

  for (std::size_t i = 0; i < content.modules.size(); ++i) {
    const MultibootModuleRange& module = content.modules[i];
    const u32 at = modules_offset + static_cast<u32>(i) * kModuleEntrySize;
    store_le32(block, at + 0, module.start);
    store_le32(block, at + 4, module.end);
    store_le32(block, at + 8, add_string(module.cmdline));
    store_le32(block, at + 12, 0);
  }
  for (std::size_t i = 0; i < content.memory_map.size(); ++i) {
    const E820Entry& entry = content.memory_map[i];
    const u32 at = mmap_offset + static_cast<u32>(i) * kMmapEntrySize;
    // `size` counts the bytes that follow it, so an OS steps by size + 4.
    store_le32(block, at + 0, kMmapEntrySize - 4);
    store_le64(block, at + 4, entry.address);
    store_le64(block, at + 12, entry.length);
    store_le32(block, at + 20, static_cast<u32>(entry.type));
  }
  return block;
}

}  // namespace glasspc::firmware

#include "firmware/pc_memory_layout.h"

#include <fmt/format.h>

#include <algorithm>

#include "bus/memory_map.h"
#include "firmware/load_error.h"

namespace glasspc::firmware {

namespace {

// QEMU pc_piix.c: max_ram_below_4g defaults to 0xE0000000 (3.5 GiB). A machine at least that
// large would have to split anyway, so the split moves down to 3 GiB to keep both halves
// gigabyte aligned ("gigabyte_align", pc machine types since 2.0).
constexpr u64 kTraditionalLowMemory = 0xE0000000;
constexpr u64 kAlignedLowMemory = 0xC0000000;

}  // namespace

PcMemoryLayout pc_memory_layout(u64 ram_size) {
  if (ram_size < kMiB)
    throw LoadError(
        fmt::format("memory size {} bytes is too small: a PC needs at least 1 MiB", ram_size));
  if (ram_size % kPageSize != 0)
    throw LoadError(fmt::format("memory size {} bytes is not a multiple of 4 KiB", ram_size));
  PcMemoryLayout layout;
  layout.ram_size = ram_size;
  const u64 low_limit = ram_size >= kTraditionalLowMemory ? kAlignedLowMemory : ram_size;
  layout.below_4g = std::min(ram_size, low_limit);
  layout.above_4g = ram_size - layout.below_4g;
  return layout;
}

void map_pc_ram(MemoryMap& memory, const PcMemoryLayout& layout) {
  memory.allocate_ram(layout.ram_size);
  memory.add_ram("ram-below-4g", 0, layout.below_4g, 0);
  if (layout.above_4g != 0) memory.add_ram("ram-above-4g", k4GiB, layout.above_4g, layout.below_4g);
}

std::vector<E820Entry> pc_e820_map(const PcMemoryLayout& layout) {
  std::vector<E820Entry> map;
  auto add = [&map](u64 start, u64 end, E820Type type) {
    if (end > start) map.push_back(E820Entry{start, end - start, type});
  };
  const u64 low_end = std::min(layout.below_4g, k4GiB);
  add(0, std::min(low_end, kEbdaStart), E820Type::Ram);
  add(kEbdaStart, kVgaStart, E820Type::Reserved);
  add(kBiosAreaStart, kExtendedMemoryStart, E820Type::Reserved);
  add(kExtendedMemoryStart, std::min(low_end, kBiosRomReservedStart), E820Type::Ram);
  add(kBiosRomReservedStart, k4GiB, E820Type::Reserved);
  if (layout.above_4g != 0) add(k4GiB, k4GiB + layout.above_4g, E820Type::Ram);
  return map;
}

}  // namespace glasspc::firmware

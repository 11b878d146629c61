// Access-size adaptation shared by the port space and the memory map.
//
// A handler declares which access sizes it implements (`impl`), as QEMU's MemoryRegionOps do.
// The bus, not the device, turns any other access into accesses the handler implements: a
// wider access is split into aligned units and recombined little-endian; a narrower one is
// widened to the smallest implemented unit and the wanted bytes are extracted (reads) or merged
// by read-modify-write (writes). So a 16550 handler only ever sees 1-byte accesses.
#pragma once

#include <algorithm>

#include "bus/types.h"

namespace glasspc {

struct AccessSizes {
  u8 min = 1;               // smallest access in bytes (1, 2, 4 or 8)
  u8 max = 8;               // largest access in bytes
  bool unaligned = false;   // may an access be misaligned to its own size?

  bool accepts(u64 addr, unsigned size) const {
    if (size < min || size > max) return false;
    return unaligned || (addr & (size - 1)) == 0;
  }
};

// The unit in which an access of `size` bytes is carried out against a handler with `impl`.
constexpr unsigned access_unit(unsigned size, const AccessSizes& impl) {
  unsigned unit = size;
  if (unit < impl.min) unit = impl.min;
  if (unit > impl.max) unit = impl.max;
  return unit;
}

// Reads `size` bytes at `addr` through `read(addr, unit)`, which only implements `impl`.
template <typename ReadFn>
u64 read_adjusted(u64 addr, unsigned size, const AccessSizes& impl, ReadFn&& read) {
  if (impl.accepts(addr, size)) return read(addr, size) & size_mask(size);
  const unsigned unit = access_unit(size, impl);
  const u64 first = impl.unaligned ? addr : addr & ~u64(unit - 1);
  u64 result = 0;
  for (u64 unit_addr = first; unit_addr < addr + size; unit_addr += unit) {
    const u64 data = read(unit_addr, unit);
    // Copy the bytes of this unit that overlap [addr, addr + size).
    for (unsigned b = 0; b < unit; ++b) {
      const u64 byte_addr = unit_addr + b;
      if (byte_addr < addr || byte_addr >= addr + size) continue;
      result |= ((data >> (8 * b)) & 0xff) << (8 * (byte_addr - addr));
    }
  }
  return result;
}

// Writes `size` bytes of `value` at `addr` through `write(addr, value, unit)`; units that are only
// partly covered are completed by `read(addr, unit)` first (read-modify-write). A device whose reads
// have side effects must therefore implement the narrow sizes its guests use.
template <typename ReadFn, typename WriteFn>
void write_adjusted(u64 addr, unsigned size, u64 value, const AccessSizes& impl, ReadFn&& read,
                    WriteFn&& write) {
  if (impl.accepts(addr, size)) {
    write(addr, value & size_mask(size), size);
    return;
  }
  const unsigned unit = access_unit(size, impl);
  const u64 first = impl.unaligned ? addr : addr & ~u64(unit - 1);
  for (u64 unit_addr = first; unit_addr < addr + size; unit_addr += unit) {
    const bool covered = unit_addr >= addr && unit_addr + unit <= addr + size;
    u64 data = covered ? 0 : read(unit_addr, unit);
    for (unsigned b = 0; b < unit; ++b) {
      const u64 byte_addr = unit_addr + b;
      if (byte_addr < addr || byte_addr >= addr + size) continue;
      const u64 byte = (value >> (8 * (byte_addr - addr))) & 0xff;
      data = (data & ~(u64{0xff} << (8 * b))) | (byte << (8 * b));
    }
    write(unit_addr, data, unit);
  }
}

}  // namespace glasspc

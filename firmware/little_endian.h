// Little-endian fields in byte buffers: the byte order of every x86 firmware structure and of
// the ELF32 i386 files loaded here, independent of the host's byte order.
#pragma once

#include <span>

#include "bus/types.h"

namespace glasspc::firmware {

// Callers check bounds first; these only assemble bytes.
inline u16 load_le16(std::span<const u8> bytes, std::size_t offset) {
  return static_cast<u16>(bytes[offset] | (bytes[offset + 1] << 8));
}
inline u32 load_le32(std::span<const u8> bytes, std::size_t offset) {
  return u32{bytes[offset]} | (u32{bytes[offset + 1]} << 8) | (u32{bytes[offset + 2]} << 16) |
         (u32{bytes[offset + 3]} << 24);
}
inline void store_le32(std::span<u8> bytes, std::size_t offset, u32 value) {
  for (unsigned i = 0; i < 4; ++i) bytes[offset + i] = static_cast<u8>(value >> (8 * i));
}
inline void store_le64(std::span<u8> bytes, std::size_t offset, u64 value) {
  for (unsigned i = 0; i < 8; ++i) bytes[offset + i] = static_cast<u8>(value >> (8 * i));
}

}  // namespace glasspc::firmware

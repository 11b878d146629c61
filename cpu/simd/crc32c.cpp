#include "cpu/simd/crc32c.h"

#include <array>

namespace glasspc::simd {
namespace {

// CRC-32C polynomial with its bits reversed (SDM Vol. 2A CRC32: "the polynomial 11EDC6F41H" in
// bit-reflected form, as the instruction processes the least significant bit first).
constexpr u32 kReflectedPolynomial = 0x82F63B78;

using SliceTables = std::array<std::array<u32, 256>, 8>;

// tables[0][b] is the CRC of byte b; tables[k][b] is the CRC of byte b followed by k zero bytes,
// which lets eight bytes be folded with eight independent lookups.
constexpr SliceTables make_tables() {
  SliceTables t{};
  for (u32 b = 0; b < 256; ++b) {
    u32 crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kReflectedPolynomial : 0);
    t[0][b] = crc;
  }
  for (unsigned k = 1; k < 8; ++k) {
    for (u32 b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFF];
  }
  return t;
}

constexpr SliceTables kTables = make_tables();

// Folds the low `bytes` bytes of data (1, 2 or 4) into crc, one table per byte position.
u32 fold(u32 crc, u32 data, unsigned bytes) {
  const u32 x = crc ^ data;
  u32 r = bytes == 4 ? 0 : crc >> (8 * bytes);
  for (unsigned i = 0; i < bytes; ++i) r ^= kTables[bytes - 1 - i][(x >> (8 * i)) & 0xFF];
  return r;
}

}  // namespace

u32 crc32c_u8(u32 crc, u8 data) {
  return fold(crc, data, 1);
}
u32 crc32c_u16(u32 crc, u16 data) {
  return fold(crc, data, 2);
}
u32 crc32c_u32(u32 crc, u32 data) {
  return fold(crc, data, 4);
}

u32 crc32c_u64(u32 crc, u64 data) {
  const u32 lo = crc ^ static_cast<u32>(data);
  const u32 hi = static_cast<u32>(data >> 32);
  return kTables[7][lo & 0xFF] ^ kTables[6][(lo >> 8) & 0xFF] ^ kTables[5][(lo >> 16) & 0xFF] ^
         kTables[4][lo >> 24] ^ kTables[3][hi & 0xFF] ^ kTables[2][(hi >> 8) & 0xFF] ^
         kTables[1][(hi >> 16) & 0xFF] ^ kTables[0][hi >> 24];
}

}  // namespace glasspc::simd

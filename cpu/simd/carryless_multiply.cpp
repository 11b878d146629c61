#include "cpu/simd/carryless_multiply.h"

namespace glasspc::simd {

Vec128 clmul64(u64 a, u64 b) {
  // Four bits of b at a time: the 16 carry-less multiples of `a` by a 4-bit polynomial are built
  // once (as 68-bit values split into lo and a 4-bit hi part), then each nibble of b selects one,
  // shifted into place. 16 table entries + 16 steps instead of 64 conditional XORs.
  u64 table_lo[16];
  u64 table_hi[16];
  table_lo[0] = 0;
  table_hi[0] = 0;
  for (unsigned m = 1; m < 16; ++m) {
    u64 lo = 0;
    u64 hi = 0;
    for (unsigned bit = 0; bit < 4; ++bit) {
      if ((m >> bit) & 1u) {
        lo ^= a << bit;
        hi ^= bit == 0 ? 0 : a >> (64 - bit);
      }
    }
    table_lo[m] = lo;
    table_hi[m] = hi;
  }
  u64 lo = 0;
  u64 hi = 0;
  for (unsigned shift = 0; shift < 64; shift += 4) {
    const unsigned m = (b >> shift) & 0xFu;
    lo ^= table_lo[m] << shift;
    hi ^= shift == 0 ? table_hi[m] : (table_lo[m] >> (64 - shift)) ^ (table_hi[m] << shift);
  }
  return {lo, hi};
}

}  // namespace glasspc::simd

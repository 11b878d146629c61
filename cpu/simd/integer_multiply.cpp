// Lane loops for the two multiply-family operations whose lanes are not independent.
#include "cpu/simd/integer_multiply.h"

namespace glasspc::simd {

Vec128 mpsadbw(Vec128 a, Vec128 b, u8 imm) {
  // SDM Vol. 2B MPSADBW: imm8[2] picks destination bytes 0..10 or 4..14 as the sliding window
  // base, imm8[1:0] picks one of the four source dwords as the fixed 4-byte block.
  const unsigned dst_base = (imm & 4u) ? 4 : 0;
  const u32 block = b.dword(imm & 3u);
  u8 window[11];
  for (unsigned i = 0; i < 11; ++i) window[i] = a.byte(dst_base + i);
  Vec128 r;
  for (unsigned i = 0; i < 8; ++i) {
    unsigned sum = 0;
    for (unsigned k = 0; k < 4; ++k) {
      const int x = window[i + k];
      const int y = static_cast<u8>(block >> (8 * k));
      sum += static_cast<unsigned>(x > y ? x - y : y - x);
    }
    r.set_word(i, static_cast<u16>(sum));
  }
  return r;
}

Vec128 phminposuw(Vec128 a) {
  unsigned best = a.word(0);
  unsigned index = 0;
  for (unsigned i = 1; i < 8; ++i) {
    // Strictly less keeps the lowest index among equal minima.
    if (a.word(i) < best) {
      best = a.word(i);
      index = i;
    }
  }
  return {best | (u64{index} << 16), 0};
}

}  // namespace glasspc::simd

// PCLMULQDQ (carry-less multiplication) and the POPCNT count with its flags: the two bit-counting
// scalar helpers of the SSE4.2/CLMUL extensions.
#pragma once

#include <bit>

#include "cpu/simd/status_flags.h"
#include "cpu/simd/vec128.h"

namespace glasspc::simd {

// The 128-bit carry-less (GF(2)[x]) product of two 64-bit values.
Vec128 clmul64(u64 a, u64 b);

// SDM Vol. 2B PCLMULQDQ: imm8[0] selects the destination qword, imm8[4] the source qword.
inline Vec128 pclmulqdq(Vec128 a, Vec128 b, u8 imm) {
  return clmul64((imm & 0x01u) ? a.hi : a.lo, (imm & 0x10u) ? b.hi : b.lo);
}

// SDM Vol. 2B POPCNT: the count of set bits (16/32/64-bit forms: callers zero-extend the
// operand). Flags: ZF set iff the source is zero, OF/SF/AF/CF/PF cleared.
constexpr u32 popcnt(u64 value) {
  return static_cast<u32>(std::popcount(value));
}
constexpr u32 popcnt_flags(u64 value) {
  return value == 0 ? kFlagZf : 0;
}

}  // namespace glasspc::simd

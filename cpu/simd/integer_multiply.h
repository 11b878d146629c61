// Lane-wise multiplication and the sum-of-products/differences family: PMULLW/PMULHW/PMULHUW/
// PMULHRSW/PMULLD/PMULUDQ/PMULDQ, PMADDWD/PMADDUBSW, PSADBW/MPSADBW and PHMINPOSUW.
#pragma once

#include "cpu/simd/vec128.h"

namespace glasspc::simd {

// SDM Vol. 2B PMULLW/PMULHW/PMULHUW: the 32-bit product of each word pair, low or high half.
template <typename V>
constexpr V pmullw(V a, V b) {
  return map_lanes<u16>(a, b, [](u16 x, u16 y) { return u32{x} * y; });
}
template <typename V>
constexpr V pmulhw(V a, V b) {
  return map_lanes<i16>(a, b, [](i16 x, i16 y) { return (i32{x} * y) >> 16; });
}
template <typename V>
constexpr V pmulhuw(V a, V b) {
  return map_lanes<u16>(a, b, [](u16 x, u16 y) { return (u32{x} * y) >> 16; });
}

// SDM Vol. 2B PMULHRSW: bits 16:1 of the product rounded at bit 14, i.e. ((x*y >> 14) + 1) >> 1.
template <typename V>
constexpr V pmulhrsw(V a, V b) {
  return map_lanes<i16>(a, b, [](i16 x, i16 y) { return (((i32{x} * y) >> 14) + 1) >> 1; });
}

// SDM Vol. 2B PMULLD: low 32 bits of the 64-bit product (unsigned arithmetic wraps identically).
constexpr Vec128 pmulld(Vec128 a, Vec128 b) {
  return map_lanes<u32>(a, b, [](u32 x, u32 y) { return x * y; });
}

// SDM Vol. 2B PMULUDQ: the even dwords multiplied to full 64-bit products. The MMX form only has
// the low dword.
constexpr u64 pmuludq(u64 a, u64 b) {
  return (a & 0xFFFFFFFF) * (b & 0xFFFFFFFF);
}
constexpr Vec128 pmuludq(Vec128 a, Vec128 b) {
  return {pmuludq(a.lo, b.lo), pmuludq(a.hi, b.hi)};
}

// SDM Vol. 2B PMULDQ (SSE4.1): as PMULUDQ with signed dwords.
constexpr u64 mul_signed_low_dwords(u64 a, u64 b) {
  return static_cast<u64>(static_cast<i64>(static_cast<i32>(a)) * static_cast<i32>(b));
}
constexpr Vec128 pmuldq(Vec128 a, Vec128 b) {
  return {mul_signed_low_dwords(a.lo, b.lo), mul_signed_low_dwords(a.hi, b.hi)};
}

// SDM Vol. 2B PMADDWD: each dword is the sum of two signed word products. Only
// 0x8000*0x8000 + 0x8000*0x8000 overflows, and it wraps to 0x80000000.
template <typename V>
constexpr V pmaddwd(V a, V b) {
  return map_lanes<u32>(a, b, [](u32 x, u32 y) {
    const i64 lo = i64{static_cast<i16>(x)} * static_cast<i16>(y);
    const i64 hi = i64{static_cast<i16>(x >> 16)} * static_cast<i16>(y >> 16);
    return static_cast<u32>(lo + hi);
  });
}

// SDM Vol. 2B PMADDUBSW: destination bytes are unsigned, source bytes signed; adjacent products
// are added with signed word saturation.
template <typename V>
constexpr V pmaddubsw(V a, V b) {
  return map_lanes<u16>(a, b, [](u16 x, u16 y) {
    const i32 lo = i32{static_cast<u8>(x)} * static_cast<i8>(y);
    const i32 hi = i32{static_cast<u8>(x >> 8)} * static_cast<i8>(y >> 8);
    return saturate<i16>(lo + hi);
  });
}

// SDM Vol. 2B PSADBW: sum of absolute byte differences of each 64-bit half, in the low word of
// that half; the rest of the half is zero.
constexpr u64 psadbw(u64 a, u64 b) {
  u64 sum = 0;
  for (unsigned s = 0; s < 64; s += 8) {
    const int x = static_cast<u8>(a >> s);
    const int y = static_cast<u8>(b >> s);
    sum += static_cast<u64>(x > y ? x - y : y - x);
  }
  return sum;
}
constexpr Vec128 psadbw(Vec128 a, Vec128 b) {
  return {psadbw(a.lo, b.lo), psadbw(a.hi, b.hi)};
}

// SDM Vol. 2B MPSADBW: eight sums of absolute differences between a 4-byte block of the source
// (selected by imm8[1:0]) and eight sliding 4-byte windows of the destination starting at byte
// 4*imm8[2].
Vec128 mpsadbw(Vec128 a, Vec128 b, u8 imm);

// SDM Vol. 2B PHMINPOSUW: the smallest unsigned word in bits 15:0 and the index of its first
// occurrence in bits 18:16; everything else zero.
Vec128 phminposuw(Vec128 a);

}  // namespace glasspc::simd

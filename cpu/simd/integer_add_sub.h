// Lane-wise addition family: PADD/PSUB (wrapping and saturating), PAVG, PMIN/PMAX, PABS, PSIGN,
// and the horizontal PHADD/PHSUB. Each has a u64 (MMX) and a Vec128 (SSE) form; the SSE form is
// the MMX form applied to both halves except for the horizontal operations, whose pairs cross the
// 64-bit halves (SDM Vol. 2B PHADDW: the destination's pairs fill the low half, the source's the
// high half).
#pragma once

#include "cpu/simd/vec128.h"

namespace glasspc::simd {

// Wrapping lane add/sub (SDM Vol. 2B PADDB/PSUBB: "overflow is ignored"), one u64 at a time.
constexpr u64 paddb(u64 a, u64 b) {
  return add_lanes<u8>(a, b);
}
constexpr u64 paddw(u64 a, u64 b) {
  return add_lanes<u16>(a, b);
}
constexpr u64 paddd(u64 a, u64 b) {
  return add_lanes<u32>(a, b);
}
constexpr u64 paddq(u64 a, u64 b) {
  return a + b;
}
constexpr u64 psubb(u64 a, u64 b) {
  return sub_lanes<u8>(a, b);
}
constexpr u64 psubw(u64 a, u64 b) {
  return sub_lanes<u16>(a, b);
}
constexpr u64 psubd(u64 a, u64 b) {
  return sub_lanes<u32>(a, b);
}
constexpr u64 psubq(u64 a, u64 b) {
  return a - b;
}

constexpr Vec128 paddb(Vec128 a, Vec128 b) {
  return {paddb(a.lo, b.lo), paddb(a.hi, b.hi)};
}
constexpr Vec128 paddw(Vec128 a, Vec128 b) {
  return {paddw(a.lo, b.lo), paddw(a.hi, b.hi)};
}
constexpr Vec128 paddd(Vec128 a, Vec128 b) {
  return {paddd(a.lo, b.lo), paddd(a.hi, b.hi)};
}
constexpr Vec128 paddq(Vec128 a, Vec128 b) {
  return {a.lo + b.lo, a.hi + b.hi};
}
constexpr Vec128 psubb(Vec128 a, Vec128 b) {
  return {psubb(a.lo, b.lo), psubb(a.hi, b.hi)};
}
constexpr Vec128 psubw(Vec128 a, Vec128 b) {
  return {psubw(a.lo, b.lo), psubw(a.hi, b.hi)};
}
constexpr Vec128 psubd(Vec128 a, Vec128 b) {
  return {psubd(a.lo, b.lo), psubd(a.hi, b.hi)};
}
constexpr Vec128 psubq(Vec128 a, Vec128 b) {
  return {a.lo - b.lo, a.hi - b.hi};
}

// Saturating forms (SDM Vol. 2B PADDSB/PADDUSB/PSUBSB/PSUBUSB): the exact result clamped to the
// lane's range. Computed on whole qwords: wrap, detect the lanes that overflowed from the top
// bits, then replace those lanes by the bound.
template <typename T>
constexpr u64 add_saturate_lanes(u64 a, u64 b) {
  constexpr u64 kTop = lane_top_bits<T>();
  const u64 sum = add_lanes<T>(a, b);
  if constexpr (std::is_unsigned_v<T>) {
    const u64 carry = ((a & b) | ((a | b) & ~sum)) & kTop;
    return sum | sign_mask_lanes<T>(carry);
  } else {
    // Overflow: operands of equal sign, result of the other sign. The bound is 0x7F.. plus the
    // sign bit of `a` (0x80.. for negative operands), which cannot carry out of the lane.
    const u64 overflow = ~(a ^ b) & (a ^ sum) & kTop;
    const u64 bound = ~kTop + ((a & kTop) >> (8 * sizeof(T) - 1));
    const u64 m = sign_mask_lanes<T>(overflow);
    return (sum & ~m) | (bound & m);
  }
}

template <typename T>
constexpr u64 sub_saturate_lanes(u64 a, u64 b) {
  constexpr u64 kTop = lane_top_bits<T>();
  const u64 diff = sub_lanes<T>(a, b);
  if constexpr (std::is_unsigned_v<T>) {
    const u64 borrow = ((~a & b) | (~(a ^ b) & diff)) & kTop;
    return diff & ~sign_mask_lanes<T>(borrow);
  } else {
    // Overflow: operands of different sign, result sign differs from `a`.
    const u64 overflow = (a ^ b) & (a ^ diff) & kTop;
    const u64 bound = ~kTop + ((a & kTop) >> (8 * sizeof(T) - 1));
    const u64 m = sign_mask_lanes<T>(overflow);
    return (diff & ~m) | (bound & m);
  }
}

constexpr u64 paddsb(u64 a, u64 b) {
  return add_saturate_lanes<i8>(a, b);
}
constexpr u64 paddsw(u64 a, u64 b) {
  return add_saturate_lanes<i16>(a, b);
}
constexpr u64 paddusb(u64 a, u64 b) {
  return add_saturate_lanes<u8>(a, b);
}
constexpr u64 paddusw(u64 a, u64 b) {
  return add_saturate_lanes<u16>(a, b);
}
constexpr u64 psubsb(u64 a, u64 b) {
  return sub_saturate_lanes<i8>(a, b);
}
constexpr u64 psubsw(u64 a, u64 b) {
  return sub_saturate_lanes<i16>(a, b);
}
constexpr u64 psubusb(u64 a, u64 b) {
  return sub_saturate_lanes<u8>(a, b);
}
constexpr u64 psubusw(u64 a, u64 b) {
  return sub_saturate_lanes<u16>(a, b);
}
constexpr Vec128 paddsb(Vec128 a, Vec128 b) {
  return per_half(a, b, add_saturate_lanes<i8>);
}
constexpr Vec128 paddsw(Vec128 a, Vec128 b) {
  return per_half(a, b, add_saturate_lanes<i16>);
}
constexpr Vec128 paddusb(Vec128 a, Vec128 b) {
  return per_half(a, b, add_saturate_lanes<u8>);
}
constexpr Vec128 paddusw(Vec128 a, Vec128 b) {
  return per_half(a, b, add_saturate_lanes<u16>);
}
constexpr Vec128 psubsb(Vec128 a, Vec128 b) {
  return per_half(a, b, sub_saturate_lanes<i8>);
}
constexpr Vec128 psubsw(Vec128 a, Vec128 b) {
  return per_half(a, b, sub_saturate_lanes<i16>);
}
constexpr Vec128 psubusb(Vec128 a, Vec128 b) {
  return per_half(a, b, sub_saturate_lanes<u8>);
}
constexpr Vec128 psubusw(Vec128 a, Vec128 b) {
  return per_half(a, b, sub_saturate_lanes<u16>);
}

// PAVGB/PAVGW: (x + y + 1) >> 1 per lane, as (x | y) - ((x ^ y) >> 1). The shifted term never
// exceeds x | y within a lane, so the qword subtraction borrows across no lane boundary.
template <typename T>
constexpr u64 average_lanes(u64 a, u64 b) {
  return (a | b) - (((a ^ b) >> 1) & ~lane_top_bits<T>());
}
constexpr u64 pavgb(u64 a, u64 b) {
  return average_lanes<u8>(a, b);
}
constexpr u64 pavgw(u64 a, u64 b) {
  return average_lanes<u16>(a, b);
}
constexpr Vec128 pavgb(Vec128 a, Vec128 b) {
  return per_half(a, b, average_lanes<u8>);
}
constexpr Vec128 pavgw(Vec128 a, Vec128 b) {
  return per_half(a, b, average_lanes<u16>);
}

// PMINxx/PMAXxx in every width and signedness (SSE4.1 adds SB, UW, SD, UD; MMX/SSE2 have UB, SW):
// a lane mask of a > b selects between the operands.
template <typename T>
constexpr u64 min_lanes(u64 a, u64 b) {
  const u64 gt = greater_mask_lanes<T>(a, b);
  return (b & gt) | (a & ~gt);
}
template <typename T>
constexpr u64 max_lanes(u64 a, u64 b) {
  const u64 gt = greater_mask_lanes<T>(a, b);
  return (a & gt) | (b & ~gt);
}
template <typename T>
constexpr Vec128 min_lanes(Vec128 a, Vec128 b) {
  return per_half(a, b, [](u64 x, u64 y) { return min_lanes<T>(x, y); });
}
template <typename T>
constexpr Vec128 max_lanes(Vec128 a, Vec128 b) {
  return per_half(a, b, [](u64 x, u64 y) { return max_lanes<T>(x, y); });
}
template <typename V>
constexpr V pminsb(V a, V b) {
  return min_lanes<i8>(a, b);
}
template <typename V>
constexpr V pminub(V a, V b) {
  return min_lanes<u8>(a, b);
}
template <typename V>
constexpr V pminsw(V a, V b) {
  return min_lanes<i16>(a, b);
}
template <typename V>
constexpr V pminuw(V a, V b) {
  return min_lanes<u16>(a, b);
}
template <typename V>
constexpr V pminsd(V a, V b) {
  return min_lanes<i32>(a, b);
}
template <typename V>
constexpr V pminud(V a, V b) {
  return min_lanes<u32>(a, b);
}
template <typename V>
constexpr V pmaxsb(V a, V b) {
  return max_lanes<i8>(a, b);
}
template <typename V>
constexpr V pmaxub(V a, V b) {
  return max_lanes<u8>(a, b);
}
template <typename V>
constexpr V pmaxsw(V a, V b) {
  return max_lanes<i16>(a, b);
}
template <typename V>
constexpr V pmaxuw(V a, V b) {
  return max_lanes<u16>(a, b);
}
template <typename V>
constexpr V pmaxsd(V a, V b) {
  return max_lanes<i32>(a, b);
}
template <typename V>
constexpr V pmaxud(V a, V b) {
  return max_lanes<u32>(a, b);
}

// PABSB/W/D (SDM Vol. 2B PABSB): the result is unsigned, so the most negative value maps to itself
// read as unsigned (0x80 -> 0x80).
template <typename T, typename V>
constexpr V abs_lanes(V a) {
  return map_lanes<T>(a, [](T x) { return x < 0 ? -static_cast<i64>(x) : static_cast<i64>(x); });
}
template <typename V>
constexpr V pabsb(V a) {
  return abs_lanes<i8>(a);
}
template <typename V>
constexpr V pabsw(V a) {
  return abs_lanes<i16>(a);
}
template <typename V>
constexpr V pabsd(V a) {
  return abs_lanes<i32>(a);
}

// PSIGNB/W/D (SDM Vol. 2B PSIGNB): negate, zero or keep each destination lane by the sign of the
// source lane; negating the most negative value wraps to itself.
template <typename T, typename V>
constexpr V sign_lanes(V a, V b) {
  return map_lanes<T>(a, b, [](T x, T y) {
    return y < 0 ? -static_cast<i64>(x) : (y == 0 ? i64{0} : static_cast<i64>(x));
  });
}
template <typename V>
constexpr V psignb(V a, V b) {
  return sign_lanes<i8>(a, b);
}
template <typename V>
constexpr V psignw(V a, V b) {
  return sign_lanes<i16>(a, b);
}
template <typename V>
constexpr V psignd(V a, V b) {
  return sign_lanes<i32>(a, b);
}

// Horizontal pairs: reduces adjacent T lanes of the 128 bits {x (low), y (high)} with f into one
// u64 (lanes of x fill its low half). PHADD/PHSUB on MMX are exactly this with x = dest, y = src;
// on XMM the low result half comes from the destination's two halves and the high from the
// source's.
template <typename T, typename F>
constexpr u64 pair_lanes(u64 x, u64 y, F f) {
  using U = std::make_unsigned_t<T>;
  constexpr unsigned kBits = 8 * sizeof(T);
  u64 r = 0;
  unsigned out = 0;
  const u64 halves[2] = {x, y};
  for (const u64 half : halves) {
    for (unsigned s = 0; s < 64; s += 2 * kBits, out += kBits) {
      const T even = static_cast<T>(static_cast<U>(half >> s));
      const T odd = static_cast<T>(static_cast<U>(half >> (s + kBits)));
      r |= static_cast<u64>(static_cast<U>(f(even, odd))) << out;
    }
  }
  return r;
}

template <typename T, typename F>
constexpr u64 horizontal(u64 a, u64 b, F f) {
  return pair_lanes<T>(a, b, f);
}
template <typename T, typename F>
constexpr Vec128 horizontal(Vec128 a, Vec128 b, F f) {
  return {pair_lanes<T>(a.lo, a.hi, f), pair_lanes<T>(b.lo, b.hi, f)};
}

// SDM Vol. 2B PHADDW/PHSUBW/PHADDSW: sums (or even minus odd differences) of adjacent lanes; the
// 16-bit add/sub forms wrap, the "S" forms saturate.
template <typename V>
constexpr V phaddw(V a, V b) {
  return horizontal<i16>(a, b, [](i16 x, i16 y) { return x + y; });
}
template <typename V>
constexpr V phaddd(V a, V b) {
  return horizontal<i32>(a, b, [](i32 x, i32 y) { return static_cast<i64>(x) + y; });
}
template <typename V>
constexpr V phaddsw(V a, V b) {
  return horizontal<i16>(a, b, [](i16 x, i16 y) { return saturate<i16>(x + y); });
}
template <typename V>
constexpr V phsubw(V a, V b) {
  return horizontal<i16>(a, b, [](i16 x, i16 y) { return x - y; });
}
template <typename V>
constexpr V phsubd(V a, V b) {
  return horizontal<i32>(a, b, [](i32 x, i32 y) { return static_cast<i64>(x) - y; });
}
template <typename V>
constexpr V phsubsw(V a, V b) {
  return horizontal<i16>(a, b, [](i16 x, i16 y) { return saturate<i16>(x - y); });
}

}  // namespace glasspc::simd

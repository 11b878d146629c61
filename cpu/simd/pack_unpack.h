// Narrowing packs (PACKSSWB/PACKSSDW/PACKUSWB/PACKUSDW) and interleaving unpacks (PUNPCKL/H for
// bytes, words, dwords and qwords, and their floating-point twins UNPCKLPS/UNPCKHPS/UNPCKLPD/
// UNPCKHPD, which are the same bit moves).
#pragma once

#include "cpu/simd/vec128.h"

namespace glasspc::simd {

// Narrows each From lane of x and then y to To with saturation; x fills the low half of the
// result. An MMX pack is pack_pair(dest, src); an SSE pack packs the destination's two halves into
// the low qword and the source's into the high qword (SDM Vol. 2B PACKSSWB, figure 4-6).
template <typename From, typename To>
constexpr u64 pack_pair(u64 x, u64 y) {
  using UFrom = std::make_unsigned_t<From>;
  using UTo = std::make_unsigned_t<To>;
  constexpr unsigned kIn = 8 * sizeof(From);
  constexpr unsigned kOut = 8 * sizeof(To);
  u64 r = 0;
  unsigned out = 0;
  const u64 halves[2] = {x, y};
  for (const u64 half : halves) {
    for (unsigned s = 0; s < 64; s += kIn, out += kOut) {
      const From v = static_cast<From>(static_cast<UFrom>(half >> s));
      r |= static_cast<u64>(static_cast<UTo>(saturate<To>(v))) << out;
    }
  }
  return r;
}

template <typename From, typename To>
constexpr Vec128 pack(Vec128 a, Vec128 b) {
  return {pack_pair<From, To>(a.lo, a.hi), pack_pair<From, To>(b.lo, b.hi)};
}

constexpr u64 packsswb(u64 a, u64 b) {
  return pack_pair<i16, i8>(a, b);
}
constexpr u64 packssdw(u64 a, u64 b) {
  return pack_pair<i32, i16>(a, b);
}
constexpr u64 packuswb(u64 a, u64 b) {
  return pack_pair<i16, u8>(a, b);
}
constexpr Vec128 packsswb(Vec128 a, Vec128 b) {
  return pack<i16, i8>(a, b);
}
constexpr Vec128 packssdw(Vec128 a, Vec128 b) {
  return pack<i32, i16>(a, b);
}
constexpr Vec128 packuswb(Vec128 a, Vec128 b) {
  return pack<i16, u8>(a, b);
}
constexpr Vec128 packusdw(Vec128 a, Vec128 b) {
  return pack<i32, u16>(a, b);
}

// Interleaves the T lanes of x and y (x first): lanes from the low 32 bits of each fill the low
// qword of the result, lanes from the high 32 bits the high qword.
template <typename T>
constexpr Vec128 interleave(u64 x, u64 y) {
  constexpr unsigned kBits = 8 * sizeof(T);
  if constexpr (kBits == 64) {
    return {x, y};
  } else {
    constexpr u64 kLane = (u64{1} << kBits) - 1;
    u64 out[2] = {0, 0};
    unsigned pos = 0;
    for (unsigned s = 0; s < 64; s += kBits, pos += 2 * kBits) {
      const u64 pair = ((x >> s) & kLane) | (((y >> s) & kLane) << kBits);
      out[pos / 64] |= pair << (pos % 64);
    }
    return {out[0], out[1]};
  }
}

// SDM Vol. 2B PUNPCKLBW..PUNPCKHQDQ. SSE: PUNPCKL interleaves the low qwords, PUNPCKH the high
// ones. MMX: the low (high) dwords of the two 64-bit operands.
constexpr u64 punpcklbw(u64 a, u64 b) {
  return interleave<u8>(a, b).lo;
}
constexpr u64 punpcklwd(u64 a, u64 b) {
  return interleave<u16>(a, b).lo;
}
constexpr u64 punpckldq(u64 a, u64 b) {
  return interleave<u32>(a, b).lo;
}
constexpr u64 punpckhbw(u64 a, u64 b) {
  return interleave<u8>(a, b).hi;
}
constexpr u64 punpckhwd(u64 a, u64 b) {
  return interleave<u16>(a, b).hi;
}
constexpr u64 punpckhdq(u64 a, u64 b) {
  return interleave<u32>(a, b).hi;
}

constexpr Vec128 punpcklbw(Vec128 a, Vec128 b) {
  return interleave<u8>(a.lo, b.lo);
}
constexpr Vec128 punpcklwd(Vec128 a, Vec128 b) {
  return interleave<u16>(a.lo, b.lo);
}
constexpr Vec128 punpckldq(Vec128 a, Vec128 b) {
  return interleave<u32>(a.lo, b.lo);
}
constexpr Vec128 punpcklqdq(Vec128 a, Vec128 b) {
  return {a.lo, b.lo};
}
constexpr Vec128 punpckhbw(Vec128 a, Vec128 b) {
  return interleave<u8>(a.hi, b.hi);
}
constexpr Vec128 punpckhwd(Vec128 a, Vec128 b) {
  return interleave<u16>(a.hi, b.hi);
}
constexpr Vec128 punpckhdq(Vec128 a, Vec128 b) {
  return interleave<u32>(a.hi, b.hi);
}
constexpr Vec128 punpckhqdq(Vec128 a, Vec128 b) {
  return {a.hi, b.hi};
}

// SDM Vol. 2B UNPCKLPS/UNPCKHPS/UNPCKLPD/UNPCKHPD move the same bits as the integer unpacks.
constexpr Vec128 unpcklps(Vec128 a, Vec128 b) {
  return punpckldq(a, b);
}
constexpr Vec128 unpckhps(Vec128 a, Vec128 b) {
  return punpckhdq(a, b);
}
constexpr Vec128 unpcklpd(Vec128 a, Vec128 b) {
  return punpcklqdq(a, b);
}
constexpr Vec128 unpckhpd(Vec128 a, Vec128 b) {
  return punpckhqdq(a, b);
}

}  // namespace glasspc::simd

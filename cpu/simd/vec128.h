// The 128-bit XMM register value and the lane machinery every SIMD integer operation is built on.
//
// A Vec128 is two little-endian u64 lanes: byte 0 of the register is bits 7:0 of `lo`, byte 15 is
// bits 63:56 of `hi` (Intel SDM Vol. 1, 4.6.1 "128-Bit Packed SIMD Data Types"). Keeping the value
// as host integers rather than a byte array makes whole-register operations (logic, byte shifts,
// blends, 64-bit lane adds) two host instructions each, and the layout is the same on any host
// because lanes are reached by shifts, never by reinterpreting memory. MMX registers are plain u64
// with the same lane order; every lane-wise operation therefore has a u64 form that the Vec128
// form applies to both halves.
#pragma once

#include <limits>
#include <type_traits>

#include "bus/types.h"

namespace glasspc::simd {

struct Vec128 {
  u64 lo = 0;  // bits 63:0
  u64 hi = 0;  // bits 127:64

  // Element `i` of type T (u8/i8 ... u64/i64), counted from the least significant end.
  template <typename T>
  constexpr T get(unsigned i) const {
    constexpr unsigned kPerLane = 8 / sizeof(T);
    const u64 lane = i < kPerLane ? lo : hi;
    return static_cast<T>(lane >> ((i % kPerLane) * 8 * sizeof(T)));
  }

  template <typename T>
  constexpr void set(unsigned i, T value) {
    using U = std::make_unsigned_t<T>;
    constexpr unsigned kPerLane = 8 / sizeof(T);
    constexpr u64 kMask = static_cast<U>(~U{0});
    const unsigned shift = (i % kPerLane) * 8 * sizeof(T);
    u64& lane = i < kPerLane ? lo : hi;
    lane = (lane & ~(kMask << shift)) | (static_cast<u64>(static_cast<U>(value)) << shift);
  }

  constexpr u8 byte(unsigned i) const { return get<u8>(i); }
  constexpr u16 word(unsigned i) const { return get<u16>(i); }
  constexpr u32 dword(unsigned i) const { return get<u32>(i); }
  constexpr u64 qword(unsigned i) const { return i == 0 ? lo : hi; }
  constexpr void set_byte(unsigned i, u8 v) { set<u8>(i, v); }
  constexpr void set_word(unsigned i, u16 v) { set<u16>(i, v); }
  constexpr void set_dword(unsigned i, u32 v) { set<u32>(i, v); }
  constexpr void set_qword(unsigned i, u64 v) { (i == 0 ? lo : hi) = v; }

  friend constexpr bool operator==(const Vec128&, const Vec128&) = default;
};

// Builds a Vec128 from four dwords, d0 being the least significant.
constexpr Vec128 vec_from_dwords(u32 d0, u32 d1, u32 d2, u32 d3) {
  return {d0 | (u64{d1} << 32), d2 | (u64{d3} << 32)};
}

// `v` replicated into every T-sized lane of a u64 (e.g. repeat_lane<u16>(0x8000) = 0x8000...8000).
template <typename T>
constexpr u64 repeat_lane(u64 v) {
  constexpr unsigned kBits = 8 * sizeof(T);
  if constexpr (kBits == 64) {
    return v;
  } else {
    constexpr u64 kOnes = ~u64{0} / ((u64{1} << kBits) - 1);  // 0x0101.. / 0x0001.. pattern
    return (v & ((u64{1} << kBits) - 1)) * kOnes;
  }
}

// Applies f(x, y) to each T lane of two u64s; f may return any integer, which is truncated to T
// (the wrap-around of the non-saturating instructions).
template <typename T, typename F>
constexpr u64 map_lanes(u64 a, u64 b, F f) {
  using U = std::make_unsigned_t<T>;
  constexpr unsigned kBits = 8 * sizeof(T);
  u64 r = 0;
  for (unsigned s = 0; s < 64; s += kBits) {
    const T x = static_cast<T>(static_cast<U>(a >> s));
    const T y = static_cast<T>(static_cast<U>(b >> s));
    r |= static_cast<u64>(static_cast<U>(f(x, y))) << s;
  }
  return r;
}

template <typename T, typename F>
constexpr Vec128 map_lanes(Vec128 a, Vec128 b, F f) {
  return {map_lanes<T>(a.lo, b.lo, f), map_lanes<T>(a.hi, b.hi, f)};
}

template <typename T, typename F>
constexpr u64 map_lanes(u64 a, F f) {
  return map_lanes<T>(a, a, [&](T x, T) { return f(x); });
}

template <typename T, typename F>
constexpr Vec128 map_lanes(Vec128 a, F f) {
  return {map_lanes<T>(a.lo, f), map_lanes<T>(a.hi, f)};
}

// Clamps a wide intermediate to the range of T: the saturation of PADDS/PACKSS/PACKUS and friends.
template <typename T>
constexpr T saturate(i64 v) {
  constexpr i64 kMin = static_cast<i64>(std::numeric_limits<T>::min());
  constexpr i64 kMax = static_cast<i64>(std::numeric_limits<T>::max());
  return static_cast<T>(v < kMin ? kMin : (v > kMax ? kMax : v));
}

// Lanes whose most significant bit is set become all ones, the others zero: the per-element
// selector of PBLENDVB/BLENDVPS/BLENDVPD and of the byte masks of MASKMOVDQU.
template <typename T>
constexpr u64 sign_mask_lanes(u64 v) {
  constexpr unsigned kBits = 8 * sizeof(T);
  const u64 tops = (v >> (kBits - 1)) & repeat_lane<T>(1);
  if constexpr (kBits == 64) {
    return 0 - tops;
  } else {
    return tops * ((u64{1} << kBits) - 1);
  }
}

// Whole-u64 ("SWAR") lane arithmetic: one host operation handles every lane of a qword, with the
// lanes' top bits fixed up separately so that no carry or borrow crosses into the neighbour.
template <typename T>
constexpr u64 lane_top_bits() {
  return repeat_lane<T>(u64{1} << (8 * sizeof(T) - 1));
}

template <typename T>
constexpr u64 add_lanes(u64 a, u64 b) {
  constexpr u64 kTop = lane_top_bits<T>();
  return ((a & ~kTop) + (b & ~kTop)) ^ ((a ^ b) & kTop);
}

template <typename T>
constexpr u64 sub_lanes(u64 a, u64 b) {
  constexpr u64 kTop = lane_top_bits<T>();
  return ((a | kTop) - (b & ~kTop)) ^ ((a ^ ~b) & kTop);
}

// All ones in the lanes where a == b.
template <typename T>
constexpr u64 equal_mask_lanes(u64 a, u64 b) {
  constexpr u64 kTop = lane_top_bits<T>();
  const u64 x = a ^ b;
  // Adding 0x7F.. to the low bits of a lane sets its top bit iff those bits are non-zero.
  const u64 nonzero = (((x & ~kTop) + ~kTop) | x) & kTop;
  return sign_mask_lanes<T>(~nonzero & kTop);
}

// All ones in the lanes where a > b, compared as T (signed or unsigned).
template <typename T>
constexpr u64 greater_mask_lanes(u64 a, u64 b) {
  constexpr u64 kTop = lane_top_bits<T>();
  if constexpr (std::is_unsigned_v<T>) {
    // Unsigned order is signed order with the top bits flipped.
    using S = std::make_signed_t<T>;
    return greater_mask_lanes<S>(a ^ kTop, b ^ kTop);
  } else {
    // b < a: the sign of b - a, corrected where the subtraction overflowed.
    const u64 d = sub_lanes<T>(b, a);
    return sign_mask_lanes<T>(d ^ ((b ^ a) & (d ^ b)));
  }
}

// f applied to the two halves of a Vec128, for operations defined on u64 lanes.
template <typename F>
constexpr Vec128 per_half(Vec128 a, Vec128 b, F f) {
  return {f(a.lo, b.lo), f(a.hi, b.hi)};
}

}  // namespace glasspc::simd

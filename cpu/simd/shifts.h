// Lane shifts PSLL/PSRL/PSRA (W/D/Q), the whole-register byte shifts PSLLDQ/PSRLDQ, and PALIGNR.
//
// SDM Vol. 2B PSLLW/PSRLW/PSRAW: the count is the full 64-bit value of the source operand (the low
// qword of an XMM register, an m64/m128 operand's low qword, or the zero-extended imm8); the count
// is not masked. A logical shift by more than the lane width minus one gives zero, an arithmetic
// one fills the lane with its sign bit. Callers pass that 64-bit count unmodified.
#pragma once

#include "cpu/simd/vec128.h"

namespace glasspc::simd {

// Logical shifts with one host shift per u64: shift the whole qword, then clear the bits that
// crossed from a neighbouring lane.
template <typename T>
constexpr u64 shift_left_lanes(u64 a, u64 count) {
  constexpr unsigned kBits = 8 * sizeof(T);
  if (count >= kBits) return 0;
  const unsigned c = static_cast<unsigned>(count);
  if constexpr (kBits == 64) {
    return a << c;
  } else {
    constexpr u64 kLaneOnes = (u64{1} << kBits) - 1;
    return (a << c) & repeat_lane<T>((kLaneOnes << c) & kLaneOnes);
  }
}

template <typename T>
constexpr u64 shift_right_lanes(u64 a, u64 count) {
  constexpr unsigned kBits = 8 * sizeof(T);
  if (count >= kBits) return 0;
  const unsigned c = static_cast<unsigned>(count);
  if constexpr (kBits == 64) {
    return a >> c;
  } else {
    constexpr u64 kLaneOnes = (u64{1} << kBits) - 1;
    return (a >> c) & repeat_lane<T>(kLaneOnes >> c);
  }
}

// Arithmetic right shift: the logical shift, then the sign bit of each lane smeared over the
// vacated high bits.
template <typename T>
constexpr u64 shift_right_arith_lanes(u64 a, u64 count) {
  constexpr unsigned kBits = 8 * sizeof(T);
  const unsigned c = count >= kBits ? kBits - 1 : static_cast<unsigned>(count);
  const u64 logical = shift_right_lanes<T>(a, c);
  const u64 negative = sign_mask_lanes<T>(a);
  // Bits of each lane above position kBits-1-c.
  const u64 high = ~shift_right_lanes<T>(~u64{0}, c);
  return logical | (negative & high);
}

constexpr u64 psllw(u64 a, u64 count) {
  return shift_left_lanes<u16>(a, count);
}
constexpr u64 pslld(u64 a, u64 count) {
  return shift_left_lanes<u32>(a, count);
}
constexpr u64 psllq(u64 a, u64 count) {
  return shift_left_lanes<u64>(a, count);
}
constexpr u64 psrlw(u64 a, u64 count) {
  return shift_right_lanes<u16>(a, count);
}
constexpr u64 psrld(u64 a, u64 count) {
  return shift_right_lanes<u32>(a, count);
}
constexpr u64 psrlq(u64 a, u64 count) {
  return shift_right_lanes<u64>(a, count);
}
constexpr u64 psraw(u64 a, u64 count) {
  return shift_right_arith_lanes<u16>(a, count);
}
constexpr u64 psrad(u64 a, u64 count) {
  return shift_right_arith_lanes<u32>(a, count);
}

constexpr Vec128 psllw(Vec128 a, u64 count) {
  return {psllw(a.lo, count), psllw(a.hi, count)};
}
constexpr Vec128 pslld(Vec128 a, u64 count) {
  return {pslld(a.lo, count), pslld(a.hi, count)};
}
constexpr Vec128 psllq(Vec128 a, u64 count) {
  return {psllq(a.lo, count), psllq(a.hi, count)};
}
constexpr Vec128 psrlw(Vec128 a, u64 count) {
  return {psrlw(a.lo, count), psrlw(a.hi, count)};
}
constexpr Vec128 psrld(Vec128 a, u64 count) {
  return {psrld(a.lo, count), psrld(a.hi, count)};
}
constexpr Vec128 psrlq(Vec128 a, u64 count) {
  return {psrlq(a.lo, count), psrlq(a.hi, count)};
}
constexpr Vec128 psraw(Vec128 a, u64 count) {
  return {psraw(a.lo, count), psraw(a.hi, count)};
}
constexpr Vec128 psrad(Vec128 a, u64 count) {
  return {psrad(a.lo, count), psrad(a.hi, count)};
}

// 128-bit shifts by a bit count 0..127 (callers handle >= 128).
constexpr Vec128 shift_left_128(Vec128 a, unsigned bits) {
  if (bits == 0) return a;
  if (bits >= 64) return {0, a.lo << (bits - 64)};
  return {a.lo << bits, (a.hi << bits) | (a.lo >> (64 - bits))};
}
constexpr Vec128 shift_right_128(Vec128 a, unsigned bits) {
  if (bits == 0) return a;
  if (bits >= 64) return {a.hi >> (bits - 64), 0};
  return {(a.lo >> bits) | (a.hi << (64 - bits)), a.hi >> bits};
}

// SDM Vol. 2B PSLLDQ/PSRLDQ: shift by imm8 bytes; counts above 15 clear the register.
constexpr Vec128 pslldq(Vec128 a, u8 imm) {
  return imm > 15 ? Vec128{} : shift_left_128(a, imm * 8u);
}
constexpr Vec128 psrldq(Vec128 a, u8 imm) {
  return imm > 15 ? Vec128{} : shift_right_128(a, imm * 8u);
}

// SDM Vol. 2B PALIGNR: the destination:source concatenation (destination high) shifted right by
// imm8 bytes, low half kept. The 256-bit (128-bit for MMX) intermediate makes counts past the
// source pull in destination bytes and counts past both give zero.
constexpr Vec128 palignr(Vec128 dest, Vec128 src, u8 imm) {
  if (imm >= 32) return {};
  if (imm >= 16) return shift_right_128(dest, (imm - 16) * 8u);
  const Vec128 low = shift_right_128(src, imm * 8u);
  const Vec128 high = imm == 0 ? Vec128{} : shift_left_128(dest, (16 - imm) * 8u);
  return {low.lo | high.lo, low.hi | high.hi};
}
constexpr u64 palignr(u64 dest, u64 src, u8 imm) {
  if (imm >= 16) return 0;
  return shift_right_128(Vec128{src, dest}, imm * 8u).lo;
}

}  // namespace glasspc::simd

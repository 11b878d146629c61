// Packing and unpacking of binary32/binary64 (SDM Vol. 1 4.2.2, 4.8; IEEE 754-2008 3.4),
// shared by x87 loads/stores and SSE arithmetic.
#pragma once

#include <bit>

#include "cpu/float/fp_types.h"
#include "cpu/float/unpacked.h"

namespace glasspc::fp {

enum class IeeeClass : u8 { kZero, kNormal, kDenormal, kInfinity, kQNaN, kSNaN };

inline IeeeClass classify(F32 v);
inline IeeeClass classify(F64 v);
inline bool is_nan(IeeeClass c) {
  return c == IeeeClass::kQNaN || c == IeeeClass::kSNaN;
}
inline bool sign_of(F32 v) {
  return (v.bits >> 31) != 0;
}
inline bool sign_of(F64 v) {
  return (v.bits >> 63) != 0;
}
inline F32 quiet(F32 v) {
  return F32{v.bits | 0x00400000u};
}
inline F64 quiet(F64 v) {
  return F64{v.bits | 0x0008000000000000ull};
}
inline F32 f32_zero(bool sign) {
  return F32{sign ? 0x80000000u : 0u};
}
inline F64 f64_zero(bool sign) {
  return F64{sign ? 0x8000000000000000ull : 0ull};
}
inline F32 f32_infinity(bool sign) {
  return F32{(sign ? 0x80000000u : 0u) | 0x7F800000u};
}
inline F64 f64_infinity(bool sign) {
  return F64{(sign ? 0x8000000000000000ull : 0ull) | 0x7FF0000000000000ull};
}
inline F32 f32_max(bool sign) {
  return F32{(sign ? 0x80000000u : 0u) | 0x7F7FFFFFu};
}
inline F64 f64_max(bool sign) {
  return F64{(sign ? 0x8000000000000000ull : 0ull) | 0x7FEFFFFFFFFFFFFFull};
}

// Finite values only (zero, normal, denormal).
inline Unpacked unpack(F32 v);
inline Unpacked unpack(F64 v);
// Packs a rounded, in-range result (overflow is handled by the caller).
inline F32 pack32(const Rounded& r);
inline F64 pack64(const Rounded& r);

// Definitions inline: every SSE lane operation and x87 load/store goes through them.
namespace detail {

template <typename Bits>
inline IeeeClass classify_fields(Bits exp, Bits frac, Bits exp_max, Bits quiet_bit) {
  if (exp == 0) return frac == 0 ? IeeeClass::kZero : IeeeClass::kDenormal;
  if (exp == exp_max) {
    if (frac == 0) return IeeeClass::kInfinity;
    return (frac & quiet_bit) != 0 ? IeeeClass::kQNaN : IeeeClass::kSNaN;
  }
  return IeeeClass::kNormal;
}

inline Unpacked unpack_fields(bool sign, u64 exp, u64 frac, int frac_bits, i32 bias) {
  // value = (hidden + frac) * 2^(e - frac_bits); as an integer significand placed at bit 127.
  const u64 hidden = exp == 0 ? 0 : u64{1} << frac_bits;
  const i32 e = exp == 0 ? 1 - bias : static_cast<i32>(exp) - bias;
  Unpacked u;
  u.sign = sign;
  u.exp = e - frac_bits + 127;
  const u64 m = hidden | frac;
  if (m == 0) return u;
  // Normalizing within the high 64 bits: the same result as normalize(), without a 128-bit
  // variable shift.
  const int lz = std::countl_zero(m);
  u.sig = u128{m << lz} << 64;
  u.exp -= 64 + lz;
  return u;
}

}  // namespace detail

inline IeeeClass classify(F32 v) {
  return detail::classify_fields<u32>((v.bits >> 23) & 0xFF, v.bits & 0x7FFFFF, 0xFF, 0x400000);
}

inline IeeeClass classify(F64 v) {
  return detail::classify_fields<u64>((v.bits >> 52) & 0x7FF, v.bits & 0xFFFFFFFFFFFFFull, 0x7FF,
                                      0x8000000000000ull);
}

inline Unpacked unpack(F32 v) {
  return detail::unpack_fields(sign_of(v), (v.bits >> 23) & 0xFF, v.bits & 0x7FFFFF, 23, 127);
}

inline Unpacked unpack(F64 v) {
  return detail::unpack_fields(sign_of(v), (v.bits >> 52) & 0x7FF, v.bits & 0xFFFFFFFFFFFFFull, 52,
                               1023);
}

inline F32 pack32(const Rounded& r) {
  const u32 sign = r.sign ? 0x80000000u : 0u;
  const u32 kept = static_cast<u32>(r.sig >> 40);
  if ((r.sig >> 63) == 0) return F32{sign | kept};  // zero or denormal
  return F32{sign | (static_cast<u32>(r.exp + 127) << 23) | (kept & 0x7FFFFFu)};
}

inline F64 pack64(const Rounded& r) {
  const u64 sign = r.sign ? 0x8000000000000000ull : 0;
  const u64 kept = r.sig >> 11;
  if ((r.sig >> 63) == 0) return F64{sign | kept};
  return F64{sign | (static_cast<u64>(r.exp + 1023) << 52) | (kept & 0xFFFFFFFFFFFFFull)};
}

}  // namespace glasspc::fp

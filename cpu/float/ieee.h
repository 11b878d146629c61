// Packing and unpacking of binary32/binary64 (SDM Vol. 1 4.2.2, 4.8; IEEE 754-2008 3.4),
// shared by x87 loads/stores and SSE arithmetic.
#pragma once

#include "cpu/float/fp_types.h"
#include "cpu/float/unpacked.h"

namespace glasspc::fp {

enum class IeeeClass : u8 { kZero, kNormal, kDenormal, kInfinity, kQNaN, kSNaN };

IeeeClass classify(F32 v);
IeeeClass classify(F64 v);
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
Unpacked unpack(F32 v);
Unpacked unpack(F64 v);
// Packs a rounded, in-range result (overflow is handled by the caller).
F32 pack32(const Rounded& r);
F64 pack64(const Rounded& r);

}  // namespace glasspc::fp

// binary32/binary64 field access.
#include "cpu/float/ieee.h"

namespace glasspc::fp {

namespace {

template <typename Bits>
IeeeClass classify_fields(Bits exp, Bits frac, Bits exp_max, Bits quiet_bit) {
  if (exp == 0) return frac == 0 ? IeeeClass::kZero : IeeeClass::kDenormal;
  if (exp == exp_max) {
    if (frac == 0) return IeeeClass::kInfinity;
    return (frac & quiet_bit) != 0 ? IeeeClass::kQNaN : IeeeClass::kSNaN;
  }
  return IeeeClass::kNormal;
}

Unpacked unpack_fields(bool sign, u64 exp, u64 frac, int frac_bits, i32 bias) {
  // value = (hidden + frac) * 2^(e - frac_bits); as an integer significand placed at bit 127.
  const u64 hidden = exp == 0 ? 0 : u64{1} << frac_bits;
  const i32 e = exp == 0 ? 1 - bias : static_cast<i32>(exp) - bias;
  Unpacked u;
  u.sign = sign;
  u.sig = u128{hidden | frac};
  u.exp = e - frac_bits + 127;
  normalize(u);
  return u;
}

}  // namespace

IeeeClass classify(F32 v) {
  return classify_fields<u32>((v.bits >> 23) & 0xFF, v.bits & 0x7FFFFF, 0xFF, 0x400000);
}

IeeeClass classify(F64 v) {
  return classify_fields<u64>((v.bits >> 52) & 0x7FF, v.bits & 0xFFFFFFFFFFFFFull, 0x7FF,
                              0x8000000000000ull);
}

Unpacked unpack(F32 v) {
  return unpack_fields(sign_of(v), (v.bits >> 23) & 0xFF, v.bits & 0x7FFFFF, 23, 127);
}

Unpacked unpack(F64 v) {
  return unpack_fields(sign_of(v), (v.bits >> 52) & 0x7FF, v.bits & 0xFFFFFFFFFFFFFull, 52, 1023);
}

F32 pack32(const Rounded& r) {
  const u32 sign = r.sign ? 0x80000000u : 0u;
  const u32 kept = static_cast<u32>(r.sig >> 40);
  if ((r.sig >> 63) == 0) return F32{sign | kept};  // zero or denormal
  return F32{sign | (static_cast<u32>(r.exp + 127) << 23) | (kept & 0x7FFFFFu)};
}

F64 pack64(const Rounded& r) {
  const u64 sign = r.sign ? 0x8000000000000000ull : 0;
  const u64 kept = r.sig >> 11;
  if ((r.sig >> 63) == 0) return F64{sign | kept};
  return F64{sign | (static_cast<u64>(r.exp + 1023) << 52) | (kept & 0xFFFFFFFFFFFFFull)};
}

}  // namespace glasspc::fp

// x87 loads and stores between double extended and memory formats: binary32/64 (FLD/FST),
// integers (FILD/FIST/FISTTP), packed BCD (FBLD/FBSTP), and the constant loads (SDM Vol. 2
// instruction pages; Vol. 1 4.7 BCD, 8.3.8 constants).
#include "cpu/float/ieee.h"
#include "cpu/float/x87.h"

namespace glasspc::fp {

namespace {

template <typename Out>
struct StoreFormat;

template <>
struct StoreFormat<F32> {
  static constexpr Format kFmt = kFormat32;
  static F32 default_nan() { return kF32DefaultNaN; }
  static F32 nan_from(F80 v) {
    return F32{(v.sign() ? 0x80000000u : 0u) | 0x7FC00000u |
               static_cast<u32>((v.significand >> 40) & 0x7FFFFF)};
  }
  static F32 infinity(bool s) { return f32_infinity(s); }
  static F32 max(bool s) { return f32_max(s); }
  static F32 zero(bool s) { return f32_zero(s); }
  static F32 pack(const Rounded& r) { return pack32(r); }
};

template <>
struct StoreFormat<F64> {
  static constexpr Format kFmt = kFormat64;
  static F64 default_nan() { return kF64DefaultNaN; }
  static F64 nan_from(F80 v) {
    return F64{(v.sign() ? 0x8000000000000000ull : 0ull) | 0x7FF8000000000000ull |
               ((v.significand >> 11) & 0xFFFFFFFFFFFFFull)};
  }
  static F64 infinity(bool s) { return f64_infinity(s); }
  static F64 max(bool s) { return f64_max(s); }
  static F64 zero(bool s) { return f64_zero(s); }
  static F64 pack(const Rounded& r) { return pack64(r); }
};

// FST m32/m64: rounding control applies, precision control does not (SDM Vol. 1 8.1.5.2).
template <typename Out>
Out store(F80 v, X87Env& env) {
  using S = StoreFormat<Out>;
  env.begin();
  const X87Class c = classify(v);
  switch (c) {
    case X87Class::kUnsupported:
      env.raise(flag::kInvalid);
      return S::default_nan();
    case X87Class::kSNaN:
      env.raise(flag::kInvalid);
      return S::nan_from(v);
    case X87Class::kQNaN:
      return S::nan_from(v);
    case X87Class::kInfinity:
      return S::infinity(v.sign());
    case X87Class::kZero:
      return S::zero(v.sign());
    // A denormal source is not reported by stores: only underflow and precision are
    // (SDM Vol. 2 FST lists no #D).
    case X87Class::kDenormal:
    case X87Class::kPseudoDenormal:
    case X87Class::kNormal:
      break;
  }
  const Unpacked u = unpack(v);
  const Rounded r = round_to(u, S::kFmt, env.rounding);
  if (r.overflow) {
    env.raise(flag::kOverflow | flag::kPrecision);
    if (!overflow_gives_infinity(u.sign, env.rounding)) return S::max(u.sign);
    env.c1 = true;
    return S::infinity(u.sign);
  }
  if (r.tiny && (r.inexact || !env.masked(flag::kUnderflow))) env.raise(flag::kUnderflow);
  if (r.inexact) {
    env.raise(flag::kPrecision);
    env.c1 = r.rounded_up;
  }
  return S::pack(r);
}

template <typename In>
F80 load(In v, int frac_bits, X87Env& env) {
  env.begin();
  const IeeeClass c = classify(v);
  const bool s = sign_of(v);
  const u64 frac = static_cast<u64>(v.bits) & ((u64{1} << frac_bits) - 1);
  switch (c) {
    case IeeeClass::kZero:
      return f80_zero(s);
    case IeeeClass::kInfinity:
      return f80_infinity(s);
    case IeeeClass::kSNaN:
    case IeeeClass::kQNaN:
      // The payload moves to the top of the significand; an SNaN is quieted (SDM Vol. 1 4.8.3.4).
      if (c == IeeeClass::kSNaN) env.raise(flag::kInvalid);
      return F80{kF80IntegerBit | kF80QuietBit | (frac << (63 - frac_bits)),
                 u16((s ? 0x8000 : 0) | 0x7FFF)};
    case IeeeClass::kDenormal:
      env.raise(flag::kDenormal);
      break;
    case IeeeClass::kNormal:
      break;
  }
  // Every binary32/64 value is exact in double extended.
  return pack(round_to(unpack(v), kFormat80, Rounding::kNearest));
}

template <typename In>
MemoryOperand widen_operand(In v, int frac_bits) {
  const IeeeClass c = classify(v);
  const bool s = sign_of(v);
  const u64 frac = static_cast<u64>(v.bits) & ((u64{1} << frac_bits) - 1);
  const u16 sign = s ? 0x8000 : 0;
  switch (c) {
    case IeeeClass::kZero:
      return {f80_zero(s), false};
    case IeeeClass::kInfinity:
    case IeeeClass::kSNaN:
    case IeeeClass::kQNaN:
      return {F80{kF80IntegerBit | (frac << (63 - frac_bits)), u16(sign | 0x7FFF)}, false};
    case IeeeClass::kDenormal:
    case IeeeClass::kNormal:
      break;
  }
  return {pack(round_to(unpack(v), kFormat80, Rounding::kNearest)), c == IeeeClass::kDenormal};
}

}  // namespace

MemoryOperand x87_memory_operand(F32 v) {
  return widen_operand(v, 23);
}
MemoryOperand x87_memory_operand(F64 v) {
  return widen_operand(v, 52);
}

F80 f32_to_f80(F32 v, X87Env& env) {
  return load(v, 23, env);
}
F80 f64_to_f80(F64 v, X87Env& env) {
  return load(v, 52, env);
}
F32 f80_to_f32(F80 v, X87Env& env) {
  return store<F32>(v, env);
}
F64 f80_to_f64(F80 v, X87Env& env) {
  return store<F64>(v, env);
}

bool suppress_memory_store(const X87Env& env) {
  return (env.raised & ~env.masks & flag::kAll) != 0;
}

i64 f80_to_int(F80 v, int bits, bool truncate, X87Env& env) {
  env.begin();
  const i64 indefinite = static_cast<i64>(~u64{0} << (bits - 1));  // 0x8000...
  const X87Class c = classify(v);
  if (c == X87Class::kUnsupported || c == X87Class::kInfinity || is_nan(v)) {
    env.raise(flag::kInvalid);
    return indefinite;
  }
  if (c == X87Class::kZero) return 0;
  const Unpacked u = unpack(v);
  if (u.exp >= 64) {
    env.raise(flag::kInvalid);
    return indefinite;
  }
  // FISTTP always chops (SDM Vol. 2 FISTTP); FIST uses the rounding control.
  const IntegerRounding r = round_integer(u, truncate ? Rounding::kZero : env.rounding);
  const u128 limit = (u128{1} << (bits - 1)) - (u.sign ? 0 : 1);
  if (r.magnitude > limit) {
    env.raise(flag::kInvalid);
    return indefinite;
  }
  if (r.inexact) {
    env.raise(flag::kPrecision);
    env.c1 = r.rounded_up;
  }
  const u64 mag = static_cast<u64>(r.magnitude);
  return u.sign ? static_cast<i64>(0 - mag) : static_cast<i64>(mag);
}

F80 bcd_to_f80(const u8 bcd[10]) {
  // Eighteen digits, two per byte, most significant in byte 8; sign in bit 7 of byte 9
  // (SDM Vol. 1 4.7, Figure 4-10). Nibbles above 9 are weighted as they are, as hardware does.
  u64 value = 0;
  for (int i = 8; i >= 0; --i) {
    value = value * 10 + (bcd[i] >> 4);
    value = value * 10 + (bcd[i] & 0x0F);
  }
  const bool neg = (bcd[9] & 0x80) != 0;
  if (value == 0) return f80_zero(neg);
  F80 r = int_to_f80(static_cast<i64>(value));
  if (neg) r.sign_exponent |= 0x8000;
  return r;
}

void f80_to_bcd(F80 v, X87Env& env, u8 bcd[10]) {
  env.begin();
  for (int i = 0; i < 10; ++i) bcd[i] = 0;
  const auto indefinite = [&] {
    // BCD integer indefinite (SDM Vol. 1 Table 4-4): FFFF C000 0000 0000 0000.
    env.raise(flag::kInvalid);
    bcd[9] = bcd[8] = 0xFF;
    bcd[7] = 0xC0;
  };
  const X87Class c = classify(v);
  if (c == X87Class::kUnsupported || c == X87Class::kInfinity || is_nan(v)) return indefinite();
  bcd[9] = v.sign() ? 0x80 : 0;
  if (c == X87Class::kZero) return;
  const Unpacked u = unpack(v);
  if (u.exp >= 60) return indefinite();
  const IntegerRounding r = round_integer(u, env.rounding);
  constexpr u64 kMax = 999999999999999999ull;
  if (r.magnitude > kMax) return indefinite();
  if (r.inexact) {
    env.raise(flag::kPrecision);
    env.c1 = r.rounded_up;
  }
  u64 m = static_cast<u64>(r.magnitude);
  for (int i = 0; i < 9; ++i) {
    const u8 lo = static_cast<u8>(m % 10);
    m /= 10;
    const u8 hi = static_cast<u8>(m % 10);
    m /= 10;
    bcd[i] = static_cast<u8>(hi << 4 | lo);
  }
}

F80 x87_constant(X87Constant c, Rounding rc) {
  // 128-bit significands (leading bit at 127) and exponents of the constants. SDM Vol. 1 8.3.8:
  // the result is the constant rounded by the rounding control, without raising #P.
  struct Wide128 {
    u64 hi, lo;
    i32 exp;
  };
  Wide128 w{};
  switch (c) {
    case X87Constant::kOne:
      return F80{kF80IntegerBit, 0x3FFF};
    case X87Constant::kZero:
      return f80_zero(false);
    case X87Constant::kPi:
      w = {0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1};
      break;
    case X87Constant::kLog2Ten:
      w = {0xD49A784BCD1B8AFEull, 0x492BF6FF4DAFDB4Cull, 1};
      break;
    case X87Constant::kLog2E:
      w = {0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0};
      break;
    case X87Constant::kLog10Two:
      w = {0x9A209A84FBCFF798ull, 0x8F8959AC0B7C9178ull, -2};
      break;
    case X87Constant::kLnTwo:
      w = {0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1};
      break;
  }
  Unpacked u;
  u.sig = (u128{w.hi} << 64) | w.lo | 1;  // the constants are irrational: sticky
  u.exp = w.exp;
  return pack(round_to(u, kFormat80, rc));
}

}  // namespace glasspc::fp

// SSE conversions (CVTSS2SD, CVTSD2SS, CVT(T)SS2SI, CVT(T)SD2SI, CVTSI2SS/SD) and ROUNDSS/SD
// (SDM Vol. 2 instruction pages).
#include <bit>

#include "cpu/float/sse_lane.h"

namespace glasspc::fp {

namespace {

using namespace sse_lane;

template <typename Out, typename In>
Out convert_float(In a, SseEnv& env) {
  a = apply_daz(a, env);
  const IeeeClass c = classify(a);
  const bool s = sign_of(a);
  if (is_nan(c)) {
    if (c == IeeeClass::kSNaN) env.raise(flag::kInvalid);
    // The payload keeps its top bits; the quiet bit is set (SDM Vol. 1 4.8.3.4).
    if constexpr (sizeof(Out) == 8) {
      return F64{(s ? 0x8000000000000000ull : 0) | 0x7FF8000000000000ull |
                 (u64{a.bits & 0x3FFFFFu} << 29)};
    } else {
      return F32{(s ? 0x80000000u : 0) | 0x7FC00000u |
                 static_cast<u32>((a.bits >> 29) & 0x3FFFFFu)};
    }
  }
  if (c == IeeeClass::kInfinity) return Traits<Out>::infinity(s);
  if (c == IeeeClass::kZero) return Traits<Out>::zero(s);
  if (c == IeeeClass::kDenormal) env.raise(flag::kDenormal);
  return finish<Out>(unpack(a), env);
}

template <typename I, typename T>
I convert_to_int(T a, bool truncate, SseEnv& env) {
  constexpr int kBits = sizeof(I) * 8;
  constexpr I kIndefinite = static_cast<I>(u64{1} << (kBits - 1));
  a = apply_daz(a, env);
  const IeeeClass c = classify(a);
  if (is_nan(c) || c == IeeeClass::kInfinity) {
    env.raise(flag::kInvalid);
    return kIndefinite;
  }
  if (c == IeeeClass::kZero) return 0;
  const Unpacked u = unpack(a);
  if (u.exp >= kBits) {
    env.raise(flag::kInvalid);
    return kIndefinite;
  }
  const IntegerRounding r = round_integer(u, truncate ? Rounding::kZero : env.rounding);
  const u128 limit = (u128{1} << (kBits - 1)) - (u.sign ? 0 : 1);
  if (r.magnitude > limit) {
    env.raise(flag::kInvalid);
    return kIndefinite;
  }
  if (r.inexact) env.raise(flag::kPrecision);
  const u64 mag = static_cast<u64>(r.magnitude);
  return static_cast<I>(u.sign ? 0 - mag : mag);
}

template <typename T>
T from_int(i64 v, SseEnv& env) {
  const bool neg = v < 0;
  const u64 mag = neg ? 0 - static_cast<u64>(v) : static_cast<u64>(v);
  if (mag == 0) return Traits<T>::zero(false);
  return finish<T>(from_integer(neg, mag), env);
}

template <typename T>
T round_lane(T a, u8 imm, SseEnv& env) {
  a = apply_daz(a, env);
  const IeeeClass c = classify(a);
  if (is_nan(c)) return propagate_nan(a, a, env);
  // ROUNDSS reports no denormal-operand exception (SDM Vol. 2 ROUNDSS: Invalid, Precision).
  if (c == IeeeClass::kZero || c == IeeeClass::kInfinity) return a;
  const Rounding rc = (imm & 4) != 0 ? env.rounding : static_cast<Rounding>(imm & 3);
  const Unpacked u = unpack(a);
  if (u.exp >= Traits<T>::kFmt.precision - 1) return a;  // already an integer
  const IntegerRounding r = round_integer(u, rc);
  if (r.inexact && (imm & 8) == 0) env.raise(flag::kPrecision);
  if (r.magnitude == 0) return Traits<T>::zero(u.sign);
  return Traits<T>::pack(round_to(from_integer(u.sign, r.magnitude), Traits<T>::kFmt, rc));
}

}  // namespace

F64 sse_f32_to_f64(F32 a, SseEnv& env) {
  return convert_float<F64>(a, env);
}
F32 sse_f64_to_f32(F64 a, SseEnv& env) {
  return convert_float<F32>(a, env);
}
i32 sse_f32_to_i32(F32 a, bool truncate, SseEnv& env) {
  return convert_to_int<i32>(a, truncate, env);
}
i64 sse_f32_to_i64(F32 a, bool truncate, SseEnv& env) {
  return convert_to_int<i64>(a, truncate, env);
}
i32 sse_f64_to_i32(F64 a, bool truncate, SseEnv& env) {
  return convert_to_int<i32>(a, truncate, env);
}
i64 sse_f64_to_i64(F64 a, bool truncate, SseEnv& env) {
  return convert_to_int<i64>(a, truncate, env);
}
F32 sse_i32_to_f32(i32 v, SseEnv& env) {
  return from_int<F32>(v, env);
}
F32 sse_i64_to_f32(i64 v, SseEnv& env) {
  return from_int<F32>(v, env);
}
// Every int32 is exact in binary64 (SDM Vol. 2 CVTDQ2PD/CVTSI2SD: no exceptions), so the
// encoding is built directly: CVTDQ2PD is common in SSE2 loops.
F64 sse_i32_to_f64(i32 v) {
  if (v == 0) return f64_zero(false);
  const bool neg = v < 0;
  const u64 mag = neg ? 0 - static_cast<u64>(v) : static_cast<u64>(v);
  const int lz = std::countl_zero(mag);  // 32..63: the value is mag * 2^0 = 2^(63 - lz) * 1.f
  const u64 fraction = (mag << lz << 1) >> 12;
  return F64{(neg ? 0x8000000000000000ull : 0) | (static_cast<u64>(1023 + 63 - lz) << 52) |
             fraction};
}
F64 sse_i64_to_f64(i64 v, SseEnv& env) {
  return from_int<F64>(v, env);
}
F32 sse_round(F32 a, u8 imm, SseEnv& env) {
  return round_lane(a, imm, env);
}
F64 sse_round(F64 a, u8 imm, SseEnv& env) {
  return round_lane(a, imm, env);
}

}  // namespace glasspc::fp

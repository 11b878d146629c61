// Shared per-lane machinery of the SSE code: format traits, DAZ input handling, NaN
// propagation and the MXCSR-controlled rounding of results (SDM Vol. 1 10.2.3, 11.5.2).
#pragma once

#include "cpu/float/ieee.h"
#include "cpu/float/sse.h"

namespace glasspc::fp::sse_lane {

template <typename T>
struct Traits;

template <>
struct Traits<F32> {
  static constexpr Format kFmt = kFormat32;
  static F32 default_nan() { return kF32DefaultNaN; }
  static F32 pack(const Rounded& r) { return pack32(r); }
  static F32 infinity(bool s) { return f32_infinity(s); }
  static F32 max(bool s) { return f32_max(s); }
  static F32 zero(bool s) { return f32_zero(s); }
};

template <>
struct Traits<F64> {
  static constexpr Format kFmt = kFormat64;
  static F64 default_nan() { return kF64DefaultNaN; }
  static F64 pack(const Rounded& r) { return pack64(r); }
  static F64 infinity(bool s) { return f64_infinity(s); }
  static F64 max(bool s) { return f64_max(s); }
  static F64 zero(bool s) { return f64_zero(s); }
};

// DAZ replaces a denormal source by a zero of the same sign, silently (SDM Vol. 1 10.2.3.4).
template <typename T>
T apply_daz(T v, const SseEnv& env) {
  if (env.denormals_are_zero && classify(v) == IeeeClass::kDenormal) {
    return Traits<T>::zero(sign_of(v));
  }
  return v;
}

// Rounds an exact result under MXCSR: overflow, underflow with FTZ, precision (SDM Vol. 1
// 4.9.1.4-4.9.1.6 and 10.2.3.3).
template <typename T>
T finish(const Unpacked& v, SseEnv& env) {
  using Tr = Traits<T>;
  const Rounded r = round_to(v, Tr::kFmt, env.rounding);
  if (r.overflow) {
    if (!env.masked(flag::kOverflow)) {
      // Unmasked: the destination is not written (#XM); PE only when the result rounded with
      // an unbounded exponent is inexact (SDM Vol. 1 11.5.2.4).
      env.raise(flag::kOverflow |
                (round_to(v, Tr::kFmt, env.rounding, true).inexact ? flag::kPrecision : 0));
      return Tr::pack(r);
    }
    env.raise(flag::kOverflow | flag::kPrecision);
    return overflow_gives_infinity(v.sign, env.rounding) ? Tr::infinity(v.sign) : Tr::max(v.sign);
  }
  if (r.tiny) {
    if (env.masked(flag::kUnderflow)) {
      if (env.flush_to_zero) {
        // FTZ returns a zero of the true sign and reports underflow and precision.
        env.raise(flag::kUnderflow | flag::kPrecision);
        return Tr::zero(v.sign);
      }
      if (r.inexact) env.raise(flag::kUnderflow);
    } else {
      // Unmasked underflow: UE always, PE as for overflow above (SDM Vol. 1 11.5.2.5).
      env.raise(flag::kUnderflow);
      if (round_to(v, Tr::kFmt, env.rounding, true).inexact) env.raise(flag::kPrecision);
      return Tr::pack(r);
    }
  }
  if (r.inexact) env.raise(flag::kPrecision);
  return Tr::pack(r);
}

// Two-source NaN rule: an SNaN raises #I; the first source NaN wins, quieted (SDM Vol. 1
// 4.8.3.5, Table 4-7 SSE column).
template <typename T>
T propagate_nan(T a, T b, SseEnv& env) {
  const IeeeClass ca = classify(a), cb = classify(b);
  if (ca == IeeeClass::kSNaN || cb == IeeeClass::kSNaN) env.raise(flag::kInvalid);
  return is_nan(ca) ? quiet(a) : quiet(b);
}

}  // namespace glasspc::fp::sse_lane

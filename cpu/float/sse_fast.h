// The common case of SSE ADD/SUB/MUL/DIV/SQRT, specialised for binary32 and binary64: normal
// operands and a normal, finite result. Such an operation can raise only the precision
// exception, and none of DAZ (normal sources), FTZ (no tiny result) or the overflow and
// underflow rules (SDM Vol. 1 4.9.1.4-4.9.1.6, 10.2.3.3) applies, so it is computed directly on
// the encodings with 64-bit integers (one u128 product, one 128/64 division, one integer square
// root) and rounded once (IEEE 754-2008 4.3). Everything else (zero, denormal, infinite or NaN
// operands, exact cancellation, results that are tiny or overflow) goes to the generic path of
// sse_arith.cpp, which gives the same bits and flags for the common case as well; the
// [float-fast] tests compare the two.
#pragma once

#include <bit>

#include "cpu/float/sse.h"
#include "cpu/float/unpacked.h"

namespace glasspc::fp {

namespace fast {

// Encoding of a format (SDM Vol. 1 Table 4-3): fraction bits, largest biased exponent, bias.
template <typename T>
struct Layout;
template <>
struct Layout<F32> {
  using Bits = u32;
  static constexpr int kFrac = 23;
  static constexpr u32 kExpMax = 0xFF;
  static constexpr i32 kBias = 127;
};
template <>
struct Layout<F64> {
  using Bits = u64;
  static constexpr int kFrac = 52;
  static constexpr u32 kExpMax = 0x7FF;
  static constexpr i32 kBias = 1023;
};

template <typename T>
constexpr typename Layout<T>::Bits kSignBit =
    typename Layout<T>::Bits{1} << (sizeof(typename Layout<T>::Bits) * 8 - 1);

// The biased exponent of a normal value; 0 for zero, denormal, infinity and NaN.
template <typename T>
inline i32 normal_exponent(T v) {
  using L = Layout<T>;
  const u32 e = static_cast<u32>(v.bits >> L::kFrac) & L::kExpMax;
  return e - 1 < L::kExpMax - 1 ? static_cast<i32>(e) : 0;  // 1 <= e < kExpMax
}

// The significand of a normal value with the hidden bit at bit 63: value = sig * 2^(e - bias -
// 63) for biased exponent e. Bits above the fraction fall off the top or land on bit 63.
template <typename T>
inline u64 significand63(T v) {
  return (u64{v.bits} << (63 - Layout<T>::kFrac)) | (u64{1} << 63);
}

// The seed of the reciprocal square root: floor(sqrt(2^41 / (2j + 1))) = 2^15 / sqrt(T) at the
// midpoint T = (j + 1/2) / 1024 of bin j = t >> 54 in [256, 1024); relative error below 2^-9.9.
constexpr u16 rsqrt_seed(u64 j) {
  const u64 target = (u64{1} << 41) / (2 * j + 1);
  u64 lo = 0, hi = u64{1} << 21;  // invariant: lo^2 <= target < hi^2
  while (hi - lo > 1) {
    const u64 mid = lo + (hi - lo) / 2;
    if (mid * mid <= target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return static_cast<u16>(lo);
}

struct RsqrtSeeds {
  u16 v[768];
};
constexpr RsqrtSeeds make_rsqrt_seeds() {
  RsqrtSeeds t{};
  for (u64 j = 256; j < 1024; ++j) t.v[j - 256] = rsqrt_seed(j);
  return t;
}
inline constexpr RsqrtSeeds kRsqrtSeeds = make_rsqrt_seeds();

// floor(sqrt(n)) for n in [2^126, 2^128), and whether the root is exact. Multiplications
// only: with T = (n >> 64) / 2^64 in [1/4, 1), two Newton steps y' = y (3 - T y^2) / 2 take the
// seed of 1/sqrt(T) from 2^-9.9 to 2^-19 and 2^-38 (the first in 30 fractional bits, the second
// in 62), t * y gives the root within 2^26, one Newton step on the root (using y for its
// reciprocal) brings it within 1, and exact integer comparisons finish. The generic path
// (isqrt128, Newton with divisions) is the reference it is tested against.
inline u64 sqrt_top(u128 n, bool& exact) {
  const u64 t = static_cast<u64>(n >> 64);
  // Stage 1, 30 fractional bits: y ~ 2^30 / sqrt(T).
  const u64 y0 = u64{kRsqrtSeeds.v[(t >> 54) - 256]} << 15;
  const u64 ty0 = ((y0 * y0) >> 30) * (t >> 32);  // T y^2, 62 fractional bits
  const u64 y1 = (y0 * (((u64{3} << 62) - ty0) >> 32)) >> 31;
  // Stage 2, 62 fractional bits.
  const u64 z = y1 << 32;
  const u64 zz = static_cast<u64>((u128{z} * z) >> 64);    // y^2, 60 fractional bits
  const u64 tzz = static_cast<u64>((u128{t} * zz) >> 64);  // T y^2, 60 fractional bits
  const u64 y2 = static_cast<u64>((u128{z} * ((u64{3} << 60) - tzz)) >> 61);
  // The root: sqrt(n) = T * (1 / sqrt(T)) * 2^64, then r += (n - r^2) / (2 sqrt(n)).
  const u64 r0 = static_cast<u64>((u128{t} * y2) >> 62);
  const __int128 d = static_cast<__int128>(n - u128{r0} * r0);  // |d| < 2^92
  const __int128 corr = (static_cast<__int128>(static_cast<i64>(d >> 40)) * (y2 >> 20)) >> 67;
  u64 r = static_cast<u64>(static_cast<__int128>(r0) + corr);
  // r is now the floor root or one below it (1 in 5 of random radicands); the step is a select,
  // and the loops only make the result exact whatever the analysis above missed.
  u128 sq = u128{r} * r;
  while (sq > n) {
    sq -= 2 * u128{r} - 1;
    --r;
  }
  const bool below = n - sq > 2 * u128{r};  // (r + 1)^2 <= n
  sq += below ? 2 * u128{r} + 1 : 0;
  r += below ? 1 : 0;
  while (n - sq > 2 * u128{r}) {
    sq += 2 * u128{r} + 1;
    ++r;
  }
  exact = sq == n;
  return r;
}

// Rounds `sig` (bit 63 set, bit 0 may hold a sticky bit) with biased exponent `e` to the
// format under `rc` and packs it. Returns false when the result is not a normal finite number:
// the exact value is below 2^emin (tiny, SDM Vol. 1 4.9.1.5) or the rounded one overflows.
template <typename T>
inline bool round_pack(bool sign, i32 e, u64 sig, Rounding rc, T& out, bool& inexact) {
  using L = Layout<T>;
  using Bits = typename L::Bits;
  constexpr int kDrop = 63 - L::kFrac;  // bits below the last kept one: 11 or 40
  constexpr u64 kHalf = u64{1} << (kDrop - 1);
  if (e < 1 || e >= static_cast<i32>(L::kExpMax)) return false;
  constexpr u64 kMask = (u64{1} << kDrop) - 1;
  const u64 rest = sig & kMask;
  const u64 kept = sig >> kDrop;  // with the hidden bit, which carries into the exponent below
  // `inc` added to the dropped bits carries into the kept ones exactly when the result rounds
  // up (IEEE 754-2008 4.3.1-4.3.2). Arithmetic rather than branches: the signs and the dropped
  // bits are data, and mispredicted branches cost more than this whole function.
  u64 inc = 0;
  if (rc == Rounding::kNearest) {  // the usual mode first
    inc = kHalf - 1 + (kept & 1);  // ties to even
  } else if (rc == Rounding::kUp) {
    inc = sign ? 0 : kMask;
  } else if (rc == Rounding::kDown) {
    inc = sign ? kMask : 0;
  }  // toward zero: never up
  const u64 up = (rest + inc) >> kDrop;
  // (e - 1) plus the hidden bit gives exponent e; a carry out of the significand increments it.
  const u64 magnitude = (u64(e - 1) << L::kFrac) + kept + up;
  if ((magnitude >> L::kFrac) >= L::kExpMax) return false;  // rounded up to overflow
  out = T{static_cast<Bits>(magnitude | (sign ? u64{kSignBit<T>} : 0))};
  inexact = rest != 0;
  return true;
}

// a + b, or a - b with `subtract`.
template <typename T>
inline bool add_or_sub(T a, T b, bool subtract, Rounding rc, T& out, bool& inexact) {
  const i32 ea = normal_exponent(a), eb = normal_exponent(b);
  if (ea == 0 || eb == 0) return false;
  const bool sa = (a.bits & kSignBit<T>) != 0;
  const bool sb = ((b.bits & kSignBit<T>) != 0) != subtract;
  // Hidden bit at 62: bit 63 is headroom for the carry of a sum.
  const u64 sig_a = significand63(a) >> 1, sig_b = significand63(b) >> 1;
  const bool swap = (a.bits & ~kSignBit<T>) < (b.bits & ~kSignBit<T>);  // encodings order
  const i32 e_big = swap ? eb : ea, e_small = swap ? ea : eb;
  const u64 big = swap ? sig_b : sig_a, small = swap ? sig_a : sig_b;
  const bool sign = swap ? sb : sa;
  // Align the smaller magnitude, jamming what falls off into bit 0. The kept bits end at bit 11
  // (binary64) or 40 (binary32) after normalization, so the jam bit stays a sticky bit; a
  // difference loses at most two bits to normalization once bits were shifted out (d >= 2).
  const u32 d = static_cast<u32>(e_big - e_small) > 63 ? 63 : static_cast<u32>(e_big - e_small);
  const u64 lost = (small << 1) << (63 - d);  // the bits shifted out (none for d = 0)
  const u64 ms = (small >> d) | (lost != 0 ? 1 : 0);
  const u64 r = sa == sb ? big + ms : big - ms;
  if (r == 0) return false;  // exact cancellation: the zero's sign depends on the rounding
  const int z = std::countl_zero(r);
  return round_pack(sign, e_big + 1 - z, r << z, rc, out, inexact);
}

template <typename T>
inline bool add(T a, T b, Rounding rc, T& out, bool& inexact) {
  return add_or_sub(a, b, false, rc, out, inexact);
}

template <typename T>
inline bool sub(T a, T b, Rounding rc, T& out, bool& inexact) {
  return add_or_sub(a, b, true, rc, out, inexact);
}

template <typename T>
inline bool mul(T a, T b, Rounding rc, T& out, bool& inexact) {
  const i32 ea = normal_exponent(a), eb = normal_exponent(b);
  if (ea == 0 || eb == 0) return false;
  const bool sign = ((a.bits ^ b.bits) & kSignBit<T>) != 0;
  // The product of two significands in [2^63, 2^64) lies in [2^126, 2^128).
  const u128 p = u128{significand63(a)} * significand63(b);
  // Shift left by one when bit 127 is clear, without a branch on the data.
  const int shift = 1 - static_cast<int>(p >> 127);
  const u128 norm = p << shift;
  const u64 hi = static_cast<u64>(norm >> 64), lo = static_cast<u64>(norm);
  const i32 e = ea + eb - Layout<T>::kBias + 1 - shift;
  return round_pack(sign, e, hi | (lo != 0 ? 1 : 0), rc, out, inexact);
}

template <typename T>
inline bool div(T a, T b, Rounding rc, T& out, bool& inexact) {
  const i32 ea = normal_exponent(a), eb = normal_exponent(b);
  if (ea == 0 || eb == 0) return false;
  const bool sign = ((a.bits ^ b.bits) & kSignBit<T>) != 0;
  const u64 x = significand63(a), y = significand63(b);
  // x * 2^63 / y (x >= y) or x * 2^64 / y (x < y): a quotient in [2^63, 2^64), and the high
  // limb of the dividend below y, as one 128/64 division needs.
  const u64 ge = x >= y ? 1 : 0;
  u64 rem = 0;
  const u64 q = detail::div128by64(x >> ge, (x << 63) & (0 - ge), y, rem);
  const i32 e = ea - eb + Layout<T>::kBias - 1 + static_cast<i32>(ge);
  return round_pack(sign, e, q | (rem != 0 ? 1 : 0), rc, out, inexact);
}

// Square root of a positive normal value; never tiny, never overflowing.
template <typename T>
inline bool sqrt(T a, Rounding rc, T& out, bool& inexact) {
  const i32 ea = normal_exponent(a);
  if (ea == 0 || (a.bits & kSignBit<T>) != 0) return false;
  // value = x * 2^-63 * 2^u with u = ea - bias. For even u the root is sqrt(x * 2^63) * 2^-63 *
  // 2^(u / 2); for odd u, sqrt(x * 2^64) * 2^-63 * 2^((u - 1) / 2). Either radicand lies in
  // [2^126, 2^128), so the integer root has its top bit at 63.
  const i32 u = ea - Layout<T>::kBias;
  const u64 x = significand63(a);
  const u128 n = u128{x} << (63 + (u & 1));
  bool exact = false;
  const u64 root = sqrt_top(n, exact);
  return round_pack(false, (u >> 1) + Layout<T>::kBias, root | (exact ? 0 : 1), rc, out, inexact);
}

}  // namespace fast

// The lane operations declared in sse.h: the fast path when it applies (it raises at most the
// precision flag, whether or not that is masked, as any inexact result does), else the generic
// path.
namespace detail {

// `fast(rounding, result, inexact)` is the fast path of `generic()`.
template <typename T, typename Fast, typename Generic>
inline T lane(SseEnv& env, Fast fast, Generic generic) {
  T r;
  bool inexact = false;
  if (!fast(env.rounding, r, inexact)) return generic();
  if (inexact) env.raise(flag::kPrecision);
  return r;
}

template <typename T>
inline T lane_add(T a, T b, SseEnv& env) {
  return lane<T>(
      env, [&](Rounding rc, T& r, bool& x) { return fast::add(a, b, rc, r, x); },
      [&] { return generic::add(a, b, env); });
}

template <typename T>
inline T lane_sub(T a, T b, SseEnv& env) {
  return lane<T>(
      env, [&](Rounding rc, T& r, bool& x) { return fast::sub(a, b, rc, r, x); },
      [&] { return generic::sub(a, b, env); });
}

template <typename T>
inline T lane_mul(T a, T b, SseEnv& env) {
  return lane<T>(
      env, [&](Rounding rc, T& r, bool& x) { return fast::mul(a, b, rc, r, x); },
      [&] { return generic::mul(a, b, env); });
}

template <typename T>
inline T lane_div(T a, T b, SseEnv& env) {
  return lane<T>(
      env, [&](Rounding rc, T& r, bool& x) { return fast::div(a, b, rc, r, x); },
      [&] { return generic::div(a, b, env); });
}

template <typename T>
inline T lane_sqrt(T a, SseEnv& env) {
  return lane<T>(
      env, [&](Rounding rc, T& r, bool& x) { return fast::sqrt(a, rc, r, x); },
      [&] { return generic::sqrt(a, env); });
}

}  // namespace detail

inline F32 sse_add(F32 a, F32 b, SseEnv& env) {
  return detail::lane_add(a, b, env);
}
inline F32 sse_sub(F32 a, F32 b, SseEnv& env) {
  return detail::lane_sub(a, b, env);
}
inline F32 sse_mul(F32 a, F32 b, SseEnv& env) {
  return detail::lane_mul(a, b, env);
}
inline F32 sse_div(F32 a, F32 b, SseEnv& env) {
  return detail::lane_div(a, b, env);
}
inline F32 sse_sqrt(F32 a, SseEnv& env) {
  return detail::lane_sqrt(a, env);
}
inline F64 sse_add(F64 a, F64 b, SseEnv& env) {
  return detail::lane_add(a, b, env);
}
inline F64 sse_sub(F64 a, F64 b, SseEnv& env) {
  return detail::lane_sub(a, b, env);
}
inline F64 sse_mul(F64 a, F64 b, SseEnv& env) {
  return detail::lane_mul(a, b, env);
}
inline F64 sse_div(F64 a, F64 b, SseEnv& env) {
  return detail::lane_div(a, b, env);
}
inline F64 sse_sqrt(F64 a, SseEnv& env) {
  return detail::lane_sqrt(a, env);
}

}  // namespace glasspc::fp

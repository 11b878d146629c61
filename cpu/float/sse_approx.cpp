// RCPSS/RSQRTSS approximations and the DPPS/DPPD dot products (SDM Vol. 2 RCPSS, RSQRTSS,
// DPPS, DPPD).
//
// The exact approximation values of RCPSS/RSQRTSS differ between processor models; the
// architecture only bounds the relative error by 1.5 * 2^-12. glasspc uses one deterministic
// table per function, indexed by the top 12 significand bits of the operand (for RSQRT: the
// exponent parity and the top 11 fraction bits). Each entry is the correctly truncated value
// of the function at the midpoint of its input interval, with 24 significant bits; the interval
// half-width contributes at most 2^-13 and the truncation 2^-23, so the bound holds with a
// margin (checked exhaustively by the tests).
#include <array>

#include "cpu/float/ieee.h"
#include "cpu/float/sse.h"

namespace glasspc::fp {

namespace {

constexpr u64 isqrt64(u64 n) {
  u64 root = 0, bit = u64{1} << 62;
  while (bit > n) bit >>= 2;
  while (bit != 0) {
    if (n >= root + bit) {
      n -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return root;
}

// Entry i: 2^24 / mid with mid = 1 + (i + 1/2) / 4096, a 24-bit integer in (2^23, 2^24).
constexpr std::array<u32, 4096> make_reciprocal_table() {
  std::array<u32, 4096> t{};
  for (u32 i = 0; i < 4096; ++i) {
    t[i] = static_cast<u32>((u64{1} << 37) / (8192 + 2 * u64{i} + 1));
  }
  return t;
}

// Entry (parity << 11 | j): 2^24 / sqrt(mid) with mid = (1 + (j + 1/2) / 2048) * 2^parity.
constexpr std::array<u32, 4096> make_rsqrt_table() {
  std::array<u32, 4096> t{};
  for (u32 k = 0; k < 4096; ++k) {
    const u64 parity = k >> 11, j = k & 2047;
    const u64 denominator = (4096 + 2 * j + 1) << parity;  // mid = denominator / 4096
    t[k] = static_cast<u32>(isqrt64((u64{1} << 60) / denominator));
  }
  return t;
}

constexpr std::array<u32, 4096> kReciprocal = make_reciprocal_table();
constexpr std::array<u32, 4096> kRsqrt = make_rsqrt_table();

F32 make(bool sign, i32 unbiased, u32 sig24) {
  // Results below the normal range are flushed to zero (SDM Vol. 2 RCPSS: tiny results are
  // always flushed to 0.0 with the sign of the operand).
  if (unbiased < -126) return f32_zero(sign);
  return F32{(sign ? 0x80000000u : 0u) | (static_cast<u32>(unbiased + 127) << 23) |
             (sig24 & 0x7FFFFFu)};
}

}  // namespace

F32 sse_rcp(F32 a) {
  const IeeeClass c = classify(a);
  const bool s = sign_of(a);
  switch (c) {
    case IeeeClass::kSNaN:
    case IeeeClass::kQNaN:
      return quiet(a);
    case IeeeClass::kInfinity:
      return f32_zero(s);
    case IeeeClass::kZero:
    case IeeeClass::kDenormal:
      return f32_infinity(s);  // denormal sources act as zero
    case IeeeClass::kNormal:
      break;
  }
  const i32 e = static_cast<i32>((a.bits >> 23) & 0xFF) - 127;
  const u32 index = (a.bits >> 11) & 0xFFF;
  // 1/x = (T / 2^23) * 2^(-e-1)
  return make(s, -e - 1, kReciprocal[index]);
}

F32 sse_rsqrt(F32 a) {
  const IeeeClass c = classify(a);
  const bool s = sign_of(a);
  switch (c) {
    case IeeeClass::kSNaN:
    case IeeeClass::kQNaN:
      return quiet(a);
    case IeeeClass::kZero:
    case IeeeClass::kDenormal:
      return f32_infinity(s);
    case IeeeClass::kInfinity:
      return s ? kF32DefaultNaN : f32_zero(false);
    case IeeeClass::kNormal:
      break;
  }
  if (s) return kF32DefaultNaN;
  const i32 e = static_cast<i32>((a.bits >> 23) & 0xFF) - 127;
  const u32 parity = static_cast<u32>(e) & 1;
  const i32 even = e - static_cast<i32>(parity);
  const u32 index = (parity << 11) | ((a.bits >> 12) & 0x7FF);
  // 1/sqrt(x) = (T / 2^23) * 2^(-even/2 - 1)
  return make(false, -even / 2 - 1, kRsqrt[index]);
}

void sse_dpps(const F32 a[4], const F32 b[4], u8 imm, SseEnv& env, F32 out[4]) {
  // Products of the selected lanes (+0.0 for the others), then a sum of pairs, each step
  // rounded under MXCSR (SDM Vol. 2 DPPS). Every destination lane is its own adder tree: the
  // order of the operands differs per lane, which is visible only through which NaN wins when
  // several are present. Lane 1 adds (p0 + p1) + (p2 + p3); lane 0 swaps within each pair;
  // lanes 3 and 2 add the upper pair first, in the same within-pair orders (as measured on
  // hardware).
  F32 p[4];
  for (int i = 0; i < 4; ++i) {
    p[i] = ((imm >> (4 + i)) & 1) != 0 ? sse_mul(a[i], b[i], env) : F32{0};
  }
  const F32 low = sse_add(p[0], p[1], env);
  const F32 high = sse_add(p[2], p[3], env);
  const F32 sum = sse_add(low, high, env);
  // The remaining trees repeat the same additions, so they raise nothing new.
  SseEnv quiet = env;
  const F32 low_swapped = sse_add(p[1], p[0], quiet);
  const F32 high_swapped = sse_add(p[3], p[2], quiet);
  const F32 lanes[4] = {
      sse_add(low_swapped, high_swapped, quiet),
      sum,
      sse_add(high_swapped, low_swapped, quiet),
      sse_add(high, low, quiet),
  };
  for (int i = 0; i < 4; ++i) out[i] = ((imm >> i) & 1) != 0 ? lanes[i] : F32{0};
}

void sse_dppd(const F64 a[2], const F64 b[2], u8 imm, SseEnv& env, F64 out[2]) {
  F64 p[2];
  for (int i = 0; i < 2; ++i) {
    p[i] = ((imm >> (4 + i)) & 1) != 0 ? sse_mul(a[i], b[i], env) : F64{0};
  }
  // Lane 0 adds p0 + p1, lane 1 adds p1 + p0 (visible only in NaN selection).
  const F64 sum = sse_add(p[0], p[1], env);
  SseEnv quiet = env;
  const F64 swapped = sse_add(p[1], p[0], quiet);
  out[0] = (imm & 1) != 0 ? sum : F64{0};
  out[1] = (imm & 2) != 0 ? swapped : F64{0};
}

}  // namespace glasspc::fp

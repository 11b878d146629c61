// Host-independent unit tests of the floating-point library: rounding core, x87 and SSE special
// cases from the SDM, and the RCPSS/RSQRTSS error bound checked exhaustively.
#include <catch2/catch.hpp>

#include "cpu/float/ieee.h"
#include "cpu/float/sse.h"
#include "cpu/float/x87.h"

namespace glasspc::fp {
namespace {

constexpr F80 kOne{kF80IntegerBit, 0x3FFF};
constexpr F80 kTwo{kF80IntegerBit, 0x4000};
constexpr F80 kThree{0xC000000000000000ull, 0x4000};
constexpr F80 kMax{~u64{0}, 0x7FFE};
constexpr F80 kMinNormal{kF80IntegerBit, 0x0001};

F80 f80_int(i64 v) {
  return int_to_f80(v);
}

TEST_CASE("round_to: nearest-even ties, directed modes, carry into the next binade",
          "[float][core]") {
  Unpacked half_way;  // 1 + 2^-24 + ... exactly halfway between two binary32 values
  half_way.sig = (u128{1} << 127) | (u128{1} << (127 - 24));
  half_way.exp = 0;
  CHECK(round_to(half_way, kFormat32, Rounding::kNearest).sig == kF80IntegerBit);  // to even
  CHECK(round_to(half_way, kFormat32, Rounding::kUp).sig == (kF80IntegerBit | u64{1} << 40));
  CHECK(round_to(half_way, kFormat32, Rounding::kDown).sig == kF80IntegerBit);
  Unpacked all_ones;
  all_ones.sig = ~u128{0};
  all_ones.exp = 5;
  const Rounded r = round_to(all_ones, kFormat64, Rounding::kNearest);
  CHECK(r.exp == 6);
  CHECK(r.sig == kF80IntegerBit);
  CHECK(r.rounded_up);
  CHECK(r.inexact);
}

TEST_CASE("round_to: tininess is detected after rounding", "[float][core]") {
  // Just below 2^-126 but rounding up to it: not tiny (SDM Vol. 1 4.9.1.5).
  Unpacked v;
  v.sig = ~u128{0};
  v.exp = -127;
  const Rounded r = round_to(v, kFormat32, Rounding::kNearest);
  CHECK_FALSE(r.tiny);
  CHECK(r.exp == -126);
  CHECK(round_to(v, kFormat32, Rounding::kZero).tiny);
}

TEST_CASE("x87 precision control rounds the significand but keeps the exponent range", "[x87]") {
  X87Env env;
  env.precision = Precision::k24;
  const F80 third = x87_div(kOne, kThree, env);
  CHECK(third.significand == 0xAAAAAB0000000000ull);
  CHECK(third.sign_exponent == 0x3FFD);
  CHECK((env.raised & flag::kPrecision) != 0);
  CHECK(env.c1);  // rounded up
  // 2^-200 * 2^-200 is far below binary32's range but normal in double extended.
  const F80 tiny{kF80IntegerBit, u16(0x3FFF - 200)};
  const F80 product = x87_mul(tiny, tiny, env);
  CHECK(product.sign_exponent == 0x3FFF - 400);
  CHECK((env.raised & flag::kUnderflow) == 0);
}

TEST_CASE("x87 unmasked overflow and underflow deliver exponents wrapped by 24576", "[x87]") {
  X87Env env;
  env.masks = flag::kAll & ~(flag::kOverflow | flag::kUnderflow);
  const F80 big = x87_mul(kMax, kTwo, env);
  CHECK(big == F80{~u64{0}, 0x7FFF - 24576});
  CHECK(env.raised == flag::kOverflow);
  CHECK_FALSE(env.suppress_store());
  const F80 small = x87_div(kMinNormal, kTwo, env);
  CHECK(small == F80{kF80IntegerBit, 24576});
  CHECK(env.raised == flag::kUnderflow);
  // Masked, the same operations give infinity and a denormal.
  X87Env masked;
  CHECK(x87_mul(kMax, kTwo, masked) == f80_infinity(false));
  CHECK(masked.raised == (flag::kOverflow | flag::kPrecision));
  CHECK(x87_div(kMinNormal, kTwo, masked) == F80{kF80IntegerBit >> 1, 0});
  CHECK(masked.raised == 0);  // exact denormal: no underflow when masked
}

TEST_CASE("x87 unmasked invalid, denormal and zero-divide suppress the store", "[x87]") {
  X87Env env;
  env.masks = 0;
  x87_sub(f80_infinity(false), f80_infinity(false), env);
  CHECK(env.suppress_store());
  x87_div(kOne, f80_zero(false), env);
  CHECK(env.raised == flag::kZeroDivide);
  CHECK(env.suppress_store());
  x87_add(kOne, F80{1, 0}, env);
  CHECK(env.raised == flag::kDenormal);
  CHECK(env.suppress_store());
}

TEST_CASE("x87 masked invalid operations return the real indefinite", "[x87]") {
  X87Env env;
  CHECK(x87_sub(f80_infinity(true), f80_infinity(true), env) == kF80Indefinite);
  CHECK(env.raised == flag::kInvalid);
  CHECK(x87_mul(f80_zero(false), f80_infinity(true), env) == kF80Indefinite);
  CHECK(x87_sqrt(f80_int(-4), env) == kF80Indefinite);
  CHECK(x87_sqrt(f80_zero(true), env) == f80_zero(true));
  CHECK(env.raised == 0);
}

TEST_CASE("x87 NaN selection follows SDM Table 4-7", "[x87]") {
  X87Env env;
  const F80 q_small{0xC000000000000001ull, 0x7FFF}, q_big{0xC000000000000100ull, 0xFFFF};
  const F80 s_big{0x8000000000001000ull, 0x7FFF};
  CHECK(x87_add(q_small, q_big, env) == q_big);  // two QNaNs: larger significand
  CHECK(env.raised == 0);
  CHECK(x87_add(s_big, q_small, env) == q_small);  // QNaN beats SNaN
  CHECK(env.raised == flag::kInvalid);
  CHECK(x87_mul(kOne, s_big, env) == F80{0xC000000000001000ull, 0x7FFF});  // quieted
}

TEST_CASE("unsupported encodings are invalid operands and FXAM class 000", "[x87]") {
  const F80 unnormal{0x4000000000000000ull, 0x4000};
  const F80 pseudo_nan{0x4000000000000001ull, 0x7FFF};
  const F80 pseudo_inf{0, 0x7FFF};
  for (const F80 v : {unnormal, pseudo_nan, pseudo_inf}) {
    X87Env env;
    CHECK(classify(v) == X87Class::kUnsupported);
    CHECK(x87_add(v, kOne, env) == kF80Indefinite);
    CHECK(env.raised == flag::kInvalid);
    const ConditionCodes cc = x87_examine(v, false);
    CHECK_FALSE((cc.c3 || cc.c2 || cc.c0));
  }
}

TEST_CASE("FXAM reports every class with the sign in C1", "[x87]") {
  struct Case {
    F80 v;
    bool c3, c2, c0;
  };
  const Case cases[] = {
      {kF80Indefinite, false, false, true},              // NaN
      {kOne, false, true, false},                        // normal
      {f80_infinity(true), false, true, true},           // infinity
      {f80_zero(false), true, false, false},             // zero
      {F80{5, 0}, true, true, false},                    // denormal
      {F80{kF80IntegerBit, 0x8000}, true, true, false},  // pseudo-denormal
  };
  for (const Case& c : cases) {
    const ConditionCodes cc = x87_examine(c.v, false);
    CHECK(cc.c3 == c.c3);
    CHECK(cc.c2 == c.c2);
    CHECK(cc.c0 == c.c0);
    CHECK(cc.c1 == c.v.sign());
  }
  const ConditionCodes empty = x87_examine(kOne, true);
  CHECK((empty.c3 && !empty.c2 && empty.c0));
}

TEST_CASE("FPREM reduces at most 63 exponent steps per execution", "[x87]") {
  // 2^1000 mod 3 = 1: needs many partial steps, each leaving C2 set.
  X87Env env;
  F80 x{kF80IntegerBit, 0x3FFF + 1000};
  int steps = 0;
  PartialRemainder r;
  do {
    r = x87_partial_remainder(x, kThree, false, env);
    x = r.value;
    ++steps;
    if (r.cc.c2) CHECK(i32{x.exponent()} >= 0x3FFF + 1000 - 63 * steps);
  } while (r.cc.c2 && steps < 100);
  CHECK(x == kOne);
  CHECK(steps > 15);
  CHECK(env.raised == 0);
}

TEST_CASE("FPREM1 rounds the quotient to nearest and reports Q2 Q1 Q0", "[x87]") {
  X87Env env;
  // 7 / 2 = 3.5 -> quotient 4 (even): remainder -1, Q = 100b.
  const PartialRemainder r = x87_partial_remainder(f80_int(7), kTwo, true, env);
  CHECK(r.value == f80_int(-1));
  CHECK((r.cc.c0 && !r.cc.c3 && !r.cc.c1 && !r.cc.c2));
  // FPREM truncates: 7 = 3 * 2 + 1, Q = 011b.
  const PartialRemainder t = x87_partial_remainder(f80_int(7), kTwo, false, env);
  CHECK(t.value == kOne);
  CHECK((!t.cc.c0 && t.cc.c3 && t.cc.c1));
}

TEST_CASE("FIST rounds by RC, FISTTP truncates, overflow gives the integer indefinite", "[x87]") {
  X87Env env;
  const F80 two_and_half{0xA000000000000000ull, 0x4000};
  CHECK(f80_to_int(two_and_half, 32, false, env) == 2);
  CHECK(env.raised == flag::kPrecision);
  env.rounding = Rounding::kUp;
  CHECK(f80_to_int(two_and_half, 32, false, env) == 3);
  CHECK(env.c1);
  CHECK(f80_to_int(two_and_half, 32, true, env) == 2);
  CHECK(f80_to_int(f80_int(40000), 16, false, env) == -32768);
  CHECK(env.raised == flag::kInvalid);
  CHECK(f80_to_int(f80_int(-32768), 16, false, env) == -32768);
  CHECK(env.raised == 0);
  CHECK(f80_to_int(kF80Indefinite, 64, true, env) == INT64_MIN);
}

TEST_CASE("packed BCD round trip and the BCD indefinite", "[x87]") {
  X87Env env;
  const F80 v = f80_int(-123456789012345678);
  u8 bcd[10];
  f80_to_bcd(v, env, bcd);
  const u8 expected[10] = {0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0x80};
  for (int i = 0; i < 10; ++i) CHECK(bcd[i] == expected[i]);
  CHECK(bcd_to_f80(bcd) == v);
  f80_to_bcd(f80_int(1000000000000000000), env, bcd);
  CHECK(env.raised == flag::kInvalid);
  const u8 indefinite[10] = {0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF};
  for (int i = 0; i < 10; ++i) CHECK(bcd[i] == indefinite[i]);
}

TEST_CASE("x87 constants round by the rounding control without raising #P", "[x87]") {
  CHECK(x87_constant(X87Constant::kPi, Rounding::kNearest) == F80{0xC90FDAA22168C235ull, 0x4000});
  CHECK(x87_constant(X87Constant::kPi, Rounding::kUp) == F80{0xC90FDAA22168C235ull, 0x4000});
  CHECK(x87_constant(X87Constant::kPi, Rounding::kDown) == F80{0xC90FDAA22168C234ull, 0x4000});
  CHECK(x87_constant(X87Constant::kLog2E, Rounding::kZero) == F80{0xB8AA3B295C17F0BBull, 0x3FFF});
  CHECK(x87_constant(X87Constant::kLnTwo, Rounding::kNearest) ==
        F80{0xB17217F7D1CF79ACull, 0x3FFE});
  CHECK(x87_constant(X87Constant::kOne, Rounding::kDown) == kOne);
}

TEST_CASE("trigonometric instructions set C2 and keep the operand beyond 2^63", "[x87]") {
  X87Env env;
  const F80 huge{kF80IntegerBit, 0x3FFF + 63};
  const TrigResult s = x87_sin(huge, env);
  CHECK(s.out_of_range);
  CHECK(s.value == huge);
  CHECK(env.raised == 0);
  const F80 below{~u64{0}, 0x3FFF + 62};
  CHECK_FALSE(x87_cos(below, env).out_of_range);
  CHECK(x87_sin(f80_infinity(false), env).value == kF80Indefinite);
  CHECK(env.raised == flag::kInvalid);
  const TanResult t = x87_tan(f80_zero(true), env);
  CHECK(t.tan == f80_zero(true));
  CHECK(t.pushed == kOne);
}

TEST_CASE("logarithm and arctangent special cases follow the SDM tables", "[x87]") {
  X87Env env;
  CHECK(x87_ylog2x(kOne, f80_zero(false), env) == f80_infinity(true));
  CHECK(env.raised == flag::kZeroDivide);
  CHECK(x87_ylog2x(f80_infinity(false), kOne, env) == kF80Indefinite);
  CHECK(x87_ylog2x(kThree, kTwo, env) == kThree);  // 3 * log2(2), exact
  CHECK(x87_atan2(f80_zero(true), f80_zero(true), env) ==
        F80{0xC90FDAA22168C235ull, 0xC000});  // atan2(-0, -0) = -pi
  CHECK(x87_atan2(kOne, f80_infinity(false), env) == f80_zero(false));
  CHECK(x87_exp2m1(kOne, env) == kOne);  // 2^1 - 1
  CHECK(x87_exp2m1(f80_zero(true), env) == f80_zero(true));
}

TEST_CASE("binary32/64 loads quiet SNaNs and keep payloads", "[x87]") {
  X87Env env;
  const F80 v = f32_to_f80(F32{0x7F800001u}, env);
  CHECK(env.raised == flag::kInvalid);
  CHECK(v == F80{0xC000010000000000ull, 0x7FFF});
  CHECK(f80_to_f32(v, env) == F32{0x7FC00001u});
  CHECK(env.raised == 0);
  CHECK(f80_to_f64(F80{0x4000000000000000ull, 0x3FFF}, env) == kF64DefaultNaN);  // unnormal
  CHECK(env.raised == flag::kInvalid);
  CHECK(f64_to_f80(F64{0x0000000000000001ull}, env) == F80{kF80IntegerBit, 0x3FFF - 1074});
  CHECK(env.raised == flag::kDenormal);
}

TEST_CASE("x87 compare codes and FCOMI EFLAGS", "[x87]") {
  X87Env env;
  CHECK(x87_compare(kOne, kTwo, false, env) == Ordering::kLess);
  CHECK(x87_compare(f80_zero(true), f80_zero(false), false, env) == Ordering::kEqual);
  CHECK(x87_compare(kF80Indefinite, kOne, true, env) == Ordering::kUnordered);
  CHECK(env.raised == 0);
  CHECK(x87_compare(kF80Indefinite, kOne, false, env) == Ordering::kUnordered);
  CHECK(env.raised == flag::kInvalid);
  CHECK(x87_compare_eflags(Ordering::kUnordered) == 0x45);
  CHECK(x87_compare_eflags(Ordering::kLess) == 0x01);
  CHECK(x87_compare_eflags(Ordering::kEqual) == 0x40);
  CHECK(x87_compare_eflags(Ordering::kGreater) == 0x00);
}

TEST_CASE("SSE MIN/MAX return the second operand for NaNs and for two zeros", "[sse]") {
  SseEnv env;
  const F32 pz{0}, nz{0x80000000u}, one{0x3F800000u}, qnan{0x7FC00001u}, snan{0x7F800001u};
  CHECK(sse_min(pz, nz, env) == nz);
  CHECK(sse_min(nz, pz, env) == pz);
  CHECK(sse_max(pz, nz, env) == nz);
  CHECK(env.flags == 0);
  CHECK(sse_min(qnan, one, env) == one);
  CHECK(env.flags == flag::kInvalid);      // MINSS signals on any NaN
  CHECK(sse_max(one, snan, env) == snan);  // returned unchanged, not quieted
}

TEST_CASE("SSE NaN propagation: first source wins, SNaNs quieted, default NaN", "[sse]") {
  SseEnv env;
  const F64 q1{0x7FF8000000000001ull}, s2{0xFFF0000000000002ull}, one{0x3FF0000000000000ull};
  CHECK(sse_add(q1, s2, env) == q1);
  CHECK(env.flags == flag::kInvalid);
  CHECK(sse_mul(one, s2, env) == F64{0xFFF8000000000002ull});
  CHECK(sse_sub(f64_infinity(false), f64_infinity(false), env) == kF64DefaultNaN);
  CHECK(sse_sqrt(F32{0xBF800000u}, env) == kF32DefaultNaN);
}

TEST_CASE("SSE FTZ flushes tiny results with UE and PE; DAZ zeroes denormal inputs", "[sse]") {
  const F32 min_normal{0x00800000u}, half{0x3F000000u}, denormal{0x00000001u};
  SseEnv plain;
  CHECK(sse_mul(min_normal, half, plain) == F32{0x00400000u});
  CHECK(plain.flags == 0);  // exact: masked underflow not reported
  SseEnv ftz = SseEnv::from_mxcsr(0x1F80 | 0x8000);
  CHECK(sse_mul(min_normal, half, ftz) == F32{0});
  CHECK(ftz.flags == (flag::kUnderflow | flag::kPrecision));
  SseEnv daz = SseEnv::from_mxcsr(0x1F80 | 0x40);
  CHECK(sse_add(F32{0x80000001u}, F32{0x80000000u}, daz) == F32{0x80000000u});
  CHECK(daz.flags == 0);
  SseEnv no_daz;
  CHECK(sse_add(denormal, denormal, no_daz) == F32{2});
  CHECK(no_daz.flags == flag::kDenormal);
}

TEST_CASE("SSE compare predicates, including the VEX-only 8-31", "[sse]") {
  SseEnv env;
  const F32 one{0x3F800000u}, two{0x40000000u}, qnan{0x7FC00000u};
  CHECK(sse_compare(one, two, 1, env));             // LT_OS
  CHECK_FALSE(sse_compare(one, qnan, 4 - 4, env));  // EQ_OQ with NaN
  CHECK(env.flags == 0);
  CHECK(sse_compare(one, qnan, 8, env));  // EQ_UQ is true for unordered
  CHECK(env.flags == 0);
  CHECK_FALSE(sse_compare(one, qnan, 16, env));  // EQ_OS signals on QNaN
  CHECK(env.flags == flag::kInvalid);
  SseEnv e2;
  CHECK(sse_compare(two, one, 30, e2));         // GT_OQ
  CHECK_FALSE(sse_compare(one, qnan, 17, e2));  // LT_OQ quiet
  CHECK(e2.flags == 0);
  CHECK(sse_compare(one, qnan, 15, e2));       // TRUE_UQ
  CHECK_FALSE(sse_compare(one, one, 11, e2));  // FALSE_OQ
  CHECK(sse_compare_eflags(one, qnan, true, e2) == 0x45);
  CHECK(e2.flags == 0);
}

TEST_CASE("SSE conversions: integer indefinite, rounding, truncation", "[sse]") {
  SseEnv env;
  CHECK(sse_f32_to_i32(F32{0x4F000000u}, false, env) == INT32_MIN);  // 2^31 overflows
  CHECK(env.flags == flag::kInvalid);
  SseEnv e2;
  CHECK(sse_f64_to_i64(F64{0x4004000000000000ull}, false, e2) == 2);  // 2.5 -> 2
  CHECK(sse_f64_to_i64(F64{0x4004000000000000ull}, true, e2) == 2);
  CHECK(sse_f64_to_i32(F64{0xC00C000000000000ull}, false, e2) == -4);  // -3.5 -> -4
  CHECK(e2.flags == flag::kPrecision);
  CHECK(sse_i64_to_f32(INT64_MAX, e2) == F32{0x5F000000u});
}

TEST_CASE("ROUNDSS honours the immediate rounding mode and #P suppression", "[sse]") {
  SseEnv env;
  const F32 x{0x3FC00000u};  // 1.5
  CHECK(sse_round(x, 0, env) == F32{0x40000000u});
  CHECK(sse_round(x, 1, env) == F32{0x3F800000u});
  CHECK(env.flags == flag::kPrecision);
  SseEnv quiet;
  CHECK(sse_round(x, 8 | 2, quiet) == F32{0x40000000u});
  CHECK(quiet.flags == 0);
  SseEnv up = SseEnv::from_mxcsr(0x1F80 | (2u << 13));
  CHECK(sse_round(F32{0xBFC00000u}, 4, up) == F32{0xBF800000u});  // MXCSR.RC up: -1.5 -> -1
}

TEST_CASE("MXCSR round-trips through SseEnv and unmasked exceptions suppress the store", "[sse]") {
  for (u32 m : {0x1F80u, 0x9FC0u, 0x7F80u, 0x0000u, 0xFFFFu & ~0x0u}) {
    CHECK(SseEnv::from_mxcsr(m).mxcsr() == m);
  }
  SseEnv env = SseEnv::from_mxcsr(0x1F80 & ~(u32{flag::kZeroDivide} << 7));
  env.begin();
  sse_div(F32{0x3F800000u}, F32{0}, env);
  CHECK(env.suppress_store());
  env.begin();
  sse_add(F32{0x3F800000u}, F32{0x3F800000u}, env);
  CHECK_FALSE(env.suppress_store());
}

// |approx * x - 1| <= 1.5 * 2^-12, checked with exact integer products.
bool reciprocal_within_bound(u32 x_sig, u32 r_sig, int scale) {
  // x = x_sig * 2^-23, r = r_sig * 2^-23 * 2^scale; x*r*2^46 = x_sig * r_sig * 2^scale.
  const u128 product = u128{x_sig} * r_sig;
  const u128 one = u128{1} << (46 - scale);
  const u128 diff = product > one ? product - one : one - product;
  // diff / one <= 1.5 * 2^-12  <=>  diff * 2^13 <= 3 * one
  return (diff << 13) <= 3 * one;
}

TEST_CASE("RCPSS approximation stays within 1.5 * 2^-12 for every significand", "[sse][approx]") {
  for (u32 frac = 0; frac < (1u << 23); ++frac) {
    const F32 x{0x3F800000u | frac};  // [1, 2)
    const F32 r = sse_rcp(x);
    const u32 r_exp = (r.bits >> 23) & 0xFF;
    if (r_exp != 126 && r_exp != 127) FAIL("rcp exponent out of range for fraction " << frac);
    const u32 r_sig = (r.bits & 0x7FFFFF) | 0x800000;
    // x * r = x_sig * r_sig * 2^-46 * 2^(r_exp - 127)
    const int scale = static_cast<int>(r_exp) - 127;
    if (!reciprocal_within_bound(0x800000 | frac, r_sig, scale)) {
      FAIL("rcp out of bound for fraction " << frac);
    }
  }
  CHECK(sse_rcp(F32{0x00000001u}) == F32{0x7F800000u});  // denormal acts as zero
  CHECK(sse_rcp(F32{0x7F000000u}) == F32{0});            // tiny result flushed
  CHECK(sse_rcp(F32{0xFF800000u}) == F32{0x80000000u});
}

TEST_CASE("RSQRTSS approximation stays within 1.5 * 2^-12 for both exponent parities",
          "[sse][approx]") {
  for (u32 e : {127u, 128u}) {
    for (u32 frac = 0; frac < (1u << 23); frac += 1) {
      const F32 x{(e << 23) | frac};
      const F32 r = sse_rsqrt(x);
      const u64 r_sig = (r.bits & 0x7FFFFF) | 0x800000;
      const int r_exp = static_cast<int>((r.bits >> 23) & 0xFF) - 127;
      // r^2 * x = r_sig^2 * x_sig * 2^(2 r_exp + (e-127) - 69); compare with 1 within
      // (1 +- 1.5 * 2^-12)^2, i.e. |r^2 x - 1| <= 3 * 2^-12 + 2.25 * 2^-24 (lower side tighter).
      const u128 prod = u128{r_sig * r_sig} * ((e == 128 ? 2u : 1u) * (0x800000u | frac));
      const int shift = 69 - 2 * r_exp;
      const u128 one = u128{1} << shift;
      const u128 diff = prod > one ? prod - one : one - prod;
      if ((diff << 12) > 3 * one) FAIL("rsqrt out of bound for " << x.bits);
    }
  }
  CHECK(sse_rsqrt(F32{0xBF800000u}) == kF32DefaultNaN);
  CHECK(sse_rsqrt(F32{0x80000000u}) == F32{0xFF800000u});
  CHECK(sse_rsqrt(F32{0x7F800000u}) == F32{0});
}

TEST_CASE("DPPS and DPPD select products and destination lanes", "[sse]") {
  SseEnv env;
  const F32 a[4] = {F32{0x3F800000u}, F32{0x40000000u}, F32{0x40400000u}, F32{0x40800000u}};
  const F32 b[4] = {F32{0x3F800000u}, F32{0x3F800000u}, F32{0x3F800000u}, F32{0x3F800000u}};
  F32 out[4];
  sse_dpps(a, b, 0xF1, env, out);  // 1 + 2 + 3 + 4 = 10 into lane 0
  CHECK(out[0] == F32{0x41200000u});
  CHECK(out[1] == F32{0});
  sse_dpps(a, b, 0x5C, env, out);  // 1 + 3 = 4 into lanes 2, 3
  CHECK(out[2] == F32{0x40800000u});
  CHECK(out[3] == F32{0x40800000u});
  CHECK(out[0] == F32{0});
  const F64 c[2] = {F64{0x4000000000000000ull}, F64{0x4008000000000000ull}};
  F64 d[2];
  sse_dppd(c, c, 0x33, env, d);  // 4 + 9 = 13
  CHECK(d[0] == F64{0x402A000000000000ull});
  CHECK(d[1] == d[0]);
  CHECK(env.flags == 0);
}

}  // namespace
}  // namespace glasspc::fp

namespace glasspc::fp {
namespace {

// SDM Vol. 1 11.5.2.4/11.5.2.5: with OE or UE unmasked the result is not stored and PE is set
// only when the result, rounded with an unbounded exponent, is inexact (checked on hardware:
// ADDPS with MXCSR 1180H on max + max sets OE alone).
TEST_CASE("SSE unmasked overflow and underflow set PE only for inexact results", "[sse]") {
  constexpr F32 kMaxF32{0x7F7FFFFF};
  constexpr F32 kMinNormalF32{0x00800000};
  constexpr F32 kHalf{0x3F000000};
  constexpr F32 kThird{0x3EAAAAAB};
  auto env_with = [](u32 mxcsr) {
    SseEnv env = SseEnv::from_mxcsr(mxcsr);
    env.begin();
    return env;
  };
  SseEnv exact = env_with(0x1180);  // OM, UM, ZM clear
  (void)sse_add(kMaxF32, kMaxF32, exact);
  CHECK(exact.raised == flag::kOverflow);
  CHECK(exact.suppress_store());
  SseEnv inexact = env_with(0x1180);
  (void)sse_mul(kMaxF32, F32{0x3FC00001}, inexact);  // max * 1.50000012: not representable
  CHECK(inexact.raised == (flag::kOverflow | flag::kPrecision));
  SseEnv masked = env_with(0x1F80);
  (void)sse_add(kMaxF32, kMaxF32, masked);
  CHECK(masked.raised == (flag::kOverflow | flag::kPrecision));

  SseEnv tiny_exact = env_with(0x1180);
  (void)sse_mul(kMinNormalF32, kHalf, tiny_exact);  // 2^-127: an exact denormal
  CHECK(tiny_exact.raised == flag::kUnderflow);
  SseEnv tiny_inexact = env_with(0x1180);
  (void)sse_mul(F32{0x00800001}, kThird, tiny_inexact);  // 26 significant bits
  CHECK(tiny_inexact.raised == (flag::kUnderflow | flag::kPrecision));
}

}  // namespace
}  // namespace glasspc::fp

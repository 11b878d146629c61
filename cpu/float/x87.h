// x87 arithmetic on double extended values (SDM Vol. 1 ch. 8, Vol. 2 FADD..FYL2XP1).
// Every function starts a fresh instruction on `env` (clears `raised` and C1), ORs the flags it
// raises into `env.flags`, and returns the masked response. When `env.suppress_store()` (or, for
// stores to memory, `suppress_memory_store`) is true afterwards the caller leaves the destination
// unchanged and delivers #MF.
#pragma once

#include "cpu/float/fp_types.h"
#include "cpu/float/unpacked.h"

namespace glasspc::fp {

// Operand classes, including the encodings the 387 and later reject (SDM Vol. 1 8.2.2,
// Table 8-3): unnormals, pseudo-infinities and pseudo-NaNs are "unsupported" and raise #IA.
enum class X87Class : u8 {
  kZero,
  kNormal,
  kDenormal,
  kPseudoDenormal,
  kInfinity,
  kQNaN,
  kSNaN,
  kUnsupported,
};

X87Class classify(F80 v);
bool is_nan(F80 v);
Unpacked unpack(F80 v);  // finite operands (zero, normal, denormal, pseudo-denormal)
F80 pack(const Rounded& r);
constexpr F80 f80_infinity(bool sign) {
  return F80{kF80IntegerBit, u16((sign ? 0x8000 : 0) | 0x7FFF)};
}
constexpr F80 f80_zero(bool sign) {
  return F80{0, u16(sign ? 0x8000 : 0)};
}

// Rounds an exact result to `precision` bits and applies the overflow/underflow/precision
// responses: masked overflow gives infinity or the largest finite value, unmasked overflow and
// underflow wrap the exponent by 24576 (SDM Vol. 1 8.5.4.1, 8.5.5.1).
// With `tiny_before_rounding`, underflow is judged on the exact value rather than after
// rounding; the transcendental instructions report underflow that way.
F80 x87_finish(const Unpacked& v, int precision, X87Env& env, bool tiny_before_rounding = false);

// NaN result for two operands of which at least one is a NaN (SDM Vol. 1 4.8.3.5, Table 4-7).
F80 x87_propagate_nan(F80 a, F80 b, X87Env& env);
// Raises #IA and returns the real indefinite.
F80 x87_invalid(X87Env& env);

// Basic arithmetic; precision control applies to these five only (SDM Vol. 1 8.1.5.2).
// `denormal_source` reports a denormal memory operand that widening made normal (see
// x87_memory_operand), so that #D is raised as for the original operand.
F80 x87_add(F80 a, F80 b, X87Env& env, bool denormal_source = false);
F80 x87_sub(F80 a, F80 b, X87Env& env, bool denormal_source = false);  // a - b
F80 x87_mul(F80 a, F80 b, X87Env& env, bool denormal_source = false);
F80 x87_div(F80 a, F80 b, X87Env& env, bool denormal_source = false);  // a / b
F80 x87_sqrt(F80 a, X87Env& env);

F80 x87_round_to_integer(F80 a, X87Env& env);  // FRNDINT
F80 x87_scale(F80 st0, F80 st1, X87Env& env);  // FSCALE: st0 * 2^trunc(st1)

struct Extracted {
  F80 exponent;     // ends up in ST(1)
  F80 significand;  // pushed, ends up in ST(0)
};
Extracted x87_extract(F80 a, X87Env& env);  // FXTRACT

struct ConditionCodes {
  bool c0 = false, c1 = false, c2 = false, c3 = false;
  friend bool operator==(const ConditionCodes&, const ConditionCodes&) = default;
};

struct PartialRemainder {
  F80 value;
  ConditionCodes cc;  // C2 = incomplete; C0, C3, C1 = quotient bits Q2, Q1, Q0
};
// FPREM (truncating quotient) and FPREM1 (nearest quotient, `ieee`).
PartialRemainder x87_partial_remainder(F80 st0, F80 st1, bool ieee, X87Env& env);

// FCOM (signalling: any NaN is invalid) and FUCOM (`quiet`: only SNaN is invalid).
Ordering x87_compare(F80 a, F80 b, bool quiet, X87Env& env, bool denormal_source = false);
ConditionCodes x87_compare_codes(Ordering o);   // C3, C2, C0 (SDM Vol. 2 FCOM Table 3-21)
u32 x87_compare_eflags(Ordering o);             // ZF, PF, CF for FCOMI/FUCOMI
ConditionCodes x87_examine(F80 a, bool empty);  // FXAM

// The m32fp/m64fp operand of FADD, FSUB(R), FMUL, FDIV(R) and FCOM: widened exactly, unlike
// FLD an SNaN stays signalling (the arithmetic then raises #IA and quiets it, choosing between
// NaNs as Table 4-7 says), and `denormal` is passed on as `denormal_source`.
struct MemoryOperand {
  F80 value;
  bool denormal = false;
};
MemoryOperand x87_memory_operand(F32 v);
MemoryOperand x87_memory_operand(F64 v);

// Loads and stores between formats (FLD, FST, FILD, FIST, FISTTP, FBLD, FBSTP).
F80 f32_to_f80(F32 v, X87Env& env);
F80 f64_to_f80(F64 v, X87Env& env);
F32 f80_to_f32(F80 v, X87Env& env);
F64 f80_to_f64(F80 v, X87Env& env);
// Unmasked overflow or underflow on a store to memory also leaves memory unchanged.
bool suppress_memory_store(const X87Env& env);
F80 int_to_f80(i64 v);
// `bits` is 16, 32 or 64; the integer indefinite (most negative value) on invalid.
i64 f80_to_int(F80 v, int bits, bool truncate, X87Env& env);
F80 bcd_to_f80(const u8 bcd[10]);
void f80_to_bcd(F80 v, X87Env& env, u8 bcd[10]);

enum class X87Constant : u8 { kOne, kLog2Ten, kLog2E, kPi, kLog10Two, kLnTwo, kZero };
F80 x87_constant(X87Constant c, Rounding rc);

// Transcendentals: 64-bit results (precision control does not apply), within 1 ulp.
// Trigonometric ones leave the operand unchanged and set C2 when |x| >= 2^63 (SDM Vol. 1 8.3.10).
struct TrigResult {
  F80 value;
  bool out_of_range = false;  // C2
};
TrigResult x87_sin(F80 a, X87Env& env);
TrigResult x87_cos(F80 a, X87Env& env);
// FSINCOS: `sin` replaces ST(0), then `cos` is pushed; when out of range nothing changes and
// nothing is pushed (C2 = 1).
struct SinCos {
  F80 sin;
  F80 cos;
  bool out_of_range = false;
};
SinCos x87_sincos(F80 a, X87Env& env);
// FPTAN: `tan` replaces ST(0), then `pushed` is pushed: 1.0 for a number, the same NaN for a
// NaN result (SDM Vol. 2 FPTAN); nothing is pushed when out of range.
struct TanResult {
  F80 tan;
  F80 pushed;
  bool out_of_range = false;
};
TanResult x87_tan(F80 a, X87Env& env);
F80 x87_atan2(F80 st1, F80 st0, X87Env& env);     // FPATAN: atan(st1 / st0) in the right quadrant
F80 x87_exp2m1(F80 a, X87Env& env);               // F2XM1
F80 x87_ylog2x(F80 st1, F80 st0, X87Env& env);    // FYL2X: st1 * log2(st0)
F80 x87_ylog2xp1(F80 st1, F80 st0, X87Env& env);  // FYL2XP1: st1 * log2(st0 + 1)

}  // namespace glasspc::fp

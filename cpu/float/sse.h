// SSE scalar floating-point semantics for binary32 and binary64 lanes (SDM Vol. 1 ch. 10-11,
// Vol. 2 instruction pages). Packed instructions apply these per lane with one SseEnv; every
// function ORs its flags into env.flags and env.raised (call env.begin() once per instruction;
// when env.suppress_store() is true afterwards the destination stays unchanged and #XM/#UD is
// delivered, SDM Vol. 1 11.5.1).
#pragma once

#include "cpu/float/fp_types.h"

namespace glasspc::fp {

// ADD/SUB/MUL/DIV/SQRT are inline (sse_fast.h, included at the end of this header): a fast
// path for normal operands and results, and the generic functions below for everything else.
inline F32 sse_add(F32 a, F32 b, SseEnv& env);
inline F32 sse_sub(F32 a, F32 b, SseEnv& env);
inline F32 sse_mul(F32 a, F32 b, SseEnv& env);
inline F32 sse_div(F32 a, F32 b, SseEnv& env);
inline F32 sse_sqrt(F32 a, SseEnv& env);
inline F64 sse_add(F64 a, F64 b, SseEnv& env);
inline F64 sse_sub(F64 a, F64 b, SseEnv& env);
inline F64 sse_mul(F64 a, F64 b, SseEnv& env);
inline F64 sse_div(F64 a, F64 b, SseEnv& env);
inline F64 sse_sqrt(F64 a, SseEnv& env);

// The same operations for any operands, with every exception rule (sse_arith.cpp). Same
// results and flags as the functions above; only slower on the common case.
namespace generic {
F32 add(F32 a, F32 b, SseEnv& env);
F32 sub(F32 a, F32 b, SseEnv& env);
F32 mul(F32 a, F32 b, SseEnv& env);
F32 div(F32 a, F32 b, SseEnv& env);
F32 sqrt(F32 a, SseEnv& env);
F64 add(F64 a, F64 b, SseEnv& env);
F64 sub(F64 a, F64 b, SseEnv& env);
F64 mul(F64 a, F64 b, SseEnv& env);
F64 div(F64 a, F64 b, SseEnv& env);
F64 sqrt(F64 a, SseEnv& env);
}  // namespace generic

F32 sse_min(F32 a, F32 b, SseEnv& env);  // a = first (destination) source, b = second
F32 sse_max(F32 a, F32 b, SseEnv& env);
F64 sse_min(F64 a, F64 b, SseEnv& env);
F64 sse_max(F64 a, F64 b, SseEnv& env);

// CMPPS/CMPPD predicate `imm` (0-7 for SSE, 0-31 with VEX encodings, SDM Vol. 2 CMPPS Table 3-1).
bool sse_compare(F32 a, F32 b, u8 imm, SseEnv& env);
bool sse_compare(F64 a, F64 b, u8 imm, SseEnv& env);
// COMISS/COMISD (`quiet` = UCOMISS/UCOMISD): ZF (bit 6), PF (bit 2), CF (bit 0).
u32 sse_compare_eflags(F32 a, F32 b, bool quiet, SseEnv& env);
u32 sse_compare_eflags(F64 a, F64 b, bool quiet, SseEnv& env);

F64 sse_f32_to_f64(F32 a, SseEnv& env);  // CVTSS2SD
F32 sse_f64_to_f32(F64 a, SseEnv& env);  // CVTSD2SS
// CVT(T)SS2SI / CVT(T)SD2SI with 32- or 64-bit destinations; the integer indefinite
// (0x80000000 / 0x8000000000000000) on NaN, infinity or overflow.
i32 sse_f32_to_i32(F32 a, bool truncate, SseEnv& env);
i64 sse_f32_to_i64(F32 a, bool truncate, SseEnv& env);
i32 sse_f64_to_i32(F64 a, bool truncate, SseEnv& env);
i64 sse_f64_to_i64(F64 a, bool truncate, SseEnv& env);
F32 sse_i32_to_f32(i32 v, SseEnv& env);
F32 sse_i64_to_f32(i64 v, SseEnv& env);
F64 sse_i32_to_f64(i32 v);
F64 sse_i64_to_f64(i64 v, SseEnv& env);

// ROUNDSS/ROUNDSD: imm[1:0] rounding, imm[2] use MXCSR.RC, imm[3] suppress #P (SDM Vol. 2
// ROUNDSS Table 4-18).
F32 sse_round(F32 a, u8 imm, SseEnv& env);
F64 sse_round(F64 a, u8 imm, SseEnv& env);

// RCPSS/RSQRTSS approximations, relative error <= 1.5 * 2^-12 (see sse_approx.cpp).
F32 sse_rcp(F32 a);
F32 sse_rsqrt(F32 a);

// DPPS/DPPD (SDM Vol. 2 DPPS): imm[7:4] selects products, imm[3:0] the lanes written.
void sse_dpps(const F32 a[4], const F32 b[4], u8 imm, SseEnv& env, F32 out[4]);
void sse_dppd(const F64 a[2], const F64 b[2], u8 imm, SseEnv& env, F64 out[2]);

}  // namespace glasspc::fp

#include "cpu/float/sse_fast.h"  // IWYU pragma: export

// Shared pieces of the SSE floating-point handlers (cpu/ops_sse_float*.cpp): lane access of
// XMM values as binary32/binary64, the end-of-instruction MXCSR rule, and the registration
// functions of each file.
#pragma once

#include "cpu/decoder.h"
#include "cpu/float/sse.h"
#include "cpu/simd_support.h"

namespace glasspc::sse_float {

using fp::F32;
using fp::F64;

// The integer container of a lane format: u32 for binary32, u64 for binary64.
template <typename T>
using Bits = decltype(T{}.bits);

template <typename T>
constexpr unsigned kLanes = 16 / sizeof(T);

template <typename T>
inline T lane(const Vec128& v, unsigned n) {
  return T{v.get<Bits<T>>(n)};
}
template <typename T>
inline void set_lane(Vec128& v, unsigned n, T x) {
  v.set<Bits<T>>(n, x.bits);
}

// SDM Vol. 1 11.5.3: pre-computation exceptions (#I, #D, #Z) are detected for every lane
// before anything is computed, so when one of them is unmasked the operation stops there and
// the post-computation flags (#O, #U, #P) that other lanes would have produced are not
// recorded. `before` holds the flags as they were before this step. Returns true when the
// step raised an unmasked exception.
inline bool stop_on_unmasked(fp::SseEnv& env, u8 before) {
  constexpr u8 kPre = fp::flag::kInvalid | fp::flag::kDenormal | fp::flag::kZeroDivide;
  if (env.raised & ~env.masks & kPre) {
    env.raised &= kPre;
    env.flags = static_cast<u8>(before | env.raised);
  }
  return env.suppress_store();
}

// Ends a floating-point instruction: the rule above, then MXCSR and #XM/#UD as sse_finish()
// decides; false means the destination must stay unchanged.
inline bool finish_fp(X86Cpu& c, fp::SseEnv& env) {
  stop_on_unmasked(env, static_cast<u8>(c.s.mxcsr & fp::flag::kAll));
  return sse_finish(c, env);
}

// The scalar source of an SS/SD instruction: the low lane of an XMM register or memory.
template <typename T>
inline bool read_scalar(X86Cpu& c, const Insn& i, T& out) {
  Bits<T> b;
  if (!read_xmm_rm_low(c, i, b)) return false;
  out = T{b};
  return true;
}

// The two shapes of an SSE floating-point instruction. Both check availability, read the source
// (packed: an aligned xmm/m128; scalar: the low lane of xmm/m32|m64), compute into a fresh value,
// apply finish_fp() and write the destination only when it allows.
// packed_fp: `compute(dst, src, env)` returns the new xmm1.
template <typename Compute>
inline bool packed_fp(X86Cpu& c, const Insn& i, Compute compute) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  fp::SseEnv env = sse_env(c);
  const Vec128 r = compute(c.s.xmm[i.reg], src, env);
  if (!finish_fp(c, env)) return false;
  c.s.xmm[i.reg] = r;
  return true;
}

// scalar_fp: `compute(dst low lane, src, env)` returns the new low lane (of type Dst); the
// upper lanes of xmm1 stay.
template <typename Src, typename Dst = Src, typename Compute>
inline bool scalar_fp(X86Cpu& c, const Insn& i, Compute compute) {
  if (!sse_available(c)) return false;
  Src src;
  if (!read_scalar(c, i, src)) return false;
  fp::SseEnv env = sse_env(c);
  const Dst r = compute(lane<Dst>(c.s.xmm[i.reg], 0), src, env);
  if (!finish_fp(c, env)) return false;
  set_lane(c.s.xmm[i.reg], 0, r);
  return true;
}

void register_arith(OpcodeTable& t);    // ops_sse_float_arith.cpp
void register_compare(OpcodeTable& t);  // ops_sse_float_compare.cpp
void register_convert(OpcodeTable& t);  // ops_sse_float_convert.cpp
void register_move(OpcodeTable& t);     // ops_sse_float_move.cpp
void register_shuffle(OpcodeTable& t);  // ops_sse_float_shuffle.cpp

}  // namespace glasspc::sse_float

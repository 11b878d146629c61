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

void register_arith(OpcodeTable& t);    // ops_sse_float_arith.cpp
void register_compare(OpcodeTable& t);  // ops_sse_float_compare.cpp
void register_convert(OpcodeTable& t);  // ops_sse_float_convert.cpp
void register_move(OpcodeTable& t);     // ops_sse_float_move.cpp
void register_shuffle(OpcodeTable& t);  // ops_sse_float_shuffle.cpp

}  // namespace glasspc::sse_float

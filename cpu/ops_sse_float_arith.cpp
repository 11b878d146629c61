// SSE/SSE2/SSE3/SSE4.1 floating-point arithmetic: ADD/SUB/MUL/DIV/MIN/MAX/SQRT in the PS, PD,
// SS and SD forms, RCPPS/RCPSS, RSQRTPS/RSQRTSS, HADDPS/PD, HSUBPS/PD, ADDSUBPS/PD,
// ROUNDPS/PD/SS/SD and DPPS/DPPD (SDM Vol. 2 instruction pages of the same names). The lane
// results come from cpu/float; packed memory operands must be 16-byte aligned (SDM Vol. 1
// 11.6.7), scalar ones need not be, and scalar forms keep the destination's upper lanes.
#include "cpu/ops_sse_float.h"

namespace glasspc::sse_float {
namespace {

template <typename T>
using BinaryFn = T (*)(T, T, fp::SseEnv&);
template <typename T>
using UnaryFn = T (*)(T, fp::SseEnv&);

template <typename T>
using FastBinaryFn = bool (*)(T, T, fp::Rounding, T&, bool&);
template <typename T>
using FastUnaryFn = bool (*)(T, fp::Rounding, T&, bool&);

// ADD/SUB/MUL/DIV/SQRT first try the fast path of cpu/float/sse_fast.h on every lane. When it
// takes them all, no lane can raise anything but PE, so neither an SseEnv nor the rule of
// finish_fp() is needed: with PE masked (the usual MXCSR) the flag is ORed in and the result
// written (SDM Vol. 1 11.5.2.3, 11.5.3). Any other case (a lane the fast path declines, or an
// inexact result with PE unmasked, which is #XM) computes the instruction again completely
// from the same operands; nothing has been written by then.
constexpr u32 kMxcsrPrecisionMask = u32{fp::flag::kPrecision} << 7;  // PM, bit 12

// Ends the fast path: true when it delivered the instruction.
inline bool fast_commit(X86Cpu& c, bool all_fast, bool inexact) {
  if (!all_fast) return false;
  if (!inexact) return true;
  if (!(c.s.mxcsr & kMxcsrPrecisionMask)) return false;
  c.s.mxcsr |= fp::flag::kPrecision;
  return true;
}

inline fp::Rounding mxcsr_rounding(const X86Cpu& c) {
  return static_cast<fp::Rounding>((c.s.mxcsr >> 13) & 3);
}

// The packed shape with a fast path: `fast(dst lane, src lane, rc, out, inexact)` is the fast
// path of `full(dst lane, src lane, env)`, which is the complete operation.
template <typename T, typename Fast, typename Full>
bool packed_fast(X86Cpu& c, const Insn& i, Fast fast, Full full) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  Vec128& dst = c.s.xmm[i.reg];
  const fp::Rounding rc = mxcsr_rounding(c);
  Vec128 r;
  bool all_fast = true, inexact = false;
  for (unsigned n = 0; n < kLanes<T>; ++n) {
    T out{};
    bool lane_inexact = false;
    all_fast &= fast(lane<T>(dst, n), lane<T>(src, n), rc, out, lane_inexact);
    inexact |= lane_inexact;
    set_lane(r, n, out);
  }
  if (!fast_commit(c, all_fast, inexact)) {
    fp::SseEnv env = sse_env(c);
    for (unsigned n = 0; n < kLanes<T>; ++n) {
      set_lane(r, n, full(lane<T>(dst, n), lane<T>(src, n), env));
    }
    if (!finish_fp(c, env)) return false;
  }
  dst = r;
  return true;
}

// The scalar shape with a fast path: only the low lane changes.
template <typename T, typename Fast, typename Full>
bool scalar_fast(X86Cpu& c, const Insn& i, Fast fast, Full full) {
  if (!sse_available(c)) return false;
  T src;
  if (!read_scalar(c, i, src)) return false;
  const T dst = lane<T>(c.s.xmm[i.reg], 0);
  T r{};
  bool inexact = false;
  const bool all_fast = fast(dst, src, mxcsr_rounding(c), r, inexact);
  if (!fast_commit(c, all_fast, inexact)) {
    fp::SseEnv env = sse_env(c);
    r = full(dst, src, env);
    if (!finish_fp(c, env)) return false;
  }
  set_lane(c.s.xmm[i.reg], 0, r);
  return true;
}

// ADDPS..DIVSD: op xmm1, xmm2/m128 (every lane becomes f(dest lane, source lane)) or op xmm1,
// xmm2/m32|m64 (the low lane only). `Fast` is the fast path of `F`.
template <typename T, BinaryFn<T> F, FastBinaryFn<T> Fast>
bool packed_arith(X86Cpu& c, const Insn& i) {
  return packed_fast<T>(c, i, Fast, F);
}

template <typename T, BinaryFn<T> F, FastBinaryFn<T> Fast>
bool scalar_arith(X86Cpu& c, const Insn& i) {
  return scalar_fast<T>(c, i, Fast, F);
}

// SQRTPS/SQRTPD/SQRTSS/SQRTSD: the root of the source lane; the destination lane is not read.
template <typename T, UnaryFn<T> F, FastUnaryFn<T> Fast>
bool packed_sqrt(X86Cpu& c, const Insn& i) {
  return packed_fast<T>(
      c, i,
      [](T, T s, fp::Rounding rc, T& out, bool& inexact) { return Fast(s, rc, out, inexact); },
      [](T, T s, fp::SseEnv& env) { return F(s, env); });
}

template <typename T, UnaryFn<T> F, FastUnaryFn<T> Fast>
bool scalar_sqrt(X86Cpu& c, const Insn& i) {
  return scalar_fast<T>(
      c, i,
      [](T, T s, fp::Rounding rc, T& out, bool& inexact) { return Fast(s, rc, out, inexact); },
      [](T, T s, fp::SseEnv& env) { return F(s, env); });
}

// MINPS/MAXPS and their PD/SS/SD forms: no fast path (they are compares, not arithmetic).
template <typename T, BinaryFn<T> F>
bool packed_binary(X86Cpu& c, const Insn& i) {
  return packed_fp(c, i, [](const Vec128& dst, const Vec128& src, fp::SseEnv& env) {
    Vec128 r;
    for (unsigned n = 0; n < kLanes<T>; ++n) {
      set_lane(r, n, F(lane<T>(dst, n), lane<T>(src, n), env));
    }
    return r;
  });
}

template <typename T, BinaryFn<T> F>
bool scalar_binary(X86Cpu& c, const Insn& i) {
  return scalar_fp<T>(c, i, [](T dst, T src, fp::SseEnv& env) { return F(dst, src, env); });
}

// RCPPS/RSQRTPS/RCPSS/RSQRTSS: approximations that raise no exceptions and ignore MXCSR
// (SDM Vol. 2 RCPPS "SIMD Floating-Point Exceptions: None").
template <fp::F32 (*F)(fp::F32)>
bool packed_approx(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  Vec128 r;
  for (unsigned n = 0; n < 4; ++n) set_lane(r, n, F(lane<F32>(src, n)));
  c.s.xmm[i.reg] = r;
  return true;
}

template <fp::F32 (*F)(fp::F32)>
bool scalar_approx(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  F32 src;
  if (!read_scalar(c, i, src)) return false;
  set_lane(c.s.xmm[i.reg], 0, F(src));
  return true;
}

// HADDPS/HADDPD/HSUBPS/HSUBPD (SDM Vol. 2 HADDPS): adjacent lanes of the destination fill the
// low half of the result, adjacent lanes of the source the high half; HSUB subtracts the upper
// lane of each pair from the lower one.
template <typename T, BinaryFn<T> F>
bool horizontal(X86Cpu& c, const Insn& i) {
  return packed_fp(c, i, [](const Vec128& dst, const Vec128& src, fp::SseEnv& env) {
    constexpr unsigned kHalf = kLanes<T> / 2;
    Vec128 r;
    for (unsigned n = 0; n < kHalf; ++n) {
      set_lane(r, n, F(lane<T>(dst, 2 * n), lane<T>(dst, 2 * n + 1), env));
      set_lane(r, kHalf + n, F(lane<T>(src, 2 * n), lane<T>(src, 2 * n + 1), env));
    }
    return r;
  });
}

// ADDSUBPS/ADDSUBPD (SDM Vol. 2 ADDSUBPS): even lanes subtract, odd lanes add.
template <typename T>
bool add_sub(X86Cpu& c, const Insn& i) {
  return packed_fp(c, i, [](const Vec128& dst, const Vec128& src, fp::SseEnv& env) {
    Vec128 r;
    for (unsigned n = 0; n < kLanes<T>; ++n) {
      const T a = lane<T>(dst, n), b = lane<T>(src, n);
      set_lane(r, n, (n & 1) ? fp::sse_add(a, b, env) : fp::sse_sub(a, b, env));
    }
    return r;
  });
}

// ROUNDPS/ROUNDPD (SDM Vol. 2 ROUNDPS): imm8 bits 3:0 control every lane; bits 7:4 are ignored.
template <typename T>
bool round_packed(X86Cpu& c, const Insn& i) {
  const u8 imm = static_cast<u8>(i.imm & 0xf);
  return packed_fp(c, i, [imm](const Vec128&, const Vec128& src, fp::SseEnv& env) {
    Vec128 r;
    for (unsigned n = 0; n < kLanes<T>; ++n)
      set_lane(r, n, fp::sse_round(lane<T>(src, n), imm, env));
    return r;
  });
}

// ROUNDSS/ROUNDSD: the low lane of the source, rounded, replaces the destination's low lane.
template <typename T>
bool round_scalar(X86Cpu& c, const Insn& i) {
  const u8 imm = static_cast<u8>(i.imm & 0xf);
  return scalar_fp<T>(c, i,
                      [imm](T, T src, fp::SseEnv& env) { return fp::sse_round(src, imm, env); });
}

// DPPS/DPPD (SDM Vol. 2 DPPS) run as dependent steps: the products, then each level of sums.
// Hardware ends the instruction at the first step that raises an unmasked exception, so the
// flags of later steps never appear (the rule of stop_on_unmasked() applied per step). The
// steps are replayed here on the lane functions to find the flags; the values are the
// library's dot product, whose flags equal those of the completed steps.
template <typename T>
bool dot_product(X86Cpu& c, const Insn& i) {
  constexpr unsigned kN = kLanes<T>;
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  const Vec128 dst = c.s.xmm[i.reg];
  const u8 imm = static_cast<u8>(i.imm);
  T a[kN], b[kN], p[kN], out[kN];
  for (unsigned n = 0; n < kN; ++n) {
    a[n] = lane<T>(dst, n);
    b[n] = lane<T>(src, n);
  }
  fp::SseEnv env = sse_env(c);
  u8 before = env.flags;
  for (unsigned n = 0; n < kN; ++n)
    p[n] = ((imm >> (4 + n)) & 1) ? fp::sse_mul(a[n], b[n], env) : T{};
  if (stop_on_unmasked(env, before)) return sse_finish(c, env);
  // Pairwise sums until one value is left; the operand order inside each sum does not change
  // the flags.
  for (unsigned count = kN; count > 1; count /= 2) {
    before = env.flags;
    env.begin();
    for (unsigned n = 0; n < count / 2; ++n) p[n] = fp::sse_add(p[2 * n], p[2 * n + 1], env);
    if (stop_on_unmasked(env, before)) return sse_finish(c, env);
  }
  fp::SseEnv values = sse_env(c);
  if constexpr (kN == 4) {
    fp::sse_dpps(a, b, imm, values, out);
  } else {
    fp::sse_dppd(a, b, imm, values, out);
  }
  if (!sse_finish(c, env)) return false;
  Vec128 r;
  for (unsigned n = 0; n < kN; ++n) set_lane(r, n, out[n]);
  c.s.xmm[i.reg] = r;
  return true;
}

// One 0F row of the four columns PS, PD, SS, SD (SDM Vol. 2A Table A-3, rows 58-5F).
template <BinaryFn<F32> F32Op, BinaryFn<F64> F64Op>
void set_binary_row(OpcodeTable& t, u8 opcode, u8 cycles) {
  set_sse(t, opcode, kPrefixNone, packed_binary<F32, F32Op>, opf::kModrm, cycles);
  set_sse(t, opcode, kPrefix66, packed_binary<F64, F64Op>, opf::kModrm, cycles);
  set_sse(t, opcode, kPrefixF3, scalar_binary<F32, F32Op>, opf::kModrm, cycles);
  set_sse(t, opcode, kPrefixF2, scalar_binary<F64, F64Op>, opf::kModrm, cycles);
}

// The same for an arithmetic row with a fast path.
template <BinaryFn<F32> F32Op, BinaryFn<F64> F64Op, FastBinaryFn<F32> F32Fast,
          FastBinaryFn<F64> F64Fast>
void set_arith_row(OpcodeTable& t, u8 opcode, u8 cycles) {
  set_sse(t, opcode, kPrefixNone, packed_arith<F32, F32Op, F32Fast>, opf::kModrm, cycles);
  set_sse(t, opcode, kPrefix66, packed_arith<F64, F64Op, F64Fast>, opf::kModrm, cycles);
  set_sse(t, opcode, kPrefixF3, scalar_arith<F32, F32Op, F32Fast>, opf::kModrm, cycles);
  set_sse(t, opcode, kPrefixF2, scalar_arith<F64, F64Op, F64Fast>, opf::kModrm, cycles);
}

}  // namespace

void register_arith(OpcodeTable& t) {
  using fp::fast::add;
  using fp::fast::div;
  using fp::fast::mul;
  using fp::fast::sub;
  set_arith_row<fp::sse_add, fp::sse_add, add<F32>, add<F64>>(t, 0x58, 3);
  set_arith_row<fp::sse_mul, fp::sse_mul, mul<F32>, mul<F64>>(t, 0x59, 4);
  set_arith_row<fp::sse_sub, fp::sse_sub, sub<F32>, sub<F64>>(t, 0x5c, 3);
  set_binary_row<fp::sse_min, fp::sse_min>(t, 0x5d, 2);
  set_arith_row<fp::sse_div, fp::sse_div, div<F32>, div<F64>>(t, 0x5e, 14);
  set_binary_row<fp::sse_max, fp::sse_max>(t, 0x5f, 2);

  using fp::fast::sqrt;
  set_sse(t, 0x51, kPrefixNone, packed_sqrt<F32, fp::sse_sqrt, sqrt<F32>>, opf::kModrm, 16);
  set_sse(t, 0x51, kPrefix66, packed_sqrt<F64, fp::sse_sqrt, sqrt<F64>>, opf::kModrm, 20);
  set_sse(t, 0x51, kPrefixF3, scalar_sqrt<F32, fp::sse_sqrt, sqrt<F32>>, opf::kModrm, 14);
  set_sse(t, 0x51, kPrefixF2, scalar_sqrt<F64, fp::sse_sqrt, sqrt<F64>>, opf::kModrm, 18);

  set_sse(t, 0x52, kPrefixNone, packed_approx<fp::sse_rsqrt>, opf::kModrm, 4);
  set_sse(t, 0x52, kPrefixF3, scalar_approx<fp::sse_rsqrt>, opf::kModrm, 4);
  set_sse(t, 0x53, kPrefixNone, packed_approx<fp::sse_rcp>, opf::kModrm, 4);
  set_sse(t, 0x53, kPrefixF3, scalar_approx<fp::sse_rcp>, opf::kModrm, 4);

  set_sse(t, 0x7c, kPrefix66, horizontal<F64, fp::sse_add>, opf::kModrm, 5);
  set_sse(t, 0x7c, kPrefixF2, horizontal<F32, fp::sse_add>, opf::kModrm, 5);
  set_sse(t, 0x7d, kPrefix66, horizontal<F64, fp::sse_sub>, opf::kModrm, 5);
  set_sse(t, 0x7d, kPrefixF2, horizontal<F32, fp::sse_sub>, opf::kModrm, 5);
  set_sse(t, 0xd0, kPrefix66, add_sub<F64>, opf::kModrm, 3);
  set_sse(t, 0xd0, kPrefixF2, add_sub<F32>, opf::kModrm, 3);

  constexpr u32 kImm = opf::kModrm | opf::kImm8;
  set_prefixed(t.map_0f3a[0x08], kPrefix66, round_packed<F32>, kImm, 6);
  set_prefixed(t.map_0f3a[0x09], kPrefix66, round_packed<F64>, kImm, 6);
  set_prefixed(t.map_0f3a[0x0a], kPrefix66, round_scalar<F32>, kImm, 6);
  set_prefixed(t.map_0f3a[0x0b], kPrefix66, round_scalar<F64>, kImm, 6);
  set_prefixed(t.map_0f3a[0x40], kPrefix66, dot_product<F32>, kImm, 12);
  set_prefixed(t.map_0f3a[0x41], kPrefix66, dot_product<F64>, kImm, 9);
}

}  // namespace glasspc::sse_float

// SSE/SSE2 conversions between binary32, binary64 and integers (SDM Vol. 2 CVTPI2PS,
// CVTSI2SS, CVTPI2PD, CVTSI2SD, CVT(T)PS2PI, CVT(T)SS2SI, CVT(T)PD2PI, CVT(T)SD2SI, CVTPS2PD,
// CVTPD2PS, CVTSS2SD, CVTSD2SS, CVTDQ2PS, CVT(T)PS2DQ, CVT(T)PD2DQ, CVTDQ2PD). Results that do
// not fit the integer format are the integer indefinite (the library's rule).
#include "cpu/ops_sse_float.h"

namespace glasspc::sse_float {
namespace {

// --- MMX operands ------------------------------------------------------------------------------
// The forms with an MMX register operand check both instruction classes (SDM Vol. 3B Table 23-5)
// and switch the x87 unit to MMX mode (SDM Vol. 1 9.5.1). mmx_available() makes that switch as
// it succeeds. On the host a memory fault of the same instruction leaves the x87 TOP and tags
// as they were, while #XM comes after the switch; so the switch is undone only when reading
// the operands fails.
struct X87Mode {
  u16 fsw;
  u8 ftw;
};

bool enter_mmx(X86Cpu& c, X87Mode& saved) {
  saved = {c.s.x87.fsw, c.s.x87.ftw};
  return mmx_available(c);
}

bool undo_mmx(X86Cpu& c, const X87Mode& saved) {
  c.s.x87.fsw = saved.fsw;
  c.s.x87.ftw = saved.ftw;
  return false;
}

i32 low_i32(u64 v) {
  return static_cast<i32>(static_cast<u32>(v));
}
i32 high_i32(u64 v) {
  return static_cast<i32>(static_cast<u32>(v >> 32));
}
u64 pack_i32(i32 lo, i32 hi) {
  return u64{static_cast<u32>(lo)} | (u64{static_cast<u32>(hi)} << 32);
}

// The mm/m64 source of CVTPI2PS/CVTPI2PD. Only the MMX register form enters MMX mode and
// checks for a pending x87 exception; a memory source leaves the x87 state alone (SDM Vol. 2
// CVTPI2PD; the host shows CVTPI2PS behaving the same, although its page says both forms
// switch).
bool read_mm_source(X86Cpu& c, const Insn& i, u64& src) {
  if (i.has_mem()) return c.read_mem(i.seg, c.ea(i), src);
  if (!mmx_available(c)) return false;
  src = mmx_reg(c.s, i.rm);
  return true;
}

// CVTPI2PS xmm, mm/m64: two doublewords to the low two lanes, rounded per MXCSR; the high
// quadword is unchanged.
bool cvtpi2ps(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  u64 src;
  if (!read_mm_source(c, i, src)) return false;
  fp::SseEnv env = sse_env(c);
  const F32 lo = fp::sse_i32_to_f32(low_i32(src), env);
  const F32 hi = fp::sse_i32_to_f32(high_i32(src), env);
  if (!finish_fp(c, env)) return false;
  set_lane(c.s.xmm[i.reg], 0, lo);
  set_lane(c.s.xmm[i.reg], 1, hi);
  return true;
}

// CVTPI2PD xmm, mm/m64: exact, no floating-point exceptions.
bool cvtpi2pd(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  u64 src;
  if (!read_mm_source(c, i, src)) return false;
  Vec128 r;
  set_lane(r, 0, fp::sse_i32_to_f64(low_i32(src)));
  set_lane(r, 1, fp::sse_i32_to_f64(high_i32(src)));
  c.s.xmm[i.reg] = r;
  return true;
}

// CVTSI2SS/CVTSI2SD xmm, r/m32 (r/m64 with REX.W): the low lane only.
bool cvtsi2ss(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  fp::SseEnv env;
  F32 r;
  if (i.prefixes & pfx::kRexW) {
    u64 v;
    if (!c.read_rm(i, v)) return false;
    env = sse_env(c);
    r = fp::sse_i64_to_f32(static_cast<i64>(v), env);
  } else {
    u32 v;
    if (!c.read_rm(i, v)) return false;
    env = sse_env(c);
    r = fp::sse_i32_to_f32(static_cast<i32>(v), env);
  }
  if (!finish_fp(c, env)) return false;
  set_lane(c.s.xmm[i.reg], 0, r);
  return true;
}

bool cvtsi2sd(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  if (i.prefixes & pfx::kRexW) {
    u64 v;
    if (!c.read_rm(i, v)) return false;
    fp::SseEnv env = sse_env(c);
    const F64 r = fp::sse_i64_to_f64(static_cast<i64>(v), env);
    if (!finish_fp(c, env)) return false;
    set_lane(c.s.xmm[i.reg], 0, r);
    return true;
  }
  u32 v;
  if (!c.read_rm(i, v)) return false;
  set_lane(c.s.xmm[i.reg], 0, fp::sse_i32_to_f64(static_cast<i32>(v)));  // exact
  return true;
}

i32 to_i32(F32 v, bool truncate, fp::SseEnv& env) {
  return fp::sse_f32_to_i32(v, truncate, env);
}
i32 to_i32(F64 v, bool truncate, fp::SseEnv& env) {
  return fp::sse_f64_to_i32(v, truncate, env);
}
i64 to_i64(F32 v, bool truncate, fp::SseEnv& env) {
  return fp::sse_f32_to_i64(v, truncate, env);
}
i64 to_i64(F64 v, bool truncate, fp::SseEnv& env) {
  return fp::sse_f64_to_i64(v, truncate, env);
}

// CVT(T)PS2PI mm, xmm/m64 and CVT(T)PD2PI mm, xmm/m128 (aligned): two lanes to two
// doublewords of an MMX register.
template <typename T, bool Truncate>
bool to_mmx(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  X87Mode saved;
  if (!enter_mmx(c, saved)) return false;
  T a, b;
  if constexpr (sizeof(T) == 4) {
    u64 src;
    if (!read_xmm_rm_low(c, i, src)) return undo_mmx(c, saved);
    a = F32{static_cast<u32>(src)};
    b = F32{static_cast<u32>(src >> 32)};
  } else {
    Vec128 src;
    if (!read_xmm_rm(c, i, src, true)) return undo_mmx(c, saved);
    a = F64{src.lo};
    b = F64{src.hi};
  }
  fp::SseEnv env = sse_env(c);
  const i32 lo = to_i32(a, Truncate, env);
  const i32 hi = to_i32(b, Truncate, env);
  if (!finish_fp(c, env)) return false;
  set_mmx_reg(c.s, i.reg, pack_i32(lo, hi));
  return true;
}

// CVT(T)SS2SI / CVT(T)SD2SI r32/r64, xmm/m32|m64 (REX.W selects the 64-bit destination).
template <typename T, bool Truncate>
bool to_gpr(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  T src;
  if (!read_scalar(c, i, src)) return false;
  fp::SseEnv env = sse_env(c);
  if (i.prefixes & pfx::kRexW) {
    const i64 r = to_i64(src, Truncate, env);
    if (!finish_fp(c, env)) return false;
    c.set_reg<u64>(i, i.reg, static_cast<u64>(r));
  } else {
    const i32 r = to_i32(src, Truncate, env);
    if (!finish_fp(c, env)) return false;
    c.set_reg<u32>(i, i.reg, static_cast<u32>(r));
  }
  return true;
}

// CVTPS2PD xmm, xmm/m64: the two low binary32 lanes widen exactly (except for SNaN and DAZ).
bool cvtps2pd(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  u64 src;
  if (!read_xmm_rm_low(c, i, src)) return false;
  fp::SseEnv env = sse_env(c);
  Vec128 r;
  set_lane(r, 0, fp::sse_f32_to_f64(F32{static_cast<u32>(src)}, env));
  set_lane(r, 1, fp::sse_f32_to_f64(F32{static_cast<u32>(src >> 32)}, env));
  if (!finish_fp(c, env)) return false;
  c.s.xmm[i.reg] = r;
  return true;
}

// CVTPD2PS xmm, xmm/m128: the results fill the low quadword; the high quadword is zeroed.
bool cvtpd2ps(X86Cpu& c, const Insn& i) {
  return packed_fp(c, i, [](const Vec128&, const Vec128& src, fp::SseEnv& env) {
    Vec128 r;
    set_lane(r, 0, fp::sse_f64_to_f32(F64{src.lo}, env));
    set_lane(r, 1, fp::sse_f64_to_f32(F64{src.hi}, env));
    return r;
  });
}

// CVTSS2SD / CVTSD2SS xmm1, xmm2/m32|m64: the low lane converts, the rest of xmm1 stays.
template <typename From, typename To, To (*Convert)(From, fp::SseEnv&)>
bool scalar_convert(X86Cpu& c, const Insn& i) {
  return scalar_fp<From, To>(c, i, [](To, From src, fp::SseEnv& env) { return Convert(src, env); });
}
constexpr Handler cvtss2sd = &scalar_convert<F32, F64, &fp::sse_f32_to_f64>;
constexpr Handler cvtsd2ss = &scalar_convert<F64, F32, &fp::sse_f64_to_f32>;

// CVTDQ2PS xmm, xmm/m128: four doublewords, rounded per MXCSR.
bool cvtdq2ps(X86Cpu& c, const Insn& i) {
  return packed_fp(c, i, [](const Vec128&, const Vec128& src, fp::SseEnv& env) {
    Vec128 r;
    for (unsigned n = 0; n < 4; ++n) {
      set_lane(r, n, fp::sse_i32_to_f32(static_cast<i32>(src.dword(n)), env));
    }
    return r;
  });
}

// CVT(T)PS2DQ xmm, xmm/m128.
template <bool Truncate>
bool ps2dq(X86Cpu& c, const Insn& i) {
  return packed_fp(c, i, [](const Vec128&, const Vec128& src, fp::SseEnv& env) {
    Vec128 r;
    for (unsigned n = 0; n < 4; ++n) {
      r.set_dword(n, static_cast<u32>(to_i32(lane<F32>(src, n), Truncate, env)));
    }
    return r;
  });
}

// CVT(T)PD2DQ xmm, xmm/m128: two doublewords in the low quadword, the high quadword zeroed.
template <bool Truncate>
bool pd2dq(X86Cpu& c, const Insn& i) {
  return packed_fp(c, i, [](const Vec128&, const Vec128& src, fp::SseEnv& env) {
    const i32 lo = to_i32(F64{src.lo}, Truncate, env);
    const i32 hi = to_i32(F64{src.hi}, Truncate, env);
    return Vec128{pack_i32(lo, hi), 0};
  });
}

// CVTDQ2PD xmm, xmm/m64: exact, no exceptions.
bool cvtdq2pd(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  u64 src;
  if (!read_xmm_rm_low(c, i, src)) return false;
  Vec128 r;
  set_lane(r, 0, fp::sse_i32_to_f64(low_i32(src)));
  set_lane(r, 1, fp::sse_i32_to_f64(high_i32(src)));
  c.s.xmm[i.reg] = r;
  return true;
}

}  // namespace

void register_convert(OpcodeTable& t) {
  constexpr u32 kM = opf::kModrm;
  set_sse(t, 0x2a, kPrefixNone, cvtpi2ps, kM, 4);
  set_sse(t, 0x2a, kPrefix66, cvtpi2pd, kM, 4);
  set_sse(t, 0x2a, kPrefixF3, cvtsi2ss, kM, 4);
  set_sse(t, 0x2a, kPrefixF2, cvtsi2sd, kM, 4);
  set_sse(t, 0x2c, kPrefixNone, to_mmx<F32, true>, kM, 4);
  set_sse(t, 0x2c, kPrefix66, to_mmx<F64, true>, kM, 4);
  set_sse(t, 0x2c, kPrefixF3, to_gpr<F32, true>, kM, 4);
  set_sse(t, 0x2c, kPrefixF2, to_gpr<F64, true>, kM, 4);
  set_sse(t, 0x2d, kPrefixNone, to_mmx<F32, false>, kM, 4);
  set_sse(t, 0x2d, kPrefix66, to_mmx<F64, false>, kM, 4);
  set_sse(t, 0x2d, kPrefixF3, to_gpr<F32, false>, kM, 4);
  set_sse(t, 0x2d, kPrefixF2, to_gpr<F64, false>, kM, 4);
  set_sse(t, 0x5a, kPrefixNone, cvtps2pd, kM, 3);
  set_sse(t, 0x5a, kPrefix66, cvtpd2ps, kM, 4);
  set_sse(t, 0x5a, kPrefixF3, cvtss2sd, kM, 3);
  set_sse(t, 0x5a, kPrefixF2, cvtsd2ss, kM, 4);
  set_sse(t, 0x5b, kPrefixNone, cvtdq2ps, kM, 4);
  set_sse(t, 0x5b, kPrefix66, ps2dq<false>, kM, 4);
  set_sse(t, 0x5b, kPrefixF3, ps2dq<true>, kM, 4);
  set_sse(t, 0xe6, kPrefix66, pd2dq<true>, kM, 4);
  set_sse(t, 0xe6, kPrefixF3, cvtdq2pd, kM, 4);
  set_sse(t, 0xe6, kPrefixF2, pd2dq<false>, kM, 4);
}

}  // namespace glasspc::sse_float

// SSE/SSE2 floating-point comparisons: CMPPS/CMPPD/CMPSS/CMPSD with a predicate immediate, and
// COMISS/COMISD/UCOMISS/UCOMISD into EFLAGS (SDM Vol. 2 CMPPS, COMISS, UCOMISS).
#include "cpu/ops_sse_float.h"

namespace glasspc::sse_float {
namespace {

// The legacy SSE encodings know predicates 0-7 only: imm8 bits 7:3 are ignored (SDM Vol. 2
// CMPPS "imm8[2:0]"; predicates 8-31 exist only with VEX). A true lane is all ones.
constexpr u8 predicate(const Insn& i) {
  return static_cast<u8>(i.imm & 7);
}

// A true lane is all ones, a false one all zeros.
template <typename T>
constexpr T lane_mask(bool yes) {
  return T{yes ? static_cast<Bits<T>>(~Bits<T>{0}) : Bits<T>{0}};
}

template <typename T>
bool compare_packed(X86Cpu& c, const Insn& i) {
  const u8 imm = predicate(i);
  return packed_fp(c, i, [imm](const Vec128& dst, const Vec128& src, fp::SseEnv& env) {
    Vec128 r;
    for (unsigned n = 0; n < kLanes<T>; ++n) {
      set_lane(r, n, lane_mask<T>(fp::sse_compare(lane<T>(dst, n), lane<T>(src, n), imm, env)));
    }
    return r;
  });
}

template <typename T>
bool compare_scalar(X86Cpu& c, const Insn& i) {
  const u8 imm = predicate(i);
  return scalar_fp<T>(c, i, [imm](T dst, T src, fp::SseEnv& env) {
    return lane_mask<T>(fp::sse_compare(dst, src, imm, env));
  });
}

// COMISS/UCOMISS (SDM Vol. 2 COMISS): ZF, PF, CF give the ordering; OF, SF and AF are cleared.
// EFLAGS stays unchanged when an unmasked exception is reported.
template <typename T, bool Quiet>
bool compare_eflags(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  T src;
  if (!read_scalar(c, i, src)) return false;
  fp::SseEnv env = sse_env(c);
  const u32 result = fp::sse_compare_eflags(lane<T>(c.s.xmm[i.reg], 0), src, Quiet, env);
  if (!finish_fp(c, env)) return false;
  c.set_arith_flags(flag::kArith, result & (flag::ZF | flag::PF | flag::CF));
  return true;
}

}  // namespace

void register_compare(OpcodeTable& t) {
  constexpr u32 kImm = opf::kModrm | opf::kImm8;
  set_sse(t, 0xc2, kPrefixNone, compare_packed<F32>, kImm, 3);
  set_sse(t, 0xc2, kPrefix66, compare_packed<F64>, kImm, 3);
  set_sse(t, 0xc2, kPrefixF3, compare_scalar<F32>, kImm, 3);
  set_sse(t, 0xc2, kPrefixF2, compare_scalar<F64>, kImm, 3);
  set_sse(t, 0x2e, kPrefixNone, compare_eflags<F32, true>, opf::kModrm, 3);
  set_sse(t, 0x2e, kPrefix66, compare_eflags<F64, true>, opf::kModrm, 3);
  set_sse(t, 0x2f, kPrefixNone, compare_eflags<F32, false>, opf::kModrm, 3);
  set_sse(t, 0x2f, kPrefix66, compare_eflags<F64, false>, opf::kModrm, 3);
}

}  // namespace glasspc::sse_float

// SSE/SSE2/SSE3 floating-point data movement: MOVUPS/MOVUPD, MOVSS/MOVSD, MOVLPS/MOVLPD,
// MOVHLPS, MOVHPS/MOVHPD, MOVLHPS, MOVSLDUP, MOVSHDUP, MOVDDUP, MOVAPS/MOVAPD, MOVNTPS/MOVNTPD,
// MOVMSKPS/MOVMSKPD and LDDQU (SDM Vol. 2 pages of the same names). None of them raises a
// floating-point exception or reads MXCSR: they move bits.
#include "cpu/ops_sse_float.h"

namespace glasspc::sse_float {
namespace {

// MOVUPS/MOVUPD/MOVAPS/MOVAPD xmm1, xmm2/m128 (and LDDQU, which never checks alignment).
template <bool Aligned>
bool move_load(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 v;
  if (!read_xmm_rm(c, i, v, Aligned)) return false;
  c.s.xmm[i.reg] = v;
  return true;
}

// MOVUPS/MOVUPD/MOVAPS/MOVAPD xmm2/m128, xmm1.
template <bool Aligned>
bool move_store(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  if (!i.has_mem()) {
    c.s.xmm[i.rm] = c.s.xmm[i.reg];
    return true;
  }
  return write_m128(c, i, c.s.xmm[i.reg], Aligned);
}

// LDDQU xmm, m128 (SDM Vol. 2 LDDQU): a memory source only.
bool lddqu(X86Cpu& c, const Insn& i) {
  if (!i.has_mem()) return c.ud();
  return move_load<false>(c, i);
}

// MOVNTPS/MOVNTPD m128, xmm: an aligned store; the non-temporal hint has no architectural
// effect here. The register form is #UD.
bool move_nt(X86Cpu& c, const Insn& i) {
  if (!i.has_mem()) return c.ud();
  if (!sse_available(c)) return false;
  return write_m128(c, i, c.s.xmm[i.reg], true);
}

// MOVSS/MOVSD xmm1, xmm2/m32|m64: a register source replaces the low lane only, a memory
// source also zeroes the rest of the register (SDM Vol. 2 MOVSS).
template <typename T>
bool move_scalar_load(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  if (!i.has_mem()) {
    c.s.xmm[i.reg].set<Bits<T>>(0, c.s.xmm[i.rm].get<Bits<T>>(0));
    return true;
  }
  Bits<T> v;
  if (!c.read_mem(i.seg, c.ea(i), v)) return false;
  c.s.xmm[i.reg] = Vec128{v, 0};
  return true;
}

// MOVSS/MOVSD xmm2/m32|m64, xmm1.
template <typename T>
bool move_scalar_store(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  const Bits<T> v = c.s.xmm[i.reg].get<Bits<T>>(0);
  if (!i.has_mem()) {
    c.s.xmm[i.rm].set<Bits<T>>(0, v);
    return true;
  }
  return c.write_mem(i.seg, c.ea(i), v);
}

// 0F 12 / 0F 16 without prefix: MOVLPS/MOVHPS xmm, m64 load one quadword; with a register
// operand they are MOVHLPS (high quadword of the source to the low one of the destination) and
// MOVLHPS (low to high). With 66 (MOVLPD/MOVHPD) the register form is #UD.
template <unsigned Half, bool RegisterForm>
bool move_half_load(X86Cpu& c, const Insn& i) {
  if (!RegisterForm && !i.has_mem()) return c.ud();
  if (!sse_available(c)) return false;
  u64 v;
  if (i.has_mem()) {
    if (!c.read_mem(i.seg, c.ea(i), v)) return false;
  } else {
    v = c.s.xmm[i.rm].qword(1 - Half);
  }
  c.s.xmm[i.reg].set_qword(Half, v);
  return true;
}

// MOVLPS/MOVLPD/MOVHPS/MOVHPD m64, xmm: memory destinations only.
template <unsigned Half>
bool move_half_store(X86Cpu& c, const Insn& i) {
  if (!i.has_mem()) return c.ud();
  if (!sse_available(c)) return false;
  return c.write_mem(i.seg, c.ea(i), c.s.xmm[i.reg].qword(Half));
}

// MOVSLDUP (Odd = 0) / MOVSHDUP (Odd = 1) xmm1, xmm2/m128: the even or odd dwords of the
// source, each duplicated (SDM Vol. 2 MOVSLDUP).
template <unsigned Odd>
bool move_dup_single(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  const u32 a = src.dword(Odd), b = src.dword(2 + Odd);
  c.s.xmm[i.reg] = simd::vec_from_dwords(a, a, b, b);
  return true;
}

// MOVDDUP xmm1, xmm2/m64: the low quadword in both halves.
bool move_dup_double(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  u64 v;
  if (!read_xmm_rm_low(c, i, v)) return false;
  c.s.xmm[i.reg] = Vec128{v, v};
  return true;
}

// MOVMSKPS/MOVMSKPD reg, xmm: the sign bits of the lanes; the rest of the register is zeroed.
template <typename T>
bool move_mask(X86Cpu& c, const Insn& i) {
  if (i.has_mem()) return c.ud();
  if (!sse_available(c)) return false;
  const Vec128& v = c.s.xmm[i.rm];
  constexpr unsigned kSign = 8 * sizeof(T) - 1;
  u64 mask = 0;
  for (unsigned n = 0; n < kLanes<T>; ++n) mask |= u64{(v.get<Bits<T>>(n) >> kSign) & 1} << n;
  c.s.gpr[i.reg] = mask;
  return true;
}

}  // namespace

void register_move(OpcodeTable& t) {
  constexpr u32 kM = opf::kModrm;
  for (const SsePrefix p : {kPrefixNone, kPrefix66}) {
    set_sse(t, 0x10, p, move_load<false>, kM);
    set_sse(t, 0x11, p, move_store<false>, kM);
    set_sse(t, 0x28, p, move_load<true>, kM);
    set_sse(t, 0x29, p, move_store<true>, kM);
    set_sse(t, 0x2b, p, move_nt, kM);
    set_sse(t, 0x13, p, move_half_store<0>, kM);
    set_sse(t, 0x17, p, move_half_store<1>, kM);
  }
  set_sse(t, 0x10, kPrefixF3, move_scalar_load<F32>, kM);
  set_sse(t, 0x10, kPrefixF2, move_scalar_load<F64>, kM);
  set_sse(t, 0x11, kPrefixF3, move_scalar_store<F32>, kM);
  set_sse(t, 0x11, kPrefixF2, move_scalar_store<F64>, kM);
  set_sse(t, 0x12, kPrefixNone, move_half_load<0, true>, kM);
  set_sse(t, 0x12, kPrefix66, move_half_load<0, false>, kM);
  set_sse(t, 0x12, kPrefixF3, move_dup_single<0>, kM);
  set_sse(t, 0x12, kPrefixF2, move_dup_double, kM);
  set_sse(t, 0x16, kPrefixNone, move_half_load<1, true>, kM);
  set_sse(t, 0x16, kPrefix66, move_half_load<1, false>, kM);
  set_sse(t, 0x16, kPrefixF3, move_dup_single<1>, kM);
  set_sse(t, 0x50, kPrefixNone, move_mask<F32>, kM);
  set_sse(t, 0x50, kPrefix66, move_mask<F64>, kM);
  set_sse(t, 0xf0, kPrefixF2, lddqu, kM);
}

}  // namespace glasspc::sse_float

// SSE4.1 integer instructions (66 0F 38 xx and 66 0F 3A xx; SDM Vol. 2B): blends, PTEST, the
// widening moves PMOVSX/PMOVZX, PMULDQ/PMULLD, PCMPEQQ, MOVNTDQA, PACKUSDW, PMIN/PMAX in the new
// widths, PHMINPOSUW, element insert/extract and MPSADBW. The floating-point entries of the same
// maps (ROUNDxx, BLENDxx, DPPx, INSERTPS, EXTRACTPS) are registered by cpu/ops_sse_float*.cpp.
#include "cpu/ops_simd_ext_common.h"
#include "cpu/simd/simd.h"

namespace glasspc::simd_ext {
namespace {

// SDM Vol. 2B PBLENDVB: the sign bits of the implicit XMM0 select source bytes.
bool pblendvb(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  c.s.xmm[i.reg] = simd::pblendvb(c.s.xmm[i.reg], src, c.s.xmm[0]);
  return true;
}

// SDM Vol. 2B PTEST: ZF and CF from the two AND tests; AF, OF, PF and SF are cleared.
bool ptest(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  c.set_arith_flags(flag::kArith, simd::ptest(c.s.xmm[i.reg], src));
  return true;
}

// SDM Vol. 2B PMOVSX/PMOVZX: the memory forms read only the `Bytes` bytes that are widened (no
// alignment requirement, exception class 5); the register forms use the low bytes of xmm2.
template <unsigned Bytes, XmmUnary F>
bool pmov_widen(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!i.has_mem()) {
    src = c.s.xmm[i.rm];
  } else if constexpr (Bytes == 8) {
    u64 v;
    if (!c.read_mem(i.seg, c.ea(i), v)) return false;
    src.lo = v;
  } else if constexpr (Bytes == 4) {
    u32 v;
    if (!c.read_mem(i.seg, c.ea(i), v)) return false;
    src.lo = v;
  } else {
    u16 v;
    if (!c.read_mem(i.seg, c.ea(i), v)) return false;
    src.lo = v;
  }
  c.s.xmm[i.reg] = F(src);
  return true;
}

// SDM Vol. 2B MOVNTDQA: an aligned 128-bit load (the non-temporal hint has no effect here); the
// register form is #UD.
bool movntdqa(X86Cpu& c, const Insn& i) {
  if (!i.has_mem()) return c.ud();
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_m128(c, i, src, true)) return false;
  c.s.xmm[i.reg] = src;
  return true;
}

// REX.W (64-bit mode only) selects the 64-bit forms PEXTRQ/PINSRQ.
bool rex_w(const Insn& i) {
  return (i.prefixes & pfx::kRexW) != 0;
}

// SDM Vol. 2B PEXTRB/PEXTRW/PEXTRD/PEXTRQ (66 0F 3A 14/15/16): the element goes to m8/m16/m32/m64,
// or zero-extended into the 32- or 64-bit general register named by ModRM.rm.
template <typename T>
bool store_element(X86Cpu& c, const Insn& i, T value) {
  if (i.has_mem()) return c.write_mem(i.seg, c.ea(i), value);
  if constexpr (sizeof(T) == 8) {
    c.set_reg<u64>(i, i.rm, value);
  } else {
    c.set_reg<u32>(i, i.rm, value);  // zero-extends into the full register (SDM Vol. 1 3.4.1.1)
  }
  return true;
}

bool pextrb(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  return store_element(c, i, static_cast<u8>(simd::pextrb(c.s.xmm[i.reg], static_cast<u8>(i.imm))));
}

bool pextrw(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  return store_element(c, i,
                       static_cast<u16>(simd::pextrw(c.s.xmm[i.reg], static_cast<u8>(i.imm))));
}

bool pextrd_q(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  const u8 imm = static_cast<u8>(i.imm);
  if (rex_w(i)) return store_element(c, i, simd::pextrq(c.s.xmm[i.reg], imm));
  return store_element(c, i, simd::pextrd(c.s.xmm[i.reg], imm));
}

// The narrow source of PINSRB (r32/m8), PINSRD (r/m32) and PINSRQ (r/m64).
template <typename T>
bool read_element(X86Cpu& c, const Insn& i, T& out) {
  if (i.has_mem()) return c.read_mem(i.seg, c.ea(i), out);
  out = static_cast<T>(c.s.gpr[i.rm]);  // the low bits of the register (never AH..BH)
  return true;
}

// SDM Vol. 2B PINSRB (66 0F 3A 20).
bool pinsrb(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  u8 v;
  if (!read_element(c, i, v)) return false;
  c.s.xmm[i.reg] = simd::pinsrb(c.s.xmm[i.reg], v, static_cast<u8>(i.imm));
  return true;
}

// SDM Vol. 2B PINSRD/PINSRQ (66 0F 3A 22; REX.W selects PINSRQ).
bool pinsrd_q(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  const u8 imm = static_cast<u8>(i.imm);
  if (rex_w(i)) {
    u64 v;
    if (!read_element(c, i, v)) return false;
    c.s.xmm[i.reg] = simd::pinsrq(c.s.xmm[i.reg], v, imm);
    return true;
  }
  u32 v;
  if (!read_element(c, i, v)) return false;
  c.s.xmm[i.reg] = simd::pinsrd(c.s.xmm[i.reg], v, imm);
  return true;
}

template <XmmBinary F>
void set_66(OpcodeTable& t, u8 op, u8 cycles = 1) {
  set_prefixed(t.map_0f38[op], kPrefix66, &xmm_binary<F>, opf::kModrm, cycles);
}

}  // namespace

void register_sse41_ops(OpcodeTable& t) {
  auto& m38 = t.map_0f38;
  auto& m3a = t.map_0f3a;
  set_prefixed(m38[0x10], kPrefix66, &pblendvb, opf::kModrm, 1);
  set_prefixed(m38[0x17], kPrefix66, &ptest, opf::kModrm, 1);

  set_prefixed(m38[0x20], kPrefix66, &pmov_widen<8, simd::pmovsxbw>, opf::kModrm, 1);
  set_prefixed(m38[0x21], kPrefix66, &pmov_widen<4, simd::pmovsxbd>, opf::kModrm, 1);
  set_prefixed(m38[0x22], kPrefix66, &pmov_widen<2, simd::pmovsxbq>, opf::kModrm, 1);
  set_prefixed(m38[0x23], kPrefix66, &pmov_widen<8, simd::pmovsxwd>, opf::kModrm, 1);
  set_prefixed(m38[0x24], kPrefix66, &pmov_widen<4, simd::pmovsxwq>, opf::kModrm, 1);
  set_prefixed(m38[0x25], kPrefix66, &pmov_widen<8, simd::pmovsxdq>, opf::kModrm, 1);
  set_prefixed(m38[0x30], kPrefix66, &pmov_widen<8, simd::pmovzxbw>, opf::kModrm, 1);
  set_prefixed(m38[0x31], kPrefix66, &pmov_widen<4, simd::pmovzxbd>, opf::kModrm, 1);
  set_prefixed(m38[0x32], kPrefix66, &pmov_widen<2, simd::pmovzxbq>, opf::kModrm, 1);
  set_prefixed(m38[0x33], kPrefix66, &pmov_widen<8, simd::pmovzxwd>, opf::kModrm, 1);
  set_prefixed(m38[0x34], kPrefix66, &pmov_widen<4, simd::pmovzxwq>, opf::kModrm, 1);
  set_prefixed(m38[0x35], kPrefix66, &pmov_widen<8, simd::pmovzxdq>, opf::kModrm, 1);

  set_66<simd::pmuldq>(t, 0x28, 4);
  set_66<simd::pcmpeqq>(t, 0x29);
  set_prefixed(m38[0x2a], kPrefix66, &movntdqa, opf::kModrm, 1);
  set_66<simd::packusdw>(t, 0x2b);
  set_66<simd::pminsb<Vec128>>(t, 0x38);
  set_66<simd::pminsd<Vec128>>(t, 0x39);
  set_66<simd::pminuw<Vec128>>(t, 0x3a);
  set_66<simd::pminud<Vec128>>(t, 0x3b);
  set_66<simd::pmaxsb<Vec128>>(t, 0x3c);
  set_66<simd::pmaxsd<Vec128>>(t, 0x3d);
  set_66<simd::pmaxuw<Vec128>>(t, 0x3e);
  set_66<simd::pmaxud<Vec128>>(t, 0x3f);
  set_66<simd::pmulld>(t, 0x40, 5);
  set_prefixed(m38[0x41], kPrefix66, &xmm_unary<simd::phminposuw>, opf::kModrm, 3);

  set_prefixed(m3a[0x0e], kPrefix66, &xmm_imm<simd::pblendw>, kModrmImm8, 1);
  set_prefixed(m3a[0x14], kPrefix66, &pextrb, kModrmImm8, 1);
  set_prefixed(m3a[0x15], kPrefix66, &pextrw, kModrmImm8, 1);
  set_prefixed(m3a[0x16], kPrefix66, &pextrd_q, kModrmImm8, 1);
  set_prefixed(m3a[0x20], kPrefix66, &pinsrb, kModrmImm8, 1);
  set_prefixed(m3a[0x22], kPrefix66, &pinsrd_q, kModrmImm8, 1);
  set_prefixed(m3a[0x42], kPrefix66, &xmm_imm<simd::mpsadbw>, kModrmImm8, 5);
}

}  // namespace glasspc::simd_ext

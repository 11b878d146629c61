// MMX / SSE2 integer data moves of the 0F map: MOVD/MOVQ between general registers or memory and
// mm/xmm registers, MOVQ/MOVDQA/MOVDQU loads and stores, MOVQ2DQ/MOVDQ2Q, the non-temporal
// stores MOVNTQ/MOVNTDQ/MOVNTI (the hint changes nothing an emulator can observe), and EMMS.
//
// Only MOVDQA and MOVNTDQ require 16-byte alignment (SDM Vol. 2A MOVDQA, Vol. 2B MOVNTDQ); the
// 32/64-bit moves and MOVDQU do not.
#include "cpu/ops_simd_int_common.h"

namespace glasspc::simd_int {
namespace {

// The r/m32 or (REX.W) r/m64 operand of MOVD/MOVQ, zero-extended to 64 bits.
bool read_gpr_rm(X86Cpu& c, const Insn& i, u64& out) {
  if (i.prefixes & pfx::kRexW) return c.read_rm(i, out);
  u32 v;
  if (!c.read_rm(i, v)) return false;
  out = v;
  return true;
}

// Stores the low 32 bits (64 with REX.W) of `v` to r/m; a 32-bit register destination is
// zero-extended (SDM Vol. 1 3.4.1.1).
bool write_gpr_rm(X86Cpu& c, const Insn& i, u64 v) {
  if (i.prefixes & pfx::kRexW) return c.write_rm(i, v);
  return c.write_rm(i, static_cast<u32>(v));
}

// SDM Vol. 2B MOVD/MOVQ mm, r/m32 / r/m64 (NP 0F 6E): the value is zero-extended into mm.
bool movd_to_mm(X86Cpu& c, const Insn& i) {
  MmxEntry saved;
  if (!mmx_enter(c, saved)) return false;
  u64 v;
  if (!read_gpr_rm(c, i, v)) return mmx_abort(c, saved);
  set_mmx_reg(c.s, i.reg, v);
  return true;
}

// SDM Vol. 2B MOVD/MOVQ xmm, r/m32 / r/m64 (66 0F 6E): zero-extended to 128 bits.
bool movd_to_xmm(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  u64 v;
  if (!read_gpr_rm(c, i, v)) return false;
  c.s.xmm[i.reg] = {v, 0};
  return true;
}

// SDM Vol. 2B MOVD/MOVQ r/m32 / r/m64, mm (NP 0F 7E).
bool movd_from_mm(X86Cpu& c, const Insn& i) {
  MmxEntry saved;
  if (!mmx_enter(c, saved)) return false;
  if (!write_gpr_rm(c, i, mmx_reg(c.s, i.reg))) return mmx_abort(c, saved);
  return true;
}

// SDM Vol. 2B MOVD/MOVQ r/m32 / r/m64, xmm (66 0F 7E).
bool movd_from_xmm(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  return write_gpr_rm(c, i, c.s.xmm[i.reg].lo);
}

// SDM Vol. 2B MOVQ xmm1, xmm2/m64 (F3 0F 7E): the upper qword is cleared.
bool movq_load_xmm(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  u64 v;
  if (!read_xmm_rm_low(c, i, v)) return false;
  c.s.xmm[i.reg] = {v, 0};
  return true;
}

// SDM Vol. 2B MOVQ mm, mm/m64 (NP 0F 6F).
bool movq_load_mm(X86Cpu& c, const Insn& i) {
  u64 v;
  if (!mmx_source(c, i, v)) return false;
  set_mmx_reg(c.s, i.reg, v);
  return true;
}

// SDM Vol. 2A MOVDQA / MOVDQU xmm1, xmm2/m128 (66 / F3 0F 6F).
template <bool Aligned>
bool movdq_load(X86Cpu& c, const Insn& i) {
  Vec128 v;
  if (!xmm_source(c, i, v, Aligned)) return false;
  c.s.xmm[i.reg] = v;
  return true;
}

// SDM Vol. 2B MOVQ mm/m64, mm (NP 0F 7F) and MOVNTQ m64, mm (NP 0F E7, memory only).
template <bool MemOnly>
bool movq_store_mm(X86Cpu& c, const Insn& i) {
  if (MemOnly && !i.has_mem()) return c.ud();
  MmxEntry saved;
  if (!mmx_enter(c, saved)) return false;
  const u64 v = mmx_reg(c.s, i.reg);
  if (!i.has_mem()) {
    set_mmx_reg(c.s, i.rm, v);
    return true;
  }
  if (!c.write_mem(i.seg, c.ea(i), v)) return mmx_abort(c, saved);
  return true;
}

// SDM Vol. 2A MOVDQA / MOVDQU xmm2/m128, xmm1 (66 / F3 0F 7F) and SDM Vol. 2B MOVNTDQ m128, xmm
// (66 0F E7, memory only, aligned).
template <bool Aligned, bool MemOnly>
bool movdq_store(X86Cpu& c, const Insn& i) {
  if (MemOnly && !i.has_mem()) return c.ud();
  if (!sse_available(c)) return false;
  if (!i.has_mem()) {
    c.s.xmm[i.rm] = c.s.xmm[i.reg];
    return true;
  }
  return write_m128(c, i, c.s.xmm[i.reg], Aligned);
}

// SDM Vol. 2B MOVQ xmm2/m64, xmm1 (66 0F D6): a register destination's upper qword is cleared.
bool movq_store_xmm(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  const u64 v = c.s.xmm[i.reg].lo;
  if (!i.has_mem()) {
    c.s.xmm[i.rm] = {v, 0};
    return true;
  }
  return c.write_mem(i.seg, c.ea(i), v);
}

// SDM Vol. 2B MOVQ2DQ xmm, mm (F3 0F D6) and MOVDQ2Q mm, xmm (F2 0F D6): register forms only.
// Both are SSE2 instructions that also switch the x87 unit to MMX mode, so they take the SSE
// checks (#UD with CR4.OSFXSR = 0) and then the MMX ones (#MF).
bool movq2dq(X86Cpu& c, const Insn& i) {
  if (i.has_mem()) return c.ud();
  if (!sse_available(c) || !mmx_available(c)) return false;
  c.s.xmm[i.reg] = {mmx_reg(c.s, i.rm), 0};
  return true;
}

bool movdq2q(X86Cpu& c, const Insn& i) {
  if (i.has_mem()) return c.ud();
  if (!sse_available(c) || !mmx_available(c)) return false;
  set_mmx_reg(c.s, i.reg, c.s.xmm[i.rm].lo);
  return true;
}

// SDM Vol. 2A MOVNTI m32/m64, r32/r64 (NP 0F C3): a general-register store; it depends on no
// CR0/CR4 SIMD control bit. The register form is #UD.
bool movnti(X86Cpu& c, const Insn& i) {
  if (!i.has_mem()) return c.ud();
  if (i.prefixes & pfx::kRexW) return c.write_mem(i.seg, c.ea(i), c.s.gpr[i.reg]);
  return c.write_mem(i.seg, c.ea(i), static_cast<u32>(c.s.gpr[i.reg]));
}

// SDM Vol. 2A EMMS (NP 0F 77): the MMX checks (#UD with CR0.EM, #NM with CR0.TS, #MF with a
// pending x87 exception), then every x87 register is tagged empty. TOP becomes 0 as for every
// MMX instruction (SDM Vol. 1 9.5.1; hardware agrees, see tests/cpu/simd_int_insn_test.cpp).
bool emms(X86Cpu& c, const Insn&) {
  if (!mmx_available(c)) return false;
  c.s.x87.ftw = 0;
  return true;
}

}  // namespace

void register_moves(OpcodeTable& t) {
  constexpr u32 kM = opf::kModrm;
  set_sse(t, 0x6e, kPrefixNone, &movd_to_mm, kM);
  set_sse(t, 0x6e, kPrefix66, &movd_to_xmm, kM);
  set_sse(t, 0x7e, kPrefixNone, &movd_from_mm, kM);
  set_sse(t, 0x7e, kPrefix66, &movd_from_xmm, kM);
  set_sse(t, 0x7e, kPrefixF3, &movq_load_xmm, kM);

  set_sse(t, 0x6f, kPrefixNone, &movq_load_mm, kM);
  set_sse(t, 0x6f, kPrefix66, &movdq_load<true>, kM);
  set_sse(t, 0x6f, kPrefixF3, &movdq_load<false>, kM);
  set_sse(t, 0x7f, kPrefixNone, &movq_store_mm<false>, kM);
  set_sse(t, 0x7f, kPrefix66, &movdq_store<true, false>, kM);
  set_sse(t, 0x7f, kPrefixF3, &movdq_store<false, false>, kM);

  set_sse(t, 0xd6, kPrefix66, &movq_store_xmm, kM);
  set_sse(t, 0xd6, kPrefixF3, &movq2dq, kM);
  set_sse(t, 0xd6, kPrefixF2, &movdq2q, kM);

  set_sse(t, 0xe7, kPrefixNone, &movq_store_mm<true>, kM);
  set_sse(t, 0xe7, kPrefix66, &movdq_store<true, true>, kM);
  set_sse(t, 0xc3, kPrefixNone, &movnti, kM);

  set_sse(t, 0x77, kPrefixNone, &emms, 0);
}

}  // namespace glasspc::simd_int

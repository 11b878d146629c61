// MMX / SSE2 instructions that move single elements or per-byte masks between the SIMD
// registers and general registers or memory: PINSRW, PEXTRW, PMOVMSKB, MASKMOVQ, MASKMOVDQU.
#include "cpu/ops_simd_int_common.h"

namespace glasspc::simd_int {
namespace {

// The r32/m16 source of PINSRW: the low word of a general register, or a word of memory.
bool read_word_rm(X86Cpu& c, const Insn& i, u32& out) {
  if (!i.has_mem()) {
    out = static_cast<u16>(c.s.gpr[i.rm]);
    return true;
  }
  u16 v;
  if (!c.read_mem(i.seg, c.ea(i), v)) return false;
  out = v;
  return true;
}

// SDM Vol. 2B PINSRW mm, r32/m16, imm8 (NP 0F C4): word imm8[1:0].
bool pinsrw_mm(X86Cpu& c, const Insn& i) {
  MmxEntry saved;
  if (!mmx_enter(c, saved)) return false;
  u32 v;
  if (!read_word_rm(c, i, v)) return mmx_abort(c, saved);
  set_mmx_reg(c.s, i.reg, simd::pinsrw(mmx_reg(c.s, i.reg), v, static_cast<u8>(i.imm)));
  return true;
}

// SDM Vol. 2B PINSRW xmm, r32/m16, imm8 (66 0F C4): word imm8[2:0]; no alignment (class 5).
bool pinsrw_xmm(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  u32 v;
  if (!read_word_rm(c, i, v)) return false;
  c.s.xmm[i.reg] = simd::pinsrw(c.s.xmm[i.reg], v, static_cast<u8>(i.imm));
  return true;
}

// SDM Vol. 2B PEXTRW r32/r64, mm, imm8 (NP 0F C5): register form only; the word is
// zero-extended into the whole general register.
bool pextrw_mm(X86Cpu& c, const Insn& i) {
  if (i.has_mem()) return c.ud();
  if (!mmx_available(c)) return false;
  c.set_reg<u32>(i, i.reg, simd::pextrw(mmx_reg(c.s, i.rm), static_cast<u8>(i.imm)));
  return true;
}

// SDM Vol. 2B PEXTRW r32/r64, xmm, imm8 (66 0F C5).
bool pextrw_xmm(X86Cpu& c, const Insn& i) {
  if (i.has_mem()) return c.ud();
  if (!sse_available(c)) return false;
  c.set_reg<u32>(i, i.reg, simd::pextrw(c.s.xmm[i.rm], static_cast<u8>(i.imm)));
  return true;
}

// SDM Vol. 2B PMOVMSKB r32/r64, mm / xmm (0F D7): register form only, zero-extended.
bool pmovmskb_mm(X86Cpu& c, const Insn& i) {
  if (i.has_mem()) return c.ud();
  if (!mmx_available(c)) return false;
  c.set_reg<u32>(i, i.reg, simd::pmovmskb(mmx_reg(c.s, i.rm)));
  return true;
}

bool pmovmskb_xmm(X86Cpu& c, const Insn& i) {
  if (i.has_mem()) return c.ud();
  if (!sse_available(c)) return false;
  c.set_reg<u32>(i, i.reg, simd::pmovmskb(c.s.xmm[i.rm]));
  return true;
}

// The store of MASKMOVQ/MASKMOVDQU (SDM Vol. 2B): the destination is DS:rDI (rDI sized by the
// address size; a segment override replaces DS). The access is checked as a write of all `size`
// bytes (segment limit, canonical form, page permissions), then only the bytes whose bit is set
// in `select` are written, one by one, so that unselected bytes are never touched (they may be
// MMIO or belong to another vCPU's data).
bool masked_store(X86Cpu& c, const Insn& i, unsigned size, u32 select, const u8* data) {
  u64 linear;
  const u64 offset = c.get_areg(kRdi, i.adsize);
  if (!c.linearize(i.seg, offset, size, Access::Write, linear)) return false;
  const unsigned key = c.access_key();
  if (!c.probe_write(linear, size, key)) return false;
  const u64 wrap = c.code64() ? ~u64{0} : 0xffffffffu;
  for (unsigned k = 0; k < size; ++k) {
    if (!((select >> k) & 1u)) continue;
    if (!c.write_linear((linear + k) & wrap, data[k], key)) return false;
  }
  return true;
}

// SDM Vol. 2B MASKMOVQ mm1, mm2 (NP 0F F7): bytes of mm1 where mm2's byte has bit 7 set.
bool maskmovq(X86Cpu& c, const Insn& i) {
  if (i.has_mem()) return c.ud();
  MmxEntry saved;
  if (!mmx_enter(c, saved)) return false;
  const u64 data = mmx_reg(c.s, i.reg);
  u8 bytes[8];
  for (unsigned k = 0; k < 8; ++k) bytes[k] = static_cast<u8>(data >> (8 * k));
  const u32 select = simd::maskmov_byte_mask(mmx_reg(c.s, i.rm));
  if (!masked_store(c, i, 8, select, bytes)) return mmx_abort(c, saved);
  return true;
}

// SDM Vol. 2B MASKMOVDQU xmm1, xmm2 (66 0F F7): no alignment requirement.
bool maskmovdqu(X86Cpu& c, const Insn& i) {
  if (i.has_mem()) return c.ud();
  if (!sse_available(c)) return false;
  const Vec128 data = c.s.xmm[i.reg];
  u8 bytes[16];
  for (unsigned k = 0; k < 16; ++k) bytes[k] = data.byte(k);
  return masked_store(c, i, 16, simd::maskmov_byte_mask(c.s.xmm[i.rm]), bytes);
}

}  // namespace

void register_element_ops(OpcodeTable& t) {
  constexpr u32 kModrmImm8 = opf::kModrm | opf::kImm8;
  set_mmx_xmm(t, 0xc4, &pinsrw_mm, &pinsrw_xmm, kModrmImm8, 1);
  set_mmx_xmm(t, 0xc5, &pextrw_mm, &pextrw_xmm, kModrmImm8, 1);
  set_mmx_xmm(t, 0xd7, &pmovmskb_mm, &pmovmskb_xmm, opf::kModrm, 1);
  set_mmx_xmm(t, 0xf7, &maskmovq, &maskmovdqu, opf::kModrm, 2);
}

}  // namespace glasspc::simd_int

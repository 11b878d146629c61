// Shared operand plumbing of the MMX and SSE2 integer handlers of the 0F opcode map
// (cpu/ops_simd_int*.cpp). Lane arithmetic is glasspc::simd (cpu/simd/simd.h); this header only
// decides availability, reads sources, and writes destinations, in that order, so that a fault
// leaves the architectural state as it was (SDM Vol. 3A 6.5: a fault is restartable).
//
// Columns (SDM Vol. 2A 3.1.1.1): NP = the MMX form on mm registers with m64 operands that need
// no alignment; 66 = the SSE2 form on xmm registers, whose 128-bit memory operands must be
// 16-byte aligned (exception class 4, SDM Vol. 2A 2.5 Table 2-21) unless the instruction says
// otherwise (MOVDQU, MOVD/MOVQ, MASKMOVDQU).
#pragma once

#include "cpu/decoder.h"
#include "cpu/simd/simd.h"
#include "cpu/simd_support.h"

namespace glasspc::simd_int {

using simd::Vec128;
using MmxBinary = u64 (*)(u64, u64);
using XmmBinary = Vec128 (*)(Vec128, Vec128);

// Registration functions of the individual files.
void register_lane_arith(OpcodeTable& t);   // ops_simd_int_arith.cpp: lane arithmetic and logic
void register_lane_shifts(OpcodeTable& t);  // ops_simd_int_shift.cpp: shifts and shuffles
void register_moves(OpcodeTable& t);        // ops_simd_int_move.cpp: moves, stores, EMMS
void register_element_ops(OpcodeTable& t);  // ops_simd_int_element.cpp: PINSRW/PEXTRW/PMOVMSKB/
                                            // MASKMOVQ/MASKMOVDQU

// The x87 words that entering MMX mode changes. mmx_available() sets TOP = 0 and every tag
// valid (SDM Vol. 1 9.5.1) before an instruction touches memory; a later memory fault must undo
// that so the faulting instruction has no effect.
struct MmxEntry {
  u16 fsw = 0;
  u8 ftw = 0;
};

inline bool mmx_enter(X86Cpu& c, MmxEntry& saved) {
  saved = {c.s.x87.fsw, c.s.x87.ftw};
  return mmx_available(c);
}

// Restores the x87 words after a memory fault; returns false (the exception stays pending).
inline bool mmx_abort(X86Cpu& c, const MmxEntry& saved) {
  c.s.x87.fsw = saved.fsw;
  c.s.x87.ftw = saved.ftw;
  return false;
}

// Availability plus the mm/m64 source (ModRM.rm).
inline bool mmx_source(X86Cpu& c, const Insn& i, u64& out) {
  MmxEntry saved;
  if (!mmx_enter(c, saved)) return false;
  if (!read_mmx_rm(c, i, out)) return mmx_abort(c, saved);
  return true;
}

// Availability plus the xmm/m128 source; `aligned` selects the class-4 alignment rule.
inline bool xmm_source(X86Cpu& c, const Insn& i, Vec128& out, bool aligned = true) {
  if (!sse_available(c)) return false;
  return read_xmm_rm(c, i, out, aligned);
}

// mm1 = F(mm1, mm2/m64).
template <MmxBinary F>
bool mmx_binary(X86Cpu& c, const Insn& i) {
  u64 src;
  if (!mmx_source(c, i, src)) return false;
  set_mmx_reg(c.s, i.reg, F(mmx_reg(c.s, i.reg), src));
  return true;
}

// xmm1 = F(xmm1, xmm2/m128), m128 aligned.
template <XmmBinary F>
bool xmm_binary(X86Cpu& c, const Insn& i) {
  Vec128 src;
  if (!xmm_source(c, i, src)) return false;
  c.s.xmm[i.reg] = F(c.s.xmm[i.reg], src);
  return true;
}

// Registers the MMX form (NP column) and the SSE2 form (66 column) of one 0F xx opcode.
inline void set_mmx_xmm(OpcodeTable& t, u8 opcode, Handler mmx, Handler xmm, u32 flags, u8 cycles) {
  set_sse(t, opcode, kPrefixNone, mmx, flags, cycles);
  set_sse(t, opcode, kPrefix66, xmm, flags, cycles);
}

// The usual pair: one lane operation in both register files.
template <MmxBinary M, XmmBinary X>
void set_binary(OpcodeTable& t, u8 opcode, u8 cycles = 1) {
  set_mmx_xmm(t, opcode, &mmx_binary<M>, &xmm_binary<X>, opf::kModrm, cycles);
}

}  // namespace glasspc::simd_int

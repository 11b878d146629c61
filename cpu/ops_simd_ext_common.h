// Shared operand plumbing for the handlers of the three-byte opcode maps 0F 38 and 0F 3A
// (cpu/ops_simd_ext*.cpp): SSSE3, SSE4.1/4.2 integer, AES-NI, PCLMULQDQ and CRC32.
//
// Every handler follows the same order, so that a fault leaves the architectural state as it was
// (SDM Vol. 3A 6.5 "faults ... the instruction is restarted"): availability checks (#UD, #NM,
// #MF), then every source read (#GP, #SS, #PF, misalignment #GP(0)), then the destination
// writes. The legacy-SSE forms with a 128-bit memory operand belong to exception class 4 (SDM
// Vol. 2A 2.5 "Exception Classifications"), which requires 16-byte alignment, as does MOVNTDQA
// (class 1); the partial-width reads and writes of class 5 (PMOVSX/PMOVZX, PINSR/PEXTR) and the
// 64-bit MMX operands do not.
#pragma once

#include "cpu/decoder.h"
#include "cpu/simd_support.h"

namespace glasspc::simd_ext {

// Registration functions of the individual files (cpu/ops_simd_ext_*.cpp).
void register_ssse3_ops(OpcodeTable& t);   // 0F38 00-0B, 1C-1E; 0F3A 0F
void register_sse41_ops(OpcodeTable& t);   // SSE4.1 integer entries of both maps
void register_sse42_ops(OpcodeTable& t);   // PCMPGTQ, PCMPxSTRx, CRC32
void register_crypto_ops(OpcodeTable& t);  // AES-NI, PCLMULQDQ

using Vec128 = simd::Vec128;
using XmmBinary = Vec128 (*)(Vec128, Vec128);
using XmmUnary = Vec128 (*)(Vec128);
using XmmImm = Vec128 (*)(Vec128, Vec128, u8);
using MmxBinary = u64 (*)(u64, u64);
using MmxUnary = u64 (*)(u64);

// Flags of the 0F 3A entries: ModRM and one immediate byte.
constexpr u32 kModrmImm8 = opf::kModrm | opf::kImm8;

// xmm1 = F(xmm1, xmm2/m128); the memory source must be 16-byte aligned (class 4).
template <XmmBinary F>
bool xmm_binary(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  c.s.xmm[i.reg] = F(c.s.xmm[i.reg], src);
  return true;
}

// xmm1 = F(xmm2/m128).
template <XmmUnary F>
bool xmm_unary(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  c.s.xmm[i.reg] = F(src);
  return true;
}

// xmm1 = F(xmm1, xmm2/m128, imm8).
template <XmmImm F>
bool xmm_imm(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  c.s.xmm[i.reg] = F(c.s.xmm[i.reg], src, static_cast<u8>(i.imm));
  return true;
}

// The MMX-register forms (NP column): checks availability and reads mm2/m64. mmx_available()
// switches the x87 unit to MMX mode (TOP = 0, all tags valid, SDM Vol. 1 9.5.1) before the memory
// operand is read; when that read faults the switch is undone so that the faulting instruction
// has no effect at all. Returns false (exception pending) on a fault.
inline bool read_mmx_source(X86Cpu& c, const Insn& i, u64& out) {
  const u16 fsw = c.s.x87.fsw;
  const u8 ftw = c.s.x87.ftw;
  if (!mmx_available(c)) return false;
  if (read_mmx_rm(c, i, out)) return true;
  c.s.x87.fsw = fsw;
  c.s.x87.ftw = ftw;
  return false;
}

// mm1 = F(mm1, mm2/m64).
template <MmxBinary F>
bool mmx_binary(X86Cpu& c, const Insn& i) {
  u64 src;
  if (!read_mmx_source(c, i, src)) return false;
  set_mmx_reg(c.s, i.reg, F(mmx_reg(c.s, i.reg), src));
  return true;
}

// mm1 = F(mm2/m64).
template <MmxUnary F>
bool mmx_unary(X86Cpu& c, const Insn& i) {
  u64 src;
  if (!read_mmx_source(c, i, src)) return false;
  set_mmx_reg(c.s, i.reg, F(src));
  return true;
}

// Registers an SSSE3-style pair: the MMX form in the NP column, the XMM form in the 66 column.
inline void set_mmx_xmm(std::array<OpcodeInfo, 4>& row, Handler mmx, Handler xmm, u32 flags,
                        u8 cycles) {
  set_prefixed(row, kPrefixNone, mmx, flags, cycles);
  set_prefixed(row, kPrefix66, xmm, flags, cycles);
}

}  // namespace glasspc::simd_ext

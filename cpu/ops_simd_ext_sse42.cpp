// SSE4.2 (SDM Vol. 2A CRC32, Vol. 2B PCMPGTQ, PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM).
#include "cpu/ops_simd_ext_common.h"
#include "cpu/simd/simd.h"

namespace glasspc::simd_ext {
namespace {

// The packed string compares report through CF, ZF, SF and OF and clear AF and PF (SDM Vol. 2B
// 4.1 and PCMPESTRI "Flags Affected"). Unlike the other class-4 instructions their legacy-SSE
// m128 operand need not be 16-byte aligned (SDM Vol. 2A 2.5, the note on the string compares;
// hardware agrees, see tests/cpu/simd_ext_fault_test.cpp).
bool string_source(X86Cpu& c, const Insn& i, Vec128& src) {
  if (!sse_available(c)) return false;
  return read_xmm_rm(c, i, src, false);
}

// Explicit lengths: EAX/EDX sign-extended, or all of RAX/RDX with REX.W (SDM Vol. 2B 4.1.2).
i64 length_register(const X86Cpu& c, const Insn& i, unsigned r) {
  if (i.prefixes & pfx::kRexW) return static_cast<i64>(c.s.gpr[r]);
  return static_cast<i32>(c.s.gpr[r]);
}

// SDM Vol. 2B PCMPESTRI (66 0F 3A 61): the index goes to ECX (zero-extended into RCX).
bool pcmpestri(X86Cpu& c, const Insn& i) {
  Vec128 src;
  if (!string_source(c, i, src)) return false;
  const simd::StringIndexResult r =
      simd::pcmpestri(c.s.xmm[i.reg], length_register(c, i, kRax), src, length_register(c, i, kRdx),
                      static_cast<u8>(i.imm));
  c.s.gpr[kRcx] = r.index;
  c.set_arith_flags(flag::kArith, r.flags);
  return true;
}

// SDM Vol. 2B PCMPESTRM (66 0F 3A 60): the mask goes to XMM0.
bool pcmpestrm(X86Cpu& c, const Insn& i) {
  Vec128 src;
  if (!string_source(c, i, src)) return false;
  const simd::StringMaskResult r =
      simd::pcmpestrm(c.s.xmm[i.reg], length_register(c, i, kRax), src, length_register(c, i, kRdx),
                      static_cast<u8>(i.imm));
  c.s.xmm[0] = r.mask;
  c.set_arith_flags(flag::kArith, r.flags);
  return true;
}

// SDM Vol. 2B PCMPISTRI (66 0F 3A 63).
bool pcmpistri(X86Cpu& c, const Insn& i) {
  Vec128 src;
  if (!string_source(c, i, src)) return false;
  const simd::StringIndexResult r = simd::pcmpistri(c.s.xmm[i.reg], src, static_cast<u8>(i.imm));
  c.s.gpr[kRcx] = r.index;
  c.set_arith_flags(flag::kArith, r.flags);
  return true;
}

// SDM Vol. 2B PCMPISTRM (66 0F 3A 62).
bool pcmpistrm(X86Cpu& c, const Insn& i) {
  Vec128 src;
  if (!string_source(c, i, src)) return false;
  const simd::StringMaskResult r = simd::pcmpistrm(c.s.xmm[i.reg], src, static_cast<u8>(i.imm));
  c.s.xmm[0] = r.mask;
  c.set_arith_flags(flag::kArith, r.flags);
  return true;
}

// SDM Vol. 2A CRC32 (F2 0F 38 F0 /r: r/m8; F2 0F 38 F1 /r: r/m16 with 66, r/m32, r/m64 with
// REX.W). A general-purpose instruction: no CR0/CR4 checks, flags unchanged. The accumulator is
// the low 32 bits of the destination; the result is zero-extended into r32 or r64 (REX.W).
template <typename T>
bool crc32(X86Cpu& c, const Insn& i) {
  T data;
  if (!c.read_rm(i, data)) return false;
  const u32 acc = static_cast<u32>(c.s.gpr[i.reg]);
  u32 r;
  if constexpr (sizeof(T) == 1) {
    r = simd::crc32c_u8(acc, data);
  } else if constexpr (sizeof(T) == 2) {
    r = simd::crc32c_u16(acc, data);
  } else if constexpr (sizeof(T) == 4) {
    r = simd::crc32c_u32(acc, data);
  } else {
    r = simd::crc32c_u64(acc, data);
  }
  c.s.gpr[i.reg] = r;  // writing r32 or r64 zero-extends (SDM Vol. 1 3.4.1.1)
  return true;
}

}  // namespace

void register_sse42_ops(OpcodeTable& t) {
  set_prefixed(t.map_0f38[0x37], kPrefix66, &xmm_binary<simd::pcmpgtq>, opf::kModrm, 3);

  set_prefixed(t.map_0f3a[0x60], kPrefix66, &pcmpestrm, kModrmImm8, 8);
  set_prefixed(t.map_0f3a[0x61], kPrefix66, &pcmpestri, kModrmImm8, 8);
  set_prefixed(t.map_0f3a[0x62], kPrefix66, &pcmpistrm, kModrmImm8, 8);
  set_prefixed(t.map_0f3a[0x63], kPrefix66, &pcmpistri, kModrmImm8, 8);

  // The byte form ignores the operand size; the F1 form takes it from 66/REX.W, which the decoder
  // keeps as operand-size prefixes in the F2 column (only a 66 column consumes the 66).
  set_prefixed(t.map_0f38[0xf0], kPrefixF2, &crc32<u8>, opf::kModrm | opf::kByte, 3);
  OpcodeInfo& f1 = t.map_0f38[0xf1][kPrefixF2];
  f1.h = {&crc32<u16>, &crc32<u32>, &crc32<u64>};
  f1.flags = opf::kModrm;
  f1.cycles = 3;
}

}  // namespace glasspc::simd_ext

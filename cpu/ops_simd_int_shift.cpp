// MMX / SSE2 lane shifts (PSLLW/D/Q, PSRLW/D/Q, PSRAW/D, PSLLDQ/PSRLDQ) and word/dword shuffles
// (PSHUFW, PSHUFD, PSHUFHW, PSHUFLW) of the 0F map.
//
// SDM Vol. 2B PSLLW/PSRLW/PSRAW: the count operand of the register/memory forms is the whole
// 64-bit mm/m64 value, or the low qword of xmm/m128 (the m128 read is still a full, aligned
// 16-byte access); it is not masked, so a count above the lane width clears the lane (or fills it
// with its sign). The immediate forms are the groups 0F 71/72/73 (SDM Vol. 2A Table A-6, groups
// 12-14): ModRM.reg selects the operation, ModRM.rm names the register, and a memory form or an
// unlisted ModRM.reg is #UD.
#include "cpu/ops_simd_int_common.h"

namespace glasspc::simd_int {
namespace {

using MmxShift = u64 (*)(u64, u64);
using XmmShift = Vec128 (*)(Vec128, u64);

// xmm1 = F(xmm1, count) with the count in the low qword of xmm2/m128.
template <XmmShift F>
Vec128 by_low_qword(Vec128 a, Vec128 count) {
  return F(a, count.lo);
}

// SDM Vol. 2B PSRLDQ/PSLLDQ take a byte count; any count above 15 clears the register.
Vec128 psrldq_imm(Vec128 a, u64 bytes) {
  return simd::psrldq(a, static_cast<u8>(bytes));
}
Vec128 pslldq_imm(Vec128 a, u64 bytes) {
  return simd::pslldq(a, static_cast<u8>(bytes));
}

// Groups 12 (0F 71), 13 (0F 72) and 14 (0F 73) by ModRM.reg; null entries are #UD.
constexpr MmxShift kMmxGroups[3][8] = {
    {nullptr, nullptr, simd::psrlw, nullptr, simd::psraw, nullptr, simd::psllw, nullptr},
    {nullptr, nullptr, simd::psrld, nullptr, simd::psrad, nullptr, simd::pslld, nullptr},
    {nullptr, nullptr, simd::psrlq, nullptr, nullptr, nullptr, simd::psllq, nullptr},
};
constexpr XmmShift kXmmGroups[3][8] = {
    {nullptr, nullptr, simd::psrlw, nullptr, simd::psraw, nullptr, simd::psllw, nullptr},
    {nullptr, nullptr, simd::psrld, nullptr, simd::psrad, nullptr, simd::pslld, nullptr},
    {nullptr, nullptr, simd::psrlq, psrldq_imm, nullptr, nullptr, simd::psllq, pslldq_imm},
};

// mm = op(mm, imm8): 0F 71/72/73 /digit ib, register form only.
template <unsigned Group>
bool mmx_shift_imm(X86Cpu& c, const Insn& i) {
  const MmxShift f = kMmxGroups[Group][i.reg & 7];
  if (!f || i.has_mem()) return c.ud();
  if (!mmx_available(c)) return false;
  set_mmx_reg(c.s, i.rm, f(mmx_reg(c.s, i.rm), i.imm));
  return true;
}

// xmm = op(xmm, imm8): 66 0F 71/72/73 /digit ib, register form only.
template <unsigned Group>
bool xmm_shift_imm(X86Cpu& c, const Insn& i) {
  const XmmShift f = kXmmGroups[Group][i.reg & 7];
  if (!f || i.has_mem()) return c.ud();
  if (!sse_available(c)) return false;
  c.s.xmm[i.rm] = f(c.s.xmm[i.rm], i.imm);
  return true;
}

// SDM Vol. 2B PSHUFW mm1, mm2/m64, imm8.
bool pshufw(X86Cpu& c, const Insn& i) {
  u64 src;
  if (!mmx_source(c, i, src)) return false;
  set_mmx_reg(c.s, i.reg, simd::pshufw(src, static_cast<u8>(i.imm)));
  return true;
}

// SDM Vol. 2B PSHUFD / PSHUFHW / PSHUFLW xmm1, xmm2/m128, imm8.
template <Vec128 (*F)(Vec128, u8)>
bool xmm_shuffle(X86Cpu& c, const Insn& i) {
  Vec128 src;
  if (!xmm_source(c, i, src)) return false;
  c.s.xmm[i.reg] = F(src, static_cast<u8>(i.imm));
  return true;
}

// One shift-by-operand opcode in both forms.
template <MmxShift M, XmmShift X>
void set_shift(OpcodeTable& t, u8 opcode) {
  set_mmx_xmm(t, opcode, &mmx_binary<M>, &xmm_binary<by_low_qword<X>>, opf::kModrm, 1);
}

template <unsigned Group>
void set_group(OpcodeTable& t, u8 opcode) {
  set_mmx_xmm(t, opcode, &mmx_shift_imm<Group>, &xmm_shift_imm<Group>, opf::kModrm | opf::kImm8, 1);
}

}  // namespace

void register_lane_shifts(OpcodeTable& t) {
  constexpr u32 kModrmImm8 = opf::kModrm | opf::kImm8;
  set_sse(t, 0x70, kPrefixNone, &pshufw, kModrmImm8);
  set_sse(t, 0x70, kPrefix66, &xmm_shuffle<simd::pshufd>, kModrmImm8);
  set_sse(t, 0x70, kPrefixF3, &xmm_shuffle<simd::pshufhw>, kModrmImm8);
  set_sse(t, 0x70, kPrefixF2, &xmm_shuffle<simd::pshuflw>, kModrmImm8);

  set_group<0>(t, 0x71);
  set_group<1>(t, 0x72);
  set_group<2>(t, 0x73);

  set_shift<simd::psrlw, simd::psrlw>(t, 0xd1);
  set_shift<simd::psrld, simd::psrld>(t, 0xd2);
  set_shift<simd::psrlq, simd::psrlq>(t, 0xd3);
  set_shift<simd::psraw, simd::psraw>(t, 0xe1);
  set_shift<simd::psrad, simd::psrad>(t, 0xe2);
  set_shift<simd::psllw, simd::psllw>(t, 0xf1);
  set_shift<simd::pslld, simd::pslld>(t, 0xf2);
  set_shift<simd::psllq, simd::psllq>(t, 0xf3);
}

}  // namespace glasspc::simd_int

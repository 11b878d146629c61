// SSSE3 (SDM Vol. 2B PSHUFB, PHADDW/PHADDD/PHADDSW, PMADDUBSW, PHSUBW/PHSUBD/PHSUBSW,
// PSIGNB/W/D, PMULHRSW, PABSB/W/D, PALIGNR): every instruction has an MMX form (NP 0F 38 xx /
// NP 0F 3A 0F, mm registers, m64 without alignment) and an XMM form (66 prefix, m128 aligned).
#include "cpu/ops_simd_ext_common.h"
#include "cpu/simd/simd.h"

namespace glasspc::simd_ext {
namespace {

// SDM Vol. 2B PALIGNR (MMX form): mm1 = (mm1:mm2/m64) >> 8*imm8, low 64 bits.
bool palignr_mmx(X86Cpu& c, const Insn& i) {
  u64 src;
  if (!read_mmx_source(c, i, src)) return false;
  set_mmx_reg(c.s, i.reg, simd::palignr(mmx_reg(c.s, i.reg), src, static_cast<u8>(i.imm)));
  return true;
}

// One binary SSSE3 operation in both forms.
template <MmxBinary M, XmmBinary X>
void set_binary(OpcodeTable& t, u8 op, u8 cycles) {
  set_mmx_xmm(t.map_0f38[op], &mmx_binary<M>, &xmm_binary<X>, opf::kModrm, cycles);
}
template <MmxUnary M, XmmUnary X>
void set_unary(OpcodeTable& t, u8 op) {
  set_mmx_xmm(t.map_0f38[op], &mmx_unary<M>, &xmm_unary<X>, opf::kModrm, 1);
}

}  // namespace

void register_ssse3_ops(OpcodeTable& t) {
  set_binary<simd::pshufb, simd::pshufb>(t, 0x00, 1);
  set_binary<simd::phaddw<u64>, simd::phaddw<Vec128>>(t, 0x01, 2);
  set_binary<simd::phaddd<u64>, simd::phaddd<Vec128>>(t, 0x02, 2);
  set_binary<simd::phaddsw<u64>, simd::phaddsw<Vec128>>(t, 0x03, 2);
  set_binary<simd::pmaddubsw<u64>, simd::pmaddubsw<Vec128>>(t, 0x04, 4);
  set_binary<simd::phsubw<u64>, simd::phsubw<Vec128>>(t, 0x05, 2);
  set_binary<simd::phsubd<u64>, simd::phsubd<Vec128>>(t, 0x06, 2);
  set_binary<simd::phsubsw<u64>, simd::phsubsw<Vec128>>(t, 0x07, 2);
  set_binary<simd::psignb<u64>, simd::psignb<Vec128>>(t, 0x08, 1);
  set_binary<simd::psignw<u64>, simd::psignw<Vec128>>(t, 0x09, 1);
  set_binary<simd::psignd<u64>, simd::psignd<Vec128>>(t, 0x0a, 1);
  set_binary<simd::pmulhrsw<u64>, simd::pmulhrsw<Vec128>>(t, 0x0b, 4);
  set_unary<simd::pabsb<u64>, simd::pabsb<Vec128>>(t, 0x1c);
  set_unary<simd::pabsw<u64>, simd::pabsw<Vec128>>(t, 0x1d);
  set_unary<simd::pabsd<u64>, simd::pabsd<Vec128>>(t, 0x1e);
  set_mmx_xmm(t.map_0f3a[0x0f], &palignr_mmx, &xmm_imm<simd::palignr>, kModrmImm8, 1);
}

}  // namespace glasspc::simd_ext

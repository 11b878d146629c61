// MMX / SSE2 lane arithmetic, comparison, logic, pack and unpack instructions of the 0F map.
// Every one is dest = F(dest, src) on mm (NP column) or xmm (66 column) registers; the lane
// semantics are glasspc::simd, cited there per instruction (SDM Vol. 2B PADDB ... PXOR).
#include "cpu/ops_simd_int_common.h"

namespace glasspc::simd_int {

void register_lane_arith(OpcodeTable& t) {
  using simd::Vec128;
  // SDM Vol. 2B PUNPCKLBW/WD/DQ, PACKSSWB, PCMPGTB/W/D, PACKUSWB, PUNPCKHBW/WD/DQ, PACKSSDW.
  set_binary<simd::punpcklbw, simd::punpcklbw>(t, 0x60);
  set_binary<simd::punpcklwd, simd::punpcklwd>(t, 0x61);
  set_binary<simd::punpckldq, simd::punpckldq>(t, 0x62);
  set_binary<simd::packsswb, simd::packsswb>(t, 0x63);
  set_binary<simd::pcmpgtb<u64>, simd::pcmpgtb<Vec128>>(t, 0x64);
  set_binary<simd::pcmpgtw<u64>, simd::pcmpgtw<Vec128>>(t, 0x65);
  set_binary<simd::pcmpgtd<u64>, simd::pcmpgtd<Vec128>>(t, 0x66);
  set_binary<simd::packuswb, simd::packuswb>(t, 0x67);
  set_binary<simd::punpckhbw, simd::punpckhbw>(t, 0x68);
  set_binary<simd::punpckhwd, simd::punpckhwd>(t, 0x69);
  set_binary<simd::punpckhdq, simd::punpckhdq>(t, 0x6a);
  set_binary<simd::packssdw, simd::packssdw>(t, 0x6b);
  // SDM Vol. 2B PUNPCKLQDQ/PUNPCKHQDQ exist only in the SSE2 form.
  set_sse(t, 0x6c, kPrefix66, &xmm_binary<simd::punpcklqdq>, opf::kModrm);
  set_sse(t, 0x6d, kPrefix66, &xmm_binary<simd::punpckhqdq>, opf::kModrm);

  // SDM Vol. 2B PCMPEQB/W/D.
  set_binary<simd::pcmpeqb<u64>, simd::pcmpeqb<Vec128>>(t, 0x74);
  set_binary<simd::pcmpeqw<u64>, simd::pcmpeqw<Vec128>>(t, 0x75);
  set_binary<simd::pcmpeqd<u64>, simd::pcmpeqd<Vec128>>(t, 0x76);

  // SDM Vol. 2B PADDQ, PMULLW (the MMX form of PADDQ is an SSE2 addition).
  set_binary<simd::paddq, simd::paddq>(t, 0xd4);
  set_binary<simd::pmullw<u64>, simd::pmullw<Vec128>>(t, 0xd5, 3);
  // SDM Vol. 2B PSUBUSB/W, PMINUB, PAND, PADDUSB/W, PMAXUB, PANDN.
  set_binary<simd::psubusb, simd::psubusb>(t, 0xd8);
  set_binary<simd::psubusw, simd::psubusw>(t, 0xd9);
  set_binary<simd::pminub<u64>, simd::pminub<Vec128>>(t, 0xda);
  set_binary<simd::pand, simd::pand>(t, 0xdb);
  set_binary<simd::paddusb, simd::paddusb>(t, 0xdc);
  set_binary<simd::paddusw, simd::paddusw>(t, 0xdd);
  set_binary<simd::pmaxub<u64>, simd::pmaxub<Vec128>>(t, 0xde);
  set_binary<simd::pandn, simd::pandn>(t, 0xdf);

  // SDM Vol. 2B PAVGB, PAVGW, PMULHUW, PMULHW (E1/E2 are shifts, ops_simd_int_shift.cpp).
  set_binary<simd::pavgb, simd::pavgb>(t, 0xe0);
  set_binary<simd::pavgw, simd::pavgw>(t, 0xe3);
  set_binary<simd::pmulhuw<u64>, simd::pmulhuw<Vec128>>(t, 0xe4, 3);
  set_binary<simd::pmulhw<u64>, simd::pmulhw<Vec128>>(t, 0xe5, 3);
  // SDM Vol. 2B PSUBSB/W, PMINSW, POR, PADDSB/W, PMAXSW, PXOR.
  set_binary<simd::psubsb, simd::psubsb>(t, 0xe8);
  set_binary<simd::psubsw, simd::psubsw>(t, 0xe9);
  set_binary<simd::pminsw<u64>, simd::pminsw<Vec128>>(t, 0xea);
  set_binary<simd::por, simd::por>(t, 0xeb);
  set_binary<simd::paddsb, simd::paddsb>(t, 0xec);
  set_binary<simd::paddsw, simd::paddsw>(t, 0xed);
  set_binary<simd::pmaxsw<u64>, simd::pmaxsw<Vec128>>(t, 0xee);
  set_binary<simd::pxor, simd::pxor>(t, 0xef);

  // SDM Vol. 2B PMULUDQ, PMADDWD, PSADBW (F1-F3 are shifts).
  set_binary<simd::pmuludq, simd::pmuludq>(t, 0xf4, 3);
  set_binary<simd::pmaddwd<u64>, simd::pmaddwd<Vec128>>(t, 0xf5, 3);
  set_binary<simd::psadbw, simd::psadbw>(t, 0xf6, 3);
  // SDM Vol. 2B PSUBB/W/D/Q, PADDB/W/D.
  set_binary<simd::psubb, simd::psubb>(t, 0xf8);
  set_binary<simd::psubw, simd::psubw>(t, 0xf9);
  set_binary<simd::psubd, simd::psubd>(t, 0xfa);
  set_binary<simd::psubq, simd::psubq>(t, 0xfb);
  set_binary<simd::paddb, simd::paddb>(t, 0xfc);
  set_binary<simd::paddw, simd::paddw>(t, 0xfd);
  set_binary<simd::paddd, simd::paddd>(t, 0xfe);
}

}  // namespace glasspc::simd_int

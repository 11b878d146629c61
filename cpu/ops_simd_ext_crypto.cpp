// AES-NI (SDM Vol. 2A AESENC, AESENCLAST, AESDEC, AESDECLAST, AESIMC, AESKEYGENASSIST) and
// PCLMULQDQ (SDM Vol. 2B): legacy-SSE encodings in the 66 column, m128 operands 16-byte aligned
// (exception class 4).
#include "cpu/ops_simd_ext_common.h"
#include "cpu/simd/simd.h"

namespace glasspc::simd_ext {
namespace {

// SDM Vol. 2A AESKEYGENASSIST: xmm1 = f(xmm2/m128, imm8); the destination is not a source.
bool aeskeygenassist(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  c.s.xmm[i.reg] = simd::aeskeygenassist(src, static_cast<u8>(i.imm));
  return true;
}

}  // namespace

void register_crypto_ops(OpcodeTable& t) {
  set_prefixed(t.map_0f38[0xdb], kPrefix66, &xmm_unary<simd::aesimc>, opf::kModrm, 4);
  set_prefixed(t.map_0f38[0xdc], kPrefix66, &xmm_binary<simd::aesenc>, opf::kModrm, 4);
  set_prefixed(t.map_0f38[0xdd], kPrefix66, &xmm_binary<simd::aesenclast>, opf::kModrm, 4);
  set_prefixed(t.map_0f38[0xde], kPrefix66, &xmm_binary<simd::aesdec>, opf::kModrm, 4);
  set_prefixed(t.map_0f38[0xdf], kPrefix66, &xmm_binary<simd::aesdeclast>, opf::kModrm, 4);
  set_prefixed(t.map_0f3a[0xdf], kPrefix66, &aeskeygenassist, kModrmImm8, 4);
  set_prefixed(t.map_0f3a[0x44], kPrefix66, &xmm_imm<simd::pclmulqdq>, kModrmImm8, 5);
}

}  // namespace glasspc::simd_ext

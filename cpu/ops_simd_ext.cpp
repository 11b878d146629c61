// The three-byte opcode maps 0F 38 xx and 0F 3A xx (SDM Vol. 2A A.3, Tables ): SSSE3,
// the SSE4.1/SSE4.2 integer instructions, CRC32, AES-NI and PCLMULQDQ. One file per extension;
// the shared operand helpers are in cpu/ops_simd_ext_common.h.
#include "cpu/ops_simd_ext_common.h"

namespace glasspc {

void register_simd_ext_ops(OpcodeTable& t) {
  simd_ext::register_ssse3_ops(t);
  simd_ext::register_sse41_ops(t);
  simd_ext::register_sse42_ops(t);
  simd_ext::register_crypto_ops(t);
}

}  // namespace glasspc

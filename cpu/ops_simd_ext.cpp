// Instruction handlers: see cpu/decoder.h for the registration contract.
#include "cpu/decoder.h"
#include "cpu/simd_support.h"

namespace glasspc {

void register_simd_ext_ops(OpcodeTable& t) {
  (void)t;
}

}  // namespace glasspc

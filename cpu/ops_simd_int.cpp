// MMX and SSE2 integer instructions of the two-byte 0F opcode map (legacy encodings): the
// registration entry point. The handlers live in cpu/ops_simd_int_*.cpp by kind; the shared
// operand plumbing is cpu/ops_simd_int_common.h.
#include "cpu/ops_simd_int_common.h"

namespace glasspc {

void register_simd_int_ops(OpcodeTable& t) {
  simd_int::register_lane_arith(t);
  simd_int::register_lane_shifts(t);
  simd_int::register_moves(t);
  simd_int::register_element_ops(t);
}

}  // namespace glasspc

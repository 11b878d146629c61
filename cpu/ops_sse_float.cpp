// SSE/SSE2/SSE3/SSE4.1 floating-point instructions in their legacy (non-VEX) encodings. Each
// ops_sse_float_*.cpp file registers one group; the lane arithmetic is cpu/float's.
#include "cpu/ops_sse_float.h"

namespace glasspc {

void register_sse_float_ops(OpcodeTable& t) {
  sse_float::register_move(t);
  sse_float::register_shuffle(t);
  sse_float::register_arith(t);
  sse_float::register_compare(t);
  sse_float::register_convert(t);
}

}  // namespace glasspc

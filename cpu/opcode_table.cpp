// The opcode table: one immutable table built once from the registration functions of the
// ops_*.cpp files. Entries left empty are undefined opcodes (#UD when executed).
#include "cpu/decoder.h"

namespace glasspc {
namespace {

OpcodeTable build() {
  OpcodeTable t;
  register_system_ops(t);  // first: defines the #UD handler
  register_alu_ops(t);     // defines group 5 /0 and /1, which the FF entry names
  register_shift_ops(t);
  register_bit_ops(t);
  register_data_ops(t);
  register_string_ops(t);
  register_control_ops(t);
  register_segment_ops(t);
  register_fast_syscall_ops(t);
  register_x87_ops(t);  // after system ops: replaces the "no FPU" D8-DF and 9B entries
  register_sse_float_ops(t);
  register_simd_int_ops(t);
  register_simd_ext_ops(t);
  register_fpu_state_ops(t);
  return t;
}

}  // namespace

const OpcodeTable& opcode_table() {
  static const OpcodeTable table = build();
  return table;
}

}  // namespace glasspc

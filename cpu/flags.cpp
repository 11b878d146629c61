// Materializing and writing RFLAGS; the lazy evaluators are inline in cpu/lazy_flags.h.
#include "cpu/lazy_flags.h"

namespace glasspc {

void X86Cpu::materialize_flags() {
  if (m_flag_op == FlagOp::None) return;
  m_rflags = rflags();
  m_flag_op = FlagOp::None;
}

void X86Cpu::set_arith_flags(u64 mask, u64 values) {
  // When every arithmetic flag is replaced, the pending lazy record need not be evaluated.
  if ((mask & flag::kArith) == flag::kArith)
    m_flag_op = FlagOp::None;
  else
    materialize_flags();
  m_rflags = (m_rflags & ~mask) | (values & mask);
}

u64 X86Cpu::rflags() const {
  u64 f = m_rflags & ~flag::kArith;
  if (cf()) f |= flag::CF;
  if (pf()) f |= flag::PF;
  if (af()) f |= flag::AF;
  if (zf()) f |= flag::ZF;
  if (sf()) f |= flag::SF;
  if (of()) f |= flag::OF;
  return f;
}

void X86Cpu::set_rflags(u64 value) {
  m_flag_op = FlagOp::None;
  m_rflags = (value & 0x3f7fd5) | flag::kFixed1;
  update_mode();
  end_block();
}

// POPF/IRET/SAHF write the bits selected by `mask` (the caller applies CPL/IOPL/VM rules).
void X86Cpu::write_flags(u64 value, u64 mask) {
  materialize_flags();
  const u64 old = m_rflags;
  mask &= 0x3f7fd5;  // reserved bits stay as they are
  m_rflags = ((old & ~mask) | (value & mask)) | flag::kFixed1;
  if ((old ^ m_rflags) & (flag::VM | flag::IF | flag::TF | flag::AC)) {
    update_mode();
    end_block();
  }
}

}  // namespace glasspc

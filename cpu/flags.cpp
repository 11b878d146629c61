// Lazy evaluation of the arithmetic flags (SDM Vol. 1 3.4.3.1, Appendix A).
//
// Flag-producing instructions record (operation, width, operands, result); a flag is computed
// only when something reads it. Shifts, multiplies and BCD adjustments, whose flag rules are
// irregular, store their flags eagerly with set_arith_flags().
#include <bit>

#include "cpu/x86_cpu.h"

namespace glasspc {

bool X86Cpu::cf() const {
  switch (m_flag_op) {
    case FlagOp::None: return (m_rflags & flag::CF) != 0;
    case FlagOp::Add: return m_flag_res < m_flag_dst;
    case FlagOp::Adc: return m_flag_cin ? m_flag_res <= m_flag_dst : m_flag_res < m_flag_dst;
    case FlagOp::Sub: return m_flag_dst < m_flag_src;
    case FlagOp::Sbb: return m_flag_cin ? m_flag_dst <= m_flag_src : m_flag_dst < m_flag_src;
    case FlagOp::Logic: return false;
    case FlagOp::Inc:
    case FlagOp::Dec: return m_flag_cin;
  }
  return false;
}

bool X86Cpu::pf() const {
  if (m_flag_op == FlagOp::None) return (m_rflags & flag::PF) != 0;
  return (std::popcount(static_cast<u8>(m_flag_res)) & 1) == 0;
}

bool X86Cpu::af() const {
  switch (m_flag_op) {
    case FlagOp::None: return (m_rflags & flag::AF) != 0;
    case FlagOp::Logic: return false;
    default: return ((m_flag_dst ^ m_flag_src ^ m_flag_res) & 0x10) != 0;
  }
}

bool X86Cpu::zf() const {
  if (m_flag_op == FlagOp::None) return (m_rflags & flag::ZF) != 0;
  return m_flag_res == 0;
}

bool X86Cpu::sf() const {
  if (m_flag_op == FlagOp::None) return (m_rflags & flag::SF) != 0;
  return (m_flag_res >> (m_flag_bits - 1)) & 1;
}

bool X86Cpu::of() const {
  const unsigned top = m_flag_bits - 1;
  switch (m_flag_op) {
    case FlagOp::None: return (m_rflags & flag::OF) != 0;
    case FlagOp::Add:
    case FlagOp::Adc:
    case FlagOp::Inc:
      return (((m_flag_dst ^ m_flag_res) & (m_flag_src ^ m_flag_res)) >> top) & 1;
    case FlagOp::Sub:
    case FlagOp::Sbb:
    case FlagOp::Dec:
      return (((m_flag_dst ^ m_flag_src) & (m_flag_dst ^ m_flag_res)) >> top) & 1;
    case FlagOp::Logic: return false;
  }
  return false;
}

bool X86Cpu::cond(unsigned cc) const {
  bool r;
  switch (cc >> 1) {
    case 0: r = of(); break;
    case 1: r = cf(); break;
    case 2: r = zf(); break;
    case 3: r = cf() || zf(); break;
    case 4: r = sf(); break;
    case 5: r = pf(); break;
    case 6: r = sf() != of(); break;
    default: r = zf() || (sf() != of()); break;
  }
  return (cc & 1) ? !r : r;
}

void X86Cpu::materialize_flags() {
  if (m_flag_op == FlagOp::None) return;
  u64 f = m_rflags & ~flag::kArith;
  if (cf()) f |= flag::CF;
  if (pf()) f |= flag::PF;
  if (af()) f |= flag::AF;
  if (zf()) f |= flag::ZF;
  if (sf()) f |= flag::SF;
  if (of()) f |= flag::OF;
  m_rflags = f;
  m_flag_op = FlagOp::None;
}

void X86Cpu::set_arith_flags(u64 mask, u64 values) {
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

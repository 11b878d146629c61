// Lazy evaluation of the arithmetic flags (SDM Vol. 1 3.4.3.1, Appendix A), inline so that a
// Jcc specialised for its condition evaluates only the flags it tests.
//
// Flag-producing instructions record (operation, width, operands, result); a flag is computed
// only when something reads it. Shifts keep the count in the source slot. Rotates, multiplies
// and BCD adjustments, whose flag rules are irregular, store their flags eagerly with
// set_arith_flags().
#pragma once

#include <bit>

#include "cpu/x86_cpu.h"

namespace glasspc {

inline bool X86Cpu::cf() const {
  switch (m_flag_op) {
    case FlagOp::None:
      return (m_rflags & flag::CF) != 0;
    case FlagOp::Add:
      return m_flag_res < m_flag_dst;
    case FlagOp::Adc:
      return m_flag_cin ? m_flag_res <= m_flag_dst : m_flag_res < m_flag_dst;
    case FlagOp::Sub:
      return m_flag_dst < m_flag_src;
    case FlagOp::Sbb:
      return m_flag_cin ? m_flag_dst <= m_flag_src : m_flag_dst < m_flag_src;
    case FlagOp::Logic:
      return false;
    case FlagOp::Inc:
    case FlagOp::Dec:
      return m_flag_cin;
    case FlagOp::Shl:
      return m_flag_src <= m_flag_bits && ((m_flag_dst >> (m_flag_bits - m_flag_src)) & 1);
    case FlagOp::Shr:
      return m_flag_src <= m_flag_bits && ((m_flag_dst >> (m_flag_src - 1)) & 1);
    case FlagOp::Sar: {
      const unsigned k = 64 - m_flag_bits;
      const i64 v = static_cast<i64>(m_flag_dst << k) >> k;  // sign-extended operand
      return m_flag_src < m_flag_bits ? ((v >> (m_flag_src - 1)) & 1) : v < 0;
    }
  }
  return false;
}

inline bool X86Cpu::pf() const {
  if (m_flag_op == FlagOp::None) return (m_rflags & flag::PF) != 0;
  return (std::popcount(static_cast<u8>(m_flag_res)) & 1) == 0;
}

inline bool X86Cpu::af() const {
  switch (m_flag_op) {
    case FlagOp::None:
      return (m_rflags & flag::AF) != 0;
    case FlagOp::Logic:
    case FlagOp::Shl:
    case FlagOp::Shr:
    case FlagOp::Sar:
      return false;  // AF is undefined after logic ops and shifts: clear
    default:
      return ((m_flag_dst ^ m_flag_src ^ m_flag_res) & 0x10) != 0;
  }
}

inline bool X86Cpu::zf() const {
  if (m_flag_op == FlagOp::None) return (m_rflags & flag::ZF) != 0;
  return m_flag_res == 0;
}

inline bool X86Cpu::sf() const {
  if (m_flag_op == FlagOp::None) return (m_rflags & flag::SF) != 0;
  return (m_flag_res >> (m_flag_bits - 1)) & 1;
}

inline bool X86Cpu::of() const {
  const unsigned top = m_flag_bits - 1;
  switch (m_flag_op) {
    case FlagOp::None:
      return (m_rflags & flag::OF) != 0;
    case FlagOp::Add:
    case FlagOp::Adc:
    case FlagOp::Inc:
      return (((m_flag_dst ^ m_flag_res) & (m_flag_src ^ m_flag_res)) >> top) & 1;
    case FlagOp::Sub:
    case FlagOp::Sbb:
    case FlagOp::Dec:
      return (((m_flag_dst ^ m_flag_src) & (m_flag_dst ^ m_flag_res)) >> top) & 1;
    case FlagOp::Logic:
      return false;
    case FlagOp::Shl:
      return ((m_flag_res >> top) & 1) != cf();
    case FlagOp::Shr:
      return (m_flag_dst >> top) & 1;
    case FlagOp::Sar:
      return false;
  }
  return false;
}

inline bool X86Cpu::cond(unsigned cc) const {
  bool r;
  switch (cc >> 1) {
    case 0:
      r = of();
      break;
    case 1:
      r = cf();
      break;
    case 2:
      r = zf();
      break;
    case 3:
      r = cf() || zf();
      break;
    case 4:
      r = sf();
      break;
    case 5:
      r = pf();
      break;
    case 6:
      r = sf() != of();
      break;
    default:
      r = zf() || (sf() != of());
      break;
  }
  return (cc & 1) ? !r : r;
}

}  // namespace glasspc

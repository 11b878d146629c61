// Pushes onto a stack that is not (yet) the current SS:rSP: the inner stack of a privilege
// change through a call gate or an interrupt gate. Limits are checked against the given segment
// cache, and a violation raises #SS with the given error code (the new SS selector when the
// stack changes privilege, SDM Vol. 3A 6.12.1 and Vol. 2A CALL).
#pragma once

#include "cpu/cpu_inline.h"

namespace glasspc {

class StackWriter {
 public:
  StackWriter(X86Cpu& cpu, const Segment& ss, u64 sp, bool flat64, unsigned key, u16 error)
      : m_cpu(cpu), m_ss(ss), m_sp(sp), m_flat64(flat64), m_key(key), m_error(error) {
    m_mask = flat64 ? ~u64{0} : (ss.attr & attr::DB) ? 0xffffffffu : 0xffffu;
    m_sp &= m_mask;
  }

  bool push(u64 value, unsigned size) {
    const u64 sp = (m_sp - size) & m_mask;
    u64 linear;
    if (m_flat64) {
      linear = sp;
      if (static_cast<u64>(static_cast<i64>(linear << 16) >> 16) != linear) {
        return m_cpu.fault(vec::SS, m_error);
      }
    } else {
      const u64 last = sp + size - 1;
      if (m_ss.attr & attr::kExpandDown) {
        const u64 upper = (m_ss.attr & attr::DB) ? 0xffffffffu : 0xffffu;
        if (sp <= m_ss.limit || last > upper) return m_cpu.fault(vec::SS, m_error);
      } else if (last > m_ss.limit) {
        return m_cpu.fault(vec::SS, m_error);
      }
      linear = (m_ss.base + sp) & 0xffffffffu;
    }
    bool ok;
    switch (size) {
      case 2:
        ok = m_cpu.write_linear<u16>(linear, static_cast<u16>(value), m_key);
        break;
      case 4:
        ok = m_cpu.write_linear<u32>(linear, static_cast<u32>(value), m_key);
        break;
      default:
        ok = m_cpu.write_linear<u64>(linear, value, m_key);
        break;
    }
    if (!ok) return false;
    m_sp = sp;
    return true;
  }

  u64 sp() const { return m_sp; }

 private:
  X86Cpu& m_cpu;
  Segment m_ss;
  u64 m_sp;
  bool m_flat64;
  unsigned m_key;
  u16 m_error;
  u64 m_mask;
};

}  // namespace glasspc

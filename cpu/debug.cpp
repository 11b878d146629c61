// Debug registers and single-stepping (SDM Vol. 3B ch. 18): instruction breakpoints (fault),
// data write and read/write breakpoints of 1, 2, 4 or 8 bytes (trap), general detect (DR7.GD),
// EFLAGS.TF single-step and EFLAGS.RF. I/O breakpoints need CR4.DE, which is not supported
// (CPUID.1:EDX.DE = 0), so R/W = 10B never matches.
//
// While any breakpoint is enabled or TF is set, the run loop executes one instruction at a time
// through debug_step(), and pages holding a data breakpoint lose their direct host pointers so
// that every access to them is checked in the slow path.
#include "cpu/cpu_inline.h"

namespace glasspc {
namespace {

constexpr u64 kDr6Bs = 1u << 14;  // single step
constexpr u64 kDr6Bd = 1u << 13;  // debug register access detected
constexpr u64 kDr7Gd = 1u << 13;

unsigned dr7_rw(u64 dr7, unsigned n) {
  return (dr7 >> (16 + 4 * n)) & 3;
}
unsigned dr7_len(u64 dr7, unsigned n) {
  static constexpr unsigned kLen[4] = {1, 2, 8, 4};
  return kLen[(dr7 >> (18 + 4 * n)) & 3];
}
bool dr7_enabled(u64 dr7, unsigned n) {
  return (dr7 >> (2 * n)) & 3;
}

}  // namespace

// MOV from/to DRn. DR4/DR5 alias DR6/DR7 while CR4.DE is clear (SDM Vol. 3B 18.2.2). With
// DR7.GD set, any access raises #DB first and clears GD (18.2.4).
bool X86Cpu::read_dr(unsigned n, u64& value) {
  if (n > 7) return ud();
  if (s.dr7 & kDr7Gd) {
    s.dr6 |= kDr6Bd;
    s.dr7 &= ~kDr7Gd;
    return fault(vec::DB);
  }
  value = n < 4 ? s.dr[n] : (n == 4 || n == 6) ? s.dr6 : s.dr7;
  return true;
}

bool X86Cpu::write_dr(unsigned n, u64 value) {
  if (n > 7) return ud();
  if (s.dr7 & kDr7Gd) {
    s.dr6 |= kDr6Bd;
    s.dr7 &= ~kDr7Gd;
    return fault(vec::DB);
  }
  if (n < 4) {
    s.dr[n] = value;
  } else if (n == 4 || n == 6) {
    if (value >> 32) return gp(0);
    s.dr6 = (value & 0x1e00f) | 0xffff0ff0;
  } else {
    if (value >> 32) return gp(0);
    s.dr7 = (value & 0xffff2fff) | 0x400;
  }
  update_debug_state();
  return true;
}

void X86Cpu::update_debug_state() {
  m_dr_exec = 0;
  m_dr_data = 0;
  for (unsigned n = 0; n < 4; ++n) {
    if (!dr7_enabled(s.dr7, n)) continue;
    const unsigned rw = dr7_rw(s.dr7, n);
    if (rw == 0) m_dr_exec |= static_cast<u8>(1u << n);
    if (rw == 1 || rw == 3) m_dr_data |= static_cast<u8>(1u << n);
  }
  flush_tlb(false);
  end_block();
}

bool X86Cpu::page_has_data_breakpoint(u64 linear) const {
  for (unsigned n = 0; n < 4; ++n) {
    if (!(m_dr_data & (1u << n))) continue;
    const u64 start = s.dr[n] & ~u64{dr7_len(s.dr7, n) - 1};
    const u64 end = start + dr7_len(s.dr7, n) - 1;
    const u64 page = linear & ~kPageMask;
    if ((start & ~kPageMask) == page || (end & ~kPageMask) == page) return true;
  }
  return false;
}

void X86Cpu::check_data_breakpoints(u64 linear, unsigned size, bool write) {
  for (unsigned n = 0; n < 4; ++n) {
    if (!(m_dr_data & (1u << n))) continue;
    if (!write && dr7_rw(s.dr7, n) == 1) continue;  // write-only breakpoint
    const unsigned len = dr7_len(s.dr7, n);
    const u64 start = s.dr[n] & ~u64{len - 1};
    if (linear < start + len && start < linear + size) m_db_hits |= static_cast<u8>(1u << n);
  }
}

void X86Cpu::debug_step() {
  // Instruction breakpoints are faults, taken before the instruction unless RF is set.
  if (m_dr_exec && !(m_rflags & flag::RF)) {
    u64 linear = s.seg[kCs].base + s.rip;
    if (!code64()) linear &= 0xffffffffu;
    u8 hits = 0;
    for (unsigned n = 0; n < 4; ++n) {
      if ((m_dr_exec & (1u << n)) && s.dr[n] == linear) hits |= static_cast<u8>(1u << n);
    }
    if (hits) {
      s.dr6 = (s.dr6 & ~u64{0xf}) | hits;
      m_total_cycles += 1;
      if (!deliver_event(vec::DB, EventKind::Exception, false, 0, s.rip)) {
        deliver_pending_exception();
      }
      return;
    }
  }
  const bool tf = (m_rflags & flag::TF) != 0;
  const bool rf = (m_rflags & flag::RF) != 0;
  const u64 retired = m_retired;
  const u64 events = m_events_delivered;
  m_db_hits = 0;
  Block* block = nullptr;
  if (!fetch_block(block)) return;
  execute_one_uncached();
  // A faulting instruction, or one that delivered an interrupt itself (INT n clears TF on the
  // way), produces no trap.
  if (m_retired == retired || m_events_delivered != events || m_shutdown) return;
  if (rf) m_rflags &= ~flag::RF;  // RF lasts for one instruction (SDM Vol. 3B 18.3.1.1)
  // After MOV SS / POP SS the single-step trap of that instruction is dropped and its data
  // breakpoint hits wait for the next instruction (SDM Vol. 3A 6.8.3).
  if (m_debug_shadow_at == m_retired) {
    m_deferred_db |= m_db_hits;
    m_db_hits = 0;
    return;
  }
  const u64 bits = m_db_hits | m_deferred_db | (tf ? kDr6Bs : 0);
  m_db_hits = 0;
  m_deferred_db = 0;
  if (!bits) return;
  s.dr6 = (s.dr6 & ~u64{0xf}) | bits;
  m_halted = false;
  if (!deliver_event(vec::DB, EventKind::Exception, false, 0, s.rip)) deliver_pending_exception();
}

}  // namespace glasspc

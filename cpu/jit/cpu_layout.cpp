// X86Cpu::jit_layout(): where generated code finds the CPU's fields.
#include "cpu/jit/cpu_layout.h"

#include <algorithm>

#include "cpu/x86_cpu.h"

namespace glasspc {

jit::CpuLayout X86Cpu::jit_layout() const {
  const char* base = reinterpret_cast<const char*>(this);
  auto at = [base](const void* field) {
    return static_cast<i32>(static_cast<const char*>(field) - base);
  };
  jit::CpuLayout l;
  l.gpr = at(&s.gpr[0]);
  l.rip = at(&s.rip);
  l.seg = at(&s.seg[0]);
  l.seg_stride = static_cast<i32>(sizeof(Segment));
  l.seg_base = static_cast<i32>(offsetof(Segment, base));
  l.seg_limit = static_cast<i32>(offsetof(Segment, limit));
  l.seg_attr = static_cast<i32>(offsetof(Segment, attr));
  l.cpl = at(&s.cpl);
  l.cr4 = at(&s.cr4);
  l.rflags = at(&m_rflags);
  l.flag_op = at(&m_flag_op);
  l.flag_bits = at(&m_flag_bits);
  l.flag_cin = at(&m_flag_cin);
  l.flag_dst = at(&m_flag_dst);
  l.flag_src = at(&m_flag_src);
  l.flag_res = at(&m_flag_res);
  const i32 after_kind = std::min({l.flag_dst, l.flag_src, l.flag_res});
  l.flag_word = l.flag_bits == l.flag_op + 1 && l.flag_cin == l.flag_op + 2 &&
                after_kind >= l.flag_op + 4 && l.rflags + 8 <= l.flag_op;
  l.next_rip = at(&m_next_rip);
  l.total_cycles = at(&m_total_cycles);
  l.cycle_limit = at(&m_cycle_limit);
  l.extra_cycles = at(&m_extra_cycles);
  l.retired = at(&m_retired);
  l.chain_epoch = at(&m_chain_epoch);
  l.tlb = at(&m_tlb[0][0]);
  l.tlb_kind_stride = at(&m_tlb[1][0]) - l.tlb;
  l.tlb_entry_size = static_cast<i32>(sizeof(TlbEntry));
  l.tlb_tag = static_cast<i32>(offsetof(TlbEntry, tag));
  l.tlb_host = static_cast<i32>(offsetof(TlbEntry, host));
  l.tlb_key_shift = kTlbKeyShift;
  return l;
}

}  // namespace glasspc

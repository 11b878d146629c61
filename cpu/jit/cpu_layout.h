// What generated code addresses: the X86Cpu fields it reads and writes (X86Cpu::jit_layout())
// and the shared code and C++ helpers it calls (Runtime).
#pragma once

#include "bus/types.h"

namespace glasspc::jit {

struct CpuLayout {
  i32 gpr = 0;
  i32 rip = 0;
  i32 seg = 0;         // s.seg[0]
  i32 seg_stride = 0;  // sizeof(Segment)
  i32 seg_base = 0;    // within a Segment
  i32 seg_limit = 0;
  i32 seg_attr = 0;
  i32 cpl = 0;
  i32 cr4 = 0;
  i32 rflags = 0;
  i32 flag_op = 0;
  i32 flag_bits = 0;
  i32 flag_cin = 0;
  i32 flag_dst = 0;
  i32 flag_src = 0;
  i32 flag_res = 0;
  // m_flag_op, m_flag_bits and m_flag_cin are consecutive bytes followed by padding, so one
  // 32-bit store sets all three.
  bool flag_word = false;
  i32 next_rip = 0;
  i32 total_cycles = 0;
  i32 cycle_limit = 0;
  i32 extra_cycles = 0;
  i32 retired = 0;
  i32 chain_epoch = 0;
  i32 tlb = 0;              // m_tlb[0][0]
  i32 tlb_kind_stride = 0;  // bytes between m_tlb[Read] and m_tlb[Write]
  i32 tlb_entry_size = 0;
  i32 tlb_tag = 0;  // within an entry
  i32 tlb_host = 0;
  unsigned tlb_key_shift = 0;
};

// Addresses the generated code needs besides the CPU: the shared exit path and C++ helpers.
struct Runtime {
  const void* epilogue = nullptr;      // returns rax (a Block*) to the caller of the trampoline
  const void* cond = nullptr;          // bool (*)(X86Cpu*, unsigned cc)
  const void* carry = nullptr;         // bool (*)(X86Cpu*): X86Cpu::cf()
  const void* deliver = nullptr;       // void (*)(X86Cpu*): deliver the pending exception
  const void* pending_exit = nullptr;  // where a missed chain exit records its slot
};

}  // namespace glasspc::jit

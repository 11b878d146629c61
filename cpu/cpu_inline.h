// Hot-path memory and stack accessors of X86Cpu, inlined into the instruction handlers.
// A TLB hit on RAM costs one compare and one memcpy; everything else takes the slow path in
// cpu/mmu.cpp.
#pragma once

#include <cstring>

#include "cpu/lazy_flags.h"
#include "cpu/x86_cpu.h"

namespace glasspc {

inline bool is_canonical(u64 linear) {
  return static_cast<u64>(static_cast<i64>(linear << 16) >> 16) == linear;
}

// SDM Vol. 3A 5.3 (limit checking), 5.4/5.5 (type checking), 3.3.7.1 (canonical addressing).
inline bool X86Cpu::linearize(unsigned seg, u64 offset, unsigned size, Access access, u64& linear) {
  const Segment& sg = s.seg[seg];
  if (code64()) {
    linear = offset;
    if (seg == kFs || seg == kGs) linear += sg.base;
    if (!is_canonical(linear) || !is_canonical(linear + size - 1)) {
      return seg == kSs ? fault(vec::SS, 0) : gp(0);
    }
    if ((linear & (size - 1)) && alignment_check_active()) return fault(vec::AC, 0);
    return true;
  }
  // Fast path: a present, writable, expand-up data segment with a 4-GiB limit (flat protected
  // mode, unreal mode) admits every access that does not wrap past 4 GiB, in any mode.
  constexpr u16 kKind = attr::P | attr::kCode | attr::kExpandDown | attr::kWritable;
  if (sg.limit == 0xffffffffu && (sg.attr & kKind) == (attr::P | attr::kWritable) &&
      offset + size - 1 <= 0xffffffffu) {
    linear = (sg.base + offset) & 0xffffffffu;
    if ((linear & (size - 1)) && alignment_check_active()) return fault(vec::AC, 0);
    return true;
  }
  const u8 vector = seg == kSs ? vec::SS : vec::GP;
  if (protected_mode() && !v86()) {
    if (!sg.usable()) return fault(vector, 0);
    const bool code = (sg.attr & attr::kCode) != 0;
    if (access == Access::Write && (code || !(sg.attr & attr::kWritable))) return fault(vector, 0);
    if (access == Access::Read && code && !(sg.attr & attr::kReadable)) return fault(vector, 0);
  }
  const u64 last = offset + size - 1;
  if (!(sg.attr & attr::kCode) && (sg.attr & attr::kExpandDown)) {
    // Expand-down: valid offsets are (limit, upper] (SDM Vol. 3A 5.3).
    const u64 upper = (sg.attr & attr::DB) ? 0xffffffffu : 0xffffu;
    if (offset <= sg.limit || last > upper) return fault(vector, 0);
  } else if (last > sg.limit) {
    return fault(vector, 0);
  }
  linear = (sg.base + offset) & 0xffffffffu;
  if ((linear & (size - 1)) && alignment_check_active()) return fault(vec::AC, 0);
  return true;
}

template <typename T>
bool X86Cpu::read_linear(u64 linear, T& out, unsigned key) {
  const TlbEntry& e = tlb_slot(Access::Read, linear);
  if (e.tag == tlb_tag(linear, key) && e.host && fits_page<T>(linear)) {
    std::memcpy(&out, e.host + (linear & kPageMask), sizeof(T));
    return true;
  }
  return read_linear_slow(linear, &out, sizeof(T), key);
}

template <typename T>
bool X86Cpu::write_linear(u64 linear, T value, unsigned key) {
  const TlbEntry& e = tlb_slot(Access::Write, linear);
  if (e.tag == tlb_tag(linear, key) && e.host && fits_page<T>(linear)) {
    std::memcpy(e.host + (linear & kPageMask), &value, sizeof(T));
    return true;
  }
  return write_linear_slow(linear, &value, sizeof(T), key);
}

template <typename T>
bool X86Cpu::read_mem(unsigned seg, u64 offset, T& out) {
  u64 linear;
  if (!linearize(seg, offset, sizeof(T), Access::Read, linear)) return false;
  return read_linear(linear, out, access_key());
}

template <typename T>
bool X86Cpu::write_mem(unsigned seg, u64 offset, T value) {
  u64 linear;
  if (!linearize(seg, offset, sizeof(T), Access::Write, linear)) return false;
  return write_linear(linear, value, access_key());
}

template <typename T>
bool X86Cpu::read_rm(const Insn& insn, T& out) {
  if (insn.mod == 3) {
    out = get_reg<T>(insn, insn.rm);
    return true;
  }
  return read_mem(insn.seg, ea(insn), out);
}

template <typename T>
bool X86Cpu::write_rm(const Insn& insn, T value) {
  if (insn.mod == 3) {
    set_reg<T>(insn, insn.rm, value);
    return true;
  }
  return write_mem(insn.seg, ea(insn), value);
}

template <typename T, typename F>
bool X86Cpu::rmw_rm(const Insn& insn, F&& f) {
  if (insn.mod == 3) {
    set_reg<T>(insn, insn.rm, f(get_reg<T>(insn, insn.rm)));
    return true;
  }
  u64 linear;
  if (!linearize(insn.seg, ea(insn), sizeof(T), Access::Write, linear)) return false;
  const unsigned key = access_key();
  const TlbEntry& e = tlb_slot(Access::Write, linear);
  if (e.tag == tlb_tag(linear, key) && e.host && fits_page<T>(linear)) {
    u8* p = e.host + (linear & kPageMask);
    T old;
    std::memcpy(&old, p, sizeof(T));
    const T result = f(old);
    std::memcpy(p, &result, sizeof(T));
    return true;
  }
  // Check writability first so that a read-only page reports a write fault (SDM Vol. 3A 4.7).
  if (!probe_write(linear, sizeof(T), key)) return false;
  T old;
  if (!read_linear_slow(linear, &old, sizeof(T), key)) return false;
  const T result = f(old);
  return write_linear_slow(linear, &result, sizeof(T), key);
}

template <typename T>
bool X86Cpu::push(T value) {
  const unsigned ss = stack_size();
  const u64 new_sp = (s.gpr[kRsp] - sizeof(T)) & size_mask(ss);
  if (!write_mem(kSs, new_sp, value)) return false;
  set_areg(kRsp, ss, new_sp);
  return true;
}

template <typename T>
bool X86Cpu::pop(T& out) {
  const unsigned ss = stack_size();
  const u64 sp = s.gpr[kRsp] & size_mask(ss);
  if (!read_mem(kSs, sp, out)) return false;
  set_areg(kRsp, ss, sp + sizeof(T));
  return true;
}

inline bool X86Cpu::branch(u64 target, unsigned opsize) {
  target &= size_mask(opsize);
  if (code64()) {
    if (static_cast<u64>(static_cast<i64>(target << 16) >> 16) != target) return gp(0);
  } else if (target > s.seg[kCs].limit) {
    return gp(0);
  }
  m_next_rip = target;
  m_extra_cycles += 1;
  return true;
}

}  // namespace glasspc

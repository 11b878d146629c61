// Far JMP, far CALL and far RET in every mode: direct to code segments, through call gates
// (with the stack switch and parameter copy of a call to an inner privilege level), and to
// task gates / TSS descriptors (SDM Vol. 2A CALL, JMP, RET; Vol. 3A 5.8).
#include "cpu/cpu_inline.h"
#include "cpu/stack_writer.h"

namespace glasspc {
namespace {

constexpr unsigned kTypeTss16 = 1, kTypeCallGate16 = 4, kTypeTaskGate = 5, kTypeTss32 = 9,
                   kTypeCallGate32 = 12;

bool is_code(const X86Cpu::Descriptor& d) {
  return d.s() && (d.type() & 8);
}
bool conforming(const X86Cpu::Descriptor& d) {
  return (d.type() & 4) != 0;
}

}  // namespace

bool X86Cpu::enter_code(u16 selector, Descriptor& d, u64 offset, unsigned new_cpl) {
  const bool target64 = long_mode() && (d.hi & (1u << 21));
  if (target64) {
    if (d.hi & (1u << 22)) return gp(selector & 0xfffc);  // L=1 with D=1 is reserved
    if (static_cast<u64>(static_cast<i64>(offset << 16) >> 16) != offset) return gp(0);
  } else {
    offset &= 0xffffffffu;
    if (offset > d.limit()) return gp(0);
  }
  if (!set_accessed(selector, d)) return false;
  s.cpl = static_cast<u8>(new_cpl);
  load_segment_cache(kCs, static_cast<u16>((selector & 0xfffc) | new_cpl), d);
  m_next_rip = offset;
  end_block();
  return true;
}

bool X86Cpu::tss_inner_stack(unsigned cpl, u16& ss, u64& sp) {
  const u16 tr_err = s.tr.selector & 0xfffc;
  const unsigned type = s.tr.attr & attr::kTypeMask;
  if (long_mode()) {
    const u32 off = 4 + 8 * cpl;
    if (off + 7 > s.tr.limit) return fault(vec::TS, tr_err);
    ss = static_cast<u16>(cpl);
    return read_sys(s.tr.base + off, sp);
  }
  if ((type & 8) == 0) {  // 16-bit TSS: SP at 2 + 4n, SS at 4 + 4n
    const u32 off = 2 + 4 * cpl;
    if (off + 3 > s.tr.limit) return fault(vec::TS, tr_err);
    u16 sp16;
    if (!read_sys(s.tr.base + off, sp16) || !read_sys(s.tr.base + off + 2, ss)) return false;
    sp = sp16;
    return true;
  }
  const u32 off = 4 + 8 * cpl;
  if (off + 5 > s.tr.limit) return fault(vec::TS, tr_err);
  u32 sp32;
  if (!read_sys(s.tr.base + off, sp32) || !read_sys(s.tr.base + off + 4, ss)) return false;
  sp = sp32;
  return true;
}

// SDM Vol. 2A CALL (call gate to inner privilege) and Vol. 3A 6.12.1 (interrupt stack switch).
bool X86Cpu::check_inner_ss(u16 selector, unsigned cpl, Descriptor& d) {
  const u16 err = selector & 0xfffc;
  if (err == 0) return fault(vec::TS, 0);
  if ((selector & 3) != cpl) return fault(vec::TS, err);
  if (!read_descriptor(selector, d, vec::TS)) return false;
  if (d.dpl() != cpl || !d.s() || (d.type() & 8) || !(d.type() & 2)) return fault(vec::TS, err);
  if (!d.present()) return fault(vec::SS, err);
  return true;
}

bool X86Cpu::far_jump(u16 selector, u64 offset, unsigned opsize) {
  if (!protected_mode() || v86()) {
    offset &= size_mask(opsize);
    if (offset > s.seg[kCs].limit) return gp(0);
    load_real_segment(kCs, selector);
    m_next_rip = offset;
    end_block();
    return true;
  }
  const u16 err = selector & 0xfffc;
  if (err == 0) return gp(0);
  Descriptor d;
  if (!read_descriptor(selector, d, vec::GP)) return false;
  if (d.s()) {
    if (!is_code(d)) return gp(err);
    if (conforming(d) ? d.dpl() > s.cpl : ((selector & 3) > s.cpl || d.dpl() != s.cpl)) {
      return gp(err);
    }
    if (!d.present()) return fault(vec::NP, err);
    return enter_code(selector, d, offset & size_mask(opsize), s.cpl);
  }
  const unsigned type = d.type();
  if (type == kTypeCallGate16 || type == kTypeCallGate32) {
    if (d.dpl() < s.cpl || d.dpl() < (selector & 3)) return gp(err);
    if (!d.present()) return fault(vec::NP, err);
    const u16 code_sel = static_cast<u16>(d.lo >> 16);
    u64 target = (d.lo & 0xffff) | (type == kTypeCallGate32 ? (d.hi & 0xffff0000u) : 0);
    if (long_mode()) {
      u32 upper;
      if (!read_descriptor_hi64(selector, upper)) return false;
      target |= u64{upper} << 32;
    }
    if ((code_sel & 0xfffc) == 0) return gp(0);
    Descriptor code;
    if (!read_descriptor(code_sel, code, vec::GP)) return false;
    if (!is_code(code) || (conforming(code) ? code.dpl() > s.cpl : code.dpl() != s.cpl)) {
      return gp(code_sel & 0xfffc);
    }
    if (!code.present()) return fault(vec::NP, code_sel & 0xfffc);
    return enter_code(code_sel, code, target, s.cpl);
  }
  if (!long_mode() && (type == kTypeTaskGate || type == kTypeTss16 || type == kTypeTss32)) {
    return task_switch(selector, d, TaskSwitchReason::Jmp, false, 0, m_next_rip);
  }
  return gp(err);
}

bool X86Cpu::far_call(u16 selector, u64 offset, unsigned opsize) {
  const u64 ret = m_next_rip;
  const u16 old_cs = s.seg[kCs].selector;
  if (!protected_mode() || v86()) {
    offset &= size_mask(opsize);
    if (offset > s.seg[kCs].limit) return gp(0);
    const u64 old_sp = s.gpr[kRsp];
    const bool ok = opsize == 2 ? push<u16>(old_cs) && push<u16>(static_cast<u16>(ret))
                                : push<u32>(old_cs) && push<u32>(static_cast<u32>(ret));
    if (!ok) {
      s.gpr[kRsp] = old_sp;
      return false;
    }
    load_real_segment(kCs, selector);
    m_next_rip = offset;
    end_block();
    return true;
  }
  const u16 err = selector & 0xfffc;
  if (err == 0) return gp(0);
  Descriptor d;
  if (!read_descriptor(selector, d, vec::GP)) return false;
  const u64 old_sp = s.gpr[kRsp];
  auto push_return = [&](unsigned size) {
    bool ok;
    if (size == 2)
      ok = push<u16>(old_cs) && push<u16>(static_cast<u16>(ret));
    else if (size == 4)
      ok = push<u32>(old_cs) && push<u32>(static_cast<u32>(ret));
    else
      ok = push<u64>(old_cs) && push<u64>(ret);
    if (!ok) s.gpr[kRsp] = old_sp;
    return ok;
  };
  if (d.s()) {
    if (!is_code(d)) return gp(err);
    if (conforming(d) ? d.dpl() > s.cpl : ((selector & 3) > s.cpl || d.dpl() != s.cpl)) {
      return gp(err);
    }
    if (!d.present()) return fault(vec::NP, err);
    // Check the target before pushing anything, then push, then load CS.
    const bool target64 = long_mode() && (d.hi & (1u << 21));
    const u64 target = offset & size_mask(opsize);
    if (!target64 && target > d.limit()) return gp(0);
    if (!push_return(opsize)) return false;
    if (!enter_code(selector, d, target, s.cpl)) {
      s.gpr[kRsp] = old_sp;
      return false;
    }
    return true;
  }
  const unsigned type = d.type();
  if (type == kTypeCallGate16 || type == kTypeCallGate32) {
    if (d.dpl() < s.cpl || d.dpl() < (selector & 3)) return gp(err);
    if (!d.present()) return fault(vec::NP, err);
    const u16 code_sel = static_cast<u16>(d.lo >> 16);
    u64 target = (d.lo & 0xffff) | (type == kTypeCallGate32 ? (d.hi & 0xffff0000u) : 0);
    const bool gate64 = long_mode();
    if (gate64) {
      u32 upper;
      if (!read_descriptor_hi64(selector, upper)) return false;
      target |= u64{upper} << 32;
    }
    const unsigned size = gate64 ? 8 : type == kTypeCallGate32 ? 4 : 2;
    if ((code_sel & 0xfffc) == 0) return gp(0);
    Descriptor code;
    if (!read_descriptor(code_sel, code, vec::GP)) return false;
    if (!is_code(code) || code.dpl() > s.cpl) return gp(code_sel & 0xfffc);
    if (gate64 && (!(code.hi & (1u << 21)) || (code.hi & (1u << 22)))) {
      return gp(code_sel & 0xfffc);
    }
    if (!code.present()) return fault(vec::NP, code_sel & 0xfffc);
    if (conforming(code) || code.dpl() == s.cpl) {
      if (!gate64 && target > code.limit()) return gp(0);
      if (!push_return(size)) return false;
      if (!enter_code(code_sel, code, target, s.cpl)) {
        s.gpr[kRsp] = old_sp;
        return false;
      }
      return true;
    }
    // Call to an inner privilege level: switch to the stack in the TSS and copy parameters.
    const unsigned new_cpl = code.dpl();
    u16 ss_sel;
    u64 new_sp;
    if (!tss_inner_stack(new_cpl, ss_sel, new_sp)) return false;
    Segment new_ss{};
    if (gate64) {
      new_ss.selector = static_cast<u16>(new_cpl);
      new_ss.attr = 0;
    } else {
      Descriptor ssd;
      if (!check_inner_ss(ss_sel, new_cpl, ssd)) return false;
      new_ss = {ss_sel, ssd.base(), ssd.limit(), ssd.attr()};
    }
    if (!gate64 && target > code.limit()) return gp(0);
    const unsigned key = new_cpl == 3 ? kKeyUser : kKeySupervisor;
    StackWriter w(*this, new_ss, new_sp, gate64, key, ss_sel & 0xfffc);
    const unsigned params = gate64 ? 0 : d.hi & 0x1f;
    u64 param_values[32];
    const u64 sp_now = sp_masked();
    for (unsigned n = 0; n < params; ++n) {
      const u64 addr = (sp_now + n * size) & size_mask(stack_size());
      if (size == 4) {
        u32 v;
        if (!read_mem(kSs, addr, v)) return false;
        param_values[n] = v;
      } else {
        u16 v;
        if (!read_mem(kSs, addr, v)) return false;
        param_values[n] = v;
      }
    }
    if (!w.push(s.seg[kSs].selector, size) ||
        !w.push(s.gpr[kRsp] & size_mask(size == 8 ? 8 : 4), size)) {
      return false;
    }
    for (unsigned n = params; n-- > 0;) {
      if (!w.push(param_values[n], size)) return false;
    }
    if (!w.push(old_cs, size) || !w.push(ret, size)) return false;
    // Commit.
    if (!enter_code(code_sel, code, target, new_cpl)) return false;
    s.seg[kSs] = new_ss;
    if (gate64) {
      s.gpr[kRsp] = w.sp();
    } else {
      Descriptor ssd;
      if (!read_descriptor(ss_sel, ssd, vec::TS) || !set_accessed(ss_sel, ssd)) return false;
      load_segment_cache(kSs, ss_sel, ssd);
      set_areg(kRsp, (ssd.hi & (1u << 22)) ? 4 : 2, w.sp());
    }
    add_cycles(20);
    return true;
  }
  if (!long_mode() && (type == kTypeTaskGate || type == kTypeTss16 || type == kTypeTss32)) {
    return task_switch(selector, d, TaskSwitchReason::Call, false, 0, ret);
  }
  return gp(err);
}

bool X86Cpu::far_return(unsigned opsize, u16 pop_bytes) {
  const unsigned ss_size = stack_size();
  const u64 sp = sp_masked();
  const u64 mask = size_mask(ss_size);
  u64 new_ip = 0, sel64 = 0;
  auto read_item = [&](u64 addr, u64& out) {
    if (opsize == 2) {
      u16 v;
      if (!read_mem(kSs, addr & mask, v)) return false;
      out = v;
    } else if (opsize == 4) {
      u32 v;
      if (!read_mem(kSs, addr & mask, v)) return false;
      out = v;
    } else if (!read_mem(kSs, addr & mask, out)) {
      return false;
    }
    return true;
  };
  if (!read_item(sp, new_ip) || !read_item(sp + opsize, sel64)) return false;
  const u16 selector = static_cast<u16>(sel64);
  if (!protected_mode() || v86()) {
    if (new_ip > s.seg[kCs].limit) return gp(0);
    load_real_segment(kCs, selector);
    set_sp(sp + 2 * opsize + pop_bytes);
    m_next_rip = new_ip;
    end_block();
    return true;
  }
  const u16 err = selector & 0xfffc;
  if (err == 0) return gp(0);
  Descriptor d;
  if (!read_descriptor(selector, d, vec::GP)) return false;
  const unsigned rpl = selector & 3;
  if (!is_code(d) || rpl < s.cpl) return gp(err);
  if (conforming(d) ? d.dpl() > rpl : d.dpl() != rpl) return gp(err);
  if (!d.present()) return fault(vec::NP, err);
  if (rpl == s.cpl) {
    if (!enter_code(selector, d, new_ip, rpl)) return false;
    set_sp(sp + 2 * opsize + pop_bytes);
    return true;
  }
  // Return to an outer privilege level: the caller's SS:rSP follow the parameters.
  const u64 outer = sp + 2 * opsize + pop_bytes;
  u64 new_sp = 0, ss64 = 0;
  if (!read_item(outer, new_sp) || !read_item(outer + opsize, ss64)) return false;
  const u16 ss_sel = static_cast<u16>(ss64);
  const bool to64 = long_mode() && (d.hi & (1u << 21));
  Descriptor ssd;
  bool null_ss = (ss_sel & 0xfffc) == 0;
  if (null_ss) {
    if (!(to64 && rpl < 3)) return gp(0);
  } else {
    if (!read_descriptor(ss_sel, ssd, vec::GP)) return false;
    if ((ss_sel & 3) != rpl || ssd.dpl() != rpl || !ssd.s() || (ssd.type() & 8) ||
        !(ssd.type() & 2)) {
      return gp(ss_sel & 0xfffc);
    }
    if (!ssd.present()) return fault(vec::SS, ss_sel & 0xfffc);
  }
  if (!enter_code(selector, d, new_ip, rpl)) return false;
  if (null_ss) {
    s.seg[kSs].selector = ss_sel;
    s.seg[kSs].attr = 0;
  } else {
    if (!set_accessed(ss_sel, ssd)) return false;
    load_segment_cache(kSs, ss_sel, ssd);
  }
  const unsigned new_ss_size = to64 ? 8 : (s.seg[kSs].attr & attr::DB) ? 4 : 2;
  set_areg(kRsp, new_ss_size, new_sp + pop_bytes);
  invalidate_segments_for_cpl();
  return true;
}

}  // namespace glasspc

// Delivery of exceptions and interrupts through the IVT (real mode), the 32-bit IDT (protected
// and virtual-8086 mode) and the 64-bit IDT (IA-32e mode, with IST), double- and triple-fault
// rules, and IRET (SDM Vol. 3A ch. 6, Vol. 2A INT n/IRET, Vol. 3A 20.3 for virtual-8086 mode).
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "bus/trace.h"
#include "cpu/cpu_inline.h"
#include "cpu/stack_writer.h"

namespace glasspc {
namespace {

// SDM Vol. 3A 6.15, Table 6-4 ("contributory" exceptions) and Table 6-5.
bool contributory(u8 v) {
  return v == vec::DE || (v >= vec::TS && v <= vec::GP);
}

}  // namespace

void X86Cpu::deliver_pending_exception() {
  u8 vector = m_exc_vector;
  bool has_error = m_exc_has_error;
  u32 error = m_exc_error;
  for (;;) {
    if (deliver_event(vector, EventKind::Exception, has_error, error, s.rip)) return;
    // Delivering `vector` raised another exception (SDM Vol. 3A 6.15 "Double Fault").
    const u8 second = m_exc_vector;
    if (vector == vec::DF) {
      enter_shutdown();
      return;
    }
    const bool df = (contributory(vector) && contributory(second)) ||
                    (vector == vec::PF && (contributory(second) || second == vec::PF));
    if (df) {
      vector = vec::DF;
      has_error = true;
      error = 0;
    } else {
      vector = second;
      has_error = m_exc_has_error;
      error = m_exc_error;
    }
  }
}

bool X86Cpu::software_interrupt(u8 vector, EventKind kind) {
  return deliver_event(vector, kind, false, 0, m_next_rip);
}

bool X86Cpu::deliver_event(u8 vector, EventKind kind, bool has_error, u32 error, u64 return_rip) {
  if (m_env.trace.on(TraceCategory::Exception)) {
    sync_clock();
    // For #UD the trace shows the instruction bytes, read through the execute TLB entry that
    // fetched them (no page walk, so tracing never changes accessed bits).
    std::string bytes;
    if (vector == vec::UD && kind == EventKind::Exception) {
      const u64 linear = s.seg[kCs].base + s.rip;
      if (const u8* p = direct(linear, Access::Exec, s.cpl == 3 ? kKeyUser : kKeySupervisor)) {
        const unsigned n = std::min<u64>(15, kPageSize - (linear & kPageMask));
        bytes = "bytes";
        for (unsigned k = 0; k < n; ++k) bytes += fmt::format(" {:02x}", p[k]);
      }
    }
    m_env.trace.emit(
        TraceCategory::Exception, "cpu", kind == EventKind::Hardware ? "interrupt" : "exception",
        {{"vector", vector}, {"error", error}, {"rip", s.rip}, {"cs", s.seg[kCs].selector}}, bytes);
  }
  ++m_events_delivered;
  const bool soft = kind == EventKind::Software || kind == EventKind::SoftwareException;
  const u32 ext = soft ? 0 : 1;
  materialize_flags();
  const u64 old_flags = m_rflags;
  add_cycles(20);

  if (!protected_mode()) {
    // Real mode: 4-byte IVT entries (SDM Vol. 3A 20.1.4).
    if (vector * 4u + 3 > s.idtr.limit) return gp(0);
    u16 ip, cs;
    if (!read_sys(s.idtr.base + vector * 4u, ip) || !read_sys(s.idtr.base + vector * 4u + 2, cs)) {
      return false;
    }
    const u64 old_sp = s.gpr[kRsp];
    if (!push<u16>(static_cast<u16>(old_flags)) || !push<u16>(s.seg[kCs].selector) ||
        !push<u16>(static_cast<u16>(return_rip))) {
      s.gpr[kRsp] = old_sp;
      return false;
    }
    m_rflags &= ~(flag::IF | flag::TF | flag::AC | flag::RF);
    load_real_segment(kCs, cs);
    s.rip = m_next_rip = ip;
    end_block();
    return true;
  }

  const bool lm = long_mode();
  const unsigned entry = lm ? 16 : 8;
  const u32 idt_err = vector * 8u + 2 + ext;
  if (vector * entry + entry - 1 > s.idtr.limit) return gp(idt_err);
  u32 lo, hi, hi2 = 0;
  const u64 gate_addr = s.idtr.base + vector * entry;
  if (!read_sys(gate_addr, lo) || !read_sys(gate_addr + 4, hi)) return false;
  if (lm && !read_sys(gate_addr + 8, hi2)) return false;
  const unsigned type = (hi >> 8) & 0x1f;  // includes S (must be 0)
  const unsigned gate_dpl = (hi >> 13) & 3;
  bool trap_gate;
  unsigned gate_size;
  if (lm) {
    if (type != 0xe && type != 0xf) return gp(idt_err);
    trap_gate = type == 0xf;
    gate_size = 8;
  } else {
    switch (type) {
      case 0x5:
        trap_gate = false;
        gate_size = 0;
        break;  // task gate
      case 0x6:
        trap_gate = false;
        gate_size = 2;
        break;
      case 0x7:
        trap_gate = true;
        gate_size = 2;
        break;
      case 0xe:
        trap_gate = false;
        gate_size = 4;
        break;
      case 0xf:
        trap_gate = true;
        gate_size = 4;
        break;
      default:
        return gp(idt_err);
    }
  }
  // INT n, INT3 and INTO check the gate DPL; INT1 and hardware events do not (SDM 6.12.1.1).
  if (soft && gate_dpl < s.cpl) return gp(vector * 8u + 2);
  if (!(hi & (1u << 15))) return fault(vec::NP, idt_err);

  if (gate_size == 0) {
    const u16 tss_sel = static_cast<u16>(lo >> 16);
    Descriptor tss;
    if (!read_descriptor(tss_sel, tss, vec::GP)) return false;
    if ((tss_sel & 4) || tss.s() || (tss.type() & ~8u) != 1) return gp((tss_sel & 0xfffc) | ext);
    if (!tss.present()) return fault(vec::NP, (tss_sel & 0xfffc) | ext);
    return task_switch(tss_sel, tss, TaskSwitchReason::Interrupt, has_error, error, return_rip);
  }

  const u16 code_sel = static_cast<u16>(lo >> 16);
  u64 offset = (lo & 0xffff) | (gate_size >= 4 ? (hi & 0xffff0000u) : 0);
  if (lm) offset |= u64{hi2} << 32;
  if ((code_sel & 0xfffc) == 0) return gp(ext);
  Descriptor code;
  if (!read_descriptor(code_sel, code, vec::GP)) return false;
  const u32 code_err = (code_sel & 0xfffc) | ext;
  if (!code.s() || !(code.type() & 8) || code.dpl() > s.cpl) return gp(code_err);
  if (lm && (!(code.hi & (1u << 21)) || (code.hi & (1u << 22)))) return gp(code_err);
  if (!code.present()) return fault(vec::NP, code_err);
  const bool conforming = (code.type() & 4) != 0;
  const bool inner = !conforming && code.dpl() < s.cpl;
  const bool from_v86 = v86();
  if (from_v86 && code.dpl() != 0) return gp(code_err);
  const unsigned new_cpl = inner ? code.dpl() : s.cpl;
  const unsigned key = new_cpl == 3 ? kKeyUser : kKeySupervisor;

  Segment new_ss = s.seg[kSs];
  u64 new_sp = s.gpr[kRsp];
  u16 ss_err = 0;
  const unsigned ist = lm ? (hi & 7) : 0;
  if (lm) {
    if (inner) {
      u16 unused;
      if (!tss_inner_stack(new_cpl, unused, new_sp)) return false;
      new_ss = Segment{};
      new_ss.selector = static_cast<u16>(new_cpl);
    }
    if (ist != 0) {
      const u32 off = 0x24 + 8 * (ist - 1);  // IST1 at offset 36 (SDM Vol. 3A 7.7, Figure 7-11)
      if (off + 7 > s.tr.limit) return fault(vec::TS, (s.tr.selector & 0xfffc) | ext);
      if (!read_sys(s.tr.base + off, new_sp)) return false;
    }
    new_sp &= ~u64{0xf};  // 64-bit mode aligns the new stack frame (SDM Vol. 3A 6.14.2)
  } else if (inner) {
    u16 ss_sel;
    if (!tss_inner_stack(new_cpl, ss_sel, new_sp)) return false;
    Descriptor ssd;
    if (!check_inner_ss(ss_sel, new_cpl, ssd)) return false;
    new_ss = {ss_sel, ssd.base(), ssd.limit(), ssd.attr()};
    ss_err = ss_sel & 0xfffc;
  } else if (!lm && !conforming && code.dpl() != s.cpl) {
    return gp(code_err);
  }
  if (!lm && !inner && from_v86) return gp(code_err);
  if (!lm && !code64() && offset > code.limit()) return gp(ext);

  StackWriter w(*this, new_ss, new_sp, lm, key, ss_err);
  const u64 flags_image = old_flags;
  bool ok = true;
  if (lm || inner) {
    if (from_v86) {
      ok = w.push(s.seg[kGs].selector, gate_size) && w.push(s.seg[kFs].selector, gate_size) &&
           w.push(s.seg[kDs].selector, gate_size) && w.push(s.seg[kEs].selector, gate_size);
    }
    ok = ok && w.push(s.seg[kSs].selector, gate_size) && w.push(s.gpr[kRsp], gate_size);
  }
  ok = ok && w.push(flags_image, gate_size) && w.push(s.seg[kCs].selector, gate_size) &&
       w.push(return_rip, gate_size);
  if (ok && has_error) ok = w.push(error, gate_size);
  if (!ok) return false;

  // Commit: new CS, stack, flags.
  if (!set_accessed(code_sel, code)) return false;
  if (lm || inner) {
    if (lm) {
      s.seg[kSs] = new_ss;
      if (inner) s.seg[kSs].attr = 0;
    } else {
      Descriptor ssd;
      if (!read_descriptor(new_ss.selector, ssd, vec::TS) || !set_accessed(new_ss.selector, ssd)) {
        return false;
      }
      load_segment_cache(kSs, new_ss.selector, ssd);
    }
  }
  if (lm) {
    s.gpr[kRsp] = w.sp();
  } else {
    set_areg(kRsp, (s.seg[kSs].attr & attr::DB) ? 4 : 2, w.sp());
  }
  if (from_v86) {
    for (unsigned seg : {kEs, kDs, kFs, kGs}) {
      s.seg[seg].selector = 0;
      s.seg[seg].attr = 0;
    }
  }
  m_rflags &= ~(flag::TF | flag::VM | flag::RF | flag::NT);
  if (!trap_gate) m_rflags &= ~flag::IF;
  s.cpl = static_cast<u8>(new_cpl);
  load_segment_cache(kCs, static_cast<u16>((code_sel & 0xfffc) | new_cpl), code);
  s.rip = m_next_rip = lm ? offset : offset & size_mask(gate_size);
  update_mode();
  end_block();
  return true;
}

// IRET/IRETD/IRETQ (SDM Vol. 2A IRET).
bool X86Cpu::iret(unsigned opsize) {
  m_nmi_blocked = false;
  end_block();
  materialize_flags();
  const unsigned ss_size = stack_size();
  const u64 mask = size_mask(ss_size);
  const u64 sp = sp_masked();
  auto read_item = [&](unsigned n, u64& out) {
    const u64 addr = (sp + n * opsize) & mask;
    if (opsize == 2) {
      u16 v;
      if (!read_mem(kSs, addr, v)) return false;
      out = v;
    } else if (opsize == 4) {
      u32 v;
      if (!read_mem(kSs, addr, v)) return false;
      out = v;
    } else if (!read_mem(kSs, addr, out)) {
      return false;
    }
    return true;
  };

  if (!protected_mode() || v86()) {
    if (v86() && iopl() < 3) return gp(0);  // no VME: IOPL-sensitive (SDM Vol. 3A 20.2.7)
    u64 ip, cs, fl;
    if (!read_item(0, ip) || !read_item(1, cs) || !read_item(2, fl)) return false;
    if (ip > s.seg[kCs].limit) return gp(0);
    u64 changeable = opsize == 2 ? 0xffff : 0x257fd5;
    if (v86()) changeable &= ~flag::IOPL;
    load_real_segment(kCs, static_cast<u16>(cs));
    set_sp(sp + 3 * opsize);
    write_flags(fl, changeable);
    m_next_rip = ip;
    return true;
  }

  if (m_rflags & flag::NT) {
    if (long_mode()) return gp(0);
    // Return from a nested task through the TSS back link (SDM Vol. 3A 7.3).
    u16 link;
    if (!read_sys(s.tr.base, link)) return false;
    Descriptor tss;
    if ((link & 4) || !read_descriptor(link, tss, vec::TS)) {
      return (link & 4) ? fault(vec::TS, link & 0xfffc) : false;
    }
    if (tss.s() || (tss.type() & ~8u) != 3) return fault(vec::TS, link & 0xfffc);
    if (!tss.present()) return fault(vec::NP, link & 0xfffc);
    return task_switch(link, tss, TaskSwitchReason::Iret, false, 0, m_next_rip);
  }

  u64 ip, cs64, fl;
  if (!read_item(0, ip) || !read_item(1, cs64) || !read_item(2, fl)) return false;
  const u16 cs = static_cast<u16>(cs64);

  if ((fl & flag::VM) && s.cpl == 0 && opsize == 4 && !long_mode()) {
    // Return to virtual-8086 mode: the frame also holds ESP, SS, ES, DS, FS, GS.
    u64 esp, ss, es, ds, fs, gs;
    if (!read_item(3, esp) || !read_item(4, ss) || !read_item(5, es) || !read_item(6, ds) ||
        !read_item(7, fs) || !read_item(8, gs)) {
      return false;
    }
    if ((ip & 0xffff0000u) != 0) return gp(0);
    m_flag_op = FlagOp::None;
    m_rflags = (fl & 0x3f7fd5) | flag::kFixed1;
    s.cpl = 3;
    update_mode();
    load_real_segment(kCs, cs);
    load_real_segment(kSs, static_cast<u16>(ss));
    load_real_segment(kEs, static_cast<u16>(es));
    load_real_segment(kDs, static_cast<u16>(ds));
    load_real_segment(kFs, static_cast<u16>(fs));
    load_real_segment(kGs, static_cast<u16>(gs));
    s.gpr[kRsp] = esp & 0xffffffffu;
    m_next_rip = ip & 0xffff;
    return true;
  }

  const u16 err = cs & 0xfffc;
  if (err == 0) return gp(0);
  Descriptor d;
  if (!read_descriptor(cs, d, vec::GP)) return false;
  const unsigned rpl = cs & 3;
  if (!d.s() || !(d.type() & 8) || rpl < s.cpl) return gp(err);
  if ((d.type() & 4) ? d.dpl() > rpl : d.dpl() != rpl) return gp(err);
  if (!d.present()) return fault(vec::NP, err);

  // Flags the new privilege level may change (SDM Vol. 2A IRET, "RETURN-TO-SAME/OUTER").
  u64 changeable = flag::kArith | flag::TF | flag::DF | flag::NT | flag::RF | flag::AC | flag::ID;
  if (s.cpl <= iopl()) changeable |= flag::IF;
  if (s.cpl == 0) changeable |= flag::IOPL | flag::VIF | flag::VIP;
  if (opsize == 2) changeable &= 0xffff;

  const bool pop_stack = code64() || rpl > s.cpl;
  if (!pop_stack) {
    if (!enter_code(cs, d, ip, rpl)) return false;
    set_sp(sp + 3 * opsize);
    write_flags(fl, changeable);
    return true;
  }
  u64 new_sp, ss64;
  if (!read_item(3, new_sp) || !read_item(4, ss64)) return false;
  const u16 ss_sel = static_cast<u16>(ss64);
  const bool to64 = long_mode() && (d.hi & (1u << 21));
  Descriptor ssd;
  const bool null_ss = (ss_sel & 0xfffc) == 0;
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
  const unsigned old_cpl = s.cpl;
  if (!enter_code(cs, d, ip, rpl)) return false;
  if (null_ss) {
    s.seg[kSs].selector = ss_sel;
    s.seg[kSs].attr = 0;
  } else {
    if (!set_accessed(ss_sel, ssd)) return false;
    load_segment_cache(kSs, ss_sel, ssd);
  }
  const unsigned new_ss_size = to64 ? 8 : (s.seg[kSs].attr & attr::DB) ? 4 : 2;
  set_areg(kRsp, new_ss_size, new_sp);
  // Flag rules use the privilege level the IRET executed at.
  (void)old_cpl;
  write_flags(fl, changeable);
  if (rpl > old_cpl) invalidate_segments_for_cpl();
  return true;
}

}  // namespace glasspc

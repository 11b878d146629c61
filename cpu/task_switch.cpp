// Hardware task switching through 16- and 32-bit TSS descriptors, task gates, nested tasks and
// the busy bit (SDM Vol. 3A ch. 7, 7.3 "Task Switching"). Not available in IA-32e mode.
#include "cpu/cpu_inline.h"

namespace glasspc {
namespace {

constexpr u32 kBusyBit = 1u << 9;  // type bit 1 of a TSS descriptor

struct TaskImage {
  u32 eip, eflags, cr3;
  u32 gpr[8];
  u16 seg[6];
  u16 ldt;
};

}  // namespace

bool X86Cpu::task_switch(u16 selector, const Descriptor& tss_in, TaskSwitchReason reason,
                         bool has_error, u32 error, u64 return_rip) {
  Descriptor tss = tss_in;
  const u16 err = selector & 0xfffc;
  const bool nested = reason == TaskSwitchReason::Call || reason == TaskSwitchReason::Interrupt;
  if (selector & 4) return fault(vec::TS, err);
  // A task gate may name any TSS; JMP/CALL straight to a TSS check its DPL.
  if (tss.type() == 5) {
    const u16 target = static_cast<u16>(tss.lo >> 16);
    if (reason != TaskSwitchReason::Interrupt &&
        (tss.dpl() < s.cpl || tss.dpl() < (selector & 3))) {
      return gp(err);
    }
    if (!tss.present()) return fault(vec::NP, err);
    Descriptor target_tss;
    if ((target & 4) || !read_descriptor(target, target_tss, vec::GP)) {
      return (target & 4) ? gp(target & 0xfffc) : false;
    }
    if (target_tss.s() || (target_tss.type() & ~8u) != 1) return gp(target & 0xfffc);
    if (!target_tss.present()) return fault(vec::NP, target & 0xfffc);
    return task_switch(target, target_tss, reason, has_error, error, return_rip);
  }
  if (tss.s() || (tss.type() & ~0xau) != 1) return gp(err);
  const bool busy = (tss.type() & 2) != 0;
  if (reason == TaskSwitchReason::Iret ? !busy : busy) {
    return reason == TaskSwitchReason::Iret ? fault(vec::TS, err) : gp(err);
  }
  if ((reason == TaskSwitchReason::Jmp || reason == TaskSwitchReason::Call) &&
      (tss.dpl() < s.cpl || tss.dpl() < (selector & 3))) {
    return gp(err);
  }
  if (!tss.present()) return fault(vec::NP, err);
  const bool new32 = (tss.type() & 8) != 0;
  if (tss.limit() < (new32 ? 0x67u : 0x2bu)) return fault(vec::TS, err);

  // Save the outgoing task's dynamic state into its TSS.
  materialize_flags();
  u64 old_flags = m_rflags;
  if (reason == TaskSwitchReason::Iret) old_flags &= ~flag::NT;
  const bool old32 = (s.tr.attr & 8) != 0;
  const u64 ob = s.tr.base;
  bool ok;
  if (old32) {
    ok = write_sys<u32>(ob + 0x20, static_cast<u32>(return_rip)) &&
         write_sys<u32>(ob + 0x24, static_cast<u32>(old_flags));
    for (unsigned r = 0; r < 8 && ok; ++r)
      ok = write_sys<u32>(ob + 0x28 + 4 * r, static_cast<u32>(s.gpr[r]));
    for (unsigned sg = 0; sg < 6 && ok; ++sg)
      ok = write_sys<u16>(ob + 0x48 + 4 * sg, s.seg[sg].selector);
  } else {
    ok = write_sys<u16>(ob + 0x0e, static_cast<u16>(return_rip)) &&
         write_sys<u16>(ob + 0x10, static_cast<u16>(old_flags));
    for (unsigned r = 0; r < 8 && ok; ++r)
      ok = write_sys<u16>(ob + 0x12 + 2 * r, static_cast<u16>(s.gpr[r]));
    for (unsigned sg = 0; sg < 4 && ok; ++sg)
      ok = write_sys<u16>(ob + 0x22 + 2 * sg, s.seg[sg].selector);
  }
  if (!ok) return false;

  // Read the incoming task's state.
  const u64 nb = tss.base();
  TaskImage img{};
  if (new32) {
    ok = read_sys(nb + 0x1c, img.cr3) && read_sys(nb + 0x20, img.eip) &&
         read_sys(nb + 0x24, img.eflags) && read_sys(nb + 0x60, img.ldt);
    for (unsigned r = 0; r < 8 && ok; ++r) ok = read_sys(nb + 0x28 + 4 * r, img.gpr[r]);
    for (unsigned sg = 0; sg < 6 && ok; ++sg) ok = read_sys(nb + 0x48 + 4 * sg, img.seg[sg]);
  } else {
    u16 ip = 0, fl = 0, v = 0;
    ok = read_sys(nb + 0x0e, ip) && read_sys(nb + 0x10, fl) && read_sys(nb + 0x2a, img.ldt);
    img.eip = ip;
    img.eflags = fl;
    for (unsigned r = 0; r < 8 && ok; ++r) {
      ok = read_sys(nb + 0x12 + 2 * r, v);
      img.gpr[r] = (static_cast<u32>(s.gpr[r]) & 0xffff0000u) | v;
    }
    for (unsigned sg = 0; sg < 4 && ok; ++sg) ok = read_sys(nb + 0x22 + 2 * sg, img.seg[sg]);
  }
  if (!ok) return false;

  // Busy bits, back link and NT (SDM Vol. 3A 7.3, Table 7-2).
  const u64 gdt = s.gdtr.base;
  if (reason == TaskSwitchReason::Jmp || reason == TaskSwitchReason::Iret) {
    u32 old_hi;
    if (!read_sys(gdt + (s.tr.selector & 0xfff8) + 4, old_hi) ||
        !write_sys<u32>(gdt + (s.tr.selector & 0xfff8) + 4, old_hi & ~kBusyBit)) {
      return false;
    }
  }
  if (nested) {
    if (!write_sys<u16>(nb, s.tr.selector)) return false;
    img.eflags |= static_cast<u32>(flag::NT);
  }
  if (reason != TaskSwitchReason::Iret) {
    tss.hi |= kBusyBit;
    if (!write_sys<u32>(gdt + (selector & 0xfff8) + 4, tss.hi)) return false;
  }

  // Switch: TR, CR0.TS, CR3, registers, flags. Faults from here on belong to the new task.
  s.tr = {selector, tss.base(), tss.limit(), tss.attr()};
  s.cr0 |= cr0::TS;
  if (new32 && paging() && img.cr3 != static_cast<u32>(s.cr3)) {
    s.cr3 = img.cr3;
    flush_tlb(true);
  }
  for (unsigned r = 0; r < 8; ++r) s.gpr[r] = img.gpr[r];
  m_flag_op = FlagOp::None;
  m_rflags = (img.eflags & 0x3f7fd5) | flag::kFixed1;
  s.rip = m_next_rip = img.eip;
  update_mode();
  end_block();

  if (m_rflags & flag::VM) {
    s.cpl = 3;
    for (unsigned sg = 0; sg < 6; ++sg) load_real_segment(sg, img.seg[sg]);
  } else {
    // LDT, then CS (which sets CPL), then SS and the data segments (SDM Vol. 3A 7.3 step 12).
    if ((img.ldt & 0xfffc) == 0) {
      s.ldtr = Segment{};
      s.ldtr.selector = img.ldt;
    } else {
      Descriptor ldt;
      if ((img.ldt & 4) || !read_descriptor(img.ldt, ldt, vec::TS)) {
        return (img.ldt & 4) ? fault(vec::TS, img.ldt & 0xfffc) : false;
      }
      if (ldt.s() || ldt.type() != 2) return fault(vec::TS, img.ldt & 0xfffc);
      if (!ldt.present()) return fault(vec::TS, img.ldt & 0xfffc);
      s.ldtr = {img.ldt, ldt.base(), ldt.limit(), ldt.attr()};
    }
    const u16 cs = img.seg[kCs];
    Descriptor code;
    if ((cs & 0xfffc) == 0) return fault(vec::TS, 0);
    if (!read_descriptor(cs, code, vec::TS)) return false;
    const unsigned rpl = cs & 3;
    if (!code.s() || !(code.type() & 8) ||
        ((code.type() & 4) ? code.dpl() > rpl : code.dpl() != rpl)) {
      return fault(vec::TS, cs & 0xfffc);
    }
    if (!code.present()) return fault(vec::NP, cs & 0xfffc);
    s.cpl = static_cast<u8>(rpl);
    load_segment_cache(kCs, cs, code);
    const u16 ss = img.seg[kSs];
    Descriptor ssd;
    if ((ss & 0xfffc) == 0) return fault(vec::TS, 0);
    if (!read_descriptor(ss, ssd, vec::TS)) return false;
    if ((ss & 3) != rpl || ssd.dpl() != rpl || !ssd.s() || (ssd.type() & 8) || !(ssd.type() & 2)) {
      return fault(vec::TS, ss & 0xfffc);
    }
    if (!ssd.present()) return fault(vec::SS, ss & 0xfffc);
    load_segment_cache(kSs, ss, ssd);
    for (unsigned sg : {kEs, kDs, kFs, kGs}) {
      const u16 sel = sg < 4 || new32 ? img.seg[sg] : 0;
      if ((sel & 0xfffc) == 0) {
        s.seg[sg].selector = sel;
        s.seg[sg].attr = 0;
        continue;
      }
      Descriptor d;
      if (!read_descriptor(sel, d, vec::TS)) return false;
      const bool code_seg = (d.type() & 8) != 0;
      if (!d.s() || (code_seg && !(d.type() & 2))) return fault(vec::TS, sel & 0xfffc);
      if (!(code_seg && (d.type() & 4)) && (d.dpl() < rpl || d.dpl() < (sel & 3))) {
        return fault(vec::TS, sel & 0xfffc);
      }
      if (!d.present()) return fault(vec::NP, sel & 0xfffc);
      load_segment_cache(sg, sel, d);
    }
  }
  if (new32 ? img.eip > s.seg[kCs].limit : false) return gp(0);
  if (has_error) {
    const bool ok_push = new32 ? push<u32>(error) : push<u16>(static_cast<u16>(error));
    if (!ok_push) return false;
  }
  // The T (debug trap) flag of a 32-bit TSS: #DB with DR6.BT once the switch is complete, before
  // the new task's first instruction (SDM Vol. 3A 7.2.1, Vol. 3B 18.3.1.5).
  if (new32) {
    u16 trap_word;
    if (read_sys(nb + 0x64, trap_word) && (trap_word & 1)) {
      m_task_switch_trap = true;
      end_block();
    }
  }
  add_cycles(100);
  return true;
}

}  // namespace glasspc

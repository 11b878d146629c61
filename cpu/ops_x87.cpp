// x87 control instructions and the registration of the whole x87 set (SDM Vol. 2A A.4 tables):
// FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW, FWAIT, FNOP, FDECSTP, FINCSTP, FFREE, FFREEP and the
// 8087/287 leftovers FENI/FDISI/FSETPM (no-ops on the 387 and later). The control instructions
// do not touch FOP and the last instruction/data pointers (SDM Vol. 1 8.1.8); the FN forms do
// not check for pending exceptions.
#include "cpu/decoder.h"
#include "cpu/x87_core.h"

namespace glasspc {

void x87_init(X86Cpu& c) {
  X87State& x = c.s.x87;
  x.fcw = 0x037f;
  x.fsw = 0;
  x.ftw = 0;
  x.fop = 0;
  x.fip = x.fdp = 0;
  x.fcs = x.fds = 0;
  c.set_ferr(false);
}

namespace {

bool fninit(X86Cpu& c, const Insn&) {
  if (!x87_available(c, false)) return false;
  x87_init(c);
  return true;
}

// FNCLEX: clears the exception flags, SF, ES and B (SDM Vol. 2A FCLEX).
bool fnclex(X86Cpu& c, const Insn&) {
  if (!x87_available(c, false)) return false;
  c.s.x87.fsw &= ~(fsw::kFlags | fsw::SF | fsw::ES | fsw::B);
  c.set_ferr(false);
  return true;
}

// FLDCW: unmasking a flag that is set raises ES (reported at the next waiting instruction);
// masking it clears ES (SDM Vol. 1 8.1.3.1, Vol. 2A FLDCW).
bool fldcw(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  u16 v;
  if (!c.read_mem(i.seg, c.ea(i), v)) return false;
  c.s.x87.fcw = static_cast<u16>((v & 0x1f3f) | 0x40);
  x87_update_summary(c.s.x87);
  if (!(c.s.x87.fsw & fsw::ES)) c.set_ferr(false);
  return true;
}

bool fnstcw(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, false)) return false;
  return c.write_mem(i.seg, c.ea(i), c.s.x87.fcw);
}

bool fnstsw_mem(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, false)) return false;
  return c.write_mem(i.seg, c.ea(i), c.s.x87.fsw);
}

bool fnstsw_ax(X86Cpu& c, const Insn&) {
  if (!x87_available(c, false)) return false;
  c.s.gpr[kRax] = (c.s.gpr[kRax] & ~u64{0xffff}) | c.s.x87.fsw;
  return true;
}

// WAIT/FWAIT: #NM only when CR0.MP and CR0.TS are both set (SDM Vol. 3A 2.5 Table 2-2), then
// the pending-exception check of every waiting instruction.
bool fwait(X86Cpu& c, const Insn&) {
  if ((c.s.cr0 & cr0::MP) && (c.s.cr0 & cr0::TS)) return c.fault(vec::NM);
  if (c.s.x87.fsw & fsw::ES) {
    if (c.s.cr0 & cr0::NE) return c.fault(vec::MF);
    c.set_ferr(true);
  }
  return true;
}

// FNOP, FDECSTP, FINCSTP, FFREE, FFREEP: non-control, so they record FOP and FIP.
template <int Delta>
bool move_top(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  c.s.x87.set_top(c.s.x87.top() + Delta);  // C1 = 0 (SDM Vol. 2A FDECSTP, FINCSTP)
  op.commit();
  return true;
}

bool fnop(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  op.env.c1 = (c.s.x87.fsw & fsw::C1) != 0;  // C0-C3 undefined: left as they were
  op.commit();
  return true;
}

template <bool Pop>
bool ffree(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  X87State& x = c.s.x87;
  x.ftw = static_cast<u8>(x.ftw & ~(1u << x.phys(i.rm & 7)));
  if (Pop) op.pop();  // C1 = 0, as hardware leaves it (SDM: C0-C3 undefined)
  op.commit();
  return true;
}

// FENI, FDISI, FSETPM: executed as no-ops by the 387 and later (SDM Vol. 2A A.4.2 note).
bool legacy_nop(X86Cpu& c, const Insn&) {
  return x87_available(c, false);
}

}  // namespace

void register_x87_ops(OpcodeTable& t) {
  register_x87_arith_ops(t);
  register_x87_compare_ops(t);
  register_x87_special_ops(t);
  register_x87_transfer_ops(t);
  register_x87_env_ops(t);
  x87_set_reg(t, 0xdb, 0xe3, &fninit, 5);
  x87_set_reg(t, 0xdb, 0xe2, &fnclex, 3);
  x87_set_reg(t, 0xdb, 0xe0, &legacy_nop, 1);
  x87_set_reg(t, 0xdb, 0xe1, &legacy_nop, 1);
  x87_set_reg(t, 0xdb, 0xe4, &legacy_nop, 1);
  x87_set_mem(t, 0xd9, 5, &fldcw, 3);
  x87_set_mem(t, 0xd9, 7, &fnstcw, 2);
  x87_set_mem(t, 0xdd, 7, &fnstsw_mem, 2);
  x87_set_reg(t, 0xdf, 0xe0, &fnstsw_ax, 2);
  x87_set_reg(t, 0xd9, 0xd0, &fnop, 1);
  x87_set_reg(t, 0xd9, 0xf6, &move_top<-1>, 1);
  x87_set_reg(t, 0xd9, 0xf7, &move_top<1>, 1);
  x87_set_row(t, 0xdd, 0xc0, &ffree<false>, 1);
  x87_set_row(t, 0xdf, 0xc0, &ffree<true>, 1);
  set_b(t.op[0x9b], &fwait, 0, 1);
}

}  // namespace glasspc

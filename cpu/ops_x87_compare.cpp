// x87 comparisons and classification (SDM Vol. 2A FCOM/FCOMP/FCOMPP, FUCOM/FUCOMP/FUCOMPP,
// FICOM/FICOMP, FCOMI/FCOMIP/FUCOMI/FUCOMIP, FTST, FXAM) and the conditional moves FCMOVcc,
// which read EFLAGS.
#include "cpu/x87_core.h"

namespace glasspc {
namespace {

using fp::F80;
using fp::kF80Indefinite;

void set_ordering(X87Op& op, fp::Ordering o) {
  const fp::ConditionCodes cc = fp::x87_compare_codes(o);
  op.set_codes(cc.c0, cc.c2, cc.c3);
}

// Compares ST(0) with `other`. The condition codes are written even when the instruction
// raises an unmasked exception: "unordered" (C3 = C2 = C0 = 1) for an invalid operand or an
// empty register, the real ordering for a denormal; only the pops are held back.
void compare_and_pop(X87Op& op, bool other_empty, F80 other, bool quiet, bool denormal,
                     unsigned pops) {
  bool deliver;
  if (op.empty(0) || other_empty) {
    deliver = op.underflow();
    set_ordering(op, fp::Ordering::kUnordered);
  } else {
    const fp::Ordering o = fp::x87_compare(op.st(0), other, quiet, op.env, denormal);
    deliver = !op.suppressed();
    set_ordering(op, o);
  }
  if (!deliver) return;
  for (unsigned n = 0; n < pops; ++n) op.pop();
}

// FCOM/FCOMP/FUCOM/FUCOMP ST(i); FCOMPP/FUCOMPP compare with ST(1) and pop twice.
template <bool Quiet, unsigned Pops, bool FixedSt1>
bool fcom_reg(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  const unsigned n = FixedSt1 ? 1 : (i.rm & 7);
  compare_and_pop(op, op.empty(n), op.st(n), Quiet, false, Pops);
  op.commit();
  return true;
}

// FCOM/FCOMP m32fp/m64fp and FICOM/FICOMP m32int/m16int.
template <typename M, unsigned Pops>
bool fcom_mem(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  M raw;
  if (!c.read_mem(i.seg, c.ea(i), raw)) return false;
  F80 src;
  bool denormal = false;
  if constexpr (std::is_same_v<M, u32> || std::is_same_v<M, u64>) {
    using Fmt = std::conditional_t<std::is_same_v<M, u32>, fp::F32, fp::F64>;
    const fp::MemoryOperand m = fp::x87_memory_operand(Fmt{raw});
    src = m.value;
    denormal = m.denormal;
  } else {
    src = fp::int_to_f80(raw);
  }
  X87Op op(c, i);
  compare_and_pop(op, false, src, false, denormal, Pops);
  op.commit();
  return true;
}

// FTST: ST(0) against +0.0, signalling (SDM Vol. 2A FTST).
bool ftst(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  compare_and_pop(op, false, fp::f80_zero(false), false, false, 0);
  op.commit();
  return true;
}

// FXAM: class of ST(0) in C3 C2 C0, sign in C1; an empty register is a class, not a fault.
bool fxam(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  const fp::ConditionCodes cc = fp::x87_examine(op.st(0), op.empty(0));
  op.set_codes(cc.c0, cc.c2, cc.c3);
  op.env.c1 = cc.c1;
  op.commit();
  return true;
}

// FCOMI/FUCOMI(P): ZF, PF, CF from the comparison, OF, SF, AF cleared (SDM Vol. 2A FCOMI).
template <bool Quiet, bool Pop>
bool fcomi(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  const unsigned n = i.rm & 7;
  fp::Ordering o = fp::Ordering::kUnordered;
  bool deliver;
  if (op.empty(0) || op.empty(n)) {
    deliver = op.underflow();
  } else {
    o = fp::x87_compare(op.st(0), op.st(n), Quiet, op.env);
    deliver = !op.suppressed();
    op.env.c1 = (op.x.fsw & fsw::C1) != 0;  // C1 is left alone unless the stack underflows
  }
  c.set_arith_flags(flag::kArith, fp::x87_compare_eflags(o));
  if (deliver && Pop) op.pop();
  op.commit();
  return true;
}

// FCMOVcc ST(0), ST(i) with the Jcc condition code `Cc` (SDM Vol. 2A FCMOVcc). An empty
// operand is a stack underflow whatever the condition.
template <unsigned Cc>
bool fcmov(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  const unsigned n = i.rm & 7;
  op.env.c1 = (op.x.fsw & fsw::C1) != 0;  // C1 is left alone unless the stack underflows
  if (op.empty(0) || op.empty(n)) {
    if (op.underflow()) op.set_st(0, kF80Indefinite);
  } else if (c.cond(Cc)) {
    op.set_st(0, op.st(n));
  }
  op.commit();
  return true;
}

}  // namespace

void register_x87_compare_ops(OpcodeTable& t) {
  x87_set_row(t, 0xd8, 0xd0, &fcom_reg<false, 0, false>, 2);
  x87_set_row(t, 0xd8, 0xd8, &fcom_reg<false, 1, false>, 2);
  x87_set_reg(t, 0xde, 0xd9, &fcom_reg<false, 2, true>, 2);
  // Aliases the SDM maps leave blank but the 387 and later execute (FCOM2 DC D0+i, FCOMP3
  // DC D8+i, FCOMP5 DE D0+i).
  x87_set_row(t, 0xdc, 0xd0, &fcom_reg<false, 0, false>, 2);
  x87_set_row(t, 0xdc, 0xd8, &fcom_reg<false, 1, false>, 2);
  x87_set_row(t, 0xde, 0xd0, &fcom_reg<false, 1, false>, 2);
  x87_set_row(t, 0xdd, 0xe0, &fcom_reg<true, 0, false>, 2);
  x87_set_row(t, 0xdd, 0xe8, &fcom_reg<true, 1, false>, 2);
  x87_set_reg(t, 0xda, 0xe9, &fcom_reg<true, 2, true>, 2);
  x87_set_mem(t, 0xd8, 2, &fcom_mem<u32, 0>, 2);
  x87_set_mem(t, 0xd8, 3, &fcom_mem<u32, 1>, 2);
  x87_set_mem(t, 0xdc, 2, &fcom_mem<u64, 0>, 2);
  x87_set_mem(t, 0xdc, 3, &fcom_mem<u64, 1>, 2);
  x87_set_mem(t, 0xda, 2, &fcom_mem<i32, 0>, 2);
  x87_set_mem(t, 0xda, 3, &fcom_mem<i32, 1>, 2);
  x87_set_mem(t, 0xde, 2, &fcom_mem<i16, 0>, 2);
  x87_set_mem(t, 0xde, 3, &fcom_mem<i16, 1>, 2);
  x87_set_reg(t, 0xd9, 0xe4, &ftst, 2);
  x87_set_reg(t, 0xd9, 0xe5, &fxam, 2);
  x87_set_row(t, 0xdb, 0xf0, &fcomi<false, false>, 2);
  x87_set_row(t, 0xdb, 0xe8, &fcomi<true, false>, 2);
  x87_set_row(t, 0xdf, 0xf0, &fcomi<false, true>, 2);
  x87_set_row(t, 0xdf, 0xe8, &fcomi<true, true>, 2);
  // FCMOVB/E/BE/U (DA) and FCMOVNB/NE/NBE/NU (DB): Jcc codes 2, 4, 6, 10 and 3, 5, 7, 11.
  x87_set_row(t, 0xda, 0xc0, &fcmov<2>, 2);
  x87_set_row(t, 0xda, 0xc8, &fcmov<4>, 2);
  x87_set_row(t, 0xda, 0xd0, &fcmov<6>, 2);
  x87_set_row(t, 0xda, 0xd8, &fcmov<10>, 2);
  x87_set_row(t, 0xdb, 0xc0, &fcmov<3>, 2);
  x87_set_row(t, 0xdb, 0xc8, &fcmov<5>, 2);
  x87_set_row(t, 0xdb, 0xd0, &fcmov<7>, 2);
  x87_set_row(t, 0xdb, 0xd8, &fcmov<11>, 2);
}

}  // namespace glasspc

// x87 transcendental instructions (SDM Vol. 2A F2XM1, FCOS, FPATAN, FPTAN, FSIN, FSINCOS, FYL2X,
// FYL2XP1). The values and the C2 "out of range" indication come from glasspc::fp; this file
// handles the stack: the pushes of FPTAN/FSINCOS and the pops of FPATAN/FYL2X/FYL2XP1.
#include "cpu/x87_core.h"

namespace glasspc {
namespace {

using fp::F80;
using fp::kF80Indefinite;

// FSIN/FCOS: |x| >= 2^63 sets C2 and leaves ST(0) (SDM Vol. 1 8.3.10); otherwise C2 = 0.
template <bool Cos>
bool fsin_fcos(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  bool c2 = false;
  if (op.empty(0)) {
    if (op.underflow()) op.set_st(0, kF80Indefinite);
  } else {
    const fp::TrigResult r = Cos ? fp::x87_cos(op.st(0), op.env) : fp::x87_sin(op.st(0), op.env);
    c2 = r.out_of_range;
    if (!c2 && !op.suppressed()) op.set_st(0, r.value);
  }
  op.set_codes((op.x.fsw & fsw::C0) != 0, c2, (op.x.fsw & fsw::C3) != 0);
  op.commit();
  return true;
}

// FPTAN and FSINCOS replace ST(0) and push a second value. An empty ST(0) (underflow) or a full
// ST(7) (overflow) with #IA masked leaves the indefinite in both places.
template <bool SinCos>
bool push_pair(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  bool c2 = false;
  if (op.empty(0) || op.push_overflows()) {
    if (op.empty(0) ? op.underflow() : op.overflow()) {
      op.set_st(0, kF80Indefinite);
      op.push(kF80Indefinite);
    }
  } else {
    F80 first, second;
    if constexpr (SinCos) {
      const fp::SinCos r = fp::x87_sincos(op.st(0), op.env);
      c2 = r.out_of_range;
      first = r.sin;
      second = r.cos;
    } else {
      const fp::TanResult r = fp::x87_tan(op.st(0), op.env);
      c2 = r.out_of_range;
      first = r.tan;
      second = r.pushed;
    }
    if (!c2 && !op.suppressed()) {
      op.set_st(0, first);
      op.push(second);
    }
  }
  op.set_codes((op.x.fsw & fsw::C0) != 0, c2, (op.x.fsw & fsw::C3) != 0);
  op.commit();
  return true;
}

// FPATAN, FYL2X, FYL2XP1: ST(1) = f(ST(1), ST(0)), then pop.
using Binary = F80 (*)(F80 st1, F80 st0, fp::X87Env&);
template <Binary F>
bool replace_st1_pop(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  if (op.empty(0) || op.empty(1)) {
    if (op.underflow()) {
      op.set_st(1, kF80Indefinite);
      op.pop();
    }
  } else {
    const F80 r = F(op.st(1), op.st(0), op.env);
    if (!op.suppressed()) {
      op.set_st(1, r);
      op.pop();
    }
  }
  op.commit();
  return true;
}

// F2XM1: ST(0) = 2^ST(0) - 1.
bool f2xm1(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  if (op.empty(0)) {
    if (op.underflow()) op.set_st(0, kF80Indefinite);
  } else {
    const F80 r = fp::x87_exp2m1(op.st(0), op.env);
    if (!op.suppressed()) op.set_st(0, r);
  }
  op.commit();
  return true;
}

}  // namespace

void register_x87_special_ops(OpcodeTable& t) {
  x87_set_reg(t, 0xd9, 0xf0, &f2xm1, 60);
  x87_set_reg(t, 0xd9, 0xf1, &replace_st1_pop<&fp::x87_ylog2x>, 60);
  x87_set_reg(t, 0xd9, 0xf2, &push_pair<false>, 60);
  x87_set_reg(t, 0xd9, 0xf3, &replace_st1_pop<&fp::x87_atan2>, 60);
  x87_set_reg(t, 0xd9, 0xf9, &replace_st1_pop<&fp::x87_ylog2xp1>, 60);
  x87_set_reg(t, 0xd9, 0xfb, &push_pair<true>, 60);
  x87_set_reg(t, 0xd9, 0xfe, &fsin_fcos<false>, 60);
  x87_set_reg(t, 0xd9, 0xff, &fsin_fcos<true>, 60);
}

}  // namespace glasspc

// x87 basic arithmetic (SDM Vol. 2A FADD/FADDP/FIADD, FSUB/FSUBP/FISUB, FSUBR/FSUBRP/FISUBR,
// FMUL/FMULP/FIMUL, FDIV/FDIVP/FIDIV, FDIVR/FDIVRP/FIDIVR) and the one-operand and two-operand
// instructions that stay on the stack: FSQRT, FRNDINT, FCHS, FABS, FSCALE, FXTRACT, FPREM,
// FPREM1. The values come from glasspc::fp; this file places them on the register stack.
#include "cpu/x87_core.h"

namespace glasspc {
namespace {

using fp::F80;
using fp::kF80Indefinite;

// dest OP other; the R forms compute other OP dest (SDM Vol. 2A FSUBR, FDIVR).
enum class Kind : u8 { kAdd, kMul, kSub, kSubr, kDiv, kDivr };

F80 compute(Kind k, F80 dest, F80 other, fp::X87Env& env, bool denormal_source) {
  switch (k) {
    case Kind::kAdd:
      return fp::x87_add(dest, other, env, denormal_source);
    case Kind::kMul:
      return fp::x87_mul(dest, other, env, denormal_source);
    case Kind::kSub:
      return fp::x87_sub(dest, other, env, denormal_source);
    case Kind::kSubr:
      return fp::x87_sub(other, dest, env, denormal_source);
    case Kind::kDiv:
      return fp::x87_div(dest, other, env, denormal_source);
    case Kind::kDivr:
      break;
  }
  return fp::x87_div(other, dest, env, denormal_source);
}

// Register forms: D8 (ST(0) = ST(0) op ST(i)), DC (ST(i) = ST(i) op ST(0)), DE (DC, then pop).
// A stack underflow with #IA masked stores the real indefinite (SDM Vol. 1 8.5.1.1).
template <Kind K, bool ToSti, bool Pop>
bool arith_reg(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  const unsigned n = i.rm & 7;
  const unsigned dest = ToSti ? n : 0;
  const unsigned other = ToSti ? 0 : n;
  if (op.empty(dest) || op.empty(other)) {
    if (op.underflow()) {
      op.set_st(dest, kF80Indefinite);
      if (Pop) op.pop();
    }
  } else {
    const F80 r = compute(K, op.st(dest), op.st(other), op.env, false);
    if (!op.suppressed()) {
      op.set_st(dest, r);
      if (Pop) op.pop();
    }
  }
  op.commit();
  return true;
}

// The memory operand of D8/DC (m32fp/m64fp, kept signalling, SDM Vol. 1 4.8.3.5) and DA/DE
// (m32int/m16int, exact). Read before any state changes.
template <typename M>
bool read_source(X86Cpu& c, const Insn& i, F80& value, bool& denormal) {
  M raw;
  if (!c.read_mem(i.seg, c.ea(i), raw)) return false;
  denormal = false;
  if constexpr (std::is_same_v<M, u32>) {
    const fp::MemoryOperand m = fp::x87_memory_operand(fp::F32{raw});
    value = m.value;
    denormal = m.denormal;
  } else if constexpr (std::is_same_v<M, u64>) {
    const fp::MemoryOperand m = fp::x87_memory_operand(fp::F64{raw});
    value = m.value;
    denormal = m.denormal;
  } else {
    value = fp::int_to_f80(raw);
  }
  return true;
}

template <Kind K, typename M>
bool arith_mem(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  F80 src;
  bool denormal;
  if (!read_source<M>(c, i, src, denormal)) return false;
  X87Op op(c, i);
  if (op.empty(0)) {
    if (op.underflow()) op.set_st(0, kF80Indefinite);
  } else {
    const F80 r = compute(K, op.st(0), src, op.env, denormal);
    if (!op.suppressed()) op.set_st(0, r);
  }
  op.commit();
  return true;
}

// ST(0) = f(ST(0)).
using Unary = F80 (*)(F80, fp::X87Env&);
template <Unary F>
bool unary(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  if (op.empty(0)) {
    if (op.underflow()) op.set_st(0, kF80Indefinite);
  } else {
    const F80 r = F(op.st(0), op.env);
    if (!op.suppressed()) op.set_st(0, r);
  }
  op.commit();
  return true;
}

F80 sqrt_op(F80 a, fp::X87Env& env) {
  return fp::x87_sqrt(a, env);
}
F80 rndint_op(F80 a, fp::X87Env& env) {
  return fp::x87_round_to_integer(a, env);
}
// FCHS and FABS change only the sign, raise nothing and clear C1 (SDM Vol. 2A FCHS, FABS).
F80 chs_op(F80 a, fp::X87Env&) {
  a.sign_exponent ^= 0x8000;
  return a;
}
F80 abs_op(F80 a, fp::X87Env&) {
  a.sign_exponent &= 0x7fff;
  return a;
}

// FSCALE: ST(0) = ST(0) * 2^trunc(ST(1)) (SDM Vol. 2A FSCALE).
bool fscale(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  if (op.empty(0) || op.empty(1)) {
    if (op.underflow()) op.set_st(0, kF80Indefinite);
  } else {
    const F80 r = fp::x87_scale(op.st(0), op.st(1), op.env);
    if (!op.suppressed()) op.set_st(0, r);
  }
  op.commit();
  return true;
}

// FXTRACT: the exponent replaces ST(0), then the significand is pushed (SDM Vol. 2A FXTRACT).
// An empty ST(0) (underflow) or a full ST(7) (overflow) with #IA masked leaves the indefinite
// in both places.
bool fxtract(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  if (op.empty(0) || op.push_overflows()) {
    if (op.empty(0) ? op.underflow() : op.overflow()) {
      op.set_st(0, kF80Indefinite);
      op.push(kF80Indefinite);
    }
  } else {
    const fp::Extracted r = fp::x87_extract(op.st(0), op.env);
    if (!op.suppressed()) {
      op.set_st(0, r.exponent);
      op.push(r.significand);
    }
  }
  op.commit();
  return true;
}

// A finite dividend and an infinite divisor give the dividend itself, exactly (SDM Vol. 2A
// FPREM "Results" table): only #D can be
// raised (for a denormal dividend), never #U/#P, and the quotient bits are 0. The library
// reports #U for a denormal dividend, which with #U unmasked wraps the exponent; hardware does not.
void finite_by_infinity(X87Op& op, u8 flags_before, fp::PartialRemainder& r) {
  const fp::X87Class divisor = fp::classify(op.st(1));
  const fp::X87Class dividend = fp::classify(op.st(0));
  if (divisor != fp::X87Class::kInfinity) return;
  if (dividend != fp::X87Class::kZero && dividend != fp::X87Class::kNormal &&
      dividend != fp::X87Class::kDenormal && dividend != fp::X87Class::kPseudoDenormal) {
    return;
  }
  const u8 kept = op.env.raised & fp::flag::kDenormal;
  op.env.raised = kept;
  op.env.flags = static_cast<u8>(flags_before | kept);
  op.env.c1 = false;
  r.value = op.st(0);
  // A pseudo-denormal comes back in its normal encoding (biased exponent 1), the same value.
  if (dividend == fp::X87Class::kPseudoDenormal) r.value.sign_exponent |= 1;
  r.cc = {};
}

// FPREM/FPREM1: partial remainder in ST(0); C2 = incomplete, C0/C3/C1 = quotient bits
// (SDM Vol. 2A FPREM, FPREM1). Without a result (stack underflow, unmasked exception) C1 and C2
// are cleared and C0/C3 left alone, as hardware does.
template <bool Ieee>
bool fprem(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  const bool c0 = (op.x.fsw & fsw::C0) != 0, c3 = (op.x.fsw & fsw::C3) != 0;
  op.set_codes(c0, false, c3);
  if (op.empty(0) || op.empty(1)) {
    if (op.underflow()) op.set_st(0, kF80Indefinite);
  } else {
    const u8 flags_before = op.env.flags;
    fp::PartialRemainder r = fp::x87_partial_remainder(op.st(0), op.st(1), Ieee, op.env);
    finite_by_infinity(op, flags_before, r);
    if (op.suppressed()) {
      op.env.c1 = false;
    } else {
      op.set_st(0, r.value);
      // Quotient bits exist only for a remainder of finite operands; a NaN result leaves
      // C0 and C3 as they were.
      if (fp::is_nan(r.value)) {
        op.env.c1 = false;
      } else {
        op.set_codes(r.cc.c0, r.cc.c2, r.cc.c3);
        op.env.c1 = r.cc.c1;
      }
    }
  }
  op.commit();
  return true;
}

template <Kind K>
void set_group(OpcodeTable& t, unsigned reg, unsigned dc_reg, u8 cycles) {
  // Memory forms by ModRM.reg: D8 m32fp, DC m64fp, DA m32int, DE m16int.
  x87_set_mem(t, 0xd8, reg, &arith_mem<K, u32>, cycles);
  x87_set_mem(t, 0xdc, reg, &arith_mem<K, u64>, cycles);
  x87_set_mem(t, 0xda, reg, &arith_mem<K, i32>, cycles);
  x87_set_mem(t, 0xde, reg, &arith_mem<K, i16>, cycles);
  // Register forms: D8 /reg; DC and DE use the reversed mnemonic slot for SUB and DIV (SDM
  // Vol. 2A A.4.2, Table A-10: DC E0+i is FSUBR ST(i), ST(0)).
  x87_set_row(t, 0xd8, 0xc0 | (reg << 3), &arith_reg<K, false, false>, cycles);
  x87_set_row(t, 0xdc, 0xc0 | (dc_reg << 3), &arith_reg<K, true, false>, cycles);
  x87_set_row(t, 0xde, 0xc0 | (dc_reg << 3), &arith_reg<K, true, true>, cycles);
}

}  // namespace

void register_x87_arith_ops(OpcodeTable& t) {
  set_group<Kind::kAdd>(t, 0, 0, 3);
  set_group<Kind::kMul>(t, 1, 1, 5);
  set_group<Kind::kSub>(t, 4, 5, 3);
  set_group<Kind::kSubr>(t, 5, 4, 3);
  set_group<Kind::kDiv>(t, 6, 7, 20);
  set_group<Kind::kDivr>(t, 7, 6, 20);
  x87_set_reg(t, 0xd9, 0xe0, &unary<&chs_op>, 1);
  x87_set_reg(t, 0xd9, 0xe1, &unary<&abs_op>, 1);
  x87_set_reg(t, 0xd9, 0xfa, &unary<&sqrt_op>, 20);
  x87_set_reg(t, 0xd9, 0xfc, &unary<&rndint_op>, 10);
  x87_set_reg(t, 0xd9, 0xfd, &fscale, 10);
  x87_set_reg(t, 0xd9, 0xf4, &fxtract, 10);
  x87_set_reg(t, 0xd9, 0xf8, &fprem<false>, 20);
  x87_set_reg(t, 0xd9, 0xf5, &fprem<true>, 20);
}

}  // namespace glasspc

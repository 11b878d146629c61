// x87 data transfer (SDM Vol. 2A FLD, FST/FSTP, FILD, FIST/FISTP, FISTTP, FBLD, FBSTP, FXCH,
// FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ). Loads check for stack overflow before they
// convert; stores compute the value, write memory (which may fault, leaving everything as it
// was), and only then update the stack and the status word.
#include "cpu/x87_core.h"

namespace glasspc {
namespace {

using fp::F80;
using fp::kF80Indefinite;

// Pushes `v` unless ST(7) is in use (stack overflow: the masked response pushes the indefinite)
// or the conversion raised an unmasked exception.
void push_checked(X87Op& op, F80 v) {
  if (op.push_overflows()) {
    if (op.overflow()) op.push(kF80Indefinite);
  } else if (!op.suppressed()) {
    op.push(v);
  }
}

// FLD m32fp/m64fp: SNaN raises #IA and loads quiet; denormals raise #D (SDM Vol. 2A FLD).
template <typename M>
bool fld_mem(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  M raw;
  if (!c.read_mem(i.seg, c.ea(i), raw)) return false;
  X87Op op(c, i);
  if (op.push_overflows()) {
    if (op.overflow()) op.push(kF80Indefinite);
  } else {
    F80 v;
    if constexpr (sizeof(M) == 4)
      v = fp::f32_to_f80(fp::F32{raw}, op.env);
    else
      v = fp::f64_to_f80(fp::F64{raw}, op.env);
    // Only an unmasked #IA holds the load back; the load completes under an unmasked #D, as
    // on hardware (the exception is then reported at the next waiting instruction).
    if (!(op.env.raised & ~op.env.masks & fp::flag::kInvalid)) op.push(v);
  }
  op.commit();
  return true;
}

// FLD m80fp: copied bit for bit, no exceptions besides stack overflow.
bool fld_m80(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  std::array<u8, 10> b;
  if (!x87_read_block(c, i, 8, b)) return false;
  X87Op op(c, i);
  push_checked(op, x87_from_bytes(b.data()));
  op.commit();
  return true;
}

// FILD m16int/m32int/m64int: exact.
template <typename M>
bool fild(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  M raw;
  if (!c.read_mem(i.seg, c.ea(i), raw)) return false;
  X87Op op(c, i);
  push_checked(op, fp::int_to_f80(raw));
  op.commit();
  return true;
}

// FBLD m80bcd: exact.
bool fbld(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  std::array<u8, 10> b;
  if (!x87_read_block(c, i, 8, b)) return false;
  X87Op op(c, i);
  push_checked(op, fp::bcd_to_f80(b.data()));
  op.commit();
  return true;
}

// FLD ST(i): an empty ST(i) is a stack underflow even when ST(7) is in use too; with #IA masked
// the indefinite is pushed (as hardware does).
bool fld_st(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  const unsigned n = i.rm & 7;
  if (op.empty(n)) {
    if (op.underflow()) op.push(kF80Indefinite);
  } else if (op.push_overflows()) {
    if (op.overflow()) op.push(kF80Indefinite);
  } else {
    op.push(op.st(n));
  }
  op.commit();
  return true;
}

// FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ: rounded per RC (SDM Vol. 1 8.3.7).
template <fp::X87Constant K>
bool fld_const(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  push_checked(op, fp::x87_constant(K, op.env.rounding));
  op.commit();
  return true;
}

// Stores to memory. `Convert` turns ST(0) into the memory image and raises through op.env;
// `Indefinite` is the image stored for an empty ST(0) with #IA masked.
template <typename M, bool Pop, typename Convert>
bool store_mem(X86Cpu& c, const Insn& i, M indefinite, Convert convert) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  bool write = true;
  M value = indefinite;
  if (op.empty(0)) {
    write = op.underflow();
  } else {
    value = convert(op.st(0), op.env);
    write = !op.memory_suppressed();
    if (!write) op.drop_precision_of_suppressed_store();
  }
  if (write) {
    if constexpr (std::is_same_v<M, std::array<u8, 10>>) {
      if (!x87_write_block(c, i, 8, value)) return false;
    } else {
      if (!c.write_mem(i.seg, c.ea(i), value)) return false;
    }
    if (Pop) op.pop();
  }
  op.commit();
  return true;
}

template <bool Pop>
bool fst_m32(X86Cpu& c, const Insn& i) {
  return store_mem<u32, Pop>(c, i, fp::kF32DefaultNaN.bits,
                             [](F80 v, fp::X87Env& env) { return fp::f80_to_f32(v, env).bits; });
}
template <bool Pop>
bool fst_m64(X86Cpu& c, const Insn& i) {
  return store_mem<u64, Pop>(c, i, fp::kF64DefaultNaN.bits,
                             [](F80 v, fp::X87Env& env) { return fp::f80_to_f64(v, env).bits; });
}
bool fstp_m80(X86Cpu& c, const Insn& i) {
  return store_mem<std::array<u8, 10>, true>(c, i, x87_bytes(kF80Indefinite),
                                             [](F80 v, fp::X87Env&) { return x87_bytes(v); });
}

// FIST/FISTP (rounding per RC) and FISTTP (truncating, SSE3); the integer indefinite is the
// most negative value (SDM Vol. 1 4.8.3.7).
template <typename M, bool Pop, bool Truncate>
bool fist(X86Cpu& c, const Insn& i) {
  using U = std::make_unsigned_t<M>;
  const U indefinite = static_cast<U>(U{1} << (8 * sizeof(M) - 1));
  return store_mem<U, Pop>(c, i, indefinite, [](F80 v, fp::X87Env& env) {
    return static_cast<U>(fp::f80_to_int(v, 8 * sizeof(M), Truncate, env));
  });
}

// FBSTP m80bcd; the packed BCD indefinite is FFFF C000 0000 0000 0000h (SDM Vol. 1 Table 4-10).
bool fbstp(X86Cpu& c, const Insn& i) {
  const std::array<u8, 10> indefinite{0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff};
  return store_mem<std::array<u8, 10>, true>(c, i, indefinite, [](F80 v, fp::X87Env& env) {
    std::array<u8, 10> b{};
    fp::f80_to_bcd(v, env, b.data());
    return b;
  });
}

// FST/FSTP ST(i): a copy without conversion (SDM Vol. 2A FST).
template <bool Pop>
bool fst_st(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  const unsigned n = i.rm & 7;
  if (op.empty(0)) {
    if (op.underflow()) {
      op.set_st(n, kF80Indefinite);
      if (Pop) op.pop();
    }
  } else {
    op.set_st(n, op.st(0));
    if (Pop) op.pop();
  }
  op.commit();
  return true;
}

// FSTP1 (D9 D8+i, outside the SDM maps): FSTP ST(i), except that an empty ST(0) is simply
// popped, without a stack fault (as the host x87 does; checked in x87_insn_test.cpp).
bool fstp1(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  if (!op.empty(0)) op.set_st(i.rm & 7, op.st(0));
  op.pop();
  op.commit();
  return true;
}

// FXCH ST(i): with an empty operand and #IA masked the empty one becomes the indefinite before
// the exchange (SDM Vol. 2A FXCH).
bool fxch(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  X87Op op(c, i);
  const unsigned n = i.rm & 7;
  if (op.empty(0) || op.empty(n)) {
    if (!op.underflow()) {
      op.commit();
      return true;
    }
    if (op.empty(0)) op.set_st(0, kF80Indefinite);
    if (op.empty(n)) op.set_st(n, kF80Indefinite);
  }
  const F80 a = op.st(0);
  op.set_st(0, op.st(n));
  op.set_st(n, a);
  op.commit();
  return true;
}

}  // namespace

void register_x87_transfer_ops(OpcodeTable& t) {
  x87_set_mem(t, 0xd9, 0, &fld_mem<u32>, 2);
  x87_set_mem(t, 0xdd, 0, &fld_mem<u64>, 2);
  x87_set_mem(t, 0xdb, 5, &fld_m80, 2);
  x87_set_mem(t, 0xd9, 2, &fst_m32<false>, 2);
  x87_set_mem(t, 0xd9, 3, &fst_m32<true>, 2);
  x87_set_mem(t, 0xdd, 2, &fst_m64<false>, 2);
  x87_set_mem(t, 0xdd, 3, &fst_m64<true>, 2);
  x87_set_mem(t, 0xdb, 7, &fstp_m80, 2);
  x87_set_mem(t, 0xdf, 0, &fild<i16>, 2);
  x87_set_mem(t, 0xdb, 0, &fild<i32>, 2);
  x87_set_mem(t, 0xdf, 5, &fild<i64>, 2);
  x87_set_mem(t, 0xdf, 2, &fist<i16, false, false>, 3);
  x87_set_mem(t, 0xdf, 3, &fist<i16, true, false>, 3);
  x87_set_mem(t, 0xdb, 2, &fist<i32, false, false>, 3);
  x87_set_mem(t, 0xdb, 3, &fist<i32, true, false>, 3);
  x87_set_mem(t, 0xdf, 7, &fist<i64, true, false>, 3);
  x87_set_mem(t, 0xdf, 1, &fist<i16, true, true>, 3);
  x87_set_mem(t, 0xdb, 1, &fist<i32, true, true>, 3);
  x87_set_mem(t, 0xdd, 1, &fist<i64, true, true>, 3);
  x87_set_mem(t, 0xdf, 4, &fbld, 20);
  x87_set_mem(t, 0xdf, 6, &fbstp, 20);
  x87_set_row(t, 0xd9, 0xc0, &fld_st, 1);
  x87_set_row(t, 0xdd, 0xd0, &fst_st<false>, 1);
  x87_set_row(t, 0xdd, 0xd8, &fst_st<true>, 1);
  x87_set_row(t, 0xd9, 0xc8, &fxch, 1);
  // Encodings the SDM maps leave blank but every x87 since the 387 executes as aliases
  // (FXCH4 DD C8+i, FXCH7 DF C8+i, FSTP8 DF D0+i, FSTP9 DF D8+i, and FSTP1 D9 D8+i with its
  // own empty-register rule); the host comparison in tests/cpu/x87_insn_test.cpp checks them.
  x87_set_row(t, 0xdd, 0xc8, &fxch, 1);
  x87_set_row(t, 0xdf, 0xc8, &fxch, 1);
  x87_set_row(t, 0xd9, 0xd8, &fstp1, 1);
  x87_set_row(t, 0xdf, 0xd0, &fst_st<true>, 1);
  x87_set_row(t, 0xdf, 0xd8, &fst_st<true>, 1);
  x87_set_reg(t, 0xd9, 0xe8, &fld_const<fp::X87Constant::kOne>, 1);
  x87_set_reg(t, 0xd9, 0xe9, &fld_const<fp::X87Constant::kLog2Ten>, 1);
  x87_set_reg(t, 0xd9, 0xea, &fld_const<fp::X87Constant::kLog2E>, 1);
  x87_set_reg(t, 0xd9, 0xeb, &fld_const<fp::X87Constant::kPi>, 1);
  x87_set_reg(t, 0xd9, 0xec, &fld_const<fp::X87Constant::kLog10Two>, 1);
  x87_set_reg(t, 0xd9, 0xed, &fld_const<fp::X87Constant::kLnTwo>, 1);
  x87_set_reg(t, 0xd9, 0xee, &fld_const<fp::X87Constant::kZero>, 1);
}

}  // namespace glasspc

// Integer arithmetic and logic: ADD/OR/ADC/SBB/AND/SUB/XOR/CMP, TEST, INC/DEC, NEG/NOT,
// MUL/IMUL/DIV/IDIV (SDM Vol. 2A/2B, one entry per mnemonic). Handlers are templates on the
// operand type; the opcode table picks the instance for the decoded operand size.
#include "cpu/cpu_inline.h"
#include "cpu/decoder.h"

namespace glasspc {
namespace {

enum AluOp { kAdd, kOr, kAdc, kSbb, kAnd, kSub, kXor, kCmp };

template <int Op, typename T>
T alu(X86Cpu& c, T a, T b) {
  T r;
  if constexpr (Op == kAdd) {
    r = static_cast<T>(a + b);
    c.set_flags<T>(FlagOp::Add, a, b, r);
  } else if constexpr (Op == kOr) {
    r = a | b;
    c.set_flags<T>(FlagOp::Logic, a, b, r);
  } else if constexpr (Op == kAdc) {
    const bool cin = c.cf();
    r = static_cast<T>(a + b + cin);
    c.set_flags<T>(FlagOp::Adc, a, b, r, cin);
  } else if constexpr (Op == kSbb) {
    const bool cin = c.cf();
    r = static_cast<T>(a - b - cin);
    c.set_flags<T>(FlagOp::Sbb, a, b, r, cin);
  } else if constexpr (Op == kAnd) {
    r = a & b;
    c.set_flags<T>(FlagOp::Logic, a, b, r);
  } else if constexpr (Op == kXor) {
    r = a ^ b;
    c.set_flags<T>(FlagOp::Logic, a, b, r);
  } else {  // kSub, kCmp
    r = static_cast<T>(a - b);
    c.set_flags<T>(FlagOp::Sub, a, b, r);
  }
  return r;
}

template <int Op, typename T>
bool alu_rm_src(X86Cpu& c, const Insn& i, T src) {
  if constexpr (Op == kCmp) {
    T d;
    if (!c.read_rm(i, d)) return false;
    alu<Op, T>(c, d, src);
    return true;
  } else {
    return c.rmw_rm<T>(i, [&](T d) { return alu<Op, T>(c, d, src); });
  }
}

template <int Op, typename T>
bool alu_rm_r(X86Cpu& c, const Insn& i) {
  return alu_rm_src<Op, T>(c, i, c.get_reg<T>(i, i.reg));
}

template <int Op, typename T>
bool alu_rm_imm(X86Cpu& c, const Insn& i) {
  return alu_rm_src<Op, T>(c, i, static_cast<T>(i.imm));
}

template <int Op, typename T>
bool alu_r_rm(X86Cpu& c, const Insn& i) {
  T src;
  if (!c.read_rm(i, src)) return false;
  const T r = alu<Op, T>(c, c.get_reg<T>(i, i.reg), src);
  if constexpr (Op != kCmp) c.set_reg<T>(i, i.reg, r);
  return true;
}

template <int Op, typename T>
bool alu_acc_imm(X86Cpu& c, const Insn& i) {
  const T r = alu<Op, T>(c, static_cast<T>(c.s.gpr[kRax]), static_cast<T>(i.imm));
  if constexpr (Op != kCmp) c.set_reg<T>(i, kRax, r);
  return true;
}

template <typename T>
bool test_rm_r(X86Cpu& c, const Insn& i) {
  T d;
  if (!c.read_rm(i, d)) return false;
  alu<kAnd, T>(c, d, c.get_reg<T>(i, i.reg));
  return true;
}

template <typename T>
bool test_rm_imm(X86Cpu& c, const Insn& i) {
  T d;
  if (!c.read_rm(i, d)) return false;
  alu<kAnd, T>(c, d, static_cast<T>(i.imm));
  return true;
}

template <typename T>
bool test_acc_imm(X86Cpu& c, const Insn& i) {
  alu<kAnd, T>(c, static_cast<T>(c.s.gpr[kRax]), static_cast<T>(i.imm));
  return true;
}

// INC/DEC leave CF unchanged (SDM Vol. 2A INC).
template <typename T>
T inc(X86Cpu& c, T a) {
  const bool carry = c.cf();
  const T r = static_cast<T>(a + 1);
  c.set_flags<T>(FlagOp::Inc, a, 1, r, carry);
  return r;
}
template <typename T>
T dec(X86Cpu& c, T a) {
  const bool carry = c.cf();
  const T r = static_cast<T>(a - 1);
  c.set_flags<T>(FlagOp::Dec, a, 1, r, carry);
  return r;
}

template <typename T>
bool inc_rm(X86Cpu& c, const Insn& i) {
  return c.rmw_rm<T>(i, [&](T v) { return inc<T>(c, v); });
}
template <typename T>
bool dec_rm(X86Cpu& c, const Insn& i) {
  return c.rmw_rm<T>(i, [&](T v) { return dec<T>(c, v); });
}
template <typename T>
bool inc_reg(X86Cpu& c, const Insn& i) {
  c.set_reg<T>(i, i.rm, inc<T>(c, c.get_reg<T>(i, i.rm)));
  return true;
}
template <typename T>
bool dec_reg(X86Cpu& c, const Insn& i) {
  c.set_reg<T>(i, i.rm, dec<T>(c, c.get_reg<T>(i, i.rm)));
  return true;
}

template <typename T>
bool not_rm(X86Cpu& c, const Insn& i) {
  return c.rmw_rm<T>(i, [](T v) { return static_cast<T>(~v); });
}

template <typename T>
bool neg_rm(X86Cpu& c, const Insn& i) {
  return c.rmw_rm<T>(i, [&](T v) {
    const T r = static_cast<T>(0 - v);
    c.set_flags<T>(FlagOp::Sub, 0, v, r);
    return r;
  });
}

template <typename T>
using Wide = std::conditional_t<sizeof(T) == 8, unsigned __int128, u64>;
template <typename T>
using SignedOf = std::make_signed_t<T>;
template <typename T>
using WideSigned = std::conditional_t<sizeof(T) == 8, __int128, i64>;

// Flags of MUL/IMUL: CF = OF = upper half significant; SF/ZF/PF from the low half, AF clear
// (undefined in the SDM).
template <typename T>
void mul_flags(X86Cpu& c, T low, bool overflow) {
  u64 f = overflow ? (flag::CF | flag::OF) : 0;
  if (low == 0) f |= flag::ZF;
  if ((low >> (8 * sizeof(T) - 1)) & 1) f |= flag::SF;
  if ((__builtin_popcount(static_cast<u8>(low)) & 1) == 0) f |= flag::PF;
  c.set_arith_flags(flag::kArith, f);
}

// Accumulator halves: AL/AH for bytes, rAX/rDX otherwise.
template <typename T>
void set_acc_pair(X86Cpu& c, const Insn& i, T low, T high) {
  if constexpr (sizeof(T) == 1) {
    c.set_reg<u16>(i, kRax, static_cast<u16>(low | (high << 8)));
  } else {
    c.set_reg<T>(i, kRax, low);
    c.set_reg<T>(i, kRdx, high);
  }
}

template <typename T>
bool mul_rm(X86Cpu& c, const Insn& i) {
  T src;
  if (!c.read_rm(i, src)) return false;
  const Wide<T> r = Wide<T>{static_cast<T>(c.s.gpr[kRax])} * src;
  const T low = static_cast<T>(r), high = static_cast<T>(r >> (8 * sizeof(T)));
  set_acc_pair<T>(c, i, low, high);
  mul_flags<T>(c, low, high != 0);
  return true;
}

template <typename T>
bool imul1_rm(X86Cpu& c, const Insn& i) {
  T src;
  if (!c.read_rm(i, src)) return false;
  const WideSigned<T> r =
      WideSigned<T>{static_cast<SignedOf<T>>(c.s.gpr[kRax])} * static_cast<SignedOf<T>>(src);
  const T low = static_cast<T>(r), high = static_cast<T>(r >> (8 * sizeof(T)));
  set_acc_pair<T>(c, i, low, high);
  mul_flags<T>(c, low, r != static_cast<SignedOf<T>>(low));
  return true;
}

template <typename T>
bool imul_common(X86Cpu& c, const Insn& i, T a, T b) {
  const WideSigned<T> r = WideSigned<T>{static_cast<SignedOf<T>>(a)} * static_cast<SignedOf<T>>(b);
  const T low = static_cast<T>(r);
  c.set_reg<T>(i, i.reg, low);
  mul_flags<T>(c, low, r != static_cast<SignedOf<T>>(low));
  return true;
}

template <typename T>
bool imul_r_rm(X86Cpu& c, const Insn& i) {
  T src;
  if (!c.read_rm(i, src)) return false;
  return imul_common<T>(c, i, c.get_reg<T>(i, i.reg), src);
}

template <typename T>
bool imul_r_rm_imm(X86Cpu& c, const Insn& i) {
  T src;
  if (!c.read_rm(i, src)) return false;
  return imul_common<T>(c, i, src, static_cast<T>(i.imm));
}

// DIV/IDIV: #DE on a zero divisor or a quotient that does not fit (SDM Vol. 2A DIV).
template <typename T>
bool div_rm(X86Cpu& c, const Insn& i) {
  T src;
  if (!c.read_rm(i, src)) return false;
  if (src == 0) return c.fault(vec::DE);
  Wide<T> dividend;
  if constexpr (sizeof(T) == 1) {
    dividend = static_cast<u16>(c.s.gpr[kRax]);
  } else {
    dividend =
        (Wide<T>{static_cast<T>(c.s.gpr[kRdx])} << (8 * sizeof(T))) | static_cast<T>(c.s.gpr[kRax]);
  }
  const Wide<T> q = dividend / src;
  if (q >> (8 * sizeof(T))) return c.fault(vec::DE);
  set_acc_pair<T>(c, i, static_cast<T>(q), static_cast<T>(dividend % src));
  return true;
}

template <typename T>
bool idiv_rm(X86Cpu& c, const Insn& i) {
  T src;
  if (!c.read_rm(i, src)) return false;
  if (src == 0) return c.fault(vec::DE);
  WideSigned<T> dividend;
  if constexpr (sizeof(T) == 1) {
    dividend = static_cast<i16>(c.s.gpr[kRax]);
  } else {
    const Wide<T> u =
        (Wide<T>{static_cast<T>(c.s.gpr[kRdx])} << (8 * sizeof(T))) | static_cast<T>(c.s.gpr[kRax]);
    if constexpr (sizeof(T) == 2) {
      dividend = static_cast<i32>(static_cast<u32>(u));  // sign-extend DX:AX
    } else {
      dividend = static_cast<WideSigned<T>>(u);
    }
  }
  const WideSigned<T> divisor = static_cast<SignedOf<T>>(src);
  // The one quotient that overflows the wide type itself is also out of range for T.
  if (divisor == -1 && dividend == (static_cast<WideSigned<T>>(1) << (16 * sizeof(T) - 1))) {
    return c.fault(vec::DE);
  }
  const WideSigned<T> q = dividend / divisor;
  const WideSigned<T> rem = dividend % divisor;
  if (q != static_cast<SignedOf<T>>(q)) return c.fault(vec::DE);
  set_acc_pair<T>(c, i, static_cast<T>(q), static_cast<T>(rem));
  return true;
}

template <int Op>
void alu_group(OpcodeTable& t, unsigned base) {
  constexpr u32 lk = Op == kCmp ? 0 : opf::kLock;
  set_b(t.op[base + 0], &alu_rm_r<Op, u8>, opf::kModrm | lk);
  set_v(
      t.op[base + 1], []<typename T>() { return &alu_rm_r<Op, T>; }, opf::kModrm | lk);
  set_b(t.op[base + 2], &alu_r_rm<Op, u8>, opf::kModrm);
  set_v(
      t.op[base + 3], []<typename T>() { return &alu_r_rm<Op, T>; }, opf::kModrm);
  set_b(t.op[base + 4], &alu_acc_imm<Op, u8>, opf::kImm8);
  set_v(
      t.op[base + 5], []<typename T>() { return &alu_acc_imm<Op, T>; }, opf::kImmZ);
  set_b(t.group[kGrp1Eb][Op], &alu_rm_imm<Op, u8>, lk);
  set_v(
      t.group[kGrp1Ev][Op], []<typename T>() { return &alu_rm_imm<Op, T>; }, lk);
}

}  // namespace

void register_alu_ops(OpcodeTable& t) {
  alu_group<kAdd>(t, 0x00);
  alu_group<kOr>(t, 0x08);
  alu_group<kAdc>(t, 0x10);
  alu_group<kSbb>(t, 0x18);
  alu_group<kAnd>(t, 0x20);
  alu_group<kSub>(t, 0x28);
  alu_group<kXor>(t, 0x30);
  alu_group<kCmp>(t, 0x38);
  // Group 1 (80-83): 82 is an alias of 80 outside 64-bit mode.
  t.op[0x80] = {{}, opf::kModrm | opf::kGroup | opf::kImm8 | opf::kByte, 1, kGrp1Eb};
  t.op[0x80].h[0] = t.group[kGrp1Eb][0].h[0];
  t.op[0x82] = t.op[0x80];
  t.op[0x82].flags |= opf::kInv64;
  t.op[0x81] = {{}, opf::kModrm | opf::kGroup | opf::kImmZ, 1, kGrp1Ev};
  t.op[0x81].h[0] = t.group[kGrp1Ev][0].h[0];
  t.op[0x83] = {{}, opf::kModrm | opf::kGroup | opf::kImm8s, 1, kGrp1Ev};
  t.op[0x83].h[0] = t.group[kGrp1Ev][0].h[0];

  set_b(t.op[0x84], &test_rm_r<u8>, opf::kModrm);
  set_v(
      t.op[0x85], []<typename T>() { return &test_rm_r<T>; }, opf::kModrm);
  set_b(t.op[0xa8], &test_acc_imm<u8>, opf::kImm8);
  set_v(
      t.op[0xa9], []<typename T>() { return &test_acc_imm<T>; }, opf::kImmZ);

  for (unsigned r = 0; r < 8; ++r) {
    set_v(
        t.op[0x40 + r], []<typename T>() { return &inc_reg<T>; }, opf::kRegInOp | opf::kInv64);
    set_v(
        t.op[0x48 + r], []<typename T>() { return &dec_reg<T>; }, opf::kRegInOp | opf::kInv64);
  }

  // Group 3 (F6/F7).
  auto& g3b = t.group[kGrp3Eb];
  auto& g3v = t.group[kGrp3Ev];
  set_b(g3b[0], &test_rm_imm<u8>, opf::kImm8);
  set_b(g3b[1], &test_rm_imm<u8>, opf::kImm8);
  set_b(g3b[2], &not_rm<u8>, opf::kLock);
  set_b(g3b[3], &neg_rm<u8>, opf::kLock);
  set_b(g3b[4], &mul_rm<u8>, 0, 3);
  set_b(g3b[5], &imul1_rm<u8>, 0, 3);
  set_b(g3b[6], &div_rm<u8>, 0, 20);
  set_b(g3b[7], &idiv_rm<u8>, 0, 20);
  set_v(
      g3v[0], []<typename T>() { return &test_rm_imm<T>; }, opf::kImmZ);
  set_v(
      g3v[1], []<typename T>() { return &test_rm_imm<T>; }, opf::kImmZ);
  set_v(
      g3v[2], []<typename T>() { return &not_rm<T>; }, opf::kLock);
  set_v(
      g3v[3], []<typename T>() { return &neg_rm<T>; }, opf::kLock);
  set_v(
      g3v[4], []<typename T>() { return &mul_rm<T>; }, 0, 3);
  set_v(
      g3v[5], []<typename T>() { return &imul1_rm<T>; }, 0, 3);
  set_v(
      g3v[6], []<typename T>() { return &div_rm<T>; }, 0, 20);
  set_v(
      g3v[7], []<typename T>() { return &idiv_rm<T>; }, 0, 20);
  t.op[0xf6] = {g3b[0].h, opf::kModrm | opf::kGroup | opf::kByte, 1, kGrp3Eb};
  t.op[0xf7] = {g3v[0].h, opf::kModrm | opf::kGroup, 1, kGrp3Ev};

  // Group 4 (FE) and the INC/DEC half of group 5 (FF).
  set_b(t.group[kGrp4][0], &inc_rm<u8>, opf::kLock);
  set_b(t.group[kGrp4][1], &dec_rm<u8>, opf::kLock);
  t.op[0xfe] = {t.group[kGrp4][0].h, opf::kModrm | opf::kGroup | opf::kByte, 1, kGrp4};
  set_v(
      t.group[kGrp5][0], []<typename T>() { return &inc_rm<T>; }, opf::kLock);
  set_v(
      t.group[kGrp5][1], []<typename T>() { return &dec_rm<T>; }, opf::kLock);

  set_v(
      t.op[0x1af], []<typename T>() { return &imul_r_rm<T>; }, opf::kModrm, 3);
  set_v(
      t.op[0x69], []<typename T>() { return &imul_r_rm_imm<T>; }, opf::kModrm | opf::kImmZ, 3);
  set_v(
      t.op[0x6b], []<typename T>() { return &imul_r_rm_imm<T>; }, opf::kModrm | opf::kImm8s, 3);
}

}  // namespace glasspc

// Shifts and rotates (group 2: ROL ROR RCL RCR SHL SHR SAL SAR), SHLD/SHRD, and the BCD
// adjustments DAA DAS AAA AAS AAM AAD (SDM Vol. 2A/2B). Flags follow the SDM's pseudo-code; the
// ones it calls undefined are given the values current Intel processors produce where known
// (AF cleared by shifts, OF computed by the single-bit formula for every count).
#include <bit>

#include "cpu/cpu_inline.h"
#include "cpu/decoder.h"

namespace glasspc {
namespace {

bool parity(u64 v) {
  return (std::popcount(static_cast<u8>(v)) & 1) == 0;
}

template <typename T>
u64 szp(T r) {
  u64 f = 0;
  if (r == 0) f |= flag::ZF;
  if ((r >> (8 * sizeof(T) - 1)) & 1) f |= flag::SF;
  if (parity(r)) f |= flag::PF;
  return f;
}

template <typename T>
unsigned shift_count(X86Cpu& c, const Insn& i) {
  unsigned n;
  switch (i.opcode) {
    case 0xc0:
    case 0xc1:
      n = static_cast<unsigned>(i.imm);
      break;
    case 0xd0:
    case 0xd1:
      n = 1;
      break;
    default:
      n = static_cast<unsigned>(c.s.gpr[kRcx]);
      break;
  }
  return n & (sizeof(T) == 8 ? 0x3f : 0x1f);
}

template <typename T>
T shift(X86Cpu& c, unsigned op, T a, unsigned n) {
  constexpr unsigned bits = 8 * sizeof(T);
  const u64 v = a;
  u64 r = 0;
  bool carry = false, overflow = false;
  u64 mask = flag::CF | flag::OF;
  u64 extra = 0;
  switch (op) {
    case 0: {  // ROL
      const unsigned k = n % bits;
      r = static_cast<T>(k ? (v << k) | (v >> (bits - k)) : v);
      carry = r & 1;
      overflow = ((r >> (bits - 1)) & 1) != carry;
      break;
    }
    case 1: {  // ROR
      const unsigned k = n % bits;
      r = static_cast<T>(k ? (v >> k) | (v << (bits - k)) : v);
      carry = (r >> (bits - 1)) & 1;
      overflow = ((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1;
      break;
    }
    case 2: {  // RCL: rotate through CF over bits+1 positions
      const unsigned k = sizeof(T) <= 2 ? n % (bits + 1) : n;
      bool cin = c.cf();
      r = v;
      carry = cin;
      for (unsigned j = 0; j < k; ++j) {
        const bool out = (r >> (bits - 1)) & 1;
        r = static_cast<T>((r << 1) | (carry ? 1 : 0));
        carry = out;
      }
      overflow = ((r >> (bits - 1)) & 1) != carry;
      break;
    }
    case 3: {  // RCR
      const unsigned k = sizeof(T) <= 2 ? n % (bits + 1) : n;
      carry = c.cf();
      overflow = ((v >> (bits - 1)) & 1) != carry;  // MSB(DEST) XOR CF, before rotating
      r = v;
      for (unsigned j = 0; j < k; ++j) {
        const bool out = r & 1;
        r = (r >> 1) | (u64{carry} << (bits - 1));
        carry = out;
      }
      break;
    }
    case 4:
    case 6: {  // SHL/SAL
      r = static_cast<T>(n < 64 ? v << n : 0);
      carry = n <= bits ? (v >> (bits - n)) & 1 : false;
      overflow = ((r >> (bits - 1)) & 1) != carry;
      mask = flag::kArith;
      extra = szp<T>(static_cast<T>(r));
      break;
    }
    case 5: {  // SHR
      r = n < 64 ? v >> n : 0;
      carry = n <= bits ? (v >> (n - 1)) & 1 : false;
      overflow = (v >> (bits - 1)) & 1;
      mask = flag::kArith;
      extra = szp<T>(static_cast<T>(r));
      break;
    }
    default: {  // SAR
      const i64 sv = static_cast<i64>(static_cast<std::make_signed_t<T>>(a));
      const unsigned k = n < bits ? n : bits - 1;
      r = static_cast<T>(sv >> k);
      carry = n < bits ? (sv >> (n - 1)) & 1 : (sv < 0);
      overflow = false;
      mask = flag::kArith;
      extra = szp<T>(static_cast<T>(r));
      break;
    }
  }
  u64 f = extra;
  if (carry) f |= flag::CF;
  if (overflow) f |= flag::OF;
  c.set_arith_flags(mask, f);
  return static_cast<T>(r);
}

// Group 2, one instance per operation. SHL/SHR/SAR record their flags lazily (FlagOp::Shl..);
// rotates, which change only CF and OF, set them eagerly.
template <typename T, unsigned Op>
bool group2(X86Cpu& c, const Insn& i) {
  const unsigned n = shift_count<T>(c, i);
  if (n == 0) {
    // A zero count changes no flags, but the operand is still accessed (faults are reported)
    // and a 32-bit register destination is still written (zero-extended).
    T v;
    if (!c.read_rm(i, v)) return false;
    if (i.mod == 3) c.set_reg<T>(i, i.rm, v);
    return true;
  }
  if constexpr (Op == 4 || Op == 6) {
    return c.rmw_rm<T>(i, [&](T v) {
      const T r = static_cast<T>(u64{v} << n);
      c.set_flags<T>(FlagOp::Shl, v, n, r);
      return r;
    });
  } else if constexpr (Op == 5) {
    return c.rmw_rm<T>(i, [&](T v) {
      const T r = static_cast<T>(u64{v} >> n);
      c.set_flags<T>(FlagOp::Shr, v, n, r);
      return r;
    });
  } else if constexpr (Op == 7) {
    return c.rmw_rm<T>(i, [&](T v) {
      constexpr unsigned bits = 8 * sizeof(T);
      const i64 sv = static_cast<std::make_signed_t<T>>(v);
      const T r = static_cast<T>(sv >> (n < bits ? n : bits - 1));
      c.set_flags<T>(FlagOp::Sar, v, n, r);
      return r;
    });
  } else {
    return c.rmw_rm<T>(i, [&](T v) { return shift<T>(c, Op, v, n); });
  }
}

template <unsigned Op>
void register_group2_op(OpcodeTable& t) {
  set_b(t.group[kGrp2Eb][Op], &group2<u8, Op>, 0, 1);
  set_v(
      t.group[kGrp2Ev][Op], []<typename T>() { return &group2<T, Op>; }, 0, 1);
}

// SHLD/SHRD (SDM Vol. 2B SHLD): count masked to 5 (6 with REX.W) bits; counts above the operand
// size give an undefined result for 16-bit operands, computed here on a 32-bit concatenation.
template <typename T, bool Left>
bool double_shift(X86Cpu& c, const Insn& i) {
  constexpr unsigned bits = 8 * sizeof(T);
  const bool by_cl = (i.opcode & 1) != 0;
  const unsigned n = (by_cl ? static_cast<unsigned>(c.s.gpr[kRcx]) : static_cast<unsigned>(i.imm)) &
                     (bits == 64 ? 0x3f : 0x1f);
  const T src = c.get_reg<T>(i, i.reg);
  if (n == 0) {
    T v;
    if (!c.read_rm(i, v)) return false;
    if (i.mod == 3) c.set_reg<T>(i, i.rm, v);
    return true;
  }
  return c.rmw_rm<T>(i, [&](T d) {
    T r;
    bool carry;
    if constexpr (bits == 64) {
      if (Left) {
        r = static_cast<T>((d << n) | (src >> (64 - n)));
        carry = (d >> (64 - n)) & 1;
      } else {
        r = static_cast<T>((d >> n) | (src << (64 - n)));
        carry = (d >> (n - 1)) & 1;
      }
    } else {
      // Concatenate into 64 bits so that counts up to 31 work for every width.
      if (Left) {
        const u64 cat = (u64{d} << (64 - bits)) | (u64{src} << (64 - 2 * bits));
        const u64 sh = cat << n;
        r = static_cast<T>(sh >> (64 - bits));
        carry = (cat >> (64 - n)) & 1;
      } else {
        const u64 cat = (u64{src} << bits) | d;
        const u64 ext = sizeof(T) == 2 ? (cat | (u64{d} << 32)) : cat;
        r = static_cast<T>(ext >> n);
        carry = (ext >> (n - 1)) & 1;
      }
    }
    u64 f = szp<T>(r);
    if (carry) f |= flag::CF;
    if (((r ^ d) >> (bits - 1)) & 1) f |= flag::OF;
    c.set_arith_flags(flag::kArith, f);
    return r;
  });
}

// --- BCD (legacy modes only; #UD in 64-bit mode) ---------------------------------------------

bool op_daa(X86Cpu& c, const Insn&) {
  const u8 old_al = static_cast<u8>(c.s.gpr[kRax]);
  const bool old_cf = c.cf();
  u8 al = old_al;
  bool cf = false, af = false;
  if ((al & 0xf) > 9 || c.af()) {
    al = static_cast<u8>(al + 6);
    cf = old_cf || old_al > 0xf9;
    af = true;
  }
  if (old_al > 0x99 || old_cf) {
    al = static_cast<u8>(al + 0x60);
    cf = true;
  }
  c.s.gpr[kRax] = (c.s.gpr[kRax] & ~u64{0xff}) | al;
  c.set_arith_flags(flag::kArith, szp<u8>(al) | (cf ? flag::CF : 0) | (af ? flag::AF : 0));
  return true;
}

bool op_das(X86Cpu& c, const Insn&) {
  const u8 old_al = static_cast<u8>(c.s.gpr[kRax]);
  const bool old_cf = c.cf();
  u8 al = old_al;
  bool cf = false, af = false;
  if ((al & 0xf) > 9 || c.af()) {
    al = static_cast<u8>(al - 6);
    cf = old_cf || old_al < 6;
    af = true;
  }
  if (old_al > 0x99 || old_cf) {
    al = static_cast<u8>(al - 0x60);
    cf = true;
  }
  c.s.gpr[kRax] = (c.s.gpr[kRax] & ~u64{0xff}) | al;
  c.set_arith_flags(flag::kArith, szp<u8>(al) | (cf ? flag::CF : 0) | (af ? flag::AF : 0));
  return true;
}

template <bool Add>
bool op_aaa_aas(X86Cpu& c, const Insn&) {
  u16 ax = static_cast<u16>(c.s.gpr[kRax]);
  bool adjust = (ax & 0xf) > 9 || c.af();
  if (adjust) {
    if (Add)
      ax = static_cast<u16>(ax + 0x106);
    else
      ax = static_cast<u16>(ax - 6 - 0x100);
  }
  ax &= 0xff0f;
  c.s.gpr[kRax] = (c.s.gpr[kRax] & ~u64{0xffff}) | ax;
  c.set_arith_flags(flag::kArith,
                    (adjust ? flag::CF | flag::AF : 0) | szp<u8>(static_cast<u8>(ax)));
  return true;
}

bool op_aam(X86Cpu& c, const Insn& i) {
  const u8 base = static_cast<u8>(i.imm);
  if (base == 0) return c.fault(vec::DE);
  const u8 al = static_cast<u8>(c.s.gpr[kRax]);
  const u8 ah = al / base, nal = al % base;
  c.s.gpr[kRax] = (c.s.gpr[kRax] & ~u64{0xffff}) | (u64{ah} << 8) | nal;
  c.set_arith_flags(flag::kArith, szp<u8>(nal));
  return true;
}

bool op_aad(X86Cpu& c, const Insn& i) {
  const u8 base = static_cast<u8>(i.imm);
  const u8 al = static_cast<u8>(c.s.gpr[kRax]), ah = static_cast<u8>(c.s.gpr[kRax] >> 8);
  const u8 nal = static_cast<u8>(al + ah * base);
  c.s.gpr[kRax] = (c.s.gpr[kRax] & ~u64{0xffff}) | nal;
  c.set_arith_flags(flag::kArith, szp<u8>(nal));
  return true;
}

}  // namespace

void register_shift_ops(OpcodeTable& t) {
  register_group2_op<0>(t);
  register_group2_op<1>(t);
  register_group2_op<2>(t);
  register_group2_op<3>(t);
  register_group2_op<4>(t);
  register_group2_op<5>(t);
  register_group2_op<6>(t);
  register_group2_op<7>(t);
  const OpcodeInfo eb{t.group[kGrp2Eb][0].h, opf::kModrm | opf::kGroup | opf::kByte, 1, kGrp2Eb};
  const OpcodeInfo ev{t.group[kGrp2Ev][0].h, opf::kModrm | opf::kGroup, 1, kGrp2Ev};
  t.op[0xc0] = eb;
  t.op[0xc0].flags |= opf::kImm8;
  t.op[0xc1] = ev;
  t.op[0xc1].flags |= opf::kImm8;
  t.op[0xd0] = eb;
  t.op[0xd1] = ev;
  t.op[0xd2] = eb;
  t.op[0xd3] = ev;

  set_v(
      t.op[0x1a4], []<typename T>() { return &double_shift<T, true>; }, opf::kModrm | opf::kImm8);
  set_v(
      t.op[0x1a5], []<typename T>() { return &double_shift<T, true>; }, opf::kModrm);
  set_v(
      t.op[0x1ac], []<typename T>() { return &double_shift<T, false>; }, opf::kModrm | opf::kImm8);
  set_v(
      t.op[0x1ad], []<typename T>() { return &double_shift<T, false>; }, opf::kModrm);

  set_b(t.op[0x27], &op_daa, opf::kInv64);
  set_b(t.op[0x2f], &op_das, opf::kInv64);
  set_b(t.op[0x37], &op_aaa_aas<true>, opf::kInv64);
  set_b(t.op[0x3f], &op_aaa_aas<false>, opf::kInv64);
  set_b(t.op[0xd4], &op_aam, opf::kImm8 | opf::kInv64, 3);
  set_b(t.op[0xd5], &op_aad, opf::kImm8 | opf::kInv64, 3);
}

}  // namespace glasspc

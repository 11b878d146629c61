// Bit operations and data movement with conversion: BT/BTS/BTR/BTC, BSF/BSR, LZCNT, POPCNT,
// BSWAP, MOVBE, SETcc, CMOVcc, MOVZX/MOVSX/MOVSXD, CBW family, XCHG, XADD, CMPXCHG,
// CMPXCHG8B/16B (SDM Vol. 2A/2B).
#include <bit>

#include "cpu/cpu_inline.h"
#include "cpu/decoder.h"

namespace glasspc {
namespace {

template <typename T>
using Signed = std::make_signed_t<T>;

template <typename T>
T byte_swap(T v) {
  if constexpr (sizeof(T) == 2)
    return __builtin_bswap16(v);
  else if constexpr (sizeof(T) == 4)
    return __builtin_bswap32(v);
  else
    return __builtin_bswap64(v);
}

// BT family. With a register bit offset and a memory operand the offset selects any bit relative
// to the operand address (SDM Vol. 2A BT: "bit string"); with an immediate it is taken modulo
// the operand size.
template <typename T, int Op>
bool bit_op(X86Cpu& c, const Insn& i, u64 offset, bool from_register) {
  constexpr unsigned bits = 8 * sizeof(T);
  const unsigned bit = static_cast<unsigned>(offset & (bits - 1));
  auto apply = [&](T v) {
    c.set_arith_flags(flag::CF, ((v >> bit) & 1) ? flag::CF : 0);
    const T m = static_cast<T>(T{1} << bit);
    if constexpr (Op == 1)
      return static_cast<T>(v | m);
    else if constexpr (Op == 2)
      return static_cast<T>(v & ~m);
    else
      return static_cast<T>(v ^ m);
  };
  if (i.mod == 3) {
    const T v = c.get_reg<T>(i, i.rm);
    const T r = apply(v);
    if constexpr (Op != 0) c.set_reg<T>(i, i.rm, r);
    return true;
  }
  u64 addr = c.ea(i);
  if (from_register) {
    const i64 word =
        static_cast<i64>(static_cast<Signed<T>>(static_cast<T>(offset))) >> std::countr_zero(bits);
    addr = (addr + static_cast<u64>(word * static_cast<i64>(sizeof(T)))) & size_mask(i.adsize);
  }
  if constexpr (Op == 0) {
    T v;
    if (!c.read_mem(i.seg, addr, v)) return false;
    apply(v);
    return true;
  } else {
    u64 linear;
    if (!c.linearize(i.seg, addr, sizeof(T), Access::Write, linear)) return false;
    T v;
    if (!c.probe_write(linear, sizeof(T), c.access_key())) return false;
    if (!c.read_linear(linear, v, c.access_key())) return false;
    return c.write_linear(linear, apply(v), c.access_key());
  }
}

template <typename T, int Op>
bool bt_rm_r(X86Cpu& c, const Insn& i) {
  return bit_op<T, Op>(c, i, c.get_reg<T>(i, i.reg), true);
}
template <typename T, int Op>
bool bt_rm_imm(X86Cpu& c, const Insn& i) {
  return bit_op<T, Op>(c, i, i.imm & 0xff, false);
}

template <typename T>
bool bsf_bsr(X86Cpu& c, const Insn& i) {
  T src;
  if (!c.read_rm(i, src)) return false;
  const bool reverse = i.opcode == 0x1bd;
  if (reverse && (i.prefixes & pfx::kRep)) {
    // LZCNT (advertised by CPUID 80000001H:ECX.ABM).
    const unsigned n = std::countl_zero(src);
    c.set_reg<T>(i, i.reg, static_cast<T>(n));
    c.set_arith_flags(flag::kArith, (src == 0 ? flag::CF : 0) | (n == 0 ? flag::ZF : 0));
    return true;
  }
  if (src == 0) {
    c.set_arith_flags(flag::ZF, flag::ZF);  // destination unchanged
    return true;
  }
  const unsigned n = reverse ? 8 * sizeof(T) - 1 - std::countl_zero(src) : std::countr_zero(src);
  c.set_reg<T>(i, i.reg, static_cast<T>(n));
  c.set_arith_flags(flag::ZF, 0);
  return true;
}

template <typename T>
bool popcnt(X86Cpu& c, const Insn& i) {
  if (!(i.prefixes & pfx::kRep)) return c.ud();
  T src;
  if (!c.read_rm(i, src)) return false;
  c.set_reg<T>(i, i.reg, static_cast<T>(std::popcount(src)));
  c.set_arith_flags(flag::kArith, src == 0 ? flag::ZF : 0);
  return true;
}

template <typename T>
bool bswap(X86Cpu& c, const Insn& i) {
  if constexpr (sizeof(T) == 2) {
    c.set_reg<u16>(i, i.rm, 0);  // undefined for 16-bit operands; zero as Intel parts do
  } else {
    c.set_reg<T>(i, i.rm, byte_swap(c.get_reg<T>(i, i.rm)));
  }
  return true;
}

template <typename T>
bool movbe(X86Cpu& c, const Insn& i) {
  if (i.mod == 3) return c.ud();
  if (i.opcode == 0x2f0) {
    T v;
    if (!c.read_rm(i, v)) return false;
    c.set_reg<T>(i, i.reg, byte_swap(v));
    return true;
  }
  return c.write_rm<T>(i, byte_swap(c.get_reg<T>(i, i.reg)));
}

bool setcc(X86Cpu& c, const Insn& i) {
  return c.write_rm<u8>(i, c.cond(i.opcode & 0xf) ? 1 : 0);
}

template <typename T>
bool cmovcc(X86Cpu& c, const Insn& i) {
  T v;
  if (!c.read_rm(i, v)) return false;  // the source is read even when the condition is false
  if (c.cond(i.opcode & 0xf))
    c.set_reg<T>(i, i.reg, v);
  else if constexpr (sizeof(T) == 4)
    c.set_reg<T>(i, i.reg, c.get_reg<T>(i, i.reg));
  return true;
}

template <typename T, typename S, bool SignExtend>
bool movx(X86Cpu& c, const Insn& i) {
  S v;
  if (!c.read_rm(i, v)) return false;
  if constexpr (SignExtend) {
    c.set_reg<T>(i, i.reg, static_cast<T>(static_cast<Signed<T>>(static_cast<Signed<S>>(v))));
  } else {
    c.set_reg<T>(i, i.reg, static_cast<T>(v));
  }
  return true;
}

template <typename T>
bool movsxd(X86Cpu& c, const Insn& i) {
  u32 v;
  if constexpr (sizeof(T) == 2) {
    u16 w;
    if (!c.read_rm(i, w)) return false;
    c.set_reg<u16>(i, i.reg, w);
    return true;
  } else {
    if (!c.read_rm(i, v)) return false;
    c.set_reg<T>(i, i.reg, static_cast<T>(static_cast<i64>(static_cast<i32>(v))));
    return true;
  }
}

template <typename T>
bool cbw(X86Cpu& c, const Insn& i) {
  using H = std::conditional_t<sizeof(T) == 2, u8, std::conditional_t<sizeof(T) == 4, u16, u32>>;
  const H half = static_cast<H>(c.s.gpr[kRax]);
  c.set_reg<T>(i, kRax, static_cast<T>(static_cast<Signed<T>>(static_cast<Signed<H>>(half))));
  return true;
}

template <typename T>
bool cwd(X86Cpu& c, const Insn& i) {
  const T a = static_cast<T>(c.s.gpr[kRax]);
  c.set_reg<T>(i, kRdx, static_cast<Signed<T>>(a) < 0 ? static_cast<T>(~T{0}) : T{0});
  return true;
}

template <typename T>
bool xchg_rm_r(X86Cpu& c, const Insn& i) {
  const T r = c.get_reg<T>(i, i.reg);
  T old{};
  if (!c.rmw_rm<T>(i, [&](T v) {
        old = v;
        return r;
      })) {
    return false;
  }
  c.set_reg<T>(i, i.reg, old);
  return true;
}

// 90+r: XCHG rAX, r. 90 without REX.B is NOP (it does not clear RAX[63:32] in 64-bit mode).
template <typename T>
bool xchg_acc(X86Cpu& c, const Insn& i) {
  if (i.rm == 0) {
    if (i.prefixes & pfx::kRep) c.pause();  // F3 90: PAUSE, a spin-wait hint
    return true;
  }
  const T a = c.get_reg<T>(i, kRax);
  c.set_reg<T>(i, kRax, c.get_reg<T>(i, i.rm));
  c.set_reg<T>(i, i.rm, a);
  return true;
}

template <typename T>
bool xadd(X86Cpu& c, const Insn& i) {
  const T src = c.get_reg<T>(i, i.reg);
  if (i.mod == 3) {
    // SRC := DEST, then DEST := sum: with one register as both, the sum wins (SDM XADD).
    const T d = c.get_reg<T>(i, i.rm);
    const T sum = static_cast<T>(d + src);
    c.set_flags<T>(FlagOp::Add, d, src, sum);
    c.set_reg<T>(i, i.reg, d);
    c.set_reg<T>(i, i.rm, sum);
    return true;
  }
  T old{};
  if (!c.rmw_rm<T>(i, [&](T d) {
        old = d;
        const T sum = static_cast<T>(d + src);
        c.set_flags<T>(FlagOp::Add, d, src, sum);
        return sum;
      })) {
    return false;
  }
  c.set_reg<T>(i, i.reg, old);
  return true;
}

template <typename T>
bool cmpxchg(X86Cpu& c, const Insn& i) {
  const T acc = c.get_reg<T>(i, kRax);
  const T src = c.get_reg<T>(i, i.reg);
  if (i.mod == 3) {
    // A register destination is written only on success (a 32-bit destination keeps its upper
    // half on failure, as hardware does).
    const T d = c.get_reg<T>(i, i.rm);
    c.set_flags<T>(FlagOp::Sub, acc, d, static_cast<T>(acc - d));
    if (acc == d)
      c.set_reg<T>(i, i.rm, src);
    else
      c.set_reg<T>(i, kRax, d);
    return true;
  }
  T old{};
  if (!c.rmw_rm<T>(i, [&](T d) {
        old = d;
        c.set_flags<T>(FlagOp::Sub, acc, d, static_cast<T>(acc - d));
        return acc == d ? src : d;  // the destination is always written (SDM CMPXCHG)
      })) {
    return false;
  }
  if (acc != old) c.set_reg<T>(i, kRax, old);
  return true;
}

// Group 9 /1: CMPXCHG8B, or CMPXCHG16B with REX.W (16-byte aligned).
template <typename T>
bool cmpxchg8b16b(X86Cpu& c, const Insn& i) {
  if (i.mod == 3) return c.ud();
  const u64 addr = c.ea(i);
  const unsigned half = (i.prefixes & pfx::kRexW) ? 8 : 4;
  if (half == 8 && (addr & 15)) return c.gp(0);
  u64 linear;
  if (!c.linearize(i.seg, addr, 2 * half, Access::Write, linear)) return false;
  if (!c.probe_write(linear, 2 * half, c.access_key())) return false;
  u64 lo = 0, hi = 0;
  if (half == 8) {
    if (!c.read_linear(linear, lo, c.access_key()) ||
        !c.read_linear(linear + 8, hi, c.access_key())) {
      return false;
    }
  } else {
    if (!c.read_linear(linear, lo, c.access_key())) return false;
    hi = lo >> 32;
    lo &= 0xffffffff;
  }
  const u64 m = size_mask(half);
  const bool equal = lo == (c.s.gpr[kRax] & m) && hi == (c.s.gpr[kRdx] & m);
  u64 new_lo = lo, new_hi = hi;
  if (equal) {
    new_lo = c.s.gpr[kRbx] & m;
    new_hi = c.s.gpr[kRcx] & m;
  }
  if (half == 8) {
    if (!c.write_linear(linear, new_lo, c.access_key()) ||
        !c.write_linear(linear + 8, new_hi, c.access_key())) {
      return false;
    }
  } else if (!c.write_linear(linear, new_lo | (new_hi << 32), c.access_key())) {
    return false;
  }
  if (!equal) {
    c.set_areg(kRax, half, lo);
    c.set_areg(kRdx, half, hi);
  }
  c.set_arith_flags(flag::ZF, equal ? flag::ZF : 0);
  return true;
}

}  // namespace

void register_bit_ops(OpcodeTable& t) {
  set_v(
      t.op[0x1a3], []<typename T>() { return &bt_rm_r<T, 0>; }, opf::kModrm);
  set_v(
      t.op[0x1ab], []<typename T>() { return &bt_rm_r<T, 1>; }, opf::kModrm | opf::kLock);
  set_v(
      t.op[0x1b3], []<typename T>() { return &bt_rm_r<T, 2>; }, opf::kModrm | opf::kLock);
  set_v(
      t.op[0x1bb], []<typename T>() { return &bt_rm_r<T, 3>; }, opf::kModrm | opf::kLock);
  auto& g8 = t.group[kGrp8];
  set_v(
      g8[4], []<typename T>() { return &bt_rm_imm<T, 0>; }, 0);
  set_v(
      g8[5], []<typename T>() { return &bt_rm_imm<T, 1>; }, opf::kLock);
  set_v(
      g8[6], []<typename T>() { return &bt_rm_imm<T, 2>; }, opf::kLock);
  set_v(
      g8[7], []<typename T>() { return &bt_rm_imm<T, 3>; }, opf::kLock);
  t.op[0x1ba] = {g8[4].h, opf::kModrm | opf::kGroup | opf::kImm8, 1, kGrp8};

  set_v(
      t.op[0x1bc], []<typename T>() { return &bsf_bsr<T>; }, opf::kModrm, 2);
  set_v(
      t.op[0x1bd], []<typename T>() { return &bsf_bsr<T>; }, opf::kModrm, 2);
  set_v(
      t.op[0x1b8], []<typename T>() { return &popcnt<T>; }, opf::kModrm, 2);
  for (unsigned r = 0; r < 8; ++r) {
    set_v(
        t.op[0x1c8 + r], []<typename T>() { return &bswap<T>; }, opf::kRegInOp);
  }
  // MOVBE: 0F 38 F0/F1 without a mandatory prefix; 66 selects 16-bit operands (SDM Vol. 2B).
  for (unsigned op : {0xf0u, 0xf1u}) {
    for (SsePrefix column : {kPrefixNone, kPrefix66}) {
      set_v(
          t.map_0f38[op][column], []<typename T>() { return &movbe<T>; },
          opf::kModrm | opf::kKeep66);
    }
  }
  for (unsigned cc = 0; cc < 16; ++cc) {
    set_b(t.op[0x190 + cc], &setcc, opf::kModrm);
    set_v(
        t.op[0x140 + cc], []<typename T>() { return &cmovcc<T>; }, opf::kModrm);
  }
  set_v(
      t.op[0x1b6], []<typename T>() { return &movx<T, u8, false>; }, opf::kModrm);
  set_v(
      t.op[0x1b7], []<typename T>() { return &movx<T, u16, false>; }, opf::kModrm);
  set_v(
      t.op[0x1be], []<typename T>() { return &movx<T, u8, true>; }, opf::kModrm);
  set_v(
      t.op[0x1bf], []<typename T>() { return &movx<T, u16, true>; }, opf::kModrm);
  set_v(
      t.movsxd, []<typename T>() { return &movsxd<T>; }, opf::kModrm);
  set_v(
      t.op[0x98], []<typename T>() { return &cbw<T>; }, 0);
  set_v(
      t.op[0x99], []<typename T>() { return &cwd<T>; }, 0);

  set_b(t.op[0x86], &xchg_rm_r<u8>, opf::kModrm | opf::kLock, 2);
  set_v(
      t.op[0x87], []<typename T>() { return &xchg_rm_r<T>; }, opf::kModrm | opf::kLock, 2);
  for (unsigned r = 0; r < 8; ++r) {
    set_v(
        t.op[0x90 + r], []<typename T>() { return &xchg_acc<T>; }, opf::kRegInOp);
  }
  set_b(t.op[0x1c0], &xadd<u8>, opf::kModrm | opf::kLock, 2);
  set_v(
      t.op[0x1c1], []<typename T>() { return &xadd<T>; }, opf::kModrm | opf::kLock, 2);
  set_b(t.op[0x1b0], &cmpxchg<u8>, opf::kModrm | opf::kLock, 2);
  set_v(
      t.op[0x1b1], []<typename T>() { return &cmpxchg<T>; }, opf::kModrm | opf::kLock, 2);
  set_v(
      t.group[kGrp9][1], []<typename T>() { return &cmpxchg8b16b<T>; }, opf::kLock, 3);
}

}  // namespace glasspc

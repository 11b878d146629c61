// Data movement: MOV forms, LEA, PUSH/POP, PUSHA/POPA, ENTER/LEAVE, LAHF/SAHF, XLAT, flag
// instructions CLC/STC/CMC/CLD/STD, and the multi-byte NOPs (SDM Vol. 2A/2B).
#include "cpu/cpu_inline.h"
#include "cpu/decoder.h"

namespace glasspc {
namespace {

template <typename T>
bool mov_rm_r(X86Cpu& c, const Insn& i) {
  return c.write_rm<T>(i, c.get_reg<T>(i, i.reg));
}

template <typename T>
bool mov_r_rm(X86Cpu& c, const Insn& i) {
  T v;
  if (!c.read_rm(i, v)) return false;
  c.set_reg<T>(i, i.reg, v);
  return true;
}

template <typename T>
bool mov_rm_imm(X86Cpu& c, const Insn& i) {
  return c.write_rm<T>(i, static_cast<T>(i.imm));
}

template <typename T>
bool mov_reg_imm(X86Cpu& c, const Insn& i) {
  c.set_reg<T>(i, i.rm, static_cast<T>(i.imm));
  return true;
}

// A0-A3: MOV between the accumulator and a direct offset.
template <typename T, bool Load>
bool mov_moffs(X86Cpu& c, const Insn& i) {
  const u64 offset = i.imm & size_mask(i.adsize);
  if constexpr (Load) {
    T v;
    if (!c.read_mem(i.seg, offset, v)) return false;
    c.set_reg<T>(i, kRax, v);
    return true;
  } else {
    return c.write_mem(i.seg, offset, c.get_reg<T>(i, kRax));
  }
}

template <typename T>
bool lea(X86Cpu& c, const Insn& i) {
  if (i.mod == 3) return c.ud();
  c.set_reg<T>(i, i.reg, static_cast<T>(c.ea(i)));
  return true;
}

template <typename T>
bool push_reg(X86Cpu& c, const Insn& i) {
  return c.push<T>(static_cast<T>(c.s.gpr[i.rm]));
}

template <typename T>
bool pop_reg(X86Cpu& c, const Insn& i) {
  T v;
  if (!c.pop(v)) return false;
  c.set_reg<T>(i, i.rm, v);
  return true;
}

template <typename T>
bool push_imm(X86Cpu& c, const Insn& i) {
  return c.push<T>(static_cast<T>(i.imm));
}

template <typename T>
bool push_rm(X86Cpu& c, const Insn& i) {
  T v;
  if (!c.read_rm(i, v)) return false;
  return c.push<T>(v);
}

// POP Ev computes a memory address from the incremented stack pointer (SDM Vol. 2B POP).
template <typename T>
bool pop_rm(X86Cpu& c, const Insn& i) {
  const u64 old_sp = c.s.gpr[kRsp];
  T v;
  if (!c.pop(v)) return false;
  if (!c.write_rm<T>(i, v)) {
    c.s.gpr[kRsp] = old_sp;
    return false;
  }
  return true;
}

template <typename T>
bool pusha(X86Cpu& c, const Insn&) {
  const u64 sp = c.s.gpr[kRsp];
  const auto saved = c.s.gpr;
  for (unsigned r = 0; r < 8; ++r) {
    const T v = static_cast<T>(r == kRsp ? sp : saved[r]);
    if (!c.push<T>(v)) {
      c.s.gpr = saved;
      return false;
    }
  }
  return true;
}

template <typename T>
bool popa(X86Cpu& c, const Insn& i) {
  const auto saved = c.s.gpr;
  for (int r = 7; r >= 0; --r) {
    T v;
    if (!c.pop(v)) {
      c.s.gpr = saved;
      return false;
    }
    if (r != kRsp) c.set_reg<T>(i, static_cast<unsigned>(r), v);
  }
  return true;
}

// ENTER (SDM Vol. 2A ENTER): nesting level modulo 32.
template <typename T>
bool enter(X86Cpu& c, const Insn& i) {
  const auto saved = c.s.gpr;
  const unsigned level = i.imm2 & 31;
  const unsigned ss = c.stack_size();
  auto undo = [&]() {
    c.s.gpr = saved;
    return false;
  };
  if (!c.push<T>(static_cast<T>(c.s.gpr[kRbp]))) return undo();
  const u64 frame = c.sp_masked();
  if (level > 0) {
    u64 bp = c.get_areg(kRbp, ss);
    for (unsigned n = 1; n < level; ++n) {
      bp = (bp - sizeof(T)) & size_mask(ss);
      T v;
      if (!c.read_mem(kSs, bp, v) || !c.push<T>(v)) return undo();
    }
    if (!c.push<T>(static_cast<T>(frame))) return undo();
  }
  const u64 new_sp = (c.sp_masked() - (i.imm & 0xffff)) & size_mask(ss);
  // The final stack pointer must be valid for a push (checked as a write of one item).
  u64 linear;
  if (!c.linearize(kSs, new_sp, 1, Access::Write, linear) && i.imm != 0) return undo();
  c.set_reg<T>(i, kRbp, static_cast<T>(frame));
  c.set_sp(new_sp);
  c.add_cycles(level * 2);
  return true;
}

template <typename T>
bool leave(X86Cpu& c, const Insn& i) {
  const u64 old_sp = c.s.gpr[kRsp];
  c.set_sp(c.get_areg(kRbp, c.stack_size()));
  T v;
  if (!c.pop(v)) {
    c.s.gpr[kRsp] = old_sp;
    return false;
  }
  c.set_reg<T>(i, kRbp, v);
  return true;
}

bool lahf(X86Cpu& c, const Insn& i) {
  const u8 ah = static_cast<u8>(
      (c.rflags() & (flag::SF | flag::ZF | flag::AF | flag::PF | flag::CF)) | flag::kFixed1);
  c.set_reg<u8>(i, 4, ah);  // AH (never with REX here: 9F takes no ModRM)
  return true;
}

bool sahf(X86Cpu& c, const Insn&) {
  const u64 ah = (c.s.gpr[kRax] >> 8) & 0xff;
  c.set_arith_flags(flag::SF | flag::ZF | flag::AF | flag::PF | flag::CF, ah);
  return true;
}

bool xlat(X86Cpu& c, const Insn& i) {
  const u64 addr = (c.s.gpr[kRbx] + (c.s.gpr[kRax] & 0xff)) & size_mask(i.adsize);
  u8 v;
  if (!c.read_mem(i.seg, addr, v)) return false;
  c.s.gpr[kRax] = (c.s.gpr[kRax] & ~u64{0xff}) | v;
  return true;
}

bool clc(X86Cpu& c, const Insn&) {
  c.set_arith_flags(flag::CF, 0);
  return true;
}
bool stc(X86Cpu& c, const Insn&) {
  c.set_arith_flags(flag::CF, flag::CF);
  return true;
}
bool cmc(X86Cpu& c, const Insn&) {
  c.set_arith_flags(flag::CF, c.cf() ? 0 : flag::CF);
  return true;
}
bool cld(X86Cpu& c, const Insn&) {
  c.set_flag_bit(flag::DF, false);
  return true;
}
bool std_(X86Cpu& c, const Insn&) {
  c.set_flag_bit(flag::DF, true);
  return true;
}

// NOP Ev (0F 1F /0, hint NOPs 0F 18-1F, PREFETCH 0F 0D): the operand is not accessed.
bool nop(X86Cpu&, const Insn&) {
  return true;
}

}  // namespace

void register_data_ops(OpcodeTable& t) {
  set_b(t.op[0x88], &mov_rm_r<u8>, opf::kModrm);
  set_v(
      t.op[0x89], []<typename T>() { return &mov_rm_r<T>; }, opf::kModrm);
  set_b(t.op[0x8a], &mov_r_rm<u8>, opf::kModrm);
  set_v(
      t.op[0x8b], []<typename T>() { return &mov_r_rm<T>; }, opf::kModrm);
  set_v(
      t.op[0x8d], []<typename T>() { return &lea<T>; }, opf::kModrm);
  set_b(t.op[0xa0], &mov_moffs<u8, true>, opf::kMoffs);
  set_v(
      t.op[0xa1], []<typename T>() { return &mov_moffs<T, true>; }, opf::kMoffs);
  set_b(t.op[0xa2], &mov_moffs<u8, false>, opf::kMoffs);
  set_v(
      t.op[0xa3], []<typename T>() { return &mov_moffs<T, false>; }, opf::kMoffs);
  for (unsigned r = 0; r < 8; ++r) {
    set_b(t.op[0xb0 + r], &mov_reg_imm<u8>, opf::kRegInOp | opf::kImm8);
    set_v(
        t.op[0xb8 + r], []<typename T>() { return &mov_reg_imm<T>; }, opf::kRegInOp | opf::kImmV);
    set_v(
        t.op[0x50 + r], []<typename T>() { return &push_reg<T>; }, opf::kRegInOp | opf::kD64);
    set_v(
        t.op[0x58 + r], []<typename T>() { return &pop_reg<T>; }, opf::kRegInOp | opf::kD64);
  }
  set_b(t.group[kGrp11Eb][0], &mov_rm_imm<u8>, 0);
  set_v(
      t.group[kGrp11Ev][0], []<typename T>() { return &mov_rm_imm<T>; }, 0);
  t.op[0xc6] = {t.group[kGrp11Eb][0].h, opf::kModrm | opf::kGroup | opf::kImm8 | opf::kByte, 1,
                kGrp11Eb};
  t.op[0xc7] = {t.group[kGrp11Ev][0].h, opf::kModrm | opf::kGroup | opf::kImmZ, 1, kGrp11Ev};

  set_v(
      t.op[0x68], []<typename T>() { return &push_imm<T>; }, opf::kImmZ | opf::kD64);
  set_v(
      t.op[0x6a], []<typename T>() { return &push_imm<T>; }, opf::kImm8s | opf::kD64);
  set_v(
      t.group[kGrp1aPop][0], []<typename T>() { return &pop_rm<T>; }, opf::kD64);
  t.op[0x8f] = {t.group[kGrp1aPop][0].h, opf::kModrm | opf::kGroup | opf::kD64, 1, kGrp1aPop};
  set_v(
      t.group[kGrp5][6], []<typename T>() { return &push_rm<T>; }, opf::kD64);

  set_v(
      t.op[0x60], []<typename T>() { return &pusha<T>; }, opf::kInv64, 8);
  set_v(
      t.op[0x61], []<typename T>() { return &popa<T>; }, opf::kInv64, 8);
  set_v(
      t.op[0xc8], []<typename T>() { return &enter<T>; }, opf::kEnter | opf::kD64, 3);
  set_v(
      t.op[0xc9], []<typename T>() { return &leave<T>; }, opf::kD64);

  set_b(t.op[0x9e], &sahf, 0);
  set_b(t.op[0x9f], &lahf, 0);
  set_b(t.op[0xd7], &xlat, 0, 2);
  set_b(t.op[0xf5], &cmc, 0);
  set_b(t.op[0xf8], &clc, 0);
  set_b(t.op[0xf9], &stc, 0);
  set_b(t.op[0xfc], &cld, 0);
  set_b(t.op[0xfd], &std_, 0);
  set_b(t.op[0x10d], &nop, opf::kModrm);
  for (unsigned op = 0x118; op <= 0x11f; ++op) set_b(t.op[op], &nop, opf::kModrm);
}

}  // namespace glasspc

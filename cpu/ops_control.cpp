// Control transfers: Jcc, JMP, CALL, RET (near and far), LOOP/LOOPE/LOOPNE, JrCXZ, INT n,
// INT3, INTO, INT1, BOUND, IRET (SDM Vol. 2A/2B). Far transfers and IRET go through the
// segmentation code in cpu/far_transfer.cpp and cpu/interrupts.cpp.
#include <utility>

#include "cpu/cpu_inline.h"
#include "cpu/decoder.h"

namespace glasspc {
namespace {

// One instance per condition, so that only the flags it tests are evaluated.
template <typename T, unsigned CC>
bool jcc(X86Cpu& c, const Insn& i) {
  if (!c.cond(CC)) return true;
  return c.branch(c.next_rip() + i.imm, sizeof(T));
}

template <unsigned... CC>
void register_jcc(OpcodeTable& t, std::integer_sequence<unsigned, CC...>) {
  (set_v(
       t.op[0x70 + CC], []<typename T>() { return &jcc<T, CC>; },
       opf::kImm8s | opf::kF64 | opf::kEnd),
   ...);
  (set_v(
       t.op[0x180 + CC], []<typename T>() { return &jcc<T, CC>; },
       opf::kImmZ | opf::kF64 | opf::kEnd),
   ...);
}

template <typename T>
bool jmp_rel(X86Cpu& c, const Insn& i) {
  return c.branch(c.next_rip() + i.imm, sizeof(T));
}

template <typename T>
bool jmp_rm(X86Cpu& c, const Insn& i) {
  T target;
  if (!c.read_rm(i, target)) return false;
  return c.branch(target, sizeof(T));
}

template <typename T>
bool call_to(X86Cpu& c, u64 target) {
  const u64 ret = c.next_rip();
  if (!c.branch(target, sizeof(T))) return false;  // target checked before the push
  if (!c.push<T>(static_cast<T>(ret))) {
    c.set_next_rip(ret);
    return false;
  }
  return true;
}

template <typename T>
bool call_rel(X86Cpu& c, const Insn& i) {
  return call_to<T>(c, c.next_rip() + i.imm);
}

template <typename T>
bool call_rm(X86Cpu& c, const Insn& i) {
  T target;
  if (!c.read_rm(i, target)) return false;
  return call_to<T>(c, target);
}

template <typename T>
bool ret_near(X86Cpu& c, const Insn& i) {
  const u64 old_sp = c.s.gpr[kRsp];
  T target;
  if (!c.pop(target)) return false;
  if (!c.branch(target, sizeof(T))) {
    c.s.gpr[kRsp] = old_sp;
    return false;
  }
  if (i.opcode == 0xc2) c.set_sp(c.sp_masked() + (i.imm & 0xffff));
  return true;
}

// E0-E3: the count register is rCX of the address size.
template <typename T>
bool loop(X86Cpu& c, const Insn& i) {
  const unsigned as = i.adsize;
  u64 count = c.get_areg(kRcx, as);
  bool take;
  if (i.opcode == 0xe3) {
    take = count == 0;
  } else {
    count = (count - 1) & size_mask(as);
    c.set_areg(kRcx, as, count);
    take = count != 0;
    if (i.opcode == 0xe1) take = take && c.zf();
    if (i.opcode == 0xe0) take = take && !c.zf();
  }
  if (!take) return true;
  return c.branch(c.next_rip() + i.imm, sizeof(T));
}

// Far pointer in memory: offset (operand size) then selector (SDM Vol. 2A CALL/JMP m16:xx).
template <typename T>
bool read_far_pointer(X86Cpu& c, const Insn& i, u16& selector, u64& offset) {
  if (i.mod == 3) return c.ud();
  const u64 addr = c.ea(i);
  T off;
  if (!c.read_mem(i.seg, addr, off)) return false;
  if (!c.read_mem(i.seg, (addr + sizeof(T)) & size_mask(i.adsize), selector)) return false;
  offset = off;
  return true;
}

template <typename T>
bool jmp_far_rm(X86Cpu& c, const Insn& i) {
  u16 sel;
  u64 off;
  if (!read_far_pointer<T>(c, i, sel, off)) return false;
  return c.far_jump(sel, off, sizeof(T));
}

template <typename T>
bool call_far_rm(X86Cpu& c, const Insn& i) {
  u16 sel;
  u64 off;
  if (!read_far_pointer<T>(c, i, sel, off)) return false;
  return c.far_call(sel, off, sizeof(T));
}

template <typename T>
bool jmp_far_imm(X86Cpu& c, const Insn& i) {
  return c.far_jump(i.imm2, i.imm & size_mask(sizeof(T)), sizeof(T));
}

template <typename T>
bool call_far_imm(X86Cpu& c, const Insn& i) {
  return c.far_call(i.imm2, i.imm & size_mask(sizeof(T)), sizeof(T));
}

template <typename T>
bool ret_far(X86Cpu& c, const Insn& i) {
  return c.far_return(sizeof(T), i.opcode == 0xca ? static_cast<u16>(i.imm) : 0);
}

template <typename T>
bool iret(X86Cpu& c, const Insn&) {
  return c.iret(sizeof(T));
}

// BOUND: #BR when the signed index lies outside [lower, upper] (SDM Vol. 2A BOUND).
template <typename T>
bool bound(X86Cpu& c, const Insn& i) {
  if (i.mod == 3) return c.ud();
  using S = std::make_signed_t<T>;
  const u64 addr = c.ea(i);
  T lower, upper;
  if (!c.read_mem(i.seg, addr, lower) ||
      !c.read_mem(i.seg, (addr + sizeof(T)) & size_mask(i.adsize), upper)) {
    return false;
  }
  const S index = static_cast<S>(c.get_reg<T>(i, i.reg));
  if (index < static_cast<S>(lower) || index > static_cast<S>(upper)) return c.fault(vec::BR);
  return true;
}

bool int_n(X86Cpu& c, const Insn& i) {
  // In virtual-8086 mode without VME, INT n needs IOPL 3 (SDM Vol. 3A 20.3.3).
  if (c.v86() && c.iopl() < 3) return c.gp(0);
  return c.software_interrupt(static_cast<u8>(i.imm), X86Cpu::EventKind::Software);
}

bool int3(X86Cpu& c, const Insn&) {
  return c.software_interrupt(vec::BP, X86Cpu::EventKind::SoftwareException);
}

bool into(X86Cpu& c, const Insn&) {
  if (!c.of()) return true;
  return c.software_interrupt(vec::OF, X86Cpu::EventKind::SoftwareException);
}

bool int1(X86Cpu& c, const Insn&) {
  return c.software_interrupt(vec::DB, X86Cpu::EventKind::SoftwareIcebp);
}

}  // namespace

void register_control_ops(OpcodeTable& t) {
  using opf::kEnd;
  using opf::kF64;
  register_jcc(t, std::make_integer_sequence<unsigned, 16>{});
  set_v(
      t.op[0xeb], []<typename T>() { return &jmp_rel<T>; }, opf::kImm8s | kF64 | kEnd);
  set_v(
      t.op[0xe9], []<typename T>() { return &jmp_rel<T>; }, opf::kImmZ | kF64 | kEnd);
  set_v(
      t.op[0xe8], []<typename T>() { return &call_rel<T>; }, opf::kImmZ | kF64 | kEnd, 2);
  set_v(
      t.op[0xc3], []<typename T>() { return &ret_near<T>; }, kF64 | kEnd, 2);
  set_v(
      t.op[0xc2], []<typename T>() { return &ret_near<T>; }, opf::kImm16 | kF64 | kEnd, 2);
  for (unsigned op = 0xe0; op <= 0xe3; ++op) {
    set_v(
        t.op[op], []<typename T>() { return &loop<T>; }, opf::kImm8s | kF64 | kEnd);
  }
  auto& g5 = t.group[kGrp5];
  set_v(
      g5[2], []<typename T>() { return &call_rm<T>; }, kF64 | kEnd, 2);
  set_v(
      g5[3], []<typename T>() { return &call_far_rm<T>; }, kEnd, 20);
  set_v(
      g5[4], []<typename T>() { return &jmp_rm<T>; }, kF64 | kEnd);
  set_v(
      g5[5], []<typename T>() { return &jmp_far_rm<T>; }, kEnd, 20);
  t.op[0xff] = {g5[0].h, opf::kModrm | opf::kGroup, 1, kGrp5};

  set_v(
      t.op[0xea], []<typename T>() { return &jmp_far_imm<T>; }, opf::kImmFar | opf::kInv64 | kEnd,
      20);
  set_v(
      t.op[0x9a], []<typename T>() { return &call_far_imm<T>; }, opf::kImmFar | opf::kInv64 | kEnd,
      20);
  set_v(
      t.op[0xcb], []<typename T>() { return &ret_far<T>; }, kEnd, 20);
  set_v(
      t.op[0xca], []<typename T>() { return &ret_far<T>; }, opf::kImm16 | kEnd, 20);
  set_v(
      t.op[0xcf], []<typename T>() { return &iret<T>; }, kEnd, 20);
  t.op[0x62].h = {&bound<u16>, &bound<u32>, &bound<u32>};
  t.op[0x62].flags = opf::kModrm | opf::kInv64;
  t.op[0x62].cycles = 3;
  set_b(t.op[0xcd], &int_n, opf::kImm8 | kEnd, 20);
  set_b(t.op[0xcc], &int3, kEnd, 20);
  set_b(t.op[0xce], &into, opf::kInv64 | kEnd, 20);
  set_b(t.op[0xf1], &int1, kEnd, 20);
}

}  // namespace glasspc

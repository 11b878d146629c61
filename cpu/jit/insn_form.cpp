// Classification of decoded instructions for the native-code compiler (see insn_form.h).
#include "cpu/jit/insn_form.h"

namespace glasspc::jit {
namespace {

// "v"-sized opcodes take the decoded operand size; byte opcodes are 1.
u8 size_of(const Insn& insn, bool byte) {
  return byte ? 1 : insn.opsize;
}

bool is_rotate(u8 op) {
  return op <= 1;
}
bool is_shift(u8 op) {
  return op >= 4;
}  // 4 SHL, 5 SHR, 6 SAL (= SHL), 7 SAR

}  // namespace

FormInfo classify(const Insn& insn) {
  FormInfo f;
  if (insn.prefixes & pfx::kLock) return f;  // LOCK rules (#UD forms) stay with the handler
  const unsigned op = insn.opcode;
  if (op < 0x40 && (op & 7) < 6) {
    const unsigned row = op >> 3;  // 0 ADD, 1 OR, 2 ADC, 3 SBB, 4 AND, 5 SUB, 6 XOR, 7 CMP
    if (row == 2 || row == 3) return f;
    f.form = Form::Alu;
    f.alu = static_cast<AluOp>(row);
    const unsigned kind = op & 7;  // 0 Eb,Gb  1 Ev,Gv  2 Gb,Eb  3 Gv,Ev  4 AL,Ib  5 eAX,Iz
    f.size = size_of(insn, (kind & 1) == 0);
    f.reg_is_dst = kind == 2 || kind == 3;
    f.imm_src = f.acc = kind >= 4;
    return f;
  }
  switch (op) {
    case 0x80:
    case 0x81:
    case 0x83:
      if (insn.reg == 2 || insn.reg == 3) return f;  // ADC, SBB
      f.form = Form::Alu;
      f.alu = static_cast<AluOp>(insn.reg & 7);
      f.size = size_of(insn, op == 0x80);
      f.imm_src = true;
      return f;
    case 0x84:
    case 0x85:
      f.form = Form::Alu;
      f.alu = AluOp::Test;
      f.size = size_of(insn, op == 0x84);
      return f;
    case 0xa8:
    case 0xa9:
      f.form = Form::Alu;
      f.alu = AluOp::Test;
      f.size = size_of(insn, op == 0xa8);
      f.imm_src = f.acc = true;
      return f;
    case 0xf6:
    case 0xf7:
      if ((insn.reg & 7) != 0) return f;
      f.form = Form::Alu;
      f.alu = AluOp::Test;
      f.size = size_of(insn, op == 0xf6);
      f.imm_src = true;
      return f;
    case 0x88:
    case 0x89:
      f.form = Form::MovRmR;
      f.size = size_of(insn, op == 0x88);
      return f;
    case 0x8a:
    case 0x8b:
      f.form = Form::MovRRm;
      f.size = size_of(insn, op == 0x8a);
      return f;
    case 0xc6:
    case 0xc7:
      if ((insn.reg & 7) != 0) return f;
      f.form = Form::MovRmImm;
      f.size = size_of(insn, op == 0xc6);
      return f;
    case 0xfe:
    case 0xff:
      if ((insn.reg & 7) > 1) return f;
      f.form = Form::IncDec;
      f.dec = (insn.reg & 7) == 1;
      f.size = size_of(insn, op == 0xfe);
      return f;
    case 0xc0:
    case 0xc1:
    case 0xd0:
    case 0xd1: {
      const u8 group_op = insn.reg & 7;
      if (!is_rotate(group_op) && !is_shift(group_op)) return f;  // RCL/RCR read CF
      f.size = size_of(insn, op == 0xc0 || op == 0xd0);
      const unsigned n = op >= 0xd0 ? 1 : static_cast<unsigned>(insn.imm);
      f.count = static_cast<u8>(n & (f.size == 8 ? 0x3f : 0x1f));
      if (f.count == 0) return f;  // a zero count keeps the flags: the handler's rule
      f.form = is_shift(group_op) ? Form::Shift : Form::Rotate;
      f.shift = group_op == 6 ? 4 : group_op;
      return f;
    }
    case 0xa0:
    case 0xa1:
    case 0xa2:
    case 0xa3:
      f.form = Form::MovMoffs;
      f.size = size_of(insn, (op & 1) == 0);
      f.load = op <= 0xa1;
      return f;
    case 0xeb:
    case 0xe9:
      f.form = Form::Jmp;
      return f;
    case 0x1b6:
    case 0x1b7:
    case 0x1be:
    case 0x1bf:
      f.form = Form::MovX;
      f.size = insn.opsize;
      f.src_size = (op & 1) ? 2 : 1;
      f.sign = op >= 0x1be;
      return f;
    case 0x63:  // MOVSXD in 64-bit code (ARPL elsewhere, never with a 64-bit operand size)
      if (insn.opsize != 8) return f;
      f.form = Form::MovX;
      f.size = 8;
      f.src_size = 4;
      f.sign = true;
      return f;
    case 0x8d:
      if (!insn.has_mem()) return f;  // #UD
      f.form = Form::Lea;
      f.size = insn.opsize;
      return f;
    case 0x1af:
    case 0x69:
    case 0x6b:
      f.form = Form::Imul;
      f.size = insn.opsize;
      f.imm_src = op != 0x1af;
      return f;
    default:
      break;
  }
  if ((op >= 0xb0 && op <= 0xbf)) {
    f.form = Form::MovRImm;
    f.size = size_of(insn, op < 0xb8);
    return f;
  }
  // Stack operations with the stack's own width (8 in 64-bit code, 4 with a 32-bit stack; the
  // compiler checks the mode, 16-bit forms stay with the handlers).
  if (op >= 0x50 && op <= 0x5f && insn.opsize >= 4) {
    f.form = op < 0x58 ? Form::Push : Form::Pop;
    f.size = insn.opsize;
    return f;
  }
  if ((op == 0xe8 || op == 0xc3) && insn.opsize >= 4) {
    f.form = op == 0xe8 ? Form::CallRel : Form::Ret;
    f.size = insn.opsize;
    return f;
  }
  if (op >= 0x40 && op <= 0x4f) {  // INC/DEC r (not in 64-bit mode: REX there)
    f.form = Form::IncDec;
    f.dec = op >= 0x48;
    f.size = insn.opsize;
    return f;
  }
  if (op >= 0x190 && op <= 0x19f) {
    f.form = Form::SetCC;
    f.size = 1;
    f.cc = static_cast<u8>(op & 0xf);
    return f;
  }
  if (op >= 0x140 && op <= 0x14f) {
    f.form = Form::CMov;
    f.size = insn.opsize;
    f.cc = static_cast<u8>(op & 0xf);
    return f;
  }
  if ((op >= 0x70 && op <= 0x7f) || (op >= 0x180 && op <= 0x18f)) {
    f.form = Form::Jcc;
    f.cc = static_cast<u8>(op & 0xf);
    return f;
  }
  return f;
}

FlagUse flag_use(const Insn& insn, const FormInfo& info) {
  FlagUse u;
  switch (info.form) {
    case Form::MovRmR:
    case Form::MovRRm:
    case Form::MovRmImm:
      u.reads = insn.has_mem();  // a memory access may fault and leave the block
      break;
    case Form::MovMoffs:  // a memory access (without ModRM): may fault
      u.reads = true;
      break;
    case Form::MovX:
      u.reads = insn.has_mem();
      break;
    case Form::Lea:  // computes an address, touches nothing
      break;
    case Form::Imul:
      u.reads = insn.has_mem();
      u.writes_all = true;
      break;
    case Form::MovRImm:
    case Form::Jmp:
    case Form::Rotate:  // only ever chosen with dead flags
      break;
    case Form::Alu:
    case Form::Shift:
      u.reads = insn.has_mem();
      u.writes_all = true;
      break;
    case Form::SetCC:  // read the flags (and may fault on memory)
    case Form::CMov:
    case Form::Push:  // memory accesses that may fault
    case Form::Pop:
    case Form::CallRel:
    case Form::Ret:
    case Form::IncDec:  // reads CF, writes the rest
    case Form::Jcc:
    case Form::Generic:
      u.reads = true;
      break;
  }
  return u;
}

std::vector<bool> flags_live_after(const std::vector<Insn>& insns, std::vector<FormInfo>& infos) {
  std::vector<bool> live_after(insns.size(), true);
  bool live = true;  // the successor may read every flag
  for (size_t k = insns.size(); k-- > 0;) {
    FormInfo& info = infos[k];
    if (info.form == Form::Rotate && (live || insns[k].has_mem())) info.form = Form::Generic;
    live_after[k] = live;
    const FlagUse use = flag_use(insns[k], info);
    live = (live && !use.writes_all) || use.reads;
  }
  return live_after;
}

}  // namespace glasspc::jit

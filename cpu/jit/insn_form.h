// What the native-code compiler knows about one decoded instruction: whether it is one of the
// common integer forms it emits inline (everything else calls the interpreter's handler), its
// operand size, and how it uses the arithmetic flags. Pure functions of the Insn, so that the
// classification and the flag liveness below are unit-tested without generating code.
#pragma once

#include <vector>

#include "cpu/insn.h"

namespace glasspc::jit {

enum class Form : u8 {
  Generic,   // a call to insn.handler
  MovRmR,    // 88/89: r/m <- reg
  MovRRm,    // 8A/8B: reg <- r/m
  MovRImm,   // B0-BF: reg <- imm
  MovRmImm,  // C6/C7 /0: r/m <- imm
  MovMoffs,  // A0-A3: AL/eAX <-> [moffs]
  MovX,      // MOVZX/MOVSX (0F B6/B7/BE/BF), MOVSXD r64 (63)
  Lea,       // 8D with a memory operand
  Imul,      // IMUL r, r/m (0F AF) and IMUL r, r/m, imm (69, 6B)
  Alu,       // ADD OR AND SUB XOR CMP TEST (no ADC/SBB: they read CF)
  IncDec,    // FE/FF /0 /1, 40-4F
  Shift,     // SHL/SAL/SHR/SAR with an immediate (or implied 1) count
  Rotate,    // ROL/ROR with an immediate (or implied 1) count, only when its flags are dead
  Push,      // 50-57: PUSH r (stack-sized operand)
  Pop,       // 58-5F: POP r
  CallRel,   // E8
  Ret,       // C3
  SetCC,     // 0F 90-9F: r/m8 <- condition
  CMov,      // 0F 40-4F: reg <- r/m if condition
  Jcc,       // 70-7F, 0F 80-8F
  Jmp,       // EB, E9
};

// The arithmetic operation of an Alu form, numbered as in the 00-3F opcode rows; TEST reuses AND
// without writing the result.
enum class AluOp : u8 { Add = 0, Or = 1, And = 4, Sub = 5, Xor = 6, Cmp = 7, Test = 8 };

struct FormInfo {
  Form form = Form::Generic;
  u8 size = 4;             // operand bytes
  AluOp alu = AluOp::Add;  // Alu
  bool dec = false;        // IncDec: DEC
  u8 shift = 0;  // Shift/Rotate: the group 2 operation (0 ROL, 1 ROR, 4/6 SHL, 5 SHR, 7 SAR)
  u8 count = 0;  // Shift/Rotate: the masked count (never 0)
  bool reg_is_dst = false;  // Alu: the ModRM reg operand is the destination (02/03 forms)
  bool imm_src = false;     // Alu, Imul: the source is the immediate
  bool acc = false;         // Alu: AL/AX/EAX/RAX forms (04/05, A8/A9)
  bool load = false;        // MovMoffs: A0/A1 (the accumulator is written)
  u8 src_size = 0;          // MovX: source bytes
  bool sign = false;        // MovX: sign-extends
  u8 cc = 0;                // Jcc, SetCC, CMov: condition
};

FormInfo classify(const Insn& insn);

// Flag use per instruction, for the liveness pass.
struct FlagUse {
  bool reads = false;       // reads an arithmetic flag (or may, or may leave the block)
  bool writes_all = false;  // replaces all six arithmetic flags
};
FlagUse flag_use(const Insn& insn, const FormInfo& info);

// For each instruction of a block: whether the arithmetic flags it writes can be observed later
// (by a later reader, by anything that may leave the block — a fault, a handler call — or by the
// block's successor). Rotates whose flags are not observed become Rotate; with live flags a
// rotate stays Generic (the handler computes its CF/OF rules). Updates `infos` accordingly.
std::vector<bool> flags_live_after(const std::vector<Insn>& insns, std::vector<FormInfo>& infos);

}  // namespace glasspc::jit

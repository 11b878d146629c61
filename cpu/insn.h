// The decoded-instruction record. The decoder (cpu/decoder.cpp) turns instruction bytes into
// one of these once; blocks of them are cached by physical address, and executing one is a call
// through `handler`. Kept small so that a block of them stays in a few cache lines.
#pragma once

#include "bus/types.h"

namespace glasspc {

class X86Cpu;
struct Insn;

// Returns false when the instruction faulted; the exception is then pending in the CPU and the
// instruction has not retired (RIP still points at it).
using Handler = bool (*)(X86Cpu& cpu, const Insn& insn);

namespace pfx {
constexpr u8 kLock = 1u << 0;
constexpr u8 kRep = 1u << 1;     // F3
constexpr u8 kRepne = 1u << 2;   // F2
constexpr u8 kOpsize = 1u << 3;  // 66
constexpr u8 kRex = 1u << 4;     // any REX prefix (selects SPL/BPL/SIL/DIL for byte registers)
constexpr u8 kRexW = 1u << 5;
constexpr u8 kSegOverride = 1u << 6;
}  // namespace pfx

constexpr u8 kNoReg = 0xff;

struct Insn {
  Handler handler = nullptr;
  u64 imm = 0;     // first immediate, sign- or zero-extended as the opcode defines
  i32 disp = 0;    // displacement (sign-extended)
  u16 imm2 = 0;    // second immediate (ENTER level, far-pointer selector)
  u16 opcode = 0;  // 0x000-0x0ff one-byte map, 0x100-0x1ff 0F map, 0x200+ 0F38/0F3A
  u8 len = 0;
  u8 opsize = 4;            // operand size in bytes for "v" operands: 2, 4 or 8
  u8 adsize = 4;            // address size in bytes: 2, 4 or 8
  u8 mod = 3;               // ModRM.mod (3 = register operand or no ModRM)
  u8 reg = 0;               // ModRM.reg with REX.R
  u8 rm = 0;                // ModRM.rm with REX.B (register number when mod == 3)
  u8 base = kNoReg;         // memory operand base register (kNoReg: none; 16 = RIP-relative)
  u8 index = kNoReg;        // memory operand index register
  u8 scale = 0;             // log2 of the SIB scale
  u8 seg = 3;               // effective segment of the memory operand (SegIndex)
  u8 prefixes = 0;          // pfx:: bits
  u8 modrm = 0;             // the ModRM byte as encoded (x87 FOP, SDM Vol. 1 8.1.9)
  u8 cycles = 1;            // base cost in cycles (memory operand included)
  bool ends_block = false;  // control transfer or state change: the block stops after it

  bool has_mem() const { return mod != 3; }
  // Byte register `r` is AH, CH, DH or BH (bits 15:8 of register r - 4): without any REX
  // prefix, byte registers 4-7 are the legacy high bytes (SDM Vol. 1 3.4.1.1).
  bool high_byte_reg(unsigned r) const { return !(prefixes & pfx::kRex) && r >= 4 && r < 8; }
  bool rep() const { return (prefixes & (pfx::kRep | pfx::kRepne)) != 0; }
};

constexpr u8 kRipBase = 16;

}  // namespace glasspc

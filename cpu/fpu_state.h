// Saving and restoring the x87/MMX/SSE state as a whole: FXSAVE/FXRSTOR, the XSAVE feature set
// (XSAVE, XSAVEOPT, XSAVEC, XRSTOR, XGETBV, XSETBV) and LDMXCSR/STMXCSR (cpu/ops_fpu_state.cpp).
// Reached from group 15 (0F AE), group 9 (0F C7 /4) and group 7 (0F 01 D0/D1).
#pragma once

#include "cpu/insn.h"

namespace glasspc {

class X86Cpu;

// State components this core implements (SDM Vol. 1 13.1): x87 (bit 0) and SSE (bit 1).
constexpr u64 kXcr0Supported = 0x3;
// XSAVE area size for x87 + SSE: the 512-byte legacy region and the 64-byte header.
constexpr u32 kXsaveAreaSize = 576;
// MXCSR_MASK: every MXCSR bit 0-15 is writable, DAZ included (SDM Vol. 1 11.6.6).
constexpr u32 kMxcsrMask = 0xffff;

bool fxsave(X86Cpu& c, const Insn& i);
bool fxrstor(X86Cpu& c, const Insn& i);
bool ldmxcsr(X86Cpu& c, const Insn& i);
bool stmxcsr(X86Cpu& c, const Insn& i);
bool xsave(X86Cpu& c, const Insn& i);  // XSAVE (0F AE /4) and XSAVEOPT (0F AE /6)
bool xsavec(X86Cpu& c, const Insn& i);
bool xrstor(X86Cpu& c, const Insn& i);
bool xgetbv(X86Cpu& c, const Insn& i);
bool xsetbv(X86Cpu& c, const Insn& i);

}  // namespace glasspc

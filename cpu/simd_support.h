// What every x87, MMX and SSE instruction handler shares: the availability checks that decide
// between #UD, #NM and #MF before an instruction runs, and 64/128-bit operand access.
//
// Availability (SDM Vol. 3A 2.5 CR0.EM/MP/TS, 13.1; Vol. 2 "Exceptions" tables of each class):
// - SSE/SSE2..SSE4.2 (legacy encoding): CR0.EM = 1 or CR4.OSFXSR = 0 -> #UD; CR0.TS = 1 -> #NM.
// - MMX: CR0.EM = 1 -> #UD; CR0.TS = 1 -> #NM; a pending unmasked x87 exception -> #MF.
// - x87: CR0.EM = 1 or CR0.TS = 1 -> #NM (FWAIT: only when MP and TS); then a pending unmasked
//   exception -> #MF (CR0.NE = 1) or FERR# (CR0.NE = 0), see cpu/ops_x87*.cpp.
// Floating-point SSE exceptions (SDM Vol. 1 11.5.1) go through sse_finish().
#pragma once

#include "cpu/cpu_inline.h"
#include "cpu/float/fp_types.h"
#include "cpu/simd/vec128.h"

namespace glasspc {

using simd::Vec128;

// --- availability -----------------------------------------------------------------------------
inline bool sse_available(X86Cpu& c) {
  if ((c.s.cr0 & cr0::EM) || !(c.s.cr4 & cr4::OSFXSR)) return c.ud();
  if (c.s.cr0 & cr0::TS) return c.fault(vec::NM);
  return true;
}

// True when the x87 status word has an unmasked exception pending (ES, SDM Vol. 1 8.1.3.1).
inline bool x87_exception_pending(const X86State& s) {
  return (s.x87.fsw & 0x80) != 0;
}

// Checks for an MMX instruction; on success the x87 unit enters MMX mode: TOP = 0 and every
// register tagged valid (SDM Vol. 1 9.5.1, Table 9-2). EMMS empties them again.
inline bool mmx_available(X86Cpu& c) {
  if (c.s.cr0 & cr0::EM) return c.ud();
  if (c.s.cr0 & cr0::TS) return c.fault(vec::NM);
  if (x87_exception_pending(c.s)) {
    // Interrupt 16 needs CR0.NE; otherwise the error is reported through FERR# and the
    // instruction goes on (SDM Vol. 3A 6.15 "Interrupt 16", Vol. 1 D.2.1).
    if (c.s.cr0 & cr0::NE) return c.fault(vec::MF);
    c.set_ferr(true);
  }
  c.s.x87.set_top(0);
  c.s.x87.ftw = 0xff;
  return true;
}

// MMX register n (0-7) is the significand of physical x87 register n; writing one sets the
// register's exponent and sign field to all ones (SDM Vol. 1 9.5.1).
inline u64 mmx_reg(const X86State& s, unsigned n) {
  return s.x87.reg[n & 7].significand;
}
inline void set_mmx_reg(X86State& s, unsigned n, u64 v) {
  s.x87.reg[n & 7] = fp::F80{v, 0xffff};
}

// --- SSE floating-point exceptions --------------------------------------------------------------
inline fp::SseEnv sse_env(const X86Cpu& c) {
  fp::SseEnv env = fp::SseEnv::from_mxcsr(c.s.mxcsr);
  env.begin();
  return env;
}

// Ends an SSE floating-point instruction: stores the sticky flags into MXCSR, and when an unmasked
// exception was raised reports #XM (CR4.OSXMMEXCPT = 1) or #UD (SDM Vol. 1 11.5.1, Vol. 3A 6.15
// "Interrupt 19"). Returns false in that case, and the caller must not write the destination
// (call this before writing it).
inline bool sse_finish(X86Cpu& c, const fp::SseEnv& env) {
  c.s.mxcsr = (c.s.mxcsr & ~u32{fp::flag::kAll}) | env.flags;
  if (env.suppress_store()) return (c.s.cr4 & cr4::OSXMMEXCPT) ? c.fault(vec::XM) : c.ud();
  return true;
}

// --- operands ----------------------------------------------------------------------------------
// Linear address of the ModRM memory operand for an access of `size` bytes. With `aligned`,
// a 16-byte operand that is not 16-byte aligned is #GP(0) (SDM Vol. 2 MOVAPS etc.; the legacy
// SSE rule, SDM Vol. 1 11.6.7 / 12.x: most 128-bit memory operands must be aligned).
inline bool simd_linear(X86Cpu& c, const Insn& i, unsigned size, Access access, bool aligned,
                        u64& linear) {
  const u64 offset = c.ea(i);
  if (aligned && size == 16) {
    u64 lin;
    if (!c.linearize(i.seg, offset, 1, access, lin)) return false;
    if (lin & 15) return c.gp(0);
  }
  return c.linearize(i.seg, offset, size, access, linear);
}

inline bool read_m128(X86Cpu& c, const Insn& i, Vec128& out, bool aligned) {
  u64 linear;
  if (!simd_linear(c, i, 16, Access::Read, aligned, linear)) return false;
  return c.read_linear(linear, out, c.access_key());
}

inline bool write_m128(X86Cpu& c, const Insn& i, const Vec128& v, bool aligned) {
  u64 linear;
  if (!simd_linear(c, i, 16, Access::Write, aligned, linear)) return false;
  return c.write_linear(linear, v, c.access_key());
}

// The xmm/m128 source operand (ModRM.rm): a register, or 16 bytes of memory.
inline bool read_xmm_rm(X86Cpu& c, const Insn& i, Vec128& out, bool aligned) {
  if (!i.has_mem()) {
    out = c.s.xmm[i.rm];
    return true;
  }
  return read_m128(c, i, out, aligned);
}

// Scalar or narrow sources: xmm register low bits, or `sizeof(T)` bytes of memory.
template <typename T>
inline bool read_xmm_rm_low(X86Cpu& c, const Insn& i, T& out) {
  if (!i.has_mem()) {
    out = static_cast<T>(c.s.xmm[i.rm].lo);
    return true;
  }
  return c.read_mem(i.seg, c.ea(i), out);
}

// The mm/m64 source operand of an MMX instruction.
inline bool read_mmx_rm(X86Cpu& c, const Insn& i, u64& out) {
  if (!i.has_mem()) {
    out = mmx_reg(c.s, i.rm);
    return true;
  }
  return c.read_mem(i.seg, c.ea(i), out);
}

}  // namespace glasspc

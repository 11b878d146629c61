// The real x87 unit of an x86-64 host, driven through inline assembly: every wrapper starts
// from FNINIT, loads the control word and the operands, runs one instruction, and captures the
// status word before storing the results.
#pragma once

#if defined(__x86_64__)

#include "cpu/float/fp_types.h"

namespace glasspc::fp::test {

struct HostX87 {
  F80 st0;
  F80 st1;
  u16 sw;
};

inline u16 control_word(Rounding rc, Precision pc, u8 masks = flag::kAll) {
  return static_cast<u16>(0x40 | masks | (u16(pc) << 8) | (u16(rc) << 10));
}

#define GLASSPC_X87_CLOBBERS \
  "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "memory"

// ST(0) = a, ST(1) = b, then `insn`.
#define GLASSPC_HOST_X87_BINARY(name, insn)                                 \
  inline HostX87 name(F80 a, F80 b, u16 cw) {                               \
    HostX87 r{};                                                            \
    asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn \
                 "\n\tfnstsw %[sw]\n\tfstpt %[r0]\n\tfstpt %[r1]\n\tfninit" \
                 : [r0] "=m"(r.st0), [r1] "=m"(r.st1), [sw] "=m"(r.sw)      \
                 : [a] "m"(a), [b] "m"(b), [cw] "m"(cw)                     \
                 : GLASSPC_X87_CLOBBERS);                                   \
    return r;                                                               \
  }

#define GLASSPC_HOST_X87_UNARY(name, insn)                                  \
  inline HostX87 name(F80 a, u16 cw) {                                      \
    HostX87 r{};                                                            \
    asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn              \
                 "\n\tfnstsw %[sw]\n\tfstpt %[r0]\n\tfstpt %[r1]\n\tfninit" \
                 : [r0] "=m"(r.st0), [r1] "=m"(r.st1), [sw] "=m"(r.sw)      \
                 : [a] "m"(a), [cw] "m"(cw)                                 \
                 : GLASSPC_X87_CLOBBERS);                                   \
    return r;                                                               \
  }

GLASSPC_HOST_X87_BINARY(host_fadd, "fadd %%st(1), %%st")
GLASSPC_HOST_X87_BINARY(host_fsub, "fsub %%st(1), %%st")
GLASSPC_HOST_X87_BINARY(host_fmul, "fmul %%st(1), %%st")
GLASSPC_HOST_X87_BINARY(host_fdiv, "fdiv %%st(1), %%st")
GLASSPC_HOST_X87_BINARY(host_fprem, "fprem")
GLASSPC_HOST_X87_BINARY(host_fprem1, "fprem1")
GLASSPC_HOST_X87_BINARY(host_fscale, "fscale")
GLASSPC_HOST_X87_BINARY(host_fcom, "fcom %%st(1)")
GLASSPC_HOST_X87_BINARY(host_fucom, "fucom %%st(1)")
GLASSPC_HOST_X87_BINARY(host_fpatan, "fpatan")  // ST(1) = atan(b / a), pop
GLASSPC_HOST_X87_BINARY(host_fyl2x, "fyl2x")    // b * log2(a), pop
GLASSPC_HOST_X87_BINARY(host_fyl2xp1, "fyl2xp1")
GLASSPC_HOST_X87_UNARY(host_fsqrt, "fsqrt")
GLASSPC_HOST_X87_UNARY(host_frndint, "frndint")
GLASSPC_HOST_X87_UNARY(host_fxtract, "fxtract")
GLASSPC_HOST_X87_UNARY(host_fsin, "fsin")
GLASSPC_HOST_X87_UNARY(host_fcos, "fcos")
GLASSPC_HOST_X87_UNARY(host_fsincos, "fsincos")
GLASSPC_HOST_X87_UNARY(host_fptan, "fptan")
GLASSPC_HOST_X87_UNARY(host_f2xm1, "f2xm1")
GLASSPC_HOST_X87_UNARY(host_fxam, "fxam")
GLASSPC_HOST_X87_UNARY(host_ftst, "ftst")

// ST(0) = a, then `insn` with a memory operand m (m32fp or m64fp).
#define GLASSPC_HOST_X87_MEM(name, type, insn)                    \
  inline HostX87 name(F80 a, type m, u16 cw) {                    \
    HostX87 r{};                                                  \
    asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn    \
                 " %[m]\n\tfnstsw %[sw]\n\tfstpt %[r0]\n\tfninit" \
                 : [r0] "=m"(r.st0), [sw] "=m"(r.sw)              \
                 : [a] "m"(a), [m] "m"(m), [cw] "m"(cw)           \
                 : GLASSPC_X87_CLOBBERS);                         \
    return r;                                                     \
  }
GLASSPC_HOST_X87_MEM(host_fadd_m32, F32, "fadds")
GLASSPC_HOST_X87_MEM(host_fsubr_m32, F32, "fsubrs")
GLASSPC_HOST_X87_MEM(host_fmul_m32, F32, "fmuls")
GLASSPC_HOST_X87_MEM(host_fdiv_m32, F32, "fdivs")
GLASSPC_HOST_X87_MEM(host_fcom_m32, F32, "fcoms")
GLASSPC_HOST_X87_MEM(host_fadd_m64, F64, "faddl")
GLASSPC_HOST_X87_MEM(host_fdivr_m64, F64, "fdivrl")
GLASSPC_HOST_X87_MEM(host_fcom_m64, F64, "fcoml")

// FCOMI/FUCOMI: returns ZF (0x40), PF (0x04), CF (0x01) and the status word.
#define GLASSPC_HOST_X87_COMI(name, insn)                                               \
  inline u32 name(F80 a, F80 b, u16 cw, u16& sw) {                                      \
    u8 zf = 0, pf = 0, cf = 0;                                                          \
    asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn             \
                 "\n\tsetz %[zf]\n\tsetp %[pf]\n\tsetc %[cf]\n\tfnstsw %[sw]\n\tfninit" \
                 : [zf] "=m"(zf), [pf] "=m"(pf), [cf] "=m"(cf), [sw] "=m"(sw)           \
                 : [a] "m"(a), [b] "m"(b), [cw] "m"(cw)                                 \
                 : GLASSPC_X87_CLOBBERS, "cc");                                         \
    return (zf ? 0x40u : 0u) | (pf ? 0x04u : 0u) | (cf ? 0x01u : 0u);                   \
  }
GLASSPC_HOST_X87_COMI(host_fcomi, "fcomi %%st(1), %%st")
GLASSPC_HOST_X87_COMI(host_fucomi, "fucomi %%st(1), %%st")

// Stores ST(0) = a to memory with `insn`, capturing the status word afterwards.
#define GLASSPC_HOST_X87_STORE(name, type, insn)                                                   \
  inline type name(F80 a, u16 cw, u16& sw) {                                                       \
    type out{};                                                                                    \
    asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn " %[out]\n\tfnstsw %[sw]\n\tfninit" \
                 : [out] "=m"(out), [sw] "=m"(sw)                                                  \
                 : [a] "m"(a), [cw] "m"(cw)                                                        \
                 : GLASSPC_X87_CLOBBERS);                                                          \
    return out;                                                                                    \
  }
GLASSPC_HOST_X87_STORE(host_fst32, F32, "fstps")
GLASSPC_HOST_X87_STORE(host_fst64, F64, "fstpl")
GLASSPC_HOST_X87_STORE(host_fist16, i16, "fistps")
GLASSPC_HOST_X87_STORE(host_fist32, i32, "fistpl")
GLASSPC_HOST_X87_STORE(host_fist64, i64, "fistpll")
GLASSPC_HOST_X87_STORE(host_fisttp16, i16, "fisttps")
GLASSPC_HOST_X87_STORE(host_fisttp32, i32, "fisttpl")
GLASSPC_HOST_X87_STORE(host_fisttp64, i64, "fisttpll")

struct Bcd {
  u8 bytes[10];
};
GLASSPC_HOST_X87_STORE(host_fbstp, Bcd, "fbstp")

// Loads with `insn` from memory and stores ST(0) as double extended.
#define GLASSPC_HOST_X87_LOAD(name, type, insn)                     \
  inline F80 name(type in, u16 cw, u16& sw) {                       \
    F80 out{};                                                      \
    asm volatile("fninit\n\tfldcw %[cw]\n\t" insn                   \
                 " %[in]\n\tfnstsw %[sw]\n\tfstpt %[out]\n\tfninit" \
                 : [out] "=m"(out), [sw] "=m"(sw)                   \
                 : [in] "m"(in), [cw] "m"(cw)                       \
                 : GLASSPC_X87_CLOBBERS);                           \
    return out;                                                     \
  }
GLASSPC_HOST_X87_LOAD(host_fld32, F32, "flds")
GLASSPC_HOST_X87_LOAD(host_fld64, F64, "fldl")
GLASSPC_HOST_X87_LOAD(host_fild64, i64, "fildll")
GLASSPC_HOST_X87_LOAD(host_fbld, Bcd, "fbld")

#define GLASSPC_HOST_X87_CONST(name, insn)                                                     \
  inline F80 name(u16 cw, u16& sw) {                                                           \
    F80 out{};                                                                                 \
    asm volatile("fninit\n\tfldcw %[cw]\n\t" insn "\n\tfnstsw %[sw]\n\tfstpt %[out]\n\tfninit" \
                 : [out] "=m"(out), [sw] "=m"(sw)                                              \
                 : [cw] "m"(cw)                                                                \
                 : GLASSPC_X87_CLOBBERS);                                                      \
    return out;                                                                                \
  }
GLASSPC_HOST_X87_CONST(host_fld1, "fld1")
GLASSPC_HOST_X87_CONST(host_fldl2t, "fldl2t")
GLASSPC_HOST_X87_CONST(host_fldl2e, "fldl2e")
GLASSPC_HOST_X87_CONST(host_fldpi, "fldpi")
GLASSPC_HOST_X87_CONST(host_fldlg2, "fldlg2")
GLASSPC_HOST_X87_CONST(host_fldln2, "fldln2")
GLASSPC_HOST_X87_CONST(host_fldz, "fldz")

constexpr u16 kSwC0 = 0x0100, kSwC1 = 0x0200, kSwC2 = 0x0400, kSwC3 = 0x4000;

}  // namespace glasspc::fp::test

#endif  // __x86_64__

// The real SSE unit of an x86-64 host: each wrapper loads MXCSR, runs one scalar or packed
// instruction on xmm0/xmm1, stores MXCSR, and restores the caller's MXCSR.
#pragma once

#if defined(__x86_64__)

#include "cpu/float/fp_types.h"

namespace glasspc::fp::test {

struct Xmm {
  u64 lo = 0, hi = 0;
};

// xmm0 = a, xmm1 = b, `insn`, result xmm0; `mxcsr` in, flags out.
#define GLASSPC_HOST_SSE(name, insn)                                  \
  inline Xmm name(Xmm a, Xmm b, u32& mxcsr) {                         \
    u32 saved = 0;                                                    \
    Xmm out;                                                          \
    asm volatile(                                                     \
        "stmxcsr %[saved]\n\tldmxcsr %[m]\n\tmovdqu %[a], %%xmm0\n\t" \
        "movdqu %[b], %%xmm1\n\t" insn                                \
        "\n\tstmxcsr %[m]\n\tmovdqu %%xmm0, %[out]\n\t"               \
        "ldmxcsr %[saved]"                                            \
        : [out] "=m"(out), [m] "+m"(mxcsr), [saved] "=m"(saved)       \
        : [a] "m"(a), [b] "m"(b)                                      \
        : "xmm0", "xmm1", "memory");                                  \
    return out;                                                       \
  }

GLASSPC_HOST_SSE(host_addss, "addss %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_subss, "subss %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_mulss, "mulss %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_divss, "divss %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_sqrtss, "sqrtss %%xmm0, %%xmm0")
GLASSPC_HOST_SSE(host_minss, "minss %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_maxss, "maxss %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_addsd, "addsd %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_subsd, "subsd %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_mulsd, "mulsd %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_divsd, "divsd %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_sqrtsd, "sqrtsd %%xmm0, %%xmm0")
GLASSPC_HOST_SSE(host_minsd, "minsd %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_maxsd, "maxsd %%xmm1, %%xmm0")
GLASSPC_HOST_SSE(host_cvtss2sd, "cvtss2sd %%xmm0, %%xmm0")
GLASSPC_HOST_SSE(host_cvtsd2ss, "cvtsd2ss %%xmm0, %%xmm0")
GLASSPC_HOST_SSE(host_rcpss, "rcpss %%xmm0, %%xmm0")
GLASSPC_HOST_SSE(host_rsqrtss, "rsqrtss %%xmm0, %%xmm0")

// Instructions with an immediate, instantiated per immediate value.
template <u8 kImm>
Xmm host_cmpss(Xmm a, Xmm b, u32& mxcsr) {
  u32 saved = 0;
  Xmm out;
  asm volatile(
      "stmxcsr %[saved]\n\tldmxcsr %[m]\n\tmovdqu %[a], %%xmm0\n\tmovdqu %[b], %%xmm1\n\t"
      "cmpss %[imm], %%xmm1, %%xmm0\n\tstmxcsr %[m]\n\tmovdqu %%xmm0, %[out]\n\tldmxcsr %[saved]"
      : [out] "=m"(out), [m] "+m"(mxcsr), [saved] "=m"(saved)
      : [a] "m"(a), [b] "m"(b), [imm] "i"(kImm)
      : "xmm0", "xmm1", "memory");
  return out;
}

template <u8 kImm>
Xmm host_cmpsd(Xmm a, Xmm b, u32& mxcsr) {
  u32 saved = 0;
  Xmm out;
  asm volatile(
      "stmxcsr %[saved]\n\tldmxcsr %[m]\n\tmovdqu %[a], %%xmm0\n\tmovdqu %[b], %%xmm1\n\t"
      "cmpsd %[imm], %%xmm1, %%xmm0\n\tstmxcsr %[m]\n\tmovdqu %%xmm0, %[out]\n\tldmxcsr %[saved]"
      : [out] "=m"(out), [m] "+m"(mxcsr), [saved] "=m"(saved)
      : [a] "m"(a), [b] "m"(b), [imm] "i"(kImm)
      : "xmm0", "xmm1", "memory");
  return out;
}

// VEX-encoded compare with the full 32-predicate immediate (needs AVX at run time).
template <u8 kImm>
Xmm host_vcmpss(Xmm a, Xmm b, u32& mxcsr) {
  u32 saved = 0;
  Xmm out;
  asm volatile(
      "stmxcsr %[saved]\n\tldmxcsr %[m]\n\tvmovdqu %[a], %%xmm0\n\tvmovdqu %[b], %%xmm1\n\t"
      "vcmpss %[imm], %%xmm1, %%xmm0, %%xmm0\n\tstmxcsr %[m]\n\tvmovdqu %%xmm0, %[out]\n\t"
      "ldmxcsr %[saved]"
      : [out] "=m"(out), [m] "+m"(mxcsr), [saved] "=m"(saved)
      : [a] "m"(a), [b] "m"(b), [imm] "i"(kImm)
      : "xmm0", "xmm1", "memory");
  return out;
}

#define GLASSPC_HOST_SSE_IMM(name, insn)                              \
  template <u8 kImm>                                                  \
  Xmm name(Xmm a, Xmm b, u32& mxcsr) {                                \
    u32 saved = 0;                                                    \
    Xmm out;                                                          \
    asm volatile(                                                     \
        "stmxcsr %[saved]\n\tldmxcsr %[m]\n\tmovdqu %[a], %%xmm0\n\t" \
        "movdqu %[b], %%xmm1\n\t" insn                                \
        " %[imm], %%xmm1, %%xmm0\n\tstmxcsr %[m]\n\t"                 \
        "movdqu %%xmm0, %[out]\n\tldmxcsr %[saved]"                   \
        : [out] "=m"(out), [m] "+m"(mxcsr), [saved] "=m"(saved)       \
        : [a] "m"(a), [b] "m"(b), [imm] "i"(kImm)                     \
        : "xmm0", "xmm1", "memory");                                  \
    return out;                                                       \
  }
GLASSPC_HOST_SSE_IMM(host_roundss, "roundss")
GLASSPC_HOST_SSE_IMM(host_roundsd, "roundsd")
GLASSPC_HOST_SSE_IMM(host_dpps, "dpps")
GLASSPC_HOST_SSE_IMM(host_dppd, "dppd")

// COMISS-style: returns ZF/PF/CF.
#define GLASSPC_HOST_SSE_COMI(name, insn)                                                   \
  inline u32 name(Xmm a, Xmm b, u32& mxcsr) {                                               \
    u32 saved = 0;                                                                          \
    u8 zf = 0, pf = 0, cf = 0;                                                              \
    asm volatile(                                                                           \
        "stmxcsr %[saved]\n\tldmxcsr %[m]\n\tmovdqu %[a], %%xmm0\n\t"                       \
        "movdqu %[b], %%xmm1\n\t" insn                                                      \
        "\n\tsetz %[zf]\n\tsetp %[pf]\n\tsetc %[cf]\n\t"                                    \
        "stmxcsr %[m]\n\tldmxcsr %[saved]"                                                  \
        : [zf] "=m"(zf), [pf] "=m"(pf), [cf] "=m"(cf), [m] "+m"(mxcsr), [saved] "=m"(saved) \
        : [a] "m"(a), [b] "m"(b)                                                            \
        : "xmm0", "xmm1", "memory", "cc");                                                  \
    return (zf ? 0x40u : 0u) | (pf ? 0x04u : 0u) | (cf ? 0x01u : 0u);                       \
  }
GLASSPC_HOST_SSE_COMI(host_comiss, "comiss %%xmm1, %%xmm0")
GLASSPC_HOST_SSE_COMI(host_ucomiss, "ucomiss %%xmm1, %%xmm0")
GLASSPC_HOST_SSE_COMI(host_comisd, "comisd %%xmm1, %%xmm0")
GLASSPC_HOST_SSE_COMI(host_ucomisd, "ucomisd %%xmm1, %%xmm0")

// Float to integer and back: `insn` works on xmm0 and rax/eax.
#define GLASSPC_HOST_SSE_TO_INT(name, type, insn)                                   \
  inline type name(Xmm a, u32& mxcsr) {                                             \
    u32 saved = 0;                                                                  \
    type out = 0;                                                                   \
    asm volatile("stmxcsr %[saved]\n\tldmxcsr %[m]\n\tmovdqu %[a], %%xmm0\n\t" insn \
                 "\n\t"                                                             \
                 "stmxcsr %[m]\n\tldmxcsr %[saved]"                                 \
                 : [out] "=r"(out), [m] "+m"(mxcsr), [saved] "=m"(saved)            \
                 : [a] "m"(a)                                                       \
                 : "xmm0", "memory");                                               \
    return out;                                                                     \
  }
GLASSPC_HOST_SSE_TO_INT(host_cvtss2si32, i32, "cvtss2si %%xmm0, %k[out]")
GLASSPC_HOST_SSE_TO_INT(host_cvttss2si32, i32, "cvttss2si %%xmm0, %k[out]")
GLASSPC_HOST_SSE_TO_INT(host_cvtss2si64, i64, "cvtss2si %%xmm0, %q[out]")
GLASSPC_HOST_SSE_TO_INT(host_cvttss2si64, i64, "cvttss2si %%xmm0, %q[out]")
GLASSPC_HOST_SSE_TO_INT(host_cvtsd2si32, i32, "cvtsd2si %%xmm0, %k[out]")
GLASSPC_HOST_SSE_TO_INT(host_cvttsd2si32, i32, "cvttsd2si %%xmm0, %k[out]")
GLASSPC_HOST_SSE_TO_INT(host_cvtsd2si64, i64, "cvtsd2si %%xmm0, %q[out]")
GLASSPC_HOST_SSE_TO_INT(host_cvttsd2si64, i64, "cvttsd2si %%xmm0, %q[out]")

#define GLASSPC_HOST_SSE_FROM_INT(name, type, insn)                                 \
  inline Xmm name(type v, u32& mxcsr) {                                             \
    u32 saved = 0;                                                                  \
    Xmm out;                                                                        \
    asm volatile("stmxcsr %[saved]\n\tldmxcsr %[m]\n\tpxor %%xmm0, %%xmm0\n\t" insn \
                 "\n\t"                                                             \
                 "stmxcsr %[m]\n\tmovdqu %%xmm0, %[out]\n\tldmxcsr %[saved]"        \
                 : [out] "=m"(out), [m] "+m"(mxcsr), [saved] "=m"(saved)            \
                 : [v] "r"(v)                                                       \
                 : "xmm0", "memory");                                               \
    return out;                                                                     \
  }
GLASSPC_HOST_SSE_FROM_INT(host_cvtsi2ss32, i32, "cvtsi2ssl %k[v], %%xmm0")
GLASSPC_HOST_SSE_FROM_INT(host_cvtsi2ss64, i64, "cvtsi2ssq %q[v], %%xmm0")
GLASSPC_HOST_SSE_FROM_INT(host_cvtsi2sd32, i32, "cvtsi2sdl %k[v], %%xmm0")
GLASSPC_HOST_SSE_FROM_INT(host_cvtsi2sd64, i64, "cvtsi2sdq %q[v], %%xmm0")

}  // namespace glasspc::fp::test

#endif  // __x86_64__

// The instruction lists shared by the 0F 38 / 0F 3A tests (simd_ext_insn_test.cpp,
// simd_ext_fault_test.cpp).
#pragma once

#include <span>

#include "simd_ext_harness.h"

namespace glasspc::test::simd_ext {

// General registers the encoded instructions may name (not rsp, rsi, rdi).
inline constexpr unsigned kGprs[] = {0, 1, 2, 3, 5, 8, 9, 10, 11, 12, 13, 14, 15};

// Without REX (32-bit code) only the first five of them exist.
inline unsigned any_gpr(Gen& g, bool code32 = false) {
  return kGprs[g.below(code32 ? 5 : sizeof(kGprs) / sizeof(kGprs[0]))];
}

enum class Form {
  kXmm,      // 66 prefix, xmm registers, m128 aligned
  kMmx,      // no prefix, mm registers, m64 unaligned
  kPartial,  // 66 prefix, xmm registers, narrow memory read (no alignment)
  kMemOnly,  // 66 prefix, aligned m128 only (MOVNTDQA)
  kGprRm,    // 66 prefix, ModRM.rm names a general register or narrow memory (PINSR/PEXTR)
};

struct Op {
  const char* name;
  u8 map;
  u8 op;
  Form form;
  bool imm = false;
  bool rex_w_matters = false;  // PEXTRD/Q, PINSRD/Q
};

inline constexpr u8 k38 = 0x38, k3a = 0x3a;

inline constexpr Op kSsse3[] = {
    {"pshufb", k38, 0x00, Form::kXmm},    {"phaddw", k38, 0x01, Form::kXmm},
    {"phaddd", k38, 0x02, Form::kXmm},    {"phaddsw", k38, 0x03, Form::kXmm},
    {"pmaddubsw", k38, 0x04, Form::kXmm}, {"phsubw", k38, 0x05, Form::kXmm},
    {"phsubd", k38, 0x06, Form::kXmm},    {"phsubsw", k38, 0x07, Form::kXmm},
    {"psignb", k38, 0x08, Form::kXmm},    {"psignw", k38, 0x09, Form::kXmm},
    {"psignd", k38, 0x0a, Form::kXmm},    {"pmulhrsw", k38, 0x0b, Form::kXmm},
    {"pabsb", k38, 0x1c, Form::kXmm},     {"pabsw", k38, 0x1d, Form::kXmm},
    {"pabsd", k38, 0x1e, Form::kXmm},     {"palignr", k3a, 0x0f, Form::kXmm, true},
};

inline constexpr Op kSse41[] = {
    {"pblendvb", k38, 0x10, Form::kXmm},
    {"ptest", k38, 0x17, Form::kXmm},
    {"pmovsxbw", k38, 0x20, Form::kPartial},
    {"pmovsxbd", k38, 0x21, Form::kPartial},
    {"pmovsxbq", k38, 0x22, Form::kPartial},
    {"pmovsxwd", k38, 0x23, Form::kPartial},
    {"pmovsxwq", k38, 0x24, Form::kPartial},
    {"pmovsxdq", k38, 0x25, Form::kPartial},
    {"pmuldq", k38, 0x28, Form::kXmm},
    {"pcmpeqq", k38, 0x29, Form::kXmm},
    {"movntdqa", k38, 0x2a, Form::kMemOnly},
    {"packusdw", k38, 0x2b, Form::kXmm},
    {"pmovzxbw", k38, 0x30, Form::kPartial},
    {"pmovzxbd", k38, 0x31, Form::kPartial},
    {"pmovzxbq", k38, 0x32, Form::kPartial},
    {"pmovzxwd", k38, 0x33, Form::kPartial},
    {"pmovzxwq", k38, 0x34, Form::kPartial},
    {"pmovzxdq", k38, 0x35, Form::kPartial},
    {"pcmpgtq", k38, 0x37, Form::kXmm},
    {"pminsb", k38, 0x38, Form::kXmm},
    {"pminsd", k38, 0x39, Form::kXmm},
    {"pminuw", k38, 0x3a, Form::kXmm},
    {"pminud", k38, 0x3b, Form::kXmm},
    {"pmaxsb", k38, 0x3c, Form::kXmm},
    {"pmaxsd", k38, 0x3d, Form::kXmm},
    {"pmaxuw", k38, 0x3e, Form::kXmm},
    {"pmaxud", k38, 0x3f, Form::kXmm},
    {"pmulld", k38, 0x40, Form::kXmm},
    {"phminposuw", k38, 0x41, Form::kXmm},
    {"pblendw", k3a, 0x0e, Form::kXmm, true},
    {"pextrb", k3a, 0x14, Form::kGprRm, true},
    {"pextrw", k3a, 0x15, Form::kGprRm, true},
    {"pextrd/q", k3a, 0x16, Form::kGprRm, true, true},
    {"pinsrb", k3a, 0x20, Form::kGprRm, true},
    {"pinsrd/q", k3a, 0x22, Form::kGprRm, true, true},
    {"mpsadbw", k3a, 0x42, Form::kXmm, true},
};

inline constexpr Op kCrypto[] = {
    {"aesimc", k38, 0xdb, Form::kXmm},          {"aesenc", k38, 0xdc, Form::kXmm},
    {"aesenclast", k38, 0xdd, Form::kXmm},      {"aesdec", k38, 0xde, Form::kXmm},
    {"aesdeclast", k38, 0xdf, Form::kXmm},      {"aeskeygenassist", k3a, 0xdf, Form::kXmm, true},
    {"pclmulqdq", k3a, 0x44, Form::kXmm, true},
};

// Every list of 66-column (and SSSE3) instructions above.
inline constexpr std::span<const Op> kOpLists[] = {kSsse3, kSse41, kCrypto};

}  // namespace glasspc::test::simd_ext

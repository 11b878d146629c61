// SSE4.2 packed string comparisons PCMPESTRI, PCMPESTRM, PCMPISTRI, PCMPISTRM.
//
// SDM Vol. 2B, 4.1 "Imm8 Control Byte Operation for PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM":
// imm8[1:0] element format (unsigned/signed bytes/words), imm8[3:2] aggregation (equal any,
// ranges, equal each, equal ordered), imm8[5:4] polarity, imm8[6] output selection (least/most
// significant index, or bit/element mask). imm8[7] is reserved and ignored.
#pragma once

#include "cpu/simd/status_flags.h"
#include "cpu/simd/vec128.h"

namespace glasspc::simd {

// The two outputs of every form: the index (ECX) or mask (XMM0) and the status flags.
struct StringIndexResult {
  u32 index = 0;
  u32 flags = 0;  // kFlag* bits; AF and PF are always clear
};

struct StringMaskResult {
  Vec128 mask;
  u32 flags = 0;
};

// The shared core: IntRes2 after aggregation and polarity, as a 16-bit (8 for word elements)
// mask, plus the flags. `a` is the first operand (xmm1), `b` the second (xmm2/m128); `valid_a`
// and `valid_b` are the element counts of the valid prefixes (0..16, or 0..8 for words).
struct StringCompareCore {
  u32 int_res2 = 0;
  u32 flags = 0;
};
StringCompareCore string_compare(Vec128 a, unsigned valid_a, Vec128 b, unsigned valid_b, u8 imm);

// Number of valid elements for the explicit-length forms: the absolute value of the length
// register saturated to the element count (SDM Vol. 2B 4.1.2). The 32-bit forms use EAX/EDX
// sign-extended; with REX.W the whole of RAX/RDX.
unsigned explicit_length(i64 length, u8 imm);

// Number of valid elements for the implicit-length forms: the elements below the first null one.
unsigned implicit_length(Vec128 v, u8 imm);

// SDM Vol. 2B PCMPESTRI/PCMPESTRM (lengths in EAX/RAX for `a` and EDX/RDX for `b`).
StringIndexResult pcmpestri(Vec128 a, i64 length_a, Vec128 b, i64 length_b, u8 imm);
StringMaskResult pcmpestrm(Vec128 a, i64 length_a, Vec128 b, i64 length_b, u8 imm);

// SDM Vol. 2B PCMPISTRI/PCMPISTRM (null-terminated).
StringIndexResult pcmpistri(Vec128 a, Vec128 b, u8 imm);
StringMaskResult pcmpistrm(Vec128 a, Vec128 b, u8 imm);

}  // namespace glasspc::simd

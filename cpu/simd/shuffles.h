// Permutations within and across registers: PSHUFD/PSHUFHW/PSHUFLW/PSHUFW, PSHUFB, SHUFPS/SHUFPD,
// MOVDDUP/MOVSLDUP/MOVSHDUP and MOVLHPS/MOVHLPS. All are bit moves, so the floating-point forms
// live here too: they never look at the values.
#pragma once

#include "cpu/simd/vec128.h"

namespace glasspc::simd {

// Word `i` (0..3) of a u64.
constexpr u64 word_of(u64 v, unsigned i) {
  return (v >> (16 * i)) & 0xFFFF;
}

// Four 2-bit selectors of imm8 applied to the four words of v.
constexpr u64 shuffle_words(u64 v, u8 imm) {
  return word_of(v, imm & 3u) | (word_of(v, (imm >> 2) & 3u) << 16) |
         (word_of(v, (imm >> 4) & 3u) << 32) | (word_of(v, (imm >> 6) & 3u) << 48);
}

// SDM Vol. 2B PSHUFW (MMX), PSHUFLW, PSHUFHW.
constexpr u64 pshufw(u64 a, u8 imm) {
  return shuffle_words(a, imm);
}
constexpr Vec128 pshuflw(Vec128 a, u8 imm) {
  return {shuffle_words(a.lo, imm), a.hi};
}
constexpr Vec128 pshufhw(Vec128 a, u8 imm) {
  return {a.lo, shuffle_words(a.hi, imm)};
}

// SDM Vol. 2B SHUFPS: the two low result dwords come from the destination, the two high ones from
// the source, each picked by a 2-bit selector. PSHUFD is SHUFPS of a register with itself.
constexpr Vec128 shufps(Vec128 a, Vec128 b, u8 imm) {
  return vec_from_dwords(a.dword(imm & 3u), a.dword((imm >> 2) & 3u), b.dword((imm >> 4) & 3u),
                         b.dword((imm >> 6) & 3u));
}
constexpr Vec128 pshufd(Vec128 a, u8 imm) {
  return shufps(a, a, imm);
}

// SDM Vol. 2B SHUFPD: imm8[0] picks the destination qword, imm8[1] the source qword.
constexpr Vec128 shufpd(Vec128 a, Vec128 b, u8 imm) {
  return {(imm & 1u) ? a.hi : a.lo, (imm & 2u) ? b.hi : b.lo};
}

// SDM Vol. 2B PSHUFB: each result byte is the destination byte indexed by the low 4 (MMX: 3) bits
// of the control byte, or zero when the control byte's bit 7 is set.
constexpr u64 pshufb(u64 a, u64 control) {
  u64 r = 0;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned c = static_cast<u8>(control >> (8 * i));
    if ((c & 0x80u) == 0) r |= ((a >> (8 * (c & 7u))) & 0xFF) << (8 * i);
  }
  return r;
}
constexpr u64 pshufb_half(Vec128 a, u64 control) {
  // Branch-free: the index picks the half (bit 3) and the byte within it (bits 2:0); bit 7 of
  // the control byte clears the result byte through a mask.
  u64 r = 0;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned c = static_cast<u8>(control >> (8 * i));
    const u64 source = (c & 8u) ? a.hi : a.lo;
    const u64 keep = u64{(c >> 7) ^ 1u} * 0xFF;
    r |= (((source >> (8 * (c & 7u))) & keep)) << (8 * i);
  }
  return r;
}
constexpr Vec128 pshufb(Vec128 a, Vec128 control) {
  return {pshufb_half(a, control.lo), pshufb_half(a, control.hi)};
}

// SDM Vol. 2B MOVDDUP (low qword twice), MOVSLDUP (even dwords twice), MOVSHDUP (odd dwords
// twice). The memory form of MOVDDUP reads 64 bits; callers place them in the low qword.
constexpr Vec128 movddup(Vec128 a) {
  return {a.lo, a.lo};
}
constexpr u64 duplicate_even_dword(u64 v) {
  return (v & 0xFFFFFFFF) | (v << 32);
}
constexpr u64 duplicate_odd_dword(u64 v) {
  return (v >> 32) | (v & 0xFFFFFFFF00000000ull);
}
constexpr Vec128 movsldup(Vec128 a) {
  return {duplicate_even_dword(a.lo), duplicate_even_dword(a.hi)};
}
constexpr Vec128 movshdup(Vec128 a) {
  return {duplicate_odd_dword(a.lo), duplicate_odd_dword(a.hi)};
}

// SDM Vol. 2A MOVLHPS (source low qword to destination high qword) and MOVHLPS (source high qword
// to destination low qword).
constexpr Vec128 movlhps(Vec128 dest, Vec128 src) {
  return {dest.lo, src.lo};
}
constexpr Vec128 movhlps(Vec128 dest, Vec128 src) {
  return {src.hi, dest.hi};
}

}  // namespace glasspc::simd

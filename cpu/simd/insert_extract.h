// Element moves between registers: PINSRB/W/D/Q, PEXTRB/W/D/Q, INSERTPS/EXTRACTPS, and the
// widening moves PMOVSX/PMOVZX in all six forms.
#pragma once

#include "cpu/simd/vec128.h"

namespace glasspc::simd {

// SDM Vol. 2B PINSRB/PINSRW/PINSRD/PINSRQ: the element index is imm8 masked to the element count
// (PINSRB imm8[3:0], PINSRW imm8[2:0] or imm8[1:0] for MMX, PINSRD imm8[1:0], PINSRQ imm8[0]);
// only the low bits of the general register or memory value are used.
constexpr Vec128 pinsrb(Vec128 a, u32 value, u8 imm) {
  a.set_byte(imm & 15u, static_cast<u8>(value));
  return a;
}
constexpr Vec128 pinsrw(Vec128 a, u32 value, u8 imm) {
  a.set_word(imm & 7u, static_cast<u16>(value));
  return a;
}
constexpr u64 pinsrw(u64 a, u32 value, u8 imm) {
  const unsigned shift = 16 * (imm & 3u);
  return (a & ~(u64{0xFFFF} << shift)) | (u64{static_cast<u16>(value)} << shift);
}
constexpr Vec128 pinsrd(Vec128 a, u32 value, u8 imm) {
  a.set_dword(imm & 3u, value);
  return a;
}
constexpr Vec128 pinsrq(Vec128 a, u64 value, u8 imm) {
  a.set_qword(imm & 1u, value);
  return a;
}

// SDM Vol. 2B PEXTRB/PEXTRW/PEXTRD/PEXTRQ: the element, zero-extended.
constexpr u32 pextrb(Vec128 a, u8 imm) {
  return a.byte(imm & 15u);
}
constexpr u32 pextrw(Vec128 a, u8 imm) {
  return a.word(imm & 7u);
}
constexpr u32 pextrw(u64 a, u8 imm) {
  return static_cast<u16>(a >> (16 * (imm & 3u)));
}
constexpr u32 pextrd(Vec128 a, u8 imm) {
  return a.dword(imm & 3u);
}
constexpr u64 pextrq(Vec128 a, u8 imm) {
  return a.qword(imm & 1u);
}

// SDM Vol. 2A INSERTPS: `value` goes to dword imm8[5:4], then dwords whose bit is set in
// imm8[3:0] are zeroed. For the register form the value is source dword imm8[7:6]
// (insertps); the memory form uses the 32-bit memory operand and ignores imm8[7:6]
// (insertps_value).
constexpr Vec128 insertps_value(Vec128 dest, u32 value, u8 imm) {
  dest.set_dword((imm >> 4) & 3u, value);
  for (unsigned i = 0; i < 4; ++i) {
    if ((imm >> i) & 1u) dest.set_dword(i, 0);
  }
  return dest;
}
constexpr Vec128 insertps(Vec128 dest, Vec128 src, u8 imm) {
  return insertps_value(dest, src.dword((imm >> 6) & 3u), imm);
}

// SDM Vol. 2A EXTRACTPS: dword imm8[1:0], zero-extended for a 64-bit destination.
constexpr u32 extractps(Vec128 a, u8 imm) {
  return a.dword(imm & 3u);
}

// Widens the low 16/sizeof(To)*sizeof(From) bytes of `a`, lane by lane.
template <typename From, typename To>
constexpr Vec128 widen(Vec128 a) {
  constexpr unsigned kCount = 16 / sizeof(To);
  Vec128 r;
  for (unsigned i = 0; i < kCount; ++i) r.set<To>(i, static_cast<To>(a.get<From>(i)));
  return r;
}

// SDM Vol. 2B PMOVSX/PMOVZX: sign- or zero-extension of packed bytes, words or dwords. The
// memory forms read only the bytes used (8, 4 or 2); callers place them in the low bytes of `a`.
constexpr Vec128 pmovsxbw(Vec128 a) {
  return widen<i8, i16>(a);
}
constexpr Vec128 pmovsxbd(Vec128 a) {
  return widen<i8, i32>(a);
}
constexpr Vec128 pmovsxbq(Vec128 a) {
  return widen<i8, i64>(a);
}
constexpr Vec128 pmovsxwd(Vec128 a) {
  return widen<i16, i32>(a);
}
constexpr Vec128 pmovsxwq(Vec128 a) {
  return widen<i16, i64>(a);
}
constexpr Vec128 pmovsxdq(Vec128 a) {
  return widen<i32, i64>(a);
}
constexpr Vec128 pmovzxbw(Vec128 a) {
  return widen<u8, u16>(a);
}
constexpr Vec128 pmovzxbd(Vec128 a) {
  return widen<u8, u32>(a);
}
constexpr Vec128 pmovzxbq(Vec128 a) {
  return widen<u8, u64>(a);
}
constexpr Vec128 pmovzxwd(Vec128 a) {
  return widen<u16, u32>(a);
}
constexpr Vec128 pmovzxwq(Vec128 a) {
  return widen<u16, u64>(a);
}
constexpr Vec128 pmovzxdq(Vec128 a) {
  return widen<u32, u64>(a);
}

}  // namespace glasspc::simd

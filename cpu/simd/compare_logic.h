// Lane comparisons (PCMPEQ/PCMPGT), bitwise logic (PAND/PANDN/POR/PXOR), blends (PBLENDW,
// PBLENDVB, BLENDPS/PD, BLENDVPS/PD as bit selection), PTEST, and the sign-bit gathers PMOVMSKB/
// MOVMSKPS/MOVMSKPD with the byte masks of MASKMOVQ/MASKMOVDQU.
#pragma once

#include "cpu/simd/status_flags.h"
#include "cpu/simd/vec128.h"

namespace glasspc::simd {

// SDM Vol. 2B PCMPEQB..Q / PCMPGTB..Q: all ones where the comparison holds (GT is signed).
template <typename T>
constexpr u64 compare_eq_lanes(u64 a, u64 b) {
  return equal_mask_lanes<T>(a, b);
}
template <typename T>
constexpr u64 compare_gt_lanes(u64 a, u64 b) {
  return greater_mask_lanes<T>(a, b);
}
template <typename T>
constexpr Vec128 compare_eq_lanes(Vec128 a, Vec128 b) {
  return per_half(a, b, [](u64 x, u64 y) { return equal_mask_lanes<T>(x, y); });
}
template <typename T>
constexpr Vec128 compare_gt_lanes(Vec128 a, Vec128 b) {
  return per_half(a, b, [](u64 x, u64 y) { return greater_mask_lanes<T>(x, y); });
}
template <typename V>
constexpr V pcmpeqb(V a, V b) {
  return compare_eq_lanes<u8>(a, b);
}
template <typename V>
constexpr V pcmpeqw(V a, V b) {
  return compare_eq_lanes<u16>(a, b);
}
template <typename V>
constexpr V pcmpeqd(V a, V b) {
  return compare_eq_lanes<u32>(a, b);
}
constexpr Vec128 pcmpeqq(Vec128 a, Vec128 b) {
  return {a.lo == b.lo ? ~u64{0} : 0, a.hi == b.hi ? ~u64{0} : 0};
}
template <typename V>
constexpr V pcmpgtb(V a, V b) {
  return compare_gt_lanes<i8>(a, b);
}
template <typename V>
constexpr V pcmpgtw(V a, V b) {
  return compare_gt_lanes<i16>(a, b);
}
template <typename V>
constexpr V pcmpgtd(V a, V b) {
  return compare_gt_lanes<i32>(a, b);
}
constexpr Vec128 pcmpgtq(Vec128 a, Vec128 b) {
  return {static_cast<i64>(a.lo) > static_cast<i64>(b.lo) ? ~u64{0} : 0,
          static_cast<i64>(a.hi) > static_cast<i64>(b.hi) ? ~u64{0} : 0};
}

// Bitwise logic. PANDN inverts the destination (first operand), not the source.
constexpr u64 pand(u64 a, u64 b) {
  return a & b;
}
constexpr u64 pandn(u64 a, u64 b) {
  return ~a & b;
}
constexpr u64 por(u64 a, u64 b) {
  return a | b;
}
constexpr u64 pxor(u64 a, u64 b) {
  return a ^ b;
}
constexpr Vec128 pand(Vec128 a, Vec128 b) {
  return {a.lo & b.lo, a.hi & b.hi};
}
constexpr Vec128 pandn(Vec128 a, Vec128 b) {
  return {~a.lo & b.lo, ~a.hi & b.hi};
}
constexpr Vec128 por(Vec128 a, Vec128 b) {
  return {a.lo | b.lo, a.hi | b.hi};
}
constexpr Vec128 pxor(Vec128 a, Vec128 b) {
  return {a.lo ^ b.lo, a.hi ^ b.hi};
}

// Bits of `b` where `mask` is set, bits of `a` elsewhere: every blend reduces to this.
constexpr Vec128 select_bits(Vec128 a, Vec128 b, Vec128 mask) {
  return {(a.lo & ~mask.lo) | (b.lo & mask.lo), (a.hi & ~mask.hi) | (b.hi & mask.hi)};
}

// Expands the low 128/(8*sizeof(T)) bits of imm into a lane mask: bit i set -> lane i all ones.
template <typename T>
constexpr Vec128 imm_lane_mask(u8 imm) {
  constexpr unsigned kLanes = 16 / sizeof(T);
  constexpr u64 kOnes = sizeof(T) == 8 ? ~u64{0} : (u64{1} << (8 * sizeof(T))) - 1;
  Vec128 m;
  for (unsigned i = 0; i < kLanes; ++i) {
    if ((imm >> i) & 1u) {
      const unsigned shift = (i % (kLanes / 2)) * 8 * sizeof(T);
      (i < kLanes / 2 ? m.lo : m.hi) |= kOnes << shift;
    }
  }
  return m;
}

// SDM Vol. 2B PBLENDW/BLENDPS/BLENDPD: imm8 bit i selects source lane i.
constexpr Vec128 pblendw(Vec128 a, Vec128 b, u8 imm) {
  return select_bits(a, b, imm_lane_mask<u16>(imm));
}
constexpr Vec128 blendps(Vec128 a, Vec128 b, u8 imm) {
  return select_bits(a, b, imm_lane_mask<u32>(imm));
}
constexpr Vec128 blendpd(Vec128 a, Vec128 b, u8 imm) {
  return select_bits(a, b, imm_lane_mask<u64>(imm));
}

// SDM Vol. 2B PBLENDVB/BLENDVPS/BLENDVPD: the sign bit of each lane of the implicit XMM0 mask
// selects the source lane.
constexpr Vec128 pblendvb(Vec128 a, Vec128 b, Vec128 mask) {
  return select_bits(a, b, {sign_mask_lanes<u8>(mask.lo), sign_mask_lanes<u8>(mask.hi)});
}
constexpr Vec128 blendvps(Vec128 a, Vec128 b, Vec128 mask) {
  return select_bits(a, b, {sign_mask_lanes<u32>(mask.lo), sign_mask_lanes<u32>(mask.hi)});
}
constexpr Vec128 blendvpd(Vec128 a, Vec128 b, Vec128 mask) {
  return select_bits(a, b, {sign_mask_lanes<u64>(mask.lo), sign_mask_lanes<u64>(mask.hi)});
}

// SDM Vol. 2B PTEST: ZF = (dest AND src) == 0, CF = (src AND NOT dest) == 0; AF, OF, PF, SF are
// cleared. Returned as an EFLAGS status mask.
constexpr u32 ptest(Vec128 dest, Vec128 src) {
  u32 flags = 0;
  if (((dest.lo & src.lo) | (dest.hi & src.hi)) == 0) flags |= kFlagZf;
  if (((~dest.lo & src.lo) | (~dest.hi & src.hi)) == 0) flags |= kFlagCf;
  return flags;
}

// The most significant bit of each byte of a u64, gathered into 8 bits. After isolating the sign
// bits at positions 8i, one multiplication moves bit 8i to bit 56+i; the partial products land at
// distinct positions, so no carries disturb bits 63:56.
constexpr u32 byte_sign_bits(u64 v) {
  return static_cast<u32>((((v >> 7) & repeat_lane<u8>(1)) * 0x0102040810204080ull) >> 56);
}

// SDM Vol. 2B PMOVMSKB / MOVMSKPS / MOVMSKPD (zero-extended into the destination GPR).
constexpr u32 pmovmskb(u64 a) {
  return byte_sign_bits(a);
}
constexpr u32 pmovmskb(Vec128 a) {
  return byte_sign_bits(a.lo) | (byte_sign_bits(a.hi) << 8);
}
constexpr u32 movmskps(Vec128 a) {
  return static_cast<u32>(((a.lo >> 31) & 1) | ((a.lo >> 62) & 2) | ((a.hi >> 29) & 4) |
                          ((a.hi >> 60) & 8));
}
constexpr u32 movmskpd(Vec128 a) {
  return static_cast<u32>((a.lo >> 63) | ((a.hi >> 63) << 1));
}

// SDM Vol. 2B MASKMOVDQU/MASKMOVQ: byte i of the data is stored iff bit 7 of mask byte i is set.
// The bit of the returned value i says whether byte i is written; the merge gives the memory
// contents after the store for a caller that writes the whole 16 (8) bytes back.
constexpr u32 maskmov_byte_mask(u64 mask) {
  return byte_sign_bits(mask);
}
constexpr u32 maskmov_byte_mask(Vec128 mask) {
  return pmovmskb(mask);
}
constexpr u64 maskmov_merge(u64 memory, u64 data, u64 mask) {
  const u64 sel = sign_mask_lanes<u8>(mask);
  return (memory & ~sel) | (data & sel);
}
constexpr Vec128 maskmov_merge(Vec128 memory, Vec128 data, Vec128 mask) {
  return pblendvb(memory, data, mask);
}

}  // namespace glasspc::simd

// PCMPxSTRx as the SDM describes it (Vol. 2B, 4.1): compare every element of `a` with every
// element of `b`, force the results involving invalid elements to the aggregation's fixed values,
// aggregate into IntRes1, apply the polarity to get IntRes2, then produce an index or a mask.
// The comparison matrix is computed a row at a time: one element of `a` against all of `b` with
// whole-qword lane comparisons, giving a bit mask (bit i: element i of `b`); aggregation is then a
// few mask operations per row instead of a loop over all 256 element pairs.
#include "cpu/simd/string_compare.h"

#include <bit>

#include "cpu/simd/compare_logic.h"

namespace glasspc::simd {
namespace {

enum class Aggregation : unsigned { kEqualAny = 0, kRanges = 1, kEqualEach = 2, kEqualOrdered = 3 };
enum class Polarity : unsigned {
  kPositive = 0,
  kNegative = 1,
  kMaskedPositive = 2,
  kMaskedNegative = 3
};

bool word_elements(u8 imm) {
  return (imm & 1u) != 0;
}
unsigned element_count(u8 imm) {
  return word_elements(imm) ? 8 : 16;
}

u32 low_bits(unsigned count) {
  return (u32{1} << count) - 1;
}

// One bit per lane of a lane mask (all-ones/all-zeros lanes): 8 bits for bytes, 4 for words.
template <typename T>
u32 lane_bits(u64 lane_mask) {
  const u32 bytes = byte_sign_bits(lane_mask);
  if constexpr (sizeof(T) == 1) {
    return bytes;
  } else {
    // Word lanes set both of their bytes; keep the bits of the even bytes.
    return (bytes & 1u) | ((bytes >> 1) & 2u) | ((bytes >> 2) & 4u) | ((bytes >> 3) & 8u);
  }
}

template <typename T>
u32 register_bits(Vec128 lane_mask) {
  return lane_bits<T>(lane_mask.lo) | (lane_bits<T>(lane_mask.hi) << (8 / sizeof(T)));
}

// Bit i set iff element i of `b` equals `element` (equality ignores signedness).
template <typename T>
u32 equal_elements(Vec128 b, u64 element) {
  const u64 broadcast = repeat_lane<T>(element);
  return register_bits<T>(
      {equal_mask_lanes<T>(b.lo, broadcast), equal_mask_lanes<T>(b.hi, broadcast)});
}

// Equal any on bytes: a 256-bit set of the valid characters of `a`, then one lookup per valid
// character of `b`, instead of comparing all pairs.
u32 equal_any_bytes(Vec128 a, unsigned valid_a, Vec128 b, unsigned valid_b) {
  u64 set[4] = {0, 0, 0, 0};
  for (unsigned j = 0; j < valid_a; ++j) {
    const unsigned c = a.byte(j);
    set[c >> 6] |= u64{1} << (c & 63u);
  }
  u32 res = 0;
  for (unsigned i = 0; i < valid_b; ++i) {
    const unsigned c = b.byte(i);
    res |= static_cast<u32>((set[c >> 6] >> (c & 63u)) & 1u) << i;
  }
  return res;
}

// Ranges: pairs (a[j], a[j+1]) for even j are inclusive [low, high] bounds; b[i] matches when it
// lies inside any range whose two bounds are both valid. Each range is two lane comparisons of
// the whole of `b` against broadcast bounds.
template <typename T>
u32 in_ranges(Vec128 a, unsigned valid_a, Vec128 b) {
  u32 res = 0;
  for (unsigned j = 0; j + 1 < valid_a; j += 2) {
    const u64 low = repeat_lane<T>(static_cast<u64>(a.get<std::make_unsigned_t<T>>(j)));
    const u64 high = repeat_lane<T>(static_cast<u64>(a.get<std::make_unsigned_t<T>>(j + 1)));
    const auto inside = [&](u64 half) {
      return ~greater_mask_lanes<T>(low, half) & ~greater_mask_lanes<T>(half, high);
    };
    res |= register_bits<T>({inside(b.lo), inside(b.hi)});
  }
  return res;
}

u32 ranges(Vec128 a, unsigned valid_a, Vec128 b, u8 imm) {
  switch (imm & 3u) {
    case 0:
      return in_ranges<u8>(a, valid_a, b);
    case 1:
      return in_ranges<u16>(a, valid_a, b);
    case 2:
      return in_ranges<i8>(a, valid_a, b);
    default:
      return in_ranges<i16>(a, valid_a, b);
  }
}

u32 equal_elements(Vec128 b, u64 element, bool words) {
  return words ? equal_elements<u16>(b, element) : equal_elements<u8>(b, element);
}

u32 aggregate(Vec128 a, unsigned valid_a, Vec128 b, unsigned valid_b, u8 imm) {
  const unsigned n = element_count(imm);
  const bool words = word_elements(imm);
  const u32 all = low_bits(n);
  const u32 vb = low_bits(valid_b);
  switch (static_cast<Aggregation>((imm >> 2) & 3u)) {
    case Aggregation::kEqualAny: {
      // IntRes1[i] = OR over valid j of (a[j] == b[i]); invalid pairs are forced false.
      if (!words) return equal_any_bytes(a, valid_a, b, valid_b);
      u32 res = 0;
      for (unsigned j = 0; j < valid_a; ++j) res |= equal_elements<u16>(b, a.word(j));
      return res & vb;
    }
    case Aggregation::kRanges:
      // Invalid elements on either side are forced false.
      return ranges(a, valid_a, b, imm) & vb;
    case Aggregation::kEqualEach: {
      // IntRes1[i] = a[i] == b[i]; both invalid counts as equal, one invalid as different.
      const u32 va = low_bits(valid_a);
      const u32 eq = equal_elements(pxor(a, b), 0, words);
      return (eq & va & vb) | (~va & ~vb & all);
    }
    case Aggregation::kEqualOrdered: {
      // IntRes1[i] = AND over k of match(a[k], b[i+k]) for i+k < n: does the needle `a` occur in
      // `b` starting at i. An invalid needle element matches anything (the needle has ended); a
      // valid needle element against an invalid haystack element does not match.
      u32 res = all;
      for (unsigned k = 0; k < valid_a && res != 0; ++k) {
        const u32 row = equal_elements(b, words ? a.word(k) : a.byte(k), words) & vb;
        // Positions i with i + k >= n are unconstrained by element k.
        res &= (row >> k) | (all & ~(all >> k));
      }
      return res;
    }
  }
  return 0;
}

}  // namespace

unsigned explicit_length(i64 length, u8 imm) {
  const u64 magnitude = length < 0 ? u64{0} - static_cast<u64>(length) : static_cast<u64>(length);
  const unsigned n = element_count(imm);
  return magnitude > n ? n : static_cast<unsigned>(magnitude);
}

unsigned implicit_length(Vec128 v, u8 imm) {
  const u32 nulls = equal_elements(v, 0, word_elements(imm));
  return nulls == 0 ? element_count(imm) : static_cast<unsigned>(std::countr_zero(nulls));
}

StringCompareCore string_compare(Vec128 a, unsigned valid_a, Vec128 b, unsigned valid_b, u8 imm) {
  const unsigned n = element_count(imm);
  const u32 all = low_bits(n);
  const u32 int_res1 = aggregate(a, valid_a, b, valid_b, imm);

  // Polarity (SDM 4.1.4): the masked forms only invert the positions where `b` is valid.
  u32 int_res2 = int_res1;
  switch (static_cast<Polarity>((imm >> 4) & 3u)) {
    case Polarity::kPositive:
    case Polarity::kMaskedPositive:
      break;
    case Polarity::kNegative:
      int_res2 = ~int_res1 & all;
      break;
    case Polarity::kMaskedNegative:
      int_res2 = int_res1 ^ low_bits(valid_b);
      break;
  }

  // SDM PCMPxSTRx "Flags": CF = IntRes2 != 0, ZF = `b` shorter than the register, SF = `a` shorter
  // than the register, OF = IntRes2[0], AF = PF = 0.
  StringCompareCore core;
  core.int_res2 = int_res2;
  if (int_res2 != 0) core.flags |= kFlagCf;
  if (valid_b < n) core.flags |= kFlagZf;
  if (valid_a < n) core.flags |= kFlagSf;
  if (int_res2 & 1u) core.flags |= kFlagOf;
  return core;
}

namespace {

// SDM 4.1.5 output selection for the index forms: least (imm8[6]=0) or most significant set bit
// of IntRes2, or the element count when none is set.
StringIndexResult to_index(StringCompareCore core, u8 imm) {
  StringIndexResult r;
  r.flags = core.flags;
  if (core.int_res2 == 0) {
    r.index = element_count(imm);
  } else if (imm & 0x40u) {
    r.index = 31 - static_cast<u32>(std::countl_zero(core.int_res2));
  } else {
    r.index = static_cast<u32>(std::countr_zero(core.int_res2));
  }
  return r;
}

// The mask forms: IntRes2 zero-extended (imm8[6]=0), or each bit expanded to a whole byte/word.
StringMaskResult to_mask(StringCompareCore core, u8 imm) {
  StringMaskResult r;
  r.flags = core.flags;
  if ((imm & 0x40u) == 0) {
    r.mask = {core.int_res2, 0};
    return r;
  }
  const unsigned n = element_count(imm);
  for (unsigned i = 0; i < n; ++i) {
    if ((core.int_res2 >> i) & 1u) {
      if (word_elements(imm)) {
        r.mask.set_word(i, 0xFFFF);
      } else {
        r.mask.set_byte(i, 0xFF);
      }
    }
  }
  return r;
}

}  // namespace

StringIndexResult pcmpestri(Vec128 a, i64 length_a, Vec128 b, i64 length_b, u8 imm) {
  return to_index(
      string_compare(a, explicit_length(length_a, imm), b, explicit_length(length_b, imm), imm),
      imm);
}

StringMaskResult pcmpestrm(Vec128 a, i64 length_a, Vec128 b, i64 length_b, u8 imm) {
  return to_mask(
      string_compare(a, explicit_length(length_a, imm), b, explicit_length(length_b, imm), imm),
      imm);
}

StringIndexResult pcmpistri(Vec128 a, Vec128 b, u8 imm) {
  return to_index(string_compare(a, implicit_length(a, imm), b, implicit_length(b, imm), imm), imm);
}

StringMaskResult pcmpistrm(Vec128 a, Vec128 b, u8 imm) {
  return to_mask(string_compare(a, implicit_length(a, imm), b, implicit_length(b, imm), imm), imm);
}

}  // namespace glasspc::simd

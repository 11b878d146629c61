// Basic types shared by every part of glasspc.
#pragma once

#include <cstddef>
#include <cstdint>

namespace glasspc {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i8 = std::int8_t;
using i16 = std::int16_t;
using i32 = std::int32_t;
using i64 = std::int64_t;

// Guest-physical address.
using Gpa = u64;

// Virtual time, in picoseconds since machine power-on. 2^64 ps is about 213 days.
using Picoseconds = u64;
constexpr Picoseconds kPsPerNs = 1000;
constexpr Picoseconds kPsPerUs = 1000 * kPsPerNs;
constexpr Picoseconds kPsPerMs = 1000 * kPsPerUs;
constexpr Picoseconds kPsPerSecond = 1000 * kPsPerMs;
constexpr Picoseconds kNever = ~Picoseconds{0};

constexpr u64 kPageSize = 4096;
constexpr u64 kPageMask = kPageSize - 1;

// Mask with the low `size` bytes set (size 1..8).
constexpr u64 size_mask(unsigned size) { return size >= 8 ? ~u64{0} : (u64{1} << (8 * size)) - 1; }

}  // namespace glasspc

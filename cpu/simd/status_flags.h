// EFLAGS status bits written by the SIMD instructions that report through flags (PTEST,
// PCMPxSTRx, POPCNT). Results are returned as a mask of these bits in their EFLAGS positions
// (Intel SDM Vol. 1, 3.4.3.1): the six status flags those instructions define are all written, so
// the caller clears CF|PF|AF|ZF|SF|OF (kStatusFlags) and ORs in the returned mask.
#pragma once

#include "bus/types.h"

namespace glasspc::simd {

constexpr u32 kFlagCf = 1u << 0;
constexpr u32 kFlagPf = 1u << 2;
constexpr u32 kFlagAf = 1u << 4;
constexpr u32 kFlagZf = 1u << 6;
constexpr u32 kFlagSf = 1u << 7;
constexpr u32 kFlagOf = 1u << 11;
constexpr u32 kStatusFlags = kFlagCf | kFlagPf | kFlagAf | kFlagZf | kFlagSf | kFlagOf;

}  // namespace glasspc::simd

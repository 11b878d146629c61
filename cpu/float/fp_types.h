// Floating-point value formats and the per-domain environments (rounding, precision, flags).
// Values are plain bit containers: every operation on them is integer arithmetic, so a guest
// computes the same bits on any host (Intel SDM Vol. 1 ch. 4.2.2, 4.8 and IEEE 754-2008 3.4).
#pragma once

#include "bus/types.h"

namespace glasspc::fp {

using u128 = unsigned __int128;

// Binary32 (SDM Vol. 1 4.2.2): sign, 8-bit biased exponent, 23-bit fraction with hidden bit.
struct F32 {
  u32 bits = 0;
  friend bool operator==(F32, F32) = default;
};

// Binary64: sign, 11-bit biased exponent, 52-bit fraction with hidden bit.
struct F64 {
  u64 bits = 0;
  friend bool operator==(F64, F64) = default;
};

// Double extended (SDM Vol. 1 4.2.2, Figure 4-3): the integer bit J is explicit in bit 63 of the
// significand, which is what makes unnormals, pseudo-denormals and pseudo-NaNs encodable.
struct F80 {
  u64 significand = 0;
  u16 sign_exponent = 0;
  friend bool operator==(F80, F80) = default;
  bool sign() const { return (sign_exponent >> 15) != 0; }
  u16 exponent() const { return sign_exponent & 0x7FFF; }
};

// Rounding control, encoded as in the x87 control word RC field and MXCSR.RC (SDM Vol. 1
// Table 4-8): both units use the same two-bit code.
enum class Rounding : u8 { kNearest = 0, kDown = 1, kUp = 2, kZero = 3 };

// Exception flag bits, in the positions of the x87 status word and of MXCSR bits 0-5
// (SDM Vol. 1 8.1.3 and 10.2.3).
namespace flag {
constexpr u8 kInvalid = 0x01;     // IE
constexpr u8 kDenormal = 0x02;    // DE
constexpr u8 kZeroDivide = 0x04;  // ZE
constexpr u8 kOverflow = 0x08;    // OE
constexpr u8 kUnderflow = 0x10;   // UE
constexpr u8 kPrecision = 0x20;   // PE
constexpr u8 kAll = 0x3F;
}  // namespace flag

// x87 precision control (SDM Vol. 1 8.1.5.2): codes of the control word PC field.
enum class Precision : u8 { k24 = 0, k53 = 2, k64 = 3 };

constexpr int precision_bits(Precision pc) {
  return pc == Precision::k24 ? 24 : pc == Precision::k53 ? 53 : 64;
}

// The x87 state an arithmetic instruction reads and writes. `masks` holds the control-word
// exception masks (bit set = masked); `flags` accumulates the status-word sticky flags;
// `raised` is what the current instruction raised, so that the caller can tell whether an
// unmasked exception must suppress the store (SDM Vol. 1 8.7); `c1` is the round-up indication.
struct X87Env {
  Rounding rounding = Rounding::kNearest;
  Precision precision = Precision::k64;
  u8 masks = flag::kAll;
  u8 flags = 0;
  u8 raised = 0;
  bool c1 = false;

  void begin() {
    raised = 0;
    c1 = false;
  }
  void raise(u8 f) {
    flags |= f;
    raised |= f;
  }
  bool masked(u8 f) const { return (masks & f) == f; }
  // True when this instruction raised an unmasked invalid, denormal or zero-divide exception,
  // in which case the destination is left unchanged (SDM Vol. 1 8.5.1-8.5.3).
  bool suppress_store() const {
    return (raised & ~masks & (flag::kInvalid | flag::kDenormal | flag::kZeroDivide)) != 0;
  }
};

// MXCSR as SSE arithmetic sees it (SDM Vol. 1 10.2.3): rounding, FTZ (bit 15), DAZ (bit 6),
// masks (bits 7-12) and flags (bits 0-5).
struct SseEnv {
  Rounding rounding = Rounding::kNearest;
  bool flush_to_zero = false;
  bool denormals_are_zero = false;
  u8 masks = flag::kAll;
  u8 flags = 0;
  u8 raised = 0;

  static SseEnv from_mxcsr(u32 mxcsr) {
    SseEnv env;
    env.rounding = static_cast<Rounding>((mxcsr >> 13) & 3);
    env.flush_to_zero = ((mxcsr >> 15) & 1) != 0;
    env.denormals_are_zero = ((mxcsr >> 6) & 1) != 0;
    env.masks = static_cast<u8>((mxcsr >> 7) & flag::kAll);
    env.flags = static_cast<u8>(mxcsr & flag::kAll);
    return env;
  }
  u32 mxcsr() const {
    return u32{flags} | (denormals_are_zero ? 0x40u : 0u) | (u32{masks} << 7) |
           (u32(rounding) << 13) | (flush_to_zero ? 0x8000u : 0u);
  }
  void begin() { raised = 0; }
  void raise(u8 f) {
    flags |= f;
    raised |= f;
  }
  bool masked(u8 f) const { return (masks & f) == f; }
  // An unmasked exception of any kind leaves the SSE destination unchanged (SDM Vol. 1 11.5.1).
  bool suppress_store() const { return (raised & ~masks & flag::kAll) != 0; }
};

// Result of a comparison (IEEE 754-2008 5.11).
enum class Ordering : u8 { kLess, kEqual, kGreater, kUnordered };

// Named encodings (SDM Vol. 1 Table 4-3 and 4.8.3.7).
constexpr F80 kF80Indefinite{0xC000000000000000ull, 0xFFFF};
constexpr F32 kF32DefaultNaN{0xFFC00000u};
constexpr F64 kF64DefaultNaN{0xFFF8000000000000ull};
constexpr u64 kF80QuietBit = 0x4000000000000000ull;
constexpr u64 kF80IntegerBit = 0x8000000000000000ull;

}  // namespace glasspc::fp

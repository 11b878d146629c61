// Seeded operand generators weighted towards the values where floating point goes wrong:
// zeros, denormals, extremes of the normal range, infinities, NaNs with payloads, values next
// to integers and rounding boundaries, and (for double extended) the unsupported encodings.
#pragma once

#include <random>

#include "cpu/float/fp_types.h"

namespace glasspc::fp::test {

class OperandGen {
 public:
  explicit OperandGen(u64 seed) : m_rng(seed) {}

  u64 bits64() { return m_rng(); }
  u32 below(u32 n) { return static_cast<u32>(m_rng() % n); }
  bool coin() { return (m_rng() & 1) != 0; }

  // A significand with an explicit integer bit and a pattern likely to sit near a rounding
  // boundary of 24, 53 or 64 bits.
  u64 significand() {
    u64 s = bits64();
    switch (below(8)) {
      case 0:
        s = 0;
        break;
      case 1:
        s = ~u64{0};
        break;
      case 2:
        s &= ~u64{0} << (below(64));
        break;  // trailing zeros
      case 3:
        s |= (u64{1} << below(64)) - 1;
        break;  // trailing ones
      case 4: {
        // exactly halfway for one of the precisions
        const int p = below(3) == 0 ? 24 : below(2) == 0 ? 53 : 63;
        s = (s & (~u64{0} << (64 - p))) | (u64{1} << (63 - p));
        break;
      }
      default:
        break;
    }
    return s | kF80IntegerBit;
  }

  // Any double extended value, `near` (if nonzero) pulls the exponent close to another one.
  F80 f80(u16 near_exponent = 0) {
    const u16 sign = coin() ? 0x8000 : 0;
    switch (below(24)) {
      case 0:
        return F80{0, sign};
      case 1:
        return F80{kF80IntegerBit, u16(sign | 0x7FFF)};  // infinity
      case 2:
        return F80{kF80IntegerBit | kF80QuietBit | (bits64() >> below(64) >> 2),
                   u16(sign | 0x7FFF)};  // QNaN
      case 3: {
        u64 payload = (bits64() >> 2) >> below(62);
        if (payload == 0) payload = 1;
        return F80{kF80IntegerBit | payload, u16(sign | 0x7FFF)};  // SNaN
      }
      case 4:
        return F80{bits64() >> (1 + below(63)), sign};  // denormal
      case 5:
        return F80{significand(), sign};  // pseudo-denormal
      case 6:
        return F80{bits64() >> 1, u16(sign | (1 + below(0x7FFE)))};  // unnormal
      case 7:
        return F80{bits64() >> 1, u16(sign | 0x7FFF)};  // pseudo-NaN/-infinity
      case 8:
        return F80{significand(), u16(sign | (1 + below(80)))};  // tiny normal
      case 9:
        return F80{significand(), u16(sign | (0x7FFE - below(80)))};  // huge normal
      case 10:
        return F80{kF80IntegerBit, u16(sign | 1)};  // min normal
      case 11:
        return F80{~u64{0}, u16(sign | 0x7FFE)};  // max
      case 12:
      case 13: {
        // near a small integer: k + tiny or k +/- 1/2
        const u16 e = u16(0x3FFF + below(64));
        return F80{significand(), u16(sign | e)};
      }
      default:
        break;
    }
    u16 e;
    if (near_exponent != 0 && coin()) {
      const int d = static_cast<int>(below(141)) - 70;
      int ne = (near_exponent & 0x7FFF) + d;
      if (ne < 1) ne = 1;
      if (ne > 0x7FFE) ne = 0x7FFE;
      e = static_cast<u16>(ne);
    } else if (coin()) {
      e = static_cast<u16>(0x3FFF - 70 + below(140));
    } else {
      e = static_cast<u16>(1 + below(0x7FFE));
    }
    return F80{significand(), u16(sign | e)};
  }

  // Only supported encodings, finite and in a moderate range (transcendentals, conversions).
  F80 f80_finite(int min_exp, int max_exp) {
    const u16 sign = coin() ? 0x8000 : 0;
    const u16 e =
        static_cast<u16>(0x3FFF + min_exp + static_cast<int>(below(max_exp - min_exp + 1)));
    return F80{significand(), u16(sign | e)};
  }

  template <typename T>
  T ieee(u32 near_biased = 0) {
    constexpr bool kSingle = sizeof(T) == 4;
    constexpr int kFrac = kSingle ? 23 : 52;
    constexpr u64 kExpMax = kSingle ? 0xFF : 0x7FF;
    constexpr u64 kBias = kSingle ? 127 : 1023;
    const u64 sign = coin() ? u64{1} << (kFrac + (kSingle ? 8 : 11)) : 0;
    const u64 frac_mask = (u64{1} << kFrac) - 1;
    u64 frac = bits64() & frac_mask;
    switch (below(6)) {
      case 0:
        frac = 0;
        break;
      case 1:
        frac = frac_mask;
        break;
      case 2:
        frac &= frac_mask << below(kFrac);
        break;
      case 3:
        frac |= (u64{1} << below(kFrac)) - 1;
        break;
      default:
        break;
    }
    u64 e;
    switch (below(20)) {
      case 0:
        e = 0;
        frac = 0;
        break;  // zero
      case 1:
        e = 0;
        if (frac == 0) frac = 1;
        break;  // denormal
      case 2:
        e = kExpMax;
        frac = 0;
        break;  // infinity
      case 3:
        e = kExpMax;
        frac |= u64{1} << (kFrac - 1);
        break;  // QNaN
      case 4:
        e = kExpMax;
        frac &= frac_mask >> 1;
        if (frac == 0) frac = 1;
        break;  // SNaN
      case 5:
        e = 1 + below(30);
        break;
      case 6:
        e = kExpMax - 1 - below(30);
        break;
      case 7:
        e = 1;
        break;
      case 8:
      case 9:
        e = kBias + below(kFrac + 2);
        break;  // near integers
      default:
        if (near_biased != 0 && coin()) {
          long ne = static_cast<long>(near_biased) + static_cast<long>(below(61)) - 30;
          if (ne < 0) ne = 0;
          if (ne > static_cast<long>(kExpMax - 1)) ne = kExpMax - 1;
          e = static_cast<u64>(ne);
        } else {
          e = below(kExpMax);
        }
        break;
    }
    const u64 bits = sign | (e << kFrac) | frac;
    return T{static_cast<decltype(T{}.bits)>(bits)};
  }

 private:
  std::mt19937_64 m_rng;
};

}  // namespace glasspc::fp::test

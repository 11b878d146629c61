// The exact intermediate form shared by every format: sign, unbounded exponent and a 128-bit
// significand. Each operation computes its result exactly or with a sticky bit in bit 0, and
// rounds once at the end (IEEE 754-2008 4.3: "as if computed to infinite precision").
#pragma once

#include <bit>

#include "cpu/float/fp_types.h"

namespace glasspc::fp {

// value = sig * 2^(exp - 127); a nonzero sig is normalized so that bit 127 is set.
struct Unpacked {
  bool sign = false;
  i32 exp = 0;
  u128 sig = 0;
};

// Destination format of a rounding: `precision` significant bits, normal exponent range
// [emin, emax]. For x87 precision control the exponent range stays that of double extended
// while the precision shrinks (SDM Vol. 1 8.1.5.2).
struct Format {
  int precision;
  i32 emin;
  i32 emax;
};

constexpr Format kFormat32{24, -126, 127};
constexpr Format kFormat64{53, -1022, 1023};
constexpr Format kFormat80{64, -16382, 16383};
constexpr Format format80(int precision) {
  return Format{precision, -16382, 16383};
}

// A rounded result: value = sig * 2^(exp - 63). A normal result has bit 63 set; a denormal one
// has exp == emin and bit 63 clear; zero has sig == 0.
struct Rounded {
  bool sign = false;
  i32 exp = 0;
  u64 sig = 0;
  bool inexact = false;
  bool rounded_up = false;  // magnitude increased (x87 C1, SDM Vol. 1 8.1.3.1)
  bool tiny = false;        // below 2^emin after rounding (x86 detects tininess after rounding)
  bool overflow = false;    // above the largest finite number after rounding
};

inline int count_leading_zeros128(u128 v) {
  const u64 hi = static_cast<u64>(v >> 64);
  if (hi != 0) return std::countl_zero(hi);
  return 64 + std::countl_zero(static_cast<u64>(v));  // 128 for zero
}

// Shifts right, OR-ing every bit shifted out into bit 0 ("jamming").
inline u128 shift_right_jam(u128 v, int count) {
  if (count <= 0) return v;
  if (count >= 128) return v != 0 ? 1 : 0;
  const u128 lost = v & ((u128{1} << count) - 1);
  return (v >> count) | (lost != 0 ? 1 : 0);
}

// Normalizes `v` in place; returns false for zero. Inline: every operation ends with it, and
// most results are already normal.
inline bool normalize(Unpacked& v) {
  if ((static_cast<u64>(v.sig >> 64) >> 63) != 0) return true;
  if (v.sig == 0) return false;
  const int lz = count_leading_zeros128(v.sig);
  v.sig <<= lz;
  v.exp -= lz;
  return true;
}

namespace detail {
// The general half of round_to (unpacked.cpp): unnormalized input, subnormal results,
// precisions above 64 bits.
Rounded round_general(Unpacked v, const Format& fmt, Rounding rc, bool unbounded);

// The common case of round_to: a normal significand, a result precision of at most 64 bits,
// and an exponent at or above emin, so only the high 64 bits hold kept and round bits and the
// low 64 bits fold into the sticky bit. Same rules as round_general.
inline Rounded round_normal64(const Unpacked& v, const Format& fmt, Rounding rc, bool unbounded) {
  Rounded r;
  r.sign = v.sign;
  const u64 hi = static_cast<u64>(v.sig >> 64);
  const bool lo_sticky = static_cast<u64>(v.sig) != 0;
  const int s = 64 - fmt.precision;  // discarded bits of `hi`, 0..63
  u64 kept_mask, round_bit, sticky;
  if (s == 0) {
    kept_mask = ~u64{0};
    round_bit = static_cast<u64>(v.sig) >> 63;
    sticky = (static_cast<u64>(v.sig) << 1) != 0;
  } else {
    kept_mask = ~u64{0} << s;
    round_bit = (hi >> (s - 1)) & 1;
    sticky = (hi & ((u64{1} << (s - 1)) - 1)) != 0 || lo_sticky;
  }
  u64 sig = hi & kept_mask;
  i32 e = v.exp;
  r.inexact = (round_bit | sticky) != 0;
  bool up = false;
  switch (rc) {
    case Rounding::kNearest:
      up = round_bit != 0 && (sticky || ((sig >> s) & 1) != 0);
      break;
    case Rounding::kZero:
      break;
    case Rounding::kUp:
      up = !v.sign && r.inexact;
      break;
    case Rounding::kDown:
      up = v.sign && r.inexact;
      break;
  }
  r.rounded_up = up;
  if (up) {
    sig += u64{1} << s;
    if (sig == 0) {  // carried out of bit 63: the significand becomes 2^p
      sig = u64{1} << 63;
      ++e;
    }
  }
  r.overflow = !unbounded && e > fmt.emax;
  r.exp = e;
  r.sig = sig;
  return r;
}

}  // namespace detail

// Rounds to `fmt`. With `unbounded`, the exponent range is ignored (the wrapped-exponent result
// for unmasked x87 overflow and underflow, SDM Vol. 1 8.5.4 and 8.5.5).
inline Rounded round_to(const Unpacked& v, const Format& fmt, Rounding rc, bool unbounded = false) {
  if ((static_cast<u64>(v.sig >> 64) >> 63) != 0 && fmt.precision <= 64 && fmt.precision >= 1 &&
      (unbounded || v.exp >= fmt.emin)) {
    return detail::round_normal64(v, fmt, rc, unbounded);
  }
  return detail::round_general(v, fmt, rc, unbounded);
}

// The largest finite value of `fmt`, or infinity, as masked overflow returns for `rc` (SDM
// Vol. 1 4.9.1.4, Table 4-10). Returns true when the answer is infinity.
bool overflow_gives_infinity(bool sign, Rounding rc);

// Exact operations on unpacked finite operands (zero allowed). Results carry a sticky bit.
// Defined inline below: results stay in registers through the rounding step.
inline Unpacked exact_add(const Unpacked& a, const Unpacked& b, Rounding rc);
inline Unpacked exact_mul(const Unpacked& a, const Unpacked& b);
inline Unpacked exact_div(const Unpacked& a, const Unpacked& b);  // b nonzero
inline Unpacked exact_sqrt(const Unpacked& a);                    // a positive

// Rounds to an integer in the direction `rc` (FRNDINT, FIST, ROUNDSS, CVTSS2SI). Returns the
// magnitude; `inexact`/`rounded_up` report what happened. Requires v.exp < 127 or an integer.
struct IntegerRounding {
  u128 magnitude = 0;
  bool inexact = false;
  bool rounded_up = false;
};
IntegerRounding round_integer(Unpacked v, Rounding rc);

// Builds the exact unpacked form of an unsigned integer magnitude.
Unpacked from_integer(bool sign, u128 magnitude);

// Integer square root: returns floor(sqrt(n)) and stores n - root^2 in `rem`.
u128 isqrt128(u128 n, u128& rem);

namespace detail {

// (hi:lo) / d for hi < d, so the quotient fits in 64 bits: one hardware DIV on x86-64 (SDM
// Vol. 2A DIV), where the compiler would otherwise call a generic 128-by-128 routine. Integer
// only; other hosts use the portable 128-bit division.
inline u64 div128by64(u64 hi, u64 lo, u64 d, u64& rem) {
#if defined(__x86_64__)
  u64 q = 0, r = 0;
  asm("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d) : "cc");
  rem = r;
  return q;
#else
  const u128 n = (u128{hi} << 64) | lo;
  rem = static_cast<u64>(n % d);
  return static_cast<u64>(n / d);
#endif
}

}  // namespace detail

inline Unpacked exact_add(const Unpacked& a, const Unpacked& b, Rounding rc) {
  if (b.sig == 0) {
    if (a.sig != 0) return a;
    // Exact zero sum of zeros: the common sign, else +0 except when rounding down (IEEE
    // 754-2008 6.3).
    Unpacked z;
    z.sign = a.sign == b.sign ? a.sign : rc == Rounding::kDown;
    return z;
  }
  if (a.sig == 0) return b;
  // Operands carry at most 64 significant bits at the top, so one bit of headroom for the
  // carry and 63 guard bits below are free.
  Unpacked big = a, small = b;
  if (b.exp > a.exp || (b.exp == a.exp && b.sig > a.sig)) {
    big = b;
    small = a;
  }
  const i64 diff = i64{big.exp} - small.exp;
  u128 bs = big.sig >> 1;
  u128 ss = shift_right_jam(small.sig >> 1, diff > 200 ? 200 : static_cast<int>(diff));
  Unpacked r;
  r.exp = big.exp + 1;
  r.sign = big.sign;
  if (big.sign == small.sign) {
    r.sig = bs + ss;
  } else {
    r.sig = bs - ss;
    if (r.sig == 0) {
      r.sign = rc == Rounding::kDown;
      return r;
    }
  }
  normalize(r);
  return r;
}

inline Unpacked exact_mul(const Unpacked& a, const Unpacked& b) {
  Unpacked r;
  r.sign = a.sign != b.sign;
  if (a.sig == 0 || b.sig == 0) return r;
  const u64 x = static_cast<u64>(a.sig >> 64), y = static_cast<u64>(b.sig >> 64);
  r.sig = u128{x} * y;
  r.exp = a.exp + b.exp + 1;
  normalize(r);
  // Operands keep at most 64 significant bits in the high half; the low half folds into
  // the sticky bit.
  if ((a.sig << 64) != 0 || (b.sig << 64) != 0) r.sig |= 1;
  return r;
}

inline Unpacked exact_div(const Unpacked& a, const Unpacked& b) {
  Unpacked r;
  r.sign = a.sign != b.sign;
  if (a.sig == 0) return r;
  const u64 x = static_cast<u64>(a.sig >> 64), y = static_cast<u64>(b.sig >> 64);
  const bool ge = x >= y;
  r.exp = a.exp - b.exp - (ge ? 0 : 1);
  if ((x >> 63) != 0 && (y >> 63) != 0) {
    // Normalized operands (always, by the contract above): long division by one 64-bit limb.
    // num = x * 2^63 or x * 2^64 has its high limb below y, so each step's quotient fits in 64
    // bits, and q1 >= 2^63 makes the result normal.
    const u64 num_hi = ge ? x >> 1 : x, num_lo = ge ? x << 63 : 0;
    u64 r1 = 0, r2 = 0;
    const u64 q1 = detail::div128by64(num_hi, num_lo, y, r1);
    const u64 q2 = detail::div128by64(r1, 0, y, r2);
    r.sig = (u128{q1} << 64) | q2 | (r2 != 0 ? 1 : 0);
    return r;
  }
  const u128 num = ge ? u128{x} << 63 : u128{x} << 64;
  const u128 q1 = num / y, r1 = num % y;
  const u128 num2 = r1 << 64;
  const u128 q2 = num2 / y, r2 = num2 % y;
  r.sig = (q1 << 64) | q2 | (r2 != 0 ? 1 : 0);
  normalize(r);
  return r;
}

inline Unpacked exact_sqrt(const Unpacked& a) {
  Unpacked r;
  if (a.sig == 0) {
    r.sign = a.sign;
    return r;
  }
  const u64 x = static_cast<u64>(a.sig >> 64);
  // value = x/2^63 * 2^(exp); make the exponent even so that it halves exactly.
  const bool odd = (a.exp & 1) != 0;
  const u128 n = odd ? u128{x} << 64 : u128{x} << 63;
  u128 rem = 0;
  const u128 root = isqrt128(n, rem);
  // One more root bit: (root + 1/2)^2 <= n  <=>  rem > root (an exact midpoint is impossible).
  const bool guard = rem > root;
  r.sig = (root << 64) | (guard ? u128{1} << 63 : 0) | (rem != 0 ? 1 : 0);
  r.exp = (a.exp - (odd ? 1 : 0)) / 2;
  normalize(r);
  return r;
}

}  // namespace glasspc::fp

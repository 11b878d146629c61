// Exact arithmetic and the single rounding step shared by the x87 and SSE code.
#include "cpu/float/unpacked.h"

namespace glasspc::fp {

int count_leading_zeros128(u128 v) {
  const u64 hi = static_cast<u64>(v >> 64);
  if (hi != 0) return __builtin_clzll(hi);
  const u64 lo = static_cast<u64>(v);
  return lo != 0 ? 64 + __builtin_clzll(lo) : 128;
}

u128 shift_right_jam(u128 v, int count) {
  if (count <= 0) return v;
  if (count >= 128) return v != 0 ? 1 : 0;
  const u128 lost = v & ((u128{1} << count) - 1);
  return (v >> count) | (lost != 0 ? 1 : 0);
}

bool normalize(Unpacked& v) {
  if (v.sig == 0) return false;
  const int lz = count_leading_zeros128(v.sig);
  v.sig <<= lz;
  v.exp -= lz;
  return true;
}

bool overflow_gives_infinity(bool sign, Rounding rc) {
  switch (rc) {
    case Rounding::kNearest:
      return true;
    case Rounding::kZero:
      return false;
    case Rounding::kUp:
      return !sign;
    case Rounding::kDown:
      return sign;
  }
  return true;
}

namespace {

struct Cut {
  u128 kept;
  bool round_bit;
  bool sticky;
};

// Splits `sig` at `shift` bits from the bottom.
Cut cut(u128 sig, int shift) {
  if (shift < 128) {
    const u128 below = sig & ((u128{1} << shift) - 1);
    const u128 half = u128{1} << (shift - 1);
    return {sig >> shift, (below & half) != 0, (below & (half - 1)) != 0};
  }
  if (shift == 128) return {0, (sig >> 127) != 0, (sig << 1) != 0};
  return {0, false, sig != 0};
}

bool increments(const Cut& c, bool sign, Rounding rc) {
  switch (rc) {
    case Rounding::kNearest:
      return c.round_bit && (c.sticky || (c.kept & 1) != 0);
    case Rounding::kZero:
      return false;
    case Rounding::kUp:
      return !sign && (c.round_bit || c.sticky);
    case Rounding::kDown:
      return sign && (c.round_bit || c.sticky);
  }
  return false;
}

}  // namespace

Rounded round_to(Unpacked v, const Format& fmt, Rounding rc, bool unbounded) {
  Rounded r;
  r.sign = v.sign;
  if (!normalize(v)) return r;
  const int p = fmt.precision;
  const int base_shift = 128 - p;
  const bool below = !unbounded && v.exp < fmt.emin;
  const int shift = below ? base_shift + (fmt.emin - v.exp) : base_shift;
  i32 e = below ? fmt.emin : v.exp;
  const Cut c = cut(v.sig, shift);
  u128 kept = c.kept;
  r.inexact = c.round_bit || c.sticky;
  r.rounded_up = increments(c, v.sign, rc);
  if (r.rounded_up) {
    ++kept;
    if (kept == (u128{1} << p)) {
      kept >>= 1;
      ++e;
    }
  }
  if (below) {
    // Tininess after rounding: rounded to `p` bits with an unbounded exponent, the result would
    // still be below 2^emin unless it rounds up into exactly 2^emin (SDM Vol. 1 4.9.1.5).
    r.tiny = true;
    if (v.exp == fmt.emin - 1) {
      const Cut u = cut(v.sig, base_shift);
      if (increments(u, v.sign, rc) && u.kept + 1 == (u128{1} << p)) r.tiny = false;
    }
  }
  r.overflow = !unbounded && e > fmt.emax;
  r.exp = e;
  r.sig = static_cast<u64>(kept) << (64 - p);
  return r;
}

IntegerRounding round_integer(Unpacked v, Rounding rc) {
  IntegerRounding r;
  if (!normalize(v)) return r;
  if (v.exp >= 127) {
    r.magnitude = v.sig;  // callers range-check before this can matter
    return r;
  }
  const Cut c = cut(v.sig, 127 - v.exp);
  r.magnitude = c.kept;
  r.inexact = c.round_bit || c.sticky;
  r.rounded_up = increments(c, v.sign, rc);
  if (r.rounded_up) ++r.magnitude;
  return r;
}

Unpacked from_integer(bool sign, u128 magnitude) {
  Unpacked v;
  v.sign = sign;
  v.sig = magnitude;
  v.exp = 127;
  normalize(v);
  return v;
}

Unpacked exact_add(const Unpacked& a, const Unpacked& b, Rounding rc) {
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

Unpacked exact_mul(const Unpacked& a, const Unpacked& b) {
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

Unpacked exact_div(const Unpacked& a, const Unpacked& b) {
  Unpacked r;
  r.sign = a.sign != b.sign;
  if (a.sig == 0) return r;
  const u64 x = static_cast<u64>(a.sig >> 64), y = static_cast<u64>(b.sig >> 64);
  const bool ge = x >= y;
  const u128 num = ge ? u128{x} << 63 : u128{x} << 64;
  const u128 q1 = num / y, r1 = num % y;
  const u128 num2 = r1 << 64;
  const u128 q2 = num2 / y, r2 = num2 % y;
  r.sig = (q1 << 64) | q2 | (r2 != 0 ? 1 : 0);
  r.exp = a.exp - b.exp - (ge ? 0 : 1);
  normalize(r);
  return r;
}

u128 isqrt128(u128 n, u128& rem) {
  u128 root = 0;
  u128 bit = u128{1} << 126;
  while (bit > n) bit >>= 2;
  while (bit != 0) {
    if (n >= root + bit) {
      n -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  rem = n;
  return root;
}

Unpacked exact_sqrt(const Unpacked& a) {
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

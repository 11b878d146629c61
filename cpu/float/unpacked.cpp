// Exact arithmetic and the single rounding step shared by the x87 and SSE code.
#include "cpu/float/unpacked.h"

#include <array>
#include <bit>

namespace glasspc::fp {

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

namespace detail {

// Any significand: cuts the 128-bit value, handles results below emin and tininess.
Rounded round_general(Unpacked v, const Format& fmt, Rounding rc, bool unbounded) {
  Rounded r;
  r.sign = v.sign;
  if (!normalize(v)) return r;
  if (fmt.precision <= 64 && fmt.precision >= 1 && (unbounded || v.exp >= fmt.emin)) {
    return round_normal64(v, fmt, rc, unbounded);
  }
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

}  // namespace detail

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

namespace {

// The bit-at-a-time method (one root bit per step); used only for the one input range where
// the Newton step of isqrt128_top would need a 2^64 starting value.
u128 isqrt128_bitwise(u128 n, u128& rem) {
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

// ceil(sqrt((i + 1) * 2^56)) for i = n >> 56 in [64, 255]: an overestimate of sqrt(n) within a
// factor 1 + 2^-7, computed at compile time.
constexpr u64 seed_for(u64 i) {
  const u128 target = u128{i + 1} << 56;
  u64 lo = 0, hi = u64{1} << 32;  // invariant: lo^2 < target <= hi^2
  while (hi - lo > 1) {
    const u64 mid = lo + (hi - lo) / 2;
    if (u128{mid} * mid < target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

constexpr std::array<u64, 192> make_seeds() {
  std::array<u64, 192> t{};
  for (u64 i = 0; i < 192; ++i) t[i] = seed_for(i + 64);
  return t;
}

constexpr std::array<u64, 192> kSqrtSeeds = make_seeds();

// floor(sqrt(n)) for n >= 2^62. Newton's iteration x' = (x + n / x) / 2 from an overestimate
// never goes below the floor root and decreases until it reaches it (integer AM-GM).
u64 isqrt64_top(u64 n) {
  u64 x = kSqrtSeeds[(n >> 56) - 64];
  for (;;) {
    const u64 y = (x + n / x) / 2;  // x <= 2^32, n / x < 2^33: no overflow
    if (y >= x) return x;
    x = y;
  }
}

// floor(sqrt(n)) and n - root^2 for n >= 2^126 (the root is in [2^63, 2^64)).
u128 isqrt128_top(u128 n, u128& rem) {
  const u64 n_hi = static_cast<u64>(n >> 64), n_lo = static_cast<u64>(n);
  const u64 s = isqrt64_top(n_hi);  // s^2 <= n_hi < (s + 1)^2
  if (s == 0xFFFFFFFFu) return isqrt128_bitwise(n, rem);
  // x = (s + 1) * 2^32 > sqrt(n), within 2^32 of it, so one Newton step lands within 1 of the
  // floor root from above; n_hi < x keeps the quotient in 64 bits.
  const u64 x = (s + 1) << 32;
  u64 unused = 0;
  const u64 q = detail::div128by64(n_hi, n_lo, x, unused);
  u64 y = static_cast<u64>((u128{x} + q) >> 1);
  while (u128{y} * y > n) --y;  // exact correction: at most a step or two
  rem = n - u128{y} * y;
  return y;
}

}  // namespace

u128 isqrt128(u128 n, u128& rem) {
  if (n == 0) {
    rem = 0;
    return 0;
  }
  // Scale by an even power of two into [2^126, 2^128); floor(floor(sqrt(n * 4^k)) / 2^k) is
  // floor(sqrt(n)).
  const int k = count_leading_zeros128(n) / 2;
  u128 scaled_rem = 0;
  const u128 root = isqrt128_top(n << (2 * k), scaled_rem) >> k;
  rem = n - root * root;
  return root;
}

}  // namespace glasspc::fp

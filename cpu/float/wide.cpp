// 128-bit working-precision arithmetic for the transcendental functions.
#include "cpu/float/wide.h"

namespace glasspc::fp::wide {

u128 mul_high(u128 a, u128 b) {
  const u64 ah = static_cast<u64>(a >> 64), al = static_cast<u64>(a);
  const u64 bh = static_cast<u64>(b >> 64), bl = static_cast<u64>(b);
  const u128 hh = u128{ah} * bh, hl = u128{ah} * bl, lh = u128{al} * bh, ll = u128{al} * bl;
  const u128 mid = (ll >> 64) + static_cast<u64>(hl) + static_cast<u64>(lh);
  return hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
}

bool is_zero(const Unpacked& a) {
  return a.sig == 0;
}

i32 magnitude(const Unpacked& a) {
  return a.sig == 0 ? -(1 << 30) : a.exp;
}

Unpacked mul(const Unpacked& a, const Unpacked& b) {
  Unpacked r;
  r.sign = a.sign != b.sign;
  if (a.sig == 0 || b.sig == 0) return r;
  r.sig = mul_high(a.sig, b.sig);
  r.exp = a.exp + b.exp + 1;
  normalize(r);
  return r;
}

Unpacked div(const Unpacked& a, const Unpacked& b) {
  Unpacked r;
  r.sign = a.sign != b.sign;
  if (a.sig == 0) return r;
  u128 rem = a.sig, q = 0;
  const u128 d = b.sig;
  r.exp = a.exp - b.exp;
  int steps = 128;
  if (rem >= d) {
    rem -= d;
    q = 1;
    steps = 127;
  } else {
    r.exp -= 1;
  }
  for (int i = 0; i < steps; ++i) {
    const bool carry = (rem >> 127) != 0;
    rem <<= 1;
    q <<= 1;
    if (carry || rem >= d) {
      rem -= d;
      q |= 1;
    }
  }
  r.sig = q;
  normalize(r);
  return r;
}

Unpacked div_small(const Unpacked& a, u64 n) {
  Unpacked r = a;
  if (a.sig == 0) return r;
  // Two-step long division keeps the full 128 quotient bits.
  const u128 hi = a.sig >> 64, lo = static_cast<u64>(a.sig);
  const u128 q_hi = hi / n, r_hi = hi % n;
  const u128 mid = (r_hi << 64) | lo;
  const u128 q_lo = mid / n;
  u128 q = (q_hi << 64) + q_lo;
  const int lz = count_leading_zeros128(q);
  // Recover the bits shifted out below by continuing the division on the remainder.
  const u128 rem = mid % n;
  const u128 extra = lz > 0 ? ((rem << lz) / n) : 0;
  r.sig = (q << lz) | extra;
  r.exp = a.exp - lz;
  return r;
}

Unpacked add(const Unpacked& a, const Unpacked& b) {
  if (b.sig == 0) return a;
  if (a.sig == 0) return b;
  Unpacked big = a, small = b;
  if (b.exp > a.exp || (b.exp == a.exp && b.sig > a.sig)) {
    big = b;
    small = a;
  }
  const i64 d = i64{big.exp} - small.exp + 1;
  const u128 bs = big.sig >> 1;
  const u128 ss = d >= 128 ? 0 : small.sig >> d;
  Unpacked r;
  r.sign = big.sign;
  r.exp = big.exp + 1;
  r.sig = big.sign == small.sign ? bs + ss : bs - ss;
  normalize(r);
  return r;
}

Unpacked negate(Unpacked a) {
  a.sign = !a.sign;
  return a;
}

Unpacked sub(const Unpacked& a, const Unpacked& b) {
  return add(a, negate(b));
}

Unpacked from_int(i64 v) {
  const bool neg = v < 0;
  return from_integer(neg, neg ? 0 - static_cast<u64>(v) : static_cast<u64>(v));
}

Unpacked scale(Unpacked a, i32 k) {
  a.exp += k;
  return a;
}

namespace {
Unpacked constant(u64 hi, u64 lo, i32 exp) {
  Unpacked u;
  u.sig = (u128{hi} << 64) | lo;
  u.exp = exp;
  return u;
}
}  // namespace

Unpacked pi() {
  return constant(0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1);
}
Unpacked ln2() {
  return constant(0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1);
}
Unpacked log2e() {
  return constant(0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0);
}

}  // namespace glasspc::fp::wide

// The exact intermediate form shared by every format: sign, unbounded exponent and a 128-bit
// significand. Each operation computes its result exactly or with a sticky bit in bit 0, and
// rounds once at the end (IEEE 754-2008 4.3: "as if computed to infinite precision").
#pragma once

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

int count_leading_zeros128(u128 v);

// Shifts right, OR-ing every bit shifted out into bit 0 ("jamming").
u128 shift_right_jam(u128 v, int count);

// Normalizes `v` in place; returns false for zero.
bool normalize(Unpacked& v);

// Rounds to `fmt`. With `unbounded`, the exponent range is ignored (the wrapped-exponent result
// for unmasked x87 overflow and underflow, SDM Vol. 1 8.5.4 and 8.5.5).
Rounded round_to(Unpacked v, const Format& fmt, Rounding rc, bool unbounded = false);

// The largest finite value of `fmt`, or infinity, as masked overflow returns for `rc` (SDM
// Vol. 1 4.9.1.4, Table 4-10). Returns true when the answer is infinity.
bool overflow_gives_infinity(bool sign, Rounding rc);

// Exact operations on unpacked finite operands (zero allowed). Results carry a sticky bit.
Unpacked exact_add(const Unpacked& a, const Unpacked& b, Rounding rc);
Unpacked exact_mul(const Unpacked& a, const Unpacked& b);
Unpacked exact_div(const Unpacked& a, const Unpacked& b);  // b nonzero
Unpacked exact_sqrt(const Unpacked& a);                    // a positive

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

}  // namespace glasspc::fp

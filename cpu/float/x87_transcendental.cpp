// x87 transcendental instructions: FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1
// (SDM Vol. 2 instruction pages, Vol. 1 8.3.10). Results are computed with ~118-bit series in
// wide.h and rounded once to 64 bits; precision control does not apply to these instructions.
#include "cpu/float/wide.h"
#include "cpu/float/x87.h"

namespace glasspc::fp {

namespace {

using namespace wide;

bool is_denormal_class(X87Class c) {
  return c == X87Class::kDenormal || c == X87Class::kPseudoDenormal;
}

// Rounds a wide approximation; every nonzero result reaching here is irrational or otherwise
// inexact, so a sticky bit marks it inexact.
F80 finish_inexact(Unpacked v, X87Env& env) {
  if (v.sig == 0) return f80_zero(v.sign);
  v.sig |= 1;
  return x87_finish(v, 64, env, true);
}

// sin(y) and cos(y) for |y| <= pi/4 by their Taylor series (IEEE 754-2008 9.2 sin/cos).
Unpacked sin_series(const Unpacked& y) {
  const Unpacked y2 = mul(y, y);
  Unpacked term = y, sum = y;
  for (u64 n = 1; n < 40; ++n) {
    term = negate(div_small(mul(term, y2), (2 * n) * (2 * n + 1)));
    if (magnitude(term) < magnitude(sum) - 130) break;
    sum = add(sum, term);
  }
  return sum;
}

Unpacked cos_series(const Unpacked& y) {
  const Unpacked y2 = mul(y, y);
  Unpacked term = from_int(1), sum = term;
  for (u64 n = 1; n < 40; ++n) {
    term = negate(div_small(mul(term, y2), (2 * n - 1) * (2 * n)));
    if (magnitude(term) < magnitude(sum) - 130) break;
    sum = add(sum, term);
  }
  return sum;
}

// Reduction of |x| < 2^63 modulo pi/2. Hardware reduces with a 66-bit approximation of pi
// (SDM Vol. 1 8.3.10), so the reduction here uses the same 66 bits, exactly: the remainder
// x - q * pi66/2 is computed with integer long division and has no rounding error.
struct Reduced {
  Unpacked y;  // |y| <= pi/4
  u64 quadrant;
};

Reduced reduce(const Unpacked& x) {
  // pi66 = kPi66 * 2^-64, so pi66/2 = kPi66 * 2^-65 (kPi66 has its leading bit at 65).
  const u128 kPi66 = (u128{0xC90FDAA22168C234ull} << 2) | 3;
  Reduced r{x, 0};
  r.y.sign = false;
  const u128 mantissa = x.sig >> 64;  // 64 significant bits, leading bit at 63
  const i32 s = x.exp + 2;            // x / (pi66/2) = mantissa * 2^s / kPi66
  if (s < 0) return r;
  u128 rem = mantissa;
  u128 q = 0;
  for (i32 i = 0; i < s; ++i) {
    rem <<= 1;
    q <<= 1;
    if (rem >= kPi66) {
      rem -= kPi66;
      q |= 1;
    }
  }
  if (rem >= kPi66) {
    rem -= kPi66;
    ++q;
  }
  bool neg = false;
  if ((rem << 1) > kPi66) {
    rem = kPi66 - rem;
    neg = true;
    ++q;
  }
  r.y = from_integer(neg, rem);
  r.y.exp -= 65;
  r.quadrant = static_cast<u64>(q & 3);
  return r;
}

// Common screening of a single operand: unsupported, NaN, infinity (invalid), denormal.
// Returns true when `out` is the answer.
bool screen_unary(F80 a, X87Env& env, F80& out, bool infinity_invalid) {
  const X87Class c = classify(a);
  if (c == X87Class::kUnsupported) {
    out = x87_invalid(env);
    return true;
  }
  if (is_nan(a)) {
    out = x87_propagate_nan(a, a, env);
    return true;
  }
  if (c == X87Class::kInfinity && infinity_invalid) {
    out = x87_invalid(env);
    return true;
  }
  if (is_denormal_class(c)) {
    env.raise(flag::kDenormal);
    if (!env.masked(flag::kDenormal)) {
      out = a;
      return true;
    }
  }
  return false;
}

bool trig_out_of_range(F80 a) {
  const X87Class c = classify(a);
  return c == X87Class::kNormal && a.exponent() >= 16383 + 63;
}

struct SinCosWide {
  Unpacked sin, cos;
};

SinCosWide sin_cos_wide(const Unpacked& x) {
  const Reduced r = reduce(x);
  const Unpacked s = sin_series(r.y), c = cos_series(r.y);
  SinCosWide out;
  switch (r.quadrant) {
    case 0:
      out = {s, c};
      break;
    case 1:
      out = {c, negate(s)};
      break;
    case 2:
      out = {negate(s), negate(c)};
      break;
    default:
      out = {negate(c), s};
      break;
  }
  if (x.sign) out.sin = negate(out.sin);
  return out;
}

}  // namespace

TrigResult x87_sin(F80 a, X87Env& env) {
  env.begin();
  TrigResult r;
  if (screen_unary(a, env, r.value, true)) return r;
  if (trig_out_of_range(a)) return {a, true};
  if (classify(a) == X87Class::kZero) return {a, false};
  r.value = finish_inexact(sin_cos_wide(unpack(a)).sin, env);
  return r;
}

TrigResult x87_cos(F80 a, X87Env& env) {
  env.begin();
  TrigResult r;
  if (screen_unary(a, env, r.value, true)) return r;
  if (trig_out_of_range(a)) return {a, true};
  if (classify(a) == X87Class::kZero) return {F80{kF80IntegerBit, 0x3FFF}, false};
  r.value = finish_inexact(sin_cos_wide(unpack(a)).cos, env);
  return r;
}

SinCos x87_sincos(F80 a, X87Env& env) {
  env.begin();
  SinCos r;
  F80 out;
  if (screen_unary(a, env, out, true)) return {out, out, false};
  if (trig_out_of_range(a)) return {a, a, true};
  if (classify(a) == X87Class::kZero) return {a, F80{kF80IntegerBit, 0x3FFF}, false};
  const SinCosWide w = sin_cos_wide(unpack(a));
  // Both results share one status: flags accumulate, C1 follows the cosine (the final push).
  r.sin = finish_inexact(w.sin, env);
  r.cos = finish_inexact(w.cos, env);
  return r;
}

TanResult x87_tan(F80 a, X87Env& env) {
  env.begin();
  const F80 one{kF80IntegerBit, 0x3FFF};
  F80 out;
  if (screen_unary(a, env, out, true)) return {out, is_nan(out) ? out : one, false};
  if (trig_out_of_range(a)) return {a, a, true};
  if (classify(a) == X87Class::kZero) return {a, one, false};
  const SinCosWide w = sin_cos_wide(unpack(a));
  if (is_zero(w.cos)) {
    env.raise(flag::kOverflow | flag::kPrecision);
    return {f80_infinity(w.sin.sign != w.cos.sign), one, false};
  }
  return {finish_inexact(div(w.sin, w.cos), env), one, false};
}

namespace {

// atan(z) for 0 <= z <= 1.
Unpacked atan_unit(const Unpacked& z) {
  // Above tan(pi/8) use atan(z) = pi/4 - atan((1 - z) / (1 + z)) so the series ratio stays
  // below (sqrt(2) - 1)^2.
  const Unpacked one = from_int(1);
  const bool reflect = z.exp > -2 || (z.exp == -2 && z.sig > (u128{0xD413CCCFE7799211ull} << 64));
  const Unpacked w = reflect ? div(sub(one, z), add(one, z)) : z;
  const Unpacked w2 = mul(w, w);
  Unpacked power = w, sum = w;
  for (u64 n = 1; n < 120; ++n) {
    power = negate(mul(power, w2));
    const Unpacked term = div_small(power, 2 * n + 1);
    if (magnitude(term) < magnitude(sum) - 130) break;
    sum = add(sum, term);
  }
  return reflect ? sub(scale(pi(), -2), sum) : sum;
}

// 2 * atanh(s) / ln 2 = log2((1 + s) / (1 - s)), for |s| <= 3 - 2 sqrt(2).
Unpacked log2_from_atanh(const Unpacked& s) {
  const Unpacked s2 = mul(s, s);
  Unpacked power = s, sum = s;
  for (u64 n = 1; n < 80; ++n) {
    power = mul(power, s2);
    const Unpacked term = div_small(power, 2 * n + 1);
    if (magnitude(term) < magnitude(sum) - 130) break;
    sum = add(sum, term);
  }
  return mul(sum, scale(log2e(), 1));
}

}  // namespace

F80 x87_atan2(F80 st1, F80 st0, X87Env& env) {
  env.begin();
  const X87Class cy = classify(st1), cx = classify(st0);
  if (cy == X87Class::kUnsupported || cx == X87Class::kUnsupported) return x87_invalid(env);
  if (is_nan(st1) || is_nan(st0)) return x87_propagate_nan(st0, st1, env);
  if (is_denormal_class(cy) || is_denormal_class(cx)) {
    env.raise(flag::kDenormal);
    if (!env.masked(flag::kDenormal)) return st1;
  }
  const bool sy = st1.sign(), sx = st0.sign();
  const auto signed_pi_fraction = [&](int num, int shift) {
    // num * pi * 2^-shift with the sign of y (SDM Vol. 2 FPATAN Table 3-30).
    Unpacked v = scale(mul(pi(), from_int(num)), -shift);
    v.sign = sy;
    return finish_inexact(v, env);
  };
  const bool iy = cy == X87Class::kInfinity, ix = cx == X87Class::kInfinity;
  if (cy == X87Class::kZero) {
    if (!sx) return f80_zero(sy);
    return signed_pi_fraction(1, 0);
  }
  if (iy) {
    if (!ix) return signed_pi_fraction(1, 1);
    return sx ? signed_pi_fraction(3, 2) : signed_pi_fraction(1, 2);
  }
  if (ix) return sx ? signed_pi_fraction(1, 0) : f80_zero(sy);
  if (cx == X87Class::kZero) return signed_pi_fraction(1, 1);
  Unpacked y = unpack(st1), x = unpack(st0);
  y.sign = x.sign = false;
  const bool y_smaller = y.exp < x.exp || (y.exp == x.exp && y.sig <= x.sig);
  Unpacked angle = y_smaller ? atan_unit(div(y, x)) : sub(scale(pi(), -1), atan_unit(div(x, y)));
  if (sx) angle = sub(pi(), angle);
  angle.sign = sy;
  return finish_inexact(angle, env);
}

F80 x87_exp2m1(F80 a, X87Env& env) {
  env.begin();
  F80 out;
  if (screen_unary(a, env, out, false)) return out;
  const X87Class c = classify(a);
  if (c == X87Class::kZero) return a;
  // Outside [-1, 1] the result is architecturally undefined; extend naturally: -1 and +inf.
  if (c == X87Class::kInfinity) return a.sign() ? F80{kF80IntegerBit, 0xBFFF} : a;
  const Unpacked x = unpack(a);
  if (x.exp >= 15) {
    if (x.sign) {
      env.raise(flag::kPrecision);
      return F80{kF80IntegerBit, 0xBFFF};
    }
    return x87_finish(scale(from_int(1), 1 << 16), 64, env);
  }
  // Split x = k + f with |f| <= 1/2 so the series for e^(f ln 2) - 1 converges quickly; for
  // |x| <= 1/2 (k = 0) no subtraction of 1 happens, so tiny results keep full precision.
  i64 k = 0;
  Unpacked f = x;
  if (x.exp >= -1) {
    const IntegerRounding ir = round_integer(x, Rounding::kNearest);
    k = static_cast<i64>(ir.magnitude);
    if (x.sign) k = -k;
    f = sub(x, from_int(k));
  }
  const Unpacked t = mul(f, ln2());
  Unpacked term = t, sum = t;
  for (u64 n = 2; n < 60 && !is_zero(t); ++n) {
    term = div_small(mul(term, t), n);
    if (magnitude(term) < magnitude(sum) - 130) break;
    sum = add(sum, term);
  }
  if (k != 0) {
    // 2^k * (1 + sum) - 1
    sum = sub(scale(add(from_int(1), sum), static_cast<i32>(k)), from_int(1));
  }
  return finish_inexact(sum, env);
}

namespace {

// y * log2(x) special cases shared by FYL2X (SDM Vol. 2 Table 3-48). Returns true if handled.
bool ylog_specials(F80 y, F80 x, X87Env& env, F80& out) {
  const X87Class cy = classify(y), cx = classify(x);
  if (cy == X87Class::kUnsupported || cx == X87Class::kUnsupported) {
    out = x87_invalid(env);
    return true;
  }
  if (is_nan(y) || is_nan(x)) {
    out = x87_propagate_nan(x, y, env);
    return true;
  }
  return false;
}

// The denormal-operand check, made after the invalid and zero-divide cases that outrank it
// (SDM Vol. 1 8.7). Returns true when an unmasked #D suppresses the operation.
bool denormal_after_checks(F80 y, F80 x, X87Env& env) {
  if (!is_denormal_class(classify(y)) && !is_denormal_class(classify(x))) return false;
  env.raise(flag::kDenormal);
  return !env.masked(flag::kDenormal);
}

}  // namespace

F80 x87_ylog2x(F80 st1, F80 st0, X87Env& env) {
  env.begin();
  F80 out;
  if (ylog_specials(st1, st0, env, out)) return out;
  const X87Class cy = classify(st1), cx = classify(st0);
  const bool iy = cy == X87Class::kInfinity, zy = cy == X87Class::kZero;
  const bool ix = cx == X87Class::kInfinity, zx = cx == X87Class::kZero;
  if (st0.sign() && !zx) return x87_invalid(env);  // log of a negative number
  if (zx) {
    if (zy) return x87_invalid(env);
    if (iy) return f80_infinity(!st1.sign());
    env.raise(flag::kZeroDivide);
    return f80_infinity(!st1.sign());
  }
  if (ix) {
    if (zy) return x87_invalid(env);
    if (denormal_after_checks(st1, st0, env)) return st1;
    return f80_infinity(st1.sign());
  }
  // x finite positive: log2(x) = e + log2(m), m in [sqrt(1/2), sqrt(2)).
  Unpacked m = unpack(st0);
  i32 e = m.exp;
  m.exp = 0;
  if (m.sig > (u128{0xB504F333F9DE6484ull} << 64)) {
    m.exp = -1;
    ++e;
  }
  const Unpacked one = from_int(1);
  const Unpacked num = sub(m, one);
  const bool x_is_one = is_zero(num) && e == 0;
  if (x_is_one && iy) return x87_invalid(env);
  if (denormal_after_checks(st1, st0, env)) return st1;
  if (x_is_one) return f80_zero(st1.sign());  // y * log2(1) = y * +0
  if (iy) {
    const bool log_negative = e < 0 || (e == 0 && num.sign);
    return f80_infinity(st1.sign() != log_negative);
  }
  if (zy) {
    const bool log_negative = e < 0 || (e == 0 && num.sign);
    return f80_zero(st1.sign() != log_negative);
  }
  const Unpacked log2m = is_zero(num) ? num : log2_from_atanh(div(num, add(m, one)));
  const Unpacked log2x = add(from_int(e), log2m);
  return finish_inexact(mul(unpack(st1), log2x), env);
}

F80 x87_ylog2xp1(F80 st1, F80 st0, X87Env& env) {
  env.begin();
  F80 out;
  if (ylog_specials(st1, st0, env, out)) return out;
  const X87Class cy = classify(st1), cx = classify(st0);
  const bool iy = cy == X87Class::kInfinity, zy = cy == X87Class::kZero;
  const bool zx = cx == X87Class::kZero;
  // SDM Vol. 2 Table 3-49: 0 * inf is invalid; a zero x gives a zero of sign(x) xor sign(y).
  if (cx == X87Class::kInfinity) {
    // log2(+inf) = +inf, as FYL2X; -inf is outside the domain.
    if (st0.sign() || zy) return x87_invalid(env);
    if (denormal_after_checks(st1, st0, env)) return st1;
    return f80_infinity(st1.sign());
  }
  if (zx) {
    if (iy) return x87_invalid(env);
    if (denormal_after_checks(st1, st0, env)) return st1;
    return f80_zero(st0.sign() != st1.sign());
  }
  if (denormal_after_checks(st1, st0, env)) return st1;
  if (iy) return f80_infinity(st0.sign() != st1.sign());
  if (zy) return f80_zero(st0.sign() != st1.sign());
  const Unpacked x = unpack(st0);
  const Unpacked two = from_int(2);
  const Unpacked sum = add(two, x);
  if (is_zero(sum) || sum.sign) return x87_invalid(env);  // x <= -2: far outside the domain
  // log2(1 + x) = 2 atanh(x / (2 + x)) / ln 2; no cancellation for small x.
  const Unpacked s = div(x, sum);
  if (s.exp >= 0) return x87_invalid(env);  // 1 + x <= 0
  return finish_inexact(mul(unpack(st1), log2_from_atanh(s)), env);
}

}  // namespace glasspc::fp

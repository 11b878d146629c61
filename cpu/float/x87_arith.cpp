// x87 basic arithmetic: operand classes, NaN selection, FADD/FSUB/FMUL/FDIV/FSQRT, FRNDINT,
// FSCALE and FXTRACT (SDM Vol. 1 8.5, Vol. 2 instruction pages).
#include "cpu/float/x87.h"

namespace glasspc::fp {

namespace {

constexpr i32 kBias = 16383;
constexpr i32 kWrap = 24576;  // 3 * 2^13, SDM Vol. 1 8.5.4.1

F80 quiet(F80 v) {
  v.significand |= kF80QuietBit;
  return v;
}

bool is_denormal_class(X87Class c) {
  return c == X87Class::kDenormal || c == X87Class::kPseudoDenormal;
}

}  // namespace

X87Class classify(F80 v) {
  const u16 e = v.exponent();
  const bool j = (v.significand & kF80IntegerBit) != 0;
  if (e == 0) {
    if (v.significand == 0) return X87Class::kZero;
    return j ? X87Class::kPseudoDenormal : X87Class::kDenormal;
  }
  if (!j) return X87Class::kUnsupported;
  if (e == 0x7FFF) {
    const u64 frac = v.significand & ~kF80IntegerBit;
    if (frac == 0) return X87Class::kInfinity;
    return (frac & kF80QuietBit) != 0 ? X87Class::kQNaN : X87Class::kSNaN;
  }
  return X87Class::kNormal;
}

bool is_nan(F80 v) {
  const X87Class c = classify(v);
  return c == X87Class::kQNaN || c == X87Class::kSNaN;
}

Unpacked unpack(F80 v) {
  Unpacked u;
  u.sign = v.sign();
  const i32 e = v.exponent() == 0 ? 1 - kBias : i32{v.exponent()} - kBias;
  u.sig = u128{v.significand} << 64;
  u.exp = e;
  normalize(u);
  return u;
}

F80 pack(const Rounded& r) {
  F80 v;
  const u16 sign = r.sign ? 0x8000 : 0;
  if (r.sig == 0) return F80{0, sign};
  const bool normal = (r.sig & kF80IntegerBit) != 0;
  const i32 field = normal ? r.exp + kBias : 0;
  v.significand = r.sig;
  v.sign_exponent = u16(sign | (field & 0x7FFF));
  return v;
}

F80 x87_finish(const Unpacked& v, int precision, X87Env& env, bool tiny_before_rounding) {
  const Format fmt = format80(precision);
  Rounded r = round_to(v, fmt, env.rounding);
  if (tiny_before_rounding && !r.tiny) {
    Unpacked n = v;
    r.tiny = normalize(n) && n.exp < fmt.emin;
  }
  if (r.overflow) {
    env.raise(flag::kOverflow);
    if (env.masked(flag::kOverflow)) {
      env.raise(flag::kPrecision);
      if (overflow_gives_infinity(v.sign, env.rounding)) {
        env.c1 = true;
        return f80_infinity(v.sign);
      }
      const u64 ones = ~u64{0} << (64 - precision);
      return F80{ones, u16((v.sign ? 0x8000 : 0) | 0x7FFE)};
    }
    r = round_to(v, fmt, env.rounding, true);
    r.exp -= kWrap;
    if (r.exp > fmt.emax) {
      // Even the wrapped exponent does not fit (only FSCALE gets here): infinity is delivered
      // (SDM Vol. 1 8.5.4.1).
      env.raise(flag::kPrecision);
      env.c1 = true;
      return f80_infinity(v.sign);
    }
  } else if (r.tiny) {
    if (env.masked(flag::kUnderflow)) {
      // Masked underflow is reported only together with a loss of accuracy (SDM Vol. 1 4.9.1.5).
      if (r.inexact) env.raise(flag::kUnderflow);
    } else {
      env.raise(flag::kUnderflow);
      r = round_to(v, fmt, env.rounding, true);
      r.exp += kWrap;
      if (r.exp < fmt.emin) {
        // Too small even for the wrapped exponent: a zero of the true sign (SDM Vol. 1 8.5.5.1).
        env.raise(flag::kPrecision);
        return f80_zero(v.sign);
      }
    }
  }
  if (r.inexact) {
    env.raise(flag::kPrecision);
    env.c1 = r.rounded_up;
  }
  return pack(r);
}

F80 x87_invalid(X87Env& env) {
  env.raise(flag::kInvalid);
  return kF80Indefinite;
}

F80 x87_propagate_nan(F80 a, F80 b, X87Env& env) {
  const X87Class ca = classify(a), cb = classify(b);
  const bool na = ca == X87Class::kQNaN || ca == X87Class::kSNaN;
  const bool nb = cb == X87Class::kQNaN || cb == X87Class::kSNaN;
  if (ca == X87Class::kSNaN || cb == X87Class::kSNaN) env.raise(flag::kInvalid);
  if (na && nb) {
    // Same kind: the larger significand wins; an SNaN loses to a QNaN (Table 4-7).
    if (ca != cb) return quiet(ca == X87Class::kQNaN ? a : b);
    const u64 sa = a.significand | kF80QuietBit, sb = b.significand | kF80QuietBit;
    if (sa != sb) return quiet(sa > sb ? a : b);
    return quiet(a.sign() && !b.sign() ? b : a);
  }
  return quiet(na ? a : b);
}

namespace {

enum class Op : u8 { kAdd, kSub, kMul, kDiv };

// The denormal-operand exception (SDM Vol. 1 8.5.2); an unmasked one suppresses the operation.
bool denormal_operand(F80 a, F80 b, X87Env& env, F80& out, bool denormal_source = false) {
  if (!denormal_source && !is_denormal_class(classify(a)) && !is_denormal_class(classify(b))) {
    return false;
  }
  env.raise(flag::kDenormal);
  if (env.masked(flag::kDenormal)) return false;
  out = a;
  return true;
}

// Shared front end: invalid encodings, NaNs and the denormal-operand check, in the priority
// order of SDM Vol. 1 8.7. Returns true when `out` already holds the answer.
bool screen_operands(F80 a, F80 b, X87Env& env, F80& out, bool check_denormal = true,
                     bool denormal_source = false) {
  const X87Class ca = classify(a), cb = classify(b);
  if (ca == X87Class::kUnsupported || cb == X87Class::kUnsupported) {
    out = x87_invalid(env);
    return true;
  }
  if (is_nan(a) || is_nan(b)) {
    out = x87_propagate_nan(a, b, env);
    return true;
  }
  return check_denormal && denormal_operand(a, b, env, out, denormal_source);
}

F80 binary(F80 a, F80 b, Op op, X87Env& env, bool denormal_source) {
  env.begin();
  F80 out;
  // Division by zero outranks the denormal-operand exception (SDM Vol. 1 8.7).
  const bool divide_by_zero = op == Op::kDiv && classify(b) == X87Class::kZero;
  if (screen_operands(a, b, env, out, !divide_by_zero, denormal_source)) return out;
  const X87Class ca = classify(a), cb = classify(b);
  const bool ia = ca == X87Class::kInfinity, ib = cb == X87Class::kInfinity;
  const bool za = ca == X87Class::kZero, zb = cb == X87Class::kZero;
  const int prec = precision_bits(env.precision);
  switch (op) {
    case Op::kAdd:
    case Op::kSub: {
      const bool sb = b.sign() != (op == Op::kSub);
      if (ia && ib) return a.sign() == sb ? a : x87_invalid(env);
      if (ia) return a;
      if (ib) return f80_infinity(sb);
      Unpacked ub = unpack(b);
      ub.sign = sb;
      return x87_finish(exact_add(unpack(a), ub, env.rounding), prec, env);
    }
    case Op::kMul: {
      const bool s = a.sign() != b.sign();
      if ((ia && zb) || (ib && za)) return x87_invalid(env);
      if (ia || ib) return f80_infinity(s);
      return x87_finish(exact_mul(unpack(a), unpack(b)), prec, env);
    }
    case Op::kDiv: {
      const bool s = a.sign() != b.sign();
      if ((ia && ib) || (za && zb)) return x87_invalid(env);
      if (ia) return f80_infinity(s);
      if (ib) return f80_zero(s);
      if (zb) {
        env.raise(flag::kZeroDivide);
        return f80_infinity(s);
      }
      return x87_finish(exact_div(unpack(a), unpack(b)), prec, env);
    }
  }
  return out;
}

}  // namespace

F80 x87_add(F80 a, F80 b, X87Env& env, bool denormal_source) {
  return binary(a, b, Op::kAdd, env, denormal_source);
}
F80 x87_sub(F80 a, F80 b, X87Env& env, bool denormal_source) {
  return binary(a, b, Op::kSub, env, denormal_source);
}
F80 x87_mul(F80 a, F80 b, X87Env& env, bool denormal_source) {
  return binary(a, b, Op::kMul, env, denormal_source);
}
F80 x87_div(F80 a, F80 b, X87Env& env, bool denormal_source) {
  return binary(a, b, Op::kDiv, env, denormal_source);
}

F80 x87_sqrt(F80 a, X87Env& env) {
  env.begin();
  F80 out;
  if (screen_operands(a, a, env, out, false)) return out;
  const X87Class c = classify(a);
  if (c == X87Class::kZero) return a;  // sqrt(-0) = -0 (IEEE 754-2008 5.4.1)
  // The invalid operation outranks the denormal operand (SDM Vol. 1 8.7).
  if (a.sign()) return x87_invalid(env);
  if (denormal_operand(a, a, env, out)) return out;
  if (c == X87Class::kInfinity) return a;
  return x87_finish(exact_sqrt(unpack(a)), precision_bits(env.precision), env);
}

F80 x87_round_to_integer(F80 a, X87Env& env) {
  env.begin();
  F80 out;
  if (screen_operands(a, a, env, out)) return out;
  const X87Class c = classify(a);
  if (c == X87Class::kZero || c == X87Class::kInfinity) return a;
  const Unpacked u = unpack(a);
  if (u.exp >= 63) return a;  // already an integer
  const IntegerRounding r = round_integer(u, env.rounding);
  if (r.inexact) {
    env.raise(flag::kPrecision);
    env.c1 = r.rounded_up;
  }
  if (r.magnitude == 0) return f80_zero(a.sign());
  return pack(round_to(from_integer(a.sign(), r.magnitude), kFormat80, env.rounding));
}

F80 x87_scale(F80 st0, F80 st1, X87Env& env) {
  env.begin();
  F80 out;
  if (screen_operands(st0, st1, env, out)) return out;
  const X87Class c0 = classify(st0), c1 = classify(st1);
  if (c1 == X87Class::kInfinity) {
    // SDM Vol. 2 FSCALE Table 3-31.
    if (!st1.sign()) {
      if (c0 == X87Class::kZero) return x87_invalid(env);
      return f80_infinity(st0.sign());
    }
    if (c0 == X87Class::kInfinity) return x87_invalid(env);
    return f80_zero(st0.sign());
  }
  if (c0 == X87Class::kZero || c0 == X87Class::kInfinity) return st0;
  // trunc(st1), clamped far beyond any reachable exponent so the result still over/underflows.
  const Unpacked u1 = unpack(st1);
  i64 n = 0;
  if (u1.sig != 0 && u1.exp >= 0) {
    n = u1.exp >= 20 ? (i64{1} << 20) : static_cast<i64>(u1.sig >> (127 - u1.exp));
  }
  if (st1.sign()) n = -n;
  // A zero scale returns the operand untouched, even a denormal (no underflow is signalled);
  // a pseudo-denormal comes back in its canonical form with exponent field 1. Any other scale,
  // even one that truncates to 0, goes through the normal rounding path (as hardware does).
  if (c1 == X87Class::kZero) {
    if (c0 != X87Class::kPseudoDenormal) return st0;
    return F80{st0.significand, u16((st0.sign_exponent & 0x8000) | 1)};
  }
  Unpacked u0 = unpack(st0);
  u0.exp = static_cast<i32>(u0.exp + n);
  return x87_finish(u0, 64, env);
}

Extracted x87_extract(F80 a, X87Env& env) {
  env.begin();
  F80 out;
  if (screen_operands(a, a, env, out)) return {out, out};
  const X87Class c = classify(a);
  if (c == X87Class::kZero) {
    // SDM Vol. 2 FXTRACT: a zero source raises #Z and gives an exponent of -infinity.
    env.raise(flag::kZeroDivide);
    return {f80_infinity(true), a};
  }
  if (c == X87Class::kInfinity) return {f80_infinity(false), a};
  const Unpacked u = unpack(a);
  Extracted r;
  r.significand = F80{static_cast<u64>(u.sig >> 64), u16((a.sign() ? 0x8000 : 0) | kBias)};
  r.exponent = u.exp == 0 ? f80_zero(false) : int_to_f80(u.exp);
  return r;
}

F80 int_to_f80(i64 v) {
  if (v == 0) return f80_zero(false);
  const bool neg = v < 0;
  const u64 mag = neg ? 0 - static_cast<u64>(v) : static_cast<u64>(v);
  Rounded r;
  r.sign = neg;
  const Unpacked u = from_integer(neg, mag);
  r.exp = u.exp;
  r.sig = static_cast<u64>(u.sig >> 64);
  return pack(r);
}

}  // namespace glasspc::fp

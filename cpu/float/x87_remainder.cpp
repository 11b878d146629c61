// FPREM and FPREM1: exact partial remainders with the quotient's low bits in C0/C3/C1 and C2
// set while the reduction is incomplete (SDM Vol. 2 FPREM, FPREM1).
#include "cpu/float/x87.h"

namespace glasspc::fp {

namespace {

bool is_denormal_class(X87Class c) {
  return c == X87Class::kDenormal || c == X87Class::kPseudoDenormal;
}

}  // namespace

PartialRemainder x87_partial_remainder(F80 st0, F80 st1, bool ieee, X87Env& env) {
  env.begin();
  PartialRemainder out;
  const X87Class c0 = classify(st0), c1 = classify(st1);
  if (c0 == X87Class::kUnsupported || c1 == X87Class::kUnsupported) {
    out.value = x87_invalid(env);
    return out;
  }
  if (is_nan(st0) || is_nan(st1)) {
    out.value = x87_propagate_nan(st0, st1, env);
    return out;
  }
  if (c0 == X87Class::kInfinity || c1 == X87Class::kZero) {
    out.value = x87_invalid(env);
    return out;
  }
  if (is_denormal_class(c0) || is_denormal_class(c1)) {
    env.raise(flag::kDenormal);
    if (!env.masked(flag::kDenormal)) {
      out.value = st0;
      return out;
    }
  }
  if (c1 == X87Class::kInfinity || c0 == X87Class::kZero) {
    out.value = c0 == X87Class::kZero ? st0 : x87_finish(unpack(st0), 64, env);
    return out;
  }
  const Unpacked a = unpack(st0), b = unpack(st1);
  const u128 divisor = b.sig >> 64;
  const i32 d = a.exp - b.exp;
  // Reduction by at most 63 exponent steps per execution; a larger difference leaves a partial
  // remainder and C2 set (SDM Vol. 2 FPREM: N is between 32 and 63).
  const bool complete = d < 64;
  const i32 steps = complete ? d : 32 + d % 32;
  i32 unit_exp = complete ? b.exp : a.exp - steps;  // exponent of the divisor's scale
  u128 rem = a.sig >> 64;
  u128 q = 0;
  u128 div = divisor;
  if (steps < 0) {
    // |st0| < |st1|: the quotient is 0; work in st0's units, the divisor scaled up.
    unit_exp = a.exp;
    div = steps == -1 ? divisor << 1 : 0;
  } else {
    if (rem >= div) {
      rem -= div;
      q = 1;
    }
    for (i32 i = 0; i < steps; ++i) {
      rem <<= 1;
      q <<= 1;
      if (rem >= div) {
        rem -= div;
        q |= 1;
      }
    }
  }
  bool negate = false;
  if (ieee && complete && div != 0) {
    // Round the quotient to nearest, ties to even (IEEE 754-2008 5.3.1 remainder).
    const u128 twice = rem << 1;
    if (twice > div || (twice == div && (q & 1) != 0)) {
      rem = div - rem;
      ++q;
      negate = true;
    }
  }
  // The quotient bits are reported only when the reduction completes; a partial remainder
  // leaves C0, C1 and C3 clear, as hardware does.
  out.cc.c2 = !complete;
  if (complete) {
    out.cc.c0 = (q & 4) != 0;
    out.cc.c3 = (q & 2) != 0;
    out.cc.c1 = (q & 1) != 0;
  }
  if (rem == 0) {
    out.value = f80_zero(st0.sign());
    return out;
  }
  Unpacked r;
  r.sign = st0.sign() != negate;
  r.sig = rem;
  r.exp = unit_exp - 63 + 127;
  out.value = x87_finish(r, 64, env);
  env.c1 = false;
  return out;
}

}  // namespace glasspc::fp

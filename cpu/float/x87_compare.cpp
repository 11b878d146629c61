// x87 comparisons (FCOM/FUCOM/FCOMI/FUCOMI/FTST) and FXAM (SDM Vol. 2 instruction pages;
// Vol. 1 8.1.3 condition codes).
#include "cpu/float/x87.h"

namespace glasspc::fp {

namespace {

bool is_denormal_class(X87Class c) {
  return c == X87Class::kDenormal || c == X87Class::kPseudoDenormal;
}

// -1, 0, +1 comparing |a| and |b| for non-NaN supported operands.
int compare_magnitude(F80 a, F80 b) {
  const X87Class ca = classify(a), cb = classify(b);
  const bool ia = ca == X87Class::kInfinity, ib = cb == X87Class::kInfinity;
  if (ia || ib) return ia == ib ? 0 : ia ? 1 : -1;
  const Unpacked ua = unpack(a), ub = unpack(b);
  if (ua.sig == 0 || ub.sig == 0) return ua.sig == ub.sig ? 0 : ua.sig == 0 ? -1 : 1;
  if (ua.exp != ub.exp) return ua.exp < ub.exp ? -1 : 1;
  if (ua.sig != ub.sig) return ua.sig < ub.sig ? -1 : 1;
  return 0;
}

}  // namespace

Ordering x87_compare(F80 a, F80 b, bool quiet, X87Env& env, bool denormal_source) {
  env.begin();
  const X87Class ca = classify(a), cb = classify(b);
  if (ca == X87Class::kUnsupported || cb == X87Class::kUnsupported) {
    env.raise(flag::kInvalid);
    return Ordering::kUnordered;
  }
  if (is_nan(a) || is_nan(b)) {
    if (!quiet || ca == X87Class::kSNaN || cb == X87Class::kSNaN) env.raise(flag::kInvalid);
    return Ordering::kUnordered;
  }
  if (denormal_source || is_denormal_class(ca) || is_denormal_class(cb)) {
    env.raise(flag::kDenormal);
  }
  const bool za = ca == X87Class::kZero, zb = cb == X87Class::kZero;
  if (za && zb) return Ordering::kEqual;
  // One zero: the sign of the other operand decides; otherwise different signs decide.
  if (za) return b.sign() ? Ordering::kGreater : Ordering::kLess;
  if (zb) return a.sign() ? Ordering::kLess : Ordering::kGreater;
  if (a.sign() != b.sign()) return a.sign() ? Ordering::kLess : Ordering::kGreater;
  const int m = compare_magnitude(a, b);
  if (m == 0) return Ordering::kEqual;
  const bool a_bigger = m > 0;
  return (a_bigger != a.sign()) ? Ordering::kGreater : Ordering::kLess;
}

ConditionCodes x87_compare_codes(Ordering o) {
  ConditionCodes cc;
  cc.c0 = o == Ordering::kLess || o == Ordering::kUnordered;
  cc.c2 = o == Ordering::kUnordered;
  cc.c3 = o == Ordering::kEqual || o == Ordering::kUnordered;
  return cc;
}

u32 x87_compare_eflags(Ordering o) {
  const ConditionCodes cc = x87_compare_codes(o);
  // FCOMI maps C0 -> CF (bit 0), C2 -> PF (bit 2), C3 -> ZF (bit 6) (SDM Vol. 2 FCOMI).
  return (cc.c0 ? 0x01u : 0u) | (cc.c2 ? 0x04u : 0u) | (cc.c3 ? 0x40u : 0u);
}

ConditionCodes x87_examine(F80 a, bool empty) {
  // SDM Vol. 2 FXAM Table 3-34: C3 C2 C0 class code, C1 = sign.
  ConditionCodes cc;
  cc.c1 = a.sign();
  if (empty) {
    cc.c3 = cc.c0 = true;
    return cc;
  }
  switch (classify(a)) {
    case X87Class::kUnsupported:
      break;
    case X87Class::kQNaN:
    case X87Class::kSNaN:
      cc.c0 = true;
      break;
    case X87Class::kNormal:
      cc.c2 = true;
      break;
    case X87Class::kInfinity:
      cc.c2 = cc.c0 = true;
      break;
    case X87Class::kZero:
      cc.c3 = true;
      break;
    case X87Class::kDenormal:
    case X87Class::kPseudoDenormal:
      cc.c3 = cc.c2 = true;
      break;
  }
  return cc;
}

}  // namespace glasspc::fp

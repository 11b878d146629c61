// SSE lane arithmetic: ADD/SUB/MUL/DIV/SQRT, MIN/MAX, CMP and COMI (SDM Vol. 2 ADDSS..UCOMISD).
#include <type_traits>

#include "cpu/float/sse_lane.h"

namespace glasspc::fp {

namespace {

using namespace sse_lane;

enum class Op : u8 { kAdd, kSub, kMul, kDiv };

template <typename T>
T binary(T a, T b, Op op, SseEnv& env) {
  using Tr = Traits<T>;
  a = apply_daz(a, env);
  b = apply_daz(b, env);
  const IeeeClass ca = classify(a), cb = classify(b);
  if (is_nan(ca) || is_nan(cb)) return propagate_nan(a, b, env);
  // Division by zero outranks the denormal-operand exception (SDM Vol. 1 11.5.2).
  const bool divide_by_zero = op == Op::kDiv && cb == IeeeClass::kZero && !is_nan(ca);
  if ((ca == IeeeClass::kDenormal || cb == IeeeClass::kDenormal) && !divide_by_zero) {
    env.raise(flag::kDenormal);
  }
  const bool ia = ca == IeeeClass::kInfinity, ib = cb == IeeeClass::kInfinity;
  const bool za = ca == IeeeClass::kZero, zb = cb == IeeeClass::kZero;
  const bool sa = sign_of(a), sb0 = sign_of(b);
  const auto invalid = [&] {
    env.raise(flag::kInvalid);
    return Tr::default_nan();
  };
  switch (op) {
    case Op::kAdd:
    case Op::kSub: {
      const bool sb = sb0 != (op == Op::kSub);
      if (ia && ib) return sa == sb ? a : invalid();
      if (ia) return a;
      if (ib) return Tr::infinity(sb);
      Unpacked ub = unpack(b);
      ub.sign = sb;
      return finish<T>(exact_add(unpack(a), ub, env.rounding), env);
    }
    case Op::kMul: {
      if ((ia && zb) || (ib && za)) return invalid();
      if (ia || ib) return Tr::infinity(sa != sb0);
      return finish<T>(exact_mul(unpack(a), unpack(b)), env);
    }
    case Op::kDiv: {
      if ((ia && ib) || (za && zb)) return invalid();
      if (ia) return Tr::infinity(sa != sb0);
      if (ib) return Tr::zero(sa != sb0);
      if (zb) {
        env.raise(flag::kZeroDivide);
        return Tr::infinity(sa != sb0);
      }
      return finish<T>(exact_div(unpack(a), unpack(b)), env);
    }
  }
  return a;
}

template <typename T>
T square_root(T a, SseEnv& env) {
  a = apply_daz(a, env);
  const IeeeClass c = classify(a);
  if (is_nan(c)) return propagate_nan(a, a, env);
  if (c == IeeeClass::kZero) return a;
  if (sign_of(a)) {
    env.raise(flag::kInvalid);
    return Traits<T>::default_nan();
  }
  if (c == IeeeClass::kInfinity) return a;
  if (c == IeeeClass::kDenormal) env.raise(flag::kDenormal);
  return finish<T>(exact_sqrt(unpack(a)), env);
}

// Total order of two non-NaN values (-0 == +0).
template <typename T>
Ordering order(T a, T b) {
  const auto key = [](T v) {
    // Sign-magnitude to a signed key: exact for every non-NaN encoding.
    using S = std::conditional_t<sizeof(T) == 4, i64, __int128>;
    const auto mag = static_cast<S>(v.bits & ~(decltype(v.bits){1} << (sizeof(T) * 8 - 1)));
    return sign_of(v) ? -mag : mag;
  };
  const auto ka = key(a), kb = key(b);
  return ka < kb ? Ordering::kLess : ka > kb ? Ordering::kGreater : Ordering::kEqual;
}

// Screens the operands of a comparison; returns true for unordered.
template <typename T>
bool compare_screen(T& a, T& b, bool signalling, SseEnv& env) {
  a = apply_daz(a, env);
  b = apply_daz(b, env);
  const IeeeClass ca = classify(a), cb = classify(b);
  if (is_nan(ca) || is_nan(cb)) {
    if (signalling || ca == IeeeClass::kSNaN || cb == IeeeClass::kSNaN) {
      env.raise(flag::kInvalid);
    }
    return true;
  }
  if (ca == IeeeClass::kDenormal || cb == IeeeClass::kDenormal) env.raise(flag::kDenormal);
  return false;
}

// MINPS/MAXPS: any NaN, or two zeros, return the second source unchanged; any NaN is invalid
// (SDM Vol. 2 MINPS).
template <typename T>
T min_max(T a, T b, bool is_max, SseEnv& env) {
  // The returned second operand is the one DAZ has already replaced.
  if (compare_screen(a, b, true, env)) return b;
  if (classify(a) == IeeeClass::kZero && classify(b) == IeeeClass::kZero) return b;
  const Ordering o = order(a, b);
  const bool pick_a = is_max ? o == Ordering::kGreater : o == Ordering::kLess;
  return pick_a ? a : b;
}

// Truth table of the 32 predicates: bit 0 LT, bit 1 EQ, bit 2 GT, bit 3 unordered; signalling
// for the low 16 predicates (SDM Vol. 2 CMPPS Table 3-1). Predicates 16-31 repeat 0-15 with
// the signalling/quiet sense inverted.
struct Predicate {
  u8 truth;
  bool signalling;
};
constexpr Predicate kPredicates[16] = {
    {0x2, false}, {0x1, true},  {0x3, true},  {0x8, false}, {0xD, false}, {0xE, true},
    {0xC, true},  {0x7, false}, {0xA, false}, {0x9, true},  {0xB, true},  {0x0, false},
    {0x5, false}, {0x6, true},  {0x4, true},  {0xF, false},
};

template <typename T>
bool compare(T a, T b, u8 imm, SseEnv& env) {
  const Predicate p = kPredicates[imm & 0xF];
  const bool signalling = p.signalling != ((imm & 0x10) != 0);
  if (compare_screen(a, b, signalling, env)) return (p.truth & 0x8) != 0;
  switch (order(a, b)) {
    case Ordering::kLess:
      return (p.truth & 0x1) != 0;
    case Ordering::kEqual:
      return (p.truth & 0x2) != 0;
    default:
      return (p.truth & 0x4) != 0;
  }
}

template <typename T>
u32 compare_eflags(T a, T b, bool quiet, SseEnv& env) {
  if (compare_screen(a, b, !quiet, env)) return 0x45;
  switch (order(a, b)) {
    case Ordering::kLess:
      return 0x01;
    case Ordering::kEqual:
      return 0x40;
    default:
      return 0;
  }
}

}  // namespace

namespace generic {

F32 add(F32 a, F32 b, SseEnv& env) {
  return binary(a, b, Op::kAdd, env);
}
F32 sub(F32 a, F32 b, SseEnv& env) {
  return binary(a, b, Op::kSub, env);
}
F32 mul(F32 a, F32 b, SseEnv& env) {
  return binary(a, b, Op::kMul, env);
}
F32 div(F32 a, F32 b, SseEnv& env) {
  return binary(a, b, Op::kDiv, env);
}
F32 sqrt(F32 a, SseEnv& env) {
  return square_root(a, env);
}
F64 add(F64 a, F64 b, SseEnv& env) {
  return binary(a, b, Op::kAdd, env);
}
F64 sub(F64 a, F64 b, SseEnv& env) {
  return binary(a, b, Op::kSub, env);
}
F64 mul(F64 a, F64 b, SseEnv& env) {
  return binary(a, b, Op::kMul, env);
}
F64 div(F64 a, F64 b, SseEnv& env) {
  return binary(a, b, Op::kDiv, env);
}
F64 sqrt(F64 a, SseEnv& env) {
  return square_root(a, env);
}

}  // namespace generic

F32 sse_min(F32 a, F32 b, SseEnv& env) {
  return min_max(a, b, false, env);
}
F32 sse_max(F32 a, F32 b, SseEnv& env) {
  return min_max(a, b, true, env);
}
F64 sse_min(F64 a, F64 b, SseEnv& env) {
  return min_max(a, b, false, env);
}
F64 sse_max(F64 a, F64 b, SseEnv& env) {
  return min_max(a, b, true, env);
}

bool sse_compare(F32 a, F32 b, u8 imm, SseEnv& env) {
  return compare(a, b, imm, env);
}
bool sse_compare(F64 a, F64 b, u8 imm, SseEnv& env) {
  return compare(a, b, imm, env);
}
u32 sse_compare_eflags(F32 a, F32 b, bool quiet, SseEnv& env) {
  return compare_eflags(a, b, quiet, env);
}
u32 sse_compare_eflags(F64 a, F64 b, bool quiet, SseEnv& env) {
  return compare_eflags(a, b, quiet, env);
}

}  // namespace glasspc::fp

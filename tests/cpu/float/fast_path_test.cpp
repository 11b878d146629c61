// The binary32/binary64 fast path of SSE ADD/SUB/MUL/DIV/SQRT (cpu/float/sse_fast.h) against the
// generic path (fp::generic, sse_arith.cpp): results, sticky flags and raised flags must be
// identical for every operand, under every rounding mode, FTZ/DAZ and exception mask setting.
// Operands are seeded and weighted towards where a shortcut would go wrong: the ends of the
// normal range (results rounding to the smallest normal or to the largest finite value, or just
// past them), exact results, halfway cases, cancellation, and the special values the fast path
// must hand over (zero, denormal, infinity, QNaN/SNaN).
#include <catch2/catch.hpp>

#include "cpu/float/sse.h"
#include "tests/cpu/float/diff_support.h"

namespace glasspc::fp {
namespace {

// SplitMix64: small, fast and good enough for operand selection.
class Rng {
 public:
  explicit Rng(u64 seed) : m_state(seed) {}
  u64 next() {
    u64 z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  u32 below(u32 n) { return static_cast<u32>((next() >> 32) * n >> 32); }

 private:
  u64 m_state;
};

template <typename T>
struct Fmt;
template <>
struct Fmt<F32> {
  static constexpr int kFrac = 23;
  static constexpr u64 kExpMax = 0xFF;
  static constexpr int kBias = 127;
};
template <>
struct Fmt<F64> {
  static constexpr int kFrac = 52;
  static constexpr u64 kExpMax = 0x7FF;
  static constexpr int kBias = 1023;
};

template <typename T>
T make(bool sign, u64 exp, u64 frac) {
  using L = Fmt<T>;
  const u64 bits = (u64{sign} << (L::kFrac + (sizeof(T) == 4 ? 8 : 11))) |
                   ((exp & L::kExpMax) << L::kFrac) | (frac & ((u64{1} << L::kFrac) - 1));
  return T{static_cast<decltype(T{}.bits)>(bits)};
}

template <typename T>
u64 exp_of(T v) {
  return (u64{v.bits} >> Fmt<T>::kFrac) & Fmt<T>::kExpMax;
}

// A fraction likely to give exact results, halfway cases or long carries.
template <typename T>
u64 fraction(Rng& g) {
  constexpr int kF = Fmt<T>::kFrac;
  const u64 r = g.next();
  switch (g.below(8)) {
    case 0:
      return 0;
    case 1:
      return ~u64{0};
    case 2:
      return r & (~u64{0} << (kF - g.below(8)));  // few significant bits: exact products
    case 3:
      return r | ((u64{1} << g.below(kF)) - 1);  // trailing ones
    case 4:
      return r & (~u64{0} << g.below(kF));  // trailing zeros
    case 5:
      return u64{1} << g.below(kF);
    default:
      return r;
  }
}

// An exponent field: mostly moderate, often at either end of the normal range.
template <typename T>
u64 exponent(Rng& g) {
  constexpr u64 kMax = Fmt<T>::kExpMax;
  switch (g.below(8)) {
    case 0:
      return 1 + g.below(4);  // smallest normals
    case 1:
      return kMax - 1 - g.below(4);  // largest finite
    case 2:
      return g.below(static_cast<u32>(kMax + 1));  // anything, zero/denormal/inf/NaN included
    default:
      return Fmt<T>::kBias - 40 + g.below(80);
  }
}

template <typename T>
T special(Rng& g) {
  constexpr u64 kMax = Fmt<T>::kExpMax;
  constexpr u64 kQuiet = u64{1} << (Fmt<T>::kFrac - 1);
  const bool s = (g.next() & 1) != 0;
  switch (g.below(6)) {
    case 0:
      return make<T>(s, 0, 0);
    case 1:
      return make<T>(s, 0, g.next() >> g.below(64) | 1);  // denormal
    case 2:
      return make<T>(s, kMax, 0);
    case 3:
      return make<T>(s, kMax, kQuiet | g.next());  // QNaN with payload
    case 4:
      return make<T>(s, kMax, ((g.next() >> 12) & (kQuiet - 1)) | 1);  // SNaN
    default:
      return make<T>(s, 1, 0);  // smallest normal
  }
}

template <typename T>
T value(Rng& g) {
  if (g.below(32) == 0) return special<T>(g);
  return make<T>((g.next() & 1) != 0, exponent<T>(g), fraction<T>(g));
}

enum class Op { kAdd, kSub, kMul, kDiv, kSqrt };

// A second operand related to the first so that the interesting results come up often.
template <typename T>
T partner(Rng& g, T a, Op op) {
  constexpr int kF = Fmt<T>::kFrac;
  constexpr i64 kBias = Fmt<T>::kBias;
  const i64 ea = static_cast<i64>(exp_of(a));
  const bool s = (g.next() & 1) != 0;
  const auto field = [](i64 e) { return static_cast<u64>(e < 0 ? 0 : e); };
  switch (g.below(6)) {
    case 0:
      return value<T>(g);
    case 1:
      if (op == Op::kAdd || op == Op::kSub) {
        // Close exponents (cancellation), or one just below the last kept bit (halfway cases
        // and sticky-only alignments).
        const i64 d = g.below(2) ? g.below(4) : kF - 2 + g.below(6);
        return make<T>(s, field(ea - d), fraction<T>(g));
      }
      if (op == Op::kMul) {
        // Product near the smallest normal or the largest finite value.
        const i64 target = g.below(2) ? 1 : static_cast<i64>(Fmt<T>::kExpMax) - 1;
        return make<T>(s, field(target - ea + kBias + 1 - g.below(3)), fraction<T>(g));
      }
      if (op == Op::kDiv) {
        const i64 target = g.below(2) ? 1 : static_cast<i64>(Fmt<T>::kExpMax) - 1;
        return make<T>(s, field(ea - target + kBias - 1 + g.below(3)), fraction<T>(g));
      }
      return value<T>(g);
    case 2: {
      // The same magnitude with a nearby significand: exact zeros, massive cancellation,
      // quotients of exactly 1.
      using Bits = decltype(a.bits);
      const Bits nudge = static_cast<Bits>(static_cast<i64>(g.below(5)) - 2);  // -2..2
      return T{static_cast<Bits>((a.bits ^ (s ? fast::kSignBit<T> : 0)) + nudge)};
    }
    default:
      return make<T>(s, exponent<T>(g), fraction<T>(g));
  }
}

SseEnv random_env(Rng& g, Rounding rc) {
  SseEnv env;
  env.rounding = rc;
  env.flush_to_zero = g.below(4) == 0;
  env.denormals_are_zero = g.below(4) == 0;
  env.masks = g.below(2) ? flag::kAll : static_cast<u8>(g.next() & flag::kAll);
  env.flags = static_cast<u8>(g.next() & flag::kAll);
  env.begin();
  return env;
}

// Runs `cases` operand pairs of `op` per rounding mode; returns how many took the fast path.
template <typename T>
long compare_paths(Op op, long cases, u64 seed) {
  Rng g(seed);
  long fast_hits = 0;
  long mismatches = 0;
  for (int rc = 0; rc < 4; ++rc) {
    for (long n = 0; n < cases; ++n) {
      const T a = value<T>(g);
      const T b = partner<T>(g, a, op);
      SseEnv fast_env = random_env(g, static_cast<Rounding>(rc));
      SseEnv gen_env = fast_env;
      T got{}, want{};
      T probe{};
      bool inexact = false;
      bool hit = false;
      switch (op) {
        case Op::kAdd:
          got = sse_add(a, b, fast_env);
          want = generic::add(a, b, gen_env);
          hit = fast::add(a, b, fast_env.rounding, probe, inexact);
          break;
        case Op::kSub:
          got = sse_sub(a, b, fast_env);
          want = generic::sub(a, b, gen_env);
          hit = fast::sub(a, b, fast_env.rounding, probe, inexact);
          break;
        case Op::kMul:
          got = sse_mul(a, b, fast_env);
          want = generic::mul(a, b, gen_env);
          hit = fast::mul(a, b, fast_env.rounding, probe, inexact);
          break;
        case Op::kDiv:
          got = sse_div(a, b, fast_env);
          want = generic::div(a, b, gen_env);
          hit = fast::div(a, b, fast_env.rounding, probe, inexact);
          break;
        case Op::kSqrt:
          got = sse_sqrt(a, fast_env);
          want = generic::sqrt(a, gen_env);
          hit = fast::sqrt(a, fast_env.rounding, probe, inexact);
          break;
      }
      fast_hits += hit ? 1 : 0;
      if (got == want && fast_env.flags == gen_env.flags && fast_env.raised == gen_env.raised) {
        continue;
      }
      // Report the first few in full; the count says how widespread a difference is.
      if (++mismatches <= 5) {
        INFO("op " << int(op) << " rc " << rc << " a " << std::hex << u64{a.bits} << " b "
                   << u64{b.bits} << " mxcsr " << fast_env.mxcsr() << " fast " << u64{got.bits}
                   << " generic " << u64{want.bits} << " raised " << int(fast_env.raised) << "/"
                   << int(gen_env.raised) << " fast path " << hit);
        CHECK(false);
      }
    }
  }
  CHECK(mismatches == 0);
  return fast_hits;
}

template <typename T>
void compare_all(long cases, u64 seed) {
  const long total = 4 * cases;
  for (Op op : {Op::kAdd, Op::kSub, Op::kMul, Op::kDiv, Op::kSqrt}) {
    const long hits = compare_paths<T>(op, cases, seed + static_cast<u64>(op));
    INFO("op " << int(op) << ": " << hits << " of " << total << " on the fast path");
    // The generator must exercise both paths.
    CHECK(hits > total / 4);
    CHECK(hits < total - total / 50);
  }
}

TEST_CASE("binary64 fast path equals the generic path", "[float][float-fast]") {
  compare_all<F64>(test::scaled(1000000), 0x6661737436340000ull);
}

TEST_CASE("binary32 fast path equals the generic path", "[float][float-fast]") {
  compare_all<F32>(test::scaled(400000), 0x6661737433320000ull);
}

// Hand-picked boundaries: the fast path declines them or gets them right, and either way the
// bits and flags are those of the generic path (checked above); here the decision itself.
TEST_CASE("fast path hands over tiny, overflowing and cancelling results", "[float][float-fast]") {
  F64 r;
  bool inexact = false;
  const F64 min_normal{0x0010000000000000ull}, max{0x7FEFFFFFFFFFFFFFull};
  const F64 one{0x3FF0000000000000ull}, half{0x3FE0000000000000ull};
  const F64 one_plus{0x3FF0000000000001ull};
  CHECK(fast::mul(min_normal, one, Rounding::kNearest, r, inexact));
  CHECK(r == min_normal);
  CHECK_FALSE(fast::mul(min_normal, half, Rounding::kNearest, r, inexact));  // exact denormal
  CHECK_FALSE(fast::add(max, max, Rounding::kZero, r, inexact));             // overflow
  CHECK_FALSE(fast::sub(one, one, Rounding::kDown, r, inexact));             // exact zero
  // max + half an ulp of max rounds to infinity only when rounding up or to nearest (even).
  const F64 half_ulp_max{0x7C90000000000000ull};  // 2^970
  CHECK_FALSE(fast::add(max, half_ulp_max, Rounding::kNearest, r, inexact));
  CHECK(fast::add(max, half_ulp_max, Rounding::kZero, r, inexact));
  CHECK((r == max && inexact));
  // (1 + 2^-52)^2 = 1 + 2^-51 + 2^-104: inexact, rounds down to nearest.
  CHECK(fast::mul(one_plus, one_plus, Rounding::kNearest, r, inexact));
  CHECK((r == F64{0x3FF0000000000002ull} && inexact));
  CHECK(fast::sqrt(F64{0x4010000000000000ull}, Rounding::kNearest, r, inexact));  // sqrt(4)
  CHECK((r == F64{0x4000000000000000ull} && !inexact));
}

// CVTDQ2PD/CVTSI2SD build the binary64 encoding of an int32 directly; the generic integer
// conversion (through the 64-bit path, exact for this range) is the reference.
TEST_CASE("int32 to binary64 equals the generic conversion", "[float][float-fast]") {
  Rng g(0x6933326636340000ull);
  const auto check = [](i32 v) {
    SseEnv env;
    const F64 want = sse_i64_to_f64(v, env);
    if (sse_i32_to_f64(v) != want || env.flags != 0) {
      INFO(v);
      CHECK(sse_i32_to_f64(v) == want);
      CHECK(env.flags == 0);
    }
  };
  for (i32 v : {0, 1, -1, 2, -2, 3, 0x7FFFFFFF, -0x7FFFFFFF - 1, 0x40000000, -0x40000000}) {
    check(v);
  }
  for (int n = 0; n < 200000; ++n) {
    const u32 bits = static_cast<u32>(g.next());
    check(static_cast<i32>(bits >> g.below(32)));
    check(static_cast<i32>(bits));
  }
}

// The integer square root of the fast path against isqrt128 of the generic path, near the ends
// of its range and at perfect squares and their neighbours, where an approximation that is off
// by one shows.
TEST_CASE("fast square root of the significand is exact", "[float][float-fast]") {
  Rng g(0x7371727400000000ull);
  const auto check = [](u128 n) {
    u128 rem = 0;
    const u64 want = static_cast<u64>(isqrt128(n, rem));
    bool exact = false;
    const u64 got = fast::sqrt_top(n, exact);
    if (got != want || exact != (rem == 0)) {
      INFO(std::hex << static_cast<u64>(n >> 64) << ":" << static_cast<u64>(n));
      CHECK(got == want);
      CHECK(exact == (rem == 0));
    }
  };
  check(u128{1} << 126);
  check(~u128{0});
  check((u128{1} << 127) - 1);
  check(u128{1} << 127);
  for (int k = 0; k < test::scaled(1000000); ++k) {
    const u64 r = g.next() | (u64{1} << 63);
    const u128 sq = u128{r} * r;
    check(sq);
    check(sq - 1);
    if (r != ~u64{0}) check(sq + 1);
    const u128 any = (u128{g.next()} << 64) | g.next();
    check(any | (u128{1} << 127));
    check((any >> 1) | (u128{1} << 126));
  }
}

}  // namespace
}  // namespace glasspc::fp

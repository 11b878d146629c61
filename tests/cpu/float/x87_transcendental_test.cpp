// Transcendental instructions against the host x87: results within 1 ulp (the architectural
// accuracy bound, SDM Vol. 1 8.3.10), identical flags and C2, and a report of how often the
// result is bit-identical to the host's.
#include <catch2/catch.hpp>

#include "cpu/float/x87.h"
#include "tests/cpu/float/diff_support.h"
#include "tests/cpu/float/host_x87.h"
#include "tests/cpu/float/operand_gen.h"

namespace glasspc::fp::test {
namespace {

// Distance in units in the last place between two supported values of the same sign; a huge
// number when signs or kinds differ.
u64 ulp_distance(F80 a, F80 b) {
  if (a == b) return 0;
  if (a.sign() != b.sign()) {
    // +0 and -0 are one zero; a tiny value of either sign next to zero counts by magnitude.
    if ((a.significand == 0 && a.exponent() == 0) || (b.significand == 0 && b.exponent() == 0)) {
      return ulp_distance(F80{a.significand, a.exponent()}, F80{b.significand, b.exponent()});
    }
    return ~u64{0};
  }
  if (a.exponent() == 0x7FFF || b.exponent() == 0x7FFF) return ~u64{0};
  // Consecutive magnitudes have consecutive keys: exponent * 2^63 + fraction (denormals and
  // zero share exponent 1's scale).
  const auto key = [](F80 v) {
    const u128 e = v.exponent() == 0 ? 1 : v.exponent();
    const u128 frac = v.exponent() == 0 ? v.significand : v.significand & ~kF80IntegerBit;
    return (e << 63) + frac - (v.exponent() == 0 ? (u128{1} << 63) : 0);
  };
  const u128 ka = key(a), kb = key(b);
  const u128 d = ka > kb ? ka - kb : kb - ka;
  return d > 1000 ? ~u64{0} : static_cast<u64>(d);
}

#if defined(__x86_64__)

struct Accuracy {
  u64 cases = 0, exact = 0, within = 0, worse = 0, flag_mismatch = 0, c2_mismatch = 0;
};

// Runs one transcendental with operands from `make` and checks the 1-ulp bound.
template <typename Make, typename HostFn, typename SoftFn>
Accuracy accuracy(const char* name, int n, u64 seed, bool two, Make make, HostFn host,
                  SoftFn soft) {
  OperandGen gen(seed);
  Accuracy acc;
  int printed = 0;
  for (long i = 0; i < scaled(n); ++i) {
    const Rounding rc = static_cast<Rounding>(gen.below(4));
    const u16 cw = control_word(rc, Precision::k64);
    F80 a, b;
    make(gen, a, b);
    const HostX87 h = host(a, b, cw);
    X87Env env;
    env.rounding = rc;
    F80 r0, r1;
    bool c2 = false;
    soft(a, b, env, r0, r1, c2);
    ++acc.cases;
    const u64 d = std::max(ulp_distance(r0, h.st0), two ? ulp_distance(r1, h.st1) : 0);
    if (d == 0)
      ++acc.exact;
    else if (d <= 1)
      ++acc.within;
    else
      ++acc.worse;
    // Flags are compared exactly for identical results. When the results differ by an ulp the
    // host's own approximation rounded differently, and the rounding-derived flags (UE, PE) may
    // differ with it; the others (IE, DE, ZE, OE) must still agree. C1 is not compared.
    const u8 ignored = d == 0 ? 0 : flag::kUnderflow | flag::kPrecision;
    const u8 soft_flags = env.raised & ~ignored;
    const u8 host_flags = h.sw & flag::kAll & ~ignored;
    if (soft_flags != host_flags) ++acc.flag_mismatch;
    if (c2 != ((h.sw & kSwC2) != 0)) ++acc.c2_mismatch;
    if ((d > 1 || soft_flags != host_flags || c2 != ((h.sw & kSwC2) != 0)) && printed++ < 6) {
      std::fprintf(stderr, "[%s] a=%s b=%s rc=%d soft=%s,%s flags=%02x host=%s,%s sw=%04x\n", name,
                   hex(a).c_str(), hex(b).c_str(), int(rc), hex(r0).c_str(), hex(r1).c_str(),
                   env.raised, hex(h.st0).c_str(), hex(h.st1).c_str(), h.sw);
    }
  }
  std::fprintf(stderr, "%-8s %llu cases: %.2f%% bit-identical, %llu within 1 ulp, %llu worse\n",
               name, static_cast<unsigned long long>(acc.cases), 100.0 * acc.exact / acc.cases,
               static_cast<unsigned long long>(acc.within),
               static_cast<unsigned long long>(acc.worse));
  return acc;
}

void require_good(const Accuracy& acc) {
  CHECK(acc.worse == 0);
  CHECK(acc.flag_mismatch == 0);
  CHECK(acc.c2_mismatch == 0);
  // Not a correctness criterion, but a regression alarm: nearly all results are identical.
  CHECK(acc.exact * 100 >= acc.cases * 85);
}

void trig_operand(OperandGen& gen, F80& a, F80&) {
  const u32 k = gen.below(20);
  if (k == 0)
    a = gen.f80();
  else if (k == 1)
    a = gen.f80_finite(63, 70);  // out of range: C2
  else if (k < 6)
    a = gen.f80_finite(-70, 0);
  else
    a = gen.f80_finite(-2, 62);
}

TEST_CASE("FSIN, FCOS are within 1 ulp of the host with the same flags and C2",
          "[x87][transcendental]") {
  const auto sin_soft = [](F80 a, F80, X87Env& e, F80& r0, F80&, bool& c2) {
    const TrigResult t = x87_sin(a, e);
    r0 = t.value;
    c2 = t.out_of_range;
  };
  const auto cos_soft = [](F80 a, F80, X87Env& e, F80& r0, F80&, bool& c2) {
    const TrigResult t = x87_cos(a, e);
    r0 = t.value;
    c2 = t.out_of_range;
  };
  require_good(accuracy(
      "fsin", 30000, 31, false, trig_operand, [](F80 a, F80, u16 cw) { return host_fsin(a, cw); },
      sin_soft));
  require_good(accuracy(
      "fcos", 30000, 32, false, trig_operand, [](F80 a, F80, u16 cw) { return host_fcos(a, cw); },
      cos_soft));
}

TEST_CASE("FSINCOS and FPTAN are within 1 ulp of the host", "[x87][transcendental]") {
  require_good(accuracy(
      "fsincos", 20000, 33, true, trig_operand,
      [](F80 a, F80, u16 cw) { return host_fsincos(a, cw); },
      [](F80 a, F80, X87Env& e, F80& r0, F80& r1, bool& c2) {
        const SinCos s = x87_sincos(a, e);
        c2 = s.out_of_range;
        r0 = c2 ? a : s.cos;
        r1 = c2 ? F80{kF80QuietBit | kF80IntegerBit, 0xFFFF} : s.sin;
        if (c2) r1 = kF80Indefinite;  // the stack below held nothing
      }));
  require_good(accuracy(
      "fptan", 20000, 34, true, trig_operand, [](F80 a, F80, u16 cw) { return host_fptan(a, cw); },
      [](F80 a, F80, X87Env& e, F80& r0, F80& r1, bool& c2) {
        const TanResult t = x87_tan(a, e);
        c2 = t.out_of_range;
        r0 = c2 ? a : t.pushed;
        r1 = c2 ? kF80Indefinite : t.tan;
      }));
}

TEST_CASE("FPATAN is within 1 ulp of the host", "[x87][transcendental]") {
  require_good(accuracy(
      "fpatan", 30000, 35, false,
      [](OperandGen& gen, F80& a, F80& b) {
        a = gen.below(10) == 0 ? gen.f80() : gen.f80_finite(-40, 40);
        b = gen.below(10) == 0 ? gen.f80() : gen.f80_finite(-40, 40);
      },
      [](F80 a, F80 b, u16 cw) { return host_fpatan(a, b, cw); },
      [](F80 a, F80 b, X87Env& e, F80& r0, F80&, bool&) { r0 = x87_atan2(b, a, e); }));
}

TEST_CASE("F2XM1 is within 1 ulp of the host on [-1, 1]", "[x87][transcendental]") {
  require_good(accuracy(
      "f2xm1", 30000, 36, false,
      [](OperandGen& gen, F80& a, F80&) {
        const u32 k = gen.below(20);
        if (k == 0) {
          a = gen.f80();
          if (a.exponent() >= 0x3FFF && a.exponent() != 0x7FFF)
            a = F80{kF80IntegerBit, u16((a.sign_exponent & 0x8000) | 0x3FFF)};
        } else {
          a = gen.f80_finite(-70, -1);
        }
      },
      [](F80 a, F80, u16 cw) { return host_f2xm1(a, cw); },
      [](F80 a, F80, X87Env& e, F80& r0, F80&, bool&) { r0 = x87_exp2m1(a, e); }));
}

TEST_CASE("FYL2X and FYL2XP1 are within 1 ulp of the host", "[x87][transcendental]") {
  require_good(accuracy(
      "fyl2x", 30000, 37, false,
      [](OperandGen& gen, F80& a, F80& b) {
        a = gen.below(10) == 0 ? gen.f80() : gen.f80_finite(-300, 300);
        if (gen.below(8) != 0) a.sign_exponent &= 0x7FFF;
        b = gen.below(10) == 0 ? gen.f80() : gen.f80_finite(-20, 20);
      },
      [](F80 a, F80 b, u16 cw) { return host_fyl2x(a, b, cw); },
      [](F80 a, F80 b, X87Env& e, F80& r0, F80&, bool&) { r0 = x87_ylog2x(b, a, e); }));
  require_good(accuracy(
      "fyl2xp1", 30000, 38, false,
      [](OperandGen& gen, F80& a, F80& b) {
        a = gen.below(10) == 0 ? gen.f80() : gen.f80_finite(-70, -3);
        if (a.exponent() >= 0x3FFF - 2 && a.exponent() != 0x7FFF)
          a.sign_exponent = u16((a.sign_exponent & 0x8000) | (0x3FFF - 3));
        b = gen.below(10) == 0 ? gen.f80() : gen.f80_finite(-20, 20);
      },
      [](F80 a, F80 b, u16 cw) { return host_fyl2xp1(a, b, cw); },
      [](F80 a, F80 b, X87Env& e, F80& r0, F80&, bool&) { r0 = x87_ylog2xp1(b, a, e); }));
}

#else

TEST_CASE("x87 transcendental comparisons need an x86-64 host", "[x87][transcendental]") {
  WARN("skipped: the host has no x87 unit to compare against");
}

#endif

TEST_CASE("ulp distance counts neighbours across a binade", "[x87][transcendental]") {
  CHECK(ulp_distance(F80{~u64{0}, 0x3FFF}, F80{kF80IntegerBit, 0x4000}) == 1);
  CHECK(ulp_distance(F80{kF80IntegerBit, 0x3FFF}, F80{kF80IntegerBit + 1, 0x3FFF}) == 1);
  CHECK(ulp_distance(F80{kF80IntegerBit, 0x3FFF}, F80{kF80IntegerBit, 0xBFFF}) == ~u64{0});
}

}  // namespace
}  // namespace glasspc::fp::test

// Shared machinery of the SIMD tests: edge-weighted random operands, a mismatch report, and (on
// x86-64 hosts) conversions to the host's registers so that the host CPU serves as the oracle.
#pragma once

#include <catch2/catch.hpp>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "cpu/simd/simd.h"

// GLASSPC_SIMD_NO_ORACLE builds only the host-independent checks, as on a non-x86 host.
#if defined(__x86_64__) && !defined(GLASSPC_SIMD_NO_ORACLE)
#include <immintrin.h>
#define GLASSPC_SIMD_ORACLE 1
// Oracle functions are compiled for the instruction sets they exercise; the rest of the test
// binary stays baseline x86-64 so that it runs (and skips) on older hosts.
#define GLASSPC_HOST_TARGET __attribute__((target("sse4.2,popcnt,aes,pclmul,ssse3")))
#endif

namespace glasspc::simd::test {

// Cases per operation for the random differential tests.
constexpr int kCases = 12000;

// Edge-weighted random operands. Seeded from the operation's name so that every run (and every
// failure report) is reproducible.
class Operands {
 public:
  explicit Operands(std::string_view name) : m_rng(seed_for(name)) {}

  u64 bits() { return m_rng(); }
  unsigned below(unsigned n) { return static_cast<unsigned>(m_rng() % n); }

  // One T-sized lane: zero, one, all ones, signed min/max and their neighbours, or random.
  template <typename T>
  u64 lane() {
    using U = std::make_unsigned_t<T>;
    constexpr U kAll = static_cast<U>(~U{0});
    constexpr U kTop = static_cast<U>(kAll ^ (kAll >> 1));
    switch (below(12)) {
      case 0:
        return 0;
      case 1:
        return 1;
      case 2:
        return kAll;
      case 3:
        return kTop;  // 0x80..
      case 4:
        return static_cast<U>(kTop - 1);  // 0x7F..
      case 5:
        return static_cast<U>(kTop + 1);  // 0x80..01
      case 6:
        return static_cast<U>(kAll - 1);  // 0xFF..FE
      case 7:
        return static_cast<U>(below(256));  // small positive, byte boundaries
      case 8:
        return static_cast<U>(kAll - below(256));  // small negative
      default:
        return static_cast<U>(m_rng());
    }
  }

  template <typename T>
  u64 lanes() {
    u64 v = 0;
    for (unsigned s = 0; s < 64; s += 8 * sizeof(T)) v |= lane<T>() << s;
    return v;
  }

  u64 qword() {
    switch (below(6)) {
      case 0:
        return lanes<u8>();
      case 1:
        return lanes<u16>();
      case 2:
        return lanes<u32>();
      case 3:
        return lanes<u64>();
      default:
        return m_rng();
    }
  }

  // A register value: each half edge-weighted at a random lane width, sometimes both halves alike.
  Vec128 vec() {
    const u64 lo = qword();
    return {lo, below(8) == 0 ? lo : qword()};
  }
  u64 mmx() { return qword(); }

  // Shift counts: mostly 0..70, sometimes counts whose low bits are small but whose high bits are
  // set (the instructions compare the whole 64-bit count).
  u64 shift_count() {
    switch (below(8)) {
      case 0:
        return (u64{1} << (32 + below(32))) | below(16);
      case 1:
        return m_rng();
      default:
        return below(71);
    }
  }

  // String operands: a small alphabet so that matches are frequent, with embedded zero elements.
  Vec128 text() {
    static constexpr u8 kAlphabet[] = {'a', 'b', 'c', 'z', 'A', 0x01, 0x7F, 0x80, 0xFF, 0x00};
    Vec128 v;
    const bool no_nulls = below(3) == 0;
    for (unsigned i = 0; i < 16; ++i) {
      u8 c = kAlphabet[below(no_nulls ? 9 : 10)];
      if (below(6) == 0) c = static_cast<u8>(m_rng());
      if (no_nulls && c == 0) c = 'q';
      v.set_byte(i, c);
    }
    return v;
  }

  // Explicit lengths: -20..20 mostly, with the 32-bit extremes.
  i32 length() {
    switch (below(16)) {
      case 0:
        return std::numeric_limits<i32>::min();
      case 1:
        return std::numeric_limits<i32>::max();
      case 2:
        return static_cast<i32>(m_rng());
      default:
        return static_cast<i32>(below(41)) - 20;
    }
  }

 private:
  static u64 seed_for(std::string_view name) {
    u64 h = 0xcbf29ce484222325ull;  // FNV-1a
    for (const char c : name) h = (h ^ static_cast<u8>(c)) * 0x100000001b3ull;
    return h;
  }

  std::mt19937_64 m_rng;
};

inline std::string hex(u64 v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}
inline std::string hex(Vec128 v) {
  return hex(v.hi) + ":" + hex(v.lo);
}
inline std::string hex(u32 v) {
  return hex(u64{v});
}

// Counts mismatches of one operation and keeps the first few descriptions for the failure message.
class Report {
 public:
  explicit Report(std::string_view op) : m_op(op) {}

  template <typename R>
  void expect(const R& got, const R& want, const std::string& inputs) {
    ++m_cases;
    if (got == want) return;
    if (m_failures++ < 4) {
      m_text += m_op + "(" + inputs + "): got " + hex(got) + ", host " + hex(want) + "\n";
    }
  }

  // Ends the operation's check: fails the test case with the recorded examples.
  void finish() const {
    INFO(m_text);
    INFO(m_op << ": " << m_failures << " of " << m_cases << " cases differ");
    CHECK(m_failures == 0);
  }

 private:
  std::string m_op;
  std::string m_text;
  int m_cases = 0;
  int m_failures = 0;
};

}  // namespace glasspc::simd::test

template <>
struct Catch::StringMaker<glasspc::simd::Vec128> {
  static std::string convert(const glasspc::simd::Vec128& v) { return glasspc::simd::test::hex(v); }
};

namespace glasspc::simd::test {

#if defined(GLASSPC_SIMD_ORACLE)

// True when the host implements every extension the oracles use; otherwise the test case says so
// and skips its differential part.
inline bool host_has_oracle() {
  __builtin_cpu_init();
  const bool ok = __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1") &&
                  __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt") &&
                  __builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul");
  if (!ok) WARN("host CPU lacks SSSE3/SSE4.2/POPCNT/AES/PCLMUL: differential checks skipped");
  return ok;
}

inline __m128i to_host(Vec128 v) {
  return _mm_set_epi64x(static_cast<long long>(v.hi), static_cast<long long>(v.lo));
}
inline Vec128 from_host(__m128i v) {
  alignas(16) u64 q[2];
  _mm_store_si128(reinterpret_cast<__m128i*>(q), v);
  return {q[0], q[1]};
}

// Calls f(std::integral_constant<int, imm>) so that an intrinsic or asm immediate gets `imm` as a
// compile-time constant: one instantiation per value in [0, N).
template <int N = 256, typename F>
auto with_imm(int imm, F&& f) {
  return [&]<int... I>(std::integer_sequence<int, I...>) {
    using R = decltype(f(std::integral_constant<int, 0>{}));
    R r{};
    (void)((imm == I ? (r = f(std::integral_constant<int, I>{}), true) : false) || ...);
    return r;
  }
  (std::make_integer_sequence<int, N>{});
}

// Host oracles as lambdas compiled for the oracle's instruction sets. In HOST_VVI/HOST_VI the
// expression sees the immediate as the constant kImm.
#define HOST_VV(expr) [](__m128i a, __m128i b) GLASSPC_HOST_TARGET { return (expr); }
#define HOST_V(expr) [](__m128i a) GLASSPC_HOST_TARGET { return (expr); }
#define HOST_VVI(expr)                                                \
  [](__m128i a, __m128i b, int imm) GLASSPC_HOST_TARGET {             \
    return with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET { \
      constexpr int kImm = decltype(imm_constant)::value;             \
      return (expr);                                                  \
    });                                                               \
  }
#define HOST_VI(expr)                                                 \
  [](__m128i a, int imm) GLASSPC_HOST_TARGET {                        \
    return with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET { \
      constexpr int kImm = decltype(imm_constant)::value;             \
      return (expr);                                                  \
    });                                                               \
  }

// Binary register operation: random pairs of operands.
template <typename Lib, typename Host>
void diff_vv(std::string_view name, Lib lib, Host host) {
  Operands gen(name);
  Report report(name);
  for (int i = 0; i < kCases; ++i) {
    const Vec128 a = gen.vec();
    const Vec128 b = gen.vec();
    report.expect(lib(a, b), from_host(host(to_host(a), to_host(b))), hex(a) + ", " + hex(b));
  }
  report.finish();
}

// Unary register operation.
template <typename Lib, typename Host>
void diff_v(std::string_view name, Lib lib, Host host) {
  Operands gen(name);
  Report report(name);
  for (int i = 0; i < kCases; ++i) {
    const Vec128 a = gen.vec();
    report.expect(lib(a), from_host(host(to_host(a))), hex(a));
  }
  report.finish();
}

// Binary operation with an immediate: every imm8 value, kCases/256 operand pairs each (at least
// 48, so some operations run more than kCases cases).
template <typename Lib, typename Host>
void diff_vvi(std::string_view name, Lib lib, Host host) {
  Operands gen(name);
  Report report(name);
  for (int imm = 0; imm < 256; ++imm) {
    for (int i = 0; i < 48; ++i) {
      const Vec128 a = gen.vec();
      const Vec128 b = gen.vec();
      report.expect(lib(a, b, static_cast<u8>(imm)), from_host(host(to_host(a), to_host(b), imm)),
                    hex(a) + ", " + hex(b) + ", imm " + std::to_string(imm));
    }
  }
  report.finish();
}

// Unary operation with an immediate.
template <typename Lib, typename Host>
void diff_vi(std::string_view name, Lib lib, Host host) {
  Operands gen(name);
  Report report(name);
  for (int imm = 0; imm < 256; ++imm) {
    for (int i = 0; i < 48; ++i) {
      const Vec128 a = gen.vec();
      report.expect(lib(a, static_cast<u8>(imm)), from_host(host(to_host(a), imm)),
                    hex(a) + ", imm " + std::to_string(imm));
    }
  }
  report.finish();
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace glasspc::simd::test

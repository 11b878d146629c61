// Differential tests of the SSE lane library against the host's SSE unit: result bits and
// MXCSR flags compared bit for bit under every rounding mode with DAZ and FTZ on and off.
#include <array>
#include <catch2/catch.hpp>
#include <utility>

#include "cpu/float/ieee.h"
#include "cpu/float/sse.h"
#include "tests/cpu/float/diff_support.h"
#include "tests/cpu/float/host_sse.h"
#include "tests/cpu/float/operand_gen.h"

namespace glasspc::fp::test {
namespace {

#if defined(__x86_64__)

u32 random_mxcsr(OperandGen& gen) {
  return 0x1F80u | (gen.below(4) << 13) | (gen.coin() ? 0x8000u : 0u) | (gen.coin() ? 0x40u : 0u);
}

template <typename T>
u64 bits_of(T v) {
  return static_cast<u64>(v.bits);
}

template <typename T>
u32 biased_exponent(T v) {
  return sizeof(T) == 4 ? (v.bits >> 23) & 0xFF : static_cast<u32>((v.bits >> 52) & 0x7FF);
}

template <typename T>
u64 lane_mask() {
  return sizeof(T) == 4 ? 0xFFFFFFFFull : ~u64{0};
}

std::string mx(u32 m) {
  return hex(u64{m});
}

// One binary (or unary, ignoring b) scalar operation over `n` random cases.
template <typename T, typename HostFn, typename SoftFn>
void sse_differential(const char* name, int n, u64 seed, HostFn host, SoftFn soft,
                      u64 out_mask = 0) {
  if (out_mask == 0) out_mask = lane_mask<T>();
  OperandGen gen(seed);
  Tally tally(name);
  for (long i = 0; i < scaled(n); ++i) {
    const T a = gen.ieee<T>();
    const T b = gen.ieee<T>(biased_exponent(a));
    const u32 mxcsr = random_mxcsr(gen);
    u32 host_mxcsr = mxcsr;
    const Xmm out = host(Xmm{bits_of(a), gen.bits64()}, Xmm{bits_of(b), gen.bits64()}, host_mxcsr);
    SseEnv env = SseEnv::from_mxcsr(mxcsr);
    env.begin();
    const u64 soft_bits = soft(a, b, env);
    const bool ok = (out.lo & out_mask) == soft_bits && host_mxcsr == env.mxcsr();
    tally.check(ok, "a=" + hex(bits_of(a)) + " b=" + hex(bits_of(b)) + " mxcsr=" + mx(mxcsr) +
                        " soft=" + hex(soft_bits) + "/" + mx(env.mxcsr()) +
                        " host=" + hex(out.lo & out_mask) + "/" + mx(host_mxcsr));
  }
  INFO(name << ": " << tally.mismatches() << " mismatches in " << tally.cases() << " cases");
  CHECK(tally.mismatches() == 0);
}

#define SOFT_BIN(fn) [](auto a, auto b, SseEnv& e) { return bits_of(fn(a, b, e)); }
#define SOFT_UN(fn) [](auto a, auto, SseEnv& e) { return bits_of(fn(a, e)); }

TEST_CASE("SSE ADDSS/SUBSS/MULSS/DIVSS match the host", "[sse][differential]") {
  sse_differential<F32>("addss", 60000, 101, host_addss, SOFT_BIN(sse_add));
  sse_differential<F32>("subss", 50000, 102, host_subss, SOFT_BIN(sse_sub));
  sse_differential<F32>("mulss", 50000, 103, host_mulss, SOFT_BIN(sse_mul));
  sse_differential<F32>("divss", 50000, 104, host_divss, SOFT_BIN(sse_div));
}

TEST_CASE("SSE ADDSD/SUBSD/MULSD/DIVSD match the host", "[sse][differential]") {
  sse_differential<F64>("addsd", 60000, 105, host_addsd, SOFT_BIN(sse_add));
  sse_differential<F64>("subsd", 50000, 106, host_subsd, SOFT_BIN(sse_sub));
  sse_differential<F64>("mulsd", 50000, 107, host_mulsd, SOFT_BIN(sse_mul));
  sse_differential<F64>("divsd", 50000, 108, host_divsd, SOFT_BIN(sse_div));
}

TEST_CASE("SSE SQRTSS/SQRTSD match the host", "[sse][differential]") {
  sse_differential<F32>("sqrtss", 100000, 109, host_sqrtss, SOFT_UN(sse_sqrt));
  sse_differential<F64>("sqrtsd", 100000, 110, host_sqrtsd, SOFT_UN(sse_sqrt));
}

TEST_CASE("SSE MIN/MAX match the host, second operand on NaN or zeros", "[sse][differential]") {
  sse_differential<F32>("minss", 50000, 111, host_minss, SOFT_BIN(sse_min));
  sse_differential<F32>("maxss", 50000, 112, host_maxss, SOFT_BIN(sse_max));
  sse_differential<F64>("minsd", 50000, 113, host_minsd, SOFT_BIN(sse_min));
  sse_differential<F64>("maxsd", 50000, 114, host_maxsd, SOFT_BIN(sse_max));
}

template <typename T, std::size_t... I>
void compare_predicates(std::index_sequence<I...>) {
  using HostFn = Xmm (*)(Xmm, Xmm, u32&);
  constexpr bool kSingle = sizeof(T) == 4;
  const std::array<HostFn, 8> hosts = {(kSingle ? &host_cmpss<I> : &host_cmpsd<I>)...};
  for (u8 imm = 0; imm < 8; ++imm) {
    const std::string name =
        std::string(kSingle ? "cmpss" : "cmpsd") + " imm=" + std::to_string(imm);
    sse_differential<T>(name.c_str(), 25000, 120 + imm, hosts[imm], [imm](T a, T b, SseEnv& e) {
      return sse_compare(a, b, imm, e) ? lane_mask<T>() : u64{0};
    });
  }
}

TEST_CASE("SSE CMPSS/CMPSD predicates 0-7 match the host", "[sse][differential]") {
  compare_predicates<F32>(std::make_index_sequence<8>{});
  compare_predicates<F64>(std::make_index_sequence<8>{});
}

template <std::size_t... I>
void compare_vex_predicates(std::index_sequence<I...>) {
  using HostFn = Xmm (*)(Xmm, Xmm, u32&);
  const std::array<HostFn, 32> hosts = {&host_vcmpss<I>...};
  for (u8 imm = 8; imm < 32; ++imm) {
    const std::string name = "vcmpss imm=" + std::to_string(imm);
    sse_differential<F32>(name.c_str(), 8000, 300 + imm, hosts[imm],
                          [imm](F32 a, F32 b, SseEnv& e) {
                            return sse_compare(a, b, imm, e) ? u64{0xFFFFFFFF} : u64{0};
                          });
  }
}

TEST_CASE("VEX compare predicates 8-31 match the host", "[sse][differential]") {
  if (!__builtin_cpu_supports("avx")) {
    WARN("skipped: the host has no AVX for the VEX-only predicates");
    return;
  }
  compare_vex_predicates(std::make_index_sequence<32>{});
}

TEST_CASE("SSE COMISS/UCOMISS/COMISD/UCOMISD EFLAGS match the host", "[sse][differential]") {
  const auto run = [](const char* name, u64 seed, auto host, auto make, bool quiet) {
    sse_differential<decltype(make)>(
        name, 50000, seed,
        [host](Xmm a, Xmm b, u32& m) {
          return Xmm{host(a, b, m), 0};
        },
        [quiet](auto a, auto b, SseEnv& e) { return u64{sse_compare_eflags(a, b, quiet, e)}; });
  };
  run("comiss", 130, host_comiss, F32{}, false);
  run("ucomiss", 131, host_ucomiss, F32{}, true);
  run("comisd", 132, host_comisd, F64{}, false);
  run("ucomisd", 133, host_ucomisd, F64{}, true);
}

TEST_CASE("SSE CVTSS2SD/CVTSD2SS match the host", "[sse][differential]") {
  sse_differential<F32>("cvtss2sd", 100000, 140, host_cvtss2sd, [](F32 a, F32, SseEnv& e) {
    return sse_f32_to_f64(a, e).bits & 0xFFFFFFFFull;  // low half only in the F32 harness
  });
  sse_differential<F64>(
      "cvtsd2ss", 100000, 141, host_cvtsd2ss,
      [](F64 a, F64, SseEnv& e) { return u64{sse_f64_to_f32(a, e).bits}; }, 0xFFFFFFFF);
}

TEST_CASE("SSE CVTSS2SD keeps the full binary64 result", "[sse][differential]") {
  sse_differential<F32>(
      "cvtss2sd high", 50000, 142,
      [](Xmm a, Xmm b, u32& m) {
        const Xmm r = host_cvtss2sd(a, b, m);
        return Xmm{r.lo >> 32, 0};
      },
      [](F32 a, F32, SseEnv& e) { return sse_f32_to_f64(a, e).bits >> 32; });
}

TEST_CASE("SSE float to integer conversions match the host", "[sse][differential]") {
  const auto wrap32 = [](auto fn) {
    return [fn](Xmm a, Xmm, u32& m) { return Xmm{static_cast<u32>(fn(a, m)), 0}; };
  };
  const auto wrap64 = [](auto fn) {
    return [fn](Xmm a, Xmm, u32& m) { return Xmm{static_cast<u64>(fn(a, m)), 0}; };
  };
  sse_differential<F32>(
      "cvtss2si32", 40000, 150, wrap32(host_cvtss2si32),
      [](F32 a, F32, SseEnv& e) { return u64{static_cast<u32>(sse_f32_to_i32(a, false, e))}; });
  sse_differential<F32>(
      "cvttss2si32", 40000, 151, wrap32(host_cvttss2si32),
      [](F32 a, F32, SseEnv& e) { return u64{static_cast<u32>(sse_f32_to_i32(a, true, e))}; });
  sse_differential<F32>(
      "cvtss2si64", 40000, 152, wrap64(host_cvtss2si64),
      [](F32 a, F32, SseEnv& e) { return static_cast<u64>(sse_f32_to_i64(a, false, e)); }, ~u64{0});
  sse_differential<F32>(
      "cvttss2si64", 40000, 153, wrap64(host_cvttss2si64),
      [](F32 a, F32, SseEnv& e) { return static_cast<u64>(sse_f32_to_i64(a, true, e)); }, ~u64{0});
  sse_differential<F64>(
      "cvtsd2si32", 40000, 154, wrap32(host_cvtsd2si32),
      [](F64 a, F64, SseEnv& e) { return u64{static_cast<u32>(sse_f64_to_i32(a, false, e))}; },
      0xFFFFFFFF);
  sse_differential<F64>(
      "cvttsd2si32", 40000, 155, wrap32(host_cvttsd2si32),
      [](F64 a, F64, SseEnv& e) { return u64{static_cast<u32>(sse_f64_to_i32(a, true, e))}; },
      0xFFFFFFFF);
  sse_differential<F64>(
      "cvtsd2si64", 40000, 156, wrap64(host_cvtsd2si64),
      [](F64 a, F64, SseEnv& e) { return static_cast<u64>(sse_f64_to_i64(a, false, e)); });
  sse_differential<F64>(
      "cvttsd2si64", 40000, 157, wrap64(host_cvttsd2si64),
      [](F64 a, F64, SseEnv& e) { return static_cast<u64>(sse_f64_to_i64(a, true, e)); });
}

TEST_CASE("SSE integer to float conversions match the host", "[sse][differential]") {
  OperandGen gen(160);
  Tally tally("cvtsi2ss/sd");
  for (long i = 0; i < scaled(200000); ++i) {
    i64 v = static_cast<i64>(gen.bits64() >> gen.below(64));
    if (gen.coin()) v = -v;
    const u32 mxcsr = random_mxcsr(gen);
    u32 m = mxcsr;
    SseEnv env = SseEnv::from_mxcsr(mxcsr);
    env.begin();
    u64 host = 0, soft = 0;
    switch (gen.below(4)) {
      case 0:
        host = host_cvtsi2ss32(static_cast<i32>(v), m).lo & 0xFFFFFFFF;
        soft = sse_i32_to_f32(static_cast<i32>(v), env).bits;
        break;
      case 1:
        host = host_cvtsi2ss64(v, m).lo & 0xFFFFFFFF;
        soft = sse_i64_to_f32(v, env).bits;
        break;
      case 2:
        host = host_cvtsi2sd32(static_cast<i32>(v), m).lo;
        soft = sse_i32_to_f64(static_cast<i32>(v)).bits;
        break;
      default:
        host = host_cvtsi2sd64(v, m).lo;
        soft = sse_i64_to_f64(v, env).bits;
        break;
    }
    tally.check(host == soft && m == env.mxcsr(),
                "v=" + hex(u64(v)) + " soft=" + hex(soft) + " host=" + hex(host));
  }
  CHECK(tally.mismatches() == 0);
}

template <typename T, std::size_t... I>
void round_all_immediates(std::index_sequence<I...>) {
  using HostFn = Xmm (*)(Xmm, Xmm, u32&);
  constexpr bool kSingle = sizeof(T) == 4;
  const std::array<HostFn, 16> hosts = {(kSingle ? &host_roundss<I> : &host_roundsd<I>)...};
  for (u8 imm = 0; imm < 16; ++imm) {
    const std::string name =
        std::string(kSingle ? "roundss" : "roundsd") + " imm=" + std::to_string(imm);
    // ROUNDSS xmm0, xmm1: the source is the second operand.
    sse_differential<T>(
        name.c_str(), 8000, 170 + imm,
        [host = hosts[imm]](Xmm a, Xmm b, u32& m) { return host(b, a, m); },
        [imm](T a, T, SseEnv& e) { return bits_of(sse_round(a, imm, e)); });
  }
}

TEST_CASE("SSE ROUNDSS/ROUNDSD match the host for every immediate", "[sse][differential]") {
  round_all_immediates<F32>(std::make_index_sequence<16>{});
  round_all_immediates<F64>(std::make_index_sequence<16>{});
}

template <std::size_t... I>
void dpps_all(std::index_sequence<I...>) {
  using HostFn = Xmm (*)(Xmm, Xmm, u32&);
  const std::array<HostFn, 256> hosts = {&host_dpps<I>...};
  OperandGen gen(190);
  Tally tally("dpps");
  for (long i = 0; i < scaled(60000); ++i) {
    F32 a[4], b[4];
    for (int k = 0; k < 4; ++k) {
      a[k] = gen.ieee<F32>(127);
      b[k] = gen.ieee<F32>(127);
    }
    const u8 imm = static_cast<u8>(gen.below(256));
    const u32 mxcsr = random_mxcsr(gen);
    u32 m = mxcsr;
    const Xmm xa{u64{a[0].bits} | u64{a[1].bits} << 32, u64{a[2].bits} | u64{a[3].bits} << 32};
    const Xmm xb{u64{b[0].bits} | u64{b[1].bits} << 32, u64{b[2].bits} | u64{b[3].bits} << 32};
    const Xmm host = hosts[imm](xa, xb, m);
    SseEnv env = SseEnv::from_mxcsr(mxcsr);
    env.begin();
    F32 out[4];
    sse_dpps(a, b, imm, env, out);
    const Xmm soft{u64{out[0].bits} | u64{out[1].bits} << 32,
                   u64{out[2].bits} | u64{out[3].bits} << 32};
    tally.check(host.lo == soft.lo && host.hi == soft.hi && m == env.mxcsr(),
                "imm=" + std::to_string(imm) + " soft=" + hex(soft.lo) + hex(soft.hi) + "/" +
                    mx(env.mxcsr()) + " host=" + hex(host.lo) + hex(host.hi) + "/" + mx(m));
  }
  CHECK(tally.mismatches() == 0);
}

TEST_CASE("SSE DPPS matches the host for every immediate", "[sse][differential]") {
  dpps_all(std::make_index_sequence<256>{});
}

template <std::size_t... I>
void dppd_all(std::index_sequence<I...>) {
  using HostFn = Xmm (*)(Xmm, Xmm, u32&);
  const std::array<HostFn, 64> hosts = {&host_dppd<(I & 3) | ((I >> 2) << 4)>...};
  OperandGen gen(191);
  Tally tally("dppd");
  for (long i = 0; i < scaled(60000); ++i) {
    F64 a[2], b[2];
    for (int k = 0; k < 2; ++k) {
      a[k] = gen.ieee<F64>(1023);
      b[k] = gen.ieee<F64>(1023);
    }
    const u32 index = gen.below(16);
    const u8 imm = static_cast<u8>((index & 3) | ((index >> 2) << 4));
    const u32 mxcsr = random_mxcsr(gen);
    u32 m = mxcsr;
    const Xmm host = hosts[index](Xmm{a[0].bits, a[1].bits}, Xmm{b[0].bits, b[1].bits}, m);
    SseEnv env = SseEnv::from_mxcsr(mxcsr);
    env.begin();
    F64 out[2];
    sse_dppd(a, b, imm, env, out);
    tally.check(host.lo == out[0].bits && host.hi == out[1].bits && m == env.mxcsr(),
                "imm=" + std::to_string(imm) + " soft=" + hex(out[0].bits) + "," +
                    hex(out[1].bits) + "/" + mx(env.mxcsr()) + " host=" + hex(host.lo) + "," +
                    hex(host.hi) + "/" + mx(m));
  }
  CHECK(tally.mismatches() == 0);
}

TEST_CASE("SSE DPPD matches the host", "[sse][differential]") {
  dppd_all(std::make_index_sequence<16>{});
}

TEST_CASE("RCPSS/RSQRTSS special operands match the host", "[sse][differential]") {
  OperandGen gen(195);
  Tally tally("rcp/rsqrt specials");
  for (long i = 0; i < scaled(50000); ++i) {
    const F32 a = gen.ieee<F32>();
    if (classify(a) == IeeeClass::kNormal) continue;
    u32 m = 0x1F80;
    const u64 hr = host_rcpss(Xmm{a.bits, 0}, Xmm{}, m).lo & 0xFFFFFFFF;
    const u64 hs = host_rsqrtss(Xmm{a.bits, 0}, Xmm{}, m).lo & 0xFFFFFFFF;
    tally.check(hr == sse_rcp(a).bits && hs == sse_rsqrt(a).bits && m == 0x1F80,
                "a=" + hex(u64{a.bits}) + " rcp=" + hex(u64{sse_rcp(a).bits}) + "/" + hex(hr) +
                    " rsqrt=" + hex(u64{sse_rsqrt(a).bits}) + "/" + hex(hs));
  }
  CHECK(tally.mismatches() == 0);
}

#else

TEST_CASE("SSE differential tests need an x86-64 host", "[sse][differential]") {
  WARN("skipped: the host has no SSE unit to compare against");
}

#endif

}  // namespace
}  // namespace glasspc::fp::test

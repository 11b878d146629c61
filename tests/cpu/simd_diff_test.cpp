// Host-differential tests for x87, MMX, SSE..SSE4.2, AES-NI, PCLMULQDQ and CRC32: every form in
// the simd_diff_forms_*.cpp tables runs from the same seeded random state natively and in
// glasspc, and the complete FP/SIMD and integer state afterwards must agree (simd_diff_check.cpp
// says what is compared and what the SDM lets differ).
//
// Environment: GLASSPC_SIMD_DIFF_CASES (cases per form), GLASSPC_SIMD_DIFF_SEED,
// GLASSPC_SIMD_DIFF_FILTER (substring of form names), GLASSPC_SIMD_DIFF_STRICT=1 (a form glasspc
// does not implement yet, i.e. raises #UD for, fails instead of warning),
// GLASSPC_SIMD_DIFF_VERBOSE=1 (print every failing case, not only the first of each form).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "simd_diff_check.h"
#include "simd_diff_gen.h"
#include "simd_insn_env.h"

using namespace glasspc;
using namespace glasspc::test;

#if defined(__x86_64__)

namespace {

u64 env_u64(const char* name, u64 fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 0) : fallback;
}

void run_area(const char* area, const std::vector<Form>& forms) {
  SimdDiffOptions opt;
  opt.cases = env_u64("GLASSPC_SIMD_DIFF_CASES", 160);
  opt.seed = env_u64("GLASSPC_SIMD_DIFF_SEED", 1);
  if (const char* f = std::getenv("GLASSPC_SIMD_DIFF_FILTER")) opt.filter = f;
  opt.verbose = env_u64("GLASSPC_SIMD_DIFF_VERBOSE", 0) != 0;
  const bool strict = env_u64("GLASSPC_SIMD_DIFF_STRICT", 0) != 0;
  const SimdDiffSummary sum = run_simd_diff(forms, opt);
  std::string missing;
  for (const auto& n : sum.not_implemented) missing += (missing.empty() ? "" : ", ") + n;
  const std::string line =
      fmt::format("simd-diff: {} forms checked, {} not implemented in glasspc: {} [{}]",
                  sum.checked, sum.not_implemented.size(), missing.empty() ? "-" : missing, area);
  std::string skipped;
  for (const auto& n : sum.skipped) skipped += (skipped.empty() ? "" : ", ") + n;
  fmt::print("{}\n", line);
  if (!skipped.empty())
    fmt::print("simd-diff: skipped (host CPU lacks the feature): {}\n", skipped);
  if (!sum.not_implemented.empty()) WARN(line);
  for (const auto& failure : sum.failures) {
    fmt::print("{}\n", failure);
    FAIL_CHECK(failure);
  }
  if (strict) CHECK(sum.not_implemented.empty());
  CHECK(sum.failures.empty());
}

}  // namespace

// The harness itself: both runners must really execute the body on the state image (a harness
// that ran nothing would make every form "pass").
TEST_CASE("simd-diff: both runners execute the body on the state image", "[simd-diff]") {
  SimdState in;
  in.xmm[1] = {0x3f800000, 0};                      // 1.0f
  in.xmm[9] = {0x40000000, 0x8000000000000000ull};  // 2.0f, -0.0f in lane 3
  in.gpr[kR15] = 16;                                // [r15] = data[16]
  in.pointers = 1u << kR15;
  in.data[16] = 0x5a;
  in.st[0] = fp::F80{0x8000000000000000ull, 0x3fff};  // ST(0) = 1.0
  in.fsw = 0x3800;                                    // TOP = 7, R7 valid
  in.ftw = 0x80;
  const std::vector<u8> body = {
      0x41, 0x0f, 0x58, 0xc9,        // addps xmm1, xmm9
      0x66, 0x41, 0x0f, 0x7e, 0x0f,  // movd [r15], xmm1
      0x66, 0x45, 0x0f, 0xd7, 0xc1,  // pmovmskb r8d, xmm9
      0x48, 0x31, 0xdb,              // xor rbx, rbx (flags: ZF, PF)
      0xd9, 0xe8,                    // fld1
      0xde, 0xc1,                    // faddp st(1), st(0)
  };
  for (int which = 0; which < 2; ++which) {
    SimdState s = in;
    if (which == 0) {
      SimdNativeRunner native;
      REQUIRE(native.ok());
      native.run(body, s);
    } else {
      SimdGlassRunner glass;
      const u32 vector = glass.run(body, s);
      // x87 arithmetic may not be registered yet; the SSE part must have run.
      if (vector == vec::UD) {
        CHECK(s.xmm[1].lo == 0x40400000);
        continue;
      }
      REQUIRE(vector == PmEnv::kNoVector);
    }
    INFO("runner " << which);
    CHECK(s.xmm[1].lo == 0x40400000);  // 3.0f
    CHECK(s.data[16] == 0x00);
    CHECK(s.data[18] == 0x40);
    CHECK(s.gpr[kR8] == 0x8000);  // only byte 15 of xmm9 has its top bit set
    CHECK(s.gpr[kR15] == 16);
    CHECK((s.rflags & (flag::ZF | flag::PF)) == (flag::ZF | flag::PF));
    CHECK(s.fsw >> 11 == 7);
    CHECK(s.st[0] == fp::F80{0x8000000000000000ull, 0x4000});  // 2.0
    CHECK(s.ftw == 0x80);
  }
}

// The oracle itself: every compared field is noticed, and only the documented latitudes pass.
TEST_CASE("simd-diff: the comparison notices every state difference", "[simd-diff]") {
  Form f = sse_form("RCPPS xmm, xmm/m128", Feature::kSse, 0, 1, 0x53, Opnd::kXmm, Opnd::kXmm, 16,
                    formf::kApprox, Lane::kF32);
  f.fsw_undef = fswc::k023;
  SimdGen gen(7);
  SimdCase k = gen.next(f, false);
  k.reg = 2;
  k.rm = 3;
  k.in.xmm[3] = {0x40000000ull << 32 | 0x3f800000, 0};  // 1.0f, 2.0f
  SimdState h = k.in;
  h.xmm[2] = {0x3f000000ull << 32 | 0x3f800000, 0};  // 1.0f, 0.5f
  auto differs = [&](void (*mutate)(SimdState&)) {
    SimdState g = h;
    mutate(g);
    return !simd_diff_compare(f, k, h, g, PmEnv::kNoVector, true).empty();
  };
  CHECK_FALSE(differs([](SimdState&) {}));
  CHECK(differs([](SimdState& g) { g.gpr[kRbx] ^= 1; }));
  CHECK(differs([](SimdState& g) { g.rflags ^= flag::CF; }));
  CHECK(differs([](SimdState& g) { g.xmm[15].hi ^= u64{1} << 63; }));
  CHECK(differs([](SimdState& g) { g.mxcsr ^= 0x20; }));
  CHECK(differs([](SimdState& g) { g.fcw ^= 0x400; }));
  CHECK(differs([](SimdState& g) { g.fsw ^= fswc::C1; }));
  CHECK(differs([](SimdState& g) { g.fsw ^= 0x3800; }));
  CHECK_FALSE(differs([](SimdState& g) { g.fsw ^= fswc::C0 | fswc::C3; }));  // undefined here
  CHECK(differs([](SimdState& g) { g.ftw ^= 0x10; }));
  CHECK(differs([](SimdState& g) { g.st[6].significand ^= 1; }));
  CHECK(differs([](SimdState& g) { g.data[255] ^= 0x80; }));
  // RCPPS lanes: 1.5*2^-12 relative error is accepted, more is not; upper lanes are exact.
  CHECK_FALSE(differs([](SimdState& g) { g.xmm[2].lo += 5; }));             // 1.0f + 5 ulp
  CHECK(differs([](SimdState& g) { g.xmm[2].lo += 0x1000; }));              // 1.0f + 2^-11
  CHECK_FALSE(differs([](SimdState& g) { g.xmm[2].lo += u64{6} << 32; }));  // 0.5f + 6 ulp
  CHECK(differs([](SimdState& g) { g.xmm[2].lo ^= u64{1} << 63; }));        // sign
  CHECK(differs([](SimdState& g) { g.xmm[3].lo += 1; }));                   // not the destination
  CHECK(!simd_diff_compare(f, k, h, h, vec::GP, true).empty());
  CHECK(!simd_diff_compare(f, k, h, h, PmEnv::kNoVector, false).empty());
}

// A form glasspc rejects with #UD is reported as not implemented, not as a mismatch: VZEROUPPER
// (C5 F8 77) runs on an AVX host and leaves XMM state alone, while glasspc has no VEX decoding.
TEST_CASE("simd-diff: #UD in glasspc counts as not implemented", "[simd-diff]") {
  if (!HostFeatures::detect().avx) {
    WARN("skipped: the host has no AVX");
    return;
  }
  Form f = sse_form("VZEROUPPER (self-test)", Feature::kAvx, 0xc5, 0, 0xf8, Opnd::kNone,
                    Opnd::kFixed, 0, formf::kRegOnly, Lane::kF32);
  f.modrm = 0x77;
  SimdDiffOptions opt;
  opt.cases = 8;
  const SimdDiffSummary sum = run_simd_diff({f}, opt);
  CHECK(sum.checked == 1);
  REQUIRE(sum.not_implemented.size() == 1);
  CHECK(sum.not_implemented[0] == "VZEROUPPER (self-test)");
  CHECK(sum.failures.empty());
}

TEST_CASE("simd-diff: x87 matches the host CPU", "[simd-diff]") {
  run_area("x87", x87_forms());
}

TEST_CASE("simd-diff: MMX matches the host CPU", "[simd-diff]") {
  run_area("MMX", mmx_forms());
}

TEST_CASE("simd-diff: SSE/SSE2 floating point matches the host CPU", "[simd-diff]") {
  run_area("SSE/SSE2 float", sse_float_forms());
}

TEST_CASE("simd-diff: SSE2 integer matches the host CPU", "[simd-diff]") {
  run_area("SSE2 integer", sse2_int_forms());
}

TEST_CASE("simd-diff: SSE3/SSSE3 matches the host CPU", "[simd-diff]") {
  run_area("SSE3/SSSE3", sse3_ssse3_forms());
}

TEST_CASE("simd-diff: SSE4.1/SSE4.2/AES/PCLMUL/CRC32 matches the host CPU", "[simd-diff]") {
  run_area("SSE4/AES/PCLMUL/CRC32", sse4_forms());
}

#else

TEST_CASE("simd-diff: skipped", "[simd-diff]") {
  WARN("simd-diff skipped: the host is not x86-64");
}

#endif

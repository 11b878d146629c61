// PCMPEQ/PCMPGT, logic, blends, PTEST, sign-bit masks and MASKMOVDQU against the host.
#include "cpu/simd/compare_logic.h"

#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

using V = Vec128;

TEST_CASE("byte sign gather puts byte i's top bit in bit i") {
  CHECK(pmovmskb(u64{0x8000000000000080}) == 0x81);
  CHECK(pmovmskb(V{0x0080000000000000, 0xFF00000000000001}) == 0x8040);
  CHECK(movmskps(V{0x8000000000000000, 0x0000000080000000}) == 0b0110);
  CHECK(movmskpd(V{0, 0x8000000000000000}) == 0b10);
}

TEST_CASE("ptest reports ZF and CF only") {
  CHECK(ptest(V{0xF0, 0}, V{0x0F, 0}) == kFlagZf);
  CHECK(ptest(V{0xFF, 1}, V{0x0F, 1}) == kFlagCf);
  CHECK(ptest(V{0, 0}, V{0, 0}) == (kFlagZf | kFlagCf));
  CHECK(ptest(V{1, 0}, V{3, 0}) == 0);
}

#if defined(GLASSPC_SIMD_ORACLE)

TEST_CASE("lane comparisons match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "pcmpeqb", [](V a, V b) { return pcmpeqb(a, b); }, HOST_VV(_mm_cmpeq_epi8(a, b)));
  diff_vv(
      "pcmpeqw", [](V a, V b) { return pcmpeqw(a, b); }, HOST_VV(_mm_cmpeq_epi16(a, b)));
  diff_vv(
      "pcmpeqd", [](V a, V b) { return pcmpeqd(a, b); }, HOST_VV(_mm_cmpeq_epi32(a, b)));
  diff_vv(
      "pcmpeqq", [](V a, V b) { return pcmpeqq(a, b); }, HOST_VV(_mm_cmpeq_epi64(a, b)));
  diff_vv(
      "pcmpgtb", [](V a, V b) { return pcmpgtb(a, b); }, HOST_VV(_mm_cmpgt_epi8(a, b)));
  diff_vv(
      "pcmpgtw", [](V a, V b) { return pcmpgtw(a, b); }, HOST_VV(_mm_cmpgt_epi16(a, b)));
  diff_vv(
      "pcmpgtd", [](V a, V b) { return pcmpgtd(a, b); }, HOST_VV(_mm_cmpgt_epi32(a, b)));
  diff_vv(
      "pcmpgtq", [](V a, V b) { return pcmpgtq(a, b); }, HOST_VV(_mm_cmpgt_epi64(a, b)));
}

TEST_CASE("bitwise logic matches the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "pand", [](V a, V b) { return pand(a, b); }, HOST_VV(_mm_and_si128(a, b)));
  diff_vv(
      "pandn", [](V a, V b) { return pandn(a, b); }, HOST_VV(_mm_andnot_si128(a, b)));
  diff_vv(
      "por", [](V a, V b) { return por(a, b); }, HOST_VV(_mm_or_si128(a, b)));
  diff_vv(
      "pxor", [](V a, V b) { return pxor(a, b); }, HOST_VV(_mm_xor_si128(a, b)));
}

TEST_CASE("immediate blends match the host") {
  if (!host_has_oracle()) return;
  diff_vvi(
      "pblendw", [](V a, V b, u8 imm) { return pblendw(a, b, imm); },
      HOST_VVI(_mm_blend_epi16(a, b, kImm)));
  diff_vvi(
      "blendps", [](V a, V b, u8 imm) { return blendps(a, b, imm); },
      HOST_VVI(
          _mm_castps_si128(_mm_blend_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b), kImm & 15))));
  diff_vvi(
      "blendpd", [](V a, V b, u8 imm) { return blendpd(a, b, imm); },
      HOST_VVI(_mm_castpd_si128(_mm_blend_pd(_mm_castsi128_pd(a), _mm_castsi128_pd(b), kImm & 3))));
}

// Variable blends take a third register; the mask comes from the same edge-weighted generator.
template <typename Lib, typename Host>
void diff_blendv(std::string_view name, Lib lib, Host host) {
  Operands gen(name);
  Report report(name);
  for (int i = 0; i < kCases; ++i) {
    const V a = gen.vec();
    const V b = gen.vec();
    const V m = gen.vec();
    report.expect(lib(a, b, m), from_host(host(to_host(a), to_host(b), to_host(m))),
                  hex(a) + ", " + hex(b) + ", " + hex(m));
  }
  report.finish();
}

TEST_CASE("variable blends match the host") {
  if (!host_has_oracle()) return;
  diff_blendv(
      "pblendvb", [](V a, V b, V m) { return pblendvb(a, b, m); },
      [](__m128i a, __m128i b, __m128i m) GLASSPC_HOST_TARGET { return _mm_blendv_epi8(a, b, m); });
  diff_blendv(
      "blendvps", [](V a, V b, V m) { return blendvps(a, b, m); },
      [](__m128i a, __m128i b, __m128i m) GLASSPC_HOST_TARGET {
        return _mm_castps_si128(
            _mm_blendv_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b), _mm_castsi128_ps(m)));
      });
  diff_blendv(
      "blendvpd", [](V a, V b, V m) { return blendvpd(a, b, m); },
      [](__m128i a, __m128i b, __m128i m) GLASSPC_HOST_TARGET {
        return _mm_castpd_si128(
            _mm_blendv_pd(_mm_castsi128_pd(a), _mm_castsi128_pd(b), _mm_castsi128_pd(m)));
      });
}

// PTEST with the six status flags read back through LAHF/SETO (AF and PF must come back clear).
GLASSPC_HOST_TARGET u32 host_ptest(__m128i dest, __m128i src) {
  u32 ah_flags = 0;
  u8 overflow = 0;
  asm("ptest %[src], %[dest]\n\t"
      "lahf\n\t"
      "seto %[of]\n\t"
      "shrl $8, %%eax"
      : "=a"(ah_flags), [of] "=r"(overflow)
      : [dest] "x"(dest), [src] "x"(src)
      : "cc");
  return (ah_flags & (kFlagCf | kFlagPf | kFlagAf | kFlagZf | kFlagSf)) | (overflow ? kFlagOf : 0);
}

TEST_CASE("ptest flags match the host") {
  if (!host_has_oracle()) return;
  Operands gen("ptest");
  Report report("ptest");
  for (int i = 0; i < kCases; ++i) {
    const V a = gen.vec();
    // Related operands make ZF and CF both likely to be set in some cases.
    V b = gen.vec();
    if (gen.below(3) == 0) b = pand(a, b);
    if (gen.below(3) == 0) b = pandn(a, b);
    report.expect(ptest(a, b), host_ptest(to_host(a), to_host(b)), hex(a) + ", " + hex(b));
  }
  report.finish();
}

TEST_CASE("sign-bit masks and maskmovdqu match the host") {
  if (!host_has_oracle()) return;
  Operands gen("movmsk");
  Report bytes("pmovmskb");
  Report singles("movmskps");
  Report doubles("movmskpd");
  Report stores("maskmovdqu");
  for (int i = 0; i < kCases; ++i) {
    const V a = gen.vec();
    bytes.expect(pmovmskb(a), static_cast<u32>(_mm_movemask_epi8(to_host(a))), hex(a));
    singles.expect(movmskps(a), static_cast<u32>(_mm_movemask_ps(_mm_castsi128_ps(to_host(a)))),
                   hex(a));
    doubles.expect(movmskpd(a), static_cast<u32>(_mm_movemask_pd(_mm_castsi128_pd(to_host(a)))),
                   hex(a));
    const V memory = gen.vec();
    const V data = gen.vec();
    alignas(16) u64 buffer[2] = {memory.lo, memory.hi};
    _mm_maskmoveu_si128(to_host(data), to_host(a), reinterpret_cast<char*>(buffer));
    stores.expect(maskmov_merge(memory, data, a), V{buffer[0], buffer[1]},
                  hex(memory) + ", " + hex(data) + ", " + hex(a));
    stores.expect(maskmov_byte_mask(a), pmovmskb(a), hex(a));
  }
  bytes.finish();
  singles.finish();
  doubles.finish();
  stores.finish();
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace
}  // namespace glasspc::simd::test

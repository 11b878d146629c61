// PSHUFD/PSHUFHW/PSHUFLW, SHUFPS/SHUFPD, PSHUFB and the duplicate/half moves against the host.
#include "cpu/simd/shuffles.h"
#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

using V = Vec128;

TEST_CASE("pshufb indexes bytes and zeroes on bit 7") {
  const V a{0x0706050403020100, 0x0F0E0D0C0B0A0908};
  CHECK(pshufb(a, V{0x08090A0B0C0D0E0F, 0x0001020304050680}) ==
        V{0x08090A0B0C0D0E0F, 0x0001020304050600});
  CHECK(pshufb(a, V{0x1F1F1F1F1F1F1F1F, 0}) == V{0x0F0F0F0F0F0F0F0F, 0});
  CHECK(pshufb(u64{0x0706050403020100}, u64{0x0F0E0D0C8B0A0908}) == 0x0706050400020100);
}

TEST_CASE("dword shuffles pick by two-bit selectors") {
  const V v = vec_from_dwords(10, 11, 12, 13);
  CHECK(pshufd(v, 0x1B) == vec_from_dwords(13, 12, 11, 10));
  CHECK(shufps(v, vec_from_dwords(20, 21, 22, 23), 0xE4) == vec_from_dwords(10, 11, 22, 23));
  CHECK(movshdup(v) == vec_from_dwords(11, 11, 13, 13));
  CHECK(movsldup(v) == vec_from_dwords(10, 10, 12, 12));
}

#if defined(GLASSPC_SIMD_ORACLE)

TEST_CASE("word and dword shuffles match the host") {
  if (!host_has_oracle()) return;
  diff_vi(
      "pshufd", [](V a, u8 imm) { return pshufd(a, imm); }, HOST_VI(_mm_shuffle_epi32(a, kImm)));
  diff_vi(
      "pshuflw", [](V a, u8 imm) { return pshuflw(a, imm); },
      HOST_VI(_mm_shufflelo_epi16(a, kImm)));
  diff_vi(
      "pshufhw", [](V a, u8 imm) { return pshufhw(a, imm); },
      HOST_VI(_mm_shufflehi_epi16(a, kImm)));
  diff_vvi(
      "shufps", [](V a, V b, u8 imm) { return shufps(a, b, imm); },
      HOST_VVI(_mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b), kImm))));
  // The intrinsic accepts only imm8[1:0]; asm passes the other bits through to the instruction.
  diff_vvi(
      "shufpd", [](V a, V b, u8 imm) { return shufpd(a, b, imm); }, HOST_VVI(([a, b]() mutable {
        asm("shufpd %[imm], %[b], %[a]" : [a] "+x"(a) : [b] "x"(b), [imm] "i"(kImm));
        return a;
      }())));
}

TEST_CASE("pshufb matches the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "pshufb", [](V a, V b) { return pshufb(a, b); }, HOST_VV(_mm_shuffle_epi8(a, b)));
}

TEST_CASE("duplicating and half moves match the host") {
  if (!host_has_oracle()) return;
  diff_v(
      "movddup", [](V a) { return movddup(a); },
      HOST_V(_mm_castpd_si128(_mm_movedup_pd(_mm_castsi128_pd(a)))));
  diff_v(
      "movsldup", [](V a) { return movsldup(a); },
      HOST_V(_mm_castps_si128(_mm_moveldup_ps(_mm_castsi128_ps(a)))));
  diff_v(
      "movshdup", [](V a) { return movshdup(a); },
      HOST_V(_mm_castps_si128(_mm_movehdup_ps(_mm_castsi128_ps(a)))));
  diff_vv(
      "movlhps", [](V a, V b) { return movlhps(a, b); },
      HOST_VV(_mm_castps_si128(_mm_movelh_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b)))));
  diff_vv(
      "movhlps", [](V a, V b) { return movhlps(a, b); },
      HOST_VV(_mm_castps_si128(_mm_movehl_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b)))));
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace
}  // namespace glasspc::simd::test

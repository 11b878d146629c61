// PACKSS/PACKUS and PUNPCKL/H (and the UNPCK*PS/PD bit moves) against the host.
#include "cpu/simd/pack_unpack.h"

#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

using V = Vec128;

TEST_CASE("packs saturate and order destination before source") {
  const V a{0x7FFF8000FF800080, 0x0001FFFF00000100};
  const V b{};
  CHECK(packsswb(a, b) == V{0x01FF007F7F80807F, 0});
  CHECK(packsswb(b, a) == V{0, 0x01FF007F7F80807F});
  CHECK(packuswb(V{0x0100FFFF00FF0080, 0}, V{}) == V{0x00000000FF00FF80, 0});
  CHECK(packusdw(V{0x00010000FFFFFFFF, 0}, V{0, 0x0000800000007FFF}) ==
        V{0x00000000FFFF0000, 0x80007FFF00000000});
  CHECK(packssdw(u64{0x80000000FFFF8000}, u64{0x000000007FFFFFFF}) == 0x00007FFF80008000);
}

TEST_CASE("unpacks interleave destination first") {
  const V a{0x0706050403020100, 0x0F0E0D0C0B0A0908};
  const V b{0x1716151413121110, 0x1F1E1D1C1B1A1918};
  CHECK(punpcklbw(a, b) == V{0x1303120211011000, 0x1707160615051404});
  CHECK(punpckhwd(a, b) == V{0x1B1A0B0A19180908, 0x1F1E0F0E1D1C0D0C});
  CHECK(punpckldq(u64{0x0706050403020100}, u64{0x1716151413121110}) == 0x1312111003020100);
  CHECK(punpckhqdq(a, b) == V{a.hi, b.hi});
}

#if defined(GLASSPC_SIMD_ORACLE)

TEST_CASE("packs match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "packsswb", [](V a, V b) { return packsswb(a, b); }, HOST_VV(_mm_packs_epi16(a, b)));
  diff_vv(
      "packssdw", [](V a, V b) { return packssdw(a, b); }, HOST_VV(_mm_packs_epi32(a, b)));
  diff_vv(
      "packuswb", [](V a, V b) { return packuswb(a, b); }, HOST_VV(_mm_packus_epi16(a, b)));
  diff_vv(
      "packusdw", [](V a, V b) { return packusdw(a, b); }, HOST_VV(_mm_packus_epi32(a, b)));
}

TEST_CASE("unpacks match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "punpcklbw", [](V a, V b) { return punpcklbw(a, b); }, HOST_VV(_mm_unpacklo_epi8(a, b)));
  diff_vv(
      "punpcklwd", [](V a, V b) { return punpcklwd(a, b); }, HOST_VV(_mm_unpacklo_epi16(a, b)));
  diff_vv(
      "punpckldq", [](V a, V b) { return punpckldq(a, b); }, HOST_VV(_mm_unpacklo_epi32(a, b)));
  diff_vv(
      "punpcklqdq", [](V a, V b) { return punpcklqdq(a, b); }, HOST_VV(_mm_unpacklo_epi64(a, b)));
  diff_vv(
      "punpckhbw", [](V a, V b) { return punpckhbw(a, b); }, HOST_VV(_mm_unpackhi_epi8(a, b)));
  diff_vv(
      "punpckhwd", [](V a, V b) { return punpckhwd(a, b); }, HOST_VV(_mm_unpackhi_epi16(a, b)));
  diff_vv(
      "punpckhdq", [](V a, V b) { return punpckhdq(a, b); }, HOST_VV(_mm_unpackhi_epi32(a, b)));
  diff_vv(
      "punpckhqdq", [](V a, V b) { return punpckhqdq(a, b); }, HOST_VV(_mm_unpackhi_epi64(a, b)));
  diff_vv(
      "unpcklps", [](V a, V b) { return unpcklps(a, b); },
      HOST_VV(_mm_castps_si128(_mm_unpacklo_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b)))));
  diff_vv(
      "unpckhps", [](V a, V b) { return unpckhps(a, b); },
      HOST_VV(_mm_castps_si128(_mm_unpackhi_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b)))));
  diff_vv(
      "unpcklpd", [](V a, V b) { return unpcklpd(a, b); },
      HOST_VV(_mm_castpd_si128(_mm_unpacklo_pd(_mm_castsi128_pd(a), _mm_castsi128_pd(b)))));
  diff_vv(
      "unpckhpd", [](V a, V b) { return unpckhpd(a, b); },
      HOST_VV(_mm_castpd_si128(_mm_unpackhi_pd(_mm_castsi128_pd(a), _mm_castsi128_pd(b)))));
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace
}  // namespace glasspc::simd::test

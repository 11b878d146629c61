// PADD/PSUB (wrapping and saturating), PAVG, PMIN/PMAX, PABS, PSIGN, PHADD/PHSUB against the host.
#include "cpu/simd/integer_add_sub.h"
#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

using V = Vec128;

TEST_CASE("wrapping lane adds do not carry into the neighbouring lane") {
  CHECK(paddb(u64{0x00FF00FF00FF00FF}, u64{0x0001000100010001}) == 0x0000000000000000);
  CHECK(paddw(u64{0x7FFFFFFF0000FFFF}, u64{0x0001000100010001}) == 0x8000000000010000);
  CHECK(psubb(u64{0x0000000000000000}, u64{0x0101010101010101}) == 0xFFFFFFFFFFFFFFFF);
  CHECK(psubd(V{0x0000000100000000, 5}, V{0x0000000000000001, 6}) ==
        V{0x00000001FFFFFFFF, 0x00000000FFFFFFFF});
  CHECK(paddq(V{~u64{0}, 1}, V{1, 1}) == V{0, 2});
}

#if defined(GLASSPC_SIMD_ORACLE)

TEST_CASE("wrapping add and subtract match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "paddb", [](V a, V b) { return paddb(a, b); }, HOST_VV(_mm_add_epi8(a, b)));
  diff_vv(
      "paddw", [](V a, V b) { return paddw(a, b); }, HOST_VV(_mm_add_epi16(a, b)));
  diff_vv(
      "paddd", [](V a, V b) { return paddd(a, b); }, HOST_VV(_mm_add_epi32(a, b)));
  diff_vv(
      "paddq", [](V a, V b) { return paddq(a, b); }, HOST_VV(_mm_add_epi64(a, b)));
  diff_vv(
      "psubb", [](V a, V b) { return psubb(a, b); }, HOST_VV(_mm_sub_epi8(a, b)));
  diff_vv(
      "psubw", [](V a, V b) { return psubw(a, b); }, HOST_VV(_mm_sub_epi16(a, b)));
  diff_vv(
      "psubd", [](V a, V b) { return psubd(a, b); }, HOST_VV(_mm_sub_epi32(a, b)));
  diff_vv(
      "psubq", [](V a, V b) { return psubq(a, b); }, HOST_VV(_mm_sub_epi64(a, b)));
}

TEST_CASE("saturating add and subtract match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "paddsb", [](V a, V b) { return paddsb(a, b); }, HOST_VV(_mm_adds_epi8(a, b)));
  diff_vv(
      "paddsw", [](V a, V b) { return paddsw(a, b); }, HOST_VV(_mm_adds_epi16(a, b)));
  diff_vv(
      "paddusb", [](V a, V b) { return paddusb(a, b); }, HOST_VV(_mm_adds_epu8(a, b)));
  diff_vv(
      "paddusw", [](V a, V b) { return paddusw(a, b); }, HOST_VV(_mm_adds_epu16(a, b)));
  diff_vv(
      "psubsb", [](V a, V b) { return psubsb(a, b); }, HOST_VV(_mm_subs_epi8(a, b)));
  diff_vv(
      "psubsw", [](V a, V b) { return psubsw(a, b); }, HOST_VV(_mm_subs_epi16(a, b)));
  diff_vv(
      "psubusb", [](V a, V b) { return psubusb(a, b); }, HOST_VV(_mm_subs_epu8(a, b)));
  diff_vv(
      "psubusw", [](V a, V b) { return psubusw(a, b); }, HOST_VV(_mm_subs_epu16(a, b)));
}

TEST_CASE("average, minimum and maximum match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "pavgb", [](V a, V b) { return pavgb(a, b); }, HOST_VV(_mm_avg_epu8(a, b)));
  diff_vv(
      "pavgw", [](V a, V b) { return pavgw(a, b); }, HOST_VV(_mm_avg_epu16(a, b)));
  diff_vv(
      "pminsb", [](V a, V b) { return pminsb(a, b); }, HOST_VV(_mm_min_epi8(a, b)));
  diff_vv(
      "pminub", [](V a, V b) { return pminub(a, b); }, HOST_VV(_mm_min_epu8(a, b)));
  diff_vv(
      "pminsw", [](V a, V b) { return pminsw(a, b); }, HOST_VV(_mm_min_epi16(a, b)));
  diff_vv(
      "pminuw", [](V a, V b) { return pminuw(a, b); }, HOST_VV(_mm_min_epu16(a, b)));
  diff_vv(
      "pminsd", [](V a, V b) { return pminsd(a, b); }, HOST_VV(_mm_min_epi32(a, b)));
  diff_vv(
      "pminud", [](V a, V b) { return pminud(a, b); }, HOST_VV(_mm_min_epu32(a, b)));
  diff_vv(
      "pmaxsb", [](V a, V b) { return pmaxsb(a, b); }, HOST_VV(_mm_max_epi8(a, b)));
  diff_vv(
      "pmaxub", [](V a, V b) { return pmaxub(a, b); }, HOST_VV(_mm_max_epu8(a, b)));
  diff_vv(
      "pmaxsw", [](V a, V b) { return pmaxsw(a, b); }, HOST_VV(_mm_max_epi16(a, b)));
  diff_vv(
      "pmaxuw", [](V a, V b) { return pmaxuw(a, b); }, HOST_VV(_mm_max_epu16(a, b)));
  diff_vv(
      "pmaxsd", [](V a, V b) { return pmaxsd(a, b); }, HOST_VV(_mm_max_epi32(a, b)));
  diff_vv(
      "pmaxud", [](V a, V b) { return pmaxud(a, b); }, HOST_VV(_mm_max_epu32(a, b)));
}

TEST_CASE("absolute value and sign transfer match the host") {
  if (!host_has_oracle()) return;
  diff_v(
      "pabsb", [](V a) { return pabsb(a); }, HOST_V(_mm_abs_epi8(a)));
  diff_v(
      "pabsw", [](V a) { return pabsw(a); }, HOST_V(_mm_abs_epi16(a)));
  diff_v(
      "pabsd", [](V a) { return pabsd(a); }, HOST_V(_mm_abs_epi32(a)));
  diff_vv(
      "psignb", [](V a, V b) { return psignb(a, b); }, HOST_VV(_mm_sign_epi8(a, b)));
  diff_vv(
      "psignw", [](V a, V b) { return psignw(a, b); }, HOST_VV(_mm_sign_epi16(a, b)));
  diff_vv(
      "psignd", [](V a, V b) { return psignd(a, b); }, HOST_VV(_mm_sign_epi32(a, b)));
}

TEST_CASE("horizontal add and subtract match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "phaddw", [](V a, V b) { return phaddw(a, b); }, HOST_VV(_mm_hadd_epi16(a, b)));
  diff_vv(
      "phaddd", [](V a, V b) { return phaddd(a, b); }, HOST_VV(_mm_hadd_epi32(a, b)));
  diff_vv(
      "phaddsw", [](V a, V b) { return phaddsw(a, b); }, HOST_VV(_mm_hadds_epi16(a, b)));
  diff_vv(
      "phsubw", [](V a, V b) { return phsubw(a, b); }, HOST_VV(_mm_hsub_epi16(a, b)));
  diff_vv(
      "phsubd", [](V a, V b) { return phsubd(a, b); }, HOST_VV(_mm_hsub_epi32(a, b)));
  diff_vv(
      "phsubsw", [](V a, V b) { return phsubsw(a, b); }, HOST_VV(_mm_hsubs_epi16(a, b)));
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace
}  // namespace glasspc::simd::test

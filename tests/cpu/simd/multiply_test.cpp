// PMUL*, PMADD*, PSADBW/MPSADBW and PHMINPOSUW against the host.
#include "cpu/simd/integer_multiply.h"
#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

using V = Vec128;

TEST_CASE("pmaddwd wraps only for two 0x8000 products") {
  const u64 all_min = 0x8000800080008000;
  CHECK(pmaddwd(all_min, all_min) == 0x8000000080000000);
  CHECK(pmaddwd(u64{0x0002000300040005}, u64{0x0001000100010001}) == 0x0000000500000009);
}

TEST_CASE("phminposuw keeps the first of equal minima") {
  CHECK(phminposuw(V{0x0005000300070009, 0x0009000300080006}) == V{0x3 | (u64{2} << 16), 0});
  CHECK(phminposuw(V{~u64{0}, ~u64{0}}) == V{0xFFFF, 0});
}

#if defined(GLASSPC_SIMD_ORACLE)

TEST_CASE("word multiplies match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "pmullw", [](V a, V b) { return pmullw(a, b); }, HOST_VV(_mm_mullo_epi16(a, b)));
  diff_vv(
      "pmulhw", [](V a, V b) { return pmulhw(a, b); }, HOST_VV(_mm_mulhi_epi16(a, b)));
  diff_vv(
      "pmulhuw", [](V a, V b) { return pmulhuw(a, b); }, HOST_VV(_mm_mulhi_epu16(a, b)));
  diff_vv(
      "pmulhrsw", [](V a, V b) { return pmulhrsw(a, b); }, HOST_VV(_mm_mulhrs_epi16(a, b)));
}

TEST_CASE("dword multiplies match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "pmulld", [](V a, V b) { return pmulld(a, b); }, HOST_VV(_mm_mullo_epi32(a, b)));
  diff_vv(
      "pmuludq", [](V a, V b) { return pmuludq(a, b); }, HOST_VV(_mm_mul_epu32(a, b)));
  diff_vv(
      "pmuldq", [](V a, V b) { return pmuldq(a, b); }, HOST_VV(_mm_mul_epi32(a, b)));
}

TEST_CASE("multiply-add matches the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "pmaddwd", [](V a, V b) { return pmaddwd(a, b); }, HOST_VV(_mm_madd_epi16(a, b)));
  diff_vv(
      "pmaddubsw", [](V a, V b) { return pmaddubsw(a, b); }, HOST_VV(_mm_maddubs_epi16(a, b)));
}

TEST_CASE("sums of absolute differences match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "psadbw", [](V a, V b) { return psadbw(a, b); }, HOST_VV(_mm_sad_epu8(a, b)));
  diff_vvi(
      "mpsadbw", [](V a, V b, u8 imm) { return mpsadbw(a, b, imm); },
      HOST_VVI(_mm_mpsadbw_epu8(a, b, kImm)));
}

TEST_CASE("phminposuw matches the host") {
  if (!host_has_oracle()) return;
  diff_v(
      "phminposuw", [](V a) { return phminposuw(a); }, HOST_V(_mm_minpos_epu16(a)));
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace
}  // namespace glasspc::simd::test

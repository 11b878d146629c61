// PSLL/PSRL/PSRA by register and immediate, PSLLDQ/PSRLDQ and PALIGNR against the host.
#include "cpu/simd/shifts.h"
#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

using V = Vec128;

TEST_CASE("shift counts at or beyond the lane width clear or sign-fill") {
  const V v{0x8001800180018001, 0x7FFF7FFF00010001};
  CHECK(psllw(v, 16) == V{});
  CHECK(psrlw(v, u64{1} << 32) == V{});
  CHECK(psraw(v, 16) == V{~u64{0}, 0});
  CHECK(psraw(v, 15) == psraw(v, 1000));
  CHECK(psrad(V{0x80000000, 0}, 31) == V{0xFFFFFFFF, 0});
  CHECK(psllq(v, 64) == V{});
  CHECK(psrlq(v, 63) == V{1, 0});
  CHECK(psrlw(v, 1) == V{0x4000400040004000, 0x3FFF3FFF00000000});
}

TEST_CASE("byte shifts and palignr move whole bytes across the halves") {
  const V v{0x0706050403020100, 0x0F0E0D0C0B0A0908};
  CHECK(pslldq(v, 1) == V{0x0605040302010000, 0x0E0D0C0B0A090807});
  CHECK(psrldq(v, 9) == V{0x0F0E0D0C0B0A09, 0});
  CHECK(pslldq(v, 16) == V{});
  CHECK(palignr(v, V{}, 16) == v);
  CHECK(palignr(V{}, v, 0) == v);
  CHECK(palignr(v, v, 32) == V{});
  CHECK(palignr(u64{0x1122334455667788}, u64{0x99AABBCCDDEEFF00}, 3) == 0x66778899AABBCCDD);
}

#if defined(GLASSPC_SIMD_ORACLE)

// Shift by the low qword of a register: every count is tried with the full 64-bit value.
template <typename Lib, typename Host>
void diff_shift(std::string_view name, Lib lib, Host host) {
  Operands gen(name);
  Report report(name);
  for (int i = 0; i < kCases; ++i) {
    const V a = gen.vec();
    const u64 count = gen.shift_count();
    // The count register's high qword is ignored by the instruction; make it noisy.
    const V count_reg{count, gen.bits()};
    report.expect(lib(a, count), from_host(host(to_host(a), to_host(count_reg))),
                  hex(a) + ", count " + hex(count));
  }
  report.finish();
}

TEST_CASE("shifts by register count match the host") {
  if (!host_has_oracle()) return;
  diff_shift(
      "psllw", [](V a, u64 c) { return psllw(a, c); }, HOST_VV(_mm_sll_epi16(a, b)));
  diff_shift(
      "pslld", [](V a, u64 c) { return pslld(a, c); }, HOST_VV(_mm_sll_epi32(a, b)));
  diff_shift(
      "psllq", [](V a, u64 c) { return psllq(a, c); }, HOST_VV(_mm_sll_epi64(a, b)));
  diff_shift(
      "psrlw", [](V a, u64 c) { return psrlw(a, c); }, HOST_VV(_mm_srl_epi16(a, b)));
  diff_shift(
      "psrld", [](V a, u64 c) { return psrld(a, c); }, HOST_VV(_mm_srl_epi32(a, b)));
  diff_shift(
      "psrlq", [](V a, u64 c) { return psrlq(a, c); }, HOST_VV(_mm_srl_epi64(a, b)));
  diff_shift(
      "psraw", [](V a, u64 c) { return psraw(a, c); }, HOST_VV(_mm_sra_epi16(a, b)));
  diff_shift(
      "psrad", [](V a, u64 c) { return psrad(a, c); }, HOST_VV(_mm_sra_epi32(a, b)));
}

TEST_CASE("shifts by immediate match the host") {
  if (!host_has_oracle()) return;
  diff_vi(
      "psllw imm", [](V a, u8 imm) { return psllw(a, imm); }, HOST_VI(_mm_slli_epi16(a, kImm)));
  diff_vi(
      "pslld imm", [](V a, u8 imm) { return pslld(a, imm); }, HOST_VI(_mm_slli_epi32(a, kImm)));
  diff_vi(
      "psllq imm", [](V a, u8 imm) { return psllq(a, imm); }, HOST_VI(_mm_slli_epi64(a, kImm)));
  diff_vi(
      "psrlw imm", [](V a, u8 imm) { return psrlw(a, imm); }, HOST_VI(_mm_srli_epi16(a, kImm)));
  diff_vi(
      "psrld imm", [](V a, u8 imm) { return psrld(a, imm); }, HOST_VI(_mm_srli_epi32(a, kImm)));
  diff_vi(
      "psrlq imm", [](V a, u8 imm) { return psrlq(a, imm); }, HOST_VI(_mm_srli_epi64(a, kImm)));
  diff_vi(
      "psraw imm", [](V a, u8 imm) { return psraw(a, imm); }, HOST_VI(_mm_srai_epi16(a, kImm)));
  diff_vi(
      "psrad imm", [](V a, u8 imm) { return psrad(a, imm); }, HOST_VI(_mm_srai_epi32(a, kImm)));
}

TEST_CASE("byte shifts and palignr match the host") {
  if (!host_has_oracle()) return;
  // Inline asm so that every imm8 value reaches the instruction encoding unchanged.
  diff_vi(
      "pslldq", [](V a, u8 imm) { return pslldq(a, imm); }, HOST_VI(([a]() mutable {
        asm("pslldq %[imm], %[a]" : [a] "+x"(a) : [imm] "i"(kImm));
        return a;
      }())));
  diff_vi(
      "psrldq", [](V a, u8 imm) { return psrldq(a, imm); }, HOST_VI(([a]() mutable {
        asm("psrldq %[imm], %[a]" : [a] "+x"(a) : [imm] "i"(kImm));
        return a;
      }())));
  diff_vvi(
      "palignr", [](V a, V b, u8 imm) { return palignr(a, b, imm); },
      HOST_VVI(_mm_alignr_epi8(a, b, kImm)));
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace
}  // namespace glasspc::simd::test

// PINSR*/PEXTR*, INSERTPS/EXTRACTPS and PMOVSX/PMOVZX against the host.
#include "cpu/simd/insert_extract.h"

#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

using V = Vec128;

TEST_CASE("insertps writes, then zeroes by mask") {
  const V dest = vec_from_dwords(1, 2, 3, 4);
  const V src = vec_from_dwords(5, 6, 7, 8);
  CHECK(insertps(dest, src, 0xA0) == vec_from_dwords(1, 2, 7, 4));
  CHECK(insertps(dest, src, 0xE1) == vec_from_dwords(0, 2, 8, 4));
  CHECK(insertps_value(dest, 9, 0xC6) == vec_from_dwords(9, 0, 0, 4));
  CHECK(extractps(src, 6) == 7);
}

TEST_CASE("pmovsx and pmovzx widen the low elements") {
  const V v{0x00000000FFFF8001, 0};
  CHECK(pmovsxwd(v) == vec_from_dwords(0xFFFF8001, 0xFFFFFFFF, 0, 0));
  CHECK(pmovzxwd(v) == vec_from_dwords(0x8001, 0xFFFF, 0, 0));
  CHECK(pmovsxbq(v) == V{1, ~u64{0} << 7});
  CHECK(pmovzxdq(V{0xFFFFFFFF80000000, 0}) == V{0x80000000, 0xFFFFFFFF});
}

#if defined(GLASSPC_SIMD_ORACLE)

// Insertion of a general-register value at every imm8, through the instruction itself.
template <typename Lib, typename Host>
void diff_insert(std::string_view name, Lib lib, Host host) {
  Operands gen(name);
  Report report(name);
  for (int imm = 0; imm < 256; ++imm) {
    for (int i = 0; i < 48; ++i) {
      const V a = gen.vec();
      const u64 value = gen.qword();
      report.expect(lib(a, value, static_cast<u8>(imm)), from_host(host(to_host(a), value, imm)),
                    hex(a) + ", " + hex(value) + ", imm " + std::to_string(imm));
    }
  }
  report.finish();
}

#define HOST_INSERT(insn, reg)                                         \
  [](__m128i a, u64 value, int imm) GLASSPC_HOST_TARGET {              \
    return with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET {  \
      asm(insn " %[imm], %" reg "[v], %[a]"                            \
          : [a] "+x"(a)                                                \
          : [v] "r"(value), [imm] "i"(decltype(imm_constant)::value)); \
      return a;                                                        \
    });                                                                \
  }

TEST_CASE("pinsr matches the host for every imm8") {
  if (!host_has_oracle()) return;
  diff_insert(
      "pinsrb", [](V a, u64 v, u8 imm) { return pinsrb(a, static_cast<u32>(v), imm); },
      HOST_INSERT("pinsrb", "k"));
  diff_insert(
      "pinsrw", [](V a, u64 v, u8 imm) { return pinsrw(a, static_cast<u32>(v), imm); },
      HOST_INSERT("pinsrw", "k"));
  diff_insert(
      "pinsrd", [](V a, u64 v, u8 imm) { return pinsrd(a, static_cast<u32>(v), imm); },
      HOST_INSERT("pinsrd", "k"));
  diff_insert(
      "pinsrq", [](V a, u64 v, u8 imm) { return pinsrq(a, v, imm); }, HOST_INSERT("pinsrq", "q"));
}

// Extraction to a general register at every imm8; the upper bits of the destination must be zero.
template <typename Lib, typename Host>
void diff_extract(std::string_view name, Lib lib, Host host) {
  Operands gen(name);
  Report report(name);
  for (int imm = 0; imm < 256; ++imm) {
    for (int i = 0; i < 48; ++i) {
      const V a = gen.vec();
      report.expect(u64{lib(a, static_cast<u8>(imm))}, host(to_host(a), imm),
                    hex(a) + ", imm " + std::to_string(imm));
    }
  }
  report.finish();
}

#define HOST_EXTRACT(insn, reg)                                       \
  [](__m128i a, int imm) GLASSPC_HOST_TARGET {                        \
    return with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET { \
      u64 out = ~u64{0};                                              \
      asm(insn " %[imm], %[a], %" reg "[out]"                         \
          : [out] "+r"(out)                                           \
          : [a] "x"(a), [imm] "i"(decltype(imm_constant)::value));    \
      return out;                                                     \
    });                                                               \
  }

TEST_CASE("pextr and extractps match the host for every imm8") {
  if (!host_has_oracle()) return;
  // The 32-bit register forms zero-extend into the 64-bit register, as the host shows.
  diff_extract(
      "pextrb", [](V a, u8 imm) { return pextrb(a, imm); }, HOST_EXTRACT("pextrb", "k"));
  diff_extract(
      "pextrw", [](V a, u8 imm) { return pextrw(a, imm); }, HOST_EXTRACT("pextrw", "k"));
  diff_extract(
      "pextrd", [](V a, u8 imm) { return pextrd(a, imm); }, HOST_EXTRACT("pextrd", "k"));
  diff_extract(
      "pextrq", [](V a, u8 imm) { return pextrq(a, imm); }, HOST_EXTRACT("pextrq", "q"));
  diff_extract(
      "extractps", [](V a, u8 imm) { return extractps(a, imm); }, HOST_EXTRACT("extractps", "k"));
}

TEST_CASE("insertps matches the host for every imm8") {
  if (!host_has_oracle()) return;
  diff_vvi(
      "insertps", [](V a, V b, u8 imm) { return insertps(a, b, imm); },
      HOST_VVI(_mm_castps_si128(_mm_insert_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b), kImm))));
  // Memory form: the 32-bit operand is inserted as is and imm8[7:6] is ignored.
  diff_vvi(
      "insertps m32", [](V a, V b, u8 imm) { return insertps_value(a, b.dword(0), imm); },
      HOST_VVI(([a, b]() mutable {
        const u32 value = static_cast<u32>(_mm_cvtsi128_si32(b));
        asm("insertps %[imm], %[m], %[a]" : [a] "+x"(a) : [m] "m"(value), [imm] "i"(kImm));
        return a;
      }())));
}

TEST_CASE("pmovsx and pmovzx match the host") {
  if (!host_has_oracle()) return;
  diff_v(
      "pmovsxbw", [](V a) { return pmovsxbw(a); }, HOST_V(_mm_cvtepi8_epi16(a)));
  diff_v(
      "pmovsxbd", [](V a) { return pmovsxbd(a); }, HOST_V(_mm_cvtepi8_epi32(a)));
  diff_v(
      "pmovsxbq", [](V a) { return pmovsxbq(a); }, HOST_V(_mm_cvtepi8_epi64(a)));
  diff_v(
      "pmovsxwd", [](V a) { return pmovsxwd(a); }, HOST_V(_mm_cvtepi16_epi32(a)));
  diff_v(
      "pmovsxwq", [](V a) { return pmovsxwq(a); }, HOST_V(_mm_cvtepi16_epi64(a)));
  diff_v(
      "pmovsxdq", [](V a) { return pmovsxdq(a); }, HOST_V(_mm_cvtepi32_epi64(a)));
  diff_v(
      "pmovzxbw", [](V a) { return pmovzxbw(a); }, HOST_V(_mm_cvtepu8_epi16(a)));
  diff_v(
      "pmovzxbd", [](V a) { return pmovzxbd(a); }, HOST_V(_mm_cvtepu8_epi32(a)));
  diff_v(
      "pmovzxbq", [](V a) { return pmovzxbq(a); }, HOST_V(_mm_cvtepu8_epi64(a)));
  diff_v(
      "pmovzxwd", [](V a) { return pmovzxwd(a); }, HOST_V(_mm_cvtepu16_epi32(a)));
  diff_v(
      "pmovzxwq", [](V a) { return pmovzxwq(a); }, HOST_V(_mm_cvtepu16_epi64(a)));
  diff_v(
      "pmovzxdq", [](V a) { return pmovzxdq(a); }, HOST_V(_mm_cvtepu32_epi64(a)));
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace
}  // namespace glasspc::simd::test

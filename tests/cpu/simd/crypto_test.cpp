// CRC32, PCLMULQDQ, AES-NI and POPCNT against the host.
#include "cpu/simd/aes.h"
#include "cpu/simd/carryless_multiply.h"
#include "cpu/simd/crc32c.h"
#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

using V = Vec128;

#if defined(GLASSPC_SIMD_ORACLE)

TEST_CASE("crc32 matches the host in all four widths") {
  if (!host_has_oracle()) return;
  Operands gen("crc32");
  Report r8("crc32 r/m8");
  Report r16("crc32 r/m16");
  Report r32("crc32 r/m32");
  Report r64("crc32 r/m64");
  const auto host8 = [](u32 c, u8 d) GLASSPC_HOST_TARGET { return _mm_crc32_u8(c, d); };
  const auto host16 = [](u32 c, u16 d) GLASSPC_HOST_TARGET { return _mm_crc32_u16(c, d); };
  const auto host32 = [](u32 c, u32 d) GLASSPC_HOST_TARGET { return _mm_crc32_u32(c, d); };
  const auto host64 = [](u64 c, u64 d) GLASSPC_HOST_TARGET { return _mm_crc32_u64(c, d); };
  for (int i = 0; i < kCases; ++i) {
    const u32 crc = static_cast<u32>(gen.qword());
    const u64 data = gen.qword();
    const std::string in = hex(crc) + ", " + hex(data);
    r8.expect(crc32c_u8(crc, static_cast<u8>(data)), host8(crc, static_cast<u8>(data)), in);
    r16.expect(crc32c_u16(crc, static_cast<u16>(data)), host16(crc, static_cast<u16>(data)), in);
    r32.expect(crc32c_u32(crc, static_cast<u32>(data)), host32(crc, static_cast<u32>(data)), in);
    // The 64-bit form reads only the low 32 bits of the accumulator and zero-extends the result.
    const u64 wide_crc = crc | (gen.bits() << 32);
    r64.expect(u64{crc32c_u64(crc, data)}, static_cast<u64>(host64(wide_crc, data)), in);
  }
  r8.finish();
  r16.finish();
  r32.finish();
  r64.finish();
}

TEST_CASE("pclmulqdq matches the host for every imm8") {
  if (!host_has_oracle()) return;
  diff_vvi(
      "pclmulqdq", [](V a, V b, u8 imm) { return pclmulqdq(a, b, imm); },
      HOST_VVI(_mm_clmulepi64_si128(a, b, kImm)));
}

TEST_CASE("aes rounds match the host") {
  if (!host_has_oracle()) return;
  diff_vv(
      "aesenc", [](V a, V b) { return aesenc(a, b); }, HOST_VV(_mm_aesenc_si128(a, b)));
  diff_vv(
      "aesenclast", [](V a, V b) { return aesenclast(a, b); }, HOST_VV(_mm_aesenclast_si128(a, b)));
  diff_vv(
      "aesdec", [](V a, V b) { return aesdec(a, b); }, HOST_VV(_mm_aesdec_si128(a, b)));
  diff_vv(
      "aesdeclast", [](V a, V b) { return aesdeclast(a, b); }, HOST_VV(_mm_aesdeclast_si128(a, b)));
}

TEST_CASE("aesimc and aeskeygenassist match the host") {
  if (!host_has_oracle()) return;
  diff_v(
      "aesimc", [](V a) { return aesimc(a); }, HOST_V(_mm_aesimc_si128(a)));
  diff_vi(
      "aeskeygenassist", [](V a, u8 imm) { return aeskeygenassist(a, imm); },
      HOST_VI(_mm_aeskeygenassist_si128(a, kImm)));
}

TEST_CASE("popcnt and its flags match the host") {
  if (!host_has_oracle()) return;
  Operands gen("popcnt");
  Report counts("popcnt");
  Report flags("popcnt flags");
  for (int i = 0; i < kCases; ++i) {
    const u64 v = gen.below(16) == 0 ? 0 : gen.qword();
    u64 count = 0;
    u32 eax = 0;
    u8 overflow = 0;
    // Start from the opposite flags so that clearing is observable.
    asm("movl $0xFFFFFFFF, %%eax\n\t"
        "addl $1, %%eax\n\t"
        "popcntq %[v], %[count]\n\t"
        "lahf\n\t"
        "seto %[of]"
        : [count] "=r"(count), "=&a"(eax), [of] "=q"(overflow)
        : [v] "r"(v)
        : "cc");
    counts.expect(u64{popcnt(v)}, count, hex(v));
    flags.expect(popcnt_flags(v),
                 ((eax >> 8) & (kFlagCf | kFlagPf | kFlagAf | kFlagZf | kFlagSf)) |
                     (overflow ? kFlagOf : 0u),
                 hex(v));
  }
  counts.finish();
  flags.finish();
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace
}  // namespace glasspc::simd::test

// The 64-bit MMX forms (u64 overloads) against MMX instructions run on the host. The oracles load
// the MMX registers, run one instruction and leave with EMMS, so the x87 state stays usable.
#include "cpu/simd/simd.h"
#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

TEST_CASE("MMX-only forms differ from the low half of the SSE forms") {
  // PHADDW on MMX pairs destination then source within 64 bits.
  CHECK(phaddw(u64{0x0004000300020001}, u64{0x0040003000200010}) == 0x0070003000070003);
  // PSHUFW uses all four words of the MMX register.
  CHECK(pshufw(u64{0x4444333322221111}, 0x1B) == 0x1111222233334444);
  // PMULUDQ on MMX multiplies only the low dwords.
  CHECK(pmuludq(u64{0xFFFFFFFF}, u64{0xFFFFFFFF}) == 0xFFFFFFFE00000001);
  // PUNPCKH on MMX takes the high dwords of the 64-bit operands.
  CHECK(punpckhbw(u64{0x0706050403020100}, u64{0x1716151413121110}) == 0x1707160615051404);
  CHECK(pextrw(u64{0x4444333322221111}, 6) == 0x3333);
  CHECK(pinsrw(u64{0}, 0xABCD1234, 5) == 0x0000000012340000);
}

#if defined(GLASSPC_SIMD_ORACLE)

template <typename Lib, typename Host>
void diff_mm(std::string_view name, Lib lib, Host host) {
  Operands gen(name);
  Report report(name);
  for (int i = 0; i < kCases; ++i) {
    const u64 a = gen.mmx();
    const u64 b = gen.mmx();
    report.expect(u64{lib(a, b)}, u64{host(a, b)}, hex(a) + ", " + hex(b));
  }
  report.finish();
}

template <typename Lib, typename Host>
void diff_mm_imm(std::string_view name, Lib lib, Host host) {
  Operands gen(name);
  Report report(name);
  for (int imm = 0; imm < 256; ++imm) {
    for (int i = 0; i < 48; ++i) {
      const u64 a = gen.mmx();
      const u64 b = gen.mmx();
      report.expect(u64{lib(a, b, static_cast<u8>(imm))}, u64{host(a, b, imm)},
                    hex(a) + ", " + hex(b) + ", imm " + std::to_string(imm));
    }
  }
  report.finish();
}

// `insn mm1, mm0` with mm0 = a (destination) and mm1 = b.
#define MMX_BINARY(insn)                 \
  [](u64 a, u64 b) GLASSPC_HOST_TARGET { \
    asm("movq %[a], %%mm0\n\t"           \
        "movq %[b], %%mm1\n\t" insn      \
        " %%mm1, %%mm0\n\t"              \
        "movq %%mm0, %[a]\n\t"           \
        "emms"                           \
        : [a] "+r"(a)                    \
        : [b] "r"(b)                     \
        : "mm0", "mm1");                 \
    return a;                            \
  }

// `insn $imm, mm1, mm0`; b is ignored by the two-operand immediate forms below.
#define MMX_IMM(insn, operands)                                       \
  [](u64 a, u64 b, int imm) GLASSPC_HOST_TARGET {                     \
    return with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET { \
      u64 r = a;                                                      \
      asm("movq %[a], %%mm0\n\t"                                      \
          "movq %[b], %%mm1\n\t" insn " %[imm], " operands            \
          "\n\t"                                                      \
          "movq %%mm0, %[a]\n\t"                                      \
          "emms"                                                      \
          : [a] "+r"(r)                                               \
          : [b] "r"(b), [imm] "i"(decltype(imm_constant)::value)      \
          : "mm0", "mm1");                                            \
      return r;                                                       \
    });                                                               \
  }

TEST_CASE("MMX lane arithmetic matches the host") {
  if (!host_has_oracle()) return;
  diff_mm(
      "mmx paddb", [](u64 a, u64 b) { return paddb(a, b); }, MMX_BINARY("paddb"));
  diff_mm(
      "mmx paddw", [](u64 a, u64 b) { return paddw(a, b); }, MMX_BINARY("paddw"));
  diff_mm(
      "mmx paddd", [](u64 a, u64 b) { return paddd(a, b); }, MMX_BINARY("paddd"));
  diff_mm(
      "mmx paddq", [](u64 a, u64 b) { return paddq(a, b); }, MMX_BINARY("paddq"));
  diff_mm(
      "mmx psubb", [](u64 a, u64 b) { return psubb(a, b); }, MMX_BINARY("psubb"));
  diff_mm(
      "mmx psubw", [](u64 a, u64 b) { return psubw(a, b); }, MMX_BINARY("psubw"));
  diff_mm(
      "mmx psubd", [](u64 a, u64 b) { return psubd(a, b); }, MMX_BINARY("psubd"));
  diff_mm(
      "mmx psubq", [](u64 a, u64 b) { return psubq(a, b); }, MMX_BINARY("psubq"));
  diff_mm(
      "mmx paddsb", [](u64 a, u64 b) { return paddsb(a, b); }, MMX_BINARY("paddsb"));
  diff_mm(
      "mmx paddsw", [](u64 a, u64 b) { return paddsw(a, b); }, MMX_BINARY("paddsw"));
  diff_mm(
      "mmx paddusb", [](u64 a, u64 b) { return paddusb(a, b); }, MMX_BINARY("paddusb"));
  diff_mm(
      "mmx paddusw", [](u64 a, u64 b) { return paddusw(a, b); }, MMX_BINARY("paddusw"));
  diff_mm(
      "mmx psubsb", [](u64 a, u64 b) { return psubsb(a, b); }, MMX_BINARY("psubsb"));
  diff_mm(
      "mmx psubsw", [](u64 a, u64 b) { return psubsw(a, b); }, MMX_BINARY("psubsw"));
  diff_mm(
      "mmx psubusb", [](u64 a, u64 b) { return psubusb(a, b); }, MMX_BINARY("psubusb"));
  diff_mm(
      "mmx psubusw", [](u64 a, u64 b) { return psubusw(a, b); }, MMX_BINARY("psubusw"));
  diff_mm(
      "mmx pavgb", [](u64 a, u64 b) { return pavgb(a, b); }, MMX_BINARY("pavgb"));
  diff_mm(
      "mmx pavgw", [](u64 a, u64 b) { return pavgw(a, b); }, MMX_BINARY("pavgw"));
  diff_mm(
      "mmx pminub", [](u64 a, u64 b) { return pminub(a, b); }, MMX_BINARY("pminub"));
  diff_mm(
      "mmx pmaxub", [](u64 a, u64 b) { return pmaxub(a, b); }, MMX_BINARY("pmaxub"));
  diff_mm(
      "mmx pminsw", [](u64 a, u64 b) { return pminsw(a, b); }, MMX_BINARY("pminsw"));
  diff_mm(
      "mmx pmaxsw", [](u64 a, u64 b) { return pmaxsw(a, b); }, MMX_BINARY("pmaxsw"));
  diff_mm(
      "mmx psignb", [](u64 a, u64 b) { return psignb(a, b); }, MMX_BINARY("psignb"));
  diff_mm(
      "mmx psignw", [](u64 a, u64 b) { return psignw(a, b); }, MMX_BINARY("psignw"));
  diff_mm(
      "mmx psignd", [](u64 a, u64 b) { return psignd(a, b); }, MMX_BINARY("psignd"));
  // PABS reads only the source; the destination operand's old value must not matter.
  diff_mm(
      "mmx pabsb", [](u64, u64 b) { return pabsb(b); }, MMX_BINARY("pabsb"));
  diff_mm(
      "mmx pabsw", [](u64, u64 b) { return pabsw(b); }, MMX_BINARY("pabsw"));
  diff_mm(
      "mmx pabsd", [](u64, u64 b) { return pabsd(b); }, MMX_BINARY("pabsd"));
}

TEST_CASE("MMX compares, logic and multiplies match the host") {
  if (!host_has_oracle()) return;
  diff_mm(
      "mmx pcmpeqb", [](u64 a, u64 b) { return pcmpeqb(a, b); }, MMX_BINARY("pcmpeqb"));
  diff_mm(
      "mmx pcmpeqw", [](u64 a, u64 b) { return pcmpeqw(a, b); }, MMX_BINARY("pcmpeqw"));
  diff_mm(
      "mmx pcmpeqd", [](u64 a, u64 b) { return pcmpeqd(a, b); }, MMX_BINARY("pcmpeqd"));
  diff_mm(
      "mmx pcmpgtb", [](u64 a, u64 b) { return pcmpgtb(a, b); }, MMX_BINARY("pcmpgtb"));
  diff_mm(
      "mmx pcmpgtw", [](u64 a, u64 b) { return pcmpgtw(a, b); }, MMX_BINARY("pcmpgtw"));
  diff_mm(
      "mmx pcmpgtd", [](u64 a, u64 b) { return pcmpgtd(a, b); }, MMX_BINARY("pcmpgtd"));
  diff_mm(
      "mmx pand", [](u64 a, u64 b) { return pand(a, b); }, MMX_BINARY("pand"));
  diff_mm(
      "mmx pandn", [](u64 a, u64 b) { return pandn(a, b); }, MMX_BINARY("pandn"));
  diff_mm(
      "mmx por", [](u64 a, u64 b) { return por(a, b); }, MMX_BINARY("por"));
  diff_mm(
      "mmx pxor", [](u64 a, u64 b) { return pxor(a, b); }, MMX_BINARY("pxor"));
  diff_mm(
      "mmx pmullw", [](u64 a, u64 b) { return pmullw(a, b); }, MMX_BINARY("pmullw"));
  diff_mm(
      "mmx pmulhw", [](u64 a, u64 b) { return pmulhw(a, b); }, MMX_BINARY("pmulhw"));
  diff_mm(
      "mmx pmulhuw", [](u64 a, u64 b) { return pmulhuw(a, b); }, MMX_BINARY("pmulhuw"));
  diff_mm(
      "mmx pmulhrsw", [](u64 a, u64 b) { return pmulhrsw(a, b); }, MMX_BINARY("pmulhrsw"));
  diff_mm(
      "mmx pmuludq", [](u64 a, u64 b) { return pmuludq(a, b); }, MMX_BINARY("pmuludq"));
  diff_mm(
      "mmx pmaddwd", [](u64 a, u64 b) { return pmaddwd(a, b); }, MMX_BINARY("pmaddwd"));
  diff_mm(
      "mmx pmaddubsw", [](u64 a, u64 b) { return pmaddubsw(a, b); }, MMX_BINARY("pmaddubsw"));
  diff_mm(
      "mmx psadbw", [](u64 a, u64 b) { return psadbw(a, b); }, MMX_BINARY("psadbw"));
}

TEST_CASE("MMX packs, unpacks, shuffles and horizontal ops match the host") {
  if (!host_has_oracle()) return;
  diff_mm(
      "mmx packsswb", [](u64 a, u64 b) { return packsswb(a, b); }, MMX_BINARY("packsswb"));
  diff_mm(
      "mmx packssdw", [](u64 a, u64 b) { return packssdw(a, b); }, MMX_BINARY("packssdw"));
  diff_mm(
      "mmx packuswb", [](u64 a, u64 b) { return packuswb(a, b); }, MMX_BINARY("packuswb"));
  diff_mm(
      "mmx punpcklbw", [](u64 a, u64 b) { return punpcklbw(a, b); }, MMX_BINARY("punpcklbw"));
  diff_mm(
      "mmx punpcklwd", [](u64 a, u64 b) { return punpcklwd(a, b); }, MMX_BINARY("punpcklwd"));
  diff_mm(
      "mmx punpckldq", [](u64 a, u64 b) { return punpckldq(a, b); }, MMX_BINARY("punpckldq"));
  diff_mm(
      "mmx punpckhbw", [](u64 a, u64 b) { return punpckhbw(a, b); }, MMX_BINARY("punpckhbw"));
  diff_mm(
      "mmx punpckhwd", [](u64 a, u64 b) { return punpckhwd(a, b); }, MMX_BINARY("punpckhwd"));
  diff_mm(
      "mmx punpckhdq", [](u64 a, u64 b) { return punpckhdq(a, b); }, MMX_BINARY("punpckhdq"));
  diff_mm(
      "mmx pshufb", [](u64 a, u64 b) { return pshufb(a, b); }, MMX_BINARY("pshufb"));
  diff_mm(
      "mmx phaddw", [](u64 a, u64 b) { return phaddw(a, b); }, MMX_BINARY("phaddw"));
  diff_mm(
      "mmx phaddd", [](u64 a, u64 b) { return phaddd(a, b); }, MMX_BINARY("phaddd"));
  diff_mm(
      "mmx phaddsw", [](u64 a, u64 b) { return phaddsw(a, b); }, MMX_BINARY("phaddsw"));
  diff_mm(
      "mmx phsubw", [](u64 a, u64 b) { return phsubw(a, b); }, MMX_BINARY("phsubw"));
  diff_mm(
      "mmx phsubd", [](u64 a, u64 b) { return phsubd(a, b); }, MMX_BINARY("phsubd"));
  diff_mm(
      "mmx phsubsw", [](u64 a, u64 b) { return phsubsw(a, b); }, MMX_BINARY("phsubsw"));
  diff_mm_imm(
      "mmx pshufw", [](u64, u64 b, u8 imm) { return pshufw(b, imm); },
      MMX_IMM("pshufw", "%%mm1, %%mm0"));
  diff_mm_imm(
      "mmx palignr", [](u64 a, u64 b, u8 imm) { return palignr(a, b, imm); },
      MMX_IMM("palignr", "%%mm1, %%mm0"));
  // PINSRW mm, r32, imm8 with the value in the low word of b; PEXTRW r32, mm, imm8 into a GPR.
  diff_mm_imm(
      "mmx pinsrw", [](u64 a, u64 b, u8 imm) { return pinsrw(a, static_cast<u32>(b), imm); },
      MMX_IMM("pinsrw", "%k[b], %%mm0"));
  diff_mm_imm(
      "mmx pextrw", [](u64, u64 b, u8 imm) { return u64{pextrw(b, imm)}; },
      [](u64, u64 b, int imm) GLASSPC_HOST_TARGET {
        return with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET {
          u64 r = ~u64{0};
          asm("movq %[b], %%mm1\n\t"
              "pextrw %[imm], %%mm1, %k[r]\n\t"
              "emms"
              : [r] "+r"(r)
              : [b] "r"(b), [imm] "i"(decltype(imm_constant)::value)
              : "mm1");
          return r;
        });
      });
}

TEST_CASE("MMX shifts by register and immediate match the host") {
  if (!host_has_oracle()) return;
  struct Shift {
    const char* name;
    u64 (*lib)(u64, u64);
    u64 (*by_register)(u64, u64);
    u64 (*by_immediate)(u64, u64, int);
  };
  const Shift shifts[] = {
      {"psllw", psllw, MMX_BINARY("psllw"), MMX_IMM("psllw", "%%mm0")},
      {"pslld", pslld, MMX_BINARY("pslld"), MMX_IMM("pslld", "%%mm0")},
      {"psllq", psllq, MMX_BINARY("psllq"), MMX_IMM("psllq", "%%mm0")},
      {"psrlw", psrlw, MMX_BINARY("psrlw"), MMX_IMM("psrlw", "%%mm0")},
      {"psrld", psrld, MMX_BINARY("psrld"), MMX_IMM("psrld", "%%mm0")},
      {"psrlq", psrlq, MMX_BINARY("psrlq"), MMX_IMM("psrlq", "%%mm0")},
      {"psraw", psraw, MMX_BINARY("psraw"), MMX_IMM("psraw", "%%mm0")},
      {"psrad", psrad, MMX_BINARY("psrad"), MMX_IMM("psrad", "%%mm0")},
  };
  for (const Shift& s : shifts) {
    Operands gen(s.name);
    Report by_register(std::string("mmx ") + s.name);
    Report by_immediate(std::string("mmx ") + s.name + " imm");
    for (int i = 0; i < kCases; ++i) {
      const u64 a = gen.mmx();
      const u64 count = gen.shift_count();
      by_register.expect(s.lib(a, count), s.by_register(a, count), hex(a) + ", " + hex(count));
      const int imm = static_cast<int>(gen.below(256));
      by_immediate.expect(s.lib(a, static_cast<u64>(imm)), s.by_immediate(a, 0, imm),
                          hex(a) + ", imm " + std::to_string(imm));
    }
    by_register.finish();
    by_immediate.finish();
  }
}

TEST_CASE("MMX pmovmskb and maskmovq match the host") {
  if (!host_has_oracle()) return;
  Operands gen("mmx masks");
  Report masks("mmx pmovmskb");
  Report stores("maskmovq");
  for (int i = 0; i < kCases; ++i) {
    const u64 mask = gen.mmx();
    u64 host_mask = 0;
    asm("movq %[m], %%mm0\n\t"
        "pmovmskb %%mm0, %k[r]\n\t"
        "emms"
        : [r] "=r"(host_mask)
        : [m] "r"(mask)
        : "mm0");
    masks.expect(u64{pmovmskb(mask)}, host_mask, hex(mask));
    const u64 memory = gen.mmx();
    const u64 data = gen.mmx();
    u64 buffer = memory;
    u64* target = &buffer;
    asm volatile(
        "movq %[d], %%mm0\n\t"
        "movq %[m], %%mm1\n\t"
        "maskmovq %%mm1, %%mm0\n\t"
        "emms"
        :
        : [d] "r"(data), [m] "r"(mask), "D"(target)
        : "mm0", "mm1", "memory");
    stores.expect(maskmov_merge(memory, data, mask), buffer,
                  hex(memory) + ", " + hex(data) + ", " + hex(mask));
    stores.expect(u64{maskmov_byte_mask(mask)}, host_mask, hex(mask));
  }
  masks.finish();
  stores.finish();
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace
}  // namespace glasspc::simd::test

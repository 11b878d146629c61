// PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM: known string searches, then every imm8 value against
// the host with index/mask and all six status flags compared.
#include "cpu/simd/string_compare.h"

#include <cstring>

#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

using V = Vec128;

// A register holding up to 16 bytes of `text` followed by zero bytes.
V text_reg(const char* text) {
  V v;
  const std::size_t n = std::strlen(text);
  for (unsigned i = 0; i < 16 && i < n; ++i) v.set_byte(i, static_cast<u8>(text[i]));
  return v;
}

// imm8 fields (SDM Vol. 2B 4.1).
constexpr u8 kUnsignedBytes = 0x00;
constexpr u8 kSignedWords = 0x03;
constexpr u8 kEqualAny = 0x00;
constexpr u8 kRanges = 0x04;
constexpr u8 kEqualEach = 0x08;
constexpr u8 kEqualOrdered = 0x0C;
constexpr u8 kNegative = 0x10;
constexpr u8 kMaskedNegative = 0x30;
constexpr u8 kMostSignificant = 0x40;

TEST_CASE("string compares find characters, ranges, mismatches and substrings") {
  // strpbrk: first vowel of "hello world".
  auto r = pcmpistri(text_reg("aeiou"), text_reg("hello world"), kUnsignedBytes | kEqualAny);
  CHECK(r.index == 1);
  CHECK(r.flags == (kFlagCf | kFlagZf | kFlagSf));
  // Last vowel instead of first.
  r = pcmpistri(text_reg("aeiou"), text_reg("hello world"), kEqualAny | kMostSignificant);
  CHECK(r.index == 7);
  // First letter in the ranges a-z, A-Z.
  r = pcmpistri(text_reg("azAZ"), text_reg("123 abc"), kRanges);
  CHECK(r.index == 4);
  // strcmp: first differing position (negated equal-each; both ended counts as equal).
  r = pcmpistri(text_reg("hello"), text_reg("help"), kEqualEach | kNegative);
  CHECK(r.index == 3);
  r = pcmpistri(text_reg("same"), text_reg("same"), kEqualEach | kNegative);
  CHECK(r.index == 16);
  CHECK((r.flags & kFlagCf) == 0);
  // strstr: "lo" at position 3; a match running off the end counts as a partial match.
  r = pcmpistri(text_reg("lo"), text_reg("hello world"), kEqualOrdered);
  CHECK(r.index == 3);
  r = pcmpistri(text_reg("xyz"), text_reg("0123456789abcdxy"), kEqualOrdered);
  CHECK(r.index == 14);
  CHECK(r.flags == (kFlagCf | kFlagSf));
  // Byte mask of the spaces, expanded.
  const StringMaskResult m =
      pcmpistrm(text_reg(" "), text_reg("a b c"), kEqualAny | kMostSignificant);
  CHECK(m.mask == V{0x00000000FF00FF00, 0});
  // Negative polarity counts positions past the end of `b` too; the masked form does not.
  CHECK(pcmpistrm(text_reg("x"), text_reg("ab"), kEqualAny | kNegative).mask == V{0xFFFF, 0});
  CHECK(pcmpistrm(text_reg("x"), text_reg("ab"), kEqualAny | kMaskedNegative).mask == V{0x3, 0});
}

TEST_CASE("explicit lengths use the saturated absolute value") {
  CHECK(explicit_length(-3, kUnsignedBytes) == 3);
  CHECK(explicit_length(17, kUnsignedBytes) == 16);
  CHECK(explicit_length(9, kSignedWords) == 8);
  CHECK(explicit_length(std::numeric_limits<i64>::min(), kUnsignedBytes) == 16);
  CHECK(explicit_length(std::numeric_limits<i32>::min(), kSignedWords) == 8);
  // The register content decides, not null elements: "ab\0d" with length 4 matches the 'd'.
  const StringIndexResult r = pcmpestri(text_reg("d"), 1, V{0x64006261, 0}, 4, kEqualAny);
  CHECK(r.index == 3);
  CHECK(r.flags == (kFlagCf | kFlagZf | kFlagSf));
  // Signed words: -1 lies in the range [-5, 5], 6 does not.
  const V range = vec_from_dwords(0x0005FFFB, 0, 0, 0);
  const V words = vec_from_dwords(0x0006FFFF, 0, 0, 0);
  const StringMaskResult m = pcmpestrm(range, 2, words, 2, kSignedWords | kRanges);
  CHECK(m.mask == V{0x1, 0});
  CHECK(m.flags == (kFlagCf | kFlagZf | kFlagSf | kFlagOf));
}

#if defined(GLASSPC_SIMD_ORACLE)

// EFLAGS status bits from LAHF (SF ZF AF PF CF in AH) and SETO.
u32 flags_from(u32 eax_after_lahf, u8 overflow) {
  return ((eax_after_lahf >> 8) & (kFlagCf | kFlagPf | kFlagAf | kFlagZf | kFlagSf)) |
         (overflow ? kFlagOf : 0);
}

StringIndexResult host_pcmpistri(__m128i a, __m128i b, int imm) {
  return with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET {
    u32 index = 0;
    u32 eax = 0;
    u8 overflow = 0;
    asm("pcmpistri %[imm], %[b], %[a]\n\t"
        "lahf\n\t"
        "seto %[of]"
        : "=c"(index), "=a"(eax), [of] "=q"(overflow)
        : [a] "x"(a), [b] "x"(b), [imm] "i"(decltype(imm_constant)::value)
        : "cc");
    return StringIndexResult{index, flags_from(eax, overflow)};
  });
}

StringMaskResult host_pcmpistrm(__m128i a, __m128i b, int imm) {
  return with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET {
    __m128i mask;
    u32 eax = 0;
    u8 overflow = 0;
    asm("pcmpistrm %[imm], %[b], %[a]\n\t"
        "lahf\n\t"
        "seto %[of]"
        : "=Yz"(mask), "=a"(eax), [of] "=q"(overflow)
        : [a] "x"(a), [b] "x"(b), [imm] "i"(decltype(imm_constant)::value)
        : "cc");
    return StringMaskResult{from_host(mask), flags_from(eax, overflow)};
  });
}

StringIndexResult host_pcmpestri(__m128i a, i32 la, __m128i b, i32 lb, int imm) {
  return with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET {
    u32 index = 0;
    u32 eax = static_cast<u32>(la);
    u8 overflow = 0;
    asm("pcmpestri %[imm], %[b], %[a]\n\t"
        "lahf\n\t"
        "seto %[of]"
        : "=c"(index), "+a"(eax), [of] "=q"(overflow)
        : [a] "x"(a), [b] "x"(b), "d"(lb), [imm] "i"(decltype(imm_constant)::value)
        : "cc");
    return StringIndexResult{index, flags_from(eax, overflow)};
  });
}

StringMaskResult host_pcmpestrm(__m128i a, i32 la, __m128i b, i32 lb, int imm) {
  return with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET {
    __m128i mask;
    u32 eax = static_cast<u32>(la);
    u8 overflow = 0;
    asm("pcmpestrm %[imm], %[b], %[a]\n\t"
        "lahf\n\t"
        "seto %[of]"
        : "=Yz"(mask), "+a"(eax), [of] "=q"(overflow)
        : [a] "x"(a), [b] "x"(b), "d"(lb), [imm] "i"(decltype(imm_constant)::value)
        : "cc");
    return StringMaskResult{from_host(mask), flags_from(eax, overflow)};
  });
}

// One result to compare: the index or mask in `lo`/`hi`, the flags in `flags`.
struct Outcome {
  Vec128 value;
  u32 flags = 0;
  bool operator==(const Outcome&) const = default;
};
std::string describe(const Outcome& o) {
  return hex(o.value) + " flags " + hex(o.flags);
}

// As Report, for results that carry flags beside the value.
class OutcomeReport {
 public:
  explicit OutcomeReport(std::string_view op) : m_op(op) {}
  void expect(const Outcome& got, const Outcome& want, const std::string& inputs) {
    ++m_cases;
    if (got == want) return;
    if (m_failures++ < 4) {
      m_text += m_op + "(" + inputs + "): got " + describe(got) + ", host " + describe(want) + "\n";
    }
  }
  void finish() const {
    INFO(m_text);
    INFO(m_op << ": " << m_failures << " of " << m_cases << " cases differ");
    CHECK(m_failures == 0);
  }

 private:
  std::string m_op;
  std::string m_text;
  int m_cases = 0;
  int m_failures = 0;
};

constexpr int kCasesPerImm = 50;

TEST_CASE("pcmpistri matches the host for every imm8") {
  if (!host_has_oracle()) return;
  Operands gen("pcmpistri");
  OutcomeReport report("pcmpistri");
  for (int imm = 0; imm < 256; ++imm) {
    for (int i = 0; i < kCasesPerImm; ++i) {
      const V a = gen.text();
      const V b = gen.text();
      const StringIndexResult got = pcmpistri(a, b, static_cast<u8>(imm));
      const StringIndexResult want = host_pcmpistri(to_host(a), to_host(b), imm);
      report.expect({{got.index, 0}, got.flags}, {{want.index, 0}, want.flags},
                    hex(a) + ", " + hex(b) + ", imm " + std::to_string(imm));
    }
  }
  report.finish();
}

TEST_CASE("pcmpistrm matches the host for every imm8") {
  if (!host_has_oracle()) return;
  Operands gen("pcmpistrm");
  OutcomeReport report("pcmpistrm");
  for (int imm = 0; imm < 256; ++imm) {
    for (int i = 0; i < kCasesPerImm; ++i) {
      const V a = gen.text();
      const V b = gen.text();
      const StringMaskResult got = pcmpistrm(a, b, static_cast<u8>(imm));
      const StringMaskResult want = host_pcmpistrm(to_host(a), to_host(b), imm);
      report.expect({got.mask, got.flags}, {want.mask, want.flags},
                    hex(a) + ", " + hex(b) + ", imm " + std::to_string(imm));
    }
  }
  report.finish();
}

TEST_CASE("pcmpestri matches the host for every imm8") {
  if (!host_has_oracle()) return;
  Operands gen("pcmpestri");
  OutcomeReport report("pcmpestri");
  for (int imm = 0; imm < 256; ++imm) {
    for (int i = 0; i < kCasesPerImm; ++i) {
      const V a = gen.text();
      const V b = gen.text();
      const i32 la = gen.length();
      const i32 lb = gen.length();
      const StringIndexResult got = pcmpestri(a, la, b, lb, static_cast<u8>(imm));
      const StringIndexResult want = host_pcmpestri(to_host(a), la, to_host(b), lb, imm);
      report.expect({{got.index, 0}, got.flags}, {{want.index, 0}, want.flags},
                    hex(a) + " len " + std::to_string(la) + ", " + hex(b) + " len " +
                        std::to_string(lb) + ", imm " + std::to_string(imm));
    }
  }
  report.finish();
}

TEST_CASE("pcmpestrm matches the host for every imm8") {
  if (!host_has_oracle()) return;
  Operands gen("pcmpestrm");
  OutcomeReport report("pcmpestrm");
  for (int imm = 0; imm < 256; ++imm) {
    for (int i = 0; i < kCasesPerImm; ++i) {
      const V a = gen.text();
      const V b = gen.text();
      const i32 la = gen.length();
      const i32 lb = gen.length();
      const StringMaskResult got = pcmpestrm(a, la, b, lb, static_cast<u8>(imm));
      const StringMaskResult want = host_pcmpestrm(to_host(a), la, to_host(b), lb, imm);
      report.expect({got.mask, got.flags}, {want.mask, want.flags},
                    hex(a) + " len " + std::to_string(la) + ", " + hex(b) + " len " +
                        std::to_string(lb) + ", imm " + std::to_string(imm));
    }
  }
  report.finish();
}

// The REX.W forms read the whole of RAX/RDX: 0x100000000 is a length of 16, not 0.
TEST_CASE("64-bit length forms of pcmpestri/pcmpestrm match the host") {
  if (!host_has_oracle()) return;
  Operands gen("pcmpestr rex.w");
  OutcomeReport index_report("pcmpestri rex.w");
  OutcomeReport mask_report("pcmpestrm rex.w");
  const auto wide_length = [&gen]() -> i64 {
    switch (gen.below(6)) {
      case 0:
        return std::numeric_limits<i64>::min();
      case 1:
        return static_cast<i64>(gen.bits());
      case 2:
        return (i64{1} << 32) + gen.below(20);  // small in EAX, huge in RAX
      case 3:
        return -(i64{1} << 32) + gen.below(20);
      default:
        return static_cast<i64>(gen.below(41)) - 20;
    }
  };
  for (int imm = 0; imm < 256; ++imm) {
    for (int i = 0; i < 48; ++i) {
      const V a = gen.text();
      const V b = gen.text();
      const i64 la = wide_length();
      const i64 lb = wide_length();
      const std::string inputs = hex(a) + " len " + std::to_string(la) + ", " + hex(b) + " len " +
                                 std::to_string(lb) + ", imm " + std::to_string(imm);
      const StringIndexResult gi = pcmpestri(a, la, b, lb, static_cast<u8>(imm));
      const StringMaskResult gm = pcmpestrm(a, la, b, lb, static_cast<u8>(imm));
      const auto host = with_imm(imm, [&](auto imm_constant) GLASSPC_HOST_TARGET {
        u64 index = 0;
        u64 rax_index = static_cast<u64>(la);
        u64 rax_mask = static_cast<u64>(la);
        u8 of_index = 0;
        u8 of_mask = 0;
        __m128i mask;
        const __m128i ha = to_host(a);
        const __m128i hb = to_host(b);
        asm("pcmpestriq %[imm], %[b], %[a]\n\t"
            "lahf\n\t"
            "seto %[of]"
            : "=c"(index), "+a"(rax_index), [of] "=q"(of_index)
            : [a] "x"(ha), [b] "x"(hb), "d"(lb), [imm] "i"(decltype(imm_constant)::value)
            : "cc");
        asm("pcmpestrmq %[imm], %[b], %[a]\n\t"
            "lahf\n\t"
            "seto %[of]"
            : "=Yz"(mask), "+a"(rax_mask), [of] "=q"(of_mask)
            : [a] "x"(ha), [b] "x"(hb), "d"(lb), [imm] "i"(decltype(imm_constant)::value)
            : "cc");
        return std::pair{Outcome{{static_cast<u32>(index), 0},
                                 flags_from(static_cast<u32>(rax_index), of_index)},
                         Outcome{from_host(mask), flags_from(static_cast<u32>(rax_mask), of_mask)}};
      });
      index_report.expect({{gi.index, 0}, gi.flags}, host.first, inputs);
      mask_report.expect({gm.mask, gm.flags}, host.second, inputs);
    }
  }
  index_report.finish();
  mask_report.finish();
}

#endif  // GLASSPC_SIMD_ORACLE

}  // namespace
}  // namespace glasspc::simd::test

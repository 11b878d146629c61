// Host-differential tests of the MMX and SSE2 integer instructions of the 0F map
// (cpu/ops_simd_int*.cpp): each form runs on the host CPU and in glasspc (64-bit mode) from the
// same seeded, edge-weighted state, in register and memory forms, and the whole state image
// (GPRs, flags, x87/MMX registers with TOP and tags, XMM, MXCSR, data buffer) must match.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <random>

#include "simd_insn_env.h"

namespace glasspc::test {
namespace {

enum class Opd : u8 { kNone, kMm, kXmm, kGpr, kDigit };

namespace ff {
constexpr u32 kAligned = 1u << 0;  // 16-byte memory operand must be aligned
constexpr u32 kImm8 = 1u << 1;
constexpr u32 kW = 1u << 2;  // REX.W
constexpr u32 kRegOnly = 1u << 3;
constexpr u32 kMemOnly = 1u << 4;
constexpr u32 kRdi = 1u << 5;      // implicit [RDI] destination (MASKMOVQ/MASKMOVDQU)
constexpr u32 kCount = 1u << 6;    // rm holds a shift count
constexpr u32 kNoModrm = 1u << 7;  // EMMS
}  // namespace ff

struct IntForm {
  std::string name;
  u8 prefix;  // 0, 0x66, 0xf3, 0xf2
  u8 opcode;  // 0F xx
  Opd reg;
  Opd rm;
  u8 mem;  // memory operand size; 0 = register form only
  u32 flags;
  u8 digit = 0;
};

// Every MMX / SSE2 integer form of the 0F map.
std::vector<IntForm> int_forms() {
  std::vector<IntForm> f;
  auto pair = [&](const char* name, u8 op, u32 extra = 0) {
    f.push_back({fmt::format("{} mm", name), 0, op, Opd::kMm, Opd::kMm, 8, extra});
    f.push_back(
        {fmt::format("{} xmm", name), 0x66, op, Opd::kXmm, Opd::kXmm, 16, ff::kAligned | extra});
  };
  const std::pair<const char*, u8> binaries[] = {
      {"PUNPCKLBW", 0x60}, {"PUNPCKLWD", 0x61}, {"PUNPCKLDQ", 0x62}, {"PACKSSWB", 0x63},
      {"PCMPGTB", 0x64},   {"PCMPGTW", 0x65},   {"PCMPGTD", 0x66},   {"PACKUSWB", 0x67},
      {"PUNPCKHBW", 0x68}, {"PUNPCKHWD", 0x69}, {"PUNPCKHDQ", 0x6a}, {"PACKSSDW", 0x6b},
      {"PCMPEQB", 0x74},   {"PCMPEQW", 0x75},   {"PCMPEQD", 0x76},   {"PADDQ", 0xd4},
      {"PMULLW", 0xd5},    {"PSUBUSB", 0xd8},   {"PSUBUSW", 0xd9},   {"PMINUB", 0xda},
      {"PAND", 0xdb},      {"PADDUSB", 0xdc},   {"PADDUSW", 0xdd},   {"PMAXUB", 0xde},
      {"PANDN", 0xdf},     {"PAVGB", 0xe0},     {"PAVGW", 0xe3},     {"PMULHUW", 0xe4},
      {"PMULHW", 0xe5},    {"PSUBSB", 0xe8},    {"PSUBSW", 0xe9},    {"PMINSW", 0xea},
      {"POR", 0xeb},       {"PADDSB", 0xec},    {"PADDSW", 0xed},    {"PMAXSW", 0xee},
      {"PXOR", 0xef},      {"PMULUDQ", 0xf4},   {"PMADDWD", 0xf5},   {"PSADBW", 0xf6},
      {"PSUBB", 0xf8},     {"PSUBW", 0xf9},     {"PSUBD", 0xfa},     {"PSUBQ", 0xfb},
      {"PADDB", 0xfc},     {"PADDW", 0xfd},     {"PADDD", 0xfe},
  };
  for (const auto& [name, op] : binaries) pair(name, op);
  const std::pair<const char*, u8> shifts[] = {
      {"PSRLW", 0xd1}, {"PSRLD", 0xd2}, {"PSRLQ", 0xd3}, {"PSRAW", 0xe1},
      {"PSRAD", 0xe2}, {"PSLLW", 0xf1}, {"PSLLD", 0xf2}, {"PSLLQ", 0xf3},
  };
  for (const auto& [name, op] : shifts) pair(name, op, ff::kCount);
  f.push_back({"PUNPCKLQDQ", 0x66, 0x6c, Opd::kXmm, Opd::kXmm, 16, ff::kAligned});
  f.push_back({"PUNPCKHQDQ", 0x66, 0x6d, Opd::kXmm, Opd::kXmm, 16, ff::kAligned});

  f.push_back({"PSHUFW", 0, 0x70, Opd::kMm, Opd::kMm, 8, ff::kImm8});
  f.push_back({"PSHUFD", 0x66, 0x70, Opd::kXmm, Opd::kXmm, 16, ff::kImm8 | ff::kAligned});
  f.push_back({"PSHUFHW", 0xf3, 0x70, Opd::kXmm, Opd::kXmm, 16, ff::kImm8 | ff::kAligned});
  f.push_back({"PSHUFLW", 0xf2, 0x70, Opd::kXmm, Opd::kXmm, 16, ff::kImm8 | ff::kAligned});

  struct Digit {
    const char* name;
    u8 op, digit;
    bool mmx;
  };
  const Digit groups[] = {
      {"PSRLW", 0x71, 2, true},   {"PSRAW", 0x71, 4, true}, {"PSLLW", 0x71, 6, true},
      {"PSRLD", 0x72, 2, true},   {"PSRAD", 0x72, 4, true}, {"PSLLD", 0x72, 6, true},
      {"PSRLQ", 0x73, 2, true},   {"PSLLQ", 0x73, 6, true}, {"PSRLDQ", 0x73, 3, false},
      {"PSLLDQ", 0x73, 7, false},
  };
  constexpr u32 kRegImm = ff::kRegOnly | ff::kImm8;
  for (const Digit& g : groups) {
    if (g.mmx)
      f.push_back({fmt::format("{} mm, imm8", g.name), 0, g.op, Opd::kDigit, Opd::kMm, 0, kRegImm,
                   g.digit});
    f.push_back({fmt::format("{} xmm, imm8", g.name), 0x66, g.op, Opd::kDigit, Opd::kXmm, 0,
                 kRegImm, g.digit});
  }

  f.push_back({"MOVD mm, r/m32", 0, 0x6e, Opd::kMm, Opd::kGpr, 4, 0});
  f.push_back({"MOVQ mm, r/m64", 0, 0x6e, Opd::kMm, Opd::kGpr, 8, ff::kW});
  f.push_back({"MOVD xmm, r/m32", 0x66, 0x6e, Opd::kXmm, Opd::kGpr, 4, 0});
  f.push_back({"MOVQ xmm, r/m64", 0x66, 0x6e, Opd::kXmm, Opd::kGpr, 8, ff::kW});
  f.push_back({"MOVD r/m32, mm", 0, 0x7e, Opd::kMm, Opd::kGpr, 4, 0});
  f.push_back({"MOVQ r/m64, mm", 0, 0x7e, Opd::kMm, Opd::kGpr, 8, ff::kW});
  f.push_back({"MOVD r/m32, xmm", 0x66, 0x7e, Opd::kXmm, Opd::kGpr, 4, 0});
  f.push_back({"MOVQ r/m64, xmm", 0x66, 0x7e, Opd::kXmm, Opd::kGpr, 8, ff::kW});
  f.push_back({"MOVQ xmm, xmm/m64", 0xf3, 0x7e, Opd::kXmm, Opd::kXmm, 8, 0});
  f.push_back({"MOVQ mm, mm/m64", 0, 0x6f, Opd::kMm, Opd::kMm, 8, 0});
  f.push_back({"MOVDQA load", 0x66, 0x6f, Opd::kXmm, Opd::kXmm, 16, ff::kAligned});
  f.push_back({"MOVDQU load", 0xf3, 0x6f, Opd::kXmm, Opd::kXmm, 16, 0});
  f.push_back({"MOVQ mm/m64, mm", 0, 0x7f, Opd::kMm, Opd::kMm, 8, 0});
  f.push_back({"MOVDQA store", 0x66, 0x7f, Opd::kXmm, Opd::kXmm, 16, ff::kAligned});
  f.push_back({"MOVDQU store", 0xf3, 0x7f, Opd::kXmm, Opd::kXmm, 16, 0});
  f.push_back({"MOVQ xmm/m64, xmm", 0x66, 0xd6, Opd::kXmm, Opd::kXmm, 8, 0});
  f.push_back({"MOVQ2DQ", 0xf3, 0xd6, Opd::kXmm, Opd::kMm, 0, ff::kRegOnly});
  f.push_back({"MOVDQ2Q", 0xf2, 0xd6, Opd::kMm, Opd::kXmm, 0, ff::kRegOnly});
  f.push_back({"MOVNTQ", 0, 0xe7, Opd::kMm, Opd::kNone, 8, ff::kMemOnly});
  f.push_back({"MOVNTDQ", 0x66, 0xe7, Opd::kXmm, Opd::kNone, 16, ff::kMemOnly | ff::kAligned});
  f.push_back({"MOVNTI m32", 0, 0xc3, Opd::kGpr, Opd::kNone, 4, ff::kMemOnly});
  f.push_back({"MOVNTI m64", 0, 0xc3, Opd::kGpr, Opd::kNone, 8, ff::kMemOnly | ff::kW});

  f.push_back({"PINSRW mm", 0, 0xc4, Opd::kMm, Opd::kGpr, 2, ff::kImm8});
  f.push_back({"PINSRW xmm", 0x66, 0xc4, Opd::kXmm, Opd::kGpr, 2, ff::kImm8});
  f.push_back({"PEXTRW r32, mm", 0, 0xc5, Opd::kGpr, Opd::kMm, 0, kRegImm});
  f.push_back({"PEXTRW r64, mm", 0, 0xc5, Opd::kGpr, Opd::kMm, 0, kRegImm | ff::kW});
  f.push_back({"PEXTRW r32, xmm", 0x66, 0xc5, Opd::kGpr, Opd::kXmm, 0, kRegImm});
  f.push_back({"PEXTRW r64, xmm", 0x66, 0xc5, Opd::kGpr, Opd::kXmm, 0, kRegImm | ff::kW});
  f.push_back({"PMOVMSKB mm", 0, 0xd7, Opd::kGpr, Opd::kMm, 0, ff::kRegOnly});
  f.push_back({"PMOVMSKB xmm", 0x66, 0xd7, Opd::kGpr, Opd::kXmm, 0, ff::kRegOnly});
  f.push_back({"MASKMOVQ", 0, 0xf7, Opd::kMm, Opd::kMm, 0, ff::kRegOnly | ff::kRdi});
  f.push_back({"MASKMOVDQU", 0x66, 0xf7, Opd::kXmm, Opd::kXmm, 0, ff::kRegOnly | ff::kRdi});
  f.push_back({"EMMS", 0, 0x77, Opd::kNone, Opd::kNone, 0, ff::kNoModrm | ff::kRegOnly});
  return f;
}

// Edge-weighted random values: whole-lane patterns of a random lane width (0, all ones, the
// signed minimum and maximum, 0x80.., 1, small values) mixed with random bits.
class Gen {
 public:
  explicit Gen(u64 seed) : m_rng(seed) {}
  u64 bits() { return m_rng(); }
  unsigned below(unsigned n) { return static_cast<unsigned>(m_rng() % n); }

  u64 qword() {
    const unsigned width = 8u << below(4);  // 8, 16, 32, 64
    if (below(6) == 0) return bits();
    u64 v = 0;
    for (unsigned s = 0; s < 64; s += width) v |= lane(width) << s;
    return v;
  }

  // A shift count: mostly in or near the lane widths, sometimes huge.
  u64 count() {
    switch (below(6)) {
      case 0:
        return below(18);
      case 1:
        return 14 + below(6);
      case 2:
        return 30 + below(6);
      case 3:
        return 62 + below(6);
      case 4:
        return (u64{1} << (32 + below(31))) + below(4);
      default:
        return below(2) ? ~u64{0} : below(130);
    }
  }

 private:
  u64 lane(unsigned width) {
    const u64 ones = width == 64 ? ~u64{0} : (u64{1} << width) - 1;
    const u64 top = u64{1} << (width - 1);
    switch (below(9)) {
      case 0:
        return 0;
      case 1:
        return ones;
      case 2:
        return top;  // signed minimum, 0x80..
      case 3:
        return ones >> 1;  // signed maximum
      case 4:
        return 1;
      case 5:
        return top + 1;
      case 6:
        return below(8);
      case 7:
        return (ones - below(4)) & ones;
      default:
        return bits() & ones;
    }
  }

  std::mt19937_64 m_rng;
};

// GPRs an operand may name: never RSP (the native runner's stack) or RDI when RDI is a pointer.
unsigned pick_gpr(Gen& g, unsigned avoid) {
  for (;;) {
    const unsigned r = g.below(16);
    if (r != kRsp && r != avoid) return r;
  }
}

struct Built {
  std::vector<u8> bytes;
  SimdState state;
};

// Builds one random instance of `f` (register form if `mem` is false).
Built build(const IntForm& f, Gen& g, bool mem) {
  Built b;
  SimdState& s = b.state;
  for (auto& r : s.gpr) r = g.qword();
  s.rflags = g.bits() & flag::kArith;
  s.fsw = static_cast<u16>((g.below(8) << 11) | (g.bits() & 0x4700));  // TOP and C0-C3
  s.ftw = static_cast<u8>(g.bits());
  for (auto& st : s.st) {
    st.significand = g.qword();
    const u16 exps[] = {0xffff, 0x7fff, 0x3fff, 0};
    st.sign_exponent = g.below(2) ? exps[g.below(4)] : static_cast<u16>(g.bits());
  }
  for (auto& x : s.xmm) x = {g.qword(), g.qword()};
  for (unsigned k = 0; k < kSimdDataSize; k += 8) {
    const u64 q = g.qword();
    for (unsigned j = 0; j < 8; ++j) s.data[k + j] = static_cast<u8>(q >> (8 * j));
  }

  u8 rex = (f.flags & ff::kW) ? 0x48 : 0;
  unsigned reg = 0, rm = 0;
  const unsigned avoid = (f.flags & ff::kRdi) ? unsigned{kRdi} : unsigned{kRsp};
  auto pick = [&](Opd kind, u8 rex_bit) -> unsigned {
    unsigned r = 0;
    switch (kind) {
      case Opd::kXmm:
        r = g.below(16);
        break;
      case Opd::kMm:
        r = g.below(16);  // REX.R/REX.B are ignored for mm registers
        break;
      case Opd::kGpr:
        r = pick_gpr(g, avoid);
        break;
      default:
        return 0;
    }
    if (r & 8) rex |= 0x40 | rex_bit;
    return r;
  };
  reg = f.reg == Opd::kDigit ? f.digit : pick(f.reg, 4);

  std::vector<u8>& c = b.bytes;
  std::vector<u8> tail;
  u8 modrm = 0;
  if (mem) {
    // Any base but RSP/R12 (those need a SIB byte) and the GPR operand.
    unsigned base;
    do {
      base = pick_gpr(g, f.reg == Opd::kGpr ? reg : unsigned{kRsp});
    } while ((base & 7) == 4);
    if (base & 8) rex |= 0x41;
    const unsigned size = f.mem;
    const unsigned offset = (f.flags & ff::kAligned) ? 16 * g.below(kSimdDataSize / 16)
                                                     : g.below(kSimdDataSize - size + 1);
    const u8 disp = static_cast<u8>(g.below(17));
    s.gpr[base] = u64{offset} - disp;
    s.pointers |= 1u << base;
    modrm = static_cast<u8>(0x40 | ((reg & 7) << 3) | (base & 7));
    tail.push_back(disp);
    if (f.flags & ff::kCount) {
      const u64 count = g.count();
      for (unsigned j = 0; j < 8; ++j) s.data[offset + j] = static_cast<u8>(count >> (8 * j));
    }
  } else {
    rm = pick(f.rm, 1);
    modrm = static_cast<u8>(0xc0 | ((reg & 7) << 3) | (rm & 7));
    if (f.flags & ff::kCount) {
      const u64 count = g.count();
      if (f.rm == Opd::kXmm) s.xmm[rm].lo = count;
      if (f.rm == Opd::kMm) s.phys(rm & 7).significand = count;
    }
  }
  if (f.flags & ff::kRdi) {
    s.gpr[kRdi] = g.below(kSimdDataSize - 16 + 1);
    s.pointers |= 1u << kRdi;
  }
  if (f.flags & ff::kImm8) {
    const bool shift = f.reg == Opd::kDigit;
    tail.push_back(static_cast<u8>(shift && g.below(4) ? g.below(72) : g.bits()));
  }
  // MMX forms may carry a REX prefix that names no register; the CPU ignores it.
  if (!rex && (f.reg == Opd::kMm || f.rm == Opd::kMm) && g.below(4) == 0) rex = 0x40;
  if (f.prefix) c.push_back(f.prefix);
  if (rex) c.push_back(rex);
  c.push_back(0x0f);
  c.push_back(f.opcode);
  if (!(f.flags & ff::kNoModrm)) c.push_back(modrm);
  c.insert(c.end(), tail.begin(), tail.end());
  return b;
}

// Describes every difference between the two final images.
std::string differences(const SimdState& a, const SimdState& b) {
  std::string out;
  for (unsigned r = 0; r < 16; ++r)
    if (r != kRsp && a.gpr[r] != b.gpr[r])
      out += fmt::format(" gpr{}: {:x} vs {:x}\n", r, a.gpr[r], b.gpr[r]);
  if (a.rflags != b.rflags) out += fmt::format(" rflags: {:x} vs {:x}\n", a.rflags, b.rflags);
  if (a.fcw != b.fcw) out += fmt::format(" fcw: {:x} vs {:x}\n", a.fcw, b.fcw);
  if (a.fsw != b.fsw) out += fmt::format(" fsw: {:x} vs {:x}\n", a.fsw, b.fsw);
  if (a.ftw != b.ftw) out += fmt::format(" ftw: {:x} vs {:x}\n", a.ftw, b.ftw);
  for (unsigned i = 0; i < 8; ++i)
    if (!(a.st[i] == b.st[i]))
      out += fmt::format(" st{}: {} vs {}\n", i, f80_text(a.st[i]), f80_text(b.st[i]));
  for (unsigned i = 0; i < 16; ++i)
    if (a.xmm[i] != b.xmm[i])
      out += fmt::format(" xmm{}: {} vs {}\n", i, vec_text(a.xmm[i]), vec_text(b.xmm[i]));
  if (a.mxcsr != b.mxcsr) out += fmt::format(" mxcsr: {:x} vs {:x}\n", a.mxcsr, b.mxcsr);
  for (unsigned k = 0; k < kSimdDataSize; ++k)
    if (a.data[k] != b.data[k])
      out += fmt::format(" data[{}]: {:02x} vs {:02x}\n", k, a.data[k], b.data[k]);
  return out;
}

}  // namespace

#if defined(__x86_64__)
TEST_CASE("MMX/SSE2 integer instructions match the host CPU", "[cpu][simd-int]") {
  const HostFeatures host = HostFeatures::detect();
  REQUIRE(host.sse2);
  SimdNativeRunner native;
  REQUIRE(native.ok());
  SimdGlassRunner glass;
  Gen g(0x5eed'51d1'2026ull);
  unsigned runs = 0;
  for (const IntForm& f : int_forms()) {
    for (unsigned trial = 0; trial < 40; ++trial) {
      bool mem = f.mem != 0 && (trial & 1);
      if (f.flags & ff::kMemOnly) mem = true;
      if (f.flags & ff::kRegOnly) mem = false;
      const Built b = build(f, g, mem);
      SimdState want = b.state;
      SimdState got = b.state;
      INFO(f.name << " [" << hex_bytes(b.bytes.data(), static_cast<unsigned>(b.bytes.size()))
                  << "]");
      native.run(b.bytes, want);
      const u32 vector = glass.run(b.bytes, got);
      ++runs;
      REQUIRE(vector == PmEnv::kNoVector);
      REQUIRE(glass.halted());
      const std::string diff = differences(want, got);
      INFO("host vs glasspc:\n" << diff);
      REQUIRE(diff.empty());
    }
  }
  CHECK(runs > 4000);
}
#endif

}  // namespace glasspc::test

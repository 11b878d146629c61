// Host-differential tests of the 0F 38 / 0F 3A instructions (SSSE3, SSE4.1/4.2 integer, CRC32,
// AES-NI, PCLMULQDQ): seeded edge-weighted inputs, register and memory forms, every imm8 value
// sampled, run on the host and in glasspc (64-bit mode), all destinations, ECX/XMM0 and flags
// compared. Fault and mode tests are in simd_ext_fault_test.cpp. For a soak run,
// GLASSPC_SIMD_EXT_SCALE multiplies the case counts and GLASSPC_SIMD_EXT_SEED changes the seeds.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>

#include "simd_ext_cases.h"

using namespace glasspc;
using namespace glasspc::test;
using namespace glasspc::test::simd_ext;

#if defined(__x86_64__)

namespace {

unsigned scale() {
  const char* env = std::getenv("GLASSPC_SIMD_EXT_SCALE");
  return env ? static_cast<unsigned>(std::strtoul(env, nullptr, 10)) : 1;
}

u64 seed(u64 base) {
  const char* env = std::getenv("GLASSPC_SIMD_EXT_SEED");
  return env ? base ^ std::strtoull(env, nullptr, 10) * 0x9e3779b97f4a7c15ull : base;
}

// Runs `cases` random instances of `op`; returns the number of mismatches (details in INFO).
unsigned run_op(Runner& r, Gen& g, const Op& op, unsigned cases) {
  unsigned failures = 0;
  for (unsigned n = 0; n < cases * scale() && failures == 0; ++n) {
    Encoding e;
    e.map = op.map;
    e.op = op.op;
    e.prefix = op.form == Form::kMmx ? 0 : 0x66;
    const bool mmx = op.form == Form::kMmx;
    // MMX forms ignore REX.R/REX.B (mm0-mm7 only); 10% of them carry the bits anyway.
    const bool code32 = r.code32();
    const unsigned regs = code32 || (mmx && !g.chance(10)) ? 8 : 16;
    e.reg = g.below(regs);
    const bool mem = op.form == Form::kMemOnly || g.chance(45);
    if (mem) {
      e.rm.mem = true;
      const bool aligned = op.form == Form::kXmm || op.form == Form::kMemOnly;
      e.rm.disp = static_cast<i8>(aligned ? 16 * g.below(kDataSize / 16) : g.below(kDataSize - 7));
    } else {
      e.rm.n = op.form == Form::kGprRm ? any_gpr(g, code32) : g.below(regs);
    }
    if (op.imm) e.imm = static_cast<u8>(g.bits());
    if (!mmx && !code32) {
      e.rex_w = g.chance(op.rex_w_matters ? 50 : 10);
      e.rex = g.chance(10);
    }
    const std::vector<u8> code = encode(e);
    const Image in = g.image();
    const Data data = g.data();
    const Result want = r.native(code, in, data);
    const Result got = r.guest(code, in, data);
    const std::string diff = compare(want, got, mmx);
    if (!diff.empty()) {
      INFO(fmt::format("{} [{}]: {}", op.name, hex(code), diff));
      CHECK(diff.empty());
      ++failures;
    }
  }
  return failures;
}

// CRC32 in every operand size (66 / REX.W), register and memory sources.
void run_crc32(Runner& r, Gen& g, unsigned cases) {
  const bool code32 = r.code32();
  unsigned failures = 0;
  for (unsigned n = 0; n < cases * scale() && failures == 0; ++n) {
    Encoding e;
    e.prefix = 0xf2;
    e.op = g.chance(30) ? 0xf0 : 0xf1;
    e.opsize = g.chance(30);
    e.rex_w = !code32 && g.chance(40);
    e.rex = !code32 && g.chance(20);
    e.reg = any_gpr(g, code32);
    if (g.chance(40)) {
      e.rm.mem = true;
      e.rm.disp = static_cast<i8>(g.below(kDataSize - 7));
    } else {
      // Byte form without REX: 4..7 name AH..BH (read only, so any of them is safe).
      e.rm.n = (e.op == 0xf0 && !e.rex && !e.rex_w && !(e.reg & 8) && g.chance(30))
                   ? 4 + g.below(4)
                   : any_gpr(g, code32);
    }
    const std::vector<u8> code = encode(e);
    const Image in = g.image();
    const Data data = g.data();
    const Result want = r.native(code, in, data);
    const Result got = r.guest(code, in, data);
    const std::string diff = compare(want, got, false);
    if (!diff.empty()) {
      INFO(fmt::format("crc32 [{}]: {}", hex(code), diff));
      CHECK(diff.empty());
      ++failures;
    }
  }
}

}  // namespace

TEST_CASE("SSSE3 instructions match the host (MMX and XMM forms)", "[simd-ext]") {
  Runner r;
  REQUIRE(r.native_ok());
  Gen g(seed(0x55533e3));
  for (const Op& op : kSsse3) {
    run_op(r, g, op, 1000);
    Op mmx = op;
    mmx.form = Form::kMmx;
    run_op(r, g, mmx, 1000);
  }
}

TEST_CASE("SSE4.1 and PCMPGTQ integer instructions match the host", "[simd-ext]") {
  Runner r;
  REQUIRE(r.native_ok());
  Gen g(seed(0x55e41));
  for (const Op& op : kSse41) run_op(r, g, op, op.imm ? 2000 : 800);
}

TEST_CASE("AES-NI and PCLMULQDQ match the host", "[simd-ext]") {
  Runner r;
  REQUIRE(r.native_ok());
  Gen g(seed(0xae5));
  for (const Op& op : kCrypto) run_op(r, g, op, op.imm ? 2000 : 800);
}

TEST_CASE("CRC32 matches the host in every operand size", "[simd-ext]") {
  Runner r;
  REQUIRE(r.native_ok());
  Gen g(seed(0xc4c32));
  run_crc32(r, g, 5000);
}

TEST_CASE("PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM match the host for every imm8", "[simd-ext]") {
  Runner r;
  REQUIRE(r.native_ok());
  Gen g(seed(0x5742));
  unsigned failures = 0;
  for (unsigned imm = 0; imm < 256 && failures == 0; ++imm) {
    for (u8 op = 0x60; op <= 0x63; ++op) {
      for (unsigned n = 0; n < 12 * scale() && failures == 0; ++n) {
        const bool words = (imm & 1) != 0;
        Encoding e;
        e.map = 0x3a;
        e.prefix = 0x66;
        e.op = op;
        e.imm = static_cast<u8>(imm);
        e.rex_w = g.chance(40);
        e.reg = g.below(16);
        Image in = g.image();
        Data data = g.data();
        in.xmm[e.reg] = g.string_vec(words);
        const Vec128 b = g.string_vec(words);
        if (g.chance(40)) {
          e.rm.mem = true;  // unaligned: allowed for the string compares
          e.rm.disp = static_cast<i8>(g.below(kDataSize - 15));
          std::memcpy(data.bytes + e.rm.disp, &b, 16);
        } else {
          e.rm.n = g.below(16);
          if (e.rm.n != e.reg) in.xmm[e.rm.n] = b;
        }
        in.gpr[kRax] = static_cast<u64>(g.string_length(e.rex_w));
        in.gpr[kRdx] = static_cast<u64>(g.string_length(e.rex_w));
        const std::vector<u8> code = encode(e);
        const Result want = r.native(code, in, data);
        const Result got = r.guest(code, in, data);
        const std::string diff = compare(want, got, false);
        if (!diff.empty()) {
          INFO(fmt::format("pcmpxstrx [{}]: {}", hex(code), diff));
          CHECK(diff.empty());
          ++failures;
        }
      }
    }
  }
}

TEST_CASE("The 0F 38 / 0F 3A instructions match the host in 32-bit protected mode", "[simd-ext]") {
  Runner r(true);
  REQUIRE(r.native_ok());
  Gen g(seed(0x3232));
  for (const std::span<const Op> list : kOpLists) {
    for (const Op& op : list) {
      run_op(r, g, op, 100);
      if (list.data() == kSsse3) {
        Op mmx = op;
        mmx.form = Form::kMmx;
        run_op(r, g, mmx, 100);
      }
    }
  }
  run_crc32(r, g, 1000);
  CHECK(r.machine().cpu().code_size() == CodeSize::k32);
}

#endif  // defined(__x86_64__)

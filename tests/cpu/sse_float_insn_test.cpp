// Targeted tests of the SSE floating-point handlers in glasspc alone: the availability rules
// (#UD, #NM), #XM versus #UD by CR4.OSXMMEXCPT, alignment #GP, faults that must leave every
// register unchanged, COMISS flags, the x87-to-MMX transition of the MMX-operand conversions,
// encodings that are #UD, XMM8-15 through REX, and RCPPS/RSQRTPS against the library's
// documented tables (their values are model-specific, so the host is no reference).
#include <catch2/catch.hpp>

#include "cpu/float/sse.h"
#include "sse_float_rig.h"

using namespace glasspc;
using namespace glasspc::test;

namespace {

constexpr u32 kOne = 0x3f800000, kTwo = 0x40000000, kQNaN = 0x7fc00000, kSNaN = 0x7f800001;
constexpr u8 kModrmXmm1Xmm2 = 0xca;  // ModRM for xmm1, xmm2

std::vector<u8> insn(std::initializer_list<u8> bytes) {
  return std::vector<u8>(bytes);
}

}  // namespace

TEST_CASE("sse-float: availability faults and #XM leave the destination unchanged", "[sse-float]") {
  SseFloatRig rig;
  X86State& s = rig.s();
  const simd::Vec128 dst = simd::vec_from_dwords(kOne, kOne, kOne, kOne);
  const simd::Vec128 src = simd::vec_from_dwords(kTwo, 0, kTwo, kTwo);  // lane 1 divides by zero
  const auto divps = insn({0x0f, 0x5e, kModrmXmm1Xmm2});
  auto reset = [&](u32 mxcsr) {
    s.xmm[1] = dst;
    s.xmm[2] = src;
    s.mxcsr = mxcsr;
  };

  SECTION("masked: infinity in lane 1, ZE set") {
    reset(0x1f80);
    REQUIRE(rig.run(divps) == PmEnv::kNoVector);
    CHECK(s.xmm[1] == simd::vec_from_dwords(0x3f000000, 0x7f800000, 0x3f000000, 0x3f000000));
    CHECK(s.mxcsr == (0x1f80 | 0x4));
  }
  SECTION("unmasked #Z: #XM, destination unchanged, ZE set, RIP at the instruction") {
    reset(0x1f80 & ~0x200u);
    REQUIRE(rig.run(divps) == vec::XM);
    CHECK(s.xmm[1] == dst);
    CHECK(s.mxcsr == ((0x1f80 & ~0x200u) | 0x4));
    CHECK(PmEnv::frame(rig.m, 0, 8) == SseFloatRig::kCodeGpa);
  }
  SECTION("CR4.OSXMMEXCPT clear: #UD instead of #XM") {
    s.cr4 &= ~cr4::OSXMMEXCPT;
    reset(0x1f80 & ~0x200u);
    REQUIRE(rig.run(divps) == vec::UD);
    CHECK(s.xmm[1] == dst);
  }
  SECTION("CR0.TS: #NM, MXCSR untouched") {
    s.cr0 |= cr0::TS;
    rig.m.cpu().state_changed();
    reset(0x1f80);
    REQUIRE(rig.run(divps) == vec::NM);
    CHECK(s.xmm[1] == dst);
    CHECK(s.mxcsr == 0x1f80);
  }
  SECTION("CR4.OSFXSR clear: #UD") {
    s.cr4 &= ~cr4::OSFXSR;
    rig.m.cpu().state_changed();
    reset(0x1f80);
    REQUIRE(rig.run(divps) == vec::UD);
    CHECK(s.xmm[1] == dst);
  }
  SECTION("CR0.EM: #UD") {
    s.cr0 |= cr0::EM;
    rig.m.cpu().state_changed();
    reset(0x1f80);
    REQUIRE(rig.run(divps) == vec::UD);
  }
}

TEST_CASE("sse-float: an unmasked pre-computation exception hides post-computation flags",
          "[sse-float]") {
  // ADDPS: lane 0 has an SNaN (#I unmasked), lane 1 is inexact (1 + 2^-30). SDM Vol. 1 11.5.3:
  // the instruction stops after the pre-computation checks, so PE is not recorded.
  SseFloatRig rig;
  X86State& s = rig.s();
  s.xmm[1] = simd::vec_from_dwords(kSNaN, kOne, kOne, kOne);
  s.xmm[2] = simd::vec_from_dwords(kOne, 0x30800000, 0, 0);
  s.mxcsr = 0x1f80 & ~0x80u;
  REQUIRE(rig.run(insn({0x0f, 0x58, kModrmXmm1Xmm2})) == vec::XM);
  CHECK(s.mxcsr == ((0x1f80 & ~0x80u) | 0x1));
  // Masked, both flags are recorded.
  s.mxcsr = 0x1f80;
  REQUIRE(rig.run(insn({0x0f, 0x58, kModrmXmm1Xmm2})) == PmEnv::kNoVector);
  CHECK(s.mxcsr == (0x1f80 | 0x21));
}

TEST_CASE("sse-float: alignment of 16-byte memory operands", "[sse-float]") {
  SseFloatRig rig;
  X86State& s = rig.s();
  const u64 pattern[2] = {0x0123456789abcdefull, 0xfedcba9876543210ull};
  rig.write_bytes(SseFloatRig::kDataGpa + 8, pattern, 16);
  s.gpr[kRdx] = SseFloatRig::kDataGpa + 8;
  s.xmm[1] = simd::Vec128{1, 2};
  // movaps xmm1, [rdx]: #GP(0), destination unchanged.
  REQUIRE(rig.run(insn({0x0f, 0x28, 0x0a})) == vec::GP);
  CHECK(PmEnv::frame(rig.m, 0, 8) == 0);
  CHECK(s.xmm[1] == simd::Vec128{1, 2});
  // addps xmm1, [rdx] and movaps [rdx], xmm1: also #GP(0); memory unchanged.
  REQUIRE(rig.run(insn({0x0f, 0x58, 0x0a})) == vec::GP);
  REQUIRE(rig.run(insn({0x0f, 0x29, 0x0a})) == vec::GP);
  u64 back[2];
  rig.read_bytes(SseFloatRig::kDataGpa + 8, back, 16);
  CHECK(back[0] == pattern[0]);
  CHECK(back[1] == pattern[1]);
  // movups, lddqu and the scalar forms do not check alignment.
  REQUIRE(rig.run(insn({0x0f, 0x10, 0x0a})) == PmEnv::kNoVector);
  CHECK(s.xmm[1] == simd::Vec128{pattern[0], pattern[1]});
  s.xmm[1] = simd::Vec128{};
  REQUIRE(rig.run(insn({0xf2, 0x0f, 0xf0, 0x0a})) == PmEnv::kNoVector);
  CHECK(s.xmm[1] == simd::Vec128{pattern[0], pattern[1]});
  REQUIRE(rig.run(insn({0xf2, 0x0f, 0x58, 0x0a})) == PmEnv::kNoVector);
}

TEST_CASE("sse-float: COMISS/UCOMISS set ZF PF CF and clear OF SF AF", "[sse-float]") {
  SseFloatRig rig;
  X86State& s = rig.s();
  struct Row {
    u32 a, b;
    u8 opcode;
    u64 flags;
    u32 mxcsr_flags;
  } rows[] = {
      {kOne, kTwo, 0x2f, flag::CF, 0},
      {kTwo, kOne, 0x2f, 0, 0},
      {kOne, kOne, 0x2f, flag::ZF, 0},
      {0x80000000, 0, 0x2e, flag::ZF, 0},                        // -0 == +0
      {kQNaN, kOne, 0x2f, flag::ZF | flag::PF | flag::CF, 0x1},  // COMISS: QNaN is invalid
      {kQNaN, kOne, 0x2e, flag::ZF | flag::PF | flag::CF, 0},    // UCOMISS: only SNaN
      {kOne, kSNaN, 0x2e, flag::ZF | flag::PF | flag::CF, 0x1},
  };
  for (const Row& r : rows) {
    s.xmm[1] = simd::vec_from_dwords(r.a, 0, 0, 0);
    s.xmm[2] = simd::vec_from_dwords(r.b, 0, 0, 0);
    s.mxcsr = 0x1f80;
    rig.m.cpu().set_rflags(0x202 | flag::kArith);
    REQUIRE(rig.run(insn({0x0f, r.opcode, kModrmXmm1Xmm2})) == PmEnv::kNoVector);
    CHECK((rig.m.cpu().rflags() & flag::kArith) == r.flags);
    CHECK(s.mxcsr == (0x1f80 | r.mxcsr_flags));
  }
  // Unmasked #I: #XM and EFLAGS unchanged.
  s.xmm[1] = simd::vec_from_dwords(kQNaN, 0, 0, 0);
  s.mxcsr = 0x1f80 & ~0x80u;
  rig.m.cpu().set_rflags(0x202 | flag::OF);
  REQUIRE(rig.run(insn({0x0f, 0x2f, kModrmXmm1Xmm2})) == vec::XM);
  CHECK((rig.m.cpu().rflags() & flag::kArith) == flag::OF);
}

TEST_CASE("sse-float: MMX-operand conversions and the x87 state", "[sse-float]") {
  SseFloatRig rig;
  X86State& s = rig.s();
  auto x87_fresh = [&] {
    s.x87.fsw = 0x3800;  // TOP = 7
    s.x87.ftw = 0x80;
  };
  SECTION("cvtpi2ps xmm1, mm0 enters MMX mode") {
    x87_fresh();
    set_mmx_reg(s, 0, u64{2} << 32 | 1);
    REQUIRE(rig.run(insn({0x0f, 0x2a, 0xc8})) == PmEnv::kNoVector);
    CHECK(s.xmm[1].lo == (u64{kTwo} << 32 | kOne));
    CHECK(s.x87.top() == 0);
    CHECK(s.x87.ftw == 0xff);
  }
  SECTION("cvtpi2ps xmm1, m64 stays in x87 mode") {
    x87_fresh();
    const u64 v = u64{2} << 32 | 1;
    rig.write_bytes(SseFloatRig::kDataGpa, &v, 8);
    s.gpr[kRdx] = SseFloatRig::kDataGpa;
    REQUIRE(rig.run(insn({0x0f, 0x2a, 0x0a})) == PmEnv::kNoVector);
    CHECK(s.xmm[1].lo == (u64{kTwo} << 32 | kOne));
    CHECK(s.x87.top() == 7);
    CHECK(s.x87.ftw == 0x80);
  }
  SECTION("cvtpi2pd xmm1, m64 neither enters MMX mode nor takes a pending x87 exception") {
    x87_fresh();
    s.x87.fsw |= 0x80;  // ES: an unmasked x87 exception is pending
    const u64 v = u64{2} << 32 | 1;
    rig.write_bytes(SseFloatRig::kDataGpa, &v, 8);
    s.gpr[kRdx] = SseFloatRig::kDataGpa;
    REQUIRE(rig.run(insn({0x66, 0x0f, 0x2a, 0x0a})) == PmEnv::kNoVector);
    CHECK(s.xmm[1] == simd::Vec128{0x3ff0000000000000ull, 0x4000000000000000ull});
    CHECK(s.x87.top() == 7);
    CHECK(s.x87.ftw == 0x80);
    // The register form takes the pending exception (#MF) first.
    REQUIRE(rig.run(insn({0x66, 0x0f, 0x2a, 0xc8})) == vec::MF);
  }
  SECTION("cvtps2pi: a memory fault keeps x87 mode, #XM leaves mm1 but enters MMX mode") {
    x87_fresh();
    set_mmx_reg(s, 1, 0x1234);
    const fp::F80 before = s.x87.reg[1];
    s.gpr[kRdx] = u64{1} << 47;  // non-canonical: #GP(0)
    REQUIRE(rig.run(insn({0x0f, 0x2d, 0x0a})) == vec::GP);
    CHECK(s.x87.top() == 7);
    CHECK(s.x87.ftw == 0x80);
    s.xmm[2] = simd::vec_from_dwords(kQNaN, kOne, 0, 0);
    s.mxcsr = 0x1f80 & ~0x80u;
    REQUIRE(rig.run(insn({0x0f, 0x2d, kModrmXmm1Xmm2})) == vec::XM);
    CHECK(s.x87.reg[1] == before);
    CHECK(s.x87.top() == 0);
    CHECK(s.x87.ftw == 0xff);
    CHECK((s.mxcsr & 0x3f) == 0x1);
    // Masked: the integer indefinite and 1.
    s.mxcsr = 0x1f80;
    REQUIRE(rig.run(insn({0x0f, 0x2d, kModrmXmm1Xmm2})) == PmEnv::kNoVector);
    CHECK(mmx_reg(s, 1) == (u64{1} << 32 | 0x80000000u));
  }
}

TEST_CASE("sse-float: encodings without a meaning are #UD", "[sse-float]") {
  SseFloatRig rig;
  X86State& s = rig.s();
  s.gpr[kRdx] = SseFloatRig::kDataGpa;
  CHECK(rig.run(insn({0x66, 0x0f, 0x12, kModrmXmm1Xmm2})) == vec::UD);  // movlpd xmm, xmm
  CHECK(rig.run(insn({0x66, 0x0f, 0x16, kModrmXmm1Xmm2})) == vec::UD);  // movhpd xmm, xmm
  CHECK(rig.run(insn({0x0f, 0x13, kModrmXmm1Xmm2})) == vec::UD);        // movlps xmm, xmm
  CHECK(rig.run(insn({0x0f, 0x17, kModrmXmm1Xmm2})) == vec::UD);        // movhps xmm, xmm
  CHECK(rig.run(insn({0x0f, 0x2b, kModrmXmm1Xmm2})) == vec::UD);        // movntps xmm, xmm
  CHECK(rig.run(insn({0x0f, 0x50, 0x0a})) == vec::UD);                  // movmskps r, m
  CHECK(rig.run(insn({0xf2, 0x0f, 0xf0, kModrmXmm1Xmm2})) == vec::UD);  // lddqu xmm, xmm
  CHECK(rig.run(insn({0xf3, 0x0f, 0x7c, kModrmXmm1Xmm2})) == vec::UD);  // no F3 HADD
}

TEST_CASE("sse-float: XMM8-XMM15 through REX.R and REX.B", "[sse-float]") {
  SseFloatRig rig;
  X86State& s = rig.s();
  s.xmm[9] = simd::vec_from_dwords(kOne, kOne, kTwo, kTwo);
  s.xmm[12] = simd::vec_from_dwords(kOne, kTwo, kOne, kTwo);
  s.mxcsr = 0x1f80;
  // mulps xmm9, xmm12 (REX.RB)
  REQUIRE(rig.run(insn({0x45, 0x0f, 0x59, 0xcc})) == PmEnv::kNoVector);
  CHECK(s.xmm[9] == simd::vec_from_dwords(kOne, kTwo, kTwo, 0x40800000));
  // extractps r9d, xmm12, 1 (REX.RB... reg = xmm12 via REX.R, rm = r9 via REX.B)
  s.gpr[9] = ~u64{0};
  REQUIRE(rig.run(insn({0x66, 0x45, 0x0f, 0x3a, 0x17, 0xe1, 0x01})) == PmEnv::kNoVector);
  CHECK(s.gpr[9] == kTwo);
}

TEST_CASE("sse-float: RCPPS/RSQRTPS/RCPSS/RSQRTSS follow the library's tables", "[sse-float]") {
  SseFloatRig rig;
  X86State& s = rig.s();
  const u32 inputs[] = {kOne,       kTwo,       0x80000000, 0x00000001, 0x7f800000, 0xff800000,
                        0x7fa00001, 0x3eaaaaab, 0x7f7fffff, 0xc0490fdb, 0x00800000, 0x42f60000};
  for (unsigned k = 0; k + 4 <= std::size(inputs); k += 2) {
    const simd::Vec128 src =
        simd::vec_from_dwords(inputs[k], inputs[k + 1], inputs[k + 2], inputs[k + 3]);
    for (const bool sqrt : {false, true}) {
      auto lib = [&](u32 v) {
        return (sqrt ? fp::sse_rsqrt(fp::F32{v}) : fp::sse_rcp(fp::F32{v})).bits;
      };
      const u8 op = sqrt ? 0x52 : 0x53;
      s.xmm[2] = src;
      s.mxcsr = 0x1f80 | 0x8040;  // DAZ/FTZ and the rounding mode do not matter
      REQUIRE(rig.run(insn({0x0f, op, kModrmXmm1Xmm2})) == PmEnv::kNoVector);
      for (unsigned n = 0; n < 4; ++n) CHECK(s.xmm[1].dword(n) == lib(src.dword(n)));
      CHECK(s.mxcsr == (0x1f80 | 0x8040));
      s.xmm[1] = simd::vec_from_dwords(5, 6, 7, 8);
      REQUIRE(rig.run(insn({0xf3, 0x0f, op, kModrmXmm1Xmm2})) == PmEnv::kNoVector);
      CHECK(s.xmm[1] == simd::vec_from_dwords(lib(src.dword(0)), 6, 7, 8));
    }
  }
}

// Targeted tests of the MMX and SSE2 integer instructions (cpu/ops_simd_int*.cpp) for what the
// host-differential test cannot provoke: faults (#GP alignment, #NM, #UD, #MF, #PF) and the
// state they must leave untouched, the x87 tag/TOP transitions of MMX mode, undefined group
// encodings, and MASKMOVDQU's byte-exact stores.
#include <catch2/catch.hpp>

#include "pm_env.h"

namespace glasspc::test {
namespace {

constexpr u64 kCode = 0x10000;
constexpr u64 kData = 0x20000;
constexpr u64 kStack = 0x7000;
constexpr u8 kVecUd = 6, kVecNm = 7, kVecGp = 13, kVecPf = 14, kVecMf = 16;

// 64-bit mode at CPL 0 with SSE enabled (CR4.OSFXSR), CR0.EM/TS clear, CR0.NE set.
class Env {
 public:
  Env() : m(4 << 20) {
    PmEnv::install(m, true);
    PmEnv::enter_long_mode(m, kCode, kStack);
    regs().cr0 = (regs().cr0 | cr0::MP | cr0::NE) & ~(cr0::EM | cr0::TS);
    regs().cr4 |= cr4::OSFXSR;
    m.cpu().state_changed();
  }
  X86State& regs() { return m.regs(); }

  // Runs `code` followed by HLT; returns the exception vector or PmEnv::kNoVector.
  u32 run(std::vector<u8> code) {
    code.push_back(0xf4);
    m.load(kCode, code);
    regs().rip = kCode;
    regs().gpr[kRsp] = kStack;
    m.cpu().state_changed();
    m.cpu().wake();
    m.write_u32(PmEnv::kRecord, PmEnv::kNoVector);
    m.run_until_halt();
    return PmEnv::vector(m);
  }
  u64 error_code() { return PmEnv::frame(m, 0, 8); }
  u64 fault_rip(bool has_error) { return PmEnv::frame(m, has_error ? 1 : 0, 8); }

  CpuTestMachine m;
};

}  // namespace

TEST_CASE("MOVDQA and SSE2 packed memory operands must be 16-byte aligned", "[cpu][simd-int]") {
  Env e;
  e.regs().gpr[kRax] = kData + 8;
  e.regs().xmm[0] = {0x1111, 0x2222};
  struct Case {
    const char* name;
    std::vector<u8> code;
    bool faults;
  };
  const Case cases[] = {
      {"MOVDQA xmm0, [rax]", {0x66, 0x0f, 0x6f, 0x00}, true},
      {"MOVDQA [rax], xmm0", {0x66, 0x0f, 0x7f, 0x00}, true},
      {"MOVNTDQ [rax], xmm0", {0x66, 0x0f, 0xe7, 0x00}, true},
      {"PADDB xmm0, [rax]", {0x66, 0x0f, 0xfc, 0x00}, true},
      {"PSRLW xmm0, [rax]", {0x66, 0x0f, 0xd1, 0x00}, true},
      {"PSHUFD xmm0, [rax], 0", {0x66, 0x0f, 0x70, 0x00, 0x00}, true},
      {"MOVDQU xmm0, [rax]", {0xf3, 0x0f, 0x6f, 0x00}, false},
      {"MOVQ xmm0, [rax]", {0xf3, 0x0f, 0x7e, 0x00}, false},
      {"PADDB mm0, [rax]", {0x0f, 0xfc, 0x00}, false},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    e.m.load(kData, std::vector<u8>(32, 0x5a));
    const simd::Vec128 before = e.regs().xmm[0];
    const u32 vector = e.run(c.code);
    if (c.faults) {
      CHECK(vector == kVecGp);
      CHECK(e.error_code() == 0);
      CHECK(e.fault_rip(true) == kCode);
      CHECK(e.regs().xmm[0] == before);
      CHECK(e.m.read_u64(kData + 8) == 0x5a5a5a5a5a5a5a5aull);
    } else {
      CHECK(vector == PmEnv::kNoVector);
    }
  }
}

TEST_CASE("MMX instructions enter MMX mode and EMMS empties the tags", "[cpu][simd-int]") {
  Env e;
  X87State& x = e.regs().x87;
  x.set_top(5);
  x.ftw = 0x21;
  x.reg[1] = fp::F80{0x0102030405060708ull, 0x3fff};
  x.reg[2] = fp::F80{0x1010101010101010ull, 0x4000};
  REQUIRE(e.run({0x0f, 0xfc, 0xca}) == PmEnv::kNoVector);  // PADDB mm1, mm2
  CHECK(x.top() == 0);
  CHECK(x.ftw == 0xff);
  CHECK(x.reg[1].significand == 0x1112131415161718ull);
  CHECK(x.reg[1].sign_exponent == 0xffff);
  CHECK(x.reg[2].sign_exponent == 0x4000);  // a source keeps its exponent

  x.set_top(3);
  REQUIRE(e.run({0x0f, 0x77}) == PmEnv::kNoVector);  // EMMS
  CHECK(x.ftw == 0);
  CHECK(x.top() == 0);
  CHECK(x.reg[1].significand == 0x1112131415161718ull);

  // SSE2 instructions that read an mm register enter MMX mode too.
  x.set_top(6);
  REQUIRE(e.run({0xf3, 0x0f, 0xd6, 0xc1}) == PmEnv::kNoVector);  // MOVQ2DQ xmm0, mm1
  CHECK(x.top() == 0);
  CHECK(x.ftw == 0xff);
  CHECK(e.regs().xmm[0] == simd::Vec128{0x1112131415161718ull, 0});
}

TEST_CASE("MMX and SSE2 availability faults", "[cpu][simd-int]") {
  const std::vector<u8> mmx = {0x0f, 0xfc, 0xca};         // PADDB mm1, mm2
  const std::vector<u8> sse2 = {0x66, 0x0f, 0xfc, 0xca};  // PADDB xmm1, xmm2
  const std::vector<u8> emms = {0x0f, 0x77};
  const std::vector<u8> movq2dq = {0xf3, 0x0f, 0xd6, 0xc1};

  SECTION("CR0.TS: #NM, nothing changes") {
    Env e;
    e.regs().cr0 |= cr0::TS;
    e.m.cpu().state_changed();
    X87State& x = e.regs().x87;
    for (const auto* code : {&mmx, &sse2, &emms, &movq2dq}) {
      x.set_top(4);
      x.ftw = 0x0f;
      x.reg[1] = fp::F80{7, 0x3fff};
      e.regs().xmm[1] = {7, 8};
      CHECK(e.run(*code) == kVecNm);
      CHECK(e.fault_rip(false) == kCode);
      CHECK(x.top() == 4);
      CHECK(x.ftw == 0x0f);
      CHECK(x.reg[1] == fp::F80{7, 0x3fff});
      CHECK(e.regs().xmm[1] == simd::Vec128{7, 8});
    }
  }
  SECTION("CR0.EM: #UD for MMX and SSE2 forms") {
    Env e;
    e.regs().cr0 |= cr0::EM;
    e.m.cpu().state_changed();
    e.regs().x87.set_top(2);
    for (const auto* code : {&mmx, &sse2, &emms, &movq2dq}) {
      CHECK(e.run(*code) == kVecUd);
      CHECK(e.regs().x87.top() == 2);
    }
  }
  SECTION("CR4.OSFXSR clear: #UD for SSE2 forms only") {
    Env e;
    e.regs().cr4 &= ~u64{cr4::OSFXSR};
    e.m.cpu().state_changed();
    CHECK(e.run(sse2) == kVecUd);
    CHECK(e.run(movq2dq) == kVecUd);
    CHECK(e.run(mmx) == PmEnv::kNoVector);
  }
  SECTION("pending x87 exception: #MF for MMX forms only") {
    Env e;
    X87State& x = e.regs().x87;
    x.fcw = 0x037e;               // invalid operation unmasked
    x.fsw = 0x8081 | (3u << 11);  // IE, ES, B; TOP = 3
    x.ftw = 0x08;
    CHECK(e.run(mmx) == kVecMf);
    CHECK(x.top() == 3);
    CHECK(x.ftw == 0x08);
    CHECK(e.run(emms) == kVecMf);
    CHECK(e.run(movq2dq) == kVecMf);
    CHECK(e.run(sse2) == PmEnv::kNoVector);
  }
}

TEST_CASE("MMX memory faults leave TOP and the tags unchanged", "[cpu][simd-int]") {
  Env e;
  X87State& x = e.regs().x87;
  e.regs().gpr[kRax] = 0x300000;  // beyond the identity-mapped 2 MiB: #PF
  for (const std::vector<u8>& code : {std::vector<u8>{0x0f, 0xfc, 0x00},        // PADDB mm0, [rax]
                                      std::vector<u8>{0x0f, 0x7f, 0x00},        // MOVQ [rax], mm0
                                      std::vector<u8>{0x0f, 0x7e, 0x00},        // MOVD [rax], mm0
                                      std::vector<u8>{0x0f, 0x6e, 0x00},        // MOVD mm0, [rax]
                                      std::vector<u8>{0x0f, 0xc4, 0x00, 1}}) {  // PINSRW
    x.set_top(5);
    x.ftw = 0x30;
    x.reg[0] = fp::F80{0x1234, 0x4001};
    CHECK(e.run(code) == kVecPf);
    CHECK(e.fault_rip(true) == kCode);
    CHECK(x.top() == 5);
    CHECK(x.ftw == 0x30);
    CHECK(x.reg[0] == fp::F80{0x1234, 0x4001});
  }
}

TEST_CASE("Undefined encodings of the MMX/SSE2 integer rows are #UD", "[cpu][simd-int]") {
  Env e;
  const std::vector<std::vector<u8>> undefined = {
      {0x0f, 0x71, 0xc0, 1},        // group 12 /0
      {0x0f, 0x71, 0xd8, 1},        // group 12 /3
      {0x0f, 0x73, 0xd8, 1},        // PSRLDQ has no MMX form
      {0x0f, 0x73, 0xf8, 1},        // PSLLDQ has no MMX form
      {0x66, 0x0f, 0x73, 0xe0, 1},  // group 14 /4
      {0x0f, 0x71, 0x10, 1},        // PSRLW [rax], imm8: memory form
      {0x66, 0x0f, 0x72, 0x10, 1},  // PSRLD [rax], imm8
      {0x0f, 0xc5, 0x00, 1},        // PEXTRW with a memory operand
      {0x0f, 0xd7, 0x00},           // PMOVMSKB with a memory operand
      {0x0f, 0xf7, 0x00},           // MASKMOVQ with a memory operand
      {0x0f, 0xe7, 0xc0},           // MOVNTQ register form
      {0x66, 0x0f, 0xe7, 0xc0},     // MOVNTDQ register form
      {0x0f, 0xc3, 0xc0},           // MOVNTI register form
      {0xf3, 0x0f, 0xd6, 0x00},     // MOVQ2DQ memory form
      {0x66, 0x0f, 0x77},           // EMMS is NP only
      {0x0f, 0x6c, 0xc0},           // PUNPCKLQDQ has no MMX form
      {0x0f, 0xd6, 0xc0},           // NP 0F D6
  };
  e.regs().gpr[kRax] = kData;
  for (const auto& code : undefined) {
    INFO("byte 1/2: " << int(code[1]) << " " << int(code[2]));
    CHECK(e.run(code) == kVecUd);
  }
}

TEST_CASE("MASKMOVDQU and MASKMOVQ write only the selected bytes", "[cpu][simd-int]") {
  Env e;
  const std::vector<u8> fill(64, 0xee);
  SECTION("selected bytes only, DS:RDI") {
    e.m.load(kData, fill);
    e.regs().gpr[kRdi] = kData + 3;  // no alignment requirement
    e.regs().xmm[1] = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
    e.regs().xmm[2] = {0x00800000ff7f0080ull, 0x8000000000000081ull};
    REQUIRE(e.run({0x66, 0x0f, 0xf7, 0xca}) == PmEnv::kNoVector);  // MASKMOVDQU xmm1, xmm2
    std::vector<u8> expect = fill;
    for (unsigned k : {0u, 3u, 6u, 8u, 15u}) expect[3 + k] = static_cast<u8>(k);
    for (unsigned k = 0; k < 64; ++k) {
      INFO("byte " << k);
      CHECK(static_cast<u8>(e.m.read_u64(kData + k)) == expect[k]);
    }
  }
  SECTION("67 prefix: EDI; FS override adds the FS base") {
    e.m.load(kData, fill);
    e.regs().gpr[kRdi] = 0xffffffff00000010ull;  // EDI = 0x10
    e.regs().seg[kFs].base = kData;
    e.regs().x87.reg[1] = fp::F80{0x8877665544332211ull, 0};
    e.regs().x87.reg[2] = fp::F80{0x80000000000000ffull, 0};
    // MASKMOVQ mm1, mm2 with FS: and 67.
    REQUIRE(e.run({0x64, 0x67, 0x0f, 0xf7, 0xca}) == PmEnv::kNoVector);
    CHECK(e.m.read_u64(kData + 0x10) == 0x88eeeeeeeeeeee11ull);
    CHECK(e.m.read_u64(kData + 0x18) == 0xeeeeeeeeeeeeeeeeull);
  }
  SECTION("faults as a 16-byte write even where no selected byte is unmapped") {
    // The last 8 bytes of the 16-byte destination lie on the unmapped page at 2 MiB.
    const u64 dest = 0x200000 - 8;
    e.m.load(dest, std::vector<u8>(8, 0xee));
    e.regs().gpr[kRdi] = dest;
    e.regs().xmm[1] = {0x1111111111111111ull, 0x2222222222222222ull};
    e.regs().xmm[2] = {~u64{0}, 0};  // selects only the mapped low 8 bytes
    CHECK(e.run({0x66, 0x0f, 0xf7, 0xca}) == kVecPf);
    CHECK(e.regs().cr2 == 0x200000);
    CHECK(e.m.read_u64(dest) == 0xeeeeeeeeeeeeeeeeull);
  }
}

TEST_CASE("MOVNTI stores a general register", "[cpu][simd-int]") {
  Env e;
  e.m.load(kData, std::vector<u8>(16, 0));
  e.regs().gpr[kRax] = kData;
  e.regs().gpr[kRcx] = 0x1122334455667788ull;
  REQUIRE(e.run({0x0f, 0xc3, 0x08}) == PmEnv::kNoVector);  // MOVNTI [rax], ecx
  CHECK(e.m.read_u64(kData) == 0x55667788ull);
  REQUIRE(e.run({0x48, 0x0f, 0xc3, 0x48, 0x08}) == PmEnv::kNoVector);  // MOVNTI [rax+8], rcx
  CHECK(e.m.read_u64(kData + 8) == 0x1122334455667788ull);
  // It needs no SSE enabling: CR4.OSFXSR clear and CR0.TS set do not affect it.
  e.regs().cr4 &= ~u64{cr4::OSFXSR};
  e.regs().cr0 |= cr0::TS;
  e.m.cpu().state_changed();
  e.regs().gpr[kRcx] = 0xabcdef;
  REQUIRE(e.run({0x0f, 0xc3, 0x08}) == PmEnv::kNoVector);
  CHECK(e.m.read_u64(kData) == 0xabcdefull);
}

}  // namespace glasspc::test

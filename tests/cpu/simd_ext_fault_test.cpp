// Exceptions and x87/MMX mode of the 0F 38 / 0F 3A instructions: misaligned m128 #GP(0) for the
// class-4 legacy SSE forms (SDM Vol. 2A 2.5) and none for the string compares, MMX and partial
// reads; #NM with CR0.TS, #UD with CR0.EM or without CR4.OSFXSR, #MF for MMX forms; the MMX forms
// switch the x87 unit to MMX mode; CRC32 ignores the SSE state; a fault changes nothing.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "simd_ext_cases.h"

using namespace glasspc;
using namespace glasspc::test;
using namespace glasspc::test::simd_ext;

#if defined(__x86_64__)

namespace {

// The architectural state after a fault must be the state before the instruction.
std::string changes(const Image& in, const Data& data, const Result& got, bool mmx) {
  Result before;
  before.image = in;
  before.data = data;
  Result after = got;
  after.vector = PmEnv::kNoVector;
  return compare(before, after, mmx);
}

Encoding xmm_encoding(const Op& op, Rm rm) {
  Encoding e;
  e.prefix = 0x66;
  e.map = op.map;
  e.op = op.op;
  e.reg = 3;
  e.rm = rm;
  if (op.imm) e.imm = 0x5a;
  return e;
}

Encoding mmx_encoding(u8 op, Rm rm) {
  Encoding e;
  e.op = op;
  e.reg = 1;
  e.rm = rm;
  return e;
}

// Runs `code` in glasspc and checks that it raised `vector` (error code `error` when given) and
// left the state alone.
void expect_fault(Runner& r, const std::vector<u8>& code, u32 vector, bool mmx,
                  std::optional<u64> error = {}) {
  Gen g(code.size() * 31 + code.back());
  const Image in = g.image();
  const Data data = g.data();
  const u16 fsw = r.x87_fsw;
  const u8 ftw = r.x87_ftw;
  const Result got = r.guest(code, in, data);
  INFO(fmt::format("[{}]", hex(code)));
  CHECK(got.vector == vector);
  if (error) CHECK(got.error_code == *error);
  CHECK(changes(in, data, got, mmx).empty());
  CHECK(got.fsw == fsw);
  CHECK(got.ftw == ftw);
}

void expect_no_fault(Runner& r, const std::vector<u8>& code, bool mmx) {
  Gen g(code.size() * 17 + code.back());
  const Image in = g.image();
  const Data data = g.data();
  const Result want = r.native(code, in, data);
  const Result got = r.guest(code, in, data);
  INFO(fmt::format("[{}]", hex(code)));
  CHECK(compare(want, got, mmx).empty());
}

}  // namespace

TEST_CASE("Aligned-operand forms raise #GP(0) on a misaligned m128 and change nothing",
          "[simd-ext]") {
  Runner r;
  unsigned checked = 0;
  for (const std::span<const Op> list : kOpLists) {
    for (const Op& op : list) {
      if (op.form != Form::kXmm && op.form != Form::kMemOnly) continue;
      for (i8 disp : {1, 8, 15, 20}) {
        expect_fault(r, encode(xmm_encoding(op, {true, 0, disp})), vec::GP, false, 0);
        ++checked;
      }
    }
  }
  CHECK(checked == 4 * 42);
}

TEST_CASE("String compares, MMX forms and partial reads accept misaligned memory", "[simd-ext]") {
  Runner r;
  REQUIRE(r.native_ok());
  for (u8 op = 0x60; op <= 0x63; ++op) {
    expect_no_fault(r, encode(xmm_encoding({"pcmpxstrx", k3a, op, Form::kXmm, true}, {true, 0, 3})),
                    false);
  }
  for (const Op& op : kSse41) {
    if (op.form == Form::kPartial || op.form == Form::kGprRm) {
      expect_no_fault(r, encode(xmm_encoding(op, {true, 0, 5})), false);
    }
  }
  for (const Op& op : kSsse3) {
    Encoding e = mmx_encoding(op.op, {true, 0, 7});
    e.map = op.map;
    if (op.imm) e.imm = 3;
    expect_no_fault(r, encode(e), true);
  }
}

TEST_CASE("CR0.TS raises #NM before the operands are touched", "[simd-ext]") {
  Runner r;
  r.cr0_set = cr0::TS;
  r.x87_fsw = 0x2800;  // TOP = 5: an MMX form must not reach the MMX-mode switch
  r.x87_ftw = 0x0f;
  for (const std::span<const Op> list : kOpLists) {
    for (const Op& op : list) {
      expect_fault(r, encode(xmm_encoding(op, {true, 0, 16})), vec::NM, false);
      if (op.form != Form::kMemOnly) {
        expect_fault(r, encode(xmm_encoding(op, {false, 5, 0})), vec::NM, false);
      }
    }
  }
  for (const Op& op : kSsse3) {
    Encoding e = mmx_encoding(op.op, {false, 2, 0});
    e.map = op.map;
    if (op.imm) e.imm = 3;
    expect_fault(r, encode(e), vec::NM, true);
  }
  for (u8 op = 0x60; op <= 0x63; ++op) {
    expect_fault(r, encode(xmm_encoding({"pcmpxstrx", k3a, op, Form::kXmm, true}, {false, 1, 0})),
                 vec::NM, false);
  }
}

TEST_CASE("CR0.EM and CR4.OSFXSR decide #UD; MMX forms need only CR0.EM clear", "[simd-ext]") {
  Runner r;
  REQUIRE(r.native_ok());
  const std::vector<u8> pshufb_xmm = encode(xmm_encoding(kSsse3[0], {false, 4, 0}));
  const std::vector<u8> pshufb_mmx = encode(mmx_encoding(0x00, {false, 4, 0}));
  const std::vector<u8> pcmpistri =
      encode(xmm_encoding({"pcmpistri", k3a, 0x63, Form::kXmm, true}, {false, 4, 0}));
  r.cr4_clear = cr4::OSFXSR;
  expect_fault(r, pshufb_xmm, vec::UD, false);
  expect_fault(r, pcmpistri, vec::UD, false);
  expect_no_fault(r, pshufb_mmx, true);
  r.cr4_clear = 0;
  r.cr0_set = cr0::EM;
  expect_fault(r, pshufb_xmm, vec::UD, false);
  expect_fault(r, pshufb_mmx, vec::UD, true);
}

TEST_CASE("MOVNTDQA with a register operand and LOCK prefixes are #UD", "[simd-ext]") {
  Runner r;
  expect_fault(r, encode(xmm_encoding({"movntdqa", k38, 0x2a, Form::kMemOnly}, {false, 2, 0})),
               vec::UD, false);
  std::vector<u8> locked = encode(xmm_encoding(kSsse3[0], {true, 0, 16}));
  locked.insert(locked.begin(), 0xf0);
  expect_fault(r, locked, vec::UD, false);
}

TEST_CASE("An unmasked x87 exception makes MMX forms #MF, not XMM forms", "[simd-ext]") {
  Runner r;
  REQUIRE(r.native_ok());
  r.x87_fsw = 0x8081;  // ES, B and IE pending
  r.x87_ftw = 0x01;
  expect_fault(r, encode(mmx_encoding(0x1c, {false, 2, 0})), vec::MF, true);
  expect_no_fault(r, encode(xmm_encoding(kSsse3[12], {false, 2, 0})), false);
}

TEST_CASE("MMX forms switch the x87 unit to MMX mode", "[simd-ext]") {
  Runner r;
  REQUIRE(r.native_ok());
  r.x87_fsw = 0x2800;  // TOP = 5
  r.x87_ftw = 0x00;    // all empty
  for (const Op& op : kSsse3) {
    Encoding e = mmx_encoding(op.op, {false, 6, 0});
    e.map = op.map;
    if (op.imm) e.imm = 9;
    const std::vector<u8> code = encode(e);
    Gen g(op.op);
    const Image in = g.image();
    const Data data = g.data();
    const Result want = r.native(code, in, data);
    const Result got = r.guest(code, in, data);
    INFO(op.name);
    CHECK(compare(want, got, true).empty());
    CHECK(((got.fsw >> 11) & 7) == 0);
    CHECK(got.ftw == 0xff);
    CHECK(r.machine().regs().x87.reg[1].sign_exponent == 0xffff);
  }
  // XMM forms leave the x87 unit alone.
  const Result got =
      r.guest(encode(xmm_encoding(kSsse3[0], {false, 6, 0})), Gen(1).image(), Gen(2).data());
  CHECK(got.fsw == 0x2800);
  CHECK(got.ftw == 0x00);
}

TEST_CASE("A faulting MMX memory operand leaves the x87 unit in x87 mode", "[simd-ext]") {
  Runner r;
  r.x87_fsw = 0x2800;
  r.x87_ftw = 0x03;
  r.guest_rsi = 0x8000000000000000;  // non-canonical: #GP(0)
  for (const Op& op : kSsse3) {
    Encoding e = mmx_encoding(op.op, {true, 0, 0});
    e.map = op.map;
    if (op.imm) e.imm = 1;
    expect_fault(r, encode(e), vec::GP, true, 0);
  }
}

TEST_CASE("CRC32 runs with CR0.TS set and CR4.OSFXSR clear", "[simd-ext]") {
  Runner r;
  REQUIRE(r.native_ok());
  r.cr0_set = cr0::TS;
  r.cr4_clear = cr4::OSFXSR;
  Encoding e;
  e.prefix = 0xf2;
  e.reg = 0;
  for (u8 op : {0xf0, 0xf1}) {
    e.op = op;
    e.rm = {false, 3, 0};
    expect_no_fault(r, encode(e), false);
    e.rm = {true, 0, 9};
    expect_no_fault(r, encode(e), false);
  }
}

TEST_CASE("PEXTR to memory faults before anything is written", "[simd-ext]") {
  Runner r;
  r.guest_rsi = 0x8000000000000000;
  for (u8 op : {0x14, 0x15, 0x16}) {
    expect_fault(r, encode(xmm_encoding({"pextr", k3a, op, Form::kGprRm, true}, {true, 0, 0})),
                 vec::GP, false, 0);
  }
}

#endif  // defined(__x86_64__)

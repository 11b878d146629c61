// Decoder corner cases: lengths, prefixes in any order, the last segment override, REX rules,
// the 15-byte limit, LOCK legality (SDM Vol. 2A ch. 2).
#include "cpu/decoder.h"

#include <catch2/catch.hpp>

#include "pm_env.h"

using namespace glasspc;
using namespace glasspc::test;

namespace {

Insn decode(std::vector<u8> bytes, CodeSize mode, DecodeStatus expect = DecodeStatus::Ok) {
  Insn insn;
  unsigned needed = 0;
  REQUIRE(decode_insn(bytes.data(), static_cast<unsigned>(std::min<size_t>(bytes.size(), 15)), mode,
                      insn, needed) == expect);
  return insn;
}

struct Flat32 {
  CpuTestMachine m;
  Flat32() {
    m.boot_flat32(0x1000, 0x7000);
    PmEnv::install(m, false);
  }
  void run(std::vector<u8> code) {
    code.push_back(0xf4);
    m.load(0x1000, code);
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  }
};

}  // namespace

TEST_CASE("decoder: lengths of common forms") {
  CHECK(decode({0xb8, 1, 2, 3, 4}, CodeSize::k32).len == 5);
  CHECK(decode({0xb8, 1, 2}, CodeSize::k16).len == 3);
  CHECK(decode({0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}, CodeSize::k64).len == 10);
  CHECK(decode({0x8b, 0x44, 0x24, 0x08}, CodeSize::k32).len == 4);  // SIB + disp8
  CHECK(decode({0x8b, 0x05, 0, 0, 0, 0}, CodeSize::k64).base == kRipBase);
  CHECK(decode({0x8b, 0x05, 0, 0, 0, 0}, CodeSize::k32).base == kNoReg);
  CHECK(decode({0x67, 0x8b, 0x07}, CodeSize::k32).len == 3);              // [bx]
  CHECK(decode({0xc8, 0x10, 0x00, 0x01}, CodeSize::k32).imm2 == 1);       // ENTER
  CHECK(decode({0xea, 1, 2, 3, 4, 5, 6}, CodeSize::k32).imm2 == 0x0605);  // JMP ptr16:32
  CHECK(decode({0xa1, 1, 2, 3, 4, 5, 6, 7, 8}, CodeSize::k64).len == 9);  // moffs64
  CHECK(decode({0x66, 0xe8, 1, 2, 3, 4}, CodeSize::k64).len == 6);        // CALL ignores 66
}

TEST_CASE("decoder: REX is ignored unless it immediately precedes the opcode") {
  const Insn a = decode({0x48, 0x66, 0xb8, 0x34, 0x12}, CodeSize::k64);
  CHECK(a.len == 5);
  CHECK(a.opsize == 2);
  const Insn b = decode({0x66, 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}, CodeSize::k64);
  CHECK(b.opsize == 8);
  CHECK(b.len == 11);
}

TEST_CASE("decoder: more than 15 bytes is TooLong; a page end is NeedMore") {
  std::vector<u8> soup(15, 0x66);
  soup.push_back(0x90);
  decode(soup, CodeSize::k32, DecodeStatus::TooLong);
  Insn insn;
  unsigned needed = 0;
  const u8 partial[] = {0xb8, 1};
  CHECK(decode_insn(partial, 2, CodeSize::k32, insn, needed) == DecodeStatus::NeedMore);
  CHECK(needed == 5);
}

TEST_CASE("execution: 15 bytes run, 16 bytes raise #GP(0)") {
  Flat32 ok;
  std::vector<u8> fifteen(14, 0x66);
  fifteen.push_back(0x90);
  ok.run(fifteen);
  CHECK(PmEnv::vector(ok.m) == PmEnv::kNoVector);
  Flat32 bad;
  std::vector<u8> sixteen(15, 0x66);
  sixteen.push_back(0x90);
  bad.run(sixteen);
  CHECK(PmEnv::vector(bad.m) == 13);
  CHECK(PmEnv::frame(bad.m, 0, 4) == 0);
  CHECK(PmEnv::frame(bad.m, 1, 4) == 0x1000);
}

TEST_CASE("execution: the last segment override wins, in any prefix order") {
  Flat32 t;
  X86State& s = t.m.regs();
  s.seg[kFs].base = 0x4000;
  s.seg[kGs].base = 0x8000;
  t.m.write_u32(0x4010, 0xf5);
  t.m.write_u32(0x8010, 0x65);
  s.gpr[kRbx] = 0x10;
  // fs gs mov eax, [ebx]; mov ecx, eax; gs 66 fs mov edx, [ebx]  (16-bit load into DX)
  t.run({0x64, 0x65, 0x8b, 0x03, 0x89, 0xc1, 0x65, 0x66, 0x64, 0x8b, 0x13});
  CHECK((s.gpr[kRcx] & 0xffffffff) == 0x65);
  CHECK((s.gpr[kRdx] & 0xffff) == 0xf5);
}

TEST_CASE("execution: LOCK is #UD on a register destination or a non-lockable opcode") {
  Flat32 good;
  good.m.regs().gpr[kRbx] = 0x3000;
  good.m.regs().gpr[kRax] = 5;
  good.run({0xf0, 0x01, 0x03});  // lock add [ebx], eax
  CHECK(PmEnv::vector(good.m) == PmEnv::kNoVector);
  CHECK(good.m.read_u32(0x3000) == 5);
  Flat32 reg;
  reg.run({0xf0, 0x01, 0xc0});  // lock add eax, eax
  CHECK(PmEnv::vector(reg.m) == 6);
  Flat32 nop;
  nop.run({0xf0, 0x90});
  CHECK(PmEnv::vector(nop.m) == 6);
}

TEST_CASE("execution: CS limit is enforced on instruction fetch") {
  Flat32 t;
  t.m.regs().seg[kCs].limit = 0x1002;
  t.m.cpu().state_changed();
  t.run({0x90, 0x90, 0x90, 0x90});  // the fourth byte is beyond the limit
  CHECK(PmEnv::vector(t.m) == 13);
  CHECK(PmEnv::frame(t.m, 1, 4) == 0x1003);
}

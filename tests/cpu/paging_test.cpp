// Paging: #PF error codes and CR2 (SDM Vol. 3A 4.7), accessed/dirty flags (4.8), page-spanning
// instruction fetches, and the 4-level execute-disable and SMEP/SMAP rules.
#include <catch2/catch.hpp>

#include "pm_env.h"

using namespace glasspc;
using namespace glasspc::test;

namespace {

struct Paged32 {
  CpuTestMachine m;
  Paged32() {
    m.boot_flat32(0x1000, 0x7000);
    PmEnv::install(m, false);
    PmEnv::enable_paging32(m);
  }
  void pte(u32 page, u32 value) { m.write_u32(PmEnv::kPt32 + 4 * page, value); }
  u32 pte(u32 page) { return m.read_u32(PmEnv::kPt32 + 4 * page); }
  void run() { REQUIRE(m.run_until_halt() == CpuRunExit::Halted); }
};

}  // namespace

TEST_CASE("paging32: not-present read gives #PF error 0 with CR2") {
  Paged32 t;
  t.pte(0x50, 0);
  t.m.load(0x1000, {0xa1, 0x00, 0x00, 0x05, 0x00, 0xf4});  // mov eax, [0x50000]; hlt
  t.run();
  CHECK(PmEnv::vector(t.m) == 14);
  CHECK(PmEnv::frame(t.m, 0, 4) == 0);       // error code
  CHECK(PmEnv::frame(t.m, 1, 4) == 0x1000);  // faulting EIP
  CHECK(t.m.regs().cr2 == 0x50000);
}

TEST_CASE("paging32: supervisor write to a read-only page with CR0.WP gives error 3") {
  Paged32 t;
  t.pte(0x50, 0x50005);
  t.m.load(0x1000, {0xa3, 0x04, 0x00, 0x05, 0x00, 0xf4});  // mov [0x50004], eax; hlt
  t.run();
  CHECK(PmEnv::vector(t.m) == 14);
  CHECK(PmEnv::frame(t.m, 0, 4) == 3);
  CHECK(t.m.regs().cr2 == 0x50004);
}

TEST_CASE("paging32: without CR0.WP the supervisor may write a read-only page") {
  Paged32 t;
  t.pte(0x50, 0x50005);
  t.m.regs().cr0 &= ~cr0::WP;
  t.m.cpu().state_changed();
  t.m.regs().gpr[kRax] = 0xabcd;
  t.m.load(0x1000, {0xa3, 0x04, 0x00, 0x05, 0x00, 0xf4});
  t.run();
  CHECK(PmEnv::vector(t.m) == PmEnv::kNoVector);
  CHECK(t.m.read_u32(0x50004) == 0xabcd);
}

TEST_CASE("paging32: user read of a supervisor page gives error 5 on the ring-0 stack") {
  Paged32 t;
  t.pte(0x50, 0x50003);
  t.m.load(0x1000, {0xa1, 0x00, 0x00, 0x05, 0x00, 0xf4});
  PmEnv::enter_user(t.m, false);
  t.run();
  CHECK(PmEnv::vector(t.m) == 14);
  CHECK(PmEnv::frame(t.m, 0, 4) == 5);
  CHECK(PmEnv::frame(t.m, 1, 4) == 0x1000);
  CHECK(PmEnv::frame(t.m, 2, 4) == PmEnv::kUserCode32);
  CHECK(PmEnv::frame(t.m, 4, 4) == 0x7000);  // user ESP
  CHECK(PmEnv::frame(t.m, 5, 4) == PmEnv::kUserData);
  CHECK(t.m.read_u64(PmEnv::kRecord + 8) == PmEnv::kRing0Stack - 24);
}

TEST_CASE("paging32: accessed and dirty flags") {
  Paged32 t;
  t.pte(0x50, 0x50007);
  t.pte(0x51, 0x51007);
  // mov eax, [0x50000]; mov [0x51000], eax; hlt
  t.m.load(0x1000, {0xa1, 0x00, 0x00, 0x05, 0x00, 0xa3, 0x00, 0x10, 0x05, 0x00, 0xf4});
  t.run();
  CHECK(t.pte(0x50) == (0x50007 | 0x20));
  CHECK(t.pte(0x51) == (0x51007 | 0x60));
  CHECK((t.m.read_u32(0x20000) & 0x20) != 0);  // PDE accessed
}

TEST_CASE("paging32: an instruction spanning into a non-present page faults there") {
  Paged32 t;
  t.pte(0x2, 0);
  // mov eax, [0x50000] starting 2 bytes before the page boundary.
  t.m.load(0x1ffe, {0xa1, 0x00, 0x00, 0x05, 0x00});
  t.m.regs().rip = 0x1ffe;
  t.run();
  CHECK(PmEnv::vector(t.m) == 14);
  CHECK(t.m.regs().cr2 == 0x2000);
  CHECK(PmEnv::frame(t.m, 0, 4) == 0);
  CHECK(PmEnv::frame(t.m, 1, 4) == 0x1ffe);
}

TEST_CASE("paging32: an instruction spanning two present pages executes") {
  Paged32 t;
  t.m.write_u32(0x50000, 0x600d);
  t.m.load(0x1ffe, {0xa1, 0x00, 0x00, 0x05, 0x00, 0xf4});
  t.m.regs().rip = 0x1ffe;
  t.run();
  CHECK(PmEnv::vector(t.m) == PmEnv::kNoVector);
  CHECK((t.m.regs().gpr[kRax] & 0xffffffff) == 0x600d);
}

TEST_CASE("paging32: 4-MiByte pages with CR4.PSE") {
  Paged32 t;
  t.m.regs().cr4 |= cr4::PSE;
  t.m.cpu().state_changed();
  t.m.write_u32(0x20004, 0x00000083 | 0x800000);  // PDE 1: 4 MiB at 8 MiB
  t.m.write_u32(0x800010, 0x4d4d);
  t.m.load(0x1000, {0xa1, 0x10, 0x00, 0x40, 0x00, 0xf4});  // mov eax, [0x400010]
  t.run();
  CHECK((t.m.regs().gpr[kRax] & 0xffffffff) == 0x4d4d);
  CHECK((t.m.read_u32(0x20004) & 0x20) != 0);
}

TEST_CASE("paging64: execute-disable page gives #PF with I/D set") {
  CpuTestMachine m;
  PmEnv::install(m, true);
  PmEnv::enter_long_mode(m, 0x3000);
  m.write_u64(PmEnv::kPt64 + 8 * 3, 0x3007 | (u64{1} << 63));
  m.load(0x3000, {0x90, 0xf4});
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(m) == 14);
  CHECK(PmEnv::frame(m, 0, 8) == 0x11);  // P | I/D
  CHECK(PmEnv::frame(m, 1, 8) == 0x3000);
  CHECK(m.regs().cr2 == 0x3000);
}

TEST_CASE("paging64: reserved bit set gives error code with RSVD") {
  CpuTestMachine m;
  PmEnv::install(m, true);
  PmEnv::enter_long_mode(m, 0x1000);
  m.write_u64(PmEnv::kPt64 + 8 * 0x50, 0x50007 | (u64{1} << 45));
  // mov eax, [0x50000] (SIB absolute); hlt
  m.load(0x1000, {0x8b, 0x04, 0x25, 0x00, 0x00, 0x05, 0x00, 0xf4});
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(m) == 14);
  CHECK(PmEnv::frame(m, 0, 8) == 0x9);  // P | RSVD
}

TEST_CASE("paging64: SMAP blocks supervisor data accesses to user pages") {
  CpuTestMachine m;
  PmEnv::install(m, true);
  PmEnv::enter_long_mode(m, 0x1000);
  for (u64 page : {0, 5, 6, 7, 9}) m.write_u64(PmEnv::kPt64 + 8 * page, (page << 12) | 3);
  m.regs().cr4 |= cr4::SMAP;
  m.cpu().state_changed();
  m.load(0x1000, {0x8b, 0x04, 0x25, 0x00, 0x00, 0x05, 0x00, 0xf4});
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(m) == 14);
  CHECK(PmEnv::frame(m, 0, 8) == 0x1);
  CHECK(m.regs().cr2 == 0x50000);
}

TEST_CASE("paging64: SMEP blocks supervisor fetches from user pages") {
  CpuTestMachine m;
  PmEnv::install(m, true);
  PmEnv::enter_long_mode(m, 0x1000);
  for (u64 page : {0, 5, 6, 7, 9}) m.write_u64(PmEnv::kPt64 + 8 * page, (page << 12) | 3);
  m.regs().cr4 |= cr4::SMEP;
  m.cpu().state_changed();
  m.load(0x1000, {0x90, 0xf4});
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(m) == 14);
  CHECK(PmEnv::frame(m, 0, 8) == 0x11);  // P | I/D
}

TEST_CASE("paging32: REP MOVSB faults mid-copy on the right page with exact progress") {
  Paged32 t;
  t.pte(0x52, 0);  // destination 0x51800..0x527ff: its second page is missing
  for (u32 i = 0; i < 0x1000; i += 4) t.m.write_u32(0x40000 + i, 0x01010101u * (i & 0xff));
  X86State& s = t.m.regs();
  s.gpr[kRsi] = 0x40000;
  s.gpr[kRdi] = 0x51800;
  s.gpr[kRcx] = 0x1000;
  t.m.load(0x1000, {0xf3, 0xa4, 0xf4});  // rep movsb; hlt
  t.run();
  CHECK(PmEnv::vector(t.m) == 14);
  CHECK(t.m.regs().cr2 == 0x52000);
  CHECK(PmEnv::frame(t.m, 0, 4) == 2);  // write, not present
  CHECK(PmEnv::frame(t.m, 1, 4) == 0x1000);
  CHECK(s.gpr[kRcx] == 0x800);
  CHECK(s.gpr[kRsi] == 0x40800);
  CHECK(s.gpr[kRdi] == 0x52000);
  CHECK(t.m.read_u32(0x51ffc) == t.m.read_u32(0x407fc));
}

TEST_CASE("paging32: overlapping REP MOVSB replicates forwards like the hardware") {
  Paged32 t;
  t.m.write_u32(0x40000, 0x44332211);
  X86State& s = t.m.regs();
  s.gpr[kRsi] = 0x40000;
  s.gpr[kRdi] = 0x40002;
  s.gpr[kRcx] = 100;
  t.m.load(0x1000, {0xf3, 0xa4, 0xf4});
  t.run();
  CHECK(t.m.read_u32(0x40000) == 0x22112211);
  CHECK(t.m.read_u32(0x40060) == 0x22112211);
  CHECK(s.gpr[kRcx] == 0);
}

TEST_CASE("paging32: a write split across pages faults on the second page before writing") {
  Paged32 t;
  t.pte(0x51, 0x51005);  // read-only
  t.m.write_u32(0x50ffc, 0x11111111);
  t.m.regs().gpr[kRax] = 0x22222222;
  t.m.load(0x1000, {0xa3, 0xfe, 0x0f, 0x05, 0x00, 0xf4});  // mov [0x50ffe], eax
  t.run();
  CHECK(PmEnv::vector(t.m) == 14);
  CHECK(t.m.regs().cr2 == 0x51000);
  CHECK(PmEnv::frame(t.m, 0, 4) == 3);
  CHECK(t.m.read_u32(0x50ffc) == 0x11111111);  // nothing was written
}

TEST_CASE("paging PAE: 4-KiB and 2-MiB pages, execute-disable, CR2") {
  CpuTestMachine m;
  m.boot_flat32(0x1000, 0x7000);
  PmEnv::install(m, false);
  // PDPT at 0x40000 (32-byte aligned); PD at 0x41000; PT at 0x42000 for the first 2 MiB.
  m.write_u64(0x40000, 0x41000 | 1);
  m.write_u64(0x41000, 0x42000 | 7);
  m.write_u64(0x41008, 0x600000 | 0x87);  // 2 MiB page: linear 2-4 MiB -> physical 6 MiB
  for (u64 i = 0; i < 512; ++i) m.write_u64(0x42000 + 8 * i, (i << 12) | 7);
  m.write_u64(0x42000 + 8 * 0x50, 0x50007 | (u64{1} << 63));  // NX data page
  m.write_u64(0x42000 + 8 * 0x51, 0);                         // not present
  m.write_u32(0x600010, 0x2468);
  X86State& s = m.regs();
  s.cr3 = 0x40000;
  s.cr4 |= cr4::PAE;
  s.efer |= efer::NXE;
  s.cr0 |= cr0::PG;
  m.cpu().state_changed();
  SECTION("2-MiB page and a readable NX page") {
    // mov eax, [0x200010]; mov ebx, [0x50000]; hlt
    m.load(0x1000, {0xa1, 0x10, 0x00, 0x20, 0x00, 0x8b, 0x1d, 0x00, 0x00, 0x05, 0x00, 0xf4});
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    CHECK(PmEnv::vector(m) == PmEnv::kNoVector);
    CHECK((s.gpr[kRax] & 0xffffffff) == 0x2468);
    CHECK((m.read_u64(0x41008) & 0x60) == 0x20);  // accessed, not dirty
  }
  SECTION("fetch from an NX page") {
    m.load(0x50000, {0x90});
    m.load(0x1000, {0xe9, 0xfb, 0xef, 0x04, 0x00});  // jmp 0x50000
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    CHECK(PmEnv::vector(m) == 14);
    CHECK(PmEnv::frame(m, 0, 4) == 0x11);
    CHECK(s.cr2 == 0x50000);
  }
  SECTION("not-present write") {
    m.load(0x1000, {0xa3, 0x08, 0x10, 0x05, 0x00, 0xf4});  // mov [0x51008], eax
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    CHECK(PmEnv::vector(m) == 14);
    CHECK(PmEnv::frame(m, 0, 4) == 2);
    CHECK(s.cr2 == 0x51008);
  }
}

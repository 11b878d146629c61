// System architecture: single-step, call gates with a privilege change, hardware task switches,
// virtual-8086 mode, A20 masking, CPUID and MSRs.
#include <catch2/catch.hpp>

#include "pm_env.h"

using namespace glasspc;
using namespace glasspc::test;

namespace {

struct Flat32 {
  CpuTestMachine m;
  Flat32() {
    m.boot_flat32(0x1000, 0x7000);
    PmEnv::install(m, false);
  }
  // Adds an 8-byte GDT entry at `selector` and grows the GDT limit to include it.
  void gdt(u16 selector, u64 descriptor) {
    m.write_u64(PmEnv::kGdt + (selector & ~7u), descriptor);
    X86State& s = m.regs();
    if (s.gdtr.limit < (selector & ~7u) + 7) s.gdtr.limit = static_cast<u16>((selector & ~7u) + 7);
  }
  u32 at(u64 gpa) { return m.read_u32(gpa); }
};

}  // namespace

TEST_CASE("system: TF single-steps one instruction after POPF sets it") {
  Flat32 t;
  // pushfd; or dword [esp], 0x100; popfd; nop; hlt
  t.m.load(0x1000, {0x9c, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9d, 0x90, 0xf4});
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == 1);
  CHECK(PmEnv::frame(t.m, 0, 4) == 0x100a);  // trap after the NOP
  CHECK((PmEnv::frame(t.m, 2, 4) & flag::TF) != 0);
  CHECK((t.m.regs().dr6 & (1u << 14)) != 0);
}

TEST_CASE("system: far CALL through a call gate to ring 0 copies a parameter, RETF returns") {
  Flat32 t;
  // 32-bit call gate, DPL 3, to 0x10:0x2000 with one parameter.
  const u64 gate = 0x2000 | (u64{0x10} << 16) | (u64{0xec01} << 32);
  t.gdt(0x50, gate);
  // ring 3: push 0x1234; call far 0x53:0; jmp $
  t.m.load(0x1000, {0x68, 0x34, 0x12, 0x00, 0x00, 0x9a, 0, 0, 0, 0, 0x53, 0x00, 0xeb, 0xfe});
  // ring 0: mov eax, [esp+8]; mov [0x3000], eax; mov eax, cs; mov [0x3004], eax; mov [0x3008], esp; retf 4
  t.m.load(0x2000, {0x8b, 0x44, 0x24, 0x08, 0xa3, 0x00, 0x30, 0x00, 0x00, 0x8c, 0xc8, 0xa3, 0x04,
                    0x30, 0x00, 0x00, 0x89, 0x25, 0x08, 0x30, 0x00, 0x00, 0xca, 0x04, 0x00});
  PmEnv::enter_user(t.m, false);
  REQUIRE(t.m.cpu().run(t.m.machine().clock().now() + 10 * kPsPerUs) == CpuRunExit::Deadline);
  CHECK(PmEnv::vector(t.m) == PmEnv::kNoVector);
  CHECK(t.at(0x3000) == 0x1234);
  CHECK((t.at(0x3004) & 0xffff) == 0x10);
  CHECK(t.at(0x3008) == PmEnv::kRing0Stack - 20);  // SS, ESP, parameter, CS, EIP
  CHECK(t.m.cpu().cpl() == 3);
  CHECK(t.m.regs().gpr[kRsp] == 0x7000);
  CHECK(t.m.regs().rip == 0x100c);
  CHECK(t.m.regs().seg[kCs].selector == PmEnv::kUserCode32);
}

TEST_CASE("system: CALL to a TSS switches tasks; IRET with NT returns to the caller") {
  Flat32 t;
  constexpr u64 kTss2 = 0x4000;
  t.gdt(0x58, 0x0000890000000067ull | (kTss2 << 16));
  for (unsigned i = 0; i < 0x68; i += 4) t.m.write_u32(kTss2 + i, 0);
  t.m.write_u32(kTss2 + 0x20, 0x2100);  // EIP
  t.m.write_u32(kTss2 + 0x24, 0x2);     // EFLAGS
  t.m.write_u32(kTss2 + 0x28, 0x1111);  // EAX
  t.m.write_u32(kTss2 + 0x38, 0x5800);  // ESP
  for (unsigned seg = 0; seg < 6; ++seg) {
    t.m.write_u32(kTss2 + 0x48 + 4 * seg, seg == kCs ? PmEnv::kCode32 : PmEnv::kData);
  }
  // call far 0x58:0; mov [0x3008], eax; hlt
  t.m.load(0x1000, {0x9a, 0, 0, 0, 0, 0x58, 0x00, 0xa3, 0x08, 0x30, 0x00, 0x00, 0xf4});
  // new task: mov [0x3000], eax; mov eax, 0x2222; iretd
  t.m.load(0x2100, {0xa3, 0x00, 0x30, 0x00, 0x00, 0xb8, 0x22, 0x22, 0x00, 0x00, 0xcf});
  t.m.regs().gpr[kRax] = 0x5555;
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == PmEnv::kNoVector);
  CHECK(t.at(0x3000) == 0x1111);
  CHECK(t.at(0x3008) == 0x5555);             // the caller's EAX came back from its TSS
  CHECK(t.at(kTss2 + 0x28) == 0x2222);       // the nested task's state was saved
  CHECK((t.at(kTss2) & 0xffff) == PmEnv::kTssSel);  // back link
  CHECK(t.m.regs().tr.selector == PmEnv::kTssSel);
  CHECK(((t.m.read_u64(PmEnv::kGdt + 0x58) >> 41) & 1) == 0);  // nested task no longer busy
  CHECK((t.m.regs().cr0 & cr0::TS) != 0);
  CHECK((t.m.cpu().rflags() & flag::NT) == 0);
}

TEST_CASE("system: IRET into virtual-8086 mode; INT n with IOPL 3 uses the IDT") {
  Flat32 t;
  // Gate 0x21 with DPL 3 so that the INT from V86 (CPL 3) may use it.
  t.m.write_u64(PmEnv::kIdt + 8 * 0x21, t.m.read_u64(PmEnv::kIdt + 8 * 0x21) | (u64{3} << 45));
  const bool iopl3 = GENERATE(true, false);
  const u32 eflags = iopl3 ? 0x23002 : 0x20002;
  // push gs, fs, ds, es, ss (all 0), esp 0x800, eflags, cs 0x200, eip 0; iretd
  std::vector<u8> code = {0x6a, 0, 0x6a, 0, 0x6a, 0, 0x6a, 0, 0x6a, 0, 0x68, 0x00, 0x08, 0, 0, 0x68};
  for (int i = 0; i < 4; ++i) code.push_back(static_cast<u8>(eflags >> (8 * i)));
  for (u8 b : {0x68, 0x00, 0x02, 0x00, 0x00, 0x6a, 0x00, 0xcf}) code.push_back(b);
  t.m.load(0x1000, code);
  // V86 code at 0200:0000: mov ax, 0x1234; mov [0x3000], ax; int 0x21
  t.m.load(0x2000, {0xb8, 0x34, 0x12, 0xa3, 0x00, 0x30, 0xcd, 0x21});
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK((t.at(0x3000) & 0xffff) == 0x1234);
  if (iopl3) {
    CHECK(PmEnv::vector(t.m) == 0x21);
    CHECK(PmEnv::frame(t.m, 0, 4) == 0x0008);
    CHECK(PmEnv::frame(t.m, 1, 4) == 0x0200);
    CHECK((PmEnv::frame(t.m, 2, 4) & flag::VM) != 0);
    CHECK(PmEnv::frame(t.m, 3, 4) == 0x800);
    CHECK(PmEnv::frame(t.m, 4, 4) == 0);
    CHECK(t.m.regs().seg[kDs].selector == 0);
    CHECK(!t.m.cpu().v86());
  } else {
    CHECK(PmEnv::vector(t.m) == 13);  // INT n is IOPL-sensitive in V86 mode
    CHECK(PmEnv::frame(t.m, 0, 4) == 0);
    CHECK(PmEnv::frame(t.m, 1, 4) == 0x0006);
  }
}

TEST_CASE("system: A20 masking wraps FFFF:0010 to 0") {
  CpuTestMachine m;
  // mov ax, 0xffff; mov es, ax; mov byte [es:0x10], 0x77; hlt
  m.load(0x1000, {0xb8, 0xff, 0xff, 0x8e, 0xc0, 0x26, 0xc6, 0x06, 0x10, 0x00, 0x77, 0xf4});
  const bool a20 = GENERATE(true, false);
  m.machine().memory().set_a20(a20);
  m.boot_real(0, 0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK((m.read_u32(0x100000) & 0xff) == (a20 ? 0x77u : 0u));
  CHECK((m.read_u32(0) & 0xff) == (a20 ? 0u : 0x77u));
}

TEST_CASE("system: CPUID describes the implemented features; unknown MSRs #GP") {
  Flat32 t;
  u32 out[4];
  t.m.cpu().cpuid(1, 0, out);
  CHECK((out[3] & 1) == 0);          // no x87
  CHECK((out[3] & (1u << 25)) == 0);  // no SSE
  CHECK((out[3] & (1u << 6)) != 0);   // PAE
  t.m.cpu().cpuid(0x80000001, 0, out);
  CHECK((out[3] & (1u << 29)) != 0);  // long mode
  // mov ecx, 0x12345; rdmsr; hlt
  t.m.load(0x1000, {0xb9, 0x45, 0x23, 0x01, 0x00, 0x0f, 0x32, 0xf4});
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == 13);
}

TEST_CASE("system: x87 escapes are #NM with CR0.EM, #UD without") {
  Flat32 t;
  const bool em = GENERATE(true, false);
  if (em) t.m.regs().cr0 |= cr0::EM;
  t.m.load(0x1000, {0xd9, 0xe8, 0xf4});  // fld1
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == (em ? 7u : 6u));
}

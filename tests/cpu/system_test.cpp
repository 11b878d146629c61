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
  // ring 0: mov eax, [esp+8]; mov [0x3000], eax; mov eax, cs; mov [0x3004], eax; mov [0x3008], esp;
  // retf 4
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
  CHECK(t.at(0x3008) == 0x5555);                    // the caller's EAX came back from its TSS
  CHECK(t.at(kTss2 + 0x28) == 0x2222);              // the nested task's state was saved
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
  std::vector<u8> code = {0x6a, 0, 0x6a, 0,    0x6a, 0, 0x6a, 0,
                          0x6a, 0, 0x68, 0x00, 0x08, 0, 0,    0x68};
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
  CHECK((out[3] & 1) != 0);           // x87
  CHECK((out[3] & (1u << 25)) != 0);  // SSE
  CHECK((out[3] & (1u << 26)) != 0);  // SSE2
  CHECK((out[3] & (1u << 6)) != 0);   // PAE
  CHECK((out[3] & (1u << 9)) == 0);   // no local APIC is attached to this CPU
  CHECK((out[2] & (1u << 20)) != 0);  // SSE4.2 in the default model (max)
  CHECK((out[2] & (1u << 27)) == 0);  // OSXSAVE follows CR4, which is clear
  t.m.cpu().cpuid(0xd, 0, out);
  CHECK(out[0] == 3);    // x87 and SSE state components
  CHECK(out[1] == 576);  // legacy region + XSAVE header
  t.m.cpu().cpuid(0x80000001, 0, out);
  CHECK((out[3] & (1u << 29)) != 0);  // long mode
  // mov ecx, 0x12345; rdmsr; hlt
  t.m.load(0x1000, {0xb9, 0x45, 0x23, 0x01, 0x00, 0x0f, 0x32, 0xf4});
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == 13);
}

TEST_CASE("system: x87 instructions are #NM with CR0.EM or CR0.TS") {
  Flat32 t;
  const u64 bit = GENERATE(cr0::EM, cr0::TS, u64{0});
  t.m.regs().cr0 |= bit;
  t.m.load(0x1000, {0xd9, 0xe8, 0xf4});  // fld1
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == (bit ? 7u : PmEnv::kNoVector));
}

TEST_CASE("system: expand-down data segment limits") {
  Flat32 t;
  // 0x48: expand-down writable data, limit 0x0fff, 32-bit (valid offsets 0x1000..0xffffffff).
  t.gdt(0x48, 0x0040960000000fffull);
  const u32 offset = GENERATE(0x800u, 0x2000u);
  t.m.regs().gpr[kRbx] = offset;
  // mov ax, 0x48; mov ds, ax; mov eax, [ebx]; hlt
  t.m.load(0x1000, {0x66, 0xb8, 0x48, 0x00, 0x8e, 0xd8, 0x8b, 0x03, 0xf4});
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == (offset == 0x800 ? 13u : PmEnv::kNoVector));
}

TEST_CASE("system: SYSENTER to ring 0 and SYSEXIT back to ring 3") {
  Flat32 t;
  X86State& s = t.m.regs();
  s.sysenter_cs = 0x10;
  s.sysenter_esp = 0x6800;
  s.sysenter_eip = 0x2000;
  // ring 3: sysenter; (0x1002) jmp $
  t.m.load(0x1000, {0x0f, 0x34, 0xeb, 0xfe});
  // ring 0: mov [0x3000], esp; mov edx, 0x1002; mov ecx, 0x7100; sysexit
  t.m.load(0x2000, {0x89, 0x25, 0x00, 0x30, 0x00, 0x00, 0xba, 0x02, 0x10, 0x00, 0x00, 0xb9, 0x00,
                    0x71, 0x00, 0x00, 0x0f, 0x35});
  PmEnv::enter_user(t.m, false);
  t.m.cpu().run(t.m.machine().clock().now() + kPsPerUs);
  CHECK(t.at(0x3000) == 0x6800);
  CHECK(t.m.cpu().cpl() == 3);
  CHECK(s.seg[kCs].selector == 0x23);
  CHECK(s.seg[kSs].selector == 0x2b);
  CHECK(s.gpr[kRsp] == 0x7100);
  CHECK(s.rip == 0x1002);
}

TEST_CASE("system: SWAPGS and the FS/GS base instructions in 64-bit mode") {
  CpuTestMachine m;
  PmEnv::install(m, true);
  PmEnv::enter_long_mode(m, 0x1000);
  X86State& s = m.regs();
  s.cr4 |= cr4::FSGSBASE;
  s.seg[kGs].base = 0x1111;
  s.kernel_gs_base = 0x2222;
  m.cpu().state_changed();
  // swapgs; rdgsbase rax; mov rcx, 0x3333; wrfsbase rcx; hlt
  m.load(0x1000, {0x0f, 0x01, 0xf8, 0xf3, 0x48, 0x0f, 0xae, 0xc8, 0x48, 0xc7, 0xc1,
                  0x33, 0x33, 0x00, 0x00, 0xf3, 0x48, 0x0f, 0xae, 0xd1, 0xf4});
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(m) == PmEnv::kNoVector);
  CHECK(s.gpr[kRax] == 0x2222);
  CHECK(s.kernel_gs_base == 0x1111);
  CHECK(s.seg[kFs].base == 0x3333);
}

TEST_CASE("system: DR0 instruction breakpoint faults before the instruction; RF resumes") {
  Flat32 t;
  X86State& s = t.m.regs();
  // mov eax, 0x1010; mov dr0, eax; mov eax, 1; mov dr7, eax; (0x1010) nop; hlt
  t.m.load(0x1000, {0xb8, 0x10, 0x10, 0x00, 0x00, 0x0f, 0x23, 0xc0, 0xb8, 0x01, 0x00, 0x00, 0x00,
                    0x0f, 0x23, 0xf8, 0x90, 0xf4});
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == 1);
  CHECK(PmEnv::frame(t.m, 0, 4) == 0x1010);  // fault: EIP of the breakpointed instruction
  CHECK((s.dr6 & 0xf) == 1);
}

TEST_CASE("system: DR1 data write breakpoint traps after the writing instruction") {
  Flat32 t;
  // mov eax, 0x3002; mov dr1, eax; mov eax, 0x00d00004 (L1, RW1=01 write, LEN1=01 2 bytes);
  // mov dr7, eax; mov eax, [0x3000]; mov byte [0x3003], 1; nop; hlt
  t.m.load(0x1000, {0xb8, 0x02, 0x30, 0x00, 0x00, 0x0f, 0x23, 0xc8, 0xb8, 0x04,
                    0x00, 0x50, 0x00, 0x0f, 0x23, 0xf8, 0xa1, 0x00, 0x30, 0x00,
                    0x00, 0xc6, 0x05, 0x03, 0x30, 0x00, 0x00, 0x01, 0x90, 0xf4});
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == 1);
  CHECK(PmEnv::frame(t.m, 0, 4) == 0x101c);  // trap: after the MOV that wrote 0x3003
  CHECK((t.m.regs().dr6 & 0xf) == 2);
  CHECK((t.at(0x3000) >> 24) == 1);
}

TEST_CASE("system: DR7.GD makes MOV DR raise #DB with DR6.BD") {
  Flat32 t;
  t.m.regs().dr7 |= 1u << 13;
  t.m.load(0x1000, {0x0f, 0x21, 0xc0, 0xf4});  // mov eax, dr0
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == 1);
  CHECK(PmEnv::frame(t.m, 0, 4) == 0x1000);
  CHECK((t.m.regs().dr6 & (1u << 13)) != 0);
  CHECK((t.m.regs().dr7 & (1u << 13)) == 0);
}

TEST_CASE("system: IRET to ring 3 nulls kernel data segments; INT returns to ring 0") {
  Flat32 t;
  t.m.write_u64(PmEnv::kIdt + 8 * 0x80, t.m.read_u64(PmEnv::kIdt + 8 * 0x80) | (u64{3} << 45));
  // push 0x33; push 0x7800; push 0x202; push 0x2b; push 0x2000; iretd
  t.m.load(0x1000, {0x6a, 0x33, 0x68, 0x00, 0x78, 0x00, 0x00, 0x68, 0x02, 0x02,
                    0x00, 0x00, 0x6a, 0x2b, 0x68, 0x00, 0x20, 0x00, 0x00, 0xcf});
  t.m.load(0x2000, {0xcd, 0x80});  // ring 3: int 0x80
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == 0x80);
  CHECK(PmEnv::frame(t.m, 0, 4) == 0x2002);
  CHECK(PmEnv::frame(t.m, 1, 4) == PmEnv::kUserCode32);
  CHECK((PmEnv::frame(t.m, 2, 4) & flag::IF) != 0);
  CHECK(PmEnv::frame(t.m, 3, 4) == 0x7800);
  CHECK(PmEnv::frame(t.m, 4, 4) == PmEnv::kUserData);
  CHECK(t.m.regs().seg[kDs].selector == 0);  // DPL 0 data is not usable at CPL 3
  CHECK(t.m.cpu().cpl() == 0);
}

TEST_CASE("system: LLDT, LTR, LDT segments, LAR/LSL/VERR/VERW") {
  Flat32 t;
  t.gdt(0x50, 0x0000820048000017ull);  // LDT at 0x4800
  t.gdt(0x58, 0x0000890040000067ull);  // available 32-bit TSS at 0x4000
  t.m.write_u64(0x4800, 0);
  t.m.write_u64(0x4808, 0x1240923400000fffull);                // LDT 1: data, base 0x12340000
  t.m.load(0x1000, {0x66, 0xb8, 0x50, 0x00, 0x0f, 0x00, 0xd0,  // mov ax, 0x50; lldt ax
                    0x66, 0xb8, 0x0c, 0x00, 0x8e, 0xc0,        // mov ax, 0x0c; mov es, ax
                    0x66, 0xb8, 0x58, 0x00, 0x0f, 0x00, 0xd8,  // mov ax, 0x58; ltr ax
                    0xbb, 0x2b, 0x00, 0x00, 0x00,              // mov ebx, 0x2b
                    0x0f, 0x02, 0xcb, 0x0f, 0x03, 0xd3,        // lar ecx, ebx; lsl edx, ebx
                    0x0f, 0x00, 0xe3, 0x0f, 0x94, 0xc0,        // verr bx; setz al
                    0xa2, 0x00, 0x30, 0x00, 0x00,              // mov [0x3000], al
                    0x0f, 0x00, 0xeb, 0xf4});                  // verw bx; hlt
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  const X86State& s = t.m.regs();
  CHECK(PmEnv::vector(t.m) == PmEnv::kNoVector);
  CHECK(s.ldtr.selector == 0x50);
  CHECK(s.seg[kEs].base == 0x12340000);
  CHECK(s.seg[kEs].limit == 0xfff);
  CHECK(s.tr.selector == 0x58);
  CHECK(((t.m.read_u64(PmEnv::kGdt + 0x58) >> 41) & 1) == 1);  // LTR marked it busy
  CHECK((s.gpr[kRcx] & 0x00f0ff00) == 0x00c0fa00);             // bits 19:16 are undefined
  CHECK((s.gpr[kRdx] & 0xffffffff) == 0xffffffff);
  CHECK((t.at(0x3000) & 0xff) == 1);            // readable code
  CHECK((t.m.cpu().rflags() & flag::ZF) == 0);  // but not writable
}

TEST_CASE("system: the TSS I/O bitmap grants ports to CPL 3 byte by byte") {
  Flat32 t;
  // Grow the TSS to hold a bitmap at offset 0x68 covering ports 0-0xff: all denied but 0xe9.
  t.m.write_u64(PmEnv::kGdt + PmEnv::kTssSel,
                (t.m.read_u64(PmEnv::kGdt + PmEnv::kTssSel) & ~u64{0xffff}) | 0x88);
  t.m.regs().tr.limit = 0x88;
  t.m.write_u32(PmEnv::kTss + 0x64, 0x00680000);
  for (u32 i = 0; i < 0x20; i += 4) t.m.write_u32(PmEnv::kTss + 0x68 + i, 0xffffffff);
  t.m.write_u32(PmEnv::kTss + 0x68 + 0x1c, 0xfffffdff);  // port 0xe9 = byte 0x1d bit 1
  const u8 port = GENERATE(0xe9, 0xe8);
  // mov al, 'x'; out port, al; jmp $
  t.m.load(0x1000, {0xb0, 0x78, 0xe6, port, 0xeb, 0xfe});
  PmEnv::enter_user(t.m, false);
  t.m.cpu().run(t.m.machine().clock().now() + kPsPerUs);
  if (port == 0xe9) {
    CHECK(t.m.output() == "x");
    CHECK(PmEnv::vector(t.m) == PmEnv::kNoVector);
  } else {
    CHECK(t.m.output().empty());
    CHECK(PmEnv::vector(t.m) == 13);
  }
}

TEST_CASE("system: a changed PTE is seen only after INVLPG (the TLB caches translations)") {
  Flat32 t;
  PmEnv::enable_paging32(t.m);
  t.m.write_u32(0x50000, 0xaaaa);
  t.m.write_u32(0x51000, 0xbbbb);
  // mov eax, [0x50000]; mov dword [PT + 0x50*4], 0x51007; mov ebx, [0x50000];
  // invlpg [0x50000]; mov ecx, [0x50000]; hlt
  t.m.load(0x1000, {0xa1, 0x00, 0x00, 0x05, 0x00, 0xc7, 0x05, 0x40, 0x11, 0x02, 0x00, 0x07,
                    0x10, 0x05, 0x00, 0x8b, 0x1d, 0x00, 0x00, 0x05, 0x00, 0x0f, 0x01, 0x3d,
                    0x00, 0x00, 0x05, 0x00, 0x8b, 0x0d, 0x00, 0x00, 0x05, 0x00, 0xf4});
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  const X86State& s = t.m.regs();
  CHECK(PmEnv::vector(t.m) == PmEnv::kNoVector);
  CHECK((s.gpr[kRax] & 0xffff) == 0xaaaa);
  CHECK((s.gpr[kRbx] & 0xffff) == 0xaaaa);  // stale translation, as hardware may use
  CHECK((s.gpr[kRcx] & 0xffff) == 0xbbbb);
}

TEST_CASE("system: 16-bit protected-mode code and a 16-bit interrupt gate") {
  Flat32 t;
  t.gdt(0x48, 0x00009a000000ffffull);  // 16-bit code, base 0, limit 64 KiB
  // IDT 0x40: 16-bit interrupt gate to 0x48:0x2100.
  t.m.write_u64(PmEnv::kIdt + 8 * 0x40, 0x2100 | (u64{0x48} << 16) | (u64{0x8600} << 32));
  t.m.load(0x1000, {0xea, 0x00, 0x20, 0x00, 0x00, 0x48, 0x00});  // jmp 0x48:0x2000
  // 16-bit: mov ax, 0x1234; mov [0x3000], ax; push ax; int 0x40
  t.m.load(0x2000, {0xb8, 0x34, 0x12, 0xa3, 0x00, 0x30, 0x50, 0xcd, 0x40});
  // handler: mov [0x3004], esp (66 prefix in 16-bit code); hlt
  t.m.load(0x2100, {0x66, 0x89, 0x26, 0x04, 0x30, 0xf4});
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(t.m) == PmEnv::kNoVector);
  CHECK((t.at(0x3000) & 0xffff) == 0x1234);
  CHECK(t.at(0x3004) == 0x7000 - 2 - 6);                 // PUSH AX, then IP, CS, FLAGS as words
  CHECK((t.m.read_u32(0x7000 - 8) & 0xffff) == 0x2009);  // return IP
  CHECK(t.m.cpu().code_size() == CodeSize::k16);
}

TEST_CASE("system: 64-bit call gate from ring 3 to ring 0 and RETFQ back") {
  CpuTestMachine m;
  PmEnv::install(m, true);
  PmEnv::enter_long_mode(m, 0x1000);
  // 16-byte call gate at 0x50, DPL 3, to kCode64:0x2000.
  m.write_u64(PmEnv::kGdt + 0x50, 0x2000 | (u64{PmEnv::kCode64} << 16) | (u64{0xec00} << 32));
  m.write_u64(PmEnv::kGdt + 0x58, 0);
  m.regs().gdtr.limit = 0x5f;
  m.write_u32(0x3000, 0);
  m.write_u32(0x3004, 0x53);  // far pointer: offset (ignored), selector
  m.load(0x1000, {0xff, 0x1c, 0x25, 0x00, 0x30, 0x00, 0x00, 0xeb, 0xfe});  // call far [0x3000]
  // ring 0: mov [0x3100], rsp; mov eax, ss; mov [0x3108], eax; retfq
  m.load(0x2000, {0x48, 0x89, 0x24, 0x25, 0x00, 0x31, 0x00, 0x00, 0x8c, 0xd0, 0x89, 0x04, 0x25,
                  0x08, 0x31, 0x00, 0x00, 0x48, 0xcb});
  PmEnv::enter_user(m, true);
  m.cpu().run(m.machine().clock().now() + kPsPerUs);
  CHECK(PmEnv::vector(m) == PmEnv::kNoVector);
  CHECK(m.read_u64(0x3100) == PmEnv::kRing0Stack - 32);  // SS, RSP, CS, RIP as quadwords
  CHECK((m.read_u32(0x3108) & 0xffff) == 0);             // null SS with RPL 0
  CHECK(m.read_u64(PmEnv::kRing0Stack - 8) == PmEnv::kUserData);
  CHECK(m.read_u64(PmEnv::kRing0Stack - 16) == 0x7000);
  CHECK(m.read_u64(PmEnv::kRing0Stack - 24) == PmEnv::kUserCode64);
  CHECK(m.read_u64(PmEnv::kRing0Stack - 32) == 0x1007);
  CHECK(m.cpu().cpl() == 3);
  CHECK(m.regs().seg[kCs].selector == PmEnv::kUserCode64);
  CHECK(m.regs().gpr[kRsp] == 0x7000);
  CHECK(m.regs().rip == 0x1007);
}

TEST_CASE("system: a task gate in the IDT switches tasks on an exception") {
  Flat32 t;
  constexpr u64 kTss2 = 0x4000;
  t.gdt(0x58, 0x0000890000000067ull | (kTss2 << 16));
  for (unsigned i = 0; i < 0x68; i += 4) t.m.write_u32(kTss2 + i, 0);
  t.m.write_u32(kTss2 + 0x20, 0x2200);  // EIP of the #UD task
  t.m.write_u32(kTss2 + 0x24, 0x2);
  t.m.write_u32(kTss2 + 0x38, 0x5800);  // ESP
  for (unsigned seg = 0; seg < 6; ++seg) {
    t.m.write_u32(kTss2 + 0x48 + 4 * seg, seg == kCs ? PmEnv::kCode32 : PmEnv::kData);
  }
  t.m.write_u64(PmEnv::kIdt + 8 * 6, (u64{0x58} << 16) | (u64{0x8500} << 32));  // task gate
  t.m.load(0x1000, {0x0f, 0x0b});                                               // ud2
  // #UD task: str eax; mov [0x3000], eax; hlt
  t.m.load(0x2200, {0x0f, 0x00, 0xc8, 0xa3, 0x00, 0x30, 0x00, 0x00, 0xf4});
  REQUIRE(t.m.run_until_halt() == CpuRunExit::Halted);
  CHECK((t.at(0x3000) & 0xffff) == 0x58);
  CHECK((t.at(kTss2) & 0xffff) == PmEnv::kTssSel);  // back link to the interrupted task
  CHECK(t.at(PmEnv::kTss + 0x20) == 0x1000);        // its EIP: the faulting UD2
  CHECK((t.m.cpu().rflags() & flag::NT) != 0);
}

TEST_CASE("system: alignment check #AC at CPL 3 with CR0.AM and EFLAGS.AC") {
  Flat32 t;
  t.m.regs().cr0 |= cr0::AM;
  const u32 address = GENERATE(0x3001u, 0x3004u);
  // mov eax, [address]; jmp $
  t.m.load(0x1000, {0xa1, static_cast<u8>(address), 0x30, 0x00, 0x00, 0xeb, 0xfe});
  PmEnv::enter_user(t.m, false);
  t.m.cpu().set_rflags(flag::AC | flag::kFixed1);
  t.m.cpu().run(t.m.machine().clock().now() + kPsPerUs);
  if (address & 3) {
    CHECK(PmEnv::vector(t.m) == 17);
    CHECK(PmEnv::frame(t.m, 0, 4) == 0);
    CHECK(PmEnv::frame(t.m, 1, 4) == 0x1000);
  } else {
    CHECK(PmEnv::vector(t.m) == PmEnv::kNoVector);
  }
}

TEST_CASE("system: conforming code keeps CPL; a direct far JMP to inner non-conforming code #GPs") {
  Flat32 t;
  t.gdt(0x48, 0x00cf9e000000ffffull);  // conforming code, DPL 0
  const bool conforming = GENERATE(true, false);
  const u8 sel = conforming ? 0x4b : 0x13;  // RPL 3
  // jmp far sel:0x2000 (from ring 3)
  t.m.load(0x1000, {0xea, 0x00, 0x20, 0x00, 0x00, sel, 0x00});
  t.m.load(0x2000, {0xeb, 0xfe});  // jmp $
  PmEnv::enter_user(t.m, false);
  t.m.cpu().run(t.m.machine().clock().now() + kPsPerUs);
  if (conforming) {
    CHECK(PmEnv::vector(t.m) == PmEnv::kNoVector);
    CHECK(t.m.cpu().cpl() == 3);
    CHECK(t.m.regs().seg[kCs].selector == 0x4b);  // RPL = CPL
    CHECK(t.m.regs().rip == 0x2000);
  } else {
    CHECK(PmEnv::vector(t.m) == 13);
    CHECK(PmEnv::frame(t.m, 0, 4) == 0x10);
  }
}

// Interrupt and exception delivery: real-mode IVT, protected-mode IDT with a privilege change,
// 64-bit IDT with IST, HLT woken by INTR, interrupt shadows, double and triple faults
// (SDM Vol. 3A ch. 6).
#include <catch2/catch.hpp>

#include "pm_env.h"

using namespace glasspc;
using namespace glasspc::test;

namespace {

// Supplies one vector; like an edge-triggered PIC input, acknowledging lowers INTR.
class FixedVector : public InterruptAcknowledger {
 public:
  explicit FixedVector(u8 vector, CpuCore* cpu = nullptr) : m_vector(vector), m_cpu(cpu) {}
  u8 acknowledge() override {
    ++count;
    if (m_cpu) m_cpu->set_intr(false);
    return m_vector;
  }
  int count = 0;

 private:
  u8 m_vector;
  CpuCore* m_cpu;
};

void set_ivt(CpuTestMachine& m, u8 vector, u16 cs, u16 ip) {
  m.write_u32(vector * 4u, (u32{cs} << 16) | ip);
}

}  // namespace

TEST_CASE("real mode: INT n through the IVT and IRET") {
  CpuTestMachine m;
  set_ivt(m, 0x21, 0, 0x2000);
  m.load(0x2000, {0xc6, 0x06, 0x00, 0x30, 0x42, 0xcf});  // mov byte [0x3000], 0x42; iret
  m.load(0x1000, {0xcd, 0x21, 0xc6, 0x06, 0x01, 0x30, 0x43, 0xf4});  // int 0x21; mov [0x3001]; hlt
  m.boot_real(0, 0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK((m.read_u32(0x3000) & 0xffff) == 0x4342);
  CHECK(m.regs().gpr[kRsp] == 0x7000);
}

TEST_CASE("real mode: HLT is woken by INTR only when IF=1") {
  CpuTestMachine m;
  FixedVector pic(0x21, &m.cpu());
  m.cpu().set_interrupt_acknowledger(&pic);
  set_ivt(m, 0x21, 0, 0x2000);
  m.load(0x2000, {0xfe, 0x06, 0x00, 0x30, 0xcf});  // inc byte [0x3000]; iret
  SECTION("IF=0 keeps the CPU halted") {
    m.load(0x1000, {0xfa, 0xf4});  // cli; hlt
    m.boot_real(0, 0x1000);
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    m.cpu().set_intr(true);
    CHECK(m.cpu().run(m.machine().clock().now() + kPsPerUs) == CpuRunExit::Halted);
    CHECK(pic.count == 0);
    CHECK(m.regs().rip == 0x1002);
  }
  SECTION("IF=1: the interrupt is taken and execution continues after HLT") {
    // sti; hlt; mov byte [0x3001], 1; hlt
    m.load(0x1000, {0xfb, 0xf4, 0xc6, 0x06, 0x01, 0x30, 0x01, 0xf4});
    m.boot_real(0, 0x1000);
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    CHECK(m.regs().rip == 0x1002);
    CHECK(m.cpu().halted());
    m.cpu().set_intr(true);
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    CHECK(pic.count == 1);
    CHECK((m.read_u32(0x3000) & 0xffff) == 0x0101);
    CHECK(m.regs().rip == 0x1008);
  }
}

TEST_CASE("real mode: STI shadow delays INTR by one instruction, then HLT wakes") {
  CpuTestMachine m;
  FixedVector pic(0x21, &m.cpu());
  m.cpu().set_interrupt_acknowledger(&pic);
  set_ivt(m, 0x21, 0, 0x2000);
  // Handler records the interrupted IP: mov bp, sp; mov ax, [bp]; mov [0x3002], ax; iret
  m.load(0x2000, {0x89, 0xe5, 0x8b, 0x46, 0x00, 0xa3, 0x02, 0x30, 0xcf});
  // sti; nop; hlt
  m.load(0x1000, {0xfb, 0x90, 0xf4});
  m.boot_real(0, 0x1000);
  m.cpu().set_intr(true);
  REQUIRE(m.cpu().run(m.machine().clock().now() + kPsPerUs) == CpuRunExit::Halted);
  // The interrupt was taken after the NOP (at 0x1002), not right after STI.
  CHECK(pic.count == 1);
  CHECK((m.read_u32(0x3002) & 0xffff) == 0x1002);
}

TEST_CASE("protected mode: INT from ring 3 through a DPL-3 gate switches stacks") {
  CpuTestMachine m;
  m.boot_flat32(0x1000, 0x7000);
  PmEnv::install(m, false);
  m.write_u64(PmEnv::kIdt + 8 * 0x80, m.read_u64(PmEnv::kIdt + 8 * 0x80) | (u64{3} << 45));
  m.load(0x1000, {0xcd, 0x80, 0xf4});
  PmEnv::enter_user(m, false);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(m) == 0x80);
  CHECK(PmEnv::frame(m, 0, 4) == 0x1002);
  CHECK(PmEnv::frame(m, 1, 4) == PmEnv::kUserCode32);
  CHECK(PmEnv::frame(m, 3, 4) == 0x7000);
  CHECK(PmEnv::frame(m, 4, 4) == PmEnv::kUserData);
  CHECK(m.cpu().cpl() == 0);
}

TEST_CASE("protected mode: INT from ring 3 through a DPL-0 gate is #GP(vector*8+2)") {
  CpuTestMachine m;
  m.boot_flat32(0x1000, 0x7000);
  PmEnv::install(m, false);
  m.load(0x1000, {0xcd, 0x80, 0xf4});
  PmEnv::enter_user(m, false);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(m) == 13);
  CHECK(PmEnv::frame(m, 0, 4) == 0x80 * 8 + 2);
  CHECK(PmEnv::frame(m, 1, 4) == 0x1000);
}

TEST_CASE("protected mode: #DE, #UD and #GP for privileged instructions at CPL 3") {
  CpuTestMachine m;
  m.boot_flat32(0x1000, 0x7000);
  PmEnv::install(m, false);
  SECTION("divide by zero") {
    m.load(0x1000, {0x31, 0xc9, 0xf7, 0xf1, 0xf4});  // xor ecx, ecx; div ecx
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    CHECK(PmEnv::vector(m) == 0);
    CHECK(PmEnv::frame(m, 0, 4) == 0x1002);
  }
  SECTION("ud2") {
    m.load(0x1000, {0x0f, 0x0b});
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    CHECK(PmEnv::vector(m) == 6);
  }
  SECTION("hlt at CPL 3") {
    m.load(0x1000, {0xf4});
    PmEnv::enter_user(m, false);
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    CHECK(PmEnv::vector(m) == 13);
    CHECK(PmEnv::frame(m, 0, 4) == 0);
  }
  SECTION("out at CPL 3 with IOPL 0 and no I/O bitmap") {
    m.load(0x1000, {0xe6, 0x80});
    PmEnv::enter_user(m, false);
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    CHECK(PmEnv::vector(m) == 13);
  }
}

TEST_CASE("protected mode: #PF through a not-present IDT entry is a double fault") {
  CpuTestMachine m;
  m.boot_flat32(0x1000, 0x7000);
  PmEnv::install(m, false);
  PmEnv::enable_paging32(m);
  m.write_u32(PmEnv::kPt32 + 4 * 0x50, 0);
  m.write_u64(PmEnv::kIdt + 8 * 14, m.read_u64(PmEnv::kIdt + 8 * 14) & ~(u64{1} << 47));
  m.load(0x1000, {0xa1, 0x00, 0x00, 0x05, 0x00, 0xf4});
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(m) == 8);
  CHECK(PmEnv::frame(m, 0, 4) == 0);
}

TEST_CASE("protected mode: a fault with no usable IDT is a triple fault (shutdown)") {
  CpuTestMachine m;
  m.boot_flat32(0x1000, 0x7000);
  PmEnv::install(m, false);
  m.regs().idtr.limit = 0;
  m.load(0x1000, {0x0f, 0x0b});
  CHECK(m.run_until_halt() == CpuRunExit::Shutdown);
  CHECK(m.cpu().in_shutdown());
}

TEST_CASE("long mode: interrupt gate with IST switches to the IST stack") {
  CpuTestMachine m;
  PmEnv::install(m, true);
  PmEnv::enter_long_mode(m, 0x1000, 0x7008);
  m.write_u64(PmEnv::kIdt + 16 * 0x30, m.read_u64(PmEnv::kIdt + 16 * 0x30) | (u64{1} << 32));
  m.load(0x1000, {0xcd, 0x30, 0xf4});
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(m) == 0x30);
  CHECK(m.read_u64(PmEnv::kRecord + 8) == 0x5000 - 40);
  CHECK(PmEnv::frame(m, 0, 8) == 0x1002);
  CHECK(PmEnv::frame(m, 1, 8) == PmEnv::kCode64);
  CHECK(PmEnv::frame(m, 3, 8) == 0x7008);
}

TEST_CASE("long mode: ring 3 SYSCALL and SYSRET") {
  CpuTestMachine m;
  PmEnv::install(m, true);
  PmEnv::enter_long_mode(m, 0x1000);
  X86State& s = m.regs();
  s.efer |= efer::SCE;
  s.star = (u64{0x28} << 48) | (u64{0x20} << 32);  // SYSRET base 0x28: CS 0x3b, SS 0x33
  s.lstar = 0x2000;
  s.sfmask = flag::IF;
  // kernel: mov [0x3000], rcx; mov [0x3008], r11; sysretq
  m.load(0x2000, {0x48, 0x89, 0x0c, 0x25, 0x00, 0x30, 0x00, 0x00, 0x4c, 0x89, 0x1c, 0x25, 0x08,
                  0x30, 0x00, 0x00, 0x48, 0x0f, 0x07});
  // user: syscall; mov [0x3010], rsp... (simply) hlt is privileged, so loop: jmp $
  m.load(0x1000, {0x0f, 0x05, 0xeb, 0xfe});
  PmEnv::enter_user(m, true);
  m.cpu().set_rflags(flag::IF | flag::kFixed1);
  m.cpu().run(m.machine().clock().now() + kPsPerUs);
  CHECK(m.read_u64(0x3000) == 0x1002);
  CHECK((m.read_u64(0x3008) & flag::IF) != 0);
  CHECK(m.cpu().cpl() == 3);
  CHECK(m.regs().seg[kCs].selector == 0x3b);
  CHECK(m.regs().rip == 0x1002);
}

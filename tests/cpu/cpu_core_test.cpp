// The CpuCore contract: the reset vector, INIT/SIPI, snapshots, the factory, and running inside
// a Machine until the guest asks to exit.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "bus/archive.h"
#include "cpu/cpu_factory.h"
#include "pm_env.h"

using namespace glasspc;
using namespace glasspc::test;

TEST_CASE("core: RESET starts at F000:FFF0 in ROM below 4 GiB") {
  CpuTestMachine m;
  std::vector<u8> rom(0x10000, 0xf4);
  const u8 jump[] = {0xea, 0x00, 0x10, 0x00, 0x00};  // jmp 0000:1000
  std::copy(std::begin(jump), std::end(jump), rom.begin() + 0xfff0);
  m.machine().memory().add_rom("bios", 0xffff0000, rom);
  m.load(0x1000, {0xc6, 0x06, 0x00, 0x30, 0x99, 0xf4});  // mov byte [0x3000], 0x99; hlt
  m.cpu().reset();
  CHECK(m.regs().seg[kCs].base == 0xffff0000);
  CHECK(m.regs().rip == 0xfff0);
  CHECK((m.regs().gpr[kRdx] & 0xf00) == 0x600);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK((m.read_u32(0x3000) & 0xff) == 0x99);
}

TEST_CASE("core: an application processor waits for INIT/SIPI") {
  CpuConfig config;
  config.index = 1;
  CpuTestMachine m(16 << 20, config);
  m.load(0x1000, {0xc6, 0x06, 0x00, 0x30, 0x5a, 0xf4});
  CHECK(m.cpu().halted());
  CHECK(m.cpu().run(m.machine().clock().now() + kPsPerUs) == CpuRunExit::Halted);
  m.cpu().init();
  m.cpu().sipi(0x01);  // CS = 0x0100, IP = 0
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(m.regs().seg[kCs].selector == 0x100);
  CHECK((m.read_u32(0x3000) & 0xff) == 0x5a);
}

TEST_CASE("core: serialize saves and restores the architectural state") {
  CpuTestMachine a;
  PmEnv::install(a, true);
  PmEnv::enter_long_mode(a, 0x1000);
  a.load(0x1000, {0x48, 0xc7, 0xc0, 0x44, 0x33, 0x22, 0x11, 0x48, 0xff, 0xc8, 0xf4});
  REQUIRE(a.run_until_halt() == CpuRunExit::Halted);
  a.regs().x87.st(0) = fp::F80{0xc000000000000000ull, 0x4001};
  a.regs().x87.ftw = 0x80;
  a.regs().x87.set_top(7);
  a.regs().xmm[13] = simd::Vec128{0x1122334455667788ull, 0x99aabbccddeeff00ull};
  a.regs().mxcsr = 0x9fc0;
  a.regs().xcr0 = 3;
  a.regs().mc_status[3] = 0;
  a.regs().mcg_ctl = ~u64{0};
  Archive out = Archive::for_saving();
  {
    ArchiveSection section(out, "cpu0", 1);
    a.cpu().serialize(out);
  }
  std::vector<u8> bytes = out.finish();
  CpuTestMachine b;
  Archive in = Archive::for_loading(bytes);
  {
    ArchiveSection section(in, "cpu0", 1);
    b.cpu().serialize(in);
  }
  CHECK(b.regs().gpr == a.regs().gpr);
  CHECK(b.regs().rip == a.regs().rip);
  CHECK(b.regs().cr3 == a.regs().cr3);
  CHECK(b.regs().efer == a.regs().efer);
  CHECK(b.regs().x87.reg == a.regs().x87.reg);
  CHECK(b.regs().x87.fsw == a.regs().x87.fsw);
  CHECK(b.regs().x87.ftw == 0x80);
  CHECK(b.regs().xmm == a.regs().xmm);
  CHECK(b.regs().mxcsr == 0x9fc0);
  CHECK(b.regs().xcr0 == 3);
  CHECK(b.regs().mcg_ctl == ~u64{0});
  CHECK(b.cpu().rflags() == a.cpu().rflags());
  CHECK(b.cpu().code64());
  CHECK(b.cpu().halted());
  CHECK(b.cpu().instructions_retired() == a.cpu().instructions_retired());
}

TEST_CASE("core: create_x86_cpu rejects unknown models") {
  Machine machine;
  CpuEnvironment env{machine.memory(),    machine.ports(), machine.clock(),
                     machine.scheduler(), machine.trace(), machine};
  CpuConfig config;
  config.model = "pentium-pro-9000";
  CHECK_THROWS_AS(create_x86_cpu(config, env), std::invalid_argument);
  config.model = "max";
  CHECK(create_x86_cpu(config, env) != nullptr);
}

TEST_CASE("core: runs inside Machine::run until the guest requests an exit") {
  Machine machine;
  machine.memory().allocate_ram(1 << 20);
  machine.memory().add_ram("ram", 0, 1 << 20, 0);
  PortHandler exit_port;
  exit_port.name = "exit";
  exit_port.read = [](u16, unsigned) -> u32 { return 0; };
  exit_port.write = [&](u16, u32 value, unsigned) {
    machine.request_exit(static_cast<int>(value), "guest");
  };
  machine.ports().claim(0xf4, 1, std::move(exit_port));
  CpuEnvironment env{machine.memory(),    machine.ports(), machine.clock(),
                     machine.scheduler(), machine.trace(), machine};
  machine.add_cpu(create_x86_cpu(CpuConfig{}, env));
  const u8 code[] = {0xb0, 0x2a, 0xe6, 0xf4, 0xeb, 0xfe};  // mov al, 42; out 0xf4, al; jmp $
  machine.memory().write_bytes(0x1000, code, sizeof(code));
  CpuBootState boot;
  boot.cs_selector = 0;
  boot.rip = 0x1000;
  machine.cpu(0).set_boot_state(boot);
  FastPacer pacer;
  const MachineExit exit = machine.run(pacer);
  CHECK(exit.reason == MachineExit::Reason::GuestExit);
  CHECK(exit.status == 42);
  CHECK(machine.clock().instructions() == 2);
}

TEST_CASE("core: BOUND raises #BR outside the bounds") {
  CpuTestMachine m;
  m.boot_flat32(0x1000, 0x7000);
  PmEnv::install(m, false);
  m.write_u32(0x3000, 10);
  m.write_u32(0x3004, 20);
  const u32 index = GENERATE(15u, 25u);
  m.regs().gpr[kRax] = index;
  m.load(0x1000, {0x62, 0x05, 0x00, 0x30, 0x00, 0x00, 0xf4});  // bound eax, [0x3000]
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(PmEnv::vector(m) == (index == 25 ? 5u : PmEnv::kNoVector));
}

// Self-modifying code and code written by other agents (DMA, loaders) invalidate decoded blocks.
#include <catch2/catch.hpp>

#include "cpu/cpu_factory.h"
#include "cpu_test_machine.h"

using namespace glasspc;
using namespace glasspc::test;

TEST_CASE("smc: a store into the next instruction takes effect") {
  CpuTestMachine m;
  // mov byte [0x100a], 0x42 ; (0x1007) nop x3 ; (0x100a) mov al, 0x00 -> imm at 0x100b
  m.load(0x1000, {0xc6, 0x05, 0x0b, 0x10, 0x00, 0x00, 0x42, 0x90, 0x90, 0x90, 0xb0, 0x00, 0xf4});
  m.boot_flat32(0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK((m.regs().gpr[kRax] & 0xff) == 0x42);
}

TEST_CASE("smc: a cached block is dropped when its code is rewritten") {
  CpuTestMachine m;
  // 0x1000: mov ecx, 2
  // 0x1005: mov al, 0x11            ; patched to 0x22 below
  // 0x1007: mov [ecx + 0x3000], al
  // 0x100d: mov byte [0x1006], 0x22
  // 0x1014: dec ecx
  // 0x1015: jnz 0x1005
  // 0x1017: hlt
  m.load(0x1000, {0xb9, 0x02, 0x00, 0x00, 0x00, 0xb0, 0x11, 0x88, 0x81, 0x00, 0x30, 0x00,
                  0x00, 0xc6, 0x05, 0x06, 0x10, 0x00, 0x00, 0x22, 0x49, 0x75, 0xee, 0xf4});
  m.boot_flat32(0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(m.read_u32(0x3001) % 0x10000 == 0x1122);
}

TEST_CASE("smc: code written by a loader between runs is re-decoded") {
  CpuTestMachine m;
  m.load(0x1000, {0xb0, 0x01, 0xf4});  // mov al, 1; hlt
  m.boot_flat32(0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK((m.regs().gpr[kRax] & 0xff) == 1);
  m.load(0x1000, {0xb0, 0x02, 0xf4});
  m.regs().rip = 0x1000;
  m.cpu().state_changed();
  // HLT state is left by reloading the boot state.
  m.boot_flat32(0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK((m.regs().gpr[kRax] & 0xff) == 2);
}

TEST_CASE("smc: with two vCPUs, writes still invalidate the first vCPU's blocks") {
  Machine machine;
  machine.memory().allocate_ram(1 << 20);
  machine.memory().add_ram("ram", 0, 1 << 20, 0);
  CpuEnvironment env{machine.memory(),    machine.ports(), machine.clock(),
                     machine.scheduler(), machine.trace(), machine};
  machine.add_cpu(create_x86_cpu(CpuConfig{}, env));
  CpuConfig second;
  second.index = 1;
  machine.add_cpu(create_x86_cpu(second, env));  // now the map's observer
  auto& cpu0 = dynamic_cast<X86Cpu&>(machine.cpu(0));
  const u8 first[] = {0xb0, 0x01, 0xf4};  // mov al, 1; hlt
  machine.memory().write_bytes(0x1000, first, sizeof(first));
  CpuBootState boot;
  boot.rip = 0x1000;
  cpu0.set_boot_state(boot);
  REQUIRE(cpu0.run(machine.clock().now() + kPsPerUs) == CpuRunExit::Halted);
  CHECK((cpu0.state().gpr[kRax] & 0xff) == 1);
  const u8 patched[] = {0xb0, 0x02, 0xf4};
  machine.memory().write_bytes(0x1000, patched, sizeof(patched));
  cpu0.state().rip = 0x1000;
  cpu0.wake();
  REQUIRE(cpu0.run(machine.clock().now() + kPsPerUs) == CpuRunExit::Halted);
  CHECK((cpu0.state().gpr[kRax] & 0xff) == 2);
}

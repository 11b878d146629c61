// Self-modifying code and code written by other agents (DMA, loaders) invalidate decoded blocks.
#include <catch2/catch.hpp>

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

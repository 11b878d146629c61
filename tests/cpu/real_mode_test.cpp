#include <catch2/catch.hpp>

#include "cpu_test_machine.h"

using namespace glasspc;
using namespace glasspc::test;

TEST_CASE("real mode: arithmetic, stack, I/O and strings") {
  CpuTestMachine m;
  m.load_asm("real_basic", 0x1000);
  m.boot_real(0, 0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(m.output() == "hello");
  CHECK(m.read_u32(0x3000) % 0x10000 == 0x1346);
  CHECK(m.read_u64(0x2000) == 0x5a5a5a5a5a5a5a5aull);
  CHECK((m.regs().gpr[kRcx] & 0xffff) == 0x1300);
}

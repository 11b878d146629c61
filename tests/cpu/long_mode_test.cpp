#include <catch2/catch.hpp>

#include "cpu_test_machine.h"

using namespace glasspc;
using namespace glasspc::test;

TEST_CASE("modes: real -> protected -> long mode, #UD through the 64-bit IDT") {
  CpuTestMachine m;
  m.load_asm("long_mode", 0x1000);
  m.boot_real(0, 0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(m.output() == "PLU");
  CHECK(m.read_u64(0x3000) == 0x123456789abcdef0ull);
  CHECK(m.read_u64(0x3008) == 0x7008);       // IRETQ restored the misaligned RSP
  CHECK(m.read_u32(0x3010) == 0x500);        // EFER: LME | LMA
  CHECK(m.read_u64(0x3018) == 0x7000 - 40);  // frame of 5 quadwords on the aligned stack
  CHECK(m.cpu().code64());
}

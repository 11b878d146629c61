// Virtual time: exact instruction counts at a deadline, cycle costs, stop(), RDTSC.
#include <catch2/catch.hpp>

#include "cpu_test_machine.h"

using namespace glasspc;
using namespace glasspc::test;

TEST_CASE("timing: one cycle per instruction stops exactly at the deadline") {
  CpuConfig config;
  config.one_cycle_per_instruction = true;
  config.frequency_hz = 1'000'000'000;  // 1000 ps per instruction
  CpuTestMachine m(16 << 20, config);
  m.load(0x1000, {0x40, 0xeb, 0xfd});  // inc eax; jmp back
  m.boot_flat32(0x1000);
  const Picoseconds start = m.machine().clock().now();
  REQUIRE(m.cpu().run(start + 1001 * 1000) == CpuRunExit::Deadline);
  CHECK(m.cpu().instructions_retired() == 1001);
  CHECK(m.machine().clock().instructions() == 1001);
  CHECK(m.machine().clock().now() == start + 1001 * 1000);
  CHECK(m.regs().gpr[kRax] == 501);
  // A deadline that is not a whole number of cycles rounds up to the next instruction.
  REQUIRE(m.cpu().run(m.machine().clock().now() + 1500) == CpuRunExit::Deadline);
  CHECK(m.cpu().instructions_retired() == 1003);
}

TEST_CASE("timing: cycle classes (ALU 1, taken branch +1, divide 20)") {
  CpuTestMachine m;                    // 1 GHz
  m.load(0x1000, {0x40, 0xeb, 0xfd});  // inc eax (1); jmp (1 + 1 taken)
  m.boot_flat32(0x1000);
  REQUIRE(m.cpu().run(m.machine().clock().now() + 3000 * 1000) == CpuRunExit::Deadline);
  CHECK(m.regs().gpr[kRax] == 1000);
  CHECK(m.cpu().total_cycles() == 3000);
}

TEST_CASE("timing: a scheduler timer shortens the run") {
  CpuTestMachine m;
  m.load(0x1000, {0x40, 0xeb, 0xfd});
  m.boot_flat32(0x1000);
  bool fired = false;
  const TimerId timer = m.machine().scheduler().create_timer("test", [&] { fired = true; });
  m.machine().scheduler().arm_at(timer, 300 * 1000);
  REQUIRE(m.cpu().run(kNever - 1) == CpuRunExit::Deadline);
  CHECK(m.machine().clock().now() == 300 * 1000);
  m.machine().scheduler().run_due();
  CHECK(fired);
}

TEST_CASE("timing: stop() from a port write ends run at the next boundary") {
  CpuTestMachine m;
  PortHandler h;
  h.name = "stopper";
  h.read = [](u16, unsigned) -> u32 { return 0; };
  h.write = [&](u16, u32, unsigned) { m.cpu().stop(); };
  m.machine().ports().claim(0x500, 1, std::move(h));
  // mov dx, 0x500; out dx, al; inc eax; hlt
  m.load(0x1000, {0x66, 0xba, 0x00, 0x05, 0xee, 0x40, 0xf4});
  m.boot_flat32(0x1000);
  REQUIRE(m.cpu().run(kNever - 1) == CpuRunExit::Stopped);
  CHECK(m.regs().rip == 0x1005);
  CHECK(m.regs().gpr[kRax] == 0);
}

TEST_CASE("timing: RDTSC counts cycles of virtual time") {
  CpuTestMachine m;
  // rdtsc; mov ebx, eax; rdtsc; hlt
  m.load(0x1000, {0x0f, 0x31, 0x89, 0xc3, 0x0f, 0x31, 0xf4});
  m.boot_flat32(0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  const u32 first = static_cast<u32>(m.regs().gpr[kRbx]);
  const u32 second = static_cast<u32>(m.regs().gpr[kRax]);
  CHECK(second - first == 21);  // RDTSC costs 20 cycles, MOV 1
}

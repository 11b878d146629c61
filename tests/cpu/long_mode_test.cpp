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
  CHECK(m.read_u32(0x3020) == 0x11223344);  // ran in compatibility mode
  CHECK(m.read_u32(0x3024) == 0x7000);      // RETFQ popped both quadwords
  CHECK(m.read_u64(0x3028) == 0x64);        // and came back to 64-bit mode
}

TEST_CASE("modes: unreal mode keeps a 4-GiB DS limit in real mode") {
  CpuTestMachine m;
  m.load_asm("unreal", 0x1000);
  m.boot_real(0, 0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  CHECK(m.read_u32(0x200000) == 0xcafe1234);
  CHECK(m.read_u32(0x3000) == 0xcafe1234);
  CHECK((m.read_u32(0x3004) & 0xff) == 0x0d);  // ES kept its 64-KiB limit: #GP
  CHECK(!m.cpu().protected_mode());
}

TEST_CASE("modes: mode changes and exceptions are traced") {
  CpuTestMachine m;
  auto sink = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink* lines = sink.get();
  m.machine().trace().set_sink(std::move(sink));
  m.machine().trace().set_mask(static_cast<u32>(TraceCategory::Cpu) |
                               static_cast<u32>(TraceCategory::Exception));
  m.load_asm("long_mode", 0x1000);
  m.boot_real(0, 0x1000);
  REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
  std::string all;
  for (const std::string& line : lines->lines()) all += line + "\n";
  INFO(all);
  CHECK(all.find("(protected mode)") != std::string::npos);
  CHECK(all.find("(IA-32e paging)") != std::string::npos);
  CHECK(all.find("exception vector=0x6") != std::string::npos);
  CHECK(all.find("halt") != std::string::npos);
}

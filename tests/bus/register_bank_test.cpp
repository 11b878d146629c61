#include "bus/register_bank.h"

#include <catch2/catch.hpp>
#include <memory>

#include "bus/archive.h"
#include "bus/clock.h"

using namespace glasspc;

namespace {

struct Bench {
  Clock clock;
  Trace trace{clock};
  MemoryTraceSink* sink = nullptr;

  Bench() {
    auto owned = std::make_unique<MemoryTraceSink>();
    sink = owned.get();
    trace.set_sink(std::move(owned));
    trace.set_mask(static_cast<u32>(TraceCategory::Reg));
  }
};

RegisterSpec reg(u32 offset, u8 width, std::string name, u64 reset = 0) {
  RegisterSpec spec;
  spec.offset = offset;
  spec.width = width;
  spec.name = std::move(name);
  spec.reset_value = reset;
  return spec;
}

}  // namespace

TEST_CASE("register bank rejects bad tables with the register's name") {
  Bench b;
  RegisterBank bank("dev", b.trace, 16);
  bank.add(reg(0, 4, "CTRL"));
  CHECK_THROWS_WITH(bank.add(reg(4, 3, "ODD")), Catch::Contains("ODD") && Catch::Contains("width"));
  CHECK_THROWS_WITH(bank.add(reg(6, 4, "MISALIGNED")), Catch::Contains("MISALIGNED"));
  CHECK_THROWS_WITH(bank.add(reg(16, 1, "OUTSIDE")), Catch::Contains("OUTSIDE"));
  CHECK_THROWS_WITH(bank.add(reg(8, 16, "HUGE")), Catch::Contains("HUGE"));
  CHECK_THROWS_WITH(bank.add(reg(12, 8, "PAST_END")), Catch::Contains("PAST_END"));
  CHECK_THROWS_WITH(bank.add(reg(2, 1, "INSIDE")),
                    Catch::Contains("INSIDE") && Catch::Contains("CTRL"));
  CHECK_THROWS_WITH(bank.add(reg(8, 4, "CTRL")), Catch::Contains("CTRL"));
  CHECK_THROWS_AS(bank.add(reg(8, 1, "")), std::logic_error);
  // A failed add leaves the table unchanged.
  CHECK(bank.size() == 1);
  CHECK(bank.find(8) == -1);
  CHECK(bank.add(reg(8, 8, "WIDE")) == 1);
  CHECK(bank.find(15) == 1);
  CHECK(bank.find(3) == 0);
  CHECK(bank.find(100) == -1);
}

TEST_CASE("register bank whole, partial and spanning accesses") {
  Bench b;
  RegisterBank bank("dev", b.trace, 16);
  const u32 lo = bank.add(reg(0, 2, "LO", 0x1122));
  const u32 hi = bank.add(reg(2, 2, "HI", 0x3344));
  const u32 wide = bank.add(reg(8, 4, "WIDE", 0xaabbccdd));

  CHECK(bank.read(0, 2) == 0x1122);
  CHECK(bank.read(0, 4) == 0x33441122);  // one access covering two registers
  CHECK(bank.read(1, 2) == 0x4411);      // straddles LO and HI
  CHECK(bank.read(9, 1) == 0xcc);        // a byte of a wider register
  CHECK(bank.read(10, 2) == 0xaabb);

  bank.write(0, 0xdeadbeef, 4);  // writes both 2-byte registers
  CHECK(bank.value(lo) == 0xbeef);
  CHECK(bank.value(hi) == 0xdead);

  bank.write(9, 0x55, 1);  // a partial write merges with the stored value
  CHECK(bank.value(wide) == 0xaabb55dd);
  bank.write(10, 0x0102, 2);
  CHECK(bank.value(wide) == 0x010255dd);
  CHECK(bank.undefined_accesses() == 0);
}

TEST_CASE("register bank writable mask keeps read-only bits") {
  Bench b;
  RegisterBank bank("dev", b.trace, 4);
  RegisterSpec spec = reg(0, 4, "STATUS", 0xf0000000);
  spec.writable_mask = 0x0000ffff;
  const u32 status = bank.add(spec);
  bank.write(0, 0x12345678, 4);
  CHECK(bank.value(status) == 0xf0005678);
  bank.write(1, 0xff, 1);
  CHECK(bank.value(status) == 0xf000ff78);
  bank.write(3, 0x00, 1);  // no writable bits in this byte
  CHECK(bank.value(status) == 0xf000ff78);
  bank.reset();
  CHECK(bank.value(status) == 0xf0000000);
}

TEST_CASE("register bank read and write hooks") {
  Bench b;
  RegisterBank bank("dev", b.trace, 8);
  int reads = 0;
  std::vector<std::pair<u64, u64>> writes;
  RegisterSpec counter = reg(0, 4, "COUNTER");
  counter.read = [&] { return 0x1000 + static_cast<u64>(++reads); };
  bank.add(counter);
  RegisterSpec cmd = reg(4, 4, "CMD", 0xff00);
  cmd.write = [&](u64 value, u64 old) { writes.emplace_back(value, old); };
  const u32 cmd_index = bank.add(cmd);

  CHECK(bank.read(0, 4) == 0x1001);
  CHECK(bank.read(0, 1) == 0x02);  // a partial read extracts bytes of one read() call
  CHECK(bank.read(0, 8) == 0x0000ff00'00001003ull);  // one call per register touched
  CHECK(reads == 3);

  bank.write(4, 0x12, 1);  // the hook sees the merged value
  REQUIRE(writes.size() == 1);
  CHECK(writes[0] == std::pair<u64, u64>{0xff12, 0xff00});
  bank.write(0, 0x11223344'55667788ull, 8);  // one write to CMD, the stored COUNTER changes
  REQUIRE(writes.size() == 2);
  CHECK(writes[1] == std::pair<u64, u64>{0x11223344, 0xff12});
  CHECK(bank.value(cmd_index) == 0x11223344);
  CHECK(bank.value(0) == 0x55667788);
  CHECK(bank.read(0, 4) == 0x1004);  // reads still come from the hook
}

TEST_CASE("register bank undefined offsets read the floating value and drop writes") {
  Bench b;
  RegisterBank bank("dev", b.trace, 8);
  const u32 r = bank.add(reg(1, 1, "R", 0x5a));
  CHECK(bank.read(4, 1) == 0);
  CHECK(bank.undefined_accesses() == 1);
  bank.set_undefined_read_value(~u64{0});
  CHECK(bank.read(4, 4) == 0xffffffff);
  CHECK(bank.read(0, 4) == 0xffff5aff);  // holes around a register
  CHECK(bank.read(6, 4) == 0xffffffff);  // runs past the end of the bank
  bank.write(0, 0x11223344, 4);
  CHECK(bank.value(r) == 0x33);
  bank.write(7, 0xffff, 2);  // nothing to write: dropped
  CHECK(bank.value(r) == 0x33);
  CHECK(bank.undefined_accesses() == 8);
  CHECK(bank.read(0xffff'fffe, 4) == 0xffffffff);  // offset arithmetic does not wrap
}

TEST_CASE("register bank traces name the register and its address") {
  Bench b;
  RegisterBank bank("com1", b.trace, 8);
  bank.set_trace_base(0x3f8, TraceCategory::Port);
  bank.add(reg(3, 1, "LCR"));
  bank.write(3, 0x83, 1);
  bank.read(3, 1);
  bank.read(5, 1);
  const auto& lines = b.sink->lines();
  REQUIRE(lines.size() == 3);
  CHECK_THAT(lines[0], Catch::Contains("com1 LCR port=0x3fb value=0x83 size=0x1 (write)"));
  CHECK_THAT(lines[1], Catch::Contains("com1 LCR port=0x3fb value=0x83 size=0x1 (read)"));
  CHECK_THAT(lines[2], Catch::Contains("com1 undefined port=0x3fd"));
  CHECK_THAT(lines[0], Catch::StartsWith("[icount=0 "));

  RegisterBank mmio("hpet", b.trace, 0x200);
  mmio.set_trace_base(0xfed00000, TraceCategory::Mmio);
  mmio.add(reg(0x108, 8, "TIMER0_CMP"));
  mmio.write(0x108, 0x1000, 8);
  CHECK_THAT(b.sink->lines().back(),
             Catch::Contains("hpet TIMER0_CMP addr=0xfed00108 value=0x1000 size=0x8"));

  // Tracing off: nothing is emitted.
  b.trace.set_mask(0);
  mmio.write(0x108, 0x2000, 8);
  CHECK(b.sink->lines().size() == 4);
}

TEST_CASE("register bank serialize saves values by register name") {
  Bench b;
  RegisterBank bank("dev", b.trace, 8);
  bank.add(reg(0, 4, "A", 1));
  bank.add(reg(4, 2, "B", 2));
  bank.write(0, 0x0000beef'12345678ull, 8);
  Archive out = Archive::for_saving();
  bank.serialize(out);

  RegisterBank other("dev", b.trace, 8);
  other.add(reg(0, 4, "A"));
  other.add(reg(4, 2, "B"));
  Archive in = Archive::for_loading(out.finish());
  other.serialize(in);
  CHECK(other.value(0) == 0x12345678);
  CHECK(other.value(1) == 0xbeef);

  RegisterBank renamed("dev", b.trace, 8);
  renamed.add(reg(0, 4, "A"));
  renamed.add(reg(4, 2, "C"));
  Archive in2 = Archive::for_loading([&] {
    Archive again = Archive::for_saving();
    bank.serialize(again);
    return again.finish();
  }());
  CHECK_THROWS_WITH(renamed.serialize(in2), Catch::Contains("'C' is missing"));
}

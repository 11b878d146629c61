#include "bus/port_space.h"

#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bus/clock.h"
#include "bus/trace.h"

namespace glasspc {
namespace {

struct Access {
  u16 offset;
  u32 value;
  unsigned size;
  bool operator==(const Access&) const = default;
};

// A port device with byte registers that records every callback it receives.
struct FakePorts {
  std::vector<u8> regs;
  std::vector<Access> reads;
  std::vector<Access> writes;

  explicit FakePorts(std::vector<u8> initial) : regs(std::move(initial)) {}

  PortHandler handler(std::string name, AccessSizes impl = {1, 1, true}) {
    PortHandler h;
    h.name = std::move(name);
    h.impl = impl;
    h.read = [this](u16 offset, unsigned size) {
      u32 value = 0;
      for (unsigned i = 0; i < size; ++i)
        value |= u32{offset + i < regs.size() ? regs[offset + i] : u8{0}} << (8 * i);
      reads.push_back({offset, value, size});
      return value;
    };
    h.write = [this](u16 offset, u32 value, unsigned size) {
      writes.push_back({offset, value, size});
      for (unsigned i = 0; i < size; ++i)
        if (offset + i < regs.size()) regs[offset + i] = static_cast<u8>(value >> (8 * i));
    };
    return h;
  }
};

struct Bench {
  Clock clock;
  Trace trace{clock};
  MemoryTraceSink* sink = nullptr;
  PortSpace ports{trace};

  Bench() {
    auto owned = std::make_unique<MemoryTraceSink>();
    sink = owned.get();
    trace.set_sink(std::move(owned));
  }
  bool traced(const std::string& needle) const {
    for (const auto& line : sink->lines())
      if (line.find(needle) != std::string::npos) return true;
    return false;
  }
};

TEST_CASE("port space: a 2-byte read over two 1-byte handlers combines both bytes", "[port]") {
  Bench bench;
  FakePorts data({0x5a});
  FakePorts status({0x1c});
  bench.ports.claim(0x60, 1, data.handler("kbd-data"));
  bench.ports.claim(0x61, 1, status.handler("kbd-status"));

  CHECK(bench.ports.read(0x60, 2) == 0x1c5a);
  REQUIRE(data.reads.size() == 1);
  REQUIRE(status.reads.size() == 1);
  CHECK(data.reads[0] == Access{0, 0x5a, 1});
  CHECK(status.reads[0] == Access{0, 0x1c, 1});

  bench.ports.write(0x60, 0xbeef, 2);
  REQUIRE(data.writes.size() == 1);
  REQUIRE(status.writes.size() == 1);
  CHECK(data.writes[0] == Access{0, 0xef, 1});
  CHECK(status.writes[0] == Access{0, 0xbe, 1});
  CHECK(bench.ports.unclaimed_reads() == 0);
  CHECK(bench.ports.unclaimed_writes() == 0);
}

TEST_CASE("port space: a 4-byte access to a byte-wide handler becomes four byte accesses",
          "[port]") {
  Bench bench;
  FakePorts uart({0x41, 0x02, 0xc1, 0x03, 0x08, 0x60, 0x00, 0x00});
  bench.ports.claim(0x3f8, 8, uart.handler("com1"));

  CHECK(bench.ports.read(0x3f9, 4) == 0x0803c102);
  REQUIRE(uart.reads.size() == 4);
  for (unsigned i = 0; i < 4; ++i) {
    CHECK(uart.reads[i].offset == 1 + i);
    CHECK(uart.reads[i].size == 1);
  }

  bench.ports.write(0x3f8, 0x44332211, 4);
  REQUIRE(uart.writes.size() == 4);
  CHECK(uart.writes[0] == Access{0, 0x11, 1});
  CHECK(uart.writes[1] == Access{1, 0x22, 1});
  CHECK(uart.writes[2] == Access{2, 0x33, 1});
  CHECK(uart.writes[3] == Access{3, 0x44, 1});
}

TEST_CASE("port space: a handler implementing only 4 bytes sees byte accesses widened", "[port]") {
  Bench bench;
  FakePorts config({0x11, 0x22, 0x33, 0x44});
  bench.ports.claim(0xcfc, 4, config.handler("pci-data", AccessSizes{4, 4, false}));

  CHECK(bench.ports.read(0xcfe, 1) == 0x33);
  REQUIRE(config.reads.size() == 1);
  CHECK(config.reads[0] == Access{0, 0x44332211, 4});

  // A byte write is merged into the dword by read-modify-write.
  bench.ports.write(0xcfd, 0xab, 1);
  REQUIRE(config.writes.size() == 1);
  CHECK(config.writes[0] == Access{0, 0x4433ab11, 4});
  CHECK(bench.ports.read(0xcfc, 2) == 0xab11);
}

TEST_CASE("port space: handler offsets are relative to the claim base", "[port]") {
  Bench bench;
  FakePorts pic({0x00, 0xfb});
  bench.ports.claim(0x20, 2, pic.handler("pic-master"));
  CHECK(bench.ports.read(0x21, 1) == 0xfb);
  bench.ports.write(0x20, 0x20, 1);
  REQUIRE(pic.writes.size() == 1);
  CHECK(pic.writes[0] == Access{0, 0x20, 1});
}

TEST_CASE("port space: unclaimed reads return all ones and are counted, writes are dropped",
          "[port]") {
  Bench bench;
  CHECK(bench.ports.read(0x80, 1) == 0xff);
  CHECK(bench.ports.read(0x80, 2) == 0xffff);
  CHECK(bench.ports.read(0x80, 4) == 0xffffffff);
  CHECK(bench.ports.unclaimed_reads() == 3);
  bench.ports.write(0x80, 0x12, 1);
  bench.ports.write(0x84, 0x1234, 2);
  CHECK(bench.ports.unclaimed_writes() == 2);
  CHECK(bench.ports.unclaimed_reads() == 3);
  CHECK(bench.ports.owner(0x80).empty());
}

TEST_CASE("port space: an access over a handler and an unclaimed port floats the missing byte",
          "[port]") {
  Bench bench;
  FakePorts rtc({0x42});
  bench.ports.claim(0x70, 1, rtc.handler("rtc"));
  CHECK(bench.ports.read(0x70, 2) == 0xff42);
  CHECK(bench.ports.unclaimed_reads() == 1);
  bench.ports.write(0x70, 0x9988, 2);
  REQUIRE(rtc.writes.size() == 1);
  CHECK(rtc.writes[0] == Access{0, 0x88, 1});
  CHECK(bench.ports.unclaimed_writes() == 1);
}

TEST_CASE("port space: multi-byte accesses wrap from 0xffff to 0", "[port]") {
  Bench bench;
  FakePorts top({0xaa});
  FakePorts bottom({0xbb});
  bench.ports.claim(0xffff, 1, top.handler("top"));
  bench.ports.claim(0x0000, 1, bottom.handler("bottom"));
  CHECK(bench.ports.read(0xffff, 2) == 0xbbaa);
}

TEST_CASE("port space: overlapping or out-of-range claims throw", "[port]") {
  Bench bench;
  FakePorts a({0});
  bench.ports.claim(0x3f8, 8, a.handler("com1"));
  CHECK_THROWS_AS(bench.ports.claim(0x3fc, 2, a.handler("other")), std::logic_error);
  CHECK_THROWS_AS(bench.ports.claim(0x3f0, 9, a.handler("other")), std::logic_error);
  CHECK_THROWS_AS(bench.ports.claim(0xffff, 2, a.handler("other")), std::logic_error);
  CHECK_THROWS_AS(bench.ports.claim(0x100, 0, a.handler("other")), std::logic_error);
  CHECK_THROWS_AS(bench.ports.claim(0x100, 1, a.handler("wide", AccessSizes{1, 8, true})),
                  std::logic_error);
  CHECK_FALSE(bench.ports.range_free(0x3ff, 1));
  CHECK(bench.ports.range_free(0x3f0, 8));
  CHECK_FALSE(bench.ports.range_free(0xfff0, 0x11));
  // The failed claims left nothing behind.
  CHECK(bench.ports.owner(0x3f0).empty());
  CHECK(bench.ports.owner(0x3fc) == "com1");
  CHECK(bench.ports.range_free(0xffff, 1));
}

TEST_CASE("port space: a released range reads as unclaimed and can be claimed again", "[port]") {
  Bench bench;
  FakePorts first({0x11, 0x22});
  FakePorts second({0x33, 0x44});
  const PortClaimId id = bench.ports.claim(0x1f0, 2, first.handler("ide"));
  bench.ports.release(id);
  CHECK(bench.ports.owner(0x1f0).empty());
  CHECK(bench.ports.read(0x1f0, 2) == 0xffff);
  CHECK(first.reads.empty());
  CHECK_THROWS_AS(bench.ports.release(id), std::logic_error);

  bench.ports.claim(0x1f0, 2, second.handler("ide2"));
  CHECK(bench.ports.owner(0x1f1) == "ide2");
  CHECK(bench.ports.read(0x1f0, 2) == 0x4433);
}

TEST_CASE("port space: a handler without a read callback floats high without being unclaimed",
          "[port]") {
  Bench bench;
  std::vector<u32> written;
  PortHandler exit_port;
  exit_port.name = "debug-exit";
  exit_port.write = [&](u16, u32 value, unsigned) { written.push_back(value); };
  bench.ports.claim(0xf4, 1, exit_port);
  CHECK(bench.ports.read(0xf4, 1) == 0xff);
  bench.ports.write(0xf4, 0x31, 1);
  CHECK(written == std::vector<u32>{0x31});
  CHECK(bench.ports.unclaimed_reads() == 0);
  CHECK(bench.ports.unclaimed_writes() == 0);
}

TEST_CASE("port space: accesses are traced by handler name, unclaimed ones as unassigned",
          "[port]") {
  Bench bench;
  bench.trace.set_mask(static_cast<u32>(TraceCategory::Port) |
                       static_cast<u32>(TraceCategory::Unassigned));
  FakePorts uart({0x41});
  FakePorts bank({0x00});
  PortHandler quiet = bank.handler("hpet-like");
  quiet.traces_itself = true;
  bench.ports.claim(0x3f8, 1, uart.handler("com1"));
  bench.ports.claim(0x500, 1, std::move(quiet));

  bench.ports.write(0x3f8, 0x41, 1);
  bench.ports.read(0x3f8, 1);
  bench.ports.read(0x500, 1);
  bench.ports.read(0x81, 1);
  CHECK(bench.traced("port  com1 write port=0x3f8 value=0x41 size=0x1"));
  CHECK(bench.traced("port  com1 read port=0x3f8 value=0x41 size=0x1"));
  CHECK(bench.traced("unassigned ports read port=0x81 value=0xff size=0x1"));
  CHECK_FALSE(bench.traced("hpet-like"));
  CHECK(bench.sink->lines().size() == 3);

  // Category off: nothing more is recorded.
  bench.trace.set_mask(0);
  bench.ports.read(0x3f8, 1);
  CHECK(bench.sink->lines().size() == 3);
}

TEST_CASE("port space: a callback may claim and release ports, including its own", "[port]") {
  Bench bench;
  FakePorts bar({0x77, 0x66});
  PortClaimId bar_claim = bench.ports.claim(0xc000, 2, bar.handler("nic-io"));
  PortClaimId self = 0;
  int relocations = 0;
  std::string seen_after;

  // Like a PCI config write that moves an I/O BAR: releases and claims while it runs, enough
  // times to grow the claim table, then moves itself.
  PortHandler mover;
  mover.name = "config";
  mover.impl = AccessSizes{4, 4, false};
  mover.read = [](u16, unsigned) { return u32{0}; };
  mover.write = [&, tag = std::string(40, 'x')](u16, u32 value, unsigned) {
    bench.ports.release(bar_claim);
    bar_claim = bench.ports.claim(static_cast<u16>(value), 2, bar.handler("nic-io"));
    for (u16 i = 0; i < 64; ++i)
      bench.ports.claim(static_cast<u16>(0x2000 + i), 1, bar.handler("filler"));
    bench.ports.release(self);
    PortHandler copy;
    copy.name = "config-moved";
    copy.read = [](u16, unsigned) { return u32{0x5a}; };
    self = bench.ports.claim(0xd00, 1, std::move(copy));
    ++relocations;
    seen_after = tag;  // touches the callback's own captured state after all of the above
  };
  self = bench.ports.claim(0xcfc, 4, std::move(mover));

  bench.ports.write(0xcfc, 0xe000, 4);
  CHECK(relocations == 1);
  CHECK(seen_after == std::string(40, 'x'));
  CHECK(bench.ports.owner(0xcfc).empty());
  CHECK(bench.ports.read(0xd00, 1) == 0x5a);
  CHECK(bench.ports.read(0xe000, 2) == 0x6677);
  CHECK(bench.ports.read(0xc000, 2) == 0xffff);
  CHECK(bench.ports.owner(0x203f) == "filler");
}

}  // namespace
}  // namespace glasspc

#include "bus/access_sizes.h"

#include <catch2/catch.hpp>
#include <map>
#include <vector>

namespace glasspc {
namespace {

// A little-endian byte array behind a handler that logs the accesses it receives.
struct FakeDevice {
  std::map<u64, u8> bytes;
  struct Access {
    u64 addr;
    unsigned size;
    bool write;
    bool operator==(const Access&) const = default;
  };
  std::vector<Access> log;

  u64 read(u64 addr, unsigned size) {
    log.push_back({addr, size, false});
    u64 value = 0;
    for (unsigned i = 0; i < size; ++i) value |= u64{bytes[addr + i]} << (8 * i);
    return value;
  }
  void write(u64 addr, u64 value, unsigned size) {
    log.push_back({addr, size, true});
    for (unsigned i = 0; i < size; ++i) bytes[addr + i] = static_cast<u8>(value >> (8 * i));
  }
  void fill(u64 addr, std::vector<u8> data) {
    for (u8 b : data) bytes[addr++] = b;
  }
};

u64 read_via(FakeDevice& dev, u64 addr, unsigned size, AccessSizes impl) {
  return read_adjusted(addr, size, impl, [&](u64 a, unsigned s) { return dev.read(a, s); });
}

void write_via(FakeDevice& dev, u64 addr, unsigned size, u64 value, AccessSizes impl) {
  write_adjusted(
      addr, size, value, impl, [&](u64 a, unsigned s) { return dev.read(a, s); },
      [&](u64 a, u64 v, unsigned s) { dev.write(a, v, s); });
}

TEST_CASE("AccessSizes accepts only sizes in range and, unless unaligned, aligned addresses",
          "[access_sizes]") {
  const AccessSizes dword{4, 4, false};
  CHECK(dword.accepts(0x10, 4));
  CHECK_FALSE(dword.accepts(0x12, 4));
  CHECK_FALSE(dword.accepts(0x10, 2));
  CHECK_FALSE(dword.accepts(0x10, 8));
  const AccessSizes any{1, 8, true};
  CHECK(any.accepts(0x13, 8));
  CHECK(any.accepts(0x13, 1));
  CHECK(access_unit(8, dword) == 4);
  CHECK(access_unit(1, dword) == 4);
  CHECK(access_unit(2, AccessSizes{1, 4, false}) == 2);
}

TEST_CASE("read_adjusted passes an implemented access through unchanged", "[access_sizes]") {
  FakeDevice dev;
  dev.fill(0x10, {0x11, 0x22, 0x33, 0x44});
  CHECK(read_via(dev, 0x10, 4, AccessSizes{1, 4, false}) == 0x44332211);
  REQUIRE(dev.log.size() == 1);
  CHECK(dev.log[0] == FakeDevice::Access{0x10, 4, false});
}

TEST_CASE("read_adjusted splits a wide read into byte units and recombines little-endian",
          "[access_sizes]") {
  FakeDevice dev;
  dev.fill(0x20, {0x01, 0x02, 0x03, 0x04});
  CHECK(read_via(dev, 0x20, 4, AccessSizes{1, 1, true}) == 0x04030201);
  REQUIRE(dev.log.size() == 4);
  for (unsigned i = 0; i < 4; ++i) CHECK(dev.log[i] == FakeDevice::Access{0x20 + i, 1, false});
}

TEST_CASE("read_adjusted widens a byte read to the aligned implemented unit", "[access_sizes]") {
  FakeDevice dev;
  dev.fill(0x40, {0xaa, 0xbb, 0xcc, 0xdd});
  CHECK(read_via(dev, 0x42, 1, AccessSizes{4, 4, false}) == 0xcc);
  REQUIRE(dev.log.size() == 1);
  CHECK(dev.log[0] == FakeDevice::Access{0x40, 4, false});
}

TEST_CASE("read_adjusted handles a misaligned access spanning two units", "[access_sizes]") {
  FakeDevice dev;
  dev.fill(0x0, {0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(read_via(dev, 0x3, 2, AccessSizes{4, 4, false}) == 0x0403);
  REQUIRE(dev.log.size() == 2);
  CHECK(dev.log[0] == FakeDevice::Access{0x0, 4, false});
  CHECK(dev.log[1] == FakeDevice::Access{0x4, 4, false});
}

TEST_CASE("write_adjusted splits a wide write into covered units without reading",
          "[access_sizes]") {
  FakeDevice dev;
  write_via(dev, 0x8, 8, 0x8877665544332211, AccessSizes{4, 4, false});
  REQUIRE(dev.log.size() == 2);
  CHECK(dev.log[0] == FakeDevice::Access{0x8, 4, true});
  CHECK(dev.log[1] == FakeDevice::Access{0xc, 4, true});
  CHECK(dev.read(0x8, 4) == 0x44332211);
  CHECK(dev.read(0xc, 4) == 0x88776655);
}

TEST_CASE("write_adjusted merges a narrow write into its unit by read-modify-write",
          "[access_sizes]") {
  FakeDevice dev;
  dev.fill(0x10, {0x11, 0x22, 0x33, 0x44});
  write_via(dev, 0x11, 2, 0xbeef, AccessSizes{4, 4, false});
  REQUIRE(dev.log.size() == 2);
  CHECK(dev.log[0] == FakeDevice::Access{0x10, 4, false});
  CHECK(dev.log[1] == FakeDevice::Access{0x10, 4, true});
  CHECK(dev.read(0x10, 4) == 0x44beef11);
}

TEST_CASE("write_adjusted masks the value to the access size", "[access_sizes]") {
  FakeDevice dev;
  write_via(dev, 0x0, 2, 0xffff1234, AccessSizes{1, 8, true});
  CHECK(dev.read(0x0, 4) == 0x1234);
}

}  // namespace
}  // namespace glasspc

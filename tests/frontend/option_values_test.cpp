// QEMU's value syntax: numbers, sizes, frequencies, switches and key=value lists.
#include "frontend/option_values.h"

#include <catch2/catch.hpp>

using namespace glasspc;

TEST_CASE("parse_unsigned reads decimal, 0x hex and leading-zero octal, as C and QEMU do") {
  CHECK(parse_unsigned("10") == 10u);
  CHECK(parse_unsigned("0x1F") == 0x1fu);
  CHECK(parse_unsigned("0X501") == 0x501u);
  CHECK(parse_unsigned("017") == 15u);
  CHECK(parse_unsigned("0") == 0u);
  CHECK(parse_unsigned("18446744073709551615") == ~u64{0});
  CHECK_FALSE(parse_unsigned("18446744073709551616"));  // overflow
  CHECK_FALSE(parse_unsigned(""));
  CHECK_FALSE(parse_unsigned("0x"));
  CHECK_FALSE(parse_unsigned("1a"));
  CHECK_FALSE(parse_unsigned("08"));
  CHECK_FALSE(parse_unsigned("-1"));
}

TEST_CASE("parse_size applies binary suffixes, the default unit and fractions") {
  constexpr u64 kMiB = u64{1} << 20;
  CHECK(parse_size("3", kMiB) == 3 * kMiB);
  CHECK(parse_size("3", 1) == 3u);
  CHECK(parse_size("4k", kMiB) == 4096u);
  CHECK(parse_size("4K", kMiB) == 4096u);
  CHECK(parse_size("100B", kMiB) == 100u);
  CHECK(parse_size("2M", 1) == 2 * kMiB);
  CHECK(parse_size("1.5G", kMiB) == 1536 * kMiB);
  CHECK(parse_size("0.5K", kMiB) == 512u);
  CHECK(parse_size("2T", kMiB) == u64{2} << 40);
  CHECK(parse_size("1P", kMiB) == u64{1} << 50);
  CHECK(parse_size("15E", kMiB) == u64{15} << 60);
  CHECK_FALSE(parse_size("16E", kMiB));  // 2^64: overflow
  CHECK_FALSE(parse_size("", kMiB));
  CHECK_FALSE(parse_size("G", kMiB));
  CHECK_FALSE(parse_size("1.G", kMiB));
  CHECK_FALSE(parse_size(".5G", kMiB));
  CHECK_FALSE(parse_size("1Q", kMiB));
  CHECK_FALSE(parse_size("1 G", kMiB));
  CHECK_FALSE(parse_size("0x10", kMiB));
}

TEST_CASE("parse_frequency applies decimal suffixes") {
  CHECK(parse_frequency("1000") == 1000u);
  CHECK(parse_frequency("2k") == 2000u);
  CHECK(parse_frequency("33M") == 33'000'000u);
  CHECK(parse_frequency("2.4G") == 2'400'000'000u);
  CHECK_FALSE(parse_frequency("2m"));  // not milli, not mega: refused
  CHECK_FALSE(parse_frequency("fast"));
}

TEST_CASE("parse_bool accepts QEMU's spellings of on and off") {
  CHECK(parse_bool("on") == true);
  CHECK(parse_bool("yes") == true);
  CHECK(parse_bool("true") == true);
  CHECK(parse_bool("off") == false);
  CHECK(parse_bool("no") == false);
  CHECK(parse_bool("false") == false);
  CHECK_FALSE(parse_bool("1"));
  CHECK_FALSE(parse_bool("On"));
}

TEST_CASE("OptionList: implied first key, doubled commas, bare keys meaning on") {
  OptionList list("-chardev", "file,id=f,path=a,,b,,,append", "backend");
  CHECK(list.take("backend") == "file");
  CHECK(list.take("path") == "a,b,");
  CHECK(list.take_bool("append") == true);
  CHECK(list.take("id") == "f");
  CHECK_FALSE(list.take("mux"));
  CHECK_NOTHROW(list.reject_unknown(""));
  CHECK(list.context() == "-chardev file,id=f,path=a,,b,,,append");
  CHECK(OptionList("-m", "", "size").empty());
}

TEST_CASE("OptionList reports unknown, repeated and malformed parameters") {
  OptionList list("-device", "isa-debug-exit,iobase=0x10,extra=1", "driver");
  list.take("driver");
  CHECK(list.take_integer("iobase", 0xffff) == 0x10u);
  try {
    list.reject_unknown("iobase, iosize");
    FAIL("no error");
  } catch (const OptionError& error) {
    CHECK(error.message ==
          "-device isa-debug-exit,iobase=0x10,extra=1: unknown parameter 'extra' (accepted: "
          "iobase, iosize)");
  }
  try {
    OptionList("-x", "a=1,a=2", "");
    FAIL("no error");
  } catch (const OptionError& error) {
    CHECK(error.message == "-x a=1,a=2: parameter 'a' given twice");
  }
  OptionList numbers("-x", "n=0x10000,b=maybe", "");
  CHECK_THROWS_AS(numbers.take_integer("n", 0xffff), OptionError);
  CHECK_THROWS_AS(numbers.take_bool("b"), OptionError);
}

#include "bus/archive.h"

#include <catch2/catch.hpp>
#include <numeric>

using namespace glasspc;

namespace {

enum class Color : u8 { Red = 1, Green = 2, Blue = 200 };

// Every kind of field, in nested sections; serialize() is used both ways, as a device would.
struct Sample {
  u8 a = 0;
  u16 b = 0;
  u32 c = 0;
  u64 d = 0;
  i32 e = 0;
  i64 f = 0;
  bool g = false;
  Color color = Color::Red;
  std::array<u16, 4> regs{};
  std::vector<u32> fifo;
  std::string text;
  std::vector<u8> bytes;
  std::vector<u8> ram = std::vector<u8>(64 * 1024);
  u32 inner = 0;
  u32 inner_version = 0;

  void serialize(Archive& ar) {
    ArchiveSection top(ar, "dev", 3);
    ar.field("a", a);
    ar.field("b", b);
    ar.field("c", c);
    ar.field("d", d);
    ar.field("e", e);
    ar.field("f", f);
    ar.field("g", g);
    ar.field("color", color);
    ar.field("regs", regs);
    ar.field("fifo", fifo);
    ar.field("text", text);
    ar.field("bytes", bytes);
    ar.blob("ram", ram.data(), ram.size());
    {
      ArchiveSection nested(ar, "nested", 7);
      inner_version = nested.version();
      {
        ArchiveSection deeper(ar, "deeper", 1);
        ar.field("inner", inner);
      }
    }
  }
};

Sample filled() {
  Sample s;
  s.a = 0xfe;
  s.b = 0xbeef;
  s.c = 0xdeadbeef;
  s.d = 0x0123456789abcdefull;
  s.e = -5;
  s.f = -0x123456789ll;
  s.g = true;
  s.color = Color::Blue;
  s.regs = {1, 2, 0xffff, 4};
  s.fifo = {10, 20, 30};
  s.text = std::string("hello\0world", 11);
  s.bytes = {0, 1, 2, 0xff};
  for (std::size_t i = 0; i < s.ram.size(); ++i) s.ram[i] = static_cast<u8>(i * 7 + (i >> 9));
  s.inner = 42;
  return s;
}

std::vector<u8> save(Sample s) {
  Archive ar = Archive::for_saving();
  s.serialize(ar);
  return ar.finish();
}

// Loads `bytes` the way a device would; returns the error message or "" on success.
std::string load_message(std::vector<u8> bytes, Sample& out) {
  try {
    Archive ar = Archive::for_loading(std::move(bytes));
    out.serialize(ar);
    return "";
  } catch (const ArchiveError& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("archive round trips every field kind and nested sections") {
  const Sample original = filled();
  const std::vector<u8> bytes = save(original);
  REQUIRE(bytes.size() > 12);
  CHECK(std::equal(bytes.begin(), bytes.begin() + 8, "GLASSPC"));
  // zlib really compressed the RAM blob.
  CHECK(bytes.size() < original.ram.size());

  Sample loaded;
  Archive ar = Archive::for_loading(bytes);
  CHECK(ar.loading());
  loaded.serialize(ar);
  CHECK(loaded.a == original.a);
  CHECK(loaded.b == original.b);
  CHECK(loaded.c == original.c);
  CHECK(loaded.d == original.d);
  CHECK(loaded.e == original.e);
  CHECK(loaded.f == original.f);
  CHECK(loaded.g == original.g);
  CHECK(loaded.color == Color::Blue);
  CHECK(loaded.regs == original.regs);
  CHECK(loaded.fifo == original.fifo);
  CHECK(loaded.text == original.text);
  CHECK(loaded.bytes == original.bytes);
  CHECK(loaded.ram == original.ram);
  CHECK(loaded.inner == 42);
  CHECK(loaded.inner_version == 7);
  // Saving the loaded state gives the same file, byte for byte.
  CHECK(save(loaded) == bytes);
}

TEST_CASE("archive sections report the version stored in the file") {
  Archive out = Archive::for_saving();
  CHECK(out.begin_section("dev", 5) == 5);
  u32 x = 9;
  out.field("x", x);
  out.end_section();
  Archive in = Archive::for_loading(out.finish());
  CHECK(in.has_section("dev"));
  CHECK_FALSE(in.has_section("other"));
  CHECK(in.begin_section("dev", 6) == 5);
  CHECK(in.has_field("x"));
  CHECK_FALSE(in.has_section("x"));
  in.field("x", x);
  in.end_section();
}

TEST_CASE("archive optional_field reads old files that lack the field") {
  Archive out = Archive::for_saving();
  {
    ArchiveSection s(out, "com1", 1);
    u8 lcr = 3;
    out.field("lcr", lcr);
  }
  Archive in = Archive::for_loading(out.finish());
  ArchiveSection s(in, "com1", 2);
  u8 lcr = 0;
  u16 fcr = 0x55;
  in.field("lcr", lcr);
  in.optional_field("fcr", fcr, u16{0xc1});
  CHECK(lcr == 3);
  CHECK(fcr == 0xc1);
}

TEST_CASE("archive optional_field reads the value when present") {
  Archive out = Archive::for_saving();
  u16 fcr = 7;
  out.optional_field("fcr", fcr, u16{1});
  Archive in = Archive::for_loading(out.finish());
  fcr = 0;
  in.optional_field("fcr", fcr, u16{1});
  CHECK(fcr == 7);
}

TEST_CASE("archive names a missing field by its full path") {
  Archive out = Archive::for_saving();
  {
    ArchiveSection machine(out, "machine", 1);
    ArchiveSection com1(out, "com1", 1);
    u8 ier = 1;
    out.field("ier", ier);
  }
  Archive in = Archive::for_loading(out.finish());
  ArchiveSection machine(in, "machine", 1);
  ArchiveSection com1(in, "com1", 1);
  u8 value = 0;
  in.field("ier", value);
  CHECK_THROWS_WITH(in.field("lcr", value), "snapshot field 'machine.com1.lcr' is missing");
  CHECK_THROWS_WITH(in.begin_section("fifo", 1), Catch::Contains("'machine.com1.fifo' is missing"));
}

TEST_CASE("archive names an unknown field at the end of its section") {
  Archive out = Archive::for_saving();
  {
    ArchiveSection machine(out, "machine", 1);
    ArchiveSection com1(out, "com1", 1);
    u8 lcr = 1, xyz = 2;
    out.field("lcr", lcr);
    out.field("xyz", xyz);
  }
  Archive in = Archive::for_loading(out.finish());
  in.begin_section("machine", 1);
  in.begin_section("com1", 1);
  u8 lcr = 0;
  in.field("lcr", lcr);
  CHECK_THROWS_WITH(in.end_section(), Catch::Contains("unknown field 'machine.com1.xyz'"));
}

TEST_CASE("archive names a field of the wrong kind") {
  Archive out = Archive::for_saving();
  std::string name = "x";
  out.field("name", name);
  Archive in = Archive::for_loading(out.finish());
  u32 value = 0;
  CHECK_THROWS_WITH(in.field("name", value), Catch::Contains("'name'") && Catch::Contains("bytes"));
}

TEST_CASE("archive checks std::array element counts and blob sizes") {
  Archive out = Archive::for_saving();
  std::array<u8, 3> three = {1, 2, 3};
  out.field("regs", three);
  std::vector<u8> ram(100, 0xaa);
  out.blob("ram", ram.data(), ram.size());
  Archive in = Archive::for_loading(out.finish());
  std::array<u8, 4> four{};
  CHECK_THROWS_WITH(in.field("regs", four), Catch::Contains("'regs' has 3 elements, expected 4"));
  std::vector<u8> bigger(200);
  CHECK_THROWS_WITH(in.blob("ram", bigger.data(), bigger.size()),
                    Catch::Contains("'ram'") && Catch::Contains("100"));
}

TEST_CASE("archive refuses to save a field twice or finish with an open section") {
  Archive out = Archive::for_saving();
  u8 x = 1;
  out.field("x", x);
  CHECK_THROWS_AS(out.field("x", x), ArchiveError);
  out.begin_section("open", 1);
  CHECK_THROWS_WITH(out.finish(), Catch::Contains("open"));
}

TEST_CASE("archive ArchiveSection pops without checks while an error propagates") {
  Archive out = Archive::for_saving();
  {
    ArchiveSection s(out, "dev", 1);
    u8 a = 1, b = 2;
    out.field("a", a);
    out.field("b", b);
  }
  Archive in = Archive::for_loading(out.finish());
  // "b" is never read, but the first error (the missing field) is the one reported.
  auto load = [&] {
    ArchiveSection s(in, "dev", 1);
    u8 value = 0;
    in.field("a", value);
    in.field("missing", value);
  };
  CHECK_THROWS_WITH(load(), Catch::Contains("'dev.missing' is missing"));
}

TEST_CASE("archive rejects bad magic, format version and trailing bytes") {
  std::vector<u8> bytes = save(filled());
  std::vector<u8> bad = bytes;
  bad[0] = 'X';
  CHECK_THROWS_WITH(Archive::for_loading(bad), Catch::Contains("magic"));
  bad = bytes;
  bad[8] = 2;
  CHECK_THROWS_WITH(Archive::for_loading(bad), Catch::Contains("version 2"));
  bad = bytes;
  bad.push_back(0);
  CHECK_THROWS_WITH(Archive::for_loading(bad), Catch::Contains("garbage"));
  CHECK_THROWS_AS(Archive::for_loading({}), ArchiveError);
}

TEST_CASE("archive rejects nesting deeper than 64 sections") {
  auto nested = [](int depth) {
    Archive out = Archive::for_saving();
    for (int i = 0; i < depth; ++i) out.begin_section("s", 1);
    for (int i = 0; i < depth; ++i) out.end_section();
    return out.finish();
  };
  CHECK_NOTHROW(Archive::for_loading(nested(64)));
  CHECK_THROWS_WITH(Archive::for_loading(nested(65)), Catch::Contains("nested"));
}

TEST_CASE("archive rejects a length that runs past the end") {
  Archive out = Archive::for_saving();
  std::vector<u8> payload(16, 1);
  out.field("p", payload);
  std::vector<u8> bytes = out.finish();
  // Layout: magic(8) version(4) root: tag(1) namelen(2) version(4) length(8) | child:
  // tag(1) namelen(2) name(1) count(8) ...; make the byte count enormous.
  const std::size_t count_at = 8 + 4 + 1 + 2 + 4 + 8 + 1 + 2 + 1;
  bytes[count_at + 7] = 0x80;
  CHECK_THROWS_WITH(Archive::for_loading(bytes), Catch::Contains("truncated or corrupt"));
}

// Every truncation and many byte flips of a valid file must end in ArchiveError or a successful
// load, never a crash, a hang or another exception type (run under ASan to check memory safety).
TEST_CASE("archive survives truncation at every length and flipped bytes") {
  Sample small = filled();
  small.ram.resize(512);
  const std::vector<u8> bytes = save(small);

  for (std::size_t length = 0; length < bytes.size(); ++length) {
    Sample out;
    out.ram.resize(512);
    const std::string message = load_message(
        std::vector<u8>(bytes.begin(), bytes.begin() + static_cast<long>(length)), out);
    INFO("truncated to " << length);
    CHECK_FALSE(message.empty());
    CHECK(message.find('\n') == std::string::npos);
  }

  unsigned errors = 0;
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    for (u8 flip : {u8{0x01}, u8{0x80}, u8{0xff}}) {
      std::vector<u8> corrupt = bytes;
      corrupt[at] ^= flip;
      Sample out;
      out.ram.resize(512);
      if (!load_message(std::move(corrupt), out).empty()) ++errors;
    }
  }
  // Flips in names, tags, lengths and compressed data are detected; flips in integer payloads
  // simply load other values.
  CHECK(errors > bytes.size());
}

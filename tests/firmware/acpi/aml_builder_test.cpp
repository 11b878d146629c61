// Tests for firmware/aml_builder and firmware/aml_resources: byte-exact AML encodings, checked
// against the grammar of ACPI 6.4 chapter 20 and what iasl emits for the same ASL.
#include "firmware/aml_builder.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "firmware/aml_resources.h"
#include "tests/firmware/acpi/acpi_test_support.h"

namespace glasspc::firmware {

namespace {

using Bytes = std::vector<u8>;

// Decodes a PkgLength at `pos`: returns its value and sets `size` to its byte count.
std::size_t decode_pkg_length(const Bytes& bytes, std::size_t pos, std::size_t& size) {
  const u8 lead = bytes.at(pos);
  const unsigned follow = lead >> 6;
  size = 1 + follow;
  if (follow == 0) return lead & 0x3F;
  std::size_t value = lead & 0x0F;
  for (unsigned i = 0; i < follow; ++i) value |= std::size_t{bytes.at(pos + 1 + i)} << (4 + 8 * i);
  return value;
}

Bytes seg(const char (&name)[5]) {
  return Bytes(name, name + 4);
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace

TEST_CASE("pkg_length uses one byte up to a total of 63") {
  CHECK(aml::pkg_length(0) == Bytes{0x01});
  CHECK(aml::pkg_length(61) == Bytes{0x3E});
  CHECK(aml::pkg_length(62) == Bytes{0x3F});  // 62 + 1 = 63: the largest one-byte length
  // 63 bytes of body need two length bytes: total 65 = 0x41 -> lead 0x41, follow 0x04.
  CHECK(aml::pkg_length(63) == Bytes{0x41, 0x04});
  CHECK(aml::pkg_length(64) == Bytes{0x42, 0x04});
}

TEST_CASE("pkg_length switches to three and four bytes at 4095 and 2^20 - 1") {
  CHECK(aml::pkg_length(4093) == Bytes{0x4F, 0xFF});                 // total 4095 = 0xFFF
  CHECK(aml::pkg_length(4094) == Bytes{0x81, 0x00, 0x01});           // total 4097 = 0x1001
  CHECK(aml::pkg_length(4095) == Bytes{0x82, 0x00, 0x01});           // total 4098
  CHECK(aml::pkg_length(4096) == Bytes{0x83, 0x00, 0x01});           // total 4099
  CHECK(aml::pkg_length(0xFFFFC) == Bytes{0x8F, 0xFF, 0xFF});        // total 0xFFFFF
  CHECK(aml::pkg_length(0xFFFFD) == Bytes{0xC1, 0x00, 0x00, 0x01});  // total 0x100001
  CHECK(aml::pkg_length((std::size_t{1} << 28) - 5) == Bytes{0xCF, 0xFF, 0xFF, 0xFF});
  CHECK_THROWS_AS(aml::pkg_length((std::size_t{1} << 28) - 4), std::invalid_argument);
}

TEST_CASE("a scope's PkgLength counts exactly the bytes after its opcode for every size") {
  for (std::size_t n = 0; n < 4200; ++n) {
    const Bytes scope = aml::scope("\\", {Aml(Bytes(n, 0xA3))}).bytes();
    REQUIRE(scope.at(0) == 0x10);
    std::size_t size = 0;
    const std::size_t value = decode_pkg_length(scope, 1, size);
    INFO("body of " << n << " bytes");
    REQUIRE(value == scope.size() - 1);
    REQUIRE(size == (n + 3 <= 63 ? 1u : n + 4 <= 4095 ? 2u : 3u));
    REQUIRE(scope.at(1 + size) == 0x5C);  // "\" is RootChar then NullName
    REQUIRE(scope.at(2 + size) == 0x00);
  }
}

TEST_CASE("field lengths encode the bit count itself") {
  CHECK(aml::field_length(8) == Bytes{0x08});
  CHECK(aml::field_length(63) == Bytes{0x3F});
  CHECK(aml::field_length(64) == Bytes{0x40, 0x04});
  CHECK(aml::field_length(0xFFF) == Bytes{0x4F, 0xFF});
  CHECK(aml::field_length(0x1000) == Bytes{0x80, 0x00, 0x01});
}

TEST_CASE("integers use the shortest prefix") {
  CHECK(aml::integer(0).bytes() == Bytes{0x00});
  CHECK(aml::integer(1).bytes() == Bytes{0x01});
  CHECK(aml::integer(2).bytes() == Bytes{0x0A, 0x02});
  CHECK(aml::integer(0xFF).bytes() == Bytes{0x0A, 0xFF});
  CHECK(aml::integer(0x100).bytes() == Bytes{0x0B, 0x00, 0x01});
  CHECK(aml::integer(0xFFFF).bytes() == Bytes{0x0B, 0xFF, 0xFF});
  CHECK(aml::integer(0x10000).bytes() == Bytes{0x0C, 0x00, 0x00, 0x01, 0x00});
  CHECK(aml::integer(0xFEC00000).bytes() == Bytes{0x0C, 0x00, 0x00, 0xC0, 0xFE});
  CHECK(aml::integer(0x100000000).bytes() ==
        Bytes{0x0E, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00});
  CHECK(aml::ones().bytes() == Bytes{0xFF});
  CHECK(aml::dword_const(1).bytes() == Bytes{0x0C, 0x01, 0x00, 0x00, 0x00});
  CHECK(aml::word_const(0x1234).bytes() == Bytes{0x0B, 0x34, 0x12});
}

TEST_CASE("names encode segments, padding, root and parent prefixes") {
  CHECK(aml::name_seg("_SB") == std::array<u8, 4>{'_', 'S', 'B', '_'});
  CHECK(aml::name_string("PCI0").bytes() == seg("PCI0"));
  CHECK(aml::name_string("\\_SB.PCI0").bytes() == cat({{0x5C, 0x2E}, seg("_SB_"), seg("PCI0")}));
  CHECK(aml::name_string("\\_SB.PCI0.ISA").bytes() ==
        cat({{0x5C, 0x2F, 0x03}, seg("_SB_"), seg("PCI0"), seg("ISA_")}));
  CHECK(aml::name_string("^^LNKA").bytes() == cat({{0x5E, 0x5E}, seg("LNKA")}));
  CHECK(aml::name_string("^PCI0.ISA").bytes() == cat({{0x5E, 0x2E}, seg("PCI0"), seg("ISA_")}));
  CHECK(aml::name_string("\\").bytes() == Bytes{0x5C, 0x00});
  CHECK(aml::name_string("").bytes() == Bytes{0x00});
  CHECK_THROWS_AS(aml::name_string("1ABC"), std::invalid_argument);
  CHECK_THROWS_AS(aml::name_string("ABCDE"), std::invalid_argument);
  CHECK_THROWS_AS(aml::name_string("abcd"), std::invalid_argument);
  CHECK_THROWS_AS(aml::name_string("A..B"), std::invalid_argument);
  CHECK_THROWS_AS(aml::name_string("PCI0."), std::invalid_argument);
  CHECK_THROWS_AS(aml::name_string("^"), std::invalid_argument);
}

TEST_CASE("strings, buffers and packages carry their sizes") {
  CHECK(aml::string("ACPI0007").bytes() ==
        Bytes{0x0D, 'A', 'C', 'P', 'I', '0', '0', '0', '7', 0x00});
  const Bytes three{1, 2, 3};
  CHECK(aml::buffer(three).bytes() == Bytes{0x11, 0x06, 0x0A, 0x03, 1, 2, 3});
  CHECK(aml::package({aml::one(), aml::zero()}).bytes() == Bytes{0x12, 0x04, 0x02, 0x01, 0x00});
  CHECK(aml::package({}).bytes() == Bytes{0x12, 0x02, 0x00});
  CHECK_THROWS_AS(aml::string("caf\xC3\xA9"), std::invalid_argument);
  CHECK_THROWS_AS(aml::package(AmlList(256, aml::zero())), std::invalid_argument);
}

TEST_CASE("EISA IDs compress three letters and four hex digits") {
  CHECK(aml::eisa_id_value("PNP0A03") == 0x41D00A03);
  CHECK(aml::eisa_id("PNP0A03").bytes() == Bytes{0x0C, 0x41, 0xD0, 0x0A, 0x03});
  CHECK(aml::eisa_id("PNP0501").bytes() == Bytes{0x0C, 0x41, 0xD0, 0x05, 0x01});
  CHECK(aml::eisa_id("PNP0C0F").bytes() == Bytes{0x0C, 0x41, 0xD0, 0x0C, 0x0F});
  // "QEM" shows that the letters are packed across the byte boundary.
  CHECK(aml::eisa_id_value("QEM0001") == ((17u << 26) | (5u << 21) | (13u << 16) | 0x0001));
  CHECK_THROWS_AS(aml::eisa_id("PNP0A0"), std::invalid_argument);
  CHECK_THROWS_AS(aml::eisa_id("pnp0A03"), std::invalid_argument);
  CHECK_THROWS_AS(aml::eisa_id("PNP0G03"), std::invalid_argument);
}

TEST_CASE("methods, devices, names and control flow encode byte-exact") {
  CHECK(aml::method("_STA", 0, aml::MethodSerialize::NotSerialized,
                    {aml::return_value(aml::byte_const(0x0F))})
            .bytes() == cat({{0x14, 0x09}, seg("_STA"), {0x00, 0xA4, 0x0A, 0x0F}}));
  CHECK(aml::method("_SRS", 1, aml::MethodSerialize::Serialized, {}).bytes() ==
        cat({{0x14, 0x06}, seg("_SRS"), {0x09}}));
  CHECK(aml::device("COM1", {aml::name("_UID", aml::one())}).bytes() ==
        cat({{0x5B, 0x82, 0x0B}, seg("COM1"), {0x08}, seg("_UID"), {0x01}}));
  CHECK(aml::if_then(aml::logical_equal(aml::arg(0), aml::zero()), {aml::return_value(aml::one())})
            .bytes() == Bytes{0xA0, 0x06, 0x93, 0x68, 0x00, 0xA4, 0x01});
  CHECK(aml::else_then({aml::return_value(aml::zero())}).bytes() == Bytes{0xA1, 0x03, 0xA4, 0x00});
  CHECK(aml::store(aml::arg(0), aml::local(1)).bytes() == Bytes{0x70, 0x68, 0x61});
  CHECK(aml::bit_and(aml::local(0), aml::byte_const(0x0F)).bytes() ==
        Bytes{0x7B, 0x60, 0x0A, 0x0F, 0x00});
  CHECK(aml::bit_or(aml::local(0), aml::one(), aml::local(0)).bytes() ==
        Bytes{0x7D, 0x60, 0x01, 0x60});
  CHECK(aml::shift_left(aml::one(), aml::arg(1), aml::local(2)).bytes() ==
        Bytes{0x79, 0x01, 0x69, 0x62});
  CHECK(aml::shift_right(aml::arg(6), aml::one()).bytes() == Bytes{0x7A, 0x6E, 0x01, 0x00});
  CHECK(aml::add(aml::local(7), aml::one()).bytes() == Bytes{0x72, 0x67, 0x01, 0x00});
  CHECK(aml::logical_less(aml::arg(0), aml::byte_const(0x80)).bytes() ==
        Bytes{0x95, 0x68, 0x0A, 0x80});
  CHECK(aml::logical_greater(aml::arg(0), aml::zero()).bytes() == Bytes{0x94, 0x68, 0x00});
  CHECK(aml::logical_not(aml::arg(0)).bytes() == Bytes{0x92, 0x68});
  CHECK(aml::logical_and(aml::one(), aml::zero()).bytes() == Bytes{0x90, 0x01, 0x00});
  CHECK(aml::logical_or(aml::one(), aml::zero()).bytes() == Bytes{0x91, 0x01, 0x00});
  CHECK(aml::call("IQST", {aml::local(0)}).bytes() == cat({seg("IQST"), {0x60}}));
  CHECK_THROWS_AS(aml::arg(7), std::invalid_argument);
  CHECK_THROWS_AS(aml::local(8), std::invalid_argument);
  CHECK_THROWS_AS(aml::method("M", 8, aml::MethodSerialize::NotSerialized, {}),
                  std::invalid_argument);
}

TEST_CASE("operation regions and fields encode spaces, flags and offsets") {
  CHECK(aml::operation_region("P40C", aml::RegionSpace::PciConfig, aml::byte_const(0x60),
                              aml::byte_const(4))
            .bytes() == cat({{0x5B, 0x80}, seg("P40C"), {0x02, 0x0A, 0x60, 0x0A, 0x04}}));
  CHECK(aml::operation_region("PMIO", aml::RegionSpace::SystemIO, aml::word_const(0x600),
                              aml::byte_const(0x10))
            .bytes()
            .at(6) == 0x01);
  CHECK(aml::operation_region("HPTM", aml::RegionSpace::SystemMemory, aml::dword_const(0xFED00000),
                              aml::word_const(0x400))
            .bytes()
            .at(6) == 0x00);
  // Offset(1) skips 8 bits with a ReservedField; BIG_ is 100 bits (two length bytes).
  const Bytes field =
      aml::field("P40C", aml::FieldAccess::Byte, aml::FieldLock::NoLock, aml::FieldUpdate::Preserve,
                 {aml::FieldUnit::offset(1), aml::FieldUnit::named("PRQ0", 8),
                  aml::FieldUnit::named("BIG", 100)})
          .bytes();
  CHECK(field == cat({{0x5B, 0x81, 0x13},
                      seg("P40C"),
                      {0x01, 0x00, 0x08},
                      seg("PRQ0"),
                      {0x08},
                      seg("BIG_"),
                      {0x44, 0x06}}));
  const Bytes flags = aml::field("R", aml::FieldAccess::DWord, aml::FieldLock::Lock,
                                 aml::FieldUpdate::WriteAsZeros, {aml::FieldUnit::named("A", 32)})
                          .bytes();
  CHECK(flags.at(7) == 0x53);
  CHECK_THROWS_AS(
      aml::field("R", aml::FieldAccess::Byte, aml::FieldLock::NoLock, aml::FieldUpdate::Preserve,
                 {aml::FieldUnit::named("A", 16), aml::FieldUnit::offset(1)}),
      std::invalid_argument);
}

TEST_CASE("processors and CreateDWordField encode byte-exact") {
  CHECK(aml::processor("CPU0", 0, 0x0000B010, 6).bytes() ==
        cat({{0x5B, 0x83, 0x0B}, seg("CPU0"), {0x00, 0x10, 0xB0, 0x00, 0x00, 0x06}}));
  CHECK(aml::create_dword_field(aml::arg(0), aml::byte_const(5), "PRRI").bytes() ==
        cat({{0x8A, 0x68, 0x0A, 0x05}, seg("PRRI")}));
}

TEST_CASE("resource descriptors encode byte-exact") {
  CHECK(aml::io(0x3F8, 0x3F8, 0x01, 0x08).bytes() ==
        Bytes{0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x01, 0x08});
  CHECK(aml::irq_no_flags({4}).bytes() == Bytes{0x22, 0x10, 0x00});
  CHECK(aml::irq_no_flags({2, 12}).bytes() == Bytes{0x22, 0x04, 0x10});
  CHECK(aml::interrupt(aml::ResourceUsage::Consumer, aml::Trigger::Level, aml::Polarity::ActiveHigh,
                       aml::Sharing::Shared, {5, 10, 11})
            .bytes() == Bytes{0x89, 0x0E, 0x00, 0x09, 0x03, 0x05, 0x00, 0x00, 0x00, 0x0A, 0x00,
                              0x00, 0x00, 0x0B, 0x00, 0x00, 0x00});
  CHECK(aml::interrupt(aml::ResourceUsage::Producer, aml::Trigger::Edge, aml::Polarity::ActiveLow,
                       aml::Sharing::Exclusive, {9})
            .bytes()
            .at(3) == 0x06);
  CHECK(aml::memory32_fixed(aml::Writable::ReadOnly, 0xFED00000, 0x400).bytes() ==
        Bytes{0x86, 0x09, 0x00, 0x00, 0x00, 0x00, 0xD0, 0xFE, 0x00, 0x04, 0x00, 0x00});
  CHECK(aml::word_bus_number(0x00, 0xFF).bytes() == Bytes{0x88, 0x0D, 0x00, 0x02, 0x0C, 0x00, 0x00,
                                                          0x00, 0x00, 0x00, 0xFF, 0x00, 0x00, 0x00,
                                                          0x00, 0x01});
  CHECK(aml::word_io(0x0D00, 0xFFFF).bytes() == Bytes{0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0x00,
                                                      0x00, 0x00, 0x0D, 0xFF, 0xFF, 0x00, 0x00,
                                                      0x00, 0xF3});
  CHECK(aml::dword_memory(aml::Cacheability::Cacheable, 0xA0000, 0xBFFFF).bytes() ==
        Bytes{0x87, 0x17, 0x00, 0x00, 0x0C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0A,
              0x00, 0xFF, 0xFF, 0x0B, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00});
  const Bytes qword =
      aml::qword_memory(aml::Cacheability::NonCacheable, 0x100000000, 0x17FFFFFFF).bytes();
  REQUIRE(qword.size() == 46);
  CHECK(qword.at(0) == 0x8A);
  CHECK(test::le16(qword, 1) == 43);
  CHECK(qword.at(5) == 0x01);
  CHECK(test::le64(qword, 14) == 0x100000000);
  CHECK(test::le64(qword, 22) == 0x17FFFFFFF);
  CHECK(test::le64(qword, 38) == 0x80000000);
  CHECK_THROWS_AS(aml::word_io(0, 0xFFFF), std::invalid_argument);  // 64 KiB overflows a word
  CHECK_THROWS_AS(aml::irq_no_flags({16}), std::invalid_argument);
}

TEST_CASE("resource templates end with a tag whose checksum zeroes the sum") {
  const Bytes tmpl =
      aml::resource_template({aml::io(0x60, 0x60, 1, 1), aml::irq_no_flags({1})}).bytes();
  // BufferOp, PkgLength, BufferSize (ByteConst 13), 8 + 3 descriptor bytes, end tag + checksum.
  REQUIRE(tmpl.size() == 17);
  CHECK(tmpl.at(0) == 0x11);
  CHECK(tmpl.at(1) == 0x10);
  CHECK(tmpl.at(2) == 0x0A);
  CHECK(tmpl.at(3) == 13);
  CHECK(tmpl.at(15) == 0x79);
  const Bytes descriptors(tmpl.begin() + 4, tmpl.end());
  CHECK(test::sum_of(descriptors) == 0);
  CHECK(tmpl.at(16) != 0);

  const Bytes patched =
      aml::resource_template({aml::irq_no_flags({1})}, aml::EndTagChecksum::Zero).bytes();
  CHECK(patched == Bytes{0x11, 0x08, 0x0A, 0x05, 0x22, 0x02, 0x00, 0x79, 0x00});
}

}  // namespace glasspc::firmware

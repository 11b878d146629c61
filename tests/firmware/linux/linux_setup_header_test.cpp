// Tests for firmware/linux_setup_header: reading a bzImage's setup header.
#include "firmware/linux_setup_header.h"

#include <catch2/catch.hpp>

#include "firmware/load_error.h"
#include "tests/firmware/firmware_test_support.h"
#include "tests/firmware/linux/bzimage_builder.h"

namespace glasspc::firmware {

TEST_CASE("linux setup header: fields of a protocol 2.15 bzImage are read", "[linux]") {
  test::FakeBzImage fake;
  fake.setup_sects = 7;
  fake.initrd_addr_max = 0x37FFFFFF;
  fake.cmdline_size = 255;
  fake.pref_address = 0x2000000;
  fake.init_size = 0x1234000;
  const std::vector<u8> image = test::build_bzimage(fake);

  const LinuxSetupHeader header = parse_linux_setup_header(image, "bzImage");
  CHECK(header.version == 0x020F);
  CHECK(header.header_end == 0x26C);
  CHECK(header.setup_size == 8 * 512);
  CHECK(header.kernel_offset == 8 * 512);
  CHECK(header.kernel_size == fake.protected_mode_size);
  CHECK(header.syssize == fake.protected_mode_size / 16 + (fake.protected_mode_size % 16 != 0));
  CHECK(header.loadflags == setup_header::kLoadedHigh);
  CHECK(header.code32_start == 0x100000);
  CHECK(header.initrd_addr_max == 0x37FFFFFF);
  CHECK(header.kernel_alignment == 0x200000);
  CHECK(header.relocatable);
  CHECK(header.min_alignment == 21);
  CHECK(header.xloadflags == 0x0003);
  CHECK(header.cmdline_size == 255);
  CHECK(header.payload_offset == 0x400);
  CHECK(header.pref_address == 0x2000000);
  CHECK(header.init_size == 0x1234000);
  CHECK(header.kernel_info_offset == test::kFakeKernelInfoOffset);
  REQUIRE(header.kernel_info.has_value());
  CHECK(header.kernel_info->size == 16);
  CHECK(header.kernel_info->setup_type_max == test::kFakeSetupTypeMax);
}

TEST_CASE("linux setup header: setup_sects 0 means 4", "[linux]") {
  test::FakeBzImage fake;
  fake.setup_sects = 0;
  const LinuxSetupHeader header = parse_linux_setup_header(test::build_bzimage(fake), "k");
  CHECK(header.setup_size == 5 * 512);
  CHECK(header.kernel_size == fake.protected_mode_size);
}

TEST_CASE("linux setup header: a protocol 2.06 header has no 2.10 fields", "[linux]") {
  test::FakeBzImage fake;
  fake.version = 0x0206;
  const LinuxSetupHeader header = parse_linux_setup_header(test::build_bzimage(fake), "old");
  CHECK(header.header_end == 0x23C);
  CHECK(header.pref_address == 0x100000);  // the LOADED_HIGH address stands in for it
  CHECK(header.init_size == 0);
  CHECK(header.xloadflags == 0);
  CHECK_FALSE(header.kernel_info.has_value());
  // Relocatable: the 1 MiB load address aligned to kernel_alignment (2 MiB).
  CHECK(header.runtime_start(0x100000) == 0x200000);
}

TEST_CASE("linux setup header: runtime start follows pref_address and kernel_alignment",
          "[linux]") {
  test::FakeBzImage fake;
  fake.pref_address = 0x1000000;
  fake.kernel_alignment = 0x200000;
  LinuxSetupHeader header = parse_linux_setup_header(test::build_bzimage(fake), "k");
  CHECK(header.runtime_start(0x100000) == 0x1000000);   // raised to pref_address
  CHECK(header.runtime_start(0x1100000) == 0x1200000);  // aligned up
  CHECK(header.runtime_start(0x2000000) == 0x2000000);  // already aligned, above pref_address

  fake.relocatable = false;
  header = parse_linux_setup_header(test::build_bzimage(fake), "k");
  CHECK(header.runtime_start(0x100000) == 0x1000000);  // fixed: always pref_address
  CHECK(header.runtime_start(0x3000000) == 0x1000000);
}

TEST_CASE("linux setup header: is_bzimage looks for the boot flag and HdrS", "[linux]") {
  std::vector<u8> image = test::build_bzimage({});
  CHECK(is_bzimage(image));
  CHECK_FALSE(is_bzimage(std::vector<u8>(image.begin(), image.begin() + 0x205)));
  std::vector<u8> no_magic = image;
  no_magic[setup_header::kHeaderMagic] = 'X';
  CHECK_FALSE(is_bzimage(no_magic));
  std::vector<u8> no_boot_flag = image;
  no_boot_flag[setup_header::kBootFlag] = 0;
  CHECK_FALSE(is_bzimage(no_boot_flag));
  CHECK_FALSE(is_bzimage(test::pattern(0x10000, 3)));
  CHECK_FALSE(is_bzimage(std::vector<u8>{}));
}

TEST_CASE("linux setup header: a kernel_info offset outside the kernel is rejected", "[linux]") {
  test::FakeBzImage fake;
  std::vector<u8> image = test::build_bzimage(fake);
  test::put_le32(image, setup_header::kKernelInfoOffset, fake.protected_mode_size - 8);
  CHECK_THROWS_WITH(parse_linux_setup_header(image, "k"),
                    Catch::Contains("kernel 'k': kernel_info_offset") &&
                        Catch::Contains("does not point at a kernel_info"));
}

TEST_CASE("linux setup header: a payload outside the kernel is rejected", "[linux]") {
  test::FakeBzImage fake;
  std::vector<u8> image = test::build_bzimage(fake);
  test::put_le32(image, setup_header::kPayloadLength, fake.protected_mode_size);
  CHECK_THROWS_WITH(parse_linux_setup_header(image, "k"),
                    Catch::Contains("compressed payload") && Catch::Contains("lies outside"));
}

}  // namespace glasspc::firmware

// Tests for firmware/linux_boot: bad input gives one LoadError line and leaves the guest alone.
#include <algorithm>
#include <catch2/catch.hpp>

#include "firmware/linux_boot.h"
#include "firmware/load_error.h"
#include "tests/firmware/firmware_test_support.h"
#include "tests/firmware/linux/bzimage_builder.h"

namespace glasspc::firmware {

namespace {

constexpr u64 kGuestRam = 64 * kMiB;

LinuxBootRequest request_for(const test::GuestMemory& guest, std::vector<u8> kernel) {
  LinuxBootRequest request;
  request.kernel_path = "/boot/vmlinuz";
  request.kernel = std::move(kernel);
  request.cmdline = "console=ttyS0";
  request.layout = guest.layout();
  return request;
}

// The LoadError's message, which must be exactly one line.
std::string load_error(test::GuestMemory& guest, const LinuxBootRequest& request) {
  try {
    load_linux(guest.memory(), request);
  } catch (const LoadError& error) {
    const std::string message = error.what();
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
  FAIL("load_linux accepted the request");
  return {};
}

bool guest_untouched(test::GuestMemory& guest) {
  const u8* ram = guest.memory().ram();
  return std::all_of(ram, ram + guest.memory().ram_size(), [](u8 byte) { return byte == 0xCC; });
}

}  // namespace

TEST_CASE("linux boot errors: a file that is not a bzImage", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  CHECK(load_error(guest, request_for(guest, test::pattern(0x4000, 1))) ==
        "kernel '/boot/vmlinuz': not a bzImage: no Linux setup header (boot flag 0xAA55 at 0x1FE "
        "and \"HdrS\" at 0x202)");
  CHECK(load_error(guest, request_for(guest, std::vector<u8>(100, 0))) ==
        "kernel '/boot/vmlinuz': not a bzImage: the file is only 100 bytes");
  CHECK(guest_untouched(guest));
}

TEST_CASE("linux boot errors: a boot protocol older than 2.06", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  test::FakeBzImage fake;
  fake.version = 0x0205;
  CHECK(load_error(guest, request_for(guest, test::build_bzimage(fake))) ==
        "kernel '/boot/vmlinuz': Linux boot protocol 2.05 is too old: glasspc needs 2.06 or "
        "later (Linux 2.6.22+)");
  CHECK(guest_untouched(guest));
}

TEST_CASE("linux boot errors: a zImage without LOADED_HIGH", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  test::FakeBzImage fake;
  fake.loadflags = 0;
  CHECK_THAT(
      load_error(guest, request_for(guest, test::build_bzimage(fake))),
      Catch::StartsWith("kernel '/boot/vmlinuz': is a zImage (loadflags LOADED_HIGH clear)"));
  CHECK(guest_untouched(guest));
}

TEST_CASE("linux boot errors: truncated and malformed images", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  test::FakeBzImage fake;

  SECTION("syssize announces more kernel than the file holds") {
    fake.syssize = fake.protected_mode_size / 16 + 2;
    CHECK_THAT(load_error(guest, request_for(guest, test::build_bzimage(fake))),
               Catch::Contains("truncated: the header announces"));
  }
  SECTION("the setup code is all there is") {
    std::vector<u8> image = test::build_bzimage(fake);
    image.resize(5 * 512);
    CHECK_THAT(load_error(guest, request_for(guest, image)),
               Catch::Contains("leave no protected-mode kernel in the 2560-byte file"));
  }
  SECTION("the header ends before its version's fields") {
    fake.header_end = 0x250;  // a 2.15 header must reach 0x26C
    CHECK_THAT(load_error(guest, request_for(guest, test::build_bzimage(fake))),
               Catch::Contains("malformed setup header: it ends at 0x250"));
  }
  SECTION("the header claims to run past the zero page's header area") {
    fake.header_end = 0x2A0;
    CHECK_THAT(load_error(guest, request_for(guest, test::build_bzimage(fake))),
               Catch::Contains("malformed setup header: it ends at 0x2a0"));
  }
  SECTION("a relocatable kernel with an alignment that is not a power of two") {
    fake.kernel_alignment = 0x300000;
    CHECK_THAT(load_error(guest, request_for(guest, test::build_bzimage(fake))),
               Catch::Contains("kernel_alignment 0x300000"));
  }
  CHECK(guest_untouched(guest));
}

TEST_CASE("linux boot errors: RAM too small for the kernel's init_size", "[linux]") {
  // The fake kernel runs at 16 MiB and needs 8 MiB: 24 MiB of RAM is the least that works.
  test::GuestMemory guest(20 * kMiB);
  CHECK(load_error(guest, request_for(guest, test::build_bzimage({}))) ==
        "kernel '/boot/vmlinuz': needs RAM up to 0x1800000 (8.0 MiB from 0x1000000, init_size) "
        "but RAM below 4 GiB ends at 0x1400000; give the machine more memory with -m");
  CHECK(guest_untouched(guest));

  test::GuestMemory enough(24 * kMiB);
  CHECK_NOTHROW(load_linux(enough.memory(), request_for(enough, test::build_bzimage({}))));
}

TEST_CASE("linux boot errors: an initrd that does not fit", "[linux]") {
  test::GuestMemory guest(32 * kMiB);
  LinuxBootRequest request = request_for(guest, test::build_bzimage({}));
  request.initrd_path = "big.cpio.gz";
  // 8 MiB are free above the kernel's runtime area (24 MiB .. 32 MiB): one byte more fails.
  request.initrd = std::vector<u8>(8 * kMiB + 1, 0x5A);
  CHECK(load_error(guest, request) ==
        "initrd 'big.cpio.gz': 8388609 bytes (8.0 MiB) do not fit in RAM between the kernel's end "
        "0x1800000 and 0x2000000 (initrd_addr_max 0x7fffffff); give the machine more memory "
        "with -m");
  CHECK(guest_untouched(guest));

  request.initrd->resize(8 * kMiB);
  CHECK(plan_linux_boot(request).initrd_address == 0x1800000);
}

TEST_CASE("linux boot errors: an initrd above initrd_addr_max is refused", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  test::FakeBzImage fake;
  fake.initrd_addr_max = 0x17FFFFF;  // below the kernel's runtime end (24 MiB): no room at all
  LinuxBootRequest request = request_for(guest, test::build_bzimage(fake));
  request.initrd_path = "initrd";
  request.initrd = std::vector<u8>(4096, 1);
  CHECK_THAT(load_error(guest, request), Catch::StartsWith("initrd 'initrd': 4096 bytes"));
  CHECK(guest_untouched(guest));
}

TEST_CASE("linux boot errors: a command line longer than cmdline_size", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  test::FakeBzImage fake;
  fake.cmdline_size = 16;
  LinuxBootRequest request = request_for(guest, test::build_bzimage(fake));
  request.cmdline = std::string(17, 'x');
  CHECK(load_error(guest, request) ==
        "kernel '/boot/vmlinuz': the command line is 17 bytes, the kernel accepts at most 16 "
        "(cmdline_size)");
  request.cmdline = std::string(16, 'x');
  CHECK_NOTHROW(plan_linux_boot(request));
  request.cmdline = std::string("a\0b", 3);
  CHECK_THAT(load_error(guest, request), Catch::Contains("contains a NUL character"));
  CHECK(guest_untouched(guest));
}

}  // namespace glasspc::firmware

// Tests for firmware/linux_boot: a synthetic bzImage, initrd and command line loaded into guest
// memory, checked byte by byte where the kernel will look for them.
#include "firmware/linux_boot.h"

#include <catch2/catch.hpp>

#include "firmware/boot_params.h"
#include "tests/firmware/firmware_test_support.h"
#include "tests/firmware/linux/bzimage_builder.h"

namespace glasspc::firmware {

namespace {

namespace hdr = setup_header;
namespace bp = boot_params;

constexpr u64 kGuestRam = 64 * kMiB;
constexpr u64 kRsdp = 0xF5A30;

LinuxBootRequest request_for(const test::GuestMemory& guest, std::vector<u8> kernel) {
  LinuxBootRequest request;
  request.kernel_path = "bzImage";
  request.kernel = std::move(kernel);
  request.cmdline = "console=ttyS0 root=/dev/ram0 quiet";
  request.layout = guest.layout();
  request.acpi_rsdp = kRsdp;
  return request;
}

u16 read16(test::GuestMemory& guest, u64 gpa) {
  return static_cast<u16>(guest.memory().read(gpa, 2));
}
u8 read8(test::GuestMemory& guest, u64 gpa) {
  return static_cast<u8>(guest.memory().read(gpa, 1));
}

}  // namespace

TEST_CASE("linux boot: the protected-mode kernel is copied to 1 MiB", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  const test::FakeBzImage fake;
  const std::vector<u8> image = test::build_bzimage(fake);
  load_linux(guest.memory(), request_for(guest, image));
  const std::vector<u8> expected = test::protected_mode_part(image, fake);
  CHECK(test::difference(guest.bytes(kLinuxKernelAddress, expected.size()), expected) == "");
  // Nothing past the image: the decompressor clears its own bss.
  CHECK(read8(guest, kLinuxKernelAddress + expected.size()) == 0xCC);
}

TEST_CASE("linux boot: the zero page holds the image's header and the loader's fields", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  const std::vector<u8> image = test::build_bzimage({});
  LinuxBootRequest request = request_for(guest, image);
  request.initrd_path = "initrd.gz";
  request.initrd = test::pattern(0x3456, 9);
  load_linux(guest.memory(), request);
  const u64 zp = kLinuxZeroPageAddress;

  // The header as the image had it.
  CHECK(read16(guest, zp + hdr::kBootFlag) == 0xAA55);
  CHECK(guest.read32(zp + hdr::kHeaderMagic) == hdr::kMagic);
  CHECK(read16(guest, zp + hdr::kVersion) == 0x020F);
  CHECK(read16(guest, zp + 0x1FC) == test::kFakeRootDev);
  CHECK(read16(guest, zp + 0x20E) == test::kFakeKernelVersionPointer);
  CHECK(guest.read32(zp + hdr::kInitrdAddrMax) == 0x7FFFFFFF);
  CHECK(guest.read32(zp + hdr::kInitSize) == 0x800000);
  // Only the header: the setup code after it (0x90 filler) is not copied.
  for (u64 offset = 0x26C; offset < 0x290; ++offset) CHECK(read8(guest, zp + offset) == 0);

  // The loader's fields.
  CHECK(read8(guest, zp + hdr::kTypeOfLoader) == 0xFF);
  CHECK(read8(guest, zp + hdr::kLoadflags) == (hdr::kLoadedHigh | hdr::kCanUseHeap));
  CHECK(read16(guest, zp + hdr::kHeapEndPtr) == 0xDE00);
  CHECK(guest.read32(zp + hdr::kCode32Start) == 0x100000);
  CHECK(guest.read32(zp + hdr::kCmdLinePtr) == kLinuxCmdlineAddress);
  CHECK(guest.read32(zp + bp::kExtCmdLinePtr) == 0);
  CHECK(guest.c_string(kLinuxCmdlineAddress) == "console=ttyS0 root=/dev/ram0 quiet");
  CHECK(guest.read64(zp + bp::kAcpiRsdpAddr) == kRsdp);
  CHECK(guest.read32(zp + bp::kAltMemK) == (kGuestRam - kMiB) / kKiB);
  CHECK(read8(guest, zp + bp::kSentinel) == 0);
  // Zeroed, not left as the RAM was: screen_info ("no video") and fields the loader skips.
  for (u64 offset = 0; offset < bp::kScreenInfoSize; ++offset)
    CHECK(read8(guest, zp + offset) == 0);
  CHECK(read8(guest, zp + 0x1E9) == 0);  // eddbuf_entries
  CHECK(guest.read64(zp + 0xD00) == 0);  // eddbuf
}

TEST_CASE("linux boot: the zero page's E820 table is the PC memory map", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  load_linux(guest.memory(), request_for(guest, test::build_bzimage({})));
  const std::vector<E820Entry> expected = pc_e820_map(guest.layout());
  const u64 zp = kLinuxZeroPageAddress;
  REQUIRE(read8(guest, zp + bp::kE820Entries) == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const u64 at = zp + bp::kE820Table + i * bp::kE820EntrySize;
    CHECK(guest.read64(at) == expected[i].address);
    CHECK(guest.read64(at + 8) == expected[i].length);
    CHECK(guest.read32(at + 16) == static_cast<u32>(expected[i].type));
  }
  // The slot after the last entry is zero.
  CHECK(guest.read64(zp + bp::kE820Table + expected.size() * bp::kE820EntrySize) == 0);
}

TEST_CASE("linux boot: the initrd goes as high as RAM allows, page aligned", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  LinuxBootRequest request = request_for(guest, test::build_bzimage({}));
  request.initrd = test::pattern(0x12345, 4);
  load_linux(guest.memory(), request);
  const u64 zp = kLinuxZeroPageAddress;
  const u64 address = guest.read32(zp + hdr::kRamdiskImage);
  CHECK(address == ((kGuestRam - 0x12345) & ~kPageMask));
  CHECK(guest.read32(zp + hdr::kRamdiskSize) == 0x12345);
  CHECK(guest.read32(zp + bp::kExtRamdiskImage) == 0);
  CHECK(guest.read32(zp + bp::kExtRamdiskSize) == 0);
  CHECK(test::difference(guest.bytes(address, 0x12345), *request.initrd) == "");
}

TEST_CASE("linux boot: the initrd stays below initrd_addr_max", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  test::FakeBzImage fake;
  fake.initrd_addr_max = 0x2FFFFFF;  // last byte the initrd may occupy: 48 MiB - 1
  LinuxBootRequest request = request_for(guest, test::build_bzimage(fake));
  request.initrd = test::pattern(0x1801, 5);
  const LinuxBootPlan plan = plan_linux_boot(request);
  CHECK(plan.initrd_address == 0x2FFE000);
  CHECK(plan.initrd_address % kPageSize == 0);
  CHECK(plan.initrd_address + plan.initrd_size - 1 <= fake.initrd_addr_max);
  // Exactly at the limit: a page-sized initrd ends at the last allowed byte.
  request.initrd = test::pattern(0x1000, 5);
  CHECK(plan_linux_boot(request).initrd_address == 0x2FFF000);
}

TEST_CASE("linux boot: the initrd respects reserved ranges of the memory map", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  LinuxBootRequest request = request_for(guest, test::build_bzimage({}));
  // The board keeps its tables in the last 1 MiB of RAM, reserved in the map.
  request.memory_map = {
      {0, kEbdaStart, E820Type::Ram},
      {kEbdaStart, kVgaStart - kEbdaStart, E820Type::Reserved},
      {kBiosAreaStart, kExtendedMemoryStart - kBiosAreaStart, E820Type::Reserved},
      {kExtendedMemoryStart, kGuestRam - 2 * kMiB, E820Type::Ram},
      {kGuestRam - kMiB, kMiB, E820Type::Reserved},
  };
  request.initrd = test::pattern(0x5000, 6);
  load_linux(guest.memory(), request);
  const u64 zp = kLinuxZeroPageAddress;
  CHECK(guest.read32(zp + hdr::kRamdiskImage) == kGuestRam - kMiB - 0x5000);
  REQUIRE(read8(guest, zp + bp::kE820Entries) == 5);
  const u64 last = zp + bp::kE820Table + 4 * bp::kE820EntrySize;
  CHECK(guest.read64(last) == kGuestRam - kMiB);
  CHECK(guest.read32(last + 16) == static_cast<u32>(E820Type::Reserved));
  // The reserved range was not written.
  CHECK(read8(guest, kGuestRam - kMiB) == 0xCC);
}

TEST_CASE("linux boot: without an initrd the ramdisk fields are zero", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  LinuxBootRequest request = request_for(guest, test::build_bzimage({}));
  request.cmdline.clear();
  request.acpi_rsdp = 0;
  load_linux(guest.memory(), request);
  const u64 zp = kLinuxZeroPageAddress;
  CHECK(guest.read32(zp + hdr::kRamdiskImage) == 0);
  CHECK(guest.read32(zp + hdr::kRamdiskSize) == 0);
  CHECK(guest.read64(zp + bp::kAcpiRsdpAddr) == 0);
  CHECK(guest.c_string(kLinuxCmdlineAddress).empty());
  CHECK(guest.read32(zp + hdr::kCmdLinePtr) == kLinuxCmdlineAddress);
}

TEST_CASE("linux boot: the GDT has flat 32-bit code at 0x10 and data at 0x18", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  const CpuBootState state =
      load_linux(guest.memory(), request_for(guest, test::build_bzimage({})));
  REQUIRE(state.gdt_base == kLinuxGdtAddress);
  REQUIRE(state.gdt_limit == 4 * 8 - 1);
  CHECK(guest.read64(state.gdt_base) == 0);  // the null descriptor

  struct Descriptor {
    u64 base;
    u64 limit;
    u8 access;
    u8 flags;
  };
  const auto decode = [&](u16 selector) {
    const u64 raw = guest.read64(state.gdt_base + selector);
    return Descriptor{((raw >> 16) & 0xFFFFFF) | ((raw >> 32) & 0xFF000000),
                      (raw & 0xFFFF) | ((raw >> 32) & 0xF0000), static_cast<u8>(raw >> 40),
                      static_cast<u8>((raw >> 52) & 0xF)};
  };
  const Descriptor code = decode(kLinuxBootCodeSelector);
  const Descriptor data = decode(kLinuxBootDataSelector);
  for (const Descriptor& d : {code, data}) {
    CHECK(d.base == 0);
    CHECK(d.limit == 0xFFFFF);
    CHECK(d.flags == 0xC);          // G = 1 (4 KiB units: 4 GiB), D/B = 1 (32-bit)
    CHECK((d.access & 0x80) != 0);  // present
    CHECK((d.access & 0x60) == 0);  // DPL 0
    CHECK((d.access & 0x10) != 0);  // code/data, not system
  }
  CHECK((code.access & 0x0A) == 0x0A);  // executable, readable
  CHECK((data.access & 0x0A) == 0x02);  // data, writable
}

TEST_CASE("linux boot: the CPU starts in the 32-bit boot protocol's state", "[linux]") {
  test::GuestMemory guest(kGuestRam);
  const CpuBootState state =
      load_linux(guest.memory(), request_for(guest, test::build_bzimage({})));
  CHECK(state.mode == CpuBootState::Mode::Protected32Flat);
  CHECK(state.cs_selector == 0x10);
  CHECK(state.rip == 0x100000);
  CHECK(state.rsi == kLinuxZeroPageAddress);
  CHECK(state.rbx == 0);
  CHECK(state.rdi == 0);
  CHECK(state.rbp == 0);
}

TEST_CASE("linux boot: the plan puts the initrd above the kernel's runtime area", "[linux]") {
  // 26 MiB: the kernel runs at 16 MiB and needs 8 MiB, leaving 2 MiB above it.
  test::GuestMemory guest(26 * kMiB);
  LinuxBootRequest request = request_for(guest, test::build_bzimage({}));
  request.initrd = test::pattern(0x100000, 2);
  const LinuxBootPlan plan = plan_linux_boot(request);
  CHECK(plan.runtime_start == 0x1000000);
  CHECK(plan.runtime_end == 0x1800000);
  CHECK(plan.initrd_address == 26 * kMiB - 0x100000);
  CHECK(plan.initrd_address >= plan.runtime_end);
}

TEST_CASE("linux boot: a protocol 2.06 kernel loads and needs only its image's RAM", "[linux]") {
  test::GuestMemory guest(4 * kMiB);
  test::FakeBzImage fake;
  fake.version = 0x0206;
  const std::vector<u8> image = test::build_bzimage(fake);
  LinuxBootRequest request = request_for(guest, image);
  request.initrd = test::pattern(0x2000, 8);
  const LinuxBootPlan plan = plan_linux_boot(request);
  CHECK(plan.runtime_start == 0x200000);
  CHECK(plan.runtime_end == 0x200000 + fake.protected_mode_size);
  CHECK(plan.initrd_address == 4 * kMiB - 0x2000);
  load_linux(guest.memory(), request);
  // The old header is copied as far as it goes; the 2.10+ fields stay zero.
  CHECK(guest.read32(kLinuxZeroPageAddress + hdr::kInitSize) == 0);
  CHECK(read16(guest, kLinuxZeroPageAddress + hdr::kVersion) == 0x0206);
}

}  // namespace glasspc::firmware

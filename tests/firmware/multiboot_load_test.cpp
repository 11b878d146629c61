// Tests for firmware/multiboot: kernels, modules and the boot information in guest memory.
#include <catch2/catch.hpp>

#include "firmware/multiboot.h"
#include "firmware/multiboot_info.h"
#include "tests/firmware/firmware_test_support.h"

namespace glasspc::firmware {

namespace {

constexpr u64 kGuestRam = 64 * kMiB;
constexpr u32 kExpectedInfoFlags = 0x24F;  // MEM, BOOTDEV, CMDLINE, MODS, MMAP, LOADER_NAME

// Two PT_LOAD segments: text at 1 MiB, and data at 1 MiB + 16 KiB with 0x2E00 bytes of bss.
test::ElfKernel two_segment_kernel() {
  test::ElfKernel kernel;
  kernel.entry = 0x100010;
  kernel.segments.push_back({0x100000, test::pattern(0x1800, 1), 0x1800});
  kernel.segments.push_back({0x104000, test::pattern(0x200, 2), 0x3000});
  return kernel;
}

MultibootRequest request_for(const std::string& path, std::vector<u8> image,
                             const test::GuestMemory& guest) {
  MultibootRequest request;
  request.kernel_path = path;
  request.kernel = std::move(image);
  request.layout = guest.layout();
  return request;
}

}  // namespace

TEST_CASE("load_multiboot loads ELF32 segments by physical address and zeroes bss") {
  test::GuestMemory guest(kGuestRam);
  const test::ElfKernel kernel = two_segment_kernel();
  const test::BuiltElf built = test::build_elf32_kernel(kernel);
  const CpuBootState state =
      load_multiboot(guest.memory(), request_for("kernel.elf", built.image, guest));

  CHECK(test::difference(guest.bytes(0x100000, 0x1800), kernel.segments[0].data) == "");
  CHECK(test::difference(guest.bytes(0x104000, 0x200), kernel.segments[1].data) == "");
  CHECK(test::difference(guest.bytes(0x104200, 0x2E00), std::vector<u8>(0x2E00, 0)) == "");
  // Untouched: the gap between the segments and the byte below the kernel.
  CHECK(test::difference(guest.bytes(0x101800, 0x2800), std::vector<u8>(0x2800, 0xCC)) == "");
  CHECK(test::difference(guest.bytes(0xFFFFF, 1), std::vector<u8>{0xCC}) == "");

  CHECK(state.mode == CpuBootState::Mode::Protected32Flat);
  CHECK(state.cs_selector == 0x10);
  CHECK(state.rip == 0x100010);
  CHECK(state.rax == 0x2BADB002);
  CHECK(state.rbx == 0x107000);  // first page after the kernel: no modules
  CHECK(state.rcx == 0);
  CHECK(state.rsp == 0);
}

TEST_CASE("load_multiboot fills in the multiboot information structure") {
  test::GuestMemory guest(kGuestRam);
  MultibootRequest request =
      request_for("/boot/kernel.elf", test::build_elf32_kernel(two_segment_kernel()).image, guest);
  request.cmdline = "console=ttyS0 debug";
  const u64 info = load_multiboot(guest.memory(), request).rbx;

  CHECK(guest.read32(info + kInfoFlagsOffset) == kExpectedInfoFlags);
  CHECK(guest.read32(info + kInfoMemLowerOffset) == 639);
  CHECK(guest.read32(info + kInfoMemUpperOffset) == (kGuestRam - kMiB) / kKiB);
  CHECK(guest.read32(info + kInfoBootDeviceOffset) == 0x8000FFFF);
  CHECK(guest.c_string(guest.read32(info + kInfoCmdlineOffset)) ==
        "/boot/kernel.elf console=ttyS0 debug");
  CHECK(guest.c_string(guest.read32(info + kInfoBootLoaderNameOffset)) == "glasspc");
  CHECK(guest.read32(info + kInfoModsCountOffset) == 0);
  // Fields for features not offered stay zero (a.out/ELF symbols, drives, config, APM, VBE).
  for (u32 offset = 28; offset < 44; offset += 4) CHECK(guest.read32(info + offset) == 0);
  for (u32 offset = 52; offset < 64; offset += 4) CHECK(guest.read32(info + offset) == 0);
  for (u32 offset = 68; offset < kInfoSize; offset += 4) CHECK(guest.read32(info + offset) == 0);

  // The memory map is pc_e820_map, one 24-byte entry (size = 20) each.
  const std::vector<E820Entry> expected = pc_e820_map(guest.layout());
  const u32 mmap_length = guest.read32(info + kInfoMmapLengthOffset);
  const u32 mmap = guest.read32(info + kInfoMmapAddrOffset);
  REQUIRE(mmap_length == expected.size() * 24);
  std::vector<E820Entry> seen;
  for (u32 at = mmap; at < mmap + mmap_length; at += guest.read32(at) + 4) {
    CHECK(guest.read32(at) == 20);
    seen.push_back(E820Entry{guest.read64(at + 4), guest.read64(at + 12),
                             static_cast<E820Type>(guest.read32(at + 20))});
  }
  CHECK(seen == expected);
  // Everything the structure points to lies past the kernel, in RAM.
  CHECK(mmap > info);
  CHECK(mmap + mmap_length <= kGuestRam);
}

TEST_CASE("load_multiboot passes the kernel path and a space even without -append") {
  test::GuestMemory guest(kGuestRam);
  const MultibootRequest request =
      request_for("k.elf", test::build_elf32_kernel(two_segment_kernel()).image, guest);
  const u64 info = load_multiboot(guest.memory(), request).rbx;
  CHECK(guest.c_string(guest.read32(info + kInfoCmdlineOffset)) == "k.elf ");
}

TEST_CASE("load_multiboot places modules page-aligned after the kernel") {
  test::GuestMemory guest(kGuestRam);
  test::ScratchDirectory directory("modules");
  const std::vector<u8> first = test::pattern(5000, 7);
  const std::vector<u8> second = test::pattern(16, 8);
  const std::string first_path = directory.write("first.bin", first);
  const std::string second_path = directory.write("second,odd.bin", second);

  MultibootRequest request =
      request_for("kernel.elf", test::build_elf32_kernel(two_segment_kernel()).image, guest);
  request.modules = parse_multiboot_modules(first_path + " root=/dev/ram0," +
                                            directory.path().string() + "/second,,odd.bin");
  REQUIRE(request.modules.size() == 2);
  CHECK(request.modules[1].path == second_path);
  const u64 info = load_multiboot(guest.memory(), request).rbx;

  CHECK(guest.read32(info + kInfoModsCountOffset) == 2);
  const u32 mods = guest.read32(info + kInfoModsAddrOffset);
  // Kernel ends at 0x107000; 5000 bytes end at 0x108388, so the second module starts a page on.
  CHECK(guest.read32(mods + 0) == 0x107000);
  CHECK(guest.read32(mods + 4) == 0x107000 + 5000);
  CHECK(guest.read32(mods + 16) == 0x109000);
  CHECK(guest.read32(mods + 20) == 0x109010);
  CHECK(guest.read32(mods + 12) == 0);  // reserved
  CHECK(test::difference(guest.bytes(0x107000, first.size()), first) == "");
  CHECK(test::difference(guest.bytes(0x109000, second.size()), second) == "");
  // Each module's string is its whole item, file name first (QEMU's convention).
  CHECK(guest.c_string(guest.read32(mods + 8)) == first_path + " root=/dev/ram0");
  CHECK(guest.c_string(guest.read32(mods + 24)) == second_path);
  // The information follows on the next page.
  CHECK(info == 0x10A000);
}

TEST_CASE("load_multiboot honours the address fields of an a.out kludge kernel") {
  test::GuestMemory guest(kGuestRam);
  test::AoutKernel kernel;
  kernel.load_addr = 0x200000;
  kernel.text = test::pattern(0x3000, 5);
  kernel.header_offset = 0x40;
  kernel.bss_size = 0x5000;
  kernel.entry = 0x200100;
  const std::vector<u8> image = test::build_aout_kernel(kernel);
  const CpuBootState state = load_multiboot(guest.memory(), request_for("aout.bin", image, guest));

  CHECK(test::difference(guest.bytes(0x200000, image.size()), image) ==
        "");  // the header is loaded with the text
  CHECK(test::difference(guest.bytes(0x203000, 0x5000), std::vector<u8>(0x5000, 0)) == "");
  CHECK(test::difference(guest.bytes(0x1FFFFF, 1), std::vector<u8>{0xCC}) == "");
  CHECK(state.rip == 0x200100);
  CHECK(state.rax == 0x2BADB002);
  CHECK(state.rbx == 0x208000);
  CHECK(guest.read32(0x208000 + kInfoFlagsOffset) == kExpectedInfoFlags);
}

TEST_CASE("load_multiboot loads an address-field kernel from inside the file to its end") {
  // 0x60 bytes of something else precede the text; load_end_addr 0 means "to the end".
  test::GuestMemory guest(kGuestRam);
  std::vector<u8> image = test::pattern(0x1000, 6);
  test::MultibootHeaderFields fields;
  fields.flags = 0x00010002;
  fields.load_addr = 0x300000;
  fields.header_addr = 0x300020;  // the header is 0x20 bytes into the text: file offset 0x80
  fields.entry_addr = 0x300000;
  const std::vector<u8> header = test::multiboot_header_bytes(fields);
  std::copy(header.begin(), header.end(), image.begin() + 0x80);
  load_multiboot(guest.memory(), request_for("skip.bin", image, guest));
  CHECK(test::difference(guest.bytes(0x300000, 0x1000 - 0x60),
                         std::vector<u8>(image.begin() + 0x60, image.end())) == "");
  CHECK(test::difference(guest.bytes(0x300000 + 0x1000 - 0x60, 1), std::vector<u8>{0xCC}) == "");
}

TEST_CASE("load_multiboot puts the data of a kernel in low memory above 1 MiB") {
  test::GuestMemory guest(kGuestRam);
  test::ElfKernel kernel;
  kernel.entry = 0x8000;
  kernel.segments.push_back({0x8000, test::pattern(0x1000, 3), 0x1000});
  const CpuBootState state = load_multiboot(
      guest.memory(), request_for("low.elf", test::build_elf32_kernel(kernel).image, guest));
  CHECK(test::difference(guest.bytes(0x8000, 0x1000), kernel.segments[0].data) == "");
  CHECK(state.rbx == 0x100000);
}

TEST_CASE("load_multiboot accepts a video mode request without honouring it") {
  test::GuestMemory guest(kGuestRam);
  test::ElfKernel kernel = two_segment_kernel();
  kernel.header_flags = 0x00000007;
  const u64 info =
      load_multiboot(guest.memory(),
                     request_for("vbe.elf", test::build_elf32_kernel(kernel).image, guest))
          .rbx;
  CHECK((guest.read32(info + kInfoFlagsOffset) & (1u << 11)) == 0);  // no VBE information
}

TEST_CASE("is_multiboot_image finds only valid headers in the first 8192 bytes") {
  CHECK(is_multiboot_image(test::build_elf32_kernel(two_segment_kernel()).image));
  CHECK(is_multiboot_image(test::build_aout_kernel(
      test::AoutKernel{0x100000, test::pattern(0x100, 1), 0x20, 0, 0x100000})));
  CHECK_FALSE(is_multiboot_image(test::pattern(0x4000, 2)));
  CHECK_FALSE(is_multiboot_image({}));

  // A header must start on a 32-bit boundary and end within the first 8192 bytes.
  const std::vector<u8> header = test::multiboot_header_bytes(test::MultibootHeaderFields{});
  std::vector<u8> image(0x3000, 0);
  std::copy(header.begin(), header.end(), image.begin() + 8192 - 12);
  CHECK(is_multiboot_image(image));
  image.assign(0x3000, 0);
  std::copy(header.begin(), header.end(), image.begin() + 8192 - 8);
  CHECK_FALSE(is_multiboot_image(image));
  image.assign(0x3000, 0);
  std::copy(header.begin(), header.end(), image.begin() + 0x102);
  CHECK_FALSE(is_multiboot_image(image));
  // A wrong checksum is not a header.
  image.assign(0x3000, 0);
  std::copy(header.begin(), header.end(), image.begin() + 0x100);
  image[0x108] ^= 1;
  CHECK_FALSE(is_multiboot_image(image));
}

TEST_CASE("parse_multiboot_modules splits QEMU -initrd items and unescapes commas") {
  CHECK(parse_multiboot_modules("").empty());

  const std::vector<MultibootModuleSpec> one = parse_multiboot_modules("initrd.img");
  REQUIRE(one.size() == 1);
  CHECK(one[0].path == "initrd.img");
  CHECK(one[0].cmdline == "initrd.img");

  const std::vector<MultibootModuleSpec> many =
      parse_multiboot_modules("mod1 arg1 arg2,dir,,x/mod2 a=1,,2,mod3,a,,,b");
  REQUIRE(many.size() == 5);
  CHECK(many[0].path == "mod1");
  CHECK(many[0].cmdline == "mod1 arg1 arg2");
  CHECK(many[1].path == "dir,x/mod2");
  CHECK(many[1].cmdline == "dir,x/mod2 a=1,2");
  CHECK(many[2].path == "mod3");
  CHECK(many[3].path == "a,");  // ",," then the separating ","
  CHECK(many[4].path == "b");
}

TEST_CASE("parse_multiboot_modules rejects an item without a file name") {
  CHECK_THROWS_WITH(parse_multiboot_modules("a.bin,"),
                    "initrd 'a.bin,': module 2 has no file name");
  CHECK_THROWS_WITH(parse_multiboot_modules("a.bin, b.bin"),
                    "initrd 'a.bin, b.bin': module 2 has no file name");
  CHECK_THROWS_WITH(parse_multiboot_modules(","), "initrd ',': module 1 has no file name");
}

}  // namespace glasspc::firmware

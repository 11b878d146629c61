// Tests for firmware/boot_params: the zero page built from a header and the loader's choices.
#include "firmware/boot_params.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "firmware/linux_setup_header.h"
#include "firmware/little_endian.h"
#include "tests/firmware/linux/bzimage_builder.h"

namespace glasspc::firmware {

namespace {

namespace hdr = setup_header;
namespace bp = boot_params;

u64 le64(std::span<const u8> bytes, std::size_t offset) {
  return u64{load_le32(bytes, offset)} | (u64{load_le32(bytes, offset + 4)} << 32);
}

}  // namespace

TEST_CASE("boot params: a memory map with RAM above 4 GiB is copied whole", "[linux]") {
  const std::vector<u8> image = test::build_bzimage({});
  const PcMemoryLayout layout = pc_memory_layout(6 * kGiB);
  BootParamsContent content;
  content.setup_header = std::span<const u8>(image).subspan(hdr::kStart, 0x26C - hdr::kStart);
  content.memory_map = pc_e820_map(layout);
  REQUIRE(content.memory_map.size() == 6);
  const auto page = build_boot_params(content);

  CHECK(page[bp::kE820Entries] == 6);
  for (std::size_t i = 0; i < content.memory_map.size(); ++i) {
    const std::size_t at = bp::kE820Table + i * bp::kE820EntrySize;
    CHECK(le64(page, at) == content.memory_map[i].address);
    CHECK(le64(page, at + 8) == content.memory_map[i].length);
    CHECK(load_le32(page, at + 16) == static_cast<u32>(content.memory_map[i].type));
  }
  CHECK(le64(page, bp::kE820Table + 5 * bp::kE820EntrySize) == k4GiB);
  CHECK(le64(page, bp::kE820Table + 5 * bp::kE820EntrySize + 8) == 3 * kGiB);
  // alt_mem_k counts the RAM from 1 MiB up to the PCI hole.
  CHECK(load_le32(page, bp::kAltMemK) == (3 * kGiB - kMiB) / kKiB);
}

TEST_CASE("boot params: pointers above 4 GiB use the ext_ high halves", "[linux]") {
  const std::vector<u8> image = test::build_bzimage({});
  BootParamsContent content;
  content.setup_header = std::span<const u8>(image).subspan(hdr::kStart, 0x26C - hdr::kStart);
  content.cmd_line_ptr = 0x1'2345'6000;
  content.ramdisk_image = 0x2'0000'1000;
  content.ramdisk_size = 0x1'0000'0001;
  content.acpi_rsdp_addr = 0x1'0000'0040;
  const auto page = build_boot_params(content);
  CHECK(load_le32(page, hdr::kCmdLinePtr) == 0x23456000);
  CHECK(load_le32(page, bp::kExtCmdLinePtr) == 1);
  CHECK(load_le32(page, hdr::kRamdiskImage) == 0x00001000);
  CHECK(load_le32(page, bp::kExtRamdiskImage) == 2);
  CHECK(load_le32(page, hdr::kRamdiskSize) == 1);
  CHECK(load_le32(page, bp::kExtRamdiskSize) == 1);
  CHECK(le64(page, bp::kAcpiRsdpAddr) == 0x1'0000'0040);
}

TEST_CASE("boot params: loader-owned pointers in the image are cleared", "[linux]") {
  std::vector<u8> image = test::build_bzimage({});
  // A damaged image with a setup_data pointer, a non-PC subarchitecture and QUIET/KEEP_SEGMENTS.
  for (unsigned i = 0; i < 8; ++i) image[hdr::kSetupData + i] = 0xAB;
  image[hdr::kHardwareSubarch] = 2;
  image[hdr::kLoadflags] |= hdr::kQuietFlag | hdr::kKeepSegments;
  image[hdr::kTypeOfLoader] = 0x71;
  BootParamsContent content;
  content.setup_header = std::span<const u8>(image).subspan(hdr::kStart, 0x26C - hdr::kStart);
  const auto page = build_boot_params(content);
  CHECK(le64(page, hdr::kSetupData) == 0);
  CHECK(load_le32(page, hdr::kHardwareSubarch) == 0);
  CHECK(page[hdr::kLoadflags] == (hdr::kLoadedHigh | hdr::kCanUseHeap));
  CHECK(page[hdr::kTypeOfLoader] == kLinuxLoaderTypeUndefined);
  // Fields that are the kernel's stay as shipped.
  CHECK(load_le32(page, hdr::kInitrdAddrMax) == 0x7FFFFFFF);
  CHECK(load_le32(page, hdr::kKernelInfoOffset) == test::kFakeKernelInfoOffset);
}

TEST_CASE("boot params: inputs the zero page cannot hold are refused", "[linux]") {
  const std::vector<u8> image(0x400, 0);
  BootParamsContent content;
  content.setup_header = std::span<const u8>(image).subspan(hdr::kStart, 0x2A0 - hdr::kStart);
  CHECK_THROWS_AS(build_boot_params(content), std::invalid_argument);
  content.setup_header = std::span<const u8>(image).subspan(hdr::kStart, 0x26C - hdr::kStart);
  content.memory_map.assign(129, E820Entry{0, kPageSize, E820Type::Ram});
  CHECK_THROWS_AS(build_boot_params(content), std::invalid_argument);
  content.memory_map.resize(128);
  CHECK(build_boot_params(content)[bp::kE820Entries] == 128);
}

}  // namespace glasspc::firmware

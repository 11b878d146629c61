#include "firmware/boot_params.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "firmware/linux_setup_header.h"
#include "firmware/little_endian.h"

namespace glasspc::firmware {

namespace {

namespace hdr = setup_header;

// boot.rst, heap_end_ptr: "the offset (from the beginning of the real-mode code) of the end of
// the setup stack/heap, minus 0x0200", here for a setup segment whose heap ends at 0xE000 as in
// the protocol's sample layout. The kernel's own setup code is never run (32-bit entry), but the
// field is set consistently with CAN_USE_HEAP rather than left to look like garbage.
constexpr u16 kHeapEnd = 0xE000;
constexpr u16 kHeapEndPtr = kHeapEnd - 0x200;

void store_le16(std::span<u8> bytes, std::size_t offset, u16 value) {
  bytes[offset] = static_cast<u8>(value);
  bytes[offset + 1] = static_cast<u8>(value >> 8);
}

// alt_mem_k: KiB of contiguous RAM from 1 MiB, what INT 15h AX=E801h would report. Only a kernel
// that finds no E820 table uses it; glasspc always gives one, so this is a consistent fallback.
u32 memory_above_1m_kib(const std::vector<E820Entry>& map) {
  for (const E820Entry& entry : map) {
    if (entry.type == E820Type::Ram && entry.address <= kExtendedMemoryStart &&
        entry.address + entry.length > kExtendedMemoryStart) {
      const u64 kib = (entry.address + entry.length - kExtendedMemoryStart) / kKiB;
      return static_cast<u32>(std::min<u64>(kib, 0xFFFFFFFF));
    }
  }
  return 0;
}

}  // namespace

std::array<u8, boot_params::kSize> build_boot_params(const BootParamsContent& content) {
  namespace bp = boot_params;
  if (hdr::kStart + content.setup_header.size() > hdr::kLimit)
    throw std::invalid_argument(fmt::format(
        "build_boot_params: a {}-byte setup header passes 0x290", content.setup_header.size()));
  if (content.memory_map.size() > bp::kE820MaxEntries)
    throw std::invalid_argument(
        fmt::format("build_boot_params: {} memory map entries, the zero page holds {}",
                    content.memory_map.size(), bp::kE820MaxEntries));

  // boot.rst, "32-bit Boot Protocol": the structure is "allocated and initialized to all zero",
  // then the setup header from the image is copied in. All zero also leaves `sentinel` clear, so
  // the kernel keeps what the loader wrote (sanitize_boot_params).
  std::array<u8, bp::kSize> page{};
  std::span<u8> zero_page(page);
  std::copy(content.setup_header.begin(), content.setup_header.end(), page.begin() + hdr::kStart);

  // Fields a loader must write (boot.rst, "Details of Header Fields").
  page[hdr::kTypeOfLoader] = kLinuxLoaderTypeUndefined;
  page[hdr::kExtLoaderVer] = 0;
  page[hdr::kExtLoaderType] = 0;
  // LOADED_HIGH stays as the image has it; QUIET_FLAG and KEEP_SEGMENTS are cleared (messages
  // wanted; the kernel reloads its own segments), CAN_USE_HEAP is set with heap_end_ptr.
  u8 loadflags = page[hdr::kLoadflags];
  loadflags &= static_cast<u8>(~(hdr::kQuietFlag | hdr::kKeepSegments));
  loadflags |= hdr::kCanUseHeap;
  page[hdr::kLoadflags] = loadflags;
  store_le16(zero_page, hdr::kHeapEndPtr, kHeapEndPtr);
  store_le32(zero_page, hdr::kCode32Start, content.code32_start);
  store_le32(zero_page, hdr::kCmdLinePtr, static_cast<u32>(content.cmd_line_ptr));
  store_le32(zero_page, bp::kExtCmdLinePtr, static_cast<u32>(content.cmd_line_ptr >> 32));
  store_le32(zero_page, hdr::kRamdiskImage, static_cast<u32>(content.ramdisk_image));
  store_le32(zero_page, bp::kExtRamdiskImage, static_cast<u32>(content.ramdisk_image >> 32));
  store_le32(zero_page, hdr::kRamdiskSize, static_cast<u32>(content.ramdisk_size));
  store_le32(zero_page, bp::kExtRamdiskSize, static_cast<u32>(content.ramdisk_size >> 32));

  // Fields that are pointers or choices of the loader, cleared whatever the image held, so a
  // stray value in a damaged image cannot send the kernel after a setup_data list or a
  // non-PC subarchitecture.
  const std::size_t header_end = hdr::kStart + content.setup_header.size();
  if (header_end >= hdr::kHardwareSubarchData + 8) {
    store_le32(zero_page, hdr::kHardwareSubarch, 0);
    store_le64(zero_page, hdr::kHardwareSubarchData, 0);
  }
  if (header_end >= hdr::kSetupData + 8) store_le64(zero_page, hdr::kSetupData, 0);

  // The RSDP address field is read by kernels since 4.20 and ignored by older ones, which find
  // zero-page offset 0x70 unused.
  store_le64(zero_page, bp::kAcpiRsdpAddr, content.acpi_rsdp_addr);

  store_le32(zero_page, bp::kAltMemK, memory_above_1m_kib(content.memory_map));
  page[bp::kE820Entries] = static_cast<u8>(content.memory_map.size());
  for (std::size_t i = 0; i < content.memory_map.size(); ++i) {
    const E820Entry& entry = content.memory_map[i];
    const std::size_t at = bp::kE820Table + i * bp::kE820EntrySize;
    store_le64(zero_page, at, entry.address);
    store_le64(zero_page, at + 8, entry.length);
    store_le32(zero_page, at + 16, static_cast<u32>(entry.type));
  }
  return page;
}

}  // namespace glasspc::firmware

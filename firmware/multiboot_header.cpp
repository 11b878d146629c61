#include "firmware/multiboot_header.h"

#include <fmt/format.h>

#include <algorithm>

#include "firmware/little_endian.h"
#include "firmware/load_error.h"
#include "firmware/pc_memory_layout.h"

namespace glasspc::firmware {

namespace {

// Offsets within the header (3.1.1, table "The layout of the Multiboot header").
constexpr u64 kMagicField = 0;
constexpr u64 kFlagsField = 4;
constexpr u64 kChecksumField = 8;
constexpr u64 kHeaderAddrField = 12;
constexpr u64 kLoadAddrField = 16;
constexpr u64 kLoadEndAddrField = 20;
constexpr u64 kBssEndAddrField = 24;
constexpr u64 kEntryAddrField = 28;
constexpr u64 kBasicHeaderSize = 12;
constexpr u64 kAddressHeaderSize = 32;

void fail(std::string_view path, std::string_view problem) {
  throw LoadError("kernel", path, problem);
}

}  // namespace

MultibootHeaderSearch search_multiboot_header(std::span<const u8> image) {
  MultibootHeaderSearch result;
  const u64 limit = std::min<u64>(image.size(), kMultibootSearchBytes);
  for (u64 offset = 0; offset + kBasicHeaderSize <= limit; offset += 4) {
    if (load_le32(image, offset + kMagicField) != kMultibootHeaderMagic) continue;
    // magic + flags + checksum must be zero modulo 2^32 (3.1.2, "checksum").
    const u32 sum = kMultibootHeaderMagic + load_le32(image, offset + kFlagsField) +
                    load_le32(image, offset + kChecksumField);
    if (sum == 0) {
      result.header_offset = offset;
      return result;
    }
    if (!result.bad_checksum_offset) result.bad_checksum_offset = offset;
  }
  return result;
}

MultibootHeader read_multiboot_header(std::span<const u8> image, std::string_view path) {
  const MultibootHeaderSearch search = search_multiboot_header(image);
  if (!search.header_offset) {
    if (search.bad_checksum_offset) {
      const u64 at = *search.bad_checksum_offset;
      fail(path, fmt::format("multiboot header at offset {:#x} has a bad checksum (flags {:#x}, "
                             "checksum {:#x})",
                             at, load_le32(image, at + kFlagsField),
                             load_le32(image, at + kChecksumField)));
    }
    fail(path, "not a multiboot image (no header in the first 8192 bytes)");
  }
  MultibootHeader header;
  header.offset = *search.header_offset;
  header.flags = load_le32(image, header.offset + kFlagsField);

  const u32 known_required = kHeaderPageAlignModules | kHeaderMemoryInfo | kHeaderVideoMode;
  const u32 unknown_required = header.flags & kHeaderRequiredMask & ~known_required;
  if (unknown_required != 0)
    fail(path, fmt::format("multiboot header requires features this loader does not know "
                           "(flags {:#x}, unknown required bits {:#x})",
                           header.flags, unknown_required));

  if (header.flags & kHeaderAddressFields) {
    if (header.offset + kAddressHeaderSize > image.size())
      fail(path, fmt::format("truncated: the multiboot header at offset {:#x} has address fields "
                             "but the file ends at {:#x}",
                             header.offset, image.size()));
    header.header_addr = load_le32(image, header.offset + kHeaderAddrField);
    header.load_addr = load_le32(image, header.offset + kLoadAddrField);
    header.load_end_addr = load_le32(image, header.offset + kLoadEndAddrField);
    header.bss_end_addr = load_le32(image, header.offset + kBssEndAddrField);
    header.entry_addr = load_le32(image, header.offset + kEntryAddrField);
  }
  return header;
}

LoadPlan address_fields_load_plan(const MultibootHeader& header, std::span<const u8> image,
                                  std::string_view path) {
  // header_addr is where the magic lands, so the text starts (header_addr - load_addr) bytes
  // before the header in the file.
  if (header.header_addr < header.load_addr)
    fail(path, fmt::format("multiboot header_addr {:#x} is below load_addr {:#x}",
                           header.header_addr, header.load_addr));
  const u64 header_distance = u64{header.header_addr} - header.load_addr;
  if (header_distance > header.offset)
    fail(path, fmt::format("multiboot load_addr {:#x} would start {:#x} bytes before the file "
                           "(header_addr {:#x}, header at offset {:#x})",
                           header.load_addr, header_distance - header.offset, header.header_addr,
                           header.offset));
  const u64 text_offset = header.offset - header_distance;

  // load_end_addr 0: the text and data run to the end of the file.
  u64 load_size;
  if (header.load_end_addr != 0) {
    if (header.load_end_addr < header.load_addr)
      fail(path, fmt::format("multiboot load_end_addr {:#x} is below load_addr {:#x}",
                             header.load_end_addr, header.load_addr));
    load_size = u64{header.load_end_addr} - header.load_addr;
    if (text_offset + load_size > image.size())
      fail(path, fmt::format("truncated: the multiboot header loads file bytes {:#x}-{:#x} but "
                             "the file has {:#x} bytes",
                             text_offset, text_offset + load_size, image.size()));
  } else {
    load_size = image.size() - text_offset;
  }
  const u64 load_end = u64{header.load_addr} + load_size;
  if (load_end > k4GiB)
    fail(path, fmt::format("multiboot image ({:#x} bytes at {:#x}) does not fit below 4 GiB",
                           load_size, header.load_addr));

  // bss_end_addr 0: no bss.
  u64 memory_size = load_size;
  if (header.bss_end_addr != 0) {
    if (header.bss_end_addr < load_end)
      fail(path, fmt::format("multiboot bss_end_addr {:#x} is below the end of the loaded image "
                             "{:#x}",
                             header.bss_end_addr, load_end));
    memory_size = u64{header.bss_end_addr} - header.load_addr;
  }
  if (memory_size == 0) fail(path, "multiboot address fields describe an empty image");

  LoadPlan plan;
  plan.segments.push_back(LoadSegment{text_offset, load_size, header.load_addr, memory_size, 0});
  plan.entry = header.entry_addr;
  return plan;
}

}  // namespace glasspc::firmware

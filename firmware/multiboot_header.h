// The Multiboot v1 header of an OS image (Multiboot Specification 0.6.96, 3.1 "OS image format").
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "bus/types.h"
#include "firmware/load_plan.h"

namespace glasspc::firmware {

constexpr u32 kMultibootHeaderMagic = 0x1BADB002;
// Left in EAX for the OS (3.2 "Machine state").
constexpr u32 kMultibootBootloaderMagic = 0x2BADB002;
// The header must lie, 32-bit aligned, entirely within the first 8192 bytes (3.1.1).
constexpr u64 kMultibootSearchBytes = 8192;

// Header flags (3.1.2). Bits 0-15 are requirements: a loader that does not know one must refuse
// the image. Bits 16-31 are optional features.
enum MultibootHeaderFlag : u32 {
  kHeaderPageAlignModules = 1u << 0,
  kHeaderMemoryInfo = 1u << 1,
  kHeaderVideoMode = 1u << 2,
  kHeaderAddressFields = 1u << 16,
};
constexpr u32 kHeaderRequiredMask = 0x0000FFFF;

struct MultibootHeader {
  u64 offset = 0;  // file offset of the magic
  u32 flags = 0;
  // The address fields (3.1.3), meaningful when flags has kHeaderAddressFields.
  u32 header_addr = 0;
  u32 load_addr = 0;
  u32 load_end_addr = 0;
  u32 bss_end_addr = 0;
  u32 entry_addr = 0;
};

struct MultibootHeaderSearch {
  std::optional<u64> header_offset;        // first magic whose checksum adds up
  std::optional<u64> bad_checksum_offset;  // first magic whose checksum does not
};

// Looks at every 32-bit aligned offset in the first 8192 bytes, as QEMU does: a magic with a
// wrong checksum does not stop the search, since the bytes may be data that happen to match.
MultibootHeaderSearch search_multiboot_header(std::span<const u8> image);

// Finds and decodes the header of the kernel at `path`. Throws LoadError when there is none,
// the checksum is wrong, the header is cut off, or it requires a feature glasspc does not know.
// The video mode request (bit 2) is accepted, as QEMU accepts it, and simply not honoured: the
// boot information then carries no video fields, which is what a text-mode boot looks like.
MultibootHeader read_multiboot_header(std::span<const u8> image, std::string_view path);

// The load plan the address fields describe (the "a.out kludge", 3.1.3), with the checks QEMU
// makes: the header lies within the loaded text, load_end_addr and bss_end_addr are not below
// what precedes them, the file holds the bytes to load, and nothing wraps past 4 GiB.
LoadPlan address_fields_load_plan(const MultibootHeader& header, std::span<const u8> image,
                                  std::string_view path);

}  // namespace glasspc::firmware

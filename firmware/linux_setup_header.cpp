#include "firmware/linux_setup_header.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "firmware/little_endian.h"
#include "firmware/load_error.h"

namespace glasspc::firmware {

namespace {

namespace hdr = setup_header;

constexpr u32 kSectorSize = 512;
// boot.rst, setup_sects: "If this field is 0, the real value is 4."
constexpr u32 kDefaultSetupSects = 4;
// Without pref_address (before 2.10), a bzImage runs where LOADED_HIGH puts it.
constexpr u64 kHighLoadAddress = 0x100000;
// "LToP" read as a little-endian u32 (boot.rst, "The kernel_info").
constexpr u32 kKernelInfoMagic = 0x506F544C;
constexpr u32 kKernelInfoHeaderSize = 16;

u64 load_le64(std::span<const u8> bytes, std::size_t offset) {
  return u64{load_le32(bytes, offset)} | (u64{load_le32(bytes, offset + 4)} << 32);
}

// The last header field each protocol version added, as the end offset the header must reach
// (boot.rst, "The Real-Mode Kernel Header"). A header shorter than its version promises is
// malformed: the loader would read fields from the setup code.
u32 required_header_end(u16 version) {
  if (version >= 0x020F) return hdr::kKernelInfoOffset + 4;
  if (version >= 0x020B) return hdr::kHandoverOffset + 4;
  if (version >= 0x020A) return hdr::kInitSize + 4;
  if (version >= 0x0209) return hdr::kSetupData + 8;
  if (version >= 0x0208) return hdr::kPayloadLength + 4;
  if (version >= 0x0207) return hdr::kHardwareSubarchData + 8;
  return hdr::kCmdlineSize + 4;
}

std::string version_text(u16 version) {
  return fmt::format("{}.{:02}", version >> 8, version & 0xFF);
}

LinuxKernelInfo read_kernel_info(std::span<const u8> image, const LinuxSetupHeader& header,
                                 std::string_view path) {
  const u64 offset = header.kernel_offset + header.kernel_info_offset;
  const u64 kernel_end = header.kernel_offset + header.kernel_size;
  if (offset + kKernelInfoHeaderSize > kernel_end || load_le32(image, offset) != kKernelInfoMagic)
    throw LoadError("kernel", path,
                    fmt::format("kernel_info_offset {:#x} does not point at a kernel_info "
                                "structure (\"LToP\") in the protected-mode kernel",
                                header.kernel_info_offset));
  LinuxKernelInfo info;
  info.size = load_le32(image, offset + 8);
  if (info.size < kKernelInfoHeaderSize || offset + info.size > kernel_end)
    throw LoadError("kernel", path,
                    fmt::format("kernel_info at offset {:#x} claims {} bytes, past the end of the "
                                "protected-mode kernel",
                                header.kernel_info_offset, info.size));
  info.setup_type_max = load_le32(image, offset + 12);
  return info;
}

}  // namespace

u64 LinuxSetupHeader::runtime_start(u64 load_address) const {
  // boot.rst, init_size: a relocatable kernel runs at its load address raised to pref_address
  // and aligned to kernel_alignment; a fixed one always runs at pref_address.
  if (!relocatable) return pref_address;
  const u64 start = std::max(load_address, pref_address);
  return (start + kernel_alignment - 1) & ~u64{kernel_alignment - 1};
}

bool is_bzimage(std::span<const u8> image) {
  return image.size() >= hdr::kHeaderMagic + 4 &&
         load_le16(image, hdr::kBootFlag) == hdr::kBootFlagValue &&
         load_le32(image, hdr::kHeaderMagic) == hdr::kMagic;
}

LinuxSetupHeader parse_linux_setup_header(std::span<const u8> image, std::string_view path) {
  if (!is_bzimage(image))
    throw LoadError("kernel", path,
                    image.size() < hdr::kHeaderMagic + 4
                        ? fmt::format("not a bzImage: the file is only {} bytes", image.size())
                        : std::string("not a bzImage: no Linux setup header (boot flag 0xAA55 "
                                      "at 0x1FE and \"HdrS\" at 0x202)"));
  LinuxSetupHeader header;
  header.version = load_le16(image, hdr::kVersion);
  if (header.version < kMinLinuxBootProtocol)
    throw LoadError("kernel", path,
                    fmt::format("Linux boot protocol {} is too old: glasspc needs {} or later "
                                "(Linux 2.6.22+)",
                                version_text(header.version), version_text(kMinLinuxBootProtocol)));
  header.header_end = hdr::kHeaderMagic + image[hdr::kJump + 1];
  const u32 required_end = required_header_end(header.version);
  if (header.header_end < required_end || header.header_end > hdr::kLimit ||
      header.header_end > image.size())
    throw LoadError(
        "kernel", path,
        fmt::format("malformed setup header: it ends at {:#x}, but protocol {} needs "
                    "it to reach {:#x} (and it may not pass {:#x} or the file end)",
                    header.header_end, version_text(header.version), required_end, hdr::kLimit));

  header.loadflags = image[hdr::kLoadflags];
  if ((header.loadflags & hdr::kLoadedHigh) == 0)
    throw LoadError("kernel", path,
                    "is a zImage (loadflags LOADED_HIGH clear): only bzImage kernels, loaded at "
                    "1 MiB, are supported");

  const u32 setup_sects =
      image[hdr::kSetupSects] != 0 ? image[hdr::kSetupSects] : kDefaultSetupSects;
  header.setup_size = (setup_sects + 1) * kSectorSize;
  header.kernel_offset = header.setup_size;
  if (header.setup_size >= image.size())
    throw LoadError("kernel", path,
                    fmt::format("truncated: {} bytes of setup code leave no protected-mode kernel "
                                "in the {}-byte file",
                                header.setup_size, image.size()));
  header.kernel_size = image.size() - header.setup_size;
  header.syssize = load_le32(image, hdr::kSyssize);
  // syssize is rounded up to 16 bytes (and may count a trailing CRC the file rounds away), so
  // only a shortfall of a whole unit or more means the file was cut short.
  if (u64{header.syssize} * 16 > header.kernel_size + 15)
    throw LoadError("kernel", path,
                    fmt::format("truncated: the header announces {} bytes of protected-mode "
                                "kernel, the file holds {}",
                                u64{header.syssize} * 16, header.kernel_size));

  header.code32_start = load_le32(image, hdr::kCode32Start);
  header.initrd_addr_max = load_le32(image, hdr::kInitrdAddrMax);
  header.kernel_alignment = load_le32(image, hdr::kKernelAlignment);
  header.relocatable = image[hdr::kRelocatableKernel] != 0;
  header.cmdline_size = load_le32(image, hdr::kCmdlineSize);
  if (header.relocatable && !std::has_single_bit(header.kernel_alignment))
    throw LoadError("kernel", path,
                    fmt::format("malformed setup header: kernel_alignment {:#x} of a relocatable "
                                "kernel is not a power of two",
                                header.kernel_alignment));
  if (header.version >= 0x0208) {
    header.payload_offset = load_le32(image, hdr::kPayloadOffset);
    header.payload_length = load_le32(image, hdr::kPayloadLength);
    if (u64{header.payload_offset} + header.payload_length > header.kernel_size)
      throw LoadError(
          "kernel", path,
          fmt::format("malformed setup header: the compressed payload ({:#x} bytes "
                      "at {:#x}) lies outside the {}-byte protected-mode kernel",
                      header.payload_length, header.payload_offset, header.kernel_size));
  }
  header.pref_address = kHighLoadAddress;
  if (header.version >= 0x020A) {
    header.min_alignment = image[hdr::kMinAlignment];
    header.pref_address = load_le64(image, hdr::kPrefAddress);
    header.init_size = load_le32(image, hdr::kInitSize);
  }
  if (header.version >= 0x020B) header.handover_offset = load_le32(image, hdr::kHandoverOffset);
  if (header.version >= 0x020C) header.xloadflags = load_le16(image, hdr::kXloadflags);
  if (header.version >= 0x020F) {
    header.kernel_info_offset = load_le32(image, hdr::kKernelInfoOffset);
    header.kernel_info = read_kernel_info(image, header, path);
  }
  return header;
}

}  // namespace glasspc::firmware

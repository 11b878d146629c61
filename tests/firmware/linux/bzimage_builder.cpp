#include "tests/firmware/linux/bzimage_builder.h"

#include <algorithm>

#include "firmware/linux_setup_header.h"
#include "tests/firmware/firmware_test_support.h"

namespace glasspc::firmware::test {

namespace {

namespace hdr = setup_header;

void put_le64(std::vector<u8>& bytes, std::size_t offset, u64 value) {
  put_le32(bytes, offset, static_cast<u32>(value));
  put_le32(bytes, offset + 4, static_cast<u32>(value >> 32));
}

u32 setup_size(const FakeBzImage& image) {
  return (u32{image.setup_sects != 0 ? image.setup_sects : u8{4}} + 1) * 512;
}

}  // namespace

u32 fake_header_end(u16 version) {
  if (version >= 0x020F) return 0x26C;
  if (version >= 0x020B) return 0x268;
  if (version >= 0x020A) return 0x264;
  if (version >= 0x0209) return 0x258;
  if (version >= 0x0208) return 0x250;
  if (version >= 0x0207) return 0x248;
  return 0x23C;
}

std::vector<u8> build_bzimage(const FakeBzImage& image) {
  const u32 setup = setup_size(image);
  // Setup code bytes are 0x90 (as filler) so that a loader copying too much header is caught.
  std::vector<u8> bytes(setup, 0x90);
  const std::vector<u8> kernel = pattern(image.protected_mode_size, 7);
  bytes.insert(bytes.end(), kernel.begin(), kernel.end());
  // The header starts zeroed, as in a real image; the setup code after it keeps its filler.
  const u32 header_end = image.header_end != 0 ? image.header_end : fake_header_end(image.version);
  std::fill(bytes.begin() + hdr::kStart, bytes.begin() + std::max(header_end, 0x23Cu), u8{0});
  bytes[hdr::kSetupSects] = image.setup_sects;
  put_le32(bytes, hdr::kSyssize,
           image.syssize != 0 ? image.syssize : (image.protected_mode_size + 15) / 16);
  put_le16(bytes, hdr::kVidMode, 0xFFFF);
  put_le16(bytes, 0x1FC, kFakeRootDev);  // root_dev
  put_le16(bytes, hdr::kBootFlag, hdr::kBootFlagValue);
  bytes[hdr::kJump] = 0xEB;
  bytes[hdr::kJump + 1] = static_cast<u8>(header_end - 0x202);
  put_le32(bytes, hdr::kHeaderMagic, hdr::kMagic);
  put_le16(bytes, hdr::kVersion, image.version);
  put_le16(bytes, 0x20E, kFakeKernelVersionPointer);  // kernel_version
  bytes[hdr::kLoadflags] = image.loadflags;
  put_le32(bytes, hdr::kCode32Start, 0x100000);
  put_le32(bytes, hdr::kInitrdAddrMax, image.initrd_addr_max);
  put_le32(bytes, hdr::kKernelAlignment, image.kernel_alignment);
  bytes[hdr::kRelocatableKernel] = image.relocatable ? 1 : 0;
  put_le32(bytes, hdr::kCmdlineSize, image.cmdline_size);
  if (image.version >= 0x0208) {
    put_le32(bytes, hdr::kPayloadOffset, 0x400);
    put_le32(bytes, hdr::kPayloadLength, image.protected_mode_size - 0x800);
  }
  if (image.version >= 0x020A) {
    bytes[hdr::kMinAlignment] = 21;
    put_le64(bytes, hdr::kPrefAddress, image.pref_address);
    put_le32(bytes, hdr::kInitSize, image.init_size);
  }
  if (image.version >= 0x020C) put_le16(bytes, hdr::kXloadflags, image.xloadflags);
  if (image.version >= 0x020F && image.kernel_info) {
    put_le32(bytes, hdr::kKernelInfoOffset, kFakeKernelInfoOffset);
    const std::size_t info = setup + kFakeKernelInfoOffset;
    put_le32(bytes, info, 0x506F544C);  // "LToP"
    put_le32(bytes, info + 4, 16);
    put_le32(bytes, info + 8, 16);
    put_le32(bytes, info + 12, kFakeSetupTypeMax);
  }
  return bytes;
}

std::vector<u8> protected_mode_part(const std::vector<u8>& bzimage, const FakeBzImage& image) {
  return std::vector<u8>(bzimage.begin() + setup_size(image), bzimage.end());
}

}  // namespace glasspc::firmware::test

// Synthetic Linux bzImages for the loader tests: a real-mode part holding a setup header with
// the fields under test, followed by a protected-mode part of recognisable bytes.
#pragma once

#include <vector>

#include "bus/types.h"

namespace glasspc::firmware::test {

struct FakeBzImage {
  u16 version = 0x020F;
  u8 setup_sects = 4;   // the raw field (0 means 4)
  u8 loadflags = 0x01;  // LOADED_HIGH
  u32 initrd_addr_max = 0x7FFFFFFF;
  u32 kernel_alignment = 0x200000;
  bool relocatable = true;
  u16 xloadflags = 0x0003;  // XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G
  u32 cmdline_size = 2047;
  u64 pref_address = 0x1000000;
  u32 init_size = 0x800000;
  u32 protected_mode_size = 0x11000;  // bytes after the setup code
  // Overrides, for malformed images: 0 = computed from the fields above.
  u32 syssize = 0;
  u32 header_end = 0;
  bool kernel_info = true;  // a kernel_info structure (2.15) in the protected-mode part
};

// Offset of the kernel_info structure inside the protected-mode part.
constexpr u32 kFakeKernelInfoOffset = 0x200;
constexpr u32 kFakeSetupTypeMax = 0x80000009;
// Marks written into header fields the loader must copy unchanged.
constexpr u16 kFakeRootDev = 0x0801;
constexpr u16 kFakeKernelVersionPointer = 0x3412;

// Where a bzImage's header must end for its protocol version (0x202 + jump offset).
u32 fake_header_end(u16 version);

std::vector<u8> build_bzimage(const FakeBzImage& image);
// The protected-mode part of an image built from `image`.
std::vector<u8> protected_mode_part(const std::vector<u8>& bzimage, const FakeBzImage& image);

}  // namespace glasspc::firmware::test

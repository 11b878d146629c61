// The setup header of a Linux x86 kernel image (bzImage), as a boot loader reads it.
//
// Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header": the header sits at offset 0x1F1
// of the image, in the kernel's real-mode setup code, and grows with each protocol version. Its
// length is given by the image itself: it ends at 0x202 + the byte at 0x201 (the target of the
// short jump at 0x200, "32-bit Boot Protocol"). The protected-mode kernel follows the setup code,
// (setup_sects + 1) * 512 bytes into the file.
//
// glasspc requires protocol 2.06 (Linux 2.6.22) or later, the first with cmdline_size, and a
// bzImage (LOADED_HIGH set); fields up to protocol 2.15 are read.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "bus/types.h"

namespace glasspc::firmware {

// Offsets of the setup header fields in the image and in the zero page (boot.rst, "The
// Real-Mode Kernel Header"; the zero page holds the header at the same offsets).
namespace setup_header {
constexpr u32 kStart = 0x1F1;
constexpr u32 kSetupSects = 0x1F1;           // u8; 0 means 4
constexpr u32 kSyssize = 0x1F4;              // u32, protected-mode size in 16-byte units (2.04+)
constexpr u32 kVidMode = 0x1FA;              // u16
constexpr u32 kBootFlag = 0x1FE;             // u16, 0xAA55
constexpr u32 kJump = 0x200;                 // 2 bytes: 0xEB, offset to the end of the header
constexpr u32 kHeaderMagic = 0x202;          // "HdrS"
constexpr u32 kVersion = 0x206;              // u16, major << 8 | minor
constexpr u32 kTypeOfLoader = 0x210;         // u8
constexpr u32 kLoadflags = 0x211;            // u8
constexpr u32 kCode32Start = 0x214;          // u32
constexpr u32 kRamdiskImage = 0x218;         // u32
constexpr u32 kRamdiskSize = 0x21C;          // u32
constexpr u32 kHeapEndPtr = 0x224;           // u16 (2.01+)
constexpr u32 kExtLoaderVer = 0x226;         // u8 (2.02+)
constexpr u32 kExtLoaderType = 0x227;        // u8 (2.02+)
constexpr u32 kCmdLinePtr = 0x228;           // u32 (2.02+)
constexpr u32 kInitrdAddrMax = 0x22C;        // u32 (2.03+), highest address the initrd may occupy
constexpr u32 kKernelAlignment = 0x230;      // u32 (2.05+)
constexpr u32 kRelocatableKernel = 0x234;    // u8 (2.05+)
constexpr u32 kMinAlignment = 0x235;         // u8, log2 (2.10+)
constexpr u32 kXloadflags = 0x236;           // u16 (2.12+)
constexpr u32 kCmdlineSize = 0x238;          // u32 (2.06+)
constexpr u32 kHardwareSubarch = 0x23C;      // u32 (2.07+)
constexpr u32 kHardwareSubarchData = 0x240;  // u64 (2.07+)
constexpr u32 kPayloadOffset = 0x248;        // u32 (2.08+)
constexpr u32 kPayloadLength = 0x24C;        // u32 (2.08+)
constexpr u32 kSetupData = 0x250;            // u64 (2.09+)
constexpr u32 kPrefAddress = 0x258;          // u64 (2.10+)
constexpr u32 kInitSize = 0x260;             // u32 (2.10+)
constexpr u32 kHandoverOffset = 0x264;       // u32 (2.11+)
constexpr u32 kKernelInfoOffset = 0x268;     // u32 (2.15+)
// struct boot_params reserves 0x1F1..0x290 for the header; no version may grow past it.
constexpr u32 kLimit = 0x290;

constexpr u32 kMagic = 0x53726448;  // "HdrS" read as a little-endian u32
constexpr u16 kBootFlagValue = 0xAA55;

// loadflags bits.
constexpr u8 kLoadedHigh = 0x01;  // protected-mode code is loaded at 0x100000 (a bzImage)
constexpr u8 kQuietFlag = 0x20;   // suppress early messages
constexpr u8 kKeepSegments = 0x40;
constexpr u8 kCanUseHeap = 0x80;  // heap_end_ptr is valid
// xloadflags bits (2.12+).
constexpr u16 kXlfKernel64 = 0x01;            // 64-bit entry at load address + 0x200
constexpr u16 kXlfCanBeLoadedAbove4G = 0x02;  // kernel, boot_params, cmdline, initrd above 4 GiB
}  // namespace setup_header

constexpr u16 kMinLinuxBootProtocol = 0x0206;

// The kernel_info structure (protocol 2.15, boot.rst "The kernel_info"): "LToP", header size,
// total size, then setup_type_max.
struct LinuxKernelInfo {
  u32 size = 0;            // total size in bytes
  u32 setup_type_max = 0;  // highest setup_data type the kernel understands
};

struct LinuxSetupHeader {
  u16 version = 0;
  u32 header_end = 0;     // first byte after the header (0x202 + jump offset)
  u32 setup_size = 0;     // bytes of real-mode code: (setup_sects + 1) * 512
  u64 kernel_offset = 0;  // file offset of the protected-mode kernel (= setup_size)
  u64 kernel_size = 0;    // bytes of protected-mode kernel in the file
  u32 syssize = 0;        // in 16-byte units
  u8 loadflags = 0;
  u32 code32_start = 0;
  u32 initrd_addr_max = 0;
  u32 kernel_alignment = 0;  // meaningful when relocatable
  bool relocatable = false;
  u8 min_alignment = 0;    // log2; 2.10+
  u16 xloadflags = 0;      // 2.12+
  u32 cmdline_size = 0;    // longest command line, not counting the terminating NUL
  u32 payload_offset = 0;  // 2.08+, relative to the protected-mode kernel
  u32 payload_length = 0;
  u64 pref_address = 0;        // 2.10+; else 0x100000
  u32 init_size = 0;           // 2.10+; else 0 (unknown)
  u32 handover_offset = 0;     // 2.11+ (EFI handover, not used by glasspc)
  u32 kernel_info_offset = 0;  // 2.15+, relative to the protected-mode kernel
  std::optional<LinuxKernelInfo> kernel_info;

  // Where the kernel runs (decompresses itself to) when its protected-mode code is loaded at
  // `load_address`: boot.rst, "Details of Header Fields", init_size.
  u64 runtime_start(u64 load_address) const;
};

// Whether `image` carries a Linux x86 setup header (boot flag 0xAA55 at 0x1FE and "HdrS" at
// 0x202). A loader given such a file loads it as Linux and explains anything it cannot handle
// (an old protocol, a zImage) rather than trying other formats.
bool is_bzimage(std::span<const u8> image);

// Reads and checks the header. Throws LoadError("kernel", path, ...) when the file is not a
// bzImage, its protocol is older than 2.06, LOADED_HIGH is clear, or a field points outside
// the file.
LinuxSetupHeader parse_linux_setup_header(std::span<const u8> image, std::string_view path);

}  // namespace glasspc::firmware

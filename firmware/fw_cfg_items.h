// The items of QEMU's firmware configuration device (fw_cfg): selector keys and the byte formats
// of the standard items, as firmware written for QEMU (SeaBIOS, its linuxboot option ROM, OVMF)
// expects them. References: QEMU docs/specs/fw_cfg.rst and the key list in QEMU's
// include/standard-headers/linux/qemu_fw_cfg.h.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bus/types.h"
#include "firmware/pc_memory_layout.h"

namespace glasspc::firmware {

namespace fw_cfg {
// Selector keys of the generic items (fw_cfg.rst, "Firmware Configuration Items"; the rest as
// QEMU numbers them).
constexpr u16 kSignature = 0x0000;  // "QEMU"
constexpr u16 kId = 0x0001;         // u32 LE feature bitmap
constexpr u16 kUuid = 0x0002;       // 16 bytes
constexpr u16 kRamSize = 0x0003;    // u64 LE
constexpr u16 kNographic = 0x0004;  // u16 LE
constexpr u16 kNbCpus = 0x0005;     // u16 LE, CPUs present at boot
constexpr u16 kMachineId = 0x0006;
constexpr u16 kKernelAddr = 0x0007;     // u32 LE
constexpr u16 kKernelSize = 0x0008;     // u32 LE
constexpr u16 kKernelCmdline = 0x0009;  // u32 LE, guest address of the command line
constexpr u16 kInitrdAddr = 0x000A;     // u32 LE
constexpr u16 kInitrdSize = 0x000B;     // u32 LE
constexpr u16 kBootDevice = 0x000C;     // u16 LE, a drive letter ('c' disk, 'd' CD-ROM)
constexpr u16 kNuma = 0x000D;
constexpr u16 kBootMenu = 0x000E;  // u16 LE
constexpr u16 kMaxCpus = 0x000F;   // u16 LE, highest APIC ID + 1 on x86
constexpr u16 kKernelEntry = 0x0010;
constexpr u16 kKernelData = 0x0011;  // the protected-mode kernel's bytes
constexpr u16 kInitrdData = 0x0012;
constexpr u16 kCmdlineAddr = 0x0013;  // u32 LE
constexpr u16 kCmdlineSize = 0x0014;  // u32 LE, including the terminating NUL
constexpr u16 kCmdlineData = 0x0015;  // the command line, NUL-terminated
constexpr u16 kSetupAddr = 0x0016;    // u32 LE, where the real-mode setup goes
constexpr u16 kSetupSize = 0x0017;    // u32 LE
constexpr u16 kSetupData = 0x0018;    // the real-mode setup's bytes
constexpr u16 kFileDir = 0x0019;      // the file directory
constexpr u16 kFileFirst = 0x0020;    // the first key given to a named file

// Selector bits: bit 14 asked for write access before QEMU 2.4 (now ignored for selection),
// bit 15 selects the architecture-specific items.
constexpr u16 kWriteChannel = 0x4000;
constexpr u16 kArchLocal = 0x8000;
constexpr u16 kEntryMask = static_cast<u16>(~(kWriteChannel | kArchLocal));

// FW_CFG_ID bits.
constexpr u32 kIdTraditional = 0x01;
constexpr u32 kIdDma = 0x02;

// A directory entry is 64 bytes: u32 size, u16 select, u16 reserved (all big-endian), and a
// NUL-terminated name of at most 55 characters.
constexpr std::size_t kFileEntrySize = 64;
constexpr std::size_t kMaxFileName = 55;

// The DMA access structure's control bits (fw_cfg.rst, "Guest-side DMA Interface").
constexpr u32 kDmaError = 0x01;
constexpr u32 kDmaRead = 0x02;
constexpr u32 kDmaSkip = 0x04;
constexpr u32 kDmaSelect = 0x08;
constexpr u32 kDmaWrite = 0x10;
// Reading the DMA address register gives "QEMU CFG" (big-endian) when DMA is available.
constexpr u64 kDmaSignature = 0x51454D5520434647;

// QEMU's etc/e820 entry: u64 address, u64 length, u32 type, little-endian, packed.
constexpr std::size_t kE820EntrySize = 20;
}  // namespace fw_cfg

struct FwCfgFileEntry {
  std::string name;
  u32 size = 0;
  u16 select = 0;
};

// The FW_CFG_FILE_DIR item: a big-endian count followed by one 64-byte entry per file, in the
// order given (the device keeps files sorted by name).
std::vector<u8> encode_fw_cfg_file_dir(std::span<const FwCfgFileEntry> files);
// "etc/e820": the entries in QEMU's packed little-endian format.
std::vector<u8> encode_fw_cfg_e820(std::span<const E820Entry> entries);
// The RAM entries QEMU's pc machine puts in etc/e820: RAM from 0 to below_4g and, with RAM above
// 4 GiB, from 4 GiB up. SeaBIOS carves its own reserved ranges (EBDA, BIOS) out of these.
std::vector<E820Entry> fw_cfg_e820_ram(const PcMemoryLayout& layout);
// "bootorder": OpenFirmware device paths, one per line, the whole list NUL-terminated (empty
// list: an empty item, as QEMU gives one without bootindex properties).
std::vector<u8> encode_fw_cfg_bootorder(std::span<const std::string> paths);

std::vector<u8> fw_cfg_le16(u16 value);
std::vector<u8> fw_cfg_le32(u32 value);
std::vector<u8> fw_cfg_le64(u64 value);

}  // namespace glasspc::firmware

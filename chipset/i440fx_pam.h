// Shadow RAM under the BIOS area, as the 82441FX's Programmable Attribute Map registers and its
// SMRAM register control it (Intel 440FX PCIset 82441FX PMC datasheet, 3.2 "PAM[6:0]" and
// "SMRAM").
//
// PAM0-PAM6 (configuration 0x59-0x5F) split 0xC0000-0xFFFFF into thirteen segments: one of
// 64 KiB at 0xF0000 (PAM0 bits 5:4) and twelve of 16 KiB from 0xC0000 to 0xEFFFF (a nibble each
// in PAM1-PAM6, low nibble first). Per segment, RE sends reads to DRAM and WE sends writes to
// DRAM; an access whose direction is not enabled goes to PCI, where the BIOS ROM (the isa-bios
// alias), option ROMs or nothing answer:
//   00 DRAM disabled: reads ROM/PCI, writes ROM/PCI (dropped by a ROM)
//   01 read only:     reads DRAM,    writes ROM/PCI -- the BIOS write-protecting its shadow copy
//   10 write only:    reads ROM/PCI, writes DRAM    -- copying the ROM onto itself into DRAM
//   11 read/write:    DRAM
// Each segment is a RAM window at kShadowPriority whose MemoryMap decode follows its RE/WE bits,
// so an access the window does not decode falls through to what lies below it.
//
// Below the windows, install() maps the PCI side of 0xC0000-0xFFFFF: an MMIO region that floats
// (reads all ones, writes dropped) at RAM's priority 0, added after RAM so that it covers it.
// Without it a disabled direction would fall through to the same RAM bytes. ROMs that the board
// maps there (isa-bios, option ROMs, priority 1) stay visible above it.
//
// SMRAM: the CPU has no System Management Mode in glasspc, so no access is ever an SMM access.
// What stays meaningful is the non-SMM view that D_OPEN gives (82441FX SMRAM register: with
// G_SMRAME set, D_OPEN makes the SMRAM DRAM at 0xA0000-0xBFFFF visible instead of the VGA
// window), so the register opens a RAM window over the VGA window in that case.
#pragma once

#include <array>
#include <optional>

#include "bus/memory_map.h"
#include "bus/types.h"

namespace glasspc {

enum class PamMode : u8 { Disabled = 0, ReadOnly = 1, WriteOnly = 2, ReadWrite = 3 };

class I440fxPam {
 public:
  static constexpr u8 kPam0 = 0x59;
  static constexpr unsigned kPamRegisterCount = 7;
  static constexpr unsigned kSegmentCount = 13;
  static constexpr u8 kReadEnable = 1 << 0;
  static constexpr u8 kWriteEnable = 1 << 1;
  // SMRAM register bits.
  static constexpr u8 kSmramBaseSegment = 0x07;  // C_BASE_SEG, hardwired to 010b (0xA0000)
  static constexpr u8 kSmramBaseA0000 = 0x02;
  static constexpr u8 kSmramEnable = 1 << 3;  // G_SMRAME
  static constexpr u8 kSmramLock = 1 << 4;    // D_LCK
  static constexpr u8 kSmramClose = 1 << 5;   // D_CLS
  static constexpr u8 kSmramOpen = 1 << 6;    // D_OPEN
  // Above BARs (kBarPriority) and the isa-bios alias.
  static constexpr int kShadowPriority = 2;

  struct Segment {
    Gpa base;
    u64 size;
    u8 reg;    // configuration offset of its PAM register
    u8 shift;  // 0: low nibble, 4: high nibble
  };
  static const Segment& segment(unsigned index);
  static PamMode mode(const std::array<u8, kPamRegisterCount>& pam, unsigned index);

  // Maps the windows. Guest RAM must cover 0xA0000-0xFFFFF and be mapped already.
  void install(MemoryMap& memory);
  bool installed() const { return m_memory != nullptr; }
  // Points every window at what the registers say now.
  void apply(const std::array<u8, kPamRegisterCount>& pam, u8 smram);

 private:
  MemoryMap* m_memory = nullptr;
  std::array<RegionId, kSegmentCount> m_windows{};
  RegionId m_pci_hole = 0;
  RegionId m_smram = 0;
};

}  // namespace glasspc

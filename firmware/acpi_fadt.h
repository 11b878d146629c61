// The Fixed ACPI Description Table and the Firmware ACPI Control Structure it points to.
//
// The FADT (ACPI 6.4 §5.2.9) tells the OS where the fixed hardware of the PIIX4-style power
// management block lives: PM1a event and control blocks, the PM timer, GPE0, the SCI, the reset
// register, plus boot-architecture flags. It is revision 3 (the ACPI 2.0/3.0 layout, 244 bytes)
// with both 32-bit and extended (X_) addresses, as QEMU's pc machine provides it.
#pragma once

#include <vector>

#include "bus/types.h"
#include "firmware/acpi_platform.h"
#include "firmware/acpi_table_writer.h"

namespace glasspc::firmware {

constexpr u8 kFadtRevision = 3;
constexpr std::size_t kFadtLength = 244;

// Field offsets of the FADT, for tests and for the table loader.
namespace fadt {
constexpr std::size_t kFirmwareCtrl = 36;
constexpr std::size_t kDsdt = 40;
constexpr std::size_t kSciInt = 46;
constexpr std::size_t kSmiCmd = 48;
constexpr std::size_t kPm1aEvtBlk = 56;
constexpr std::size_t kPm1aCntBlk = 64;
constexpr std::size_t kPmTmrBlk = 76;
constexpr std::size_t kGpe0Blk = 80;
constexpr std::size_t kPm1EvtLen = 88;
constexpr std::size_t kPm1CntLen = 89;
constexpr std::size_t kPmTmrLen = 91;
constexpr std::size_t kGpe0BlkLen = 92;
constexpr std::size_t kPLvl2Lat = 96;
constexpr std::size_t kPLvl3Lat = 98;
constexpr std::size_t kCentury = 108;
constexpr std::size_t kIapcBootArch = 109;
constexpr std::size_t kFlags = 112;
constexpr std::size_t kResetReg = 116;
constexpr std::size_t kResetValue = 128;
constexpr std::size_t kXFirmwareCtrl = 132;
constexpr std::size_t kXDsdt = 140;
constexpr std::size_t kXPm1aEvtBlk = 148;
constexpr std::size_t kXPm1aCntBlk = 172;
constexpr std::size_t kXPmTmrBlk = 208;
constexpr std::size_t kXGpe0Blk = 220;

// Fixed Feature Flags (§5.2.9, Table 5.10).
constexpr u32 kWbinvd = 1u << 0;
constexpr u32 kProcC1 = 1u << 2;
constexpr u32 kPwrButton = 1u << 4;
constexpr u32 kSlpButton = 1u << 5;
constexpr u32 kRtcS4 = 1u << 7;
constexpr u32 kTmrValExt = 1u << 8;
constexpr u32 kResetRegSup = 1u << 10;
constexpr u32 kUsePlatformClock = 1u << 15;

// IA-PC Boot Architecture Flags (§5.2.9.3).
constexpr u16 kLegacyDevices = 1u << 0;
constexpr u16 k8042 = 1u << 1;
}  // namespace fadt

// The FADT pointing at the FACS and DSDT at the given physical addresses (both below 4 GiB).
BuiltTable build_fadt(const AcpiPlatform& platform, u64 facs_address, u64 dsdt_address);

// The FACS (§5.2.10): 64 bytes, no checksum; it must be placed on a 64-byte boundary.
constexpr std::size_t kFacsLength = 64;
constexpr std::size_t kFacsAlignment = 64;
std::vector<u8> build_facs();

}  // namespace glasspc::firmware

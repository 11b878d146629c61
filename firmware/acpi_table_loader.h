// The ACPI tables as QEMU's fw_cfg serves them to a BIOS: the table blob, the RSDP blob, and the
// "etc/table-loader" script that tells the BIOS how to place them and link them together.
//
// The script is a sequence of 128-byte little-endian commands (the ABI of QEMU's
// hw/acpi/bios-linker-loader.c, which SeaBIOS implements in its romfile loader):
//   ALLOCATE      file name (56 bytes), alignment (u32), zone (u8: 1 high memory, 2 F segment)
//   ADD_POINTER   destination file, source file, offset (u32), size (u8): adds the source
//                 file's address to the size-byte value at offset in the destination file
//   ADD_CHECKSUM  file, checksum offset, start, length (u32 each): subtracts the byte sum of
//                 [start, start + length) from the byte at the checksum offset
// The blobs are the tables laid out at address 0, so every pointer holds an offset into
// "etc/acpi/tables" until the BIOS relocates it.
#pragma once

#include <string_view>
#include <vector>

#include "bus/types.h"
#include "firmware/acpi_platform.h"

namespace glasspc::firmware {

constexpr std::string_view kTableLoaderFile = "etc/table-loader";
constexpr std::string_view kAcpiTablesFile = "etc/acpi/tables";
constexpr std::string_view kAcpiRsdpFile = "etc/acpi/rsdp";

constexpr std::size_t kLoaderEntrySize = 128;
constexpr std::size_t kLoaderFileNameSize = 56;

enum class LoaderCommand : u32 { Allocate = 1, AddPointer = 2, AddChecksum = 3 };
enum class LoaderZone : u8 { High = 1, FSegment = 2 };

struct AcpiFwCfgFiles {
  std::vector<u8> table_loader;  // "etc/table-loader"
  std::vector<u8> tables;        // "etc/acpi/tables"
  std::vector<u8> rsdp;          // "etc/acpi/rsdp"
};

AcpiFwCfgFiles build_acpi_fw_cfg_files(const AcpiPlatform& platform);

}  // namespace glasspc::firmware

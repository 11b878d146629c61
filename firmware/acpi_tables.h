// The complete set of ACPI tables for a machine, laid out for a physical address, and writing
// them into guest memory.
//
// The tables (FACS, DSDT, FADT, MADT, HPET, RSDT, XSDT) are placed one after the other from a
// base address with every pointer between them filled in; the RSDP is kept apart because the OS
// finds it by scanning the BIOS area 0xE0000-0xFFFFF on 16-byte boundaries (ACPI 6.4 §5.2.5.1),
// while the tables themselves may live anywhere below 4 GiB. QEMU with SeaBIOS puts the tables
// at the top of low RAM and the RSDP in the F segment; whoever places them must also keep the
// tables out of the RAM the OS may use (an E820 ACPI or reserved range).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bus/types.h"
#include "firmware/acpi_platform.h"
#include "firmware/acpi_table_writer.h"

namespace glasspc {
class MemoryMap;
}

namespace glasspc::firmware {

// Where the OS scans for the RSDP (besides the first KiB of the EBDA).
constexpr u64 kRsdpScanStart = 0xE0000;
constexpr u64 kRsdpScanEnd = 0x100000;
// The tables' base must keep the FACS 64-byte aligned.
constexpr u64 kAcpiTablesAlignment = 64;

struct AcpiTableEntry {
  std::string signature;
  std::size_t offset = 0;  // within AcpiTableSet::tables
  std::size_t length = 0;
};

struct AcpiTableSet {
  u64 base_address = 0;
  // Every table but the RSDP, contiguous from base_address.
  std::vector<u8> tables;
  // In layout order: FACS, DSDT, FACP, APIC, HPET (when present), RSDT, XSDT.
  std::vector<AcpiTableEntry> entries;
  // Fields of `tables` that hold the address of a place inside `tables` (for relocation).
  std::vector<TablePointer> table_pointers;
  // The 36-byte revision 2 RSDP pointing at the RSDT and XSDT.
  std::vector<u8> rsdp;
  std::vector<TablePointer> rsdp_pointers;

  // The entry with this signature, or null.
  const AcpiTableEntry* find(std::string_view signature) const;
  // The physical address of the table with this signature; throws std::out_of_range if absent.
  u64 address_of(std::string_view signature) const;
  // The bytes of one table.
  std::vector<u8> table(std::string_view signature) const;
};

// Builds every table for `platform` laid out from `base_address` (a multiple of 64; the set
// must end below 4 GiB because the RSDT and FADT hold 32-bit pointers). Throws
// std::invalid_argument for a platform validate_acpi_platform rejects or a bad base.
AcpiTableSet build_acpi_tables(const AcpiPlatform& platform, u64 base_address);

// Writes the tables at their base address and the RSDP at `rsdp_address`, which must be on a
// 16-byte boundary inside the BIOS scan area and must not overlap the tables. Reads both back
// and throws std::runtime_error when memory did not keep them (ROM or nothing mapped there).
void install_acpi_tables(MemoryMap& memory, const AcpiTableSet& tables, u64 rsdp_address);

}  // namespace glasspc::firmware

// The tables through which the OS finds all others: the Root System Description Pointer
// (ACPI 6.4 §5.2.5), the RSDT with 32-bit entries (§5.2.7) and the XSDT with 64-bit entries
// (§5.2.8). Both the RSDT and the XSDT list every table except the DSDT and FACS, which the
// FADT points to.
#pragma once

#include <vector>

#include "bus/types.h"
#include "firmware/acpi_table_writer.h"

namespace glasspc::firmware {

constexpr std::size_t kRsdpLength = 36;
constexpr std::size_t kRsdpChecksumOffset = 8;  // covers the first 20 bytes (ACPI 1.0)
constexpr std::size_t kRsdpV1Length = 20;
constexpr std::size_t kRsdpRsdtAddressOffset = 16;
constexpr std::size_t kRsdpLengthOffset = 20;
constexpr std::size_t kRsdpXsdtAddressOffset = 24;
constexpr std::size_t kRsdpExtendedChecksumOffset = 32;  // covers all 36 bytes
// The OS looks for the RSDP on 16-byte boundaries (§5.2.5.1).
constexpr std::size_t kRsdpAlignment = 16;

// A revision 2 RSDP (ACPI 2.0 and later) with both checksums.
BuiltTable build_rsdp(u64 rsdt_address, u64 xsdt_address);
// RSDT entries are 32-bit: every table must lie below 4 GiB.
BuiltTable build_rsdt(const std::vector<u64>& table_addresses);
BuiltTable build_xsdt(const std::vector<u64>& table_addresses);

}  // namespace glasspc::firmware

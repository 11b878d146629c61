// The firmware-facing side of the board: the fw_cfg device QEMU's firmware reads, and the
// platform tables (ACPI, MP) a directly booted kernel finds in memory where a BIOS would have
// left them.
//
// Placement for a direct kernel boot. The board opens 0xC0000-0xFFFFF as read/write RAM through
// the i440FX PAM registers (as SeaBIOS does while it builds its tables) and puts:
//   0xE0000  the ACPI tables (FACS, DSDT, FADT, MADT, HPET, RSDT, XSDT), 64-byte aligned
//   0xF0000  the RSDP, found by the OS's scan of 0xE0000-0xFFFFF on 16-byte boundaries
//   0xF0100  the MP floating pointer and configuration table, for acpi=off kernels
// None of it is usable RAM in the E820 map the kernel gets (pc_e820_map leaves 0xA0000-0xF0000
// out and reserves the BIOS area 0xF0000-0x100000), so no custom memory map is needed and the
// kernel never reuses the tables' memory.
#pragma once

#include "bus/machine.h"
#include "bus/types.h"
#include "firmware/acpi_platform.h"
#include "firmware/pc_memory_layout.h"
#include "frontend/machine_config.h"

namespace glasspc {

namespace firmware {
class FwCfg;
}

constexpr u64 kDirectBootAcpiTablesAddress = 0xE0000;
constexpr u64 kDirectBootRsdpAddress = 0xF0000;
constexpr u64 kDirectBootMpTableAddress = 0xF0100;

// What the tables describe for this configuration (QEMU pc defaults otherwise).
firmware::AcpiPlatform pc_acpi_platform(const MachineConfig& config,
                                        const firmware::PcMemoryLayout& layout);

// Adds fw_cfg at 0x510/0x511 (DMA at 0x514) with the RAM size, CPU count, e820 RAM entries, boot
// order and the ACPI tables with their table-loader script. Its DMA is a memory access by the
// PIIX3 on the ISA side, so it uses the ISA bridge's requester ID (00:01.0), like the 8237.
firmware::FwCfg& add_pc_fw_cfg(Machine& machine, const firmware::AcpiPlatform& platform,
                               const firmware::PcMemoryLayout& layout);

// Writes the ACPI tables and the MP table at the addresses above; the shadow area must already
// be read/write RAM. Returns the RSDP's address.
u64 install_direct_boot_tables(Machine& machine, const firmware::AcpiPlatform& platform);

}  // namespace glasspc

// The Intel MultiProcessor Specification 1.4 tables: the MP floating pointer structure and the
// MP configuration table it points to, for operating systems that run without ACPI (Linux with
// acpi=off) and still need the processors, the IOAPIC and the interrupt routing.
//
// The contents match the ACPI tables built from the same AcpiPlatform: CPU i has APIC ID i,
// CPU 0 is the bootstrap processor, ISA IRQ 0 reaches IOAPIC input 2, IRQs 5, 9, 10 and 11 are
// level triggered and active high, and PCI INTx pins reach the IOAPIC input of the ISA IRQ their
// PIIX3 PIRQ line is routed to (AcpiPlatform::pirq_irqs).
#pragma once

#include <vector>

#include "bus/types.h"
#include "firmware/acpi_platform.h"

namespace glasspc {
class MemoryMap;
}

namespace glasspc::firmware {

constexpr std::size_t kMpFloatingPointerSize = 16;
constexpr std::size_t kMpConfigHeaderSize = 44;
constexpr u8 kMpSpecRevision = 4;  // MP spec 1.4

// Configuration table entry types (MP spec 1.4 §4.3, Table 4-3), with their sizes.
enum class MpEntryType : u8 {
  Processor = 0,
  Bus = 1,
  IoApic = 2,
  IoInterrupt = 3,
  LocalInterrupt = 4,
};
constexpr std::size_t kMpProcessorEntrySize = 20;
constexpr std::size_t kMpOtherEntrySize = 8;

// Bus IDs in the table: the PCI root bus keeps its bus number 0; ISA follows.
constexpr u8 kMpPciBusId = 0;
constexpr u8 kMpIsaBusId = 1;

// Interrupt types of I/O and local interrupt entries (§4.3.4, Table 4-8).
enum class MpInterruptType : u8 { Int = 0, Nmi = 1, Smi = 2, ExtInt = 3 };

// I/O interrupt flags (§4.3.4, Table 4-9): polarity in bits 1-0, trigger mode in bits 3-2.
constexpr u16 kMpConforming = 0x0000;
constexpr u16 kMpActiveHighLevel = 0x000D;

struct MpTable {
  u64 address = 0;        // physical address of the floating pointer structure
  std::vector<u8> bytes;  // the floating pointer, then the configuration table
  std::size_t entry_count = 0;
};

// Builds both structures, the configuration table right after the 16-byte floating pointer.
// `address` must be 16-byte aligned and the tables must end below 1 MiB: the OS looks for the
// floating pointer in the first KiB of the EBDA, the last KiB of base memory (0x9FC00 with
// 639 KiB) or the BIOS area 0xF0000-0xFFFFF (MP spec 1.4 §4). Throws std::invalid_argument
// otherwise, or for a platform validate_acpi_platform rejects.
MpTable build_mp_table(const AcpiPlatform& platform, u64 address);

// Writes the tables into guest memory and reads them back; throws std::runtime_error when the
// memory there did not keep them.
void install_mp_table(MemoryMap& memory, const MpTable& table);

}  // namespace glasspc::firmware

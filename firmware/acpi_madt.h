// The Multiple APIC Description Table (ACPI 6.4 §5.2.12): the local APICs, the IOAPIC and how
// ISA IRQs reach its inputs.
//
// The entries are those QEMU's pc machine emits: one Processor Local APIC per CPU, the IOAPIC
// with GSI base 0, Interrupt Source Overrides for IRQ 0 (the PIT drives IOAPIC input 2) and for
// IRQs 5, 9, 10 and 11 (the PCI link and SCI interrupts, level triggered and active high as the
// PIIX3 presents them), and one Local APIC NMI entry for LINT1 of every processor.
#pragma once

#include <vector>

#include "bus/types.h"
#include "firmware/acpi_platform.h"

namespace glasspc::firmware {

constexpr u8 kMadtRevision = 3;  // ACPI 2.0 MADT layout; newer entry types are not used

// Interrupt controller structure types (§5.2.12, Table 5.21).
enum class MadtEntryType : u8 {
  LocalApic = 0,
  IoApic = 1,
  InterruptSourceOverride = 2,
  LocalApicNmi = 4,
};

// MPS INTI flags (§5.2.12.5, Table 5.26): polarity in bits 1-0, trigger mode in bits 3-2.
constexpr u16 kIntiConforming = 0x0000;
constexpr u16 kIntiActiveHighLevel = 0x000D;

// ISA IRQs that QEMU overrides to level triggered, active high: the IRQs the PCI link devices
// can be routed to (5, 10, 11) and the SCI (9).
constexpr u16 kLevelTriggeredIsaIrqs = (1u << 5) | (1u << 9) | (1u << 10) | (1u << 11);

std::vector<u8> build_madt(const AcpiPlatform& platform);

}  // namespace glasspc::firmware

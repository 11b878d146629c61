// What the ACPI and MP tables describe: the facts of the machine they are built for.
//
// The defaults are those of QEMU's i440FX "pc" machine as SeaBIOS programs it, so that a guest
// sees the same platform description on glasspc as on QEMU; each field says where its value
// comes from. The chipset models must agree with these values (PM I/O base, SCI, HPET, IOAPIC).
#pragma once

#include <array>

#include "bus/types.h"

namespace glasspc::firmware {

struct AcpiPlatform {
  // Processors. CPU i has local APIC ID i and ACPI processor UID i (QEMU's flat topology).
  // 1-255: xAPIC IDs are 8 bits and 0xFF is the broadcast ID.
  unsigned cpu_count = 1;

  // Guest RAM mapped at 0 and at 4 GiB (see pc_memory_layout.h). The 32-bit PCI window runs from
  // the end of low RAM to just below the IOAPIC; the 64-bit window starts at the next 1 GiB
  // boundary at or after the end of high RAM (QEMU's pci_hole64_start) and is
  // `pci_hole64_size` bytes long (QEMU's i440FX default "pci-hole64-size", 2 GiB).
  u64 ram_below_4g = 0;
  u64 ram_above_4g = 0;
  u64 pci_hole64_size = u64{2} << 30;

  // Interrupt controllers at their architectural addresses. The IOAPIC's ID is 0 as QEMU
  // reports it (IOAPIC IDs and xAPIC IDs are separate name spaces); its 24 inputs start at GSI 0.
  u32 lapic_address = 0xFEE00000;
  u32 ioapic_address = 0xFEC00000;
  u8 ioapic_id = 0;

  // The HPET at its conventional address. The event timer block ID repeats the low 32 bits of
  // the HPET's capabilities register (IA-PC HPET 1.0a §3.2.4): QEMU's 0x8086A201 is vendor
  // 0x8086, legacy replacement capable, 64-bit counter, 3 comparators, revision 1.
  bool hpet = true;
  u32 hpet_address = 0xFED00000;
  u32 hpet_block_id = 0x8086A201;

  // ACPI power management I/O (PIIX4 PM function as SeaBIOS configures it on QEMU): PM1a event
  // block (4 bytes) at pm_io_base, PM1a control (2 bytes) at +4, PM timer (4 bytes) at +8; the
  // GPE0 block (status then enable, 2 bytes each) at gpe0_base.
  u16 pm_io_base = 0x600;
  u16 gpe0_base = 0xAFE0;
  u8 gpe0_length = 4;
  // The SCI is ISA IRQ 9, level triggered, active high (QEMU's wiring of the PIIX4 SCI).
  u8 sci_irq = 9;
  // SMI command port. 0 means the machine has no SMM and is always in ACPI mode (SCI_EN set by
  // the PM device at reset), so the OS never writes ACPI_ENABLE (ACPI 6.4 §5.2.9, SMI_CMD).
  // QEMU with SMM uses 0xB2 with enable/disable values 0xF1/0xF0.
  u16 smi_cmd = 0;
  u8 acpi_enable_value = 0xF1;
  u8 acpi_disable_value = 0xF0;

  // Reset through the PIIX3 Reset Control register: 0x06 sets SRST and RCPU, a hard reset.
  u16 reset_port = 0xCF9;
  u8 reset_value = 0x06;
  // CMOS index of the RTC century byte (IBM PC/AT convention, as QEMU's mc146818rtc).
  u8 rtc_century_index = 0x32;
  // An i8042 keyboard controller is present (IAPC_BOOT_ARCH bit 1).
  bool i8042 = true;

  // --- MP table only (MP spec 1.4) ---
  // Local APIC version register value (0x14: integrated xAPIC, as QEMU's LAPIC reports).
  u8 lapic_version = 0x14;
  // IOAPIC version register value (0x11: 82093AA as on the i440FX boards).
  u8 ioapic_version = 0x11;
  // CPUID leaf 1 EAX (signature) and EDX (features) reported in the processor entries; only
  // informational to the OS. Defaults: family 6, and FPU + APIC feature bits.
  u32 cpu_signature = 0x00000600;
  u32 cpu_features = 0x00000201;
  // The ISA IRQ each PIIX3 PIRQ line A-D is routed to, as SeaBIOS programs the PIRQ route
  // registers 0x60-0x63 (10, 10, 11, 11). The board must program the same values when the MP
  // table is used without a BIOS.
  std::array<u8, 4> pirq_irqs = {10, 10, 11, 11};
};

// Throws std::invalid_argument when the platform cannot be described (no CPUs or too many, low
// RAM overlapping the IOAPIC, an IRQ above 15).
void validate_acpi_platform(const AcpiPlatform& platform);

// The PIIX3 PIRQ line (0-3 for A-D) that INTx pin `pin` (0-3 for INTA-INTD) of PCI device
// `slot` drives: the rotation of the PIIX3 datasheet's interrupt routing, as QEMU wires it
// ((slot - 1 + pin) mod 4, so slot 1 INTA is PIRQA).
constexpr unsigned piix_pirq_of(unsigned slot, unsigned pin) {
  return (slot + 3 + pin) & 3;
}

}  // namespace glasspc::firmware

// The Differentiated System Description Table: the AML namespace of the machine.
//
//   \_SB.PCI0          PCI root bridge (PNP0A03): bus numbers, I/O and memory windows, _PRT
//   \_SB.PCI0.ISA_     PIIX3 function 0 at 00:01.0; its PIRQ route registers 0x60-0x63 as the
//                      fields PRQ0-PRQ3, and the ISA devices: PIC, PIT (TMR_), RTC, keyboard
//                      and mouse (when an i8042 exists), COM1
//   \_SB.LNKA-LNKD     PCI interrupt links (PNP0C0F) reading and writing PRQ0-PRQ3
//   \_SB.HPET          the HPET block (PNP0103), when present
//   \_SB.Cnnn          one processor device (ACPI0007) per CPU, _UID = MADT processor UID
//   \_S5_              soft-off sleep type
//
// The structure follows QEMU's pc machine DSDT, which is what Linux is tested against on that
// platform; the AML itself is generated here with the builder in aml_builder.h.
#pragma once

#include <vector>

#include "bus/types.h"
#include "firmware/acpi_platform.h"
#include "firmware/aml_builder.h"

namespace glasspc::firmware {

// DSDT revision 2: AML integers are 64 bits wide (ACPI 6.4 §5.2.11.1).
constexpr u8 kDsdtRevision = 2;

// SLP_TYPa for S5 (soft off). The PIIX4 PM control register's SUS_TYP field selects soft off
// with 000b (PIIX4 datasheet, PMCNTRL bits 12:10), and QEMU's PIIX4 PM powers off on a write of
// SLP_EN with type 0. Only S5 is offered: glasspc does not implement suspend to RAM (S3), so the
// DSDT has no \_S3_ and the OS never tries it.
constexpr u8 kS5SleepType = 0;

// The PIRQ route register value bit that disables routing (PIIX3 datasheet, PIRQRC[A:D] bit 7).
constexpr u8 kPirqDisabled = 0x80;

// The ISA IRQs a PCI link may be routed to, as QEMU offers them in _PRS.
constexpr u32 kLinkIrqChoices[] = {5, 10, 11};

// The contents of the DSDT after its header: the whole AML namespace.
Aml build_dsdt_aml(const AcpiPlatform& platform);
// The complete DSDT: header and AML, with its checksum.
std::vector<u8> build_dsdt(const AcpiPlatform& platform);

}  // namespace glasspc::firmware

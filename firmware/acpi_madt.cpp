#include "firmware/acpi_madt.h"

#include "firmware/acpi_table_writer.h"

namespace glasspc::firmware {

namespace {

constexpr u32 kPcatCompat = 1u << 0;        // MADT flags: dual 8259s are present as well
constexpr u32 kLocalApicEnabled = 1u << 0;  // Local APIC flags: usable processor
constexpr u8 kAllProcessors = 0xFF;         // ACPI processor UID that means every processor
constexpr u8 kIsaBus = 0;                   // the only bus source of overrides
constexpr u8 kLint1 = 1;

void interrupt_source_override(TableWriter& t, u8 irq, u32 gsi, u16 flags) {
  t.put8(static_cast<u8>(MadtEntryType::InterruptSourceOverride));
  t.put8(10);
  t.put8(kIsaBus);
  t.put8(irq);
  t.put32(gsi);
  t.put16(flags);
}

}  // namespace

std::vector<u8> build_madt(const AcpiPlatform& platform) {
  TableWriter t;
  begin_acpi_table(t, "APIC", kMadtRevision);
  t.put32(platform.lapic_address);
  t.put32(kPcatCompat);

  // §5.2.12.2: processor UID, APIC ID, flags.
  for (unsigned cpu = 0; cpu < platform.cpu_count; ++cpu) {
    t.put8(static_cast<u8>(MadtEntryType::LocalApic));
    t.put8(8);
    t.put8(static_cast<u8>(cpu));
    t.put8(static_cast<u8>(cpu));
    t.put32(kLocalApicEnabled);
  }

  // §5.2.12.3: IOAPIC ID, reserved, address, GSI base.
  t.put8(static_cast<u8>(MadtEntryType::IoApic));
  t.put8(12);
  t.put8(platform.ioapic_id);
  t.put8(0);
  t.put32(platform.ioapic_address);
  t.put32(0);

  // §5.2.12.5: the PIT's IRQ 0 is wired to IOAPIC input 2 (input 0 carries the 8259's INTR).
  // Conforming flags mean ISA semantics: edge triggered, active high.
  interrupt_source_override(t, 0, 2, kIntiConforming);
  for (u8 irq = 1; irq < 16; ++irq) {
    if ((kLevelTriggeredIsaIrqs & (1u << irq)) != 0)
      interrupt_source_override(t, irq, irq, kIntiActiveHighLevel);
  }

  // §5.2.12.7: NMI arrives on LINT1 of every processor, with the APIC's default polarity and
  // trigger mode.
  t.put8(static_cast<u8>(MadtEntryType::LocalApicNmi));
  t.put8(6);
  t.put8(kAllProcessors);
  t.put16(kIntiConforming);
  t.put8(kLint1);
  return finish_acpi_table(t);
}

}  // namespace glasspc::firmware

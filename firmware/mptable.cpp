#include "firmware/mptable.h"

#include <fmt/format.h>

#include <stdexcept>

#include "bus/memory_map.h"
#include "firmware/acpi_madt.h"
#include "firmware/acpi_table_writer.h"

namespace glasspc::firmware {

namespace {

constexpr u64 kBaseMemoryEnd = 0x100000;
constexpr std::size_t kFloatingChecksumOffset = 10;
constexpr std::size_t kConfigLengthOffset = 4;
constexpr std::size_t kConfigChecksumOffset = 7;
constexpr std::size_t kConfigEntryCountOffset = 34;

// Processor entry CPU flags (§4.3.1): EN (usable) and BP (the bootstrap processor).
constexpr u8 kCpuEnabled = 1u << 0;
constexpr u8 kCpuBootstrap = 1u << 1;
constexpr u8 kIoApicEnabled = 1u << 0;
// Destination local APIC ID that means every local APIC (§4.3.5).
constexpr u8 kAllLocalApics = 0xFF;
constexpr unsigned kPciSlots = 32;
constexpr unsigned kPinsPerSlot = 4;
constexpr u8 kPitIrq = 0;
constexpr u8 kPitIoApicInput = 2;
constexpr u8 kCascadeIrq = 2;

void bus(TableWriter& t, u8 id, std::string_view type) {
  t.put8(static_cast<u8>(MpEntryType::Bus));
  t.put8(id);
  t.chars(type, 6);
}

// I/O and local interrupt entries share one layout (§4.3.4, §4.3.5).
void interrupt_entry(TableWriter& t, MpEntryType kind, MpInterruptType type, u16 flags,
                     u8 source_bus, u8 source_irq, u8 destination_id, u8 destination_input) {
  t.put8(static_cast<u8>(kind));
  t.put8(static_cast<u8>(type));
  t.put16(flags);
  t.put8(source_bus);
  t.put8(source_irq);
  t.put8(destination_id);
  t.put8(destination_input);
}

}  // namespace

MpTable build_mp_table(const AcpiPlatform& platform, u64 address) {
  validate_acpi_platform(platform);
  if (address % 16 != 0)
    throw std::invalid_argument(
        fmt::format("MP table address {:#x} is not 16-byte aligned", address));
  const u64 config_address = address + kMpFloatingPointerSize;

  // §4.1: the MP floating pointer structure.
  TableWriter t;
  t.chars("_MP_", 4);
  t.put32(static_cast<u32>(config_address));
  t.put8(1);  // length in 16-byte paragraphs
  t.put8(kMpSpecRevision);
  t.put8(0);  // checksum
  t.put8(0);  // feature byte 1: 0, a configuration table is present (no default configuration)
  t.put8(0);  // feature byte 2: IMCRP clear, virtual wire mode (there is no IMCR at 0x22/0x23)
  t.zeros(3);

  // §4.2: the configuration table header; length, checksum and entry count are patched below.
  t.chars("PCMP", 4);
  t.put16(0);
  t.put8(kMpSpecRevision);
  t.put8(0);
  t.chars("GLASSPC", 8);
  t.chars("PC", 12);
  t.put32(0);  // OEM table pointer: none
  t.put16(0);  // OEM table size
  t.put16(0);  // entry count
  t.put32(platform.lapic_address);
  t.put16(0);  // extended table length: no extended entries
  t.put8(0);   // extended table checksum
  t.put8(0);

  std::size_t entries = 0;
  // §4.3.1: processors, the BSP first.
  for (unsigned cpu = 0; cpu < platform.cpu_count; ++cpu, ++entries) {
    t.put8(static_cast<u8>(MpEntryType::Processor));
    t.put8(static_cast<u8>(cpu));
    t.put8(platform.lapic_version);
    t.put8(static_cast<u8>(kCpuEnabled | (cpu == 0 ? kCpuBootstrap : 0)));
    t.put32(platform.cpu_signature);
    t.put32(platform.cpu_features);
    t.zeros(8);
  }

  // §4.3.2: buses, in ascending bus ID order.
  bus(t, kMpPciBusId, "PCI");
  bus(t, kMpIsaBusId, "ISA");
  entries += 2;

  // §4.3.3: the IOAPIC.
  t.put8(static_cast<u8>(MpEntryType::IoApic));
  t.put8(platform.ioapic_id);
  t.put8(platform.ioapic_version);
  t.put8(kIoApicEnabled);
  t.put32(platform.ioapic_address);
  ++entries;

  // §4.3.4: ISA IRQs reach the IOAPIC input of the same number, except the PIT's IRQ 0 (input
  // 2) and the cascade IRQ 2, which never arrives from the ISA bus.
  for (u8 irq = 0; irq < 16; ++irq) {
    if (irq == kCascadeIrq) continue;
    const u16 flags =
        (kLevelTriggeredIsaIrqs & (1u << irq)) != 0 ? kMpActiveHighLevel : kMpConforming;
    const u8 input = irq == kPitIrq ? kPitIoApicInput : irq;
    interrupt_entry(t, MpEntryType::IoInterrupt, MpInterruptType::Int, flags, kMpIsaBusId, irq,
                    platform.ioapic_id, input);
    ++entries;
  }
  // PCI interrupts: the source IRQ is device number << 2 | pin (§D.3), and the PIIX3 presents
  // its PIRQ lines to the IOAPIC level triggered and active high.
  for (unsigned slot = 1; slot < kPciSlots; ++slot) {
    for (unsigned pin = 0; pin < kPinsPerSlot; ++pin, ++entries) {
      interrupt_entry(t, MpEntryType::IoInterrupt, MpInterruptType::Int, kMpActiveHighLevel,
                      kMpPciBusId, static_cast<u8>((slot << 2) | pin), platform.ioapic_id,
                      platform.pirq_irqs[piix_pirq_of(slot, pin)]);
    }
  }

  // §4.3.5: the 8259's INTR on LINT0 (virtual wire mode) and NMI on LINT1 of every CPU.
  interrupt_entry(t, MpEntryType::LocalInterrupt, MpInterruptType::ExtInt, kMpConforming,
                  kMpIsaBusId, 0, kAllLocalApics, 0);
  interrupt_entry(t, MpEntryType::LocalInterrupt, MpInterruptType::Nmi, kMpConforming, kMpIsaBusId,
                  0, kAllLocalApics, 1);
  entries += 2;

  const std::size_t config_length = t.size() - kMpFloatingPointerSize;
  t.patch(kMpFloatingPointerSize + kConfigLengthOffset, config_length, 2);
  t.patch(kMpFloatingPointerSize + kConfigEntryCountOffset, entries, 2);
  MpTable table;
  table.address = address;
  table.entry_count = entries;
  table.bytes = t.take();
  if (address + table.bytes.size() > kBaseMemoryEnd)
    throw std::invalid_argument(fmt::format("MP table at {:#x} ({} bytes) does not end below 1 MiB",
                                            address, table.bytes.size()));
  set_checksum(table.bytes, kFloatingChecksumOffset, 0, kMpFloatingPointerSize);
  set_checksum(table.bytes, kMpFloatingPointerSize + kConfigChecksumOffset, kMpFloatingPointerSize,
               config_length);
  return table;
}

void install_mp_table(MemoryMap& memory, const MpTable& table) {
  memory.write_bytes(table.address, table.bytes.data(), table.bytes.size());
  std::vector<u8> back(table.bytes.size());
  memory.read_bytes(table.address, back.data(), back.size());
  if (back != table.bytes)
    throw std::runtime_error(fmt::format(
        "MP table at {:#x} did not reach guest RAM (is that address RAM?)", table.address));
}

}  // namespace glasspc::firmware

#include "firmware/acpi_dsdt.h"

#include <fmt/format.h>

#include <string>

#include "firmware/acpi_table_writer.h"
#include "firmware/aml_resources.h"

namespace glasspc::firmware {

namespace {

using namespace aml;

constexpr u64 k4GiB = u64{1} << 32;
constexpr u64 k1GiB = u64{1} << 30;
// The 32-bit PCI memory window ends just below the IOAPIC, leaving 0xFEC00000-0xFFFFFFFF to
// the IOAPIC, HPET, local APIC and BIOS ROM, as QEMU's i440FX host bridge does.
constexpr u32 kPciHoleEnd = 0xFEBFFFFF;
// The legacy VGA frame buffer window that the host bridge forwards to PCI.
constexpr u32 kVgaWindowStart = 0xA0000;
constexpr u32 kVgaWindowEnd = 0xBFFFF;
// I/O windows: everything except the configuration ports 0xCF8-0xCFF.
constexpr u16 kPciConfigAddressPort = 0xCF8;
constexpr u8 kPciConfigPortCount = 8;
// The PIIX3 function 0 (PCI-to-ISA bridge) at device 1, function 0: _ADR is device << 16 | fn.
constexpr u32 kIsaBridgeAddress = 0x00010000;
// PIRQRC[A:D]: the PIRQ route control registers in the PIIX3's configuration space.
constexpr u8 kPirqRouteRegisters = 0x60;
// PIRQRC bits 3-0: the ISA IRQ the line is routed to.
constexpr u8 kPirqIrqMask = 0x0F;
constexpr unsigned kPciSlots = 32;
constexpr unsigned kPinsPerSlot = 4;
// The HPET register block is 1 KiB (IA-PC HPET 1.0a §2.3).
constexpr u32 kHpetBlockSize = 0x400;

// _STA values (ACPI 6.4 §6.3.7): present, enabled, shown in the UI, functioning; a disabled link
// is present and functioning but not enabled.
constexpr u8 kStaPresentEnabled = 0x0B;
constexpr u8 kStaPresentDisabled = 0x09;

// Byte offset of the first interrupt number in an extended interrupt descriptor: tag, 16-bit
// length, flags and count come first (§6.4.3.6).
constexpr u8 kInterruptNumberOffset = 5;

const char* const kLinkNames[] = {"LNKA", "LNKB", "LNKC", "LNKD"};

std::string route_register(unsigned pirq) {
  return fmt::format("\\_SB.PCI0.ISA.PRQ{}", pirq);
}

ResourceDescriptor link_interrupt(const std::vector<u32>& irqs) {
  return interrupt(ResourceUsage::Consumer, Trigger::Level, Polarity::ActiveHigh, Sharing::Shared,
                   irqs);
}

// The root bridge's resources (§6.2.2 _CRS): it decodes every bus number, all I/O except the
// configuration ports, the VGA window, the PCI hole below 4 GiB and a window above high RAM.
Aml pci_root_resources(const AcpiPlatform& platform) {
  std::vector<ResourceDescriptor> resources = {
      word_bus_number(0x00, 0xFF),
      io(kPciConfigAddressPort, kPciConfigAddressPort, 0x01, kPciConfigPortCount),
      word_io(0x0000, kPciConfigAddressPort - 1),
      word_io(kPciConfigAddressPort + kPciConfigPortCount, 0xFFFF),
      dword_memory(Cacheability::Cacheable, kVgaWindowStart, kVgaWindowEnd),
      dword_memory(Cacheability::NonCacheable, static_cast<u32>(platform.ram_below_4g),
                   kPciHoleEnd),
  };
  if (platform.pci_hole64_size != 0) {
    const u64 start = (k4GiB + platform.ram_above_4g + k1GiB - 1) & ~(k1GiB - 1);
    resources.push_back(
        qword_memory(Cacheability::NonCacheable, start, start + platform.pci_hole64_size - 1));
  }
  return resource_template(resources);
}

// _PRT (§6.2.13): for each slot and pin, the link device whose interrupt it drives. Slot 0 is
// the host bridge, which raises no interrupts.
Aml pci_routing_table() {
  AmlList entries;
  for (unsigned slot = 1; slot < kPciSlots; ++slot) {
    for (unsigned pin = 0; pin < kPinsPerSlot; ++pin) {
      entries.push_back(package({dword_const((slot << 16) | 0xFFFF), integer(pin),
                                 name_string(kLinkNames[piix_pirq_of(slot, pin)]), zero()}));
    }
  }
  return package(entries);
}

Aml isa_device(std::string_view name, std::string_view hid, const AmlList& extra,
               const std::vector<ResourceDescriptor>& resources) {
  AmlList terms = {aml::name("_HID", eisa_id(hid))};
  terms.insert(terms.end(), extra.begin(), extra.end());
  terms.push_back(aml::name("_CRS", resource_template(resources)));
  return device(name, terms);
}

// The PIIX3 function 0 with its PIRQ route registers and the ISA devices behind it (PNP IDs
// from the Microsoft "Plug and Play ISA" device ID list).
Aml isa_bridge(const AcpiPlatform& platform) {
  AmlList terms = {
      aml::name("_ADR", dword_const(kIsaBridgeAddress)),
      operation_region("P40C", RegionSpace::PciConfig, byte_const(kPirqRouteRegisters),
                       integer(kPinsPerSlot)),
      field("P40C", FieldAccess::Byte, FieldLock::NoLock, FieldUpdate::Preserve,
            {FieldUnit::named("PRQ0", 8), FieldUnit::named("PRQ1", 8), FieldUnit::named("PRQ2", 8),
             FieldUnit::named("PRQ3", 8)}),
      isa_device("PIC", "PNP0000", {},
                 {io(0x20, 0x20, 0x01, 0x02), io(0xA0, 0xA0, 0x01, 0x02), irq_no_flags({2})}),
      isa_device("TMR", "PNP0100", {}, {io(0x40, 0x40, 0x01, 0x04), irq_no_flags({0})}),
      isa_device("RTC", "PNP0B00", {}, {io(0x70, 0x70, 0x01, 0x02), irq_no_flags({8})}),
  };
  if (platform.i8042) {
    terms.push_back(
        isa_device("KBD", "PNP0303", {},
                   {io(0x60, 0x60, 0x01, 0x01), io(0x64, 0x64, 0x01, 0x01), irq_no_flags({1})}));
    terms.push_back(isa_device("MOU", "PNP0F13", {}, {irq_no_flags({12})}));
  }
  terms.push_back(isa_device("COM1", "PNP0501", {aml::name("_UID", one())},
                             {io(0x3F8, 0x3F8, 0x01, 0x08), irq_no_flags({4})}));
  return device("ISA", terms);
}

Aml pci_root(const AcpiPlatform& platform) {
  return device("PCI0", {
                            aml::name("_HID", eisa_id("PNP0A03")),
                            // Base bus number 0. No _ADR: a device has a _HID or an _ADR,
                            // not both (ACPI 6.4 §6.1), and the root bridge is found by _HID.
                            aml::name("_BBN", zero()),
                            aml::name("_UID", zero()),
                            aml::name("_CRS", pci_root_resources(platform)),
                            aml::name("_PRT", pci_routing_table()),
                            isa_bridge(platform),
                        });
}

// IQST(route): a link's _STA from its route register (bit 7 set: routing disabled).
Aml link_status_method() {
  return method("IQST", 1, MethodSerialize::NotSerialized,
                {if_then(bit_and(byte_const(kPirqDisabled), arg(0)),
                         {return_value(byte_const(kStaPresentDisabled))}),
                 return_value(byte_const(kStaPresentEnabled))});
}

// IQCR(route): a link's current resources, an interrupt descriptor holding the routed IRQ (or
// IRQ 0 when routing is disabled). Serialized because it creates named objects.
Aml link_current_resources_method() {
  return method(
      "IQCR", 1, MethodSerialize::Serialized,
      {aml::name("PRR0", resource_template({link_interrupt({0})}, EndTagChecksum::Zero)),
       create_dword_field(name_string("PRR0"), byte_const(kInterruptNumberOffset), "PRRI"),
       if_then(logical_less(arg(0), byte_const(kPirqDisabled)),
               {bit_and(arg(0), byte_const(kPirqIrqMask), name_string("PRRI"))}),
       return_value(name_string("PRR0"))});
}

// A PCI interrupt link (§6.2.13 "_PRT", the PNP0C0F devices it references).
Aml link_device(unsigned pirq) {
  const std::string reg = route_register(pirq);
  std::vector<u32> choices(std::begin(kLinkIrqChoices), std::end(kLinkIrqChoices));
  return device(kLinkNames[pirq],
                {
                    aml::name("_HID", eisa_id("PNP0C0F")),
                    aml::name("_UID", integer(pirq)),
                    aml::name("_PRS", resource_template({link_interrupt(choices)})),
                    method("_STA", 0, MethodSerialize::NotSerialized,
                           {return_value(call("IQST", {name_string(reg)}))}),
                    method("_DIS", 0, MethodSerialize::NotSerialized,
                           {bit_or(name_string(reg), byte_const(kPirqDisabled), name_string(reg))}),
                    method("_CRS", 0, MethodSerialize::NotSerialized,
                           {return_value(call("IQCR", {name_string(reg)}))}),
                    method("_SRS", 1, MethodSerialize::Serialized,
                           {create_dword_field(arg(0), byte_const(kInterruptNumberOffset), "PRRI"),
                            store(name_string("PRRI"), name_string(reg))}),
                });
}

Aml hpet_device(const AcpiPlatform& platform) {
  return device(
      "HPET",
      {
          aml::name("_HID", eisa_id("PNP0103")),
          aml::name("_UID", zero()),
          aml::name("_CRS", resource_template({memory32_fixed(
                                Writable::ReadOnly, platform.hpet_address, kHpetBlockSize)})),
      });
}

// Processor devices (ACPI 6.4 §8.4: the Processor operator is deprecated in favour of
// ACPI0007 devices). The _UID matches the MADT entry's ACPI processor UID.
Aml processor_device(unsigned cpu) {
  return device(fmt::format("C{:03X}", cpu),
                {aml::name("_HID", string("ACPI0007")), aml::name("_UID", integer(cpu))});
}

}  // namespace

Aml build_dsdt_aml(const AcpiPlatform& platform) {
  AmlList system_bus = {pci_root(platform), link_status_method(), link_current_resources_method()};
  for (unsigned pirq = 0; pirq < 4; ++pirq) system_bus.push_back(link_device(pirq));
  if (platform.hpet) system_bus.push_back(hpet_device(platform));
  for (unsigned cpu = 0; cpu < platform.cpu_count; ++cpu)
    system_bus.push_back(processor_device(cpu));

  Aml out = aml::scope("\\_SB", system_bus);
  // \_S5: SLP_TYPa, SLP_TYPb and two reserved elements (§7.4.2).
  out += aml::name("\\_S5", aml::package({aml::integer(kS5SleepType), aml::integer(kS5SleepType),
                                          aml::zero(), aml::zero()}));
  return out;
}

std::vector<u8> build_dsdt(const AcpiPlatform& platform) {
  TableWriter t;
  begin_acpi_table(t, "DSDT", kDsdtRevision);
  t.bytes(build_dsdt_aml(platform).bytes());
  return finish_acpi_table(t);
}

}  // namespace glasspc::firmware

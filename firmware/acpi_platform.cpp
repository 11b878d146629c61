#include "firmware/acpi_platform.h"

#include <fmt/format.h>

#include <stdexcept>

namespace glasspc::firmware {

namespace {

// xAPIC IDs are 8 bits and 0xFF is the broadcast ID; MADT and MP processor entries carry
// 8-bit IDs too.
constexpr unsigned kMaxCpus = 255;

}  // namespace

void validate_acpi_platform(const AcpiPlatform& platform) {
  if (platform.cpu_count == 0 || platform.cpu_count > kMaxCpus)
    throw std::invalid_argument(
        fmt::format("{} CPUs: the tables describe 1 to {} CPUs", platform.cpu_count, kMaxCpus));
  if (platform.ram_below_4g == 0 || platform.ram_below_4g >= platform.ioapic_address ||
      platform.ram_below_4g >= 0xFEC00000)
    throw std::invalid_argument(fmt::format(
        "low RAM of {:#x} bytes leaves no PCI hole below the IOAPIC", platform.ram_below_4g));
  if (platform.sci_irq > 15) throw std::invalid_argument("the SCI must be an ISA IRQ (0-15)");
  for (u8 irq : platform.pirq_irqs) {
    if (irq > 15) throw std::invalid_argument("PIRQ lines route to ISA IRQs 0-15");
  }
  if (platform.gpe0_length == 0 || platform.gpe0_length % 2 != 0)
    throw std::invalid_argument("the GPE0 block holds status and enable halves of equal size");
}

}  // namespace glasspc::firmware

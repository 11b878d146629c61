#include "firmware/acpi_hpet.h"

#include <stdexcept>

#include "firmware/acpi_table_writer.h"

namespace glasspc::firmware {

namespace {

// The smallest period, in counter ticks, the OS should program in periodic mode. 0x80 (about
// 9 us at 14.318 MHz) is the value Intel chipsets report; QEMU reports 0 (no minimum).
constexpr u16 kMinimumTick = 0x80;

}  // namespace

std::vector<u8> build_hpet_table(const AcpiPlatform& platform) {
  TableWriter t;
  begin_acpi_table(t, "HPET", 1);
  t.put32(platform.hpet_block_id);
  // The register block is 1 KiB of memory-mapped registers, accessed as 64-bit quantities.
  generic_address(t, AddressSpace::SystemMemory, 64, AccessSize::Undefined, platform.hpet_address);
  t.put8(0);  // HPET number: the first (and only) block
  t.put16(kMinimumTick);
  t.put8(0);  // page protection: none (the block is not in a 4 KiB page of its own to protect)
  std::vector<u8> bytes = finish_acpi_table(t);
  if (bytes.size() != kHpetTableLength) throw std::logic_error("HPET table layout is wrong");
  return bytes;
}

}  // namespace glasspc::firmware

// The HPET description table (IA-PC HPET specification 1.0a §3.2.4): where the event timer block
// lives and what its capabilities register says.
#pragma once

#include <vector>

#include "bus/types.h"
#include "firmware/acpi_platform.h"

namespace glasspc::firmware {

constexpr std::size_t kHpetTableLength = 56;
constexpr std::size_t kHpetBlockIdOffset = 36;
constexpr std::size_t kHpetBaseAddressOffset = 40;  // a Generic Address Structure

std::vector<u8> build_hpet_table(const AcpiPlatform& platform);

}  // namespace glasspc::firmware

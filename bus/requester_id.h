// PCI requester ID (bus:device.function), the identity every DMA and MSI carries.
#pragma once

#include <string>

#include "bus/types.h"

namespace glasspc {

struct RequesterId {
  u16 value = 0;

  static constexpr RequesterId of(u8 bus, u8 device, u8 function) {
    return RequesterId{static_cast<u16>((bus << 8) | ((device & 0x1f) << 3) | (function & 7))};
  }
  constexpr u8 bus() const { return static_cast<u8>(value >> 8); }
  constexpr u8 device() const { return (value >> 3) & 0x1f; }
  constexpr u8 function() const { return value & 7; }
  std::string to_string() const;  // "00:03.0"
  friend constexpr bool operator==(RequesterId, RequesterId) = default;
  friend constexpr auto operator<=>(RequesterId, RequesterId) = default;
};

// Requester ID used for ISA DMA (the 8237 behind the PIIX3 at 00:01.0).
constexpr RequesterId kIsaDmaRequester = RequesterId::of(0, 1, 0);

}  // namespace glasspc

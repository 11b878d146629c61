// Message-signalled interrupts.
//
// An MSI is not a side channel: it is a 4-byte DMA write by the device, through its own
// DmaSpace, to an address in 0xFEE00000-0xFEEFFFFF. The DMA path recognises that window and hands
// the message to the interrupt fabric's InterruptMessageSink (the LAPICs), after the IOMMU's
// interrupt remapping when one is attached.
#pragma once

#include "bus/requester_id.h"
#include "bus/types.h"

namespace glasspc {

constexpr Gpa kMsiWindowBase = 0xFEE00000;
constexpr Gpa kMsiWindowSize = 0x100000;
constexpr bool in_msi_window(Gpa gpa) { return gpa >= kMsiWindowBase && gpa < kMsiWindowBase + kMsiWindowSize; }

struct MsiMessage {
  u64 address = 0;
  u32 data = 0;
  friend bool operator==(const MsiMessage&, const MsiMessage&) = default;
};

class InterruptMessageSink {
 public:
  virtual ~InterruptMessageSink() = default;
  // Delivers an interrupt message (already remapped when an IOMMU is present).
  virtual void deliver_msi(const MsiMessage& message, RequesterId requester) = 0;
};

}  // namespace glasspc

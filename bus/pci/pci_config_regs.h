// Offsets and bits of the PCI configuration space header, as PCI Local Bus Specification 3.0,
// chapter 6 "Configuration Space", names them. Shared by the bus model and every PCI function.
#pragma once

#include "bus/types.h"

namespace glasspc::pci {

// --- 6.1 Configuration space organization: the predefined header, both types ----------------
constexpr u8 kVendorId = 0x00;  // 16 bits
constexpr u8 kDeviceId = 0x02;  // 16 bits
constexpr u8 kCommand = 0x04;   // 16 bits
constexpr u8 kStatus = 0x06;    // 16 bits
constexpr u8 kRevisionId = 0x08;
constexpr u8 kProgIf = 0x09;  // class code, programming interface
constexpr u8 kSubclass = 0x0A;
constexpr u8 kClassCode = 0x0B;  // base class
constexpr u8 kCacheLineSize = 0x0C;
constexpr u8 kLatencyTimer = 0x0D;
constexpr u8 kHeaderType = 0x0E;
constexpr u8 kBist = 0x0F;
constexpr u8 kBar0 = 0x10;
constexpr u8 kCapabilitiesPointer = 0x34;
constexpr u8 kInterruptLine = 0x3C;
constexpr u8 kInterruptPin = 0x3D;

// Type 0 (a device).
constexpr u8 kCardbusCis = 0x28;
constexpr u8 kSubsystemVendorId = 0x2C;
constexpr u8 kSubsystemId = 0x2E;
constexpr u8 kExpansionRomType0 = 0x30;
constexpr u8 kMinGrant = 0x3E;
constexpr u8 kMaxLatency = 0x3F;
constexpr unsigned kBarCountType0 = 6;

// Type 1 (a PCI-to-PCI bridge; PCI-to-PCI Bridge Architecture Specification 1.2, 3.2).
constexpr u8 kPrimaryBus = 0x18;
constexpr u8 kSecondaryBus = 0x19;
constexpr u8 kSubordinateBus = 0x1A;
constexpr u8 kSecondaryLatency = 0x1B;
constexpr u8 kIoBase = 0x1C;
constexpr u8 kIoLimit = 0x1D;
constexpr u8 kSecondaryStatus = 0x1E;
constexpr u8 kMemoryBase = 0x20;
constexpr u8 kMemoryLimit = 0x22;
constexpr u8 kPrefetchBase = 0x24;
constexpr u8 kPrefetchLimit = 0x26;
constexpr u8 kPrefetchBaseUpper = 0x28;
constexpr u8 kPrefetchLimitUpper = 0x2C;
constexpr u8 kIoBaseUpper = 0x30;
constexpr u8 kIoLimitUpper = 0x32;
constexpr u8 kExpansionRomType1 = 0x38;
constexpr u8 kBridgeControl = 0x3E;
constexpr unsigned kBarCountType1 = 2;

// The first byte after the predefined header: device-specific registers and capabilities.
constexpr unsigned kHeaderSize = 0x40;
constexpr unsigned kConfigSize = 0x100;

// --- 6.2.2 Command register ------------------------------------------------------------------
constexpr u16 kCommandIoSpace = 1 << 0;
constexpr u16 kCommandMemorySpace = 1 << 1;
constexpr u16 kCommandBusMaster = 1 << 2;
constexpr u16 kCommandParityErrorResponse = 1 << 6;
constexpr u16 kCommandSerrEnable = 1 << 8;
constexpr u16 kCommandInterruptDisable = 1 << 10;

// --- 6.2.3 Status register -------------------------------------------------------------------
constexpr u16 kStatusInterrupt = 1 << 3;         // RO: INTx asserted inside the function
constexpr u16 kStatusCapabilitiesList = 1 << 4;  // RO
constexpr u16 kStatusMasterDataParityError = 1 << 8;
constexpr u16 kStatusDevselMedium = 1 << 9;  // RO: DEVSEL timing = medium
constexpr u16 kStatusSignaledTargetAbort = 1 << 11;
constexpr u16 kStatusReceivedTargetAbort = 1 << 12;
constexpr u16 kStatusReceivedMasterAbort = 1 << 13;
constexpr u16 kStatusSignaledSystemError = 1 << 14;
constexpr u16 kStatusDetectedParityError = 1 << 15;
// The error bits software clears by writing 1 (6.2.3: "reads ... writes can only reset bits").
constexpr u16 kStatusWriteOneToClear = kStatusMasterDataParityError | kStatusSignaledTargetAbort |
                                       kStatusReceivedTargetAbort | kStatusReceivedMasterAbort |
                                       kStatusSignaledSystemError | kStatusDetectedParityError;

// --- 6.2.1 Header type -----------------------------------------------------------------------
constexpr u8 kHeaderTypeMask = 0x7F;
constexpr u8 kHeaderTypeMultiFunction = 0x80;

// --- 6.2.5.1 Base address registers ----------------------------------------------------------
constexpr u32 kBarIoSpace = 1 << 0;      // bit 0: 1 = I/O, 0 = memory
constexpr u32 kBarMemType64 = 0x2 << 1;  // bits 2:1 = 10b: 64-bit memory BAR
constexpr u32 kBarMemPrefetchable = 1 << 3;
constexpr u32 kBarIoAddressMask = ~u32{0x3};
constexpr u32 kBarMemAddressMask = ~u32{0xF};

// --- 6.7 Capabilities list; Appendix H capability IDs ----------------------------------------
constexpr u8 kCapabilityIdMsi = 0x05;
constexpr u8 kCapabilityIdMsix = 0x11;
constexpr u8 kCapabilityIdVendor = 0x09;
// The bottom two bits of a capability pointer are reserved and masked by software.
constexpr u8 kCapabilityPointerMask = 0xFC;

// Interrupt Pin values (6.2.4).
constexpr u8 kNoInterruptPin = 0;
constexpr u8 kIntA = 1;
constexpr u8 kIntB = 2;
constexpr u8 kIntC = 3;
constexpr u8 kIntD = 4;

// devfn, the 8-bit device/function number of a configuration address.
constexpr u8 devfn(u8 device, u8 function) {
  return static_cast<u8>(((device & 0x1F) << 3) | (function & 0x7));
}
constexpr u8 device_of(u8 devfn) {
  return devfn >> 3;
}
constexpr u8 function_of(u8 devfn) {
  return devfn & 0x7;
}

}  // namespace glasspc::pci

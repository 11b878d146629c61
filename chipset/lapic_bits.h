// Bit fields of the local APIC registers, as Intel SDM Vol. 3A chapter 11 draws them. Shared by
// the LAPIC's register decode (lapic_registers.cpp) and its interrupt logic (lapic.cpp).
#pragma once

#include <array>

#include "bus/types.h"

namespace glasspc::lapic_bits {

// Version register (SDM Figure 11-7): version 0x14 (an integrated xAPIC, as QEMU reports), six
// LVT entries (Max LVT Entry = 5), and "Suppress EOI-broadcasts" supported (bit 24).
constexpr u32 kVersion = 0x14;
constexpr u32 kMaxLvtShift = 16;
constexpr u32 kLvtEntries = 6;
constexpr u32 kEoiBroadcastSuppressionSupported = 1u << 24;
constexpr u32 kVersionValue =
    kVersion | ((kLvtEntries - 1) << kMaxLvtShift) | kEoiBroadcastSuppressionSupported;

// xAPIC ID and LDR keep their value in bits 31:24 (SDM Figures 11-6, 11-13).
constexpr unsigned kXapicIdShift = 24;
constexpr u32 kXapicIdMask = 0xFF000000;

// DFR bits 31:28 select the logical model (SDM Figure 11-14); bits 27:0 read as ones.
constexpr u32 kDfrModelMask = 0xF0000000;
constexpr u32 kDfrReservedOnes = 0x0FFFFFFF;
constexpr u32 kDfrFlat = 0xF;
constexpr u32 kDfrCluster = 0x0;
constexpr unsigned kDfrModelShift = 28;

// xAPIC destinations are 8 bits. In the cluster model the cluster is in bits 7:4 (cluster 15
// addresses every cluster) and up to four members in bits 3:0 (SDM 11.6.2.2).
constexpr u32 kXapicDestinationMask = 0xFF;
constexpr unsigned kClusterShift = 4;
constexpr u32 kClusterMemberMask = 0xF;
constexpr u32 kAllClusters = 0xF;

// x2APIC logical ID (SDM 11.12.10.2): cluster = x2APIC ID[19:4] in bits 31:16, and one bit per
// member, 1 << ID[3:0], in bits 15:0.
constexpr unsigned kX2apicClusterShift = 16;
constexpr u32 kX2apicMemberMask = 0xFFFF;
constexpr unsigned kX2apicClusterIdShift = 4;
constexpr u32 kX2apicMemberIdMask = 0xF;

// Spurious-interrupt vector register (SDM Figure 11-23).
constexpr u32 kSvrVectorMask = 0xFF;
constexpr u32 kSvrSoftwareEnable = 1u << 8;
constexpr u32 kSvrFocusCheckingDisabled = 1u << 9;
constexpr u32 kSvrSuppressEoiBroadcast = 1u << 12;
constexpr u32 kSvrWritable =
    kSvrVectorMask | kSvrSoftwareEnable | kSvrFocusCheckingDisabled | kSvrSuppressEoiBroadcast;
constexpr u32 kSvrResetValue = 0xFF;

// LVT entries (SDM Figure 11-8).
constexpr u32 kLvtVectorMask = 0xFF;
constexpr unsigned kLvtDeliveryModeShift = 8;
constexpr u32 kLvtDeliveryModeMask = 0x7u << kLvtDeliveryModeShift;
constexpr u32 kLvtDeliveryStatus = 1u << 12;
constexpr u32 kLvtPolarityActiveLow = 1u << 13;
constexpr u32 kLvtRemoteIrr = 1u << 14;
constexpr u32 kLvtLevelTriggered = 1u << 15;
constexpr u32 kLvtMasked = 1u << 16;
constexpr unsigned kLvtTimerModeShift = 17;
constexpr u32 kLvtTimerModeMask = 0x3u << kLvtTimerModeShift;

// Bits software may write in each LVT entry, in the order timer, thermal, performance, LINT0,
// LINT1, error. The timer and error entries have no delivery mode (always fixed).
constexpr std::array<u32, kLvtEntries> kLvtWritable = {
    kLvtVectorMask | kLvtMasked | kLvtTimerModeMask,
    kLvtVectorMask | kLvtDeliveryModeMask | kLvtMasked,
    kLvtVectorMask | kLvtDeliveryModeMask | kLvtMasked,
    kLvtVectorMask | kLvtDeliveryModeMask | kLvtPolarityActiveLow | kLvtLevelTriggered | kLvtMasked,
    kLvtVectorMask | kLvtDeliveryModeMask | kLvtPolarityActiveLow | kLvtLevelTriggered | kLvtMasked,
    kLvtVectorMask | kLvtMasked,
};
// Read-only bits of each entry (delivery status everywhere, remote IRR on LINT0/LINT1): an x2APIC
// WRMSR may carry them back unchanged without #GP.
constexpr std::array<u32, kLvtEntries> kLvtReadOnly = {
    kLvtDeliveryStatus,
    kLvtDeliveryStatus,
    kLvtDeliveryStatus,
    kLvtDeliveryStatus | kLvtRemoteIrr,
    kLvtDeliveryStatus | kLvtRemoteIrr,
    kLvtDeliveryStatus,
};
// The BSP's LVT LINT0 after reset: ExtINT, unmasked (virtual wire mode, as QEMU).
constexpr u32 kLint0VirtualWire = 0x7u << kLvtDeliveryModeShift;

// Interrupt command register (SDM Figure 11-12).
constexpr u32 kIcrVectorMask = 0xFF;
constexpr unsigned kIcrDeliveryModeShift = 8;
constexpr u32 kIcrDeliveryModeMask = 0x7u << kIcrDeliveryModeShift;
constexpr u32 kIcrLogical = 1u << 11;
constexpr u32 kIcrDeliveryStatus = 1u << 12;
constexpr u32 kIcrAssert = 1u << 14;
constexpr u32 kIcrLevelTriggered = 1u << 15;
constexpr unsigned kIcrShorthandShift = 18;
constexpr u32 kIcrShorthandMask = 0x3u << kIcrShorthandShift;
constexpr u32 kIcrLowWritable = kIcrVectorMask | kIcrDeliveryModeMask | kIcrLogical | kIcrAssert |
                                kIcrLevelTriggered | kIcrShorthandMask;
constexpr u32 kIcrHighWritable = kXapicIdMask;
constexpr unsigned kX2apicIcrDestinationShift = 32;

// Task priority: the class in bits 7:4, the sub-class in 3:0 (SDM Figure 11-18). CR8 holds the
// class (SDM 11.8.6.1).
constexpr u32 kTprMask = 0xFF;
constexpr u8 kPriorityClassMask = 0xF0;
constexpr unsigned kPriorityClassShift = 4;

// Vectors 0-15 are reserved for exceptions; an interrupt carrying one is illegal (SDM 11.5.3).
constexpr u8 kFirstLegalVector = 16;

constexpr u32 kEsrWritableInX2apic = 0;  // x2APIC: ESR may only be written with zero
constexpr u32 kSelfIpiVectorMask = 0xFF;
constexpr u32 kDivideConfigWritable = 0xB;

}  // namespace glasspc::lapic_bits

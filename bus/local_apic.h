// What a vCPU needs from its own local APIC (Intel SDM Vol. 3A, chapter 11 "Advanced Programmable
// Interrupt Controller").
//
// The LAPIC is a chipset device (chipset/), one per vCPU; the CPU reaches it without knowing its
// class. Interrupt delivery itself uses the CpuCore pins: the LAPIC raises the CPU's INTR with
// set_intr() while it has a deliverable fixed interrupt, and is the CPU's InterruptAcknowledger;
// NMI, INIT and SIPI arrive through CpuCore::nmi/init/sipi. This interface carries the rest: the
// IA32_APIC_BASE MSR, the xAPIC MMIO page (which the CPU routes to its own LAPIC, never to the
// shared MemoryMap: each CPU sees its own APIC at the same address), the x2APIC MSRs and CR8.
#pragma once

#include "bus/types.h"

namespace glasspc {

class LocalApicPort {
 public:
  virtual ~LocalApicPort() = default;

  // IA32_APIC_BASE (MSR 0x1B): base address, BSP flag, EXTD (x2APIC) and EN bits. A write that
  // the SDM forbids (reserved bits, illegal EN/EXTD transition, SDM 11.12.5) returns false and the
  // CPU raises #GP.
  virtual u64 apic_base() const = 0;
  virtual bool set_apic_base(u64 value) = 0;

  // True while the xAPIC page decodes: APIC globally enabled and not in x2APIC mode. The CPU
  // then sends accesses to the 4 KiB page at apic_base() & ~0xFFF here.
  virtual bool xapic_mmio_enabled() const = 0;
  virtual u32 mmio_read(u32 offset, unsigned size) = 0;
  virtual void mmio_write(u32 offset, u32 value, unsigned size) = 0;

  // x2APIC MSRs 0x800-0x8FF (SDM 11.12.1). false -> #GP (x2APIC off, reserved MSR, bad value).
  virtual bool msr_read(u32 msr, u64& value) = 0;
  virtual bool msr_write(u32 msr, u64 value) = 0;

  // CR8 reads and writes TPR[7:4] (SDM 10.8.6.1 / 11.8.6.1).
  virtual u8 cr8() const = 0;
  virtual void set_cr8(u8 value) = 0;

  // IA32_TSC_DEADLINE (MSR 0x6E0) for the TSC-deadline timer mode.
  virtual u64 tsc_deadline() const = 0;
  virtual void set_tsc_deadline(u64 value) = 0;
};

}  // namespace glasspc

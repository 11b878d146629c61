// What the machine needs from a virtual CPU. The implementation lives in cpu/; the machine,
// the interrupt controllers and the firmware loaders only see this interface.
#pragma once

#include "bus/types.h"

namespace glasspc {

class Archive;
class LocalApicPort;

enum class CpuRunExit : u8 {
  Deadline,  // virtual time reached the deadline, or the vCPU ended its turn early (PAUSE)
  Halted,    // HLT (or waiting for SIPI) with nothing to wake it; the machine may skip time
  Stopped,   // stop() was called (exit, reset or snapshot requested)
  Shutdown,  // triple fault: the CPU entered shutdown; the machine resets or exits
};

// Supplies the vector when the CPU acknowledges INTR (the 8259 in PIC mode, the LAPIC).
class InterruptAcknowledger {
 public:
  virtual ~InterruptAcknowledger() = default;
  virtual u8 acknowledge() = 0;
};

// Architectural state a loader may put a CPU into instead of the reset state.
struct CpuBootState {
  enum class Mode : u8 {
    Real,             // CS = cs_selector (base = selector << 4), IP = rip; other segments 0
    Protected32Flat,  // CR0.PE=1, paging off; CS = 0x10 flat 4 GiB code (execute/read, 32-bit),
                      // DS/ES/FS/GS/SS = 0x18 flat 4 GiB data; GDTR not loaded (multiboot,
                      // Linux 32-bit boot protocol); EFLAGS = 0x2 (IF=0)
  };
  Mode mode = Mode::Real;
  u16 cs_selector = 0;
  u64 rip = 0;
  u64 rax = 0, rbx = 0, rcx = 0, rdx = 0, rsi = 0, rdi = 0, rbp = 0, rsp = 0;
  // Protected32Flat: when gdt_limit is non-zero, GDTR is loaded with this table, which the loader
  // has placed in RAM with flat descriptors at selectors 0x10 (code) and 0x18 (data) as the Linux
  // 32-bit boot protocol requires (Documentation/arch/x86/boot.rst, "32-bit Boot Protocol").
  u64 gdt_base = 0;
  u16 gdt_limit = 0;
};

class CpuCore {
 public:
  virtual ~CpuCore() = default;

  // 0 is the bootstrap processor.
  virtual u32 index() const = 0;
  // Runs until virtual time reaches `deadline`, the CPU halts, or stop() is called; always at an
  // instruction boundary. Retired instructions advance the machine's Clock.
  virtual CpuRunExit run(Picoseconds deadline) = 0;
  // Makes a running run() return at the next instruction boundary (callable from device code
  // executed by that CPU, e.g. an exit-port write).
  virtual void stop() = 0;

  // RESET#: the BSP starts at F000:FFF0; APs wait for INIT/SIPI.
  virtual void reset() = 0;
  virtual void set_boot_state(const CpuBootState& state) = 0;

  // Pins.
  virtual void set_intr(bool level) = 0;
  virtual void set_interrupt_acknowledger(InterruptAcknowledger* acknowledger) = 0;
  virtual void nmi() = 0;
  virtual void init() = 0;
  virtual void sipi(u8 vector) = 0;

  // The CPU's own local APIC (bus/local_apic.h): it receives the xAPIC page, IA32_APIC_BASE, the
  // x2APIC MSRs, IA32_TSC_DEADLINE and CR8. Without one, CPUID reports no APIC.
  virtual void set_local_apic(LocalApicPort* apic) = 0;

  virtual bool halted() const = 0;
  virtual void serialize(Archive& archive) = 0;
};

}  // namespace glasspc

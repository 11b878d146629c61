// The local APIC of one vCPU (Intel SDM Vol. 3A, chapter 11), in xAPIC and x2APIC modes.
//
// The CPU reaches it through LocalApicPort (IA32_APIC_BASE, the xAPIC page, the x2APIC MSRs, CR8,
// IA32_TSC_DEADLINE); it drives the CPU through the CpuCore pins: INTR (set_intr) while a fixed
// interrupt can be dispatched, nmi(), init() and sipi(); and it is the CPU's
// InterruptAcknowledger, so the CPU never talks to the 8259 directly.
//
// Inputs: messages from the ApicBus (IOAPIC, MSI, IPIs) and the LINT0/LINT1 pins (an IrqSink,
// pins kLint0 and kLint1). The board wires the 8259's INTR to LINT0 and names the 8259 as the
// ExtINT acknowledger: with LVT LINT0 in ExtINT mode, or with the APIC globally disabled
// (IA32_APIC_BASE.EN = 0, where LINT0 and LINT1 become the CPU's INTR and NMI pins, SDM 11.4.3),
// the CPU's acknowledge cycle is passed on to the 8259. Pin levels here are logical (asserted or
// not): the polarity bit of an LVT entry is kept and read back but does not invert the wire.
//
// Priorities (SDM 11.8.3): PPR = TPR when TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0; the highest
// IRR vector whose class is above PPR[7:4] raises INTR. Acknowledge moves it from IRR to ISR
// (the spurious vector from SVR when nothing is deliverable any more, SDM 11.9); EOI clears the
// highest ISR bit and, for a level-triggered vector (TMR), broadcasts the EOI on the ApicBus
// unless SVR bit 12 suppresses it.
//
// Power-up: like QEMU, the BSP's LVT LINT0 comes out of reset in ExtINT mode, unmasked (virtual
// wire mode, which the firmware would otherwise set up), so a guest that only programs the 8259
// gets its interrupts with the APIC enabled as well as disabled.
//
// Every decision is traced under TraceCategory::Irq, every register access under Reg.
#pragma once

#include <array>
#include <string>

#include "bus/cpu_core.h"
#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/local_apic.h"
#include "bus/types.h"
#include "chipset/apic_bus.h"
#include "chipset/lapic_timer.h"

namespace glasspc {

class Archive;
class Scheduler;
class Trace;

struct LocalApicConfig {
  u32 index = 0;    // vCPU index; index 0 is the bootstrap processor
  u32 apic_id = 0;  // initial APIC ID (CPUID.01H:EBX[31:24]) and x2APIC ID
  u64 tsc_hz = 1'000'000'000;
  // The clock the timer divides (the "bus clock"); QEMU's APIC timer counts at 1 GHz.
  u64 timer_hz = 1'000'000'000;
  // MAXPHYADDR: IA32_APIC_BASE bits at and above it are reserved.
  unsigned physical_address_bits = 40;
};

class LocalApic : public Device,
                  public LocalApicPort,
                  public InterruptAcknowledger,
                  public IrqSink {
 public:
  static constexpr unsigned kLint0 = 0;
  static constexpr unsigned kLint1 = 1;
  static constexpr Gpa kDefaultBase = 0xFEE00000;

  // xAPIC register offsets (SDM Table 11-1); the x2APIC MSR is 0x800 + offset / 16.
  enum Register : u32 {
    kId = 0x020,
    kVersion = 0x030,
    kTpr = 0x080,
    kApr = 0x090,
    kPpr = 0x0A0,
    kEoi = 0x0B0,
    kRrd = 0x0C0,
    kLdr = 0x0D0,
    kDfr = 0x0E0,
    kSvr = 0x0F0,
    kIsr = 0x100,  // 8 registers, 0x100-0x170
    kTmr = 0x180,  // 0x180-0x1F0
    kIrr = 0x200,  // 0x200-0x270
    kEsr = 0x280,
    kIcrLow = 0x300,
    kIcrHigh = 0x310,
    kLvtTimer = 0x320,
    kLvtThermal = 0x330,
    kLvtPerf = 0x340,
    kLvtLint0 = 0x350,
    kLvtLint1 = 0x360,
    kLvtError = 0x370,
    kInitialCount = 0x380,
    kCurrentCount = 0x390,
    kDivideConfig = 0x3E0,
    kSelfIpi = 0x3F0,  // x2APIC only (MSR 0x83F)
  };
  static constexpr u32 kX2apicMsrBase = 0x800;
  static constexpr u32 kX2apicMsrLast = 0x8FF;

  // IA32_APIC_BASE bits (SDM Figure 11-5).
  static constexpr u64 kApicBaseBsp = 1u << 8;
  static constexpr u64 kApicBaseExtd = 1u << 10;
  static constexpr u64 kApicBaseEnable = 1u << 11;

  // ESR bits (SDM Figure 11-9).
  static constexpr u32 kEsrSendIllegalVector = 1u << 5;
  static constexpr u32 kEsrReceiveIllegalVector = 1u << 6;
  static constexpr u32 kEsrIllegalRegister = 1u << 7;

  // Registers itself on `bus` (which must outlive it) and makes itself `cpu`'s
  // InterruptAcknowledger; creates the Scheduler timer name() + ".timer".
  LocalApic(std::string name, const LocalApicConfig& config, CpuCore& cpu, ApicBus& bus,
            Scheduler& scheduler, Trace& trace);
  ~LocalApic() override;

  // The 8259 that answers for ExtINT interrupts (LINT0 in ExtINT mode or pass-through).
  void set_extint_acknowledger(InterruptAcknowledger* pic) { m_extint_acknowledger = pic; }

  void reset() override;
  void serialize(Archive& archive) override;

  // LocalApicPort.
  u64 apic_base() const override { return m_apic_base; }
  bool set_apic_base(u64 value) override;
  bool xapic_mmio_enabled() const override { return globally_enabled() && !x2apic_mode(); }
  u32 mmio_read(u32 offset, unsigned size) override;
  void mmio_write(u32 offset, u32 value, unsigned size) override;
  bool msr_read(u32 msr, u64& value) override;
  bool msr_write(u32 msr, u64 value) override;
  u8 cr8() const override;
  void set_cr8(u8 value) override;
  u64 tsc_deadline() const override;
  void set_tsc_deadline(u64 value) override;

  // InterruptAcknowledger: the CPU's INTA cycle.
  u8 acknowledge() override;
  // IrqSink: LINT0 (pin 0) and LINT1 (pin 1).
  void set_irq(unsigned pin, bool level) override;

  // --- the ApicBus side -----------------------------------------------------------------------
  u32 index() const { return m_config.index; }
  // The ID this LAPIC answers to: ID register bits 31:24 in xAPIC mode, the x2APIC ID otherwise.
  u32 apic_id() const;
  bool globally_enabled() const { return (m_apic_base & kApicBaseEnable) != 0; }
  bool x2apic_mode() const { return (m_apic_base & kApicBaseExtd) != 0; }
  bool software_enabled() const;
  // Does `message` (no shorthand) address this LAPIC? (SDM 11.6.2.1, 11.6.2.2, 11.12.9)
  bool addressed_by(const InterruptMessage& message) const;
  // Arbitration priority for lowest-priority delivery (SDM 11.6.2.4).
  u8 arbitration_priority() const;
  // Focus processor for `vector`: focus checking is on and the vector is pending or in service.
  bool is_focus_for(u8 vector) const;
  // Takes a message the ApicBus routed here; true when accepted.
  bool receive(const InterruptMessage& message, std::string_view origin);

  // --- side-effect-free views (monitor, tests) -----------------------------------------------
  bool irr_bit(u8 vector) const { return test(m_irr, vector); }
  bool isr_bit(u8 vector) const { return test(m_isr, vector); }
  bool tmr_bit(u8 vector) const { return test(m_tmr, vector); }
  u8 tpr() const { return m_tpr; }
  u8 ppr() const;
  bool intr_output() const { return m_intr_output; }

 private:
  enum Lvt : unsigned { kTimer, kThermal, kPerf, kLint0Lvt, kLint1Lvt, kError, kLvtCount };
  using VectorBits = std::array<u32, 8>;

  static bool test(const VectorBits& bits, u8 vector) {
    return (bits[vector / 32] >> (vector % 32)) & 1;
  }
  static void assign(VectorBits& bits, u8 vector, bool value);
  static int highest(const VectorBits& bits);  // -1 when empty

  // State.
  void reset_registers();  // power-up / INIT values (SDM 11.4.7.1), keeping IA32_APIC_BASE
  void enter_x2apic_mode();
  void refresh_timer_lvt();

  // Interrupt acceptance and dispatch (lapic.cpp).
  bool accept_fixed(u8 vector, ApicTriggerMode trigger, std::string_view origin);
  int deliverable_vector() const;  // highest IRR vector above PPR, or -1
  void update_intr();
  bool extint_pending() const;
  u8 acknowledge_extint(std::string_view why);
  void end_of_interrupt();
  void deliver_lvt(unsigned lvt, std::string_view origin);
  void lint_changed(unsigned pin, bool old_level);
  void signal_error(u32 esr_bits);
  void timer_expired();
  void init_reset(std::string_view origin);

  // Registers (lapic_registers.cpp). `x2apic` selects the MSR rules.
  bool read_register(u32 offset, u64& value, bool x2apic);
  bool write_register(u32 offset, u64 value, bool x2apic);
  void write_lvt(unsigned lvt, u32 value);
  void write_svr(u32 value);
  void send_ipi(u64 icr);
  u32 dfr_value() const;
  void trace_register(const char* what, u32 offset, u64 value);

  LocalApicConfig m_config;
  CpuCore& m_cpu;
  ApicBus& m_bus;
  Trace& m_trace;
  InterruptAcknowledger* m_extint_acknowledger = nullptr;
  LapicTimer m_timer;

  u64 m_apic_base = 0;
  u32 m_id = 0;  // the ID register as stored (xAPIC: ID in bits 31:24)
  u8 m_tpr = 0;
  u32 m_ldr = 0;
  u32 m_dfr = 0;
  u32 m_svr = 0;
  u32 m_esr = 0;          // what ESR reads: the errors latched by the last ESR write
  u32 m_esr_pending = 0;  // errors seen since then (SDM 11.5.3)
  u32 m_icr_low = 0;
  u32 m_icr_high = 0;
  std::array<u32, kLvtCount> m_lvt{};
  VectorBits m_irr{};
  VectorBits m_isr{};
  VectorBits m_tmr{};
  std::array<bool, 2> m_lint_level{};
  bool m_extint_message = false;  // an ExtINT message from the bus waits for acknowledge
  bool m_intr_output = false;
};

}  // namespace glasspc

// The local APIC's interrupt logic: IA32_APIC_BASE, acceptance, priorities, the CPU's
// acknowledge cycle, EOI, the LINT pins and INIT. The register decode is in lapic_registers.cpp.
#include "chipset/lapic.h"

#include <fmt/format.h>

#include <algorithm>

#include "bus/archive.h"
#include "bus/trace.h"
#include "chipset/lapic_bits.h"

namespace glasspc {

using namespace lapic_bits;

namespace {

// IA32_APIC_BASE bits 7:0 and 9 are reserved (SDM Figure 11-5); so is every bit at or above
// MAXPHYADDR. Bits 11:10 are the enables, bit 8 the BSP flag, bits 12 and up the base.
constexpr u64 kApicBaseLowReserved = 0x2FF;

u64 apic_base_reserved(unsigned physical_address_bits) {
  if (physical_address_bits >= 64) return kApicBaseLowReserved;
  return kApicBaseLowReserved | ~((u64{1} << physical_address_bits) - 1);
}

ApicDeliveryMode lvt_delivery_mode(u32 lvt) {
  return static_cast<ApicDeliveryMode>((lvt & kLvtDeliveryModeMask) >> kLvtDeliveryModeShift);
}

const char* pin_name(unsigned pin) {
  return pin == LocalApic::kLint0 ? "LINT0" : "LINT1";
}

}  // namespace

LocalApic::LocalApic(std::string name, const LocalApicConfig& config, CpuCore& cpu, ApicBus& bus,
                     Scheduler& scheduler, Trace& trace)
    : Device(std::move(name)),
      m_config(config),
      m_cpu(cpu),
      m_bus(bus),
      m_trace(trace),
      m_timer(this->name() + ".timer", scheduler, config.timer_hz, config.tsc_hz,
              [this] { timer_expired(); }) {
  m_bus.add_lapic(*this);
  m_cpu.set_interrupt_acknowledger(this);
  m_cpu.set_local_apic(this);
  reset();
}

// The CPU may already be gone (the machine destroys CPUs first); only the bus is told.
LocalApic::~LocalApic() {
  m_bus.remove_lapic(*this);
}

void LocalApic::assign(VectorBits& bits, u8 vector, bool value) {
  const u32 mask = 1u << (vector % 32);
  if (value)
    bits[vector / 32] |= mask;
  else
    bits[vector / 32] &= ~mask;
}

int LocalApic::highest(const VectorBits& bits) {
  for (int word = 7; word >= 0; --word) {
    if (bits[word] == 0) continue;
    for (int bit = 31; bit >= 0; --bit)
      if ((bits[word] >> bit) & 1) return word * 32 + bit;
  }
  return -1;
}

// ---- reset and IA32_APIC_BASE ------------------------------------------------------------------

// RESET#: IA32_APIC_BASE back to 0xFEE00000 with EN set (and BSP on vCPU 0), xAPIC mode.
// The LINT pins are wires and keep their levels.
void LocalApic::reset() {
  m_apic_base = kDefaultBase | kApicBaseEnable | (m_config.index == 0 ? kApicBaseBsp : 0);
  reset_registers();
  update_intr();
}

// SDM 11.4.7.1 (power-up) and 11.4.7.3 (INIT): IRR, ISR, TMR, ICR, LDR and TPR clear, timer
// stopped, DFR all ones, every LVT entry masked, SVR 0xFF (software disabled). The APIC ID keeps
// its initial value; a LAPIC in x2APIC mode stays in it (SDM 11.12.5.1).
void LocalApic::reset_registers() {
  m_id = m_config.apic_id << kXapicIdShift;
  m_tpr = 0;
  m_ldr = 0;
  m_dfr = ~u32{0};
  m_svr = kSvrResetValue;
  m_esr = 0;
  m_esr_pending = 0;
  m_icr_low = 0;
  m_icr_high = 0;
  m_lvt.fill(kLvtMasked);
  if (m_apic_base & kApicBaseBsp) m_lvt[kLint0Lvt] = kLint0VirtualWire;
  m_irr.fill(0);
  m_isr.fill(0);
  m_tmr.fill(0);
  m_extint_message = false;
  m_timer.reset();
  if (x2apic_mode()) enter_x2apic_mode();
  refresh_timer_lvt();
}

// SDM 11.12.5.1: entering x2APIC mode loads the 32-bit x2APIC ID and derives the logical ID
// (11.12.10.2); the other registers keep their values.
void LocalApic::enter_x2apic_mode() {
  const u32 id = m_config.apic_id;
  m_id = id;
  m_ldr =
      ((id >> kX2apicClusterIdShift) << kX2apicClusterShift) | (1u << (id & kX2apicMemberIdMask));
}

u32 LocalApic::apic_id() const {
  return x2apic_mode() ? m_id : m_id >> kXapicIdShift;
}

bool LocalApic::software_enabled() const {
  return (m_svr & kSvrSoftwareEnable) != 0;
}

// SDM 11.12.5, Figure 11-27: disabled (EN=0, EXTD=0) <-> xAPIC (1,0) -> x2APIC (1,1) -> disabled.
// EN=0 with EXTD=1 is invalid, and so are x2APIC -> xAPIC and disabled -> x2APIC.
bool LocalApic::set_apic_base(u64 value) {
  const auto refuse = [&](std::string_view why) {
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, name(), "apic_base", {{"value", value}},
                   fmt::format("WRMSR IA32_APIC_BASE refused (#GP): {}", why));
    }
    return false;
  };
  if (value & apic_base_reserved(m_config.physical_address_bits))
    return refuse("reserved bits set");
  const bool old_enabled = globally_enabled();
  const bool old_x2apic = x2apic_mode();
  const bool enable = (value & kApicBaseEnable) != 0;
  const bool x2apic = (value & kApicBaseExtd) != 0;
  if (!enable && x2apic) return refuse("EXTD without EN is the invalid state");
  if (old_enabled && old_x2apic && enable && !x2apic)
    return refuse("x2APIC mode can only be left by disabling the APIC");
  if (!old_enabled && enable && x2apic) return refuse("x2APIC mode must be entered from xAPIC");

  // The BSP flag is set by hardware at reset; a write does not change it.
  m_apic_base = (value & ~kApicBaseBsp) | (m_apic_base & kApicBaseBsp);
  std::string_view what;
  if (old_enabled && !enable) {
    // SDM 11.4.3: the APIC is now absent; its state is lost, and LINT0/LINT1 become the CPU's
    // INTR and NMI pins.
    reset_registers();
    what = "APIC globally disabled: state reset, LINT0/LINT1 now wired to INTR/NMI";
  } else if (!old_enabled && enable) {
    reset_registers();
    what = "APIC globally enabled (xAPIC mode, power-up state)";
  } else if (!old_x2apic && x2apic) {
    enter_x2apic_mode();
    what = "x2APIC mode entered: MMIO page off, registers now MSRs 0x800-0x8FF";
  }
  if (m_trace.on(TraceCategory::Irq))
    m_trace.emit(TraceCategory::Irq, name(), "apic_base", {{"value", m_apic_base}}, what);
  update_intr();
  return true;
}

// ---- priorities -------------------------------------------------------------------------------

// SDM 11.8.3.1: PPR = TPR when TPR[7:4] >= ISRV[7:4], else ISRV[7:4] with sub-class 0.
u8 LocalApic::ppr() const {
  const int isrv = highest(m_isr);
  const u8 isr_class = isrv < 0 ? 0 : static_cast<u8>(isrv & kPriorityClassMask);
  if ((m_tpr & kPriorityClassMask) >= isr_class) return m_tpr;
  return isr_class;
}

// SDM 11.6.2.4 (the P6 family's arbitration priority, used here to rank lowest-priority
// candidates): TPR when the task priority is at least the highest pending and above the highest
// in-service class, else the highest of the three classes.
u8 LocalApic::arbitration_priority() const {
  const int irrv = highest(m_irr);
  const int isrv = highest(m_isr);
  const u8 tpr_class = m_tpr & kPriorityClassMask;
  const u8 irr_class = irrv < 0 ? 0 : static_cast<u8>(irrv & kPriorityClassMask);
  const u8 isr_class = isrv < 0 ? 0 : static_cast<u8>(isrv & kPriorityClassMask);
  if (tpr_class >= irr_class && tpr_class > isr_class) return m_tpr;
  return std::max({tpr_class, irr_class, isr_class});
}

// SDM 11.6.2.1 (physical: the APIC ID, 0xFF broadcasts), 11.6.2.2 (logical: the LDR under the
// DFR's flat or cluster model, 0xFF broadcasts) and 11.12.10 (x2APIC: 32-bit IDs, logical
// cluster in bits 31:16 and member bits in 15:0, 0xFFFFFFFF broadcasts). An 8-bit destination
// reaching an x2APIC-mode LAPIC is compared with its 32-bit IDs, zero-extended.
bool LocalApic::addressed_by(const InterruptMessage& message) const {
  if (!globally_enabled()) return false;
  const u32 broadcast =
      message.wide_destination ? ApicBus::kX2apicBroadcast : ApicBus::kXapicBroadcast;
  const u32 destination =
      message.wide_destination ? message.destination : message.destination & kXapicDestinationMask;
  if (destination == broadcast) return true;
  if (message.destination_mode == ApicDestinationMode::Physical) return destination == apic_id();
  if (x2apic_mode()) {
    return (destination >> kX2apicClusterShift) == (m_ldr >> kX2apicClusterShift) &&
           (destination & m_ldr & kX2apicMemberMask) != 0;
  }
  const u32 logical_id = m_ldr >> kXapicIdShift;
  const u32 logical_destination = destination & kXapicDestinationMask;
  if (((m_dfr & kDfrModelMask) >> kDfrModelShift) == kDfrFlat)
    return (logical_destination & logical_id) != 0;
  const u32 cluster = logical_destination >> kClusterShift;
  return (cluster == kAllClusters || cluster == logical_id >> kClusterShift) &&
         (logical_destination & logical_id & kClusterMemberMask) != 0;
}

bool LocalApic::is_focus_for(u8 vector) const {
  if (m_svr & kSvrFocusCheckingDisabled) return false;
  return irr_bit(vector) || isr_bit(vector);
}

// SDM 11.8.3: an IRR vector is dispatched when its class is above the processor-priority class.
int LocalApic::deliverable_vector() const {
  const int vector = highest(m_irr);
  if (vector < 0) return -1;
  if ((vector & kPriorityClassMask) <= (ppr() & kPriorityClassMask)) return -1;
  return vector;
}

bool LocalApic::extint_pending() const {
  const u32 lint0 = m_lvt[kLint0Lvt];
  const bool lint0_extint = !(lint0 & kLvtMasked) &&
                            lvt_delivery_mode(lint0) == ApicDeliveryMode::ExtInt &&
                            m_lint_level[kLint0];
  return m_extint_message || lint0_extint;
}

// The CPU's INTR pin: with the APIC globally disabled it follows LINT0 (SDM 11.4.3); otherwise
// it is high while an ExtINT waits or a fixed interrupt is deliverable.
void LocalApic::update_intr() {
  bool want;
  if (!globally_enabled())
    want = m_lint_level[kLint0];
  else
    want = extint_pending() || (software_enabled() && deliverable_vector() >= 0);
  if (want == m_intr_output) return;
  m_intr_output = want;
  if (m_trace.on(TraceCategory::Irq)) {
    std::string text;
    if (!want)
      text = "CPU INTR lowered: nothing deliverable";
    else if (!globally_enabled())
      text = "CPU INTR follows LINT0 (APIC globally disabled)";
    else if (extint_pending())
      text = "CPU INTR raised: ExtINT, the 8259 will supply the vector";
    else
      text = fmt::format("CPU INTR raised: vector {:#04x} deliverable", deliverable_vector());
    m_trace.emit(TraceCategory::Irq, name(), want ? "intr_raise" : "intr_lower",
                 {{"cpu", m_config.index}}, text);
  }
  m_cpu.set_intr(want);
}

// ---- acceptance ---------------------------------------------------------------------------------

bool LocalApic::accept_fixed(u8 vector, ApicTriggerMode trigger, std::string_view origin) {
  if (vector < kFirstLegalVector) {
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, name(), "reject", {{"vector", vector}},
                   fmt::format("LAPIC {} rejects vector {:#04x} from {}: vectors 0-15 are illegal",
                               m_config.index, vector, origin));
    }
    signal_error(kEsrReceiveIllegalVector);
    return false;
  }
  assign(m_irr, vector, true);
  assign(m_tmr, vector, trigger == ApicTriggerMode::Level);
  if (m_trace.on(TraceCategory::Irq)) {
    std::string text =
        fmt::format("LAPIC {} accepts vector {:#04x} ({}) from {}", m_config.index, vector,
                    trigger == ApicTriggerMode::Level ? "level" : "edge", origin);
    const u8 priority = ppr();
    if ((vector & kPriorityClassMask) <= (priority & kPriorityClassMask)) {
      text += fmt::format("; held in IRR: PPR {:#04x} (TPR {:#04x}) blocks priority class {}",
                          priority, m_tpr, vector >> kPriorityClassShift);
    } else if (!software_enabled()) {
      text += "; held in IRR: APIC software-disabled";
    }
    m_trace.emit(TraceCategory::Irq, name(), "accept", {{"vector", vector}}, text);
  }
  update_intr();
  return true;
}

bool LocalApic::receive(const InterruptMessage& message, std::string_view origin) {
  const auto refuse = [&](std::string_view why) {
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, name(), "refuse", {{"vector", message.vector}},
                   fmt::format("LAPIC {} refuses {} from {}: {}", m_config.index,
                               apic_delivery_mode_name(message.delivery_mode), origin, why));
    }
    return false;
  };
  const auto note = [&](std::string_view what, std::string_view text) {
    if (m_trace.on(TraceCategory::Irq))
      m_trace.emit(TraceCategory::Irq, name(), what, {{"vector", message.vector}}, text);
  };
  if (!globally_enabled()) return refuse("APIC globally disabled (IA32_APIC_BASE.EN=0)");
  switch (message.delivery_mode) {
    case ApicDeliveryMode::Fixed:
    case ApicDeliveryMode::LowestPriority:
      // SDM 11.4.7.2: a software-disabled APIC holds what is pending but takes no new fixed
      // interrupts.
      if (!software_enabled()) return refuse("APIC software-disabled (SVR bit 8 clear)");
      return accept_fixed(message.vector, message.trigger_mode, origin);
    case ApicDeliveryMode::Nmi:
      note("nmi", fmt::format("LAPIC {} passes an NMI from {} to the CPU", m_config.index, origin));
      m_cpu.nmi();
      return true;
    case ApicDeliveryMode::Smi:
      return refuse("SMI: the CPU has no system-management mode");
    case ApicDeliveryMode::Init:
      if (message.trigger_mode == ApicTriggerMode::Level && !message.assert_level) {
        // SDM 11.6.1: INIT level de-assert only resynchronises arbitration IDs (P6 family).
        note("init_deassert", "INIT level de-assert: no effect on this processor");
        return true;
      }
      init_reset(origin);
      return true;
    case ApicDeliveryMode::StartUp:
      note("sipi", fmt::format("LAPIC {} passes STARTUP vector {:#04x} (start at {:#x}) from {}",
                               m_config.index, message.vector, u32{message.vector} << 12, origin));
      m_cpu.sipi(message.vector);
      return true;
    case ApicDeliveryMode::ExtInt:
      m_extint_message = true;
      note("extint", fmt::format("LAPIC {} takes ExtINT from {}: the 8259 supplies the vector",
                                 m_config.index, origin));
      update_intr();
      return true;
    case ApicDeliveryMode::Reserved3:
      break;
  }
  return refuse("reserved delivery mode");
}

void LocalApic::init_reset(std::string_view origin) {
  if (m_trace.on(TraceCategory::Irq)) {
    m_trace.emit(TraceCategory::Irq, name(), "init", {{"cpu", m_config.index}},
                 fmt::format("INIT from {}: LAPIC {} back to its INIT state, CPU waits for SIPI",
                             origin, m_config.index));
  }
  reset_registers();
  update_intr();
  m_cpu.init();
}

// ---- acknowledge and EOI ------------------------------------------------------------------------

u8 LocalApic::acknowledge_extint(std::string_view why) {
  if (m_extint_acknowledger == nullptr) {
    const u8 spurious = static_cast<u8>(m_svr & kSvrVectorMask);
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, name(), "ack", {{"vector", spurious}},
                   fmt::format("{}, but no 8259 is wired: spurious vector", why));
    }
    update_intr();
    return spurious;
  }
  const u8 vector = m_extint_acknowledger->acknowledge();
  if (m_trace.on(TraceCategory::Irq)) {
    m_trace.emit(TraceCategory::Irq, name(), "ack", {{"vector", vector}},
                 fmt::format("{}: the 8259 supplies vector {:#04x}", why, vector));
  }
  update_intr();
  return vector;
}

// SDM 11.8.4 and 11.9: the INTA cycle moves the highest deliverable vector from IRR to ISR. If
// it has gone (TPR raised, or it was taken back) the APIC answers with the spurious vector and
// sets no ISR bit.
u8 LocalApic::acknowledge() {
  if (!globally_enabled())
    return acknowledge_extint("APIC globally disabled: INTA goes to the 8259");
  if (m_extint_message) {
    m_extint_message = false;
    return acknowledge_extint("ExtINT message");
  }
  if (extint_pending()) return acknowledge_extint("LINT0 in ExtINT mode");
  const int vector = software_enabled() ? deliverable_vector() : -1;
  if (vector < 0) {
    const u8 spurious = static_cast<u8>(m_svr & kSvrVectorMask);
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(
          TraceCategory::Irq, name(), "ack", {{"vector", spurious}},
          fmt::format("nothing deliverable at acknowledge: spurious vector {:#04x}", spurious));
    }
    update_intr();
    return spurious;
  }
  const u8 v = static_cast<u8>(vector);
  assign(m_irr, v, false);
  assign(m_isr, v, true);
  if (m_trace.on(TraceCategory::Irq)) {
    m_trace.emit(TraceCategory::Irq, name(), "ack", {{"vector", v}},
                 fmt::format("CPU {} takes vector {:#04x} (IRR -> ISR), PPR now {:#04x}",
                             m_config.index, v, ppr()));
  }
  update_intr();
  return v;
}

// SDM 11.8.5: EOI retires the highest in-service vector. For a level-triggered vector the EOI is
// broadcast so that the IOAPIC can clear remote IRR, unless SVR bit 12 suppresses the broadcast.
// A level-triggered LINT entry with that vector clears its own remote IRR.
void LocalApic::end_of_interrupt() {
  const int vector = highest(m_isr);
  if (vector < 0) {
    if (m_trace.on(TraceCategory::Irq))
      m_trace.emit(TraceCategory::Irq, name(), "eoi", {}, "EOI with nothing in service: ignored");
    return;
  }
  const u8 v = static_cast<u8>(vector);
  assign(m_isr, v, false);
  const bool level = tmr_bit(v);
  if (m_trace.on(TraceCategory::Irq)) {
    m_trace.emit(TraceCategory::Irq, name(), "eoi", {{"vector", v}},
                 fmt::format("EOI: vector {:#04x} leaves service ({})", v,
                             level ? "level-triggered" : "edge-triggered"));
  }
  std::array<bool, 2> lint_retired{};
  for (unsigned pin = kLint0; pin <= kLint1; ++pin) {
    u32& lvt = m_lvt[kLint0Lvt + pin];
    if ((lvt & kLvtRemoteIrr) && (lvt & kLvtVectorMask) == v) {
      lvt &= ~kLvtRemoteIrr;
      lint_retired[pin] = true;
    }
  }
  if (level) {
    if (m_svr & kSvrSuppressEoiBroadcast) {
      if (m_trace.on(TraceCategory::Irq))
        m_trace.emit(TraceCategory::Irq, name(), "eoi", {{"vector", v}},
                     "EOI broadcast suppressed (SVR bit 12)");
    } else {
      m_bus.broadcast_eoi(v, name());
    }
  }
  for (unsigned pin = kLint0; pin <= kLint1; ++pin)
    if (lint_retired[pin]) lint_changed(pin, m_lint_level[pin]);
  update_intr();
}

// ---- local interrupt sources
// ---------------------------------------------------------------------

// A local source (timer, error) whose LVT entry is fixed: it goes straight into IRR as an edge.
void LocalApic::deliver_lvt(unsigned lvt, std::string_view origin) {
  const u32 entry = m_lvt[lvt];
  if (entry & kLvtMasked) {
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, name(), "masked", {{"lvt", lvt}},
                   fmt::format("{} interrupt masked in its LVT entry", origin));
    }
    return;
  }
  accept_fixed(static_cast<u8>(entry & kLvtVectorMask), ApicTriggerMode::Edge, origin);
}

void LocalApic::timer_expired() {
  deliver_lvt(kTimer, "timer");
}

// SDM 11.5.3: errors collect in an internal register; each new error raises the error LVT.
void LocalApic::signal_error(u32 esr_bits) {
  const u32 fresh = esr_bits & ~m_esr_pending;
  m_esr_pending |= esr_bits;
  if (m_trace.on(TraceCategory::Irq))
    m_trace.emit(TraceCategory::Irq, name(), "error", {{"esr", esr_bits}}, "APIC error recorded");
  if (fresh != 0) deliver_lvt(kError, "APIC error");
}

void LocalApic::set_irq(unsigned pin, bool level) {
  if (pin > kLint1) {
    if (m_trace.on(TraceCategory::Irq))
      m_trace.emit(TraceCategory::Irq, name(), "ignored", {{"pin", pin}}, "no such LINT pin");
    return;
  }
  const bool old_level = m_lint_level[pin];
  if (old_level == level) return;
  m_lint_level[pin] = level;
  if (m_trace.on(TraceCategory::Irq))
    m_trace.emit(TraceCategory::Irq, name(), level ? "raise" : "lower", {{"pin", pin}},
                 pin_name(pin));
  if (!globally_enabled()) {
    // SDM 11.4.3: without the APIC, LINT0 is the INTR pin and LINT1 the NMI pin.
    if (pin == kLint0) {
      update_intr();
    } else if (level) {
      if (m_trace.on(TraceCategory::Irq))
        m_trace.emit(TraceCategory::Irq, name(), "nmi", {}, "LINT1 wired to NMI (APIC disabled)");
      m_cpu.nmi();
    }
    return;
  }
  lint_changed(pin, old_level);
}

// SDM 11.5.1: what the LVT LINT entry makes of the pin. NMI, INIT and SMI act on the rising
// edge; a fixed entry is edge- or level-triggered, a level one accepted again only after the EOI
// cleared its remote IRR; ExtINT makes the pin level the INTR request.
void LocalApic::lint_changed(unsigned pin, bool old_level) {
  u32& lvt = m_lvt[kLint0Lvt + pin];
  const bool level = m_lint_level[pin];
  const bool rising = level && !old_level;
  const ApicDeliveryMode mode = lvt_delivery_mode(lvt);
  const std::string origin = pin_name(pin);
  if (mode == ApicDeliveryMode::ExtInt && pin == kLint0) {
    update_intr();
    return;
  }
  if (lvt & kLvtMasked) {
    if (rising && m_trace.on(TraceCategory::Irq))
      m_trace.emit(TraceCategory::Irq, name(), "masked", {{"pin", pin}},
                   fmt::format("{} masked in its LVT entry", origin));
    return;
  }
  switch (mode) {
    case ApicDeliveryMode::Fixed:
      if (lvt & kLvtLevelTriggered) {
        if (level && !(lvt & kLvtRemoteIrr) &&
            accept_fixed(static_cast<u8>(lvt & kLvtVectorMask), ApicTriggerMode::Level, origin))
          lvt |= kLvtRemoteIrr;
      } else if (rising) {
        accept_fixed(static_cast<u8>(lvt & kLvtVectorMask), ApicTriggerMode::Edge, origin);
      }
      return;
    case ApicDeliveryMode::Nmi:
      if (!rising) return;
      if (m_trace.on(TraceCategory::Irq))
        m_trace.emit(TraceCategory::Irq, name(), "nmi", {{"pin", pin}},
                     fmt::format("{} delivers NMI to CPU {}", origin, m_config.index));
      m_cpu.nmi();
      return;
    case ApicDeliveryMode::Init:
      if (rising) init_reset(origin);
      return;
    default:
      if (rising && m_trace.on(TraceCategory::Irq))
        m_trace.emit(TraceCategory::Irq, name(), "ignored", {{"pin", pin}},
                     fmt::format("{}: delivery mode {} does nothing on this pin", origin,
                                 apic_delivery_mode_name(mode)));
      return;
  }
}

// ---- CR8, TSC deadline
// -----------------------------------------------------------------------------

u8 LocalApic::cr8() const {
  return m_tpr >> kPriorityClassShift;
}

void LocalApic::set_cr8(u8 value) {
  m_tpr = static_cast<u8>((value & (kTprMask >> kPriorityClassShift)) << kPriorityClassShift);
  update_intr();
}

u64 LocalApic::tsc_deadline() const {
  return m_timer.tsc_deadline();
}

void LocalApic::set_tsc_deadline(u64 value) {
  m_timer.set_tsc_deadline(value);
}

void LocalApic::refresh_timer_lvt() {
  const u32 lvt = m_lvt[kTimer];
  const u32 mode = (lvt & kLvtTimerModeMask) >> kLvtTimerModeShift;
  // Bit 18 selects TSC-deadline mode; the encoding 11 is reserved and treated as it.
  m_timer.set_mode(mode >= 2 ? LapicTimer::Mode::TscDeadline : static_cast<LapicTimer::Mode>(mode));
  m_timer.set_unmasked(!(lvt & kLvtMasked));
}

// ---- snapshots ----------------------------------------------------------------------------------

void LocalApic::serialize(Archive& archive) {
  archive.field("apic_base", m_apic_base);
  archive.field("id", m_id);
  archive.field("tpr", m_tpr);
  archive.field("ldr", m_ldr);
  archive.field("dfr", m_dfr);
  archive.field("svr", m_svr);
  archive.field("esr", m_esr);
  archive.field("esr_pending", m_esr_pending);
  archive.field("icr_low", m_icr_low);
  archive.field("icr_high", m_icr_high);
  archive.field("lvt", m_lvt);
  archive.field("irr", m_irr);
  archive.field("isr", m_isr);
  archive.field("tmr", m_tmr);
  archive.field("lint_level", m_lint_level);
  archive.field("extint_message", m_extint_message);
  archive.field("intr_output", m_intr_output);
  {
    ArchiveSection section(archive, "timer", 1);
    m_timer.serialize(archive);
  }
  if (archive.loading()) {
    // A damaged file must not leave bits no register can hold.
    m_svr &= kSvrWritable;
    for (unsigned i = 0; i < kLvtCount; ++i) m_lvt[i] &= kLvtWritable[i] | kLvtReadOnly[i];
    if ((m_apic_base & kApicBaseExtd) && !(m_apic_base & kApicBaseEnable))
      m_apic_base &= ~kApicBaseExtd;
  }
}

}  // namespace glasspc

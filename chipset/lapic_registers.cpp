// The local APIC's registers: the xAPIC MMIO page (SDM Table 11-1) and the x2APIC MSRs
// 0x800-0x8FF (SDM 11.12.1, Table 11-6), decoded in one place. The two differ in their rules, not
// in their meaning:
//   xAPIC: registers are 32 bits at 16-byte strides; a reserved offset sets ESR "illegal register
//          address" (bit 7); writes to read-only registers are ignored.
//   x2APIC: RDMSR of a write-only or absent register, WRMSR of a read-only one, non-zero reserved
//          bits (bits 63:32 outside the ICR) all raise #GP; there is no DFR, APR or RRD; the ICR
//          is one 64-bit register with a 32-bit destination; SELF IPI (0x83F) exists.
#include <fmt/format.h>

#include "bus/trace.h"
#include "chipset/lapic.h"
#include "chipset/lapic_bits.h"

namespace glasspc {

using namespace lapic_bits;

namespace {

constexpr u32 kRegisterStride = 0x10;
constexpr u32 kRegisterOffsetMask = 0xFF0;
constexpr u32 kPageOffsetMask = 0xFFF;
constexpr u32 kVectorBankRegisters = 8;
constexpr u32 kRegisterBytes = 4;

bool in_bank(u32 offset, u32 base) {
  return offset >= base && offset < base + kVectorBankRegisters * kRegisterStride;
}

std::string register_name(u32 offset) {
  switch (offset) {
    case LocalApic::kId:
      return "ID";
    case LocalApic::kVersion:
      return "VERSION";
    case LocalApic::kTpr:
      return "TPR";
    case LocalApic::kApr:
      return "APR";
    case LocalApic::kPpr:
      return "PPR";
    case LocalApic::kEoi:
      return "EOI";
    case LocalApic::kRrd:
      return "RRD";
    case LocalApic::kLdr:
      return "LDR";
    case LocalApic::kDfr:
      return "DFR";
    case LocalApic::kSvr:
      return "SVR";
    case LocalApic::kEsr:
      return "ESR";
    case LocalApic::kIcrLow:
      return "ICR_LOW";
    case LocalApic::kIcrHigh:
      return "ICR_HIGH";
    case LocalApic::kLvtTimer:
      return "LVT_TIMER";
    case LocalApic::kLvtThermal:
      return "LVT_THERMAL";
    case LocalApic::kLvtPerf:
      return "LVT_PERF";
    case LocalApic::kLvtLint0:
      return "LVT_LINT0";
    case LocalApic::kLvtLint1:
      return "LVT_LINT1";
    case LocalApic::kLvtError:
      return "LVT_ERROR";
    case LocalApic::kInitialCount:
      return "INITIAL_COUNT";
    case LocalApic::kCurrentCount:
      return "CURRENT_COUNT";
    case LocalApic::kDivideConfig:
      return "DIVIDE_CONFIG";
    case LocalApic::kSelfIpi:
      return "SELF_IPI";
    default:
      break;
  }
  if (in_bank(offset, LocalApic::kIsr))
    return fmt::format("ISR{}", (offset - LocalApic::kIsr) / 16);
  if (in_bank(offset, LocalApic::kTmr))
    return fmt::format("TMR{}", (offset - LocalApic::kTmr) / 16);
  if (in_bank(offset, LocalApic::kIrr))
    return fmt::format("IRR{}", (offset - LocalApic::kIrr) / 16);
  return "reserved";
}

}  // namespace

void LocalApic::trace_register(const char* what, u32 offset, u64 value) {
  if (!m_trace.on(TraceCategory::Reg)) return;
  m_trace.emit(TraceCategory::Reg, name(), register_name(offset),
               {{"offset", offset}, {"value", value}}, what);
}

u32 LocalApic::dfr_value() const {
  return (m_dfr & kDfrModelMask) | kDfrReservedOnes;
}

// ---- the xAPIC page -----------------------------------------------------------------------------

// Each register is the first dword of its 16-byte slot; narrower reads see its bytes, the rest of
// the slot reads as zero.
u32 LocalApic::mmio_read(u32 offset, unsigned size) {
  offset &= kPageOffsetMask;
  const u32 reg = offset & kRegisterOffsetMask;
  const u32 byte = offset & (kRegisterStride - 1);
  if (!xapic_mmio_enabled()) return 0;
  u64 value = 0;
  if (!read_register(reg, value, false)) {
    trace_register("read, illegal register address", reg, 0);
    signal_error(kEsrIllegalRegister);
    return 0;
  }
  trace_register("read", reg, value);
  if (byte >= kRegisterBytes) return 0;
  return static_cast<u32>((value >> (8 * byte)) &
                          size_mask(size > kRegisterBytes ? kRegisterBytes : size));
}

// SDM 11.4.1: registers are written with aligned 32-bit stores; others are dropped, as QEMU does.
void LocalApic::mmio_write(u32 offset, u32 value, unsigned size) {
  offset &= kPageOffsetMask;
  const u32 reg = offset & kRegisterOffsetMask;
  if (!xapic_mmio_enabled()) return;
  if (size != kRegisterBytes || (offset & (kRegisterStride - 1)) != 0) {
    trace_register("write dropped: not an aligned 32-bit store", reg, value);
    return;
  }
  trace_register("write", reg, value);
  if (!write_register(reg, value, false)) signal_error(kEsrIllegalRegister);
}

// ---- the x2APIC MSRs ----------------------------------------------------------------------------

bool LocalApic::msr_read(u32 msr, u64& value) {
  value = 0;
  if (!globally_enabled() || !x2apic_mode() || msr < kX2apicMsrBase || msr > kX2apicMsrLast)
    return false;
  const u32 reg = (msr - kX2apicMsrBase) * kRegisterStride;
  if (!read_register(reg, value, true)) {
    trace_register("RDMSR #GP", reg, 0);
    return false;
  }
  trace_register("RDMSR", reg, value);
  return true;
}

bool LocalApic::msr_write(u32 msr, u64 value) {
  if (!globally_enabled() || !x2apic_mode() || msr < kX2apicMsrBase || msr > kX2apicMsrLast)
    return false;
  const u32 reg = (msr - kX2apicMsrBase) * kRegisterStride;
  if (!write_register(reg, value, true)) {
    trace_register("WRMSR #GP", reg, value);
    return false;
  }
  trace_register("WRMSR", reg, value);
  return true;
}

// ---- decode -------------------------------------------------------------------------------------

bool LocalApic::read_register(u32 offset, u64& value, bool x2apic) {
  if (in_bank(offset, kIsr)) {
    value = m_isr[(offset - kIsr) / kRegisterStride];
    return true;
  }
  if (in_bank(offset, kTmr)) {
    value = m_tmr[(offset - kTmr) / kRegisterStride];
    return true;
  }
  if (in_bank(offset, kIrr)) {
    value = m_irr[(offset - kIrr) / kRegisterStride];
    return true;
  }
  switch (offset) {
    case kId:
      value = m_id;
      return true;
    case kVersion:
      value = kVersionValue;
      return true;
    case kTpr:
      value = m_tpr;
      return true;
    case kApr:
      value = arbitration_priority();
      return !x2apic;
    case kPpr:
      value = ppr();
      return true;
    case kEoi:  // write-only: xAPIC reads zero, x2APIC faults
      value = 0;
      return !x2apic;
    case kRrd:  // remote read is not supported on the xAPIC: status "invalid", value 0
      value = 0;
      return !x2apic;
    case kLdr:
      value = m_ldr;
      return true;
    case kDfr:
      value = dfr_value();
      return !x2apic;
    case kSvr:
      value = m_svr;
      return true;
    case kEsr:
      value = m_esr;
      return true;
    case kIcrLow:
      // The message is on its way before the next instruction, so delivery status reads idle.
      value = x2apic ? (u64{m_icr_high} << kX2apicIcrDestinationShift) | m_icr_low : m_icr_low;
      return true;
    case kIcrHigh:
      value = m_icr_high;
      return !x2apic;
    case kLvtTimer:
      value = m_lvt[kTimer];
      return true;
    case kLvtThermal:
      value = m_lvt[kThermal];
      return true;
    case kLvtPerf:
      value = m_lvt[kPerf];
      return true;
    case kLvtLint0:
      value = m_lvt[kLint0Lvt];
      return true;
    case kLvtLint1:
      value = m_lvt[kLint1Lvt];
      return true;
    case kLvtError:
      value = m_lvt[kError];
      return true;
    case kInitialCount:
      value = m_timer.initial_count();
      return true;
    case kCurrentCount:
      value = m_timer.current_count();
      return true;
    case kDivideConfig:
      value = m_timer.divide_config();
      return true;
    default:
      return false;  // SELF IPI is write-only; everything else is reserved
  }
}

bool LocalApic::write_register(u32 offset, u64 value, bool x2apic) {
  // x2APIC: only the ICR is 64 bits wide; bits 63:32 of every other register are reserved.
  if (x2apic && offset != kIcrLow && (value >> 32) != 0) return false;
  const u32 v = static_cast<u32>(value);
  const auto reserved = [&](u32 defined) { return x2apic && (v & ~defined) != 0; };
  const auto read_only = [&] { return !x2apic; };  // xAPIC ignores the write, x2APIC faults
  if (in_bank(offset, kIsr) || in_bank(offset, kTmr) || in_bank(offset, kIrr)) return read_only();
  switch (offset) {
    case kId:
      if (x2apic) return false;
      m_id = v & kXapicIdMask;
      return true;
    case kVersion:
    case kApr:
    case kPpr:
    case kRrd:
    case kCurrentCount:
      if (x2apic && (offset == kApr || offset == kRrd)) return false;
      return read_only();
    case kTpr:
      if (reserved(kTprMask)) return false;
      m_tpr = static_cast<u8>(v & kTprMask);
      update_intr();
      return true;
    case kEoi:
      if (x2apic && v != 0) return false;
      end_of_interrupt();
      return true;
    case kLdr:
      if (x2apic) return false;
      m_ldr = v & kXapicIdMask;
      return true;
    case kDfr:
      if (x2apic) return false;
      m_dfr = v & kDfrModelMask;
      return true;
    case kSvr:
      if (reserved(kSvrWritable)) return false;
      write_svr(v);
      return true;
    case kEsr:
      // SDM 11.5.3: a write latches the errors seen since the last write into the readable
      // register and starts collecting anew. x2APIC accepts only zero.
      if (x2apic && v != kEsrWritableInX2apic) return false;
      m_esr = m_esr_pending;
      m_esr_pending = 0;
      return true;
    case kIcrLow:
      if (x2apic) {
        if (static_cast<u32>(value) & ~kIcrLowWritable) return false;
        m_icr_low = static_cast<u32>(value);
        m_icr_high = static_cast<u32>(value >> kX2apicIcrDestinationShift);
      } else {
        m_icr_low = v & kIcrLowWritable;
      }
      send_ipi((u64{m_icr_high} << kX2apicIcrDestinationShift) | m_icr_low);
      return true;
    case kIcrHigh:
      if (x2apic) return false;
      m_icr_high = v & kIcrHighWritable;
      return true;
    case kLvtTimer:
    case kLvtThermal:
    case kLvtPerf:
    case kLvtLint0:
    case kLvtLint1:
    case kLvtError: {
      const unsigned lvt = (offset - kLvtTimer) / kRegisterStride;
      if (reserved(kLvtWritable[lvt] | kLvtReadOnly[lvt])) return false;
      write_lvt(lvt, v);
      return true;
    }
    case kInitialCount:
      m_timer.set_initial_count(v);
      return true;
    case kDivideConfig:
      if (reserved(kDivideConfigWritable)) return false;
      m_timer.set_divide_config(v);
      return true;
    case kSelfIpi: {
      // SDM 11.12.11: x2APIC only; a fixed, edge-triggered IPI to this LAPIC.
      if (!x2apic || reserved(kSelfIpiVectorMask)) return false;
      InterruptMessage message;
      message.vector = static_cast<u8>(v & kSelfIpiVectorMask);
      message.shorthand = ApicShorthand::Self;
      message.sender = this;
      m_bus.deliver(message, name() + " SELF_IPI");
      return true;
    }
    default:
      return false;
  }
}

// SDM 11.4.7.2: while the APIC is software-disabled every LVT entry stays masked; clearing SVR
// bit 8 masks them all.
void LocalApic::write_svr(u32 value) {
  m_svr = value & kSvrWritable;
  if (!software_enabled())
    for (u32& lvt : m_lvt) lvt |= kLvtMasked;
  refresh_timer_lvt();
  update_intr();
}

void LocalApic::write_lvt(unsigned lvt, u32 value) {
  u32 entry = (value & kLvtWritable[lvt]) | (m_lvt[lvt] & kLvtReadOnly[lvt]);
  if (!software_enabled()) entry |= kLvtMasked;
  // Remote IRR only has a meaning for a level-triggered fixed entry.
  if (!(entry & kLvtLevelTriggered)) entry &= ~kLvtRemoteIrr;
  m_lvt[lvt] = entry;
  if (lvt == kTimer) refresh_timer_lvt();
  // An entry unmasked while its level-triggered pin is asserted delivers now.
  if (lvt == kLint0Lvt || lvt == kLint1Lvt) {
    const unsigned pin = lvt == kLint0Lvt ? kLint0 : kLint1;
    lint_changed(pin, m_lint_level[pin]);
  }
  update_intr();
}

// SDM 11.6.1 and Table 11-2 (valid ICR combinations on the xAPIC): the self and all-including-
// self shorthands carry only fixed interrupts; lowest priority takes no shorthand; fixed and
// lowest-priority vectors 0-15 are illegal ("send illegal vector").
void LocalApic::send_ipi(u64 icr) {
  const u32 low = static_cast<u32>(icr);
  InterruptMessage message;
  message.vector = static_cast<u8>(low & kIcrVectorMask);
  message.delivery_mode =
      static_cast<ApicDeliveryMode>((low & kIcrDeliveryModeMask) >> kIcrDeliveryModeShift);
  message.destination_mode =
      (low & kIcrLogical) ? ApicDestinationMode::Logical : ApicDestinationMode::Physical;
  message.assert_level = (low & kIcrAssert) != 0;
  message.trigger_mode =
      (low & kIcrLevelTriggered) ? ApicTriggerMode::Level : ApicTriggerMode::Edge;
  message.shorthand = static_cast<ApicShorthand>((low & kIcrShorthandMask) >> kIcrShorthandShift);
  message.sender = this;
  if (x2apic_mode()) {
    message.destination = static_cast<u32>(icr >> kX2apicIcrDestinationShift);
    message.wide_destination = true;
  } else {
    message.destination = static_cast<u32>(icr >> (kX2apicIcrDestinationShift + kXapicIdShift));
  }

  const auto drop = [&](std::string_view why) {
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, name(), "ipi_dropped", {{"icr", icr}},
                   fmt::format("ICR write not sent: {}", why));
    }
  };
  const ApicDeliveryMode mode = message.delivery_mode;
  const bool fixed_like =
      mode == ApicDeliveryMode::Fixed || mode == ApicDeliveryMode::LowestPriority;
  if (fixed_like && message.vector < kFirstLegalVector) {
    drop("vectors 0-15 are illegal (ESR send illegal vector)");
    signal_error(kEsrSendIllegalVector);
    return;
  }
  if (mode == ApicDeliveryMode::Reserved3) return drop("reserved delivery mode 011");
  if ((message.shorthand == ApicShorthand::Self ||
       message.shorthand == ApicShorthand::AllIncludingSelf) &&
      mode != ApicDeliveryMode::Fixed)
    return drop("the self shorthands carry fixed interrupts only");
  if (message.shorthand != ApicShorthand::None && mode == ApicDeliveryMode::LowestPriority)
    return drop("lowest priority takes no shorthand");
  m_bus.deliver(message, name() + " ICR");
}

}  // namespace glasspc

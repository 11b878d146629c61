#include "chipset/ioapic.h"

#include <fmt/format.h>

#include "bus/archive.h"
#include "bus/memory_map.h"
#include "bus/trace.h"

namespace glasspc {

namespace {

// 82093AA 3.2.1-3.2.3: the ID and arbitration ID sit in bits 27:24; the version register reads
// the maximum redirection entry (23) in bits 23:16 and the version in 7:0 (0x20 as QEMU's).
constexpr unsigned kIdShift = 24;
constexpr u32 kIdMask = 0xF;
constexpr u32 kVersion = 0x20;
constexpr unsigned kMaxEntryShift = 16;
constexpr u32 kVersionValue = kVersion | ((IoApic::kPins - 1) << kMaxEntryShift);

constexpr u32 kIoRegSelMask = 0xFF;
constexpr u32 kEoiVectorMask = 0xFF;
constexpr unsigned kRegistersPerEntry = 2;
constexpr u64 kLowDword = 0xFFFFFFFF;

// Bits software may write: everything but delivery status and remote IRR, and the destination.
constexpr u64 kEntryWritable = IoApic::kVectorMask | IoApic::kDeliveryModeMask |
                               IoApic::kDestinationLogical | IoApic::kPolarityActiveLow |
                               IoApic::kLevelTriggered | IoApic::kMasked |
                               (u64{0xFF} << IoApic::kDestinationShift);

bool is_level(u64 entry) {
  return (entry & IoApic::kLevelTriggered) != 0;
}
bool is_masked(u64 entry) {
  return (entry & IoApic::kMasked) != 0;
}
u8 vector_of(u64 entry) {
  return static_cast<u8>(entry & IoApic::kVectorMask);
}
ApicDeliveryMode delivery_mode_of(u64 entry) {
  return static_cast<ApicDeliveryMode>((entry & IoApic::kDeliveryModeMask) >>
                                       IoApic::kDeliveryModeShift);
}
// Remote IRR only tracks messages that end in an EOI (fixed and lowest priority); an NMI or
// ExtINT routed level-triggered would otherwise block its pin forever.
bool ends_in_eoi(u64 entry) {
  const ApicDeliveryMode mode = delivery_mode_of(entry);
  return mode == ApicDeliveryMode::Fixed || mode == ApicDeliveryMode::LowestPriority;
}

}  // namespace

IoApic::IoApic(std::string name, ApicBus& bus, Trace& trace)
    : Device(std::move(name)),
      m_bus(bus),
      m_trace(trace),
      m_direct(this->name(), trace, static_cast<u32>(kWindowSize)) {
  RegisterSpec ioregsel;
  ioregsel.offset = kIoRegSel;
  ioregsel.width = 4;
  ioregsel.name = "IOREGSEL";
  ioregsel.writable_mask = kIoRegSelMask;
  m_ioregsel = m_direct.add(std::move(ioregsel));

  RegisterSpec iowin;
  iowin.offset = kIoWin;
  iowin.width = 4;
  iowin.name = "IOWIN";
  iowin.read = [this] { return u64{read_indirect(static_cast<u8>(m_direct.value(m_ioregsel)))}; };
  iowin.write = [this](u64 value, u64) {
    write_indirect(static_cast<u8>(m_direct.value(m_ioregsel)), static_cast<u32>(value));
  };
  m_direct.add(std::move(iowin));

  // Version 0x20: writing a vector here clears remote IRR as the EOI broadcast would.
  RegisterSpec eoi;
  eoi.offset = kEoi;
  eoi.width = 4;
  eoi.name = "EOI";
  eoi.read = [] { return u64{0}; };
  eoi.write = [this](u64 value, u64) {
    clear_remote_irr(static_cast<u8>(value & kEoiVectorMask), "the EOI register");
  };
  m_direct.add(std::move(eoi));
  m_bus.add_eoi_listener(*this);
  reset();
}

IoApic::~IoApic() {
  m_bus.remove_eoi_listener(*this);
}

void IoApic::attach(MemoryMap& memory, Gpa base) {
  m_direct.set_trace_base(base, TraceCategory::Mmio);
  MmioOps ops;
  ops.read = [this](u64 offset, unsigned) { return u64{mmio_read(static_cast<u32>(offset))}; };
  ops.write = [this](u64 offset, u64 value, unsigned) {
    mmio_write(static_cast<u32>(offset), static_cast<u32>(value));
  };
  ops.valid = {1, 4, false};
  ops.impl = {4, 4, false};
  ops.traces_itself = true;
  memory.add_mmio(name(), base, kWindowSize, std::move(ops));
}

u32 IoApic::mmio_read(u32 offset) {
  return static_cast<u32>(m_direct.read(offset, 4));
}

void IoApic::mmio_write(u32 offset, u32 value) {
  m_direct.write(offset, value, 4);
}

// 82093AA 3.0: after reset every entry is masked and the ID is zero. The pins are wires outside
// the chip and keep their levels.
void IoApic::reset() {
  m_direct.reset();
  m_id = 0;
  m_arbitration_id = 0;
  m_entries.fill(kMasked);
}

std::string IoApic::indirect_name(u8 index) const {
  switch (index) {
    case kIdRegister:
      return "IOAPICID";
    case kVersionRegister:
      return "IOAPICVER";
    case kArbitrationRegister:
      return "IOAPICARB";
    default:
      break;
  }
  if (index >= kRedirectionTable && index < kRedirectionTable + kPins * kRegistersPerEntry) {
    const unsigned pin = (index - kRedirectionTable) / kRegistersPerEntry;
    return fmt::format("IOREDTBL{}[{}]", pin, (index & 1) ? "63:32" : "31:0");
  }
  return "undefined";
}

u32 IoApic::read_indirect(u8 index) {
  u32 value = 0;
  if (index == kIdRegister) {
    value = u32{m_id} << kIdShift;
  } else if (index == kVersionRegister) {
    value = kVersionValue;
  } else if (index == kArbitrationRegister) {
    value = u32{m_arbitration_id} << kIdShift;
  } else if (index >= kRedirectionTable && index < kRedirectionTable + kPins * kRegistersPerEntry) {
    const u64 entry = m_entries[(index - kRedirectionTable) / kRegistersPerEntry];
    value = static_cast<u32>((index & 1) ? entry >> 32 : entry & kLowDword);
  }
  if (m_trace.on(TraceCategory::Reg))
    m_trace.emit(TraceCategory::Reg, name(), indirect_name(index), {{"value", value}}, "read");
  return value;
}

void IoApic::write_indirect(u8 index, u32 value) {
  if (m_trace.on(TraceCategory::Reg))
    m_trace.emit(TraceCategory::Reg, name(), indirect_name(index), {{"value", value}}, "write");
  if (index == kIdRegister) {
    // 82093AA 3.2.3: the arbitration ID is loaded from the ID whenever the ID is written.
    m_id = static_cast<u8>((value >> kIdShift) & kIdMask);
    m_arbitration_id = m_id;
    return;
  }
  if (index < kRedirectionTable || index >= kRedirectionTable + kPins * kRegistersPerEntry)
    return;  // version and arbitration are read-only; the rest decodes to nothing
  const unsigned pin = (index - kRedirectionTable) / kRegistersPerEntry;
  const u64 old_entry = m_entries[pin];
  const u64 half = (index & 1) ? u64{value} << 32 : u64{value};
  const u64 half_mask = (index & 1) ? kLowDword << 32 : kLowDword;
  const u64 change = half_mask & kEntryWritable;
  m_entries[pin] = (old_entry & ~change) | (half & change);
  entry_written(pin, old_entry);
}

void IoApic::entry_written(unsigned pin, u64 old_entry) {
  u64& entry = m_entries[pin];
  // Remote IRR has no meaning for an edge-triggered entry; switching to edge drops it, as QEMU
  // does, so a later switch back to level does not start blocked.
  if (!is_level(entry)) entry &= ~kRemoteIrr;
  if (is_level(entry) && !is_masked(entry) && (is_masked(old_entry) || !is_level(old_entry)))
    service(pin, "entry unmasked while the pin is asserted");
}

void IoApic::set_irq(unsigned pin, bool level) {
  if (pin >= kPins) {
    if (m_trace.on(TraceCategory::Irq))
      m_trace.emit(TraceCategory::Irq, name(), "ignored", {{"pin", pin}}, "no such input pin");
    return;
  }
  if (m_levels[pin] == level) return;
  m_levels[pin] = level;
  const u64 entry = m_entries[pin];
  if (m_trace.on(TraceCategory::Irq)) {
    std::string text;
    if (is_masked(entry))
      text = level ? fmt::format("pin {} asserted, masked in IOREDTBL{}", pin, pin)
                   : fmt::format("pin {} deasserted", pin);
    else
      text = fmt::format("pin {} {}", pin, level ? "asserted" : "deasserted");
    m_trace.emit(TraceCategory::Irq, name(), level ? "raise" : "lower", {{"pin", pin}}, text);
  }
  if (!level || is_masked(entry)) return;
  if (is_level(entry))
    service(pin, "level asserted");
  else
    send(pin, "rising edge");
}

void IoApic::service(unsigned pin, std::string_view why) {
  const u64 entry = m_entries[pin];
  if (!m_levels[pin] || is_masked(entry)) return;
  if (is_level(entry) && (entry & kRemoteIrr)) {
    if (m_trace.on(TraceCategory::Irq))
      m_trace.emit(TraceCategory::Irq, name(), "held", {{"pin", pin}},
                   fmt::format("pin {} held: remote IRR set, waiting for the EOI of vector {:#04x}",
                               pin, vector_of(entry)));
    return;
  }
  send(pin, why);
}

// 82093AA 3.2.4: the entry becomes a message; for a level-triggered entry remote IRR is set once
// a LAPIC has accepted it.
void IoApic::send(unsigned pin, std::string_view why) {
  const u64 entry = m_entries[pin];
  InterruptMessage message;
  message.destination = static_cast<u32>(entry >> kDestinationShift);
  message.destination_mode =
      (entry & kDestinationLogical) ? ApicDestinationMode::Logical : ApicDestinationMode::Physical;
  message.delivery_mode = delivery_mode_of(entry);
  message.vector = vector_of(entry);
  message.trigger_mode = is_level(entry) ? ApicTriggerMode::Level : ApicTriggerMode::Edge;
  const std::string origin = fmt::format("{} pin {} ({})", name(), pin, why);
  const unsigned accepted = m_bus.deliver(message, origin);
  if (is_level(entry) && ends_in_eoi(entry) && accepted > 0) m_entries[pin] |= kRemoteIrr;
}

void IoApic::end_of_interrupt(u8 vector) {
  clear_remote_irr(vector, "the EOI broadcast");
}

// Clears remote IRR on every level-triggered entry with this vector; a pin still asserted
// sends again (the device has not been serviced yet, or has interrupted again).
void IoApic::clear_remote_irr(u8 vector, std::string_view how) {
  for (unsigned pin = 0; pin < kPins; ++pin) {
    u64& entry = m_entries[pin];
    if (!(entry & kRemoteIrr) || vector_of(entry) != vector) continue;
    entry &= ~kRemoteIrr;
    if (m_trace.on(TraceCategory::Irq))
      m_trace.emit(TraceCategory::Irq, name(), "eoi", {{"pin", pin}, {"vector", vector}},
                   fmt::format("{} clears remote IRR of pin {}{}", how, pin,
                               m_levels[pin] ? "; pin still asserted, sending again" : ""));
    service(pin, "still asserted after EOI");
  }
}

void IoApic::serialize(Archive& archive) {
  m_direct.serialize(archive);
  archive.field("id", m_id);
  archive.field("arbitration_id", m_arbitration_id);
  archive.field("entries", m_entries);
  archive.field("levels", m_levels);
  if (archive.loading()) {
    m_id &= kIdMask;
    m_arbitration_id &= kIdMask;
    for (u64& entry : m_entries) entry &= kEntryWritable | kRemoteIrr;
  }
}

}  // namespace glasspc

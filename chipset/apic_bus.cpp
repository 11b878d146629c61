#include "chipset/apic_bus.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "bus/trace.h"
#include "chipset/lapic.h"

namespace glasspc {

namespace {

constexpr std::string_view kSource = "apic-bus";

// MSI address (SDM 11.11.1, Figure 11-31): 0xFEE in bits 31:20, destination ID in 19:12,
// redirection hint in bit 3, destination mode in bit 2.
constexpr unsigned kMsiDestinationShift = 12;
constexpr u64 kMsiDestinationMask = 0xFF;
constexpr u64 kMsiRedirectionHint = 1u << 3;
constexpr u64 kMsiDestinationLogical = 1u << 2;
// MSI data (SDM 11.11.2, Figure 11-32): vector 7:0, delivery mode 10:8, level 14, trigger 15.
constexpr u32 kMsiVectorMask = 0xFF;
constexpr unsigned kMsiDeliveryModeShift = 8;
constexpr u32 kMsiDeliveryModeMask = 0x7;
constexpr u32 kMsiLevelAssert = 1u << 14;
constexpr u32 kMsiLevelTriggered = 1u << 15;

const char* shorthand_name(ApicShorthand shorthand) {
  switch (shorthand) {
    case ApicShorthand::None:
      return "none";
    case ApicShorthand::Self:
      return "self";
    case ApicShorthand::AllIncludingSelf:
      return "all including self";
    case ApicShorthand::AllExcludingSelf:
      return "all excluding self";
  }
  return "?";
}

}  // namespace

std::string_view apic_delivery_mode_name(ApicDeliveryMode mode) {
  switch (mode) {
    case ApicDeliveryMode::Fixed:
      return "fixed";
    case ApicDeliveryMode::LowestPriority:
      return "lowest priority";
    case ApicDeliveryMode::Smi:
      return "SMI";
    case ApicDeliveryMode::Reserved3:
      return "reserved (011)";
    case ApicDeliveryMode::Nmi:
      return "NMI";
    case ApicDeliveryMode::Init:
      return "INIT";
    case ApicDeliveryMode::StartUp:
      return "STARTUP";
    case ApicDeliveryMode::ExtInt:
      return "ExtINT";
  }
  return "?";
}

ApicBus::ApicBus(Trace& trace) : m_trace(trace) {}

void ApicBus::add_lapic(LocalApic& lapic) {
  const u32 index = lapic.index();
  if (index >= m_lapics.size()) m_lapics.resize(index + 1, nullptr);
  if (m_lapics[index] != nullptr && m_lapics[index] != &lapic)
    throw std::logic_error(fmt::format("two local APICs for vCPU {}", index));
  m_lapics[index] = &lapic;
}

void ApicBus::remove_lapic(LocalApic& lapic) {
  const u32 index = lapic.index();
  if (index < m_lapics.size() && m_lapics[index] == &lapic) m_lapics[index] = nullptr;
}

LocalApic* ApicBus::lapic(u32 index) const {
  return index < m_lapics.size() ? m_lapics[index] : nullptr;
}

std::size_t ApicBus::lapic_count() const {
  return static_cast<std::size_t>(
      std::count_if(m_lapics.begin(), m_lapics.end(), [](LocalApic* l) { return l != nullptr; }));
}

void ApicBus::add_eoi_listener(EoiListener& listener) {
  if (std::find(m_eoi_listeners.begin(), m_eoi_listeners.end(), &listener) == m_eoi_listeners.end())
    m_eoi_listeners.push_back(&listener);
}

void ApicBus::remove_eoi_listener(EoiListener& listener) {
  std::erase(m_eoi_listeners, &listener);
}

std::string ApicBus::describe(const InterruptMessage& message) const {
  std::string text = fmt::format("{} vector {:#04x}",
                                 apic_delivery_mode_name(message.delivery_mode), message.vector);
  if (message.shorthand != ApicShorthand::None) {
    text += fmt::format(", shorthand {}", shorthand_name(message.shorthand));
  } else {
    text += fmt::format(
        ", {} destination {:#x}",
        message.destination_mode == ApicDestinationMode::Logical ? "logical" : "physical",
        message.destination);
  }
  text += message.trigger_mode == ApicTriggerMode::Level ? ", level" : ", edge";
  return text;
}

// SDM 11.6.2: the shorthands name the sender or everyone; otherwise each LAPIC compares the
// destination with its own ID (physical) or logical ID (logical). vCPU order keeps it stable.
std::vector<LocalApic*> ApicBus::select_targets(const InterruptMessage& message) const {
  std::vector<LocalApic*> targets;
  for (LocalApic* lapic : m_lapics) {
    if (lapic == nullptr) continue;
    const bool is_sender = lapic == message.sender;
    bool chosen = false;
    switch (message.shorthand) {
      case ApicShorthand::None:
        chosen = lapic->addressed_by(message);
        break;
      case ApicShorthand::Self:
        chosen = is_sender;
        break;
      case ApicShorthand::AllIncludingSelf:
        chosen = true;
        break;
      case ApicShorthand::AllExcludingSelf:
        chosen = !is_sender;
        break;
    }
    if (chosen) targets.push_back(lapic);
  }
  return targets;
}

// SDM 11.6.2.4: among the enabled candidates, the focus processor (one that already has the
// vector pending or in service, with focus checking on) wins; otherwise the lowest arbitration
// priority. Ties go to the lowest APIC ID: a fixed rule instead of hardware's rotating
// arbitration IDs, so that the choice never depends on history outside the guest's control.
LocalApic* ApicBus::lowest_priority_target(const std::vector<LocalApic*>& candidates,
                                           u8 vector) const {
  LocalApic* focus = nullptr;
  LocalApic* best = nullptr;
  for (LocalApic* lapic : candidates) {
    if (!lapic->globally_enabled() || !lapic->software_enabled()) continue;
    if (lapic->is_focus_for(vector) && (focus == nullptr || lapic->apic_id() < focus->apic_id()))
      focus = lapic;
    if (best == nullptr) {
      best = lapic;
      continue;
    }
    const u8 priority = lapic->arbitration_priority();
    const u8 best_priority = best->arbitration_priority();
    if (priority < best_priority ||
        (priority == best_priority && lapic->apic_id() < best->apic_id()))
      best = lapic;
  }
  return focus != nullptr ? focus : best;
}

unsigned ApicBus::deliver(const InterruptMessage& message, std::string_view origin) {
  std::vector<LocalApic*> targets = select_targets(message);
  if (m_trace.on(TraceCategory::Irq)) {
    m_trace.emit(
        TraceCategory::Irq, kSource, "message",
        {{"vector", message.vector}, {"targets", targets.size()}},
        fmt::format("{} sends {}: {}", origin, describe(message),
                    targets.empty() ? std::string("no LAPIC matches")
                                    : fmt::format("{} LAPIC(s) addressed", targets.size())));
  }
  if (targets.empty()) return 0;
  if (message.delivery_mode == ApicDeliveryMode::LowestPriority) {
    LocalApic* winner = lowest_priority_target(targets, message.vector);
    if (winner == nullptr) {
      if (m_trace.on(TraceCategory::Irq))
        m_trace.emit(TraceCategory::Irq, kSource, "lowest_priority", {{"vector", message.vector}},
                     "lowest priority: no addressed LAPIC is enabled, message dropped");
      return 0;
    }
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, kSource, "lowest_priority",
                   {{"vector", message.vector}, {"apic_id", winner->apic_id()}},
                   fmt::format("lowest priority: LAPIC {} (APIC ID {}, arbitration priority "
                               "{:#04x}) wins among {}",
                               winner->index(), winner->apic_id(), winner->arbitration_priority(),
                               targets.size()));
    }
    targets.assign(1, winner);
  }
  unsigned accepted = 0;
  for (LocalApic* lapic : targets)
    if (lapic->receive(message, origin)) ++accepted;
  return accepted;
}

void ApicBus::broadcast_eoi(u8 vector, std::string_view origin) {
  if (m_trace.on(TraceCategory::Irq)) {
    m_trace.emit(TraceCategory::Irq, kSource, "eoi_broadcast", {{"vector", vector}},
                 fmt::format("{} broadcasts the EOI of level-triggered vector {:#04x} to {} "
                             "IOAPIC(s)",
                             origin, vector, m_eoi_listeners.size()));
  }
  // A listener may re-deliver (a line still asserted), which may add no listeners: copy anyway.
  const std::vector<EoiListener*> listeners = m_eoi_listeners;
  for (EoiListener* listener : listeners) listener->end_of_interrupt(vector);
}

bool ApicBus::decode_msi(const MsiMessage& message, InterruptMessage& out, std::string& why) {
  if (!in_msi_window(message.address)) {
    why = "address outside 0xFEE00000-0xFEEFFFFF";
    return false;
  }
  const u32 mode = (message.data >> kMsiDeliveryModeShift) & kMsiDeliveryModeMask;
  out = InterruptMessage{};
  out.delivery_mode = static_cast<ApicDeliveryMode>(mode);
  // SDM 11.11.2: 011 and 110 are reserved for MSI (no STARTUP by message).
  if (out.delivery_mode == ApicDeliveryMode::Reserved3 ||
      out.delivery_mode == ApicDeliveryMode::StartUp) {
    why = fmt::format("reserved delivery mode {:03b}", mode);
    return false;
  }
  out.destination =
      static_cast<u32>((message.address >> kMsiDestinationShift) & kMsiDestinationMask);
  out.destination_mode = (message.address & kMsiDestinationLogical) ? ApicDestinationMode::Logical
                                                                    : ApicDestinationMode::Physical;
  out.vector = static_cast<u8>(message.data & kMsiVectorMask);
  out.trigger_mode =
      (message.data & kMsiLevelTriggered) ? ApicTriggerMode::Level : ApicTriggerMode::Edge;
  // The level bit only means something for level-triggered messages (edge messages assert).
  out.assert_level =
      out.trigger_mode == ApicTriggerMode::Edge || (message.data & kMsiLevelAssert) != 0;
  // SDM 11.11.1: RH = 1 with logical destination mode redirects to the lowest-priority processor
  // of the group.
  if ((message.address & kMsiRedirectionHint) &&
      out.destination_mode == ApicDestinationMode::Logical &&
      out.delivery_mode == ApicDeliveryMode::Fixed)
    out.delivery_mode = ApicDeliveryMode::LowestPriority;
  return true;
}

void ApicBus::deliver_msi(const MsiMessage& message, RequesterId requester) {
  InterruptMessage decoded;
  std::string why;
  const std::string origin = fmt::format("MSI from {}", requester.to_string());
  if (!decode_msi(message, decoded, why)) {
    if (m_trace.on(TraceCategory::Msi)) {
      m_trace.emit(TraceCategory::Msi, kSource, "msi_dropped",
                   {{"addr", message.address}, {"data", message.data}},
                   fmt::format("{} dropped: {}", origin, why));
    }
    return;
  }
  if (m_trace.on(TraceCategory::Msi)) {
    m_trace.emit(TraceCategory::Msi, kSource, "msi_decode",
                 {{"addr", message.address}, {"data", message.data}},
                 fmt::format("{} decodes to {}{}", origin, describe(decoded),
                             (message.address & kMsiRedirectionHint) ? ", redirection hint" : ""));
  }
  if (!decoded.assert_level) {
    if (m_trace.on(TraceCategory::Msi))
      m_trace.emit(TraceCategory::Msi, kSource, "msi_deassert", {{"data", message.data}},
                   "level de-assert message: nothing to deliver");
    return;
  }
  deliver(decoded, origin);
}

}  // namespace glasspc

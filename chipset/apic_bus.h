// The interrupt fabric between the interrupt sources (IOAPIC, MSI writes, IPIs from a LAPIC's ICR,
// the LAPIC's own self-IPIs) and the local APICs.
//
// On a Pentium 4 or later the "APIC bus" is a message on the system bus; here it is one function,
// deliver(), that takes an interrupt message (destination, destination mode, delivery mode,
// vector, trigger mode, level, shorthand), works out which LAPICs it addresses (Intel SDM Vol. 3A,
// 11.6.2 "Determining IPI Destination") and hands it to them. MSI writes arrive through
// InterruptMessageSink and are decoded into the same message (SDM 11.11 "Message Signalled
// Interrupts"), so an MSI and an IOAPIC redirection entry travel the same path.
//
// Lowest-priority delivery (SDM 11.6.2.4) picks, among the addressed LAPICs that are enabled, the
// focus processor when focus checking is on (a LAPIC that already has the vector pending or in
// service), else the one with the lowest arbitration priority. Hardware breaks ties by a rotating
// arbitration ID; glasspc breaks them by the lowest APIC ID, a fixed rule, so that runs are
// deterministic.
//
// The reverse direction, the EOI of a level-triggered interrupt, is broadcast to EoiListeners
// (the IOAPIC clears its remote IRR bits with it, SDM 11.8.5).
//
// Every hop is traced under TraceCategory::Irq (MSI decoding under TraceCategory::Msi).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bus/msi.h"
#include "bus/types.h"

namespace glasspc {

class LocalApic;
class Trace;

// SDM 11.6.1, ICR bits 10:8; the same encoding is used by LVT entries, IOAPIC redirection entries
// and MSI data (SDM 11.11.2).
enum class ApicDeliveryMode : u8 {
  Fixed = 0,
  LowestPriority = 1,
  Smi = 2,
  Reserved3 = 3,
  Nmi = 4,
  Init = 5,
  StartUp = 6,
  ExtInt = 7,
};
std::string_view apic_delivery_mode_name(ApicDeliveryMode mode);

enum class ApicDestinationMode : u8 { Physical = 0, Logical = 1 };
enum class ApicTriggerMode : u8 { Edge = 0, Level = 1 };
// SDM 11.6.1, ICR bits 19:18.
enum class ApicShorthand : u8 { None = 0, Self = 1, AllIncludingSelf = 2, AllExcludingSelf = 3 };

struct InterruptMessage {
  u32 destination = 0;
  // True for the 32-bit destinations of x2APIC mode (SDM 11.12.9), where 0xFFFFFFFF is the
  // broadcast; false for the 8-bit xAPIC format (ICR high, IOAPIC, MSI), where 0xFF is.
  bool wide_destination = false;
  ApicDestinationMode destination_mode = ApicDestinationMode::Physical;
  ApicDeliveryMode delivery_mode = ApicDeliveryMode::Fixed;
  u8 vector = 0;
  ApicTriggerMode trigger_mode = ApicTriggerMode::Edge;
  // ICR bit 14 / MSI data bit 14: false only for the INIT level de-assert message.
  bool assert_level = true;
  ApicShorthand shorthand = ApicShorthand::None;
  // The LAPIC that sends an IPI, for the shorthands; null for IOAPIC and MSI messages.
  const LocalApic* sender = nullptr;
};

// Told about every EOI of a level-triggered vector that a LAPIC broadcasts.
class EoiListener {
 public:
  virtual ~EoiListener() = default;
  virtual void end_of_interrupt(u8 vector) = 0;
};

class ApicBus : public InterruptMessageSink {
 public:
  static constexpr u32 kXapicBroadcast = 0xFF;
  static constexpr u32 kX2apicBroadcast = 0xFFFFFFFF;

  explicit ApicBus(Trace& trace);

  // LAPICs register themselves at construction (by their vCPU index) and leave at destruction.
  void add_lapic(LocalApic& lapic);
  void remove_lapic(LocalApic& lapic);
  // The LAPIC of vCPU `index`, or null.
  LocalApic* lapic(u32 index) const;
  std::size_t lapic_count() const;

  void add_eoi_listener(EoiListener& listener);
  void remove_eoi_listener(EoiListener& listener);

  // Delivers a message; `origin` names the source in the trace ("ioapic pin 4", "lapic0 ICR").
  // Returns the number of LAPICs that accepted it.
  unsigned deliver(const InterruptMessage& message, std::string_view origin);
  // A LAPIC's EOI for a level-triggered vector (SDM 11.8.5).
  void broadcast_eoi(u8 vector, std::string_view origin);

  // InterruptMessageSink: a 4-byte write into 0xFEExxxxx.
  void deliver_msi(const MsiMessage& message, RequesterId requester) override;
  // Decodes an MSI address/data pair (SDM 11.11.1, 11.11.2). False for a message the SDM calls
  // reserved (delivery modes 011 and 110, an address outside the window); `why` then says why.
  static bool decode_msi(const MsiMessage& message, InterruptMessage& out, std::string& why);

 private:
  std::vector<LocalApic*> select_targets(const InterruptMessage& message) const;
  LocalApic* lowest_priority_target(const std::vector<LocalApic*>& candidates, u8 vector) const;
  std::string describe(const InterruptMessage& message) const;

  Trace& m_trace;
  std::vector<LocalApic*> m_lapics;  // indexed by vCPU index; null where none
  std::vector<EoiListener*> m_eoi_listeners;
};

}  // namespace glasspc

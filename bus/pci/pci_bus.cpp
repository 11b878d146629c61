#include "bus/pci/pci_bus.h"

#include <fmt/format.h>

#include <stdexcept>

#include "bus/machine.h"
#include "bus/pci/pci_config_regs.h"
#include "bus/pci/pci_function.h"
#include "bus/requester_id.h"
#include "bus/trace.h"

namespace glasspc {

namespace {

constexpr u32 kMasterAbort = 0xFFFFFFFF;
constexpr char kPirqNames[PciBus::kPirqCount] = {'A', 'B', 'C', 'D'};

}  // namespace

PciBus::PciBus(std::string name, Machine& machine, u8 number)
    : m_name(std::move(name)), m_machine(machine), m_number(number) {
  for (unsigned i = 0; i < kPirqCount; ++i) {
    m_pirqs[i] = std::make_unique<IrqWireOr>(fmt::format("{}.PIRQ{}", m_name, kPirqNames[i]),
                                             &machine.trace());
  }
}

void PciBus::plug(PciFunction& function) {
  const u8 devfn = function.devfn();
  if (m_functions[devfn] != nullptr) {
    throw std::logic_error(fmt::format("{}: {} and {} both at {:02x}.{}", m_name,
                                       m_functions[devfn]->name(), function.name(),
                                       function.device_number(), function.function_number()));
  }
  m_functions[devfn] = &function;
  const u8 pin = function.interrupt_pin();
  if (pin >= pci::kIntA && pin <= pci::kIntD) {
    // The wire-OR's input pin number is the devfn, unique on this bus.
    function.intx_line().connect(*m_pirqs[pirq_of(function.device_number(), pin)], devfn);
  }
}

PciFunction* PciBus::route(u8 bus, u8 devfn) {
  if (bus == m_number) return m_functions[devfn];
  // A cycle for another bus number goes to the bridge whose range holds it (type 1 cycle).
  for (PciFunction* function : m_functions) {
    if (function == nullptr || !function->is_bridge()) continue;
    const u8 secondary = static_cast<u8>(function->config_value(pci::kSecondaryBus, 1));
    const u8 subordinate = static_cast<u8>(function->config_value(pci::kSubordinateBus, 1));
    PciBus* behind = function->secondary_bus();
    if (behind == nullptr || secondary == 0 || bus < secondary || bus > subordinate) continue;
    // The bus behind answers to the number software gave it.
    if (behind->m_number != secondary) behind->m_number = secondary;
    return behind->route(bus, devfn);
  }
  return nullptr;
}

u32 PciBus::config_read(u8 bus, u8 devfn, u8 offset, unsigned size) {
  PciFunction* function = route(bus, devfn);
  const u32 value = function != nullptr ? function->config_read(offset, size)
                                        : static_cast<u32>(kMasterAbort & size_mask(size));
  trace_cycle("config read", bus, devfn, offset, value, size, function != nullptr);
  return value;
}

void PciBus::config_write(u8 bus, u8 devfn, u8 offset, u32 value, unsigned size) {
  PciFunction* function = route(bus, devfn);
  trace_cycle("config write", bus, devfn, offset, value, size, function != nullptr);
  if (function != nullptr) function->config_write(offset, value, size);
}

void PciBus::trace_cycle(const char* what, u8 bus, u8 devfn, u8 offset, u32 value, unsigned size,
                         bool claimed) {
  Trace& trace = m_machine.trace();
  if (!trace.on(TraceCategory::Pci)) return;
  const RequesterId bdf = RequesterId::of(bus, pci::device_of(devfn), pci::function_of(devfn));
  trace.emit(TraceCategory::Pci, bdf.to_string(), what,
             {{"reg", offset}, {"value", value}, {"size", size}},
             claimed ? std::string_view{} : "no function: master abort");
}

}  // namespace glasspc

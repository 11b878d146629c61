#include "bus/pci/pci_bars.h"

#include "bus/pci/pci_config_regs.h"
#include "bus/trace.h"

namespace glasspc {

namespace {

constexpr u64 kPortSpaceSize = 0x10000;
constexpr u64 k4GiB = u64{1} << 32;

}  // namespace

// --- I/O -----------------------------------------------------------------------------------------

PciIoWindow::PciIoWindow(PortSpace& ports, Trace& trace, PortHandler handler, u32 size)
    : m_ports(ports), m_trace(trace), m_handler(std::move(handler)), m_size(size) {}

PciIoWindow::~PciIoWindow() {
  if (m_claim) m_ports.release(*m_claim);
}

void PciIoWindow::place(std::optional<u16> base) {
  if (m_claim && base && *base == m_base) return;
  if (m_claim) {
    m_ports.release(*m_claim);
    m_claim.reset();
  }
  if (!base) return;
  m_base = *base;
  if (!m_ports.range_free(m_base, m_size)) {
    // Another device already answers there. Two owners of one port would be a bus conflict on
    // real hardware; here the moved block simply stays off the bus until it is moved again.
    if (m_trace.on(TraceCategory::Pci)) {
      m_trace.emit(TraceCategory::Pci, m_handler.name, "conflict",
                   {{"port", m_base}, {"size", m_size}},
                   "I/O range already claimed by another device; not decoded");
    }
    return;
  }
  m_claim = m_ports.claim(m_base, m_size, m_handler);
}

// --- memory --------------------------------------------------------------------------------------

PciMemoryWindow::PciMemoryWindow(MemoryMap& memory, std::string name, u64 size, MmioOps ops,
                                 int priority)
    : m_memory(memory), m_size(size) {
  m_region = m_memory.add_mmio(std::move(name), 0, size, std::move(ops), priority);
  m_memory.set_enabled(m_region, false);
}

PciMemoryWindow::~PciMemoryWindow() {
  m_memory.remove(m_region);
}

void PciMemoryWindow::place(std::optional<Gpa> base) {
  m_decoding = base.has_value();
  if (base) m_memory.move(m_region, *base);
  m_memory.set_enabled(m_region, m_decoding);
}

// --- address rules -------------------------------------------------------------------------------

std::optional<u16> pci_io_bar_address(u32 bar, u64 size, bool enabled) {
  const u64 address = bar & pci::kBarIoAddressMask & ~(size - 1);
  if (!enabled || address == 0 || address + size > kPortSpaceSize) return std::nullopt;
  return static_cast<u16>(address);
}

std::optional<Gpa> pci_memory_bar_address(u64 bar, u64 size, bool is_64bit, bool enabled) {
  const u64 address = bar & ~u64{0xF} & ~(size - 1);
  if (!enabled || address == 0) return std::nullopt;
  const u64 last = address + (size - 1);
  if (last < address) return std::nullopt;  // wraps past 2^64
  const u64 top = is_64bit ? ~u64{0} : k4GiB - 1;
  if (last >= top) return std::nullopt;
  return address;
}

}  // namespace glasspc

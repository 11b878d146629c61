#include "bus/pci/pci_msi.h"

#include <fmt/format.h>

#include <bit>
#include <stdexcept>

#include "bus/dma_space.h"
#include "bus/pci/pci_config_regs.h"
#include "bus/pci/pci_function.h"

namespace glasspc {

namespace {

constexpr unsigned kMaxVectors = 32;
// Message Address bits 1:0 are reserved: the address is dword aligned (6.8.1.4).
constexpr u32 kAddressWritable = 0xFFFFFFFC;
// Message Data is 16 bits in PCI 3.0 (6.8.1.6); the upper half of its dword reads 0.
constexpr u32 kDataWritable = 0xFFFF;
constexpr u8 kLength32 = 0x0A;
constexpr u8 kLength64 = 0x0E;
constexpr u8 kLength32Masking = 0x14;
constexpr u8 kLength64Masking = 0x18;

}  // namespace

PciMsi::PciMsi(PciFunction& function, u8 offset, Options options)
    : m_function(function), m_offset(offset), m_options(options) {
  if (options.vectors == 0 || options.vectors > kMaxVectors ||
      !std::has_single_bit(options.vectors)) {
    throw std::logic_error(fmt::format("{}: MSI offers {} vectors; 1, 2, 4, 8, 16 or 32",
                                       function.name(), options.vectors));
  }
  function.add_capability(offset, pci::kCapabilityIdMsi, length());
  const u16 capable = static_cast<u16>(std::countr_zero(options.vectors) << kCapableShift);
  const u16 control = capable | (options.address_64bit ? kAddress64 : 0) |
                      (options.per_vector_masking ? kPerVectorMasking : 0);
  function.define_register(control_offset(), 2, control, kEnable | kMultipleEnableMask);
  function.define_register(address_offset(), 4, 0, kAddressWritable);
  if (options.address_64bit) function.define_register(upper_address_offset(), 4, 0, 0xFFFFFFFF);
  function.define_register(data_offset(), 4, 0, kDataWritable);
  if (options.per_vector_masking) {
    function.define_register(mask_offset(), 4, 0, implemented_vectors_mask());
    function.define_register(pending_offset(), 4, 0, 0);  // read-only: set by the function
  }
  function.watch_config(offset, offset + length(), [this](u8, unsigned) { written(); });
  function.add_intx_inhibitor([this] { return enabled(); });
}

u8 PciMsi::length() const {
  if (m_options.per_vector_masking)
    return m_options.address_64bit ? kLength64Masking : kLength32Masking;
  return m_options.address_64bit ? kLength64 : kLength32;
}

u16 PciMsi::control() const {
  return static_cast<u16>(m_function.config_value(control_offset(), 2));
}

bool PciMsi::enabled() const {
  return control() & kEnable;
}

u32 PciMsi::implemented_vectors_mask() const {
  return m_options.vectors >= kMaxVectors ? 0xFFFFFFFF : (u32{1} << m_options.vectors) - 1;
}

// Multiple Message Enable values above Multiple Message Capable (or the reserved 110b/111b)
// give the function no more vectors than it has.
unsigned PciMsi::allocated_vectors() const {
  const unsigned requested =
      1u << std::min<unsigned>((control() & kMultipleEnableMask) >> kEnableShift, 5);
  return std::min(requested, m_options.vectors);
}

// A function with more interrupt conditions than allocated vectors shares them: condition n
// uses vector n mod allocated.
unsigned PciMsi::effective_vector(unsigned vector) const {
  return vector & (allocated_vectors() - 1);
}

MsiMessage PciMsi::message(unsigned vector) const {
  MsiMessage message;
  message.address = m_function.config_value(address_offset(), 4);
  if (m_options.address_64bit)
    message.address |= u64{m_function.config_value(upper_address_offset(), 4)} << 32;
  const u32 low_bits = allocated_vectors() - 1;
  const u32 data = m_function.config_value(data_offset(), 2);
  message.data = (data & ~low_bits) | (effective_vector(vector) & low_bits);
  return message;
}

bool PciMsi::masked(unsigned vector) const {
  if (!m_options.per_vector_masking) return false;
  return (m_function.config_value(mask_offset(), 4) >> effective_vector(vector)) & 1;
}

bool PciMsi::pending(unsigned vector) const {
  if (!m_options.per_vector_masking) return false;
  return (m_function.config_value(pending_offset(), 4) >> effective_vector(vector)) & 1;
}

bool PciMsi::notify(unsigned vector) {
  if (!enabled()) return false;
  const unsigned effective = effective_vector(vector);
  if (masked(effective)) {
    const u32 pending_bits = m_function.config_value(pending_offset(), 4);
    m_function.set_config_value(pending_offset(), pending_bits | (u32{1} << effective), 4);
    return false;
  }
  return send(effective);
}

bool PciMsi::send(unsigned vector) {
  const MsiMessage msg = message(vector);
  return m_function.dma().signal_msi(msg.address, msg.data) == DmaStatus::Ok;
}

void PciMsi::written() {
  m_function.update_intx();  // MSI Enable takes INTx# over (6.8.1.3)
  deliver_unmasked_pending();
}

void PciMsi::deliver_unmasked_pending() {
  if (!m_options.per_vector_masking || !enabled()) return;
  const u32 mask = m_function.config_value(mask_offset(), 4);
  u32 pending_bits = m_function.config_value(pending_offset(), 4);
  for (unsigned vector = 0; vector < m_options.vectors; ++vector) {
    const u32 bit = u32{1} << vector;
    if (!(pending_bits & bit) || (mask & bit)) continue;
    pending_bits &= ~bit;
    m_function.set_config_value(pending_offset(), pending_bits, 4);
    send(vector);
  }
}

}  // namespace glasspc

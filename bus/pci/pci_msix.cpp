#include "bus/pci/pci_msix.h"

#include <fmt/format.h>

#include <stdexcept>

#include "bus/archive.h"
#include "bus/dma_space.h"
#include "bus/pci/pci_config_regs.h"
#include "bus/pci/pci_function.h"

namespace glasspc {

namespace {

constexpr u8 kCapabilityLength = 12;
constexpr u8 kControl = 2;
constexpr u8 kTableOffsetBir = 4;
constexpr u8 kPbaOffsetBir = 8;
constexpr u32 kBirMask = 0x7;
constexpr u32 kStructureAlignment = 8;
constexpr unsigned kDwordsPerEntry = PciMsix::kEntrySize / 4;
// Message Address bits 1:0 are reserved and read 0 (6.8.2.6).
constexpr u32 kAddressWritable = 0xFFFFFFFC;

}  // namespace

PciMsix::PciMsix(PciFunction& function, u8 offset, Layout layout)
    : m_function(function), m_offset(offset), m_layout(layout) {
  if (layout.vectors == 0 || layout.vectors > kMaxVectors ||
      layout.table_offset % kStructureAlignment != 0 ||
      layout.pba_offset % kStructureAlignment != 0 || layout.table_bar >= pci::kBarCountType0 ||
      layout.pba_bar >= pci::kBarCountType0) {
    throw std::logic_error(fmt::format("{}: bad MSI-X layout", function.name()));
  }
  function.add_capability(offset, pci::kCapabilityIdMsix, kCapabilityLength);
  function.define_register(offset + kControl, 2, layout.vectors - 1, kFunctionMask | kEnable);
  function.define_register(offset + kTableOffsetBir, 4, layout.table_offset | layout.table_bar, 0);
  function.define_register(offset + kPbaOffsetBir, 4, layout.pba_offset | layout.pba_bar, 0);
  function.watch_config(offset + kControl, offset + kControl + 2,
                        [this](u8, unsigned) { control_written(); });
  function.add_intx_inhibitor([this] { return enabled(); });
  function.add_state([this] { reset(); }, [this](Archive& archive) { serialize(archive); });
  reset();
}

void PciMsix::reset() {
  // Every vector starts masked (6.8.2.9: Mask Bit "default value ... 1").
  m_table.assign(std::size_t{m_layout.vectors} * kDwordsPerEntry, 0);
  for (unsigned vector = 0; vector < m_layout.vectors; ++vector)
    m_table[vector * kDwordsPerEntry + kEntryVectorControl / 4] = kVectorMasked;
  m_pba.assign(pba_qwords(), 0);
}

void PciMsix::serialize(Archive& archive) {
  std::vector<u32> table = m_table;
  std::vector<u64> pba = m_pba;
  archive.field("msix_table", table);
  archive.field("msix_pba", pba);
  if (archive.loading()) {
    if (table.size() != m_table.size() || pba.size() != m_pba.size())
      throw ArchiveError(fmt::format("{}: MSI-X table size differs", m_function.name()));
    m_table = std::move(table);
    m_pba = std::move(pba);
  }
}

u16 PciMsix::control() const {
  return static_cast<u16>(m_function.config_value(m_offset + kControl, 2));
}

bool PciMsix::enabled() const {
  return control() & kEnable;
}

bool PciMsix::function_masked() const {
  return control() & kFunctionMask;
}

bool PciMsix::vector_masked(unsigned vector) const {
  if (vector >= m_layout.vectors) return true;
  return m_table[vector * kDwordsPerEntry + kEntryVectorControl / 4] & kVectorMasked;
}

bool PciMsix::pending(unsigned vector) const {
  if (vector >= m_layout.vectors) return false;
  return (m_pba[vector / kPendingBitsPerQword] >> (vector % kPendingBitsPerQword)) & 1;
}

MsiMessage PciMsix::message(unsigned vector) const {
  MsiMessage message;
  if (vector >= m_layout.vectors) return message;
  const u32* entry = &m_table[vector * kDwordsPerEntry];
  message.address = entry[kEntryAddress / 4] | u64{entry[kEntryUpperAddress / 4]} << 32;
  message.data = entry[kEntryData / 4];
  return message;
}

// --- table and PBA accesses ----------------------------------------------------------------------

u32 PciMsix::table_read(u32 offset) const {
  if (offset >= table_size_bytes()) return 0;
  return m_table[offset / 4];
}

void PciMsix::table_write(u32 offset, u32 value) {
  if (offset >= table_size_bytes()) return;
  const u32 field = offset % kEntrySize;
  switch (field) {
    case kEntryAddress:
      value &= kAddressWritable;
      break;
    case kEntryVectorControl:
      value &= kVectorMasked;  // the other bits are reserved
      break;
    default:
      break;
  }
  m_table[offset / 4] = value;
  if (field == kEntryVectorControl) deliver_unmasked_pending();
}

// The PBA is read-only; "software should never write" it and writes are ignored (6.8.2.10).
u32 PciMsix::pba_read(u32 offset) const {
  if (offset >= pba_size_bytes()) return 0;
  const u64 qword = m_pba[offset / 8];
  return static_cast<u32>(offset % 8 == 0 ? qword : qword >> 32);
}

MmioOps PciMsix::bar_ops(u8 bar) {
  MmioOps ops;
  const bool has_table = m_layout.table_bar == bar;
  const bool has_pba = m_layout.pba_bar == bar;
  ops.read = [this, has_table, has_pba](u64 offset, unsigned) -> u64 {
    if (has_table && offset >= m_layout.table_offset &&
        offset < u64{m_layout.table_offset} + table_size_bytes())
      return table_read(static_cast<u32>(offset - m_layout.table_offset));
    if (has_pba && offset >= m_layout.pba_offset &&
        offset < u64{m_layout.pba_offset} + pba_size_bytes())
      return pba_read(static_cast<u32>(offset - m_layout.pba_offset));
    return 0;
  };
  ops.write = [this, has_table](u64 offset, u64 value, unsigned) {
    if (has_table && offset >= m_layout.table_offset &&
        offset < u64{m_layout.table_offset} + table_size_bytes())
      table_write(static_cast<u32>(offset - m_layout.table_offset), static_cast<u32>(value));
  };
  ops.valid = AccessSizes{4, 8, false};
  ops.impl = AccessSizes{4, 4, false};
  return ops;
}

// --- signalling ----------------------------------------------------------------------------------

bool PciMsix::notify(unsigned vector) {
  if (!enabled() || vector >= m_layout.vectors) return false;
  if (function_masked() || vector_masked(vector)) {
    m_pba[vector / kPendingBitsPerQword] |= u64{1} << (vector % kPendingBitsPerQword);
    return false;
  }
  return send(vector);
}

bool PciMsix::send(unsigned vector) {
  const MsiMessage msg = message(vector);
  return m_function.dma().signal_msi(msg.address, msg.data) == DmaStatus::Ok;
}

void PciMsix::control_written() {
  m_function.update_intx();  // MSI-X Enable takes INTx# over (6.8.2.3)
  deliver_unmasked_pending();
}

void PciMsix::deliver_unmasked_pending() {
  if (!enabled() || function_masked()) return;
  for (unsigned vector = 0; vector < m_layout.vectors; ++vector) {
    if (!pending(vector) || vector_masked(vector)) continue;
    m_pba[vector / kPendingBitsPerQword] &= ~(u64{1} << (vector % kPendingBitsPerQword));
    send(vector);
  }
}

}  // namespace glasspc

// The MSI-X capability (PCI Local Bus Specification 3.0, 6.8.2 "MSI-X Capability and Table
// Structures").
//
// The capability in configuration space holds Message Control (table size, Function Mask,
// MSI-X Enable) and the BAR and offset of two memory structures: the table (one 16-byte entry of
// address, data and vector control per vector) and the Pending Bit Array. Both live in a memory
// BAR of the function, which forwards accesses to table_read/table_write/pba_read (or uses
// bar_ops() when the BAR holds nothing else). Software reaches them with aligned dword or qword
// accesses only (6.8.2); other sizes are ignored as unassigned by the memory map.
//
// A vector masked by its entry or by Function Mask sets its pending bit instead of sending; the
// pending message goes out when both masks are clear (6.8.2.8, 6.8.3.3). Messages are 4-byte DMA
// writes through the function's DmaSpace, as for MSI.
#pragma once

#include <vector>

#include "bus/memory_map.h"
#include "bus/msi.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class PciFunction;

class PciMsix {
 public:
  static constexpr unsigned kMaxVectors = 2048;
  static constexpr u32 kEntrySize = 16;
  static constexpr unsigned kPendingBitsPerQword = 64;
  // Message Control bits (6.8.2.3).
  static constexpr u16 kTableSizeMask = 0x07FF;  // N - 1
  static constexpr u16 kFunctionMask = 1 << 14;
  static constexpr u16 kEnable = 1 << 15;
  // Vector Control (6.8.2.9).
  static constexpr u32 kVectorMasked = 1 << 0;
  // Entry layout.
  static constexpr u32 kEntryAddress = 0x0;
  static constexpr u32 kEntryUpperAddress = 0x4;
  static constexpr u32 kEntryData = 0x8;
  static constexpr u32 kEntryVectorControl = 0xC;

  struct Layout {
    unsigned vectors = 1;
    u8 table_bar = 0;      // BAR Indicator Register (BIR)
    u32 table_offset = 0;  // 8-byte aligned
    u8 pba_bar = 0;
    u32 pba_offset = 0;  // 8-byte aligned
  };

  // Adds the capability at configuration offset `offset` of `function`.
  PciMsix(PciFunction& function, u8 offset, Layout layout);
  PciMsix(const PciMsix&) = delete;
  PciMsix& operator=(const PciMsix&) = delete;

  bool notify(unsigned vector);

  bool enabled() const;
  bool function_masked() const;
  bool vector_masked(unsigned vector) const;
  bool pending(unsigned vector) const;
  MsiMessage message(unsigned vector) const;
  unsigned vectors() const { return m_layout.vectors; }
  u32 table_size_bytes() const { return m_layout.vectors * kEntrySize; }
  u32 pba_size_bytes() const { return pba_qwords() * 8; }

  // Accesses of 4 bytes at dword-aligned offsets inside the table or the PBA.
  u32 table_read(u32 offset) const;
  void table_write(u32 offset, u32 value);
  u32 pba_read(u32 offset) const;
  // Decodes table and PBA (whichever of them live in BAR `bar`) at their offsets in the BAR.
  MmioOps bar_ops(u8 bar);

 private:
  unsigned pba_qwords() const {
    return (m_layout.vectors + kPendingBitsPerQword - 1) / kPendingBitsPerQword;
  }
  u16 control() const;
  void control_written();
  void deliver_unmasked_pending();
  bool send(unsigned vector);
  void reset();
  void serialize(Archive& archive);

  PciFunction& m_function;
  u8 m_offset;
  Layout m_layout;
  std::vector<u32> m_table;  // 4 dwords per entry
  std::vector<u64> m_pba;
};

}  // namespace glasspc

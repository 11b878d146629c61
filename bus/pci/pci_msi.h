// The MSI capability (PCI Local Bus Specification 3.0, 6.8.1 "MSI Capability Structure").
//
// A function with MSI signals an interrupt by writing the Message Data to the Message Address:
// a 4-byte DMA write through the function's own DmaSpace (DmaSpace::signal_msi), so the message
// needs Bus Master Enable and passes through the IOMMU's interrupt remapping like any other
// write. With Multiple Message Enable the function modifies the low bits of the data to name the
// vector (6.8.3.4). With per-vector masking a masked vector sets its Pending bit instead of
// sending; unmasking a pending vector sends it then (6.8.3.3).
//
// All state lives in configuration space, so it resets and saves with the function.
#pragma once

#include "bus/msi.h"
#include "bus/types.h"

namespace glasspc {

class PciFunction;

class PciMsi {
 public:
  struct Options {
    unsigned vectors = 1;  // Multiple Message Capable: 1, 2, 4, 8, 16 or 32
    bool address_64bit = true;
    bool per_vector_masking = true;
  };
  // Message Control bits (6.8.1.3).
  static constexpr u16 kEnable = 1 << 0;
  static constexpr unsigned kCapableShift = 1;  // bits 3:1
  static constexpr unsigned kEnableShift = 4;   // bits 6:4
  static constexpr u16 kMultipleEnableMask = 0x7 << kEnableShift;
  static constexpr u16 kAddress64 = 1 << 7;
  static constexpr u16 kPerVectorMasking = 1 << 8;

  // Adds the capability at configuration offset `offset` of `function`.
  PciMsi(PciFunction& function, u8 offset, Options options);
  PciMsi(const PciMsi&) = delete;
  PciMsi& operator=(const PciMsi&) = delete;

  // The function's interrupt condition for `vector`. Returns true if a message was sent;
  // false if MSI is off, the vector is masked (now pending) or the DMA was refused.
  bool notify(unsigned vector);

  bool enabled() const;
  // Vectors software allocated (2^Multiple Message Enable, at most what the function offers).
  unsigned allocated_vectors() const;
  MsiMessage message(unsigned vector) const;
  bool masked(unsigned vector) const;
  bool pending(unsigned vector) const;

  u8 offset() const { return m_offset; }
  u8 length() const;
  // Register offsets inside configuration space.
  u8 control_offset() const { return m_offset + 2; }
  u8 address_offset() const { return m_offset + 4; }
  u8 upper_address_offset() const { return m_offset + 8; }
  u8 data_offset() const { return m_offset + (m_options.address_64bit ? 0xC : 0x8); }
  u8 mask_offset() const { return m_offset + (m_options.address_64bit ? 0x10 : 0xC); }
  u8 pending_offset() const { return mask_offset() + 4; }

 private:
  u16 control() const;
  unsigned effective_vector(unsigned vector) const;
  bool send(unsigned vector);
  void written();
  void deliver_unmasked_pending();
  u32 implemented_vectors_mask() const;

  PciFunction& m_function;
  u8 m_offset;
  Options m_options;
};

}  // namespace glasspc

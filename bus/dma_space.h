// Device DMA, one DmaSpace per requester ID (bus:device.function).
//
// Devices reach memory only through their DmaSpace. Without an IOMMU an address is a
// guest-physical address; with one attached, every access is first translated (and permission
// checked) for this requester, and a fault stops the access. Writes of 4 bytes into the MSI
// window are interrupt messages, not memory writes (see msi.h). Bus mastering can be switched
// off (PCI command register bit 2), which blocks all DMA and MSI from the function.
#pragma once

#include <string>

#include "bus/msi.h"
#include "bus/requester_id.h"
#include "bus/types.h"

namespace glasspc {

class MemoryMap;
class Trace;

enum class DmaAccess : u8 { Read = 1, Write = 2 };

enum class DmaStatus : u8 {
  Ok,
  BusMasterDisabled,  // the function may not master the bus
  IommuFault,         // the IOMMU refused (reason recorded by the IOMMU itself)
};

// What an IOMMU says about one access.
struct DmaTranslation {
  bool ok = false;
  Gpa address = 0;   // translated guest-physical address of the first byte
  u64 length = 0;    // bytes from `address` that are contiguous under this translation (>= 1)
};

// Implemented by the IOMMU (iommu/). The DMA path asks it once per contiguous chunk.
class DmaTranslator {
 public:
  virtual ~DmaTranslator() = default;
  virtual DmaTranslation translate(RequesterId requester, u64 iova, u64 length, DmaAccess access) = 0;
  // Interrupt remapping: returns false (and records a fault) if the message is blocked.
  virtual bool remap_interrupt(RequesterId requester, MsiMessage& message) = 0;
};

class DmaSpace {
 public:
  DmaSpace(RequesterId requester, MemoryMap& memory, Trace& trace);

  RequesterId requester() const { return m_requester; }
  void set_translator(DmaTranslator* translator) { m_translator = translator; }
  void set_interrupt_sink(InterruptMessageSink* sink) { m_msi_sink = sink; }
  void set_bus_master(bool enabled) { m_bus_master = enabled; }
  bool bus_master() const { return m_bus_master; }

  DmaStatus read(u64 address, void* dst, u64 length);
  DmaStatus write(u64 address, const void* src, u64 length);
  // Convenience for descriptor rings.
  DmaStatus read_u32(u64 address, u32& value);
  DmaStatus write_u32(u64 address, u32 value);
  // A device signals MSI: a 4-byte write of `data` to `address` through this space.
  DmaStatus signal_msi(u64 address, u32 data) { return write_u32(address, data); }

  u64 faults() const { return m_faults; }

 private:
  DmaStatus transfer(u64 address, u8* buffer, u64 length, DmaAccess access);

  RequesterId m_requester;
  MemoryMap& m_memory;
  Trace& m_trace;
  DmaTranslator* m_translator = nullptr;
  InterruptMessageSink* m_msi_sink = nullptr;
  bool m_bus_master = true;
  u64 m_faults = 0;
};

}  // namespace glasspc

#include "bus/dma_space.h"

#include <algorithm>
#include <cstring>

#include "bus/memory_map.h"
#include "bus/trace.h"

namespace glasspc {

DmaSpace::DmaSpace(RequesterId requester, MemoryMap& memory, Trace& trace)
    : m_requester(requester), m_memory(memory), m_trace(trace) {}

DmaStatus DmaSpace::read(u64 address, void* dst, u64 length) {
  return transfer(address, static_cast<u8*>(dst), length, DmaAccess::Read);
}

DmaStatus DmaSpace::write(u64 address, const void* src, u64 length) {
  // transfer() only reads from the buffer when the access is a write.
  return transfer(address, const_cast<u8*>(static_cast<const u8*>(src)), length, DmaAccess::Write);
}

DmaStatus DmaSpace::read_u32(u64 address, u32& value) {
  u8 bytes[4];
  const DmaStatus status = read(address, bytes, sizeof bytes);
  value = u32{bytes[0]} | u32{bytes[1]} << 8 | u32{bytes[2]} << 16 | u32{bytes[3]} << 24;
  return status;
}

DmaStatus DmaSpace::write_u32(u64 address, u32 value) {
  const u8 bytes[4] = {static_cast<u8>(value), static_cast<u8>(value >> 8),
                       static_cast<u8>(value >> 16), static_cast<u8>(value >> 24)};
  return write(address, bytes, sizeof bytes);
}

DmaStatus DmaSpace::transfer(u64 address, u8* buffer, u64 length, DmaAccess access) {
  const bool is_write = access == DmaAccess::Write;
  const std::string_view what = is_write ? "write" : "read";
  if (m_trace.on(TraceCategory::Dma)) {
    m_trace.emit(TraceCategory::Dma, m_requester.to_string(), what,
                 {{"requester", m_requester.value}, {"addr", address}, {"length", length}},
                 m_bus_master ? std::string_view{} : "bus master disabled, blocked");
  }
  // PCI Local Bus Spec 3.0, 6.2.2: with Bus Master Enable clear the function issues no memory
  // cycles (MSI included). Nothing reaches memory; a device reading sees all ones.
  if (!m_bus_master) {
    if (!is_write) std::memset(buffer, 0xff, length);
    return DmaStatus::BusMasterDisabled;
  }
  if (length == 0) return DmaStatus::Ok;

  // A dword write into 0xFEExxxxx is an interrupt message, not a memory write (Intel SDM Vol. 3,
  // 11.11; with VT-d it is subject to interrupt remapping, not to DMA translation).
  if (is_write && length == 4 && in_msi_window(address)) {
    MsiMessage message{address, u32{buffer[0]} | u32{buffer[1]} << 8 | u32{buffer[2]} << 16 |
                                    u32{buffer[3]} << 24};
    if (m_translator != nullptr && !m_translator->remap_interrupt(m_requester, message)) {
      ++m_faults;
      if (m_trace.on(TraceCategory::Msi)) {
        m_trace.emit(TraceCategory::Msi, m_requester.to_string(), "blocked",
                     {{"requester", m_requester.value}, {"addr", address}, {"data", message.data}},
                     "interrupt remapping refused the message");
      }
      return DmaStatus::IommuFault;
    }
    if (m_trace.on(TraceCategory::Msi)) {
      m_trace.emit(
          TraceCategory::Msi, m_requester.to_string(), "message",
          {{"requester", m_requester.value}, {"addr", message.address}, {"data", message.data}},
          m_msi_sink ? std::string_view{} : "no interrupt controller, dropped");
    }
    if (m_msi_sink != nullptr) m_msi_sink->deliver_msi(message, m_requester);
    return DmaStatus::Ok;
  }

  if (m_translator == nullptr) {
    if (is_write)
      m_memory.write_bytes(address, buffer, length);
    else
      m_memory.read_bytes(address, buffer, length);
    return DmaStatus::Ok;
  }

  // Through the IOMMU: one translation per contiguous chunk. A fault ends the transfer; the
  // chunks before it have already happened, as on hardware.
  u64 done = 0;
  while (done < length) {
    const u64 iova = address + done;
    const DmaTranslation translation =
        m_translator->translate(m_requester, iova, length - done, access);
    if (!translation.ok || translation.length == 0) {
      ++m_faults;
      if (m_trace.on(TraceCategory::Iommu)) {
        m_trace.emit(TraceCategory::Iommu, m_requester.to_string(), "fault",
                     {{"requester", m_requester.value},
                      {"iova", iova},
                      {"access", static_cast<u64>(access)}},
                     "DMA stopped");
      }
      if (!is_write) std::memset(buffer + done, 0xff, length - done);
      return DmaStatus::IommuFault;
    }
    const u64 chunk = std::min(translation.length, length - done);
    if (is_write)
      m_memory.write_bytes(translation.address, buffer + done, chunk);
    else
      m_memory.read_bytes(translation.address, buffer + done, chunk);
    done += chunk;
  }
  return DmaStatus::Ok;
}

}  // namespace glasspc

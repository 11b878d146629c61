// Base address registers: what a BAR is, and the decoders that put a function's registers at the
// address software assigns (PCI Local Bus Specification 3.0, 6.2.5.1 "Address Maps").
//
// A BAR describes a power-of-two block of I/O ports or memory. Sizing is what the hardware does:
// the address bits below the size are hardwired to 0 and the type bits are read-only, so writing
// all ones and reading back gives ~(size - 1) | type bits. PciFunction keeps those bits in its
// configuration space; this file holds the decoders that follow the assigned address live.
//
// When a BAR decodes:
// - I/O: the I/O Space bit of the command register is set, the address is not 0 and the block
//   lies inside the 64 KiB port space. A block moved onto ports that another device already
//   claims does not decode at all (PortSpace gives a port to one owner only): its registers are
//   unreachable until software moves it to free ports. The event is traced under
//   TraceCategory::Pci as "conflict".
// - Memory: the Memory Space bit is set, the address is not 0 and the block does not reach the
//   last byte of its address space (4 GiB for a 32-bit BAR, 2^64 for a 64-bit one). That last
//   position is where the all-ones sizing pattern points, not an assignment (QEMU's pc treats it
//   the same way). Overlaps with RAM or other regions are resolved by MemoryMap priority: a BAR
//   (kBarPriority) covers RAM but not the shadow RAM windows of the host bridge.
#pragma once

#include <optional>
#include <string>

#include "bus/memory_map.h"
#include "bus/port_space.h"
#include "bus/types.h"

namespace glasspc {

class Trace;

enum class PciBarKind : u8 { Io, Memory32, Memory64 };

// What a function declares for one BAR.
struct PciBarSpec {
  PciBarKind kind = PciBarKind::Memory32;
  u64 size = 0;  // a power of two: at least 4 (I/O) or 16 (memory); I/O at most 256 (6.2.5.1)
  bool prefetchable = false;
  PortHandler io;  // kind == Io: offsets relative to the BAR's base
  MmioOps mmio;    // memory kinds: offsets relative to the BAR's base
};

// Above guest RAM (priority 0) and the isa-bios alias (1, added earlier), below the i440FX
// shadow RAM windows.
constexpr int kBarPriority = 1;

// A block of I/O ports that can be moved and switched off.
class PciIoWindow {
 public:
  PciIoWindow(PortSpace& ports, Trace& trace, PortHandler handler, u32 size);
  ~PciIoWindow();
  PciIoWindow(const PciIoWindow&) = delete;
  PciIoWindow& operator=(const PciIoWindow&) = delete;

  // Decodes [base, base + size) when `base` has a value, nothing otherwise.
  void place(std::optional<u16> base);
  bool decoding() const { return m_claim.has_value(); }
  u16 base() const { return m_base; }
  u32 size() const { return m_size; }

 private:
  PortSpace& m_ports;
  Trace& m_trace;
  PortHandler m_handler;
  u32 m_size;
  u16 m_base = 0;
  std::optional<PortClaimId> m_claim;
};

// An MMIO region that can be moved and switched off.
class PciMemoryWindow {
 public:
  PciMemoryWindow(MemoryMap& memory, std::string name, u64 size, MmioOps ops, int priority);
  ~PciMemoryWindow();
  PciMemoryWindow(const PciMemoryWindow&) = delete;
  PciMemoryWindow& operator=(const PciMemoryWindow&) = delete;

  void place(std::optional<Gpa> base);
  bool decoding() const { return m_decoding; }
  Gpa base() const { return m_memory.region_base(m_region); }
  u64 size() const { return m_size; }

 private:
  MemoryMap& m_memory;
  RegionId m_region;
  u64 m_size;
  bool m_decoding = false;
};

// The address a BAR value assigns, when it decodes (see the rules above); `enabled` is the
// command register's I/O or Memory Space bit.
std::optional<u16> pci_io_bar_address(u32 bar, u64 size, bool enabled);
std::optional<Gpa> pci_memory_bar_address(u64 bar, u64 size, bool is_64bit, bool enabled);

}  // namespace glasspc

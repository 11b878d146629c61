// QEMU's `pc-testdev`: the ISA test device kvm-unit-tests' x86 kernels drive (ioapic, eventinj,
// the emulator tests). It has no datasheet; the behaviour below is QEMU's (hw/misc/pc-testdev.c),
// so a test kernel written for `qemu-system-x86_64 -device pc-testdev` runs unchanged:
//
//   ports 0xE0-0xE3    "ioport": a 32-bit scratch register; an access of 1, 2 or 4 bytes reads
//                      or writes the bytes it covers (an `outw 0xE2` changes bits 31:16).
//   port  0xE4-0xE7    "flush page": a 4-byte OUT names a guest page; QEMU re-protects the host
//                      mapping (a KVM page-fault test aid). Nothing is guest-visible, so glasspc
//                      only traces it. Reads give 0; 1- and 2-byte accesses are invalid.
//   ports 0xE8-0xEB    "ioport-byte": the same scratch register (QEMU implements it byte-wise).
//   ports 0x2000-0x2017 "irq-line": a 1-byte OUT of v to port 0x2000 + n drives interrupt line n
//                      to (v != 0); wider OUTs are invalid. Lines 0-15 are the ISA IRQs, which
//                      reach both 8259s and the IOAPIC (n on pin n, IRQ 0 on pin 2), as QEMU's
//                      isa_get_irq lines do. QEMU aborts on n >= 16 (isa_get_irq asserts
//                      n < 16); glasspc drives IOAPIC pin n (GSI n) instead. Reads give 0.
//   As on QEMU, whose IN/OUT reach a region whole, an access misaligned to its size or of a size
//   the region does not accept is invalid: it reads 0 and writes nothing.
//   0xFF000000         "iomem": 64 KiB of MMIO that behaves as memory (QEMU's IOMEM_LEN 0x10000),
//                      for tests of instruction emulation on MMIO operands.
//
// Like QEMU's, the scratch register and iomem keep their contents across a system reset; the
// interrupt lines go low (QEMU's interrupt controllers forget the line levels when they reset).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/memory_map.h"
#include "bus/port_space.h"
#include "bus/trace.h"
#include "bus/types.h"

namespace glasspc {

class PcTestdev : public Device {
 public:
  static constexpr u16 kIoportBase = 0xE0;
  static constexpr u16 kFlushPort = 0xE4;
  static constexpr u16 kIoportByteBase = 0xE8;
  static constexpr u16 kIoportSize = 4;
  static constexpr u16 kIrqLineBase = 0x2000;
  static constexpr unsigned kIrqLines = 24;  // GSIs 0-23
  static constexpr unsigned kIsaIrqLines = 16;
  static constexpr Gpa kIomemBase = 0xFF000000;
  static constexpr u64 kIomemSize = 0x10000;

  PcTestdev(std::string name, Trace& trace);

  // Claims the four port ranges and maps iomem. std::logic_error if a port is taken.
  void attach(PortSpace& ports, MemoryMap& memory);

  // Interrupt line n (0-23) as the irq-line ports drive it; the board wires it.
  IrqLine& irq(unsigned line) { return m_irqs.at(line); }
  u32 ioport_data() const { return m_ioport_data; }
  const std::vector<u8>& iomem() const { return m_iomem; }

  void reset() override;
  void serialize(Archive& archive) override;

 private:
  u32 ioport_read(u16 offset, unsigned size) const;
  void ioport_write(u16 offset, u32 value, unsigned size);
  void irq_line_write(u16 line, u32 value);
  void flush_page_write(u32 value);
  u64 iomem_read(u64 offset, unsigned size) const;
  void iomem_write(u64 offset, u64 value, unsigned size);

  Trace& m_trace;
  u32 m_ioport_data = 0;
  std::vector<u8> m_iomem;
  std::vector<IrqLine> m_irqs;
};

}  // namespace glasspc

#include "devices/pc_testdev.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "bus/archive.h"

namespace glasspc {

PcTestdev::PcTestdev(std::string name, Trace& trace)
    : Device(std::move(name)), m_trace(trace), m_iomem(kIomemSize, 0) {
  m_irqs.reserve(kIrqLines);
  for (unsigned line = 0; line < kIrqLines; ++line)
    m_irqs.emplace_back(fmt::format("{}.irq{}", this->name(), line), &trace);
}

void PcTestdev::attach(PortSpace& ports, MemoryMap& memory) {
  // The port space and the memory map trace every access under the handler's name (-d port,
  // -d mmio); the device adds its own events for what an access does (-d device, -d irq).
  // QEMU's IN/OUT reach a region whole and are checked against its valid sizes there; an access
  // misaligned to its size or of a size the region does not accept is invalid: it reads 0 and
  // writes nothing. So every handler here sees the access as the CPU made it.
  PortHandler ioport;
  ioport.name = name() + ".ioport";
  ioport.read = [this](u16 offset, unsigned size) { return ioport_read(offset, size); };
  ioport.write = [this](u16 offset, u32 value, unsigned size) {
    ioport_write(offset, value, size);
  };
  ioport.impl = AccessSizes{1, 4, true};
  ports.claim(kIoportBase, kIoportSize, std::move(ioport));

  PortHandler flush;
  flush.name = name() + ".flush";
  flush.read = [](u16, unsigned) -> u32 { return 0; };
  flush.write = [this](u16 offset, u32 value, unsigned size) {
    if (offset == 0 && size == 4) flush_page_write(value);  // valid: aligned 4-byte only
  };
  flush.impl = AccessSizes{1, 4, true};
  ports.claim(kFlushPort, 4, std::move(flush));

  // The same register; QEMU implements it one byte at a time, which a plain register cannot tell
  // apart from a whole access.
  PortHandler byte;
  byte.name = name() + ".ioport-byte";
  byte.read = [this](u16 offset, unsigned size) { return ioport_read(offset, size); };
  byte.write = [this](u16 offset, u32 value, unsigned size) { ioport_write(offset, value, size); };
  byte.impl = AccessSizes{1, 4, true};
  ports.claim(kIoportByteBase, kIoportSize, std::move(byte));

  PortHandler irq;
  irq.name = name() + ".irq-line";
  irq.read = [](u16, unsigned) -> u32 { return 0; };
  irq.write = [this](u16 offset, u32 value, unsigned size) {
    if (size == 1) irq_line_write(offset, value);  // valid: 1-byte only (an outw does nothing)
  };
  irq.impl = AccessSizes{1, 4, true};
  ports.claim(kIrqLineBase, kIrqLines, std::move(irq));

  MmioOps iomem;
  iomem.read = [this](u64 offset, unsigned size) { return iomem_read(offset, size); };
  iomem.write = [this](u64 offset, u64 value, unsigned size) { iomem_write(offset, value, size); };
  // Plain storage: every size and alignment behaves as memory, as QEMU's splitting makes it.
  iomem.valid = AccessSizes{1, 8, true};
  iomem.impl = AccessSizes{1, 8, true};
  memory.add_mmio(name() + ".iomem", kIomemBase, kIomemSize, std::move(iomem));
}

u32 PcTestdev::ioport_read(u16 offset, unsigned size) const {
  if (offset & (size - 1)) return 0;  // misaligned: invalid
  const unsigned shift = (offset & 3) * 8;
  return static_cast<u32>((m_ioport_data >> shift) & size_mask(size));
}

void PcTestdev::ioport_write(u16 offset, u32 value, unsigned size) {
  if (offset & (size - 1)) return;  // misaligned: invalid
  const unsigned shift = (offset & 3) * 8;
  const u32 mask = static_cast<u32>(size_mask(size) << shift);
  m_ioport_data = (m_ioport_data & ~mask) | ((value << shift) & mask);
}

void PcTestdev::irq_line_write(u16 line, u32 value) {
  if (line >= kIrqLines) return;
  const bool level = (value & 0xFF) != 0;
  if (m_trace.on(TraceCategory::Device))
    m_trace.emit(TraceCategory::Device, name(), "irq-line", {{"line", line}, {"level", level}});
  m_irqs[line].set(level);
}

void PcTestdev::flush_page_write(u32 value) {
  // QEMU re-protects the host mapping of the page; the guest sees nothing, so there is nothing
  // to do but say it happened.
  if (m_trace.on(TraceCategory::Device))
    m_trace.emit(TraceCategory::Device, name(), "flush-page", {{"page", value & ~u32{0xFFF}}});
}

u64 PcTestdev::iomem_read(u64 offset, unsigned size) const {
  u64 value = 0;
  if (offset < kIomemSize)
    std::memcpy(&value, &m_iomem[offset], std::min<u64>(size, kIomemSize - offset));
  return value;
}

void PcTestdev::iomem_write(u64 offset, u64 value, unsigned size) {
  if (offset < kIomemSize)
    std::memcpy(&m_iomem[offset], &value, std::min<u64>(size, kIomemSize - offset));
}

void PcTestdev::reset() {
  for (IrqLine& line : m_irqs) line.lower();
}

void PcTestdev::serialize(Archive& archive) {
  archive.field("ioport_data", m_ioport_data);
  archive.blob("iomem", m_iomem.data(), m_iomem.size());
  u32 levels = 0;
  for (unsigned line = 0; line < kIrqLines; ++line)
    if (m_irqs[line].level()) levels |= u32{1} << line;
  archive.field("irq_levels", levels);
  if (archive.loading()) {
    // The wires are not part of any device's state: drive them to what the loaded state says.
    for (unsigned line = 0; line < kIrqLines; ++line) m_irqs[line].set((levels >> line) & 1);
  }
}

}  // namespace glasspc

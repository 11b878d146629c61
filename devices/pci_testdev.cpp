#include "devices/pci_testdev.h"

#include <cstring>
#include <utility>

#include "bus/archive.h"
#include "bus/trace.h"

namespace glasspc {

namespace {

// QEMU builds the names from a kind ("mmio", "portio") and a test ("no-eventfd", ...).
constexpr const char* kTestNames[PciTestdev::kTests] = {
    "mmio-no-eventfd",   "mmio-wildcard-eventfd",   "mmio-datamatch-eventfd",
    "portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
};

// Test numbers within a kind.
constexpr unsigned kNoEventfdTest = 0;
constexpr unsigned kWildcardTest = 1;  // counts any byte

PciIdentity testdev_identity() {
  PciIdentity id;
  id.vendor_id = PciTestdev::kVendorId;
  id.device_id = PciTestdev::kDeviceId;
  id.revision = 0;
  // QEMU sets the 16-bit class word to PCI_CLASS_OTHERS (0x00ff): base class 00, subclass ff.
  id.class_code = 0x00;
  id.subclass = 0xFF;
  id.subsystem_vendor_id = PciTestdev::kSubsystemVendorId;
  id.subsystem_id = PciTestdev::kSubsystemId;
  id.interrupt_pin = pci::kNoInterruptPin;
  return id;
}

}  // namespace

PciTestdev::PciTestdev(std::string name, PciBus& bus, u8 device, Options options)
    : PciFunction(std::move(name), bus, device, 0, testdev_identity()) {
  PciBarSpec memory;
  memory.kind = PciBarKind::Memory32;
  memory.size = kMemoryBarSize;
  memory.mmio.read = [this](u64 offset, unsigned size) -> u64 {
    return read_bytes(static_cast<u32>(offset), size);
  };
  memory.mmio.write = [this](u64 offset, u64 value, unsigned size) {
    write_access(Kind::Mmio, static_cast<u32>(offset), value, size);
  };
  // Whole accesses reach the device: the eventfd check sees their size before they are split
  // into the byte accesses QEMU's handlers implement.
  memory.mmio.impl = AccessSizes{1, 8, true};
  add_bar(0, std::move(memory));

  PciBarSpec io;
  io.kind = PciBarKind::Io;
  io.size = kIoBarSize;
  io.io.name = this->name() + ".portio";
  // QEMU's x86 IN/OUT reach a region whole, and an access misaligned to its size is invalid
  // there (valid.unaligned is false): it reads 0 and writes nothing.
  io.io.read = [this](u16 offset, unsigned size) -> u32 {
    if (offset & (size - 1)) return 0;
    return static_cast<u32>(read_bytes(offset, size));
  };
  io.io.write = [this](u16 offset, u32 value, unsigned size) {
    if (offset & (size - 1)) return;
    write_access(Kind::Portio, offset, value, size);
  };
  io.io.impl = AccessSizes{1, 4, true};
  add_bar(1, std::move(io));

  if (options.interrupts) add_extension();
  add_state([this] { reset_tests(); }, [this](Archive& archive) { serialize_tests(archive); });
  PciFunction::reset();
}

const char* PciTestdev::test_name(unsigned test) {
  return test < kTests ? kTestNames[test] : "";
}

u32 PciTestdev::header_size(unsigned test) {
  return kHeaderName + static_cast<u32>(std::strlen(kTestNames[test])) + 1;
}

u8 PciTestdev::header_byte(unsigned test, u32 offset) const {
  const bool memory = test < kTestsPerKind;
  const u32 test_offset = (memory ? kMemoryTestOffset : kIoTestOffset) + test;
  const bool match = test % kTestsPerKind != kWildcardTest;
  auto byte_of = [offset](u32 field, u32 value) {
    return static_cast<u8>(value >> (8 * (offset - field)));
  };
  if (offset == kHeaderTest) return static_cast<u8>(test);
  if (offset == kHeaderWidth) return 1;
  if (offset >= kHeaderOffset && offset < kHeaderOffset + 4)
    return byte_of(kHeaderOffset, test_offset);
  if (offset == kHeaderData) return match ? kDataMatch : kNoMatch;
  if (offset >= kHeaderCount && offset < kHeaderCount + 4)
    return byte_of(kHeaderCount, m_counts[test]);
  if (offset >= kHeaderName) return static_cast<u8>(kTestNames[test][offset - kHeaderName]);
  return 0;  // padding
}

u8 PciTestdev::read_byte(u32 offset) const {
  if (m_current < 0) return 0;
  const unsigned test = static_cast<unsigned>(m_current);
  // QEMU: "if (addr + size >= bufsize) return 0" -- the NUL and everything after read 0.
  if (offset + 1 >= header_size(test)) return 0;
  return header_byte(test, offset);
}

u64 PciTestdev::read_bytes(u32 offset, unsigned size) const {
  u64 value = 0;
  for (unsigned b = 0; b < size; ++b) value |= u64{read_byte(offset + b)} << (8 * b);
  return value;
}

// QEMU registers an ioeventfd for the selected "wildcard" and "datamatch" tests, and a write that
// matches one (same address; same size, or any size for the mmio wildcard test's size-0 eventfd;
// the data for datamatch) goes to the event notifier instead of the device: it never counts.
bool PciTestdev::eventfd_takes(u32 offset, u64 value, unsigned size) const {
  if (m_current < 0) return false;
  const unsigned test = static_cast<unsigned>(m_current);
  const unsigned variant = test % kTestsPerKind;
  if (variant == kNoEventfdTest) return false;
  const bool memory = test < kTestsPerKind;
  const bool any_size = memory && variant == kWildcardTest;
  const u32 test_offset = (memory ? kMemoryTestOffset : kIoTestOffset) + test;
  if (offset != test_offset || (!any_size && size != 1)) return false;
  return variant == kWildcardTest || value == kDataMatch;
}

void PciTestdev::write_access(Kind kind, u32 offset, u64 value, unsigned size) {
  if (eventfd_takes(offset, value, size)) {
    if (trace().on(TraceCategory::Device))
      trace().emit(TraceCategory::Device, name(), "eventfd", {{"test", u64(m_current)}});
    return;
  }
  for (unsigned b = 0; b < size; ++b)
    write_byte(kind, offset + b, static_cast<u8>(value >> (8 * b)));
}

void PciTestdev::write_byte(Kind kind, u32 offset, u8 value) {
  const unsigned base = static_cast<unsigned>(kind) * kTestsPerKind;
  if (offset == kHeaderTest) {
    m_current = -1;
    if (value >= kTestsPerKind) return;
    m_current = static_cast<int>(base + value);
    m_counts[m_current] = 0;
    if (trace().on(TraceCategory::Device))
      trace().emit(TraceCategory::Device, name(), "select", {{"test", u64(m_current)}},
                   kTestNames[m_current]);
    return;
  }
  if (m_current < 0) return;
  const unsigned test = static_cast<unsigned>(m_current);
  const u32 test_offset = (test < kTestsPerKind ? kMemoryTestOffset : kIoTestOffset) + test;
  if (offset != test_offset) return;
  const bool match = test % kTestsPerKind != kWildcardTest;
  if (match && value != kDataMatch) return;
  ++m_counts[test];
  if (trace().on(TraceCategory::Device))
    trace().emit(TraceCategory::Device, name(), "hit", {{"test", test}, {"count", m_counts[test]}});
}

void PciTestdev::add_extension() {
  m_msi = std::make_unique<PciMsi>(*this, kMsiOffset, PciMsi::Options{kMsiVectors, true, true});
  m_msix = std::make_unique<PciMsix>(*this, kMsixOffset,
                                     PciMsix::Layout{kMsixVectors, kExtensionBar, kMsixTableOffset,
                                                     kExtensionBar, kMsixPbaOffset});

  m_control = std::make_unique<RegisterBank>(name(), trace(), 0x10);
  RegisterSpec msi_fire;
  msi_fire.offset = kMsiFire;
  msi_fire.width = 4;
  msi_fire.name = "MSI_FIRE";
  msi_fire.read = [] { return u64{0}; };
  msi_fire.write = [this](u64 value, u64) { fire(false, static_cast<u32>(value)); };
  m_control->add(std::move(msi_fire));
  RegisterSpec msix_fire;
  msix_fire.offset = kMsixFire;
  msix_fire.width = 4;
  msix_fire.name = "MSIX_FIRE";
  msix_fire.read = [] { return u64{0}; };
  msix_fire.write = [this](u64 value, u64) { fire(true, static_cast<u32>(value)); };
  m_control->add(std::move(msix_fire));
  RegisterSpec status;
  status.offset = kFireStatus;
  status.width = 4;
  status.name = "FIRE_STATUS";
  status.writable_mask = 0;
  m_fire_status_index = m_control->add(std::move(status));

  MmioOps msix_ops = m_msix->bar_ops(kExtensionBar);
  PciBarSpec bar;
  bar.kind = PciBarKind::Memory32;
  bar.size = kExtensionBarSize;
  bar.mmio.read = [this, msix_read = msix_ops.read](u64 offset, unsigned size) -> u64 {
    if (offset >= kControlOffset)
      return m_control->read(static_cast<u32>(offset - kControlOffset), size);
    return msix_read(offset, size);
  };
  bar.mmio.write = [this, msix_write = msix_ops.write](u64 offset, u64 value, unsigned size) {
    if (offset >= kControlOffset) {
      m_control->write(static_cast<u32>(offset - kControlOffset), value, size);
      return;
    }
    msix_write(offset, value, size);
  };
  // The MSI-X rules for the whole BAR: aligned dword or qword accesses (PCI 3.0, 6.8.2).
  bar.mmio.valid = msix_ops.valid;
  bar.mmio.impl = msix_ops.impl;
  bar.mmio.traces_itself = false;
  add_bar(kExtensionBar, std::move(bar));
}

void PciTestdev::fire(bool msix, u32 vector) {
  const bool sent = msix ? m_msix->notify(vector) : m_msi->notify(vector);
  m_control->set_value(m_fire_status_index, sent ? 1 : 0);
  if (trace().on(TraceCategory::Msi))
    trace().emit(TraceCategory::Msi, name(), msix ? "msix-fire" : "msi-fire",
                 {{"vector", vector}, {"sent", sent}});
}

void PciTestdev::reset_tests() {
  // QEMU's reset only deselects the test; the counters are cleared when a test is selected.
  m_current = -1;
  if (m_control) m_control->reset();
}

void PciTestdev::serialize_tests(Archive& archive) {
  archive.field("current_test", m_current);
  archive.field("hit_counts", m_counts);
  if (m_control) m_control->serialize(archive);
  if (archive.loading() && (m_current < -1 || m_current >= static_cast<int>(kTests)))
    throw ArchiveError(name() + ": current_test out of range");
}

}  // namespace glasspc

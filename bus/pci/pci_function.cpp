#include "bus/pci/pci_function.h"

#include <fmt/format.h>

#include <bit>
#include <stdexcept>

#include "bus/archive.h"
#include "bus/dma_space.h"
#include "bus/machine.h"
#include "bus/pci/pci_bus.h"
#include "bus/trace.h"

namespace glasspc {

namespace {

using namespace pci;

// Command bits a conventional PCI function implements here (6.2.2): decode enables, bus
// mastering, the error response enables (stored; no parity or SERR# is ever signalled) and
// Interrupt Disable. Special Cycles, MWI, VGA snoop, wait cycles and fast back-to-back are
// hardwired to 0, as the specification allows for functions that do not support them.
constexpr u16 kCommandWritable = kCommandIoSpace | kCommandMemorySpace | kCommandBusMaster |
                                 kCommandParityErrorResponse | kCommandSerrEnable |
                                 kCommandInterruptDisable;

// Type 1 header fields (PCI-to-PCI Bridge Architecture Specification 1.2, 3.2.5).
constexpr u8 kIoWindowWritable = 0xF0;         // I/O base/limit bits 15:12; 16-bit decode
constexpr u16 kMemoryWindowWritable = 0xFFF0;  // memory base/limit bits 31:20
constexpr u16 kPrefetchWindowType64 = 0x0001;  // prefetchable window decodes 64-bit addresses
constexpr u16 kBridgeControlWritable = 0x0FFF;
constexpr u8 kMinimumIoBarSize = 4;
constexpr u64 kMaximumIoBarSize = 256;
constexpr u8 kMinimumMemoryBarSize = 16;

bool overlaps(u8 offset, unsigned size, unsigned begin, unsigned end) {
  return offset < end && offset + size > begin;
}

}  // namespace

PciFunction::PciFunction(std::string name, PciBus& bus, u8 device, u8 function,
                         const PciIdentity& identity)
    : Device(std::move(name)),
      m_bus(bus),
      m_device(device & 0x1F),
      m_function(function & 0x7),
      m_bridge(identity.bridge),
      m_interrupt_pin(identity.interrupt_pin),
      m_dma(bus.machine().dma(RequesterId::of(bus.number(), device, function))),
      m_intx(this->name() + ".INTx", &bus.machine().trace()) {
  define_header(identity);
  m_config = m_reset_config;
  m_dma.set_bus_master(false);
  bus.plug(*this);
}

PciFunction::~PciFunction() = default;

Machine& PciFunction::machine() {
  return m_bus.machine();
}

Trace& PciFunction::trace() {
  return m_bus.machine().trace();
}

RequesterId PciFunction::requester() const {
  return m_dma.requester();
}

void PciFunction::define_header(const PciIdentity& identity) {
  // Device-specific space: read/write storage until the function defines its registers.
  for (unsigned offset = kHeaderSize; offset < kConfigSize; ++offset) {
    m_writable[offset] = 0xFF;
    m_reset_writable[offset] = 0xFF;
  }
  define_register(kVendorId, 2, identity.vendor_id, 0);
  define_register(kDeviceId, 2, identity.device_id, 0);
  define_register(kCommand, 2, 0, kCommandWritable);
  define_register(kStatus, 2, identity.status, 0, kStatusWriteOneToClear);
  define_register(kRevisionId, 1, identity.revision, 0);
  define_register(kProgIf, 1, identity.prog_if, 0);
  define_register(kSubclass, 1, identity.subclass, 0);
  define_register(kClassCode, 1, identity.class_code, 0);
  define_register(kCacheLineSize, 1, 0, 0xFF);
  define_register(kLatencyTimer, 1, 0, 0xFF);
  const u8 header_type =
      (identity.bridge ? 1 : 0) | (identity.multifunction ? kHeaderTypeMultiFunction : 0);
  define_register(kHeaderType, 1, header_type, 0);
  define_register(kInterruptLine, 1, 0, 0xFF);
  define_register(kInterruptPin, 1, identity.interrupt_pin, 0);
  if (!identity.bridge) {
    define_register(kSubsystemVendorId, 2, identity.subsystem_vendor_id, 0);
    define_register(kSubsystemId, 2, identity.subsystem_id, 0);
    return;
  }
  define_register(kPrimaryBus, 1, 0, 0xFF);
  define_register(kSecondaryBus, 1, 0, 0xFF);
  define_register(kSubordinateBus, 1, 0, 0xFF);
  define_register(kSecondaryLatency, 1, 0, 0xFF);
  define_register(kIoBase, 1, 0, kIoWindowWritable);
  define_register(kIoLimit, 1, 0, kIoWindowWritable);
  define_register(kSecondaryStatus, 2, kStatusDevselMedium, 0, kStatusWriteOneToClear);
  define_register(kMemoryBase, 2, 0, kMemoryWindowWritable);
  define_register(kMemoryLimit, 2, 0, kMemoryWindowWritable);
  define_register(kPrefetchBase, 2, kPrefetchWindowType64, kMemoryWindowWritable);
  define_register(kPrefetchLimit, 2, kPrefetchWindowType64, kMemoryWindowWritable);
  define_register(kPrefetchBaseUpper, 4, 0, 0xFFFFFFFF);
  define_register(kPrefetchLimitUpper, 4, 0, 0xFFFFFFFF);
  define_register(kBridgeControl, 2, 0, kBridgeControlWritable);
}

// --- building ------------------------------------------------------------------------------------

void PciFunction::define_register(u8 offset, unsigned width, u32 reset_value, u32 writable,
                                  u32 write_one_to_clear) {
  for (unsigned b = 0; b < width && offset + b < kConfigSize; ++b) {
    const unsigned at = offset + b;
    m_reset_config[at] = static_cast<u8>(reset_value >> (8 * b));
    m_config[at] = m_reset_config[at];
    m_writable[at] = m_reset_writable[at] = static_cast<u8>(writable >> (8 * b));
    m_write_one_to_clear[at] = static_cast<u8>(write_one_to_clear >> (8 * b));
  }
}

void PciFunction::add_bar(unsigned index, PciBarSpec spec) {
  const auto fail = [&](std::string_view why) {
    throw std::logic_error(fmt::format("{}: BAR {}: {}", name(), index, why));
  };
  const bool is_64bit = spec.kind == PciBarKind::Memory64;
  if (index + (is_64bit ? 1 : 0) >= bar_count()) fail("no such BAR in this header type");
  if (m_bars[index].present || m_bars[index].upper_half) fail("defined twice");
  if (is_64bit && m_bars[index + 1].present) fail("the upper half is another BAR");
  if (!std::has_single_bit(spec.size)) fail("size is not a power of two");
  const bool is_io = spec.kind == PciBarKind::Io;
  if (is_io && (spec.size < kMinimumIoBarSize || spec.size > kMaximumIoBarSize))
    fail("I/O BARs are 4 to 256 bytes");
  if (!is_io && spec.size < kMinimumMemoryBarSize) fail("memory BARs are at least 16 bytes");
  if (spec.kind == PciBarKind::Memory32 && spec.size > (u64{1} << 31))
    fail("too large for 32 bits");
  if (is_io && spec.prefetchable) fail("I/O cannot be prefetchable");

  Bar& bar = m_bars[index];
  bar.kind = spec.kind;
  bar.size = spec.size;
  bar.present = true;
  const std::string window_name = fmt::format("{}.bar{}", name(), index);
  if (is_io) {
    // Address bits below the size read 0 and ignore writes: that is what makes sizing work.
    const u32 writable = kBarIoAddressMask & ~static_cast<u32>(spec.size - 1);
    define_register(bar_offset(index), 4, kBarIoSpace, writable);
    spec.io.name = window_name;
    bar.io = std::make_unique<PciIoWindow>(machine().ports(), trace(), std::move(spec.io),
                                           static_cast<u32>(spec.size));
    return;
  }
  const u32 type = (is_64bit ? kBarMemType64 : 0) | (spec.prefetchable ? kBarMemPrefetchable : 0);
  const u64 writable = ~(spec.size - 1) & ~u64{0xF};
  define_register(bar_offset(index), 4, type, static_cast<u32>(writable) & kBarMemAddressMask);
  if (is_64bit) {
    m_bars[index + 1].upper_half = true;
    define_register(bar_offset(index + 1), 4, 0, static_cast<u32>(writable >> 32));
  }
  bar.memory = std::make_unique<PciMemoryWindow>(machine().memory(), window_name, spec.size,
                                                 std::move(spec.mmio), kBarPriority);
}

void PciFunction::add_capability(u8 offset, u8 id, u8 length) {
  if (offset < kHeaderSize || offset + length > kConfigSize || (offset & 3) != 0 ||
      offset <= m_last_capability) {
    throw std::logic_error(
        fmt::format("{}: capability {:#x} at {:#x} is misplaced", name(), id, offset));
  }
  const u8 link = m_last_capability == 0 ? kCapabilitiesPointer : m_last_capability + 1;
  define_register(link, 1, offset, 0);
  define_register(offset, 1, id, 0);
  define_register(offset + 1, 1, 0, 0);  // next: the end of the list until another is added
  m_last_capability = offset;
  const u16 status = static_cast<u16>(m_reset_config[kStatus] | m_reset_config[kStatus + 1] << 8);
  define_register(kStatus, 2, status | kStatusCapabilitiesList, 0, kStatusWriteOneToClear);
}

void PciFunction::watch_config(u8 begin, unsigned end,
                               std::function<void(u8 offset, unsigned size)> written) {
  m_watches.push_back({begin, end, std::move(written)});
}

void PciFunction::add_intx_inhibitor(std::function<bool()> inhibits) {
  m_intx_inhibitors.push_back(std::move(inhibits));
}

void PciFunction::add_state(std::function<void()> reset, std::function<void(Archive&)> serialize) {
  m_state_parts.push_back({std::move(reset), std::move(serialize)});
}

// --- raw access ----------------------------------------------------------------------------------

u32 PciFunction::config_value(u8 offset, unsigned size) const {
  u32 value = 0;
  for (unsigned b = 0; b < size && b < 4; ++b) {
    const unsigned at = offset + b;
    const u32 byte = at < kConfigSize ? m_config[at] : 0xFF;
    value |= byte << (8 * b);
  }
  return value;
}

void PciFunction::set_config_value(u8 offset, u32 value, unsigned size) {
  for (unsigned b = 0; b < size && b < 4 && offset + b < kConfigSize; ++b)
    m_config[offset + b] = static_cast<u8>(value >> (8 * b));
}

void PciFunction::set_writable(u8 offset, u32 mask, unsigned size) {
  for (unsigned b = 0; b < size && b < 4 && offset + b < kConfigSize; ++b)
    m_writable[offset + b] = static_cast<u8>(mask >> (8 * b));
}

// --- configuration cycles ------------------------------------------------------------------------

u32 PciFunction::config_read(u8 offset, unsigned size) {
  return config_value(offset, size);
}

void PciFunction::config_write(u8 offset, u32 value, unsigned size) {
  size = std::min(size, 4u);
  for (unsigned b = 0; b < size && offset + b < kConfigSize; ++b) {
    const unsigned at = offset + b;
    const u8 data = static_cast<u8>(value >> (8 * b));
    u8 byte = static_cast<u8>((m_config[at] & ~m_writable[at]) | (data & m_writable[at]));
    byte &= static_cast<u8>(~(data & m_write_one_to_clear[at]));
    m_config[at] = byte;
  }
  const unsigned bars_end = kBar0 + 4 * bar_count();
  if (overlaps(offset, size, kCommand, kCommand + 2)) command_changed();
  if (overlaps(offset, size, kBar0, bars_end)) update_decode();
  for (const Watch& watch : m_watches)
    if (overlaps(offset, size, watch.begin, watch.end)) watch.written(offset, size);
  config_written(offset, size);
}

// --- decode --------------------------------------------------------------------------------------

u64 PciFunction::bar_value(unsigned index) const {
  u64 value = config_value(bar_offset(index), 4);
  if (m_bars[index].kind == PciBarKind::Memory64)
    value |= u64{config_value(bar_offset(index + 1), 4)} << 32;
  return value;
}

std::optional<u64> PciFunction::bar_decoded_at(unsigned index) const {
  if (index >= m_bars.size() || !m_bars[index].present) return std::nullopt;
  const Bar& bar = m_bars[index];
  if (bar.io) return bar.io->decoding() ? std::optional<u64>(bar.io->base()) : std::nullopt;
  return bar.memory->decoding() ? std::optional<u64>(bar.memory->base()) : std::nullopt;
}

void PciFunction::update_decode() {
  const u16 cmd = command();
  for (unsigned index = 0; index < bar_count(); ++index) {
    Bar& bar = m_bars[index];
    if (!bar.present) continue;
    std::optional<u64> address;
    if (bar.io) {
      const auto port =
          pci_io_bar_address(static_cast<u32>(bar_value(index)), bar.size, cmd & kCommandIoSpace);
      bar.io->place(port);
      if (bar.io->decoding()) address = *port;
    } else {
      address = pci_memory_bar_address(bar_value(index), bar.size, bar.kind == PciBarKind::Memory64,
                                       cmd & kCommandMemorySpace);
      bar.memory->place(address);
    }
    if (address == bar.decoded) continue;
    bar.decoded = address;
    if (trace().on(TraceCategory::Pci)) {
      if (address) {
        trace().emit(TraceCategory::Pci, name(), "bar map",
                     {{"bar", index}, {"addr", *address}, {"size", bar.size}},
                     bar.io ? "I/O" : "memory");
      } else {
        trace().emit(TraceCategory::Pci, name(), "bar unmap", {{"bar", index}});
      }
    }
  }
}

void PciFunction::command_changed() {
  m_dma.set_bus_master(command() & kCommandBusMaster);
  update_decode();
  update_intx();
}

// --- INTx# ---------------------------------------------------------------------------------------

void PciFunction::set_intx(bool asserted) {
  m_intx_asserted = asserted;
  update_intx();
}

void PciFunction::update_intx() {
  // Interrupt Status follows the function's condition whatever the gating (6.2.3 bit 3).
  u16 status_value = status();
  status_value =
      m_intx_asserted ? status_value | kStatusInterrupt : status_value & ~kStatusInterrupt;
  set_config_value(kStatus, status_value, 2);
  bool drive = m_intx_asserted && !(command() & kCommandInterruptDisable);
  for (const auto& inhibits : m_intx_inhibitors)
    if (inhibits()) drive = false;
  m_intx.set(drive);
}

// --- state ---------------------------------------------------------------------------------------

void PciFunction::reset() {
  m_config = m_reset_config;
  m_writable = m_reset_writable;
  m_intx_asserted = false;
  for (const StatePart& part : m_state_parts) part.reset();
  command_changed();
}

void PciFunction::serialize(Archive& archive) {
  std::vector<u8> config(m_config.begin(), m_config.end());
  std::vector<u8> writable(m_writable.begin(), m_writable.end());
  archive.field("config", config);
  archive.field("writable", writable);
  archive.field("intx", m_intx_asserted);
  for (const StatePart& part : m_state_parts) part.serialize(archive);
  if (archive.loading()) {
    if (config.size() != kConfigSize || writable.size() != kConfigSize)
      throw ArchiveError(fmt::format("{}: configuration space is not 256 bytes", name()));
    std::copy(config.begin(), config.end(), m_config.begin());
    std::copy(writable.begin(), writable.end(), m_writable.begin());
    command_changed();
  }
}

}  // namespace glasspc

#include "chipset/i440fx.h"

#include "bus/archive.h"
#include "bus/memory_map.h"
#include "bus/pci/pci_bus.h"

namespace glasspc {

namespace {

constexpr u8 kClassBridge = 0x06;
constexpr u8 kSubclassHost = 0x00;
constexpr u32 kPortsPerRegister = 4;
constexpr u32 kAllOnes = 0xFFFFFFFF;
// 82441FX PCICMD: memory access and bus master are enabled at reset; the host bridge has no
// I/O space of its own.
constexpr u16 kCommandReset = pci::kCommandMemorySpace | pci::kCommandBusMaster;
// 82441FX PCISTS: medium DEVSEL timing, fast back-to-back capable.
constexpr u16 kStatusFastBackToBack = 1 << 7;
// PAM0 implements only its high nibble (0xF0000-0xFFFFF); PAM1-6 both nibbles. In each nibble
// bit 0 is RE and bit 1 is WE; the others are reserved.
constexpr u8 kPam0Writable = 0x30;
constexpr u8 kPamWritable = 0x33;
constexpr u8 kSmramWritable = I440fxPam::kSmramEnable | I440fxPam::kSmramLock |
                              I440fxPam::kSmramClose | I440fxPam::kSmramOpen;

PciIdentity identity() {
  PciIdentity id;
  id.vendor_id = I440fx::kVendorIntel;
  id.device_id = I440fx::kDeviceId;
  id.revision = I440fx::kRevision;
  id.class_code = kClassBridge;
  id.subclass = kSubclassHost;
  id.status = pci::kStatusDevselMedium | kStatusFastBackToBack;
  return id;
}

}  // namespace

I440fx::I440fx(std::string name, PciBus& bus)
    : PciFunction(std::move(name), bus, 0, 0, identity()) {
  define_register(pci::kCommand, 2, kCommandReset,
                  pci::kCommandMemorySpace | pci::kCommandBusMaster | pci::kCommandSerrEnable |
                      pci::kCommandParityErrorResponse);
  define_register(I440fxPam::kPam0, 1, 0, kPam0Writable);
  for (u8 reg = I440fxPam::kPam0 + 1; reg < I440fxPam::kPam0 + I440fxPam::kPamRegisterCount; ++reg)
    define_register(reg, 1, 0, kPamWritable);
  define_register(kSmram, 1, I440fxPam::kSmramBaseA0000, kSmramWritable);
  PciFunction::reset();
}

void I440fx::attach(PortSpace& ports) {
  ports.claim(
      kConfigAddressPort, kPortsPerRegister,
      PortHandler{.name = name() + ".CONFIG_ADDRESS",
                  .read = [this](u16 offset, unsigned size) { return address_read(offset, size); },
                  .write = [this](u16 offset, u32 value,
                                  unsigned size) { address_write(offset, value, size); },
                  .impl = {1, 4, true}});
  ports.claim(
      kConfigDataPort, kPortsPerRegister,
      PortHandler{.name = name() + ".CONFIG_DATA",
                  .read = [this](u16 offset, unsigned size) { return data_read(offset, size); },
                  .write = [this](u16 offset, u32 value,
                                  unsigned size) { data_write(offset, value, size); },
                  .impl = {1, 4, true}});
}

void I440fx::map_shadow_ram(MemoryMap& memory) {
  m_pam.install(memory);
  apply_shadowing();
}

// --- configuration mechanism #1 ------------------------------------------------------------------

u32 I440fx::address_read(u16 offset, unsigned size) {
  if (offset == 0 && size == 4) return m_config_address;
  if (m_legacy.read) return m_legacy.read(offset, size);
  return static_cast<u32>(kAllOnes & size_mask(size));
}

void I440fx::address_write(u16 offset, u32 value, unsigned size) {
  if (offset == 0 && size == 4) {
    m_config_address = value & kAddressImplemented;
    return;
  }
  if (m_legacy.write) m_legacy.write(offset, value, size);
}

u32 I440fx::data_read(u16 offset, unsigned size) {
  if (!(m_config_address & kConfigEnable)) return static_cast<u32>(kAllOnes & size_mask(size));
  const u8 bus_number = static_cast<u8>(m_config_address >> kBusShift);
  const u8 devfn = static_cast<u8>(m_config_address >> kDevfnShift);
  const u8 reg = static_cast<u8>((m_config_address & kRegisterMask) + offset);
  return bus().config_read(bus_number, devfn, reg, size);
}

void I440fx::data_write(u16 offset, u32 value, unsigned size) {
  if (!(m_config_address & kConfigEnable)) return;
  const u8 bus_number = static_cast<u8>(m_config_address >> kBusShift);
  const u8 devfn = static_cast<u8>(m_config_address >> kDevfnShift);
  const u8 reg = static_cast<u8>((m_config_address & kRegisterMask) + offset);
  bus().config_write(bus_number, devfn, reg, value, size);
}

// --- PAM and SMRAM -------------------------------------------------------------------------------

std::array<u8, I440fxPam::kPamRegisterCount> I440fx::pam_registers() const {
  std::array<u8, I440fxPam::kPamRegisterCount> pam{};
  for (unsigned i = 0; i < pam.size(); ++i)
    pam[i] = static_cast<u8>(config_value(static_cast<u8>(I440fxPam::kPam0 + i), 1));
  return pam;
}

PamMode I440fx::pam_mode(unsigned segment) const {
  return I440fxPam::mode(pam_registers(), segment);
}

void I440fx::apply_shadowing() {
  m_pam.apply(pam_registers(), static_cast<u8>(config_value(kSmram, 1)));
}

// 82441FX SMRAM register: setting D_LCK closes SMRAM (D_OPEN = 0) and makes D_OPEN, D_LCK and
// G_SMRAME read-only until the next reset.
void I440fx::smram_written() {
  u8 smram = static_cast<u8>(config_value(kSmram, 1));
  if (!(smram & I440fxPam::kSmramLock)) return;
  smram &= static_cast<u8>(~I440fxPam::kSmramOpen);
  set_config_value(kSmram, smram, 1);
  set_writable(kSmram, I440fxPam::kSmramClose, 1);
}

void I440fx::config_written(u8 offset, unsigned size) {
  const unsigned end = offset + size;
  if (offset <= kSmram && end > kSmram) smram_written();
  const bool pam_touched =
      offset < I440fxPam::kPam0 + I440fxPam::kPamRegisterCount && end > I440fxPam::kPam0;
  if (pam_touched || (offset <= kSmram && end > kSmram)) apply_shadowing();
}

void I440fx::reset() {
  PciFunction::reset();
  m_config_address = 0;
  apply_shadowing();
}

void I440fx::serialize(Archive& archive) {
  PciFunction::serialize(archive);
  archive.field("config_address", m_config_address);
  if (archive.loading()) apply_shadowing();
}

}  // namespace glasspc

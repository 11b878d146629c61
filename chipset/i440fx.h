// The i440FX host bridge, PCI 00.0 (Intel 440FX PCIset 82441FX PMC datasheet): configuration
// mechanism #1 at 0xCF8/0xCFC, the shadow RAM attribute map (PAM) and the SMRAM register.
//
// Configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2): a doubleword write to
// CONFIG_ADDRESS (0xCF8) latches enable (bit 31), bus (23:16), device (15:11), function (10:8)
// and register (7:2); accesses of any size to CONFIG_DATA (0xCFC-0xCFF) then reach that
// register plus the low two bits of the port. With the enable bit clear, CONFIG_DATA is not a
// configuration port: reads float to all ones and writes go nowhere. Only doubleword accesses
// at 0xCF8 are CONFIG_ADDRESS; byte and word accesses to 0xCF8-0xCFB pass to PCI as ordinary
// I/O (3.2.2.3.2), where the PIIX3 claims 0xCF9 as its reset control register
// (forward_legacy_accesses).
#pragma once

#include <array>
#include <string>

#include "bus/pci/pci_function.h"
#include "bus/port_space.h"
#include "bus/types.h"
#include "chipset/i440fx_pam.h"

namespace glasspc {

class Archive;
class MemoryMap;
class PciBus;

class I440fx : public PciFunction {
 public:
  static constexpr u16 kVendorIntel = 0x8086;
  static constexpr u16 kDeviceId = 0x1237;
  static constexpr u8 kRevision = 0x02;
  static constexpr u16 kConfigAddressPort = 0xCF8;
  static constexpr u16 kConfigDataPort = 0xCFC;
  // CONFIG_ADDRESS fields.
  static constexpr u32 kConfigEnable = 1u << 31;
  static constexpr unsigned kBusShift = 16;
  static constexpr unsigned kDevfnShift = 8;
  static constexpr u32 kRegisterMask = 0xFC;
  static constexpr u32 kAddressImplemented = kConfigEnable | 0x00FFFFFC;
  // Device-specific registers.
  static constexpr u8 kSmram = 0x72;

  // The host bridge at 00.0 of `bus`.
  I440fx(std::string name, PciBus& bus);

  // Claims 0xCF8-0xCFF.
  void attach(PortSpace& ports);
  // Byte and word accesses to 0xCF8-0xCFB go here (offsets relative to 0xCF8).
  void forward_legacy_accesses(PortHandler handler) { m_legacy = std::move(handler); }
  // Maps the PAM and SMRAM windows (see i440fx_pam.h). Call once guest RAM is mapped; the BIOS
  // may be mapped before or after.
  void map_shadow_ram(MemoryMap& memory);

  u32 config_address() const { return m_config_address; }
  PamMode pam_mode(unsigned segment) const;

  void reset() override;
  void serialize(Archive& archive) override;

 protected:
  void config_written(u8 offset, unsigned size) override;

 private:
  u32 address_read(u16 offset, unsigned size);
  void address_write(u16 offset, u32 value, unsigned size);
  u32 data_read(u16 offset, unsigned size);
  void data_write(u16 offset, u32 value, unsigned size);
  void smram_written();
  std::array<u8, I440fxPam::kPamRegisterCount> pam_registers() const;
  void apply_shadowing();

  u32 m_config_address = 0;
  PortHandler m_legacy;
  I440fxPam m_pam;
};

}  // namespace glasspc

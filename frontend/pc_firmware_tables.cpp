#include "frontend/pc_firmware_tables.h"

#include "bus/requester_id.h"
#include "firmware/acpi_table_loader.h"
#include "firmware/acpi_tables.h"
#include "firmware/fw_cfg.h"
#include "firmware/fw_cfg_items.h"
#include "firmware/mptable.h"

namespace glasspc {

firmware::AcpiPlatform pc_acpi_platform(const MachineConfig& config,
                                        const firmware::PcMemoryLayout& layout) {
  firmware::AcpiPlatform platform;
  platform.cpu_count = config.cpus;
  platform.ram_below_4g = layout.below_4g;
  platform.ram_above_4g = layout.above_4g;
  return platform;
}

firmware::FwCfg& add_pc_fw_cfg(Machine& machine, const firmware::AcpiPlatform& platform,
                               const firmware::PcMemoryLayout& layout) {
  auto& fw_cfg = machine.add_device<firmware::FwCfg>("fw_cfg", machine.dma(kIsaDmaRequester),
                                                     machine.trace());
  fw_cfg.attach(machine.ports());
  fw_cfg.set_ram_size(layout.ram_size);
  const auto cpus = static_cast<u16>(platform.cpu_count);
  fw_cfg.set_cpus(cpus, cpus);
  fw_cfg.set_e820(firmware::fw_cfg_e820_ram(layout));
  firmware::AcpiFwCfgFiles acpi = firmware::build_acpi_fw_cfg_files(platform);
  fw_cfg.add_file(std::string(firmware::kAcpiTablesFile), std::move(acpi.tables));
  fw_cfg.add_file(std::string(firmware::kAcpiRsdpFile), std::move(acpi.rsdp));
  fw_cfg.add_file(std::string(firmware::kTableLoaderFile), std::move(acpi.table_loader));
  return fw_cfg;
}

u64 install_direct_boot_tables(Machine& machine, const firmware::AcpiPlatform& platform) {
  const firmware::AcpiTableSet tables =
      firmware::build_acpi_tables(platform, kDirectBootAcpiTablesAddress);
  firmware::install_acpi_tables(machine.memory(), tables, kDirectBootRsdpAddress);
  firmware::install_mp_table(machine.memory(),
                             firmware::build_mp_table(platform, kDirectBootMpTableAddress));
  return kDirectBootRsdpAddress;
}

}  // namespace glasspc

// The PCI chipset and APIC fabric on the board, seen from the guest's ports and memory: PCI
// configuration cycles through 0xCF8/0xCFC, ACPI power-off, fw_cfg, the direct-boot tables,
// MSI delivery and the IOAPIC's share of the ISA IRQ lines.
#include "frontend/pc_chipset.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "bus/archive.h"
#include "bus/msi.h"
#include "bus/pci/pci_bus.h"
#include "bus/requester_id.h"
#include "chipset/acpi_pm.h"
#include "chipset/ioapic.h"
#include "chipset/lapic.h"
#include "chipset/piix3.h"
#include "firmware/fw_cfg_items.h"
#include "frontend/pc_firmware_tables.h"

using namespace glasspc;

namespace {

class IdleCpu : public CpuCore {
 public:
  explicit IdleCpu(u32 index) : m_index(index) {}
  u32 index() const override { return m_index; }
  CpuRunExit run(Picoseconds) override { return CpuRunExit::Halted; }
  void stop() override {}
  void reset() override {}
  void set_boot_state(const CpuBootState&) override {}
  void set_intr(bool level) override { intr = level; }
  void set_interrupt_acknowledger(InterruptAcknowledger*) override {}
  void nmi() override {}
  void init() override {}
  void sipi(u8) override {}
  void set_local_apic(LocalApicPort*) override {}
  bool halted() const override { return true; }
  void serialize(Archive&) override {}
  bool intr = false;

 private:
  u32 m_index;
};

struct Rig {
  explicit Rig(bool direct_boot = true) : machine(std::make_unique<Machine>(MachineOptions{})) {
    MachineConfig config;
    config.ram_size = u64{32} << 20;
    config.rtc = RtcConfig{RtcConfig::Base::Fixed, 0};
    layout = firmware::pc_memory_layout(config.ram_size);
    firmware::map_pc_ram(machine->memory(), layout);
    machine->add_cpu(std::make_unique<IdleCpu>(0));
    platform = std::make_unique<PcPlatform>(*machine, config, layout);
    chipset = std::make_unique<PcChipset>(*machine, *platform, direct_boot);
    tables = pc_acpi_platform(config, layout);
  }
  // The machine's devices (the LAPICs) unregister from the chipset's ApicBus as they go.
  ~Rig() { machine.reset(); }
  u32 pci_read(u8 device, u8 function, u8 offset) {
    machine->ports().write(0xCF8, 0x80000000u | (device << 11) | (function << 8) | offset, 4);
    return static_cast<u32>(machine->ports().read(0xCFC, 4));
  }
  void pci_write(u8 device, u8 function, u8 offset, u32 value, unsigned size) {
    machine->ports().write(0xCF8, 0x80000000u | (device << 11) | (function << 8) | (offset & ~3),
                           4);
    machine->ports().write(static_cast<u16>(0xCFC + (offset & 3)), value, size);
  }

  std::unique_ptr<Machine> machine;
  firmware::PcMemoryLayout layout;
  std::unique_ptr<PcPlatform> platform;
  std::unique_ptr<PcChipset> chipset;
  firmware::AcpiPlatform tables;
};

}  // namespace

TEST_CASE("PCI configuration mechanism #1 finds the i440FX, the PIIX3 and its PM function") {
  Rig rig;
  CHECK(rig.pci_read(0, 0, 0) == 0x12378086);
  CHECK(rig.pci_read(1, 0, 0) == 0x70008086);
  CHECK(rig.pci_read(1, 3, 0) == 0x71138086);
  CHECK(rig.pci_read(0, 0, 0x08) >> 8 == 0x060000);  // host bridge
  CHECK(rig.pci_read(1, 0, 0x08) >> 8 == 0x060100);  // ISA bridge
  CHECK(rig.pci_read(1, 3, 0x08) >> 8 == 0x068000);  // other bridge, as QEMU's PIIX4 PM
  CHECK(rig.pci_read(2, 0, 0) == 0xFFFFFFFF);
  CHECK(rig.pci_read(1, 1, 0) == 0xFFFFFFFF);
}

TEST_CASE("a direct boot routes PIRQA-D as SeaBIOS does and enables PM I/O at 0x600") {
  Rig rig;
  CHECK(rig.pci_read(1, 0, 0x60) == 0x0B0B0A0A);
  CHECK((rig.pci_read(1, 3, 0x40) & 0xFFC0) == 0x600);
  CHECK(rig.machine->ports().read(0x604, 2) & AcpiPm::kSciEnable);
  Rig with_bios(false);
  CHECK(with_bios.pci_read(1, 0, 0x60) == 0x80808080);
}

TEST_CASE("an S5 write to PM1a_CNT powers the machine off with status 0") {
  Rig rig;
  CHECK_FALSE(rig.machine->exit_requested());
  rig.machine->ports().write(0x604, AcpiPm::kSciEnable | AcpiPm::kSleepEnable, 2);
  REQUIRE(rig.machine->exit_requested());
  FastPacer pacer;
  const MachineExit exit = rig.machine->run(pacer);
  CHECK(exit.reason == MachineExit::Reason::GuestExit);
  CHECK(exit.status == 0);
}

TEST_CASE("a PCI interrupt routed by the PIIX3 reaches ISA IRQ 10 on both controllers") {
  Rig rig;
  Piix3& piix3 = rig.chipset->isa_bridge();
  // PIRQA, routed to IRQ 10. Only the IOAPIC shows its pin levels; the same ISA line feeds 8259
  // input 10.
  piix3.set_irq(0, true);
  CHECK(rig.chipset->ioapic().pin_level(10));
  piix3.set_irq(0, false);
  CHECK_FALSE(rig.chipset->ioapic().pin_level(10));
}

TEST_CASE("the IOAPIC receives ISA IRQ 4 on pin 4 and IRQ 0 on pin 2") {
  Rig rig;
  IrqLine com1("com1", nullptr);
  IrqLine pit("pit", nullptr);
  rig.platform->connect_isa_irq(com1, 4);
  rig.platform->connect_isa_irq(pit, 0);
  com1.raise();
  CHECK(rig.chipset->ioapic().pin_level(4));
  pit.raise();
  CHECK(rig.chipset->ioapic().pin_level(2));
  CHECK_FALSE(rig.chipset->ioapic().pin_level(0));
}

TEST_CASE("an MSI written through a device's DmaSpace lands in LAPIC 0's IRR") {
  Rig rig;
  LocalApic& lapic = rig.chipset->lapic(0);
  lapic.mmio_write(LocalApic::kSvr, 0x1FF, 4);  // software enable, spurious vector 0xFF
  const u32 data = 0x41;                        // fixed delivery, edge, vector 0x41
  DmaSpace& dma = rig.machine->dma(RequesterId::of(0, 3, 0));
  dma.write(kMsiWindowBase, &data, sizeof data);  // destination APIC ID 0, physical
  CHECK(lapic.irr_bit(0x41));
}

TEST_CASE("the 8259's INT reaches CPU 0 through LAPIC 0's LINT0 in ExtINT mode") {
  Rig rig;
  auto& cpu = static_cast<IdleCpu&>(rig.machine->cpu(0));
  // ICW1-ICW4 for the master, IRQ 1 unmasked, then raise IRQ 1.
  for (const auto& [port, value] :
       {std::pair<u16, u8>{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01}, {0x21, 0xFD}})
    rig.machine->ports().write(port, value, 1);
  IrqLine key;
  rig.platform->connect_isa_irq(key, 1);
  key.raise();
  CHECK(cpu.intr);
  CHECK(rig.chipset->lapic(0).acknowledge() == 0x09);
}

TEST_CASE("fw_cfg answers with the QEMU signature and lists the ACPI files") {
  Rig rig;
  add_pc_fw_cfg(*rig.machine, rig.tables, rig.layout);
  PortSpace& ports = rig.machine->ports();
  ports.write(0x510, firmware::fw_cfg::kSignature, 2);
  std::string signature;
  for (int i = 0; i < 4; ++i) signature += static_cast<char>(ports.read(0x511, 1));
  CHECK(signature == "QEMU");
  ports.write(0x510, firmware::fw_cfg::kFileDir, 2);
  std::string directory;
  for (int i = 0; i < 4 + 64 * 8; ++i) directory += static_cast<char>(ports.read(0x511, 1));
  CHECK(directory.find("etc/acpi/rsdp") != std::string::npos);
  CHECK(directory.find("etc/table-loader") != std::string::npos);
  ports.write(0x510, firmware::fw_cfg::kRamSize, 2);
  u64 ram = 0;
  for (int i = 0; i < 8; ++i) ram |= ports.read(0x511, 1) << (8 * i);
  CHECK(ram == u64{32} << 20);
}

TEST_CASE("direct-boot tables put a valid RSDP in the BIOS scan area and an MP table") {
  Rig rig;
  const u64 rsdp = install_direct_boot_tables(*rig.machine, rig.tables);
  REQUIRE(rsdp >= 0xE0000);
  REQUIRE(rsdp < 0x100000);
  u8 bytes[36];
  rig.machine->memory().read_bytes(rsdp, bytes, sizeof bytes);
  CHECK(std::memcmp(bytes, "RSD PTR ", 8) == 0);
  u8 sum = 0;
  for (int i = 0; i < 20; ++i) sum = static_cast<u8>(sum + bytes[i]);
  CHECK(sum == 0);
  u32 rsdt = 0;
  std::memcpy(&rsdt, bytes + 16, 4);
  char signature[4];
  rig.machine->memory().read_bytes(rsdt, signature, 4);
  CHECK(std::memcmp(signature, "RSDT", 4) == 0);
  char mp[4];
  rig.machine->memory().read_bytes(kDirectBootMpTableAddress, mp, 4);
  CHECK(std::memcmp(mp, "_MP_", 4) == 0);
}

#include "frontend/pc_chipset.h"

#include <fmt/format.h>

#include "bus/pci/pci_bus.h"
#include "bus/requester_id.h"
#include "chipset/acpi_pm.h"
#include "chipset/apic_bus.h"
#include "chipset/hpet.h"
#include "chipset/i440fx.h"
#include "chipset/ioapic.h"
#include "chipset/lapic.h"
#include "chipset/pic8259.h"
#include "chipset/piix3.h"
#include "chipset/piix3_port92.h"
#include "chipset/piix3_post_code.h"

namespace glasspc {

namespace {

// The HPET's FSB (MSI) deliveries are memory writes by the chipset itself, so they carry the
// host bridge's requester ID (00.0).
constexpr RequesterId kHpetRequester = RequesterId::of(0, 0, 0);

// PIIX3 PIRQ route registers as SeaBIOS programs them on QEMU (PIRQA-D -> IRQ 10, 10, 11, 11),
// the routing the ACPI and MP tables describe (firmware/acpi_platform.h, pirq_irqs).
constexpr std::array<u8, PciBus::kPirqCount> kDirectBootPirqRoutes = {10, 10, 11, 11};

// PAM register value with both segments it controls in RAM, read/write (82441FX 3.2.18).
constexpr u8 kPamReadWriteBoth = 0x33;

}  // namespace

PcChipset::IsaIrqOutputs::IsaIrqOutputs(Trace& trace) {
  for (unsigned irq = 0; irq < IsaIrqs::kCount; ++irq)
    m_lines.emplace_back(fmt::format("piix3.isa_irq{}", irq), &trace);
}

PcChipset::PcChipset(Machine& machine, PcPlatform& platform, bool direct_boot)
    : m_machine(machine) {
  add_apic_fabric(platform);
  add_pci_functions(platform);
  if (direct_boot) configure_for_direct_boot();
}

PcChipset::~PcChipset() = default;

void PcChipset::add_apic_fabric(PcPlatform& platform) {
  Machine& machine = m_machine;
  m_apic_bus = std::make_unique<ApicBus>(machine.trace());
  // MSIs are DMA writes into 0xFEExxxxx; every DmaSpace hands them to the APIC bus.
  machine.set_interrupt_sink(m_apic_bus.get());
  for (unsigned index = 0; index < machine.cpu_count(); ++index) {
    LocalApicConfig lapic;
    lapic.index = index;
    lapic.apic_id = index;
    m_lapics.push_back(&machine.add_device<LocalApic>(fmt::format("lapic{}", index), lapic,
                                                      machine.cpu(index), *m_apic_bus,
                                                      machine.scheduler(), machine.trace()));
  }
  // The 8259 pair's INT moves from CPU 0's INTR pin to LAPIC 0's LINT0 (MP spec 3.6.2.2,
  // virtual wire mode); the LAPIC made itself the CPU's acknowledger and passes ExtINT
  // acknowledges on to the 8259s.
  Pic8259Pair& pic = platform.pic();
  pic.intr().disconnect_all();
  pic.intr().connect(*m_lapics.front(), LocalApic::kLint0);
  m_lapics.front()->set_extint_acknowledger(&pic);

  m_ioapic = &machine.add_device<IoApic>("ioapic", *m_apic_bus, machine.trace());
  m_ioapic->attach(machine.memory());
  for (unsigned irq = 0; irq < IsaIrqs::kCount; ++irq)
    platform.isa_irqs().add_receiver(irq, *m_ioapic, ioapic_pin_of_isa_irq(irq));

  m_hpet = &machine.add_device<Hpet>("hpet", machine.scheduler(), machine.trace(),
                                     machine.dma(kHpetRequester));
  m_hpet->attach(machine.memory());
  m_hpet->connect(m_ioapic, &pic);
  platform.connect_legacy_replacement(m_hpet->legacy_replacement());
}

void PcChipset::add_pci_functions(PcPlatform& platform) {
  Machine& machine = m_machine;
  m_pci_bus = std::make_unique<PciBus>("pci.0", machine);
  m_host = &machine.add_device<I440fx>("i440fx", *m_pci_bus);
  m_host->attach(machine.ports());
  m_host->map_shadow_ram(machine.memory());

  m_piix3 = &machine.add_device<Piix3>("piix3", *m_pci_bus, machine);
  m_pirq_outputs = std::make_unique<IsaIrqOutputs>(machine.trace());
  for (unsigned irq = 0; irq < IsaIrqs::kCount; ++irq)
    platform.connect_isa_irq(m_pirq_outputs->line(irq), irq);
  m_piix3->connect_isa_irqs(*m_pirq_outputs, nullptr);
  // 0xCF9 lies inside the host bridge's 0xCF8-0xCFB dword; byte accesses to it belong to the
  // PIIX3's reset control register.
  m_host->forward_legacy_accesses(m_piix3->reset_control_port());

  m_pm = &machine.add_device<AcpiPm>("acpi-pm", *m_pci_bus, machine);
  m_pm->attach(machine.ports());
  platform.connect_isa_irq(m_pm->sci(), AcpiPm::kSciIrq);

  m_port92 = &machine.add_device<Port92>("port92", machine.memory(), machine, machine.trace());
  m_port92->attach(machine.ports());
  m_post_code = &machine.add_device<PostCodePort>("post", machine.trace());
  m_post_code->attach(machine.ports());
}

void PcChipset::configure_for_direct_boot() {
  // What SeaBIOS's PCI setup leaves behind on QEMU, redone after every reset because reset puts
  // the functions back to their power-on values and no BIOS runs again.
  auto setup = [this] {
    // Shadow RAM read/write in 0xC0000-0xFFFFF: the platform tables are written there.
    for (unsigned pam = 0; pam < I440fxPam::kPamRegisterCount; ++pam)
      m_pci_bus->config_write(0, m_host->devfn(), static_cast<u8>(I440fxPam::kPam0 + pam),
                              kPamReadWriteBoth, 1);
    for (unsigned pirq = 0; pirq < PciBus::kPirqCount; ++pirq)
      m_pci_bus->config_write(0, m_piix3->devfn(), static_cast<u8>(Piix3::kPirqRouteControl + pirq),
                              kDirectBootPirqRoutes[pirq], 1);
    m_pm->enable_pm_io(AcpiPm::kDefaultPmBase);
    // No SMM and no BIOS to hand over: the machine is in ACPI mode from the start (the FADT's
    // SMI_CMD is 0), so SCI_EN must already be set.
    m_machine.ports().write(AcpiPm::kDefaultPmBase + AcpiPm::kPm1Control, AcpiPm::kSciEnable, 2);
  };
  setup();
  m_machine.add_reset_hook(setup);
}

}  // namespace glasspc

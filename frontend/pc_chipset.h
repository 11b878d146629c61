// The PCI chipset and the APIC interrupt fabric of QEMU's i440FX "pc" machine, added to a board
// that already carries the legacy chips (pc_platform.h):
//
//   PCI bus 0     00.0 i440FX host bridge (0xCF8/0xCFC, PAM shadow RAM), 01.0 PIIX3 ISA bridge
//                 (PIRQ routing, reset control 0xCF9), 01.3 PIIX4-style ACPI power management
//   ISA ports     0x92 (fast A20 and reset), 0x80 (POST codes)
//   APIC fabric   one LAPIC per vCPU and the IOAPIC at 0xFEC00000 on one ApicBus, which is also
//                 the machine's interrupt message sink (MSIs written through any DmaSpace)
//   HPET          at 0xFED00000, routed to the IOAPIC and the 8259s
//
// Interrupt wiring, as QEMU's pc wires its GSIs: every ISA IRQ line gets the IOAPIC as a second
// receiver, IRQ 0 on pin 2 and IRQ n on pin n otherwise. The PIIX3 routes PCI INTx onto ISA IRQ
// lines, so a PCI interrupt reaches both controllers the same way an ISA one does. The 8259
// pair's INT output goes to LAPIC 0's LINT0, which comes out of reset in ExtINT mode (virtual
// wire), so guests that only program the 8259 keep working.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "bus/irq_line.h"
#include "bus/machine.h"
#include "bus/types.h"
#include "frontend/pc_platform.h"

namespace glasspc {

class AcpiPm;
class ApicBus;
class Hpet;
class I440fx;
class IoApic;
class LocalApic;
class PciBus;
class Piix3;
class Port92;
class PostCodePort;

// The IOAPIC input ISA IRQ `irq` reaches: the 8254's IRQ 0 is wired to pin 2 (pin 0 carries
// the 8259's INT on boards that use it), every other IRQ to the pin of its number.
constexpr unsigned ioapic_pin_of_isa_irq(unsigned irq) { return irq == 0 ? 2 : irq; }

class PcChipset {
 public:
  // Adds the chips to `machine`, whose guest RAM must be mapped and whose legacy chips are in
  // `platform`. `direct_boot`: no BIOS will configure the chipset, so the board does what
  // SeaBIOS would: power management I/O enabled at 0x600 with SCI_EN set, PIRQ A-D routed.
  PcChipset(Machine& machine, PcPlatform& platform, bool direct_boot);
  ~PcChipset();
  PcChipset(const PcChipset&) = delete;
  PcChipset& operator=(const PcChipset&) = delete;

  PciBus& pci_bus() { return *m_pci_bus; }
  ApicBus& apic_bus() { return *m_apic_bus; }
  I440fx& host_bridge() { return *m_host; }
  Piix3& isa_bridge() { return *m_piix3; }
  AcpiPm& power_management() { return *m_pm; }
  IoApic& ioapic() { return *m_ioapic; }
  LocalApic& lapic(unsigned cpu) { return *m_lapics.at(cpu); }
  Hpet& hpet() { return *m_hpet; }

 private:
  void add_apic_fabric(PcPlatform& platform);
  void add_pci_functions(PcPlatform& platform);
  void configure_for_direct_boot();

  // PIIX3's ISA IRQ outputs as drivers of the board's ISA IRQ lines, so that a routed PCI
  // interrupt is ORed with the ISA devices sharing its IRQ instead of overriding them.
  class IsaIrqOutputs : public IrqSink {
   public:
    explicit IsaIrqOutputs(Trace& trace);
    void set_irq(unsigned irq, bool level) override { m_lines.at(irq).set(level); }
    IrqLine& line(unsigned irq) { return m_lines.at(irq); }

   private:
    std::vector<IrqLine> m_lines;
  };

  Machine& m_machine;
  // Not devices: they outlive the machine's devices (the LAPICs unregister from the ApicBus in
  // their destructors), so the board ends the machine before this object.
  std::unique_ptr<PciBus> m_pci_bus;
  std::unique_ptr<ApicBus> m_apic_bus;
  std::unique_ptr<IsaIrqOutputs> m_pirq_outputs;
  I440fx* m_host = nullptr;
  Piix3* m_piix3 = nullptr;
  AcpiPm* m_pm = nullptr;
  Port92* m_port92 = nullptr;
  PostCodePort* m_post_code = nullptr;
  IoApic* m_ioapic = nullptr;
  std::vector<LocalApic*> m_lapics;
  Hpet* m_hpet = nullptr;
};

}  // namespace glasspc

// The PIIX3 PCI-to-ISA bridge, PCI 01.0 (Intel 82371SB PIIX3 datasheet 290550, function 0): the
// PIRQ router that turns the four PCI interrupt wires into ISA IRQs, and the reset control
// register at I/O 0xCF9.
//
// PIRQ routing (PIRQRC[A:D], configuration 0x60-0x63): bit 7 IRQROUTEN disables the route when
// set; bits 3:0 name the ISA IRQ. IRQs 3-7, 9-12, 14 and 15 are valid; the others (0-2, 8, 13)
// are reserved and route nowhere. A routed PIRQ drives that ISA IRQ input of the 8259 pair and,
// as on QEMU's pc, the same-numbered IOAPIC input. Several PIRQs may share one IRQ: the IRQ is
// high while any of them is. The ELCR that makes those IRQs level-triggered is part of the
// 8259 pair (chipset/pic8259.h).
//
// Reset control register (RC, I/O 0xCF9, byte access only): writing RCPU (bit 2) = 1 resets
// the system; SRST (bit 1) chooses a hard reset (1) or a soft reset (0, INIT to the CPU). The
// machine performs both as a full reset, as QEMU's pc does; the reason names which one the guest
// asked for. SRST reads back; RCPU does not. This register is also the ACPI reset register of
// the FADT (value 0x06, see acpi_pm.h).
#pragma once

#include <array>
#include <string>

#include "bus/irq_line.h"
#include "bus/pci/pci_function.h"
#include "bus/port_space.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class PciBus;
class SystemControl;

class Piix3 : public PciFunction, public IrqSink {
 public:
  static constexpr u16 kVendorIntel = 0x8086;
  static constexpr u16 kDeviceId = 0x7000;
  static constexpr u8 kPirqRouteControl = 0x60;  // PIRQRCA; B, C, D follow
  static constexpr u8 kRouteDisable = 1 << 7;    // IRQROUTEN: 1 = not routed
  static constexpr u8 kRouteIrqMask = 0x0F;
  static constexpr u16 kResetControlPort = 0xCF9;
  static constexpr u8 kResetSystem = 1 << 1;  // SRST
  static constexpr u8 kResetCpu = 1 << 2;     // RCPU
  static constexpr unsigned kIsaIrqCount = 16;

  // The ISA bridge at 01.0 of `bus`; listens to the bus's four PIRQ wires.
  Piix3(std::string name, PciBus& bus, SystemControl& system);

  // Where routed PIRQs go: ISA IRQ inputs 0-15 of the 8259 pair and of the IOAPIC (optional).
  void connect_isa_irqs(IrqSink& pic, IrqSink* ioapic);
  // The reset control register, for I440fx::forward_legacy_accesses (offsets from 0xCF8).
  PortHandler reset_control_port();

  // IrqSink: PIRQ input 0-3 (PIRQA#-PIRQD#).
  void set_irq(unsigned pirq, bool level) override;

  // The ISA IRQ that PIRQ `index` drives, or -1.
  int route_of(unsigned pirq) const;
  u8 reset_control() const { return m_reset_control; }

  void reset() override;
  void serialize(Archive& archive) override;

 protected:
  void config_written(u8 offset, unsigned size) override;

 private:
  void reset_control_write(u8 value);
  void update_isa_irqs();

  SystemControl& m_system;
  IrqSink* m_pic = nullptr;
  IrqSink* m_ioapic = nullptr;
  std::array<bool, 4> m_pirq_level{};
  u16 m_driven = 0;  // ISA IRQs this bridge holds high
  u8 m_reset_control = 0;
};

}  // namespace glasspc

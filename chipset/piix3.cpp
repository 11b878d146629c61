#include "chipset/piix3.h"

#include <fmt/format.h>

#include "bus/archive.h"
#include "bus/pci/pci_bus.h"
#include "bus/system_control.h"
#include "bus/trace.h"

namespace glasspc {

namespace {

constexpr u8 kClassBridge = 0x06;
constexpr u8 kSubclassIsa = 0x01;
// ISA IRQs a PIRQ may be routed to (PIRQRC bits 3:0): 3-7, 9-12, 14, 15.
constexpr u16 kRoutableIrqs = 0b1101'1110'1111'1000;
constexpr u8 kPirqRouteWritable = Piix3::kRouteDisable | Piix3::kRouteIrqMask;
// The host bridge hands over non-configuration accesses to 0xCF8-0xCFB with offsets from 0xCF8.
constexpr u16 kHostBridgeLegacyBase = 0xCF8;
constexpr u8 kResetControlOffset = Piix3::kResetControlPort - kHostBridgeLegacyBase;
// PCICMD: the ISA bridge always decodes and masters (I/O, memory and bus master hardwired to 1).
constexpr u16 kCommandReset =
    pci::kCommandIoSpace | pci::kCommandMemorySpace | pci::kCommandBusMaster;

// Datasheet reset values of the function 0 registers software looks at (82371SB, 2.2).
struct RegisterDefault {
  u8 offset;
  u8 value;
};
constexpr RegisterDefault kDefaults[] = {
    {0x4C, 0x4D},  // IORT: ISA I/O recovery timer
    {0x4E, 0x03},  // XBCS: X-bus chip select (BIOS, keyboard controller, RTC)
    {0x69, 0x02},  // TOM: top of memory
    {0x70, 0x80},  // MBIRQ0: motherboard IRQ route 0 disabled
    {0x71, 0x80},  // MBIRQ1
    {0x76, 0x0C},  // MBDMA0
    {0x77, 0x0C},  // MBDMA1
    {0x78, 0x02},  // PCSC: programmable chip select control
    {0xA0, 0x08},  // SMICNTL
    {0xA8, 0x0F},  // FTMR: fast off timer
};

PciIdentity identity() {
  PciIdentity id;
  id.vendor_id = Piix3::kVendorIntel;
  id.device_id = Piix3::kDeviceId;
  id.class_code = kClassBridge;
  id.subclass = kSubclassIsa;
  // The PIIX3 is a multi-function device (IDE at 01.1, USB at 01.2, and power management at
  // 01.3 on this board), so software must probe functions 1-7 (PCI 3.0, 6.2.1).
  id.multifunction = true;
  id.status = pci::kStatusDevselMedium;
  return id;
}

const char* reset_kind(u8 value) {
  return (value & Piix3::kResetSystem)
             ? "reset control 0xCF9: hard reset"
             : "reset control 0xCF9: soft reset (INIT), done as a full reset";
}

}  // namespace

Piix3::Piix3(std::string name, PciBus& bus, SystemControl& system)
    : PciFunction(std::move(name), bus, 1, 0, identity()), m_system(system) {
  define_register(pci::kCommand, 2, kCommandReset,
                  pci::kCommandParityErrorResponse | pci::kCommandSerrEnable);
  for (unsigned pirq = 0; pirq < PciBus::kPirqCount; ++pirq)
    define_register(static_cast<u8>(kPirqRouteControl + pirq), 1, kRouteDisable,
                    kPirqRouteWritable);
  for (const RegisterDefault& reg : kDefaults) define_register(reg.offset, 1, reg.value, 0xFF);
  PciFunction::reset();
  for (unsigned pirq = 0; pirq < PciBus::kPirqCount; ++pirq) bus.pirq(pirq).connect(*this, pirq);
}

void Piix3::connect_isa_irqs(IrqSink& pic, IrqSink* ioapic) {
  m_pic = &pic;
  m_ioapic = ioapic;
  m_driven = 0;
  update_isa_irqs();
}

PortHandler Piix3::reset_control_port() {
  return PortHandler{.name = name() + ".RC",
                     .read = [this](u16 offset, unsigned size) -> u32 {
                       if (offset == kResetControlOffset && size == 1) return m_reset_control;
                       return static_cast<u32>(size_mask(size));
                     },
                     .write =
                         [this](u16 offset, u32 value, unsigned size) {
                           if (offset == kResetControlOffset && size == 1)
                             reset_control_write(static_cast<u8>(value));
                         },
                     .impl = {1, 4, true}};
}

void Piix3::reset_control_write(u8 value) {
  m_reset_control = value & kResetSystem;
  if (trace().on(TraceCategory::Device))
    trace().emit(TraceCategory::Device, name(), "RC", {{"value", value}});
  if (value & kResetCpu) m_system.request_reset(reset_kind(value));
}

// --- PIRQ routing --------------------------------------------------------------------------------

int Piix3::route_of(unsigned pirq) const {
  if (pirq >= PciBus::kPirqCount) return -1;
  const u8 route = static_cast<u8>(config_value(static_cast<u8>(kPirqRouteControl + pirq), 1));
  if (route & kRouteDisable) return -1;
  const unsigned irq = route & kRouteIrqMask;
  if (!((kRoutableIrqs >> irq) & 1)) return -1;
  return static_cast<int>(irq);
}

void Piix3::set_irq(unsigned pirq, bool level) {
  if (pirq >= PciBus::kPirqCount) return;
  m_pirq_level[pirq] = level;
  update_isa_irqs();
}

void Piix3::update_isa_irqs() {
  u16 wanted = 0;
  for (unsigned pirq = 0; pirq < PciBus::kPirqCount; ++pirq) {
    const int irq = route_of(pirq);
    if (irq >= 0 && m_pirq_level[pirq]) wanted |= static_cast<u16>(1u << irq);
  }
  const u16 changed = wanted ^ m_driven;
  m_driven = wanted;
  if (changed == 0 || m_pic == nullptr) return;
  for (unsigned irq = 0; irq < kIsaIrqCount; ++irq) {
    if (!((changed >> irq) & 1)) continue;
    const bool level = (wanted >> irq) & 1;
    if (trace().on(TraceCategory::Irq)) {
      trace().emit(TraceCategory::Irq, name(), level ? "pirq raise" : "pirq lower",
                   {{"irq", irq}, {"level", level}});
    }
    m_pic->set_irq(irq, level);
    if (m_ioapic != nullptr) m_ioapic->set_irq(irq, level);
  }
}

void Piix3::config_written(u8 offset, unsigned size) {
  if (offset < kPirqRouteControl + PciBus::kPirqCount && offset + size > kPirqRouteControl)
    update_isa_irqs();
}

// --- state ---------------------------------------------------------------------------------------

void Piix3::reset() {
  PciFunction::reset();
  m_reset_control = 0;
  update_isa_irqs();
}

void Piix3::serialize(Archive& archive) {
  PciFunction::serialize(archive);
  archive.field("reset_control", m_reset_control);
  archive.field("pirq_level", m_pirq_level);
  archive.field("driven", m_driven);
}

}  // namespace glasspc

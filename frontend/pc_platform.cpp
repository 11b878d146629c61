#include "frontend/pc_platform.h"

#include <fmt/format.h>

#include <ctime>

#include "bus/requester_id.h"
#include "chipset/dma8237.h"
#include "chipset/i8042.h"
#include "chipset/pic8259.h"
#include "chipset/pit8254.h"
#include "chipset/port61.h"
#include "chipset/rtc_cmos.h"

namespace glasspc {

namespace {

// CMOS bytes QEMU's pc machine fills besides the memory sizes (hw/i386/pc.c, pc_cmos_init), so
// firmware written for QEMU finds the same values here.
constexpr u8 kCmosEquipment = 0x14;
constexpr u8 kEquipmentFpu = 0x02;       // a math coprocessor is installed
constexpr u8 kEquipmentPs2Mouse = 0x04;  // a PS/2 mouse is installed
// Boot order nibbles (SeaBIOS): 1 floppy, 2 hard disk, 3 CD-ROM. QEMU's default order "cad"
// gives 0x3D = (floppy << 4) | hard disk and 0x38 = CD-ROM << 4 (bit 0 clear: the floppy boot
// signature is checked).
constexpr u8 kCmosBootOrder12 = 0x3d;
constexpr u8 kCmosBootOrder3 = 0x38;
constexpr u8 kBootFloppy = 0x1;
constexpr u8 kBootHardDisk = 0x2;
constexpr u8 kBootCdrom = 0x3;

i64 host_seconds_now(RtcConfig::Base base) {
  const std::time_t now = std::time(nullptr);
  if (base == RtcConfig::Base::Utc) return static_cast<i64>(now);
  // The clock shows local wall time: UTC shifted by the zone's offset at this moment.
  std::tm local{};
  localtime_r(&now, &local);
  return static_cast<i64>(now) + static_cast<i64>(local.tm_gmtoff);
}

}  // namespace

IsaIrqs::IsaIrqs(Trace& trace) {
  for (unsigned irq = 0; irq < kCount; ++irq)
    m_lines.push_back(std::make_unique<IrqWireOr>(fmt::format("isa.irq{}", irq), &trace));
}

void IsaIrqs::add_receiver(unsigned irq, IrqSink& sink, unsigned pin) {
  m_receivers.at(irq).push_back(Receiver{&sink, pin});
  line(irq).connect(sink, pin);
}

void IsaIrqs::connect(IrqLine& source, unsigned irq) {
  IrqWireOr& wire = *m_lines.at(irq);
  source.connect(wire, m_sources[irq]++);
}

i64 rtc_start_seconds(const RtcConfig& config, InputLog& input) {
  if (config.base == RtcConfig::Base::Fixed) return config.fixed_seconds;
  const u64 live = static_cast<u64>(host_seconds_now(config.base));
  return static_cast<i64>(input.host_value("rtc.base", live));
}

PcPlatform::PcPlatform(Machine& machine, const MachineConfig& config,
                       const firmware::PcMemoryLayout& layout)
    : m_machine(machine), m_isa_irqs(machine.trace()) {
  add_interrupt_controllers();
  wire_cpu_interrupt();
  // The ISA DMA controllers move data for the ISA bridge's requester ID, like every ISA master.
  m_dma = &machine.add_device<Dma8237>("dma", machine.dma(kIsaDmaRequester), machine.trace());
  m_dma->attach(machine.ports());
  add_timers(config, layout);
  add_keyboard_controller();
}

PcPlatform::~PcPlatform() = default;

void PcPlatform::add_interrupt_controllers() {
  Machine& machine = m_machine;
  m_pic = &machine.add_device<Pic8259Pair>("pic", machine.trace());
  m_pic->attach(machine.ports());
  // ISA IRQ n enters the pair at input n (the slave's inputs are 8-15). IRQ 2 stays in the table
  // so its index matches the IRQ number; the PIC ignores requests from outside on the cascade.
  for (unsigned irq = 0; irq < IsaIrqs::kCount; ++irq) m_isa_irqs.add_receiver(irq, *m_pic, irq);
}

void PcPlatform::wire_cpu_interrupt() {
  // PIC mode (MP spec 3.6.2.1): INT goes straight to the bootstrap processor's INTR pin and the
  // INTA cycles are answered by the 8259s. The application processors never see it.
  CpuCore& bsp = m_machine.cpu(0);
  m_cpu_intr = std::make_unique<IrqCallback>([&bsp](unsigned, bool level) { bsp.set_intr(level); });
  m_pic->intr().connect(*m_cpu_intr, 0);
  bsp.set_interrupt_acknowledger(m_pic);
}

void PcPlatform::add_timers(const MachineConfig& config, const firmware::PcMemoryLayout& layout) {
  Machine& machine = m_machine;
  m_pit = &machine.add_device<Pit8254>("pit", machine.scheduler(), machine.trace());
  m_pit->attach(machine.ports());
  m_pit_gate = std::make_unique<IrqGate>("pit.irq0_gate", &machine.trace());
  m_pit->irq0().connect(*m_pit_gate, IrqGate::kInput);
  connect_isa_irq(m_pit_gate->output(), isa_irq::kTimer);
  m_port61 = &machine.add_device<Port61>("port61", *m_pit, machine.clock(), machine.trace());
  m_port61->attach(machine.ports());

  const i64 start = rtc_start_seconds(config.rtc, machine.input());
  m_rtc = &machine.add_device<RtcCmos>("rtc", machine.scheduler(), machine.trace(), start);
  m_rtc->attach(machine.ports());
  m_rtc_gate = std::make_unique<IrqGate>("rtc.irq_gate", &machine.trace());
  m_rtc->irq().connect(*m_rtc_gate, IrqGate::kInput);
  connect_isa_irq(m_rtc_gate->output(), isa_irq::kRtc);
  m_rtc->set_pc_memory_fields(layout.below_4g, layout.above_4g, config.cpus);
  m_rtc->set_cmos(kCmosEquipment, kEquipmentFpu | kEquipmentPs2Mouse);
  m_rtc->set_cmos(kCmosBootOrder12, static_cast<u8>((kBootFloppy << 4) | kBootHardDisk));
  m_rtc->set_cmos(kCmosBootOrder3, static_cast<u8>(kBootCdrom << 4));
}

void PcPlatform::add_keyboard_controller() {
  Machine& machine = m_machine;
  MemoryMap& memory = machine.memory();
  m_i8042 = &machine.add_device<I8042>("i8042", machine.trace(), machine,
                                       [&memory](bool enabled) { memory.set_a20(enabled); });
  m_i8042->attach(machine.ports());
  connect_isa_irq(m_i8042->keyboard_irq(), isa_irq::kKeyboard);
  connect_isa_irq(m_i8042->mouse_irq(), isa_irq::kMouse);
  // A system reset puts the 8042's output port back to its power-on value, whose A20 bit is set:
  // the gate opens again, whatever the guest left it at (the 8042 leaves the line to the board).
  machine.add_reset_hook([&memory] { memory.set_a20(true); });
}

void PcPlatform::connect_legacy_replacement(IrqLine& line) {
  line.connect(*m_pit_gate, IrqGate::kInhibit);
  line.connect(*m_rtc_gate, IrqGate::kInhibit);
}

}  // namespace glasspc

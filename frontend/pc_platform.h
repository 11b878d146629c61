// The legacy PC platform every PC-compatible board carries since the IBM PC/AT: the two 8259
// interrupt controllers, the 8254 timer with port 0x61, the MC146818 RTC/CMOS, the 8042
// keyboard controller with a PS/2 keyboard and mouse, and the two 8237 DMA controllers.
//
// Interrupt wiring has two halves, kept apart so that the APIC fabric slots in without rewiring
// the devices:
// - Device side: ISA IRQ n is a table entry listing the controller inputs it reaches (IsaIrqs).
//   Today each line has one receiver, 8259 input n; the IOAPIC adds itself as a second receiver
//   per line (with QEMU's pin mapping, IRQ 0 -> pin 2), and every source fans out to both.
// - CPU side: the 8259 pair's INT output goes to CPU 0's INTR pin and the pair answers the CPU's
//   interrupt acknowledge (wire_cpu_interrupt). With a LAPIC, that one function routes INT to the
//   LAPIC's LINT0 (ExtINT) and makes the LAPIC the acknowledger instead.
//
// Host keyboard and mouse input will reach the 8042 through an InputLog channel registered by
// the display window (I8042::host_input decodes its records); until a window exists, the 8042 is
// on the bus for guests that program it, with no host keys to deliver.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "bus/irq_line.h"
#include "bus/machine.h"
#include "bus/types.h"
#include "firmware/pc_memory_layout.h"
#include "frontend/machine_config.h"

namespace glasspc {

class Dma8237;
class I8042;
class Pic8259Pair;
class Pit8254;
class Port61;
class RtcCmos;

// ISA IRQ 0..15: each line merges its sources (COM1 and COM3 share IRQ 4) and reaches the
// interrupt-controller inputs listed for it. A source that does not drive its line leaves it to
// the others, as an ISA card whose driver is tri-stated (a UART with OUT2 clear) does, so the
// line is the OR of its sources rather than whichever changed last.
class IsaIrqs {
 public:
  static constexpr unsigned kCount = 16;

  struct Receiver {
    IrqSink* sink;
    unsigned pin;
  };

  explicit IsaIrqs(Trace& trace);

  // Adds a receiver to line `irq`; it gets the line's present level at once, so a controller
  // may join after the devices are connected.
  void add_receiver(unsigned irq, IrqSink& sink, unsigned pin);
  // Makes `source` one more driver of line `irq`. Both throw std::out_of_range above 15.
  void connect(IrqLine& source, unsigned irq);
  const std::vector<Receiver>& receivers(unsigned irq) const { return m_receivers.at(irq); }
  // The merged level of line `irq`, named "isa.irqN" in traces.
  IrqLine& line(unsigned irq) { return m_lines.at(irq)->output(); }

 private:
  std::vector<std::unique_ptr<IrqWireOr>> m_lines;
  std::array<std::vector<Receiver>, kCount> m_receivers;
  std::array<unsigned, kCount> m_sources{};  // drivers connected so far, numbering their inputs
};

// The standard ISA IRQ assignments of the PC/AT.
namespace isa_irq {
constexpr unsigned kTimer = 0;
constexpr unsigned kKeyboard = 1;
constexpr unsigned kRtc = 8;
constexpr unsigned kMouse = 12;
}  // namespace isa_irq

// The RTC's starting time in seconds since 1970-01-01 00:00:00 as the guest's clock shows it.
// Host time (for base=utc and base=localtime) passes through the InputLog as "rtc.base", so a
// replay starts the clock where the recording did.
i64 rtc_start_seconds(const RtcConfig& config, InputLog& input);

class PcPlatform {
 public:
  // Adds the chips to `machine` (which must already have its CPUs), claims their ports and wires
  // their interrupts; fills the CMOS bytes firmware reads from `layout` and the CPU count.
  PcPlatform(Machine& machine, const MachineConfig& config, const firmware::PcMemoryLayout& layout);
  ~PcPlatform();
  PcPlatform(const PcPlatform&) = delete;
  PcPlatform& operator=(const PcPlatform&) = delete;

  // Where other ISA devices (the UARTs) connect their interrupt outputs.
  IsaIrqs& isa_irqs() { return m_isa_irqs; }
  void connect_isa_irq(IrqLine& source, unsigned irq) { m_isa_irqs.connect(source, irq); }
  // While `line` is high the PIT no longer drives IRQ 0 and the RTC no longer drives IRQ 8
  // (the HPET's LegacyReplacement route owns both lines then).
  void connect_legacy_replacement(IrqLine& line);

  Pic8259Pair& pic() { return *m_pic; }
  Pit8254& pit() { return *m_pit; }
  Port61& port61() { return *m_port61; }
  RtcCmos& rtc() { return *m_rtc; }
  I8042& keyboard_controller() { return *m_i8042; }
  Dma8237& dma() { return *m_dma; }

 private:
  void add_interrupt_controllers();
  void wire_cpu_interrupt();
  void add_timers(const MachineConfig& config, const firmware::PcMemoryLayout& layout);
  void add_keyboard_controller();

  Machine& m_machine;
  IsaIrqs m_isa_irqs;
  // The glue between the 8259's INT output and CPU 0's INTR pin; lives as long as the wiring.
  std::unique_ptr<IrqCallback> m_cpu_intr;
  Pic8259Pair* m_pic = nullptr;
  Pit8254* m_pit = nullptr;
  Port61* m_port61 = nullptr;
  RtcCmos* m_rtc = nullptr;
  std::unique_ptr<IrqGate> m_pit_gate;  // PIT OUT0 -> IRQ 0, closed by LegacyReplacement
  std::unique_ptr<IrqGate> m_rtc_gate;  // RTC IRQ -> IRQ 8, likewise
  I8042* m_i8042 = nullptr;
  Dma8237* m_dma = nullptr;
};

}  // namespace glasspc

// A test bench for the interrupt fabric: a Machine (clock, scheduler, trace, memory, DMA), an
// ApicBus, N LAPICs driving recording fake CPUs, and an IOAPIC mapped at 0xFEC00000.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <vector>

#include "bus/archive.h"
#include "bus/cpu_core.h"
#include "bus/machine.h"
#include "bus/trace.h"
#include "chipset/apic_bus.h"
#include "chipset/ioapic.h"
#include "chipset/lapic.h"

namespace glasspc::apic_test {

// Records what the LAPIC does to its CPU's pins.
class FakeCpu : public CpuCore {
 public:
  explicit FakeCpu(u32 index) : m_index(index) {}
  u32 index() const override { return m_index; }
  CpuRunExit run(Picoseconds) override { return CpuRunExit::Halted; }
  void stop() override {}
  void reset() override {}
  void set_boot_state(const CpuBootState&) override {}
  void set_intr(bool level) override {
    if (level && !intr) ++intr_raises;
    intr = level;
  }
  void set_interrupt_acknowledger(InterruptAcknowledger* acknowledger) override {
    this->acknowledger = acknowledger;
  }
  void nmi() override { ++nmis; }
  void init() override { ++inits; }
  void sipi(u8 vector) override { sipis.push_back(vector); }
  void set_local_apic(LocalApicPort*) override {}
  bool halted() const override { return false; }
  void serialize(Archive&) override {}

  // The CPU takes an interrupt: INTA through whatever acknowledger is installed.
  u8 take() { return acknowledger->acknowledge(); }

  bool intr = false;
  int intr_raises = 0;
  int nmis = 0;
  int inits = 0;
  std::vector<u8> sipis;
  InterruptAcknowledger* acknowledger = nullptr;

 private:
  u32 m_index;
};

// Records EOI broadcasts.
class EoiProbe : public EoiListener {
 public:
  void end_of_interrupt(u8 vector) override { vectors.push_back(vector); }
  std::vector<u8> vectors;
};

constexpr u32 kSvrEnable = 0x100;
constexpr u32 kLvtMasked = 1u << 16;
constexpr u32 kIcrLogical = 1u << 11;
constexpr u32 kIcrAssert = 1u << 14;
constexpr u32 kIcrLevel = 1u << 15;
constexpr u32 kIcrFixed = 0u << 8;
constexpr u32 kIcrLowestPriority = 1u << 8;
constexpr u32 kIcrNmi = 4u << 8;
constexpr u32 kIcrInit = 5u << 8;
constexpr u32 kIcrStartUp = 6u << 8;
constexpr u32 kIcrSelf = 1u << 18;
constexpr u32 kIcrAllIncludingSelf = 2u << 18;
constexpr u32 kIcrAllExcludingSelf = 3u << 18;
constexpr u64 kApicBaseEnabled = LocalApic::kDefaultBase | LocalApic::kApicBaseEnable;
constexpr u64 kApicBaseX2apic = kApicBaseEnabled | LocalApic::kApicBaseExtd;

struct ApicRig {
  Machine machine;
  ApicBus bus{machine.trace()};
  std::vector<std::unique_ptr<FakeCpu>> cpus;
  std::vector<std::unique_ptr<LocalApic>> lapics;
  IoApic ioapic{"ioapic", bus, machine.trace()};

  explicit ApicRig(unsigned count = 1, u64 tsc_hz = 1'000'000'000) {
    for (u32 i = 0; i < count; ++i) {
      cpus.push_back(std::make_unique<FakeCpu>(i));
      LocalApicConfig config;
      config.index = i;
      config.apic_id = i;
      config.tsc_hz = tsc_hz;
      lapics.push_back(std::make_unique<LocalApic>(fmt::format("lapic{}", i), config, *cpus[i], bus,
                                                   machine.scheduler(), machine.trace()));
    }
    ioapic.attach(machine.memory());
    machine.set_interrupt_sink(&bus);
  }

  LocalApic& lapic(unsigned i = 0) { return *lapics[i]; }
  FakeCpu& cpu(unsigned i = 0) { return *cpus[i]; }

  u32 read(unsigned i, u32 reg) { return lapic(i).mmio_read(reg, 4); }
  void write(unsigned i, u32 reg, u32 value) { lapic(i).mmio_write(reg, value, 4); }
  // Software-enables LAPIC i with spurious vector `spurious`.
  void enable(unsigned i, u32 spurious = 0xFF) { write(i, LocalApic::kSvr, kSvrEnable | spurious); }
  void enable_all() {
    for (unsigned i = 0; i < lapics.size(); ++i) enable(i);
  }
  void send_ipi(unsigned from, u32 destination, u32 icr_low) {
    write(from, LocalApic::kIcrHigh, destination << 24);
    write(from, LocalApic::kIcrLow, icr_low);
  }
  // Delivers a fixed edge interrupt as an IOAPIC or MSI would.
  void fixed(unsigned to, u8 vector, ApicTriggerMode trigger = ApicTriggerMode::Edge) {
    InterruptMessage message;
    message.destination = to;
    message.vector = vector;
    message.trigger_mode = trigger;
    bus.deliver(message, "test");
  }
  void eoi(unsigned i) { write(i, LocalApic::kEoi, 0); }

  // IOAPIC through its MMIO window, as a guest reaches it.
  u32 ioapic_read(u8 index) {
    machine.memory().write(IoApic::kDefaultBase + IoApic::kIoRegSel, index, 4);
    return static_cast<u32>(machine.memory().read(IoApic::kDefaultBase + IoApic::kIoWin, 4));
  }
  void ioapic_write(u8 index, u32 value) {
    machine.memory().write(IoApic::kDefaultBase + IoApic::kIoRegSel, index, 4);
    machine.memory().write(IoApic::kDefaultBase + IoApic::kIoWin, value, 4);
  }
  void route(unsigned pin, u64 entry) {
    ioapic_write(static_cast<u8>(IoApic::kRedirectionTable + 2 * pin + 1),
                 static_cast<u32>(entry >> 32));
    ioapic_write(static_cast<u8>(IoApic::kRedirectionTable + 2 * pin), static_cast<u32>(entry));
  }

  // Moves virtual time to `time`, firing every event due on the way, as an idle machine does.
  void advance_to(Picoseconds time) {
    while (machine.scheduler().next_deadline() <= time) {
      machine.clock().skip_to(machine.scheduler().next_deadline());
      machine.scheduler().run_due();
    }
    machine.clock().skip_to(time);
  }
  void advance(Picoseconds delta) { advance_to(machine.clock().now() + delta); }
  Picoseconds now() { return machine.clock().now(); }
};

}  // namespace glasspc::apic_test

// The legacy platform's wiring, seen from the guest's ports and the CPU's pins: which chip answers
// where, that each interrupt source reaches its ISA IRQ and, through the 8259, CPU 0's INTR pin,
// that the 8042 drives A20 and reset, and where the RTC's starting time comes from.
#include "frontend/pc_platform.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <string>

#include "bus/archive.h"
#include "chipset/i8042.h"
#include "chipset/pic8259.h"
#include "chipset/pit8254.h"
#include "chipset/rtc_cmos.h"

using namespace glasspc;

namespace {

// A CPU that only shows its pins.
class PinProbeCpu : public CpuCore {
 public:
  explicit PinProbeCpu(u32 index) : m_index(index) {}
  u32 index() const override { return m_index; }
  CpuRunExit run(Picoseconds) override { return CpuRunExit::Halted; }
  void stop() override {}
  void reset() override { intr = false; }
  void set_boot_state(const CpuBootState&) override {}
  void set_intr(bool level) override { intr = level; }
  void set_interrupt_acknowledger(InterruptAcknowledger* value) override { acknowledger = value; }
  void nmi() override {}
  void init() override {}
  void sipi(u8) override {}
  void set_local_apic(LocalApicPort*) override {}
  bool halted() const override { return true; }
  void serialize(Archive&) override {}

  bool intr = false;
  InterruptAcknowledger* acknowledger = nullptr;

 private:
  u32 m_index;
};

struct Rig {
  explicit Rig(MachineConfig config = {}, MachineOptions options = {}) : machine(options) {
    config.rtc = RtcConfig{RtcConfig::Base::Fixed, 1150560081};  // 2006-06-17 16:01:21
    for (unsigned i = 0; i < config.cpus; ++i) {
      auto cpu = std::make_unique<PinProbeCpu>(i);
      cpus.push_back(cpu.get());
      machine.add_cpu(std::move(cpu));
    }
    platform =
        std::make_unique<PcPlatform>(machine, config, firmware::pc_memory_layout(config.ram_size));
  }
  void out(u16 port, u8 value) { machine.ports().write(port, value, 1); }
  u8 in(u16 port) { return static_cast<u8>(machine.ports().read(port, 1)); }
  // ICW1-ICW4 as a BIOS writes them: vectors 0x20/0x28, cascade on IR2, everything unmasked.
  void init_pics() {
    for (const u16 base : {u16{0x20}, u16{0xa0}}) {
      out(base, 0x11);
      out(base + 1, base == 0x20 ? 0x20 : 0x28);
      out(base + 1, base == 0x20 ? 0x04 : 0x02);
      out(base + 1, 0x01);
      out(base + 1, 0x00);
    }
  }
  void advance(Picoseconds delta) {
    machine.clock().skip_to(machine.clock().now() + delta);
    machine.scheduler().run_due();
  }

  Machine machine;
  std::vector<PinProbeCpu*> cpus;
  std::unique_ptr<PcPlatform> platform;
};

}  // namespace

TEST_CASE("the platform chips answer at their PC ports") {
  Rig rig;
  const PortSpace& ports = rig.machine.ports();
  for (const u16 port : {0x20, 0x21}) CHECK(ports.owner(port) == "pic.master");
  for (const u16 port : {0xa0, 0xa1}) CHECK(ports.owner(port) == "pic.slave");
  for (const u16 port : {0x4d0, 0x4d1}) CHECK(ports.owner(port) == "pic.elcr");
  for (const u16 port : {0x40, 0x43}) CHECK(ports.owner(port) == "pit");
  CHECK(ports.owner(0x61) == "port61");
  for (const u16 port : {0x70, 0x71}) CHECK(ports.owner(port) == "rtc");
  for (const u16 port : {0x60, 0x64}) CHECK(ports.owner(port) == "i8042");
  for (const u16 port : {0x00, 0x0f, 0xc0, 0xde, 0x81, 0x87, 0x8f})
    CHECK(ports.owner(port) == "dma");
  CHECK(ports.owner(0x80).empty());  // the POST port belongs to the PIIX3
  CHECK(ports.owner(0x62).empty());
}

TEST_CASE("ISA IRQ n reaches 8259 input n") {
  Rig rig;
  const IsaIrqs& irqs = rig.platform->isa_irqs();
  for (unsigned irq = 0; irq < IsaIrqs::kCount; ++irq) {
    REQUIRE(irqs.receivers(irq).size() == 1);
    CHECK(irqs.receivers(irq)[0].sink == &rig.platform->pic());
    CHECK(irqs.receivers(irq)[0].pin == irq);
  }
  CHECK_THROWS_AS(irqs.receivers(16), std::out_of_range);
  CHECK_THROWS_AS(rig.platform->isa_irqs().line(16), std::out_of_range);
}

TEST_CASE("an ISA line is the OR of its sources and reaches every receiver, early or late") {
  Rig rig;
  IsaIrqs table(rig.machine.trace());
  std::vector<std::pair<unsigned, bool>> seen;
  IrqCallback probe([&](unsigned pin, bool level) { seen.emplace_back(pin, level); });
  table.add_receiver(4, probe, 4);
  IrqLine com1("com1.irq", nullptr);
  IrqLine com3("com3.irq", nullptr);
  table.connect(com1, 4);
  table.connect(com3, 4);
  com1.raise();
  com3.raise();
  com3.lower();  // COM1 still drives the line
  CHECK(table.line(4).level());
  // The receiver got the line's level when it was added, then one rising edge.
  CHECK(seen == std::vector<std::pair<unsigned, bool>>{{4, false}, {4, true}});
  // A controller added now (as the IOAPIC will be, on its own pin numbers) sees the line high.
  std::vector<std::pair<unsigned, bool>> late;
  IrqCallback late_probe([&](unsigned pin, bool level) { late.emplace_back(pin, level); });
  table.add_receiver(4, late_probe, 20);
  CHECK(late == std::vector<std::pair<unsigned, bool>>{{20, true}});
  com1.lower();
  CHECK_FALSE(table.line(4).level());
  CHECK(seen.back() == std::pair<unsigned, bool>{4, false});
  CHECK(late.back() == std::pair<unsigned, bool>{20, false});
  REQUIRE(table.receivers(4).size() == 2);
  CHECK(table.receivers(3).empty());
  CHECK_THROWS_AS(table.connect(com1, 16), std::out_of_range);
  CHECK_THROWS_AS(table.add_receiver(16, probe, 0), std::out_of_range);
}

TEST_CASE("a PIT interrupt reaches CPU 0's INTR through the 8259, which supplies the vector") {
  MachineConfig config;
  config.cpus = 2;
  Rig rig(config);
  PinProbeCpu& bsp = *rig.cpus[0];
  REQUIRE(bsp.acknowledger == &rig.platform->pic());
  CHECK(rig.cpus[1]->acknowledger == nullptr);  // APs never see the 8259 (PIC mode)
  rig.init_pics();
  rig.out(0x43, 0x34);  // counter 0, mode 2, count 1193: 1 kHz
  rig.out(0x40, 1193 & 0xff);
  rig.out(0x40, 1193 >> 8);
  rig.advance(2 * kPsPerMs);
  CHECK(bsp.intr);
  CHECK_FALSE(rig.cpus[1]->intr);
  CHECK(bsp.acknowledger->acknowledge() == 0x20);
  CHECK_FALSE(bsp.intr);  // in service: nothing of equal priority is presented
  rig.out(0x20, 0x20);    // EOI
  rig.out(0x21, 0x01);    // masked: the next ticks do not interrupt
  rig.advance(2 * kPsPerMs);
  CHECK_FALSE(bsp.intr);
  rig.out(0x21, 0x00);
  CHECK(bsp.intr);
}

TEST_CASE("the RTC interrupts on IRQ 8 through the slave, the 8042 on IRQ 1 and IRQ 12") {
  Rig rig;
  rig.init_pics();
  Pic8259Pair& pic = rig.platform->pic();
  rig.out(0x70, 0x0b);
  rig.out(0x71, 0x42);  // PIE, 24-hour BCD
  rig.advance(2 * kPsPerMs);
  CHECK((pic.irr() & (1u << 8)) != 0);
  CHECK(rig.cpus[0]->intr);
  CHECK(pic.acknowledge() == 0x28);

  rig.out(0x64, 0xaa);  // self test: the reply raises IRQ 1 (command byte bit 0 is set)
  CHECK((pic.irr() & (1u << 1)) != 0);
  CHECK(rig.in(0x60) == 0x55);
  rig.out(0x64, 0xd3);  // a byte as if from the mouse: IRQ 12
  rig.out(0x60, 0x42);
  CHECK((pic.irr() & (1u << 12)) != 0);
}

TEST_CASE("the 8042 closes and opens A20 and resets the machine; a reset opens A20") {
  MachineOptions options;
  options.no_reboot = true;
  Rig rig({}, options);
  MemoryMap& memory = rig.machine.memory();
  rig.out(0x64, 0xd1);
  rig.out(0x60, 0xdd);
  CHECK_FALSE(memory.a20_enabled());
  rig.out(0x64, 0xd1);
  rig.out(0x60, 0xdf);
  CHECK(memory.a20_enabled());
  rig.out(0x64, 0xdd);
  CHECK_FALSE(memory.a20_enabled());
  rig.machine.reset();
  CHECK(memory.a20_enabled());

  rig.out(0x64, 0xfe);  // pulse the reset line
  FastPacer pacer;
  CHECK(rig.machine.run(pacer).reason == MachineExit::Reason::Reset);
}

TEST_CASE("the CMOS holds QEMU's memory, CPU and equipment bytes") {
  MachineConfig config;
  config.ram_size = u64{6} << 30;  // 3 GiB below 4 GiB, 3 GiB above
  config.cpus = 4;
  Rig rig(config);
  RtcCmos& rtc = rig.platform->rtc();
  CHECK(rtc.peek_cmos(0x15) == 0x80);  // 640 KiB
  CHECK(rtc.peek_cmos(0x16) == 0x02);
  CHECK(rtc.peek_cmos(0x17) == 0xff);
  CHECK(rtc.peek_cmos(0x34) == 0x00);  // (3 GiB - 16 MiB) / 64 KiB = 0xBF00
  CHECK(rtc.peek_cmos(0x35) == 0xbf);
  CHECK(rtc.peek_cmos(0x5b) == 0x00);  // 3 GiB / 64 KiB = 0xC000
  CHECK(rtc.peek_cmos(0x5c) == 0xc0);
  CHECK(rtc.peek_cmos(0x5d) == 0x00);
  CHECK(rtc.peek_cmos(0x5f) == 3);
  CHECK(rtc.peek_cmos(0x14) == 0x06);
  CHECK(rtc.peek_cmos(0x3d) == 0x12);
  CHECK(rtc.peek_cmos(0x38) == 0x30);
  const rtc::DateTime now = rtc.date_time();
  CHECK(now.year == 2006);
  CHECK(now.month == 6);
  CHECK(now.day == 17);
  CHECK(now.hour == 16);
  CHECK(now.minute == 1);
}

TEST_CASE("the RTC starts at a fixed date, or at host time recorded in the input log") {
  Clock clock;
  Scheduler scheduler(clock);
  InputLog log(scheduler);
  CHECK(rtc_start_seconds({RtcConfig::Base::Fixed, 42}, log) == 42);

  log.start_recording();
  const i64 before = static_cast<i64>(std::time(nullptr));
  const i64 utc = rtc_start_seconds({RtcConfig::Base::Utc, 0}, log);
  CHECK(utc >= before);
  CHECK(utc <= static_cast<i64>(std::time(nullptr)));
  // A zone three hours east of UTC: local time is UTC + 3 h.
  const char* saved = std::getenv("TZ");
  const std::string saved_tz = saved ? saved : "";
  setenv("TZ", "XYZ-3", 1);
  tzset();
  const i64 local = rtc_start_seconds({RtcConfig::Base::LocalTime, 0}, log);
  if (saved) {
    setenv("TZ", saved_tz.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
  CHECK(local - utc >= 3 * 3600);
  CHECK(local - utc <= 3 * 3600 + 1);

  // A replay sees the recorded values, whatever the host clock says now.
  Clock replay_clock;
  Scheduler replay_scheduler(replay_clock);
  InputLog replay(replay_scheduler);
  replay.start_replay(log.recording());
  CHECK(rtc_start_seconds({RtcConfig::Base::Utc, 0}, replay) == utc);
  CHECK(rtc_start_seconds({RtcConfig::Base::LocalTime, 0}, replay) == local);
  // A fixed date is configuration, not host input: the log is not asked.
  CHECK(rtc_start_seconds({RtcConfig::Base::Fixed, 7}, replay) == 7);
}

#include "bus/machine.h"

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bus/archive.h"

using namespace glasspc;

namespace {

using Log = std::vector<std::string>;

class TestDevice : public Device {
 public:
  TestDevice(std::string name, Log* log = nullptr) : Device(std::move(name)), m_log(log) {}
  void reset() override {
    counter = 0;
    if (m_log) m_log->push_back("reset " + name());
  }
  void serialize(Archive& archive) override {
    archive.field("counter", counter);
    archive.field("note", note);
  }
  u32 counter = 0;
  std::string note;

 private:
  Log* m_log;
};

// A CPU that retires one instruction per 10 ps of virtual time, as far as the deadline allows.
// It can be told to halt, or to triple-fault after a number of instructions.
class FakeCpu : public CpuCore {
 public:
  static constexpr Picoseconds kPsPerInstruction = 10;

  FakeCpu(Machine& machine, u32 index, Log* log = nullptr)
      : m_machine(machine), m_index(index), m_log(log) {}

  u32 index() const override { return m_index; }
  CpuRunExit run(Picoseconds deadline) override {
    Clock& clock = m_machine.clock();
    runs.push_back({clock.now(), deadline});
    if (halt) return CpuRunExit::Halted;
    // Like the real CPU, stop early at a timer armed while running (a device's side effect).
    while (clock.now() < std::min(deadline, m_machine.scheduler().next_deadline())) {
      if (m_stop) {
        m_stop = false;
        return CpuRunExit::Stopped;
      }
      clock.advance(kPsPerInstruction, 1);
      ++executed;
      if (executed == shutdown_after) return CpuRunExit::Shutdown;
      if (executed == exit_after) m_machine.request_exit(4, "exit port");
      if (on_instruction) on_instruction(executed);
    }
    return CpuRunExit::Deadline;
  }
  void stop() override { m_stop = true; }
  std::function<void(u64 executed)> on_instruction;
  void reset() override {
    ++resets;
    if (m_log) m_log->push_back("reset cpu" + std::to_string(m_index));
  }
  void set_boot_state(const CpuBootState&) override {}
  void set_intr(bool) override {}
  void set_interrupt_acknowledger(InterruptAcknowledger*) override {}
  void nmi() override {}
  void init() override {}
  void sipi(u8) override {}
  void set_local_apic(LocalApicPort*) override {}
  bool halted() const override { return halt; }
  void serialize(Archive& archive) override { archive.field("executed", executed); }

  struct Run {
    Picoseconds start, deadline;
  };
  std::vector<Run> runs;
  u64 executed = 0;
  u64 shutdown_after = 0;  // 0: never
  u64 exit_after = 0;      // 0: never
  bool halt = false;
  int resets = 0;

 private:
  Machine& m_machine;
  u32 m_index;
  Log* m_log;
  bool m_stop = false;
};

FakeCpu& add_fake_cpu(Machine& machine, Log* log = nullptr) {
  auto cpu = std::make_unique<FakeCpu>(machine, static_cast<u32>(machine.cpu_count()), log);
  FakeCpu& ref = *cpu;
  machine.add_cpu(std::move(cpu));
  return ref;
}

// Ends the run with `status` at virtual time `at`.
void exit_at(Machine& machine, Picoseconds at, int status = 0) {
  const TimerId t = machine.scheduler().create_timer(
      "test.exit", [&machine, status] { machine.request_exit(status, "test done"); });
  machine.scheduler().arm_at(t, at);
}

class RecordingPacer : public RunPacer {
 public:
  void between_slices(Picoseconds) override { ++slices; }
  bool idle_until(Picoseconds now, Picoseconds deadline) override {
    idles.push_back({now, deadline});
    return deadline != kNever && allow_skip;
  }
  int slices = 0;
  bool allow_skip = true;  // false: host input keeps arriving
  std::vector<std::pair<Picoseconds, Picoseconds>> idles;
};

}  // namespace

TEST_CASE("machine: two machines in one process are independent") {
  Machine a, b;
  a.memory().allocate_ram(4096);
  b.memory().allocate_ram(8192);
  a.memory().ram()[0] = 0x11;
  b.memory().ram()[0] = 0x22;
  a.add_device<TestDevice>("dev");
  b.add_device<TestDevice>("dev");  // same name, different machine: fine
  exit_at(a, 5 * kPsPerMs, 1);
  exit_at(b, 2 * kPsPerMs, 2);
  FastPacer pacer;
  const MachineExit exit_a = a.run(pacer);
  CHECK(exit_a.status == 1);
  CHECK(a.clock().now() == 5 * kPsPerMs);
  CHECK(b.clock().now() == 0);
  CHECK(b.scheduler().next_deadline() == 2 * kPsPerMs);
  CHECK(b.run(pacer).status == 2);
  CHECK(a.memory().ram()[0] == 0x11);
  CHECK(b.memory().ram()[0] == 0x22);
  CHECK(&a.dma(RequesterId::of(0, 3, 0)) != &b.dma(RequesterId::of(0, 3, 0)));
}

TEST_CASE("machine: duplicate device names are a board bug") {
  Machine m;
  m.add_device<TestDevice>("com1");
  CHECK_THROWS_AS(m.add_device<TestDevice>("com1"), std::logic_error);
  CHECK(m.devices().size() == 1);
  CHECK(m.find_device("com1") != nullptr);
  CHECK(m.find_device("com2") == nullptr);
}

TEST_CASE("machine: reset resets devices in order, then CPUs, then runs hooks") {
  Log log;
  Machine m;
  m.add_device<TestDevice>("pic", &log);
  m.add_device<TestDevice>("pit", &log).counter = 5;
  add_fake_cpu(m, &log);
  add_fake_cpu(m, &log);
  m.add_reset_hook([&] { log.push_back("hook"); });
  m.reset();
  CHECK(log == Log{"reset pic", "reset pit", "reset cpu0", "reset cpu1", "hook"});
  CHECK(static_cast<TestDevice*>(m.find_device("pit"))->counter == 0);
}

TEST_CASE("machine: dma spaces are created once per requester and follow the IOMMU") {
  class NullTranslator : public DmaTranslator {
   public:
    DmaTranslation translate(RequesterId, u64, u64, DmaAccess) override { return {}; }
    bool remap_interrupt(RequesterId, MsiMessage&) override { return false; }
  };
  Machine m;
  m.memory().allocate_ram(4096);
  m.memory().add_ram("ram", 0, 4096, 0);
  DmaSpace& nic = m.dma(RequesterId::of(0, 3, 0));
  CHECK(&m.dma(RequesterId::of(0, 3, 0)) == &nic);
  CHECK(nic.requester() == RequesterId::of(0, 3, 0));
  u32 value = 0;
  CHECK(nic.read_u32(0, value) == DmaStatus::Ok);
  NullTranslator iommu;
  m.set_dma_translator(&iommu);
  DmaSpace& disk = m.dma(RequesterId::of(0, 4, 0));  // created after the IOMMU was attached
  CHECK(&disk != &nic);
  CHECK(nic.read_u32(0, value) == DmaStatus::IommuFault);
  CHECK(disk.read_u32(0, value) == DmaStatus::IommuFault);
  m.set_dma_translator(nullptr);
  CHECK(nic.read_u32(0, value) == DmaStatus::Ok);
}

TEST_CASE("machine: run without CPUs fires timers and exits when a timer asks") {
  Machine m;
  std::vector<Picoseconds> fired;
  TimerId tick = 0;
  tick = m.scheduler().create_timer("test.tick", [&] {
    fired.push_back(m.clock().now());
    m.scheduler().arm_after(tick, 3 * kPsPerMs);
  });
  m.scheduler().arm_at(tick, 1 * kPsPerMs);
  exit_at(m, 10 * kPsPerMs, 7);
  RecordingPacer pacer;
  const MachineExit exit = m.run(pacer);
  CHECK(exit.reason == MachineExit::Reason::GuestExit);
  CHECK(exit.status == 7);
  CHECK(exit.message == "test done");
  // At 10 ms both timers are due: the exit timer was armed first, but every due timer fires.
  CHECK(fired == std::vector<Picoseconds>{1 * kPsPerMs, 4 * kPsPerMs, 7 * kPsPerMs, 10 * kPsPerMs});
  CHECK(m.clock().now() == 10 * kPsPerMs);
  CHECK(m.clock().instructions() == 0);
  // With no CPU, virtual time jumps from timer to timer.
  CHECK(pacer.idles.front() == std::pair<Picoseconds, Picoseconds>{0, 1 * kPsPerMs});
  CHECK(pacer.slices >= 4);
}

TEST_CASE("machine: a pacer that refuses to skip keeps time where it is") {
  Machine m;
  exit_at(m, 1 * kPsPerMs);
  int polls = 0;
  // A frontend whose host input keeps arriving, and whose user quits after a few polls.
  class CountingPacer : public RunPacer {
   public:
    CountingPacer(Machine& m, int& polls) : m_machine(m), m_polls(polls) {}
    void between_slices(Picoseconds) override {
      if (++m_polls == 5) m_machine.request_exit(9, "host quit");
    }
    bool idle_until(Picoseconds, Picoseconds) override { return false; }

   private:
    Machine& m_machine;
    int& m_polls;
  } counting(m, polls);
  const MachineExit exit = m.run(counting);
  CHECK(exit.status == 9);
  CHECK(polls == 5);
  CHECK(m.clock().now() == 0);
}

TEST_CASE("machine: CPUs take quantum turns on the shared clock") {
  Machine m(MachineOptions{.slice = 1 * kPsPerMs, .smp_quantum = 250 * kPsPerUs});
  FakeCpu& cpu0 = add_fake_cpu(m);
  FakeCpu& cpu1 = add_fake_cpu(m);
  exit_at(m, 3500 * kPsPerUs);
  FastPacer pacer;
  m.run(pacer);
  // Turns of one quantum alternate, and each round starts with the other CPU, so neither
  // starves and both get the same share of the 3.5 ms.
  REQUIRE(cpu0.runs.size() >= 4);
  REQUIRE(cpu1.runs.size() >= 4);
  CHECK(cpu0.runs[0].start == 0);
  CHECK(cpu0.runs[0].deadline == 250 * kPsPerUs);
  CHECK(cpu1.runs[0].start == 250 * kPsPerUs);
  CHECK(cpu1.runs[1].start == 500 * kPsPerUs);  // second round: cpu1 first
  CHECK(cpu0.runs[1].start == 750 * kPsPerUs);
  for (const auto& run : cpu0.runs) CHECK(run.deadline - run.start <= 250 * kPsPerUs);
  for (const auto& run : cpu1.runs) CHECK(run.deadline - run.start <= 250 * kPsPerUs);
  CHECK(cpu0.executed == cpu1.executed);
  CHECK(cpu0.executed + cpu1.executed == 3500 * kPsPerUs / FakeCpu::kPsPerInstruction);
  CHECK(m.clock().instructions() == cpu0.executed + cpu1.executed);
  CHECK(m.clock().now() == 3500 * kPsPerUs);
}

TEST_CASE("machine: a timer armed by a running CPU fires before the CPUs run on") {
  Machine m(MachineOptions{.slice = 1 * kPsPerMs, .smp_quantum = 250 * kPsPerUs});
  FakeCpu& cpu0 = add_fake_cpu(m);
  add_fake_cpu(m);
  std::vector<Picoseconds> fired;
  const TimerId device =
      m.scheduler().create_timer("dev.tx", [&] { fired.push_back(m.clock().now()); });
  // After 10 instructions cpu0 "writes a device register" that arms a timer 1 us ahead.
  cpu0.on_instruction = [&](u64 executed) {
    if (executed == 10) m.scheduler().arm_after(device, 1 * kPsPerUs);
  };
  exit_at(m, 2 * kPsPerMs, 7);
  FastPacer pacer;
  const MachineExit exit = m.run(pacer);
  CHECK(exit.status == 7);
  REQUIRE(fired.size() == 1);
  CHECK(fired[0] == 100 + 1 * kPsPerUs);
}

TEST_CASE("machine: a lone CPU runs straight to the slice deadline") {
  Machine m(MachineOptions{.slice = 1 * kPsPerMs, .smp_quantum = 250 * kPsPerUs});
  FakeCpu& cpu = add_fake_cpu(m);
  exit_at(m, 2 * kPsPerMs);
  FastPacer pacer;
  m.run(pacer);
  REQUIRE(cpu.runs.size() == 2);
  CHECK(cpu.runs[0].deadline == 1 * kPsPerMs);
  CHECK(cpu.runs[1].deadline == 2 * kPsPerMs);
}

TEST_CASE("machine: halted CPUs let virtual time jump to the next timer") {
  Machine m;
  FakeCpu& cpu = add_fake_cpu(m);
  cpu.halt = true;
  exit_at(m, 50 * kPsPerMs);
  RecordingPacer pacer;
  m.run(pacer);
  CHECK(m.clock().now() == 50 * kPsPerMs);
  CHECK(m.clock().instructions() == 0);
  REQUIRE(pacer.idles.size() == 1);
  CHECK(pacer.idles[0] == std::pair<Picoseconds, Picoseconds>{0, 50 * kPsPerMs});
}

TEST_CASE("machine: a triple fault resets the machine") {
  Log log;
  Machine m;
  m.add_device<TestDevice>("dev", &log);
  FakeCpu& cpu = add_fake_cpu(m, &log);
  cpu.shutdown_after = 1000;
  exit_at(m, 2 * kPsPerMs);
  FastPacer pacer;
  const MachineExit exit = m.run(pacer);
  CHECK(exit.reason == MachineExit::Reason::GuestExit);
  CHECK(log == Log{"reset dev", "reset cpu0"});
  CHECK(cpu.resets == 1);
  // The run went on after the reset: time keeps running.
  CHECK(m.clock().now() == 2 * kPsPerMs);
}

TEST_CASE("machine: with no_reboot a triple fault ends the run") {
  Machine m(MachineOptions{.no_reboot = true});
  FakeCpu& cpu = add_fake_cpu(m);
  cpu.shutdown_after = 1000;
  exit_at(m, 2 * kPsPerMs);
  FastPacer pacer;
  const MachineExit exit = m.run(pacer);
  CHECK(exit.reason == MachineExit::Reason::Shutdown);
  CHECK_THAT(exit.message, Catch::Contains("triple fault"));
  CHECK(cpu.resets == 0);
  CHECK(m.clock().instructions() == 1000);
}

TEST_CASE("machine: reset requests reset or, with no_reboot, end the run") {
  for (bool no_reboot : {false, true}) {
    Log log;
    Machine m(MachineOptions{.no_reboot = no_reboot});
    m.add_device<TestDevice>("dev", &log);
    add_fake_cpu(m);
    const TimerId t = m.scheduler().create_timer("test.reset", [&] { m.request_reset("cf9"); });
    m.scheduler().arm_at(t, 100 * kPsPerUs);
    exit_at(m, 1 * kPsPerMs);
    FastPacer pacer;
    const MachineExit exit = m.run(pacer);
    if (no_reboot) {
      CHECK(exit.reason == MachineExit::Reason::Reset);
      CHECK(exit.message == "cf9");
      CHECK(log.empty());
    } else {
      CHECK(exit.reason == MachineExit::Reason::GuestExit);
      CHECK(log == Log{"reset dev"});
    }
  }
}

TEST_CASE("machine: a timer's exit request ends the run at the timer's time") {
  Machine m;
  FakeCpu& cpu = add_fake_cpu(m);
  const TimerId t = m.scheduler().create_timer("test.exit", [&] { m.request_exit(3, "acpi"); });
  m.scheduler().arm_at(t, 10);
  FastPacer pacer;
  CHECK(m.run(pacer).status == 3);
  CHECK(m.clock().now() == 10);
  CHECK(cpu.executed == 1);
}

TEST_CASE("machine: an exit requested by the running CPU stops it at once") {
  Machine m;
  FakeCpu& cpu0 = add_fake_cpu(m);
  FakeCpu& cpu1 = add_fake_cpu(m);
  cpu0.exit_after = 25;  // an OUT to the debug-exit port, executed by cpu0
  FastPacer pacer;
  const MachineExit exit = m.run(pacer);
  CHECK(exit.status == 4);
  CHECK(exit.message == "exit port");
  CHECK(cpu0.executed == 25);
  CHECK(cpu1.runs.empty());  // the turn ended with cpu0
  CHECK(m.clock().now() == 25 * FakeCpu::kPsPerInstruction);
}

TEST_CASE("machine: snapshot round trip restores RAM, devices, CPUs, clock and timers") {
  Machine m;
  m.memory().allocate_ram(64 * 1024);
  for (u64 i = 0; i < 64 * 1024; i += 97) m.memory().ram()[i] = static_cast<u8>(i);
  TestDevice& dev = m.add_device<TestDevice>("dev");
  dev.counter = 1234;
  dev.note = "busy";
  FakeCpu& cpu = add_fake_cpu(m);
  cpu.executed = 555;
  int fired = 0;
  const TimerId t = m.scheduler().create_timer("dev.timer", [&] { ++fired; });
  m.clock().advance(5000, 500);
  m.scheduler().arm_at(t, 9000);
  const std::vector<u8> snapshot = m.save_snapshot();

  // Change everything, then go back.
  m.memory().ram()[0] = 0xff;
  m.memory().ram()[97] = 0;
  dev.counter = 1;
  dev.note.clear();
  cpu.executed = 0;
  m.scheduler().cancel(t);
  m.clock().advance(1, 1);
  m.load_snapshot(snapshot);
  CHECK(m.memory().ram()[0] == 0);
  CHECK(m.memory().ram()[97] == 97);
  CHECK(dev.counter == 1234);
  CHECK(dev.note == "busy");
  CHECK(cpu.executed == 555);
  CHECK(m.clock().now() == 5000);
  CHECK(m.clock().instructions() == 500);
  CHECK(m.scheduler().deadline(t) == 9000);
  CHECK(m.save_snapshot() == snapshot);

  // Another machine of the same configuration continues exactly where the first one was.
  Machine other;
  other.memory().allocate_ram(64 * 1024);
  TestDevice& other_dev = other.add_device<TestDevice>("dev");
  add_fake_cpu(other);
  other.scheduler().create_timer("dev.timer", [] {});
  other.load_snapshot(snapshot);
  CHECK(other_dev.counter == 1234);
  CHECK(std::equal(other.memory().ram(), other.memory().ram() + 64 * 1024, m.memory().ram()));
  CHECK(other.save_snapshot() == snapshot);
}

TEST_CASE("machine: loading a snapshot of a different machine names what differs") {
  Machine m;
  m.memory().allocate_ram(64 * 1024);
  m.add_device<TestDevice>("dev");
  const std::vector<u8> snapshot = m.save_snapshot();

  Machine bigger;
  bigger.memory().allocate_ram(128 * 1024);
  bigger.add_device<TestDevice>("dev");
  CHECK_THROWS_WITH(bigger.load_snapshot(snapshot), Catch::Contains("machine.ram"));

  Machine extra;
  extra.memory().allocate_ram(64 * 1024);
  extra.add_device<TestDevice>("dev");
  extra.add_device<TestDevice>("com1");
  CHECK_THROWS_WITH(extra.load_snapshot(snapshot), Catch::Contains("'machine.com1' is missing"));

  Machine fewer;
  fewer.memory().allocate_ram(64 * 1024);
  CHECK_THROWS_WITH(fewer.load_snapshot(snapshot), Catch::Contains("unknown field 'machine.dev'"));

  Machine m2;
  CHECK_THROWS_AS(m2.load_snapshot({0, 1, 2}), ArchiveError);
}

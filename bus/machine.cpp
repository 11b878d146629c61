#include "bus/machine.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "bus/archive.h"

namespace glasspc {

namespace {

constexpr u32 kSnapshotVersion = 1;

Picoseconds saturating_add(Picoseconds a, Picoseconds b) {
  return a > kNever - b ? kNever : a + b;
}

}  // namespace

// Members are constructed in declaration order: the clock first, since everything reads it.
Machine::Machine(MachineOptions options)
    : m_options(options),
      m_scheduler(m_clock),
      m_trace(m_clock),
      m_memory(m_trace),
      m_ports(m_trace),
      m_input(m_scheduler) {
  m_input.set_trace(&m_trace);
}

// CPUs go first (they point at devices), then devices, then the backplane they were plugged into.
Machine::~Machine() {
  m_cpus.clear();
  m_devices.clear();
}

DmaSpace& Machine::dma(RequesterId requester) {
  auto it = m_dma_spaces.find(requester);
  if (it == m_dma_spaces.end()) {
    auto space = std::make_unique<DmaSpace>(requester, m_memory, m_trace);
    space->set_translator(m_translator);
    space->set_interrupt_sink(m_interrupt_sink);
    it = m_dma_spaces.emplace(requester, std::move(space)).first;
  }
  return *it->second;
}

void Machine::set_dma_translator(DmaTranslator* translator) {
  m_translator = translator;
  for (auto& [requester, space] : m_dma_spaces) space->set_translator(translator);
}

void Machine::set_interrupt_sink(InterruptMessageSink* sink) {
  m_interrupt_sink = sink;
  for (auto& [requester, space] : m_dma_spaces) space->set_interrupt_sink(sink);
}

void Machine::adopt_device(std::unique_ptr<Device> device) {
  if (!device) throw std::logic_error("adopt_device: null device");
  if (find_device(device->name()))
    throw std::logic_error(fmt::format("two devices are named '{}'", device->name()));
  m_devices.push_back(std::move(device));
}

Device* Machine::find_device(std::string_view name) const {
  for (const auto& device : m_devices)
    if (device->name() == name) return device.get();
  return nullptr;
}

void Machine::add_cpu(std::unique_ptr<CpuCore> cpu) {
  if (!cpu) throw std::logic_error("add_cpu: null CPU");
  m_cpus.push_back(std::move(cpu));
}

void Machine::reset() {
  if (m_trace.on(TraceCategory::Cpu))
    m_trace.emit(TraceCategory::Cpu, "machine", "reset", {}, m_reset_reason);
  for (auto& device : m_devices) device->reset();
  for (auto& cpu : m_cpus) cpu->reset();
  for (auto& hook : m_reset_hooks) hook();
}

void Machine::stop_cpus() {
  for (auto& cpu : m_cpus) cpu->stop();
}

void Machine::request_exit(int status, std::string reason) {
  // The first request wins: a guest that powers off while reporting a status keeps the status.
  if (!m_exit_requested) {
    m_exit = MachineExit{MachineExit::Reason::GuestExit, status, std::move(reason)};
    m_exit_requested = true;
  }
  stop_cpus();
}

void Machine::request_reset(std::string reason) {
  m_reset_requested = true;
  m_reset_reason = std::move(reason);
  stop_cpus();
}

// The main loop. vCPUs take turns on one host thread: each turn, every CPU runs up to the same
// deadline, starting with a different CPU each turn, and all of them advance the one shared
// clock (as QEMU's round-robin icount mode does). So an SMP run is a fixed interleaving, decided
// only by instruction counts and timer deadlines.
MachineExit Machine::run(RunPacer& pacer) {
  for (;;) {
    if (m_exit_requested) {
      m_exit_requested = false;
      return m_exit;
    }
    if (m_reset_requested) {
      m_reset_requested = false;
      if (m_options.no_reboot) return MachineExit{MachineExit::Reason::Reset, 0, m_reset_reason};
      reset();
      m_reset_reason.clear();
      continue;
    }

    const Picoseconds deadline =
        std::min(m_scheduler.next_deadline(), saturating_add(m_clock.now(), m_options.slice));
    // vCPUs take turns of at most one quantum of the shared clock, round after round, until the
    // deadline: each turn advances the clock, so one vCPU running to the deadline would starve
    // the others. A lone vCPU runs straight to the deadline.
    const std::size_t count = m_cpus.size();
    const Picoseconds quantum = count > 1 ? m_options.smp_quantum : kNever;
    bool all_halted = true;
    do {
      all_halted = true;
      for (std::size_t turn = 0; turn < count; ++turn) {
        const std::size_t index = (m_next_cpu + turn) % count;
        const Picoseconds turn_end = std::min(deadline, saturating_add(m_clock.now(), quantum));
        const CpuRunExit exit = m_cpus[index]->run(turn_end);
        if (exit == CpuRunExit::Shutdown) {
          const std::string reason = fmt::format("triple fault on cpu {}", index);
          if (m_options.no_reboot) return MachineExit{MachineExit::Reason::Shutdown, 0, reason};
          request_reset(reason);
        }
        if (exit != CpuRunExit::Halted) all_halted = false;
        if (m_exit_requested || m_reset_requested) break;
      }
      if (count > 0) m_next_cpu = (m_next_cpu + 1) % count;
      // A device may have armed a nearer timer meanwhile (a UART starting to transmit); the
      // vCPUs stop at it, and it must fire before anyone runs again.
    } while (!all_halted && !m_exit_requested && !m_reset_requested &&
             m_clock.now() < std::min(deadline, m_scheduler.next_deadline()));
    if (m_exit_requested || m_reset_requested) continue;

    // Nothing runs until the next timer: let the pacer decide whether to jump there (or to wait
    // for host input, which the next between_slices() delivers).
    const Picoseconds next = m_scheduler.next_deadline();
    if (all_halted && m_clock.now() < next) {
      if (pacer.idle_until(m_clock.now(), next) && next != kNever) m_clock.skip_to(next);
    }
    m_scheduler.run_due();
    pacer.between_slices(m_clock.now());
  }
}

// Layout: section "machine" { next_cpu, a20, section "clock", section "scheduler", ram (blob),
// section per device (by name), section "cpuN" per CPU }. One function describes it for both
// directions, so save and load cannot drift apart.
void Machine::serialize_state(Archive& archive) {
  std::size_t next_cpu = m_next_cpu;
  archive.field("next_cpu", next_cpu);
  if (next_cpu >= std::max<std::size_t>(m_cpus.size(), 1))
    throw ArchiveError(fmt::format("snapshot field 'machine.next_cpu' is {} with {} CPUs", next_cpu,
                                   m_cpus.size()));
  bool a20 = m_memory.a20_enabled();
  archive.field("a20", a20);
  {
    ArchiveSection clock(archive, "clock", 1);
    m_clock.serialize(archive);
  }
  m_scheduler.serialize(archive);
  archive.blob("ram", m_memory.ram(), m_memory.ram_size());
  for (auto& device : m_devices) {
    ArchiveSection section(archive, device->name(), 1);
    device->serialize(archive);
  }
  for (std::size_t i = 0; i < m_cpus.size(); ++i) {
    ArchiveSection section(archive, fmt::format("cpu{}", i), 1);
    m_cpus[i]->serialize(archive);
  }
  m_next_cpu = next_cpu;
  m_memory.set_a20(a20);
}

std::vector<u8> Machine::save_snapshot() {
  Archive archive = Archive::for_saving();
  {
    ArchiveSection machine(archive, "machine", kSnapshotVersion);
    serialize_state(archive);
  }
  return archive.finish();
}

void Machine::load_snapshot(std::vector<u8> bytes) {
  Archive archive = Archive::for_loading(std::move(bytes));
  ArchiveSection machine(archive, "machine", kSnapshotVersion);
  if (machine.version() != kSnapshotVersion)
    throw ArchiveError(fmt::format("snapshot version {} is not supported", machine.version()));
  serialize_state(archive);
}

}  // namespace glasspc

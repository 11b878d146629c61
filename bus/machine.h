// The Machine owns everything: clock, scheduler, trace, the address spaces, the devices and the
// CPUs. There are no globals, so two machines can live in one process. The frontend assembles a
// machine (devices, wiring, firmware) and calls run().
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bus/clock.h"
#include "bus/cpu_core.h"
#include "bus/device.h"
#include "bus/dma_space.h"
#include "bus/input_log.h"
#include "bus/memory_map.h"
#include "bus/port_space.h"
#include "bus/scheduler.h"
#include "bus/system_control.h"
#include "bus/trace.h"

namespace glasspc {

class Archive;

// How virtual time relates to host time; implemented by the frontend (host time lives only
// there). Guest-visible state never depends on which pacer runs.
class RunPacer {
 public:
  virtual ~RunPacer() = default;
  // Between CPU slices. Realtime pacing sleeps while virtual time is ahead of the host clock;
  // the frontend also polls host input here.
  virtual void between_slices(Picoseconds now) = 0;
  // Every CPU is idle until `deadline` (kNever: no timer armed). Returns true to let the machine
  // jump virtual time to the deadline, false if host input arrived first (the machine then runs
  // the CPUs again at the current time).
  virtual bool idle_until(Picoseconds now, Picoseconds deadline) = 0;
};

// Never sleeps: idle time is skipped at once. Deterministic and as fast as the host allows.
class FastPacer : public RunPacer {
 public:
  void between_slices(Picoseconds) override {}
  bool idle_until(Picoseconds, Picoseconds deadline) override { return deadline != kNever; }
};

struct MachineExit {
  enum class Reason : u8 { GuestExit, Reset, Shutdown, Halted, Error };
  Reason reason = Reason::GuestExit;
  int status = 0;
  std::string message;
};

struct MachineOptions {
  // Longest stretch a vCPU runs before the machine looks at the host and the other vCPUs.
  Picoseconds slice = 1 * kPsPerMs;
  // With several vCPUs: the longest turn one vCPU takes before the next one runs. Shorter turns
  // answer IPIs and spinlocks sooner and cost more switches.
  Picoseconds smp_quantum = 20 * kPsPerUs;
  // What a triple fault or reset request does: reset the machine (false) or end run() (true,
  // QEMU's -no-reboot).
  bool no_reboot = false;
};

class Machine : public SystemControl {
 public:
  explicit Machine(MachineOptions options = {});
  ~Machine() override;

  Clock& clock() { return m_clock; }
  Scheduler& scheduler() { return m_scheduler; }
  Trace& trace() { return m_trace; }
  MemoryMap& memory() { return m_memory; }
  PortSpace& ports() { return m_ports; }
  InputLog& input() { return m_input; }
  const MachineOptions& options() const { return m_options; }

  // The DMA view of one requester, created on first use (std::map: deterministic order).
  DmaSpace& dma(RequesterId requester);
  // An IOMMU applies to every requester's DMA, present and future.
  void set_dma_translator(DmaTranslator* translator);
  void set_interrupt_sink(InterruptMessageSink* sink);

  // Devices, kept and reset in the order they were added.
  template <typename T, typename... Args>
  T& add_device(Args&&... args) {
    auto device = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *device;
    adopt_device(std::move(device));
    return ref;
  }
  void adopt_device(std::unique_ptr<Device> device);
  Device* find_device(std::string_view name) const;
  const std::vector<std::unique_ptr<Device>>& devices() const { return m_devices; }

  void add_cpu(std::unique_ptr<CpuCore> cpu);
  std::size_t cpu_count() const { return m_cpus.size(); }
  CpuCore& cpu(std::size_t index) { return *m_cpus[index]; }

  // Run after devices and CPUs are reset (firmware loaders re-place images and CPU state).
  void add_reset_hook(std::function<void()> hook) { m_reset_hooks.push_back(std::move(hook)); }
  // Resets devices, then CPUs, then runs the reset hooks. Time keeps running.
  void reset();

  // Runs until the guest exits, powers off, or (with no_reboot) resets. With no CPUs, only
  // timers run, which is enough for device tests.
  MachineExit run(RunPacer& pacer);

  // SystemControl: both take effect at the next instruction boundary.
  void request_exit(int status, std::string reason) override;
  void request_reset(std::string reason) override;
  bool exit_requested() const { return m_exit_requested; }

  // Whole-machine snapshots: clock, timers, RAM, every device and CPU by name.
  std::vector<u8> save_snapshot();
  void load_snapshot(std::vector<u8> bytes);  // throws ArchiveError with a message naming the field

 private:
  void stop_cpus();
  void serialize_state(Archive& archive);

  MachineOptions m_options;
  Clock m_clock;
  Scheduler m_scheduler;
  Trace m_trace;
  MemoryMap m_memory;
  PortSpace m_ports;
  InputLog m_input;
  std::map<RequesterId, std::unique_ptr<DmaSpace>> m_dma_spaces;
  DmaTranslator* m_translator = nullptr;
  InterruptMessageSink* m_interrupt_sink = nullptr;
  std::vector<std::unique_ptr<Device>> m_devices;
  std::vector<std::unique_ptr<CpuCore>> m_cpus;
  std::vector<std::function<void()>> m_reset_hooks;
  std::size_t m_next_cpu = 0;

  bool m_exit_requested = false;
  bool m_reset_requested = false;
  MachineExit m_exit;
  std::string m_reset_reason;
};

}  // namespace glasspc

// Creating x86 vCPUs. The frontend and tests only need this header and bus/cpu_core.h.
#pragma once

#include <memory>
#include <string>

#include "bus/cpu_core.h"
#include "bus/types.h"

namespace glasspc {

class Clock;
class IrqLine;
class MemoryMap;
class PortSpace;
class Scheduler;
class SystemControl;
class Trace;

struct CpuConfig {
  u32 index = 0;                           // 0 = bootstrap processor
  u32 cpu_count = 1;                       // vCPUs in the machine (CPUID topology leaves)
  std::string model = "max";               // -cpu model name
  u64 frequency_hz = 1'000'000'000;        // -cpu ...,freq=; converts cycles to virtual time
  bool one_cycle_per_instruction = false;  // teaching mode: every instruction costs 1 cycle
  bool jit = true;         // compile hot blocks to host code (x86-64 hosts; not in teaching mode)
  u32 jit_hot_count = 16;  // interpreted runs of a block before it is compiled
  u64 jit_code_bytes = u64{64} << 20;  // executable memory for compiled blocks (emptied when full)
};

// What a vCPU is connected to. All references outlive the CPU (the Machine owns them).
struct CpuEnvironment {
  MemoryMap& memory;
  PortSpace& ports;
  Clock& clock;
  Scheduler& scheduler;
  Trace& trace;
  SystemControl& system;
  // FERR# output (x87 error with CR0.NE = 0, SDM Vol. 1 8.7.1); the board routes it to IRQ 13.
  // Null when nothing listens.
  IrqLine* ferr = nullptr;
};

// Throws std::invalid_argument with a one-line message for an unknown model.
std::unique_ptr<CpuCore> create_x86_cpu(const CpuConfig& config, const CpuEnvironment& env);

}  // namespace glasspc

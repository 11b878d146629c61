// create_x86_cpu: the only way the rest of glasspc gets a vCPU.
#include "cpu/cpu_factory.h"

#include <stdexcept>

#include "cpu/cpu_model.h"
#include "cpu/x86_cpu.h"

namespace glasspc {

std::unique_ptr<CpuCore> create_x86_cpu(const CpuConfig& config, const CpuEnvironment& env) {
  if (!find_cpu_model(config.model)) {
    throw std::invalid_argument("unknown CPU model '" + config.model + "' (known: max, v2, base)");
  }
  if (config.frequency_hz == 0) throw std::invalid_argument("CPU frequency must not be zero");
  return std::make_unique<X86Cpu>(config, env);
}

}  // namespace glasspc

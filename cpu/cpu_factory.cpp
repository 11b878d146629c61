// create_x86_cpu: the only way the rest of glasspc gets a vCPU.
#include "cpu/cpu_factory.h"

#include <stdexcept>

#include "cpu/x86_cpu.h"

namespace glasspc {

std::unique_ptr<CpuCore> create_x86_cpu(const CpuConfig& config, const CpuEnvironment& env) {
  // One model exists: the integer/system core described by its CPUID ("max", "glasspc" and
  // the QEMU default names select it).
  if (config.model != "max" && config.model != "host" && config.model != "glasspc" &&
      config.model != "qemu64") {
    throw std::invalid_argument("unknown CPU model '" + config.model +
                                "' (known: max, glasspc, qemu64, host)");
  }
  if (config.frequency_hz == 0) throw std::invalid_argument("CPU frequency must not be zero");
  return std::make_unique<X86Cpu>(config, env);
}

}  // namespace glasspc

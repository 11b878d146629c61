// A small machine for CPU tests: RAM at 0, an optional ROM, a debug-output port and an exit
// port, and one X86Cpu that the test drives directly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bus/machine.h"
#include "cpu/x86_cpu.h"

namespace glasspc::test {

class CpuTestMachine {
 public:
  static constexpr u16 kDebugPort = 0xe9;  // bytes written here are collected in output()

  explicit CpuTestMachine(u64 ram_size = 16ull << 20, CpuConfig config = {});

  Machine& machine() { return m_machine; }
  X86Cpu& cpu() { return *m_cpu; }
  X86State& regs() { return m_cpu->state(); }
  const std::string& output() const { return m_output; }

  void load(u64 gpa, const std::vector<u8>& bytes);
  // Loads tests/cpu/asm/<name>.asm (assembled by the build) at `gpa`.
  void load_asm(const std::string& name, u64 gpa);
  // Starts in real mode at 0000:ip.
  void boot_real(u16 cs, u64 ip);
  void boot_flat32(u64 eip, u64 esp = 0x8000);
  // Runs until the CPU halts (HLT with no interrupt), shuts down or `limit` of virtual time.
  CpuRunExit run_until_halt(Picoseconds limit = 100 * kPsPerMs);
  u64 read_u64(u64 gpa);
  u32 read_u32(u64 gpa) { return static_cast<u32>(read_u64(gpa)); }
  void write_u64(u64 gpa, u64 value);
  void write_u32(u64 gpa, u32 value);

 private:
  Machine m_machine;
  std::unique_ptr<X86Cpu> m_cpu;
  std::string m_output;
};

// Reads a flat binary assembled from tests/cpu/asm.
std::vector<u8> asm_binary(const std::string& name);

}  // namespace glasspc::test

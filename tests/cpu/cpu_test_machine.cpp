#include "cpu_test_machine.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace glasspc::test {

std::vector<u8> asm_binary(const std::string& name) {
  const std::string path = std::string(GLASSPC_CPU_TEST_ASM_DIR) + "/" + name + ".bin";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test binary " + path);
  return std::vector<u8>(std::istreambuf_iterator<char>(in), {});
}

CpuTestMachine::CpuTestMachine(u64 ram_size, CpuConfig config) {
  m_machine.memory().allocate_ram(ram_size);
  m_machine.memory().add_ram("ram", 0, ram_size, 0);
  PortHandler debug;
  debug.name = "debugcon";
  debug.read = [](u16, unsigned) -> u32 { return 0xe9; };
  debug.write = [this](u16, u32 value, unsigned) { m_output.push_back(static_cast<char>(value)); };
  m_machine.ports().claim(kDebugPort, 1, std::move(debug));
  CpuEnvironment env{m_machine.memory(),    m_machine.ports(), m_machine.clock(),
                     m_machine.scheduler(), m_machine.trace(), m_machine};
  m_cpu = std::make_unique<X86Cpu>(config, env);
}

void CpuTestMachine::load(u64 gpa, const std::vector<u8>& bytes) {
  m_machine.memory().write_bytes(gpa, bytes.data(), bytes.size());
}

void CpuTestMachine::load_asm(const std::string& name, u64 gpa) {
  load(gpa, asm_binary(name));
}

void CpuTestMachine::boot_real(u16 cs, u64 ip) {
  CpuBootState state;
  state.mode = CpuBootState::Mode::Real;
  state.cs_selector = cs;
  state.rip = ip;
  state.rsp = 0x7000;
  m_cpu->set_boot_state(state);
}

void CpuTestMachine::boot_flat32(u64 eip, u64 esp) {
  CpuBootState state;
  state.mode = CpuBootState::Mode::Protected32Flat;
  state.rip = eip;
  state.rsp = esp;
  m_cpu->set_boot_state(state);
}

CpuRunExit CpuTestMachine::run_until_halt(Picoseconds limit) {
  const Picoseconds end = m_machine.clock().now() + limit;
  for (;;) {
    const CpuRunExit exit = m_cpu->run(end);
    if (exit != CpuRunExit::Deadline || m_machine.clock().now() >= end) return exit;
    m_machine.scheduler().run_due();
  }
}

u64 CpuTestMachine::read_u64(u64 gpa) {
  u64 v = 0;
  m_machine.memory().read_bytes(gpa, &v, 8);
  return v;
}

void CpuTestMachine::write_u64(u64 gpa, u64 value) {
  m_machine.memory().write_bytes(gpa, &value, 8);
}

void CpuTestMachine::write_u32(u64 gpa, u32 value) {
  m_machine.memory().write_bytes(gpa, &value, 4);
}

}  // namespace glasspc::test

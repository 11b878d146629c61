// A 64-bit guest for the SSE floating-point instruction tests: one instruction at a time runs
// on a machine with SSE enabled (CR4.OSFXSR/OSXMMEXCPT, CR0.MP, EM and TS clear), with the
// exception vector recorded by PmEnv's IDT stubs.
#pragma once

#include <vector>

#include "cpu/simd_support.h"
#include "pm_env.h"

namespace glasspc::test {

class SseFloatRig {
 public:
  static constexpr u64 kCodeGpa = 0x10000;
  static constexpr u64 kDataGpa = 0x20000;

  SseFloatRig() : m(4 << 20) {
    PmEnv::install(m, true);
    PmEnv::enter_long_mode(m, kCodeGpa);
    X86State& s = m.regs();
    s.cr4 |= cr4::OSFXSR | cr4::OSXMMEXCPT;
    s.cr0 = (s.cr0 | cr0::MP | cr0::NE) & ~(cr0::EM | cr0::TS);
    m.cpu().state_changed();
  }

  X86State& s() { return m.regs(); }

  // Runs `code` followed by HLT from kCodeGpa; returns the exception vector or kNoVector.
  u32 run(std::vector<u8> code) {
    code.push_back(0xf4);
    m.load(kCodeGpa, code);
    s().rip = kCodeGpa;
    s().gpr[kRsp] = 0x7000;
    m.cpu().state_changed();
    m.cpu().wake();
    m.write_u32(PmEnv::kRecord, PmEnv::kNoVector);
    m.run_until_halt();
    return PmEnv::vector(m);
  }

  void write_bytes(u64 gpa, const void* p, unsigned n) {
    m.machine().memory().write_bytes(gpa, p, n);
  }
  void read_bytes(u64 gpa, void* p, unsigned n) { m.machine().memory().read_bytes(gpa, p, n); }

  CpuTestMachine m;
};

}  // namespace glasspc::test

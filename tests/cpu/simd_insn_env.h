// Instruction-level environment for the x87/MMX/SSE host-differential tests: one state image
// (GPRs, arithmetic flags, x87, MMX/XMM, MXCSR and a 256-byte data buffer), and two runners that
// execute the same instruction bytes from that image: natively on the host CPU (FXRSTOR the
// image, run, FXSAVE it back; SDM Vol. 1 10.5.1 "FXSAVE Area") and in glasspc in 64-bit mode at
// CPL 0 (state set and read through X86Cpu::state()).
//
// Memory operands address the data buffer through base registers: a register whose bit is set
// in SimdState::pointers holds an offset into the buffer; each runner adds its own buffer address
// before running and subtracts it afterwards, so the images compare equal.
#pragma once

#include <string>
#include <vector>

#include "cpu/x86_state.h"
#include "pm_env.h"

namespace glasspc::test {

constexpr unsigned kSimdDataSize = 256;

struct SimdState {
  std::array<u64, 16> gpr{};
  u64 rflags = 0x202;  // only the arithmetic bits vary
  u16 fcw = 0x037f;
  u16 fsw = 0;
  u8 ftw = 0;                   // abridged: bit i = physical register i valid
  std::array<fp::F80, 8> st{};  // in stack order: st[i] = ST(i), as FXSAVE stores them
  std::array<simd::Vec128, 16> xmm{};
  u32 mxcsr = 0x1f80;
  u32 pointers = 0;  // GPRs holding offsets into `data` (RSP is never one)
  alignas(16) std::array<u8, kSimdDataSize> data{};

  // The MMX register n aliases physical x87 register n, i.e. ST((n - TOP) & 7).
  unsigned top() const { return (fsw >> 11) & 7; }
  fp::F80& phys(unsigned n) { return st[(n - top()) & 7]; }
};

// CPUID feature bits of the host (leaf 1 ECX/EDX).
struct HostFeatures {
  bool sse = false, sse2 = false, sse3 = false, ssse3 = false, sse41 = false, sse42 = false,
       aes = false, pclmul = false, avx = false;
  static HostFeatures detect();
};

// Runs instruction bytes on the host CPU. The body must not touch RSP or the stack, must not
// fault, and must leave DF clear; RSP is not part of the compared state.
class SimdNativeRunner {
 public:
  SimdNativeRunner();
  ~SimdNativeRunner();
  SimdNativeRunner(const SimdNativeRunner&) = delete;
  SimdNativeRunner& operator=(const SimdNativeRunner&) = delete;
  bool ok() const;
  void run(const std::vector<u8>& body, SimdState& state);

 private:
  u8* m_code = nullptr;
  struct Frame;
  Frame* m_frame = nullptr;
};

// Runs instruction bytes in glasspc: 64-bit mode, CPL 0, CR4.OSFXSR|OSXMMEXCPT, CR0.MP|NE, EM and
// TS clear. run() returns the exception vector the body raised, or PmEnv::kNoVector.
class SimdGlassRunner {
 public:
  static constexpr u64 kCodeGpa = 0x10000;
  static constexpr u64 kDataGpa = 0x20000;
  static constexpr u64 kStackGpa = 0x7000;
  SimdGlassRunner();
  u32 run(const std::vector<u8>& body, SimdState& state);
  // False when the last run did not end in HLT (hang, shutdown).
  bool halted() const { return m_halted; }

 private:
  CpuTestMachine m_machine;
  bool m_halted = true;
};

// Text helpers for failure reports.
std::string hex_bytes(const u8* p, unsigned n);
std::string f80_text(const fp::F80& v);
std::string vec_text(const simd::Vec128& v);

}  // namespace glasspc::test

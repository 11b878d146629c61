// Shared by the x87 instruction tests: a long-mode guest that runs a code body with RBX pointing
// at a data buffer, and helpers to build FRSTOR/FNSAVE images (32-bit protected layout, which is
// also the 64-bit mode layout, SDM Vol. 1 Figure 8-10).
#pragma once

#include <array>
#include <cstring>
#include <vector>

#include "cpu/float/fp_types.h"
#include "pm_env.h"

namespace glasspc::test {

constexpr u64 kX87Code = 0x100000;  // code bodies, 128 bytes apart
constexpr u64 kX87Data = 0x110000;
constexpr unsigned kX87DataSize = 0x400;
// Offsets in the data buffer.
constexpr unsigned kMemOperand = 0x40;
constexpr unsigned kFlagsIn = 0x80;
constexpr unsigned kFlagsOut = 0x88;
constexpr unsigned kRestoreImage = 0x100;
constexpr unsigned kSaveImage = 0x200;

// The common frame of a test body: load RFLAGS and the x87 state, run `op`, store RFLAGS and
// FNSAVE the x87 state.
inline std::vector<u8> x87_body(const std::vector<u8>& op) {
  static_assert(kFlagsIn == 0x80 && kRestoreImage == 0x100);
  static_assert(kFlagsOut == 0x88 && kSaveImage == 0x200);
  static constexpr u8 kPrologue[] = {0x48, 0x8b, 0x83, 0x80, 0, 0, 0,  // mov rax, [rbx + kFlagsIn]
                                     0x50, 0x9d,                       // push rax; popfq
                                     0xdd, 0xa3, 0x00, 0x01, 0, 0};    // frstor [rbx + 0x100]
  static constexpr u8 kEpilogue[] = {0x9c, 0x58, 0x48, 0x89, 0x83, 0x88, 0, 0, 0,  // pushfq; pop
                                                                                   // rax; mov [..]
                                     0xdd, 0xb3, 0x00, 0x02, 0, 0};  // fnsave [rbx + 0x200]
  std::vector<u8> c;
  c.reserve(sizeof(kPrologue) + op.size() + sizeof(kEpilogue));
  for (u8 b : kPrologue) c.push_back(b);
  for (u8 b : op) c.push_back(b);
  for (u8 b : kEpilogue) c.push_back(b);
  return c;
}

class X87Guest {
 public:
  X87Guest() : m_machine(4 << 20) {
    PmEnv::install(m_machine, true);
    PmEnv::enter_long_mode(m_machine, kX87Code);
  }
  CpuTestMachine& machine() { return m_machine; }
  X86State& regs() { return m_machine.regs(); }

  // Loads `code` followed by HLT at `gpa`.
  void load_code(u64 gpa, std::vector<u8> code) {
    code.push_back(0xf4);
    m_machine.load(gpa, code);
  }
  // Runs from `rip` until HLT; returns the exception vector taken (PmEnv::kNoVector if none).
  u32 run(u64 rip, u8* data = nullptr) {
    if (data) m_machine.load(kX87Data, std::vector<u8>(data, data + kX87DataSize));
    X86State& s = m_machine.regs();
    s.gpr[kRbx] = kX87Data;
    s.gpr[kRsp] = 0x7000;
    s.rip = rip;
    m_machine.cpu().state_changed();
    m_machine.cpu().wake();
    m_machine.write_u32(PmEnv::kRecord, PmEnv::kNoVector);
    m_machine.run_until_halt();
    if (data) m_machine.machine().memory().read_bytes(kX87Data, data, kX87DataSize);
    return PmEnv::vector(m_machine);
  }

 private:
  CpuTestMachine m_machine;
};

inline void put_u16(u8* p, u16 v) {
  std::memcpy(p, &v, 2);
}
inline u16 get_u16(const u8* p) {
  u16 v;
  std::memcpy(&v, p, 2);
  return v;
}
inline void put_f80(u8* p, fp::F80 v) {
  std::memcpy(p, &v.significand, 8);
  std::memcpy(p + 8, &v.sign_exponent, 2);
}
inline fp::F80 get_f80(const u8* p) {
  fp::F80 v;
  std::memcpy(&v.significand, p, 8);
  std::memcpy(&v.sign_exponent, p + 8, 2);
  return v;
}

// A 108-byte FRSTOR image: `st[n]` is ST(n); `valid` bit n says ST(n) is in use.
inline void x87_restore_image(u8* img, u16 fcw, u16 fsw, u8 valid, const fp::F80 st[8]) {
  std::memset(img, 0, 108);
  const unsigned top = (fsw >> 11) & 7;
  u16 tags = 0xffff;
  for (unsigned n = 0; n < 8; ++n) {
    if ((valid >> n) & 1) tags = static_cast<u16>(tags & ~(3u << (2 * ((top + n) & 7))));
  }
  put_u16(img, fcw);
  put_u16(img + 4, fsw);
  put_u16(img + 8, tags);
  for (unsigned n = 0; n < 8; ++n) put_f80(img + 28 + 10 * n, st[n]);
}

}  // namespace glasspc::test

// Protected-mode scaffolding for CPU tests: a GDT, a TSS and an IDT whose handlers record the
// vector and stack pointer and halt, so a test can check exactly which exception arrived.
#pragma once

#include "cpu_test_machine.h"

namespace glasspc::test {

struct PmEnv {
  static constexpr u64 kGdt = 0x500;
  static constexpr u64 kRecord = 0x600;  // u32 vector; u64 rsp at +8
  static constexpr u64 kTss = 0x700;
  static constexpr u64 kIdt = 0x800;     // 256 entries (16 bytes each in long mode)
  static constexpr u64 kStubs = 0x9000;  // 32 bytes per vector
  static constexpr u64 kRing0Stack = 0x6000;
  static constexpr u16 kCode32 = 0x10, kData = 0x18, kCode64 = 0x20, kUserCode32 = 0x2b,
                       kUserData = 0x33, kUserCode64 = 0x3b, kTssSel = 0x40;

  // Writes the tables and points GDTR/IDTR/TR at them. `long_mode` selects 64-bit IDT gates.
  static void install(CpuTestMachine& m, bool long_mode);
  // Identity-maps the first 4 MiB with 32-bit paging (PD 0x20000, PT 0x21000; U/S=1, R/W=1)
  // and turns paging on with CR0.WP.
  static void enable_paging32(CpuTestMachine& m);
  static constexpr u64 kPt32 = 0x21000;
  // Identity-maps the first 2 MiB with 4 KiB pages for 4-level paging (PML4 0x30000, PDPT
  // 0x31000, PD 0x32000, PT 0x33000), enters 64-bit mode at CPL 0 with CS = kCode64.
  static void enter_long_mode(CpuTestMachine& m, u64 rip, u64 rsp = 0x7000);
  static constexpr u64 kPt64 = 0x33000;
  // Switches to CPL 3 with flat user segments (32- or 64-bit code).
  static void enter_user(CpuTestMachine& m, bool code64);

  static u32 vector(CpuTestMachine& m) { return m.read_u32(kRecord); }
  static u64 frame(CpuTestMachine& m, unsigned index, unsigned item_size) {
    const u64 sp = m.read_u64(kRecord + 8);
    return item_size == 8 ? m.read_u64(sp + 8 * index) : m.read_u32(sp + 4 * index);
  }
  static constexpr u32 kNoVector = 0xffffffff;
};

}  // namespace glasspc::test

// Architectural register state of one x86-64 logical processor, and the bit names used by the
// rest of cpu/. Layout and names follow Intel SDM Vol. 3A ch. 2 (system registers) and ch. 3
// (segment descriptors).
#pragma once

#include <array>

#include "bus/types.h"
#include "cpu/float/fp_types.h"
#include "cpu/simd/vec128.h"

namespace glasspc {

enum GprIndex : u8 {
  kRax,
  kRcx,
  kRdx,
  kRbx,
  kRsp,
  kRbp,
  kRsi,
  kRdi,
  kR8,
  kR9,
  kR10,
  kR11,
  kR12,
  kR13,
  kR14,
  kR15,
};

// Segment register numbers in their encoding order (SDM Vol. 2A 3.1.1.3, "Sreg").
enum SegIndex : u8 { kEs, kCs, kSs, kDs, kFs, kGs, kNoSeg = 0xff };

// RFLAGS bits (SDM Vol. 1 3.4.3).
namespace flag {
constexpr u64 CF = 1u << 0;
constexpr u64 kFixed1 = 1u << 1;
constexpr u64 PF = 1u << 2;
constexpr u64 AF = 1u << 4;
constexpr u64 ZF = 1u << 6;
constexpr u64 SF = 1u << 7;
constexpr u64 TF = 1u << 8;
constexpr u64 IF = 1u << 9;
constexpr u64 DF = 1u << 10;
constexpr u64 OF = 1u << 11;
constexpr u64 IOPL = 3u << 12;
constexpr u64 NT = 1u << 14;
constexpr u64 RF = 1u << 16;
constexpr u64 VM = 1u << 17;
constexpr u64 AC = 1u << 18;
constexpr u64 VIF = 1u << 19;
constexpr u64 VIP = 1u << 20;
constexpr u64 ID = 1u << 21;
constexpr u64 kArith = CF | PF | AF | ZF | SF | OF;
}  // namespace flag

// Control register bits (SDM Vol. 3A 2.5).
namespace cr0 {
constexpr u64 PE = 1u << 0, MP = 1u << 1, EM = 1u << 2, TS = 1u << 3, ET = 1u << 4, NE = 1u << 5,
              WP = 1u << 16, AM = 1u << 18, NW = 1u << 29, CD = 1u << 30, PG = 1u << 31;
}
namespace cr4 {
constexpr u64 VME = 1u << 0, PVI = 1u << 1, TSD = 1u << 2, DE = 1u << 3, PSE = 1u << 4,
              PAE = 1u << 5, MCE = 1u << 6, PGE = 1u << 7, PCE = 1u << 8, OSFXSR = 1u << 9,
              OSXMMEXCPT = 1u << 10, UMIP = 1u << 11, FSGSBASE = 1u << 16, PCIDE = 1u << 17,
              OSXSAVE = 1u << 18, SMEP = 1u << 20, SMAP = 1u << 21;
}
namespace efer {
constexpr u64 SCE = 1u << 0, LME = 1u << 8, LMA = 1u << 10, NXE = 1u << 11;
}

// Descriptor attribute word as kept in a segment cache: bits 0-7 are access byte bits 40-47 of
// the descriptor (type, S, DPL, P), bits 8-11 are descriptor bits 52-55 (AVL, L, D/B, G).
namespace attr {
constexpr u16 kTypeMask = 0xf;
constexpr u16 kAccessed = 1u << 0;
constexpr u16 kWritable = 1u << 1;    // data
constexpr u16 kReadable = 1u << 1;    // code
constexpr u16 kExpandDown = 1u << 2;  // data
constexpr u16 kConforming = 1u << 2;  // code
constexpr u16 kCode = 1u << 3;
constexpr u16 S = 1u << 4;
constexpr u16 P = 1u << 7;
constexpr u16 L = 1u << 9;
constexpr u16 DB = 1u << 10;
constexpr u16 G = 1u << 11;
constexpr unsigned dpl(u16 a) {
  return (a >> 5) & 3;
}
}  // namespace attr

struct Segment {
  u16 selector = 0;
  u64 base = 0;
  u32 limit = 0xffff;
  u16 attr = 0;  // see namespace attr; 0 with P clear = unusable (null selector)
  bool usable() const { return (attr & attr::P) != 0; }
};

struct TableRegister {
  u64 base = 0;
  u16 limit = 0xffff;
};

// x87 FPU registers (SDM Vol. 1 8.1). `reg` holds the physical registers R0-R7; ST(i) is
// reg[(TOP + i) & 7] with TOP in FSW bits 13:11. The tag word is kept in its abridged form (one
// bit per physical register, set = not empty, as FXSAVE stores it); the full two-bit form that
// FSTENV/FSAVE write is derived from the register contents (SDM Vol. 1 8.1.7, 10.5.1.1). MMX
// registers alias the significands of R0-R7 (SDM Vol. 1 9.5).
struct X87State {
  std::array<fp::F80, 8> reg{};
  u16 fcw = 0x037f;  // FNINIT value; power-up is 0x0040 (SDM Vol. 3A Table 10-1)
  u16 fsw = 0;
  u8 ftw = 0;   // abridged tag: bit i set = R(i) is valid
  u16 fop = 0;  // last non-control instruction opcode (11 bits)
  u64 fip = 0;  // last instruction pointer (offset) and selector
  u16 fcs = 0;
  u64 fdp = 0;  // last data operand pointer and selector
  u16 fds = 0;

  unsigned top() const { return (fsw >> 11) & 7; }
  void set_top(unsigned t) { fsw = static_cast<u16>((fsw & ~0x3800u) | ((t & 7u) << 11)); }
  unsigned phys(unsigned i) const { return (top() + i) & 7; }
  fp::F80& st(unsigned i) { return reg[phys(i)]; }
  bool empty(unsigned i) const { return !((ftw >> phys(i)) & 1); }
};

struct X86State {
  std::array<u64, 16> gpr{};
  u64 rip = 0;
  std::array<Segment, 6> seg{};
  Segment ldtr;
  Segment tr;
  TableRegister gdtr;
  TableRegister idtr;
  u64 cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0, cr8 = 0;
  std::array<u64, 4> dr{};
  u64 dr6 = 0xffff0ff0, dr7 = 0x400;
  u64 efer = 0;
  u8 cpl = 0;

  // Model-specific registers (SDM Vol. 4); stored, read back, effects as documented at use.
  u64 star = 0, lstar = 0, cstar = 0, sfmask = 0;
  u64 kernel_gs_base = 0;
  u64 sysenter_cs = 0, sysenter_esp = 0, sysenter_eip = 0;
  u64 tsc_aux = 0;
  i64 tsc_offset = 0;  // TSC = cycles + offset (written by WRMSR TSC and TSC_ADJUST)
  u64 tsc_adjust = 0;
  u64 apic_base = 0xfee00900;
  u64 pat = 0x0007040600070406;
  u64 misc_enable = 1;   // fast strings
  u64 bios_sign_id = 0;  // IA32_BIOS_SIGN_ID: microcode revision in bits 63:32, set by CPUID.1
  u64 mtrr_def_type = 0;
  std::array<u64, 11> mtrr_fixed{};
  std::array<u64, 16> mtrr_var{};
  // Machine-check architecture (SDM Vol. 3B ch. 16): the banks exist and never log an error.
  static constexpr unsigned kMcBanks = 10;
  u64 mcg_status = 0;
  u64 mcg_ctl = 0;
  std::array<u64, kMcBanks> mc_ctl{};
  std::array<u64, kMcBanks> mc_status{};
  std::array<u64, kMcBanks> mc_addr{};
  std::array<u64, kMcBanks> mc_misc{};

  // Floating point and SIMD (SDM Vol. 1 ch. 8-12, Vol. 1 13 for XCR0).
  X87State x87;
  std::array<simd::Vec128, 16> xmm{};
  u32 mxcsr = 0x1f80;  // all exceptions masked, round to nearest (SDM Vol. 1 10.2.3.1)
  u64 xcr0 = 1;        // x87 state is always enabled (SDM Vol. 1 13.3)
};

}  // namespace glasspc

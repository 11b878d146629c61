// What every x87 instruction handler shares (cpu/ops_x87*.cpp): the availability and pending-
// exception checks, the register stack with its tags and stack faults, the status word, the last
// instruction/data pointers, and memory operands of 10 bytes or more.
//
// One instruction runs as an X87Op: it reads its operands (memory first, so that a fault leaves
// the state unchanged), computes through glasspc::fp with a fresh X87Env, and then commit()
// writes the sticky flags, C1, ES/B and the pointers. Unmasked exceptions only set flags and ES;
// they are reported as #MF at the next waiting instruction (SDM Vol. 1 8.6, 8.7).
#pragma once

#include <array>

#include "cpu/cpu_inline.h"
#include "cpu/decoder.h"
#include "cpu/float/x87.h"

namespace glasspc {

// Status word bits (SDM Vol. 1 8.1.3, Figure 8-4).
namespace fsw {
constexpr u16 kFlags = 0x3f;  // IE DE ZE OE UE PE
constexpr u16 SF = 1u << 6;
constexpr u16 ES = 1u << 7;
constexpr u16 C0 = 1u << 8;
constexpr u16 C1 = 1u << 9;
constexpr u16 C2 = 1u << 10;
constexpr u16 C3 = 1u << 14;
constexpr u16 B = 1u << 15;
constexpr u16 kCodes = C0 | C1 | C2 | C3;
}  // namespace fsw

// ES and B summarize the unmasked flags (SDM Vol. 1 8.1.3.1); B mirrors ES on the 387 and later.
inline void x87_update_summary(X87State& x) {
  if (x.fsw & ~x.fcw & fsw::kFlags)
    x.fsw |= fsw::ES | fsw::B;
  else
    x.fsw &= ~(fsw::ES | fsw::B);
}

// Before an x87 instruction: CR0.EM or CR0.TS -> #NM (SDM Vol. 3A 2.5). A waiting instruction
// then reports a pending unmasked exception: #MF with CR0.NE = 1, else FERR# is asserted and the
// instruction goes on, as with the external (MS-DOS compatible) reporting (SDM Vol. 1 8.7, D.1).
inline bool x87_available(X86Cpu& c, bool waiting) {
  if (c.s.cr0 & (cr0::EM | cr0::TS)) return c.fault(vec::NM);
  if (waiting && (c.s.x87.fsw & fsw::ES)) {
    if (c.s.cr0 & cr0::NE) return c.fault(vec::MF);
    c.set_ferr(true);
  }
  return true;
}

inline fp::X87Env x87_env(const X87State& x) {
  fp::X87Env env;
  env.rounding = static_cast<fp::Rounding>((x.fcw >> 10) & 3);
  const unsigned pc = (x.fcw >> 8) & 3;  // 01 is reserved: treated as double extended
  env.precision = pc == 0 ? fp::Precision::k24 : pc == 2 ? fp::Precision::k53 : fp::Precision::k64;
  env.masks = static_cast<u8>(x.fcw & fsw::kFlags);
  env.flags = static_cast<u8>(x.fsw & fsw::kFlags);
  env.begin();
  return env;
}

// One non-control x87 instruction in flight.
class X87Op {
 public:
  X87Op(X86Cpu& c, const Insn& i) : c(c), i(i), x(c.s.x87), env(x87_env(x)) {}

  X86Cpu& c;
  const Insn& i;
  X87State& x;
  fp::X87Env env;

  bool empty(unsigned n) const { return x.empty(n); }
  fp::F80 st(unsigned n) const { return x.reg[x.phys(n)]; }
  void set_st(unsigned n, fp::F80 v) {
    x.reg[x.phys(n)] = v;
    x.ftw = static_cast<u8>(x.ftw | (1u << x.phys(n)));
  }
  // A push would overwrite a register in use (ST(7) before the push).
  bool push_overflows() const { return !x.empty(7); }
  void push(fp::F80 v) {
    x.set_top(x.top() - 1);
    set_st(0, v);
  }
  void pop() {
    x.ftw = static_cast<u8>(x.ftw & ~(1u << x.phys(0)));
    x.set_top(x.top() + 1);
  }

  // Stack faults (SDM Vol. 1 8.5.1.1): #IS sets IE and SF, C1 = 1 for overflow and 0 for
  // underflow. Returns true when #IA is masked, so that the caller delivers the real indefinite.
  bool underflow() { return stack_fault(false); }
  bool overflow() { return stack_fault(true); }
  // An unmasked #I, #D or #Z: the destination (and TOP) stay unchanged.
  bool suppressed() const { return env.suppress_store(); }
  // A store to memory is also held back by unmasked #O/#U, but not by #P, which hardware
  // reports after the store (fp::suppress_memory_store holds it back for #P too).
  bool memory_suppressed() const {
    return (env.raised & ~env.masks &
            (fp::flag::kInvalid | fp::flag::kDenormal | fp::flag::kZeroDivide |
             fp::flag::kOverflow | fp::flag::kUnderflow)) != 0;
  }
  // When unmasked #O/#U holds a memory store back, hardware reports neither #P nor C1 for it.
  void drop_precision_of_suppressed_store() {
    const u8 numeric = fp::flag::kOverflow | fp::flag::kUnderflow;
    if (!(env.raised & ~env.masks & numeric)) return;
    env.flags = static_cast<u8>((x.fsw & fsw::kFlags) | (env.raised & ~fp::flag::kPrecision));
    env.c1 = false;
  }

  // Writes the sticky flags, SF, C1 (`c1` from the library's round-up indication or a stack
  // fault) and ES/B; records FOP, FIP/FCS and, with a memory operand, FDP/FDS (SDM Vol. 1
  // 8.1.8, 8.1.9).
  void commit() {
    x.fsw = static_cast<u16>((x.fsw & ~(fsw::kFlags | fsw::C1)) | env.flags |
                             (m_stack_fault ? fsw::SF : 0) | (env.c1 ? fsw::C1 : 0));
    x87_update_summary(x);
    // FOP: the low three bits of the opcode byte and the ModRM byte (SDM Vol. 1 8.1.9).
    x.fop = static_cast<u16>(((i.opcode & 7) << 8) | i.modrm);
    x.fip = c.s.rip;
    x.fcs = c.s.seg[kCs].selector;
    if (i.has_mem()) {
      x.fdp = c.ea(i);
      x.fds = c.s.seg[i.seg].selector;
    }
  }
  void set_codes(bool c0, bool c2, bool c3) {
    x.fsw = static_cast<u16>((x.fsw & ~(fsw::C0 | fsw::C2 | fsw::C3)) | (c0 ? fsw::C0 : 0) |
                             (c2 ? fsw::C2 : 0) | (c3 ? fsw::C3 : 0));
  }

 private:
  bool stack_fault(bool is_overflow) {
    m_stack_fault = true;
    env.raise(fp::flag::kInvalid);
    env.c1 = is_overflow;
    return env.masked(fp::flag::kInvalid);
  }
  bool m_stack_fault = false;
};

// Memory operands wider than 8 bytes (m80, environment, save area). The whole range is checked
// (segment limit, canonical form, paging) before anything is read or written, so a fault leaves
// memory and state unchanged. `align` is the #AC alignment (SDM Vol. 3A Table 6-7).
inline bool x87_block_linear(X86Cpu& c, const Insn& i, u64 offset, unsigned size, unsigned align,
                             Access access, u64& linear) {
  u64 last;
  if (!c.linearize(i.seg, offset, 1, access, linear)) return false;
  if (!c.linearize(i.seg, offset + size - 1, 1, access, last)) return false;
  if ((linear & (align - 1)) && c.alignment_check_active()) return c.fault(vec::AC, 0);
  return true;
}

template <size_t N>
bool x87_read_block(X86Cpu& c, const Insn& i, unsigned align, std::array<u8, N>& out) {
  u64 linear;
  if (!x87_block_linear(c, i, c.ea(i), N, align, Access::Read, linear)) return false;
  return c.read_linear(linear, out, c.access_key());
}

template <size_t N>
bool x87_write_block(X86Cpu& c, const Insn& i, unsigned align, const std::array<u8, N>& in) {
  u64 linear;
  if (!x87_block_linear(c, i, c.ea(i), N, align, Access::Write, linear)) return false;
  const unsigned key = c.access_key();
  if (!c.probe_write(linear, N, key)) return false;
  return c.write_linear(linear, in, key);
}

inline std::array<u8, 10> x87_bytes(fp::F80 v) {
  std::array<u8, 10> b{};
  for (unsigned n = 0; n < 8; ++n) b[n] = static_cast<u8>(v.significand >> (8 * n));
  b[8] = static_cast<u8>(v.sign_exponent);
  b[9] = static_cast<u8>(v.sign_exponent >> 8);
  return b;
}

inline fp::F80 x87_from_bytes(const u8* b) {
  fp::F80 v;
  for (unsigned n = 0; n < 8; ++n) v.significand |= u64{b[n]} << (8 * n);
  v.sign_exponent = static_cast<u16>(b[8] | (b[9] << 8));
  return v;
}

// FNINIT's state (SDM Vol. 2A FINIT), also the end of FNSAVE (cpu/ops_x87.cpp).
void x87_init(X86Cpu& c);

// Registration of the instruction groups (called by register_x87_ops).
void register_x87_arith_ops(OpcodeTable& t);     // cpu/ops_x87_arith.cpp
void register_x87_compare_ops(OpcodeTable& t);   // cpu/ops_x87_compare.cpp
void register_x87_special_ops(OpcodeTable& t);   // cpu/ops_x87_special.cpp
void register_x87_transfer_ops(OpcodeTable& t);  // cpu/ops_x87_transfer.cpp
void register_x87_env_ops(OpcodeTable& t);       // cpu/ops_x87_env.cpp

inline void x87_set(OpcodeInfo& e, Handler h, u8 cycles) {
  e.h = {h, h, h};
  e.flags = 0;
  e.cycles = cycles;
}
// Register forms C0+i..C7+i of one escape row: eight consecutive ModRM values.
inline void x87_set_row(OpcodeTable& t, unsigned escape, unsigned modrm_base, Handler h,
                        u8 cycles) {
  for (unsigned n = 0; n < 8; ++n)
    x87_set(t.x87_reg[escape - 0xd8][(modrm_base + n) & 0x3f], h, cycles);
}
inline void x87_set_reg(OpcodeTable& t, unsigned escape, unsigned modrm, Handler h, u8 cycles) {
  x87_set(t.x87_reg[escape - 0xd8][modrm & 0x3f], h, cycles);
}
inline void x87_set_mem(OpcodeTable& t, unsigned escape, unsigned reg, Handler h, u8 cycles) {
  x87_set(t.x87_mem[escape - 0xd8][reg], h, cycles);
}

}  // namespace glasspc

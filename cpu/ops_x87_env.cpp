// x87 environment and state images (SDM Vol. 2A FSTENV/FNSTENV, FLDENV, FSAVE/FNSAVE, FRSTOR;
// Vol. 1 8.1.10, Figures 8-9 to 8-12). The operand size picks the 14-byte (16-bit) or 28-byte
// (32-bit, also 64-bit mode) environment; protected mode stores offsets and selectors, real and
// virtual-8086 mode store 20/32-bit linear pointers with FOP. The tag word is written in full,
// computed from the register contents, and read back as empty (11) or valid (SDM Vol. 1 8.1.7).
#include "cpu/x87_core.h"

namespace glasspc {
namespace {

constexpr unsigned kEnv16 = 14, kEnv32 = 28;

void put16(u8* b, unsigned at, u32 v) {
  b[at] = static_cast<u8>(v);
  b[at + 1] = static_cast<u8>(v >> 8);
}
void put32(u8* b, unsigned at, u32 v) {
  put16(b, at, v);
  put16(b, at + 2, v >> 16);
}
u32 get16(const u8* b, unsigned at) {
  return b[at] | (u32{b[at + 1]} << 8);
}
u32 get32(const u8* b, unsigned at) {
  return get16(b, at) | (get16(b, at + 2) << 16);
}

// Full tag of a physical register: 00 valid, 01 zero, 10 special, 11 empty.
u16 full_tag_word(const X87State& x) {
  u16 tags = 0;
  for (unsigned r = 0; r < 8; ++r) {
    unsigned tag = 3;
    if ((x.ftw >> r) & 1) {
      const fp::X87Class k = fp::classify(x.reg[r]);
      tag = k == fp::X87Class::kZero ? 1 : k == fp::X87Class::kNormal ? 0 : 2;
    }
    tags = static_cast<u16>(tags | (tag << (2 * r)));
  }
  return tags;
}

u8 abridged_tags(u32 full) {
  u8 ftw = 0;
  for (unsigned r = 0; r < 8; ++r) {
    if (((full >> (2 * r)) & 3) != 3) ftw = static_cast<u8>(ftw | (1u << r));
  }
  return ftw;
}

bool protected_format(const X86Cpu& c) {
  return c.protected_mode() && !c.v86();
}

// Control word bits that exist: masks, PC, RC and the 287 infinity bit; bit 6 reads as 1.
u16 loaded_fcw(u32 v) {
  return static_cast<u16>((v & 0x1f3f) | 0x40);
}

void store_env(const X86Cpu& c, u8* b, bool size32) {
  const X87State& x = c.s.x87;
  const u16 tags = full_tag_word(x);
  const bool pm = protected_format(c);
  if (size32) {
    // Unused upper halves read as ones, as on hardware.
    put32(b, 0, 0xffff0000u | x.fcw);
    put32(b, 4, 0xffff0000u | x.fsw);
    put32(b, 8, 0xffff0000u | tags);
    if (pm) {
      put32(b, 12, static_cast<u32>(x.fip));
      put32(b, 16, x.fcs | (u32{x.fop} << 16));
      put32(b, 20, static_cast<u32>(x.fdp));
      put32(b, 24, 0xffff0000u | x.fds);
    } else {
      const u32 ip = static_cast<u32>((u32{x.fcs} << 4) + x.fip);
      const u32 dp = static_cast<u32>((u32{x.fds} << 4) + x.fdp);
      put32(b, 12, 0xffff0000u | (ip & 0xffff));
      put32(b, 16, (x.fop & 0x7ffu) | ((ip >> 16) << 12));
      put32(b, 20, 0xffff0000u | (dp & 0xffff));
      put32(b, 24, (dp >> 16) << 12);
    }
  } else {
    put16(b, 0, x.fcw);
    put16(b, 2, x.fsw);
    put16(b, 4, tags);
    if (pm) {
      put16(b, 6, static_cast<u32>(x.fip));
      put16(b, 8, x.fcs);
      put16(b, 10, static_cast<u32>(x.fdp));
      put16(b, 12, x.fds);
    } else {
      const u32 ip = static_cast<u32>((u32{x.fcs} << 4) + x.fip);
      const u32 dp = static_cast<u32>((u32{x.fds} << 4) + x.fdp);
      put16(b, 6, ip);
      put16(b, 8, (x.fop & 0x7ffu) | (((ip >> 16) & 0xf) << 12));
      put16(b, 10, dp);
      put16(b, 12, ((dp >> 16) & 0xf) << 12);
    }
  }
}

// Loads the environment; TOP comes with the status word, so registers are placed afterwards.
void load_env(X86Cpu& c, const u8* b, bool size32) {
  X87State& x = c.s.x87;
  const bool pm = protected_format(c);
  if (size32) {
    x.fcw = loaded_fcw(get16(b, 0));
    x.fsw = static_cast<u16>(get16(b, 4));
    x.ftw = abridged_tags(get16(b, 8));
    if (pm) {
      x.fip = get32(b, 12);
      x.fcs = static_cast<u16>(get16(b, 16));
      x.fop = static_cast<u16>((get32(b, 16) >> 16) & 0x7ff);
      x.fdp = get32(b, 20);
      x.fds = static_cast<u16>(get16(b, 24));
    } else {
      x.fip = get16(b, 12) | (((get32(b, 16) >> 12) & 0xffff) << 16);
      x.fop = static_cast<u16>(get32(b, 16) & 0x7ff);
      x.fdp = get16(b, 20) | (((get32(b, 24) >> 12) & 0xffff) << 16);
      x.fcs = x.fds = 0;
    }
  } else {
    x.fcw = loaded_fcw(get16(b, 0));
    x.fsw = static_cast<u16>(get16(b, 2));
    x.ftw = abridged_tags(get16(b, 4));
    if (pm) {
      x.fip = get16(b, 6);
      x.fcs = static_cast<u16>(get16(b, 8));
      x.fdp = get16(b, 10);
      x.fds = static_cast<u16>(get16(b, 12));
    } else {
      x.fip = get16(b, 6) | ((get16(b, 8) >> 12) << 16);
      x.fop = static_cast<u16>(get16(b, 8) & 0x7ff);
      x.fdp = get16(b, 10) | ((get16(b, 12) >> 12) << 16);
      x.fcs = x.fds = 0;
    }
  }
  // ES and B follow the loaded flags and masks (SDM Vol. 1 8.1.3.1); FERR# drops with ES.
  x87_update_summary(x);
  if (!(x.fsw & fsw::ES)) c.set_ferr(false);
}

bool size32(const Insn& i) {
  return i.opsize != 2;
}

// FNSTENV: stores the environment, then masks every exception (SDM Vol. 2A FSTENV), which
// also clears ES and B: a pending exception is no longer reported (as on hardware).
template <unsigned N>
bool store_env_op(X86Cpu& c, const Insn& i) {
  std::array<u8, N> b{};
  store_env(c, b.data(), N == kEnv32);
  if (!x87_write_block(c, i, N == kEnv32 ? 4 : 2, b)) return false;
  c.s.x87.fcw |= fsw::kFlags;
  x87_update_summary(c.s.x87);
  c.set_ferr(false);
  return true;
}

bool fnstenv(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, false)) return false;
  return size32(i) ? store_env_op<kEnv32>(c, i) : store_env_op<kEnv16>(c, i);
}

template <unsigned N>
bool load_env_op(X86Cpu& c, const Insn& i) {
  std::array<u8, N> b;
  if (!x87_read_block(c, i, N == kEnv32 ? 4 : 2, b)) return false;
  load_env(c, b.data(), N == kEnv32);
  return true;
}

bool fldenv(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  return size32(i) ? load_env_op<kEnv32>(c, i) : load_env_op<kEnv16>(c, i);
}

// FNSAVE: the environment, then ST(0)..ST(7) in stack order, then FNINIT.
template <unsigned Env>
bool save_op(X86Cpu& c, const Insn& i) {
  std::array<u8, Env + 80> b{};
  store_env(c, b.data(), Env == kEnv32);
  for (unsigned n = 0; n < 8; ++n) {
    const std::array<u8, 10> r = x87_bytes(c.s.x87.st(n));
    std::copy(r.begin(), r.end(), b.begin() + Env + 10 * n);
  }
  if (!x87_write_block(c, i, Env == kEnv32 ? 4 : 2, b)) return false;
  x87_init(c);
  return true;
}

bool fnsave(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, false)) return false;
  return size32(i) ? save_op<kEnv32>(c, i) : save_op<kEnv16>(c, i);
}

template <unsigned Env>
bool restore_op(X86Cpu& c, const Insn& i) {
  std::array<u8, Env + 80> b;
  if (!x87_read_block(c, i, Env == kEnv32 ? 4 : 2, b)) return false;
  load_env(c, b.data(), Env == kEnv32);
  for (unsigned n = 0; n < 8; ++n) c.s.x87.st(n) = x87_from_bytes(b.data() + Env + 10 * n);
  return true;
}

bool frstor(X86Cpu& c, const Insn& i) {
  if (!x87_available(c, true)) return false;
  return size32(i) ? restore_op<kEnv32>(c, i) : restore_op<kEnv16>(c, i);
}

}  // namespace

void register_x87_env_ops(OpcodeTable& t) {
  x87_set_mem(t, 0xd9, 4, &fldenv, 20);
  x87_set_mem(t, 0xd9, 6, &fnstenv, 20);
  x87_set_mem(t, 0xdd, 4, &frstor, 40);
  x87_set_mem(t, 0xdd, 6, &fnsave, 40);
}

}  // namespace glasspc

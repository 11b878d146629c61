// SYSCALL/SYSRET and SYSENTER/SYSEXIT (SDM Vol. 2B), and port I/O permission checks
// (SDM Vol. 1 19.5). The fast system calls load flat CS/SS caches directly from MSRs without
// reading descriptors, exactly as the SDM pseudo-code does.
#include "bus/port_space.h"
#include "cpu/cpu_inline.h"
#include "cpu/decoder.h"

namespace glasspc {
namespace {

// Flat 4-GiB segment caches as the fast system call instructions load them.
Segment flat_code(u16 sel, unsigned dpl, bool long64) {
  Segment s;
  s.selector = sel;
  s.base = 0;
  s.limit = 0xffffffffu;
  s.attr = static_cast<u16>(attr::P | attr::S | attr::kCode | attr::kReadable | attr::kAccessed |
                            (dpl << 5) | attr::G | (long64 ? attr::L : attr::DB));
  return s;
}

Segment flat_stack(u16 sel, unsigned dpl) {
  Segment s;
  s.selector = sel;
  s.base = 0;
  s.limit = 0xffffffffu;
  s.attr = static_cast<u16>(attr::P | attr::S | attr::kWritable | attr::kAccessed | (dpl << 5) |
                            attr::G | attr::DB);
  return s;
}

bool syscall(X86Cpu& c, const Insn&) {
  if (!(c.s.efer & efer::SCE) || !c.code64()) return c.ud();
  c.materialize_flags();
  c.s.gpr[kRcx] = c.next_rip();
  c.s.gpr[kR11] = c.rflags() & ~flag::RF;
  const u16 sel = static_cast<u16>(c.s.star >> 32) & 0xfffc;
  c.s.seg[kCs] = flat_code(sel, 0, true);
  c.s.seg[kSs] = flat_stack(static_cast<u16>(sel + 8), 0);
  c.s.cpl = 0;
  c.write_flags(0, c.s.sfmask | flag::RF | flag::VM);
  c.update_mode();
  c.set_next_rip(c.s.lstar);
  c.end_block();
  return true;
}

bool sysret(X86Cpu& c, const Insn& i) {
  if (!(c.s.efer & efer::SCE) || !c.code64()) return c.ud();
  if (c.cpl() != 0) return c.gp(0);
  const bool to64 = (i.prefixes & pfx::kRexW) != 0;
  const u64 rip = c.s.gpr[kRcx];
  if (to64 && static_cast<u64>(static_cast<i64>(rip << 16) >> 16) != rip) return c.gp(0);
  const u16 base = static_cast<u16>(c.s.star >> 48);
  c.s.seg[kCs] = flat_code(static_cast<u16>((to64 ? base + 16 : base) | 3), 3, to64);
  c.s.seg[kSs] = flat_stack(static_cast<u16>((base + 8) | 3), 3);
  c.s.cpl = 3;
  c.write_flags(c.s.gpr[kR11], 0x3c7fd7 & ~flag::VM);
  c.update_mode();
  c.set_next_rip(to64 ? rip : rip & 0xffffffffu);
  c.end_block();
  return true;
}

bool sysenter(X86Cpu& c, const Insn&) {
  if (!c.protected_mode()) return c.gp(0);
  const u16 sel = static_cast<u16>(c.s.sysenter_cs) & 0xfffc;
  if (sel == 0) return c.gp(0);
  const bool lm = c.long_mode();
  c.write_flags(0, flag::VM | flag::IF | flag::RF);
  c.s.seg[kCs] = flat_code(sel, 0, lm);
  c.s.seg[kSs] = flat_stack(static_cast<u16>(sel + 8), 0);
  c.s.cpl = 0;
  c.update_mode();
  c.s.gpr[kRsp] = lm ? c.s.sysenter_esp : c.s.sysenter_esp & 0xffffffffu;
  c.set_next_rip(lm ? c.s.sysenter_eip : c.s.sysenter_eip & 0xffffffffu);
  c.end_block();
  return true;
}

bool sysexit(X86Cpu& c, const Insn& i) {
  const u16 base = static_cast<u16>(c.s.sysenter_cs) & 0xfffc;
  if (!c.protected_mode() || c.v86() || c.cpl() != 0 || base == 0) return c.gp(0);
  const bool to64 = (i.prefixes & pfx::kRexW) != 0;
  u64 rip = c.s.gpr[kRdx], rsp = c.s.gpr[kRcx];
  if (to64) {
    if (static_cast<u64>(static_cast<i64>(rip << 16) >> 16) != rip ||
        static_cast<u64>(static_cast<i64>(rsp << 16) >> 16) != rsp) {
      return c.gp(0);
    }
  } else {
    rip &= 0xffffffffu;
    rsp &= 0xffffffffu;
  }
  c.s.seg[kCs] = flat_code(static_cast<u16>((to64 ? base + 32 : base + 16) | 3), 3, to64);
  c.s.seg[kSs] = flat_stack(static_cast<u16>((to64 ? base + 40 : base + 24) | 3), 3);
  c.s.cpl = 3;
  c.update_mode();
  c.s.gpr[kRsp] = rsp;
  c.set_next_rip(rip);
  c.end_block();
  return true;
}

}  // namespace

// SDM Vol. 1 19.5.2: when CPL > IOPL (or in virtual-8086 mode) every byte of the access must be
// permitted by the I/O bitmap of a 32-bit TSS.
bool X86Cpu::io_allowed(u16 port, unsigned size) {
  if (!protected_mode() || (!v86() && s.cpl <= iopl())) return true;
  const unsigned type = s.tr.attr & attr::kTypeMask;
  if (!s.tr.usable() || (type != 9 && type != 11) || s.tr.limit < 0x67) return gp(0);
  u16 map_base;
  if (!read_sys(s.tr.base + 0x66, map_base)) return false;
  const u32 first = map_base + port / 8;
  if (first + 1 > s.tr.limit) return gp(0);
  u16 bits;
  if (!read_sys(s.tr.base + first, bits)) return false;
  const u32 mask = ((1u << size) - 1) << (port & 7);
  if (bits & mask) return gp(0);
  return true;
}

u32 X86Cpu::port_read(u16 port, unsigned size) {
  sync_clock();
  const u32 v = m_env.ports.read(port, size);
  io_done();
  return v;
}

void X86Cpu::port_write(u16 port, u32 value, unsigned size) {
  sync_clock();
  m_env.ports.write(port, value & static_cast<u32>(size_mask(size)), size);
  io_done();
}

void register_fast_syscall_ops(OpcodeTable& t) {
  set_b(t.op[0x105], &syscall, opf::kEnd, 20);
  set_b(t.op[0x107], &sysret, opf::kEnd, 20);
  set_b(t.op[0x134], &sysenter, opf::kEnd, 20);
  set_b(t.op[0x135], &sysexit, opf::kEnd, 20);
}

}  // namespace glasspc

// System instructions: MOV CR/DR, descriptor-table instructions (group 6/7), LAR/LSL/VERR/VERW,
// ARPL, CLTS, INVLPG, HLT, CLI/STI, PUSHF/POPF, IN/OUT, CPUID, RDMSR/WRMSR, RDTSC/RDTSCP/RDPID,
// the FS/GS base instructions, cache and fence no-ops, and the x87 escape (#NM/#UD)
// (SDM Vol. 2A/2B, one entry per mnemonic).
#include "cpu/cpu_inline.h"
#include "cpu/cpu_model.h"
#include "cpu/decoder.h"
#include "cpu/fpu_state.h"

namespace glasspc {
namespace {

bool legacy_protected(const X86Cpu& c) {
  return c.protected_mode() && !c.v86();
}

bool undefined(X86Cpu& c, const Insn&) {
  return c.ud();
}

// --- control and debug registers ------------------------------------------------------------

bool mov_r_cr(X86Cpu& c, const Insn& i) {
  if (c.cpl() != 0 || c.v86()) return c.gp(0);
  const unsigned n = i.reg;
  u64 v;
  switch (n) {
    case 0:
      v = c.s.cr0;
      break;
    case 2:
      v = c.s.cr2;
      break;
    case 3:
      v = c.s.cr3;
      break;
    case 4:
      v = c.s.cr4;
      break;
    case 8:
      v = c.read_cr8();
      break;
    default:
      return c.ud();
  }
  c.s.gpr[i.rm] = c.code64() ? v : v & 0xffffffffu;
  return true;
}

bool mov_cr_r(X86Cpu& c, const Insn& i) {
  if (c.cpl() != 0 || c.v86()) return c.gp(0);
  const u64 v = c.code64() ? c.s.gpr[i.rm] : c.s.gpr[i.rm] & 0xffffffffu;
  return c.write_cr(i.reg, v);
}

bool mov_r_dr(X86Cpu& c, const Insn& i) {
  if (c.cpl() != 0 || c.v86()) return c.gp(0);
  u64 v;
  if (!c.read_dr(i.reg, v)) return false;
  c.s.gpr[i.rm] = c.code64() ? v : v & 0xffffffffu;
  return true;
}

bool mov_dr_r(X86Cpu& c, const Insn& i) {
  if (c.cpl() != 0 || c.v86()) return c.gp(0);
  return c.write_dr(i.reg, c.code64() ? c.s.gpr[i.rm] : c.s.gpr[i.rm] & 0xffffffffu);
}

bool clts(X86Cpu& c, const Insn&) {
  if (c.cpl() != 0 || c.v86()) return c.gp(0);
  c.s.cr0 &= ~cr0::TS;
  return true;
}

// --- descriptor tables: group 6 (0F 00) and group 7 (0F 01) ----------------------------------

bool umip_blocked(X86Cpu& c) {
  return (c.s.cr4 & cr4::UMIP) && c.cpl() > 0;
}

template <typename T>
bool store_selector(X86Cpu& c, const Insn& i, u16 sel) {
  if (i.mod == 3) {
    c.set_reg<T>(i, i.rm, sel);
    return true;
  }
  return c.write_mem<u16>(i.seg, c.ea(i), sel);
}

template <typename T>
bool sldt_str(X86Cpu& c, const Insn& i) {
  if (!legacy_protected(c)) return c.ud();
  if (umip_blocked(c)) return c.gp(0);
  return store_selector<T>(c, i, (i.reg & 7) == 0 ? c.s.ldtr.selector : c.s.tr.selector);
}

bool lldt_ltr(X86Cpu& c, const Insn& i) {
  if (!legacy_protected(c)) return c.ud();
  if (c.cpl() != 0) return c.gp(0);
  u16 sel;
  if (!c.read_rm(i, sel)) return false;
  const bool ltr = (i.reg & 7) == 3;
  const u16 err = sel & 0xfffc;
  if (err == 0) {
    if (ltr) return c.gp(0);
    c.s.ldtr = Segment{};
    c.s.ldtr.selector = sel;
    return true;
  }
  if (sel & 4) return c.gp(err);
  X86Cpu::Descriptor d;
  if (!c.read_descriptor(sel, d, vec::GP)) return false;
  const unsigned type = d.type();
  if (d.s()) return c.gp(err);
  if (ltr ? !(type == 9 || (type == 1 && !c.long_mode())) : type != 2) return c.gp(err);
  if (!d.present()) return c.fault(vec::NP, err);
  u64 base = d.base();
  if (c.long_mode()) {
    u32 upper;
    if (!c.read_descriptor_hi64(sel, upper)) return false;
    base |= u64{upper} << 32;
  }
  const Segment seg{sel, base, d.limit(), d.attr()};
  if (ltr) {
    // Mark the TSS busy (SDM Vol. 2A LTR).
    d.hi |= 1u << 9;
    if (!c.write_sys<u32>(c.s.gdtr.base + (sel & 0xfff8) + 4, d.hi)) return false;
    c.s.tr = seg;
    c.s.tr.attr |= 2;
  } else {
    c.s.ldtr = seg;
  }
  return true;
}

// LAR, LSL, VERR, VERW: ZF reports whether the descriptor is visible at CPL/RPL.
enum class Probe { Lar, Lsl, Verr, Verw };

bool descriptor_visible(X86Cpu& c, u16 sel, Probe probe, X86Cpu::Descriptor& d, bool& found) {
  found = false;
  if ((sel & 0xfffc) == 0) return true;
  // Reading an out-of-limit descriptor is not a fault here: the instruction clears ZF.
  const TableRegister table =
      (sel & 4) ? TableRegister{c.s.ldtr.base, static_cast<u16>(c.s.ldtr.limit)} : c.s.gdtr;
  if ((sel & 4) && !c.s.ldtr.usable()) return true;
  if ((sel & 0xfff8) + 7u > table.limit) return true;
  if (!c.read_sys(table.base + (sel & 0xfff8), d.lo) ||
      !c.read_sys(table.base + (sel & 0xfff8) + 4, d.hi)) {
    return false;
  }
  const unsigned type = d.type();
  const bool lm = c.long_mode();
  if (!d.s()) {
    bool ok;
    switch (type) {
      case 1:
      case 3:
        ok = !lm && probe != Probe::Verr && probe != Probe::Verw;
        break;
      case 2:
      case 9:
      case 11:
        ok = probe == Probe::Lar || probe == Probe::Lsl;
        break;
      case 4:
      case 5:
        ok = !lm && probe == Probe::Lar;
        break;
      case 12:
        ok = probe == Probe::Lar;
        break;
      default:
        ok = false;
        break;
    }
    if (!ok) return true;
  } else if (probe == Probe::Verr && (type & 8) && !(type & 2)) {
    return true;  // execute-only code is not readable
  } else if (probe == Probe::Verw && ((type & 8) || !(type & 2))) {
    return true;
  }
  const bool conforming_code = d.s() && (type & 0xc) == 0xc;
  if (!conforming_code && (d.dpl() < c.cpl() || d.dpl() < (sel & 3))) return true;
  found = true;
  return true;
}

template <typename T>
bool lar_lsl(X86Cpu& c, const Insn& i) {
  if (!legacy_protected(c)) return c.ud();
  u16 sel;
  if (!c.read_rm(i, sel)) return false;
  const Probe probe = i.opcode == 0x102 ? Probe::Lar : Probe::Lsl;
  X86Cpu::Descriptor d;
  bool found;
  if (!descriptor_visible(c, sel, probe, d, found)) return false;
  if (found) {
    const u64 v = probe == Probe::Lar ? (d.hi & 0x00f0ff00u) : d.limit();
    c.set_reg<T>(i, i.reg, static_cast<T>(v));
  }
  c.set_arith_flags(flag::ZF, found ? flag::ZF : 0);
  return true;
}

bool verr_verw(X86Cpu& c, const Insn& i) {
  if (!legacy_protected(c)) return c.ud();
  u16 sel;
  if (!c.read_rm(i, sel)) return false;
  X86Cpu::Descriptor d;
  bool found;
  if (!descriptor_visible(c, sel, (i.reg & 7) == 4 ? Probe::Verr : Probe::Verw, d, found)) {
    return false;
  }
  c.set_arith_flags(flag::ZF, found && d.s() ? flag::ZF : 0);
  return true;
}

bool arpl(X86Cpu& c, const Insn& i) {
  if (!legacy_protected(c)) return c.ud();
  const u16 src = c.get_reg<u16>(i, i.reg);
  bool changed = false;
  if (!c.rmw_rm<u16>(i, [&](u16 d) {
        if ((d & 3) < (src & 3)) {
          changed = true;
          return static_cast<u16>((d & ~3) | (src & 3));
        }
        return d;
      })) {
    return false;
  }
  c.set_arith_flags(flag::ZF, changed ? flag::ZF : 0);
  return true;
}

template <typename T>
bool group7(X86Cpu& c, const Insn& i) {
  const unsigned op = i.reg & 7;
  if (i.mod == 3) {
    switch (op) {
      case 1:
        if (i.rm == 2 || i.rm == 3) {  // CLAC / STAC
          if (c.cpl() != 0 || c.v86()) return c.ud();
          c.set_flag_bit(flag::AC, i.rm == 3);
          return true;
        }
        return c.ud();
      case 2:
        if (i.rm == 0) return xgetbv(c, i);
        if (i.rm == 1) return xsetbv(c, i);
        return c.ud();
      case 4:  // SMSW r
        if (umip_blocked(c)) return c.gp(0);
        c.set_reg<T>(i, i.rm, static_cast<T>(c.s.cr0));
        return true;
      case 6:
        break;  // LMSW r, below
      case 7:
        if (i.rm == 0) {  // SWAPGS
          if (!c.code64()) return c.ud();
          if (c.cpl() != 0) return c.gp(0);
          std::swap(c.s.seg[kGs].base, c.s.kernel_gs_base);
          return true;
        }
        if (i.rm == 1) {  // RDTSCP
          if ((c.s.cr4 & cr4::TSD) && c.cpl() > 0) return c.gp(0);
          const u64 t = c.tsc();
          c.s.gpr[kRax] = t & 0xffffffffu;
          c.s.gpr[kRdx] = t >> 32;
          c.s.gpr[kRcx] = c.s.tsc_aux & 0xffffffffu;
          return true;
        }
        return c.ud();
      default:
        return c.ud();
    }
  }
  switch (op) {
    case 0:
    case 1: {  // SGDT / SIDT
      if (umip_blocked(c)) return c.gp(0);
      const TableRegister& tr = op == 0 ? c.s.gdtr : c.s.idtr;
      const u64 addr = c.ea(i);
      if (!c.write_mem<u16>(i.seg, addr, tr.limit)) return false;
      const u64 at = (addr + 2) & size_mask(i.adsize);
      if (c.code64()) return c.write_mem<u64>(i.seg, at, tr.base);
      const u32 base = static_cast<u32>(tr.base) & (sizeof(T) == 2 ? 0xffffffu : 0xffffffffu);
      return c.write_mem<u32>(i.seg, at, base);
    }
    case 2:
    case 3: {  // LGDT / LIDT
      if (c.cpl() != 0 || c.v86()) return c.gp(0);
      const u64 addr = c.ea(i);
      u16 limit;
      if (!c.read_mem(i.seg, addr, limit)) return false;
      const u64 at = (addr + 2) & size_mask(i.adsize);
      u64 base;
      if (c.code64()) {
        if (!c.read_mem(i.seg, at, base)) return false;
        if (static_cast<u64>(static_cast<i64>(base << 16) >> 16) != base) return c.gp(0);
      } else {
        u32 b;
        if (!c.read_mem(i.seg, at, b)) return false;
        base = sizeof(T) == 2 ? b & 0xffffff : b;
      }
      (op == 2 ? c.s.gdtr : c.s.idtr) = {base, limit};
      return true;
    }
    case 4:  // SMSW m16
      if (umip_blocked(c)) return c.gp(0);
      return c.write_mem<u16>(i.seg, c.ea(i), static_cast<u16>(c.s.cr0));
    case 6:
      break;
    case 7: {  // INVLPG
      if (c.cpl() != 0 || c.v86()) return c.gp(0);
      u64 linear = c.ea(i);
      if (!c.code64() || i.seg == kFs || i.seg == kGs) linear += c.s.seg[i.seg].base;
      if (!c.code64()) linear &= 0xffffffffu;
      c.flush_tlb_page(linear);
      c.end_block();
      return true;
    }
    default:
      return c.ud();
  }
  // LMSW: loads PE, MP, EM, TS; it cannot clear PE (SDM Vol. 2A LMSW).
  if (c.cpl() != 0 || c.v86()) return c.gp(0);
  u16 v;
  if (!c.read_rm(i, v)) return false;
  const u64 cr0v = (c.s.cr0 & ~u64{0xe}) | (v & 0xf) | (c.s.cr0 & cr0::PE);
  return c.write_cr(0, cr0v);
}

template <typename T>
bool group6(X86Cpu& c, const Insn& i) {
  switch (i.reg & 7) {
    case 0:
    case 1:
      return sldt_str<T>(c, i);
    case 2:
    case 3:
      return lldt_ltr(c, i);
    case 4:
    case 5:
      return verr_verw(c, i);
    default:
      return c.ud();
  }
}

// --- flags and interrupts ------------------------------------------------------------------

// CLI/STI without VME/PVI (SDM Vol. 2A CLI, Table 3-7).
bool cli(X86Cpu& c, const Insn&) {
  if (c.protected_mode() && c.iopl() < (c.v86() ? 3u : c.cpl())) return c.gp(0);
  c.set_flag_bit(flag::IF, false);
  return true;
}

bool sti(X86Cpu& c, const Insn&) {
  if (c.protected_mode() && c.iopl() < (c.v86() ? 3u : c.cpl())) return c.gp(0);
  if (!(c.raw_flags() & flag::IF)) {
    c.set_flag_bit(flag::IF, true);
    c.set_interrupt_shadow();
  }
  return true;
}

template <typename T>
bool pushf(X86Cpu& c, const Insn&) {
  if (c.v86() && c.iopl() < 3) return c.gp(0);
  return c.push<T>(static_cast<T>(c.rflags() & ~(flag::VM | flag::RF)));
}

template <typename T>
bool popf(X86Cpu& c, const Insn&) {
  if (c.v86() && c.iopl() < 3) return c.gp(0);
  T v;
  if (!c.pop(v)) return false;
  u64 mask = flag::kArith | flag::TF | flag::DF | flag::NT | flag::AC | flag::ID;
  if (!c.protected_mode() || (!c.v86() && c.cpl() == 0))
    mask |= flag::IOPL | flag::IF;
  else if (c.v86() || c.cpl() <= c.iopl())
    mask |= flag::IF;
  if (sizeof(T) == 2) mask &= 0xffff;
  const bool if_before = (c.raw_flags() & flag::IF) != 0;
  c.write_flags(v, mask);
  c.set_flag_bit(flag::RF, false);
  if (!if_before && (c.raw_flags() & flag::IF)) c.end_block();
  return true;
}

bool hlt(X86Cpu& c, const Insn&) {
  if (c.protected_mode() && c.cpl() != 0) return c.gp(0);
  c.set_halted();
  return true;
}

// --- I/O --------------------------------------------------------------------------------------

template <typename T>
bool in_op(X86Cpu& c, const Insn& i) {
  const u16 port = (i.opcode & 8) ? static_cast<u16>(c.s.gpr[kRdx]) : static_cast<u16>(i.imm);
  if (!c.io_allowed(port, sizeof(T))) return false;
  c.set_reg<T>(i, kRax, static_cast<T>(c.port_read(port, sizeof(T))));
  return true;
}

template <typename T>
bool out_op(X86Cpu& c, const Insn& i) {
  const u16 port = (i.opcode & 8) ? static_cast<u16>(c.s.gpr[kRdx]) : static_cast<u16>(i.imm);
  if (!c.io_allowed(port, sizeof(T))) return false;
  c.port_write(port, static_cast<u32>(c.s.gpr[kRax]), sizeof(T));
  return true;
}

// --- identification, MSRs, time ----------------------------------------------------------------

bool cpuid(X86Cpu& c, const Insn&) {
  u32 out[4];
  const u32 leaf = static_cast<u32>(c.s.gpr[kRax]);
  c.cpuid(leaf, static_cast<u32>(c.s.gpr[kRcx]), out);
  // CPUID leaf 1 loads the microcode revision into IA32_BIOS_SIGN_ID (SDM Vol. 3A 10.11.7.1).
  if (leaf == 1) c.s.bios_sign_id = u64{kMicrocodeRevision} << 32;
  c.s.gpr[kRax] = out[0];
  c.s.gpr[kRbx] = out[1];
  c.s.gpr[kRcx] = out[2];
  c.s.gpr[kRdx] = out[3];
  return true;
}

bool rdmsr(X86Cpu& c, const Insn&) {
  if (c.cpl() != 0 || c.v86()) return c.gp(0);
  u64 v;
  if (!c.read_msr(static_cast<u32>(c.s.gpr[kRcx]), v)) return false;
  c.s.gpr[kRax] = v & 0xffffffffu;
  c.s.gpr[kRdx] = v >> 32;
  return true;
}

bool wrmsr(X86Cpu& c, const Insn&) {
  if (c.cpl() != 0 || c.v86()) return c.gp(0);
  const u64 v = (c.s.gpr[kRdx] << 32) | (c.s.gpr[kRax] & 0xffffffffu);
  return c.write_msr(static_cast<u32>(c.s.gpr[kRcx]), v);
}

bool rdtsc(X86Cpu& c, const Insn&) {
  if ((c.s.cr4 & cr4::TSD) && c.cpl() > 0) return c.gp(0);
  const u64 t = c.tsc();
  c.s.gpr[kRax] = t & 0xffffffffu;
  c.s.gpr[kRdx] = t >> 32;
  return true;
}

// RDPMC: no performance counters exist, so every counter index is invalid (#GP(0)).
bool rdpmc(X86Cpu& c, const Insn&) {
  return c.gp(0);
}

// Group 9: /1 CMPXCHG8B/16B (ops_bits.cpp), /7 with F3 and a register operand: RDPID.
template <typename T>
bool group9_rdpid(X86Cpu& c, const Insn& i) {
  if (i.mod != 3 || !(i.prefixes & pfx::kRep)) return c.ud();
  if (c.code64())
    c.s.gpr[i.rm] = c.s.tsc_aux & 0xffffffffu;
  else
    c.set_reg<u32>(i, i.rm, static_cast<u32>(c.s.tsc_aux));
  return true;
}

// Group 15 (0F AE): RDFSBASE/RDGSBASE/WRFSBASE/WRGSBASE (F3, register form), LFENCE/MFENCE/
// SFENCE (register form, no prefix), CLFLUSH (memory /7) and the x87/SSE state instructions
// FXSAVE, FXRSTOR, LDMXCSR, STMXCSR, XSAVE, XRSTOR, XSAVEOPT (memory /0-/6, cpu/fpu_state.h).
template <typename T>
bool group15(X86Cpu& c, const Insn& i) {
  const unsigned op = i.reg & 7;
  if (i.mod == 3) {
    if (i.prefixes & pfx::kRep) {
      if (!c.code64() || !(c.s.cr4 & cr4::FSGSBASE) || op > 3) return c.ud();
      const unsigned seg = (op & 1) ? kGs : kFs;
      if (op < 2) {
        c.set_reg<T>(i, i.rm, static_cast<T>(c.s.seg[seg].base));
      } else {
        const u64 v = c.get_reg<T>(i, i.rm);
        if (static_cast<u64>(static_cast<i64>(v << 16) >> 16) != v) return c.gp(0);
        c.s.seg[seg].base = v;
      }
      return true;
    }
    if (op >= 5 && !(i.prefixes & (pfx::kOpsize | pfx::kRepne))) return true;  // fences
    return c.ud();
  }
  if (i.prefixes & (pfx::kOpsize | pfx::kRep | pfx::kRepne)) return c.ud();
  switch (op) {
    case 0:
      return fxsave(c, i);
    case 1:
      return fxrstor(c, i);
    case 2:
      return ldmxcsr(c, i);
    case 3:
      return stmxcsr(c, i);
    case 4:
    case 6:  // XSAVEOPT: without init/modified tracking it saves what XSAVE saves
      return xsave(c, i);
    case 5:
      return xrstor(c, i);
    default: {
      u8 probe;  // CLFLUSH faults like a byte read of the line
      return c.read_mem(i.seg, c.ea(i), probe);
    }
  }
}

bool privileged_nop(X86Cpu& c, const Insn&) {  // INVD, WBINVD
  if (c.protected_mode() && c.cpl() != 0) return c.gp(0);
  return true;
}

// x87 escape D8-DF and WAIT (9B): no FPU exists (CPUID.1:EDX.FPU = 0). With CR0.EM or CR0.TS
// set an escape raises #NM so that an OS may emulate it; otherwise #UD (SDM Vol. 3A 2.5, 9.2).
bool x87_escape(X86Cpu& c, const Insn&) {
  if (c.s.cr0 & (cr0::EM | cr0::TS)) return c.fault(vec::NM);
  return c.ud();
}

bool fwait(X86Cpu& c, const Insn&) {
  if ((c.s.cr0 & cr0::MP) && (c.s.cr0 & cr0::TS)) return c.fault(vec::NM);
  return true;
}

}  // namespace

void register_system_ops(OpcodeTable& t) {
  using opf::kEnd;
  using opf::kModrm;
  t.undefined = &undefined;
  set_b(t.op[0x120], &mov_r_cr, kModrm | opf::kModrmReg, 4);
  set_b(t.op[0x122], &mov_cr_r, kModrm | opf::kModrmReg | kEnd, 20);
  set_b(t.op[0x121], &mov_r_dr, kModrm | opf::kModrmReg, 4);
  set_b(t.op[0x123], &mov_dr_r, kModrm | opf::kModrmReg | kEnd, 20);
  set_b(t.op[0x106], &clts, 0, 10);
  set_v(
      t.op[0x100], []<typename T>() { return &group6<T>; }, kModrm | kEnd, 10);
  set_v(
      t.op[0x101], []<typename T>() { return &group7<T>; }, kModrm | kEnd, 10);
  set_v(
      t.op[0x102], []<typename T>() { return &lar_lsl<T>; }, kModrm, 10);
  set_v(
      t.op[0x103], []<typename T>() { return &lar_lsl<T>; }, kModrm, 10);
  set_b(t.op[0x63], &arpl, kModrm, 3);
  set_b(t.op[0xf4], &hlt, kEnd, 2);
  set_b(t.op[0xfa], &cli, 0, 2);
  set_b(t.op[0xfb], &sti, kEnd, 2);
  set_v(
      t.op[0x9c], []<typename T>() { return &pushf<T>; }, opf::kD64, 2);
  set_v(
      t.op[0x9d], []<typename T>() { return &popf<T>; }, opf::kD64 | kEnd, 4);

  // IN/OUT: 32-bit at most (REX.W does not select 64 bits).
  auto io = [&](unsigned op, bool is_in, u32 flags) {
    if ((op & 1) == 0) {
      set_b(t.op[op], is_in ? &in_op<u8> : &out_op<u8>, flags, 10);
    } else {
      t.op[op].h = is_in ? std::array<Handler, 3>{&in_op<u16>, &in_op<u32>, &in_op<u32>}
                         : std::array<Handler, 3>{&out_op<u16>, &out_op<u32>, &out_op<u32>};
      t.op[op].flags = flags;
      t.op[op].cycles = 10;
    }
  };
  io(0xe4, true, opf::kImm8);
  io(0xe5, true, opf::kImm8);
  io(0xe6, false, opf::kImm8);
  io(0xe7, false, opf::kImm8);
  io(0xec, true, 0);
  io(0xed, true, 0);
  io(0xee, false, 0);
  io(0xef, false, 0);

  set_b(t.op[0x1a2], &cpuid, kEnd, 20);
  set_b(t.op[0x132], &rdmsr, 0, 20);
  set_b(t.op[0x130], &wrmsr, kEnd, 20);
  set_b(t.op[0x131], &rdtsc, 0, 20);
  set_b(t.op[0x133], &rdpmc, 0, 20);
  set_v(
      t.group[kGrp9][7], []<typename T>() { return &group9_rdpid<T>; }, 0, 2);
  t.op[0x1c7] = {t.group[kGrp9][7].h, kModrm | opf::kGroup, 1, kGrp9};
  set_v(
      t.op[0x1ae], []<typename T>() { return &group15<T>; }, kModrm, 2);
  set_b(t.op[0x108], &privileged_nop, 0, 20);
  set_b(t.op[0x109], &privileged_nop, 0, 20);
  set_b(t.op[0x10b], &undefined, kEnd);           // UD2
  set_b(t.op[0x1b9], &undefined, kModrm | kEnd);  // UD1
  set_b(t.op[0x1ff], &undefined, kModrm | kEnd);  // UD0
  for (unsigned op = 0xd8; op <= 0xdf; ++op) set_b(t.op[op], &x87_escape, kModrm | opf::kX87);
  t.x87_unavailable = &x87_escape;
  set_b(t.op[0x9b], &fwait, 0);
}

}  // namespace glasspc

// Segment descriptors and data-segment register loads (SDM Vol. 3A ch. 3 and 5), and the
// instructions that load segment registers: MOV Sreg, PUSH/POP Sreg, LDS/LES/LSS/LFS/LGS.
#include "cpu/cpu_inline.h"
#include "cpu/decoder.h"

namespace glasspc {

u64 X86Cpu::Descriptor::base() const {
  return (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
}

u32 X86Cpu::Descriptor::limit() const {
  u32 l = (lo & 0xffff) | (hi & 0xf0000);
  if (hi & (1u << 23)) l = (l << 12) | 0xfff;  // G: 4-KByte granularity
  return l;
}

// SDM Vol. 3A 3.4.2: TI selects the LDT; the index must lie within the table limit.
bool X86Cpu::read_descriptor(u16 selector, Descriptor& d, u8 fault_vector) {
  u64 base;
  u32 limit;
  if (selector & 4) {
    if (!s.ldtr.usable()) return fault(fault_vector, selector & 0xfffc);
    base = s.ldtr.base;
    limit = s.ldtr.limit;
  } else {
    base = s.gdtr.base;
    limit = s.gdtr.limit;
  }
  const u32 offset = selector & 0xfff8;
  if (offset + 7 > limit) return fault(fault_vector, selector & 0xfffc);
  if (!long_mode()) base &= 0xffffffffu;
  return read_sys(base + offset, d.lo) && read_sys(base + offset + 4, d.hi);
}

// Bits 95:64 of a 16-byte system descriptor (long mode LDT/TSS/gates, SDM Vol. 3A 7.2.3).
bool X86Cpu::read_descriptor_hi64(u16 selector, u32& upper) {
  u64 base;
  u32 limit;
  if (selector & 4) {
    base = s.ldtr.base;
    limit = s.ldtr.limit;
  } else {
    base = s.gdtr.base;
    limit = s.gdtr.limit;
  }
  const u32 offset = (selector & 0xfff8) + 8;
  if (offset + 7 > limit) return gp(selector & 0xfffc);
  return read_sys(base + offset, upper);
}

bool X86Cpu::set_accessed(u16 selector, Descriptor& d) {
  if (d.hi & 0x100) return true;
  d.hi |= 0x100;
  const u64 base = (selector & 4) ? s.ldtr.base : s.gdtr.base;
  return write_sys<u32>(base + (selector & 0xfff8) + 4, d.hi);
}

void X86Cpu::load_segment_cache(unsigned seg, u16 selector, const Descriptor& d) {
  Segment& sg = s.seg[seg];
  sg.selector = selector;
  sg.base = d.base();
  sg.limit = d.limit();
  sg.attr = d.attr();
  if (seg == kCs) update_mode();
}

// Real and virtual-8086 mode: base = selector * 16. Real mode keeps the cached limit and
// attributes (which is what makes "unreal mode" work); V86 mode forces a 64 KiB read/write
// data segment at DPL 3 (SDM Vol. 3A 20.1.1).
void X86Cpu::load_real_segment(unsigned seg, u16 selector) {
  Segment& sg = s.seg[seg];
  sg.selector = selector;
  sg.base = u64{selector} << 4;
  if (v86()) {
    sg.limit = 0xffff;
    sg.attr = attr::P | attr::S | (3 << 5) | attr::kWritable | attr::kAccessed |
              (seg == kCs ? attr::kCode : 0);
  } else if (!sg.usable()) {
    sg.attr = attr::P | attr::S | attr::kWritable | attr::kAccessed;
  }
  if (seg == kCs) update_mode();
}

// MOV/POP/LxS into SS, DS, ES, FS, GS in protected mode (SDM Vol. 2B MOV "Operation").
bool X86Cpu::load_data_segment(unsigned seg, u16 selector) {
  if (!protected_mode() || v86()) {
    load_real_segment(seg, selector);
    return true;
  }
  const unsigned rpl = selector & 3;
  if ((selector & 0xfffc) == 0) {
    if (seg == kSs) {
      // A null SS is allowed only in 64-bit mode below CPL 3 with RPL = CPL (SDM MOV).
      if (!(code64() && s.cpl < 3 && rpl == s.cpl)) return gp(0);
    }
    // The register becomes unusable; its base is kept (only FS/GS bases matter in 64-bit mode).
    Segment& sg = s.seg[seg];
    sg.selector = selector;
    sg.attr = 0;
    return true;
  }
  Descriptor d;
  if (!read_descriptor(selector, d, vec::GP)) return false;
  const unsigned type = d.type();
  const bool code = (type & 8) != 0;
  if (seg == kSs) {
    if (rpl != s.cpl || d.dpl() != s.cpl || !d.s() || code || !(type & 2)) {
      return gp(selector & 0xfffc);
    }
    if (!d.present()) return fault(vec::SS, selector & 0xfffc);
  } else {
    if (!d.s() || (code && !(type & 2))) return gp(selector & 0xfffc);
    const bool conforming_code = code && (type & 4);
    if (!conforming_code && (rpl > d.dpl() || s.cpl > d.dpl())) return gp(selector & 0xfffc);
    if (!d.present()) return fault(vec::NP, selector & 0xfffc);
  }
  if (!set_accessed(selector, d)) return false;
  load_segment_cache(seg, selector, d);
  return true;
}

// After a return to an outer privilege level, DS/ES/FS/GS that the new CPL could not load are
// nulled (SDM Vol. 2A RET "RETURN-TO-OUTER-PRIVILEGE-LEVEL", IRET).
void X86Cpu::invalidate_segments_for_cpl() {
  for (unsigned seg : {kEs, kDs, kFs, kGs}) {
    Segment& sg = s.seg[seg];
    if ((sg.selector & 0xfffc) == 0 && !sg.usable()) continue;
    const bool code = (sg.attr & attr::kCode) != 0;
    const bool conforming = code && (sg.attr & attr::kConforming);
    if ((!code || !conforming) && attr::dpl(sg.attr) < s.cpl) {
      sg.selector = 0;
      sg.attr = 0;
    }
  }
}

namespace {

template <typename T>
bool mov_rm_sreg(X86Cpu& c, const Insn& i) {
  if ((i.reg & 7) > 5) return c.ud();
  const u16 sel = c.s.seg[i.reg & 7].selector;
  if (i.mod != 3) return c.write_mem<u16>(i.seg, c.ea(i), sel);
  c.set_reg<T>(i, i.rm, static_cast<T>(sel));
  return true;
}

bool mov_sreg_rm(X86Cpu& c, const Insn& i) {
  const unsigned seg = i.reg & 7;
  if (seg == kCs || seg > 5) return c.ud();
  u16 sel;
  if (!c.read_rm(i, sel)) return false;
  if (!c.load_data_segment(seg, sel)) return false;
  if (seg == kSs) c.set_stack_switch_shadow();
  return true;
}

template <typename T>
bool push_sreg(X86Cpu& c, const Insn& i) {
  const unsigned seg = i.opcode < 0x100 ? (i.opcode >> 3) & 3 : (i.opcode == 0x1a0 ? kFs : kGs);
  return c.push<T>(static_cast<T>(c.s.seg[seg].selector));
}

template <typename T>
bool pop_sreg(X86Cpu& c, const Insn& i) {
  const unsigned seg = i.opcode < 0x100 ? (i.opcode >> 3) & 3 : (i.opcode == 0x1a1 ? kFs : kGs);
  const u64 old_sp = c.s.gpr[kRsp];
  T v;
  if (!c.pop(v)) return false;
  if (!c.load_data_segment(seg, static_cast<u16>(v))) {
    c.s.gpr[kRsp] = old_sp;
    return false;
  }
  if (seg == kSs) c.set_stack_switch_shadow();
  return true;
}

// LDS/LES/LSS/LFS/LGS Gv, Mp.
template <typename T>
bool load_far(X86Cpu& c, const Insn& i) {
  if (i.mod == 3) return c.ud();  // also the VEX forms of C4/C5, which are not supported
  unsigned seg;
  switch (i.opcode) {
    case 0xc4:
      seg = kEs;
      break;
    case 0xc5:
      seg = kDs;
      break;
    case 0x1b2:
      seg = kSs;
      break;
    case 0x1b4:
      seg = kFs;
      break;
    default:
      seg = kGs;
      break;
  }
  const u64 addr = c.ea(i);
  T off;
  u16 sel;
  if (!c.read_mem(i.seg, addr, off) ||
      !c.read_mem(i.seg, (addr + sizeof(T)) & size_mask(i.adsize), sel)) {
    return false;
  }
  if (!c.load_data_segment(seg, sel)) return false;
  c.set_reg<T>(i, i.reg, off);
  return true;
}

}  // namespace

void register_segment_ops(OpcodeTable& t) {
  set_v(
      t.op[0x8c], []<typename T>() { return &mov_rm_sreg<T>; }, opf::kModrm);
  set_b(t.op[0x8e], &mov_sreg_rm, opf::kModrm, 3);
  for (unsigned op : {0x06u, 0x0eu, 0x16u, 0x1eu}) {
    set_v(
        t.op[op], []<typename T>() { return &push_sreg<T>; }, opf::kInv64);
  }
  for (unsigned op : {0x07u, 0x17u, 0x1fu}) {
    set_v(
        t.op[op], []<typename T>() { return &pop_sreg<T>; }, opf::kInv64, 3);
  }
  set_v(
      t.op[0x1a0], []<typename T>() { return &push_sreg<T>; }, opf::kD64);
  set_v(
      t.op[0x1a8], []<typename T>() { return &push_sreg<T>; }, opf::kD64);
  set_v(
      t.op[0x1a1], []<typename T>() { return &pop_sreg<T>; }, opf::kD64, 3);
  set_v(
      t.op[0x1a9], []<typename T>() { return &pop_sreg<T>; }, opf::kD64, 3);
  set_v(
      t.op[0xc4], []<typename T>() { return &load_far<T>; }, opf::kModrm | opf::kInv64, 3);
  set_v(
      t.op[0xc5], []<typename T>() { return &load_far<T>; }, opf::kModrm | opf::kInv64, 3);
  set_v(
      t.op[0x1b2], []<typename T>() { return &load_far<T>; }, opf::kModrm, 3);
  set_v(
      t.op[0x1b4], []<typename T>() { return &load_far<T>; }, opf::kModrm, 3);
  set_v(
      t.op[0x1b5], []<typename T>() { return &load_far<T>; }, opf::kModrm, 3);
}

}  // namespace glasspc

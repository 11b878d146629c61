// Memory operands of the block compiler: effective addresses, the inline software-TLB probe,
// operand loads and stores, and the lazy-flag records (X86Cpu::linearize, read_linear,
// write_linear and set_flags, whose fast paths this code repeats).
#include "cpu/block_cache.h"
#include "cpu/cpu_inline.h"
#include "cpu/jit/block_compiler.h"
#include "cpu/x86_cpu.h"

namespace glasspc::jit {

using namespace Xbyak::util;
using Xbyak::Label;
using Xbyak::Reg64;

// Canonical (SDM Vol. 3A 3.3.7.1): bits 63:47 of rax all equal, else a jump to `fail`.
void BlockCompiler::emit_canonical_check(const Label& fail) {
  mov(rcx, rax);
  sar(rcx, 47);
  add(rcx, 1);
  cmp(rcx, 1);
  ja(fail, T_NEAR);
}

// X86Cpu::branch()'s #GP rule for the target in rax: canonical in 64-bit code, else within the
// CS limit.
void BlockCompiler::emit_target_check(const Label& fail) {
  if (m_code_size == kCode64) {
    emit_canonical_check(fail);
  } else {
    mov(ecx, cpu_field(m_layout.seg + m_layout.seg_stride * kCs + m_layout.seg_limit, 4));
    cmp(rax, rcx);
    ja(fail, T_NEAR);
  }
}

// --- memory operands -----------------------------------------------------------------------------

void BlockCompiler::emit_effective_address(const Insn& insn) {
  // X86Cpu::ea(): displacement + base + index << scale, truncated to the address size (a
  // 32-bit LEA truncates by itself); A0-A3 take their offset from the immediate (mov_moffs).
  const bool moffs = m_forms[&insn - m_block.insns.data()].form == Form::MovMoffs;
  const bool a32 = insn.adsize == 4;
  const size_t disp = static_cast<size_t>(static_cast<i64>(insn.disp));
  if (moffs) {
    if (a32 || insn.adsize == 2)
      mov(eax, static_cast<u32>(insn.imm));
    else
      mov(rax, insn.imm);
  } else if (insn.base == kRipBase) {
    rip_at(rax, m_offsets[&insn - m_block.insns.data() + 1]);
    if (a32)
      lea(eax, ptr[rax + disp]);
    else
      lea(rax, ptr[rax + disp]);
  } else if (insn.base == kNoReg && insn.index == kNoReg) {
    if (a32 || insn.adsize == 2)
      mov(eax, static_cast<u32>(insn.disp));
    else
      mov(rax, static_cast<u64>(static_cast<i64>(insn.disp)));
  } else {
    Xbyak::RegExp address(disp);
    if (insn.base != kNoReg) address = address + address_reg(insn.base, rax);
    if (insn.index != kNoReg) address = address + address_reg(insn.index, rcx) * (1 << insn.scale);
    if (a32)
      lea(eax, ptr[address]);
    else
      lea(rax, ptr[address]);
  }
  if (insn.adsize == 2) movzx(eax, ax);
}

void BlockCompiler::emit_host_address(const Insn& insn, unsigned size, bool write,
                                      const Label& slow) {
  const bool moffs = m_forms[&insn - m_block.insns.data()].form == Form::MovMoffs;
  const bool constant = moffs || (insn.base == kNoReg && insn.index == kNoReg);
  const bool fs_gs = insn.seg == kFs || insn.seg == kGs;
  if (constant && !fs_gs) {
    // The linear address is known now (segments are flat with base 0 in 16/32-bit code, and
    // only FS and GS have a base in 64-bit code).
    const u64 offset = moffs ? insn.imm : static_cast<u64>(static_cast<i64>(insn.disp));
    return emit_constant_translate(offset & mask_of(insn.adsize), size, write, slow);
  }
  emit_effective_address(insn);
  emit_translate(insn.seg, size, write, slow);
}

// emit_translate() for a linear address known at compile time: the TLB slot is fixed, and the
// 4 GiB wrap, canonical form and alignment are decided here.
void BlockCompiler::emit_constant_translate(u64 linear, unsigned size, bool write,
                                            const Label& slow) {
  const u64 last = linear + size - 1;
  const bool in_range = m_code_size == kCode64
                            ? is_canonical(linear) && is_canonical(last) && last >= linear
                            : last <= 0xffffffffu;
  if (!in_range || (linear & (size - 1))) {
    jmp(slow, T_NEAR);  // always the handler's case
    return;
  }
  const unsigned index = X86Cpu::tlb_index(linear);
  const i32 entry = m_layout.tlb + (write ? m_layout.tlb_kind_stride : 0) +
                    static_cast<i32>(index) * m_layout.tlb_entry_size;
  mov(rsi, linear & ~kPageMask);
  or_(rsi, r13);
  cmp(rsi, qword[rbx + entry + m_layout.tlb_tag]);
  jne(slow, T_NEAR);
  mov(rdx, qword[rbx + entry + m_layout.tlb_host]);
  test(rdx, rdx);
  jz(slow, T_NEAR);
  if (linear & kPageMask) add(rdx, static_cast<u32>(linear & kPageMask));
}

void BlockCompiler::emit_translate(unsigned segment, unsigned size, bool write, const Label& slow) {
  const i32 seg = m_layout.seg + m_layout.seg_stride * static_cast<i32>(segment);
  const bool fs_gs = segment == kFs || segment == kGs;
  if (m_code_size == kCode64) {
    if (fs_gs) add(rax, cpu_field(seg + m_layout.seg_base, 8));
    emit_canonical_check(slow);  // an aligned access stays in its (canonical) page
  } else {
    // The segment is flat with base 0 (checked on entry and after every handler call:
    // emit_flat_check); as in X86Cpu::linearize() an access must not wrap past 4 GiB.
    if (size > 1) {
      cmp(eax, static_cast<u32>(0xffffffffu - (size - 1)));
      ja(slow, T_NEAR);
    }
    if (fs_gs) add(eax, cpu_field(seg + m_layout.seg_base, 4));
  }
  // TLB lookup (X86Cpu::tlb_index, tlb_tag): the page, the access key and the alignment bits
  // (which must be zero: misaligned accesses, page crossings and #AC take the handler's path)
  // against the tag; a hit with a host pointer is RAM.
  mov(ecx, eax);
  shr(ecx, 12);
  mov(esi, ecx);
  shr(esi, 9);
  xor_(ecx, esi);
  and_(ecx, X86Cpu::kTlbSize - 1);
  if (m_layout.tlb_entry_size == 40) {
    lea(rcx, ptr[rcx + rcx * 4]);
  } else {
    imul(ecx, ecx, m_layout.tlb_entry_size / 8);
  }
  const i32 table = m_layout.tlb + (write ? m_layout.tlb_kind_stride : 0);
  mov(rsi, rax);
  and_(rsi, ~static_cast<i32>(kPageMask) | static_cast<i32>(size - 1));
  or_(rsi, r13);
  cmp(rsi, qword[rbx + rcx * 8 + table + m_layout.tlb_tag]);
  jne(slow, T_NEAR);
  mov(rdx, qword[rbx + rcx * 8 + table + m_layout.tlb_host]);
  test(rdx, rdx);
  jz(slow, T_NEAR);
  and_(eax, static_cast<u32>(kPageMask));
  add(rdx, rax);
}

// --- operands --------------------------------------------------------------------------------

// dst = the `size`-byte value at rdx, zero-extended.
void BlockCompiler::load_host(const Reg64& dst, unsigned size) {
  if (size <= 2)
    movzx(dst.cvt32(), at_rdx(size));
  else
    mov(sized(dst, size), at_rdx(size));
}

void BlockCompiler::load_operand(const Reg64& dst, const Insn& insn, unsigned size, bool use_rm) {
  if (!(use_rm && insn.has_mem())) return load_reg(dst, use_rm ? insn.rm : insn.reg, size, insn);
  load_host(dst, size);
}

void BlockCompiler::store_operand(const Reg64& src, const Insn& insn, unsigned size, bool use_rm) {
  if (!(use_rm && insn.has_mem())) return store_reg(src, use_rm ? insn.rm : insn.reg, size, insn);
  mov(at_rdx(size), sized(src, size));
}

void BlockCompiler::store_flag_operands(FlagOp op, const Reg64& dst, const Reg64& src) {
  if (op == FlagOp::Logic) return;  // the flags of a logic result depend on the result only
  mov(cpu_field(m_layout.flag_dst, 8), dst);
  mov(cpu_field(m_layout.flag_src, 8), src);
}

void BlockCompiler::store_flag_operands(FlagOp op, const Reg64& dst, u32 src) {
  if (op == FlagOp::Logic) return;
  mov(cpu_field(m_layout.flag_dst, 8), dst);
  mov(cpu_field(m_layout.flag_src, 8), src);
}

void BlockCompiler::store_flag_result(FlagOp op, unsigned size, const Reg64& res,
                                      bool cin_from_r15) {
  mov(cpu_field(m_layout.flag_res, 8), res);
  const u32 kind = static_cast<u32>(op) | (8 * size) << 8;  // m_flag_op, m_flag_bits, m_flag_cin
  if (m_layout.flag_word) {
    if (cin_from_r15) {
      mov(cpu_field(m_layout.flag_op, 2), static_cast<u16>(kind));
      mov(cpu_field(m_layout.flag_cin, 1), r15b);
    } else {
      mov(cpu_field(m_layout.flag_op, 4), kind);
    }
    return;
  }
  mov(cpu_field(m_layout.flag_op, 1), static_cast<u8>(op));
  mov(cpu_field(m_layout.flag_bits, 1), static_cast<u8>(8 * size));
  if (cin_from_r15)
    mov(cpu_field(m_layout.flag_cin, 1), r15b);
  else
    mov(cpu_field(m_layout.flag_cin, 1), 0);
}

}  // namespace glasspc::jit

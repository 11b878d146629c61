// Inline forms of the block compiler: memory operands, MOV, ALU, INC/DEC, shifts and rotates,
// Jcc and JMP. Each mirrors its interpreter handler (cpu/ops_data.cpp, ops_alu.cpp,
// ops_shift.cpp, ops_control.cpp) and records the same lazy flags.
#include "cpu/block_cache.h"
#include "cpu/cpu_inline.h"
#include "cpu/jit/block_compiler.h"
#include "cpu/x86_cpu.h"

namespace glasspc::jit {

using namespace Xbyak::util;
using Xbyak::Label;
using Xbyak::Reg64;

namespace {

constexpr unsigned kCode64 = 2;

u64 mask_of(unsigned size) {
  return size == 8 ? ~u64{0} : (u64{1} << (8 * size)) - 1;
}

bool reads_of(unsigned cc) {
  const unsigned k = cc >> 1;
  return k == 0 || k == 6 || k == 7;
}
bool reads_cf(unsigned cc) {
  const unsigned k = cc >> 1;
  return k == 1 || k == 3;
}

// Whether the host flags after an inline instruction of form `f` equal the guest flags that
// condition `cc` tests (SDM Vol. 1 Appendix A: same operation, same flag definitions; the
// shifts' OF is defined for a count of 1 only, their CF for counts below the width).
bool host_flags_serve(const FormInfo& f, unsigned cc) {
  switch (f.form) {
    case Form::Alu:
      return true;
    case Form::IncDec:
      return !reads_cf(cc);
    case Form::Shift:
      return f.count < 8 * f.size && (!reads_of(cc) || f.count == 1);
    default:
      return false;
  }
}

// The `size`-byte view of a host register, and of the host address in rdx.
Xbyak::Reg sized(const Reg64& r, unsigned size) {
  switch (size) {
    case 1:
      return r.cvt8();
    case 2:
      return r.cvt16();
    case 4:
      return r.cvt32();
    default:
      return r;
  }
}

Xbyak::Address at_rdx(unsigned size) {
  switch (size) {
    case 1:
      return byte[rdx];
    case 2:
      return word[rdx];
    case 4:
      return dword[rdx];
    default:
      return qword[rdx];
  }
}

}  // namespace

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
  emit_translate(insn.seg, size, write, true, slow);
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
  const u64 vpn = linear >> 12;
  const u32 index = static_cast<u32>((vpn ^ (vpn >> 9)) & (m_layout.tlb_entries - 1));
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

void BlockCompiler::emit_translate(unsigned segment, unsigned size, bool write, bool may_wrap,
                                   const Label& slow) {
  const i32 seg = m_layout.seg + m_layout.seg_stride * static_cast<i32>(segment);
  const bool fs_gs = segment == kFs || segment == kGs;
  if (m_code_size == kCode64) {
    if (fs_gs) add(rax, cpu_field(seg + m_layout.seg_base, 8));
    emit_canonical_check(slow);  // an aligned access stays in its (canonical) page
  } else {
    // The segment is flat with base 0 (checked on entry and after every handler call:
    // emit_flat_check); as in X86Cpu::linearize() an access must not wrap past 4 GiB.
    if (size > 1 && may_wrap) {
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
  and_(ecx, m_layout.tlb_entries - 1);
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

// --- MOV ---------------------------------------------------------------------------------------

void BlockCompiler::emit_mov(size_t k) {
  const Insn& insn = m_block.insns[k];
  const FormInfo& f = m_forms[k];
  const unsigned size = f.size;
  SlowPath* path = nullptr;
  if (insn.has_mem()) {
    path = &begin_slow_path(k);
    emit_host_address(insn, size, f.form != Form::MovRRm, path->slow);
  }
  switch (f.form) {
    case Form::MovRmR:
      load_operand(rax, insn, size, false);
      store_operand(rax, insn, size, true);
      break;
    case Form::MovRRm:
      load_operand(rax, insn, size, true);
      store_operand(rax, insn, size, false);
      break;
    default: {  // MovRImm, MovRmImm
      const u64 value = insn.imm & mask_of(size);
      if (size == 8)
        mov(rax, value);
      else
        mov(eax, static_cast<u32>(value));
      store_operand(rax, insn, size, true);
      break;
    }
  }
  if (path) end_slow_path(*path);
}

void BlockCompiler::emit_mov_moffs(size_t k) {
  const Insn& insn = m_block.insns[k];
  const FormInfo& f = m_forms[k];
  const unsigned size = f.size;
  SlowPath& path = begin_slow_path(k);
  emit_host_address(insn, size, !f.load, path.slow);
  if (f.load) {
    load_host(rax, size);
    store_reg(rax, kRax, size, insn);
  } else {
    load_reg(rax, kRax, size, insn);
    mov(at_rdx(size), sized(rax, size));
  }
  end_slow_path(path);
}

// --- MOVZX/MOVSX, LEA, IMUL (cpu/ops_bits.cpp, ops_data.cpp, ops_alu.cpp) ---------------------

void BlockCompiler::emit_movx(size_t k) {
  const Insn& insn = m_block.insns[k];
  const FormInfo& f = m_forms[k];
  SlowPath* path = nullptr;
  if (insn.has_mem()) {
    path = &begin_slow_path(k);
    emit_host_address(insn, f.src_size, false, path->slow);
  }
  load_operand(rax, insn, f.src_size, true);  // zero-extended
  if (f.sign) {
    if (f.src_size == 1)
      movsx(rax, al);
    else if (f.src_size == 2)
      movsx(rax, ax);
    else
      movsxd(rax, eax);
    if (f.size == 4) mov(eax, eax);  // 32-bit destinations zero-extend
  }
  store_reg(rax, insn.reg, f.size, insn);
  if (path) end_slow_path(*path);
}

void BlockCompiler::emit_lea(size_t k) {
  // The effective address truncated to the operand size (SDM Vol. 2A LEA); no memory access.
  const Insn& insn = m_block.insns[k];
  const unsigned size = m_forms[k].size;
  emit_effective_address(insn);
  if (size == 4 && insn.adsize == 8)
    mov(eax, eax);
  else if (size == 2 && insn.adsize != 2)
    movzx(eax, ax);
  store_reg(rax, insn.reg, size, insn);
}

void BlockCompiler::emit_imul(size_t k) {
  const Insn& insn = m_block.insns[k];
  const FormInfo& f = m_forms[k];
  const unsigned size = f.size;
  SlowPath* path = nullptr;
  if (insn.has_mem()) {
    path = &begin_slow_path(k);
    emit_host_address(insn, size, false, path->slow);
  }
  load_operand(rax, insn, size, true);
  if (f.imm_src) {
    mov(rcx, insn.imm & mask_of(size));
  } else {
    load_reg(rcx, insn.reg, size, insn);
  }
  // The truncated product, with CF = OF = "the product did not fit" as on the host.
  imul(sized(rax, size), sized(rcx, size));
  if (m_live[k]) setc(dl);
  if (size == 2) movzx(eax, ax);
  store_reg(rax, insn.reg, size, insn);
  if (m_live[k]) {
    // mul_flags(): CF = OF = overflow, ZF/SF/PF from the result, AF clear; recorded eagerly
    // in RFLAGS (FlagOp::None), as the handler does.
    test(sized(rax, size), sized(rax, size));
    lahf();  // AH = SF ZF 0 AF 0 PF 1 CF; SF, ZF and PF are at their RFLAGS positions
    movzx(ecx, ah);
    and_(ecx, static_cast<u32>(flag::SF | flag::ZF | flag::PF));
    movzx(edx, dl);
    imul(edx, edx, static_cast<u32>(flag::CF | flag::OF));
    or_(ecx, edx);
    mov(rax, ~static_cast<u64>(flag::kArith));
    and_(cpu_field(m_layout.rflags, 8), rax);
    or_(cpu_field(m_layout.rflags, 8), rcx);
    mov(cpu_field(m_layout.flag_op, 1), static_cast<u8>(FlagOp::None));
  }
  if (path) end_slow_path(*path);
}

// --- PUSH, POP, CALL, RET (X86Cpu::push/pop, cpu/ops_data.cpp, ops_control.cpp) -------------

// rdi = RSP - size (the stack width), rdx = its host address, or a jump to `slow`.
void BlockCompiler::emit_push_slot(const Insn& insn, unsigned size, const Label& slow) {
  load_reg(rsi, kRsp, size, insn);
  lea(sized(rax, size), ptr[rsi - size]);
  mov(rdi, rax);
  emit_translate(kSs, size, true, true, slow);
}

void BlockCompiler::emit_push(size_t k) {
  const Insn& insn = m_block.insns[k];
  const unsigned size = m_forms[k].size;
  SlowPath& path = begin_slow_path(k);
  emit_push_slot(insn, size, path.slow);
  load_reg(rcx, insn.rm, size, insn);  // PUSH RSP pushes the value before the push
  mov(at_rdx(size), sized(rcx, size));
  store_reg(rdi, kRsp, size, insn);
  end_slow_path(path);
}

void BlockCompiler::emit_pop(size_t k) {
  const Insn& insn = m_block.insns[k];
  const unsigned size = m_forms[k].size;
  SlowPath& path = begin_slow_path(k);
  load_reg(rax, kRsp, size, insn);
  mov(rdi, rax);
  emit_translate(kSs, size, false, true, path.slow);
  mov(sized(rcx, size), at_rdx(size));
  lea(sized(rdi, size), ptr[rdi + size]);
  store_reg(rdi, kRsp, size, insn);
  store_reg(rcx, insn.rm, size, insn);  // after RSP: POP RSP keeps the popped value
  end_slow_path(path);
}

void BlockCompiler::emit_call(size_t k) {
  // call_to(): the target is checked before the return address is pushed.
  const Insn& insn = m_block.insns[k];
  const unsigned size = m_forms[k].size;
  Label& fault = new_label();
  const Snapshot at_check = snapshot();  // as the fault path leaves
  emit_branch_target(insn, fault);
  SlowPath& path = begin_slow_path(k);
  emit_push_slot(insn, size, path.slow);
  rip_at(rcx, m_offsets[k + 1]);
  mov(at_rdx(size), sized(rcx, size));
  store_reg(rdi, kRsp, size, insn);
  end_slow_path(path);
  retire_statically(insn);
  emit_branch_target(insn, fault);  // rax again (checked above: cannot fail now)
  exit_to_rax(0, 1);                // a taken branch costs a cycle more (X86Cpu::branch)
  L(fault);
  restore(at_check);
  emit_generic(k, true);
}

void BlockCompiler::emit_ret(size_t k) {
  // ret_near(): pop the target, check it (#GP leaves RSP unchanged), then RSP moves.
  const Insn& insn = m_block.insns[k];
  const unsigned size = m_forms[k].size;
  Label& fault = new_label();
  SlowPath& path = begin_slow_path(k);
  load_reg(rax, kRsp, size, insn);
  const Snapshot at_check = snapshot();  // as the fault path leaves
  mov(rdi, rax);
  emit_translate(kSs, size, false, true, path.slow);
  mov(sized(rax, size), at_rdx(size));
  emit_target_check(fault);
  lea(sized(rdi, size), ptr[rdi + size]);
  store_reg(rdi, kRsp, size, insn);
  end_slow_path(path);
  retire_statically(insn);
  exit_to_rax(0, 1);
  L(fault);
  restore(at_check);
  emit_generic(k, true);
}

// --- ALU ---------------------------------------------------------------------------------------

void BlockCompiler::emit_alu(size_t k) {
  const Insn& insn = m_block.insns[k];
  const FormInfo& f = m_forms[k];
  const unsigned size = f.size;
  const bool writes = f.alu != AluOp::Cmp && f.alu != AluOp::Test;
  const bool mem = insn.has_mem();
  // The destination is the r/m operand unless the reg field or the accumulator is.
  const bool dst_is_rm = !f.reg_is_dst && !f.acc;
  SlowPath* path = nullptr;
  if (mem) {
    path = &begin_slow_path(k);
    emit_host_address(insn, size, writes && dst_is_rm, path->slow);
  }
  // Destination value -> rax.
  if (f.acc)
    load_reg(rax, kRax, size, insn);
  else
    load_operand(rax, insn, size, dst_is_rm);
  // Source value -> rcx.
  if (f.imm_src) {
    const u64 value = insn.imm & mask_of(size);
    if (size == 8)
      mov(rcx, value);
    else
      mov(ecx, static_cast<u32>(value));
  } else {
    load_operand(rcx, insn, size, !dst_is_rm);
  }
  const bool live = m_live[k];
  const FlagOp op = f.alu == AluOp::Add                          ? FlagOp::Add
                    : f.alu == AluOp::Sub || f.alu == AluOp::Cmp ? FlagOp::Sub
                                                                 : FlagOp::Logic;
  if (live) store_flag_operands(op, rax, rcx);
  const Xbyak::Reg a = sized(rax, size);
  const Xbyak::Reg c = sized(rcx, size);
  switch (f.alu) {
    case AluOp::Add:
      add(a, c);
      break;
    case AluOp::Or:
      or_(a, c);
      break;
    case AluOp::And:
    case AluOp::Test:
      and_(a, c);
      break;
    case AluOp::Xor:
      xor_(a, c);
      break;
    case AluOp::Sub:
    case AluOp::Cmp:
      sub(a, c);
      break;
  }
  const bool next_is_inc_dec = !is_last(k) && m_forms[k + 1].form == Form::IncDec;
  if (next_is_inc_dec && !mem) setc(r15b);
  if (writes) {
    if (f.acc)
      store_reg(rax, kRax, size, insn);
    else
      store_operand(rax, insn, size, dst_is_rm);
  }
  if (live) store_flag_result(op, size, rax, false);
  if (path) end_slow_path(*path);
  if (!mem) {
    m_host_flags_valid = true;
    m_host_flags_form = f;
    m_carry_in_r15 = next_is_inc_dec;
  }
}

// --- INC/DEC -------------------------------------------------------------------------------------

void BlockCompiler::emit_inc_dec(size_t k) {
  const Insn& insn = m_block.insns[k];
  const FormInfo& f = m_forms[k];
  const unsigned size = f.size;
  const bool mem = insn.has_mem();
  const bool live = m_live[k];
  // INC/DEC keep CF (SDM Vol. 2A INC): the recorded carry-in is the current CF.
  if (live && !m_carry_in_r15) {
    sync_registers();  // the call clobbers r8-r11
    mov(rdi, rbx);
    mov(rax, reinterpret_cast<u64>(m_runtime.carry));
    call(rax);
    mov(r15b, al);
    forget_cache();
  }
  SlowPath* path = nullptr;
  if (mem) {
    path = &begin_slow_path(k);
    emit_host_address(insn, size, true, path->slow);
  }
  load_operand(rax, insn, size, true);
  const FlagOp op = f.dec ? FlagOp::Dec : FlagOp::Inc;
  if (live) store_flag_operands(op, rax, 1);
  const Xbyak::Reg a = sized(rax, size);
  if (f.dec)
    dec(a);
  else
    inc(a);
  store_operand(rax, insn, size, true);
  if (live) store_flag_result(op, size, rax, true);
  if (path) end_slow_path(*path);
  if (mem) {
    m_carry_in_r15 = false;
  } else {
    m_host_flags_valid = true;
    m_host_flags_form = f;
    if (live) m_carry_in_r15 = true;
  }
}

// --- shifts and rotates
// ----------------------------------------------------------------------------

void BlockCompiler::emit_shift(size_t k) {
  const Insn& insn = m_block.insns[k];
  const FormInfo& f = m_forms[k];
  const unsigned size = f.size;
  const bool mem = insn.has_mem();
  const bool live = m_live[k] && f.form == Form::Shift;
  SlowPath* path = nullptr;
  if (mem) {
    path = &begin_slow_path(k);
    emit_host_address(insn, size, true, path->slow);
  }
  load_operand(rax, insn, size, true);
  const FlagOp op = f.shift == 5 ? FlagOp::Shr : f.shift == 7 ? FlagOp::Sar : FlagOp::Shl;
  if (live) store_flag_operands(op, rax, f.count);
  const Xbyak::Reg a = sized(rax, size);
  switch (f.shift) {
    case 0:
      rol(a, f.count);
      break;
    case 1:
      ror(a, f.count);
      break;
    case 4:
      shl(a, f.count);
      break;
    case 5:
      shr(a, f.count);
      break;
    default:
      sar(a, f.count);
      break;
  }
  const bool exact_cf = f.form == Form::Shift && f.count < 8 * size;
  const bool next_is_inc_dec = !is_last(k) && m_forms[k + 1].form == Form::IncDec;
  if (next_is_inc_dec && exact_cf && !mem) setc(r15b);
  store_operand(rax, insn, size, true);
  if (live) store_flag_result(op, size, rax, false);
  if (path) end_slow_path(*path);
  if (!mem && f.form == Form::Shift) {
    m_host_flags_valid = true;
    m_host_flags_form = f;
    m_carry_in_r15 = next_is_inc_dec && exact_cf;
  }
}

// --- branches ------------------------------------------------------------------------------------

void BlockCompiler::emit_jcc(size_t k) {
  const Insn& insn = m_block.insns[k];
  const FormInfo& f = m_forms[k];
  Label& taken = new_label();
  Label& fault = new_label();
  if (m_host_flags_valid && host_flags_serve(m_host_flags_form, f.cc)) {
    jump_if(f.cc, taken);
  } else {
    sync_registers();  // the call clobbers r8-r11; only exits follow
    mov(rdi, rbx);
    mov(esi, f.cc);
    mov(rax, reinterpret_cast<u64>(m_runtime.cond));
    call(rax);
    forget_cache();
    test(al, al);
    jnz(taken, T_NEAR);
  }
  const Snapshot at_check = snapshot();
  retire_statically(insn);
  const Snapshot retired = snapshot();  // exit_to_rax() flushes the counters it emits
  rip_at(rax, m_offsets[k + 1]);
  exit_to_rax(1);
  L(taken);
  restore(retired);
  emit_branch_target(insn, fault);
  exit_to_rax(0, 1);  // a taken branch costs a cycle more (X86Cpu::branch)
  L(fault);
  restore(at_check);
  emit_generic(k, true);
}

void BlockCompiler::emit_jmp(size_t k) {
  const Insn& insn = m_block.insns[k];
  Label& fault = new_label();
  const Snapshot at_check = snapshot();
  retire_statically(insn);
  emit_branch_target(insn, fault);
  exit_to_rax(0, 1);
  L(fault);
  restore(at_check);
  emit_generic(k, true);
}

void BlockCompiler::jump_if(unsigned cc, const Label& target) {
  switch (cc) {
    case 0x0:
      jo(target, T_NEAR);
      break;
    case 0x1:
      jno(target, T_NEAR);
      break;
    case 0x2:
      jb(target, T_NEAR);
      break;
    case 0x3:
      jae(target, T_NEAR);
      break;
    case 0x4:
      je(target, T_NEAR);
      break;
    case 0x5:
      jne(target, T_NEAR);
      break;
    case 0x6:
      jbe(target, T_NEAR);
      break;
    case 0x7:
      ja(target, T_NEAR);
      break;
    case 0x8:
      js(target, T_NEAR);
      break;
    case 0x9:
      jns(target, T_NEAR);
      break;
    case 0xa:
      jp(target, T_NEAR);
      break;
    case 0xb:
      jnp(target, T_NEAR);
      break;
    case 0xc:
      jl(target, T_NEAR);
      break;
    case 0xd:
      jge(target, T_NEAR);
      break;
    case 0xe:
      jle(target, T_NEAR);
      break;
    default:
      jg(target, T_NEAR);
      break;
  }
}

// rax = the branch target (next RIP + displacement, truncated to the operand size); jumps to
// `fault` where X86Cpu::branch() raises #GP (beyond the CS limit, or not canonical).
void BlockCompiler::emit_branch_target(const Insn& insn, const Label& fault) {
  rip_at(rax, m_offsets[&insn - m_block.insns.data() + 1]);
  mov(rcx, insn.imm);
  add(rax, rcx);
  if (insn.opsize == 4)
    mov(eax, eax);
  else if (insn.opsize == 2)
    movzx(eax, ax);
  emit_target_check(fault);
}

}  // namespace glasspc::jit

// Data forms of the block compiler: MOV, MOVZX/MOVSX, LEA, IMUL, ALU, INC/DEC, shifts and
// rotates. Each mirrors its interpreter handler (cpu/ops_data.cpp, ops_bits.cpp, ops_alu.cpp,
// ops_shift.cpp) and records the same lazy flags.
#include "cpu/block_cache.h"
#include "cpu/cpu_inline.h"
#include "cpu/jit/block_compiler.h"
#include "cpu/x86_cpu.h"

namespace glasspc::jit {

using namespace Xbyak::util;
using Xbyak::Label;
using Xbyak::Reg64;

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

}  // namespace glasspc::jit

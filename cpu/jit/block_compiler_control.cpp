// Control and stack forms of the block compiler: PUSH/POP, CALL rel, RET, Jcc and JMP
// (X86Cpu::push/pop and branch, cpu/ops_data.cpp, ops_control.cpp).
#include "cpu/block_cache.h"
#include "cpu/cpu_inline.h"
#include "cpu/jit/block_compiler.h"
#include "cpu/x86_cpu.h"

namespace glasspc::jit {

using namespace Xbyak::util;
using Xbyak::Label;
using Xbyak::Reg64;

namespace {

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

}  // namespace

// --- PUSH, POP, CALL, RET (X86Cpu::push/pop, cpu/ops_data.cpp, ops_control.cpp) -------------

// rdi = RSP - size (the stack width), rdx = its host address, or a jump to `slow`.
void BlockCompiler::emit_push_slot(const Insn& insn, unsigned size, const Label& slow) {
  load_reg(rsi, kRsp, size, insn);
  lea(sized(rax, size), ptr[rsi - size]);
  mov(rdi, rax);
  emit_translate(kSs, size, true, slow);
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
  emit_translate(kSs, size, false, path.slow);
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
  emit_translate(kSs, size, false, path.slow);
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

void BlockCompiler::emit_condition_to_edi(unsigned cc) {
  if (m_host_flags_valid && host_flags_serve(m_host_flags_form, cc)) {
    switch (cc) {
      case 0x0:
        seto(dil);
        break;
      case 0x1:
        setno(dil);
        break;
      case 0x2:
        setb(dil);
        break;
      case 0x3:
        setae(dil);
        break;
      case 0x4:
        sete(dil);
        break;
      case 0x5:
        setne(dil);
        break;
      case 0x6:
        setbe(dil);
        break;
      case 0x7:
        seta(dil);
        break;
      case 0x8:
        sets(dil);
        break;
      case 0x9:
        setns(dil);
        break;
      case 0xa:
        setp(dil);
        break;
      case 0xb:
        setnp(dil);
        break;
      case 0xc:
        setl(dil);
        break;
      case 0xd:
        setge(dil);
        break;
      case 0xe:
        setle(dil);
        break;
      default:
        setg(dil);
        break;
    }
    movzx(edi, dil);
    return;
  }
  sync_registers();  // the call clobbers r8-r11
  mov(rdi, rbx);
  mov(esi, cc);
  mov(rax, reinterpret_cast<u64>(m_runtime.cond));
  call(rax);
  forget_cache();
  movzx(edi, al);
}

// SETcc r/m8 and CMOVcc r, r/m (cpu/ops_bits.cpp setcc, cmovcc): CMOVcc reads its source even
// when the condition is false, and a 32-bit destination is zero-extended either way.
void BlockCompiler::emit_conditional_move(size_t k) {
  const Insn& insn = m_block.insns[k];
  const FormInfo& f = m_forms[k];
  const unsigned size = f.size;
  emit_condition_to_edi(f.cc);  // first: nothing may change the host flags before
  SlowPath* path = nullptr;
  if (insn.has_mem()) {
    path = &begin_slow_path(k);
    emit_host_address(insn, size, f.form == Form::SetCC, path->slow);
  }
  if (f.form == Form::SetCC) {
    store_operand(rdi, insn, 1, true);
  } else {
    load_operand(rcx, insn, size, true);
    load_reg(rax, insn.reg, size, insn);
    test(edi, edi);
    cmovnz(sized(rax, size), sized(rcx, size));
    store_reg(rax, insn.reg, size, insn);
  }
  if (path) end_slow_path(*path);
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

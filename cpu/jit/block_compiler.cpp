// Native code for one decoded block (see block_compiler.h and jit.h).
//
// Exactness rules the emitted code keeps, so that a compiled block and the interpreter give the
// same architectural state at every instruction count (DESIGN.md "cpu/", determinism):
// - instruction counts and cycles: the block only starts when every instruction before its
//   last one can run before the cycle limit (as the interpreter checks before each one); after
//   any handler call, which may add cycles or end the block (an interrupt, a mode change), the
//   limit is checked again; the counters are written back before anything can read them;
// - flags: an inline instruction records the same lazy flags as its handler, unless no later
//   reader, fault or exit can observe them (flags_live_after);
// - memory: the inline path only handles what the interpreter's fast path handles (a TLB hit on
//   RAM, flat segments, aligned); anything else calls the instruction's handler.
#include "cpu/jit/block_compiler.h"

#include "cpu/block_cache.h"
#include "cpu/x86_cpu.h"

namespace glasspc::jit {

using namespace Xbyak::util;
using Xbyak::Label;
using Xbyak::Reg64;

BlockCompiler::BlockCompiler(u8* buffer, size_t size, const CpuLayout& layout,
                             const Runtime& runtime, Block& block, unsigned code_size)
    : Xbyak::CodeGenerator(size, buffer),
      m_layout(layout),
      m_runtime(runtime),
      m_block(block),
      m_code_size(code_size) {}

Xbyak::Address BlockCompiler::cpu_field(i32 offset, unsigned size) {
  switch (size) {
    case 1:
      return byte[rbx + offset];
    case 2:
      return word[rbx + offset];
    case 4:
      return dword[rbx + offset];
    default:
      return qword[rbx + offset];
  }
}

void BlockCompiler::rip_at(const Reg64& out, u64 offset) {
  if (m_code_size == kCode64) {
    lea(out, ptr[r14 + static_cast<i32>(offset)]);
  } else {
    lea(out.cvt32(), ptr[r14 + static_cast<i32>(offset)]);  // zero-extends: EIP wraps at 4 GiB
    if (m_code_size == kCode16) movzx(out.cvt32(), out.cvt16());
  }
}

void BlockCompiler::flush(u64 extra_cycles) {
  const u64 cycles = m_pending.cycles + extra_cycles;
  if (cycles) add(cpu_field(m_layout.total_cycles, 8), static_cast<u32>(cycles));
  if (m_pending.retired) add(cpu_field(m_layout.retired, 8), static_cast<u32>(m_pending.retired));
  m_pending = {};
}

void BlockCompiler::unflush(const Pending& p) {
  if (p.cycles) sub(cpu_field(m_layout.total_cycles, 8), static_cast<u32>(p.cycles));
  if (p.retired) sub(cpu_field(m_layout.retired, 8), static_cast<u32>(p.retired));
}

void BlockCompiler::load_access_key() {
  // X86Cpu::access_key(): user (1) at CPL 3; SMAP with EFLAGS.AC gives 2; otherwise 0; kept
  // where X86Cpu::tlb_tag() puts it.
  const unsigned shift = m_layout.tlb_key_shift;
  Label done;
  mov(r13d, X86Cpu::kKeyUser << shift);
  cmp(cpu_field(m_layout.cpl, 1), 3);
  je(done);
  xor_(r13d, r13d);
  test(cpu_field(m_layout.cr4, 4), static_cast<u32>(cr4::SMAP));
  jz(done);
  test(cpu_field(m_layout.rflags, 4), static_cast<u32>(flag::AC));
  jz(done);
  mov(r13d, X86Cpu::kKeySupervisorAc << shift);
  L(done);
}

void BlockCompiler::return_block() {
  write_back(m_dirty);
  mov(rax, reinterpret_cast<u64>(&m_block));
  jmp(m_runtime.epilogue, T_NEAR);
}

void BlockCompiler::exit_to_rax(unsigned slot, u64 extra_cycles) {
  Label stop, miss;
  write_back(m_dirty);
  mov(cpu_field(m_layout.rip, 8), rax);
  flush(extra_cycles);
  mov(rcx, cpu_field(m_layout.total_cycles, 8));
  cmp(rcx, cpu_field(m_layout.cycle_limit, 8));
  jae(stop, T_NEAR);
  mov(rcx, reinterpret_cast<u64>(&m_block.native_exits[slot]));
  cmp(rax, qword[rcx + offsetof(Block::NativeExit, rip)]);
  jne(miss, T_NEAR);
  mov(rdx, cpu_field(m_layout.chain_epoch, 8));
  cmp(rdx, qword[rcx + offsetof(Block::NativeExit, epoch)]);
  jne(miss, T_NEAR);
  mov(r12, reinterpret_cast<u64>(&m_block));
  jmp(qword[rcx + offsetof(Block::NativeExit, code)]);
  L(miss);
  mov(rdx, reinterpret_cast<u64>(m_runtime.pending_exit));
  mov(qword[rdx], rcx);
  L(stop);
  return_block();
}

void BlockCompiler::compile() {
  const std::vector<Insn>& insns = m_block.insns;
  m_forms.clear();
  for (const Insn& insn : insns) {
    FormInfo f = classify(insn);
    const bool stack = f.form == Form::Push || f.form == Form::Pop || f.form == Form::CallRel ||
                       f.form == Form::Ret;
    // Inline stack operations need the stack's own width: 8 bytes in 64-bit code, 4 in 32-bit
    // code (whose SS.B the flat check requires); 16-bit code keeps them with their handlers.
    if (stack && f.size != (m_code_size == kCode64 ? 8u : m_code_size == kCode32 ? 4u : 0u))
      f.form = Form::Generic;
    m_forms.push_back(f);
  }
  m_live = flags_live_after(insns, m_forms);
  choose_cached_registers();
  m_offsets.clear();
  u32 offset = 0;
  for (const Insn& insn : insns) {
    m_offsets.push_back(offset);
    offset += insn.len;
  }
  m_offsets.push_back(offset);
  m_segments_after.assign(insns.size() + 1, 0);
  m_memory_after.assign(insns.size() + 1, false);
  for (size_t k = insns.size(); k-- > 0;) {
    m_segments_after[k] = m_segments_after[k + 1];
    m_memory_after[k] = m_memory_after[k + 1] || inline_memory(k);
    if (m_code_size != kCode64 && inline_memory(k)) {
      m_segments_after[k] |= stack_form(k) ? (1u << kSs) | kStack32 : 1u << insns[k].seg;
    }
  }

  // Entry: run only if every instruction before the last one starts before the limit, and
  // (16/32-bit code) the segments of the inline accesses are flat; else the interpreter runs it.
  Label not_run;
  mov(rax, cpu_field(m_layout.total_cycles, 8));
  if (m_block.native_span) add(rax, static_cast<u32>(m_block.native_span));
  cmp(rax, cpu_field(m_layout.cycle_limit, 8));
  jae(not_run, T_NEAR);
  emit_flat_check(m_segments_after[0], not_run);
  mov(r14, cpu_field(m_layout.rip, 8));
  if (m_memory_after[0]) load_access_key();
  for (size_t k = 0; k < insns.size(); ++k) emit_insn(k);
  // Falling off the end (the last instruction did not transfer control).
  const Form last = m_forms.back().form;
  if (last != Form::Generic && last != Form::Jcc && last != Form::Jmp && last != Form::CallRel &&
      last != Form::Ret) {
    rip_at(rax, m_offsets.back());
    exit_to_rax(1);
  }
  L(not_run);
  mov(rax, r12);
  jmp(m_runtime.epilogue, T_NEAR);
  for (size_t i = 0; i < m_cold.size(); ++i) m_cold[i]();  // may append
  ready();
}

void BlockCompiler::emit_insn(size_t k) {
  const Insn& insn = m_block.insns[k];
  const FormInfo& f = m_forms[k];
  const bool last = k + 1 == m_block.insns.size();
  const bool keep_host_flags = m_host_flags_valid;
  m_host_flags_valid = false;
  if (f.form != Form::IncDec) m_carry_in_r15 = false;
  switch (f.form) {
    case Form::MovRmR:
    case Form::MovRRm:
    case Form::MovRImm:
    case Form::MovRmImm:
      emit_mov(k);
      break;
    case Form::MovMoffs:
      emit_mov_moffs(k);
      break;
    case Form::MovX:
      emit_movx(k);
      break;
    case Form::Lea:
      emit_lea(k);
      break;
    case Form::Imul:
      emit_imul(k);
      break;
    case Form::Alu:
      emit_alu(k);
      break;
    case Form::IncDec:
      emit_inc_dec(k);
      break;
    case Form::Shift:
    case Form::Rotate:
      emit_shift(k);
      break;
    case Form::Jcc:
      m_host_flags_valid = keep_host_flags;
      emit_jcc(k);
      return;
    case Form::SetCC:
    case Form::CMov:
      m_host_flags_valid = keep_host_flags;
      emit_conditional_move(k);
      m_host_flags_valid = false;
      break;
    case Form::Jmp:
      emit_jmp(k);
      return;
    case Form::Push:
      emit_push(k);
      break;
    case Form::Pop:
      emit_pop(k);
      break;
    case Form::CallRel:
      emit_call(k);
      return;
    case Form::Ret:
      emit_ret(k);
      return;
    case Form::Generic:
      emit_generic(k, last);
      return;
  }
  retire_statically(insn);
}

// The interpreter's per-instruction sequence around a handler call (cpu/execute.cpp).
void BlockCompiler::emit_generic(size_t k, bool last) {
  const Insn& insn = m_block.insns[k];
  flush();
  sync_registers();
  rip_at(rax, m_offsets[k]);
  mov(cpu_field(m_layout.rip, 8), rax);
  rip_at(rax, m_offsets[k + 1]);
  mov(cpu_field(m_layout.next_rip, 8), rax);
  mov(cpu_field(m_layout.extra_cycles, 4), 0);
  mov(rdi, rbx);
  mov(rsi, reinterpret_cast<u64>(&insn));
  mov(rax, reinterpret_cast<u64>(insn.handler));
  call(rax);
  forget_cache();  // the handler may have written any register (and the call clobbers r8-r11)
  Label& fault = new_label();
  Label& diverged = new_label();
  mov(ecx, cpu_field(m_layout.extra_cycles, 4));
  add(rcx, static_cast<u32>(insn.cycles));
  add(cpu_field(m_layout.total_cycles, 8), rcx);
  test(al, al);
  jz(fault, T_NEAR);
  add(cpu_field(m_layout.retired, 8), 1);
  mov(rax, cpu_field(m_layout.next_rip, 8));
  mov(cpu_field(m_layout.rip, 8), rax);
  rip_at(rcx, m_offsets[k + 1]);
  cmp(rax, rcx);
  jne(diverged, T_NEAR);
  if (last) {
    exit_to_rax(1);
  } else {
    Label go_on;
    mov(rcx, cpu_field(m_layout.total_cycles, 8));
    cmp(rcx, cpu_field(m_layout.cycle_limit, 8));
    jb(go_on, T_NEAR);
    return_block();
    L(go_on);
    if (m_memory_after[k + 1]) load_access_key();  // POPF, CLAC/STAC or a CPL change
    // The handler may have loaded a segment register: the rest of the block runs natively only
    // while its segments stay flat (else the interpreter continues from the next instruction).
    if (m_segments_after[k + 1]) {
      Label& not_flat = new_label();
      emit_flat_check(m_segments_after[k + 1], not_flat);
      m_cold.push_back([this, &not_flat]() {
        forget_cache();
        L(not_flat);
        return_block();
      });
    }
  }
  m_cold.push_back([this, &fault, &diverged]() {
    forget_cache();
    L(diverged);
    exit_to_rax(0);
    L(fault);
    mov(rdi, rbx);
    mov(rax, reinterpret_cast<u64>(m_runtime.deliver));
    call(rax);
    return_block();
  });
}

bool BlockCompiler::stack_form(size_t k) const {
  const Form f = m_forms[k].form;
  return f == Form::Push || f == Form::Pop || f == Form::CallRel || f == Form::Ret;
}

bool BlockCompiler::inline_memory(size_t k) const {
  switch (m_forms[k].form) {
    case Form::MovMoffs:
    case Form::Push:
    case Form::Pop:
    case Form::CallRel:
    case Form::Ret:
      return true;
    case Form::MovX:
    case Form::Imul:
    case Form::SetCC:
    case Form::CMov:
    case Form::MovRmR:
    case Form::MovRRm:
    case Form::MovRmImm:
    case Form::Alu:
    case Form::IncDec:
    case Form::Shift:
      return m_block.insns[k].has_mem();
    default:
      return false;  // Rotate is inline only with a register operand
  }
}

void BlockCompiler::emit_flat_check(unsigned mask, const Label& fail) {
  constexpr u32 kKind = attr::P | attr::kCode | attr::kExpandDown | attr::kWritable;
  for (unsigned seg = 0; seg < 6; ++seg) {
    if (!(mask & (1u << seg))) continue;
    const i32 at = m_layout.seg + m_layout.seg_stride * static_cast<i32>(seg);
    cmp(cpu_field(at + m_layout.seg_limit, 4), static_cast<u32>(0xffffffff));
    jne(fail, T_NEAR);
    // Base 0 as well (FS and GS bases are added per access, for thread and per-CPU data).
    if (seg != kFs && seg != kGs) {
      cmp(cpu_field(at + m_layout.seg_base, 4), 0);
      jne(fail, T_NEAR);
    }
    movzx(ecx, cpu_field(at + m_layout.seg_attr, 2));
    and_(ecx, kKind);
    cmp(ecx, static_cast<u32>(attr::P | attr::kWritable));
    jne(fail, T_NEAR);
  }
  if (mask & kStack32) {  // X86Cpu::stack_size() is 4
    test(cpu_field(m_layout.seg + m_layout.seg_stride * kSs + m_layout.seg_attr, 2),
         static_cast<u32>(attr::DB));
    jz(fail, T_NEAR);
  }
}

BlockCompiler::SlowPath& BlockCompiler::begin_slow_path(size_t k) {
  // The counters of earlier instructions are flushed before the handler runs; the inline path
  // keeps them (and this instruction's) pending, so the cold path takes them back afterwards.
  SlowPath& path = m_slow_paths.emplace_back();
  const Pending before = m_pending;
  Pending after = before;
  after.cycles += m_block.insns[k].cycles;
  after.retired += 1;
  const bool last = k + 1 == m_block.insns.size();
  const u16 loaded = m_loaded, dirty = m_dirty;
  m_cold.push_back([this, k, before, after, last, loaded, dirty, &path]() {
    L(path.slow);
    m_loaded = loaded;
    m_dirty = dirty;  // the handler must find these in the register file
    m_pending = before;
    emit_generic(k, last);
    unflush(after);
    load_cached(path.loaded_after);  // as the main path has them at the join
    jmp(path.resume, T_NEAR);
    m_pending = {};
  });
  return path;
}

void BlockCompiler::end_slow_path(SlowPath& path) {
  L(path.resume);
  path.loaded_after = m_loaded;
}

}  // namespace glasspc::jit

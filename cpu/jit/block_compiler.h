// Compiles one decoded block into host x86-64 code (see cpu/jit/jit.h for the contract).
//
// Register use in generated code: rbx = the X86Cpu, r12 = the block that chained here (returned
// when this block cannot run before the cycle limit), r13 = the current access key
// (X86Cpu::access_key()), r14 = RIP at block entry (blocks are cached by physical address, so
// their linear RIP is only known at run time), r15b = a carry flag kept for INC/DEC, rbp and
// r8-r11 = the block's most used guest registers. rax, rcx, rdx, rsi, rdi are scratch. Lazy
// flags stay in the X86Cpu.
#pragma once

#define XBYAK_NO_OP_NAMES
#include <xbyak/xbyak.h>

#include <array>
#include <deque>
#include <functional>
#include <vector>

#include "cpu/block_cache.h"
#include "cpu/jit/cpu_layout.h"
#include "cpu/jit/insn_form.h"
#include "cpu/x86_cpu.h"

namespace glasspc::jit {

class BlockCompiler : public Xbyak::CodeGenerator {
 public:
  BlockCompiler(u8* buffer, size_t size, const CpuLayout& layout, const Runtime& runtime,
                Block& block, unsigned code_size);
  // Emits the block; throws Xbyak::Error when the buffer is too small.
  void compile();

 private:
  struct Pending {
    u64 cycles = 0;
    u64 retired = 0;
  };

  Xbyak::Address cpu_field(i32 offset, unsigned size);
  // CodeSize values (x86_cpu.h) as the block's code size.
  static constexpr unsigned kCode16 = 0, kCode32 = 1, kCode64 = 2;
  // The `size`-byte view of a host register, and of the host address in rdx.
  static Xbyak::Reg sized(const Xbyak::Reg64& r, unsigned size) {
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
  Xbyak::Address at_rdx(unsigned size) const {
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
  static u64 mask_of(unsigned size) { return size == 8 ? ~u64{0} : (u64{1} << (8 * size)) - 1; }

  // Guest registers cached in host registers (block_compiler_regs.cpp).
  void choose_cached_registers();
  const Xbyak::Reg64* cached(unsigned r) const;
  void forget_cache() { m_loaded = m_dirty = 0; }  // after a call: reload on next use
  void ensure_loaded(unsigned g);
  void load_cached(u16 set);   // host copies in `set` <- the X86Cpu's register file
  void write_back(u16 dirty);  // the register file <- the host copies in `dirty`
  void sync_registers();       // write_back(m_dirty) on the main path; nothing is dirty after
  void load_reg(const Xbyak::Reg64& dst, unsigned r, unsigned size, const Insn& insn);
  void store_reg(const Xbyak::Reg64& src, unsigned r, unsigned size, const Insn& insn);
  const Xbyak::Reg64& address_reg(unsigned r, const Xbyak::Reg64& scratch);

  // Per-instruction emitters.
  void emit_insn(size_t k);
  void emit_generic(size_t k, bool last);
  void emit_mov(size_t k);
  void emit_alu(size_t k);
  void emit_inc_dec(size_t k);
  void emit_shift(size_t k);
  void emit_jcc(size_t k);
  void emit_conditional_move(size_t k);  // SETcc, CMOVcc
  // edi = condition `cc` (0 or 1): from the host flags when they hold the guest's, else from
  // X86Cpu::cond().
  void emit_condition_to_edi(unsigned cc);
  void emit_jmp(size_t k);
  void emit_branch_target(const Insn& insn, const Xbyak::Label& fault);
  void jump_if(unsigned cc, const Xbyak::Label& target);

  // Memory operands: rdx = host address of the operand, or a jump to `slow`.
  void emit_effective_address(const Insn& insn);
  // In 16- and 32-bit code, inline memory accesses need flat segments (the condition of
  // X86Cpu::linearize()'s fast path); `mask` has a bit per segment register, and kStack32 for
  // a 32-bit stack (SS.B) under inline PUSH/POP/CALL/RET.
  static constexpr unsigned kStack32 = 1u << 6;
  void emit_flat_check(unsigned mask, const Xbyak::Label& fail);
  bool inline_memory(size_t k) const;
  void emit_host_address(const Insn& insn, unsigned size, bool write, const Xbyak::Label& slow);
  // rdx = host address of the linear address of segment `seg` offset rax (already truncated
  // to the address size), or a jump to `slow`.
  void emit_translate(unsigned seg, unsigned size, bool write, const Xbyak::Label& slow);
  void emit_constant_translate(u64 linear, unsigned size, bool write, const Xbyak::Label& slow);
  void emit_push_slot(const Insn& insn, unsigned size, const Xbyak::Label& slow);
  void emit_canonical_check(const Xbyak::Label& fail);
  void emit_target_check(const Xbyak::Label& fail);
  // What the emitter knows at one point of the main path, for a branch that leaves from there
  // and is emitted later.
  struct Snapshot {
    Pending pending;
    u16 loaded = 0, dirty = 0;
  };
  Snapshot snapshot() const { return {m_pending, m_loaded, m_dirty}; }
  void restore(const Snapshot& at) {
    m_pending = at.pending;
    m_loaded = at.loaded;
    m_dirty = at.dirty;
  }
  // The instruction retires on this path: its cycles and count join the pending counters.
  void retire_statically(const Insn& insn) {
    m_pending.cycles += insn.cycles;
    m_pending.retired += 1;
  }
  void emit_push(size_t k);
  void emit_pop(size_t k);
  void emit_call(size_t k);
  void emit_ret(size_t k);
  bool stack_form(size_t k) const;
  void emit_mov_moffs(size_t k);
  void emit_movx(size_t k);
  void emit_lea(size_t k);
  void emit_imul(size_t k);
  // The cold path of an inline instruction: the generic call, then back to the main path
  // (end_slow_path marks where, with the host copies the main path has there).
  struct SlowPath {
    Xbyak::Label slow, resume;
    u16 loaded_after = 0;
  };
  SlowPath& begin_slow_path(size_t k);
  void end_slow_path(SlowPath& path);
  bool is_last(size_t k) const { return k + 1 == m_block.insns.size(); }

  // Operand loads and stores through rax/rcx (zero-extended to 64 bits).
  void load_host(const Xbyak::Reg64& dst, unsigned size);
  void load_operand(const Xbyak::Reg64& dst, const Insn& insn, unsigned size, bool use_rm);
  void store_operand(const Xbyak::Reg64& src, const Insn& insn, unsigned size, bool use_rm);
  // X86Cpu::set_flags<T>(): the operation's operands (before it runs: `dst` and `src` hold
  // them) and its result and kind (after it: `res`). Only MOVs, so that host flags survive.
  void store_flag_operands(FlagOp op, const Xbyak::Reg64& dst, const Xbyak::Reg64& src);
  void store_flag_operands(FlagOp op, const Xbyak::Reg64& dst, u32 src);
  void store_flag_result(FlagOp op, unsigned size, const Xbyak::Reg64& res, bool cin_from_r15);

  // rax = RIP of the instruction at byte offset `offset` from the block start.
  void rip_at(const Xbyak::Reg64& out, u64 offset);
  void flush(u64 extra_cycles = 0);
  void unflush(const Pending& p);
  void load_access_key();
  // Leaves the block toward the RIP in rax through exit slot `slot` (chaining when possible).
  void exit_to_rax(unsigned slot, u64 extra_cycles = 0);
  void return_block();

  const CpuLayout& m_layout;
  const Runtime& m_runtime;
  Block& m_block;
  unsigned m_code_size;  // CodeSize as unsigned: 0 = 16, 1 = 32, 2 = 64
  std::vector<FormInfo> m_forms;
  std::vector<bool> m_live;
  std::vector<u32> m_offsets;        // byte offset of each instruction from the block start
  std::vector<u8> m_segments_after;  // [k]: segments inline accesses use from instruction k on
  std::vector<bool> m_memory_after;  // [k]: an inline access comes at or after instruction k
  Pending m_pending;
  std::array<int, 16> m_cache_slot{};  // guest register -> host cache register, or -1
  u16 m_loaded = 0;                    // guest registers whose host copy is valid
  u16 m_dirty = 0;                     // ... and newer than the register file
  std::deque<SlowPath> m_slow_paths;
  bool m_host_flags_valid = false;  // host flags equal the last inline ALU/shift's guest flags
  FormInfo m_host_flags_form;
  bool m_carry_in_r15 = false;
  // Out-of-line paths, emitted after the body (a deque: emitting one may queue another).
  std::deque<std::function<void()>> m_cold;
  std::deque<Xbyak::Label> m_labels;  // labels shared by the body and its cold paths
  Xbyak::Label& new_label() { return m_labels.emplace_back(); }
};

}  // namespace glasspc::jit

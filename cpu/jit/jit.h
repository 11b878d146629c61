// Native code for hot blocks: the same decoded blocks the interpreter runs, compiled to host
// x86-64 code (cpu/jit/block_compiler.h). Common integer forms (cpu/jit/insn_form.h: MOV and its
// extending forms, LEA, the ALU group, INC/DEC, IMUL, shifts, SETcc/CMOVcc, PUSH/POP, CALL, RET,
// Jcc, JMP) are emitted inline with their lazy flags; every other instruction, and every memory
// access that misses the inline fast path, calls the interpreter's handler with the
// interpreter's bookkeeping. A compiled block therefore gives the same architectural state,
// instruction count and cycle count as interpreting it (DESIGN.md "cpu/": a JIT compiles the
// same decoded blocks and must give identical results).
//
// Compiled blocks jump straight to their successor when the successor is compiled, the
// successor was found for the same RIP under the same X86Cpu chain epoch, and the cycle limit
// has not been reached; otherwise control returns to the run loop.
#pragma once

#include "bus/types.h"
#include "cpu/jit/cpu_layout.h"

namespace glasspc {

class X86Cpu;
struct Block;

class Jit {
 public:
  // Generated code is x86-64; on other hosts the interpreter runs everything.
  static bool host_supported();

  explicit Jit(X86Cpu& cpu);
  ~Jit();
  Jit(const Jit&) = delete;
  Jit& operator=(const Jit&) = delete;

  // Runs `block` natively (compiling it once it is hot) when every instruction but its last
  // one can start before the cycle limit. Returns the last block entered, or null when the
  // interpreter must run `block`.
  Block* run(Block& block);
  // The run loop found `next` as the successor of `prev` (the CPU's RIP is next's start): the
  // native exit of `prev` that missed may now jump to `next` directly.
  void link(Block* prev, Block& next);

  u64 compiled_blocks() const { return m_compiled; }
  u64 code_drops() const { return m_generation - 1; }  // times the full code arena was emptied

 private:
  bool compile(Block& block);
  void drop_code();  // frees the whole code arena (when full)

  X86Cpu& m_cpu;
  jit::CpuLayout m_layout;
  u8* m_arena = nullptr;
  size_t m_arena_size = 0;
  size_t m_arena_used = 0;
  size_t m_arena_code_start = 0;  // after the shared entry and exit code
  u64 m_generation = 1;           // bumped by drop_code(); blocks compiled before are stale
  u64 m_compiled = 0;
  void* m_pending_exit = nullptr;  // written by generated code: the exit slot that missed
  using Enter = Block* (*)(X86Cpu* cpu, const void* code);
  Enter m_enter = nullptr;
  jit::Runtime m_runtime;
};

}  // namespace glasspc

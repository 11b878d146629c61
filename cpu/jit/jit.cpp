// Code arena, entry trampoline and block compilation for the native-code engine (jit.h).
#include "cpu/jit/jit.h"

#include <sys/mman.h>

#include <algorithm>

#include "cpu/block_cache.h"
#include "cpu/jit/block_compiler.h"
#include "cpu/x86_cpu.h"

namespace glasspc {
namespace {

// Calls from generated code into the CPU (plain functions: the generated code passes the CPU).
bool call_cond(X86Cpu* cpu, unsigned cc) {
  return cpu->cond(cc);
}
bool call_carry(X86Cpu* cpu) {
  return cpu->cf();
}
void call_deliver(X86Cpu* cpu) {
  cpu->deliver_pending_exception();
}

// Block* enter(X86Cpu* cpu, const void* code): saves the callee-saved registers, sets up the
// register convention of block_compiler.h and jumps to `code`; generated code returns through
// the epilogue with the last Block* in rax.
class Trampoline : public Xbyak::CodeGenerator {
 public:
  Trampoline(u8* buffer, size_t size) : Xbyak::CodeGenerator(size, buffer) {
    using namespace Xbyak::util;
    push(rbx);
    push(rbp);
    push(r12);
    push(r13);
    push(r14);
    push(r15);
    sub(rsp, 8);  // 16-byte stack alignment at the calls generated code makes
    mov(rbx, rdi);
    xor_(r12d, r12d);
    xor_(r15d, r15d);
    jmp(rsi);
    align(16);
    epilogue = getCurr();
    add(rsp, 8);
    pop(r15);
    pop(r14);
    pop(r13);
    pop(r12);
    pop(rbp);
    pop(rbx);
    ret();
    ready();
  }
  const u8* epilogue = nullptr;
};

}  // namespace

bool Jit::host_supported() {
#if defined(__x86_64__)
  return true;
#else
  return false;
#endif
}

Jit::Jit(X86Cpu& cpu) : m_cpu(cpu), m_layout(cpu.jit_layout()) {
  const size_t size = std::max<size_t>(cpu.config().jit_code_bytes, 64 * 1024);
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return;  // no executable memory: the interpreter runs everything
  m_arena = static_cast<u8*>(p);
  m_arena_size = size;
  Trampoline trampoline(m_arena, 4096);
  m_enter = reinterpret_cast<Enter>(m_arena);
  jit::Runtime& rt = m_runtime;
  rt.epilogue = trampoline.epilogue;
  rt.cond = reinterpret_cast<const void*>(&call_cond);
  rt.carry = reinterpret_cast<const void*>(&call_carry);
  rt.deliver = reinterpret_cast<const void*>(&call_deliver);
  rt.pending_exit = &m_pending_exit;
  m_arena_code_start = (trampoline.getSize() + 63) & ~size_t{63};
  m_arena_used = m_arena_code_start;
}

Jit::~Jit() {
  if (m_arena) munmap(m_arena, m_arena_size);
}

void Jit::drop_code() {
  m_arena_used = m_arena_code_start;
  ++m_generation;
  m_pending_exit = nullptr;
  ++m_cpu.m_chain_epoch;  // native exit slots remember the epoch they were filled under
}

bool Jit::compile(Block& block) {
  if (!m_arena || block.insns.empty()) return false;
  u64 span = 0;
  for (size_t k = 0; k + 1 < block.insns.size(); ++k) span += block.insns[k].cycles;
  block.native_span = span;
  block.native_exits = {};
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      jit::BlockCompiler compiler(m_arena + m_arena_used, m_arena_size - m_arena_used, m_layout,
                                  m_runtime, block, static_cast<unsigned>((block.key >> 60) & 3));
      compiler.compile();
      block.native = m_arena + m_arena_used;
      block.native_generation = m_generation;
      m_arena_used = (m_arena_used + compiler.getSize() + 15) & ~size_t{15};
      ++m_compiled;
      return true;
    } catch (const Xbyak::Error&) {
      if (attempt == 0) drop_code();  // the arena is full: start again with an empty one
    }
  }
  block.native_failed = true;
  return false;
}

Block* Jit::run(Block& block) {
  if (block.native_generation != m_generation) {
    if (block.native_failed || ++block.heat < m_cpu.config().jit_hot_count || !compile(block))
      return nullptr;
  }
  if (m_cpu.m_total_cycles + block.native_span >= m_cpu.m_cycle_limit) return nullptr;
  m_pending_exit = nullptr;
  return m_enter(&m_cpu, block.native);
}

void Jit::link(Block* prev, Block& next) {
  void* pending = m_pending_exit;
  m_pending_exit = nullptr;
  if (!pending || !prev || prev->native_generation != m_generation) return;
  if (next.native_generation != m_generation) return;
  for (Block::NativeExit& exit : prev->native_exits) {
    if (&exit == pending) exit = {m_cpu.s.rip, m_cpu.m_chain_epoch, next.native};
  }
}

}  // namespace glasspc

// Fetching, decoding and executing instructions: block lookup by physical location, block
// decoding, and the exact single-instruction path for code that crosses a page boundary, runs
// from MMIO, or reaches the CS limit.
#include <cstring>

#include "cpu/block_cache.h"
#include "cpu/cpu_inline.h"
#include "cpu/decoder.h"
#include "cpu/jit/jit.h"

namespace glasspc {
namespace {

constexpr unsigned kMaxBlockInsns = 64;
constexpr unsigned kMaxInsnLength = 15;

u64 rip_mask(CodeSize size) {
  return size == CodeSize::k64 ? ~u64{0} : size == CodeSize::k32 ? 0xffffffffu : 0xffffu;
}

}  // namespace

// Returns false when fetching faulted (the fault has been delivered). On success `block` is the
// block to run, or null when the instruction must take the single-instruction path.
bool X86Cpu::fetch_block(Block*& block) {
  block = nullptr;
  u64 linear = s.seg[kCs].base + s.rip;
  if (!code64()) linear &= 0xffffffffu;
  const unsigned key = s.cpl == 3 ? kKeyUser : kKeySupervisor;
  TlbEntry* e = &tlb_slot(Access::Exec, linear);
  if (e->tag != tlb_tag(linear, key)) {
    e = tlb_fill(linear, Access::Exec, key);
    if (!e) {
      deliver_pending_exception();
      m_total_cycles += 1;
      return false;
    }
  }
  if (!e->host) return true;  // code in MMIO: never cached
  const u64 offset = linear & kPageMask;
  const bool in_ram = e->ram_page != ~u64{0};
  const u64 location = (in_ram ? e->ram_page : e->phys) | offset;
  const u64 block_key = BlockCache::key_for(location, in_ram, static_cast<unsigned>(m_code_size));
  const u64 generation = m_env.memory.generation();
  block = m_blocks->find(block_key, generation);
  if (!block) {
    auto fresh = std::make_unique<Block>();
    fresh->key = block_key;
    fresh->generation = generation;
    fresh->in_ram = in_ram;
    const u8* code = e->host;
    unsigned pos = static_cast<unsigned>(offset);
    while (fresh->insns.size() < kMaxBlockInsns && pos < kPageSize) {
      const unsigned avail = std::min<unsigned>(kMaxInsnLength, kPageSize - pos);
      Insn insn;
      unsigned needed;
      if (decode_insn(opcode_table(*m_model), code + pos, avail, m_code_size, insn, needed) !=
          DecodeStatus::Ok)
        break;
      fresh->insns.push_back(insn);
      pos += insn.len;
      if (insn.ends_block) break;
    }
    if (fresh->insns.empty()) return true;  // crosses the page: single-instruction path
    fresh->bytes = pos - static_cast<unsigned>(offset);
    block = m_blocks->insert(std::move(fresh), in_ram ? e->ram_page / kPageSize : 0);
    // Watching a new code page bumped the map generation: drop stale direct write pointers
    // before any instruction of the block can store through one.
    check_generation();
  }
  // The whole block must lie within the CS limit; otherwise step exactly.
  if (!code64() && s.rip + block->bytes - 1 > s.seg[kCs].limit) block = nullptr;
  return true;
}

// Runs `block` (natively when the JIT has compiled it), then keeps following linked successors
// (see Block::Link) while nothing needs the run loop: anything that does (an interrupt, stop(), a
// mode or TF change, the deadline) sets m_cycle_limit to 0 or has been reached. Returns the last
// block entered, from which the run loop links the next one it looks up.
Block* X86Cpu::execute_block(Block* block) {
  const u64 mask = rip_mask(m_code_size);
  const bool teaching = m_config.one_cycle_per_instruction;
  for (;;) {
    if (m_jit) {
      if (Block* last = m_jit->run(*block)) return last;
    }
    for (const Insn& insn : block->insns) {
      if (m_total_cycles >= m_cycle_limit) return block;
      const u64 fallthrough = (s.rip + insn.len) & mask;
      m_next_rip = fallthrough;
      m_extra_cycles = 0;
      if (!insn.handler(*this, insn)) {
        m_total_cycles += teaching ? 1 : insn.cycles + m_extra_cycles;
        deliver_pending_exception();
        return block;
      }
      m_total_cycles += teaching ? 1 : insn.cycles + m_extra_cycles;
      ++m_retired;
      s.rip = m_next_rip;
      if (m_next_rip != fallthrough) break;
    }
    if (m_total_cycles >= m_cycle_limit) return block;
    Block* next = nullptr;
    for (const Block::Link& link : block->links) {
      if (link.rip == s.rip && link.epoch == m_chain_epoch) {
        next = link.block;
        break;
      }
    }
    if (!next) return block;
    block = next;
  }
}

void X86Cpu::execute_one_uncached() {
  u64 linear = s.seg[kCs].base + s.rip;
  if (!code64()) linear &= 0xffffffffu;
  const unsigned key = s.cpl == 3 ? kKeyUser : kKeySupervisor;
  // Bytes allowed by the CS limit (SDM Vol. 3A 5.3: every byte must lie within the limit).
  unsigned limit_bytes = kMaxInsnLength;
  if (!code64()) {
    const u64 lim = s.seg[kCs].limit;
    limit_bytes =
        s.rip > lim ? 0 : static_cast<unsigned>(std::min<u64>(kMaxInsnLength, lim - s.rip + 1));
  }
  u8 bytes[kMaxInsnLength] = {};
  unsigned have = 0;
  Insn insn;
  for (;;) {
    unsigned needed = 0;
    const DecodeStatus status =
        have == 0 ? DecodeStatus::NeedMore
                  : decode_insn(opcode_table(*m_model), bytes, have, m_code_size, insn, needed);
    if (status == DecodeStatus::Ok) break;
    if (status == DecodeStatus::TooLong) {
      gp(0);
      m_total_cycles += 1;
      deliver_pending_exception();
      return;
    }
    if (have == 0) needed = 1;
    if (have >= limit_bytes) {
      gp(0);
      m_total_cycles += 1;
      deliver_pending_exception();
      return;
    }
    // Fetch through the end of the page holding the next byte (or up to the limits).
    const u64 at = code64() ? linear + have : (linear + have) & 0xffffffffu;
    const unsigned chunk =
        std::min<unsigned>(limit_bytes - have, static_cast<unsigned>(kPageSize - (at & kPageMask)));
    TlbEntry* e = &tlb_slot(Access::Exec, at);
    if (e->tag != tlb_tag(at, key)) {
      e = tlb_fill(at, Access::Exec, key);
      if (!e) {
        m_total_cycles += 1;
        deliver_pending_exception();
        return;
      }
    }
    if (e->host) {
      std::memcpy(bytes + have, e->host + (at & kPageMask), chunk);
    } else {
      for (unsigned i = 0; i < chunk; ++i) {
        bytes[have + i] = static_cast<u8>(m_env.memory.read(e->phys | ((at + i) & kPageMask), 1));
      }
    }
    have += chunk;
  }
  const u64 mask = rip_mask(m_code_size);
  const u64 fallthrough = (s.rip + insn.len) & mask;
  m_next_rip = fallthrough;
  m_extra_cycles = 0;
  const bool teaching = m_config.one_cycle_per_instruction;
  if (!insn.handler(*this, insn)) {
    m_total_cycles += teaching ? 1 : insn.cycles + m_extra_cycles;
    deliver_pending_exception();
    return;
  }
  m_total_cycles += teaching ? 1 : insn.cycles + m_extra_cycles;
  ++m_retired;
  s.rip = m_next_rip;
}

}  // namespace glasspc

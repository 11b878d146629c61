// Decoded blocks, cached by where their code lives and the code size they were decoded for.
//
// A block is a run of decoded instructions within one 4 KiB page, ending at a control transfer
// or state change. Blocks in RAM are keyed by RAM offset, and their pages are watched
// (MemoryMap::watch_ram_page) so that any write to them — a CPU store, DMA, a loader — drops
// the blocks of that page (self-modifying code is exact). Blocks in ROM are keyed by physical
// address and remember the memory-map generation they were decoded under, since a map change
// (PAM, a BAR) can put different bytes at the same address.
#pragma once

#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

#include "bus/types.h"
#include "cpu/insn.h"

namespace glasspc {

class MemoryMap;

struct Block {
  // A successor found by a full lookup, reused while nothing that could change the lookup's
  // answer (TLB contents, CS, mode, decoded blocks) has changed: see X86Cpu::m_chain_epoch.
  struct Link {
    u64 rip = ~u64{0};
    u64 epoch = 0;
    Block* block = nullptr;
  };
  std::array<Link, 8> links{};  // several: an indirect jump has many successors
  unsigned next_link = 0;
  u64 key = 0;
  u64 generation = 0;  // map generation (ROM blocks only)
  bool in_ram = false;
  u32 bytes = 0;  // bytes of code covered, from the first instruction
  std::vector<Insn> insns;

  // Native code (cpu/jit/jit.h), valid while native_generation is the JIT's generation.
  struct NativeExit {  // where a compiled exit jumps when its target RIP and epoch match
    u64 rip = ~u64{0};
    u64 epoch = 0;
    const void* code = nullptr;
  };
  const void* native = nullptr;
  u64 native_generation = 0;
  u64 native_span = 0;                       // cycles of every instruction but the last
  std::array<NativeExit, 2> native_exits{};  // [0] taken or computed target, [1] fall-through
  u32 heat = 0;                              // interpreted runs before compiling
  bool native_failed = false;
};

class BlockCache {
 public:
  static constexpr u64 kRamKey = u64{1} << 62;

  explicit BlockCache(MemoryMap& memory) : m_memory(memory) {}

  static u64 key_for(u64 location, bool in_ram, unsigned code_size) {
    return location | (in_ram ? kRamKey : 0) | (u64{code_size} << 60);
  }

  Block* find(u64 key, u64 generation) {
    Block* b = m_fast[slot(key)];
    if (!b || b->key != key) {
      auto it = m_blocks.find(key);
      if (it == m_blocks.end()) return nullptr;
      b = it->second.get();
      m_fast[slot(key)] = b;
    }
    if (!b->in_ram && b->generation != generation) {
      retire(b->key);
      return nullptr;
    }
    return b;
  }

  // Takes ownership; watches the RAM page of a RAM block.
  Block* insert(std::unique_ptr<Block> block, u64 ram_page);

  // Drops every block on the RAM pages overlapping [ram_offset, ram_offset + length).
  void invalidate_ram(u64 ram_offset, u64 length);
  void clear();
  // Frees blocks dropped while one of them may have been executing.
  void collect() { m_retired.clear(); }
  u64 invalidations() const { return m_invalidations; }

 private:
  static unsigned slot(u64 key) { return static_cast<unsigned>((key ^ (key >> 13)) % kFastSize); }
  void retire(u64 key);

  static constexpr unsigned kFastSize = 4096;
  MemoryMap& m_memory;
  std::unordered_map<u64, std::unique_ptr<Block>> m_blocks;
  std::unordered_map<u64, std::vector<u64>> m_page_keys;  // RAM page number -> block keys
  std::array<Block*, kFastSize> m_fast{};
  std::vector<std::unique_ptr<Block>> m_retired;
  u64 m_invalidations = 0;
};

}  // namespace glasspc

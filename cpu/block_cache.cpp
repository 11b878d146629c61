// Storage and invalidation of decoded blocks (see cpu/block_cache.h).
#include "cpu/block_cache.h"

#include "bus/memory_map.h"

namespace glasspc {

Block* BlockCache::insert(std::unique_ptr<Block> block, u64 ram_page) {
  Block* b = block.get();
  const u64 key = b->key;
  if (m_blocks.count(key)) retire(key);
  if (b->in_ram) {
    auto& keys = m_page_keys[ram_page];
    if (keys.empty() && !m_memory.ram_page_watched(ram_page))
      m_memory.watch_ram_page(ram_page, true);
    keys.push_back(key);
  }
  m_blocks[key] = std::move(block);
  m_fast[slot(key)] = b;
  return b;
}

void BlockCache::retire(u64 key) {
  auto it = m_blocks.find(key);
  if (it == m_blocks.end()) return;
  Block*& fast = m_fast[slot(key)];
  if (fast == it->second.get()) fast = nullptr;
  m_retired.push_back(std::move(it->second));
  m_blocks.erase(it);
}

void BlockCache::invalidate_ram(u64 ram_offset, u64 length) {
  if (length == 0) return;
  const u64 first = ram_offset / kPageSize;
  const u64 last = (ram_offset + length - 1) / kPageSize;
  for (u64 page = first; page <= last; ++page) {
    auto it = m_page_keys.find(page);
    if (it == m_page_keys.end()) continue;
    // The page stays watched: code pages tend to be written again (data next to code), and
    // unwatching would only make the next block on it bump the map generation again.
    for (u64 key : it->second) retire(key);
    m_page_keys.erase(it);
    ++m_invalidations;
  }
}

void BlockCache::clear() {
  for (auto& [key, block] : m_blocks) m_retired.push_back(std::move(block));
  m_blocks.clear();
  m_page_keys.clear();
  m_fast.fill(nullptr);
}

}  // namespace glasspc

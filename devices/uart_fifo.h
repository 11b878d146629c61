// The 16-entry FIFO of the 16550A (TI PC16550D datasheet, section 8.6 "FIFO Interrupt Mode
// Operation"): a ring of characters, each carrying the error flags it was received with, so that
// a parity, framing or break error is revealed when its character reaches the top of the FIFO.
#pragma once

#include <array>
#include <vector>

#include "bus/types.h"

namespace glasspc {

class UartFifo {
 public:
  static constexpr unsigned kCapacity = 16;

  struct Entry {
    u8 data = 0;
    u8 errors = 0;  // LSR bits PE/FE/BI that belong to this character
  };

  bool empty() const { return m_count == 0; }
  unsigned size() const { return m_count; }
  bool full() const { return m_count == kCapacity; }
  void clear() {
    m_head = 0;
    m_count = 0;
  }

  // Callers check full() first; a push into a full FIFO is ignored.
  void push(Entry entry) {
    if (full()) return;
    m_entries[(m_head + m_count) % kCapacity] = entry;
    ++m_count;
  }
  // Callers check empty() first; popping an empty FIFO returns a zero entry.
  Entry pop() {
    if (empty()) return {};
    const Entry entry = m_entries[m_head];
    m_head = (m_head + 1) % kCapacity;
    --m_count;
    return entry;
  }
  const Entry& at(unsigned index) const { return m_entries[(m_head + index) % kCapacity]; }
  const Entry& front() const { return at(0); }
  // Replaces the newest entry (the 16450-mode RBR/THR, where a new character overwrites the
  // one the CPU did not take).
  void replace_back(Entry entry) {
    if (empty()) {
      push(entry);
      return;
    }
    m_entries[(m_head + m_count - 1) % kCapacity] = entry;
  }

  // Snapshot form: oldest first, data in bits 0-7 and error flags in bits 8-15.
  std::vector<u16> to_vector() const {
    std::vector<u16> out;
    out.reserve(m_count);
    for (unsigned i = 0; i < m_count; ++i)
      out.push_back(static_cast<u16>(at(i).data | (at(i).errors << 8)));
    return out;
  }
  // Entries beyond the capacity (a damaged snapshot) are dropped.
  void from_vector(const std::vector<u16>& values) {
    clear();
    for (u16 value : values) {
      if (full()) break;
      push(Entry{static_cast<u8>(value & 0xff), static_cast<u8>(value >> 8)});
    }
  }

 private:
  std::array<Entry, kCapacity> m_entries{};
  unsigned m_head = 0;
  unsigned m_count = 0;
};

}  // namespace glasspc

// Segment-to-linear translation, the software TLB and the slow memory path.
//
// The TLB has one direct-mapped array per access kind (read, write, execute), so a write entry
// exists only for pages the walk allowed writing (and whose dirty bit it set), and an execute
// entry only for pages allowed to be fetched from. The tag includes the privilege key (user,
// supervisor, supervisor with EFLAGS.AC under SMAP), so a permission decision made for one kind of
// access is never reused for another. Entries point straight at host RAM, or have no host pointer
// (MMIO, ROM writes, pages holding decoded code) and then go through the MemoryMap.
#include <algorithm>
#include <cstring>

#include "bus/local_apic.h"
#include "bus/memory_map.h"
#include "cpu/cpu_inline.h"

namespace glasspc {
void X86Cpu::check_generation() {
  const u64 generation = m_env.memory.generation();
  if (generation != m_tlb_generation) {
    flush_tlb(false);
    m_tlb_generation = generation;
  }
}

void X86Cpu::flush_tlb(bool keep_global) {
  ++m_chain_epoch;
  for (auto& table : m_tlb) {
    for (auto& e : table) {
      if (!(keep_global && e.global)) e.tag = ~u64{0};
    }
  }
}

void X86Cpu::flush_tlb_page(u64 linear) {
  ++m_chain_epoch;
  // INVLPG drops the page for every privilege key, global or not (SDM Vol. 3A 4.10.4.1).
  for (auto& table : m_tlb) {
    TlbEntry& e = table[tlb_index(linear)];
    if ((e.tag & ~kPageMask) == (linear & ~kPageMask)) e.tag = ~u64{0};
  }
}

bool X86Cpu::translate(u64 linear, Access access, unsigned key, u64& phys) {
  if (!paging()) {
    phys = linear;
    return true;
  }
  bool global = false;
  return page_walk(linear, access, key, phys, global);
}

X86Cpu::TlbEntry* X86Cpu::tlb_fill(u64 linear, Access access, unsigned key) {
  check_generation();
  u64 phys = linear;
  bool global = false;
  if (paging() && !page_walk(linear, access, key, phys, global)) return nullptr;
  phys &= m_env.memory.a20_mask();
  const u64 page = phys & ~kPageMask;
  const MemoryMap::HostPage host = m_env.memory.host_page(page);
  TlbEntry& e = tlb_slot(access, linear);
  e.tag = tlb_tag(linear, key);
  e.phys = page;
  e.global = global;
  e.host = access == Access::Write ? host.write : host.read;
  e.ram_page = host.ram_offset;
  // Pages watched by a data breakpoint take the slow path, where accesses are checked.
  if (m_dr_data && access != Access::Exec && page_has_data_breakpoint(linear)) e.host = nullptr;
  // The xAPIC page hides whatever the map has there, for this CPU only (SDM Vol. 3A 11.4.1).
  if (m_lapic && page == apic_page()) e.host = nullptr;
  return &e;
}

u64 X86Cpu::apic_page() const {
  if (!m_lapic || !m_lapic->xapic_mmio_enabled()) return ~u64{0};
  return m_lapic->apic_base() & ~u64{0xfff} & ((u64{1} << 40) - 1);
}

// xAPIC registers are 32 bits wide at 16-byte offsets; wider accesses are split into dwords
// and narrower ones passed on for the LAPIC to judge (SDM Vol. 3A 11.4.1).
void X86Cpu::apic_read(u64 pa, void* out, unsigned size) {
  u8* bytes = static_cast<u8*>(out);
  const u32 offset = static_cast<u32>(pa & kPageMask);
  for (unsigned done = 0; done < size; done += 4) {
    const unsigned n = std::min(size - done, 4u);
    const u32 v = m_lapic->mmio_read(offset + done, n);
    std::memcpy(bytes + done, &v, n);
  }
}

void X86Cpu::apic_write(u64 pa, const void* in, unsigned size) {
  const u8* bytes = static_cast<const u8*>(in);
  const u32 offset = static_cast<u32>(pa & kPageMask);
  for (unsigned done = 0; done < size; done += 4) {
    const unsigned n = std::min(size - done, 4u);
    u32 v = 0;
    std::memcpy(&v, bytes + done, n);
    m_lapic->mmio_write(offset + done, v, n);
  }
  end_block();  // EOI, TPR and ICR writes change what may be delivered next
}

u64 X86Cpu::phys_read(u64 pa, unsigned size) {
  return m_env.memory.read(pa & m_env.memory.a20_mask(), size);
}

void X86Cpu::phys_write(u64 pa, u64 value, unsigned size) {
  m_env.memory.write(pa & m_env.memory.a20_mask(), value, size);
}

bool X86Cpu::read_linear_slow(u64 linear, void* out, unsigned size, unsigned key) {
  if (!code64()) linear &= 0xffffffffu;
  u8* dst = static_cast<u8*>(out);
  while (size > 0) {
    const unsigned chunk = std::min<u64>(size, kPageSize - (linear & kPageMask));
    TlbEntry* e = &tlb_slot(Access::Read, linear);
    if (e->tag != tlb_tag(linear, key)) {
      e = tlb_fill(linear, Access::Read, key);
      if (!e) return false;
    }
    if (m_dr_data) check_data_breakpoints(linear, chunk, false);
    if (e->host) {
      std::memcpy(dst, e->host + (linear & kPageMask), chunk);
    } else {
      // MMIO: the device may look at the clock and arm timers.
      sync_clock();
      const u64 pa = e->phys | (linear & kPageMask);
      if (m_lapic && e->phys == apic_page()) {
        apic_read(pa, dst, chunk);
      } else if (chunk == 1 || chunk == 2 || chunk == 4 || chunk == 8) {
        const u64 v = m_env.memory.read(pa, chunk);
        std::memcpy(dst, &v, chunk);
      } else {
        for (unsigned i = 0; i < chunk; ++i) dst[i] = static_cast<u8>(m_env.memory.read(pa + i, 1));
      }
      io_done();
    }
    dst += chunk;
    linear += chunk;
    if (!code64()) linear &= 0xffffffffu;  // linear addresses wrap at 4 GiB outside 64-bit mode
    size -= chunk;
  }
  return true;
}

bool X86Cpu::probe_write(u64 linear, unsigned size, unsigned key) {
  // Accesses span at most two pages: check the first byte's page and the last byte's page.
  u64 last = linear + size - 1;
  if (!code64()) {
    linear &= 0xffffffffu;
    last &= 0xffffffffu;
  }
  // A fault on the second page reports the first byte on that page in CR2.
  const u64 second = last & ~kPageMask;
  for (const u64 at : {linear, second}) {
    TlbEntry& e = tlb_slot(Access::Write, at);
    if (e.tag != tlb_tag(at, key) && !tlb_fill(at, Access::Write, key)) return false;
    if (second == (linear & ~kPageMask)) break;
  }
  return true;
}

bool X86Cpu::write_linear_slow(u64 linear, const void* in, unsigned size, unsigned key) {
  if (!code64()) linear &= 0xffffffffu;
  // Both pages of a split access must be writable before either is written.
  if (((linear & kPageMask) + size > kPageSize) && !probe_write(linear, size, key)) return false;
  const u8* src = static_cast<const u8*>(in);
  while (size > 0) {
    const unsigned chunk = std::min<u64>(size, kPageSize - (linear & kPageMask));
    TlbEntry* e = &tlb_slot(Access::Write, linear);
    if (e->tag != tlb_tag(linear, key)) {
      e = tlb_fill(linear, Access::Write, key);
      if (!e) return false;
    }
    if (m_dr_data) check_data_breakpoints(linear, chunk, true);
    if (e->host) {
      std::memcpy(e->host + (linear & kPageMask), src, chunk);
    } else {
      // MMIO, ROM, or a RAM page holding decoded code (the map reports it to ram_written).
      sync_clock();
      const u64 pa = e->phys | (linear & kPageMask);
      if (m_lapic && e->phys == apic_page()) {
        apic_write(pa, src, chunk);
      } else if (chunk == 1 || chunk == 2 || chunk == 4 || chunk == 8) {
        u64 v = 0;
        std::memcpy(&v, src, chunk);
        m_env.memory.write(pa, v, chunk);
      } else {
        for (unsigned i = 0; i < chunk; ++i) m_env.memory.write(pa + i, src[i], 1);
      }
      io_done();
    }
    src += chunk;
    linear += chunk;
    if (!code64()) linear &= 0xffffffffu;
    size -= chunk;
  }
  return true;
}

}  // namespace glasspc

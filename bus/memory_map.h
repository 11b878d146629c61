// The guest-physical address space.
//
// Regions are RAM, ROM, MMIO or aliases of another region, each with a priority. Overlaps are
// resolved by priority and flattened into one sorted table of ranges; reads and writes are
// flattened separately, so a region may claim only reads or only writes (the i440FX PAM
// registers route reads of 0xC0000-0xFFFFF to ROM and writes to shadow RAM this way).
//
// Guest RAM is one host allocation. RAM regions are windows into it (below and above the PCI
// hole, at 0 and at 4 GiB), so the CPU reaches RAM through host pointers (host_page) and only
// MMIO, ROM writes and unassigned space take the slow path. Every change to the map bumps
// generation(), which invalidates CPU TLB entries.
//
// MMIO handlers declare the access sizes that are valid (others are dropped as unassigned, reads
// give all ones) and the sizes they implement (others are split or widened, see access_sizes.h).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bus/access_sizes.h"
#include "bus/types.h"

namespace glasspc {

class Trace;

struct MmioOps {
  std::function<u64(u64 offset, unsigned size)> read;
  std::function<void(u64 offset, u64 value, unsigned size)> write;
  AccessSizes valid{1, 8, true};
  AccessSizes impl{1, 8, true};
  bool traces_itself = false;  // the device traces by register name (RegisterBank)
};

enum class RegionKind { Ram, Rom, Mmio, Alias };

using RegionId = u32;

// Which directions a region decodes. A region that does not decode a direction is transparent
// to it: the access falls through to the next region below it by priority.
enum class Decode : u8 { None = 0, Read = 1, Write = 2, ReadWrite = 3 };

// Told about writes that reach RAM pages marked as watched (pages holding translated code),
// by any path other than the CPU's direct host pointer (which is never handed out for them).
class RamWriteObserver {
 public:
  virtual ~RamWriteObserver() = default;
  virtual void ram_written(u64 ram_offset, u64 length) = 0;
};

// Releases the host mapping that holds guest RAM.
struct GuestRamUnmapper {
  u64 size = 0;
  void operator()(u8* ram) const;
};

class MemoryMap {
 public:
  explicit MemoryMap(Trace& trace);
  ~MemoryMap();

  // --- building the map ---------------------------------------------------------------------
  // Allocates guest RAM (zeroed). Call once, before adding RAM regions.
  void allocate_ram(u64 size);
  u8* ram() { return m_ram.get(); }
  const u8* ram() const { return m_ram.get(); }
  u64 ram_size() const { return m_ram_size; }

  // A window [gpa, gpa + size) onto guest RAM starting at `ram_offset`.
  RegionId add_ram(std::string name, Gpa gpa, u64 size, u64 ram_offset, int priority = 0);
  // Read-only memory holding `image` (its size is the region's size). Writes are dropped.
  RegionId add_rom(std::string name, Gpa gpa, std::vector<u8> image, int priority = 0);
  RegionId add_mmio(std::string name, Gpa gpa, u64 size, MmioOps ops, int priority = 0);
  // [gpa, gpa + size) shows `target` starting at `target_offset` (ROM mirrored at 0xE0000).
  RegionId add_alias(std::string name, Gpa gpa, u64 size, RegionId target, u64 target_offset,
                     int priority = 0);

  void remove(RegionId id);
  void move(RegionId id, Gpa new_gpa);         // BAR relocation
  void set_enabled(RegionId id, bool enabled);  // BAR decode on/off (PCI command register)
  void set_decode(RegionId id, Decode decode);  // PAM
  Gpa region_base(RegionId id) const;
  u64 region_size(RegionId id) const;
  const std::string& region_name(RegionId id) const;
  // Host bytes of a ROM region (firmware loaders patch ROMs before boot).
  std::vector<u8>& rom_bytes(RegionId id);

  // --- accesses -----------------------------------------------------------------------------
  // Slow-path accesses of 1, 2, 4 or 8 bytes, little-endian, any alignment; accesses that cross
  // region boundaries are split. Unassigned reads return all ones; unassigned writes are dropped.
  // The A20 mask is NOT applied here: it is a CPU-side gate (see a20_mask()).
  u64 read(Gpa gpa, unsigned size);
  void write(Gpa gpa, u64 value, unsigned size);
  // Bulk copies for loaders and DMA: any length, any region kinds.
  void read_bytes(Gpa gpa, void* dst, u64 length);
  void write_bytes(Gpa gpa, const void* src, u64 length);

  // Host pointers to a whole 4 KiB guest page, for the CPU's TLB. `read` is set when the page is
  // entirely RAM or ROM for reads; `write` when it is entirely RAM for writes and not watched.
  // `ram_offset` is the RAM offset of the page when `write` or a RAM `read` is set, else ~0.
  struct HostPage {
    u8* read = nullptr;
    u8* write = nullptr;
    u64 ram_offset = ~u64{0};
  };
  HostPage host_page(Gpa page) const;
  // The RAM offset backing `gpa` for reads, or ~0 if it is not RAM.
  u64 ram_offset_of(Gpa gpa) const;

  // Bumped by every change of the map (regions, decode, A20, watched pages turning on).
  u64 generation() const { return m_generation; }

  // The A20 gate (port 0x92, i8042 output port). When disabled, CPU accesses clear address bit 20.
  void set_a20(bool enabled);
  bool a20_enabled() const { return m_a20; }
  u64 a20_mask() const { return m_a20 ? ~u64{0} : ~(u64{1} << 20); }

  // Watched RAM pages (indexed by RAM offset / 4096) lose their direct write pointer, and writes
  // to them are reported to the observer.
  void set_ram_write_observer(RamWriteObserver* observer) { m_observer = observer; }
  void watch_ram_page(u64 ram_page, bool watched);
  bool ram_page_watched(u64 ram_page) const {
    return ram_page < m_watched.size() && m_watched[ram_page];
  }

  u64 unassigned_accesses() const { return m_unassigned; }

  // Text table of the flattened map (the monitor's "info mtree").
  std::string describe() const;

 private:
  struct Region;
  struct Target {
    const Region* region = nullptr;  // null: unassigned
    u64 offset = 0;                  // offset in the (resolved, non-alias) region at range start
  };
  struct FlatRange {
    Gpa start;
    Gpa end;  // exclusive
    Target read;
    Target write;
  };

  RegionId add_region(std::unique_ptr<Region> region);
  Region& region(RegionId id) const;  // throws std::logic_error for an unknown id
  // Follows aliases from `offset` in `region` to the region that holds the bytes; `avail` is cut
  // to the bytes that stay inside every region on the way. Null when the alias leads nowhere.
  const Region* resolve(const Region* region, u64& offset, u64& avail) const;
  void notify_watched(u64 ram_offset, u64 length);
  void changed();
  void flatten() const;
  const FlatRange* lookup(Gpa gpa) const;
  u64 access_read(const Target& target, Gpa gpa, const FlatRange& range, unsigned size);
  void access_write(const Target& target, Gpa gpa, const FlatRange& range, u64 value, unsigned size);

  Trace& m_trace;
  // Guest RAM is an anonymous host mapping: zero-filled by the host kernel on first touch, so
  // only the pages a guest uses cost host memory.
  std::unique_ptr<u8[], GuestRamUnmapper> m_ram;
  u64 m_ram_size = 0;
  std::vector<std::unique_ptr<Region>> m_regions;  // index = RegionId; removed = null
  mutable std::vector<FlatRange> m_flat;
  mutable bool m_dirty = true;
  u64 m_generation = 1;
  bool m_a20 = true;
  std::vector<bool> m_watched;
  RamWriteObserver* m_observer = nullptr;
  u64 m_unassigned = 0;
};

}  // namespace glasspc

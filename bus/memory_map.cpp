#include "bus/memory_map.h"

#include <sys/mman.h>

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <stdexcept>

#include "bus/trace.h"

namespace glasspc {

// Guest memory is little-endian; RAM and ROM values are copied straight into host integers.
static_assert(std::endian::native == std::endian::little, "glasspc needs a little-endian host");

namespace {

// Exclusive end of everything the map decodes. The single byte at 2^64 - 1 is never decoded,
// so that every end fits in a u64; no physical address width comes near it.
constexpr Gpa kTop = ~Gpa{0};
// Longer alias chains are treated as a loop and decode nothing.
constexpr int kMaxAliasDepth = 8;

Gpa clipped_end(Gpa base, u64 size) {
  return size > kTop - base ? kTop : base + size;
}

bool decodes(Decode decode, Decode direction) {
  return (static_cast<u8>(decode) & static_cast<u8>(direction)) != 0;
}

std::string_view kind_name(RegionKind kind) {
  switch (kind) {
    case RegionKind::Ram:
      return "ram";
    case RegionKind::Rom:
      return "rom";
    case RegionKind::Mmio:
      return "mmio";
    case RegionKind::Alias:
      return "alias";
  }
  return "?";
}

// The largest naturally aligned access (8, 4, 2 or 1 bytes, at most `largest`) at `offset` that
// fits in `length`: how bulk copies talk to MMIO.
unsigned aligned_piece(u64 offset, u64 length, unsigned largest) {
  unsigned piece = 8;
  while (piece > 1 && (piece > largest || piece > length || (offset & (piece - 1)) != 0))
    piece >>= 1;
  return piece;
}

}  // namespace

struct MemoryMap::Region {
  RegionId id = 0;  // also the insertion order: among equal priorities the later region wins
  RegionKind kind = RegionKind::Ram;
  std::string name;
  Gpa base = 0;
  u64 size = 0;
  int priority = 0;
  bool enabled = true;
  Decode decode = Decode::ReadWrite;
  u64 ram_offset = 0;         // Ram
  std::vector<u8> rom;        // Rom
  MmioOps ops;                // Mmio
  RegionId alias_target = 0;  // Alias
  u64 alias_offset = 0;       // Alias
};

MemoryMap::MemoryMap(Trace& trace) : m_trace(trace) {}
MemoryMap::~MemoryMap() = default;

// --- building the map ---------------------------------------------------------------------------

void GuestRamUnmapper::operator()(u8* ram) const {
  if (ram) munmap(ram, size);
}

void MemoryMap::allocate_ram(u64 size) {
  if (m_ram) throw std::logic_error("memory map: guest RAM is already allocated");
  if (size == 0) throw std::logic_error("memory map: guest RAM size is zero");
  // Zeroed (power-on RAM contents must not depend on the host) and lazily committed.
  void* ram = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
  if (ram == MAP_FAILED) throw std::bad_alloc();  // the frontend names the size in its message
  m_ram = std::unique_ptr<u8[], GuestRamUnmapper>(static_cast<u8*>(ram), GuestRamUnmapper{size});
  m_ram_size = size;
  m_watched.assign((size + kPageMask) / kPageSize, false);
}

RegionId MemoryMap::add_region(std::unique_ptr<Region> region) {
  if (region->size == 0)
    throw std::logic_error(fmt::format("memory region '{}' has size 0", region->name));
  region->id = static_cast<RegionId>(m_regions.size());
  m_regions.push_back(std::move(region));
  changed();
  return m_regions.back()->id;
}

RegionId MemoryMap::add_ram(std::string name, Gpa gpa, u64 size, u64 ram_offset, int priority) {
  if (ram_offset > m_ram_size || size > m_ram_size - ram_offset) {
    throw std::logic_error(
        fmt::format("RAM region '{}' ({:#x} bytes at RAM offset {:#x}) is outside "
                    "the {:#x} bytes of guest RAM",
                    name, size, ram_offset, m_ram_size));
  }
  auto region = std::make_unique<Region>();
  region->kind = RegionKind::Ram;
  region->name = std::move(name);
  region->base = gpa;
  region->size = size;
  region->priority = priority;
  region->ram_offset = ram_offset;
  return add_region(std::move(region));
}

RegionId MemoryMap::add_rom(std::string name, Gpa gpa, std::vector<u8> image, int priority) {
  auto region = std::make_unique<Region>();
  region->kind = RegionKind::Rom;
  region->name = std::move(name);
  region->base = gpa;
  region->size = image.size();
  region->priority = priority;
  region->rom = std::move(image);
  return add_region(std::move(region));
}

RegionId MemoryMap::add_mmio(std::string name, Gpa gpa, u64 size, MmioOps ops, int priority) {
  auto region = std::make_unique<Region>();
  region->kind = RegionKind::Mmio;
  region->name = std::move(name);
  region->base = gpa;
  region->size = size;
  region->priority = priority;
  region->ops = std::move(ops);
  return add_region(std::move(region));
}

RegionId MemoryMap::add_alias(std::string name, Gpa gpa, u64 size, RegionId target,
                              u64 target_offset, int priority) {
  if (target >= m_regions.size() || !m_regions[target])
    throw std::logic_error(fmt::format("alias '{}' names unknown region {}", name, target));
  auto region = std::make_unique<Region>();
  region->kind = RegionKind::Alias;
  region->name = std::move(name);
  region->base = gpa;
  region->size = size;
  region->priority = priority;
  region->alias_target = target;
  region->alias_offset = target_offset;
  return add_region(std::move(region));
}

MemoryMap::Region& MemoryMap::region(RegionId id) const {
  if (id >= m_regions.size() || !m_regions[id])
    throw std::logic_error(fmt::format("memory map: unknown region {}", id));
  return *m_regions[id];
}

void MemoryMap::remove(RegionId id) {
  region(id);
  m_regions[id].reset();
  changed();
}

void MemoryMap::move(RegionId id, Gpa new_gpa) {
  Region& r = region(id);
  if (r.base == new_gpa) return;
  r.base = new_gpa;
  changed();
}

void MemoryMap::set_enabled(RegionId id, bool enabled) {
  Region& r = region(id);
  if (r.enabled == enabled) return;
  r.enabled = enabled;
  changed();
}

void MemoryMap::set_decode(RegionId id, Decode decode) {
  Region& r = region(id);
  if (r.decode == decode) return;
  r.decode = decode;
  changed();
}

Gpa MemoryMap::region_base(RegionId id) const {
  return region(id).base;
}
u64 MemoryMap::region_size(RegionId id) const {
  return region(id).size;
}
const std::string& MemoryMap::region_name(RegionId id) const {
  return region(id).name;
}

std::vector<u8>& MemoryMap::rom_bytes(RegionId id) {
  Region& r = region(id);
  if (r.kind != RegionKind::Rom)
    throw std::logic_error(fmt::format("memory region '{}' is not a ROM", r.name));
  // The caller may resize the image, which moves the bytes that host pointers point to.
  changed();
  return r.rom;
}

void MemoryMap::set_a20(bool enabled) {
  if (m_a20 == enabled) return;
  m_a20 = enabled;
  ++m_generation;  // the CPU applies the mask, but its TLB caches masked translations
}

void MemoryMap::watch_ram_page(u64 ram_page, bool watched) {
  if (ram_page >= m_watched.size() || m_watched[ram_page] == watched) return;
  m_watched[ram_page] = watched;
  // Turning a watch on must take away direct write pointers the CPU already holds.
  if (watched) ++m_generation;
}

void MemoryMap::changed() {
  m_dirty = true;
  ++m_generation;
}

// --- flattening ---------------------------------------------------------------------------------

const MemoryMap::Region* MemoryMap::resolve(const Region* r, u64& offset, u64& avail) const {
  for (int depth = 0; r != nullptr && r->kind == RegionKind::Alias; ++depth) {
    if (depth == kMaxAliasDepth) return nullptr;
    const Region* target =
        r->alias_target < m_regions.size() ? m_regions[r->alias_target].get() : nullptr;
    if (target == nullptr || r->alias_offset >= target->size ||
        offset >= target->size - r->alias_offset)
      return nullptr;
    offset += r->alias_offset;
    avail = std::min(avail, target->size - offset);
    r = target;
  }
  return r;
}

void MemoryMap::flatten() const {
  struct Extent {
    const Region* region;
    Gpa start;
    Gpa end;
  };
  std::vector<Extent> extents;
  std::vector<Gpa> bounds{0};
  for (const auto& owned : m_regions) {
    const Region* r = owned.get();
    if (r == nullptr || !r->enabled || r->decode == Decode::None) continue;
    u64 offset = 0;
    u64 avail = r->size;
    // An alias shows only as much as its target has from target_offset on.
    if (resolve(r, offset, avail) == nullptr) continue;
    const Gpa end = clipped_end(r->base, avail);
    if (end == r->base) continue;
    extents.push_back({r, r->base, end});
    bounds.push_back(r->base);
    bounds.push_back(end);
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());

  // The winner of one direction over [start, end): highest priority, then latest added.
  auto winner = [&](Gpa start, Gpa end, Decode direction) {
    const Region* best = nullptr;
    for (const Extent& e : extents) {
      if (e.start > start || e.end < end || !decodes(e.region->decode, direction)) continue;
      if (best == nullptr || e.region->priority > best->priority ||
          (e.region->priority == best->priority && e.region->id > best->id))
        best = e.region;
    }
    Target target;
    if (best != nullptr) {
      u64 offset = start - best->base;
      u64 avail = end - start;
      target.region = resolve(best, offset, avail);
      target.offset = offset;
    }
    return target;
  };
  // Whether `next` carries on where `prev` (covering `length` bytes) stops.
  auto continues = [](const Target& prev, u64 length, const Target& next) {
    if (prev.region != next.region) return false;
    return prev.region == nullptr || prev.offset + length == next.offset;
  };

  m_flat.clear();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    const Gpa start = bounds[i];
    const Gpa end = i + 1 < bounds.size() ? bounds[i + 1] : kTop;
    if (start == end) continue;
    const FlatRange range{start, end, winner(start, end, Decode::Read),
                          winner(start, end, Decode::Write)};
    if (!m_flat.empty()) {
      FlatRange& prev = m_flat.back();
      const u64 length = prev.end - prev.start;
      if (continues(prev.read, length, range.read) && continues(prev.write, length, range.write)) {
        prev.end = end;
        continue;
      }
    }
    m_flat.push_back(range);
  }
  m_dirty = false;
}

const MemoryMap::FlatRange* MemoryMap::lookup(Gpa gpa) const {
  if (m_dirty) flatten();
  // The table covers [0, kTop) without gaps, so the last range starting at or below gpa holds it.
  auto it = std::upper_bound(m_flat.begin(), m_flat.end(), gpa,
                             [](Gpa a, const FlatRange& range) { return a < range.start; });
  return &*(it - 1);
}

// --- single accesses ----------------------------------------------------------------------------

u64 MemoryMap::read(Gpa gpa, unsigned size) {
  size = std::clamp(size, 1u, 8u);
  // A copy: a device callback may change the map, which rebuilds the table.
  const FlatRange range = *lookup(gpa);
  if (size <= range.end - gpa) return access_read(range.read, gpa, range, size);
  // Crosses into another range: byte by byte, each byte to whatever decodes it.
  u64 value = 0;
  for (unsigned i = 0; i < size; ++i) {
    const Gpa at = gpa + i;
    const FlatRange part = *lookup(at);
    const Target none;
    const u64 byte = access_read(at < part.end ? part.read : none, at, part, 1);
    value |= byte << (8 * i);
  }
  return value;
}

void MemoryMap::write(Gpa gpa, u64 value, unsigned size) {
  size = std::clamp(size, 1u, 8u);
  value &= size_mask(size);
  const FlatRange range = *lookup(gpa);
  if (size <= range.end - gpa) {
    access_write(range.write, gpa, range, value, size);
    return;
  }
  for (unsigned i = 0; i < size; ++i) {
    const Gpa at = gpa + i;
    const FlatRange part = *lookup(at);
    const Target none;
    access_write(at < part.end ? part.write : none, at, part, (value >> (8 * i)) & 0xff, 1);
  }
}

u64 MemoryMap::access_read(const Target& target, Gpa gpa, const FlatRange& range, unsigned size) {
  const Region* r = target.region;
  if (r == nullptr) {
    // Nothing decodes the address: the data lines float high (master abort).
    ++m_unassigned;
    const u64 value = size_mask(size);
    if (m_trace.on(TraceCategory::Unassigned)) {
      m_trace.emit(TraceCategory::Unassigned, "memory", "read",
                   {{"addr", gpa}, {"value", value}, {"size", size}});
    }
    return value;
  }
  const u64 offset = target.offset + (gpa - range.start);
  u64 value = 0;
  switch (r->kind) {
    case RegionKind::Ram:
      std::memcpy(&value, m_ram.get() + r->ram_offset + offset, size);
      return value;
    case RegionKind::Rom:
      // The image may have been shrunk through rom_bytes(); missing bytes read as erased flash.
      for (unsigned i = 0; i < size; ++i) {
        const u64 at = offset + i;
        value |= u64{at < r->rom.size() ? r->rom[at] : u8{0xff}} << (8 * i);
      }
      return value;
    case RegionKind::Mmio:
      break;
    case RegionKind::Alias:  // resolved when the table was built
      return size_mask(size);
  }
  const MmioOps& ops = r->ops;
  if (!ops.valid.accepts(offset, size)) {
    ++m_unassigned;
    value = size_mask(size);
    if (m_trace.on(TraceCategory::Unassigned)) {
      m_trace.emit(TraceCategory::Unassigned, r->name, "read",
                   {{"addr", gpa}, {"value", value}, {"size", size}}, "access size not valid");
    }
    return value;
  }
  value = read_adjusted(offset, size, ops.impl, [&ops](u64 at, unsigned unit) {
    return ops.read ? ops.read(at, unit) : size_mask(unit);
  });
  if (!ops.traces_itself && m_trace.on(TraceCategory::Mmio)) {
    m_trace.emit(TraceCategory::Mmio, r->name, "read",
                 {{"addr", gpa}, {"value", value}, {"size", size}});
  }
  return value;
}

void MemoryMap::access_write(const Target& target, Gpa gpa, const FlatRange& range, u64 value,
                             unsigned size) {
  const Region* r = target.region;
  if (r == nullptr) {
    ++m_unassigned;
    if (m_trace.on(TraceCategory::Unassigned)) {
      m_trace.emit(TraceCategory::Unassigned, "memory", "write",
                   {{"addr", gpa}, {"value", value}, {"size", size}});
    }
    return;
  }
  const u64 offset = target.offset + (gpa - range.start);
  switch (r->kind) {
    case RegionKind::Ram: {
      const u64 ram_offset = r->ram_offset + offset;
      std::memcpy(m_ram.get() + ram_offset, &value, size);
      notify_watched(ram_offset, size);
      return;
    }
    case RegionKind::Rom:
      // ROM decodes the cycle and ignores it; that is not an unassigned access.
      if (m_trace.on(TraceCategory::Unassigned)) {
        m_trace.emit(TraceCategory::Unassigned, r->name, "write",
                     {{"addr", gpa}, {"value", value}, {"size", size}}, "read-only, dropped");
      }
      return;
    case RegionKind::Mmio:
      break;
    case RegionKind::Alias:
      return;
  }
  const MmioOps& ops = r->ops;
  if (!ops.valid.accepts(offset, size)) {
    ++m_unassigned;
    if (m_trace.on(TraceCategory::Unassigned)) {
      m_trace.emit(TraceCategory::Unassigned, r->name, "write",
                   {{"addr", gpa}, {"value", value}, {"size", size}}, "access size not valid");
    }
    return;
  }
  // Traced before the callback so that the access precedes its consequences in the trace.
  if (!ops.traces_itself && m_trace.on(TraceCategory::Mmio)) {
    m_trace.emit(TraceCategory::Mmio, r->name, "write",
                 {{"addr", gpa}, {"value", value}, {"size", size}});
  }
  write_adjusted(
      offset, size, value, ops.impl,
      [&ops](u64 at, unsigned unit) { return ops.read ? ops.read(at, unit) : size_mask(unit); },
      [&ops](u64 at, u64 data, unsigned unit) {
        if (ops.write) ops.write(at, data, unit);
      });
}

void MemoryMap::notify_watched(u64 ram_offset, u64 length) {
  if (m_observer == nullptr || length == 0) return;
  const u64 end = ram_offset + length;
  for (u64 page = ram_offset / kPageSize; page * kPageSize < end; ++page) {
    if (!ram_page_watched(page)) continue;
    const u64 from = std::max(ram_offset, page * kPageSize);
    const u64 to = std::min(end, (page + 1) * kPageSize);
    m_observer->ram_written(from, to - from);
  }
}

// --- bulk copies --------------------------------------------------------------------------------

void MemoryMap::read_bytes(Gpa gpa, void* dst, u64 length) {
  u8* out = static_cast<u8*>(dst);
  while (length > 0) {
    const FlatRange range = *lookup(gpa);
    const Region* r = range.read.region;
    const u64 room = range.end - gpa;  // 0 only for the never-decoded last byte
    u64 chunk = std::min(length, room == 0 ? u64{1} : room);
    if (r == nullptr || room == 0) {
      std::memset(out, 0xff, chunk);
      ++m_unassigned;
      if (m_trace.on(TraceCategory::Unassigned)) {
        m_trace.emit(TraceCategory::Unassigned, "memory", "read",
                     {{"addr", gpa}, {"length", chunk}});
      }
    } else if (r->kind == RegionKind::Ram) {
      std::memcpy(out, m_ram.get() + r->ram_offset + range.read.offset + (gpa - range.start),
                  chunk);
    } else if (r->kind == RegionKind::Rom) {
      const u64 offset = range.read.offset + (gpa - range.start);
      const u64 present = offset < r->rom.size() ? std::min(chunk, r->rom.size() - offset) : 0;
      if (present > 0) std::memcpy(out, r->rom.data() + offset, present);
      std::memset(out + present, 0xff, chunk - present);
    } else {
      // MMIO: the widest valid naturally aligned pieces, one per round so that a callback that
      // changes the map is seen by the next piece.
      chunk = aligned_piece(range.read.offset + (gpa - range.start), chunk, r->ops.valid.max);
      const u64 value = access_read(range.read, gpa, range, static_cast<unsigned>(chunk));
      std::memcpy(out, &value, chunk);
    }
    out += chunk;
    gpa += chunk;
    length -= chunk;
  }
}

void MemoryMap::write_bytes(Gpa gpa, const void* src, u64 length) {
  const u8* in = static_cast<const u8*>(src);
  while (length > 0) {
    const FlatRange range = *lookup(gpa);
    const Region* r = range.write.region;
    const u64 room = range.end - gpa;
    u64 chunk = std::min(length, room == 0 ? u64{1} : room);
    if (r == nullptr || room == 0) {
      ++m_unassigned;
      if (m_trace.on(TraceCategory::Unassigned)) {
        m_trace.emit(TraceCategory::Unassigned, "memory", "write",
                     {{"addr", gpa}, {"length", chunk}});
      }
    } else if (r->kind == RegionKind::Ram) {
      const u64 ram_offset = r->ram_offset + range.write.offset + (gpa - range.start);
      std::memcpy(m_ram.get() + ram_offset, in, chunk);
      notify_watched(ram_offset, chunk);
    } else if (r->kind == RegionKind::Rom) {
      if (m_trace.on(TraceCategory::Unassigned)) {
        m_trace.emit(TraceCategory::Unassigned, r->name, "write",
                     {{"addr", gpa}, {"length", chunk}}, "read-only, dropped");
      }
    } else {
      chunk = aligned_piece(range.write.offset + (gpa - range.start), chunk, r->ops.valid.max);
      u64 value = 0;
      std::memcpy(&value, in, chunk);
      access_write(range.write, gpa, range, value, static_cast<unsigned>(chunk));
    }
    in += chunk;
    gpa += chunk;
    length -= chunk;
  }
}

// --- host pointers ------------------------------------------------------------------------------

MemoryMap::HostPage MemoryMap::host_page(Gpa page) const {
  page &= ~kPageMask;
  HostPage host;
  const FlatRange& range = *lookup(page);
  if (range.end - page < kPageSize) return host;  // the page holds more than one range
  const u64 offset_in_range = page - range.start;

  u64 read_ram = ~u64{0};
  if (const Region* r = range.read.region; r != nullptr) {
    const u64 offset = range.read.offset + offset_in_range;
    if (r->kind == RegionKind::Ram) {
      read_ram = r->ram_offset + offset;
      host.read = m_ram.get() + read_ram;
      host.ram_offset = read_ram;
    } else if (r->kind == RegionKind::Rom && offset <= r->rom.size() &&
               r->rom.size() - offset >= kPageSize) {
      // The CPU only reads through this pointer; ROM writes always take the slow path.
      host.read = const_cast<u8*>(r->rom.data()) + offset;
    }
  }
  if (const Region* r = range.write.region; r != nullptr && r->kind == RegionKind::Ram) {
    const u64 ram_offset = r->ram_offset + range.write.offset + offset_in_range;
    const bool watched = ram_page_watched(ram_offset / kPageSize) ||
                         ram_page_watched((ram_offset + kPageMask) / kPageSize);
    // Reads and writes backed by different RAM would need two offsets; writes then go slow.
    const bool same_ram = read_ram == ~u64{0} || read_ram == ram_offset;
    if (!watched && same_ram) {
      host.write = m_ram.get() + ram_offset;
      host.ram_offset = ram_offset;
    }
  }
  return host;
}

u64 MemoryMap::ram_offset_of(Gpa gpa) const {
  const FlatRange& range = *lookup(gpa);
  const Region* r = range.read.region;
  if (r == nullptr || r->kind != RegionKind::Ram || gpa >= range.end) return ~u64{0};
  return r->ram_offset + range.read.offset + (gpa - range.start);
}

// --- monitor ------------------------------------------------------------------------------------

std::string MemoryMap::describe() const {
  if (m_dirty) flatten();
  auto target_text = [](const Target& target) {
    const Region* r = target.region;
    if (r == nullptr) return std::string{"unassigned"};
    std::string text = fmt::format("{:<4} {} +{:#x}", kind_name(r->kind), r->name, target.offset);
    if (r->kind == RegionKind::Ram)
      text += fmt::format(" (ram {:#x})", r->ram_offset + target.offset);
    return text;
  };
  std::string out;
  for (const FlatRange& range : m_flat) {
    if (range.read.region == nullptr && range.write.region == nullptr) continue;
    out += fmt::format("{:016x}-{:016x} ", range.start, range.end - 1);
    const bool same =
        range.read.region == range.write.region && range.read.offset == range.write.offset;
    if (same) {
      out += target_text(range.read);
    } else {
      out += fmt::format("read: {}; write: {}", target_text(range.read), target_text(range.write));
    }
    out += '\n';
  }
  return out;
}

}  // namespace glasspc

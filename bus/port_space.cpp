#include "bus/port_space.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "bus/trace.h"

namespace glasspc {

namespace {

constexpr u32 kPortCount = 0x10000;

// Sizes the x86 IN/OUT instructions can produce (Intel SDM Vol. 1, 19.3: byte, word, doubleword).
unsigned clamp_size(unsigned size) {
  return std::clamp(size, 1u, 4u);
}

bool valid_unit(unsigned size) {
  return size == 1 || size == 2 || size == 4;
}

// Marks a claim's callbacks as running for the duration of one access.
class BusyScope {
 public:
  explicit BusyScope(u32& busy) : m_busy(busy) { ++m_busy; }
  ~BusyScope() { --m_busy; }
  BusyScope(const BusyScope&) = delete;
  BusyScope& operator=(const BusyScope&) = delete;

 private:
  u32& m_busy;
};

}  // namespace

PortSpace::PortSpace(Trace& trace) : m_trace(trace) {}

bool PortSpace::range_free(u16 base, u32 count) const {
  if (count == 0 || base + count > kPortCount) return false;
  for (u32 port = base; port < base + count; ++port)
    if (m_slot[port] != 0) return false;
  return true;
}

PortClaimId PortSpace::claim(u16 base, u32 count, PortHandler handler) {
  if (count == 0 || base + count > kPortCount) {
    throw std::logic_error(fmt::format("port claim '{}' at {:#x} with {} ports is outside 0-0xffff",
                                       handler.name, base, count));
  }
  const AccessSizes& impl = handler.impl;
  if (!valid_unit(impl.min) || !valid_unit(impl.max) || impl.min > impl.max) {
    throw std::logic_error(
        fmt::format("port claim '{}': implemented sizes {}..{} are not 1, 2 or 4", handler.name,
                    impl.min, impl.max));
  }
  for (u32 port = base; port < base + count; ++port) {
    if (m_slot[port] != 0) {
      throw std::logic_error(
          fmt::format("port claim '{}' at {:#x}: port {:#x} already belongs to '{}'", handler.name,
                      base, port, owner(static_cast<u16>(port))));
    }
  }

  // Reuse a released slot unless one of its callbacks is still running (a handler that released
  // its own ports); otherwise append, which leaves existing claims in place.
  std::size_t index = 0;
  while (index < m_claims.size() && (m_claims[index].live || m_claims[index].busy != 0)) ++index;
  if (index == m_claims.size()) {
    if (index >= 0xffff) throw std::logic_error("port space: too many claims");
    m_claims.emplace_back();
  }
  Claim& slot = m_claims[index];
  slot.base = base;
  slot.count = count;
  slot.handler = std::move(handler);
  slot.live = true;
  for (u32 port = base; port < base + count; ++port) m_slot[port] = static_cast<u16>(index + 1);
  return static_cast<PortClaimId>(index);
}

void PortSpace::release(PortClaimId id) {
  if (id >= m_claims.size() || !m_claims[id].live)
    throw std::logic_error(fmt::format("port space: release of unknown claim {}", id));
  Claim& claim = m_claims[id];
  for (u32 port = claim.base; port < claim.base + claim.count; ++port) m_slot[port] = 0;
  claim.live = false;
  // Free the callbacks now unless they are running; a busy slot is cleaned when it is reused.
  if (claim.busy == 0) claim.handler = PortHandler{};
}

std::string PortSpace::owner(u16 port) const {
  const u16 slot = m_slot[port];
  return slot == 0 ? std::string{} : m_claims[slot - 1].handler.name;
}

bool PortSpace::single_claim(u16 port, unsigned size) const {
  const u16 slot = m_slot[port];
  if (slot == 0 || port + size > kPortCount) return false;
  for (unsigned i = 1; i < size; ++i)
    if (m_slot[port + i] != slot) return false;
  return true;
}

u32 PortSpace::read(u16 port, unsigned size) {
  size = clamp_size(size);
  if (single_claim(port, size)) return read_one(port, size);

  bool any_claimed = false;
  for (unsigned i = 0; i < size; ++i) any_claimed |= m_slot[static_cast<u16>(port + i)] != 0;
  if (!any_claimed) return read_one(port, size);  // one unclaimed access, counted once

  // A combination: each byte goes to its own handler (or floats high) and the bytes are
  // recombined little-endian, as the ISA bus does for a word access to two byte-wide devices.
  u32 value = 0;
  for (unsigned i = 0; i < size; ++i) value |= read_one(static_cast<u16>(port + i), 1) << (8 * i);
  return value;
}

void PortSpace::write(u16 port, u32 value, unsigned size) {
  size = clamp_size(size);
  value &= static_cast<u32>(size_mask(size));
  if (single_claim(port, size)) {
    write_one(port, value, size);
    return;
  }
  bool any_claimed = false;
  for (unsigned i = 0; i < size; ++i) any_claimed |= m_slot[static_cast<u16>(port + i)] != 0;
  if (!any_claimed) {
    write_one(port, value, size);
    return;
  }
  for (unsigned i = 0; i < size; ++i)
    write_one(static_cast<u16>(port + i), (value >> (8 * i)) & 0xff, 1);
}

// `port` is either inside one claim for all `size` bytes, or unclaimed for all of them.
u32 PortSpace::read_one(u16 port, unsigned size) {
  const u16 slot = m_slot[port];
  if (slot == 0) {
    // Nothing drives the data lines: the floating ISA bus reads as all ones.
    const u32 value = static_cast<u32>(size_mask(size));
    ++m_unclaimed_reads;
    if (m_trace.on(TraceCategory::Unassigned)) {
      m_trace.emit(TraceCategory::Unassigned, "ports", "read",
                   {{"port", port}, {"value", value}, {"size", size}});
    }
    return value;
  }
  // Deque elements stay in place and a busy slot is never reused, so `claim` outlives callbacks
  // that claim or release ports.
  Claim& claim = m_claims[slot - 1];
  const u16 offset = static_cast<u16>(port - claim.base);
  u32 value;
  {
    BusyScope busy(claim.busy);
    const PortHandler& handler = claim.handler;
    value = static_cast<u32>(read_adjusted(offset, size, handler.impl, [&](u64 at, unsigned unit) {
      return handler.read ? u64{handler.read(static_cast<u16>(at), unit)} : size_mask(unit);
    }));
  }
  if (!claim.handler.traces_itself && m_trace.on(TraceCategory::Port)) {
    m_trace.emit(TraceCategory::Port, claim.handler.name, "read",
                 {{"port", port}, {"value", value}, {"size", size}});
  }
  return value;
}

void PortSpace::write_one(u16 port, u32 value, unsigned size) {
  const u16 slot = m_slot[port];
  if (slot == 0) {
    ++m_unclaimed_writes;
    if (m_trace.on(TraceCategory::Unassigned)) {
      m_trace.emit(TraceCategory::Unassigned, "ports", "write",
                   {{"port", port}, {"value", value}, {"size", size}});
    }
    return;
  }
  Claim& claim = m_claims[slot - 1];
  const PortHandler& handler = claim.handler;
  // Traced before the callback so that the access precedes its consequences in the trace.
  if (!handler.traces_itself && m_trace.on(TraceCategory::Port)) {
    m_trace.emit(TraceCategory::Port, handler.name, "write",
                 {{"port", port}, {"value", value}, {"size", size}});
  }
  const u16 offset = static_cast<u16>(port - claim.base);
  BusyScope busy(claim.busy);
  write_adjusted(
      offset, size, value, handler.impl,
      [&](u64 at, unsigned unit) {
        return handler.read ? u64{handler.read(static_cast<u16>(at), unit)} : size_mask(unit);
      },
      [&](u64 at, u64 data, unsigned unit) {
        if (handler.write) handler.write(static_cast<u16>(at), static_cast<u32>(data), unit);
      });
}

}  // namespace glasspc

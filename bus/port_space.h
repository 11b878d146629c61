// The 64K x86 I/O port space (IN/OUT/INS/OUTS).
//
// A device claims a range of ports with read/write callbacks and the access sizes they implement.
// An access the handler does not implement (a 2-byte read of a byte-wide UART register), or one
// that spans two handlers, is split into accesses the handlers do implement and recombined —
// the PC's "port combinations". Unclaimed reads return all ones (the floating ISA bus); unclaimed
// writes are dropped. Both are counted and traced.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "bus/access_sizes.h"
#include "bus/types.h"

namespace glasspc {

class Trace;

struct PortHandler {
  std::string name;
  // `offset` is relative to the start of the claimed range.
  std::function<u32(u16 offset, unsigned size)> read;
  std::function<void(u16 offset, u32 value, unsigned size)> write;
  AccessSizes impl{1, 1, true};  // sizes the callbacks implement (max 4)
  // The device traces its own accesses by register name (RegisterBank), so the port space
  // does not emit a second, raw event.
  bool traces_itself = false;
};

using PortClaimId = u32;

class PortSpace {
 public:
  explicit PortSpace(Trace& trace);

  // Claims [base, base + count). Throws std::logic_error if any port is already claimed or the
  // range passes 0xFFFF: two devices on one port is a board-assembly bug.
  PortClaimId claim(u16 base, u32 count, PortHandler handler);
  void release(PortClaimId id);
  bool range_free(u16 base, u32 count) const;

  // CPU (and test) accesses; size is 1, 2 or 4. Multi-byte accesses wrap at 0xFFFF.
  u32 read(u16 port, unsigned size);
  void write(u16 port, u32 value, unsigned size);

  u64 unclaimed_reads() const { return m_unclaimed_reads; }
  u64 unclaimed_writes() const { return m_unclaimed_writes; }
  // Name of the handler at `port`, or empty.
  std::string owner(u16 port) const;

 private:
  struct Claim {
    u16 base = 0;
    u32 count = 0;
    PortHandler handler;
    bool live = false;
    u32 busy = 0;  // callbacks of this claim currently running (a busy slot is never reused)
  };
  u32 read_one(u16 port, unsigned size);
  void write_one(u16 port, u32 value, unsigned size);
  bool single_claim(u16 port, unsigned size) const;

  Trace& m_trace;
  std::array<u16, 65536> m_slot{};  // 0 = unclaimed, else claim index + 1
  // A deque keeps claims in place when it grows, so a callback may claim or release ports
  // (a PCI config write moving an I/O BAR) while its own handler is running.
  std::deque<Claim> m_claims;
  u64 m_unclaimed_reads = 0;
  u64 m_unclaimed_writes = 0;
};

}  // namespace glasspc

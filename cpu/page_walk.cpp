// Linear-to-physical translation: 32-bit paging (with PSE and PSE-36), PAE paging and 4-level
// paging, following SDM Vol. 3A ch. 4. Access rights are the combination over all levels
// (4.6), accessed and dirty flags are set as 4.8 describes, and faults produce the #PF error code
// of 4.7 with CR2 holding the faulting linear address.
#include "cpu/x86_cpu.h"

namespace glasspc {
namespace {

constexpr u64 kP = 1u << 0, kRw = 1u << 1, kUs = 1u << 2, kA = 1u << 5, kD = 1u << 6, kPs = 1u << 7,
              kG = 1u << 8;
constexpr u64 kXd = u64{1} << 63;
constexpr unsigned kMaxPhysAddr = 40;  // reported by CPUID 80000008H
// Physical-address bits of an entry (bits 12 .. MAXPHYADDR-1).
constexpr u64 kAddrMask = ((u64{1} << kMaxPhysAddr) - 1) & ~u64{0xfff};
// Bits MAXPHYADDR..51 are reserved in every PAE/4-level entry (SDM Vol. 3A 4.4.2, 4.5.4).
constexpr u64 kHighReserved = ((u64{1} << 52) - 1) & ~((u64{1} << kMaxPhysAddr) - 1);

// Error code bits (SDM Vol. 3A 4.7).
constexpr u32 kErrP = 1u << 0, kErrW = 1u << 1, kErrU = 1u << 2, kErrRsvd = 1u << 3,
              kErrId = 1u << 4;

}  // namespace

bool X86Cpu::page_walk(u64 linear, Access access, unsigned key, u64& phys, bool& global) {
  const bool user = key == kKeyUser;
  const bool write = access == Access::Write;
  const bool exec = access == Access::Exec;
  const bool nxe = (s.efer & efer::NXE) != 0;
  const u64 reserved_xd = nxe ? 0 : kXd;

  u64 entry_addr[4] = {};
  unsigned entry_size = 8;
  unsigned levels = 0;
  u64 allow = kRw | kUs;  // AND of R/W and U/S over the levels
  bool xd = false;
  u64 page_mask = 0xfff;  // offset bits within the final page

  auto fail = [&](bool present, bool reserved) {
    u32 ec = 0;
    if (present) ec |= kErrP;
    if (write) ec |= kErrW;
    if (user) ec |= kErrU;
    if (reserved) ec |= kErrRsvd;
    // I/D is reported only when execute-disable or SMEP can apply (SDM Vol. 3A 4.7).
    if (exec && ((nxe && (s.cr4 & cr4::PAE)) || (s.cr4 & cr4::SMEP))) ec |= kErrId;
    s.cr2 = linear;
    return fault(vec::PF, ec);
  };

  if (!(s.cr4 & cr4::PAE)) {
    // 32-bit paging (SDM Vol. 3A 4.3).
    entry_size = 4;
    const u64 pde_addr = (s.cr3 & 0xfffff000u) | ((linear >> 20) & 0xffc);
    const u64 pde = phys_read(pde_addr, 4);
    if (!(pde & kP)) return fail(false, false);
    entry_addr[levels++] = pde_addr;
    allow &= pde;
    if ((pde & kPs) && (s.cr4 & cr4::PSE)) {
      // 4-MiByte page; PDE bits 20:13 are physical bits 39:32 (PSE-36), bit 21 is reserved.
      if (pde & (1u << 21)) return fail(true, true);
      page_mask = 0x3fffff;
      global = (pde & kG) && (s.cr4 & cr4::PGE);
      phys = ((pde & 0xffc00000u) | ((pde & 0x1fe000u) << 19)) | (linear & page_mask);
    } else {
      const u64 pte_addr = (pde & 0xfffff000u) | ((linear >> 10) & 0xffc);
      const u64 pte = phys_read(pte_addr, 4);
      if (!(pte & kP)) return fail(false, false);
      entry_addr[levels++] = pte_addr;
      allow &= pte;
      global = (pte & kG) && (s.cr4 & cr4::PGE);
      phys = (pte & 0xfffff000u) | (linear & 0xfff);
    }
  } else {
    u64 table;
    int level;
    if (long_mode()) {
      table = s.cr3 & kAddrMask;
      level = 4;
    } else {
      // PAE: the PDPTE selected by bits 31:30 (SDM Vol. 3A 4.4.1). Its reserved bits are
      // checked here rather than at MOV CR3 time.
      const u64 pdpte_addr = (s.cr3 & 0xffffffe0u) + ((linear >> 30) & 3) * 8;
      const u64 pdpte = phys_read(pdpte_addr, 8);
      if (!(pdpte & kP)) return fail(false, false);
      if (pdpte & (kHighReserved | 0x1e6 | kXd)) return fail(true, true);
      table = pdpte & kAddrMask;
      level = 2;
    }
    for (;; --level) {
      const unsigned shift = 12 + 9 * (level - 1);
      const u64 addr = table | (((linear >> shift) & 0x1ff) << 3);
      const u64 e = phys_read(addr, 8);
      if (!(e & kP)) return fail(false, false);
      entry_addr[levels++] = addr;
      if (e & (kHighReserved | reserved_xd)) return fail(true, true);
      allow &= e;
      if (e & kXd) xd = true;
      const bool large = (e & kPs) != 0;
      if (level == 4 && large) return fail(true, true);  // PS is reserved in a PML4E
      if (level == 1 || large) {
        if (large) {
          // 1-GiByte or 2-MiByte page: bits 12 .. shift-1 (except PAT at 12) are reserved.
          const u64 reserved_low = ((u64{1} << shift) - 1) & ~u64{0x1fff};
          if (e & reserved_low) return fail(true, true);
        }
        page_mask = (u64{1} << shift) - 1;
        global = (e & kG) && (s.cr4 & cr4::PGE);
        phys = (e & kAddrMask & ~page_mask) | (linear & page_mask);
        break;
      }
      table = e & kAddrMask;
    }
  }

  // Access rights (SDM Vol. 3A 4.6).
  const bool user_page = (allow & kUs) != 0;
  const bool writable = (allow & kRw) != 0;
  if (user) {
    if (!user_page) return fail(true, false);
    if (write && !writable) return fail(true, false);
    if (exec && xd) return fail(true, false);
  } else {
    if (exec) {
      if (xd) return fail(true, false);
      if (user_page && (s.cr4 & cr4::SMEP)) return fail(true, false);
    } else {
      if (user_page && (s.cr4 & cr4::SMAP) && key != kKeySupervisorAc) return fail(true, false);
      if (write && !writable && (s.cr0 & cr0::WP)) return fail(true, false);
    }
  }

  // Accessed flags on every entry used, dirty on the leaf for writes (SDM Vol. 3A 4.8).
  for (unsigned i = 0; i < levels; ++i) {
    const u64 e = phys_read(entry_addr[i], entry_size);
    u64 updated = e | kA;
    if (i == levels - 1 && write) updated |= kD;
    if (updated != e) phys_write(entry_addr[i], updated, entry_size);
  }
  return true;
}

}  // namespace glasspc

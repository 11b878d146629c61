// Control registers, model-specific registers, CPUID and the time-stamp counter.
//
// CPUID itself is in cpu/cpuid.cpp.

#include "bus/clock.h"
#include "bus/local_apic.h"
#include "bus/trace.h"
#include "cpu/cpu_inline.h"
#include "cpu/cpu_model.h"

namespace glasspc {
namespace {

// Bits of CR4 this core implements (SDM Vol. 3A 2.5); any other bit set is #GP(0).
constexpr u64 kCr4Supported = cr4::TSD | cr4::PSE | cr4::PAE | cr4::MCE | cr4::PGE | cr4::PCE |
                              cr4::UMIP | cr4::OSFXSR | cr4::OSXMMEXCPT | cr4::OSXSAVE |
                              cr4::FSGSBASE | cr4::SMEP | cr4::SMAP;
constexpr u64 kMaxPhysMask = (u64{1} << 40) - 1;
// Machine-check MSRs (SDM Vol. 4 Table 2-2).
constexpr u32 kMsrMcgCap = 0x179, kMsrMcgStatus = 0x17a, kMsrMcgCtl = 0x17b, kMsrMc0Ctl = 0x400;
constexpr u64 kMcgCtlPresent = 1u << 8;

bool canonical(u64 v) {
  return static_cast<u64>(static_cast<i64>(v << 16) >> 16) == v;
}

}  // namespace

bool X86Cpu::write_cr(unsigned n, u64 value) {
  switch (n) {
    case 0: {
      if (value >> 32) return gp(0);
      value |= cr0::ET;
      if ((value & cr0::PG) && !(value & cr0::PE)) return gp(0);
      if ((value & cr0::NW) && !(value & cr0::CD)) return gp(0);
      const u64 old = s.cr0;
      u64 new_efer = s.efer;
      if ((value & cr0::PG) && !(old & cr0::PG) && (s.efer & efer::LME)) {
        // Activating IA-32e mode (SDM Vol. 3A 10.8.5): requires PAE and a non-64-bit CS.
        if (!(s.cr4 & cr4::PAE) || (s.seg[kCs].attr & attr::L)) return gp(0);
        new_efer |= efer::LMA;
      }
      if (!(value & cr0::PG) && (old & cr0::PG) && long_mode()) {
        if (code64()) return gp(0);
        new_efer &= ~efer::LMA;
      }
      s.cr0 = value;
      s.efer = new_efer;
      if (((old ^ value) & (cr0::PE | cr0::PG)) && m_env.trace.on(TraceCategory::Cpu)) {
        sync_clock();
        m_env.trace.emit(TraceCategory::Cpu, "cpu", "mode",
                         {{"cr0", value}, {"efer", new_efer}, {"rip", s.rip}},
                         (new_efer & efer::LMA) ? "IA-32e paging"
                         : (value & cr0::PG)    ? "protected mode, paging"
                         : (value & cr0::PE)    ? "protected mode"
                                                : "real mode");
      }
      if ((old ^ value) & (cr0::PG | cr0::WP | cr0::PE)) flush_tlb(false);
      update_mode();
      end_block();
      return true;
    }
    case 2:
      s.cr2 = value;
      return true;
    case 3:
      if (long_mode() && (value & ~kMaxPhysMask)) return gp(0);
      s.cr3 = long_mode() ? value : value & 0xffffffffu;
      flush_tlb(true);  // global pages survive (SDM Vol. 3A 4.10.4.1)
      end_block();
      return true;
    case 4: {
      if (value & ~kCr4Supported) return gp(0);
      // OSXSAVE only where the model has XSAVE (SDM Vol. 3A 2.5).
      if ((value & cr4::OSXSAVE) && !(m_model->features.leaf1_ecx & cpuid1c::XSAVE)) return gp(0);
      if (long_mode() && !(value & cr4::PAE)) return gp(0);
      const u64 old = s.cr4;
      s.cr4 = value;
      if ((old ^ value) & (cr4::PGE | cr4::PAE | cr4::PSE | cr4::SMEP | cr4::SMAP)) {
        flush_tlb(false);
      }
      end_block();
      return true;
    }
    case 8:
      if (value & ~u64{0xf}) return gp(0);
      s.cr8 = value;
      if (m_lapic) {
        m_lapic->set_cr8(static_cast<u8>(value));
        end_block();  // a lower priority may let a pending interrupt in
      }
      return true;
    default:
      return ud();
  }
}

// IA32_MCG_STATUS, IA32_MCG_CTL and the MCi_CTL/STATUS/ADDR/MISC banks (SDM Vol. 3B 16.3);
// null for any other MSR. MCG_CAP (read-only) is handled by the caller.
u64* X86Cpu::machine_check_register(u32 index) {
  if (index == kMsrMcgStatus) return &s.mcg_status;
  if (index == kMsrMcgCtl) return &s.mcg_ctl;
  if (index < kMsrMc0Ctl || index >= kMsrMc0Ctl + 4 * X86State::kMcBanks) return nullptr;
  const unsigned bank = (index - kMsrMc0Ctl) / 4;
  switch ((index - kMsrMc0Ctl) % 4) {
    case 0:
      return &s.mc_ctl[bank];
    case 1:
      return &s.mc_status[bank];
    case 2:
      return &s.mc_addr[bank];
    default:
      return &s.mc_misc[bank];
  }
}

u64 X86Cpu::read_cr8() const {
  return m_lapic ? m_lapic->cr8() : s.cr8;
}

u64 X86Cpu::tsc() const {
  const Picoseconds now = m_in_run
                              ? m_run_time_base + time_of_tick(m_total_cycles - m_run_cycles_base,
                                                               m_config.frequency_hz)
                              : m_env.clock.now();
  return ticks_at(now, m_config.frequency_hz) + static_cast<u64>(s.tsc_offset);
}

bool X86Cpu::read_msr(u32 index, u64& value) {
  switch (index) {
    case 0x10:
      value = tsc();
      return true;
    case 0x1b:
      value = m_lapic ? m_lapic->apic_base() : s.apic_base | (m_config.index == 0 ? 0x100 : 0);
      return true;
    case 0x10a:
      // IA32_ARCH_CAPABILITIES (SDM Vol. 4 Table 2-2), advertised by CPUID.7.EDX[29]: an
      // interpreter has no speculative execution, so it is not affected by RDCL (0), SSB (4),
      // MDS (5), machine-check on page-size change (6), TAA (8), SBDR/FBSDP/PSDP (13-15),
      // GDS (26) or RFDS (27).
      value = (1u << 0) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 8) | (1u << 13) | (1u << 14) |
              (1u << 15) | (1u << 26) | (1u << 27);
      return true;
    case 0x6e0:
      if (!m_lapic) break;
      value = m_lapic->tsc_deadline();
      return true;
    case 0x3b:
      value = s.tsc_adjust;
      return true;
    case 0x8b:
      value = s.bios_sign_id;
      return true;
    case 0x17:
      value = 0;  // IA32_PLATFORM_ID: platform 0 (bits 52:50), read-only
      return true;
    case 0xfe:
      value = 0x508;
      return true;  // MTRRCAP: 8 variable ranges, fixed ranges, WC
    case 0x174:
      value = s.sysenter_cs;
      return true;
    case 0x175:
      value = s.sysenter_esp;
      return true;
    case 0x176:
      value = s.sysenter_eip;
      return true;
    case 0x1a0:
      value = s.misc_enable;
      return true;
    case 0x277:
      value = s.pat;
      return true;
    case 0x2ff:
      value = s.mtrr_def_type;
      return true;
    case 0x250:
      value = s.mtrr_fixed[0];
      return true;
    case 0x258:
      value = s.mtrr_fixed[1];
      return true;
    case 0x259:
      value = s.mtrr_fixed[2];
      return true;
    case 0xc0000080:
      value = s.efer;
      return true;
    case 0xc0000081:
      value = s.star;
      return true;
    case 0xc0000082:
      value = s.lstar;
      return true;
    case 0xc0000083:
      value = s.cstar;
      return true;
    case 0xc0000084:
      value = s.sfmask;
      return true;
    case 0xc0000100:
      value = s.seg[kFs].base;
      return true;
    case 0xc0000101:
      value = s.seg[kGs].base;
      return true;
    case 0xc0000102:
      value = s.kernel_gs_base;
      return true;
    case 0xc0000103:
      value = s.tsc_aux;
      return true;
    default:
      break;
  }
  if (index >= 0x200 && index < 0x210) {
    value = s.mtrr_var[index - 0x200];
    return true;
  }
  if (m_lapic && index >= 0x800 && index <= 0x8ff) {
    if (!m_lapic->msr_read(index, value)) return gp(0);
    return true;
  }
  if (u64* reg = machine_check_register(index)) {
    value = *reg;
    return true;
  }
  if (index == kMsrMcgCap) {
    value = X86State::kMcBanks | kMcgCtlPresent;
    return true;
  }
  if (index >= 0x268 && index < 0x270) {
    value = s.mtrr_fixed[3 + index - 0x268];
    return true;
  }
  return gp(0);  // unknown MSR (SDM Vol. 2B RDMSR)
}

bool X86Cpu::write_msr(u32 index, u64 value) {
  switch (index) {
    case 0x10: {
      const u64 delta = value - tsc();
      s.tsc_offset += static_cast<i64>(delta);
      s.tsc_adjust += delta;  // SDM Vol. 3B 18.17.3: TSC writes also move IA32_TSC_ADJUST
      return true;
    }
    case 0x1b:
      if (m_lapic) {
        if (!m_lapic->set_apic_base(value)) return gp(0);
        s.apic_base = m_lapic->apic_base();
        flush_tlb(false);  // the xAPIC page moved, appeared or went away
        end_block();
        return true;
      }
      if (value & ~u64{0xffffff000 | 0xc00}) return gp(0);
      s.apic_base = value & ~u64{0x100};
      return true;
    case 0x6e0:
      if (!m_lapic) break;
      m_lapic->set_tsc_deadline(value);
      end_block();
      return true;
    case 0x3b:
      s.tsc_offset += static_cast<i64>(value - s.tsc_adjust);
      s.tsc_adjust = value;
      return true;
    case 0x8b:
      // Software writes 0, runs CPUID leaf 1, then reads the revision (SDM Vol. 3A 10.11.7.1).
      s.bios_sign_id = value;
      return true;
    case 0x174:
      s.sysenter_cs = value & 0xffff;
      return true;
    case 0x175:
      if (!canonical(value)) return gp(0);
      s.sysenter_esp = value;
      return true;
    case 0x176:
      if (!canonical(value)) return gp(0);
      s.sysenter_eip = value;
      return true;
    case 0x1a0:
      s.misc_enable = value;
      return true;
    case 0x277:
      // Each of the eight entries must be a defined memory type: UC 0, WC 1, WT 4, WP 5, WB 6,
      // UC- 7; 2, 3 and 8..0xFF are reserved and #GP(0) (SDM Vol. 3A 13.12.2, IA32_PAT MSR).
      for (unsigned entry = 0; entry < 8; ++entry) {
        const u64 type = (value >> (8 * entry)) & 0xff;
        if (type == 2 || type == 3 || type > 7) return gp(0);
      }
      s.pat = value;
      return true;
    case 0x2ff:
      s.mtrr_def_type = value;
      return true;
    case 0x250:
      s.mtrr_fixed[0] = value;
      return true;
    case 0x258:
      s.mtrr_fixed[1] = value;
      return true;
    case 0x259:
      s.mtrr_fixed[2] = value;
      return true;
    case 0xc0000080: {
      // Writable: SCE, LME, NXE. LMA is read-only; LME cannot change while paging is on.
      if (value & ~(efer::SCE | efer::LME | efer::LMA | efer::NXE)) return gp(0);
      if (paging() && ((value ^ s.efer) & efer::LME)) return gp(0);
      const u64 old = s.efer;
      s.efer = (value & ~efer::LMA) | (s.efer & efer::LMA);
      if ((old ^ s.efer) & efer::NXE) flush_tlb(false);
      end_block();
      return true;
    }
    case 0xc0000081:
      s.star = value;
      return true;
    case 0xc0000082:
      if (!canonical(value)) return gp(0);
      s.lstar = value;
      return true;
    case 0xc0000083:
      if (!canonical(value)) return gp(0);
      s.cstar = value;
      return true;
    case 0xc0000084:
      s.sfmask = value & 0xffffffffu;
      return true;
    case 0xc0000100:
    case 0xc0000101:
    case 0xc0000102:
      if (!canonical(value)) return gp(0);
      if (index == 0xc0000100)
        s.seg[kFs].base = value;
      else if (index == 0xc0000101)
        s.seg[kGs].base = value;
      else
        s.kernel_gs_base = value;
      return true;
    case 0xc0000103:
      s.tsc_aux = value & 0xffffffffu;
      return true;
    default:
      break;
  }
  if (index >= 0x200 && index < 0x210) {
    s.mtrr_var[index - 0x200] = value;
    return true;
  }
  if (m_lapic && index >= 0x800 && index <= 0x8ff) {
    if (!m_lapic->msr_write(index, value)) return gp(0);
    end_block();  // TPR, EOI, self-IPIs and ICR writes change what is deliverable
    return true;
  }
  if (u64* reg = machine_check_register(index)) {
    // SDM Vol. 3B 16.3.1.1/16.3.2: IA32_MCG_CTL takes all ones or all zeros; MCi_STATUS only
    // clears (a non-zero write is #GP without MCG_CAP.SER/CMCI software error injection).
    if (index == kMsrMcgCtl && value != 0 && value != ~u64{0}) return gp(0);
    const bool status = index >= kMsrMc0Ctl && (index - kMsrMc0Ctl) % 4 == 1;
    if (status && value != 0) return gp(0);
    *reg = value;
    return true;
  }
  if (index >= 0x268 && index < 0x270) {
    s.mtrr_fixed[3 + index - 0x268] = value;
    return true;
  }
  return gp(0);
}

}  // namespace glasspc

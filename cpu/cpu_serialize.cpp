// Saving and restoring a vCPU (snapshots): every architectural register and the pending-event
// state, by name. Decoded blocks and TLB entries are caches and are rebuilt after a load.
#include <string>

#include "bus/archive.h"
#include "cpu/block_cache.h"
#include "cpu/x86_cpu.h"

namespace glasspc {
namespace {

void segment_fields(Archive& ar, const std::string& name, Segment& sg) {
  ar.field(name + ".selector", sg.selector);
  ar.field(name + ".base", sg.base);
  ar.field(name + ".limit", sg.limit);
  ar.field(name + ".attr", sg.attr);
}

template <typename T, std::size_t N>
void optional_array(Archive& ar, const std::string& name, std::array<T, N>& values) {
  if (ar.loading() && !ar.has_field(name)) {
    values = {};
    return;
  }
  ar.field(name, values);
}

// x87 registers, XMM registers, MXCSR and XCR0, flattened into integer arrays.
void fpu_fields(Archive& ar, X86State& s) {
  X87State& x = s.x87;
  std::array<u64, 8> significands{};
  std::array<u16, 8> exponents{};
  std::array<u64, 32> xmm{};
  if (ar.saving()) {
    for (unsigned i = 0; i < 8; ++i) {
      significands[i] = x.reg[i].significand;
      exponents[i] = x.reg[i].sign_exponent;
    }
    for (unsigned i = 0; i < 16; ++i) {
      xmm[2 * i] = s.xmm[i].lo;
      xmm[2 * i + 1] = s.xmm[i].hi;
    }
  }
  if (ar.loading() && !ar.has_field("x87.fcw")) {
    // A snapshot from before the FPU existed: power-on values.
    s.x87 = X87State{};
    s.xmm = {};
    s.mxcsr = 0x1f80;
    s.xcr0 = 1;
    return;
  }
  ar.field("x87.significands", significands);
  ar.field("x87.exponents", exponents);
  ar.field("x87.fcw", x.fcw);
  ar.field("x87.fsw", x.fsw);
  ar.field("x87.ftw", x.ftw);
  ar.field("x87.fop", x.fop);
  ar.field("x87.fip", x.fip);
  ar.field("x87.fcs", x.fcs);
  ar.field("x87.fdp", x.fdp);
  ar.field("x87.fds", x.fds);
  ar.field("xmm", xmm);
  ar.field("mxcsr", s.mxcsr);
  ar.field("xcr0", s.xcr0);
  if (ar.loading()) {
    for (unsigned i = 0; i < 8; ++i) x.reg[i] = fp::F80{significands[i], exponents[i]};
    for (unsigned i = 0; i < 16; ++i) s.xmm[i] = simd::Vec128{xmm[2 * i], xmm[2 * i + 1]};
  }
}

}  // namespace

void X86Cpu::serialize(Archive& ar) {
  if (ar.saving()) materialize_flags();
  ar.field("gpr", s.gpr);
  ar.field("rip", s.rip);
  ar.field("rflags", m_rflags);
  static const char* const kSegNames[6] = {"es", "cs", "ss", "ds", "fs", "gs"};
  for (unsigned i = 0; i < 6; ++i) segment_fields(ar, kSegNames[i], s.seg[i]);
  segment_fields(ar, "ldtr", s.ldtr);
  segment_fields(ar, "tr", s.tr);
  ar.field("gdtr.base", s.gdtr.base);
  ar.field("gdtr.limit", s.gdtr.limit);
  ar.field("idtr.base", s.idtr.base);
  ar.field("idtr.limit", s.idtr.limit);
  ar.field("cr0", s.cr0);
  ar.field("cr2", s.cr2);
  ar.field("cr3", s.cr3);
  ar.field("cr4", s.cr4);
  ar.field("cr8", s.cr8);
  ar.field("dr", s.dr);
  ar.field("dr6", s.dr6);
  ar.field("dr7", s.dr7);
  ar.field("efer", s.efer);
  ar.field("cpl", s.cpl);
  ar.field("star", s.star);
  ar.field("lstar", s.lstar);
  ar.field("cstar", s.cstar);
  ar.field("sfmask", s.sfmask);
  ar.field("kernel_gs_base", s.kernel_gs_base);
  ar.field("sysenter_cs", s.sysenter_cs);
  ar.field("sysenter_esp", s.sysenter_esp);
  ar.field("sysenter_eip", s.sysenter_eip);
  ar.field("tsc_aux", s.tsc_aux);
  ar.field("tsc_offset", s.tsc_offset);
  ar.field("tsc_adjust", s.tsc_adjust);
  ar.field("apic_base", s.apic_base);
  ar.field("pat", s.pat);
  ar.field("misc_enable", s.misc_enable);
  ar.optional_field("bios_sign_id", s.bios_sign_id, u64{0});
  ar.field("mtrr_def_type", s.mtrr_def_type);
  ar.field("mtrr_fixed", s.mtrr_fixed);
  ar.field("mtrr_var", s.mtrr_var);
  ar.optional_field("mcg_status", s.mcg_status, u64{0});
  ar.optional_field("mcg_ctl", s.mcg_ctl, u64{0});
  optional_array(ar, "mc_ctl", s.mc_ctl);
  optional_array(ar, "mc_status", s.mc_status);
  optional_array(ar, "mc_addr", s.mc_addr);
  optional_array(ar, "mc_misc", s.mc_misc);
  fpu_fields(ar, s);
  ar.field("total_cycles", m_total_cycles);
  ar.field("retired", m_retired);
  ar.field("shadow_at", m_shadow_at);
  ar.optional_field("debug_shadow_at", m_debug_shadow_at, ~u64{0});
  ar.optional_field("deferred_db", m_deferred_db, u64{0});
  ar.optional_field("task_switch_trap", m_task_switch_trap, false);
  ar.optional_field("ferr", m_ferr, false);
  ar.field("halted", m_halted);
  ar.field("shutdown", m_shutdown);
  ar.field("wait_for_sipi", m_wait_for_sipi);
  ar.field("intr", m_intr);
  ar.field("nmi_pending", m_nmi_pending);
  ar.field("nmi_blocked", m_nmi_blocked);
  ar.field("init_pending", m_init_pending);
  ar.field("sipi_pending", m_sipi_pending);
  ar.field("sipi_vector", m_sipi_vector);
  if (ar.loading()) {
    set_ferr(m_ferr);  // re-drive the pin for whatever listens to it
    m_flag_op = FlagOp::None;
    update_mode();
    update_debug_state();
    m_blocks->clear();
    end_block();
  }
}

}  // namespace glasspc

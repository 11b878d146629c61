// The run loop: instruction boundaries, interrupts and virtual time.
//
// Time: every instruction costs cycles (its decoded base cost plus what the handler adds for
// taken branches, string iterations, faults). run() converts the deadline into a cycle budget
// once, so the per-instruction check is a single compare of the cycle counter against
// m_cycle_limit. Anything that needs attention at the next boundary — stop(), a raised INTR, an
// NMI, a change of IF, a mode change — sets m_cycle_limit to 0, which makes that same compare
// fail and sends the loop through service_events().
#include "cpu/x86_cpu.h"

#include "bus/clock.h"
#include "bus/irq_line.h"
#include "bus/local_apic.h"
#include "bus/machine.h"
#include "bus/scheduler.h"
#include "bus/trace.h"
#include "cpu/block_cache.h"
#include "cpu/cpu_inline.h"
#include "cpu/cpu_model.h"
#include "cpu/decoder.h"
#include "cpu/jit/jit.h"

namespace glasspc {

X86Cpu::X86Cpu(const CpuConfig& config, const CpuEnvironment& env)
    : m_config(config),
      m_env(env),
      m_model(find_cpu_model(config.model)),
      m_blocks(std::make_unique<BlockCache>(env.memory)) {
  if (!m_model) m_model = &cpu_models().front();
  // The memory map reports writes to code pages to one observer: the newest vCPU, which passes
  // them on to the vCPUs created before it (found through the machine that owns them).
  if (auto* machine = dynamic_cast<Machine*>(&env.system)) {
    for (std::size_t i = 0; i < machine->cpu_count(); ++i) {
      if (auto* peer = dynamic_cast<X86Cpu*>(&machine->cpu(i))) m_peers.push_back(peer);
    }
  }
  m_env.memory.set_ram_write_observer(this);
  if (config.jit && !config.one_cycle_per_instruction && Jit::host_supported()) {
    m_jit = std::make_unique<Jit>(*this);
  }
  reset();
}

u64 X86Cpu::jit_compiled_blocks() const {
  return m_jit ? m_jit->compiled_blocks() : 0;
}
u64 X86Cpu::jit_code_drops() const {
  return m_jit ? m_jit->code_drops() : 0;
}

// The map must not call a destroyed observer (devices may still write RAM while the machine
// is torn down).
X86Cpu::~X86Cpu() {
  m_env.memory.set_ram_write_observer(nullptr);
}

void X86Cpu::ram_written(u64 ram_offset, u64 length) {
  code_written(ram_offset, length);
  for (X86Cpu* peer : m_peers) peer->code_written(ram_offset, length);
}

void X86Cpu::code_written(u64 ram_offset, u64 length) {
  m_blocks->invalidate_ram(ram_offset, length);
  ++m_chain_epoch;
  end_block();  // the running block may be among them
}

void X86Cpu::update_mode() {
  ++m_chain_epoch;
  const u16 a = s.seg[kCs].attr;
  if (long_mode() && (a & attr::L))
    m_code_size = CodeSize::k64;
  else if ((a & attr::DB) && !v86())
    m_code_size = CodeSize::k32;
  else
    m_code_size = CodeSize::k16;
}

void X86Cpu::state_changed() {
  if ((s.cr0 & cr0::PG) && (s.efer & efer::LME)) s.efer |= efer::LMA;
  update_mode();
  flush_tlb(false);
  end_block();
}

// --- pins ------------------------------------------------------------------------------------

void X86Cpu::stop() {
  m_stop = true;
  m_cycle_limit = 0;
}

void X86Cpu::set_intr(bool level) {
  m_intr = level;
  if (level) m_cycle_limit = 0;
}

void X86Cpu::nmi() {
  m_nmi_pending = true;
  m_cycle_limit = 0;
}

void X86Cpu::init() {
  m_init_pending = true;
  m_cycle_limit = 0;
}

void X86Cpu::sipi(u8 vector) {
  m_sipi_pending = true;
  m_sipi_vector = vector;
  m_cycle_limit = 0;
}

// --- reset and boot state --------------------------------------------------------------------

// Power-up / INIT state (SDM Vol. 3A 10.1.1, Table 10-1).
void X86Cpu::reset_state(bool init_only) {
  const X86State old = s;
  s = X86State{};
  if (init_only) {
    // INIT keeps the MSRs other than EFER (SDM Vol. 3A 10.1.1, Table 10-1).
    s.star = old.star;
    s.lstar = old.lstar;
    s.cstar = old.cstar;
    s.sfmask = old.sfmask;
    s.kernel_gs_base = old.kernel_gs_base;
    s.sysenter_cs = old.sysenter_cs;
    s.sysenter_esp = old.sysenter_esp;
    s.sysenter_eip = old.sysenter_eip;
    s.tsc_aux = old.tsc_aux;
    s.tsc_offset = old.tsc_offset;
    s.tsc_adjust = old.tsc_adjust;
    s.apic_base = old.apic_base;
    s.pat = old.pat;
    s.mtrr_def_type = old.mtrr_def_type;
    s.mtrr_fixed = old.mtrr_fixed;
    s.mtrr_var = old.mtrr_var;
    // INIT leaves the x87, MMX and SSE state alone (SDM Vol. 3A Table 10-1).
    s.x87 = old.x87;
    s.xmm = old.xmm;
    s.mxcsr = old.mxcsr;
    s.xcr0 = old.xcr0;
  } else {
    s.x87.fcw = 0x0040;  // power-up values: FTW 5555H, every register +0.0 (SDM Vol. 3A
    s.x87.ftw = 0xff;    // Table 10-1)
  }
  s.cr0 = 0x60000010;  // CD, NW, ET
  s.gpr[kRdx] = 0x000006a0;
  const u16 data_attr = attr::P | attr::S | attr::kWritable | attr::kAccessed;
  for (auto& sg : s.seg) sg = Segment{0, 0, 0xffff, data_attr};
  s.seg[kCs] = Segment{
      0xf000, 0xffff0000, 0xffff,
      static_cast<u16>(attr::P | attr::S | attr::kCode | attr::kReadable | attr::kAccessed)};
  s.rip = 0xfff0;
  s.ldtr = Segment{0, 0, 0xffff, static_cast<u16>(attr::P | 2)};
  s.tr = Segment{0, 0, 0xffff, static_cast<u16>(attr::P | 11)};
  m_flag_op = FlagOp::None;
  m_rflags = flag::kFixed1;
  m_halted = false;
  m_shutdown = false;
  m_nmi_pending = false;
  m_nmi_blocked = false;
  m_shadow_at = ~u64{0};
  m_debug_shadow_at = ~u64{0};
  m_deferred_db = 0;
  m_dr_exec = m_dr_data = m_db_hits = 0;
  m_task_switch_trap = false;
  m_wait_for_sipi = m_config.index != 0;
  update_mode();
  flush_tlb(false);
  m_blocks->clear();
  end_block();
}

void X86Cpu::reset() {
  m_init_pending = false;
  m_sipi_pending = false;
  m_intr = false;
  reset_state(false);
}

void X86Cpu::set_boot_state(const CpuBootState& state) {
  reset_state(true);
  m_wait_for_sipi = false;
  s.gpr[kRax] = state.rax;
  s.gpr[kRbx] = state.rbx;
  s.gpr[kRcx] = state.rcx;
  s.gpr[kRdx] = state.rdx;
  s.gpr[kRsi] = state.rsi;
  s.gpr[kRdi] = state.rdi;
  s.gpr[kRbp] = state.rbp;
  s.gpr[kRsp] = state.rsp;
  s.rip = state.rip;
  if (state.mode == CpuBootState::Mode::Real) {
    for (unsigned seg = 0; seg < 6; ++seg) load_real_segment(seg, 0);
    load_real_segment(kCs, state.cs_selector);
    s.seg[kCs].limit = 0xffff;
  } else {
    s.cr0 = cr0::PE | cr0::ET;
    const u16 flat = attr::P | attr::S | attr::G | attr::DB | attr::kAccessed;
    s.seg[kCs] =
        Segment{0x10, 0, 0xffffffffu, static_cast<u16>(flat | attr::kCode | attr::kReadable)};
    for (unsigned seg : {kEs, kSs, kDs, kFs, kGs}) {
      s.seg[seg] = Segment{0x18, 0, 0xffffffffu, static_cast<u16>(flat | attr::kWritable)};
    }
  }
  update_mode();
  end_block();
}

void X86Cpu::set_local_apic(LocalApicPort* apic) {
  m_lapic = apic;
  flush_tlb(false);
  end_block();
}

void X86Cpu::set_ferr(bool asserted) {
  m_ferr = asserted;
  if (m_env.ferr) m_env.ferr->set(asserted);
}

void X86Cpu::set_halted() {
  m_halted = true;
  end_block();
  if (m_env.trace.on(TraceCategory::Cpu)) {
    sync_clock();
    m_env.trace.emit(TraceCategory::Cpu, "cpu", "halt", {{"rip", s.rip}});
  }
}

void X86Cpu::enter_shutdown() {
  m_shutdown = true;
  end_block();
  if (m_env.trace.on(TraceCategory::Cpu)) {
    m_env.trace.emit(TraceCategory::Cpu, "cpu", "shutdown", {{"rip", s.rip}}, "triple fault");
  }
}

// --- time ------------------------------------------------------------------------------------

void X86Cpu::sync_clock() {
  if (!m_in_run) return;
  const Picoseconds target =
      m_run_time_base + time_of_tick(m_total_cycles - m_run_cycles_base, m_config.frequency_hz);
  const Picoseconds now = m_env.clock.now();
  m_env.clock.advance(target > now ? target - now : 0, m_retired - m_reported_retired);
  m_reported_retired = m_retired;
}

void X86Cpu::compute_budget() {
  const Picoseconds deadline = std::min(m_deadline, m_env.scheduler.next_deadline());
  if (deadline <= m_run_time_base) {
    m_budget_end = m_run_cycles_base;
  } else {
    // The first cycle count at which virtual time reaches the deadline.
    m_budget_end =
        m_run_cycles_base + ticks_at(deadline - 1 - m_run_time_base, m_config.frequency_hz) + 1;
  }
}

void X86Cpu::io_done() {
  check_generation();
  if (!m_in_run) return;
  compute_budget();
  if (m_cycle_limit > m_budget_end) m_cycle_limit = m_budget_end;
}

// --- the loop --------------------------------------------------------------------------------

bool X86Cpu::service_events() {
  if (m_init_pending) {
    m_init_pending = false;
    reset_state(true);
    if (m_config.index == 0) m_wait_for_sipi = false;
  }
  if (m_sipi_pending) {
    m_sipi_pending = false;
    if (m_wait_for_sipi) {
      // Start-up IPI: CS = vector * 256, IP = 0 (SDM Vol. 3A 10.4.4.1 / MP spec).
      m_wait_for_sipi = false;
      load_real_segment(kCs, static_cast<u16>(m_sipi_vector << 8));
      s.rip = 0;
    }
  }
  if (m_wait_for_sipi || m_shutdown) return false;
  if (m_task_switch_trap) {
    // A trap of the previous instruction: ahead of NMI and external interrupts (SDM Vol. 3A
    // 6.9, Table 6-2, priority 4).
    m_task_switch_trap = false;
    s.dr6 |= u64{1} << 15;  // BT
    m_halted = false;
    if (!deliver_event(vec::DB, EventKind::Exception, false, 0, s.rip)) deliver_pending_exception();
    return true;
  }
  const bool inhibited = interrupts_inhibited();
  if (m_nmi_pending && !m_nmi_blocked && !inhibited) {
    m_nmi_pending = false;
    m_nmi_blocked = true;
    m_halted = false;
    if (!deliver_event(vec::NMI, EventKind::Hardware, false, 0, s.rip)) deliver_pending_exception();
    return true;
  }
  if (m_intr && (m_rflags & flag::IF) && !inhibited && m_acknowledger) {
    m_halted = false;
    sync_clock();
    const u8 vector = m_acknowledger->acknowledge();
    if (!deliver_event(vector, EventKind::Hardware, false, 0, s.rip)) deliver_pending_exception();
    return true;
  }
  return false;
}

CpuRunExit X86Cpu::run(Picoseconds deadline) {
  m_in_run = true;
  m_stop = false;
  m_run_time_base = m_env.clock.now();
  m_run_cycles_base = m_total_cycles;
  m_reported_retired = m_retired;
  m_deadline = deadline;
  compute_budget();
  m_cycle_limit = 0;
  CpuRunExit exit;
  Block* prev = nullptr;  // the block just run, while its links may be followed
  for (;;) {
    if (m_total_cycles >= m_cycle_limit) {
      prev = nullptr;
      m_blocks->collect();
      if (m_stop) {
        exit = CpuRunExit::Stopped;
        break;
      }
      if (m_yield) {
        m_yield = false;
        exit = CpuRunExit::Deadline;
        break;
      }
      if (m_shutdown) {
        exit = CpuRunExit::Shutdown;
        break;
      }
      if (m_total_cycles >= m_budget_end) {
        exit = CpuRunExit::Deadline;
        break;
      }
      service_events();
      if (m_shutdown) {
        exit = CpuRunExit::Shutdown;
        break;
      }
      if (m_halted || m_wait_for_sipi) {
        exit = CpuRunExit::Halted;
        break;
      }
      m_cycle_limit = m_budget_end;
      // An event blocked only by an interrupt shadow is looked at again after one instruction.
      if (interrupts_inhibited() && (m_nmi_pending || m_intr)) {
        m_cycle_limit = std::min(m_budget_end, m_total_cycles + 1);
      }
      check_generation();
    }
    if ((m_rflags & flag::TF) || m_dr_exec || m_dr_data) {
      debug_step();
      prev = nullptr;
      continue;
    }
    Block* block = nullptr;
    if (prev) {
      for (const Block::Link& link : prev->links) {
        if (link.rip == s.rip && link.epoch == m_chain_epoch) {
          block = link.block;
          break;
        }
      }
    }
    if (!block) {
      const u64 epoch = m_chain_epoch;
      if (!fetch_block(block)) {  // the fetch faulted and the fault was delivered
        prev = nullptr;
        continue;
      }
      if (!block) {
        execute_one_uncached();
        prev = nullptr;
        continue;
      }
      if (prev && epoch == m_chain_epoch) {
        prev->links[prev->next_link++ % prev->links.size()] = {s.rip, m_chain_epoch, block};
      }
    }
    if (m_jit && prev) m_jit->link(prev, *block);
    prev = execute_block(block);
  }
  sync_clock();
  m_in_run = false;
  return exit;
}

}  // namespace glasspc

// The x86-64 CPU: one logical processor.
//
// Execution: instruction bytes are decoded once into Insn records (cpu/decoder.cpp), grouped into
// blocks cached by physical address and code size (cpu/block_cache.cpp), and executed by calling
// each record's handler, or, once a block is hot on an x86-64 host, by host code compiled from
// the same records with the same results (cpu/jit/jit.h). Faults are return values: a handler
// returns false with the exception pending in the CPU; the run loop delivers it
// (cpu/interrupts.cpp). Memory goes through a software TLB (cpu/mmu.cpp) that maps virtual pages
// straight to host RAM.
//
// Instruction handlers are free functions (cpu/ops_*.cpp); the members they need are public.
// Tests read and set architectural state through state(), rflags() and set_rflags().
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "bus/cpu_core.h"
#include "bus/memory_map.h"
#include "cpu/cpu_factory.h"
#include "cpu/insn.h"
#include "cpu/jit/cpu_layout.h"
#include "cpu/x86_state.h"

namespace glasspc {

enum class Access : u8 { Read = 0, Write = 1, Exec = 2 };

// Exception vectors (SDM Vol. 3A 6.3.1, Table 6-1).
namespace vec {
constexpr u8 DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8, TS = 10,
             NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19;
}

// Lazy arithmetic flags: the last flag-producing operation, evaluated on demand.
enum class FlagOp : u8 { None, Add, Adc, Sub, Sbb, Logic, Inc, Dec, Shl, Shr, Sar };

enum class CodeSize : u8 { k16 = 0, k32 = 1, k64 = 2 };

struct Block;

class X86Cpu final : public CpuCore, public RamWriteObserver {
 public:
  X86Cpu(const CpuConfig& config, const CpuEnvironment& env);
  ~X86Cpu() override;

  // --- CpuCore ---------------------------------------------------------------------------------
  u32 index() const override { return m_config.index; }
  CpuRunExit run(Picoseconds deadline) override;
  void stop() override;
  void reset() override;
  void set_boot_state(const CpuBootState& state) override;
  void set_intr(bool level) override;
  void set_interrupt_acknowledger(InterruptAcknowledger* acknowledger) override {
    m_acknowledger = acknowledger;
  }
  void nmi() override;
  void init() override;
  void sipi(u8 vector) override;
  bool halted() const override { return m_halted || m_wait_for_sipi; }
  void set_local_apic(LocalApicPort* apic) override;
  void serialize(Archive& archive) override;

  // RamWriteObserver: a write reached a RAM page that holds decoded code (of any vCPU).
  void ram_written(u64 ram_offset, u64 length) override;
  // Drops this vCPU's decoded blocks on the written pages.
  void code_written(u64 ram_offset, u64 length);

  // --- state (tests, debugger) -----------------------------------------------------------------
  X86State& state() { return s; }
  const X86State& state() const { return s; }
  u64 rflags() const;
  void set_rflags(u64 value);  // raw write of every bit (no privilege rules); recomputes the mode
  u64 instructions_retired() const { return m_retired; }
  u64 total_cycles() const { return m_total_cycles; }
  bool in_shutdown() const { return m_shutdown; }
  // Call after changing segment, control or flag state through state().
  void state_changed();
  // Leaves the HLT state (a debugger or test that places a new RIP).
  void wake() { m_halted = false; }

  // --- registers -------------------------------------------------------------------------------
  template <typename T>
  T get_reg(const Insn& insn, unsigned r) const {
    if constexpr (sizeof(T) == 1) {
      if (insn.high_byte_reg(r)) return static_cast<u8>(s.gpr[r - 4] >> 8);
    }
    return static_cast<T>(s.gpr[r]);
  }
  template <typename T>
  void set_reg(const Insn& insn, unsigned r, T v) {
    if constexpr (sizeof(T) == 1) {
      if (insn.high_byte_reg(r)) {
        s.gpr[r - 4] = (s.gpr[r - 4] & ~u64{0xff00}) | (u64{v} << 8);
      } else {
        s.gpr[r] = (s.gpr[r] & ~u64{0xff}) | v;
      }
    } else if constexpr (sizeof(T) == 2) {
      s.gpr[r] = (s.gpr[r] & ~u64{0xffff}) | v;
    } else {
      s.gpr[r] = v;  // 32-bit writes zero-extend (SDM Vol. 1 3.4.1.1)
    }
  }
  // Registers sized by the address size (string instructions, LOOP, JCXZ).
  u64 get_areg(unsigned r, unsigned adsize) const { return s.gpr[r] & size_mask(adsize); }
  void set_areg(unsigned r, unsigned adsize, u64 v) {
    if (adsize == 2)
      s.gpr[r] = (s.gpr[r] & ~u64{0xffff}) | (v & 0xffff);
    else if (adsize == 4)
      s.gpr[r] = v & 0xffffffff;
    else
      s.gpr[r] = v;
  }

  // --- flags -----------------------------------------------------------------------------------
  bool cf() const;
  bool pf() const;
  bool af() const;
  bool zf() const;
  bool sf() const;
  bool of() const;
  bool cond(unsigned cc) const;  // Jcc/SETcc/CMOVcc condition (SDM Vol. 1 Appendix B)
  template <typename T>
  void set_flags(FlagOp op, u64 dst, u64 src, u64 res, bool carry_in = false) {
    m_flag_op = op;
    m_flag_bits = 8 * sizeof(T);
    m_flag_dst = static_cast<T>(dst);
    m_flag_src = static_cast<T>(src);
    m_flag_res = static_cast<T>(res);
    m_flag_cin = carry_in;
  }
  // Sets the arithmetic flags selected by `mask` to `values` (eager; used by shifts, MUL, BCD).
  void set_arith_flags(u64 mask, u64 values);
  void materialize_flags();
  u64 raw_flags() const { return m_rflags; }  // non-arithmetic bits are always current
  void set_flag_bit(u64 bit, bool on) {
    if (on)
      m_rflags |= bit;
    else
      m_rflags &= ~bit;
  }
  // Writes RFLAGS with the rules of POPF/IRET (SDM Vol. 2B POPF): `mask` selects changeable bits.
  void write_flags(u64 value, u64 mask);

  // --- modes -----------------------------------------------------------------------------------
  bool protected_mode() const { return (s.cr0 & cr0::PE) != 0; }
  bool v86() const { return (m_rflags & flag::VM) != 0; }
  bool long_mode() const { return (s.efer & efer::LMA) != 0; }
  bool paging() const { return (s.cr0 & cr0::PG) != 0; }
  CodeSize code_size() const { return m_code_size; }
  bool code64() const { return m_code_size == CodeSize::k64; }
  unsigned cpl() const { return s.cpl; }
  unsigned iopl() const { return (m_rflags >> 12) & 3; }
  unsigned stack_size() const {  // bytes: 2, 4 or 8 (SDM Vol. 3A 6.14.2, 3.4.5 SS.B)
    return code64() ? 8 : (s.seg[kSs].attr & attr::DB) ? 4 : 2;
  }
  void update_mode();  // recomputes m_code_size etc. after CS/CR0/EFER/VM changes

  // --- exceptions ------------------------------------------------------------------------------
  bool fault(u8 vector) {
    m_exc_vector = vector;
    m_exc_has_error = false;
    m_exc_error = 0;
    return false;
  }
  bool fault(u8 vector, u32 error) {
    m_exc_vector = vector;
    m_exc_has_error = true;
    m_exc_error = error;
    return false;
  }
  bool gp(u32 error = 0) { return fault(vec::GP, error); }
  bool ud() { return fault(vec::UD); }
  u8 pending_vector() const { return m_exc_vector; }

  // --- memory ----------------------------------------------------------------------------------
  // Effective address of the ModRM memory operand.
  u64 ea(const Insn& insn) const {
    u64 a = static_cast<u64>(static_cast<i64>(insn.disp));
    if (insn.base == kRipBase)
      a += m_next_rip;
    else if (insn.base != kNoReg)
      a += s.gpr[insn.base];
    if (insn.index != kNoReg) a += s.gpr[insn.index] << insn.scale;
    return a & size_mask(insn.adsize);
  }
  // Alignment checking (#AC) applies to CPL 3 data accesses when CR0.AM and EFLAGS.AC are set
  // (SDM Vol. 3A 6.15 "Interrupt 17"); linearize() checks operands of 2, 4 and 8 bytes.
  bool alignment_check_active() const {
    return s.cpl == 3 && (s.cr0 & cr0::AM) && (m_rflags & flag::AC);
  }
  // Segment checks (SDM Vol. 3A 5.3, 3.4.5.1) and canonical checks; produces a linear address.
  bool linearize(unsigned seg, u64 offset, unsigned size, Access access, u64& linear);
  template <typename T>
  bool read_mem(unsigned seg, u64 offset, T& out);
  template <typename T>
  bool write_mem(unsigned seg, u64 offset, T value);
  template <typename T>
  bool read_rm(const Insn& insn, T& out);
  template <typename T>
  bool write_rm(const Insn& insn, T value);
  // Read-modify-write of the r/m operand; `f` maps the old value to the new one.
  template <typename T, typename F>
  bool rmw_rm(const Insn& insn, F&& f);
  // Linear accesses. `key` selects the page permission rules: kKeySupervisor, kKeyUser (CPL 3
  // data accesses) or kKeySupervisorAc (explicit supervisor access with EFLAGS.AC=1 under SMAP).
  // Descriptor-table, IDT and TSS accesses are implicit supervisor accesses even at CPL 3.
  template <typename T>
  bool read_linear(u64 linear, T& out, unsigned key);
  template <typename T>
  bool write_linear(u64 linear, T value, unsigned key);
  bool read_linear_slow(u64 linear, void* out, unsigned size, unsigned key);
  bool write_linear_slow(u64 linear, const void* in, unsigned size, unsigned key);
  // Checks that [linear, linear + size) may be written without writing it (string/stack ops).
  bool probe_write(u64 linear, unsigned size, unsigned key);
  static constexpr unsigned kKeySupervisor = 0, kKeyUser = 1, kKeySupervisorAc = 2;
  unsigned access_key() const {
    if (s.cpl == 3) return kKeyUser;
    return ((s.cr4 & cr4::SMAP) && (m_rflags & flag::AC)) ? kKeySupervisorAc : kKeySupervisor;
  }
  // System-structure accesses (GDT, LDT, IDT, TSS): supervisor, linear.
  template <typename T>
  bool read_sys(u64 linear, T& out) {
    return read_linear(linear, out, kKeySupervisor);
  }
  template <typename T>
  bool write_sys(u64 linear, T value) {
    return write_linear(linear, value, kKeySupervisor);
  }

  // Stack.
  template <typename T>
  bool push(T value);
  template <typename T>
  bool pop(T& out);
  u64 sp_masked() const { return s.gpr[kRsp] & size_mask(stack_size()); }
  void set_sp(u64 v) { set_areg(kRsp, stack_size(), v); }

  // Physical memory (A20 applied), used by page walks and the slow path.
  u64 phys_read(u64 pa, unsigned size);
  void phys_write(u64 pa, u64 value, unsigned size);

  // Ports with the I/O permission checks of SDM Vol. 1 19.5 (IOPL, TSS I/O bitmap).
  bool io_allowed(u16 port, unsigned size);
  u32 port_read(u16 port, unsigned size);
  void port_write(u16 port, u32 value, unsigned size);

  // --- TLB / paging (cpu/mmu.cpp) ---------------------------------------------------------------
  void flush_tlb(bool keep_global);
  void flush_tlb_page(u64 linear);
  // Translates for `access`; on failure a #PF is pending (CR2 set).
  bool translate(u64 linear, Access access, unsigned key, u64& phys);

  // --- segmentation (cpu/segmentation.cpp) -------------------------------------------------------
  struct Descriptor {
    u32 lo = 0, hi = 0;
    u64 base() const;
    u32 limit() const;  // scaled by G
    u16 attr() const { return static_cast<u16>(((hi >> 8) & 0xff) | ((hi >> 12) & 0xf00)); }
    unsigned type() const { return (hi >> 8) & 0xf; }
    bool s() const { return (hi >> 12) & 1; }
    unsigned dpl() const { return (hi >> 13) & 3; }
    bool present() const { return (hi >> 15) & 1; }
  };
  // Reads the descriptor for `selector` from the GDT/LDT; `ec` = selector-based error code.
  bool read_descriptor(u16 selector, Descriptor& d, u8 fault_vector);
  bool read_descriptor_hi64(u16 selector, u32& upper);  // bits 64-95 of a 16-byte descriptor
  bool set_accessed(u16 selector, Descriptor& d);
  void load_segment_cache(unsigned seg, u16 selector, const Descriptor& d);
  void load_real_segment(unsigned seg, u16 selector);  // real and V86 mode: base = sel << 4
  // MOV/POP/LxS to a data or stack segment register with all protected-mode checks.
  bool load_data_segment(unsigned seg, u16 selector);
  // Far JMP/CALL and far RET/IRET targets (cpu/far_transfer.cpp).
  bool far_jump(u16 selector, u64 offset, unsigned opsize);
  bool far_call(u16 selector, u64 offset, unsigned opsize);
  bool far_return(unsigned opsize, u16 pop_bytes);
  bool iret(unsigned opsize);
  // After a privilege level drop: null data segments the new CPL may not use (SDM RET, IRET).
  void invalidate_segments_for_cpl();
  // Hardware task switch to the TSS `selector` (cpu/task_switch.cpp, SDM Vol. 3A 7.3).
  enum class TaskSwitchReason : u8 { Jmp, Call, Iret, Interrupt };
  bool task_switch(u16 selector, const Descriptor& tss, TaskSwitchReason reason, bool has_error,
                   u32 error, u64 return_rip);
  // Inner stack for privilege level `cpl` from the current TSS (SDM Vol. 3A 7.2.1, 7.7).
  bool tss_inner_stack(unsigned cpl, u16& ss, u64& sp);
  // Checks a stack segment selector taken from the TSS for a switch to `cpl` (#TS/#SS faults).
  bool check_inner_ss(u16 selector, unsigned cpl, Descriptor& d);
  // Loads CS for a control transfer to `offset` (limit/canonical checks) and sets the next RIP.
  bool enter_code(u16 selector, Descriptor& d, u64 offset, unsigned new_cpl);

  // --- interrupts (cpu/interrupts.cpp) -----------------------------------------------------------
  enum class EventKind : u8 { Exception, Hardware, Software, SoftwareIcebp, SoftwareException };
  // Delivers `vector`; `return_rip` is pushed. Returns false if delivery faulted.
  bool deliver_event(u8 vector, EventKind kind, bool has_error, u32 error, u64 return_rip);
  // INT n / INT3 / INTO / INT1 from a handler: delivers and sets the next RIP.
  bool software_interrupt(u8 vector, EventKind kind);
  // Delivers the pending exception with double/triple fault rules.
  void deliver_pending_exception();

  // --- system (cpu/system_regs.cpp)
  // ---------------------------------------------------------------
  bool write_cr(unsigned n, u64 value);
  bool read_msr(u32 index, u64& value);
  bool write_msr(u32 index, u64 value);
  void cpuid(u32 leaf, u32 subleaf, u32 out[4]) const;
  u64 tsc() const;
  void set_halted();  // HLT
  // PAUSE (SDM Vol. 2B): with several vCPUs the spinning one gives up the rest of its turn, so a
  // spin-wait lets the vCPU it waits for run instead of burning the quantum.
  void pause() {
    if (m_config.cpu_count > 1) {
      m_yield = true;
      end_block();
    }
  }
  // CR8 is the local APIC's TPR[7:4] (SDM Vol. 3A 11.8.6.1); a plain register without an APIC.
  u64 read_cr8() const;
  u64* machine_check_register(u32 index);
  // Drives the FERR# pin (cpu/x86_cpu.cpp): asserted when an unmasked x87 exception is reported
  // with CR0.NE = 0 (MS-DOS compatible error reporting, SDM Vol. 1 8.7.1, D.1).
  void set_ferr(bool asserted);

  // --- debug registers (cpu/debug.cpp, SDM Vol. 3B ch. 18) ---------------------------------
  bool read_dr(unsigned n, u64& value);
  bool write_dr(unsigned n, u64 value);
  void update_debug_state();
  bool page_has_data_breakpoint(u64 linear) const;
  void check_data_breakpoints(u64 linear, unsigned size, bool write);

  // --- run-loop hooks used by handlers
  // -------------------------------------------------------------
  u64 next_rip() const { return m_next_rip; }
  void set_next_rip(u64 rip) { m_next_rip = rip; }
  // Near branch target, truncated to the operand size (SDM Vol. 2A JMP: EIP/IP truncation).
  // Fails with #GP(0) for a target beyond the CS limit or non-canonical (SDM Vol. 2A JMP).
  bool branch(u64 target, unsigned opsize);
  void add_cycles(u32 n) { m_extra_cycles += n; }
  // Leaves the current block after this instruction (mode, mapping or interrupt state changed).
  void end_block() { m_cycle_limit = 0; }
  // Interrupts are inhibited until after the next instruction (STI, MOV SS; SDM Vol. 3A 6.8.3).
  void set_interrupt_shadow() {
    m_shadow_at = m_retired + 1;
    end_block();
  }
  // MOV SS and POP SS also hold back debug exceptions (single-step and data breakpoint traps)
  // until after the next instruction, so that a stack switch (MOV SS; MOV ESP) is never split by
  // a #DB (SDM Vol. 3A 6.8.3; STI does not do this).
  void set_stack_switch_shadow() {
    set_interrupt_shadow();
    m_debug_shadow_at = m_retired + 1;
  }
  // String instructions: true when the budget is spent and a REP loop should pause.
  bool rep_should_pause() const { return m_total_cycles + m_extra_cycles >= m_cycle_limit; }
  // Iterations a string instruction may still run before it has to pause (at least 1).
  u64 rep_budget() const {
    const u64 used = m_total_cycles + m_extra_cycles;
    return m_cycle_limit > used ? m_cycle_limit - used : 1;
  }
  // Host pointer to `linear` when its page is already translated for `access` and is RAM (or ROM
  // for reads); null otherwise, and then the caller takes the element-by-element path.
  u8* direct(u64 linear, Access access, unsigned key) {
    const TlbEntry& e = tlb_slot(access, linear);
    if (e.tag != tlb_tag(linear, key) || !e.host) return nullptr;
    return e.host + (linear & kPageMask);
  }
  void sync_clock();  // brings the machine clock up to the current instruction (for I/O)
  void io_done();     // after a device access: re-reads the scheduler deadline

  const CpuConfig& config() const { return m_config; }
  // Software-TLB geometry, shared with compiled code.
  static constexpr unsigned kTlbSize = 512;
  // Folding the next page-number bits into the index keeps pages a multiple of 2 MiB apart
  // (code at 1 MiB, a stack at 9 MiB) from evicting each other; compiled code computes the same
  // index inline (cpu/jit/block_compiler_memory.cpp).
  static unsigned tlb_index(u64 linear) {
    const u64 vpn = linear >> 12;
    return static_cast<unsigned>((vpn ^ (vpn >> 9)) % kTlbSize);
  }
  // Field offsets for generated code (cpu/jit/cpu_layout.cpp).
  jit::CpuLayout jit_layout() const;
  // Blocks compiled to native code so far, and times the code arena was emptied (0 without JIT).
  u64 jit_compiled_blocks() const;
  u64 jit_code_drops() const;
  const CpuEnvironment& env() const { return m_env; }
  X86State s;

 private:
  friend class BlockCache;
  friend class Jit;
  struct TlbEntry {
    u64 tag = ~u64{0};
    u8* host = nullptr;
    u64 phys = 0;            // physical page
    u64 ram_page = ~u64{0};  // RAM offset of the page, ~0 if not RAM
    bool global = false;
  };
  template <typename T>
  static bool fits_page(u64 linear) {
    return (linear & kPageMask) <= kPageSize - sizeof(T);
  }
  TlbEntry* tlb_fill(u64 linear, Access access, unsigned key);
  // The page and the access key (bits 4-5, so that compiled code can compare an address whose
  // low bits must be zero for alignment with the tag in one step).
  static constexpr unsigned kTlbKeyShift = 4;
  static u64 tlb_tag(u64 linear, unsigned key) {
    return (linear & ~kPageMask) | (u64{key} << kTlbKeyShift);
  }
  TlbEntry& tlb_slot(Access access, u64 linear) {
    return m_tlb[static_cast<unsigned>(access)][tlb_index(linear)];
  }
  bool page_walk(u64 linear, Access access, unsigned key, u64& phys, bool& global);
  // The physical page where this CPU's xAPIC registers decode, or ~0 when they do not
  // (no LAPIC, APIC disabled or in x2APIC mode). Accesses there never reach the MemoryMap.
  u64 apic_page() const;
  void apic_read(u64 pa, void* out, unsigned size);
  void apic_write(u64 pa, const void* in, unsigned size);

  void compute_budget();
  bool service_events();  // at a boundary: returns true when an event was taken or state changed
  bool interrupts_inhibited() const { return m_retired == m_shadow_at; }
  void execute_one_uncached();
  void debug_step();
  Block* execute_block(Block* block);
  bool fetch_block(Block*& block);
  void enter_shutdown();
  void reset_state(bool init_only);
  void check_generation();

  CpuConfig m_config;
  CpuEnvironment m_env;
  CodeSize m_code_size = CodeSize::k16;

  // Lazy flags.
  u64 m_rflags = flag::kFixed1;
  FlagOp m_flag_op = FlagOp::None;
  u8 m_flag_bits = 32;
  bool m_flag_cin = false;
  u64 m_flag_dst = 0, m_flag_src = 0, m_flag_res = 0;

  // Pending exception.
  u8 m_exc_vector = 0;
  bool m_exc_has_error = false;
  u32 m_exc_error = 0;

  // TLBs, one per access kind.
  std::array<std::array<TlbEntry, kTlbSize>, 3> m_tlb{};
  u64 m_tlb_generation = 0;

  // Run loop.
  u64 m_next_rip = 0;
  u64 m_total_cycles = 0;  // cycles since power-on
  u64 m_cycle_limit = 0;   // instructions run while m_total_cycles < m_cycle_limit
  u64 m_budget_end = 0;    // cycle count at which the current deadline is reached
  u32 m_extra_cycles = 0;  // added by the current instruction (branches, string iterations)
  u64 m_retired = 0;
  u64 m_events_delivered = 0;
  // Debug registers (cpu/debug.cpp): enabled instruction and data breakpoints (bit n = DRn),
  // and data breakpoints hit by the current instruction.
  u8 m_dr_exec = 0;
  u8 m_dr_data = 0;
  u8 m_db_hits = 0;
  // Bumped whenever a block successor found earlier may no longer be the right one: TLB
  // flushes, map changes, mode or CS changes, dropped blocks.
  u64 m_chain_epoch = 1;
  u64 m_shadow_at = ~u64{0};
  u64 m_debug_shadow_at = ~u64{0};  // retired count at which debug traps are held back
  u64 m_deferred_db = 0;            // DR6 bits held back by a MOV SS / POP SS shadow
  u64 m_run_cycles_base = 0;        // m_total_cycles at the start of run()
  Picoseconds m_run_time_base = 0;
  Picoseconds m_deadline = 0;
  u64 m_reported_retired = 0;
  bool m_in_run = false;
  bool m_stop = false;
  bool m_yield = false;             // PAUSE ended this vCPU's turn
  bool m_task_switch_trap = false;  // a task switch into a TSS with T = 1: #DB at the boundary
  bool m_ferr = false;              // the FERR# output level
  bool m_halted = false;
  bool m_shutdown = false;
  bool m_wait_for_sipi = false;
  bool m_intr = false;
  bool m_nmi_pending = false;
  bool m_nmi_blocked = false;  // from NMI delivery until the next IRET (SDM Vol. 3A 6.7.1)
  bool m_init_pending = false;
  bool m_sipi_pending = false;
  u8 m_sipi_vector = 0;
  InterruptAcknowledger* m_acknowledger = nullptr;
  LocalApicPort* m_lapic = nullptr;
  const struct CpuModel* m_model = nullptr;

  std::unique_ptr<class BlockCache> m_blocks;
  std::unique_ptr<class Jit> m_jit;  // null: every block is interpreted
  std::vector<X86Cpu*> m_peers;      // vCPUs of the same machine created before this one
};

}  // namespace glasspc

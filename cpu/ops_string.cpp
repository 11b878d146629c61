// String instructions MOVS CMPS STOS LODS SCAS INS OUTS with REP/REPE/REPNE in both directions
// (SDM Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ"). Registers are updated after every iteration, so an
// iteration that faults leaves rSI/rDI/rCX describing the completed ones and RIP at the
// instruction: the instruction restarts where it stopped. A long REP pauses the same way when
// the cycle budget runs out or an interrupt is pending (SDM Vol. 2B REP: a repeated string
// instruction may be interrupted between iterations).
#include <algorithm>
#include <cstring>

#include "cpu/cpu_inline.h"
#include "cpu/decoder.h"

namespace glasspc {
namespace {

enum StrOp { kMovs, kCmps, kStos, kLods, kScas, kIns, kOuts };

template <typename T, int Op>
bool iteration(X86Cpu& c, const Insn& i) {
  const unsigned as = i.adsize;
  const u64 step =
      (c.raw_flags() & flag::DF) ? static_cast<u64>(-static_cast<i64>(sizeof(T))) : sizeof(T);
  const u64 si = c.get_areg(kRsi, as);
  const u64 di = c.get_areg(kRdi, as);
  if constexpr (Op == kMovs) {
    T v;
    if (!c.read_mem(i.seg, si, v) || !c.write_mem(kEs, di, v)) return false;
    c.set_areg(kRsi, as, si + step);
    c.set_areg(kRdi, as, di + step);
  } else if constexpr (Op == kCmps) {
    T a, b;
    if (!c.read_mem(i.seg, si, a) || !c.read_mem(kEs, di, b)) return false;
    c.set_flags<T>(FlagOp::Sub, a, b, static_cast<T>(a - b));
    c.set_areg(kRsi, as, si + step);
    c.set_areg(kRdi, as, di + step);
  } else if constexpr (Op == kStos) {
    if (!c.write_mem(kEs, di, static_cast<T>(c.s.gpr[kRax]))) return false;
    c.set_areg(kRdi, as, di + step);
  } else if constexpr (Op == kLods) {
    T v;
    if (!c.read_mem(i.seg, si, v)) return false;
    c.set_reg<T>(i, kRax, v);
    c.set_areg(kRsi, as, si + step);
  } else if constexpr (Op == kScas) {
    T b;
    if (!c.read_mem(kEs, di, b)) return false;
    const T a = static_cast<T>(c.s.gpr[kRax]);
    c.set_flags<T>(FlagOp::Sub, a, b, static_cast<T>(a - b));
    c.set_areg(kRdi, as, di + step);
  } else if constexpr (Op == kIns) {
    const u16 port = static_cast<u16>(c.s.gpr[kRdx]);
    // The destination is checked before the port is read (SDM Vol. 2A INS).
    u64 linear;
    if (!c.linearize(kEs, di, sizeof(T), Access::Write, linear) ||
        !c.probe_write(linear, sizeof(T), c.access_key())) {
      return false;
    }
    const T v = static_cast<T>(c.port_read(port, sizeof(T)));
    if (!c.write_linear(linear, v, c.access_key())) return false;
    c.set_areg(kRdi, as, di + step);
  } else {  // kOuts
    T v;
    if (!c.read_mem(i.seg, si, v)) return false;
    c.port_write(static_cast<u16>(c.s.gpr[kRdx]), v, sizeof(T));
    c.set_areg(kRsi, as, si + step);
  }
  return true;
}

// REP MOVS/STOS upwards over RAM: whole runs within one page per step, with exactly the
// register updates, cycle cost and pause points of the element-by-element loop. Returns false
// when the element path must take the next step (page not yet translated, segment limit, a
// page-straddling element), which then also reports any fault precisely.
template <typename T, int Op>
bool fast_rep_step(X86Cpu& c, const Insn& i, u64 count) {
  if (c.alignment_check_active()) return false;  // every element is checked on its own
  const unsigned as = i.adsize;
  const u64 amask = size_mask(as);
  const unsigned key = c.access_key();
  const u64 di = c.get_areg(kRdi, as);
  const u64 si = c.get_areg(kRsi, as);
  u64 n = std::min(count, c.rep_budget());
  // Stay below the address-size wrap of rDI/rSI.
  n = std::min(n, ((amask - di) / sizeof(T)) + 1);
  if constexpr (Op == kMovs) n = std::min(n, ((amask - si) / sizeof(T)) + 1);
  u64 dlin, slin = 0;
  if (!c.linearize(kEs, di, sizeof(T), Access::Write, dlin)) return false;
  n = std::min<u64>(n, (kPageSize - (dlin & kPageMask)) / sizeof(T));
  if constexpr (Op == kMovs) {
    if (!c.linearize(i.seg, si, sizeof(T), Access::Read, slin)) return false;
    n = std::min<u64>(n, (kPageSize - (slin & kPageMask)) / sizeof(T));
  }
  if (n < 2) return false;
  const u64 bytes = n * sizeof(T);
  // The whole run must pass the segment checks too.
  if (!c.linearize(kEs, di, static_cast<unsigned>(bytes), Access::Write, dlin)) return false;
  u8* dst = c.direct(dlin, Access::Write, key);
  if (!dst) return false;
  if constexpr (Op == kMovs) {
    if (!c.linearize(i.seg, si, static_cast<unsigned>(bytes), Access::Read, slin)) return false;
    const u8* src = c.direct(slin, Access::Read, key);
    if (!src) return false;
    if (dst > src && dst < src + bytes) {
      for (u64 k = 0; k < bytes; ++k) dst[k] = src[k];  // overlapping: forward, as the CPU does
    } else {
      std::memmove(dst, src, bytes);
    }
    c.set_areg(kRsi, as, si + bytes);
  } else {
    const T v = static_cast<T>(c.s.gpr[kRax]);
    for (u64 k = 0; k < n; ++k) std::memcpy(dst + k * sizeof(T), &v, sizeof(T));
  }
  c.set_areg(kRdi, as, di + bytes);
  c.set_areg(kRcx, as, count - n);
  c.add_cycles(static_cast<u32>(n));
  return true;
}

template <typename T, int Op>
bool string_op(X86Cpu& c, const Insn& i) {
  if constexpr (Op == kIns || Op == kOuts) {
    if (!c.io_allowed(static_cast<u16>(c.s.gpr[kRdx]), sizeof(T))) return false;
  }
  if (!i.rep()) return iteration<T, Op>(c, i);
  const unsigned as = i.adsize;
  constexpr bool kCompares = Op == kCmps || Op == kScas;
  const bool repne = (i.prefixes & pfx::kRepne) != 0;
  for (;;) {
    const u64 count = c.get_areg(kRcx, as);
    if (count == 0) return true;
    if constexpr (Op == kMovs || Op == kStos) {
      if (!(c.raw_flags() & flag::DF) && fast_rep_step<T, Op>(c, i, count)) {
        if (c.get_areg(kRcx, as) != 0 && c.rep_should_pause()) {
          c.set_next_rip(c.s.rip);
          return true;
        }
        continue;
      }
    }
    if (!iteration<T, Op>(c, i)) return false;
    c.set_areg(kRcx, as, count - 1);
    c.add_cycles(1);
    if constexpr (kCompares) {
      // REPE stops when ZF = 0, REPNE when ZF = 1.
      if (c.zf() == repne) return true;
    }
    if (count - 1 != 0 && c.rep_should_pause()) {
      c.set_next_rip(c.s.rip);  // resume this instruction at the next boundary
      return true;
    }
  }
}

template <int Op>
void register_pair(OpcodeTable& t, unsigned opcode, u8 cycles) {
  set_b(t.op[opcode], &string_op<u8, Op>, 0, cycles);
  set_v(
      t.op[opcode + 1], []<typename T>() { return &string_op<T, Op>; }, 0, cycles);
}

// INS/OUTS have no 64-bit operand size: REX.W selects 32 bits (SDM Vol. 2A INS).
template <int Op>
void register_io_pair(OpcodeTable& t, unsigned opcode) {
  set_b(t.op[opcode], &string_op<u8, Op>, 0, 4);
  t.op[opcode + 1].h = {&string_op<u16, Op>, &string_op<u32, Op>, &string_op<u32, Op>};
  t.op[opcode + 1].flags = 0;
  t.op[opcode + 1].cycles = 4;
}

}  // namespace

void register_string_ops(OpcodeTable& t) {
  register_io_pair<kIns>(t, 0x6c);
  register_io_pair<kOuts>(t, 0x6e);
  register_pair<kMovs>(t, 0xa4, 1);
  register_pair<kCmps>(t, 0xa6, 1);
  register_pair<kStos>(t, 0xaa, 1);
  register_pair<kLods>(t, 0xac, 1);
  register_pair<kScas>(t, 0xae, 1);
}

}  // namespace glasspc

// Guest registers of a compiled block held in host registers (see block_compiler.h).
//
// Within a block the most used guest registers live in rbp and r8-r11, so that a chain of
// dependent instructions does not go through memory (a store-to-load forwarding round trip per
// instruction). The X86Cpu's register file stays the architectural copy: it is brought up to
// date (write_back) before anything that can read it — a handler call, a helper call, a fault,
// leaving the block — and a host copy is loaded on its first use, again after anything that can
// change the register file. Which copies are valid (m_loaded) and newer than the register file
// (m_dirty) is tracked while emitting.
#include "cpu/jit/block_compiler.h"

namespace glasspc::jit {

using namespace Xbyak::util;
using Xbyak::Reg64;

namespace {

const Reg64 kCacheRegs[] = {rbp, r8, r9, r10, r11};
constexpr unsigned kCacheCount = 5;

bool byte_high(const Insn& insn, unsigned r, unsigned size) {
  return size == 1 && insn.high_byte_reg(r);
}

}  // namespace

void BlockCompiler::choose_cached_registers() {
  m_cache_slot.fill(-1);
  forget_cache();
  std::array<unsigned, 16> uses{};
  auto use = [&](unsigned r, unsigned size, const Insn& insn) {
    if (r >= 16) return;
    uses[byte_high(insn, r, size) ? r - 4 : r] += 1;
  };
  for (size_t k = 0; k < m_block.insns.size(); ++k) {
    const Insn& insn = m_block.insns[k];
    const FormInfo& f = m_forms[k];
    switch (f.form) {
      case Form::Generic:
      case Form::Jcc:
      case Form::Jmp:
        continue;
      case Form::MovMoffs:
        use(0, f.size, insn);
        continue;
      case Form::Push:
      case Form::Pop:
        use(kRsp, 8, insn);
        use(insn.rm, f.size, insn);
        continue;
      case Form::CallRel:
      case Form::Ret:
        use(kRsp, 8, insn);
        continue;
      default:
        break;
    }
    if (insn.has_mem()) {
      if (insn.base != kNoReg && insn.base != kRipBase) use(insn.base, 8, insn);
      if (insn.index != kNoReg) use(insn.index, 8, insn);
    } else {
      use(insn.rm, f.size, insn);
    }
    const bool uses_reg_field = f.form == Form::MovRmR || f.form == Form::MovRRm ||
                                f.form == Form::MovX || f.form == Form::Lea ||
                                f.form == Form::CMov || f.form == Form::Imul ||
                                (f.form == Form::Alu && !f.imm_src);
    if (uses_reg_field) use(insn.reg, f.size, insn);
    if (f.acc) use(0, f.size, insn);
  }
  for (unsigned slot = 0; slot < kCacheCount; ++slot) {
    unsigned best = 16;
    for (unsigned r = 0; r < 16; ++r) {
      if (m_cache_slot[r] < 0 && uses[r] >= 2 && (best == 16 || uses[r] > uses[best])) best = r;
    }
    if (best == 16) break;
    m_cache_slot[best] = static_cast<int>(slot);
  }
}

const Reg64* BlockCompiler::cached(unsigned r) const {
  return r < 16 && m_cache_slot[r] >= 0 ? &kCacheRegs[m_cache_slot[r]] : nullptr;
}

void BlockCompiler::ensure_loaded(unsigned g) {
  const u16 bit = static_cast<u16>(1u << g);
  if (m_loaded & bit) return;
  load_cached(bit);
  m_loaded |= bit;
}

void BlockCompiler::load_cached(u16 set) {
  for (unsigned r = 0; r < 16; ++r) {
    if (set & (1u << r)) mov(*cached(r), cpu_field(m_layout.gpr + 8 * static_cast<i32>(r), 8));
  }
}

void BlockCompiler::write_back(u16 dirty) {
  for (unsigned r = 0; r < 16; ++r) {
    if (dirty & (1u << r)) mov(cpu_field(m_layout.gpr + 8 * static_cast<i32>(r), 8), *cached(r));
  }
}

void BlockCompiler::sync_registers() {
  write_back(m_dirty);
  m_dirty = 0;
}

// dst = guest register `r` (`size` bytes, legacy byte registers 4-7 being AH..BH), zero-extended.
void BlockCompiler::load_reg(const Reg64& dst, unsigned r, unsigned size, const Insn& insn) {
  const bool high = byte_high(insn, r, size);
  const Reg64* h = cached(high ? r - 4 : r);
  if (!h) {
    const Xbyak::Address at = high ? cpu_field(m_layout.gpr + 8 * static_cast<i32>(r - 4) + 1, 1)
                                   : cpu_field(m_layout.gpr + 8 * static_cast<i32>(r), size);
    if (size <= 2)
      movzx(dst.cvt32(), at);
    else if (size == 4)
      mov(dst.cvt32(), at);
    else
      mov(dst, at);
    return;
  }
  ensure_loaded(high ? r - 4 : r);
  if (high) {
    // movzx from AH-style registers exists only for the legacy four: go through the shift
    // (loads happen before an instruction's flag-setting operation).
    mov(dst.cvt32(), h->cvt32());
    shr(dst.cvt32(), 8);
    movzx(dst.cvt32(), dst.cvt8());
  } else if (size == 1) {
    movzx(dst.cvt32(), h->cvt8());
  } else if (size == 2) {
    movzx(dst.cvt32(), h->cvt16());
  } else if (size == 4) {
    mov(dst.cvt32(), h->cvt32());
  } else {
    mov(dst, *h);
  }
}

// Guest register `r` = src (zero-extended in src): 8 and 16 bits merge, 32 bits zero-extend
// (SDM Vol. 1 3.4.1.1). Only MOVs, so that host flags survive for a following Jcc.
void BlockCompiler::store_reg(const Reg64& src, unsigned r, unsigned size, const Insn& insn) {
  const bool high = byte_high(insn, r, size);
  const unsigned g = high ? r - 4 : r;
  const Reg64* h = cached(g);
  const i32 at = m_layout.gpr + 8 * static_cast<i32>(g);
  if (!h) {
    if (high)
      mov(cpu_field(at + 1, 1), src.cvt8());
    else if (size == 1)
      mov(cpu_field(at, 1), src.cvt8());
    else if (size == 2)
      mov(cpu_field(at, 2), src.cvt16());
    else
      mov(cpu_field(at, 8), src);
    return;
  }
  const u16 bit = static_cast<u16>(1u << g);
  if (high) {  // through memory: the host register has no second byte to write
    if (m_dirty & bit) mov(cpu_field(at, 8), *h);
    mov(cpu_field(at + 1, 1), src.cvt8());
    m_loaded &= static_cast<u16>(~bit);
    m_dirty &= static_cast<u16>(~bit);
    return;
  }
  if (size <= 2) ensure_loaded(g);  // a partial write keeps the other bits
  if (size == 1)
    mov(h->cvt8(), src.cvt8());
  else if (size == 2)
    mov(h->cvt16(), src.cvt16());
  else if (size == 4)
    mov(h->cvt32(), src.cvt32());
  else
    mov(*h, src);
  m_loaded |= bit;
  m_dirty |= bit;
}

// The full 64-bit register, for addresses.
const Reg64& BlockCompiler::address_reg(unsigned r, const Reg64& scratch) {
  if (const Reg64* h = cached(r)) {
    ensure_loaded(r);
    return *h;
  }
  mov(scratch, cpu_field(m_layout.gpr + 8 * static_cast<i32>(r), 8));
  return scratch;
}

}  // namespace glasspc::jit

// Instruction decoding (SDM Vol. 2A ch. 2: prefixes, REX, ModRM/SIB, displacement, immediate).
#include "cpu/decoder.h"

namespace glasspc {
namespace {

constexpr unsigned kMaxLength = 15;  // SDM Vol. 2A 2.3.11

struct Reader {
  const u8* bytes;
  unsigned avail;
  unsigned pos = 0;
  DecodeStatus status = DecodeStatus::Ok;
  unsigned needed = 0;

  bool ok(unsigned count) {
    if (pos + count > kMaxLength) {
      status = DecodeStatus::TooLong;
      return false;
    }
    if (pos + count > avail) {
      status = DecodeStatus::NeedMore;
      needed = pos + count;
      return false;
    }
    return true;
  }
  bool u8_(u8& v) {
    if (!ok(1)) return false;
    v = bytes[pos++];
    return true;
  }
  bool uint(unsigned size, u64& v) {
    if (!ok(size)) return false;
    v = 0;
    for (unsigned i = 0; i < size; ++i) v |= u64{bytes[pos + i]} << (8 * i);
    pos += size;
    return true;
  }
};

u64 sign_extend(u64 v, unsigned size) {
  const unsigned shift = 64 - 8 * size;
  return static_cast<u64>(static_cast<i64>(v << shift) >> shift);
}

}  // namespace

DecodeStatus decode_insn(const OpcodeTable& t, const u8* bytes, unsigned avail, CodeSize mode,
                         Insn& out, unsigned& needed) {
  Reader r{bytes, avail};
  const bool m64 = mode == CodeSize::k64;
  u8 seg = kNoSeg;
  bool opsize = false, adsize = false, lock = false;
  u8 rep = 0;
  u8 rex = 0;
  u8 b = 0;
  auto fail = [&]() {
    needed = r.needed;
    return r.status;
  };

  // Legacy prefixes in any order; the last segment override and the last of F2/F3 win. A REX
  // prefix counts only if it immediately precedes the opcode (SDM Vol. 2A 2.2.1).
  for (;;) {
    if (!r.u8_(b)) return fail();
    switch (b) {
      case 0xf0:
        lock = true;
        break;
      case 0xf2:
        rep = pfx::kRepne;
        break;
      case 0xf3:
        rep = pfx::kRep;
        break;
      case 0x26:
        if (!m64) seg = kEs;
        break;
      case 0x2e:
        if (!m64) seg = kCs;
        break;
      case 0x36:
        if (!m64) seg = kSs;
        break;
      case 0x3e:
        if (!m64) seg = kDs;
        break;
      case 0x64:
        seg = kFs;
        break;
      case 0x65:
        seg = kGs;
        break;
      case 0x66:
        opsize = true;
        break;
      case 0x67:
        adsize = true;
        break;
      default:
        if (m64 && (b & 0xf0) == 0x40) {
          rex = b;
          continue;
        }
        goto opcode;
    }
    rex = 0;
  }

opcode:
  unsigned op = b;
  const OpcodeInfo* e;
  const SsePrefix column = rep == pfx::kRep     ? kPrefixF3
                           : rep == pfx::kRepne ? kPrefixF2
                           : opsize             ? kPrefix66
                                                : kPrefixNone;
  if (b == 0x0f) {
    if (!r.u8_(b)) return fail();
    op = 0x100 | b;
    e = &t.op[op];
    if (b == 0x38 || b == 0x3a) {
      const bool map38 = b == 0x38;
      if (!r.u8_(b)) return fail();
      op = (map38 ? 0x200 : 0x300) | b;
      e = &(map38 ? t.map_0f38 : t.map_0f3a)[b][column];
      if (column == kPrefix66 && !(e->flags & opf::kKeep66)) opsize = false;
    } else if (t.prefixed_0f_row[b]) {
      e = &t.prefixed_0f[b][column];
      if (column == kPrefix66 && !(e->flags & opf::kKeep66)) opsize = false;
    }
  } else if (b == 0x63 && m64) {
    e = &t.movsxd;
  } else {
    e = &t.op[op];
  }

  Insn insn;
  insn.opcode = static_cast<u16>(op);
  insn.prefixes = static_cast<u8>((lock ? pfx::kLock : 0) | rep | (opsize ? pfx::kOpsize : 0) |
                                  (rex ? pfx::kRex : 0) | ((rex & 8) ? pfx::kRexW : 0) |
                                  (seg != kNoSeg ? pfx::kSegOverride : 0));
  if (!e || !e->h[0] || (m64 && (e->flags & opf::kInv64))) {
    // Undefined opcode: #UD when executed. The length does not matter; the block ends here.
    insn.handler = t.undefined;
    insn.len = static_cast<u8>(r.pos);
    insn.mod = 3;
    insn.ends_block = true;
    out = insn;
    return DecodeStatus::Ok;
  }
  u32 flags = e->flags;
  u8 cycles = e->cycles;
  // E.g. F3 0F BD without LZCNT is BSR: the REP prefix has no meaning there (SDM Vol. 2A 2.1.1).
  if (flags & opf::kNoRep) insn.prefixes &= static_cast<u8>(~(pfx::kRep | pfx::kRepne));
  const OpcodeInfo* handlers = e;

  // Operand and address size (SDM Vol. 2A 2.2.1.2, Table 2-4; Vol. 1 3.6).
  unsigned osz, asz;
  if (m64) {
    asz = adsize ? 4 : 8;
    if (rex & 8)
      osz = 8;
    else if (flags & opf::kF64)
      osz = 8;
    else if (flags & opf::kD64)
      osz = opsize ? 2 : 8;
    else
      osz = opsize ? 2 : 4;
  } else {
    const bool d32 = mode == CodeSize::k32;
    osz = (d32 != opsize) ? 4 : 2;
    asz = (d32 != adsize) ? 4 : 2;
  }

  u8 default_seg = kDs;
  if (flags & opf::kRegInOp) {
    insn.mod = 3;
    insn.rm = static_cast<u8>((op & 7) | ((rex & 1) << 3));
  }
  if (flags & opf::kModrm) {
    u8 m;
    if (!r.u8_(m)) return fail();
    insn.modrm = m;
    insn.mod = m >> 6;
    insn.reg = static_cast<u8>(((m >> 3) & 7) | ((rex & 4) << 1));
    const unsigned rm = m & 7;
    if (flags & opf::kModrmReg) insn.mod = 3;
    if (insn.mod == 3) {
      insn.rm = static_cast<u8>(rm | ((rex & 1) << 3));
    } else if (asz == 2) {
      // 16-bit addressing (SDM Vol. 2A Table 2-1).
      static constexpr u8 kBase[8] = {kRbx, kRbx, kRbp, kRbp, kNoReg, kNoReg, kRbp, kRbx};
      static constexpr u8 kIndex[8] = {kRsi, kRdi, kRsi, kRdi, kRsi, kRdi, kNoReg, kNoReg};
      insn.base = kBase[rm];
      insn.index = kIndex[rm];
      u64 disp = 0;
      if (insn.mod == 0 && rm == 6) {
        insn.base = kNoReg;
        if (!r.uint(2, disp)) return fail();
      } else if (insn.mod == 1) {
        if (!r.uint(1, disp)) return fail();
        disp = sign_extend(disp, 1);
      } else if (insn.mod == 2) {
        if (!r.uint(2, disp)) return fail();
      }
      insn.disp = static_cast<i32>(disp);
      if (insn.base == kRbp) default_seg = kSs;
    } else {
      // 32/64-bit addressing (SDM Vol. 2A Tables 2-2, 2-3; 2.2.1.6 RIP-relative).
      unsigned base = rm;
      if (rm == 4) {
        u8 sib;
        if (!r.u8_(sib)) return fail();
        insn.scale = sib >> 6;
        const unsigned index = ((sib >> 3) & 7) | ((rex & 2) << 2);
        insn.index = index == 4 ? kNoReg : static_cast<u8>(index);
        base = sib & 7;
        if (base == 5 && insn.mod == 0) {
          insn.base = kNoReg;
        } else {
          insn.base = static_cast<u8>(base | ((rex & 1) << 3));
        }
      } else if (rm == 5 && insn.mod == 0) {
        insn.base = m64 ? kRipBase : kNoReg;
      } else {
        insn.base = static_cast<u8>(rm | ((rex & 1) << 3));
      }
      u64 disp = 0;
      if (insn.mod == 1) {
        if (!r.uint(1, disp)) return fail();
        disp = sign_extend(disp, 1);
      } else if (insn.mod == 2 || (insn.mod == 0 && insn.base == kNoReg) || insn.base == kRipBase) {
        if (!r.uint(4, disp)) return fail();
      }
      insn.disp = static_cast<i32>(disp);
      if (insn.base == kRsp || insn.base == kRbp) default_seg = kSs;
    }
    // An empty sub-table slot: the instruction raises `missing` when executed.
    auto absent = [&](Handler missing) {
      insn.handler = missing;
      insn.len = static_cast<u8>(r.pos);
      insn.ends_block = true;
      out = insn;
      return DecodeStatus::Ok;
    };
    if (flags & opf::kX87) {
      // SDM Vol. 2A A.4.1/A.4.2: mod != 3 selects by reg, mod == 3 by the whole low six bits.
      handlers =
          insn.mod == 3 ? &t.x87_reg[op - 0xd8][m & 0x3f] : &t.x87_mem[op - 0xd8][(m >> 3) & 7];
      if (!handlers->h[0]) return absent(t.x87_unavailable);
      flags |= handlers->flags;
      cycles = handlers->cycles;
    }
    if (flags & opf::kGroup) {
      handlers = &t.group[e->group][(m >> 3) & 7];
      if (!handlers->h[0]) return absent(t.undefined);
      flags |= handlers->flags;
      cycles = handlers->cycles;
      if (m64 && (handlers->flags & opf::kF64)) osz = 8;
      if (m64 && (handlers->flags & opf::kD64) && !(rex & 8)) osz = opsize ? 2 : 8;
    }
  }

  // Immediates.
  u64 imm = 0;
  if (flags & opf::kImm8) {
    if (!r.uint(1, imm)) return fail();
  } else if (flags & opf::kImm8s) {
    if (!r.uint(1, imm)) return fail();
    imm = sign_extend(imm, 1);
  } else if (flags & opf::kImm16) {
    if (!r.uint(2, imm)) return fail();
  } else if (flags & opf::kImmZ) {
    const unsigned size = osz == 2 ? 2 : 4;
    if (!r.uint(size, imm)) return fail();
    imm = sign_extend(imm, size);
  } else if (flags & opf::kImmV) {
    if (!r.uint(osz, imm)) return fail();
  } else if (flags & opf::kImmFar) {
    u64 sel;
    if (!r.uint(osz == 2 ? 2 : 4, imm) || !r.uint(2, sel)) return fail();
    insn.imm2 = static_cast<u16>(sel);
  } else if (flags & opf::kMoffs) {
    if (!r.uint(asz, imm)) return fail();
  } else if (flags & opf::kEnter) {
    u64 level;
    if (!r.uint(2, imm) || !r.uint(1, level)) return fail();
    insn.imm2 = static_cast<u16>(level);
  }

  insn.imm = imm;
  insn.len = static_cast<u8>(r.pos);
  insn.opsize = static_cast<u8>(osz);
  insn.adsize = static_cast<u8>(asz);
  insn.seg = seg != kNoSeg ? seg : default_seg;
  insn.cycles = static_cast<u8>(cycles + (insn.mod != 3 ? 1 : 0));
  if (flags & opf::kByte) {
    insn.handler = handlers->h[0];
  } else {
    insn.handler = handlers->h[osz == 2 ? 0 : osz == 4 ? 1 : 2];
  }
  // LOCK is legal only on the listed read-modify-write forms with a memory destination
  // (SDM Vol. 2A LOCK: otherwise #UD).
  if (lock && (!(flags & opf::kLock) || insn.mod == 3)) insn.handler = t.undefined;
  insn.ends_block = (flags & opf::kEnd) || insn.handler == t.undefined;
  out = insn;
  return DecodeStatus::Ok;
}

}  // namespace glasspc

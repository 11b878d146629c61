// SSE/SSE2/SSE4.1 floating-point lane rearrangement and bitwise operations: UNPCKLPS/PD,
// UNPCKHPS/PD, SHUFPS/PD, ANDPS/PD, ANDNPS/PD, ORPS/PD, XORPS/PD, BLENDPS/PD, BLENDVPS/PD,
// EXTRACTPS and INSERTPS (SDM Vol. 2 pages of the same names). They treat lanes as bits: no
// floating-point exceptions, MXCSR is neither read nor written.
#include "cpu/ops_sse_float.h"

namespace glasspc::sse_float {
namespace {

// The common frame of `op xmm1, xmm2/m128 [, imm8]` with an aligned memory operand: f(dest,
// source, imm8) gives the new destination.
template <Vec128 (*F)(const Vec128&, const Vec128&, u8)>
bool lanes_op(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  c.s.xmm[i.reg] = F(c.s.xmm[i.reg], src, static_cast<u8>(i.imm));
  return true;
}

// UNPCKLPS/UNPCKHPS: interleave the low (High = 0) or high dword pairs of both operands.
template <unsigned High>
Vec128 unpack_ps(const Vec128& d, const Vec128& s, u8) {
  const unsigned b = 2 * High;
  return simd::vec_from_dwords(d.dword(b), s.dword(b), d.dword(b + 1), s.dword(b + 1));
}
template <unsigned High>
Vec128 unpack_pd(const Vec128& d, const Vec128& s, u8) {
  return Vec128{d.qword(High), s.qword(High)};
}

// SHUFPS: two dwords chosen from the destination, then two from the source, by imm8 fields.
Vec128 shuffle_ps(const Vec128& d, const Vec128& s, u8 imm) {
  return simd::vec_from_dwords(d.dword(imm & 3), d.dword((imm >> 2) & 3), s.dword((imm >> 4) & 3),
                               s.dword((imm >> 6) & 3));
}
Vec128 shuffle_pd(const Vec128& d, const Vec128& s, u8 imm) {
  return Vec128{d.qword(imm & 1), s.qword((imm >> 1) & 1)};
}

Vec128 bit_and(const Vec128& d, const Vec128& s, u8) {
  return Vec128{d.lo & s.lo, d.hi & s.hi};
}
Vec128 bit_andn(const Vec128& d, const Vec128& s, u8) {
  return Vec128{~d.lo & s.lo, ~d.hi & s.hi};
}
Vec128 bit_or(const Vec128& d, const Vec128& s, u8) {
  return Vec128{d.lo | s.lo, d.hi | s.hi};
}
Vec128 bit_xor(const Vec128& d, const Vec128& s, u8) {
  return Vec128{d.lo ^ s.lo, d.hi ^ s.hi};
}

// BLENDPS/BLENDPD: imm8 bit n set takes lane n from the source.
template <typename T>
Vec128 blend(const Vec128& d, const Vec128& s, u8 imm) {
  Vec128 r = d;
  for (unsigned n = 0; n < kLanes<T>; ++n) {
    if ((imm >> n) & 1) r.set<Bits<T>>(n, s.get<Bits<T>>(n));
  }
  return r;
}

// BLENDVPS/BLENDVPD xmm1, xmm2/m128, <XMM0>: the sign bit of each XMM0 lane selects the source.
template <typename T>
bool blend_variable(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  Vec128 src;
  if (!read_xmm_rm(c, i, src, true)) return false;
  const Vec128 mask = c.s.xmm[0];
  constexpr unsigned kSign = 8 * sizeof(T) - 1;
  Vec128& d = c.s.xmm[i.reg];
  for (unsigned n = 0; n < kLanes<T>; ++n) {
    if ((mask.get<Bits<T>>(n) >> kSign) & 1) d.set<Bits<T>>(n, src.get<Bits<T>>(n));
  }
  return true;
}

// EXTRACTPS r/m32, xmm, imm8: the dword imm8[1:0]; a register destination is zero-extended
// (SDM Vol. 2 EXTRACTPS: 64 bits in 64-bit mode, upper half zero).
bool extractps(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  const u32 v = c.s.xmm[i.reg].dword(i.imm & 3);
  if (!i.has_mem()) {
    c.s.gpr[i.rm] = v;
    return true;
  }
  return c.write_mem(i.seg, c.ea(i), v);
}

// INSERTPS xmm1, xmm2/m32, imm8 (SDM Vol. 2 INSERTPS): a dword (from the source register lane
// imm8[7:6], or memory) replaces lane imm8[5:4], then lanes named by imm8[3:0] become zero.
bool insertps(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  const u8 imm = static_cast<u8>(i.imm);
  u32 v;
  if (i.has_mem()) {
    if (!c.read_mem(i.seg, c.ea(i), v)) return false;
  } else {
    v = c.s.xmm[i.rm].dword(imm >> 6);
  }
  Vec128 r = c.s.xmm[i.reg];
  r.set_dword((imm >> 4) & 3, v);
  for (unsigned n = 0; n < 4; ++n) {
    if ((imm >> n) & 1) r.set_dword(n, 0);
  }
  c.s.xmm[i.reg] = r;
  return true;
}

}  // namespace

void register_shuffle(OpcodeTable& t) {
  constexpr u32 kM = opf::kModrm;
  constexpr u32 kImm = opf::kModrm | opf::kImm8;
  set_sse(t, 0x14, kPrefixNone, lanes_op<unpack_ps<0>>, kM);
  set_sse(t, 0x14, kPrefix66, lanes_op<unpack_pd<0>>, kM);
  set_sse(t, 0x15, kPrefixNone, lanes_op<unpack_ps<1>>, kM);
  set_sse(t, 0x15, kPrefix66, lanes_op<unpack_pd<1>>, kM);
  set_sse(t, 0xc6, kPrefixNone, lanes_op<shuffle_ps>, kImm);
  set_sse(t, 0xc6, kPrefix66, lanes_op<shuffle_pd>, kImm);
  for (const SsePrefix p : {kPrefixNone, kPrefix66}) {
    set_sse(t, 0x54, p, lanes_op<bit_and>, kM);
    set_sse(t, 0x55, p, lanes_op<bit_andn>, kM);
    set_sse(t, 0x56, p, lanes_op<bit_or>, kM);
    set_sse(t, 0x57, p, lanes_op<bit_xor>, kM);
  }
  set_prefixed(t.map_0f3a[0x0c], kPrefix66, lanes_op<blend<F32>>, kImm);
  set_prefixed(t.map_0f3a[0x0d], kPrefix66, lanes_op<blend<F64>>, kImm);
  set_prefixed(t.map_0f3a[0x17], kPrefix66, extractps, kImm);
  set_prefixed(t.map_0f3a[0x21], kPrefix66, insertps, kImm);
  set_prefixed(t.map_0f38[0x14], kPrefix66, blend_variable<F32>, kM, 2);
  set_prefixed(t.map_0f38[0x15], kPrefix66, blend_variable<F64>, kM, 2);
}

}  // namespace glasspc::sse_float

// FXSAVE/FXRSTOR, the XSAVE feature set for x87 and SSE state, XGETBV/XSETBV, LDMXCSR/STMXCSR.
//
// Layouts: SDM Vol. 1 10.5.1 (Table 10-2, the 512-byte FXSAVE image; the REX.W form stores 64-bit
// FPU instruction and data pointers in place of the selectors) and 13.4 (the XSAVE area: that
// legacy region, then a 64-byte header holding XSTATE_BV and XCOMP_BV). Only state components 0
// (x87) and 1 (SSE) exist, so the standard and compacted formats place every byte alike.
//
// XINUSE: this core does not track the init optimization and treats both components as always
// in use (SDM Vol. 1 13.6 allows a processor to report a component in use when it is not), so
// XSAVEOPT saves like XSAVE and XSTATE_BV gets every requested bit.
#include <array>
#include <cstring>

#include "cpu/decoder.h"
#include "cpu/fpu_state.h"
#include "cpu/simd_support.h"

namespace glasspc {
namespace {

constexpr unsigned kLegacySize = 512;
constexpr unsigned kHeader = 512;  // XSAVE header offset
constexpr unsigned kMxcsrOffset = 24;
constexpr unsigned kStOffset = 32;
constexpr unsigned kXmmOffset = 160;
constexpr u64 kCompacted = u64{1} << 63;

using Image = std::array<u8, kXsaveAreaSize>;

template <typename T>
void put(Image& img, unsigned at, T v) {
  std::memcpy(img.data() + at, &v, sizeof(T));
}
template <typename T>
T get(const Image& img, unsigned at) {
  T v;
  std::memcpy(&v, img.data() + at, sizeof(T));
  return v;
}

// Linear address of a save area of `size` bytes that must be `alignment`-aligned (#GP(0)).
bool area_linear(X86Cpu& c, const Insn& i, unsigned size, unsigned alignment, Access access,
                 u64& linear) {
  if (!c.linearize(i.seg, c.ea(i), size, access, linear)) return false;
  if (linear & (alignment - 1)) return c.gp(0);
  return true;
}

bool read_area(X86Cpu& c, u64 linear, Image& img, unsigned size) {
  return c.read_linear_slow(linear, img.data(), size, c.access_key());
}

// Writes bytes [from, to) of the image; the caller has probed the whole area.
bool write_range(X86Cpu& c, u64 linear, const Image& img, unsigned from, unsigned to) {
  return c.write_linear_slow(linear + from, img.data() + from, to - from, c.access_key());
}

unsigned xmm_count(const X86Cpu& c) {
  return c.code64() ? 16 : 8;  // XMM8-15 exist only in 64-bit mode (SDM Vol. 1 10.5.1)
}

bool rex_w(const Insn& i) {
  return (i.prefixes & pfx::kRexW) != 0;
}

// The x87 part of the legacy region (bytes 0-159). Reserved bytes are not written.
void store_x87(const X86Cpu& c, const Insn& i, Image& img) {
  const X87State& x = c.s.x87;
  put<u16>(img, 0, x.fcw);
  put<u16>(img, 2, x.fsw);
  put<u8>(img, 4, x.ftw);
  put<u16>(img, 6, x.fop);
  if (rex_w(i)) {
    put<u64>(img, 8, x.fip);
    put<u64>(img, 16, x.fdp);
  } else {
    put<u32>(img, 8, static_cast<u32>(x.fip));
    put<u16>(img, 12, x.fcs);
    put<u32>(img, 16, static_cast<u32>(x.fdp));
    put<u16>(img, 20, x.fds);
  }
  for (unsigned n = 0; n < 8; ++n) {
    const fp::F80 v = c.s.x87.reg[c.s.x87.phys(n)];  // stored in stack order, ST(0) first
    put<u64>(img, kStOffset + 16 * n, v.significand);
    put<u16>(img, kStOffset + 16 * n + 8, v.sign_exponent);
  }
}

void load_x87(X86Cpu& c, const Insn& i, const Image& img) {
  X87State& x = c.s.x87;
  x.fcw = get<u16>(img, 0);
  x.fsw = get<u16>(img, 2);
  x.ftw = get<u8>(img, 4);
  x.fop = get<u16>(img, 6) & 0x7ff;
  if (rex_w(i)) {
    x.fip = get<u64>(img, 8);
    x.fdp = get<u64>(img, 16);
    x.fcs = x.fds = 0;
  } else {
    x.fip = get<u32>(img, 8);
    x.fcs = get<u16>(img, 12);
    x.fdp = get<u32>(img, 16);
    x.fds = get<u16>(img, 20);
  }
  for (unsigned n = 0; n < 8; ++n) {
    x.reg[x.phys(n)] =
        fp::F80{get<u64>(img, kStOffset + 16 * n), get<u16>(img, kStOffset + 16 * n + 8)};
  }
  // FXRSTOR does not report a pending exception: with ES set, FERR# is asserted by the next
  // waiting x87 instruction (SDM Vol. 1 D.2.1.1); with ES clear nothing is pending any more.
  if (!(x.fsw & 0x80)) c.set_ferr(false);
}

// The x87 initial configuration (SDM Vol. 1 13.6): FNINIT's control values, registers zero.
void init_x87(X86Cpu& c) {
  X87State& x = c.s.x87;
  x = X87State{};
  c.set_ferr(false);
}

void store_xmm(const X86Cpu& c, Image& img) {
  for (unsigned n = 0; n < xmm_count(c); ++n) {
    put<u64>(img, kXmmOffset + 16 * n, c.s.xmm[n].lo);
    put<u64>(img, kXmmOffset + 16 * n + 8, c.s.xmm[n].hi);
  }
}

void load_xmm(X86Cpu& c, const Image& img) {
  for (unsigned n = 0; n < xmm_count(c); ++n) {
    c.s.xmm[n] = Vec128{get<u64>(img, kXmmOffset + 16 * n), get<u64>(img, kXmmOffset + 16 * n + 8)};
  }
}

// #NM when CR0.TS is set, #UD without CR4.OSXSAVE (SDM Vol. 2 XSAVE "Protected Mode Exceptions").
bool xsave_available(X86Cpu& c) {
  if (!(c.s.cr4 & cr4::OSXSAVE) || (c.s.cr0 & cr0::EM)) return c.ud();
  if (c.s.cr0 & cr0::TS) return c.fault(vec::NM);
  return true;
}

u64 requested_features(const X86Cpu& c) {
  const u64 mask = (c.s.gpr[kRdx] << 32) | (c.s.gpr[kRax] & 0xffffffffu);
  return mask & c.s.xcr0;
}

bool save_state(X86Cpu& c, const Insn& i, bool compacted) {
  if (!xsave_available(c)) return false;
  u64 linear;
  if (!area_linear(c, i, kXsaveAreaSize, 64, Access::Write, linear)) return false;
  Image img{};
  // The header is read (XSAVE keeps XSTATE_BV bits outside RFBM) before anything is written.
  if (!c.read_linear_slow(linear + kHeader, img.data() + kHeader, 64, c.access_key())) return false;
  if (!c.probe_write(linear, kXsaveAreaSize, c.access_key())) return false;
  const u64 rfbm = requested_features(c);
  const u64 in_use = kXcr0Supported;
  if (rfbm & 1) {
    // Bytes 24-31 (MXCSR, MXCSR_MASK) belong to the SSE component.
    store_x87(c, i, img);
    if (!write_range(c, linear, img, 0, kMxcsrOffset) ||
        !write_range(c, linear, img, kStOffset, kXmmOffset))
      return false;
  }
  if (rfbm & 2) {
    put<u32>(img, kMxcsrOffset, c.s.mxcsr);
    put<u32>(img, kMxcsrOffset + 4, kMxcsrMask);
    store_xmm(c, img);
    if (!write_range(c, linear, img, kMxcsrOffset, kMxcsrOffset + 8) ||
        !write_range(c, linear, img, kXmmOffset, kXmmOffset + 16 * xmm_count(c)))
      return false;
  }
  if (compacted) {
    // XSAVEC writes the whole header: XSTATE_BV, XCOMP_BV = RFBM with bit 63, zeros after.
    std::memset(img.data() + kHeader, 0, 64);
    put<u64>(img, kHeader, rfbm & in_use);
    put<u64>(img, kHeader + 8, kCompacted | rfbm);
    return write_range(c, linear, img, kHeader, kHeader + 64);
  }
  const u64 xstate_bv = (get<u64>(img, kHeader) & ~rfbm) | (rfbm & in_use);
  put<u64>(img, kHeader, xstate_bv);
  return write_range(c, linear, img, kHeader, kHeader + 8);
}

}  // namespace

// FXSAVE m512 (SDM Vol. 2A FXSAVE): #NM when CR0.TS or CR0.EM, 16-byte alignment.
bool fxsave(X86Cpu& c, const Insn& i) {
  if (c.s.cr0 & (cr0::TS | cr0::EM)) return c.fault(vec::NM);
  u64 linear;
  if (!area_linear(c, i, kLegacySize, 16, Access::Write, linear)) return false;
  if (!c.probe_write(linear, kLegacySize, c.access_key())) return false;
  Image img{};
  store_x87(c, i, img);
  put<u32>(img, kMxcsrOffset, c.s.mxcsr);
  put<u32>(img, kMxcsrOffset + 4, kMxcsrMask);
  store_xmm(c, img);
  return write_range(c, linear, img, 0, kXmmOffset) &&
         write_range(c, linear, img, kXmmOffset, kXmmOffset + 16 * xmm_count(c));
}

// FXRSTOR m512: reserved MXCSR bits -> #GP(0) with nothing loaded.
bool fxrstor(X86Cpu& c, const Insn& i) {
  if (c.s.cr0 & (cr0::TS | cr0::EM)) return c.fault(vec::NM);
  u64 linear;
  if (!area_linear(c, i, kLegacySize, 16, Access::Read, linear)) return false;
  Image img{};
  if (!read_area(c, linear, img, kLegacySize)) return false;
  const u32 mxcsr = get<u32>(img, kMxcsrOffset);
  if (mxcsr & ~kMxcsrMask) return c.gp(0);
  load_x87(c, i, img);
  c.s.mxcsr = mxcsr;
  load_xmm(c, img);
  return true;
}

// LDMXCSR m32 / STMXCSR m32 (SDM Vol. 2A): SSE availability rules; reserved bits -> #GP(0).
bool ldmxcsr(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  u32 v;
  if (!c.read_mem(i.seg, c.ea(i), v)) return false;
  if (v & ~kMxcsrMask) return c.gp(0);
  c.s.mxcsr = v;
  return true;
}

bool stmxcsr(X86Cpu& c, const Insn& i) {
  if (!sse_available(c)) return false;
  return c.write_mem(i.seg, c.ea(i), c.s.mxcsr);
}

bool xsave(X86Cpu& c, const Insn& i) {
  return save_state(c, i, false);
}

bool xsavec(X86Cpu& c, const Insn& i) {
  if (i.mod == 3 || (i.prefixes & (pfx::kOpsize | pfx::kRep | pfx::kRepne))) return c.ud();
  return save_state(c, i, true);
}

// XRSTOR (SDM Vol. 1 13.8): header checks first, then each requested component is loaded from
// memory (XSTATE_BV bit set) or put in its initial configuration.
bool xrstor(X86Cpu& c, const Insn& i) {
  if (!xsave_available(c)) return false;
  u64 linear;
  if (!area_linear(c, i, kXsaveAreaSize, 64, Access::Read, linear)) return false;
  Image img{};
  if (!read_area(c, linear, img, kXsaveAreaSize)) return false;
  const u64 xstate_bv = get<u64>(img, kHeader);
  const u64 xcomp_bv = get<u64>(img, kHeader + 8);
  const bool compacted = (xcomp_bv & kCompacted) != 0;
  if (compacted) {
    // 13.8.1: XCOMP_BV must name only enabled components, XSTATE_BV only components in
    // XCOMP_BV, and header bytes 16-63 must be zero.
    if ((xcomp_bv & ~kCompacted & ~c.s.xcr0) || (xstate_bv & ~xcomp_bv & ~kCompacted))
      return c.gp(0);
    for (unsigned b = 16; b < 64; ++b)
      if (img[kHeader + b]) return c.gp(0);
  } else {
    // Standard form: XSTATE_BV within XCR0, header bytes 8-23 zero.
    if (xstate_bv & ~c.s.xcr0) return c.gp(0);
    for (unsigned b = 8; b < 24; ++b)
      if (img[kHeader + b]) return c.gp(0);
  }
  const u64 rfbm = requested_features(c);
  const u32 mxcsr = get<u32>(img, kMxcsrOffset);
  // The standard form loads MXCSR whenever RFBM[1] or RFBM[2] is set; the compacted form only
  // with RFBM[1] and XSTATE_BV[1], and otherwise (RFBM[1] set) resets it to 1F80H.
  const bool load_mxcsr = compacted ? (rfbm & 2) && (xstate_bv & 2) : (rfbm & 6) != 0;
  if (load_mxcsr && (mxcsr & ~kMxcsrMask)) return c.gp(0);
  if (rfbm & 1) {
    if (xstate_bv & 1)
      load_x87(c, i, img);
    else
      init_x87(c);
  }
  if (rfbm & 2) {
    if (xstate_bv & 2)
      load_xmm(c, img);
    else
      for (unsigned n = 0; n < xmm_count(c); ++n) c.s.xmm[n] = Vec128{};
    if (compacted && !(xstate_bv & 2)) c.s.mxcsr = 0x1f80;
  }
  if (load_mxcsr) c.s.mxcsr = mxcsr;
  return true;
}

// XGETBV (SDM Vol. 2C): ECX = 0 reads XCR0; other XCRs do not exist (#GP(0)).
bool xgetbv(X86Cpu& c, const Insn&) {
  if (!(c.s.cr4 & cr4::OSXSAVE)) return c.ud();
  if ((c.s.gpr[kRcx] & 0xffffffffu) != 0) return c.gp(0);
  c.s.gpr[kRax] = c.s.xcr0 & 0xffffffffu;
  c.s.gpr[kRdx] = c.s.xcr0 >> 32;
  return true;
}

// XSETBV: CPL 0 only; XCR0 must keep x87 set and name only supported components.
bool xsetbv(X86Cpu& c, const Insn&) {
  if (!(c.s.cr4 & cr4::OSXSAVE)) return c.ud();
  if (c.cpl() != 0 || c.v86()) return c.gp(0);
  if ((c.s.gpr[kRcx] & 0xffffffffu) != 0) return c.gp(0);
  const u64 value = (c.s.gpr[kRdx] << 32) | (c.s.gpr[kRax] & 0xffffffffu);
  if (!(value & 1) || (value & ~kXcr0Supported)) return c.gp(0);
  c.s.xcr0 = value;
  return true;
}

void register_fpu_state_ops(OpcodeTable& t) {
  // XSAVEC: 0F C7 /4 with a memory operand (group 9).
  set_b(t.group[kGrp9][4], &xsavec, 0, 40);
}

}  // namespace glasspc

// Input generation and encoding for the x87/MMX/SSE differential tests (see simd_diff_gen.h).
#include "simd_diff_gen.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace glasspc::test {

namespace {

unsigned lane_bytes(Lane lane) {
  switch (lane) {
    case Lane::kF32:
    case Lane::kI32:
      return 4;
    case Lane::kF64:
    case Lane::kI64:
    case Lane::kShift:
    case Lane::kAny:
      return 8;
    case Lane::kI16:
      return 2;
    default:
      return 1;
  }
}

fp::F80 f80_from_int(i64 v) {
  if (v == 0) return fp::F80{0, 0};
  const bool neg = v < 0;
  const u64 mag = neg ? 0 - static_cast<u64>(v) : static_cast<u64>(v);
  const int lz = std::countl_zero(mag);
  return fp::F80{mag << lz, static_cast<u16>((neg ? 0x8000 : 0) | (16383 + 63 - lz))};
}

}  // namespace

u32 SimdGen::f32() {
  const u32 sign = coin() ? 0x80000000u : 0;
  const u32 payload = static_cast<u32>(raw()) & 0x3fffff;
  switch (below(16)) {
    case 0:
      return sign;
    case 1:
      return sign | 1;  // smallest denormal
    case 2:
      return sign | 0x7fffff;  // largest denormal
    case 3:
      return sign | 0x800000;  // smallest normal
    case 4:
      return sign | 0x7f7fffff;  // largest normal
    case 5:
      return sign | 0x3f800000;  // 1
    case 6:
      return sign | 0x7f800000;  // infinity
    case 7:
      return sign | 0x7fc00000 | payload;  // QNaN
    case 8:
      return sign | 0x7f800000 | (payload ? payload : 1);  // SNaN
    case 9: {
      // Integer conversion boundaries: 2^31, 2^63, 2^31 - 128, 2^32, 0.5, 1.5, 2.5.
      static constexpr u32 kEdges[] = {0x4f000000, 0x5f000000, 0x4effffff, 0x4f800000,
                                       0x3f000000, 0x3fc00000, 0x40200000, 0x5effffff};
      return sign | kEdges[below(8)];
    }
    case 10:
      return sign | (payload | 1);  // random denormal
    case 11:
    case 12:
      return sign | ((127 - 24 + below(48)) << 23) | (static_cast<u32>(raw()) & 0x7fffff);
    case 13:  // near the bottom or the top of the exponent range: underflow, FTZ, overflow
      return sign | ((coin() ? 1 + below(30) : 254 - below(30)) << 23) |
             (static_cast<u32>(raw()) & 0x7fffff);
    default:
      return static_cast<u32>(raw());
  }
}

u64 SimdGen::f64() {
  const u64 sign = coin() ? u64{1} << 63 : 0;
  const u64 payload = raw() & 0x7ffffffffffffull;
  switch (below(16)) {
    case 0:
      return sign;
    case 1:
      return sign | 1;
    case 2:
      return sign | 0xfffffffffffffull;
    case 3:
      return sign | 0x10000000000000ull;
    case 4:
      return sign | 0x7fefffffffffffffull;
    case 5:
      return sign | 0x3ff0000000000000ull;
    case 6:
      return sign | 0x7ff0000000000000ull;
    case 7:
      return sign | 0x7ff8000000000000ull | payload;
    case 8:
      return sign | 0x7ff0000000000000ull | (payload ? payload : 1);
    case 9: {
      static constexpr u64 kEdges[] = {0x41e0000000000000ull, 0x43e0000000000000ull,
                                       0x41dfffffffc00000ull, 0x41efffffffe00000ull,
                                       0x3fe0000000000000ull, 0x3ff8000000000000ull,
                                       0x4004000000000000ull, 0x43dfffffffffffffull};
      return sign | kEdges[below(8)];
    }
    case 10:
      return sign | (payload | 1);
    case 11:
    case 12:
      return sign | (u64{1023 - 53 + below(110)} << 52) | (raw() & 0xfffffffffffffull);
    case 13:
      return sign | (u64{coin() ? 1 + below(60) : 2046 - below(60)} << 52) |
             (raw() & 0xfffffffffffffull);
    default:
      return raw();
  }
}

fp::F80 SimdGen::f80() {
  const u16 sign = coin() ? 0x8000 : 0;
  const u64 j = u64{1} << 63;
  switch (below(16)) {
    case 0:
      return {0, sign};
    case 1:
      return {raw() >> 1 | 1, sign};  // denormal
    case 2:
      return {j, static_cast<u16>(sign | 1)};
    case 3:
      return {~u64{0}, static_cast<u16>(sign | 0x7ffe)};
    case 4:
      return {j, static_cast<u16>(sign | 16383)};
    case 5:
      return {j, static_cast<u16>(sign | 0x7fff)};  // infinity
    case 6:
      return {j | (u64{1} << 62) | (raw() >> 2), static_cast<u16>(sign | 0x7fff)};  // QNaN
    case 7:
      return {j | ((raw() >> 2) | 1), static_cast<u16>(sign | 0x7fff)};  // SNaN
    case 8:
      return f80_from_int(static_cast<i64>(below(2001)) - 1000);
    case 9: {
      static constexpr i64 kEdges[] = {32767,
                                       -32768,
                                       32768,
                                       2147483647,
                                       -2147483647 - 1,
                                       2147483648ll,
                                       0x7fffffffffffffffll,
                                       999999999999999999ll};
      fp::F80 v = f80_from_int(kEdges[below(8)]);
      if (coin()) v.significand += below(3) - 1;  // and neighbours (non-integers near them)
      if (!(v.significand >> 63)) v.significand |= j;
      return v;
    }
    case 10:
    case 11:
    case 12:
      return {j | (raw() >> 1), static_cast<u16>(sign | (16383 - 20 + below(41)))};
    case 13: {
      // Anywhere, near the bottom or top of the extended range, or near the float/double
      // range limits (FST m32/m64 overflow and underflow).
      static constexpr u16 kCentres[] = {1,           0x7ffe,       16383 - 126,
                                         16383 + 127, 16383 - 1022, 16383 + 1023};
      const unsigned which = below(8);
      if (which >= 6) return {j | (raw() >> 1), static_cast<u16>(sign | (1 + below(0x7ffe)))};
      const int e = kCentres[which] + static_cast<int>(below(41)) - 20;
      return {j | (raw() >> 1), static_cast<u16>(sign | std::clamp(e, 1, 0x7ffe))};
    }
    case 14:  // double-representable values: differences in precision control show up
      return {(j | (raw() >> 1)) & ~u64{0x7ff}, static_cast<u16>(sign | (16383 - 64 + below(129)))};
    case 15: {
      // Encodings the 80387 and later treat as invalid operands or denormals (SDM Vol. 1
      // 8.2.2 "Unsupported Double Extended-Precision Floating-Point Encodings and Pseudo-
      // Denormals"): unnormal, pseudo-infinity, pseudo-NaN, pseudo-denormal.
      const u64 frac = raw() >> 1;
      switch (below(4)) {
        case 0:
          return {frac, static_cast<u16>(sign | (1 + below(0x7ffe)))};
        case 1:
          return {0, static_cast<u16>(sign | 0x7fff)};
        case 2:
          return {frac | 1, static_cast<u16>(sign | 0x7fff)};
        default:
          return {j | frac, sign};
      }
    }
    default:
      return {j | (raw() >> 1), static_cast<u16>(sign | (16383 - 70 + below(141)))};
  }
}

u64 SimdGen::int_lane(unsigned bytes) {
  const unsigned bits = 8 * bytes;
  const u64 mask = bits == 64 ? ~u64{0} : (u64{1} << bits) - 1;
  switch (below(9)) {
    case 0:
      return 0;
    case 1:
      return 1;
    case 2:
      return mask;  // -1
    case 3:
      return u64{1} << (bits - 1);  // signed minimum
    case 4:
      return mask >> 1;  // signed maximum
    case 5:
      return 0x8080808080808080ull & mask;
    case 6:
      return below(17);
    default:
      return raw() & mask;
  }
}

u64 SimdGen::gpr_value() {
  switch (below(10)) {
    case 0:
      return 0;
    case 1:
      return ~u64{0};
    case 2:
      return static_cast<u64>(static_cast<i64>(below(41)) - 20);
    case 3:
      return 0x80000000u;
    case 4:
      return 0x7fffffffu;
    case 5:
      return u64{1} << 63;
    case 6:
      return static_cast<u32>(raw());
    default:
      return raw();
  }
}

// Fills `size` bytes with lanes of the given type; lanes start at byte offsets = phase mod width.
void SimdGen::fill_lanes(Lane lane, u8* p, unsigned size, unsigned phase) {
  if (lane == Lane::kText) {
    static constexpr u8 kAlphabet[] = {0, 'a', 'b', 'c', 'd', 0x80, 0xff, 'a'};
    for (unsigned i = 0; i < size; ++i)
      p[i] = below(4) == 0 ? static_cast<u8>(raw()) : kAlphabet[below(8)];
    return;
  }
  const unsigned w = lane_bytes(lane);
  for (unsigned i = 0; i < size; ++i) p[i] = static_cast<u8>(raw());
  for (unsigned off = phase % w; off + w <= size; off += w) {
    u64 v = 0;
    switch (lane) {
      case Lane::kF32:
        v = f32();
        break;
      case Lane::kF64:
        v = f64();
        break;
      case Lane::kI8:
      case Lane::kI16:
      case Lane::kI32:
      case Lane::kI64:
        v = int_lane(w);
        break;
      case Lane::kShift:
        v = below(2) ? below(70) : int_lane(8);
        break;
      default:
        v = raw();
        break;
    }
    std::memcpy(p + off, &v, w);
  }
}

unsigned SimdGen::gpr_number() {
  for (;;) {
    const unsigned r = below(16);
    if (r != kRsp && r != kSimdBase) return r;
  }
}

// x87 environment and, with registers, the FSAVE image, in the protected-mode layouts (SDM Vol. 1
// Figures 8-9, 8-10 and 8-11): 32-bit (28 + 80 bytes, fields in dwords) or 16-bit (14 + 80 bytes,
// fields in words), with exceptions masked.
void SimdGen::fill_env(u8* p, bool with_registers, bool bits16) {
  const u16 fcw = static_cast<u16>(0x40 | 0x3f | (std::array<u16, 3>{0, 2, 3}[below(3)] << 8) |
                                   (below(4) << 10));
  const u16 fsw = static_cast<u16>(raw() & 0x477f & ~0x80);  // no ES/B: nothing pending
  const u16 ftw = static_cast<u16>(raw());
  const unsigned field = bits16 ? 2 : 4;
  std::memcpy(p + 0, &fcw, 2);
  std::memcpy(p + field, &fsw, 2);
  std::memcpy(p + 2 * field, &ftw, 2);
  if (with_registers) {
    const unsigned regs = bits16 ? 14 : 28;
    for (unsigned i = 0; i < 8; ++i) {
      const fp::F80 v = f80();
      std::memcpy(p + regs + 10 * i, &v.significand, 8);
      std::memcpy(p + regs + 8 + 10 * i, &v.sign_exponent, 2);
    }
  }
}

void SimdGen::fill_x87(const Form& f, SimdState& s) {
  static constexpr u16 kPc[] = {0, 2, 3};
  s.fcw = static_cast<u16>(0x40 | 0x3f | (kPc[below(3)] << 8) | (below(4) << 10));
  u16 fsw = static_cast<u16>((below(8) << 11) | (raw() & 0x4700));
  if (coin()) fsw |= raw() & 0x7f & ~0x80;  // sticky flags and SF, never ES
  s.fsw = static_cast<u16>(fsw & ~0x8080);
  const bool mmx = f.reg == Opnd::kMmx || f.rm == Opnd::kMmx;
  for (unsigned i = 0; i < 8; ++i) {
    s.st[i] = f80();
    if (mmx) {
      u64 v = 0;
      fill_lanes(f.lane == Lane::kF32 || f.lane == Lane::kF64 ? Lane::kI32 : f.lane,
                 reinterpret_cast<u8*>(&v), 8, 0);
      s.st[i].significand = v;
      if (below(4)) s.st[i].sign_exponent = 0xffff;
    }
  }
  if (f.flags & (formf::kSt0Unit | formf::kSt0Small)) {
    // Keep ST(0) where the result is defined; 0.25 is a simple bound below 1 - sqrt(2)/2.
    fp::F80& x = s.st[0];
    const unsigned limit = (f.flags & formf::kSt0Unit) ? 0x3fff : 0x3ffd;
    const bool nan = x.exponent() == 0x7fff && (x.significand << 1) != 0;
    const bool one = x.exponent() == 0x3fff && x.significand == (u64{1} << 63);
    if (!nan && x.exponent() >= limit && !((f.flags & formf::kSt0Unit) && one)) {
      x.sign_exponent = static_cast<u16>((x.sign_exponent & 0x8000) | (limit - 1 - below(40)));
      x.significand |= u64{1} << 63;
    }
  }
  const unsigned pick = below(10);
  if (pick < 2) {
    s.ftw = static_cast<u8>(raw());
  } else {
    const unsigned depth = pick == 2 ? 0 : pick == 3 ? 8 : pick == 4 ? 7 : 1 + below(6);
    s.ftw = 0;
    for (unsigned i = 0; i < depth; ++i) s.ftw |= static_cast<u8>(1u << ((s.top() + i) & 7));
  }
}

void SimdGen::fill_state(const Form& f, SimdCase& k) {
  SimdState& s = k.in;
  for (auto& r : s.gpr) r = gpr_value();
  if (f.lane == Lane::kText) {
    // PCMPESTRx lengths in EAX/EDX: mostly within and around the 8/16-element range.
    for (unsigned r : {kRax, kRdx})
      if (below(4)) s.gpr[r] = static_cast<u64>(static_cast<i64>(below(41)) - 20);
  }
  s.gpr[kRsp] = 0;
  s.gpr[kSimdBase] = kSimdBaseOffset;
  s.pointers = 1u << kSimdBase;
  s.rflags = raw() & flag::kArith;
  s.mxcsr = 0x1f80 | (below(4) << 13) | (coin() ? 0x40 : 0) | (coin() ? 0x8000 : 0);
  if (coin()) s.mxcsr |= raw() & 0x3f;
  const Lane lane = f.feature == Feature::kX87 ? Lane::kF64 : f.lane;
  for (auto& x : s.xmm) {
    u8 b[16];
    fill_lanes(lane, b, 16, 0);
    std::memcpy(&x.lo, b, 8);
    std::memcpy(&x.hi, b + 8, 8);
  }
  fill_x87(f, s);
}

void SimdGen::fill_memory(const Form& f, SimdCase& k) {
  SimdState& s = k.in;
  fill_lanes(f.lane, s.data.data(), kSimdDataSize, k.addr);
  u8* p = s.data.data() + k.addr;
  switch (f.lane) {
    case Lane::kF80: {
      const fp::F80 v = f80();
      std::memcpy(p, &v.significand, 8);
      std::memcpy(p + 8, &v.sign_exponent, 2);
      break;
    }
    case Lane::kBcd:
      for (unsigned i = 0; i < 9; ++i) p[i] = static_cast<u8>(below(10) | (below(10) << 4));
      if (below(8) == 0) std::memset(p, below(2) ? 0x99 : 0, 9);
      p[9] = coin() ? 0x80 : 0;
      break;
    case Lane::kEnv:
      fill_env(p, f.mem > 28, f.mem == 14 || f.mem == 94);
      break;
    case Lane::kCw: {
      const u16 cw = static_cast<u16>((raw() & 0x1f40) | 0x3f);
      std::memcpy(p, &cw, 2);
      break;
    }
    case Lane::kMxcsr: {
      u32 v = 0x1f80 | (below(4) << 13) | (coin() ? 0x40 : 0) | (coin() ? 0x8000 : 0);
      if (coin()) v |= raw() & 0x3f;
      std::memcpy(p, &v, 4);
      break;
    }
    default:
      break;
  }
}

SimdCase SimdGen::next(const Form& f, bool mem) {
  SimdCase k;
  k.mem = mem;
  fill_state(f, k);
  SimdState& s = k.in;
  if (mem) {
    const unsigned size = f.mem;
    const bool aligned = (f.flags & formf::kAligned) || (size == 16 && coin());
    const unsigned span = kSimdDataSize - size;
    k.addr = below(span + 1);
    if (aligned) k.addr &= ~15u;
  }
  if (f.flags & formf::kRdiMem) {
    k.addr = below(kSimdDataSize - 16 + 1);
    s.gpr[kRdi] = k.addr;
    s.pointers |= 1u << kRdi;
  }
  fill_memory(f, k);

  // Encoding: [66] [mandatory prefix] [REX] [0F [38|3A]] opcode ModRM [disp] [imm8].
  auto& c = k.code;
  if (f.flags & formf::k66) c.push_back(0x66);
  if (f.prefix) c.push_back(f.prefix);
  u8 rex = (f.flags & formf::kW) ? 0x48 : 0x40;
  const bool byte_reg = (f.flags & formf::kByteReg) != 0;
  auto pick = [&](Opnd kind) -> unsigned {
    switch (kind) {
      case Opnd::kXmm:
        return below(16);
      case Opnd::kMmx:
        return below(4) == 0 ? below(16) : below(8);  // REX bits are ignored for mm registers
      case Opnd::kGpr:
        return gpr_number();
      default:
        return 0;
    }
  };
  unsigned reg_field = 0;
  if (f.reg == Opnd::kDigit) {
    reg_field = f.digit;
  } else if (f.reg != Opnd::kNone) {
    k.reg = pick(f.reg);
    reg_field = k.reg;
  }
  u8 modrm = 0;
  std::vector<u8> disp;
  if (f.rm == Opnd::kSt) {
    modrm = static_cast<u8>(f.modrm + below(8));
  } else if (f.rm == Opnd::kFixed) {
    modrm = f.modrm;
  } else if (mem) {
    // [r15 + disp8] or [r15 + disp32].
    const i32 d = static_cast<i32>(k.addr) - static_cast<i32>(kSimdBaseOffset);
    rex |= 1;
    if (coin()) {
      modrm = static_cast<u8>(0x40 | ((reg_field & 7) << 3) | (kSimdBase & 7));
      disp.push_back(static_cast<u8>(d));
    } else {
      modrm = static_cast<u8>(0x80 | ((reg_field & 7) << 3) | (kSimdBase & 7));
      for (unsigned i = 0; i < 4; ++i)
        disp.push_back(static_cast<u8>(static_cast<u32>(d) >> (8 * i)));
    }
  } else {
    k.rm = pick(f.rm);
    if (k.rm & 8) rex |= 1;
    modrm = static_cast<u8>(0xc0 | ((reg_field & 7) << 3) | (k.rm & 7));
  }
  if (reg_field & 8) rex |= 4;
  // REX.W is ignored by the forms without a general-register operand (SDM Vol. 2A 2.2.1.2).
  const bool gpr = f.reg == Opnd::kGpr || f.rm == Opnd::kGpr;
  if (f.map != 0 && !gpr && below(8) == 0) rex |= 8;
  if (rex != 0x40 || (byte_reg && coin())) c.push_back(rex);
  if (f.map >= 1) c.push_back(0x0f);
  if (f.map == 2) c.push_back(0x38);
  if (f.map == 3) c.push_back(0x3a);
  c.push_back(f.opcode);
  if (!(f.flags & formf::kNoModrm)) {
    c.push_back(modrm);
    c.insert(c.end(), disp.begin(), disp.end());
  }
  if (f.flags & formf::kImm8) {
    // Shift counts, lane indices and selector bits have their edges at small values and at
    // the lane widths.
    static constexpr u8 kEdges[] = {15, 16, 31, 32, 63, 64, 127, 128, 255, 7, 8};
    const unsigned pick = below(4);
    const u8 imm = pick < 2 ? static_cast<u8>(raw()) : pick == 2 ? below(17) : kEdges[below(11)];
    c.push_back(static_cast<u8>(imm & f.imm_mask));
  }
  return k;
}

}  // namespace glasspc::test

// The x87/MMX/SSE differential driver and its comparison rules.
//
// Compared after every case: all 16 GPRs but RSP (buffer pointers relative to the buffer), the
// RFLAGS arithmetic bits, XMM0-15, MXCSR, FCW, FSW (minus the condition codes the SDM leaves
// undefined for the instruction), the abridged FTW, the eight x87/MMX registers and the 256-byte
// data buffer. Two documented latitudes:
// - RCPPS/RCPSS/RSQRTPS/RSQRTSS results are model-specific: a result lane may differ from the
//   host's when both are normal and it is within 1.5*2^-12 relative error of the exact value
//   (SDM Vol. 2B RCPPS, RSQRTPS).
// - x87 transcendentals (F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS) may differ by
//   1 ulp of the 64-bit significand, and C1 (round-up) is not compared for them (SDM Vol.
//   1 8.3.10).
// A form for which glasspc raises #UD in every case is "not implemented" (a warning unless
// GLASSPC_SIMD_DIFF_STRICT=1); #UD in only some cases is a failure.
#include "simd_diff_check.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "simd_diff_gen.h"

namespace glasspc::test {

namespace {

bool host_has(const HostFeatures& h, Feature f) {
  switch (f) {
    case Feature::kX87:
    case Feature::kMmx:
      return true;
    case Feature::kSse:
      return h.sse;
    case Feature::kSse2:
      return h.sse2;
    case Feature::kSse3:
      return h.sse3;
    case Feature::kSsse3:
      return h.ssse3;
    case Feature::kSse41:
      return h.sse41;
    case Feature::kSse42:
      return h.sse42;
    case Feature::kAes:
      return h.aes;
    case Feature::kPclmul:
      return h.pclmul;
    case Feature::kAvx:
      return h.avx;
  }
  return false;
}

u64 fnv1a(const std::string& s) {
  u64 h = 0xcbf29ce484222325ull;
  for (unsigned char ch : s) h = (h ^ ch) * 0x100000001b3ull;
  return h;
}

float f32_of(u32 bits) {
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

bool normal_f32(u32 bits) {
  const u32 e = (bits >> 23) & 0xff;
  return e != 0 && e != 0xff;
}

// SDM Vol. 2B RCPPS/RSQRTPS: |relative error| <= 1.5 * 2^-12. The exact value is computed in
// host double precision, which is far more precise than the bound (test code only).
bool approx_ok(u32 src, u32 host, u32 glass, bool rsqrt) {
  if (host == glass) return true;
  if (!normal_f32(host) || !normal_f32(glass) || !normal_f32(src)) return false;
  if ((host ^ glass) >> 31) return false;
  const double x = f32_of(src);
  const double exact = rsqrt ? 1.0 / std::sqrt(x) : 1.0 / x;
  return std::fabs(static_cast<double>(f32_of(glass)) - exact) <=
         std::ldexp(1.5, -12) * std::fabs(exact);
}

// Position of an extended-precision value on the number line of its sign (for ulp distance).
unsigned __int128 f80_ordinal(const fp::F80& v) {
  const unsigned e = v.exponent();
  return (static_cast<unsigned __int128>(e == 0 ? 0 : e - 1) << 63) + v.significand;
}

bool within_ulp(const fp::F80& a, const fp::F80& b) {
  if (a == b) return true;
  if (a.sign() != b.sign() || a.exponent() == 0x7fff || b.exponent() == 0x7fff) return false;
  const auto x = f80_ordinal(a), y = f80_ordinal(b);
  return (x > y ? x - y : y - x) <= 1;
}

struct Variant {
  const Form* form;
  bool mem;
  std::string name;
};

class Checker {
 public:
  Checker(const Form& f, const SimdCase& k, const SimdState& h, const SimdState& g)
      : f(f), k(k), h(h), g(g) {}

  std::vector<std::string> run(u32 vector, bool halted) {
    if (!halted) out.push_back("glasspc did not halt");
    if (vector != PmEnv::kNoVector)
      out.push_back(fmt::format("glasspc raised exception {}", vector));
    for (unsigned r = 0; r < 16; ++r) {
      if (r == kRsp || h.gpr[r] == g.gpr[r]) continue;
      out.push_back(fmt::format("r{}: in {:#x} host {:#x} glasspc {:#x}", r, k.in.gpr[r], h.gpr[r],
                                g.gpr[r]));
    }
    if (h.rflags != g.rflags) {
      out.push_back(fmt::format("rflags (arith): in {:#x} host {:#x} glasspc {:#x}", k.in.rflags,
                                h.rflags, g.rflags));
    }
    for (unsigned i = 0; i < 16; ++i) check_xmm(i);
    if (h.mxcsr != g.mxcsr) {
      out.push_back(
          fmt::format("mxcsr: in {:#x} host {:#x} glasspc {:#x}", k.in.mxcsr, h.mxcsr, g.mxcsr));
    }
    if (h.fcw != g.fcw)
      out.push_back(fmt::format("fcw: in {:#x} host {:#x} glasspc {:#x}", k.in.fcw, h.fcw, g.fcw));
    const u16 undef = f.fsw_undef | ((f.flags & formf::kUlp) ? fswc::C1 : 0);
    if ((h.fsw ^ g.fsw) & ~undef) {
      out.push_back(fmt::format("fsw: in {:#x} host {:#x} glasspc {:#x} (undefined bits {:#x})",
                                k.in.fsw, h.fsw, g.fsw, undef));
    }
    if (h.ftw != g.ftw)
      out.push_back(fmt::format("ftw: in {:#x} host {:#x} glasspc {:#x}", k.in.ftw, h.ftw, g.ftw));
    for (unsigned i = 0; i < 8; ++i) {
      const bool same = (f.flags & formf::kUlp) ? within_ulp(h.st[i], g.st[i]) : h.st[i] == g.st[i];
      if (!same) {
        out.push_back(fmt::format("st({}): in {} host {} glasspc {}", i, f80_text(k.in.st[i]),
                                  f80_text(h.st[i]), f80_text(g.st[i])));
      }
    }
    for (unsigned i = 0; i < kSimdDataSize; ++i) {
      if (h.data[i] == g.data[i]) continue;
      const unsigned rel = i - k.addr;
      if (k.mem && i >= k.addr && rel < 32 && ((f.ignore_mask >> rel) & 1)) continue;
      out.push_back(fmt::format("data[{}]: in {:02x} host {:02x} glasspc {:02x}", i, k.in.data[i],
                                h.data[i], g.data[i]));
    }
    return out;
  }

 private:
  void check_xmm(unsigned i) {
    const simd::Vec128 &a = h.xmm[i], &b = g.xmm[i];
    if (a == b) return;
    if ((f.flags & formf::kApprox) && i == k.reg) {
      simd::Vec128 src = k.mem ? simd::Vec128{} : k.in.xmm[k.rm];
      if (k.mem) {
        std::memcpy(&src.lo, k.in.data.data() + k.addr, 8);
        if (f.mem == 16) std::memcpy(&src.hi, k.in.data.data() + k.addr + 8, 8);
      }
      const bool rsqrt = f.opcode == 0x52;
      const unsigned approx_lanes = (f.flags & formf::kScalar) ? 1 : 4;
      bool ok = true;
      for (unsigned l = 0; l < 4; ++l) {
        const u32 x = a.dword(l), y = b.dword(l);
        ok &= l < approx_lanes ? approx_ok(src.dword(l), x, y, rsqrt) : x == y;
      }
      if (ok) return;
    }
    out.push_back(fmt::format("xmm{}: in {} host {} glasspc {}", i, vec_text(k.in.xmm[i]),
                              vec_text(a), vec_text(b)));
  }

  const Form& f;
  const SimdCase& k;
  const SimdState& h;
  const SimdState& g;
  std::vector<std::string> out;
};

// The inputs that matter for reading a failure: operands and control state.
std::string describe_input(const Form& f, const SimdCase& k) {
  const SimdState& s = k.in;
  std::string t = fmt::format("  in: mxcsr {:#x} rflags {:#x} fcw {:#x} fsw {:#x} ftw {:#x}",
                              s.mxcsr, s.rflags, s.fcw, s.fsw, s.ftw);
  auto opnd = [&](const char* what, Opnd kind, unsigned n) {
    if (kind == Opnd::kXmm) t += fmt::format("\n  {} xmm{} = {}", what, n, vec_text(s.xmm[n]));
    if (kind == Opnd::kGpr) t += fmt::format("\n  {} r{} = {:#x}", what, n, s.gpr[n]);
    if (kind == Opnd::kMmx) {
      SimdState copy = s;
      t += fmt::format("\n  {} mm{} = {:#018x}", what, n & 7, copy.phys(n & 7).significand);
    }
  };
  opnd("reg", f.reg, k.reg);
  if (!k.mem) opnd("rm", f.rm, k.rm);
  if (f.reg == Opnd::kXmm && f.rm == Opnd::kXmm)
    t += fmt::format("\n  xmm0 = {}", vec_text(s.xmm[0]));
  if (f.map == 3 && (f.opcode & 0xf0) == 0x60)
    t += fmt::format("\n  rax {:#x} rdx {:#x}", s.gpr[kRax], s.gpr[kRdx]);
  if (k.mem || (f.flags & formf::kRdiMem)) {
    const unsigned n = f.mem ? f.mem : 16;
    t += fmt::format("\n  memory operand at data[{}] = {}", k.addr,
                     hex_bytes(s.data.data() + k.addr, n));
  }
  if (f.feature == Feature::kX87 || f.reg == Opnd::kMmx || f.rm == Opnd::kMmx) {
    for (unsigned i = 0; i < 8; ++i) t += fmt::format("\n  st({}) = {}", i, f80_text(s.st[i]));
  }
  return t;
}

}  // namespace

std::vector<std::string> simd_diff_compare(const Form& f, const SimdCase& k, const SimdState& host,
                                           const SimdState& glass, u32 vector, bool halted) {
  return Checker(f, k, host, glass).run(vector, halted);
}

SimdDiffSummary run_simd_diff(const std::vector<Form>& forms, const SimdDiffOptions& opt) {
  SimdDiffSummary sum;
  const HostFeatures host = HostFeatures::detect();
  std::vector<Variant> variants;
  for (const Form& f : forms) {
    const bool reg = !(f.flags & formf::kMemOnly);
    const bool mem = f.mem != 0 && !(f.flags & formf::kRegOnly);
    const bool both = reg && mem;
    if (reg) variants.push_back({&f, false, both ? f.name + " [reg]" : f.name});
    if (mem) variants.push_back({&f, true, both ? f.name + " [mem]" : f.name});
  }
  SimdNativeRunner native;
  SimdGlassRunner glass;
  for (const Variant& v : variants) {
    const Form& f = *v.form;
    if (!opt.filter.empty() && v.name.find(opt.filter) == std::string::npos) continue;
    if (!host_has(host, f.feature)) {
      sum.skipped.push_back(v.name);
      continue;
    }
    ++sum.checked;
    const u64 seed = opt.seed * 0x9e3779b97f4a7c15ull ^ fnv1a(v.name);
    SimdGen gen(seed);
    u64 ud = 0, bad = 0;
    std::string first_ud, first_bad;
    for (u64 n = 0; n < opt.cases; ++n) {
      const SimdCase k = gen.next(f, v.mem);
      SimdState h = k.in, g = k.in;
      native.run(k.code, h);
      const u32 vector = glass.run(k.code, g);
      const std::string head = fmt::format(
          "simd-diff FAIL {}: case {} (GLASSPC_SIMD_DIFF_SEED={} "
          "GLASSPC_SIMD_DIFF_FILTER='{}')\n  bytes: {}\n",
          v.name, n, opt.seed, v.name, hex_bytes(k.code.data(), k.code.size()));
      if (vector == vec::UD) {
        if (ud++ == 0) first_ud = head + describe_input(f, k) + "\n  glasspc raised #UD";
        continue;
      }
      const std::vector<std::string> diffs = simd_diff_compare(f, k, h, g, vector, glass.halted());
      if (diffs.empty()) continue;
      if (bad++ == 0 || opt.verbose) {
        std::string report = head + describe_input(f, k);
        for (const auto& d : diffs) report += "\n  differs: " + d;
        if (bad == 1) first_bad = report;
        if (opt.verbose) fmt::print("{}\n", report);
      }
    }
    if (ud == opt.cases && opt.cases != 0) {
      sum.not_implemented.push_back(v.name);
      continue;
    }
    if (bad) {
      sum.failures.push_back(
          fmt::format("{}\n  ({} of {} cases differ)", first_bad, bad, opt.cases));
    }
    if (ud) {
      sum.failures.push_back(
          fmt::format("{}\n  (#UD in {} of {} cases only)", first_ud, ud, opt.cases));
    }
  }
  return sum;
}

}  // namespace glasspc::test

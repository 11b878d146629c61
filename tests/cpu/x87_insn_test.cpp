// x87 instructions in glasspc against the host's x87 unit: every register and memory form runs
// natively (an mmap'd code page) and in a long-mode guest from the same FRSTOR image (random
// edge-weighted registers, tags, TOP, flags, under every rounding and precision control and with
// random exception masks), and the FNSAVE images, RFLAGS and memory operands must agree bit for
// bit. Pointer fields (FIP/FCS/FOP/FDP/FDS) are host-specific and checked in x87_behavior_test.
// Transcendentals may differ by 1 ulp (cpu/float/README.md); their exact-match rate is printed.
#include <sys/mman.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cpu/float/x87.h"
#include "tests/cpu/float/operand_gen.h"
#include "x87_guest.h"

namespace glasspc::test {
namespace {

using fp::F80;

enum class Mem : u8 { kNone, kF32, kF64, kF80, kI16, kI32, kI64, kBcd, kCw, kEnv };
enum class Range : u8 { kAny, kTrig, kInteger, kUnit, kLog1p };

struct Form {
  std::string name;
  std::vector<u8> bytes;
  Mem mem = Mem::kNone;
  bool approx = false;  // transcendental: results within 1 ulp
  Range range = Range::kAny;
  unsigned mem_compare = 16;  // bytes of the memory operand compared after the run
};

std::string hex(const std::vector<u8>& b) {
  std::string s;
  char buf[4];
  for (u8 v : b) {
    std::snprintf(buf, sizeof buf, "%02x ", v);
    s += buf;
  }
  return s;
}

std::vector<Form> all_forms() {
  std::vector<Form> f;
  auto reg_row = [&](const char* name, u8 esc, u8 base) {
    for (u8 n : {0, 1, 3, 7}) {
      f.push_back(
          {std::string(name) + " st" + std::to_string(n), {esc, static_cast<u8>(base + n)}});
    }
  };
  const char* d8[] = {"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"};
  const char* dc[] = {"fadd", "fmul", "", "", "fsubr", "fsub", "fdivr", "fdiv"};
  for (u8 r = 0; r < 8; ++r) {
    reg_row((std::string("D8 ") + d8[r]).c_str(), 0xd8, static_cast<u8>(0xc0 + 8 * r));
    if (r == 2 || r == 3) continue;
    reg_row((std::string("DC ") + dc[r]).c_str(), 0xdc, static_cast<u8>(0xc0 + 8 * r));
    reg_row((std::string("DE ") + dc[r] + "p").c_str(), 0xde, static_cast<u8>(0xc0 + 8 * r));
  }
  reg_row("fld", 0xd9, 0xc0);
  reg_row("fxch", 0xd9, 0xc8);
  reg_row("ffree", 0xdd, 0xc0);
  reg_row("fst", 0xdd, 0xd0);
  reg_row("fstp", 0xdd, 0xd8);
  reg_row("fucom", 0xdd, 0xe0);
  reg_row("fucomp", 0xdd, 0xe8);
  reg_row("fcmovb", 0xda, 0xc0);
  reg_row("fcmove", 0xda, 0xc8);
  reg_row("fcmovbe", 0xda, 0xd0);
  reg_row("fcmovu", 0xda, 0xd8);
  reg_row("fcmovnb", 0xdb, 0xc0);
  reg_row("fcmovne", 0xdb, 0xc8);
  reg_row("fcmovnbe", 0xdb, 0xd0);
  reg_row("fcmovnu", 0xdb, 0xd8);
  reg_row("fucomi", 0xdb, 0xe8);
  reg_row("fcomi", 0xdb, 0xf0);
  reg_row("ffreep", 0xdf, 0xc0);
  reg_row("fucomip", 0xdf, 0xe8);
  reg_row("fcomip", 0xdf, 0xf0);
  // Aliases outside the SDM maps.
  reg_row("fcom2", 0xdc, 0xd0);
  reg_row("fcomp3", 0xdc, 0xd8);
  reg_row("fxch4", 0xdd, 0xc8);
  reg_row("fcomp5", 0xde, 0xd0);
  reg_row("fxch7", 0xdf, 0xc8);
  reg_row("fstp1", 0xd9, 0xd8);
  reg_row("fstp8", 0xdf, 0xd0);
  reg_row("fstp9", 0xdf, 0xd8);
  auto single = [&](const char* name, u8 esc, u8 modrm, bool approx = false,
                    Range range = Range::kAny) {
    f.push_back({name, {esc, modrm}, Mem::kNone, approx, range});
  };
  single("fcompp", 0xde, 0xd9);
  single("fucompp", 0xda, 0xe9);
  single("fnop", 0xd9, 0xd0);
  single("fchs", 0xd9, 0xe0);
  single("fabs", 0xd9, 0xe1);
  single("ftst", 0xd9, 0xe4);
  single("fxam", 0xd9, 0xe5);
  const char* consts[] = {"fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz"};
  for (u8 k = 0; k < 7; ++k) single(consts[k], 0xd9, static_cast<u8>(0xe8 + k));
  single("f2xm1", 0xd9, 0xf0, true, Range::kUnit);
  single("fyl2x", 0xd9, 0xf1, true);
  single("fptan", 0xd9, 0xf2, true, Range::kTrig);
  single("fpatan", 0xd9, 0xf3, true);
  single("fxtract", 0xd9, 0xf4);
  single("fprem1", 0xd9, 0xf5);
  single("fdecstp", 0xd9, 0xf6);
  single("fincstp", 0xd9, 0xf7);
  single("fprem", 0xd9, 0xf8);
  single("fyl2xp1", 0xd9, 0xf9, true, Range::kLog1p);
  single("fsqrt", 0xd9, 0xfa);
  single("fsincos", 0xd9, 0xfb, true, Range::kTrig);
  single("frndint", 0xd9, 0xfc);
  single("fscale", 0xd9, 0xfd);
  single("fsin", 0xd9, 0xfe, true, Range::kTrig);
  single("fcos", 0xd9, 0xff, true, Range::kTrig);
  single("fneni", 0xdb, 0xe0);
  single("fndisi", 0xdb, 0xe1);
  single("fnclex", 0xdb, 0xe2);
  single("fninit", 0xdb, 0xe3);
  single("fnsetpm", 0xdb, 0xe4);
  // Memory forms: [rbx + 0x40].
  auto mem = [&](const char* name, u8 esc, u8 reg, Mem kind, Range range = Range::kAny,
                 unsigned compare = 16) {
    Form k{name, {esc, static_cast<u8>(0x43 | (reg << 3)), kMemOperand}, kind};
    k.range = range;
    k.mem_compare = compare;
    f.push_back(k);
  };
  const Mem arith_kind[] = {Mem::kF32, Mem::kI32, Mem::kF64, Mem::kI16};
  const char* arith_name[] = {"m32fp", "m32int", "m64fp", "m16int"};
  for (unsigned e = 0; e < 4; ++e) {
    for (u8 r = 0; r < 8; ++r) {
      mem((std::string(d8[r]) + " " + arith_name[e]).c_str(), static_cast<u8>(0xd8 + 2 * e), r,
          arith_kind[e]);
    }
  }
  mem("fld m32fp", 0xd9, 0, Mem::kF32);
  mem("fst m32fp", 0xd9, 2, Mem::kNone);
  mem("fstp m32fp", 0xd9, 3, Mem::kNone);
  mem("fldcw", 0xd9, 5, Mem::kCw);
  mem("fnstcw", 0xd9, 7, Mem::kNone);
  mem("fldenv", 0xd9, 4, Mem::kEnv);
  mem("fnstenv", 0xd9, 6, Mem::kNone, Range::kAny, 12);
  // FLDCW then FNSTENV: how ES follows the masks, and what FNSTENV leaves (SDM Vol. 1 8.1.3.1).
  f.push_back(
      {"fldcw; fnstenv", {0xd9, 0x6b, 0x40, 0xd9, 0x73, 0x50}, Mem::kCw, false, Range::kAny, 0x1c});
  mem("fild m32int", 0xdb, 0, Mem::kI32);
  mem("fisttp m32int", 0xdb, 1, Mem::kNone, Range::kInteger);
  mem("fist m32int", 0xdb, 2, Mem::kNone, Range::kInteger);
  mem("fistp m32int", 0xdb, 3, Mem::kNone, Range::kInteger);
  mem("fld m80fp", 0xdb, 5, Mem::kF80);
  mem("fstp m80fp", 0xdb, 7, Mem::kNone);
  mem("fld m64fp", 0xdd, 0, Mem::kF64);
  mem("fisttp m64int", 0xdd, 1, Mem::kNone, Range::kInteger);
  mem("fst m64fp", 0xdd, 2, Mem::kNone);
  mem("fstp m64fp", 0xdd, 3, Mem::kNone);
  mem("fnstsw m16", 0xdd, 7, Mem::kNone);
  mem("fild m16int", 0xdf, 0, Mem::kI16);
  mem("fisttp m16int", 0xdf, 1, Mem::kNone, Range::kInteger);
  mem("fist m16int", 0xdf, 2, Mem::kNone, Range::kInteger);
  mem("fistp m16int", 0xdf, 3, Mem::kNone, Range::kInteger);
  mem("fbld", 0xdf, 4, Mem::kBcd);
  mem("fild m64int", 0xdf, 5, Mem::kI64);
  mem("fbstp", 0xdf, 6, Mem::kNone, Range::kInteger);
  mem("fistp m64int", 0xdf, 7, Mem::kNone, Range::kInteger);
  return f;
}

class Native {
 public:
  Native() {
    m_page = static_cast<u8*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  }
  ~Native() { munmap(m_page, 4096); }
  bool ok() const { return m_page != MAP_FAILED; }
  void load(const std::vector<u8>& body) {
    std::vector<u8> c = {0x53, 0x48, 0x89, 0xfb};  // push rbx; mov rbx, rdi
    c.insert(c.end(), body.begin(), body.end());
    c.insert(c.end(), {0x5b, 0xc3});  // pop rbx; ret
    std::memcpy(m_page, c.data(), c.size());
  }
  void run(u8* data) { reinterpret_cast<void (*)(u8*)>(m_page)(data); }

 private:
  u8* m_page = nullptr;
};

// Inputs of one case.
struct Inputs {
  u16 fcw, fsw;
  u8 valid;
  F80 st[8];
  u8 mem[32];
  u64 flags;
};

F80 operand(fp::test::OperandGen& g, Range range) {
  switch (range) {
    case Range::kTrig:
      if (g.below(4) != 0) return g.f80_finite(-70, 66);
      break;
    case Range::kInteger:
      if (g.below(4) != 0) return g.f80_finite(-2, 66);
      break;
    case Range::kUnit: {
      // F2XM1 is defined for -1 <= x <= +1 only (SDM Vol. 2A F2XM1).
      F80 v = g.f80();
      const fp::X87Class k = fp::classify(v);
      if (k == fp::X87Class::kNormal && v.exponent() >= 0x3fff) v = g.f80_finite(-70, -1);
      return v;
    }
    case Range::kLog1p: {
      // FYL2XP1 is defined for |x| < 1 - sqrt(2)/2 (SDM Vol. 2A FYL2XP1).
      F80 v = g.f80();
      const fp::X87Class k = fp::classify(v);
      if (k == fp::X87Class::kNormal && v.exponent() >= 0x3ffd) v = g.f80_finite(-70, -3);
      return v;
    }
    case Range::kAny:
      break;
  }
  return g.f80();
}

Inputs make_inputs(fp::test::OperandGen& g, const Form& form, unsigned n) {
  Inputs in{};
  static constexpr u16 kPc[3] = {0, 2, 3};
  const u16 masks = g.below(10) < 7 ? 0x3f : static_cast<u16>(g.below(64));
  in.fcw = static_cast<u16>(0x40 | masks | (kPc[(n / 4) % 3] << 8) | ((n % 4) << 10));
  // Sticky flags only where masked, so that nothing is pending before the instruction.
  const u16 sticky = g.coin() ? 0 : static_cast<u16>(g.below(64) & masks);
  in.fsw =
      static_cast<u16>(sticky | (g.below(8) << 11) | (g.bits64() & 0x4700) | (g.coin() ? 0x40 : 0));
  for (unsigned r = 0; r < 8; ++r) {
    const unsigned odds = r < 2 ? 10 : r == 7 ? 3 : 6;
    if (g.below(12) < odds) in.valid = static_cast<u8>(in.valid | (1u << r));
    in.st[r] = operand(g, form.range);
    if (r == 1 && g.coin()) in.st[1] = g.f80(in.st[0].exponent());
  }
  for (auto& b : in.mem) b = static_cast<u8>(g.bits64());
  auto put = [&](const void* p, unsigned size) { std::memcpy(in.mem, p, size); };
  switch (form.mem) {
    case Mem::kF32: {
      const u32 v = g.ieee<fp::F32>().bits;
      put(&v, 4);
      break;
    }
    case Mem::kF64: {
      const u64 v = g.ieee<fp::F64>().bits;
      put(&v, 8);
      break;
    }
    case Mem::kF80:
      put_f80(in.mem, g.f80());
      break;
    case Mem::kI16:
    case Mem::kI32:
    case Mem::kI64: {
      u64 v = g.bits64() >> g.below(64);
      if (g.below(4) == 0) v = g.coin() ? 0 : u64{1} << 63 >> (g.below(3) == 0 ? 0 : 32);
      if (g.coin()) v = ~v + 1;
      put(&v, 8);
      break;
    }
    case Mem::kBcd:
      for (unsigned b = 0; b < 9; ++b)
        in.mem[b] = static_cast<u8>(g.below(10) | (g.below(10) << 4));
      in.mem[9] = g.coin() ? 0x80 : 0;
      break;
    case Mem::kCw: {
      const u16 v = static_cast<u16>(g.bits64());
      put(&v, 2);
      break;
    }
    case Mem::kEnv:
      // A random environment: any control word, status word, tags and pointers.
      in.mem[1] &= 0x1f;
      break;
    case Mem::kNone:
      break;
  }
  in.flags = 0x202 | (g.bits64() & (0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x800));
  return in;
}

void fill(u8* data, const Inputs& in) {
  std::memset(data, 0, kX87DataSize);
  std::memcpy(data + kMemOperand, in.mem, sizeof in.mem);
  std::memcpy(data + kFlagsIn, &in.flags, 8);
  x87_restore_image(data + kRestoreImage, in.fcw, in.fsw, in.valid, in.st);
}

// Order of an F80 among finite values of one sign (for the 1-ulp tolerance).
__int128 ordinal(F80 v) {
  const __int128 mag =
      (static_cast<__int128>(v.exponent()) << 63) + (v.significand & ~(u64{1} << 63));
  return v.sign() ? -mag : mag;
}

bool within_ulp(const u8* a, const u8* b) {
  const F80 x = get_f80(a), y = get_f80(b);
  if (x == y) return true;
  if (x.exponent() == 0x7fff || y.exponent() == 0x7fff) return false;
  const __int128 d = ordinal(x) - ordinal(y);
  return d >= -1 && d <= 1;
}

// Compares the FNSAVE images (pointer fields excluded), RFLAGS and the memory operand. For
// approximate forms, register slots within 1 ulp and C1 may differ.
bool same(const u8* want, const u8* got, const Form& form, bool& exact) {
  const u8* ws = want + kSaveImage;
  const u8* gs = got + kSaveImage;
  exact = std::memcmp(ws, gs, 12) == 0 && std::memcmp(ws + 28, gs + 28, 80) == 0;
  bool ok = exact;
  if (!exact && form.approx) {
    ok = std::memcmp(ws, gs, 4) == 0 && std::memcmp(ws + 6, gs + 6, 6) == 0 &&
         ((get_u16(ws + 4) ^ get_u16(gs + 4)) & ~0x200) == 0;
    for (unsigned n = 0; n < 8 && ok; ++n) ok = within_ulp(ws + 28 + 10 * n, gs + 28 + 10 * n);
  }
  u64 wf, gf;
  std::memcpy(&wf, want + kFlagsOut, 8);
  std::memcpy(&gf, got + kFlagsOut, 8);
  constexpr u64 kArith = 0x8d5;
  ok = ok && (wf & kArith) == (gf & kArith);
  ok = ok && std::memcmp(want + kMemOperand, got + kMemOperand, form.mem_compare) == 0;
  return ok;
}

std::string describe(const Form& form, const Inputs& in, const u8* want, const u8* got) {
  char buf[256];
  std::string s = form.name + " [" + hex(form.bytes) + "]\n";
  std::snprintf(buf, sizeof buf, "  in: fcw %04x fsw %04x valid(ST) %02x flags %03llx\n", in.fcw,
                in.fsw, in.valid, static_cast<unsigned long long>(in.flags));
  s += buf;
  for (unsigned n = 0; n < 8; ++n) {
    std::snprintf(buf, sizeof buf, "  st%u %04x %016llx\n", n, in.st[n].sign_exponent,
                  static_cast<unsigned long long>(in.st[n].significand));
    s += buf;
  }
  s += "  mem " + hex(std::vector<u8>(in.mem, in.mem + 16)) + "\n";
  auto image = [&](const char* who, const u8* d) {
    const u8* sv = d + kSaveImage;
    std::snprintf(buf, sizeof buf, "  %s: fcw %04x fsw %04x tags %04x flags %03llx mem ", who,
                  get_u16(sv), get_u16(sv + 4), get_u16(sv + 8),
                  static_cast<unsigned long long>(d[kFlagsOut] | (d[kFlagsOut + 1] << 8)) & 0x8d5);
    s += buf;
    s += hex(std::vector<u8>(d + kMemOperand, d + kMemOperand + 16)) + "\n";
    s += "     hdr " + hex(std::vector<u8>(sv, sv + 28)) + "\n";
    for (unsigned n = 0; n < 8; ++n) {
      const F80 v = get_f80(sv + 28 + 10 * n);
      std::snprintf(buf, sizeof buf, "     st%u %04x %016llx\n", n, v.sign_exponent,
                    static_cast<unsigned long long>(v.significand));
      s += buf;
    }
  };
  image("host", want);
  image("glasspc", got);
  return s;
}

}  // namespace

#if defined(__x86_64__)
TEST_CASE("x87 instructions match the host x87 unit bit for bit", "[x87]") {
  Native native;
  REQUIRE(native.ok());
  unsigned per_form = 384;
  if (const char* env = std::getenv("GLASSPC_X87_CASES")) per_form = std::strtoul(env, nullptr, 10);
  u64 seed = 87;
  if (const char* env = std::getenv("GLASSPC_X87_SEED")) seed = std::strtoull(env, nullptr, 10);
  fp::test::OperandGen gen(seed);
  X87Guest guest;
  const std::vector<Form> forms = all_forms();
  unsigned failures = 0;
  u64 approx_cases = 0, approx_exact = 0;
  std::string report, summary;
  alignas(16) u8 want[kX87DataSize];
  alignas(16) u8 got[kX87DataSize];
  for (size_t k = 0; k < forms.size(); ++k) {
    const Form& form = forms[k];
    const std::vector<u8> body = x87_body(form.bytes);
    native.load(body);
    const u64 rip = kX87Code + 128 * k;
    guest.load_code(rip, body);
    unsigned form_failures = 0;
    for (unsigned n = 0; n < per_form; ++n) {
      const Inputs in = make_inputs(gen, form, n);
      fill(want, in);
      fill(got, in);
      native.run(want);
      const u32 vector = guest.run(rip, got);
      bool exact = false;
      const bool ok = vector == PmEnv::kNoVector && same(want, got, form, exact);
      if (form.approx) {
        ++approx_cases;
        approx_exact += exact;
      }
      if (!ok && form_failures++ < 2 && failures < 12) {
        report += describe(form, in, want, got);
        if (vector != PmEnv::kNoVector)
          report += "  guest exception " + std::to_string(vector) + "\n";
      }
    }
    if (form_failures) {
      ++failures;
      summary += form.name + ": " + std::to_string(form_failures) + " of " +
                 std::to_string(per_form) + " differ\n";
    }
  }
  if (approx_cases) {
    std::printf("x87 transcendentals: %llu of %llu cases bit-exact\n",
                static_cast<unsigned long long>(approx_exact),
                static_cast<unsigned long long>(approx_cases));
  }
  INFO(summary + report);
  CHECK(failures == 0);
}

TEST_CASE("x87 short random programs match the host x87 unit", "[x87]") {
  Native native;
  REQUIRE(native.ok());
  unsigned programs = 12000;
  if (const char* env = std::getenv("GLASSPC_X87_CASES"))
    programs = 30 * std::strtoul(env, nullptr, 10);
  fp::test::OperandGen gen(1087);
  X87Guest guest;
  // Exact forms that leave the control word alone, so that every exception stays masked and
  // nothing is pending when the next instruction waits.
  std::vector<Form> pool;
  for (const Form& form : all_forms()) {
    if (form.approx || form.mem == Mem::kCw || form.mem == Mem::kEnv) continue;
    if (form.name.find("stenv") != std::string::npos) continue;
    pool.push_back(form);
  }
  unsigned failures = 0;
  std::string report;
  alignas(16) u8 want[kX87DataSize];
  alignas(16) u8 got[kX87DataSize];
  for (unsigned n = 0; n < programs; ++n) {
    std::vector<u8> ops;
    std::string names;
    Form shape;
    shape.mem = Mem::kF64;
    for (unsigned k = 0; k < 6; ++k) {
      const Form& form = pool[gen.below(static_cast<u32>(pool.size()))];
      ops.insert(ops.end(), form.bytes.begin(), form.bytes.end());
      names += form.name + "; ";
    }
    shape.name = names;
    shape.bytes = ops;
    Inputs in = make_inputs(gen, shape, n);
    in.fcw |= 0x3f;
    const std::vector<u8> body = x87_body(ops);
    native.load(body);
    const u64 rip = kX87Code + 0x20000 + 256 * (n % 64);
    guest.load_code(rip, body);
    fill(want, in);
    fill(got, in);
    native.run(want);
    const u32 vector = guest.run(rip, got);
    bool exact = false;
    if (!(vector == PmEnv::kNoVector && same(want, got, shape, exact)) && failures++ < 3) {
      report += describe(shape, in, want, got);
      if (vector != PmEnv::kNoVector)
        report += "  guest exception " + std::to_string(vector) + "\n";
    }
  }
  INFO(report);
  CHECK(failures == 0);
}
#endif

}  // namespace glasspc::test

// Differential tests of the x87 library against the host's x87 unit: results and status word
// compared bit for bit under every rounding and precision control setting.
#include <catch2/catch.hpp>

#include "cpu/float/x87.h"
#include "tests/cpu/float/diff_support.h"
#include "tests/cpu/float/host_x87.h"
#include "tests/cpu/float/operand_gen.h"

namespace glasspc::fp::test {
namespace {

#if defined(__x86_64__)

constexpr Precision kPrecisions[3] = {Precision::k24, Precision::k53, Precision::k64};

struct Setting {
  Rounding rc;
  Precision pc;
  u16 cw;
  X87Env env() const {
    X87Env e;
    e.rounding = rc;
    e.precision = pc;
    return e;
  }
};

Setting pick_setting(OperandGen& gen) {
  const Rounding rc = static_cast<Rounding>(gen.below(4));
  const Precision pc = kPrecisions[gen.below(3)];
  return {rc, pc, control_word(rc, pc)};
}

u16 status_of(const X87Env& env, ConditionCodes cc) {
  return static_cast<u16>(env.raised | (cc.c0 ? kSwC0 : 0) | (cc.c1 || env.c1 ? kSwC1 : 0) |
                          (cc.c2 ? kSwC2 : 0) | (cc.c3 ? kSwC3 : 0));
}

constexpr u16 kFlagsC1 = flag::kAll | kSwC1;
constexpr u16 kAllCodes = flag::kAll | kSwC0 | kSwC1 | kSwC2 | kSwC3;

struct Soft {
  F80 st0;
  F80 st1;
  u16 sw;
};

// Runs `n` random cases of one operation and compares ST(0) (and ST(1) when `two`), and the
// status-word bits in `sw_mask`.
template <typename HostFn, typename SoftFn>
void differential(const char* name, int n, u64 seed, bool binary, bool two, u16 sw_mask,
                  HostFn host, SoftFn soft) {
  OperandGen gen(seed);
  Tally tally(name);
  for (long i = 0; i < scaled(n); ++i) {
    const Setting s = pick_setting(gen);
    const F80 a = gen.f80();
    const F80 b = binary ? gen.f80(a.sign_exponent) : F80{};
    const HostX87 h = host(a, b, s.cw);
    X87Env env = s.env();
    const Soft o = soft(a, b, env);
    const bool ok = o.st0 == h.st0 && (!two || o.st1 == h.st1) && ((o.sw ^ h.sw) & sw_mask) == 0;
    if (ok) {
      tally.pass();
    } else {
      tally.fail("a=" + hex(a) + " b=" + hex(b) + " rc=" + std::to_string(int(s.rc)) +
                 " pc=" + std::to_string(int(s.pc)) + " soft=" + hex(o.st0) + "," + hex(o.st1) +
                 " sw=" + hex(o.sw) + " host=" + hex(h.st0) + "," + hex(h.st1) +
                 " sw=" + hex(h.sw));
    }
  }
  INFO(name << ": " << tally.mismatches() << " mismatches in " << tally.cases() << " cases");
  CHECK(tally.mismatches() == 0);
}

#define BIN_HOST(fn) [](F80 a, F80 b, u16 cw) { return fn(a, b, cw); }
#define UN_HOST(fn) [](F80 a, F80, u16 cw) { return fn(a, cw); }

TEST_CASE("x87 FADD/FSUB match the host", "[x87][differential]") {
  differential("fadd", 120000, 1, true, true, kFlagsC1, BIN_HOST(host_fadd),
               [](F80 a, F80 b, X87Env& e) {
                 const F80 r = x87_add(a, b, e);
                 return Soft{r, b, status_of(e, {})};
               });
  differential("fsub", 120000, 2, true, true, kFlagsC1, BIN_HOST(host_fsub),
               [](F80 a, F80 b, X87Env& e) {
                 const F80 r = x87_sub(a, b, e);
                 return Soft{r, b, status_of(e, {})};
               });
}

TEST_CASE("x87 FMUL matches the host", "[x87][differential]") {
  differential("fmul", 200000, 3, true, true, kFlagsC1, BIN_HOST(host_fmul),
               [](F80 a, F80 b, X87Env& e) {
                 const F80 r = x87_mul(a, b, e);
                 return Soft{r, b, status_of(e, {})};
               });
}

TEST_CASE("x87 FDIV matches the host", "[x87][differential]") {
  differential("fdiv", 200000, 4, true, true, kFlagsC1, BIN_HOST(host_fdiv),
               [](F80 a, F80 b, X87Env& e) {
                 const F80 r = x87_div(a, b, e);
                 return Soft{r, b, status_of(e, {})};
               });
}

TEST_CASE("x87 FSQRT matches the host", "[x87][differential]") {
  differential("fsqrt", 200000, 5, false, false, kFlagsC1, UN_HOST(host_fsqrt),
               [](F80 a, F80, X87Env& e) {
                 return Soft{x87_sqrt(a, e), {}, status_of(e, {})};
               });
}

TEST_CASE("x87 FRNDINT matches the host", "[x87][differential]") {
  differential("frndint", 200000, 6, false, false, kFlagsC1, UN_HOST(host_frndint),
               [](F80 a, F80, X87Env& e) {
                 return Soft{x87_round_to_integer(a, e), {}, status_of(e, {})};
               });
}

TEST_CASE("x87 FSCALE matches the host", "[x87][differential]") {
  differential("fscale", 200000, 7, true, true, kFlagsC1, BIN_HOST(host_fscale),
               [](F80 a, F80 b, X87Env& e) {
                 return Soft{x87_scale(a, b, e), b, status_of(e, {})};
               });
}

TEST_CASE("x87 FXTRACT matches the host", "[x87][differential]") {
  differential("fxtract", 200000, 8, false, true, kFlagsC1, UN_HOST(host_fxtract),
               [](F80 a, F80, X87Env& e) {
                 const Extracted x = x87_extract(a, e);
                 return Soft{x.significand, x.exponent, status_of(e, {})};
               });
}

TEST_CASE("x87 FPREM and FPREM1 match the host, with quotient bits", "[x87][differential]") {
  differential("fprem", 120000, 9, true, true, kAllCodes, BIN_HOST(host_fprem),
               [](F80 a, F80 b, X87Env& e) {
                 const PartialRemainder r = x87_partial_remainder(a, b, false, e);
                 return Soft{r.value, b, status_of(e, r.cc)};
               });
  differential("fprem1", 120000, 10, true, true, kAllCodes, BIN_HOST(host_fprem1),
               [](F80 a, F80 b, X87Env& e) {
                 const PartialRemainder r = x87_partial_remainder(a, b, true, e);
                 return Soft{r.value, b, status_of(e, r.cc)};
               });
}

TEST_CASE("x87 FCOM/FUCOM/FTST/FXAM match the host", "[x87][differential]") {
  constexpr u16 kCodes = flag::kAll | kSwC0 | kSwC2 | kSwC3;
  differential("fcom", 100000, 11, true, true, kCodes, BIN_HOST(host_fcom),
               [](F80 a, F80 b, X87Env& e) {
                 const ConditionCodes cc = x87_compare_codes(x87_compare(a, b, false, e));
                 return Soft{a, b, status_of(e, cc)};
               });
  differential("fucom", 100000, 12, true, true, kCodes, BIN_HOST(host_fucom),
               [](F80 a, F80 b, X87Env& e) {
                 const ConditionCodes cc = x87_compare_codes(x87_compare(a, b, true, e));
                 return Soft{a, b, status_of(e, cc)};
               });
  differential("ftst", 50000, 13, false, false, kCodes, UN_HOST(host_ftst),
               [](F80 a, F80, X87Env& e) {
                 const ConditionCodes cc = x87_compare_codes(x87_compare(a, F80{}, false, e));
                 return Soft{a, {}, status_of(e, cc)};
               });
  differential("fxam", 50000, 14, false, false, kAllCodes, UN_HOST(host_fxam),
               [](F80 a, F80, X87Env& e) {
                 e.begin();
                 return Soft{a, {}, status_of(e, x87_examine(a, false))};
               });
}

TEST_CASE("x87 FCOMI/FUCOMI EFLAGS match the host", "[x87][differential]") {
  OperandGen gen(15);
  Tally tally("fcomi");
  for (long i = 0; i < scaled(100000); ++i) {
    const F80 a = gen.f80();
    const F80 b = gen.f80(a.sign_exponent);
    const bool quiet = gen.coin();
    u16 sw = 0;
    const u16 cw = control_word(Rounding::kNearest, Precision::k64);
    const u32 host = quiet ? host_fucomi(a, b, cw, sw) : host_fcomi(a, b, cw, sw);
    X87Env env;
    const u32 soft = x87_compare_eflags(x87_compare(a, b, quiet, env));
    tally.check(host == soft && (sw & flag::kAll) == env.raised,
                "a=" + hex(a) + " b=" + hex(b) + " quiet=" + std::to_string(quiet) +
                    " soft=" + hex(soft) + " host=" + hex(host));
  }
  CHECK(tally.mismatches() == 0);
}

TEST_CASE("x87 arithmetic with m32fp/m64fp operands matches the host", "[x87][differential]") {
  OperandGen gen(21);
  Tally tally("m32/m64 operands");
  constexpr u16 kCodes = flag::kAll | kSwC0 | kSwC1 | kSwC2 | kSwC3;
  for (long i = 0; i < scaled(200000); ++i) {
    const Setting s = pick_setting(gen);
    const F80 a = gen.f80();
    const F32 m32 = gen.ieee<F32>();
    const F64 m64 = gen.ieee<F64>();
    const u32 which = gen.below(8);
    HostX87 h{};
    X87Env env = s.env();
    F80 soft = a;
    ConditionCodes cc;
    const MemoryOperand o32 = x87_memory_operand(m32), o64 = x87_memory_operand(m64);
    switch (which) {
      case 0:
        h = host_fadd_m32(a, m32, s.cw);
        soft = x87_add(a, o32.value, env, o32.denormal);
        break;
      case 1:
        h = host_fsubr_m32(a, m32, s.cw);
        soft = x87_sub(o32.value, a, env, o32.denormal);
        break;
      case 2:
        h = host_fmul_m32(a, m32, s.cw);
        soft = x87_mul(a, o32.value, env, o32.denormal);
        break;
      case 3:
        h = host_fdiv_m32(a, m32, s.cw);
        soft = x87_div(a, o32.value, env, o32.denormal);
        break;
      case 4:
        h = host_fcom_m32(a, m32, s.cw);
        cc = x87_compare_codes(x87_compare(a, o32.value, false, env, o32.denormal));
        break;
      case 5:
        h = host_fadd_m64(a, m64, s.cw);
        soft = x87_add(a, o64.value, env, o64.denormal);
        break;
      case 6:
        h = host_fdivr_m64(a, m64, s.cw);
        soft = x87_div(o64.value, a, env, o64.denormal);
        break;
      default:
        h = host_fcom_m64(a, m64, s.cw);
        cc = x87_compare_codes(x87_compare(a, o64.value, false, env, o64.denormal));
        break;
    }
    const u16 mask = (which == 4 || which == 7) ? kCodes & ~kSwC1 : kFlagsC1;
    tally.check(soft == h.st0 && ((status_of(env, cc) ^ h.sw) & mask) == 0,
                "op=" + std::to_string(which) + " a=" + hex(a) + " m32=" + hex(u64{m32.bits}) +
                    " m64=" + hex(m64.bits) + " soft=" + hex(soft) + "/" + hex(status_of(env, cc)) +
                    " host=" + hex(h.st0) + "/" + hex(h.sw));
  }
  CHECK(tally.mismatches() == 0);
}

TEST_CASE("x87 stores to binary32/binary64 match the host", "[x87][differential]") {
  OperandGen gen(16);
  Tally t32("fst m32"), t64("fst m64");
  for (long i = 0; i < scaled(200000); ++i) {
    const Setting s = pick_setting(gen);
    F80 a = gen.f80();
    if (gen.below(3) == 0) {
      // exponents around the binary32/64 limits
      const int base = gen.coin() ? 0x3FFF - 126 : 0x3FFF - 1022;
      const int top = gen.coin() ? 0x3FFF + 127 : 0x3FFF + 1023;
      const int e = (gen.coin() ? base : top) + static_cast<int>(gen.below(60)) - 30;
      a.sign_exponent = static_cast<u16>((a.sign_exponent & 0x8000) | e);
      a.significand |= kF80IntegerBit;
    }
    u16 sw = 0;
    X87Env e1 = s.env();
    const F32 h32 = host_fst32(a, s.cw, sw);
    const F32 r32 = f80_to_f32(a, e1);
    t32.check(h32 == r32 && ((sw ^ status_of(e1, {})) & kFlagsC1) == 0,
              "a=" + hex(a) + " rc=" + std::to_string(int(s.rc)) + " soft=" + hex(r32.bits) +
                  " sw=" + hex(status_of(e1, {})) + " host=" + hex(h32.bits) + " sw=" + hex(sw));
    X87Env e2 = s.env();
    const F64 h64 = host_fst64(a, s.cw, sw);
    const F64 r64 = f80_to_f64(a, e2);
    t64.check(h64 == r64 && ((sw ^ status_of(e2, {})) & kFlagsC1) == 0,
              "a=" + hex(a) + " rc=" + std::to_string(int(s.rc)) + " soft=" + hex(r64.bits) +
                  " sw=" + hex(status_of(e2, {})) + " host=" + hex(h64.bits) + " sw=" + hex(sw));
  }
  CHECK(t32.mismatches() == 0);
  CHECK(t64.mismatches() == 0);
}

TEST_CASE("x87 loads from binary32/binary64 match the host", "[x87][differential]") {
  OperandGen gen(17);
  Tally tally("fld m32/m64");
  const u16 cw = control_word(Rounding::kNearest, Precision::k64);
  for (long i = 0; i < scaled(200000); ++i) {
    u16 sw = 0;
    X87Env env;
    if (gen.coin()) {
      const F32 v = gen.ieee<F32>();
      const F80 h = host_fld32(v, cw, sw);
      const F80 r = f32_to_f80(v, env);
      tally.check(h == r && (sw & flag::kAll) == env.raised,
                  "f32=" + hex(v.bits) + " soft=" + hex(r) + " host=" + hex(h));
    } else {
      const F64 v = gen.ieee<F64>();
      const F80 h = host_fld64(v, cw, sw);
      const F80 r = f64_to_f80(v, env);
      tally.check(h == r && (sw & flag::kAll) == env.raised,
                  "f64=" + hex(v.bits) + " soft=" + hex(r) + " host=" + hex(h));
    }
  }
  CHECK(tally.mismatches() == 0);
}

TEST_CASE("x87 FIST/FISTTP to 16/32/64-bit integers match the host", "[x87][differential]") {
  OperandGen gen(18);
  Tally tally("fist");
  for (long i = 0; i < scaled(200000); ++i) {
    const Setting s = pick_setting(gen);
    F80 a = gen.coin() ? gen.f80() : gen.f80_finite(-3, 64);
    const int bits = 16 << gen.below(3);
    const bool truncate = gen.coin();
    u16 sw = 0;
    i64 host = 0;
    if (bits == 16) host = truncate ? host_fisttp16(a, s.cw, sw) : host_fist16(a, s.cw, sw);
    if (bits == 32) host = truncate ? host_fisttp32(a, s.cw, sw) : host_fist32(a, s.cw, sw);
    if (bits == 64) host = truncate ? host_fisttp64(a, s.cw, sw) : host_fist64(a, s.cw, sw);
    X87Env env = s.env();
    const i64 soft = f80_to_int(a, bits, truncate, env);
    tally.check(host == soft && ((sw ^ status_of(env, {})) & kFlagsC1) == 0,
                "a=" + hex(a) + " bits=" + std::to_string(bits) +
                    " trunc=" + std::to_string(truncate) + " rc=" + std::to_string(int(s.rc)) +
                    " soft=" + hex(u64(soft)) + " sw=" + hex(status_of(env, {})) +
                    " host=" + hex(u64(host)) + " sw=" + hex(sw));
  }
  CHECK(tally.mismatches() == 0);
}

TEST_CASE("x87 FBSTP and FBLD match the host", "[x87][differential]") {
  OperandGen gen(19);
  Tally store("fbstp"), load("fbld");
  for (long i = 0; i < scaled(100000); ++i) {
    const Setting s = pick_setting(gen);
    const F80 a = gen.coin() ? gen.f80() : gen.f80_finite(-2, 62);
    u16 sw = 0;
    const Bcd host = host_fbstp(a, s.cw, sw);
    X87Env env = s.env();
    Bcd soft{};
    f80_to_bcd(a, env, soft.bytes);
    bool same = true;
    for (int k = 0; k < 10; ++k) same = same && host.bytes[k] == soft.bytes[k];
    store.check(same && ((sw ^ status_of(env, {})) & kFlagsC1) == 0,
                "a=" + hex(a) + " rc=" + std::to_string(int(s.rc)) +
                    " sw=" + hex(status_of(env, {})) + " host sw=" + hex(sw));
    // Load back random digit strings (valid digits; the sign byte's other bits are ignored).
    Bcd in{};
    for (int k = 0; k < 9; ++k) {
      in.bytes[k] = static_cast<u8>(gen.below(10) << 4 | gen.below(10));
    }
    in.bytes[9] = gen.coin() ? 0x80 : 0;
    if (gen.below(8) == 0)
      for (int k = 0; k < 9; ++k) in.bytes[k] = 0;
    const F80 h = host_fbld(in, s.cw, sw);
    const F80 r = bcd_to_f80(in.bytes);
    load.check(h == r && (sw & flag::kAll) == 0, "soft=" + hex(r) + " host=" + hex(h));
  }
  CHECK(store.mismatches() == 0);
  CHECK(load.mismatches() == 0);
}

TEST_CASE("x87 FILD of 64-bit integers matches the host", "[x87][differential]") {
  OperandGen gen(20);
  Tally tally("fild");
  const u16 cw = control_word(Rounding::kNearest, Precision::k64);
  for (long i = 0; i < scaled(50000); ++i) {
    i64 v = static_cast<i64>(gen.bits64() >> gen.below(64));
    if (gen.coin()) v = -v;
    if (gen.below(16) == 0) v = INT64_MIN;
    u16 sw = 0;
    const F80 host = host_fild64(v, cw, sw);
    tally.check(host == int_to_f80(v), "v=" + hex(u64(v)) + " host=" + hex(host));
  }
  CHECK(tally.mismatches() == 0);
}

TEST_CASE("x87 constants match the host in every rounding mode", "[x87][differential]") {
  struct C {
    X87Constant c;
    F80 (*host)(u16, u16&);
    const char* name;
  };
  const C constants[] = {
      {X87Constant::kOne, host_fld1, "fld1"},
      {X87Constant::kLog2Ten, host_fldl2t, "fldl2t"},
      {X87Constant::kLog2E, host_fldl2e, "fldl2e"},
      {X87Constant::kPi, host_fldpi, "fldpi"},
      {X87Constant::kLog10Two, host_fldlg2, "fldlg2"},
      {X87Constant::kLnTwo, host_fldln2, "fldln2"},
      {X87Constant::kZero, host_fldz, "fldz"},
  };
  for (const C& c : constants) {
    for (int rc = 0; rc < 4; ++rc) {
      for (const Precision pc : kPrecisions) {
        u16 sw = 0;
        const F80 h = c.host(control_word(static_cast<Rounding>(rc), pc), sw);
        INFO(c.name << " rc=" << rc << " host=" << hex(h));
        CHECK(x87_constant(c.c, static_cast<Rounding>(rc)) == h);
        CHECK((sw & (flag::kAll | kSwC1)) == 0);
      }
    }
  }
}

#else

TEST_CASE("x87 differential tests need an x86-64 host", "[x87][differential]") {
  WARN("skipped: the host has no x87 unit to compare against");
}

#endif

}  // namespace
}  // namespace glasspc::fp::test

// Known-answer vectors replayed on whatever host runs the tests, including hosts without an x87
// or SSE unit: the library must reproduce recorded bits exactly. Exact operations were recorded
// on x86-64 hardware; transcendental results record the library's own bits, so any change to
// their computation (or any dependence on the host's floating point) shows up here.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "cpu/float/sse.h"
#include "cpu/float/x87.h"

namespace glasspc::fp {
namespace {

F80 parse_f80(const std::string& s) {
  unsigned se = 0;
  unsigned long long sig = 0;
  std::sscanf(s.c_str(), "%x:%llx", &se, &sig);
  return F80{sig, static_cast<u16>(se)};
}

u16 status(const X87Env& env, ConditionCodes cc) {
  return static_cast<u16>(env.raised | (cc.c0 ? 0x100 : 0) | (cc.c1 || env.c1 ? 0x200 : 0) |
                          (cc.c2 ? 0x400 : 0) | (cc.c3 ? 0x4000 : 0));
}

struct X87Op {
  u16 mask;  // status bits the instruction defines
  std::function<F80(F80, F80, X87Env&, u16&)> run;
};

std::map<std::string, X87Op> x87_ops() {
  constexpr u16 kFlagsC1 = 0x023F, kAll = 0x473F;
  const auto simple = [](auto fn) {
    return [fn](F80 a, F80 b, X87Env& e, u16& sw) {
      const F80 r = fn(a, b, e);
      sw = status(e, {});
      return r;
    };
  };
  std::map<std::string, X87Op> ops;
  ops["fadd"] = {kFlagsC1, simple([](F80 a, F80 b, X87Env& e) { return x87_add(a, b, e); })};
  ops["fsub"] = {kFlagsC1, simple([](F80 a, F80 b, X87Env& e) { return x87_sub(a, b, e); })};
  ops["fmul"] = {kFlagsC1, simple([](F80 a, F80 b, X87Env& e) { return x87_mul(a, b, e); })};
  ops["fdiv"] = {kFlagsC1, simple([](F80 a, F80 b, X87Env& e) { return x87_div(a, b, e); })};
  ops["fscale"] = {kFlagsC1, simple([](F80 a, F80 b, X87Env& e) { return x87_scale(a, b, e); })};
  ops["fsqrt"] = {kFlagsC1, [](F80 a, F80, X87Env& e, u16& sw) {
                    const F80 r = x87_sqrt(a, e);
                    sw = status(e, {});
                    return r;
                  }};
  ops["frndint"] = {kFlagsC1, [](F80 a, F80, X87Env& e, u16& sw) {
                      const F80 r = x87_round_to_integer(a, e);
                      sw = status(e, {});
                      return r;
                    }};
  for (const bool ieee : {false, true}) {
    ops[ieee ? "fprem1" : "fprem"] = {kAll, [ieee](F80 a, F80 b, X87Env& e, u16& sw) {
                                        const PartialRemainder r =
                                            x87_partial_remainder(a, b, ieee, e);
                                        sw = status(e, r.cc);
                                        return r.value;
                                      }};
  }
  const auto trig = [](TrigResult (*fn)(F80, X87Env&)) {
    return [fn](F80 a, F80, X87Env& e, u16& sw) {
      const TrigResult t = fn(a, e);
      sw = status(e, {false, false, t.out_of_range, false});
      return t.value;
    };
  };
  ops["fsin"] = {kAll, trig(x87_sin)};
  ops["fcos"] = {kAll, trig(x87_cos)};
  ops["fptan"] = {kAll, [](F80 a, F80, X87Env& e, u16& sw) {
                    const TanResult t = x87_tan(a, e);
                    sw = status(e, {false, false, t.out_of_range, false});
                    return t.tan;
                  }};
  const auto pair = [](F80 (*fn)(F80, F80, X87Env&)) {
    // ST(1) op ST(0): the vector stores ST(0) first.
    return [fn](F80 a, F80 b, X87Env& e, u16& sw) {
      const F80 r = fn(b, a, e);
      sw = status(e, {});
      return r;
    };
  };
  ops["fpatan"] = {kAll, pair(x87_atan2)};
  ops["fyl2x"] = {kAll, pair(x87_ylog2x)};
  ops["fyl2xp1"] = {kAll, pair(x87_ylog2xp1)};
  ops["f2xm1"] = {kAll, [](F80 a, F80, X87Env& e, u16& sw) {
                    const F80 r = x87_exp2m1(a, e);
                    sw = status(e, {});
                    return r;
                  }};
  return ops;
}

template <typename T>
u64 sse_run(const std::string& op, u64 a_bits, u64 b_bits, SseEnv& env) {
  const T a{static_cast<decltype(T{}.bits)>(a_bits)}, b{static_cast<decltype(T{}.bits)>(b_bits)};
  const std::string base = op.substr(0, 3);
  if (base == "add") return sse_add(a, b, env).bits;
  if (base == "sub") return sse_sub(a, b, env).bits;
  if (base == "mul") return sse_mul(a, b, env).bits;
  if (base == "div") return sse_div(a, b, env).bits;
  if (base == "sqr") return sse_sqrt(a, env).bits;
  if (base == "min") return sse_min(a, b, env).bits;
  if (base == "max") return sse_max(a, b, env).bits;
  FAIL("unknown operation " << op);
  return 0;
}

TEST_CASE("known results replay bit for bit on this host", "[float][vectors]") {
  std::ifstream in(GLASSPC_FLOAT_TEST_DIR "/known_results.txt");
  REQUIRE(in.good());
  const auto ops = x87_ops();
  int x87_lines = 0, sse_lines = 0, failures = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string op, arrow;
    fields >> op;
    if (op.rfind("x87.", 0) == 0) {
      int rc = 0, pc = 0;
      std::string a, b, r;
      std::string sw;
      fields >> rc >> pc >> a >> b >> arrow >> r >> sw;
      const auto it = ops.find(op.substr(4));
      REQUIRE(it != ops.end());
      X87Env env;
      env.rounding = static_cast<Rounding>(rc);
      env.precision = static_cast<Precision>(pc);
      u16 soft_sw = 0;
      const F80 result = it->second.run(parse_f80(a), parse_f80(b), env, soft_sw);
      const u16 expected_sw = static_cast<u16>(std::stoul(sw, nullptr, 16));
      const bool ok = result == parse_f80(r) && ((soft_sw ^ expected_sw) & it->second.mask) == 0;
      if (!ok && failures++ < 10) UNSCOPED_INFO("mismatch: " << line);
      ++x87_lines;
    } else {
      std::string mx, a, b, r, mx_out;
      fields >> mx >> a >> b >> arrow >> r >> mx_out;
      SseEnv env = SseEnv::from_mxcsr(static_cast<u32>(std::stoul(mx, nullptr, 16)));
      const std::string name = op.substr(4);
      const u64 av = std::stoull(a, nullptr, 16), bv = std::stoull(b, nullptr, 16);
      const u64 result = name.back() == 's' && name[name.size() - 2] == 's'
                             ? sse_run<F32>(name, av, bv, env)
                             : sse_run<F64>(name, av, bv, env);
      const bool ok =
          result == std::stoull(r, nullptr, 16) && env.mxcsr() == std::stoul(mx_out, nullptr, 16);
      if (!ok && failures++ < 10) UNSCOPED_INFO("mismatch: " << line);
      ++sse_lines;
    }
  }
  CHECK(x87_lines > 500);
  CHECK(sse_lines > 300);
  CHECK(failures == 0);
}

}  // namespace
}  // namespace glasspc::fp

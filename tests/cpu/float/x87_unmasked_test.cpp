// Unmasked x87 exceptions against the host: the instruction runs with some exceptions unmasked,
// then FNSAVE (which does not wait, so no #MF is taken) captures the register stack and status.
// This checks the bias-adjusted results of unmasked overflow and underflow (SDM Vol. 1 8.5.4.1,
// 8.5.5.1) and that unmasked invalid, denormal and zero-divide leave the destination unchanged.
#include <catch2/catch.hpp>
#include <cstring>

#include "cpu/float/x87.h"
#include "tests/cpu/float/diff_support.h"
#include "tests/cpu/float/host_x87.h"
#include "tests/cpu/float/operand_gen.h"

namespace glasspc::fp::test {
namespace {

#if defined(__x86_64__)

struct SavedState {
  u16 sw;
  F80 st0;
};

// FNSAVE's 32-bit layout: status word at byte 4, ST(0) at byte 28 (SDM Vol. 1 Figure 8-10).
SavedState from_image(const u8* image) {
  SavedState s{};
  std::memcpy(&s.sw, image + 4, 2);
  std::memcpy(&s.st0.significand, image + 28, 8);
  std::memcpy(&s.st0.sign_exponent, image + 36, 2);
  return s;
}

#define GLASSPC_HOST_UNMASKED(name, insn)                                   \
  SavedState name(F80 a, F80 b, u16 cw) {                                   \
    alignas(16) u8 image[108] = {};                                         \
    asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn \
                 "\n\tfnsave %[img]\n\tfninit"                              \
                 : [img] "=m"(image)                                        \
                 : [a] "m"(a), [b] "m"(b), [cw] "m"(cw)                     \
                 : GLASSPC_X87_CLOBBERS);                                   \
    return from_image(image);                                               \
  }

GLASSPC_HOST_UNMASKED(unmasked_fadd, "fadd %%st(1), %%st")
GLASSPC_HOST_UNMASKED(unmasked_fmul, "fmul %%st(1), %%st")
GLASSPC_HOST_UNMASKED(unmasked_fdiv, "fdiv %%st(1), %%st")
GLASSPC_HOST_UNMASKED(unmasked_fsqrt, "fsqrt")
GLASSPC_HOST_UNMASKED(unmasked_fscale, "fscale")

template <typename Host, typename Soft>
void unmasked(const char* name, u64 seed, Host host, Soft soft) {
  OperandGen gen(seed);
  Tally tally(name);
  for (long i = 0; i < scaled(60000); ++i) {
    const Rounding rc = static_cast<Rounding>(gen.below(4));
    const Precision pc = gen.coin() ? Precision::k64 : gen.coin() ? Precision::k53 : Precision::k24;
    const u8 masks = static_cast<u8>(gen.below(64));
    F80 a = gen.f80();
    F80 b = gen.f80(a.sign_exponent);
    if (gen.coin()) {
      // push towards overflow and underflow
      a.sign_exponent = static_cast<u16>((a.sign_exponent & 0x8000) |
                                         (gen.coin() ? 0x7FF0 + gen.below(15) : 1 + gen.below(20)));
      a.significand |= kF80IntegerBit;
    }
    const SavedState h = host(a, b, control_word(rc, pc, masks));
    X87Env env;
    env.rounding = rc;
    env.precision = pc;
    env.masks = masks;
    F80 r = soft(a, b, env);
    if (env.suppress_store()) r = a;
    // ES (bit 7) summarizes unmasked exceptions; compare it too.
    const bool es = (env.raised & ~masks & flag::kAll) != 0;
    const u16 soft_sw = static_cast<u16>(env.raised | (es ? 0x80 : 0) | (env.c1 ? kSwC1 : 0));
    const u16 mask = flag::kAll | 0x80 | kSwC1;
    tally.check(r == h.st0 && ((soft_sw ^ h.sw) & mask) == 0,
                "a=" + hex(a) + " b=" + hex(b) + " masks=" + std::to_string(masks) + " rc=" +
                    std::to_string(int(rc)) + " pc=" + std::to_string(int(pc)) + " soft=" + hex(r) +
                    "/" + hex(soft_sw) + " host=" + hex(h.st0) + "/" + hex(h.sw));
  }
  INFO(name << ": " << tally.mismatches() << " mismatches");
  CHECK(tally.mismatches() == 0);
}

TEST_CASE("unmasked x87 exceptions: wrapped exponents and suppressed stores match the host",
          "[x87][differential][unmasked]") {
  unmasked("fadd", 201, unmasked_fadd, [](F80 a, F80 b, X87Env& e) { return x87_add(a, b, e); });
  unmasked("fmul", 202, unmasked_fmul, [](F80 a, F80 b, X87Env& e) { return x87_mul(a, b, e); });
  unmasked("fdiv", 203, unmasked_fdiv, [](F80 a, F80 b, X87Env& e) { return x87_div(a, b, e); });
  unmasked("fsqrt", 204, unmasked_fsqrt, [](F80 a, F80, X87Env& e) { return x87_sqrt(a, e); });
  unmasked("fscale", 205, unmasked_fscale,
           [](F80 a, F80 b, X87Env& e) { return x87_scale(a, b, e); });
}

#else

TEST_CASE("unmasked x87 comparisons need an x86-64 host", "[x87][differential][unmasked]") {
  WARN("skipped: the host has no x87 unit to compare against");
}

#endif

}  // namespace
}  // namespace glasspc::fp::test

// Differential table: x87 forms (escape opcodes D8-DF and FWAIT; SDM Vol. 2D Table A-7 ..
// fsw_undef lists the condition codes each instruction's "FPU Flags Affected" section
// leaves undefined.
#include "simd_diff_form.h"

namespace glasspc::test {

namespace {
using namespace formf;
constexpr u16 k023 = fswc::k023, kAllC = fswc::kAll, kC03 = fswc::C0 | fswc::C3;
// The 28-byte protected-mode environment (SDM Vol. 1 Figure 8-9): the instruction and operand
// pointer offsets (bytes 12-15 and 20-23) would hold host addresses and are not compared.
constexpr u32 kEnvIgnore = 0x00f0f000;

Form x87_mem(std::string name, u8 opcode, u8 digit, u8 mem, Lane lane, u16 fsw_undef,
             Feature f = Feature::kX87, u32 ignore = 0) {
  Form r{std::move(name), f, 0, 0, opcode, Opnd::kDigit, Opnd::kNone, mem, kMemOnly, lane};
  r.digit = digit;
  r.fsw_undef = fsw_undef;
  r.ignore_mask = ignore;
  return r;
}

// Register form D8+x C0+i .. with ST(i) chosen at random.
Form x87_st(std::string name, u8 opcode, u8 modrm, u16 fsw_undef, u32 flags = 0) {
  Form r{std::move(name),  Feature::kX87, 0, 0, opcode, Opnd::kNone, Opnd::kSt, 0,
         kRegOnly | flags, Lane::kF80};
  r.modrm = modrm;
  r.fsw_undef = fsw_undef;
  return r;
}

Form x87_fixed(std::string name, u8 opcode, u8 modrm, u16 fsw_undef, u32 flags = 0) {
  Form r = x87_st(std::move(name), opcode, modrm, fsw_undef, flags);
  r.rm = Opnd::kFixed;
  return r;
}

}  // namespace

std::vector<Form> x87_forms() {
  std::vector<Form> t;
  // Arithmetic with a memory operand: D8 m32fp, DC m64fp, DA m32int, DE m16int.
  const char* kArith[] = {"FADD", "FMUL", "FCOM", "FCOMP", "FSUB", "FSUBR", "FDIV", "FDIVR"};
  const char* kIArith[] = {"FIADD", "FIMUL",  "FICOM", "FICOMP",
                           "FISUB", "FISUBR", "FIDIV", "FIDIVR"};
  for (u8 d = 0; d < 8; ++d) {
    const bool compare = d == 2 || d == 3;
    const u16 undef = compare ? 0 : k023;
    t.push_back(x87_mem(std::string(kArith[d]) + " m32fp", 0xd8, d, 4, Lane::kF32, undef));
    t.push_back(x87_mem(std::string(kArith[d]) + " m64fp", 0xdc, d, 8, Lane::kF64, undef));
    t.push_back(x87_mem(std::string(kIArith[d]) + " m32int", 0xda, d, 4, Lane::kI32, undef));
    t.push_back(x87_mem(std::string(kIArith[d]) + " m16int", 0xde, d, 2, Lane::kI16, undef));
    t.push_back(x87_st(std::string(kArith[d]) + (compare ? " st(i)" : " st(0), st(i)"), 0xd8,
                       static_cast<u8>(0xc0 | (d << 3)), undef));
  }
  t.push_back(x87_st("FADD st(i), st(0)", 0xdc, 0xc0, k023));
  t.push_back(x87_st("FMUL st(i), st(0)", 0xdc, 0xc8, k023));
  t.push_back(x87_st("FSUBR st(i), st(0)", 0xdc, 0xe0, k023));
  t.push_back(x87_st("FSUB st(i), st(0)", 0xdc, 0xe8, k023));
  t.push_back(x87_st("FDIVR st(i), st(0)", 0xdc, 0xf0, k023));
  t.push_back(x87_st("FDIV st(i), st(0)", 0xdc, 0xf8, k023));
  t.push_back(x87_st("FADDP st(i), st(0)", 0xde, 0xc0, k023));
  t.push_back(x87_st("FMULP st(i), st(0)", 0xde, 0xc8, k023));
  t.push_back(x87_st("FSUBRP st(i), st(0)", 0xde, 0xe0, k023));
  t.push_back(x87_st("FSUBP st(i), st(0)", 0xde, 0xe8, k023));
  t.push_back(x87_st("FDIVRP st(i), st(0)", 0xde, 0xf0, k023));
  t.push_back(x87_st("FDIVP st(i), st(0)", 0xde, 0xf8, k023));
  t.push_back(x87_fixed("FCOMPP", 0xde, 0xd9, 0));
  // D9: loads, stores, control, constants, transcendentals.
  t.push_back(x87_mem("FLD m32fp", 0xd9, 0, 4, Lane::kF32, k023));
  t.push_back(x87_mem("FST m32fp", 0xd9, 2, 4, Lane::kF32, k023));
  t.push_back(x87_mem("FSTP m32fp", 0xd9, 3, 4, Lane::kF32, k023));
  t.push_back(x87_mem("FLDENV m28", 0xd9, 4, 28, Lane::kEnv, 0));
  t.push_back(x87_mem("FLDCW m16", 0xd9, 5, 2, Lane::kCw, kAllC));
  t.push_back(x87_mem("FNSTENV m28", 0xd9, 6, 28, Lane::kI32, kAllC, Feature::kX87, kEnvIgnore));
  t.push_back(x87_mem("FNSTCW m16", 0xd9, 7, 2, Lane::kI16, kAllC));
  t.push_back(x87_st("FLD st(i)", 0xd9, 0xc0, k023));
  t.push_back(x87_st("FXCH st(i)", 0xd9, 0xc8, k023));
  t.push_back(x87_fixed("FNOP", 0xd9, 0xd0, kAllC));
  t.push_back(x87_fixed("FCHS", 0xd9, 0xe0, k023));
  t.push_back(x87_fixed("FABS", 0xd9, 0xe1, k023));
  t.push_back(x87_fixed("FTST", 0xd9, 0xe4, 0));
  t.push_back(x87_fixed("FXAM", 0xd9, 0xe5, 0));
  t.push_back(x87_fixed("FLD1", 0xd9, 0xe8, k023));
  t.push_back(x87_fixed("FLDL2T", 0xd9, 0xe9, k023));
  t.push_back(x87_fixed("FLDL2E", 0xd9, 0xea, k023));
  t.push_back(x87_fixed("FLDPI", 0xd9, 0xeb, k023));
  t.push_back(x87_fixed("FLDLG2", 0xd9, 0xec, k023));
  t.push_back(x87_fixed("FLDLN2", 0xd9, 0xed, k023));
  t.push_back(x87_fixed("FLDZ", 0xd9, 0xee, k023));
  t.push_back(x87_fixed("F2XM1", 0xd9, 0xf0, k023, kUlp | kSt0Unit));
  t.push_back(x87_fixed("FYL2X", 0xd9, 0xf1, k023, kUlp));
  t.push_back(x87_fixed("FPTAN", 0xd9, 0xf2, kC03, kUlp));
  t.push_back(x87_fixed("FPATAN", 0xd9, 0xf3, k023, kUlp));
  t.push_back(x87_fixed("FXTRACT", 0xd9, 0xf4, k023));
  t.push_back(x87_fixed("FPREM1", 0xd9, 0xf5, 0));
  t.push_back(x87_fixed("FDECSTP", 0xd9, 0xf6, k023));
  t.push_back(x87_fixed("FINCSTP", 0xd9, 0xf7, k023));
  t.push_back(x87_fixed("FPREM", 0xd9, 0xf8, 0));
  t.push_back(x87_fixed("FYL2XP1", 0xd9, 0xf9, k023, kUlp | kSt0Small));
  t.push_back(x87_fixed("FSQRT", 0xd9, 0xfa, k023));
  t.push_back(x87_fixed("FSINCOS", 0xd9, 0xfb, kC03, kUlp));
  t.push_back(x87_fixed("FRNDINT", 0xd9, 0xfc, k023));
  t.push_back(x87_fixed("FSCALE", 0xd9, 0xfd, k023));
  t.push_back(x87_fixed("FSIN", 0xd9, 0xfe, kC03, kUlp));
  t.push_back(x87_fixed("FCOS", 0xd9, 0xff, kC03, kUlp));
  // DA/DB register forms: FCMOVcc, FUCOMPP, FCOMI/FUCOMI, FNCLEX, FNINIT.
  t.push_back(x87_st("FCMOVB st(0), st(i)", 0xda, 0xc0, k023));
  t.push_back(x87_st("FCMOVE st(0), st(i)", 0xda, 0xc8, k023));
  t.push_back(x87_st("FCMOVBE st(0), st(i)", 0xda, 0xd0, k023));
  t.push_back(x87_st("FCMOVU st(0), st(i)", 0xda, 0xd8, k023));
  t.push_back(x87_fixed("FUCOMPP", 0xda, 0xe9, 0));
  t.push_back(x87_st("FCMOVNB st(0), st(i)", 0xdb, 0xc0, k023));
  t.push_back(x87_st("FCMOVNE st(0), st(i)", 0xdb, 0xc8, k023));
  t.push_back(x87_st("FCMOVNBE st(0), st(i)", 0xdb, 0xd0, k023));
  t.push_back(x87_st("FCMOVNU st(0), st(i)", 0xdb, 0xd8, k023));
  t.push_back(x87_fixed("FNCLEX", 0xdb, 0xe2, kAllC));
  t.push_back(x87_fixed("FNINIT", 0xdb, 0xe3, 0));
  t.push_back(x87_st("FUCOMI st(0), st(i)", 0xdb, 0xe8, 0));
  t.push_back(x87_st("FCOMI st(0), st(i)", 0xdb, 0xf0, 0));
  // DB/DD/DF memory: integer and 80-bit loads and stores, state.
  const Feature S3 = Feature::kSse3;
  t.push_back(x87_mem("FILD m32int", 0xdb, 0, 4, Lane::kI32, k023));
  t.push_back(x87_mem("FISTTP m32int", 0xdb, 1, 4, Lane::kI32, k023, S3));
  t.push_back(x87_mem("FIST m32int", 0xdb, 2, 4, Lane::kI32, k023));
  t.push_back(x87_mem("FISTP m32int", 0xdb, 3, 4, Lane::kI32, k023));
  t.push_back(x87_mem("FLD m80fp", 0xdb, 5, 10, Lane::kF80, k023));
  t.push_back(x87_mem("FSTP m80fp", 0xdb, 7, 10, Lane::kF80, k023));
  t.push_back(x87_mem("FLD m64fp", 0xdd, 0, 8, Lane::kF64, k023));
  t.push_back(x87_mem("FISTTP m64int", 0xdd, 1, 8, Lane::kI64, k023, S3));
  t.push_back(x87_mem("FST m64fp", 0xdd, 2, 8, Lane::kF64, k023));
  t.push_back(x87_mem("FSTP m64fp", 0xdd, 3, 8, Lane::kF64, k023));
  t.push_back(x87_mem("FRSTOR m108", 0xdd, 4, 108, Lane::kEnv, 0));
  t.push_back(x87_mem("FNSAVE m108", 0xdd, 6, 108, Lane::kI32, 0, Feature::kX87, kEnvIgnore));
  t.push_back(x87_mem("FNSTSW m16", 0xdd, 7, 2, Lane::kI16, kAllC));
  t.push_back(x87_st("FFREE st(i)", 0xdd, 0xc0, kAllC));
  t.push_back(x87_st("FST st(i)", 0xdd, 0xd0, k023));
  t.push_back(x87_st("FSTP st(i)", 0xdd, 0xd8, k023));
  t.push_back(x87_st("FUCOM st(i)", 0xdd, 0xe0, 0));
  t.push_back(x87_st("FUCOMP st(i)", 0xdd, 0xe8, 0));
  t.push_back(x87_mem("FILD m16int", 0xdf, 0, 2, Lane::kI16, k023));
  t.push_back(x87_mem("FISTTP m16int", 0xdf, 1, 2, Lane::kI16, k023, S3));
  t.push_back(x87_mem("FIST m16int", 0xdf, 2, 2, Lane::kI16, k023));
  t.push_back(x87_mem("FISTP m16int", 0xdf, 3, 2, Lane::kI16, k023));
  t.push_back(x87_mem("FBLD m80bcd", 0xdf, 4, 10, Lane::kBcd, k023));
  t.push_back(x87_mem("FILD m64int", 0xdf, 5, 8, Lane::kI64, k023));
  t.push_back(x87_mem("FBSTP m80bcd", 0xdf, 6, 10, Lane::kBcd, k023));
  t.push_back(x87_mem("FISTP m64int", 0xdf, 7, 8, Lane::kI64, k023));
  t.push_back(x87_fixed("FNSTSW ax", 0xdf, 0xe0, kAllC));
  t.push_back(x87_st("FUCOMIP st(0), st(i)", 0xdf, 0xe8, 0));
  t.push_back(x87_st("FCOMIP st(0), st(i)", 0xdf, 0xf0, 0));
  // 16-bit operand size (66): the 14-byte environment and 94-byte FSAVE image, whose
  // instruction and operand pointer offsets are bytes 6-7 and 10-11 (SDM Vol. 1 Figure 8-10).
  auto osz16 = [](Form r, const char* name) {
    r.name = name;
    r.prefix = 0x66;
    return r;
  };
  constexpr u32 kEnv16Ignore = 0xcc0;
  t.push_back(osz16(x87_mem("", 0xd9, 4, 14, Lane::kEnv, 0), "FLDENV m14 (o16)"));
  t.push_back(osz16(x87_mem("", 0xd9, 6, 14, Lane::kI16, kAllC, Feature::kX87, kEnv16Ignore),
                    "FNSTENV m14 (o16)"));
  t.push_back(osz16(x87_mem("", 0xdd, 4, 94, Lane::kEnv, 0), "FRSTOR m94 (o16)"));
  t.push_back(osz16(x87_mem("", 0xdd, 6, 94, Lane::kI16, 0, Feature::kX87, kEnv16Ignore),
                    "FNSAVE m94 (o16)"));
  // The waiting forms: FWAIT (9B) followed by the no-wait instruction.
  auto wait = [](Form r, const char* name) {
    r.name = name;
    r.prefix = 0x9b;
    return r;
  };
  t.push_back(
      wait(x87_mem("", 0xd9, 6, 28, Lane::kI32, kAllC, Feature::kX87, kEnvIgnore), "FSTENV m28"));
  t.push_back(wait(x87_mem("", 0xd9, 7, 2, Lane::kI16, kAllC), "FSTCW m16"));
  t.push_back(
      wait(x87_mem("", 0xdd, 6, 108, Lane::kI32, 0, Feature::kX87, kEnvIgnore), "FSAVE m108"));
  t.push_back(wait(x87_mem("", 0xdd, 7, 2, Lane::kI16, kAllC), "FSTSW m16"));
  t.push_back(wait(x87_fixed("", 0xdf, 0xe0, kAllC), "FSTSW ax"));
  t.push_back(wait(x87_fixed("", 0xdb, 0xe2, kAllC), "FCLEX"));
  t.push_back(wait(x87_fixed("", 0xdb, 0xe3, 0), "FINIT"));
  Form fwait = x87_fixed("FWAIT", 0x9b, 0, kAllC, kNoModrm);
  fwait.rm = Opnd::kNone;
  t.push_back(fwait);
  return t;
}

}  // namespace glasspc::test

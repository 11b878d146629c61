// Differential table: SSE and SSE2 floating point, conversion, move and MXCSR forms (legacy
// encodings, SDM Vol. 2 and the opcode map in Vol. 2D Table A-3).
#include "simd_diff_form.h"

namespace glasspc::test {

namespace {
constexpr Opnd X = Opnd::kXmm, M = Opnd::kMmx, G = Opnd::kGpr, N = Opnd::kNone;
constexpr Feature S1 = Feature::kSse, S2 = Feature::kSse2;
using namespace formf;

// A packed/scalar arithmetic family: PS (NP), SS (F3), PD (66), SD (F2).
void arith4(std::vector<Form>& t, u8 op, const char* ps, const char* ss, const char* pd,
            const char* sd) {
  t.push_back(sse_form(ps, S1, 0x00, 1, op, X, X, 16, kAligned, Lane::kF32));
  t.push_back(sse_form(ss, S1, 0xf3, 1, op, X, X, 4, 0, Lane::kF32));
  t.push_back(sse_form(pd, S2, 0x66, 1, op, X, X, 16, kAligned, Lane::kF64));
  t.push_back(sse_form(sd, S2, 0xf2, 1, op, X, X, 8, 0, Lane::kF64));
}
}  // namespace

std::vector<Form> sse_float_forms() {
  std::vector<Form> t;
  const Lane F = Lane::kF32, D = Lane::kF64;
  // Moves.
  t.push_back(sse_form("MOVUPS xmm, xmm/m128", S1, 0x00, 1, 0x10, X, X, 16, 0, F));
  t.push_back(sse_form("MOVSS xmm, xmm/m32", S1, 0xf3, 1, 0x10, X, X, 4, 0, F));
  t.push_back(sse_form("MOVUPD xmm, xmm/m128", S2, 0x66, 1, 0x10, X, X, 16, 0, D));
  t.push_back(sse_form("MOVSD xmm, xmm/m64", S2, 0xf2, 1, 0x10, X, X, 8, 0, D));
  t.push_back(sse_form("MOVUPS xmm/m128, xmm", S1, 0x00, 1, 0x11, X, X, 16, 0, F));
  t.push_back(sse_form("MOVSS xmm/m32, xmm", S1, 0xf3, 1, 0x11, X, X, 4, 0, F));
  t.push_back(sse_form("MOVUPD xmm/m128, xmm", S2, 0x66, 1, 0x11, X, X, 16, 0, D));
  t.push_back(sse_form("MOVSD xmm/m64, xmm", S2, 0xf2, 1, 0x11, X, X, 8, 0, D));
  t.push_back(sse_form("MOVHLPS xmm, xmm", S1, 0x00, 1, 0x12, X, X, 0, kRegOnly, F));
  t.push_back(sse_form("MOVLPS xmm, m64", S1, 0x00, 1, 0x12, X, N, 8, kMemOnly, F));
  t.push_back(sse_form("MOVLPD xmm, m64", S2, 0x66, 1, 0x12, X, N, 8, kMemOnly, D));
  t.push_back(sse_form("MOVLPS m64, xmm", S1, 0x00, 1, 0x13, X, N, 8, kMemOnly, F));
  t.push_back(sse_form("MOVLPD m64, xmm", S2, 0x66, 1, 0x13, X, N, 8, kMemOnly, D));
  t.push_back(sse_form("MOVLHPS xmm, xmm", S1, 0x00, 1, 0x16, X, X, 0, kRegOnly, F));
  t.push_back(sse_form("MOVHPS xmm, m64", S1, 0x00, 1, 0x16, X, N, 8, kMemOnly, F));
  t.push_back(sse_form("MOVHPD xmm, m64", S2, 0x66, 1, 0x16, X, N, 8, kMemOnly, D));
  t.push_back(sse_form("MOVHPS m64, xmm", S1, 0x00, 1, 0x17, X, N, 8, kMemOnly, F));
  t.push_back(sse_form("MOVHPD m64, xmm", S2, 0x66, 1, 0x17, X, N, 8, kMemOnly, D));
  t.push_back(sse_form("UNPCKLPS xmm, xmm/m128", S1, 0x00, 1, 0x14, X, X, 16, kAligned, F));
  t.push_back(sse_form("UNPCKLPD xmm, xmm/m128", S2, 0x66, 1, 0x14, X, X, 16, kAligned, D));
  t.push_back(sse_form("UNPCKHPS xmm, xmm/m128", S1, 0x00, 1, 0x15, X, X, 16, kAligned, F));
  t.push_back(sse_form("UNPCKHPD xmm, xmm/m128", S2, 0x66, 1, 0x15, X, X, 16, kAligned, D));
  t.push_back(sse_form("MOVAPS xmm, xmm/m128", S1, 0x00, 1, 0x28, X, X, 16, kAligned, F));
  t.push_back(sse_form("MOVAPD xmm, xmm/m128", S2, 0x66, 1, 0x28, X, X, 16, kAligned, D));
  t.push_back(sse_form("MOVAPS xmm/m128, xmm", S1, 0x00, 1, 0x29, X, X, 16, kAligned, F));
  t.push_back(sse_form("MOVAPD xmm/m128, xmm", S2, 0x66, 1, 0x29, X, X, 16, kAligned, D));
  t.push_back(sse_form("MOVNTPS m128, xmm", S1, 0x00, 1, 0x2b, X, N, 16, kAligned | kMemOnly, F));
  t.push_back(sse_form("MOVNTPD m128, xmm", S2, 0x66, 1, 0x2b, X, N, 16, kAligned | kMemOnly, D));
  t.push_back(sse_form("MOVMSKPS r32, xmm", S1, 0x00, 1, 0x50, G, X, 0, kRegOnly, F));
  t.push_back(sse_form("MOVMSKPD r32, xmm", S2, 0x66, 1, 0x50, G, X, 0, kRegOnly, D));
  // Conversions (SDM Vol. 2A CVT*).
  t.push_back(sse_form("CVTPI2PS xmm, mm/m64", S1, 0x00, 1, 0x2a, X, M, 8, 0, Lane::kI32));
  t.push_back(sse_form("CVTSI2SS xmm, r/m32", S1, 0xf3, 1, 0x2a, X, G, 4, 0, F));
  t.push_back(sse_form("CVTSI2SS xmm, r/m64", S1, 0xf3, 1, 0x2a, X, G, 8, kW, F));
  t.push_back(sse_form("CVTPI2PD xmm, mm/m64", S2, 0x66, 1, 0x2a, X, M, 8, 0, Lane::kI32));
  t.push_back(sse_form("CVTSI2SD xmm, r/m32", S2, 0xf2, 1, 0x2a, X, G, 4, 0, D));
  t.push_back(sse_form("CVTSI2SD xmm, r/m64", S2, 0xf2, 1, 0x2a, X, G, 8, kW, D));
  t.push_back(sse_form("CVTTPS2PI mm, xmm/m64", S1, 0x00, 1, 0x2c, M, X, 8, 0, F));
  t.push_back(sse_form("CVTTSS2SI r32, xmm/m32", S1, 0xf3, 1, 0x2c, G, X, 4, 0, F));
  t.push_back(sse_form("CVTTSS2SI r64, xmm/m32", S1, 0xf3, 1, 0x2c, G, X, 4, kW, F));
  t.push_back(sse_form("CVTTPD2PI mm, xmm/m128", S2, 0x66, 1, 0x2c, M, X, 16, kAligned, D));
  t.push_back(sse_form("CVTTSD2SI r32, xmm/m64", S2, 0xf2, 1, 0x2c, G, X, 8, 0, D));
  t.push_back(sse_form("CVTTSD2SI r64, xmm/m64", S2, 0xf2, 1, 0x2c, G, X, 8, kW, D));
  t.push_back(sse_form("CVTPS2PI mm, xmm/m64", S1, 0x00, 1, 0x2d, M, X, 8, 0, F));
  t.push_back(sse_form("CVTSS2SI r32, xmm/m32", S1, 0xf3, 1, 0x2d, G, X, 4, 0, F));
  t.push_back(sse_form("CVTSS2SI r64, xmm/m32", S1, 0xf3, 1, 0x2d, G, X, 4, kW, F));
  t.push_back(sse_form("CVTPD2PI mm, xmm/m128", S2, 0x66, 1, 0x2d, M, X, 16, kAligned, D));
  t.push_back(sse_form("CVTSD2SI r32, xmm/m64", S2, 0xf2, 1, 0x2d, G, X, 8, 0, D));
  t.push_back(sse_form("CVTSD2SI r64, xmm/m64", S2, 0xf2, 1, 0x2d, G, X, 8, kW, D));
  t.push_back(sse_form("CVTPS2PD xmm, xmm/m64", S2, 0x00, 1, 0x5a, X, X, 8, 0, F));
  t.push_back(sse_form("CVTPD2PS xmm, xmm/m128", S2, 0x66, 1, 0x5a, X, X, 16, kAligned, D));
  t.push_back(sse_form("CVTSS2SD xmm, xmm/m32", S2, 0xf3, 1, 0x5a, X, X, 4, 0, F));
  t.push_back(sse_form("CVTSD2SS xmm, xmm/m64", S2, 0xf2, 1, 0x5a, X, X, 8, 0, D));
  t.push_back(
      sse_form("CVTDQ2PS xmm, xmm/m128", S2, 0x00, 1, 0x5b, X, X, 16, kAligned, Lane::kI32));
  t.push_back(sse_form("CVTPS2DQ xmm, xmm/m128", S2, 0x66, 1, 0x5b, X, X, 16, kAligned, F));
  t.push_back(sse_form("CVTTPS2DQ xmm, xmm/m128", S2, 0xf3, 1, 0x5b, X, X, 16, kAligned, F));
  t.push_back(sse_form("CVTTPD2DQ xmm, xmm/m128", S2, 0x66, 1, 0xe6, X, X, 16, kAligned, D));
  t.push_back(sse_form("CVTPD2DQ xmm, xmm/m128", S2, 0xf2, 1, 0xe6, X, X, 16, kAligned, D));
  t.push_back(sse_form("CVTDQ2PD xmm, xmm/m64", S2, 0xf3, 1, 0xe6, X, X, 8, 0, Lane::kI32));
  // Compares setting RFLAGS.
  t.push_back(sse_form("UCOMISS xmm, xmm/m32", S1, 0x00, 1, 0x2e, X, X, 4, 0, F));
  t.push_back(sse_form("UCOMISD xmm, xmm/m64", S2, 0x66, 1, 0x2e, X, X, 8, 0, D));
  t.push_back(sse_form("COMISS xmm, xmm/m32", S1, 0x00, 1, 0x2f, X, X, 4, 0, F));
  t.push_back(sse_form("COMISD xmm, xmm/m64", S2, 0x66, 1, 0x2f, X, X, 8, 0, D));
  // Arithmetic.
  t.push_back(sse_form("SQRTPS xmm, xmm/m128", S1, 0x00, 1, 0x51, X, X, 16, kAligned, F));
  t.push_back(sse_form("SQRTSS xmm, xmm/m32", S1, 0xf3, 1, 0x51, X, X, 4, 0, F));
  t.push_back(sse_form("SQRTPD xmm, xmm/m128", S2, 0x66, 1, 0x51, X, X, 16, kAligned, D));
  t.push_back(sse_form("SQRTSD xmm, xmm/m64", S2, 0xf2, 1, 0x51, X, X, 8, 0, D));
  t.push_back(
      sse_form("RSQRTPS xmm, xmm/m128", S1, 0x00, 1, 0x52, X, X, 16, kAligned | kApprox, F));
  t.push_back(sse_form("RSQRTSS xmm, xmm/m32", S1, 0xf3, 1, 0x52, X, X, 4, kApprox | kScalar, F));
  t.push_back(sse_form("RCPPS xmm, xmm/m128", S1, 0x00, 1, 0x53, X, X, 16, kAligned | kApprox, F));
  t.push_back(sse_form("RCPSS xmm, xmm/m32", S1, 0xf3, 1, 0x53, X, X, 4, kApprox | kScalar, F));
  t.push_back(sse_form("ANDPS xmm, xmm/m128", S1, 0x00, 1, 0x54, X, X, 16, kAligned, F));
  t.push_back(sse_form("ANDPD xmm, xmm/m128", S2, 0x66, 1, 0x54, X, X, 16, kAligned, D));
  t.push_back(sse_form("ANDNPS xmm, xmm/m128", S1, 0x00, 1, 0x55, X, X, 16, kAligned, F));
  t.push_back(sse_form("ANDNPD xmm, xmm/m128", S2, 0x66, 1, 0x55, X, X, 16, kAligned, D));
  t.push_back(sse_form("ORPS xmm, xmm/m128", S1, 0x00, 1, 0x56, X, X, 16, kAligned, F));
  t.push_back(sse_form("ORPD xmm, xmm/m128", S2, 0x66, 1, 0x56, X, X, 16, kAligned, D));
  t.push_back(sse_form("XORPS xmm, xmm/m128", S1, 0x00, 1, 0x57, X, X, 16, kAligned, F));
  t.push_back(sse_form("XORPD xmm, xmm/m128", S2, 0x66, 1, 0x57, X, X, 16, kAligned, D));
  arith4(t, 0x58, "ADDPS xmm, xmm/m128", "ADDSS xmm, xmm/m32", "ADDPD xmm, xmm/m128",
         "ADDSD xmm, xmm/m64");
  arith4(t, 0x59, "MULPS xmm, xmm/m128", "MULSS xmm, xmm/m32", "MULPD xmm, xmm/m128",
         "MULSD xmm, xmm/m64");
  arith4(t, 0x5c, "SUBPS xmm, xmm/m128", "SUBSS xmm, xmm/m32", "SUBPD xmm, xmm/m128",
         "SUBSD xmm, xmm/m64");
  arith4(t, 0x5d, "MINPS xmm, xmm/m128", "MINSS xmm, xmm/m32", "MINPD xmm, xmm/m128",
         "MINSD xmm, xmm/m64");
  arith4(t, 0x5e, "DIVPS xmm, xmm/m128", "DIVSS xmm, xmm/m32", "DIVPD xmm, xmm/m128",
         "DIVSD xmm, xmm/m64");
  arith4(t, 0x5f, "MAXPS xmm, xmm/m128", "MAXSS xmm, xmm/m32", "MAXPD xmm, xmm/m128",
         "MAXSD xmm, xmm/m64");
  // CMPPS family: legacy encodings use imm8[2:0] (SDM Vol. 2A CMPPS).
  t.push_back(
      sse_form("CMPPS xmm, xmm/m128, imm8", S1, 0x00, 1, 0xc2, X, X, 16, kAligned | kImm8, F, 7));
  t.push_back(sse_form("CMPSS xmm, xmm/m32, imm8", S1, 0xf3, 1, 0xc2, X, X, 4, kImm8, F, 7));
  t.push_back(
      sse_form("CMPPD xmm, xmm/m128, imm8", S2, 0x66, 1, 0xc2, X, X, 16, kAligned | kImm8, D, 7));
  t.push_back(sse_form("CMPSD xmm, xmm/m64, imm8", S2, 0xf2, 1, 0xc2, X, X, 8, kImm8, D, 7));
  t.push_back(
      sse_form("SHUFPS xmm, xmm/m128, imm8", S1, 0x00, 1, 0xc6, X, X, 16, kAligned | kImm8, F));
  t.push_back(
      sse_form("SHUFPD xmm, xmm/m128, imm8", S2, 0x66, 1, 0xc6, X, X, 16, kAligned | kImm8, D));
  // MXCSR (SDM Vol. 2A LDMXCSR/STMXCSR): 0F AE /2 and /3, memory only.
  Form ld = sse_form("LDMXCSR m32", S1, 0x00, 1, 0xae, Opnd::kDigit, N, 4, kMemOnly, Lane::kMxcsr);
  ld.digit = 2;
  t.push_back(ld);
  Form st = sse_form("STMXCSR m32", S1, 0x00, 1, 0xae, Opnd::kDigit, N, 4, kMemOnly, F);
  st.digit = 3;
  t.push_back(st);
  // Cacheability control and ordering (SDM Vol. 1 10.4.6, 11.4.4): no FP/SIMD state changes,
  // but every byte of state must stay as it was.
  const char* kPrefetch[] = {"PREFETCHNTA m8", "PREFETCHT0 m8", "PREFETCHT1 m8", "PREFETCHT2 m8"};
  for (u8 d = 0; d < 4; ++d) {
    Form p = sse_form(kPrefetch[d], S1, 0x00, 1, 0x18, Opnd::kDigit, N, 1, kMemOnly, Lane::kI8);
    p.digit = d;
    t.push_back(p);
  }
  Form clflush = sse_form("CLFLUSH m8", S2, 0x00, 1, 0xae, Opnd::kDigit, N, 1, kMemOnly, Lane::kI8);
  clflush.digit = 7;
  t.push_back(clflush);
  const struct {
    const char* name;
    Feature f;
    u8 modrm;
  } kFences[] = {{"SFENCE", S1, 0xf8}, {"LFENCE", S2, 0xe8}, {"MFENCE", S2, 0xf0}};
  for (const auto& fence : kFences) {
    Form r = sse_form(fence.name, fence.f, 0x00, 1, 0xae, N, Opnd::kFixed, 0, kRegOnly, Lane::kI8);
    r.modrm = fence.modrm;
    t.push_back(r);
  }
  t.push_back(sse_form("PAUSE", S2, 0xf3, 0, 0x90, N, N, 0, kRegOnly | kNoModrm, Lane::kI8));
  return t;
}

}  // namespace glasspc::test

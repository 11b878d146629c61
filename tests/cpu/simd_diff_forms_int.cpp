// Differential table: MMX (0F xx, no prefix, mm registers, including the SSE and SSE2 additions
// that operate on mm registers) and SSE2 128-bit integer forms (66 0F xx), SDM Vol. 2 and the
// opcode map in Vol. 2D Table A-3.
#include "simd_diff_form.h"

namespace glasspc::test {

namespace {
constexpr Opnd X = Opnd::kXmm, M = Opnd::kMmx, G = Opnd::kGpr, N = Opnd::kNone;
using namespace formf;

// Opcodes that exist as mm (NP) and xmm (66) forms with the same operation.
struct IntOp {
  const char* name;
  u8 opcode;
  Lane lane;
  Feature mmx_feature;  // the mm form came with MMX, SSE (integer extensions) or SSE2
  u8 mmx_mem = 8;       // PUNPCKL* mm forms read m32
};

const IntOp kIntOps[] = {
    {"PUNPCKLBW", 0x60, Lane::kI8, Feature::kMmx, 4},
    {"PUNPCKLWD", 0x61, Lane::kI16, Feature::kMmx, 4},
    {"PUNPCKLDQ", 0x62, Lane::kI32, Feature::kMmx, 4},
    {"PACKSSWB", 0x63, Lane::kI16, Feature::kMmx},
    {"PCMPGTB", 0x64, Lane::kI8, Feature::kMmx},
    {"PCMPGTW", 0x65, Lane::kI16, Feature::kMmx},
    {"PCMPGTD", 0x66, Lane::kI32, Feature::kMmx},
    {"PACKUSWB", 0x67, Lane::kI16, Feature::kMmx},
    {"PUNPCKHBW", 0x68, Lane::kI8, Feature::kMmx},
    {"PUNPCKHWD", 0x69, Lane::kI16, Feature::kMmx},
    {"PUNPCKHDQ", 0x6a, Lane::kI32, Feature::kMmx},
    {"PACKSSDW", 0x6b, Lane::kI32, Feature::kMmx},
    {"PCMPEQB", 0x74, Lane::kI8, Feature::kMmx},
    {"PCMPEQW", 0x75, Lane::kI16, Feature::kMmx},
    {"PCMPEQD", 0x76, Lane::kI32, Feature::kMmx},
    {"PSRLW", 0xd1, Lane::kShift, Feature::kMmx},
    {"PSRLD", 0xd2, Lane::kShift, Feature::kMmx},
    {"PSRLQ", 0xd3, Lane::kShift, Feature::kMmx},
    {"PADDQ", 0xd4, Lane::kI64, Feature::kSse2},
    {"PMULLW", 0xd5, Lane::kI16, Feature::kMmx},
    {"PSUBUSB", 0xd8, Lane::kI8, Feature::kMmx},
    {"PSUBUSW", 0xd9, Lane::kI16, Feature::kMmx},
    {"PMINUB", 0xda, Lane::kI8, Feature::kSse},
    {"PAND", 0xdb, Lane::kI64, Feature::kMmx},
    {"PADDUSB", 0xdc, Lane::kI8, Feature::kMmx},
    {"PADDUSW", 0xdd, Lane::kI16, Feature::kMmx},
    {"PMAXUB", 0xde, Lane::kI8, Feature::kSse},
    {"PANDN", 0xdf, Lane::kI64, Feature::kMmx},
    {"PAVGB", 0xe0, Lane::kI8, Feature::kSse},
    {"PSRAW", 0xe1, Lane::kShift, Feature::kMmx},
    {"PSRAD", 0xe2, Lane::kShift, Feature::kMmx},
    {"PAVGW", 0xe3, Lane::kI16, Feature::kSse},
    {"PMULHUW", 0xe4, Lane::kI16, Feature::kSse},
    {"PMULHW", 0xe5, Lane::kI16, Feature::kMmx},
    {"PSUBSB", 0xe8, Lane::kI8, Feature::kMmx},
    {"PSUBSW", 0xe9, Lane::kI16, Feature::kMmx},
    {"PMINSW", 0xea, Lane::kI16, Feature::kSse},
    {"POR", 0xeb, Lane::kI64, Feature::kMmx},
    {"PADDSB", 0xec, Lane::kI8, Feature::kMmx},
    {"PADDSW", 0xed, Lane::kI16, Feature::kMmx},
    {"PMAXSW", 0xee, Lane::kI16, Feature::kSse},
    {"PXOR", 0xef, Lane::kI64, Feature::kMmx},
    {"PSLLW", 0xf1, Lane::kShift, Feature::kMmx},
    {"PSLLD", 0xf2, Lane::kShift, Feature::kMmx},
    {"PSLLQ", 0xf3, Lane::kShift, Feature::kMmx},
    {"PMULUDQ", 0xf4, Lane::kI32, Feature::kSse2},
    {"PMADDWD", 0xf5, Lane::kI16, Feature::kMmx},
    {"PSADBW", 0xf6, Lane::kI8, Feature::kSse},
    {"PSUBB", 0xf8, Lane::kI8, Feature::kMmx},
    {"PSUBW", 0xf9, Lane::kI16, Feature::kMmx},
    {"PSUBD", 0xfa, Lane::kI32, Feature::kMmx},
    {"PSUBQ", 0xfb, Lane::kI64, Feature::kSse2},
    {"PADDB", 0xfc, Lane::kI8, Feature::kMmx},
    {"PADDW", 0xfd, Lane::kI16, Feature::kMmx},
    {"PADDD", 0xfe, Lane::kI32, Feature::kMmx},
};

}  // namespace

std::vector<Form> mmx_forms() {
  const Feature MX = Feature::kMmx, S1 = Feature::kSse, S2 = Feature::kSse2;
  std::vector<Form> t;
  for (const IntOp& op : kIntOps) {
    t.push_back(sse_form(std::string(op.name) + (op.mmx_mem == 4 ? " mm, mm/m32" : " mm, mm/m64"),
                         op.mmx_feature, 0x00, 1, op.opcode, M, M, op.mmx_mem, 0, op.lane));
  }
  t.push_back(sse_form("MOVD mm, r/m32", MX, 0x00, 1, 0x6e, M, G, 4, 0, Lane::kI32));
  t.push_back(sse_form("MOVQ mm, r/m64", MX, 0x00, 1, 0x6e, M, G, 8, kW, Lane::kI64));
  t.push_back(sse_form("MOVD r/m32, mm", MX, 0x00, 1, 0x7e, M, G, 4, 0, Lane::kI32));
  t.push_back(sse_form("MOVQ r/m64, mm", MX, 0x00, 1, 0x7e, M, G, 8, kW, Lane::kI64));
  t.push_back(sse_form("MOVQ mm, mm/m64", MX, 0x00, 1, 0x6f, M, M, 8, 0, Lane::kI64));
  t.push_back(sse_form("MOVQ mm/m64, mm", MX, 0x00, 1, 0x7f, M, M, 8, 0, Lane::kI64));
  t.push_back(sse_form("EMMS", MX, 0x00, 1, 0x77, N, N, 0, kNoModrm | kRegOnly, Lane::kI64));
  t.push_back(sse_form("PSHUFW mm, mm/m64, imm8", S1, 0x00, 1, 0x70, M, M, 8, kImm8, Lane::kI16));
  t.push_back(digit_form("PSRLW mm, imm8", MX, 0x00, 0x71, 2, M, Lane::kI16));
  t.push_back(digit_form("PSRAW mm, imm8", MX, 0x00, 0x71, 4, M, Lane::kI16));
  t.push_back(digit_form("PSLLW mm, imm8", MX, 0x00, 0x71, 6, M, Lane::kI16));
  t.push_back(digit_form("PSRLD mm, imm8", MX, 0x00, 0x72, 2, M, Lane::kI32));
  t.push_back(digit_form("PSRAD mm, imm8", MX, 0x00, 0x72, 4, M, Lane::kI32));
  t.push_back(digit_form("PSLLD mm, imm8", MX, 0x00, 0x72, 6, M, Lane::kI32));
  t.push_back(digit_form("PSRLQ mm, imm8", MX, 0x00, 0x73, 2, M, Lane::kI64));
  t.push_back(digit_form("PSLLQ mm, imm8", MX, 0x00, 0x73, 6, M, Lane::kI64));
  t.push_back(sse_form("PINSRW mm, r32/m16, imm8", S1, 0x00, 1, 0xc4, M, G, 2, kImm8, Lane::kI16));
  t.push_back(
      sse_form("PEXTRW r32, mm, imm8", S1, 0x00, 1, 0xc5, G, M, 0, kRegOnly | kImm8, Lane::kI16));
  t.push_back(sse_form("PMOVMSKB r32, mm", S1, 0x00, 1, 0xd7, G, M, 0, kRegOnly, Lane::kI8));
  t.push_back(sse_form("MOVNTQ m64, mm", S1, 0x00, 1, 0xe7, M, N, 8, kMemOnly, Lane::kI64));
  t.push_back(
      sse_form("MASKMOVQ mm, mm", S1, 0x00, 1, 0xf7, M, M, 0, kRegOnly | kRdiMem, Lane::kI8));
  t.push_back(sse_form("MOVQ2DQ xmm, mm", S2, 0xf3, 1, 0xd6, X, M, 0, kRegOnly, Lane::kI64));
  t.push_back(sse_form("MOVDQ2Q mm, xmm", S2, 0xf2, 1, 0xd6, M, X, 0, kRegOnly, Lane::kI64));
  return t;
}

std::vector<Form> sse2_int_forms() {
  const Feature S2 = Feature::kSse2;
  std::vector<Form> t;
  for (const IntOp& op : kIntOps) {
    t.push_back(sse_form(std::string(op.name) + " xmm, xmm/m128", S2, 0x66, 1, op.opcode, X, X, 16,
                         kAligned, op.lane));
  }
  t.push_back(
      sse_form("PUNPCKLQDQ xmm, xmm/m128", S2, 0x66, 1, 0x6c, X, X, 16, kAligned, Lane::kI64));
  t.push_back(
      sse_form("PUNPCKHQDQ xmm, xmm/m128", S2, 0x66, 1, 0x6d, X, X, 16, kAligned, Lane::kI64));
  t.push_back(sse_form("MOVD xmm, r/m32", S2, 0x66, 1, 0x6e, X, G, 4, 0, Lane::kI32));
  t.push_back(sse_form("MOVQ xmm, r/m64", S2, 0x66, 1, 0x6e, X, G, 8, kW, Lane::kI64));
  t.push_back(sse_form("MOVD r/m32, xmm", S2, 0x66, 1, 0x7e, X, G, 4, 0, Lane::kI32));
  t.push_back(sse_form("MOVQ r/m64, xmm", S2, 0x66, 1, 0x7e, X, G, 8, kW, Lane::kI64));
  t.push_back(sse_form("MOVQ xmm, xmm/m64", S2, 0xf3, 1, 0x7e, X, X, 8, 0, Lane::kI64));
  t.push_back(sse_form("MOVQ xmm/m64, xmm", S2, 0x66, 1, 0xd6, X, X, 8, 0, Lane::kI64));
  t.push_back(sse_form("MOVDQA xmm, xmm/m128", S2, 0x66, 1, 0x6f, X, X, 16, kAligned, Lane::kI32));
  t.push_back(sse_form("MOVDQU xmm, xmm/m128", S2, 0xf3, 1, 0x6f, X, X, 16, 0, Lane::kI32));
  t.push_back(sse_form("MOVDQA xmm/m128, xmm", S2, 0x66, 1, 0x7f, X, X, 16, kAligned, Lane::kI32));
  t.push_back(sse_form("MOVDQU xmm/m128, xmm", S2, 0xf3, 1, 0x7f, X, X, 16, 0, Lane::kI32));
  t.push_back(sse_form("PSHUFD xmm, xmm/m128, imm8", S2, 0x66, 1, 0x70, X, X, 16, kAligned | kImm8,
                       Lane::kI32));
  t.push_back(sse_form("PSHUFHW xmm, xmm/m128, imm8", S2, 0xf3, 1, 0x70, X, X, 16, kAligned | kImm8,
                       Lane::kI16));
  t.push_back(sse_form("PSHUFLW xmm, xmm/m128, imm8", S2, 0xf2, 1, 0x70, X, X, 16, kAligned | kImm8,
                       Lane::kI16));
  t.push_back(digit_form("PSRLW xmm, imm8", S2, 0x66, 0x71, 2, X, Lane::kI16));
  t.push_back(digit_form("PSRAW xmm, imm8", S2, 0x66, 0x71, 4, X, Lane::kI16));
  t.push_back(digit_form("PSLLW xmm, imm8", S2, 0x66, 0x71, 6, X, Lane::kI16));
  t.push_back(digit_form("PSRLD xmm, imm8", S2, 0x66, 0x72, 2, X, Lane::kI32));
  t.push_back(digit_form("PSRAD xmm, imm8", S2, 0x66, 0x72, 4, X, Lane::kI32));
  t.push_back(digit_form("PSLLD xmm, imm8", S2, 0x66, 0x72, 6, X, Lane::kI32));
  t.push_back(digit_form("PSRLQ xmm, imm8", S2, 0x66, 0x73, 2, X, Lane::kI64));
  t.push_back(digit_form("PSRLDQ xmm, imm8", S2, 0x66, 0x73, 3, X, Lane::kI8));
  t.push_back(digit_form("PSLLQ xmm, imm8", S2, 0x66, 0x73, 6, X, Lane::kI64));
  t.push_back(digit_form("PSLLDQ xmm, imm8", S2, 0x66, 0x73, 7, X, Lane::kI8));
  t.push_back(sse_form("PINSRW xmm, r32/m16, imm8", S2, 0x66, 1, 0xc4, X, G, 2, kImm8, Lane::kI16));
  t.push_back(
      sse_form("PEXTRW r32, xmm, imm8", S2, 0x66, 1, 0xc5, G, X, 0, kRegOnly | kImm8, Lane::kI16));
  t.push_back(sse_form("PMOVMSKB r32, xmm", S2, 0x66, 1, 0xd7, G, X, 0, kRegOnly, Lane::kI8));
  t.push_back(
      sse_form("MOVNTDQ m128, xmm", S2, 0x66, 1, 0xe7, X, N, 16, kMemOnly | kAligned, Lane::kI32));
  t.push_back(
      sse_form("MASKMOVDQU xmm, xmm", S2, 0x66, 1, 0xf7, X, X, 0, kRegOnly | kRdiMem, Lane::kI8));
  t.push_back(sse_form("MOVNTI m32, r32", S2, 0x00, 1, 0xc3, G, N, 4, kMemOnly, Lane::kI32));
  t.push_back(sse_form("MOVNTI m64, r64", S2, 0x00, 1, 0xc3, G, N, 8, kMemOnly | kW, Lane::kI64));
  return t;
}

}  // namespace glasspc::test

// Differential table: SSE3, SSSE3, SSE4.1, SSE4.2 (with CRC32), AES-NI and PCLMULQDQ forms
// (legacy encodings; SDM Vol. 2 and the three-byte opcode maps, Vol. 2D Tables ).
#include "simd_diff_form.h"

namespace glasspc::test {

namespace {
constexpr Opnd X = Opnd::kXmm, M = Opnd::kMmx, G = Opnd::kGpr, N = Opnd::kNone;
using namespace formf;

struct ExtOp {
  const char* name;
  u8 opcode;
  Lane lane;
};

// SSSE3 0F 38 xx: NP with mm registers, 66 with xmm registers.
const ExtOp kSsse3[] = {
    {"PSHUFB", 0x00, Lane::kI8},   {"PHADDW", 0x01, Lane::kI16},   {"PHADDD", 0x02, Lane::kI32},
    {"PHADDSW", 0x03, Lane::kI16}, {"PMADDUBSW", 0x04, Lane::kI8}, {"PHSUBW", 0x05, Lane::kI16},
    {"PHSUBD", 0x06, Lane::kI32},  {"PHSUBSW", 0x07, Lane::kI16},  {"PSIGNB", 0x08, Lane::kI8},
    {"PSIGNW", 0x09, Lane::kI16},  {"PSIGND", 0x0a, Lane::kI32},   {"PMULHRSW", 0x0b, Lane::kI16},
    {"PABSB", 0x1c, Lane::kI8},    {"PABSW", 0x1d, Lane::kI16},    {"PABSD", 0x1e, Lane::kI32},
};

// SSE4.1 66 0F 38 xx with an xmm/m128 source (aligned).
const ExtOp kSse41Packed[] = {
    {"PBLENDVB", 0x10, Lane::kI8},    {"BLENDVPS", 0x14, Lane::kF32},
    {"BLENDVPD", 0x15, Lane::kF64},   {"PTEST", 0x17, Lane::kI64},
    {"PMULDQ", 0x28, Lane::kI32},     {"PCMPEQQ", 0x29, Lane::kI64},
    {"PACKUSDW", 0x2b, Lane::kI32},   {"PMINSB", 0x38, Lane::kI8},
    {"PMINSD", 0x39, Lane::kI32},     {"PMINUW", 0x3a, Lane::kI16},
    {"PMINUD", 0x3b, Lane::kI32},     {"PMAXSB", 0x3c, Lane::kI8},
    {"PMAXSD", 0x3d, Lane::kI32},     {"PMAXUW", 0x3e, Lane::kI16},
    {"PMAXUD", 0x3f, Lane::kI32},     {"PMULLD", 0x40, Lane::kI32},
    {"PHMINPOSUW", 0x41, Lane::kI16},
};

}  // namespace

std::vector<Form> sse3_ssse3_forms() {
  const Feature S3 = Feature::kSse3, SS3 = Feature::kSsse3;
  const Lane F = Lane::kF32, D = Lane::kF64;
  std::vector<Form> t;
  t.push_back(sse_form("ADDSUBPD xmm, xmm/m128", S3, 0x66, 1, 0xd0, X, X, 16, kAligned, D));
  t.push_back(sse_form("ADDSUBPS xmm, xmm/m128", S3, 0xf2, 1, 0xd0, X, X, 16, kAligned, F));
  t.push_back(sse_form("HADDPD xmm, xmm/m128", S3, 0x66, 1, 0x7c, X, X, 16, kAligned, D));
  t.push_back(sse_form("HADDPS xmm, xmm/m128", S3, 0xf2, 1, 0x7c, X, X, 16, kAligned, F));
  t.push_back(sse_form("HSUBPD xmm, xmm/m128", S3, 0x66, 1, 0x7d, X, X, 16, kAligned, D));
  t.push_back(sse_form("HSUBPS xmm, xmm/m128", S3, 0xf2, 1, 0x7d, X, X, 16, kAligned, F));
  t.push_back(sse_form("LDDQU xmm, m128", S3, 0xf2, 1, 0xf0, X, N, 16, kMemOnly, Lane::kI32));
  t.push_back(sse_form("MOVDDUP xmm, xmm/m64", S3, 0xf2, 1, 0x12, X, X, 8, 0, D));
  t.push_back(sse_form("MOVSHDUP xmm, xmm/m128", S3, 0xf3, 1, 0x16, X, X, 16, kAligned, F));
  t.push_back(sse_form("MOVSLDUP xmm, xmm/m128", S3, 0xf3, 1, 0x12, X, X, 16, kAligned, F));
  for (const ExtOp& op : kSsse3) {
    t.push_back(sse_form(std::string(op.name) + " mm, mm/m64", SS3, 0x00, 2, op.opcode, M, M, 8, 0,
                         op.lane));
    t.push_back(sse_form(std::string(op.name) + " xmm, xmm/m128", SS3, 0x66, 2, op.opcode, X, X, 16,
                         kAligned, op.lane));
  }
  t.push_back(sse_form("PALIGNR mm, mm/m64, imm8", SS3, 0x00, 3, 0x0f, M, M, 8, kImm8, Lane::kI8));
  t.push_back(sse_form("PALIGNR xmm, xmm/m128, imm8", SS3, 0x66, 3, 0x0f, X, X, 16,
                       kAligned | kImm8, Lane::kI8));
  return t;
}

std::vector<Form> sse4_forms() {
  const Feature S41 = Feature::kSse41, S42 = Feature::kSse42;
  const Lane F = Lane::kF32, D = Lane::kF64;
  std::vector<Form> t;
  for (const ExtOp& op : kSse41Packed) {
    t.push_back(sse_form(std::string(op.name) + " xmm, xmm/m128", S41, 0x66, 2, op.opcode, X, X, 16,
                         kAligned, op.lane));
  }
  // PMOVSX/PMOVZX read only the bytes they extend (SDM Vol. 2B PMOVSX): no alignment rule.
  const struct {
    const char* name;
    u8 opcode;
    u8 mem;
  } kExtend[] = {{"PMOVSXBW xmm, xmm/m64", 0x20, 8}, {"PMOVSXBD xmm, xmm/m32", 0x21, 4},
                 {"PMOVSXBQ xmm, xmm/m16", 0x22, 2}, {"PMOVSXWD xmm, xmm/m64", 0x23, 8},
                 {"PMOVSXWQ xmm, xmm/m32", 0x24, 4}, {"PMOVSXDQ xmm, xmm/m64", 0x25, 8},
                 {"PMOVZXBW xmm, xmm/m64", 0x30, 8}, {"PMOVZXBD xmm, xmm/m32", 0x31, 4},
                 {"PMOVZXBQ xmm, xmm/m16", 0x32, 2}, {"PMOVZXWD xmm, xmm/m64", 0x33, 8},
                 {"PMOVZXWQ xmm, xmm/m32", 0x34, 4}, {"PMOVZXDQ xmm, xmm/m64", 0x35, 8}};
  for (const auto& e : kExtend)
    t.push_back(sse_form(e.name, S41, 0x66, 2, e.opcode, X, X, e.mem, 0, Lane::kI8));
  t.push_back(sse_form("MOVNTDQA xmm, m128", S41, 0x66, 2, 0x2a, X, N, 16, kMemOnly | kAligned,
                       Lane::kI32));
  t.push_back(sse_form("ROUNDPS xmm, xmm/m128, imm8", S41, 0x66, 3, 0x08, X, X, 16,
                       kAligned | kImm8, F, 0x0f));
  t.push_back(sse_form("ROUNDPD xmm, xmm/m128, imm8", S41, 0x66, 3, 0x09, X, X, 16,
                       kAligned | kImm8, D, 0x0f));
  t.push_back(sse_form("ROUNDSS xmm, xmm/m32, imm8", S41, 0x66, 3, 0x0a, X, X, 4, kImm8, F, 0x0f));
  t.push_back(sse_form("ROUNDSD xmm, xmm/m64, imm8", S41, 0x66, 3, 0x0b, X, X, 8, kImm8, D, 0x0f));
  t.push_back(
      sse_form("BLENDPS xmm, xmm/m128, imm8", S41, 0x66, 3, 0x0c, X, X, 16, kAligned | kImm8, F));
  t.push_back(
      sse_form("BLENDPD xmm, xmm/m128, imm8", S41, 0x66, 3, 0x0d, X, X, 16, kAligned | kImm8, D));
  t.push_back(sse_form("PBLENDW xmm, xmm/m128, imm8", S41, 0x66, 3, 0x0e, X, X, 16,
                       kAligned | kImm8, Lane::kI16));
  t.push_back(sse_form("PEXTRB r32/m8, xmm, imm8", S41, 0x66, 3, 0x14, X, G, 1, kImm8, Lane::kI8));
  t.push_back(
      sse_form("PEXTRW r32/m16, xmm, imm8", S41, 0x66, 3, 0x15, X, G, 2, kImm8, Lane::kI16));
  t.push_back(sse_form("PEXTRD r/m32, xmm, imm8", S41, 0x66, 3, 0x16, X, G, 4, kImm8, Lane::kI32));
  t.push_back(
      sse_form("PEXTRQ r/m64, xmm, imm8", S41, 0x66, 3, 0x16, X, G, 8, kImm8 | kW, Lane::kI64));
  t.push_back(sse_form("EXTRACTPS r/m32, xmm, imm8", S41, 0x66, 3, 0x17, X, G, 4, kImm8, F));
  t.push_back(sse_form("PINSRB xmm, r32/m8, imm8", S41, 0x66, 3, 0x20, X, G, 1, kImm8, Lane::kI8));
  t.push_back(sse_form("INSERTPS xmm, xmm/m32, imm8", S41, 0x66, 3, 0x21, X, X, 4, kImm8, F));
  t.push_back(sse_form("PINSRD xmm, r/m32, imm8", S41, 0x66, 3, 0x22, X, G, 4, kImm8, Lane::kI32));
  t.push_back(
      sse_form("PINSRQ xmm, r/m64, imm8", S41, 0x66, 3, 0x22, X, G, 8, kImm8 | kW, Lane::kI64));
  t.push_back(
      sse_form("DPPS xmm, xmm/m128, imm8", S41, 0x66, 3, 0x40, X, X, 16, kAligned | kImm8, F));
  t.push_back(
      sse_form("DPPD xmm, xmm/m128, imm8", S41, 0x66, 3, 0x41, X, X, 16, kAligned | kImm8, D));
  t.push_back(sse_form("MPSADBW xmm, xmm/m128, imm8", S41, 0x66, 3, 0x42, X, X, 16,
                       kAligned | kImm8, Lane::kI8));
  // SSE4.2.
  t.push_back(
      sse_form("PCMPGTQ xmm, xmm/m128", S42, 0x66, 2, 0x37, X, X, 16, kAligned, Lane::kI64));
  // The string compares have no alignment rule (SDM Vol. 1 12.10.2).
  t.push_back(
      sse_form("PCMPESTRM xmm, xmm/m128, imm8", S42, 0x66, 3, 0x60, X, X, 16, kImm8, Lane::kText));
  t.push_back(
      sse_form("PCMPESTRI xmm, xmm/m128, imm8", S42, 0x66, 3, 0x61, X, X, 16, kImm8, Lane::kText));
  t.push_back(
      sse_form("PCMPISTRM xmm, xmm/m128, imm8", S42, 0x66, 3, 0x62, X, X, 16, kImm8, Lane::kText));
  t.push_back(
      sse_form("PCMPISTRI xmm, xmm/m128, imm8", S42, 0x66, 3, 0x63, X, X, 16, kImm8, Lane::kText));
  t.push_back(sse_form("CRC32 r32, r/m8", S42, 0xf2, 2, 0xf0, G, G, 1, kByteReg, Lane::kI8));
  t.push_back(sse_form("CRC32 r64, r/m8", S42, 0xf2, 2, 0xf0, G, G, 1, kByteReg | kW, Lane::kI8));
  t.push_back(sse_form("CRC32 r32, r/m16", S42, 0xf2, 2, 0xf1, G, G, 2, k66, Lane::kI16));
  t.push_back(sse_form("CRC32 r32, r/m32", S42, 0xf2, 2, 0xf1, G, G, 4, 0, Lane::kI32));
  t.push_back(sse_form("CRC32 r64, r/m64", S42, 0xf2, 2, 0xf1, G, G, 8, kW, Lane::kI64));
  // AES-NI and PCLMULQDQ.
  const Feature A = Feature::kAes;
  t.push_back(sse_form("AESIMC xmm, xmm/m128", A, 0x66, 2, 0xdb, X, X, 16, kAligned, Lane::kAny));
  t.push_back(sse_form("AESENC xmm, xmm/m128", A, 0x66, 2, 0xdc, X, X, 16, kAligned, Lane::kAny));
  t.push_back(
      sse_form("AESENCLAST xmm, xmm/m128", A, 0x66, 2, 0xdd, X, X, 16, kAligned, Lane::kAny));
  t.push_back(sse_form("AESDEC xmm, xmm/m128", A, 0x66, 2, 0xde, X, X, 16, kAligned, Lane::kAny));
  t.push_back(
      sse_form("AESDECLAST xmm, xmm/m128", A, 0x66, 2, 0xdf, X, X, 16, kAligned, Lane::kAny));
  t.push_back(sse_form("AESKEYGENASSIST xmm, xmm/m128, imm8", A, 0x66, 3, 0xdf, X, X, 16,
                       kAligned | kImm8, Lane::kAny));
  t.push_back(sse_form("PCLMULQDQ xmm, xmm/m128, imm8", Feature::kPclmul, 0x66, 3, 0x44, X, X, 16,
                       kAligned | kImm8, Lane::kI64));
  return t;
}

}  // namespace glasspc::test

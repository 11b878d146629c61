// One row of the x87/MMX/SSE differential table: an instruction form (legacy encoding), the
// operands the generator varies, how inputs are drawn, and what the comparison may ignore.
#pragma once

#include <string>
#include <vector>

#include "bus/types.h"

namespace glasspc::test {

// What an operand field of the ModRM byte names.
enum class Opnd : u8 {
  kNone,   // no register operand here (memory-only rm, or no ModRM at all)
  kXmm,    // XMM0-15 (REX.R / REX.B)
  kMmx,    // MM0-7 (REX bits ignored)
  kGpr,    // general register (32-bit, or 64-bit with kW); never RSP or a base register
  kDigit,  // ModRM.reg is an opcode extension (Form::digit)
  kSt,     // x87 register form: ModRM = Form::modrm + i, i = 0..7
  kFixed,  // x87 register form with one fixed ModRM byte (Form::modrm)
};

// How inputs of the instruction's lanes are drawn (edge-weighted per type).
enum class Lane : u8 {
  kAny,
  kF32,
  kF64,
  kI8,
  kI16,
  kI32,
  kI64,
  kShift,  // integer lanes, with small shift counts in the low qword
  kText,   // bytes from a small alphabet with zeros (string compares)
  kF80,    // x87 register stack values
  kBcd,    // memory is an 80-bit packed BCD integer
  kEnv,    // memory is an x87 environment / FSAVE image
  kCw,     // memory is a control word with exceptions masked
  kMxcsr,  // memory is an MXCSR value with exceptions masked
};

// kAvx only serves the harness self-test (a VEX instruction glasspc rejects with #UD).
enum class Feature : u8 {
  kX87,
  kMmx,
  kSse,
  kSse2,
  kSse3,
  kSsse3,
  kSse41,
  kSse42,
  kAes,
  kPclmul,
  kAvx
};

namespace formf {
constexpr u32 kAligned = 1u << 0;   // a 16-byte memory operand must be aligned (#GP otherwise)
constexpr u32 kRegOnly = 1u << 1;   // no memory form
constexpr u32 kMemOnly = 1u << 2;   // no register form
constexpr u32 kImm8 = 1u << 3;      // imm8 follows, drawn & Form::imm_mask
constexpr u32 kW = 1u << 4;         // REX.W
constexpr u32 kApprox = 1u << 5;    // RCP/RSQRT: result lanes within 1.5*2^-12 (SDM Vol. 2 RCPPS)
constexpr u32 kUlp = 1u << 6;       // x87 transcendental: ST results within 1 ulp, C1 ignored
constexpr u32 kRdiMem = 1u << 7;    // implicit [RDI] destination (MASKMOVQ/MASKMOVDQU)
constexpr u32 k66 = 1u << 8;        // extra 66 operand-size prefix (CRC32 r/m16)
constexpr u32 kScalar = 1u << 9;    // kApprox applies to lane 0 only (RCPSS/RSQRTSS)
constexpr u32 kNoModrm = 1u << 10;  // opcode only (EMMS, FWAIT)
constexpr u32 kByteReg = 1u << 11;  // rm register is a byte register (CRC32 r/m8)
// ST(0) is drawn inside the range where the SDM defines the result: |x| <= 1 (F2XM1),
// |x| < 1 - sqrt(2)/2 (FYL2XP1). NaNs and denormals still occur.
constexpr u32 kSt0Unit = 1u << 12;
constexpr u32 kSt0Small = 1u << 13;
}  // namespace formf

// FSW condition-code bits (SDM Vol. 1 8.1.3.1).
namespace fswc {
constexpr u16 C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;
constexpr u16 kAll = C0 | C1 | C2 | C3;
constexpr u16 k023 = C0 | C2 | C3;
}  // namespace fswc

struct Form {
  std::string name;
  Feature feature;
  u8 prefix;  // mandatory prefix 0x66/0xf2/0xf3 (0: none); x87: 0x66 operand size, 0x9b FWAIT
  u8 map;     // 0: one-byte opcode (x87 D8-DF, FWAIT), 1: 0F, 2: 0F 38, 3: 0F 3A
  u8 opcode;
  Opnd reg;
  Opnd rm;
  u8 mem;  // memory operand size in bytes (0: register form only)
  u32 flags;
  Lane lane;
  u8 digit = 0;  // ModRM.reg for kDigit
  u8 modrm = 0;  // kSt / kFixed register forms
  u8 imm_mask = 0xff;
  u16 fsw_undef = 0;    // FSW bits the SDM leaves undefined for this instruction
  u32 ignore_mask = 0;  // bit i: byte i of the memory operand is not compared
};

// Row builders for the tables.
inline Form sse_form(std::string name, Feature f, u8 prefix, u8 map, u8 opcode, Opnd reg, Opnd rm,
                     u8 mem, u32 flags, Lane lane, u8 imm_mask = 0xff) {
  Form r{std::move(name), f, prefix, map, opcode, reg, rm, mem, flags, lane};
  r.imm_mask = imm_mask;
  return r;
}
// Register-only shift-by-immediate group rows: opcode /digit, imm8.
inline Form digit_form(std::string name, Feature f, u8 prefix, u8 opcode, u8 digit, Opnd rm,
                       Lane lane) {
  Form r{std::move(name),
         f,
         prefix,
         1,
         opcode,
         Opnd::kDigit,
         rm,
         0,
         formf::kRegOnly | formf::kImm8,
         lane};
  r.digit = digit;
  return r;
}

// The table, by area (simd_diff_forms_*.cpp).
std::vector<Form> x87_forms();
std::vector<Form> mmx_forms();
std::vector<Form> sse_float_forms();  // SSE and SSE2 floating point, conversions, moves
std::vector<Form> sse2_int_forms();   // SSE2 128-bit integer (66 0F xx)
std::vector<Form> sse3_ssse3_forms();
std::vector<Form> sse4_forms();

}  // namespace glasspc::test

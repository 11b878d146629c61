// The instruction decoder: bytes -> Insn, driven by the opcode table.
#pragma once

#include <array>
#include <span>

#include "cpu/cpu_model.h"
#include "cpu/insn.h"
#include "cpu/x86_cpu.h"

namespace glasspc {

// Opcode attributes (how to decode the bytes after the opcode and how the instruction behaves).
namespace opf {
constexpr u32 kModrm = 1u << 0;
constexpr u32 kImm8 = 1u << 1;       // imm8, zero-extended
constexpr u32 kImm8s = 1u << 2;      // imm8, sign-extended
constexpr u32 kImm16 = 1u << 3;      // imm16, zero-extended
constexpr u32 kImmZ = 1u << 4;       // imm16 or imm32 by operand size, sign-extended
constexpr u32 kImmV = 1u << 5;       // imm16/32/64 by operand size (MOV r, imm)
constexpr u32 kImmFar = 1u << 6;     // ptr16:16 / ptr16:32 (imm = offset, imm2 = selector)
constexpr u32 kMoffs = 1u << 7;      // offset of address size
constexpr u32 kEnter = 1u << 8;      // imm16 then imm8 (imm = size, imm2 = level)
constexpr u32 kD64 = 1u << 9;        // operand size defaults to 64 in 64-bit mode
constexpr u32 kF64 = 1u << 10;       // operand size is 64 in 64-bit mode (66 ignored)
constexpr u32 kInv64 = 1u << 11;     // #UD in 64-bit mode
constexpr u32 kLock = 1u << 12;      // LOCK allowed with a memory destination
constexpr u32 kEnd = 1u << 13;       // ends the decoded block (control transfer, mode change)
constexpr u32 kGroup = 1u << 14;     // ModRM.reg selects the handler in a group table
constexpr u32 kRegInOp = 1u << 15;   // register number in opcode bits 2:0 (+REX.B), as rm
constexpr u32 kModrmReg = 1u << 16;  // ModRM always names registers (MOV CR/DR)
constexpr u32 kByte = 1u << 17;      // byte-sized operation (operand size does not select)
constexpr u32 kX87 = 1u << 18;       // D8-DF escape: the handler comes from the x87 tables
constexpr u32 kKeep66 = 1u << 19;    // in a 66 column, 66 still selects 16-bit operands (MOVBE)
constexpr u32 kNoRep = 1u << 20;     // F2/F3 are ignored: the handler does not see them
}  // namespace opf

// Mandatory-prefix columns of the SSE-era opcode tables (SDM Vol. 2A 2.1.2, 3.1.1.1 "NP", "66",
// "F3", "F2"): F2/F3 (the last one given) select their column; otherwise 66 does. A 66 used this
// way is not an operand-size prefix for that instruction.
enum SsePrefix : u8 { kPrefixNone = 0, kPrefix66 = 1, kPrefixF3 = 2, kPrefixF2 = 3 };

struct OpcodeInfo {
  std::array<Handler, 3> h{};  // for operand sizes 16, 32, 64 (byte ops: all the same)
  u32 flags = 0;
  u8 cycles = 1;
  u8 group = 0;
};

enum GroupId : u8 {
  kGrp1Eb,
  kGrp1Ev,
  kGrp1aPop,
  kGrp2Eb,
  kGrp2Ev,
  kGrp3Eb,
  kGrp3Ev,
  kGrp4,
  kGrp5,
  kGrp6,
  kGrp7,
  kGrp8,
  kGrp9,
  kGrp11Eb,
  kGrp11Ev,
  kGrp15,
  kGrp2Eb1,
  kGrp2Ev1,
  kGrp2EbCl,
  kGrp2EvCl,
  kGroupCount
};

struct OpcodeTable {
  std::array<OpcodeInfo, 512> op{};  // 0x00-0xff one-byte map, 0x100-0x1ff the 0F map
  std::array<std::array<OpcodeInfo, 8>, kGroupCount> group{};
  OpcodeInfo movsxd;  // 63 in 64-bit mode
  // 0F xx opcodes whose meaning depends on the mandatory prefix: rows with prefixed_0f_row set
  // are looked up here by SsePrefix column; an empty column is #UD.
  std::array<std::array<OpcodeInfo, 4>, 256> prefixed_0f{};
  std::array<bool, 256> prefixed_0f_row{};
  // The three-byte maps 0F 38 xx and 0F 3A xx (Insn::opcode 0x200 | xx and 0x300 | xx), by column.
  std::array<std::array<OpcodeInfo, 4>, 256> map_0f38{};
  std::array<std::array<OpcodeInfo, 4>, 256> map_0f3a{};
  // x87 escapes D8-DF (SDM Vol. 2A A.4): memory forms by ModRM.reg, register forms by ModRM
  // bits 5:0. Unlisted encodings are #UD (#NM first when CR0.EM or CR0.TS is set).
  std::array<std::array<OpcodeInfo, 8>, 8> x87_mem{};
  std::array<std::array<OpcodeInfo, 64>, 8> x87_reg{};
  Handler undefined = nullptr;        // raises #UD
  Handler x87_unavailable = nullptr;  // unlisted D8-DF encodings: #NM per CR0.EM/TS, else #UD
};

// The opcode table of a model (cpu/cpu_model.h): the table of every implemented instruction with
// the instructions of the features the model does not report turned into #UD, as feature_gates()
// lists them. Built on first use, then immutable. A CPU decodes with its model's table only, so
// the gating costs nothing when instructions execute.
const OpcodeTable& opcode_table(const CpuModel& model);
// The table of the default model "max".
const OpcodeTable& opcode_table();

// Where a model-selectable feature (kModelSelectableFeatures) lives in the opcode table, and what
// a model without the feature does there (SDM Vol. 2A CPUID, Table 3-8: an instruction whose
// feature flag is clear raises #UD).
enum class GateMap : u8 {
  kOp,          // t.op[first..last] (0x000-0x0ff one-byte map, 0x100-0x1ff 0F map)
  kPrefixed0F,  // t.prefixed_0f[first..last][column in `slots`]
  kMap0F38,     // t.map_0f38[first..last][column in `slots`]
  kMap0F3A,     // t.map_0f3a[first..last][column in `slots`]
  kX87Mem,      // t.x87_mem[escape first..last - 0xd8][ModRM.reg in `slots`]
  kGroup,       // t.group[GroupId first..last][ModRM.reg in `slots`]
};
enum class GateAction : u8 {
  kUndefined,    // the encoding raises #UD (x87 escapes: #NM first under CR0.EM/TS)
  kUndefined64,  // only the 64-bit operand-size form (REX.W) raises #UD
  kInvalid64,    // #UD in 64-bit mode only
  kIgnoreRep,    // F2/F3 are ignored, selecting the older instruction of the same opcode
};
struct FeatureGate {
  CpuFeature feature;
  GateMap map;
  u16 first;
  u16 last;
  u8 slots;  // bit mask: SsePrefix columns, or ModRM.reg values; ignored for kOp
  GateAction action;
};
std::span<const FeatureGate> feature_gates();

// Filled by the ops_*.cpp files (each registers the handlers it defines).
void register_alu_ops(OpcodeTable& t);
void register_bit_ops(OpcodeTable& t);
void register_data_ops(OpcodeTable& t);
void register_string_ops(OpcodeTable& t);
void register_control_ops(OpcodeTable& t);
void register_system_ops(OpcodeTable& t);
void register_segment_ops(OpcodeTable& t);
void register_shift_ops(OpcodeTable& t);
void register_fast_syscall_ops(OpcodeTable& t);
void register_x87_ops(OpcodeTable& t);        // cpu/ops_x87*.cpp
void register_sse_float_ops(OpcodeTable& t);  // cpu/ops_sse_float*.cpp
void register_simd_int_ops(OpcodeTable& t);   // cpu/ops_simd_int*.cpp (MMX, SSE2 integer)
void register_simd_ext_ops(OpcodeTable& t);   // cpu/ops_simd_ext*.cpp (0F 38 / 0F 3A maps)
void register_fpu_state_ops(OpcodeTable& t);  // cpu/ops_fpu_state.cpp (FXSAVE, XSAVE, MXCSR)

// Registration helper for the prefixed tables: one handler for every operand size.
inline void set_prefixed(std::array<OpcodeInfo, 4>& row, SsePrefix column, Handler h, u32 flags,
                         u8 cycles = 1) {
  row[column].h = {h, h, h};
  row[column].flags = flags;
  row[column].cycles = cycles;
}
// For 0F xx rows: marks the row as prefix-selected.
inline void set_sse(OpcodeTable& t, u8 opcode, SsePrefix column, Handler h, u32 flags,
                    u8 cycles = 1) {
  t.prefixed_0f_row[opcode] = true;
  set_prefixed(t.prefixed_0f[opcode], column, h, flags, cycles);
}

// Helpers for the registration functions.
template <typename F>
void set_v(OpcodeInfo& e, F f, u32 flags, u8 cycles = 1) {
  e.h = {f.template operator()<u16>(), f.template operator()<u32>(), f.template operator()<u64>()};
  e.flags = flags;
  e.cycles = cycles;
}
inline void set_b(OpcodeInfo& e, Handler h, u32 flags, u8 cycles = 1) {
  e.h = {h, h, h};
  e.flags = flags | opf::kByte;
  e.cycles = cycles;
}

enum class DecodeStatus : u8 {
  Ok,
  NeedMore,  // the instruction continues past the `avail` bytes given
  TooLong,   // more than 15 bytes (SDM Vol. 2A 2.3.11: #GP(0))
};

// Decodes one instruction from `bytes[0..avail)` (avail <= 15) for code of size `mode` with the
// opcode table `t` (the CPU model's). On NeedMore, `needed` is the count of bytes the decoder
// wanted.
DecodeStatus decode_insn(const OpcodeTable& t, const u8* bytes, unsigned avail, CodeSize mode,
                         Insn& out, unsigned& needed);
// The same with the table of the default model "max".
inline DecodeStatus decode_insn(const u8* bytes, unsigned avail, CodeSize mode, Insn& out,
                                unsigned& needed) {
  return decode_insn(opcode_table(), bytes, avail, mode, out, needed);
}

}  // namespace glasspc

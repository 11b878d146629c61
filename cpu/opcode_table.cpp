// The opcode tables: one immutable table of every implemented instruction, built once from the
// registration functions of the ops_*.cpp files, and from it one table per CPU model in which
// the instructions of the features the model does not report are #UD (feature_gates()). Entries
// left empty are undefined opcodes (#UD when executed).
#include <memory>
#include <vector>

#include "cpu/decoder.h"

namespace glasspc {
namespace {

std::unique_ptr<OpcodeTable> build() {
  auto table = std::make_unique<OpcodeTable>();
  OpcodeTable& t = *table;
  register_system_ops(t);  // first: defines the #UD handler
  register_alu_ops(t);     // defines group 5 /0 and /1, which the FF entry names
  register_shift_ops(t);
  register_bit_ops(t);
  register_data_ops(t);
  register_string_ops(t);
  register_control_ops(t);
  register_segment_ops(t);
  register_fast_syscall_ops(t);
  register_x87_ops(t);  // after system ops: replaces the "no FPU" D8-DF and 9B entries
  register_sse_float_ops(t);
  register_simd_int_ops(t);
  register_simd_ext_ops(t);
  register_fpu_state_ops(t);
  return table;
}

using enum GateMap;
using enum GateAction;
using F = CpuFeature;
constexpr u8 kNp = 1u << kPrefixNone, k66 = 1u << kPrefix66, kF3 = 1u << kPrefixF3,
             kF2 = 1u << kPrefixF2;
constexpr u8 kReg(unsigned reg) {
  return static_cast<u8>(1u << reg);
}

// The instructions of each model-selectable feature (SDM Vol. 2A/2B opcode maps, Appendix A;
// the CPUID feature flag of each instruction is in its "CPUID Feature Flag" column). XSAVE,
// XRSTOR, XSAVEOPT, XGETBV and XSETBV need no entry: they raise #UD without CR4.OSXSAVE, which
// a model without XSAVE does not let the guest set. MONITOR/MWAIT (SSE3) are not implemented.
constexpr FeatureGate kGates[] = {
    // SSE3: MOVSLDUP, MOVDDUP, MOVSHDUP, HADDPD/PS, HSUBPD/PS, ADDSUBPD/PS, LDDQU, FISTTP.
    {F::kSse3, kPrefixed0F, 0x12, 0x12, kF3 | kF2, kUndefined},
    {F::kSse3, kPrefixed0F, 0x16, 0x16, kF3, kUndefined},
    {F::kSse3, kPrefixed0F, 0x7c, 0x7d, k66 | kF2, kUndefined},
    {F::kSse3, kPrefixed0F, 0xd0, 0xd0, k66 | kF2, kUndefined},
    {F::kSse3, kPrefixed0F, 0xf0, 0xf0, kF2, kUndefined},
    {F::kSse3, kX87Mem, 0xdb, 0xdb, kReg(1), kUndefined},  // FISTTP m32int
    {F::kSse3, kX87Mem, 0xdd, 0xdd, kReg(1), kUndefined},  // FISTTP m64int
    {F::kSse3, kX87Mem, 0xdf, 0xdf, kReg(1), kUndefined},  // FISTTP m16int
    // SSSE3: PSHUFB..PSIGND, PMULHRSW (0F 38 00-0B), PABSB/W/D (1C-1E), PALIGNR (0F 3A 0F).
    {F::kSsse3, kMap0F38, 0x00, 0x0b, kNp | k66, kUndefined},
    {F::kSsse3, kMap0F38, 0x1c, 0x1e, kNp | k66, kUndefined},
    {F::kSsse3, kMap0F3A, 0x0f, 0x0f, kNp | k66, kUndefined},
    // SSE4.1 (66 0F 38 10-41 and 66 0F 3A 08-42, less the SSSE3 and SSE4.2 opcodes there).
    {F::kSse41, kMap0F38, 0x10, 0x17, k66, kUndefined},
    {F::kSse41, kMap0F38, 0x20, 0x2b, k66, kUndefined},
    {F::kSse41, kMap0F38, 0x30, 0x35, k66, kUndefined},
    {F::kSse41, kMap0F38, 0x38, 0x41, k66, kUndefined},
    {F::kSse41, kMap0F3A, 0x08, 0x0e, k66, kUndefined},
    {F::kSse41, kMap0F3A, 0x14, 0x17, k66, kUndefined},
    {F::kSse41, kMap0F3A, 0x20, 0x22, k66, kUndefined},
    {F::kSse41, kMap0F3A, 0x40, 0x42, k66, kUndefined},
    // SSE4.2: PCMPGTQ, CRC32, PCMPESTRM/ESTRI/ISTRM/ISTRI.
    {F::kSse42, kMap0F38, 0x37, 0x37, k66, kUndefined},
    {F::kSse42, kMap0F38, 0xf0, 0xf1, kF2, kUndefined},
    {F::kSse42, kMap0F3A, 0x60, 0x63, k66, kUndefined},
    // POPCNT (F3 0F B8; 0F B8 without F3 is #UD anyway).
    {F::kPopcnt, kOp, 0x1b8, 0x1b8, 0, kUndefined},
    // AESIMC, AESENC, AESENCLAST, AESDEC, AESDECLAST, AESKEYGENASSIST; PCLMULQDQ.
    {F::kAes, kMap0F38, 0xdb, 0xdf, k66, kUndefined},
    {F::kAes, kMap0F3A, 0xdf, 0xdf, k66, kUndefined},
    {F::kPclmul, kMap0F3A, 0x44, 0x44, k66, kUndefined},
    // MOVBE (0F 38 F0/F1 without a mandatory prefix or with 66).
    {F::kMovbe, kMap0F38, 0xf0, 0xf1, kNp | k66, kUndefined},
    // CMPXCHG16B: REX.W 0F C7 /1; CMPXCHG8B stays (SDM Vol. 2A CMPXCHG8B/CMPXCHG16B).
    {F::kCx16, kGroup, kGrp9, kGrp9, kReg(1), kUndefined64},
    // XSAVEC (0F C7 /4), RDPID (F3 0F C7 /7).
    {F::kXsavec, kGroup, kGrp9, kGrp9, kReg(4), kUndefined},
    {F::kRdpid, kGroup, kGrp9, kGrp9, kReg(7), kUndefined},
    // LAHF/SAHF in 64-bit mode need CPUID.80000001H:ECX.LAHF-SAHF (SDM Vol. 2A LAHF).
    {F::kLahf64, kOp, 0x9e, 0x9f, 0, kInvalid64},
    // Without LZCNT (ABM), F3 0F BD executes as BSR: the prefix is ignored (SDM Vol. 2A LZCNT).
    {F::kLzcnt, kOp, 0x1bd, 0x1bd, 0, kIgnoreRep},
};

void apply(OpcodeTable& t, const FeatureGate& g, OpcodeInfo& e) {
  switch (g.action) {
    case kUndefined:
      e = OpcodeInfo{};
      break;
    case kUndefined64:
      e.h[2] = t.undefined;
      break;
    case kInvalid64:
      e.flags |= opf::kInv64;
      break;
    case kIgnoreRep:
      e.flags |= opf::kNoRep;
      break;
  }
}

// Applies one gate to every entry it names.
void apply(OpcodeTable& t, const FeatureGate& g) {
  for (unsigned n = g.first; n <= g.last; ++n) {
    if (g.map == kOp) {
      apply(t, g, t.op[n]);
      continue;
    }
    for (unsigned slot = 0; slot < 8; ++slot) {
      if (!((g.slots >> slot) & 1)) continue;
      switch (g.map) {
        case kOp:
          break;
        case kPrefixed0F:
          apply(t, g, t.prefixed_0f[n][slot]);
          break;
        case kMap0F38:
          apply(t, g, t.map_0f38[n][slot]);
          break;
        case kMap0F3A:
          apply(t, g, t.map_0f3a[n][slot]);
          break;
        case kX87Mem:
          apply(t, g, t.x87_mem[n - 0xd8][slot]);
          break;
        case kGroup:
          apply(t, g, t.group[n][slot]);
          break;
      }
    }
  }
}

std::unique_ptr<OpcodeTable> build_for(const OpcodeTable& full, CpuFeatureSet features) {
  auto table = std::make_unique<OpcodeTable>(full);
  for (const FeatureGate& g : kGates)
    if (!has_feature(features, g.feature)) apply(*table, g);
  return table;
}

// One table per entry of cpu_models(), in the same order.
std::vector<std::unique_ptr<OpcodeTable>> build_all() {
  const std::unique_ptr<OpcodeTable> full = build();
  std::vector<std::unique_ptr<OpcodeTable>> tables;
  for (const CpuModel& m : cpu_models()) tables.push_back(build_for(*full, cpu_feature_set(m)));
  return tables;
}

}  // namespace

std::span<const FeatureGate> feature_gates() {
  return kGates;
}

const OpcodeTable& opcode_table(const CpuModel& model) {
  static const std::vector<std::unique_ptr<OpcodeTable>> tables = build_all();
  const std::span<const CpuModel> models = cpu_models();
  for (size_t n = 0; n < models.size(); ++n)
    if (&models[n] == &model) return *tables[n];
  // A copy of a listed model (X86Cpu takes its model from find_cpu_model, so only tests make
  // one): the table of the listed model of that name.
  for (size_t n = 0; n < models.size(); ++n)
    if (models[n].name == model.name) return *tables[n];
  return *tables.front();
}

const OpcodeTable& opcode_table() {
  return opcode_table(cpu_models().front());
}

}  // namespace glasspc

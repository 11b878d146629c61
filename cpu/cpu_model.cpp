// The CPU model table (see cpu_model.h).
#include "cpu/cpu_model.h"

#include <array>
#include <cstddef>
#include <iterator>

namespace glasspc {
namespace {

using namespace cpuid1c;
using namespace cpuid1d;

// Common to every model: the system architecture and the x86-64 baseline.
constexpr u32 kBaseEdx = FPU | PSE | TSC | MSR | PAE | MCE | CX8 | APIC | SEP | MTRR | PGE | MCA |
                         CMOV | PAT | PSE36 | CLFSH | MMX | FXSR | SSE | SSE2;
constexpr u32 kBaseEcx = X2APIC | TSC_DEADLINE;
// Leaf 7 EBX: FSGSBASE (0), TSC_ADJUST (1), SMEP (7), ERMS (9), SMAP (20). ECX: UMIP (2),
// RDPID (22). EDX: FSRM (4), ARCH_CAPABILITIES (29).
constexpr u32 kLeaf7Ebx = (1u << 0) | (1u << 1) | (1u << 7) | (1u << 9) | (1u << 20);
constexpr u32 kLeaf7Ecx = (1u << 2) | (1u << 22);
constexpr u32 kLeaf7Edx = (1u << 4) | (1u << 29);
// 80000001H EDX: SYSCALL (11), NX (20), 1-GByte pages (26), RDTSCP (27), LM (29).
constexpr u32 kExtEdx = (1u << 11) | (1u << 20) | (1u << 26) | (1u << 27) | (1u << 29);
constexpr u32 kLahf = 1u << 0, kLzcnt = 1u << 5, kPrefetchw = 1u << 8;

constexpr u32 kV2Ecx = kBaseEcx | SSE3 | SSSE3 | CX16 | SSE41 | SSE42 | POPCNT;
constexpr u32 kMaxEcx = kV2Ecx | PCLMULQDQ | MOVBE | AES | XSAVE;

constexpr std::array kModels = {
    CpuModel{"max",
             "every feature glasspc implements (default): x86-64-v2 plus PCLMULQDQ, AES, "
             "MOVBE, XSAVE, LZCNT",
             "glasspc virtual CPU (max)",
             {kMaxEcx, kBaseEdx, kLeaf7Ebx, kLeaf7Ecx, kLeaf7Edx, kLahf | kLzcnt | kPrefetchw,
              kExtEdx, 0x3}},
    CpuModel{"v2",
             "x86-64-v2: base plus SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, CX16, LAHF",
             "glasspc virtual CPU (x86-64-v2)",
             {kV2Ecx, kBaseEdx, kLeaf7Ebx, kLeaf7Ecx, kLeaf7Edx, kLahf | kPrefetchw, kExtEdx, 0}},
    CpuModel{"base",
             "the x86-64 baseline: x87, MMX, SSE, SSE2, FXSR, CMOV, CX8",
             "glasspc virtual CPU (x86-64)",
             {kBaseEcx, kBaseEdx, kLeaf7Ebx, kLeaf7Ecx, kLeaf7Edx, kPrefetchw, kExtEdx, 0}},
};

// In CpuFeature order (checked below), which is also the order -cpu help lists them in.
constexpr CpuFeatureBit kFeatureBits[] = {
    {CpuFeature::kFpu, &CpuidFeatures::leaf1_edx, 0, "fpu"},
    {CpuFeature::kPse, &CpuidFeatures::leaf1_edx, 3, "pse"},
    {CpuFeature::kTsc, &CpuidFeatures::leaf1_edx, 4, "tsc"},
    {CpuFeature::kMsr, &CpuidFeatures::leaf1_edx, 5, "msr"},
    {CpuFeature::kPae, &CpuidFeatures::leaf1_edx, 6, "pae"},
    {CpuFeature::kMce, &CpuidFeatures::leaf1_edx, 7, "mce"},
    {CpuFeature::kCx8, &CpuidFeatures::leaf1_edx, 8, "cx8"},
    {CpuFeature::kMca, &CpuidFeatures::leaf1_edx, 14, "mca"},
    {CpuFeature::kApic, &CpuidFeatures::leaf1_edx, 9, "apic"},
    {CpuFeature::kSep, &CpuidFeatures::leaf1_edx, 11, "sep"},
    {CpuFeature::kMtrr, &CpuidFeatures::leaf1_edx, 12, "mtrr"},
    {CpuFeature::kPge, &CpuidFeatures::leaf1_edx, 13, "pge"},
    {CpuFeature::kCmov, &CpuidFeatures::leaf1_edx, 15, "cmov"},
    {CpuFeature::kPat, &CpuidFeatures::leaf1_edx, 16, "pat"},
    {CpuFeature::kPse36, &CpuidFeatures::leaf1_edx, 17, "pse36"},
    {CpuFeature::kClflush, &CpuidFeatures::leaf1_edx, 19, "clflush"},
    {CpuFeature::kMmx, &CpuidFeatures::leaf1_edx, 23, "mmx"},
    {CpuFeature::kFxsr, &CpuidFeatures::leaf1_edx, 24, "fxsr"},
    {CpuFeature::kSse, &CpuidFeatures::leaf1_edx, 25, "sse"},
    {CpuFeature::kSse2, &CpuidFeatures::leaf1_edx, 26, "sse2"},
    {CpuFeature::kSyscall, &CpuidFeatures::ext1_edx, 11, "syscall"},
    {CpuFeature::kNx, &CpuidFeatures::ext1_edx, 20, "nx"},
    {CpuFeature::kPdpe1gb, &CpuidFeatures::ext1_edx, 26, "pdpe1gb"},
    {CpuFeature::kRdtscp, &CpuidFeatures::ext1_edx, 27, "rdtscp"},
    {CpuFeature::kLm, &CpuidFeatures::ext1_edx, 29, "lm"},
    {CpuFeature::kSse3, &CpuidFeatures::leaf1_ecx, 0, "pni"},
    {CpuFeature::kPclmul, &CpuidFeatures::leaf1_ecx, 1, "pclmulqdq"},
    {CpuFeature::kSsse3, &CpuidFeatures::leaf1_ecx, 9, "ssse3"},
    {CpuFeature::kCx16, &CpuidFeatures::leaf1_ecx, 13, "cx16"},
    {CpuFeature::kSse41, &CpuidFeatures::leaf1_ecx, 19, "sse4_1"},
    {CpuFeature::kSse42, &CpuidFeatures::leaf1_ecx, 20, "sse4_2"},
    {CpuFeature::kX2apic, &CpuidFeatures::leaf1_ecx, 21, "x2apic"},
    {CpuFeature::kMovbe, &CpuidFeatures::leaf1_ecx, 22, "movbe"},
    {CpuFeature::kPopcnt, &CpuidFeatures::leaf1_ecx, 23, "popcnt"},
    {CpuFeature::kTscDeadline, &CpuidFeatures::leaf1_ecx, 24, "tsc_deadline_timer"},
    {CpuFeature::kAes, &CpuidFeatures::leaf1_ecx, 25, "aes"},
    {CpuFeature::kXsave, &CpuidFeatures::leaf1_ecx, 26, "xsave"},
    {CpuFeature::kLahf64, &CpuidFeatures::ext1_ecx, 0, "lahf_lm"},
    {CpuFeature::kLzcnt, &CpuidFeatures::ext1_ecx, 5, "abm"},
    {CpuFeature::kPrefetchw, &CpuidFeatures::ext1_ecx, 8, "3dnowprefetch"},
    {CpuFeature::kFsgsbase, &CpuidFeatures::leaf7_ebx, 0, "fsgsbase"},
    {CpuFeature::kTscAdjust, &CpuidFeatures::leaf7_ebx, 1, "tsc_adjust"},
    {CpuFeature::kSmep, &CpuidFeatures::leaf7_ebx, 7, "smep"},
    {CpuFeature::kErms, &CpuidFeatures::leaf7_ebx, 9, "erms"},
    {CpuFeature::kSmap, &CpuidFeatures::leaf7_ebx, 20, "smap"},
    {CpuFeature::kUmip, &CpuidFeatures::leaf7_ecx, 2, "umip"},
    {CpuFeature::kRdpid, &CpuidFeatures::leaf7_ecx, 22, "rdpid"},
    {CpuFeature::kFsrm, &CpuidFeatures::leaf7_edx, 4, "fsrm"},
    {CpuFeature::kArchCapabilities, &CpuidFeatures::leaf7_edx, 29, "arch_capabilities"},
    {CpuFeature::kXsaveopt, &CpuidFeatures::xsave_ecx1, 0, "xsaveopt"},
    {CpuFeature::kXsavec, &CpuidFeatures::xsave_ecx1, 1, "xsavec"},
};

constexpr bool features_in_order() {
  if (std::size(kFeatureBits) != static_cast<size_t>(CpuFeature::kCount)) return false;
  for (size_t n = 0; n < std::size(kFeatureBits); ++n)
    if (static_cast<size_t>(kFeatureBits[n].feature) != n) return false;
  return true;
}
static_assert(features_in_order(), "kFeatureBits must list every CpuFeature in order");

constexpr CpuFeatureSet feature_set(const CpuidFeatures& f) {
  CpuFeatureSet set = 0;
  for (const CpuFeatureBit& b : kFeatureBits)
    if ((f.*b.word >> b.bit) & 1) set |= feature_bit(b.feature);
  return set;
}

// The CPUID words hold no bit outside kFeatureBits (so the feature set describes CPUID fully).
constexpr bool cpuid_fully_named(const CpuidFeatures& f) {
  CpuidFeatures rebuilt;
  for (const CpuFeatureBit& b : kFeatureBits)
    if ((f.*b.word >> b.bit) & 1) rebuilt.*b.word |= 1u << b.bit;
  return rebuilt.leaf1_ecx == f.leaf1_ecx && rebuilt.leaf1_edx == f.leaf1_edx &&
         rebuilt.leaf7_ebx == f.leaf7_ebx && rebuilt.leaf7_ecx == f.leaf7_ecx &&
         rebuilt.leaf7_edx == f.leaf7_edx && rebuilt.ext1_ecx == f.ext1_ecx &&
         rebuilt.ext1_edx == f.ext1_edx && rebuilt.xsave_ecx1 == f.xsave_ecx1;
}

// Models differ only in kModelSelectableFeatures: the instructions and CR4 bits of every other
// feature execute without a model check, so a model may not leave them out. XSAVEOPT is executed
// by the XSAVE handler (gated by CR4.OSXSAVE), so a model has it exactly when it has XSAVE.
constexpr bool models_consistent() {
  const CpuFeatureSet common = feature_set(kModels[0].features) & ~kModelSelectableFeatures;
  for (const CpuModel& m : kModels) {
    const CpuFeatureSet set = feature_set(m.features);
    if (!cpuid_fully_named(m.features)) return false;
    if ((set & ~kModelSelectableFeatures) != common) return false;
    if (has_feature(set, CpuFeature::kXsaveopt) != has_feature(set, CpuFeature::kXsave))
      return false;
    if (has_feature(set, CpuFeature::kXsavec) && !has_feature(set, CpuFeature::kXsave))
      return false;
  }
  return true;
}
static_assert(models_consistent(), "a model leaves out a feature the core cannot gate");

}  // namespace

std::span<const CpuFeatureBit> cpu_feature_bits() {
  return kFeatureBits;
}

CpuFeatureSet cpu_feature_set(const CpuModel& model) {
  return feature_set(model.features);
}

std::string cpu_feature_names(const CpuModel& model) {
  std::string out;
  for (const CpuFeatureBit& b : kFeatureBits) {
    if (!((model.features.*b.word >> b.bit) & 1)) continue;
    if (!out.empty()) out += ' ';
    out += b.name;
  }
  return out;
}

std::span<const CpuModel> cpu_models() {
  return kModels;
}

const CpuModel* find_cpu_model(std::string_view name) {
  if (name == "glasspc" || name == "qemu64") name = "max";
  for (const CpuModel& m : kModels)
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace glasspc

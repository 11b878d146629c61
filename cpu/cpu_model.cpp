// The CPU model table (see cpu_model.h).
#include "cpu/cpu_model.h"

#include <array>

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
    CpuModel{"max", "every feature glasspc implements (default): x86-64-v2 plus PCLMULQDQ, AES, "
                    "MOVBE, XSAVE, LZCNT",
             "glasspc virtual CPU (max)",
             {kMaxEcx, kBaseEdx, kLeaf7Ebx, kLeaf7Ecx, kLeaf7Edx, kLahf | kLzcnt | kPrefetchw,
              kExtEdx, 0x3}},
    CpuModel{"v2", "x86-64-v2: base plus SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, CX16, LAHF",
             "glasspc virtual CPU (x86-64-v2)",
             {kV2Ecx, kBaseEdx, kLeaf7Ebx, kLeaf7Ecx, kLeaf7Edx, kLahf | kPrefetchw, kExtEdx, 0}},
    CpuModel{"base", "the x86-64 baseline: x87, MMX, SSE, SSE2, FXSR, CMOV, CX8",
             "glasspc virtual CPU (x86-64)",
             {kBaseEcx, kBaseEdx, kLeaf7Ebx, kLeaf7Ecx, kLeaf7Edx, kPrefetchw, kExtEdx, 0}},
};

}  // namespace

std::string cpu_feature_names(const CpuModel& model) {
  struct Name {
    const u32 CpuidFeatures::*word;
    unsigned bit;
    const char* name;
  };
  static constexpr Name kNames[] = {
      {&CpuidFeatures::leaf1_edx, 0, "fpu"},        {&CpuidFeatures::leaf1_edx, 3, "pse"},
      {&CpuidFeatures::leaf1_edx, 4, "tsc"},        {&CpuidFeatures::leaf1_edx, 5, "msr"},
      {&CpuidFeatures::leaf1_edx, 6, "pae"},        {&CpuidFeatures::leaf1_edx, 7, "mce"},
      {&CpuidFeatures::leaf1_edx, 8, "cx8"},        {&CpuidFeatures::leaf1_edx, 14, "mca"},
      {&CpuidFeatures::leaf1_edx, 9, "apic"},       {&CpuidFeatures::leaf1_edx, 11, "sep"},
      {&CpuidFeatures::leaf1_edx, 12, "mtrr"},      {&CpuidFeatures::leaf1_edx, 13, "pge"},
      {&CpuidFeatures::leaf1_edx, 15, "cmov"},      {&CpuidFeatures::leaf1_edx, 16, "pat"},
      {&CpuidFeatures::leaf1_edx, 17, "pse36"},     {&CpuidFeatures::leaf1_edx, 19, "clflush"},
      {&CpuidFeatures::leaf1_edx, 23, "mmx"},       {&CpuidFeatures::leaf1_edx, 24, "fxsr"},
      {&CpuidFeatures::leaf1_edx, 25, "sse"},       {&CpuidFeatures::leaf1_edx, 26, "sse2"},
      {&CpuidFeatures::ext1_edx, 11, "syscall"},    {&CpuidFeatures::ext1_edx, 20, "nx"},
      {&CpuidFeatures::ext1_edx, 26, "pdpe1gb"},    {&CpuidFeatures::ext1_edx, 27, "rdtscp"},
      {&CpuidFeatures::ext1_edx, 29, "lm"},         {&CpuidFeatures::leaf1_ecx, 0, "pni"},
      {&CpuidFeatures::leaf1_ecx, 1, "pclmulqdq"},  {&CpuidFeatures::leaf1_ecx, 9, "ssse3"},
      {&CpuidFeatures::leaf1_ecx, 13, "cx16"},      {&CpuidFeatures::leaf1_ecx, 19, "sse4_1"},
      {&CpuidFeatures::leaf1_ecx, 20, "sse4_2"},    {&CpuidFeatures::leaf1_ecx, 21, "x2apic"},
      {&CpuidFeatures::leaf1_ecx, 22, "movbe"},     {&CpuidFeatures::leaf1_ecx, 23, "popcnt"},
      {&CpuidFeatures::leaf1_ecx, 24, "tsc_deadline_timer"},
      {&CpuidFeatures::leaf1_ecx, 25, "aes"},       {&CpuidFeatures::leaf1_ecx, 26, "xsave"},
      {&CpuidFeatures::ext1_ecx, 0, "lahf_lm"},     {&CpuidFeatures::ext1_ecx, 5, "abm"},
      {&CpuidFeatures::ext1_ecx, 8, "3dnowprefetch"},
      {&CpuidFeatures::leaf7_ebx, 0, "fsgsbase"},   {&CpuidFeatures::leaf7_ebx, 1, "tsc_adjust"},
      {&CpuidFeatures::leaf7_ebx, 7, "smep"},       {&CpuidFeatures::leaf7_ebx, 9, "erms"},
      {&CpuidFeatures::leaf7_ebx, 20, "smap"},      {&CpuidFeatures::leaf7_ecx, 2, "umip"},
      {&CpuidFeatures::leaf7_ecx, 22, "rdpid"},     {&CpuidFeatures::leaf7_edx, 4, "fsrm"},
      {&CpuidFeatures::leaf7_edx, 29, "arch_capabilities"},
      {&CpuidFeatures::xsave_ecx1, 0, "xsaveopt"},  {&CpuidFeatures::xsave_ecx1, 1, "xsavec"},
  };
  std::string out;
  for (const Name& n : kNames) {
    if (!((model.features.*n.word >> n.bit) & 1)) continue;
    if (!out.empty()) out += ' ';
    out += n.name;
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

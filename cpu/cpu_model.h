// Named virtual CPU models: which feature bits CPUID reports (SDM Vol. 2A CPUID, Tables 3-8..3-10).
//
// Three levels, as QEMU names the x86-64 psABI levels:
//   base  the x86-64 baseline: x87, MMX, SSE, SSE2, FXSR, CMOV, CX8, long mode, NX, SYSCALL;
//   v2    base + SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, CX16, LAHF/SAHF in 64-bit mode;
//   max   every feature this core implements (the default).
// A bit is set only when the feature is fully implemented; the system features (paging modes,
// SMEP/SMAP/UMIP, PAT, MTRR, APIC...) are the same in every model.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "bus/types.h"

namespace glasspc {

struct CpuidFeatures {
  u32 leaf1_ecx = 0;
  u32 leaf1_edx = 0;
  u32 leaf7_ebx = 0;
  u32 leaf7_ecx = 0;
  u32 leaf7_edx = 0;
  u32 ext1_ecx = 0;  // 80000001H
  u32 ext1_edx = 0;
  u32 xsave_ecx1 = 0;  // CPUID.(EAX=0DH, ECX=1):EAX
};

// Every CPUID feature bit a model can report, one enumerator each. The table behind
// cpu_feature_bits() names the CPUID word and bit of each: a model's feature set (what the core
// executes) is derived from its CPUID words, so CPUID and instruction gating cannot disagree.
enum class CpuFeature : u8 {
  kFpu,
  kPse,
  kTsc,
  kMsr,
  kPae,
  kMce,
  kCx8,
  kMca,
  kApic,
  kSep,
  kMtrr,
  kPge,
  kCmov,
  kPat,
  kPse36,
  kClflush,
  kMmx,
  kFxsr,
  kSse,
  kSse2,
  kSyscall,
  kNx,
  kPdpe1gb,
  kRdtscp,
  kLm,
  kSse3,
  kPclmul,
  kSsse3,
  kCx16,
  kSse41,
  kSse42,
  kX2apic,
  kMovbe,
  kPopcnt,
  kTscDeadline,
  kAes,
  kXsave,
  kLahf64,
  kLzcnt,
  kPrefetchw,
  kFsgsbase,
  kTscAdjust,
  kSmep,
  kErms,
  kSmap,
  kUmip,
  kRdpid,
  kFsrm,
  kArchCapabilities,
  kXsaveopt,
  kXsavec,
  kCount,
};

struct CpuFeatureBit {
  CpuFeature feature;
  u32 CpuidFeatures::*word;
  u8 bit;
  const char* name;  // as Linux /proc/cpuinfo names it
};

// A set of CpuFeature, one bit per enumerator.
using CpuFeatureSet = u64;
static_assert(static_cast<unsigned>(CpuFeature::kCount) <= 64);
constexpr CpuFeatureSet feature_bit(CpuFeature f) {
  return CpuFeatureSet{1} << static_cast<unsigned>(f);
}
constexpr bool has_feature(CpuFeatureSet set, CpuFeature f) {
  return (set & feature_bit(f)) != 0;
}

// Features whose instructions a model may leave out: the per-model opcode table (cpu/decoder.h
// feature_gates()) turns them into #UD, and XSAVE/XSAVEOPT are gated by CR4.OSXSAVE, which only
// a model with XSAVE lets the guest set. Every other feature is the same in every model.
constexpr CpuFeatureSet kModelSelectableFeatures =
    feature_bit(CpuFeature::kSse3) | feature_bit(CpuFeature::kPclmul) |
    feature_bit(CpuFeature::kSsse3) | feature_bit(CpuFeature::kCx16) |
    feature_bit(CpuFeature::kSse41) | feature_bit(CpuFeature::kSse42) |
    feature_bit(CpuFeature::kMovbe) | feature_bit(CpuFeature::kPopcnt) |
    feature_bit(CpuFeature::kAes) | feature_bit(CpuFeature::kXsave) |
    feature_bit(CpuFeature::kXsaveopt) | feature_bit(CpuFeature::kXsavec) |
    feature_bit(CpuFeature::kLahf64) | feature_bit(CpuFeature::kLzcnt) |
    feature_bit(CpuFeature::kRdpid);

struct CpuModel {
  std::string_view name;
  std::string_view description;
  std::string_view brand;  // brand string, leaves 80000002H-80000004H
  CpuidFeatures features;
};

std::span<const CpuModel> cpu_models();
// The CPUID word and bit of every CpuFeature, in enumerator order.
std::span<const CpuFeatureBit> cpu_feature_bits();
// The features the model reports in CPUID, which are exactly the ones it executes.
CpuFeatureSet cpu_feature_set(const CpuModel& model);
// Also accepts the aliases "glasspc" and "qemu64" (both mean max). Null if unknown.
const CpuModel* find_cpu_model(std::string_view name);

// The microcode revision IA32_BIOS_SIGN_ID reports after CPUID leaf 1.
constexpr u32 kMicrocodeRevision = 1;

// The model's features as Linux /proc/cpuinfo names them, space-separated (for -cpu help).
std::string cpu_feature_names(const CpuModel& model);

// Leaf 1 ECX / EDX and leaf 7 bit names used by the CPU core.
namespace cpuid1c {
constexpr u32 SSE3 = 1u << 0, PCLMULQDQ = 1u << 1, SSSE3 = 1u << 9, CX16 = 1u << 13,
              SSE41 = 1u << 19, SSE42 = 1u << 20, X2APIC = 1u << 21, MOVBE = 1u << 22,
              POPCNT = 1u << 23, TSC_DEADLINE = 1u << 24, AES = 1u << 25, XSAVE = 1u << 26,
              OSXSAVE = 1u << 27;
}
namespace cpuid1d {
constexpr u32 FPU = 1u << 0, PSE = 1u << 3, TSC = 1u << 4, MSR = 1u << 5, PAE = 1u << 6,
              MCE = 1u << 7, CX8 = 1u << 8, APIC = 1u << 9, SEP = 1u << 11, MTRR = 1u << 12,
              PGE = 1u << 13, MCA = 1u << 14, CMOV = 1u << 15, PAT = 1u << 16, PSE36 = 1u << 17,
              CLFSH = 1u << 19, MMX = 1u << 23, FXSR = 1u << 24, SSE = 1u << 25, SSE2 = 1u << 26,
              HTT = 1u << 28;
}

}  // namespace glasspc

// CPU models gate instructions: what a model does not report in CPUID raises #UD, like a real
// processor without the feature (SDM Vol. 2A CPUID, Table 3-8). The expectations come from the
// same feature table the core uses (cpu_feature_bits, feature_gates), so they cannot drift.
#include "cpu/cpu_model.h"

#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cpu/decoder.h"
#include "cpu_test_machine.h"
#include "pm_env.h"

namespace glasspc::test {
namespace {

constexpr u64 kCode = 0x10000;
constexpr u64 kData = 0x14000;  // 64-byte aligned scratch memory for memory operands
constexpr u32 kUd = 6;

CpuConfig config_for(const CpuModel& model) {
  CpuConfig config;
  config.model = std::string(model.name);
  return config;
}

// A 64-bit machine at CPL 0 with x87/SSE enabled, and XSAVE enabled where the model has it.
struct LongModeMachine {
  CpuTestMachine m;
  explicit LongModeMachine(const CpuModel& model) : m(16ull << 20, config_for(model)) {
    PmEnv::install(m, true);
    PmEnv::enter_long_mode(m, kCode);
    X86State& s = m.regs();
    s.cr0 &= ~(cr0::EM | cr0::TS);
    s.cr0 |= cr0::MP | cr0::NE;
    s.cr4 |= cr4::OSFXSR | cr4::OSXMMEXCPT;
    if (has_feature(cpu_feature_set(model), CpuFeature::kXsave)) {
      s.cr4 |= cr4::OSXSAVE;
      s.xcr0 = 3;  // x87 and SSE state
    }
    m.cpu().state_changed();
  }
  // Runs `bytes` followed by HLT; returns the exception vector or PmEnv::kNoVector.
  u32 run(std::vector<u8> bytes) {
    X86State& s = m.regs();
    s.gpr[kRax] = kData;
    s.gpr[kRcx] = 0xf0;
    s.gpr[kRdx] = 0;
    bytes.push_back(0xf4);
    m.load(kCode, bytes);
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    return PmEnv::vector(m);
  }
};

// One instruction per model-selectable feature (64-bit code; RAX points at kData, RCX = 0xF0).
struct Probe {
  CpuFeature feature;
  const char* text;
  std::vector<u8> bytes;
};
const std::vector<Probe>& probes() {
  static const std::vector<Probe> list = {
      {CpuFeature::kSse3, "haddps xmm0, xmm1", {0xf2, 0x0f, 0x7c, 0xc1}},
      {CpuFeature::kSse3, "addsubpd xmm0, xmm1", {0x66, 0x0f, 0xd0, 0xc1}},
      {CpuFeature::kSse3, "movshdup xmm0, xmm1", {0xf3, 0x0f, 0x16, 0xc1}},
      {CpuFeature::kSse3, "lddqu xmm0, [rax]", {0xf2, 0x0f, 0xf0, 0x00}},
      {CpuFeature::kSse3,
       "fisttp word [rax]",
       {0xdb, 0xe3, 0xd9, 0xee, 0xdf, 0x08}},  // fninit; fldz
      {CpuFeature::kSsse3, "pshufb xmm0, xmm1", {0x66, 0x0f, 0x38, 0x00, 0xc1}},
      {CpuFeature::kSsse3, "pshufb mm0, mm1", {0x0f, 0x38, 0x00, 0xc1}},
      {CpuFeature::kSsse3, "palignr xmm0, xmm1, 3", {0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x03}},
      {CpuFeature::kSse41, "ptest xmm0, xmm1", {0x66, 0x0f, 0x38, 0x17, 0xc1}},
      {CpuFeature::kSse41, "pextrd eax, xmm1, 1", {0x66, 0x0f, 0x3a, 0x16, 0xc8, 0x01}},
      {CpuFeature::kSse41, "roundps xmm0, xmm1, 0", {0x66, 0x0f, 0x3a, 0x08, 0xc1, 0x00}},
      {CpuFeature::kSse42, "pcmpgtq xmm0, xmm1", {0x66, 0x0f, 0x38, 0x37, 0xc1}},
      {CpuFeature::kSse42, "crc32 eax, ecx", {0xf2, 0x0f, 0x38, 0xf1, 0xc1}},
      {CpuFeature::kSse42, "pcmpistri xmm0, xmm1, 0", {0x66, 0x0f, 0x3a, 0x63, 0xc1, 0x00}},
      {CpuFeature::kPopcnt, "popcnt eax, ecx", {0xf3, 0x0f, 0xb8, 0xc1}},
      {CpuFeature::kAes, "aesenc xmm0, xmm1", {0x66, 0x0f, 0x38, 0xdc, 0xc1}},
      {CpuFeature::kAes, "aeskeygenassist xmm0, xmm1, 1", {0x66, 0x0f, 0x3a, 0xdf, 0xc1, 0x01}},
      {CpuFeature::kPclmul, "pclmulqdq xmm0, xmm1, 0", {0x66, 0x0f, 0x3a, 0x44, 0xc1, 0x00}},
      {CpuFeature::kMovbe, "movbe ecx, [rax]", {0x0f, 0x38, 0xf0, 0x08}},
      {CpuFeature::kMovbe, "movbe [rax], cx", {0x66, 0x0f, 0x38, 0xf1, 0x08}},
      {CpuFeature::kCx16, "cmpxchg16b [rax]", {0x48, 0x0f, 0xc7, 0x08}},
      {CpuFeature::kXsave, "xsave [rax]", {0x0f, 0xae, 0x20}},
      {CpuFeature::kXsave, "xrstor [rax]", {0x0f, 0xae, 0x20, 0x0f, 0xae, 0x28}},  // after xsave
      {CpuFeature::kXsave, "xgetbv", {0x31, 0xc9, 0x0f, 0x01, 0xd0}},  // xor ecx, ecx first
      {CpuFeature::kXsaveopt, "xsaveopt [rax]", {0x0f, 0xae, 0x30}},
      {CpuFeature::kXsavec, "xsavec [rax]", {0x0f, 0xc7, 0x20}},
      {CpuFeature::kRdpid, "rdpid rax", {0xf3, 0x0f, 0xc7, 0xf8}},
      {CpuFeature::kLahf64, "lahf", {0x9f}},
      {CpuFeature::kLahf64, "sahf", {0x9e}},
      {CpuFeature::kRdtscp, "rdtscp", {0x0f, 0x01, 0xf9}},
  };
  return list;
}

// Instructions every model executes (the x86-64 baseline, and the fallbacks of gated opcodes).
const std::vector<std::pair<const char*, std::vector<u8>>>& baseline() {
  static const std::vector<std::pair<const char*, std::vector<u8>>> list = {
      {"paddd xmm0, xmm1", {0x66, 0x0f, 0xfe, 0xc1}},
      {"movsldup's neighbour movlps xmm0, [rax]", {0x0f, 0x12, 0x00}},
      {"cmpxchg8b [rax]", {0x0f, 0xc7, 0x08}},
      {"fisttp's neighbour fistp word [rax]", {0xdb, 0xe3, 0xd9, 0xee, 0xdf, 0x18}},
      {"bsr eax, ecx", {0x0f, 0xbd, 0xc1}},
      {"tzcnt eax, ecx (BSF without BMI1)", {0xf3, 0x0f, 0xbc, 0xc1}},
      {"lzcnt eax, ecx (BSR without ABM)", {0xf3, 0x0f, 0xbd, 0xc1}},
      {"cpuid", {0x31, 0xc0, 0x0f, 0xa2}},
  };
  return list;
}

// The encoding of one entry a gate names (64-bit code; a register or [rax] operand; imm8 0).
std::vector<u8> encode(const FeatureGate& g, unsigned n, unsigned slot) {
  std::vector<u8> bytes;
  auto put = [&](unsigned b) { bytes.push_back(static_cast<u8>(b)); };
  switch (g.map) {
    case GateMap::kOp:
      if (g.action == GateAction::kIgnoreRep || n == 0x1b8) put(0xf3);
      if (n >= 0x100) put(0x0f);
      put(n & 0xff);
      if (n >= 0x100) put(0xc1);
      break;
    case GateMap::kPrefixed0F:
    case GateMap::kMap0F38:
    case GateMap::kMap0F3A:
      if (slot == kPrefix66) put(0x66);
      if (slot == kPrefixF3) put(0xf3);
      if (slot == kPrefixF2) put(0xf2);
      put(0x0f);
      if (g.map == GateMap::kMap0F38) put(0x38);
      if (g.map == GateMap::kMap0F3A) put(0x3a);
      put(n);
      put(0x00);
      put(0x00);
      break;
    case GateMap::kX87Mem:
      put(n);
      put(slot << 3);
      break;
    case GateMap::kGroup:  // only group 9 (0F C7) is gated
      if (slot == 7) put(0xf3);
      if (g.action == GateAction::kUndefined64) put(0x48);
      put(0x0f);
      put(0xc7);
      put((slot == 7 ? 0xc0 : 0) | slot << 3);
      break;
  }
  return bytes;
}

std::string hex(const std::vector<u8>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (u8 b : bytes) {
    if (!out.empty()) out += ' ';
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

}  // namespace

TEST_CASE("cpu model: CPUID reports exactly the model's feature set", "[cpu-model]") {
  for (const CpuModel& model : cpu_models()) {
    CAPTURE(model.name);
    CpuTestMachine m(16ull << 20, config_for(model));
    const CpuFeatureSet set = cpu_feature_set(model);
    for (const CpuFeatureBit& b : cpu_feature_bits()) {
      CAPTURE(b.name);
      // The APIC bits also need a local APIC, which this machine does not have.
      if (b.feature == CpuFeature::kApic || b.feature == CpuFeature::kX2apic ||
          b.feature == CpuFeature::kTscDeadline)
        continue;
      CpuidFeatures words;
      u32 r[4];
      m.cpu().cpuid(1, 0, r);
      words.leaf1_ecx = r[2];
      words.leaf1_edx = r[3];
      m.cpu().cpuid(7, 0, r);
      words.leaf7_ebx = r[1];
      words.leaf7_ecx = r[2];
      words.leaf7_edx = r[3];
      m.cpu().cpuid(0x80000001u, 0, r);
      words.ext1_ecx = r[2];
      words.ext1_edx = r[3];
      m.cpu().cpuid(0xd, 1, r);
      words.xsave_ecx1 = r[0];
      CHECK(((words.*b.word >> b.bit) & 1) == (has_feature(set, b.feature) ? 1u : 0u));
    }
  }
}

TEST_CASE("cpu model: the three models' feature levels", "[cpu-model]") {
  using F = CpuFeature;
  const CpuFeatureSet max = cpu_feature_set(*find_cpu_model("max"));
  const CpuFeatureSet v2 = cpu_feature_set(*find_cpu_model("v2"));
  const CpuFeatureSet base = cpu_feature_set(*find_cpu_model("base"));
  CHECK(find_cpu_model("qemu64") == find_cpu_model("max"));
  for (F f : {F::kSse3, F::kSsse3, F::kSse41, F::kSse42, F::kPopcnt, F::kCx16, F::kLahf64}) {
    CHECK(has_feature(v2, f));
    CHECK_FALSE(has_feature(base, f));
  }
  for (F f : {F::kAes, F::kPclmul, F::kMovbe, F::kLzcnt, F::kXsave, F::kXsaveopt, F::kXsavec}) {
    CHECK(has_feature(max, f));
    CHECK_FALSE(has_feature(v2, f));
    CHECK_FALSE(has_feature(base, f));
  }
  CHECK((v2 & ~max) == 0);
  CHECK((base & ~v2) == 0);
  for (F f : {F::kFpu, F::kMmx, F::kSse, F::kSse2, F::kFxsr, F::kCmov, F::kCx8, F::kLm, F::kNx,
              F::kSyscall, F::kRdtscp, F::kFsgsbase})
    CHECK(has_feature(base, f));
  // Models differ only where the core can gate.
  CHECK(((max ^ base) & ~kModelSelectableFeatures) == 0);
}

TEST_CASE("cpu model: every gated opcode decodes to #UD exactly where the feature is absent",
          "[cpu-model]") {
  const OpcodeTable& full = opcode_table(*find_cpu_model("max"));
  for (const CpuModel& model : cpu_models()) {
    CAPTURE(model.name);
    const OpcodeTable& t = opcode_table(model);
    const CpuFeatureSet set = cpu_feature_set(model);
    unsigned checked = 0;
    for (const FeatureGate& g : feature_gates()) {
      const bool present = has_feature(set, g.feature);
      CAPTURE(static_cast<unsigned>(g.feature), g.first);
      if (g.map == GateMap::kGroup) REQUIRE(g.first == kGrp9);
      for (unsigned n = g.first; n <= g.last; ++n) {
        for (unsigned slot = 0; slot < 8; ++slot) {
          if (g.map == GateMap::kOp ? slot != 0 : !((g.slots >> slot) & 1)) continue;
          std::vector<u8> bytes = encode(g, n, slot);
          const std::string encoding = hex(bytes);
          CAPTURE(encoding);
          while (bytes.size() < 15) bytes.push_back(0);
          for (CodeSize mode : {CodeSize::k64, CodeSize::k32}) {
            // REX.W exists in 64-bit mode only (48 is DEC EAX elsewhere).
            if (g.action == GateAction::kUndefined64 && mode != CodeSize::k64) continue;
            Insn want, got;
            unsigned needed = 0;
            REQUIRE(decode_insn(full, bytes.data(), 15, mode, want, needed) == DecodeStatus::Ok);
            if (want.handler == full.undefined || want.handler == full.x87_unavailable) continue;
            REQUIRE(decode_insn(t, bytes.data(), 15, mode, got, needed) == DecodeStatus::Ok);
            ++checked;
            const bool gated = mode == CodeSize::k64 || g.action != GateAction::kInvalid64;
            switch (g.action) {
              case GateAction::kUndefined:
              case GateAction::kUndefined64:
              case GateAction::kInvalid64: {
                const bool ud = got.handler == t.undefined || got.handler == t.x87_unavailable;
                CHECK(ud == (!present && gated));
                if (!ud) CHECK(got.handler == want.handler);
                break;
              }
              case GateAction::kIgnoreRep:
                CHECK(got.handler == want.handler);
                CHECK(got.rep() == present);
                break;
            }
          }
        }
      }
    }
    CHECK(checked > 100);
  }
}

TEST_CASE("cpu model: the base model has no 0F 38 / 0F 3A instruction at all", "[cpu-model]") {
  // Every instruction in the three-byte maps is SSSE3 or later: a gate list that forgot one
  // would leave it here.
  const OpcodeTable& t = opcode_table(*find_cpu_model("base"));
  for (unsigned op = 0; op < 256; ++op)
    for (unsigned column = 0; column < 4; ++column) {
      CAPTURE(op, column);
      CHECK(t.map_0f38[op][column].h[0] == nullptr);
      CHECK(t.map_0f3a[op][column].h[0] == nullptr);
    }
}

TEST_CASE("cpu model: instructions execute or raise #UD per the model", "[cpu-model]") {
  // Every feature the opcode tables turn into #UD has an execution probe here.
  for (const FeatureGate& g : feature_gates()) {
    if (g.action == GateAction::kIgnoreRep) continue;  // LZCNT: its own test below
    bool probed = false;
    for (const Probe& p : probes()) probed |= p.feature == g.feature;
    CAPTURE(static_cast<unsigned>(g.feature));
    CHECK(probed);
  }
  for (const CpuModel& model : cpu_models()) {
    CAPTURE(model.name);
    const CpuFeatureSet set = cpu_feature_set(model);
    for (const Probe& p : probes()) {
      CAPTURE(p.text);
      LongModeMachine lm(model);
      CHECK(lm.run(p.bytes) == (has_feature(set, p.feature) ? PmEnv::kNoVector : kUd));
    }
    for (const auto& [text, bytes] : baseline()) {
      CAPTURE(text);
      LongModeMachine lm(model);
      CHECK(lm.run(bytes) == PmEnv::kNoVector);
    }
  }
}

TEST_CASE("cpu model: LZCNT and TZCNT fall back to BSR and BSF", "[cpu-model]") {
  for (const CpuModel& model : cpu_models()) {
    CAPTURE(model.name);
    const bool lzcnt = has_feature(cpu_feature_set(model), CpuFeature::kLzcnt);
    LongModeMachine lm(model);
    // lzcnt eax, ecx (ECX = 0xF0): 24 with ABM, else BSR = 7.
    REQUIRE(lm.run({0xf3, 0x0f, 0xbd, 0xc1}) == PmEnv::kNoVector);
    CHECK(lm.m.regs().gpr[kRax] == (lzcnt ? 24u : 7u));
    // tzcnt eax, ecx: no model has BMI1, so BSF = 4.
    LongModeMachine lm2(model);
    REQUIRE(lm2.run({0xf3, 0x0f, 0xbc, 0xc1}) == PmEnv::kNoVector);
    CHECK(lm2.m.regs().gpr[kRax] == 4u);
  }
}

TEST_CASE("cpu model: LAHF/SAHF outside 64-bit mode in every model", "[cpu-model]") {
  for (const CpuModel& model : cpu_models()) {
    CAPTURE(model.name);
    Insn insn;
    unsigned needed = 0;
    const u8 lahf[15] = {0x9f};
    const OpcodeTable& t = opcode_table(model);
    REQUIRE(decode_insn(t, lahf, 15, CodeSize::k32, insn, needed) == DecodeStatus::Ok);
    CHECK(insn.handler != t.undefined);
    REQUIRE(decode_insn(t, lahf, 15, CodeSize::k16, insn, needed) == DecodeStatus::Ok);
    CHECK(insn.handler != t.undefined);
  }
}

TEST_CASE("cpu model: only a model with XSAVE lets the guest set CR4.OSXSAVE", "[cpu-model]") {
  for (const CpuModel& model : cpu_models()) {
    CAPTURE(model.name);
    const bool xsave = has_feature(cpu_feature_set(model), CpuFeature::kXsave);
    LongModeMachine lm(model);
    X86State& s = lm.m.regs();
    s.cr4 &= ~cr4::OSXSAVE;
    lm.m.cpu().state_changed();
    // mov rax, cr4; bts rax, 18; mov cr4, rax
    CHECK(lm.run({0x0f, 0x20, 0xe0, 0x48, 0x0f, 0xba, 0xe8, 0x12, 0x0f, 0x22, 0xe0}) ==
          (xsave ? PmEnv::kNoVector : 13u));
  }
}

}  // namespace glasspc::test

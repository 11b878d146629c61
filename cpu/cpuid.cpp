// CPUID (SDM Vol. 2A CPUID): the model's feature bits (cpu/cpu_model.h) and the leaves that
// describe this virtual machine: topology agreeing with -smp (leaves 4, 0BH, 1FH: one package,
// one core per vCPU, one thread per core), the XSAVE layout (0DH), and the TSC/crystal clock
// (15H, 16H) so that a guest knows the TSC and local APIC timer rates without calibrating them
// against other timers.
#include <algorithm>
#include <bit>
#include <cstring>

#include "cpu/cpu_model.h"
#include "cpu/fpu_state.h"
#include "cpu/x86_cpu.h"

namespace glasspc {
namespace {

constexpr u32 kMaxBasic = 0x1f;
constexpr u32 kMaxExtended = 0x80000008;
// The local APIC timer and the crystal clock behind leaf 15H both run at 1 GHz
// (chipset/lapic.h LocalApicConfig::timer_hz).
constexpr u64 kCrystalHz = 1'000'000'000;

void text(std::string_view str, u32* dst, unsigned words) {
  char buf[48] = {};
  std::memcpy(buf, str.data(), std::min<std::size_t>(str.size(), sizeof(buf)));
  std::memcpy(dst, buf, 4 * words);
}

// Deterministic cache parameters (leaf 4), modest and QEMU-like: 32 KiB L1d/L1i (8-way),
// 2 MiB L2 (16-way) per core, 16 MiB L3 (16-way) shared by the package. 64-byte lines.
struct Cache {
  u32 type, level, ways, sets;
  bool shared;
};
constexpr Cache kCaches[] = {
    {1, 1, 8, 64, false}, {2, 1, 8, 64, false}, {3, 2, 16, 2048, false}, {3, 3, 16, 16384, true}};

}  // namespace

void X86Cpu::cpuid(u32 leaf, u32 subleaf, u32 out[4]) const {
  out[0] = out[1] = out[2] = out[3] = 0;
  const CpuidFeatures& f = m_model->features;
  const u32 cpus = std::max<u32>(m_config.cpu_count, 1);
  const unsigned core_bits = std::bit_width(cpus - 1);  // APIC ID bits for the core level
  const u32 apic_id = m_config.index;
  // Leaves above the maximum return the highest basic leaf (SDM Vol. 2A CPUID).
  if ((leaf > kMaxBasic && leaf < 0x80000000) || leaf > kMaxExtended) leaf = kMaxBasic;
  switch (leaf) {
    case 0: {
      out[0] = kMaxBasic;
      u32 v[3];
      text("GenuineIntel", v, 3);
      out[1] = v[0];
      out[3] = v[1];
      out[2] = v[2];
      break;
    }
    case 1: {
      // Family 6, model 3AH, stepping 9: a plain P6-family signature (no model-specific errata
      // or quirks apply in guests).
      out[0] = 0x000306a9;
      out[1] = (8u << 8) | (std::bit_ceil(cpus) << 16) | (apic_id << 24);  // CLFLUSH 64 bytes
      out[2] = f.leaf1_ecx;
      out[3] = f.leaf1_edx;
      if (cpus > 1) out[3] |= cpuid1d::HTT;
      if (!m_lapic) {
        out[2] &= ~(cpuid1c::X2APIC | cpuid1c::TSC_DEADLINE);
        out[3] &= ~cpuid1d::APIC;
      }
      if ((f.leaf1_ecx & cpuid1c::XSAVE) && (s.cr4 & cr4::OSXSAVE)) out[2] |= cpuid1c::OSXSAVE;
      break;
    }
    case 2:
      out[0] = 0x0000ff01;  // one round; descriptor FFH: see leaf 4
      break;
    case 4:
      if (subleaf < std::size(kCaches)) {
        const Cache& c = kCaches[subleaf];
        const u32 sharing = c.shared ? std::bit_ceil(cpus) - 1 : 0;
        out[0] = c.type | (c.level << 5) | (1u << 8) | (sharing << 14) |
                 ((std::bit_ceil(cpus) - 1) << 26);
        out[1] = (c.ways - 1) << 22 | 63;  // ways, partitions 1, line size 64
        out[2] = c.sets - 1;
      }
      break;
    case 6:
      out[0] = 1u << 2;  // ARAT: the APIC timer runs in every C-state
      break;
    case 7:
      if (subleaf == 0) {
        out[1] = f.leaf7_ebx;
        out[2] = f.leaf7_ecx;
        out[3] = f.leaf7_edx;
      }
      break;
    case 0xb:
    case 0x1f:
      // Extended topology: level 0 = SMT (one thread), level 1 = core (every vCPU).
      out[3] = apic_id;
      if (subleaf == 0) {
        out[0] = 0;
        out[1] = 1;
        out[2] = (1u << 8) | subleaf;
      } else if (subleaf == 1) {
        out[0] = core_bits;
        out[1] = cpus;
        out[2] = (2u << 8) | subleaf;
      } else {
        out[2] = subleaf;
      }
      break;
    case 0xd:
      if (!(f.leaf1_ecx & cpuid1c::XSAVE)) break;
      if (subleaf == 0) {
        out[0] = static_cast<u32>(kXcr0Supported);
        out[1] = kXsaveAreaSize;  // for the components enabled in XCR0: always both here
        out[2] = kXsaveAreaSize;
      } else if (subleaf == 1) {
        out[0] = f.xsave_ecx1;  // XSAVEOPT, XSAVEC
        out[1] = kXsaveAreaSize;
      }  // components 0 and 1 live in the legacy region: their sub-leaves read as zero
      break;
    case 0x15: {
      // TSC = crystal * EBX / EAX; the crystal is the 1 GHz APIC timer clock.
      out[0] = 1000;
      out[1] = static_cast<u32>(m_config.frequency_hz / (kCrystalHz / 1000));
      out[2] = static_cast<u32>(kCrystalHz);
      break;
    }
    case 0x16:
      out[0] = static_cast<u32>(m_config.frequency_hz / 1'000'000);  // base MHz
      out[1] = out[0];                                               // max MHz
      out[2] = static_cast<u32>(kCrystalHz / 1'000'000);             // bus MHz
      break;
    case 0x80000000:
      out[0] = kMaxExtended;
      break;
    case 0x80000001:
      out[2] = f.ext1_ecx;
      out[3] = f.ext1_edx;
      break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
      u32 v[12];
      text(m_model->brand, v, 12);
      std::memcpy(out, v + 4 * (leaf - 0x80000002), 16);
      break;
    }
    case 0x80000006:
      out[2] = (2048u << 16) | (6u << 12) | 64;  // L2: 2 MiB, 16-way (code 6), 64-byte lines
      break;
    case 0x80000007:
      out[3] = 1u << 8;  // invariant TSC: it follows virtual time
      break;
    case 0x80000008:
      out[0] = 0x3028;  // 40 physical, 48 linear address bits
      break;
    default:
      break;
  }
}

}  // namespace glasspc

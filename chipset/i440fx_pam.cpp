#include "chipset/i440fx_pam.h"

#include <fmt/format.h>

#include "bus/trace.h"

namespace glasspc {

namespace {

constexpr u64 k16KiB = 16 * 1024;
constexpr u64 k64KiB = 64 * 1024;
constexpr Gpa kShadowStart = 0xC0000;
constexpr Gpa kShadowEnd = 0x100000;
constexpr Gpa kSmramStart = 0xA0000;
constexpr u64 kSmramSize = 0x20000;
constexpr int kPciPriority = 0;

constexpr I440fxPam::Segment kSegments[I440fxPam::kSegmentCount] = {
    {0xF0000, k64KiB, 0x59, 4},                              // PAM0[5:4]: the system BIOS
    {0xC0000, k16KiB, 0x5A, 0}, {0xC4000, k16KiB, 0x5A, 4},  // PAM1
    {0xC8000, k16KiB, 0x5B, 0}, {0xCC000, k16KiB, 0x5B, 4},  // PAM2
    {0xD0000, k16KiB, 0x5C, 0}, {0xD4000, k16KiB, 0x5C, 4},  // PAM3
    {0xD8000, k16KiB, 0x5D, 0}, {0xDC000, k16KiB, 0x5D, 4},  // PAM4
    {0xE0000, k16KiB, 0x5E, 0}, {0xE4000, k16KiB, 0x5E, 4},  // PAM5
    {0xE8000, k16KiB, 0x5F, 0}, {0xEC000, k16KiB, 0x5F, 4},  // PAM6
};

Decode decode_of(PamMode mode) {
  switch (mode) {
    case PamMode::Disabled:
      return Decode::None;
    case PamMode::ReadOnly:
      return Decode::Read;
    case PamMode::WriteOnly:
      return Decode::Write;
    case PamMode::ReadWrite:
      return Decode::ReadWrite;
  }
  return Decode::None;
}

}  // namespace

const I440fxPam::Segment& I440fxPam::segment(unsigned index) {
  return kSegments[index % kSegmentCount];
}

PamMode I440fxPam::mode(const std::array<u8, kPamRegisterCount>& pam, unsigned index) {
  const Segment& seg = segment(index);
  const u8 field = static_cast<u8>(pam[seg.reg - kPam0] >> seg.shift);
  return static_cast<PamMode>(field & (kReadEnable | kWriteEnable));
}

void I440fxPam::install(MemoryMap& memory) {
  if (m_memory != nullptr) return;
  // PCI side first: regions of equal priority added later win, so this covers guest RAM.
  MmioOps floating;
  floating.read = [](u64, unsigned size) { return size_mask(size); };
  floating.write = [](u64, u64, unsigned) {};
  m_pci_hole = memory.add_mmio("pci-bios-area", kShadowStart, kShadowEnd - kShadowStart,
                               std::move(floating), kPciPriority);
  for (unsigned i = 0; i < kSegmentCount; ++i) {
    const Segment& seg = kSegments[i];
    m_windows[i] = memory.add_ram(fmt::format("pam-{:05x}", seg.base), seg.base, seg.size, seg.base,
                                  kShadowPriority);
    memory.set_decode(m_windows[i], Decode::None);
  }
  m_smram = memory.add_ram("smram-open", kSmramStart, kSmramSize, kSmramStart, kShadowPriority);
  memory.set_enabled(m_smram, false);
  m_memory = &memory;
}

void I440fxPam::apply(const std::array<u8, kPamRegisterCount>& pam, u8 smram) {
  if (m_memory == nullptr) return;
  for (unsigned i = 0; i < kSegmentCount; ++i)
    m_memory->set_decode(m_windows[i], decode_of(mode(pam, i)));
  const bool open = (smram & kSmramEnable) && (smram & kSmramOpen);
  m_memory->set_enabled(m_smram, open);
}

}  // namespace glasspc

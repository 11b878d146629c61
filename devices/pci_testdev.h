// QEMU's `pci-testdev` (Red Hat 1b36:0005, class 00.ff.00, no interrupt pin): the PCI function
// kvm-unit-tests' pci test drives to check MMIO and port I/O through BARs. The behaviour of BAR0
// and BAR1 is QEMU's (hw/misc/pci-testdev.c), so test kernels run unchanged:
//
//   BAR0  4 KiB memory (32-bit)   the three "mmio-*" tests, register offsets below
//   BAR1  256 I/O ports           the three "portio-*" tests
//
// Both BARs decode byte-wise (wider accesses arrive as byte accesses). Writing t to offset 0 of a
// BAR selects test t (0-2) of that BAR's kind and clears its hit counter; any other value
// deselects. While a test is selected, reads return the bytes of its header, other offsets 0:
//
//   0x00 u8  test number (0-5: mmio-no-eventfd, mmio-wildcard-eventfd, mmio-datamatch-eventfd,
//            portio-no-eventfd, portio-wildcard-eventfd, portio-datamatch-eventfd)
//   0x01 u8  width of the test access (1)
//   0x04 u32 offset of the test register (BAR0: 0x800 + test, BAR1: 0x80 + test)
//   0x08 u8  data the "datamatch" test wants (0xFA; the others show 0xCE)
//   0x0C u32 hit counter
//   0x10     the test's name, NUL-terminated ("mmio-no-eventfd", ...)
//
// A byte written to the test register counts a hit (all but the wildcard tests count only the
// byte 0xFA); wider accesses are handled as byte accesses. QEMU uses the "eventfd" variants to
// exercise ioeventfd fast paths: a write that matches the test's eventfd (at the test register;
// 1 byte wide, any width for the mmio wildcard test; 0xFA for datamatch) goes to the notifier,
// not the device, and does not count. glasspc drops those writes the same way, so the counters
// read as on QEMU 7.2 (kvm-unit-tests accepts 0 or the number of writes). Port accesses
// misaligned to their size are invalid on QEMU (read 0, write nothing), and are so here.
//
// glasspc extensions (QEMU's pci-testdev has no interrupts at all): an MSI capability (4 vectors,
// 64-bit, per-vector masking) and an MSI-X capability (4 vectors), with BAR4, a 4 KiB memory BAR
// QEMU's device does not have, holding
//
//   0x000 MSI-X table (4 entries)        0x800 MSI-X Pending Bit Array
//   0xC00 MSI_FIRE   (write n: the function signals MSI vector n)
//   0xC04 MSIX_FIRE  (write n: the function signals MSI-X vector n)
//   0xC08 FIRE_STATUS (read: 1 if the last fire sent a message; 0 if the mechanism was disabled,
//         the vector masked (now pending) or bus mastering off)
//
// so guests can test MSI and MSI-X delivery, masking and pending bits. They leave BAR0/BAR1, the
// IDs and the class as QEMU has them (BAR2/3 stay free: QEMU's optional "membar" uses them);
// `-device pci-testdev,msi=off` removes them for an exact copy of QEMU's configuration space.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "bus/pci/pci_function.h"
#include "bus/pci/pci_msi.h"
#include "bus/pci/pci_msix.h"
#include "bus/register_bank.h"
#include "bus/types.h"

namespace glasspc {

class PciTestdev : public PciFunction {
 public:
  static constexpr u16 kVendorId = 0x1B36;  // Red Hat
  static constexpr u16 kDeviceId = 0x0005;
  static constexpr u16 kSubsystemVendorId = 0x1AF4;  // QEMU's default subsystem IDs
  static constexpr u16 kSubsystemId = 0x1100;
  static constexpr u64 kMemoryBarSize = 4096;  // IOTEST_MEMSIZE * 2
  static constexpr u64 kIoBarSize = 256;       // IOTEST_IOSIZE * 2
  static constexpr u32 kMemoryTestOffset = 2048;
  static constexpr u32 kIoTestOffset = 128;
  static constexpr unsigned kTestsPerKind = 3;
  static constexpr unsigned kTests = 2 * kTestsPerKind;
  static constexpr u8 kDataMatch = 0xFA;
  static constexpr u8 kNoMatch = 0xCE;
  // Header layout.
  static constexpr u32 kHeaderTest = 0x00;
  static constexpr u32 kHeaderWidth = 0x01;
  static constexpr u32 kHeaderOffset = 0x04;
  static constexpr u32 kHeaderData = 0x08;
  static constexpr u32 kHeaderCount = 0x0C;
  static constexpr u32 kHeaderName = 0x10;

  // The glasspc extension.
  static constexpr unsigned kExtensionBar = 4;
  static constexpr u64 kExtensionBarSize = 4096;
  static constexpr u8 kMsiOffset = 0x50;
  static constexpr u8 kMsixOffset = 0x70;
  static constexpr unsigned kMsiVectors = 4;
  static constexpr unsigned kMsixVectors = 4;
  static constexpr u32 kMsixTableOffset = 0x000;
  static constexpr u32 kMsixPbaOffset = 0x800;
  static constexpr u32 kControlOffset = 0xC00;
  static constexpr u32 kMsiFire = 0x0;  // relative to kControlOffset
  static constexpr u32 kMsixFire = 0x4;
  static constexpr u32 kFireStatus = 0x8;

  struct Options {
    bool interrupts = true;  // the MSI/MSI-X extension (BAR4 and both capabilities)
  };

  PciTestdev(std::string name, PciBus& bus, u8 device, Options options);

  static const char* test_name(unsigned test);
  // The selected test (0-5), or -1.
  int current_test() const { return m_current; }
  u32 hit_count(unsigned test) const { return m_counts.at(test); }
  PciMsi* msi() { return m_msi.get(); }
  PciMsix* msix() { return m_msix.get(); }

 private:
  enum class Kind : u8 { Mmio = 0, Portio = 1 };

  u8 read_byte(u32 offset) const;
  u64 read_bytes(u32 offset, unsigned size) const;
  bool eventfd_takes(u32 offset, u64 value, unsigned size) const;
  void write_access(Kind kind, u32 offset, u64 value, unsigned size);
  void write_byte(Kind kind, u32 offset, u8 value);
  u8 header_byte(unsigned test, u32 offset) const;
  static u32 header_size(unsigned test);
  void add_extension();
  void fire(bool msix, u32 vector);
  void reset_tests();
  void serialize_tests(Archive& archive);

  int m_current = -1;
  std::array<u32, kTests> m_counts{};
  std::unique_ptr<PciMsi> m_msi;
  std::unique_ptr<PciMsix> m_msix;
  std::unique_ptr<RegisterBank> m_control;
  u32 m_fire_status_index = 0;
};

}  // namespace glasspc

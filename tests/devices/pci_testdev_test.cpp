// QEMU's pci-testdev at register level, through configuration mechanism #1 and its BARs: the
// identity QEMU gives it, the BAR0/BAR1 test headers and hit counters kvm-unit-tests reads, BAR
// relocation, and glasspc's MSI/MSI-X extension (BAR4 fire registers) delivering messages.
#include "devices/pci_testdev.h"

#include <catch2/catch.hpp>
#include <string>

#include "bus/archive.h"
#include "tests/chipset/pci/pci_rig.h"

namespace glasspc::test {
namespace {

constexpr u8 kSlot = 3;
constexpr unsigned kTestsPerKind = PciTestdev::kTestsPerKind;
constexpr Gpa kBar0 = 0xFEB00000;
constexpr u16 kBar1 = 0xC000;
constexpr Gpa kBar4 = 0xFEB10000;
constexpr u8 kBar0Reg = pci::kBar0;
constexpr u8 kBar1Reg = pci::kBar0 + 4;
constexpr u8 kBar4Reg = pci::kBar0 + 16;
constexpr u8 kMsiControl = PciTestdev::kMsiOffset + 2;
constexpr u8 kMsiAddress = PciTestdev::kMsiOffset + 4;
constexpr u8 kMsiData = PciTestdev::kMsiOffset + 0xC;
constexpr u8 kMsiMask = PciTestdev::kMsiOffset + 0x10;
constexpr u8 kMsixControl = PciTestdev::kMsixOffset + 2;
constexpr Gpa kFire = kBar4 + PciTestdev::kControlOffset;

struct TestdevRig : PciRig {
  PciTestdev& dev;
  explicit TestdevRig(bool interrupts = true)
      : dev(machine.add_device<PciTestdev>("pci-testdev", bus, kSlot,
                                           PciTestdev::Options{interrupts})) {}
  u32 read(u8 reg, unsigned size = 4) { return config_read(kSlot, 0, reg, size); }
  void write(u8 reg, u32 value, unsigned size = 4) { config_write(kSlot, 0, reg, value, size); }
  void map() {
    write(kBar0Reg, static_cast<u32>(kBar0));
    write(kBar1Reg, kBar1);
    write(kBar4Reg, static_cast<u32>(kBar4));
    write(pci::kCommand, pci::kCommandIoSpace | pci::kCommandMemorySpace | pci::kCommandBusMaster,
          2);
  }
  // The header of the selected test through BAR0 (memory) or BAR1 (ports), byte by byte as the
  // kvm-unit-tests driver reads it.
  u8 header(bool memory, u32 offset) {
    return static_cast<u8>(memory ? peek(kBar0 + offset, 1) : in(static_cast<u16>(kBar1 + offset)));
  }
  u32 header32(bool memory, u32 offset) {
    u32 value = 0;
    for (unsigned b = 0; b < 4; ++b) value |= u32{header(memory, offset + b)} << (8 * b);
    return value;
  }
  std::string name(bool memory) {
    std::string text;
    for (u32 offset = PciTestdev::kHeaderName; offset < 0x40; ++offset) {
      const u8 c = header(memory, offset);
      if (c == 0) break;
      text.push_back(static_cast<char>(c));
    }
    return text;
  }
  void select(bool memory, u32 test) {
    if (memory)
      poke(kBar0, test, 1);
    else
      out(kBar1, test);
  }
  void hit(bool memory, u32 offset, u8 value) {
    if (memory)
      poke(kBar0 + offset, value, 1);
    else
      out(static_cast<u16>(kBar1 + offset), value);
  }
};

TEST_CASE("pci-testdev: identity and BAR sizes as QEMU's", "[pci-testdev]") {
  TestdevRig rig(false);
  CHECK(rig.read(pci::kVendorId) == 0x00051B36);
  CHECK(rig.read(0x08) == 0x00FF0000);             // class 00.ff.00 (PCI_CLASS_OTHERS), revision 0
  CHECK(rig.read(0x2C) == 0x11001AF4);             // subsystem 1af4:1100
  CHECK(rig.read(0x3D, 1) == 0);                   // no interrupt pin
  CHECK((rig.read(pci::kStatus, 2) & 0x10) == 0);  // msi=off: no capabilities, as QEMU
  rig.write(kBar0Reg, 0xFFFFFFFF);
  CHECK(rig.read(kBar0Reg) == 0xFFFFF000);  // 4 KiB, 32-bit, non-prefetchable
  rig.write(kBar1Reg, 0xFFFFFFFF);
  CHECK(rig.read(kBar1Reg) == 0xFFFFFF01);  // 256 ports
  for (u8 bar = 2; bar < 6; ++bar) {
    rig.write(pci::kBar0 + 4 * bar, 0xFFFFFFFF);
    CHECK(rig.read(pci::kBar0 + 4 * bar) == 0);
  }
}

TEST_CASE("pci-testdev: headers, names and hit counters of the six tests", "[pci-testdev]") {
  TestdevRig rig;
  rig.map();
  for (bool memory : {true, false}) {
    CHECK(rig.header(memory, 0) == 0);  // nothing selected: reads 0
    for (u32 t = 0; t < PciTestdev::kTestsPerKind; ++t) {
      const unsigned test = (memory ? 0 : 3) + t;
      rig.select(memory, t);
      CHECK(rig.dev.current_test() == static_cast<int>(test));
      CHECK(rig.header(memory, PciTestdev::kHeaderTest) == test);
      CHECK(rig.header(memory, PciTestdev::kHeaderWidth) == 1);
      const u32 offset = (memory ? 2048u : 128u) + test;
      CHECK(rig.header32(memory, PciTestdev::kHeaderOffset) == offset);
      const bool wildcard = t == 1;
      CHECK(rig.header(memory, PciTestdev::kHeaderData) == (wildcard ? 0xCE : 0xFA));
      CHECK(rig.name(memory) == PciTestdev::test_name(test));
      CHECK(rig.header32(memory, PciTestdev::kHeaderCount) == 0);
      rig.hit(memory, offset, 0xFA);
      rig.hit(memory, offset, 0xFA);
      rig.hit(memory, offset, 0x12);
      rig.hit(memory, offset + 1, 0xFA);  // not the test register
      // Byte writes the test's eventfd takes never count (QEMU: the notifier gets them): all of
      // them for the wildcard tests, the 0xFA ones for datamatch.
      const unsigned expected[kTestsPerKind] = {2, 0, 0};
      CHECK(rig.header32(memory, PciTestdev::kHeaderCount) == expected[t]);
    }
    rig.select(memory, 3);  // out of range: deselects
    CHECK(rig.dev.current_test() == -1);
    CHECK(rig.header(memory, 0) == 0);
  }
  // The names reach a real kvm-unit-tests check: the header ends at the NUL.
  rig.select(true, 2);
  CHECK(rig.name(true) == "mmio-datamatch-eventfd");
  const u32 end = PciTestdev::kHeaderName + 22;
  CHECK(rig.header(true, end) == 0);
  CHECK(rig.header(true, end + 5) == 0);
}

TEST_CASE("pci-testdev: wider writes are byte writes unless an eventfd takes them whole",
          "[pci-testdev]") {
  TestdevRig rig;
  rig.map();
  rig.poke(kBar0, 0, 4);  // selects test 0 with byte 0; bytes 1-3 are not registers
  CHECK(rig.dev.current_test() == 0);
  rig.poke(kBar0 + 2048, 0x1111FAFA, 4);  // 0xFA at 2048 (test 0's register) counts
  CHECK(rig.dev.hit_count(0) == 1);
  rig.poke(kBar0, 2, 1);  // mmio datamatch: its 1-byte eventfd misses a word
  rig.poke(kBar0 + 2050, 0x11FA, 2);
  CHECK(rig.dev.hit_count(2) == 1);
  rig.poke(kBar0, 1, 1);  // mmio wildcard: the size-0 eventfd takes any width
  rig.poke(kBar0 + 2049, 0x11FA, 2);
  CHECK(rig.dev.hit_count(1) == 0);
  rig.out(kBar1, 1);  // portio wildcard: the 1-byte eventfd misses a word
  rig.out(kBar1 + 128 + 4, 0x1111, 2);
  CHECK(rig.dev.hit_count(4) == 1);
  rig.out(kBar1 + 128 + 3, 0xFA, 1);  // not the register of the selected test
  CHECK(rig.dev.hit_count(4) == 1);
}

TEST_CASE("pci-testdev: misaligned port accesses are invalid, as on QEMU", "[pci-testdev]") {
  TestdevRig rig;
  rig.map();
  rig.out(kBar1, 0);                 // portio-no-eventfd (test 3), register at 0x83
  CHECK(rig.in(kBar1 + 1, 2) == 0);  // misaligned read: 0 (the width byte is 1)
  CHECK(rig.in(kBar1 + 1, 1) == 1);
  rig.out(kBar1 + 0x83, 0x11FA, 2);  // misaligned word write: dropped
  CHECK(rig.dev.hit_count(3) == 0);
  rig.out(kBar1 + 0x83, 0xFA, 1);
  CHECK(rig.dev.hit_count(3) == 1);
}

TEST_CASE("pci-testdev: relocated BARs answer at the new address only", "[pci-testdev]") {
  TestdevRig rig;
  rig.map();
  rig.select(true, 0);
  CHECK(rig.peek(kBar0 + PciTestdev::kHeaderName, 4) == 0x6F696D6D);  // "mmio"
  constexpr Gpa kMoved = 0xFEA00000;
  rig.write(kBar0Reg, static_cast<u32>(kMoved));
  CHECK(rig.peek(kMoved + PciTestdev::kHeaderName, 4) == 0x6F696D6D);
  CHECK(rig.peek(kBar0 + PciTestdev::kHeaderName, 4) == 0xFFFFFFFF);
  rig.select(false, 0);
  constexpr u16 kMovedIo = 0xD000;
  rig.write(kBar1Reg, kMovedIo);
  CHECK(rig.in(kMovedIo) == 3);
  CHECK(rig.in(kBar1) == 0xFF);
}

TEST_CASE("pci-testdev: MSI fired through BAR4 reaches the interrupt sink, masking holds it",
          "[pci-testdev][msi]") {
  TestdevRig rig;
  rig.map();
  CHECK((rig.read(pci::kStatus, 2) & 0x10) != 0);  // capabilities list
  CHECK(rig.read(pci::kCapabilitiesPointer, 1) == PciTestdev::kMsiOffset);
  CHECK(rig.read(PciTestdev::kMsiOffset, 2) == (PciTestdev::kMsixOffset << 8 | 0x05));
  CHECK(rig.read(PciTestdev::kMsixOffset, 2) == 0x11);  // MSI-X, end of the list
  rig.write(kMsiAddress, 0xFEE00000);
  rig.write(kMsiData, 0x40, 2);
  rig.poke(kFire + PciTestdev::kMsiFire, 0, 4);
  CHECK(rig.peek(kFire + PciTestdev::kFireStatus, 4) == 0);  // MSI disabled
  CHECK(rig.msi.messages.empty());
  rig.write(kMsiControl, PciMsi::kEnable | (2u << PciMsi::kEnableShift), 2);  // 4 vectors
  rig.poke(kFire + PciTestdev::kMsiFire, 2, 4);
  CHECK(rig.peek(kFire + PciTestdev::kFireStatus, 4) == 1);
  REQUIRE(rig.msi.messages.size() == 1);
  CHECK(rig.msi.messages[0].first == MsiMessage{0xFEE00000, 0x42});
  CHECK(rig.msi.messages[0].second == RequesterId::of(0, kSlot, 0));
  rig.write(kMsiMask, 0x4);
  rig.poke(kFire + PciTestdev::kMsiFire, 2, 4);
  CHECK(rig.peek(kFire + PciTestdev::kFireStatus, 4) == 0);
  CHECK(rig.dev.msi()->pending(2));
  rig.write(kMsiMask, 0);
  CHECK(rig.msi.messages.size() == 2);
  CHECK_FALSE(rig.dev.msi()->pending(2));
}

TEST_CASE("pci-testdev: MSI-X table and PBA in BAR4, function mask and vector mask",
          "[pci-testdev][msix]") {
  TestdevRig rig;
  rig.map();
  CHECK(rig.read(PciTestdev::kMsixOffset + 4) == 4);          // table: BAR4, offset 0
  CHECK(rig.read(PciTestdev::kMsixOffset + 8) == 0x800 + 4);  // PBA: BAR4, offset 0x800
  const Gpa entry1 = kBar4 + 16;
  rig.poke(entry1 + PciMsix::kEntryAddress, 0xFEE00000, 4);
  rig.poke(entry1 + PciMsix::kEntryData, 0x51, 4);
  rig.write(kMsixControl, PciMsix::kEnable | PciMsix::kFunctionMask, 2);
  rig.poke(kFire + PciTestdev::kMsixFire, 1, 4);  // entry starts masked -> pending
  CHECK(rig.peek(kFire + PciTestdev::kFireStatus, 4) == 0);
  CHECK(rig.peek(kBar4 + PciTestdev::kMsixPbaOffset, 4) == 0x2);
  rig.poke(entry1 + PciMsix::kEntryVectorControl, 0, 4);  // function mask still holds it
  CHECK(rig.msi.messages.empty());
  rig.write(kMsixControl, PciMsix::kEnable, 2);
  REQUIRE(rig.msi.messages.size() == 1);
  CHECK(rig.msi.messages[0].first == MsiMessage{0xFEE00000, 0x51});
  CHECK(rig.peek(kBar4 + PciTestdev::kMsixPbaOffset, 4) == 0);
  rig.poke(kFire + PciTestdev::kMsixFire, 1, 4);
  CHECK(rig.peek(kFire + PciTestdev::kFireStatus, 4) == 1);
  CHECK(rig.msi.messages.size() == 2);
  // Without bus mastering nothing goes out.
  rig.write(pci::kCommand, pci::kCommandIoSpace | pci::kCommandMemorySpace, 2);
  rig.poke(kFire + PciTestdev::kMsixFire, 1, 4);
  CHECK(rig.peek(kFire + PciTestdev::kFireStatus, 4) == 0);
  CHECK(rig.msi.messages.size() == 2);
}

TEST_CASE("pci-testdev: reset deselects; snapshot keeps test, counters and MSI-X table",
          "[pci-testdev]") {
  TestdevRig rig;
  rig.map();
  rig.select(false, 0);
  rig.hit(false, 128 + 3, 0xFA);
  rig.poke(kBar4 + PciMsix::kEntryData, 0x99, 4);
  Archive saving = Archive::for_saving();
  {
    ArchiveSection root(saving, "machine", 1);
    ArchiveSection section(saving, rig.dev.name(), 1);
    rig.dev.serialize(saving);
  }
  const std::vector<u8> bytes = saving.finish();

  TestdevRig other;
  {
    Archive loading = Archive::for_loading(bytes);
    ArchiveSection root(loading, "machine", 1);
    ArchiveSection section(loading, other.dev.name(), 1);
    other.dev.serialize(loading);
  }
  CHECK(other.dev.current_test() == 3);
  CHECK(other.dev.hit_count(3) == 1);
  CHECK(other.in(kBar1 + PciTestdev::kHeaderCount) == 1);  // BARs decode from the loaded config
  CHECK(other.peek(kBar4 + PciMsix::kEntryData, 4) == 0x99);

  rig.dev.reset();
  CHECK(rig.dev.current_test() == -1);
  CHECK(rig.read(kBar0Reg) == 0);
}

}  // namespace
}  // namespace glasspc::test

// Register-level tests of the MSI and MSI-X capabilities: messages travel as DMA writes through
// the function's DmaSpace to the machine's interrupt message sink.
#include "bus/pci/pci_msi.h"

#include <catch2/catch.hpp>

#include "bus/archive.h"
#include "bus/pci/pci_msix.h"
#include "tests/chipset/pci/pci_rig.h"

namespace glasspc {
namespace {

using test::PciRig;
using test::TestFunction;

constexpr u8 kSlot = 3;
constexpr u8 kMsi = TestFunction::kMsiOffset;
constexpr u8 kMsiControl = kMsi + 2;
constexpr u8 kMsiAddress = kMsi + 4;
constexpr u8 kMsiUpper = kMsi + 8;
constexpr u8 kMsiData = kMsi + 0xC;
constexpr u8 kMsiMask = kMsi + 0x10;
constexpr u8 kMsiPending = kMsi + 0x14;
constexpr u8 kMsix = TestFunction::kMsixOffset;
constexpr u8 kMsixControl = kMsix + 2;
constexpr u8 kBar4 = pci::kBar0 + 16;
constexpr Gpa kMsixBar = 0xFEB80000;
constexpr Gpa kPba = kMsixBar + 0x800;

struct MsiRig : PciRig {
  TestFunction& fn;
  explicit MsiRig(PciMsi::Options options = {4, true, true})
      : fn(machine.add_device<TestFunction>("testdev", bus, kSlot, 0, options)) {
    write(pci::kCommand, pci::kCommandBusMaster | pci::kCommandMemorySpace, 2);
  }
  u32 read(u8 reg, unsigned size = 4) { return config_read(kSlot, 0, reg, size); }
  void write(u8 reg, u32 value, unsigned size = 4) { config_write(kSlot, 0, reg, value, size); }
  void program_msi(u32 address, u16 data) {
    write(kMsiAddress, address);
    write(kMsiUpper, 0);
    write(kMsiData, data, 2);
  }
  void map_msix() { write(kBar4, static_cast<u32>(kMsixBar)); }
  void program_msix(unsigned vector, u32 address, u32 data, bool masked) {
    const Gpa entry = kMsixBar + vector * PciMsix::kEntrySize;
    poke(entry + PciMsix::kEntryAddress, address, 4);
    poke(entry + PciMsix::kEntryUpperAddress, 0, 4);
    poke(entry + PciMsix::kEntryData, data, 4);
    poke(entry + PciMsix::kEntryVectorControl, masked ? 1 : 0, 4);
  }
};

TEST_CASE("msi: capability registers: control, address alignment, 16-bit data", "[msi]") {
  MsiRig rig;
  // 4 vectors capable (MMC = 2), 64-bit, per-vector masking.
  CHECK(rig.read(kMsiControl, 2) == (2u << 1 | PciMsi::kAddress64 | PciMsi::kPerVectorMasking));
  rig.write(kMsiControl, 0xFFFF, 2);
  CHECK(rig.read(kMsiControl, 2) ==
        (0x7u << 4 | 2u << 1 | PciMsi::kEnable | PciMsi::kAddress64 | PciMsi::kPerVectorMasking));
  rig.write(kMsiAddress, 0xFEE00003);
  CHECK(rig.read(kMsiAddress) == 0xFEE00000);
  rig.write(kMsiData, 0xFFFFFFFF);
  CHECK(rig.read(kMsiData) == 0x0000FFFF);
  rig.write(kMsiMask, 0xFFFFFFFF);
  CHECK(rig.read(kMsiMask) == 0xF);  // only the 4 implemented vectors
  rig.write(kMsiPending, 0xFFFFFFFF);
  CHECK(rig.read(kMsiPending) == 0);  // pending bits are read-only
}

TEST_CASE("msi: a notification is a DMA write reaching the interrupt sink with address and data",
          "[msi]") {
  MsiRig rig;
  rig.program_msi(0xFEE01000, 0x4041);
  CHECK_FALSE(rig.fn.msi().notify(0));  // not enabled yet
  CHECK(rig.msi.messages.empty());
  rig.write(kMsiControl, PciMsi::kEnable, 2);
  CHECK(rig.fn.msi().notify(0));
  REQUIRE(rig.msi.messages.size() == 1);
  CHECK(rig.msi.messages[0].first == MsiMessage{0xFEE01000, 0x4041});
  CHECK(rig.msi.messages[0].second == RequesterId::of(0, kSlot, 0));
  // Without bus mastering the message is blocked like any DMA.
  rig.write(pci::kCommand, 0, 2);
  CHECK_FALSE(rig.fn.msi().notify(0));
  CHECK(rig.msi.messages.size() == 1);
}

TEST_CASE("msi: multiple message enable puts the vector in the low data bits", "[msi]") {
  MsiRig rig;
  rig.program_msi(0xFEE00000, 0x4060);
  rig.write(kMsiControl, PciMsi::kEnable | (1u << PciMsi::kEnableShift), 2);  // 2 vectors
  CHECK(rig.fn.msi().allocated_vectors() == 2);
  rig.fn.msi().notify(1);
  rig.fn.msi().notify(3);  // shares vector 1
  REQUIRE(rig.msi.messages.size() == 2);
  CHECK(rig.msi.messages[0].first.data == 0x4061);
  CHECK(rig.msi.messages[1].first.data == 0x4061);
  // MME above MMC gives no more than the 4 vectors the function has.
  rig.write(kMsiControl, PciMsi::kEnable | (5u << PciMsi::kEnableShift), 2);
  CHECK(rig.fn.msi().allocated_vectors() == 4);
  rig.fn.msi().notify(3);
  CHECK(rig.msi.messages.back().first.data == 0x4063);
}

TEST_CASE("msi: a masked vector becomes pending and is sent when unmasked", "[msi]") {
  MsiRig rig;
  rig.program_msi(0xFEE00000, 0x30);
  rig.write(kMsiControl, PciMsi::kEnable | (2u << PciMsi::kEnableShift), 2);
  rig.write(kMsiMask, 0b0100);
  CHECK_FALSE(rig.fn.msi().notify(2));
  CHECK(rig.msi.messages.empty());
  CHECK(rig.fn.msi().pending(2));
  CHECK(rig.read(kMsiPending) == 0b0100);
  CHECK(rig.fn.msi().notify(1));  // unmasked vectors still go
  REQUIRE(rig.msi.messages.size() == 1);
  rig.write(kMsiMask, 0);
  REQUIRE(rig.msi.messages.size() == 2);
  CHECK(rig.msi.messages[1].first.data == 0x32);
  CHECK(rig.read(kMsiPending) == 0);
}

TEST_CASE("msi: a 32-bit capability without masking has data at offset 8", "[msi]") {
  MsiRig rig(PciMsi::Options{1, false, false});
  CHECK(rig.read(kMsiControl, 2) == 0);  // 1 vector, 32-bit, no masking
  CHECK(rig.fn.msi().data_offset() == kMsi + 8);
  rig.write(kMsiAddress, 0xFEE0F00C);
  rig.write(kMsi + 8, 0x0051, 2);
  rig.write(kMsiControl, PciMsi::kEnable, 2);
  CHECK(rig.fn.msi().notify(0));
  REQUIRE(rig.msi.messages.size() == 1);
  CHECK(rig.msi.messages[0].first == MsiMessage{0xFEE0F00C, 0x51});
}

TEST_CASE("msi: enabling MSI takes the function's INTx# away", "[msi][intx]") {
  MsiRig rig;
  rig.fn.set_intx(true);
  CHECK(rig.fn.intx_line().level());
  rig.write(kMsiControl, PciMsi::kEnable, 2);
  CHECK_FALSE(rig.fn.intx_line().level());
  rig.write(kMsiControl, 0, 2);
  CHECK(rig.fn.intx_line().level());
}

TEST_CASE("msix: capability registers and table/PBA location", "[msix]") {
  MsiRig rig;
  CHECK(rig.read(kMsixControl, 2) == TestFunction::kMsixVectors - 1);
  CHECK(rig.read(kMsix + 4) == 4);      // table: BAR 4, offset 0
  CHECK(rig.read(kMsix + 8) == 0x804);  // PBA: BAR 4, offset 0x800
  rig.write(kMsixControl, 0xFFFF, 2);
  CHECK(rig.read(kMsixControl, 2) ==
        (PciMsix::kEnable | PciMsix::kFunctionMask | (TestFunction::kMsixVectors - 1)));
  rig.write(kMsix + 4, 0xFFFFFFFF);
  CHECK(rig.read(kMsix + 4) == 4);
}

TEST_CASE("msix: the table lives in the BAR, starts masked, and sends through DMA", "[msix]") {
  MsiRig rig;
  rig.map_msix();
  CHECK(rig.peek(kMsixBar + PciMsix::kEntryVectorControl, 4) == PciMsix::kVectorMasked);
  rig.program_msix(2, 0xFEE02003, 0x55, false);
  CHECK(rig.peek(kMsixBar + 2 * 16, 4) == 0xFEE02000);  // address bits 1:0 read 0
  CHECK(rig.peek(kMsixBar + 2 * 16 + 8, 4) == 0x55);
  CHECK(rig.peek(kMsixBar + 2 * 16, 8) == 0xFEE02000);  // qword read
  CHECK_FALSE(rig.fn.msix().notify(2));                 // MSI-X not enabled
  rig.write(kMsixControl, PciMsix::kEnable, 2);
  CHECK(rig.fn.msix().notify(2));
  REQUIRE(rig.msi.messages.size() == 1);
  CHECK(rig.msi.messages[0].first == MsiMessage{0xFEE02000, 0x55});
  // Vector 0 is still masked from reset: pending in the PBA instead.
  CHECK_FALSE(rig.fn.msix().notify(0));
  CHECK(rig.peek(kPba, 8) == 0b1);
  CHECK(rig.msi.messages.size() == 1);
}

TEST_CASE("msix: function mask and vector masks hold messages pending until cleared", "[msix]") {
  MsiRig rig;
  rig.map_msix();
  rig.program_msix(0, 0xFEE00000, 0x40, false);
  rig.program_msix(1, 0xFEE00000, 0x41, true);
  rig.write(kMsixControl, PciMsix::kEnable | PciMsix::kFunctionMask, 2);
  CHECK_FALSE(rig.fn.msix().notify(0));
  CHECK_FALSE(rig.fn.msix().notify(1));
  CHECK(rig.peek(kPba, 4) == 0b11);
  rig.poke(kPba, 0, 4);  // the PBA is read-only
  CHECK(rig.peek(kPba, 4) == 0b11);
  rig.write(kMsixControl, PciMsix::kEnable, 2);  // function unmasked: vector 0 goes
  REQUIRE(rig.msi.messages.size() == 1);
  CHECK(rig.msi.messages[0].first.data == 0x40);
  CHECK(rig.peek(kPba, 4) == 0b10);
  rig.poke(kMsixBar + 16 + PciMsix::kEntryVectorControl, 0, 4);  // vector 1 unmasked
  REQUIRE(rig.msi.messages.size() == 2);
  CHECK(rig.msi.messages[1].first.data == 0x41);
  CHECK(rig.peek(kPba, 4) == 0);
  // Enabling MSI-X takes INTx# away too.
  rig.fn.set_intx(true);
  CHECK_FALSE(rig.fn.intx_line().level());
}

TEST_CASE("msix: reset masks every vector again and snapshot keeps the table", "[msix]") {
  MsiRig rig;
  rig.map_msix();
  rig.program_msix(3, 0xFEE03000, 0x77, false);
  Archive saver = Archive::for_saving();
  {
    ArchiveSection section(saver, "testdev", 1);
    rig.fn.serialize(saver);
  }
  const std::vector<u8> bytes = saver.finish();
  rig.machine.reset();
  CHECK(rig.fn.msix().vector_masked(3));
  CHECK(rig.fn.msix().message(3) == MsiMessage{});
  Archive loader = Archive::for_loading(bytes);
  {
    ArchiveSection section(loader, "testdev", 1);
    rig.fn.serialize(loader);
  }
  CHECK_FALSE(rig.fn.msix().vector_masked(3));
  CHECK(rig.fn.msix().message(3) == MsiMessage{0xFEE03000, 0x77});
  CHECK(rig.peek(kMsixBar + 3 * 16 + 8, 4) == 0x77);  // the BAR decodes again after loading
}

}  // namespace
}  // namespace glasspc

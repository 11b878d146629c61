// Register-level tests of the PCI function model: header, BAR sizing and relocation, command
// register gating, status bits, capabilities, INTx# and type 1 headers.
#include "bus/pci/pci_function.h"

#include <catch2/catch.hpp>

#include "bus/dma_space.h"
#include "bus/trace.h"
#include "tests/chipset/pci/pci_rig.h"

namespace glasspc {
namespace {

using test::PciRig;
using test::TestFunction;

constexpr u8 kSlot = 3;
constexpr u8 kBar0 = pci::kBar0;
constexpr u8 kBar1 = pci::kBar0 + 4;
constexpr u8 kBar2 = pci::kBar0 + 8;
constexpr u8 kBar3 = pci::kBar0 + 12;
constexpr u8 kBar5 = pci::kBar0 + 20;

struct FunctionRig : PciRig {
  TestFunction& fn;
  FunctionRig() : fn(machine.add_device<TestFunction>("testdev", bus, kSlot)) {}
  u32 read(u8 reg, unsigned size = 4) { return config_read(kSlot, 0, reg, size); }
  void write(u8 reg, u32 value, unsigned size = 4) { config_write(kSlot, 0, reg, value, size); }
  u32 size_bar(u8 reg) {
    const u32 saved = read(reg);
    write(reg, 0xFFFFFFFF);
    const u32 mask = read(reg);
    write(reg, saved);
    return mask;
  }
  void command(u16 value) { write(pci::kCommand, value, 2); }
};

TEST_CASE("pci: header identity is read-only and the command register keeps defined bits",
          "[pci]") {
  FunctionRig rig;
  CHECK(rig.read(pci::kVendorId) == 0xBEEF1234);
  rig.write(pci::kVendorId, 0);
  CHECK(rig.read(pci::kVendorId) == 0xBEEF1234);
  CHECK(rig.read(pci::kRevisionId, 1) == 7);
  CHECK(rig.read(pci::kInterruptPin, 1) == pci::kIntA);
  rig.write(pci::kInterruptPin, 3, 1);
  CHECK(rig.read(pci::kInterruptPin, 1) == pci::kIntA);
  rig.write(pci::kInterruptLine, 11, 1);
  CHECK(rig.read(pci::kInterruptLine, 1) == 11);
  CHECK(rig.read(pci::kCommand, 2) == 0);
  rig.command(0xFFFF);
  CHECK(rig.read(pci::kCommand, 2) == 0x0547);
  CHECK(rig.read(pci::kExpansionRomType0) == 0);
  rig.write(pci::kExpansionRomType0, 0xFFFFFFFF);
  CHECK(rig.read(pci::kExpansionRomType0) == 0);  // no expansion ROM: hardwired to 0
}

TEST_CASE("pci: sizing an I/O BAR reads back the size mask with the I/O bit", "[pci][bar]") {
  FunctionRig rig;
  CHECK(rig.read(kBar0) == pci::kBarIoSpace);
  CHECK(rig.size_bar(kBar0) == 0xFFFFFFE1);  // 32 ports
  CHECK(rig.read(kBar0) == pci::kBarIoSpace);
  rig.write(kBar0, 0xC01F);  // low bits below the size are hardwired
  CHECK(rig.read(kBar0) == 0xC001);
}

TEST_CASE("pci: sizing a 32-bit memory BAR", "[pci][bar]") {
  FunctionRig rig;
  CHECK(rig.read(kBar1) == 0);  // memory, 32-bit, not prefetchable
  CHECK(rig.size_bar(kBar1) == 0xFFFFF000);
  rig.write(kBar1, 0xFEBF1234);
  CHECK(rig.read(kBar1) == 0xFEBF1000);
}

TEST_CASE("pci: sizing a 64-bit prefetchable BAR uses both dwords", "[pci][bar]") {
  FunctionRig rig;
  CHECK(rig.read(kBar2) == (pci::kBarMemType64 | pci::kBarMemPrefetchable));
  CHECK(rig.size_bar(kBar2) == (0xFFF00000 | pci::kBarMemType64 | pci::kBarMemPrefetchable));
  CHECK(rig.size_bar(kBar3) == 0xFFFFFFFF);
  // Unimplemented BAR 5 reads 0 and ignores writes.
  CHECK(rig.size_bar(kBar5) == 0);
}

TEST_CASE("pci: an I/O BAR moves live: the new base decodes, the old one is unassigned",
          "[pci][bar]") {
  FunctionRig rig;
  rig.write(kBar0, 0xC000);
  rig.command(pci::kCommandIoSpace);
  CHECK(rig.fn.bar_decoded_at(0) == std::optional<u64>(0xC000));
  rig.out(0xC005, 0x5A);
  CHECK(rig.fn.io_regs[5] == 0x5A);
  CHECK(rig.in(0xC005) == 0x5A);
  rig.write(kBar0, 0xD000);
  CHECK(rig.in(0xD005) == 0x5A);
  const u64 unclaimed = rig.machine.ports().unclaimed_reads();
  CHECK(rig.in(0xC005) == 0xFF);
  CHECK(rig.machine.ports().unclaimed_reads() == unclaimed + 1);
  CHECK(rig.machine.ports().owner(0xD01F) == "testdev.bar0");
  CHECK(rig.machine.ports().owner(0xD020).empty());
}

TEST_CASE("pci: a memory BAR moves live and a 64-bit BAR can sit above 4 GiB", "[pci][bar]") {
  FunctionRig rig;
  rig.write(kBar1, 0xFEB00000);
  rig.command(pci::kCommandMemorySpace);
  CHECK(rig.peek(0xFEB00010, 4) == 0xA0000010);
  rig.write(kBar1, 0xFEC10000);
  CHECK(rig.peek(0xFEC10010, 4) == 0xA0000010);
  CHECK(rig.peek(0xFEB00010, 4) == 0xFFFFFFFF);
  rig.poke(0xFEC10020, 0x1234, 4);
  REQUIRE(rig.fn.writes.size() == 1);
  CHECK(rig.fn.writes[0] == std::pair<u64, u64>(0x20, 0x1234));
  rig.write(kBar2, 0x00000000);
  rig.write(kBar3, 0x00000001);  // 0x1_0000_0000
  CHECK(rig.fn.bar_decoded_at(2) == std::optional<u64>(0x100000000));
  CHECK(rig.peek(0x100000008, 4) == 0xA0000008);
  // A BAR over RAM wins; moved away, RAM shows again.
  rig.machine.memory().ram()[0x100000] = 0x66;
  rig.write(kBar1, 0x00100000);
  CHECK(rig.peek(0x100000, 4) == 0xA0000000);
  rig.write(kBar1, 0xFEB00000);
  CHECK(rig.peek(0x100000) == 0x66);
}

TEST_CASE("pci: the all-ones sizing pattern and address 0 do not decode", "[pci][bar]") {
  FunctionRig rig;
  rig.command(pci::kCommandIoSpace | pci::kCommandMemorySpace);
  CHECK_FALSE(rig.fn.bar_decoded_at(0));
  CHECK_FALSE(rig.fn.bar_decoded_at(1));
  rig.write(kBar1, 0xFFFFFFFF);
  rig.write(kBar0, 0xFFFFFFFF);
  CHECK_FALSE(rig.fn.bar_decoded_at(1));
  CHECK_FALSE(rig.fn.bar_decoded_at(0));
  CHECK(rig.peek(0xFFFFF000, 4) == 0xFFFFFFFF);
}

TEST_CASE("pci: an I/O BAR moved onto claimed ports does not decode and recovers when moved",
          "[pci][bar]") {
  FunctionRig rig;
  rig.command(pci::kCommandIoSpace);
  rig.write(kBar0, 0x0CE0);  // 0xCE0-0xCFF overlaps CONFIG_ADDRESS/CONFIG_DATA
  CHECK_FALSE(rig.fn.bar_decoded_at(0));
  CHECK(rig.machine.ports().owner(0xCE0).empty());
  CHECK(rig.config_read(kSlot, 0, pci::kVendorId, 2) == 0x1234);  // the host bridge still works
  rig.write(kBar0, 0xC000);
  CHECK(rig.fn.bar_decoded_at(0) == std::optional<u64>(0xC000));
  rig.out(0xC001, 0x77);
  CHECK(rig.fn.io_regs[1] == 0x77);
}

TEST_CASE("pci: command register gates I/O and memory decode", "[pci][command]") {
  FunctionRig rig;
  rig.write(kBar0, 0xC000);
  rig.write(kBar1, 0xFEB00000);
  rig.fn.io_regs[0] = 0x3C;
  CHECK(rig.in(0xC000) == 0xFF);
  CHECK(rig.peek(0xFEB00000, 4) == 0xFFFFFFFF);
  rig.command(pci::kCommandIoSpace);
  CHECK(rig.in(0xC000) == 0x3C);
  CHECK(rig.peek(0xFEB00000, 4) == 0xFFFFFFFF);
  rig.command(pci::kCommandMemorySpace);
  CHECK(rig.in(0xC000) == 0xFF);
  CHECK(rig.peek(0xFEB00000, 4) == 0xA0000000);
  rig.command(0);
  CHECK(rig.peek(0xFEB00000, 4) == 0xFFFFFFFF);
}

TEST_CASE("pci: bus master enable gates the function's DMA", "[pci][command]") {
  FunctionRig rig;
  const u32 value = 0xCAFEF00D;
  CHECK_FALSE(rig.fn.dma().bus_master());
  CHECK(rig.fn.dma().write(0x1000, &value, 4) == DmaStatus::BusMasterDisabled);
  CHECK(rig.peek(0x1000, 4) == 0);
  rig.command(pci::kCommandBusMaster);
  CHECK(rig.fn.dma().bus_master());
  CHECK(rig.fn.dma().write(0x1000, &value, 4) == DmaStatus::Ok);
  CHECK(rig.peek(0x1000, 4) == 0xCAFEF00D);
  CHECK(&rig.fn.dma() == &rig.machine.dma(RequesterId::of(0, kSlot, 0)));
  rig.command(0);
  CHECK(rig.fn.dma().write(0x2000, &value, 4) == DmaStatus::BusMasterDisabled);
  CHECK(rig.peek(0x2000, 4) == 0);
}

TEST_CASE("pci: status error bits clear by writing 1, read-only bits stay", "[pci][status]") {
  FunctionRig rig;
  const u16 errors = pci::kStatusReceivedMasterAbort | pci::kStatusDetectedParityError |
                     pci::kStatusSignaledTargetAbort;
  rig.fn.set_config_value(pci::kStatus, rig.fn.status() | errors, 2);
  CHECK((rig.read(pci::kStatus, 2) & errors) == errors);
  rig.write(pci::kStatus, pci::kStatusReceivedMasterAbort, 2);
  CHECK((rig.read(pci::kStatus, 2) & errors) ==
        (pci::kStatusDetectedParityError | pci::kStatusSignaledTargetAbort));
  rig.write(pci::kStatus, 0, 2);  // writing 0 changes nothing
  CHECK((rig.read(pci::kStatus, 2) & errors) ==
        (pci::kStatusDetectedParityError | pci::kStatusSignaledTargetAbort));
  rig.write(pci::kStatus, 0xFFFF, 2);
  CHECK(rig.read(pci::kStatus, 2) == pci::kStatusCapabilitiesList);
  // A dword write to the command register with zeros in the status half keeps the status.
  rig.fn.set_config_value(pci::kStatus, rig.fn.status() | errors, 2);
  rig.write(pci::kCommand, pci::kCommandMemorySpace);
  CHECK((rig.read(pci::kStatus, 2) & errors) == errors);
}

TEST_CASE("pci: capabilities list walks from 0x34 through MSI and MSI-X to the end",
          "[pci][caps]") {
  FunctionRig rig;
  REQUIRE((rig.read(pci::kStatus, 2) & pci::kStatusCapabilitiesList) != 0);
  std::vector<std::pair<u8, u8>> found;  // (offset, id)
  u8 next = static_cast<u8>(rig.read(pci::kCapabilitiesPointer, 1) & pci::kCapabilityPointerMask);
  while (next != 0 && found.size() < 48) {
    found.emplace_back(next, static_cast<u8>(rig.read(next, 1)));
    next = static_cast<u8>(rig.read(next + 1, 1) & pci::kCapabilityPointerMask);
  }
  REQUIRE(found.size() == 2);
  CHECK(found[0] == std::pair<u8, u8>(TestFunction::kMsiOffset, pci::kCapabilityIdMsi));
  CHECK(found[1] == std::pair<u8, u8>(TestFunction::kMsixOffset, pci::kCapabilityIdMsix));
  rig.write(TestFunction::kMsiOffset, 0xFFFF, 2);  // ID and next pointer are read-only
  CHECK(rig.read(TestFunction::kMsiOffset, 2) == (TestFunction::kMsixOffset << 8 | 0x05));
  // The host bridge has none.
  CHECK((rig.config_read(0, 0, pci::kStatus, 2) & pci::kStatusCapabilitiesList) == 0);
}

TEST_CASE("pci: INTx follows Interrupt Disable while Interrupt Status shows the condition",
          "[pci][intx]") {
  FunctionRig rig;
  test::IrqProbe probe;
  // Slot 3 INTA# drives PIRQC (device 1's INTA# is PIRQA).
  CHECK(PciBus::pirq_of(kSlot, pci::kIntA) == 2);
  rig.bus.pirq(2).connect(probe, 0);
  rig.fn.set_intx(true);
  CHECK(probe.level[0]);
  CHECK((rig.read(pci::kStatus, 2) & pci::kStatusInterrupt) != 0);
  rig.command(pci::kCommandInterruptDisable);
  CHECK_FALSE(probe.level[0]);
  CHECK((rig.read(pci::kStatus, 2) & pci::kStatusInterrupt) != 0);
  rig.command(0);
  CHECK(probe.level[0]);
  rig.fn.set_intx(false);
  CHECK_FALSE(probe.level[0]);
  CHECK((rig.read(pci::kStatus, 2) & pci::kStatusInterrupt) == 0);
  // Interrupt Status is read-only.
  rig.write(pci::kStatus, pci::kStatusInterrupt, 2);
  CHECK((rig.read(pci::kStatus, 2) & pci::kStatusInterrupt) == 0);
}

TEST_CASE("pci: machine reset turns decode, bus mastering and INTx off", "[pci]") {
  FunctionRig rig;
  rig.write(kBar0, 0xC000);
  rig.command(pci::kCommandIoSpace | pci::kCommandBusMaster);
  rig.fn.set_intx(true);
  rig.machine.reset();
  CHECK(rig.read(kBar0) == pci::kBarIoSpace);
  CHECK_FALSE(rig.fn.bar_decoded_at(0));
  CHECK_FALSE(rig.fn.dma().bus_master());
  CHECK_FALSE(rig.fn.intx_line().level());
  CHECK(rig.machine.ports().owner(0xC000).empty());
}

// A bridge whose secondary bus holds one function.
class TestBridge : public PciFunction {
 public:
  TestBridge(PciBus& bus, Machine& machine)
      : PciFunction("bridge", bus, 4, 0, identity()), m_secondary("pci.1", machine, 1) {}
  static PciIdentity identity() {
    PciIdentity id;
    id.vendor_id = 0x8086;
    id.device_id = 0x1234;
    id.class_code = 0x06;
    id.subclass = 0x04;
    id.bridge = true;
    return id;
  }
  PciBus* secondary_bus() override { return &m_secondary; }
  PciBus& secondary() { return m_secondary; }

 private:
  PciBus m_secondary;
};

TEST_CASE("pci: type 1 header registers and configuration cycles forwarded through a bridge",
          "[pci][bridge]") {
  PciRig rig;
  auto& bridge = rig.machine.add_device<TestBridge>(rig.bus, rig.machine);
  auto& behind = rig.machine.add_device<TestFunction>("behind", bridge.secondary(), 0);
  CHECK(rig.config_read(4, 0, pci::kHeaderType, 1) == 0x01);
  rig.config_write(4, 0, pci::kPrimaryBus, 0x00050200, 4);  // primary 0, secondary 2, sub 5
  CHECK(rig.config_read(4, 0, pci::kPrimaryBus, 4) == 0x00050200);
  CHECK(rig.config_read(4, 0, pci::kIoBase, 1) == 0x00);
  rig.config_write(4, 0, pci::kIoBase, 0xFF, 1);
  CHECK(rig.config_read(4, 0, pci::kIoBase, 1) == 0xF0);
  rig.config_write(4, 0, pci::kMemoryBase, 0xFFFFFFFF, 4);
  CHECK(rig.config_read(4, 0, pci::kMemoryBase, 4) == 0xFFF0FFF0);
  CHECK(rig.config_read(4, 0, pci::kPrefetchBase, 2) == 0x0001);  // 64-bit window
  // A bridge has two BARs; offset 0x18 is the bus number register, not BAR 2.
  CHECK(rig.config_read(4, 0, pci::kBar0, 4) == 0);
  // Bus 2 is behind the bridge; bus 6 is outside its range.
  CHECK(rig.config_read(0, 0, pci::kVendorId, 4, 2) == 0xBEEF1234);
  CHECK(rig.config_read(0, 0, pci::kVendorId, 4, 6) == 0xFFFFFFFF);
  CHECK(rig.config_read(0, 0, pci::kVendorId, 4, 3) == 0xFFFFFFFF);  // bus 3: nobody there
  rig.config_write(0, 0, pci::kInterruptLine, 10, 1, 2);
  CHECK(behind.config_value(pci::kInterruptLine, 1) == 10);
}

TEST_CASE("pci: configuration cycles and BAR changes are traced", "[pci][trace]") {
  FunctionRig rig;
  auto sink = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink* lines = sink.get();
  rig.machine.trace().set_sink(std::move(sink));
  rig.machine.trace().set_mask(static_cast<u32>(TraceCategory::Pci));
  rig.write(kBar0, 0xC000);
  rig.command(pci::kCommandIoSpace);
  rig.read(pci::kVendorId);
  rig.config_read(9, 0, 0, 4);
  bool saw_write = false, saw_map = false, saw_abort = false;
  for (const std::string& line : lines->lines()) {
    saw_write |= line.find("00:03.0 config write") != std::string::npos;
    saw_map |=
        line.find("bar map") != std::string::npos && line.find("0xc000") != std::string::npos;
    saw_abort |= line.find("master abort") != std::string::npos;
  }
  CHECK(saw_write);
  CHECK(saw_map);
  CHECK(saw_abort);
}

}  // namespace
}  // namespace glasspc

#include "bus/dma_space.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "bus/clock.h"
#include "bus/memory_map.h"
#include "bus/trace.h"

namespace glasspc {
namespace {

constexpr RequesterId kNic = RequesterId::of(0, 3, 0);

struct Bench {
  Clock clock;
  Trace trace{clock};
  MemoryTraceSink* sink = nullptr;
  MemoryMap memory{trace};
  DmaSpace dma{kNic, memory, trace};

  Bench() {
    auto owned = std::make_unique<MemoryTraceSink>();
    sink = owned.get();
    trace.set_sink(std::move(owned));
    memory.allocate_ram(0x100000);
    memory.add_ram("ram", 0, 0x100000, 0);
  }
  bool traced(const std::string& needle) const {
    for (const auto& line : sink->lines())
      if (line.find(needle) != std::string::npos) return true;
    return false;
  }
};

// Maps each 4 KiB IOVA page to a GPA page through a table; pages not in the table fault.
// Interrupt messages can be rewritten or blocked.
struct FakeIommu : DmaTranslator {
  std::vector<std::pair<u64, u64>> pages;  // iova page -> gpa page
  struct Call {
    RequesterId requester;
    u64 iova;
    u64 length;
    DmaAccess access;
  };
  std::vector<Call> calls;
  bool block_interrupts = false;
  u32 remapped_data = 0;
  u64 remapped_address = 0;
  std::vector<MsiMessage> remap_requests;

  DmaTranslation translate(RequesterId requester, u64 iova, u64 length, DmaAccess access) override {
    calls.push_back({requester, iova, length, access});
    for (const auto& [from, to] : pages) {
      if ((iova & ~kPageMask) != from) continue;
      const u64 in_page = kPageSize - (iova & kPageMask);
      return {true, to + (iova & kPageMask), std::min(length, in_page)};
    }
    return {};
  }
  bool remap_interrupt(RequesterId, MsiMessage& message) override {
    remap_requests.push_back(message);
    if (block_interrupts) return false;
    if (remapped_address != 0) message.address = remapped_address;
    if (remapped_data != 0) message.data = remapped_data;
    return true;
  }
};

struct FakeInterruptFabric : InterruptMessageSink {
  std::vector<std::pair<MsiMessage, RequesterId>> delivered;
  void deliver_msi(const MsiMessage& message, RequesterId requester) override {
    delivered.emplace_back(message, requester);
  }
};

std::vector<u8> ramp(std::size_t size) {
  std::vector<u8> bytes(size);
  std::iota(bytes.begin(), bytes.end(), u8{1});
  return bytes;
}

TEST_CASE("dma: without a translator addresses are guest-physical", "[dma]") {
  Bench bench;
  const auto data = ramp(0x20);
  CHECK(bench.dma.write(0x1000, data.data(), data.size()) == DmaStatus::Ok);
  CHECK(std::equal(data.begin(), data.end(), bench.memory.ram() + 0x1000));

  std::vector<u8> back(0x20);
  CHECK(bench.dma.read(0x1000, back.data(), back.size()) == DmaStatus::Ok);
  CHECK(back == data);
  CHECK(bench.dma.requester() == kNic);
  CHECK(bench.dma.faults() == 0);
}

TEST_CASE("dma: read_u32 and write_u32 are little-endian", "[dma]") {
  Bench bench;
  CHECK(bench.dma.write_u32(0x2000, 0x11223344) == DmaStatus::Ok);
  CHECK(bench.memory.ram()[0x2000] == 0x44);
  CHECK(bench.memory.ram()[0x2003] == 0x11);
  u32 value = 0;
  CHECK(bench.dma.read_u32(0x2001, value) == DmaStatus::Ok);
  CHECK(value == 0x00112233);
}

TEST_CASE("dma: a translator is asked per contiguous chunk and its addresses are used", "[dma]") {
  Bench bench;
  FakeIommu iommu;
  // IOVA pages 0x10000, 0x11000 land on scattered guest pages.
  iommu.pages = {{0x10000, 0x7000}, {0x11000, 0x3000}};
  bench.dma.set_translator(&iommu);

  const auto data = ramp(0x1800);
  CHECK(bench.dma.write(0x10800, data.data(), data.size()) == DmaStatus::Ok);
  REQUIRE(iommu.calls.size() == 2);
  CHECK(iommu.calls[0].iova == 0x10800);
  CHECK(iommu.calls[0].length == 0x1800);
  CHECK(iommu.calls[0].access == DmaAccess::Write);
  CHECK(iommu.calls[0].requester == kNic);
  CHECK(iommu.calls[1].iova == 0x11000);
  CHECK(iommu.calls[1].length == 0x1000);
  CHECK(std::equal(data.begin(), data.begin() + 0x800, bench.memory.ram() + 0x7800));
  CHECK(std::equal(data.begin() + 0x800, data.end(), bench.memory.ram() + 0x3000));
  // Untranslated addresses were not touched.
  CHECK(bench.memory.ram()[0x10800] == 0);

  std::vector<u8> back(0x1800);
  CHECK(bench.dma.read(0x10800, back.data(), back.size()) == DmaStatus::Ok);
  CHECK(back == data);
  CHECK(iommu.calls.back().access == DmaAccess::Read);
}

TEST_CASE("dma: a translation fault stops the transfer, is counted and traced", "[dma]") {
  Bench bench;
  bench.trace.set_mask(static_cast<u32>(TraceCategory::Iommu));
  FakeIommu iommu;
  iommu.pages = {{0x10000, 0x5000}};  // 0x11000 is not mapped
  bench.dma.set_translator(&iommu);

  std::vector<u8> data(0x1000, 0xab);
  CHECK(bench.dma.write(0x10800, data.data(), data.size()) == DmaStatus::IommuFault);
  CHECK(bench.dma.faults() == 1);
  // The chunk before the fault was written; nothing after it.
  CHECK(bench.memory.ram()[0x5800] == 0xab);
  CHECK(bench.memory.ram()[0x5fff] == 0xab);
  CHECK(bench.memory.ram()[0x6000] == 0);
  CHECK(bench.traced("iommu 00:03.0 fault requester=0x18 iova=0x11000 access=0x2"));

  std::vector<u8> back(0x1000, 0);
  CHECK(bench.dma.read(0x10800, back.data(), back.size()) == DmaStatus::IommuFault);
  CHECK(bench.dma.faults() == 2);
  CHECK(back[0x7ff] == 0xab);
  CHECK(back[0x800] == 0xff);  // what was not read reads as a master abort
}

TEST_CASE("dma: with bus mastering off nothing reaches memory or the interrupt fabric", "[dma]") {
  Bench bench;
  FakeIommu iommu;
  iommu.pages = {{0x0, 0x0}};
  FakeInterruptFabric fabric;
  bench.dma.set_translator(&iommu);
  bench.dma.set_interrupt_sink(&fabric);
  bench.dma.set_bus_master(false);
  CHECK_FALSE(bench.dma.bus_master());

  const u32 value = 0xdeadbeef;
  CHECK(bench.dma.write(0x100, &value, 4) == DmaStatus::BusMasterDisabled);
  CHECK(bench.memory.ram()[0x100] == 0);
  bench.memory.ram()[0x200] = 0x42;
  u32 read_back = 0;
  CHECK(bench.dma.read_u32(0x200, read_back) == DmaStatus::BusMasterDisabled);
  CHECK(read_back == 0xffffffff);
  CHECK(bench.dma.signal_msi(0xfee00000, 0x30) == DmaStatus::BusMasterDisabled);
  CHECK(fabric.delivered.empty());
  CHECK(iommu.calls.empty());
  CHECK(iommu.remap_requests.empty());

  bench.dma.set_bus_master(true);
  CHECK(bench.dma.write(0x100, &value, 4) == DmaStatus::Ok);
  CHECK(bench.memory.ram()[0x100] == 0xef);
}

TEST_CASE("dma: an MSI write reaches the interrupt fabric with address and data intact", "[dma]") {
  Bench bench;
  bench.trace.set_mask(static_cast<u32>(TraceCategory::Msi));
  FakeInterruptFabric fabric;
  bench.dma.set_interrupt_sink(&fabric);
  // Something decodes the window for CPU accesses; device MSI writes must not land there.
  std::vector<u64> lapic_writes;
  MmioOps lapic;
  lapic.write = [&](u64 offset, u64, unsigned) { lapic_writes.push_back(offset); };
  lapic.read = [](u64, unsigned) { return u64{0}; };
  bench.memory.add_mmio("lapic", kMsiWindowBase, 0x1000, std::move(lapic));

  CHECK(bench.dma.signal_msi(0xfee0100c, 0x4041) == DmaStatus::Ok);
  REQUIRE(fabric.delivered.size() == 1);
  CHECK(fabric.delivered[0].first == MsiMessage{0xfee0100c, 0x4041});
  CHECK(fabric.delivered[0].second == kNic);
  CHECK(lapic_writes.empty());
  CHECK(bench.traced("msi   00:03.0 message requester=0x18 addr=0xfee0100c data=0x4041"));

  // Not a dword: an ordinary memory write, which the window's decoder receives.
  const u16 half = 0x55;
  CHECK(bench.dma.write(0xfee00000, &half, 2) == DmaStatus::Ok);
  CHECK(fabric.delivered.size() == 1);
  CHECK(lapic_writes.size() == 1);
}

TEST_CASE("dma: an MSI without an interrupt fabric is dropped harmlessly", "[dma]") {
  Bench bench;
  CHECK(bench.dma.signal_msi(0xfee00000, 0x31) == DmaStatus::Ok);
  CHECK(bench.memory.unassigned_accesses() == 0);
}

TEST_CASE("dma: interrupt remapping may rewrite an MSI and is not DMA-translated", "[dma]") {
  Bench bench;
  FakeIommu iommu;  // no DMA mappings at all
  FakeInterruptFabric fabric;
  iommu.remapped_address = 0xfee02000;
  iommu.remapped_data = 0x4051;
  bench.dma.set_translator(&iommu);
  bench.dma.set_interrupt_sink(&fabric);

  CHECK(bench.dma.signal_msi(0xfee00010, 0x8001) == DmaStatus::Ok);
  REQUIRE(iommu.remap_requests.size() == 1);
  CHECK(iommu.remap_requests[0] == MsiMessage{0xfee00010, 0x8001});
  CHECK(iommu.calls.empty());
  REQUIRE(fabric.delivered.size() == 1);
  CHECK(fabric.delivered[0].first == MsiMessage{0xfee02000, 0x4051});
  CHECK(bench.dma.faults() == 0);
}

TEST_CASE("dma: interrupt remapping may block an MSI, which counts as a fault", "[dma]") {
  Bench bench;
  bench.trace.set_mask(static_cast<u32>(TraceCategory::Msi));
  FakeIommu iommu;
  FakeInterruptFabric fabric;
  iommu.block_interrupts = true;
  bench.dma.set_translator(&iommu);
  bench.dma.set_interrupt_sink(&fabric);

  CHECK(bench.dma.signal_msi(0xfee00000, 0x21) == DmaStatus::IommuFault);
  CHECK(fabric.delivered.empty());
  CHECK(bench.dma.faults() == 1);
  CHECK(bench.traced("msi   00:03.0 blocked"));
}

TEST_CASE("dma: every transfer is traced with requester, address and length", "[dma]") {
  Bench bench;
  bench.trace.set_mask(static_cast<u32>(TraceCategory::Dma));
  std::vector<u8> data(0x10, 1);
  bench.dma.write(0x1000, data.data(), data.size());
  bench.dma.read(0x2000, data.data(), 8);
  CHECK(bench.traced("dma   00:03.0 write requester=0x18 addr=0x1000 length=0x10"));
  CHECK(bench.traced("dma   00:03.0 read requester=0x18 addr=0x2000 length=0x8"));
  CHECK(bench.sink->lines().size() == 2);
}

TEST_CASE("dma: transfers over unassigned space read all ones and drop writes", "[dma]") {
  Bench bench;
  std::vector<u8> buffer(8, 0);
  CHECK(bench.dma.read(0x200000, buffer.data(), buffer.size()) == DmaStatus::Ok);
  CHECK(buffer == std::vector<u8>(8, 0xff));
  CHECK(bench.dma.write(0x200000, buffer.data(), buffer.size()) == DmaStatus::Ok);
  CHECK(bench.memory.unassigned_accesses() == 2);
}

}  // namespace
}  // namespace glasspc

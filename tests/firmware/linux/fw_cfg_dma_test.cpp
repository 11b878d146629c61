// Tests for firmware/fw_cfg's DMA interface: access structures in guest RAM, transfers through
// the device's DmaSpace.
#include <catch2/catch.hpp>

#include "bus/archive.h"
#include "firmware/fw_cfg.h"
#include "tests/firmware/firmware_test_support.h"
#include "tests/firmware/linux/fw_cfg_board.h"

namespace glasspc::firmware {

namespace {

constexpr u64 kAccess = 0x8000;   // the FWCfgDmaAccess structure
constexpr u64 kBuffer = 0x10000;  // where data goes

u32 select_control(u16 key, u32 operation) {
  return (u32{key} << 16) | fw_cfg::kDmaSelect | operation;
}

}  // namespace

TEST_CASE("fw_cfg DMA: select and read copy an item into guest memory", "[fw_cfg]") {
  test::FwCfgBoard board;
  const std::vector<u8> tables = test::pattern(5000, 4);
  board.fw_cfg().add_file("etc/acpi/tables", tables);
  const u16 key = *board.fw_cfg().file_key("etc/acpi/tables");
  board.fill(kBuffer, 6000, 0xEE);

  board.dma(kAccess, select_control(key, fw_cfg::kDmaRead), 5000, kBuffer);
  CHECK(board.dma_control(kAccess) == 0);  // all bits clear: done, no error
  CHECK(test::difference(board.memory(kBuffer, 5000), tables) == "");
  CHECK(board.memory(kBuffer + 5000, 1)[0] == 0xEE);
  CHECK(board.fw_cfg().selector() == key);
  CHECK(board.fw_cfg().data_offset() == 5000);
}

TEST_CASE("fw_cfg DMA: skip advances the offset, a later read continues there", "[fw_cfg]") {
  test::FwCfgBoard board;
  const std::vector<u8> content = test::pattern(64, 2);
  board.fw_cfg().add_file("etc/x", content);
  const u16 key = *board.fw_cfg().file_key("etc/x");

  board.dma(kAccess, select_control(key, fw_cfg::kDmaSkip), 10, kBuffer);
  CHECK(board.dma_control(kAccess) == 0);
  CHECK(board.fw_cfg().data_offset() == 10);
  // No select this time: the read continues from the current item and offset.
  board.dma(kAccess, fw_cfg::kDmaRead, 8, kBuffer);
  CHECK(board.dma_control(kAccess) == 0);
  CHECK(board.memory(kBuffer, 8) == std::vector<u8>(content.begin() + 10, content.begin() + 18));
  // The port interface shares the offset.
  CHECK(board.read(1)[0] == content[18]);
}

TEST_CASE("fw_cfg DMA: reading past the end gives zeros", "[fw_cfg]") {
  test::FwCfgBoard board;
  board.fill(kBuffer, 16, 0xEE);
  board.dma(kAccess, select_control(fw_cfg::kSignature, fw_cfg::kDmaRead), 10, kBuffer);
  CHECK(board.dma_control(kAccess) == 0);
  const std::vector<u8> expected{'Q', 'E', 'M', 'U', 0, 0, 0, 0, 0, 0, 0xEE};
  CHECK(board.memory(kBuffer, 11) == expected);
  // A key with no item reads as zeros too.
  board.fill(kBuffer, 16, 0xEE);
  board.dma(kAccess, select_control(0x3000, fw_cfg::kDmaRead), 16, kBuffer);
  CHECK(board.dma_control(kAccess) == 0);
  CHECK(board.memory(kBuffer, 16) == std::vector<u8>(16, 0));
}

TEST_CASE("fw_cfg DMA: a write to a read-only item sets the error bit", "[fw_cfg]") {
  test::FwCfgBoard board;
  board.fill(kBuffer, 4, 'X');
  board.dma(kAccess, select_control(fw_cfg::kSignature, fw_cfg::kDmaWrite), 4, kBuffer);
  CHECK(board.dma_control(kAccess) == fw_cfg::kDmaError);
  CHECK(*board.fw_cfg().item(fw_cfg::kSignature) == std::vector<u8>{'Q', 'E', 'M', 'U'});
  // So does a write to a key without an item.
  board.dma(kAccess, select_control(0x0D, fw_cfg::kDmaWrite), 4, kBuffer);
  CHECK(board.dma_control(kAccess) == fw_cfg::kDmaError);
}

TEST_CASE("fw_cfg DMA: a writable file takes writes within its size only", "[fw_cfg]") {
  test::FwCfgBoard board;
  board.fw_cfg().add_file("etc/smi/features-ok", {0, 0, 0, 0}, FwCfgAccess::Writable);
  const u16 key = *board.fw_cfg().file_key("etc/smi/features-ok");
  const std::vector<u8> data{1, 2, 3};
  board.machine().memory().write_bytes(kBuffer, data.data(), data.size());

  board.dma(kAccess, select_control(key, fw_cfg::kDmaSkip), 1, 0);
  board.dma(kAccess, fw_cfg::kDmaWrite, 3, kBuffer);
  CHECK(board.dma_control(kAccess) == 0);
  CHECK(*board.fw_cfg().item(key) == std::vector<u8>{0, 1, 2, 3});

  // Two bytes more than the item holds: the whole write is dropped.
  board.dma(kAccess, select_control(key, fw_cfg::kDmaSkip), 3, 0);
  board.dma(kAccess, fw_cfg::kDmaWrite, 3, kBuffer);
  CHECK(board.dma_control(kAccess) == fw_cfg::kDmaError);
  CHECK(*board.fw_cfg().item(key) == std::vector<u8>{0, 1, 2, 3});
}

TEST_CASE("fw_cfg DMA: select alone changes the item and transfers nothing", "[fw_cfg]") {
  test::FwCfgBoard board;
  board.fill(kBuffer, 4, 0xEE);
  board.read_item(fw_cfg::kSignature, 2);
  board.dma(kAccess, select_control(fw_cfg::kId, 0), 4, kBuffer);
  CHECK(board.dma_control(kAccess) == 0);
  CHECK(board.fw_cfg().selector() == fw_cfg::kId);
  CHECK(board.fw_cfg().data_offset() == 0);
  CHECK(board.memory(kBuffer, 4) == std::vector<u8>(4, 0xEE));
}

TEST_CASE("fw_cfg DMA: only the low half starts a transfer, then the register is 0", "[fw_cfg]") {
  test::FwCfgBoard board;
  const u64 access = 0x9000;
  // Prepare the structure but write only the high half: nothing happens.
  board.dma(access, select_control(fw_cfg::kSignature, fw_cfg::kDmaRead), 4, kBuffer);
  REQUIRE(board.memory(kBuffer, 4) == std::vector<u8>{'Q', 'E', 'M', 'U'});
  board.fill(kBuffer, 4, 0);
  board.machine().memory().write(
      access, test::FwCfgBoard::bswap(select_control(fw_cfg::kSignature, fw_cfg::kDmaRead)), 4);
  board.ports().write(FwCfg::kDmaPort, 0, 4);
  CHECK(board.memory(kBuffer, 4) == std::vector<u8>(4, 0));
  CHECK(board.dma_control(access) != 0);
  // The low half alone (high half 0 from the previous write) starts it.
  board.ports().write(FwCfg::kDmaPort + 4, test::FwCfgBoard::bswap(static_cast<u32>(access)), 4);
  CHECK(board.dma_control(access) == 0);
  CHECK(board.memory(kBuffer, 4) == std::vector<u8>{'Q', 'E', 'M', 'U'});
}

TEST_CASE("fw_cfg DMA: a requester without bus mastering transfers nothing", "[fw_cfg]") {
  test::FwCfgBoard board;
  board.fill(kBuffer, 4, 0xEE);
  board.machine().dma(test::kFwCfgRequester).set_bus_master(false);
  board.dma(kAccess, select_control(fw_cfg::kSignature, fw_cfg::kDmaRead), 4, kBuffer);
  // The access structure could not be read, so nothing was selected, read or written back.
  CHECK(board.memory(kBuffer, 4) == std::vector<u8>(4, 0xEE));
  CHECK(board.dma_control(kAccess) == select_control(fw_cfg::kSignature, fw_cfg::kDmaRead));
  CHECK(board.fw_cfg().selector() == fw_cfg::kSignature);
  CHECK(board.machine().dma(test::kFwCfgRequester).requester() == test::kFwCfgRequester);
}

TEST_CASE("fw_cfg DMA: transfers are traced with the requester's DMA", "[fw_cfg]") {
  test::FwCfgBoard board;
  auto sink = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink& lines = *sink;
  board.machine().trace().set_sink(std::move(sink));
  board.machine().trace().set_mask(static_cast<u32>(TraceCategory::Device) |
                                   static_cast<u32>(TraceCategory::Dma));
  board.dma(kAccess, select_control(fw_cfg::kId, fw_cfg::kDmaRead), 4, kBuffer);
  bool saw_device_dma = false;
  bool saw_bus_dma = false;
  for (const std::string& line : lines.lines()) {
    if (line.find("fw_cfg dma") != std::string::npos && line.find("(read)") != std::string::npos)
      saw_device_dma = true;
    // The bus's own event for the data written into RAM, named by requester ID.
    if (line.find("00:00.0 write") != std::string::npos) saw_bus_dma = true;
  }
  CHECK(saw_device_dma);
  CHECK(saw_bus_dma);
}

TEST_CASE("fw_cfg DMA: state and writable files survive a snapshot", "[fw_cfg]") {
  test::FwCfgBoard board;
  board.fw_cfg().add_file("etc/w", {0, 0}, FwCfgAccess::Writable);
  const u16 key = *board.fw_cfg().file_key("etc/w");
  const std::vector<u8> data{7, 8};
  board.machine().memory().write_bytes(kBuffer, data.data(), 2);
  board.dma(kAccess, select_control(key, fw_cfg::kDmaWrite), 2, kBuffer);
  board.select(fw_cfg::kSignature);
  board.read(3);

  Archive saving = Archive::for_saving();
  {
    ArchiveSection section(saving, "fw_cfg", 1);
    board.fw_cfg().serialize(saving);
  }
  const std::vector<u8> bytes = saving.finish();

  test::FwCfgBoard restored;
  restored.fw_cfg().add_file("etc/w", {0, 0}, FwCfgAccess::Writable);
  Archive loading = Archive::for_loading(bytes);
  {
    ArchiveSection section(loading, "fw_cfg", 1);
    restored.fw_cfg().serialize(loading);
  }
  CHECK(restored.fw_cfg().selector() == fw_cfg::kSignature);
  CHECK(restored.fw_cfg().data_offset() == 3);
  CHECK(restored.read(1) == std::vector<u8>{'U'});
  CHECK(*restored.fw_cfg().item(key) == std::vector<u8>{7, 8});
}

}  // namespace glasspc::firmware

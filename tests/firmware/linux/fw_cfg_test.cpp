// Tests for firmware/fw_cfg through its I/O ports: selector, data port, file directory, items.
#include "firmware/fw_cfg.h"

#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "tests/firmware/firmware_test_support.h"
#include "tests/firmware/linux/fw_cfg_board.h"

namespace glasspc::firmware {

namespace {

std::string as_text(const std::vector<u8>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

TEST_CASE("fw_cfg: the signature reads QEMU through the data port", "[fw_cfg]") {
  test::FwCfgBoard board;
  CHECK(as_text(board.read_item(fw_cfg::kSignature, 4)) == "QEMU");
  // Past the end of the item: zeros, however long the firmware keeps reading.
  CHECK(board.read(3) == std::vector<u8>{0, 0, 0});
  // Selecting again rewinds.
  CHECK(as_text(board.read_item(fw_cfg::kSignature, 2)) == "QE");
  // QEMU decodes 0x510-0x511 as one register: a byte read at 0x510 is a data read too.
  CHECK(board.ports().read(FwCfg::kSelectorPort, 1) == 'M');
  // Bit 14 (the old write channel) selects the same item.
  CHECK(as_text(board.read_item(fw_cfg::kWriteChannel | fw_cfg::kSignature, 4)) == "QEMU");
}

TEST_CASE("fw_cfg: ID reports the traditional and DMA interfaces", "[fw_cfg]") {
  test::FwCfgBoard board;
  CHECK(test::le_at(board.read_item(fw_cfg::kId, 4), 0, 4) == 3);
}

TEST_CASE("fw_cfg: machine items are little-endian numbers", "[fw_cfg]") {
  test::FwCfgBoard board;
  board.fw_cfg().set_ram_size(0x1'2000'0000);
  board.fw_cfg().set_cpus(2, 4);
  board.fw_cfg().set_boot_device('d');
  CHECK(test::le_at(board.read_item(fw_cfg::kRamSize, 8), 0, 8) == 0x1'2000'0000);
  CHECK(test::le_at(board.read_item(fw_cfg::kNbCpus, 2), 0, 2) == 2);
  CHECK(test::le_at(board.read_item(fw_cfg::kMaxCpus, 2), 0, 2) == 4);
  CHECK(test::le_at(board.read_item(fw_cfg::kBootDevice, 2), 0, 2) == 'd');
  CHECK(board.read_item(fw_cfg::kUuid, 16) == std::vector<u8>(16, 0));
  CHECK(test::le_at(board.read_item(fw_cfg::kNographic, 2), 0, 2) == 0);
}

TEST_CASE("fw_cfg: the file directory is sorted by name, with big-endian fields", "[fw_cfg]") {
  test::FwCfgBoard board;
  board.fw_cfg().add_file("opt/org.glasspc/z", {1, 2, 3});
  board.fw_cfg().add_file("etc/table-loader", std::vector<u8>(128, 7));
  board.fw_cfg().add_file("etc/acpi/tables", std::vector<u8>(0x1234, 9));

  const std::size_t size = 4 + 4 * fw_cfg::kFileEntrySize;
  REQUIRE(board.fw_cfg().item(fw_cfg::kFileDir)->size() == size);
  const std::vector<u8> dir = board.read_item(fw_cfg::kFileDir, size);
  REQUIRE(test::be32_at(dir, 0) == 4);
  struct Expected {
    const char* name;
    u32 size;
  };
  const Expected expected[] = {{"bootorder", 0},
                               {"etc/acpi/tables", 0x1234},
                               {"etc/table-loader", 128},
                               {"opt/org.glasspc/z", 3}};
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t at = 4 + i * fw_cfg::kFileEntrySize;
    INFO("entry " << i);
    CHECK(test::be32_at(dir, at) == expected[i].size);
    CHECK(test::be16_at(dir, at + 4) == fw_cfg::kFileFirst + i);
    CHECK(test::be16_at(dir, at + 6) == 0);
    const std::string name(reinterpret_cast<const char*>(dir.data() + at + 8));
    CHECK(name == expected[i].name);
    // NUL-padded to the end of the 64-byte entry.
    for (std::size_t b = at + 8 + name.size(); b < at + fw_cfg::kFileEntrySize; ++b)
      CHECK(dir[b] == 0);
  }
  CHECK(board.fw_cfg().file_key("etc/table-loader") == u16{0x22});
  CHECK_FALSE(board.fw_cfg().file_key("etc/none").has_value());
}

TEST_CASE("fw_cfg: a file's content reads through the data port, then zeros", "[fw_cfg]") {
  test::FwCfgBoard board;
  const std::vector<u8> content = test::pattern(300, 3);
  board.fw_cfg().add_file("etc/acpi/rsdp", content);
  const u16 key = *board.fw_cfg().file_key("etc/acpi/rsdp");
  CHECK(board.read_item(key, 300) == content);
  CHECK(board.read(4) == std::vector<u8>(4, 0));
  CHECK(board.fw_cfg().data_offset() == 300);  // the offset stops at the end

  // Replacing the file changes what is read and the size in the directory.
  board.fw_cfg().replace_file("etc/acpi/rsdp", {0xAA, 0xBB});
  CHECK(board.read_item(key, 3) == std::vector<u8>{0xAA, 0xBB, 0});
  const std::vector<u8> dir = board.read_item(fw_cfg::kFileDir, 4 + 2 * fw_cfg::kFileEntrySize);
  CHECK(test::be32_at(dir, 4 + fw_cfg::kFileEntrySize) == 2);
}

TEST_CASE("fw_cfg: keys without an item read as zeros", "[fw_cfg]") {
  test::FwCfgBoard board;
  CHECK(board.read_item(fw_cfg::kNuma, 4) == std::vector<u8>(4, 0));
  CHECK(board.read_item(0x3FFF, 4) == std::vector<u8>(4, 0));  // beyond the files
  CHECK(board.read_item(0x8003, 2) == std::vector<u8>(2, 0));  // an architecture key
  board.fw_cfg().set_item(0x8002, {1, 0, 0, 0});
  CHECK(board.read_item(0x8002, 4) == std::vector<u8>{1, 0, 0, 0});
  // Architecture items do not alias the generic ones: 0x8001 is not ID.
  CHECK(board.read_item(fw_cfg::kArchLocal | fw_cfg::kId, 1) == std::vector<u8>{0});
}

TEST_CASE("fw_cfg: writes to the data port are ignored", "[fw_cfg]") {
  test::FwCfgBoard board;
  board.select(fw_cfg::kWriteChannel | fw_cfg::kSignature);
  board.ports().write(FwCfg::kDataPort, 'X', 1);
  board.ports().write(FwCfg::kSelectorPort, 'Y', 1);  // a byte write is a data write on QEMU
  CHECK(board.fw_cfg().selector() == (fw_cfg::kWriteChannel | fw_cfg::kSignature));
  CHECK(as_text(board.read_item(fw_cfg::kSignature, 4)) == "QEMU");
}

TEST_CASE("fw_cfg: the DMA address register reads QEMU CFG", "[fw_cfg]") {
  test::FwCfgBoard board;
  const u32 high = board.ports().read(FwCfg::kDmaPort, 4);
  const u32 low = board.ports().read(FwCfg::kDmaPort + 4, 4);
  const std::string text{static_cast<char>(high),       static_cast<char>(high >> 8),
                         static_cast<char>(high >> 16), static_cast<char>(high >> 24),
                         static_cast<char>(low),        static_cast<char>(low >> 8),
                         static_cast<char>(low >> 16),  static_cast<char>(low >> 24)};
  CHECK(text == "QEMU CFG");
}

TEST_CASE("fw_cfg: etc/e820, bootorder and the Linux items have QEMU's formats", "[fw_cfg]") {
  test::FwCfgBoard board;
  const PcMemoryLayout layout = pc_memory_layout(5 * kGiB);
  const std::vector<E820Entry> ram = fw_cfg_e820_ram(layout);
  REQUIRE(ram.size() == 2);
  board.fw_cfg().set_e820(ram);
  const std::vector<u8> e820 = board.read_item(*board.fw_cfg().file_key("etc/e820"), 40);
  CHECK(test::le_at(e820, 0, 8) == 0);
  CHECK(test::le_at(e820, 8, 8) == 3 * kGiB);
  CHECK(test::le_at(e820, 16, 4) == 1);
  CHECK(test::le_at(e820, 20, 8) == k4GiB);
  CHECK(test::le_at(e820, 28, 8) == 2 * kGiB);
  CHECK(test::le_at(e820, 36, 4) == 1);

  const std::vector<std::string> order{"/pci@i0cf8/ide@1,1/drive@0/disk@0", "/rom@genroms/x"};
  board.fw_cfg().set_boot_order(order);
  const std::string expected = order[0] + "\n" + order[1] + std::string(1, '\0');
  CHECK(as_text(board.read_item(*board.fw_cfg().file_key("bootorder"), expected.size())) ==
        expected);

  FwCfgLinuxBoot boot;
  boot.setup_addr = 0x90000;
  boot.setup = {0xEB, 0x66};
  boot.kernel_addr = 0x100000;
  boot.kernel = test::pattern(100, 1);
  boot.cmdline_addr = 0x20000;
  boot.cmdline = "console=ttyS0";
  board.fw_cfg().set_linux_boot(boot);
  CHECK(test::le_at(board.read_item(fw_cfg::kSetupAddr, 4), 0, 4) == 0x90000);
  CHECK(test::le_at(board.read_item(fw_cfg::kSetupSize, 4), 0, 4) == 2);
  CHECK(board.read_item(fw_cfg::kSetupData, 2) == boot.setup);
  CHECK(test::le_at(board.read_item(fw_cfg::kKernelAddr, 4), 0, 4) == 0x100000);
  CHECK(test::le_at(board.read_item(fw_cfg::kKernelSize, 4), 0, 4) == 100);
  CHECK(board.read_item(fw_cfg::kKernelData, 100) == boot.kernel);
  CHECK(test::le_at(board.read_item(fw_cfg::kInitrdAddr, 4), 0, 4) == 0);
  CHECK(test::le_at(board.read_item(fw_cfg::kInitrdSize, 4), 0, 4) == 0);
  CHECK(test::le_at(board.read_item(fw_cfg::kCmdlineAddr, 4), 0, 4) == 0x20000);
  CHECK(test::le_at(board.read_item(fw_cfg::kKernelCmdline, 4), 0, 4) == 0x20000);
  CHECK(test::le_at(board.read_item(fw_cfg::kCmdlineSize, 4), 0, 4) == 14);
  CHECK(as_text(board.read_item(fw_cfg::kCmdlineData, 14)) == std::string("console=ttyS0\0", 14));
}

TEST_CASE("fw_cfg: reset selects the signature from its start", "[fw_cfg]") {
  test::FwCfgBoard board;
  board.fw_cfg().add_file("etc/x", {5, 6, 7});
  board.read_item(*board.fw_cfg().file_key("etc/x"), 2);
  REQUIRE(board.fw_cfg().data_offset() == 2);
  board.machine().reset();
  CHECK(board.fw_cfg().selector() == fw_cfg::kSignature);
  CHECK(board.fw_cfg().data_offset() == 0);
  CHECK(as_text(board.read(4)) == "QEMU");
  // Configuration survives the reset.
  CHECK(board.read_item(*board.fw_cfg().file_key("etc/x"), 3) == std::vector<u8>{5, 6, 7});
}

TEST_CASE("fw_cfg: bad configuration is refused", "[fw_cfg]") {
  test::FwCfgBoard board;
  CHECK_THROWS_AS(board.fw_cfg().add_file("bootorder", {}), std::invalid_argument);
  CHECK_THROWS_AS(board.fw_cfg().add_file(std::string(56, 'n'), {}), std::invalid_argument);
  CHECK_NOTHROW(board.fw_cfg().add_file(std::string(55, 'n'), {}));
  CHECK_THROWS_AS(board.fw_cfg().add_file("", {}), std::invalid_argument);
  CHECK_THROWS_AS(board.fw_cfg().replace_file("etc/none", {}), std::invalid_argument);
  CHECK_THROWS_AS(board.fw_cfg().set_item(fw_cfg::kFileDir, {}), std::invalid_argument);
  CHECK_THROWS_AS(board.fw_cfg().set_item(0x0020, {}), std::invalid_argument);
  CHECK_THROWS_AS(board.fw_cfg().set_item(0x4001, {}), std::invalid_argument);
}

TEST_CASE("fw_cfg: selections are traced as device events", "[fw_cfg]") {
  test::FwCfgBoard board;
  auto sink = std::make_unique<MemoryTraceSink>();
  MemoryTraceSink& lines = *sink;
  board.machine().trace().set_sink(std::move(sink));
  board.machine().trace().set_mask(static_cast<u32>(TraceCategory::Device));
  board.select(fw_cfg::kFileDir);
  board.select(0x0D);
  REQUIRE(lines.lines().size() == 2);
  CHECK_THAT(lines.lines()[0], Catch::Contains("fw_cfg select") && Catch::Contains("key=0x19"));
  CHECK_THAT(lines.lines()[1], Catch::Contains("no such item"));
}

}  // namespace glasspc::firmware

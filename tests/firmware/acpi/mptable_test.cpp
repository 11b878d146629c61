// Tests for firmware/mptable: the MP spec 1.4 floating pointer and configuration table.
#include "firmware/mptable.h"

#include <catch2/catch.hpp>
#include <map>
#include <stdexcept>
#include <vector>

#include "tests/firmware/acpi/acpi_test_support.h"

namespace glasspc::firmware {

namespace {

using test::le16;
using test::le32;
using test::sum_of;
using Bytes = std::vector<u8>;

constexpr u64 kMpAddress = 0xF6A00;

struct Entries {
  std::map<u8, unsigned> by_type;
  std::vector<Bytes> list;
};

Entries config_entries(const Bytes& table) {
  Entries out;
  const std::size_t length = le16(table, kMpFloatingPointerSize + 4);
  std::size_t pos = kMpFloatingPointerSize + kMpConfigHeaderSize;
  u8 previous_type = 0;
  while (pos < kMpFloatingPointerSize + length) {
    const u8 type = table.at(pos);
    const std::size_t size = type == 0 ? kMpProcessorEntrySize : kMpOtherEntrySize;
    REQUIRE(type <= 4);
    REQUIRE(type >= previous_type);  // entries are sorted by type (§4.3)
    previous_type = type;
    out.by_type[type]++;
    out.list.emplace_back(table.begin() + static_cast<std::ptrdiff_t>(pos),
                          table.begin() + static_cast<std::ptrdiff_t>(pos + size));
    pos += size;
  }
  REQUIRE(pos == kMpFloatingPointerSize + length);
  return out;
}

}  // namespace

TEST_CASE("the MP floating pointer and configuration table checksums sum to zero") {
  for (unsigned cpus : {1u, 2u, 4u, 16u}) {
    INFO(cpus << " CPUs");
    const MpTable table = build_mp_table(test::pc_platform(cpus), kMpAddress);
    const Bytes& b = table.bytes;
    CHECK(test::text(b, 0, 4) == "_MP_");
    CHECK(le32(b, 4) == kMpAddress + kMpFloatingPointerSize);
    CHECK(b[8] == 1);
    CHECK(b[9] == 4);
    CHECK(b[11] == 0);  // a configuration table follows
    CHECK(sum_of(std::span(b).first(kMpFloatingPointerSize)) == 0);
    const std::span config = std::span(b).subspan(kMpFloatingPointerSize);
    CHECK(test::text(b, 16, 4) == "PCMP");
    CHECK(le16(config, 4) == config.size());
    CHECK(config[6] == 4);
    CHECK(sum_of(config) == 0);
    CHECK(le32(config, 36) == 0xFEE00000);
    CHECK(le16(config, 34) == table.entry_count);
    // Processors, 2 buses, the IOAPIC, 15 ISA IRQs, 31 slots x 4 PCI pins, 2 local interrupts.
    CHECK(table.entry_count == cpus + 2 + 1 + 15 + 124 + 2);
  }
}

TEST_CASE("the MP table lists processors, buses and the IOAPIC") {
  AcpiPlatform platform = test::pc_platform(4);
  platform.ioapic_id = 4;
  const Entries e = config_entries(build_mp_table(platform, kMpAddress).bytes);
  CHECK(e.by_type.at(0) == 4);
  CHECK(e.by_type.at(1) == 2);
  CHECK(e.by_type.at(2) == 1);
  CHECK(e.by_type.at(3) == 15 + 124);
  CHECK(e.by_type.at(4) == 2);
  for (unsigned cpu = 0; cpu < 4; ++cpu) {
    const Bytes& p = e.list[cpu];
    CHECK(p[1] == cpu);
    CHECK(p[2] == 0x14);
    CHECK(p[3] == (cpu == 0 ? 0x03 : 0x01));  // EN, and BP on CPU 0 only
    CHECK(le32(p, 4) == 0x600);
    CHECK(le32(p, 8) == 0x201);
  }
  CHECK(e.list[4] == Bytes{1, 0, 'P', 'C', 'I', ' ', ' ', ' '});
  CHECK(e.list[5] == Bytes{1, 1, 'I', 'S', 'A', ' ', ' ', ' '});
  CHECK(e.list[6] == Bytes{2, 4, 0x11, 0x01, 0x00, 0x00, 0xC0, 0xFE});
}

TEST_CASE("the MP table routes ISA IRQs, PCI pins and the local interrupts") {
  AcpiPlatform platform = test::pc_platform(2);
  const Entries e = config_entries(build_mp_table(platform, kMpAddress).bytes);
  std::map<u8, Bytes> isa;
  std::map<u8, Bytes> pci;
  std::vector<Bytes> local;
  for (const Bytes& entry : e.list) {
    if (entry[0] == 3 && entry[4] == kMpIsaBusId) isa[entry[5]] = entry;
    if (entry[0] == 3 && entry[4] == kMpPciBusId) pci[entry[5]] = entry;
    if (entry[0] == 4) local.push_back(entry);
  }
  REQUIRE(isa.size() == 15);
  CHECK(isa.count(2) == 0);
  CHECK(isa.at(0) == Bytes{3, 0, 0x00, 0x00, 1, 0, 0, 2});  // IRQ 0 -> IOAPIC input 2
  CHECK(isa.at(4) == Bytes{3, 0, 0x00, 0x00, 1, 4, 0, 4});
  CHECK(isa.at(9) == Bytes{3, 0, 0x0D, 0x00, 1, 9, 0, 9});  // SCI: level, active high
  for (u8 irq : {5, 10, 11}) CHECK(le16(isa.at(irq), 2) == 0x000D);
  for (u8 irq : {1, 3, 6, 7, 8, 12, 13, 14, 15}) CHECK(le16(isa.at(irq), 2) == 0);

  REQUIRE(pci.size() == 124);
  // Slot 1 INTA is PIRQA (IRQ 10); slot 1 INTC is PIRQC (IRQ 11); slot 2 INTA is PIRQB (10);
  // slot 3 INTA is PIRQC (11); slot 4 INTD is PIRQC (11); slot 5 INTA wraps to PIRQA.
  auto input = [&pci](unsigned slot, unsigned pin) {
    return pci.at(static_cast<u8>(slot << 2 | pin))[7];
  };
  CHECK(input(1, 0) == 10);
  CHECK(input(1, 2) == 11);
  CHECK(input(2, 0) == 10);
  CHECK(input(3, 0) == 11);
  CHECK(input(4, 3) == 11);
  CHECK(input(4, 1) == 10);
  CHECK(input(5, 0) == 10);
  CHECK(le16(pci.at(1 << 2), 2) == 0x000D);
  CHECK(pci.count(0) == 0);  // the host bridge at slot 0 has no interrupt

  REQUIRE(local.size() == 2);
  CHECK(local[0] == Bytes{4, 3, 0, 0, 1, 0, 0xFF, 0});  // ExtINT on LINT0 of every CPU
  CHECK(local[1] == Bytes{4, 1, 0, 0, 1, 0, 0xFF, 1});  // NMI on LINT1 of every CPU

  platform.pirq_irqs = {5, 9, 10, 11};
  const Entries custom = config_entries(build_mp_table(platform, kMpAddress).bytes);
  for (const Bytes& entry : custom.list) {
    if (entry[0] == 3 && entry[4] == kMpPciBusId && entry[5] == (2 << 2 | 0)) CHECK(entry[7] == 9);
  }
}

TEST_CASE("the MP floating pointer is found by scanning the BIOS area") {
  test::AcpiGuest guest(64 << 20);
  const MpTable table = build_mp_table(test::pc_platform(2), kMpAddress);
  install_mp_table(guest.memory(), table);
  const Bytes area = guest.bytes(0xF0000, 0x10000);
  u64 found = 0;
  for (std::size_t pos = 0; pos + 16 <= area.size(); pos += 16) {
    if (test::text(area, pos, 4) == "_MP_" && sum_of(std::span(area).subspan(pos, 16)) == 0) {
      found = 0xF0000 + pos;
      break;
    }
  }
  REQUIRE(found == kMpAddress);
  const u32 config = le32(guest.bytes(found, 16), 4);
  const Bytes header = guest.bytes(config, kMpConfigHeaderSize);
  CHECK(test::text(header, 0, 4) == "PCMP");
  CHECK(sum_of(guest.bytes(config, le16(header, 4))) == 0);
}

TEST_CASE("build_mp_table rejects misplaced tables and bad platforms") {
  CHECK_THROWS_AS(build_mp_table(test::pc_platform(1), kMpAddress + 8), std::invalid_argument);
  CHECK_THROWS_AS(build_mp_table(test::pc_platform(1), 0xFFF00), std::invalid_argument);
  CHECK_NOTHROW(build_mp_table(test::pc_platform(1), 0x9FC00 - 0x1000));
  AcpiPlatform none = test::pc_platform(1);
  none.cpu_count = 0;
  CHECK_THROWS_AS(build_mp_table(none, kMpAddress), std::invalid_argument);
  test::AcpiGuest guest(64 << 20);
  MpTable unmapped = build_mp_table(test::pc_platform(1), kMpAddress);
  unmapped.address = 0x10000000;  // above this guest's RAM
  CHECK_THROWS_AS(install_mp_table(guest.memory(), unmapped), std::runtime_error);
}

}  // namespace glasspc::firmware

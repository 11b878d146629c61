// Tests for firmware/acpi_tables and the per-table builders: checksums, the OS's way of finding
// the tables, and the fields Linux reads.
#include "firmware/acpi_tables.h"

#include <catch2/catch.hpp>
#include <map>
#include <stdexcept>
#include <vector>

#include "firmware/acpi_dsdt.h"
#include "firmware/acpi_fadt.h"
#include "firmware/acpi_hpet.h"
#include "firmware/acpi_madt.h"
#include "firmware/acpi_root_tables.h"
#include "firmware/aml_builder.h"
#include "firmware/aml_resources.h"
#include "tests/firmware/acpi/acpi_test_support.h"

namespace glasspc::firmware {

namespace {

using test::le16;
using test::le32;
using test::le64;
using test::sum_of;
using Bytes = std::vector<u8>;

constexpr u64 kTablesBase = 0x07FE0000;  // near the top of 128 MiB, as SeaBIOS places them
constexpr u64 kRsdpAddress = 0xF5A40;

struct MadtCounts {
  std::map<u8, unsigned> by_type;
  std::vector<Bytes> entries;
};

MadtCounts madt_entries(const Bytes& madt) {
  MadtCounts counts;
  std::size_t pos = 44;  // header, local APIC address, flags
  while (pos < madt.size()) {
    const u8 length = madt.at(pos + 1);
    REQUIRE(length >= 2);
    counts.by_type[madt[pos]]++;
    counts.entries.emplace_back(madt.begin() + static_cast<std::ptrdiff_t>(pos),
                                madt.begin() + static_cast<std::ptrdiff_t>(pos + length));
    pos += length;
  }
  REQUIRE(pos == madt.size());
  return counts;
}

// What the OS does (ACPI 6.4 §5.2.5.1): look for "RSD PTR " on 16-byte boundaries with a valid
// 20-byte checksum. Returns the address or 0.
u64 scan_for_rsdp(const Bytes& area, u64 area_base) {
  for (std::size_t pos = 0; pos + kRsdpLength <= area.size(); pos += 16) {
    if (test::text(area, pos, 8) != "RSD PTR ") continue;
    if (sum_of(std::span(area).subspan(pos, kRsdpV1Length)) != 0) continue;
    return area_base + pos;
  }
  return 0;
}

}  // namespace

TEST_CASE("every ACPI table has a checksum that sums to zero") {
  for (unsigned cpus : {1u, 2u, 64u, 255u}) {
    for (bool hpet : {true, false}) {
      AcpiPlatform platform = test::pc_platform(cpus, u64{6} << 30);
      platform.hpet = hpet;
      const AcpiTableSet set = build_acpi_tables(platform, kTablesBase);
      INFO(cpus << " CPUs, hpet " << hpet);
      CHECK(set.entries.size() == (hpet ? 7u : 6u));
      for (const AcpiTableEntry& entry : set.entries) {
        const Bytes table = set.table(entry.signature);
        INFO(entry.signature);
        CHECK(test::text(table, 0, 4) == entry.signature);
        CHECK(le32(table, 4) == entry.length);
        if (entry.signature != "FACS") CHECK(sum_of(table) == 0);
        CHECK((kTablesBase + entry.offset) % (entry.signature == "FACS" ? 64 : 16) == 0);
      }
      REQUIRE(set.rsdp.size() == kRsdpLength);
      CHECK(sum_of(std::span(set.rsdp).first(kRsdpV1Length)) == 0);
      CHECK(sum_of(set.rsdp) == 0);
    }
  }
}

TEST_CASE("the RSDP is found by scanning 0xE0000-0xFFFFF on 16-byte boundaries") {
  test::AcpiGuest guest(128 << 20);
  const AcpiTableSet set = build_acpi_tables(test::pc_platform(2), kTablesBase);
  install_acpi_tables(guest.memory(), set, kRsdpAddress);
  const Bytes area = guest.bytes(kRsdpScanStart, kRsdpScanEnd - kRsdpScanStart);
  const u64 found = scan_for_rsdp(area, kRsdpScanStart);
  REQUIRE(found == kRsdpAddress);
  const Bytes rsdp = guest.bytes(found, kRsdpLength);
  CHECK(rsdp[15] == 2);  // revision
  CHECK(le32(rsdp, kRsdpLengthOffset) == kRsdpLength);
  CHECK(sum_of(rsdp) == 0);
  CHECK(test::text(rsdp, 9, 6) == "GLASS ");
  // The tables themselves are in RAM where the set says.
  CHECK(guest.bytes(kTablesBase, set.tables.size()) == set.tables);
}

TEST_CASE("the RSDT and XSDT reach every table, and the FADT the FACS and DSDT") {
  test::AcpiGuest guest(128 << 20);
  const AcpiTableSet set = build_acpi_tables(test::pc_platform(4), kTablesBase);
  install_acpi_tables(guest.memory(), set, kRsdpAddress);
  const Bytes rsdp = guest.bytes(kRsdpAddress, kRsdpLength);
  const u64 rsdt = le32(rsdp, kRsdpRsdtAddressOffset);
  const u64 xsdt = le64(rsdp, kRsdpXsdtAddressOffset);
  CHECK(rsdt == set.address_of("RSDT"));
  CHECK(xsdt == set.address_of("XSDT"));

  auto signature_at = [&guest](u64 address) { return test::text(guest.bytes(address, 4), 0, 4); };
  const Bytes rsdt_bytes = guest.bytes(rsdt, le32(guest.bytes(rsdt, 8), 4));
  const Bytes xsdt_bytes = guest.bytes(xsdt, le32(guest.bytes(xsdt, 8), 4));
  REQUIRE(rsdt_bytes.size() == kAcpiHeaderSize + 3 * 4);
  REQUIRE(xsdt_bytes.size() == kAcpiHeaderSize + 3 * 8);
  const std::vector<std::string> expected = {"FACP", "APIC", "HPET"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(signature_at(le32(rsdt_bytes, kAcpiHeaderSize + 4 * i)) == expected[i]);
    CHECK(le64(xsdt_bytes, kAcpiHeaderSize + 8 * i) == le32(rsdt_bytes, kAcpiHeaderSize + 4 * i));
  }

  const Bytes fadt = guest.bytes(set.address_of("FACP"), kFadtLength);
  CHECK(signature_at(le32(fadt, fadt::kFirmwareCtrl)) == "FACS");
  CHECK(le32(fadt, fadt::kFirmwareCtrl) % 64 == 0);
  CHECK(signature_at(le32(fadt, fadt::kDsdt)) == "DSDT");
  CHECK(le64(fadt, fadt::kXDsdt) == le32(fadt, fadt::kDsdt));
  CHECK(le64(fadt, fadt::kXFirmwareCtrl) == 0);
}

TEST_CASE("the MADT has one enabled local APIC per CPU for 1, 2 and 64 CPUs") {
  for (unsigned cpus : {1u, 2u, 64u}) {
    INFO(cpus << " CPUs");
    const Bytes madt = build_madt(test::pc_platform(cpus));
    CHECK(sum_of(madt) == 0);
    CHECK(le32(madt, 36) == 0xFEE00000);
    CHECK(le32(madt, 40) == 1);  // PCAT_COMPAT
    const MadtCounts counts = madt_entries(madt);
    CHECK(counts.by_type.at(0) == cpus);
    CHECK(counts.by_type.at(1) == 1);
    CHECK(counts.by_type.at(2) == 5);
    CHECK(counts.by_type.at(4) == 1);
    CHECK(counts.entries.size() == cpus + 7);
    CHECK(madt.size() == 44 + 8 * cpus + 12 + 5 * 10 + 6);
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
      const Bytes& e = counts.entries[cpu];
      CHECK(e == Bytes{0, 8, static_cast<u8>(cpu), static_cast<u8>(cpu), 1, 0, 0, 0});
    }
  }
}

TEST_CASE("the MADT routes IRQ 0 to GSI 2 and makes the PCI and SCI IRQs level high") {
  AcpiPlatform platform = test::pc_platform(2);
  platform.ioapic_id = 2;
  const MadtCounts counts = madt_entries(build_madt(platform));
  const Bytes& ioapic = counts.entries[2];
  CHECK(ioapic == Bytes{1, 12, 2, 0, 0x00, 0x00, 0xC0, 0xFE, 0, 0, 0, 0});
  // Interrupt source overrides: bus, source, GSI, flags.
  std::map<u8, std::pair<u32, u16>> overrides;
  for (const Bytes& e : counts.entries) {
    if (e[0] != 2) continue;
    CHECK(e[2] == 0);  // ISA
    overrides[e[3]] = {le32(e, 4), le16(e, 8)};
  }
  CHECK(overrides.size() == 5);
  CHECK(overrides.at(0) == std::pair<u32, u16>{2, 0x0000});
  for (u8 irq : {5, 9, 10, 11}) CHECK(overrides.at(irq) == std::pair<u32, u16>{irq, 0x000D});
  CHECK(counts.entries.back() == Bytes{4, 6, 0xFF, 0, 0, 1});
}

TEST_CASE("the FADT describes the PIIX4 PM block, reset register and boot architecture") {
  const AcpiPlatform platform = test::pc_platform(1);
  const Bytes fadt = build_fadt(platform, 0x1000, 0x2000).bytes;
  REQUIRE(fadt.size() == kFadtLength);
  CHECK(test::text(fadt, 0, 4) == "FACP");
  CHECK(fadt[8] == 3);
  CHECK(sum_of(fadt) == 0);
  CHECK(le32(fadt, fadt::kFirmwareCtrl) == 0x1000);
  CHECK(le32(fadt, fadt::kDsdt) == 0x2000);
  CHECK(le16(fadt, fadt::kSciInt) == 9);
  CHECK(le32(fadt, fadt::kSmiCmd) == 0);
  CHECK(fadt[52] == 0);  // ACPI_ENABLE unused without SMI_CMD
  CHECK(le32(fadt, fadt::kPm1aEvtBlk) == 0x600);
  CHECK(le32(fadt, fadt::kPm1aCntBlk) == 0x604);
  CHECK(le32(fadt, fadt::kPmTmrBlk) == 0x608);
  CHECK(le32(fadt, fadt::kGpe0Blk) == 0xAFE0);
  CHECK(fadt[fadt::kPm1EvtLen] == 4);
  CHECK(fadt[fadt::kPm1CntLen] == 2);
  CHECK(fadt[fadt::kPmTmrLen] == 4);
  CHECK(fadt[fadt::kGpe0BlkLen] == 4);
  CHECK(le16(fadt, fadt::kPLvl2Lat) > 100);
  CHECK(le16(fadt, fadt::kPLvl3Lat) > 1000);
  CHECK(fadt[fadt::kCentury] == 0x32);
  CHECK(le16(fadt, fadt::kIapcBootArch) == 0x0003);
  const u32 flags = le32(fadt, fadt::kFlags);
  CHECK((flags & fadt::kWbinvd) != 0);
  CHECK((flags & fadt::kProcC1) != 0);
  CHECK((flags & fadt::kSlpButton) != 0);
  CHECK((flags & fadt::kResetRegSup) != 0);
  CHECK((flags & fadt::kTmrValExt) == 0);
  CHECK((flags & fadt::kPwrButton) == 0);  // the power button is the PM1 fixed feature
  // RESET_REG: System I/O, 8 bits, byte access, port 0xCF9; RESET_VALUE 0x06.
  CHECK(Bytes(fadt.begin() + fadt::kResetReg, fadt.begin() + fadt::kResetReg + 12) ==
        Bytes{1, 8, 0, 1, 0xF9, 0x0C, 0, 0, 0, 0, 0, 0});
  CHECK(fadt[fadt::kResetValue] == 0x06);
  // X_ blocks repeat the 32-bit addresses with widths matching the lengths.
  auto gas = [&fadt](std::size_t offset) {
    return std::pair{fadt[offset + 1], le64(fadt, offset + 4)};
  };
  CHECK(fadt[fadt::kXPm1aEvtBlk] == 1);
  CHECK(gas(fadt::kXPm1aEvtBlk) == std::pair<u8, u64>{32, 0x600});
  CHECK(gas(fadt::kXPm1aCntBlk) == std::pair<u8, u64>{16, 0x604});
  CHECK(gas(fadt::kXPmTmrBlk) == std::pair<u8, u64>{32, 0x608});
  CHECK(gas(fadt::kXGpe0Blk) == std::pair<u8, u64>{32, 0xAFE0});
  CHECK(le64(fadt, fadt::kXDsdt) == 0x2000);

  AcpiPlatform smm = platform;
  smm.smi_cmd = 0xB2;
  smm.i8042 = false;
  const Bytes with_smm = build_fadt(smm, 0x1000, 0x2000).bytes;
  CHECK(le32(with_smm, fadt::kSmiCmd) == 0xB2);
  CHECK(with_smm[52] == 0xF1);
  CHECK(with_smm[53] == 0xF0);
  CHECK(le16(with_smm, fadt::kIapcBootArch) == 0x0001);
  CHECK_THROWS_AS(build_fadt(platform, u64{1} << 32, 0x2000), std::invalid_argument);
}

TEST_CASE("the FACS and HPET tables carry their fixed layouts") {
  const Bytes facs = build_facs();
  REQUIRE(facs.size() == kFacsLength);
  CHECK(test::text(facs, 0, 4) == "FACS");
  CHECK(le32(facs, 4) == 64);
  CHECK(facs[32] == 2);

  AcpiPlatform platform = test::pc_platform(1);
  platform.hpet_address = 0xFED01000;
  const Bytes hpet = build_hpet_table(platform);
  REQUIRE(hpet.size() == kHpetTableLength);
  CHECK(sum_of(hpet) == 0);
  CHECK(le32(hpet, kHpetBlockIdOffset) == 0x8086A201);
  CHECK(hpet[kHpetBaseAddressOffset] == 0);  // system memory
  CHECK(le64(hpet, kHpetBaseAddressOffset + 4) == 0xFED01000);
}

TEST_CASE("the DSDT holds the PCI root, links, ISA devices, processors and _S5") {
  AcpiPlatform platform = test::pc_platform(64);
  const Bytes dsdt = build_dsdt(platform);
  CHECK(test::text(dsdt, 0, 4) == "DSDT");
  CHECK(dsdt[8] == kDsdtRevision);
  CHECK(sum_of(dsdt) == 0);
  for (const char* name : {"PCI0", "ISA_", "LNKA", "LNKB", "LNKC", "LNKD", "COM1", "RTC_", "TMR_",
                           "PIC_", "KBD_", "MOU_", "HPET", "_S5_", "PRQ3", "_PRT"}) {
    INFO(name);
    CHECK(test::count_of(dsdt, name) >= 1);
  }
  CHECK(test::count_of(dsdt, aml::eisa_id("PNP0501").bytes()) == 1);
  CHECK(test::count_of(dsdt, aml::eisa_id("PNP0A03").bytes()) == 1);
  CHECK(test::count_of(dsdt, aml::eisa_id("PNP0C0F").bytes()) == 4);
  // One ACPI0007 device per CPU, named C000-C03F.
  CHECK(test::count_of(dsdt, "ACPI0007") == 64);
  CHECK(test::count_of(dsdt, "C03F") == 1);
  CHECK(test::count_of(dsdt, "C040") == 0);
  // _S5_ with SLP_TYP 0: Package(4){Zero, Zero, Zero, Zero}.
  const Bytes s5 =
      aml::name("\\_S5", aml::package({aml::zero(), aml::zero(), aml::zero(), aml::zero()}))
          .bytes();
  CHECK(test::count_of(dsdt, s5) == 1);
  // 31 slots x 4 pins of _PRT entries.
  CHECK(test::count_of(dsdt, Bytes{0xFF, 0xFF, 0x1F, 0x00}) == 4);

  platform.hpet = false;
  platform.i8042 = false;
  const Bytes smaller = build_dsdt(platform);
  CHECK(test::count_of(smaller, aml::eisa_id("PNP0103").bytes()) == 0);
  CHECK(test::count_of(smaller, aml::eisa_id("PNP0303").bytes()) == 0);
  CHECK(test::count_of(smaller, aml::eisa_id("PNP0F13").bytes()) == 0);
}

TEST_CASE("the PCI root's windows follow low RAM and start above high RAM on 1 GiB") {
  const AcpiPlatform platform = test::pc_platform(1, (u64{5} << 30) + (u64{256} << 20));
  REQUIRE(platform.ram_below_4g == u64{3} << 30);
  REQUIRE(platform.ram_above_4g == (u64{2} << 30) + (u64{256} << 20));
  const Bytes dsdt = build_dsdt(platform);
  // The 32-bit hole: DWordMemory from low RAM's end to 0xFEBFFFFF.
  const Bytes hole =
      aml::dword_memory(aml::Cacheability::NonCacheable, 0xC0000000, 0xFEBFFFFF).bytes();
  CHECK(test::count_of(dsdt, hole) == 1);
  // High RAM ends at 0x190000000; the 64-bit window starts at the next GiB, 0x1C0000000.
  const Bytes hole64 = aml::qword_memory(aml::Cacheability::NonCacheable, 0x1C0000000,
                                         0x1C0000000 + (u64{2} << 30) - 1)
                           .bytes();
  CHECK(test::count_of(dsdt, hole64) == 1);
  const Bytes vga = aml::dword_memory(aml::Cacheability::Cacheable, 0xA0000, 0xBFFFF).bytes();
  CHECK(test::count_of(dsdt, vga) == 1);
  CHECK(test::count_of(dsdt, aml::word_io(0, 0xCF7).bytes()) == 1);
  CHECK(test::count_of(dsdt, aml::word_io(0xD00, 0xFFFF).bytes()) == 1);
  CHECK(test::count_of(dsdt, aml::word_bus_number(0, 0xFF).bytes()) == 1);

  // Without RAM above 4 GiB the window starts at 4 GiB.
  const Bytes small = build_dsdt(test::pc_platform(1));
  const Bytes at4g = aml::qword_memory(aml::Cacheability::NonCacheable, u64{1} << 32,
                                       (u64{1} << 32) + (u64{2} << 30) - 1)
                         .bytes();
  CHECK(test::count_of(small, at4g) == 1);
}

TEST_CASE("build_acpi_tables rejects platforms and bases it cannot describe") {
  AcpiPlatform platform = test::pc_platform(1);
  platform.cpu_count = 0;
  CHECK_THROWS_AS(build_acpi_tables(platform, kTablesBase), std::invalid_argument);
  platform.cpu_count = 256;
  CHECK_THROWS_AS(build_acpi_tables(platform, kTablesBase), std::invalid_argument);
  platform.cpu_count = 255;
  CHECK_NOTHROW(build_acpi_tables(platform, kTablesBase));
  CHECK_THROWS_AS(build_acpi_tables(platform, kTablesBase + 16), std::invalid_argument);
  CHECK_THROWS_AS(build_acpi_tables(platform, 0xFFFFF000), std::invalid_argument);
  platform.ram_below_4g = 0xFEC00000;
  CHECK_THROWS_AS(build_acpi_tables(platform, kTablesBase), std::invalid_argument);
  platform = test::pc_platform(1);
  platform.sci_irq = 16;
  CHECK_THROWS_AS(build_acpi_tables(platform, kTablesBase), std::invalid_argument);
  platform = test::pc_platform(1);
  platform.pirq_irqs[3] = 24;
  CHECK_THROWS_AS(build_acpi_tables(platform, kTablesBase), std::invalid_argument);
  platform = test::pc_platform(1);
  platform.gpe0_length = 3;
  CHECK_THROWS_AS(build_acpi_tables(platform, kTablesBase), std::invalid_argument);
}

TEST_CASE("install_acpi_tables refuses bad RSDP addresses and memory that is not RAM") {
  test::AcpiGuest guest(128 << 20);
  const AcpiTableSet set = build_acpi_tables(test::pc_platform(1), kTablesBase);
  CHECK_THROWS_AS(install_acpi_tables(guest.memory(), set, 0xF0008), std::invalid_argument);
  CHECK_THROWS_AS(install_acpi_tables(guest.memory(), set, 0xD0000), std::invalid_argument);
  CHECK_THROWS_AS(install_acpi_tables(guest.memory(), set, 0xFFFF0), std::invalid_argument);
  const AcpiTableSet low = build_acpi_tables(test::pc_platform(1), 0xE0000);
  CHECK_THROWS_AS(install_acpi_tables(guest.memory(), low, 0xE0040), std::invalid_argument);
  CHECK_NOTHROW(install_acpi_tables(guest.memory(), low, 0xFFFD0));
  // Nothing is mapped above 128 MiB (below the PCI hole) in this guest.
  const AcpiTableSet unmapped = build_acpi_tables(test::pc_platform(1), 0x10000000);
  CHECK_THROWS_AS(install_acpi_tables(guest.memory(), unmapped, kRsdpAddress), std::runtime_error);
}

}  // namespace glasspc::firmware

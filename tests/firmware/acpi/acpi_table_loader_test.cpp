// Tests for firmware/acpi_table_loader: the fw_cfg blobs and the "etc/table-loader" script a
// BIOS runs to place and link them.
#include "firmware/acpi_table_loader.h"

#include <catch2/catch.hpp>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "firmware/acpi_root_tables.h"
#include "firmware/acpi_tables.h"
#include "tests/firmware/acpi/acpi_test_support.h"

namespace glasspc::firmware {

namespace {

using test::le32;
using Bytes = std::vector<u8>;

struct Command {
  LoaderCommand command;
  std::string file;    // ALLOCATE, ADD_CHECKSUM: the file; ADD_POINTER: destination
  std::string source;  // ADD_POINTER
  u32 a = 0;           // ALLOCATE: alignment; ADD_POINTER: offset; ADD_CHECKSUM: offset
  u32 b = 0;           // ALLOCATE: zone; ADD_POINTER: size; ADD_CHECKSUM: start
  u32 c = 0;           // ADD_CHECKSUM: length
};

std::string file_name(const Bytes& entry, std::size_t offset) {
  std::string name;
  for (std::size_t i = 0; i < kLoaderFileNameSize && entry.at(offset + i) != 0; ++i)
    name.push_back(static_cast<char>(entry[offset + i]));
  return name;
}

std::vector<Command> parse(const Bytes& script) {
  REQUIRE(script.size() % kLoaderEntrySize == 0);
  std::vector<Command> out;
  for (std::size_t pos = 0; pos < script.size(); pos += kLoaderEntrySize) {
    const Bytes e(script.begin() + static_cast<std::ptrdiff_t>(pos),
                  script.begin() + static_cast<std::ptrdiff_t>(pos + kLoaderEntrySize));
    Command c{static_cast<LoaderCommand>(le32(e, 0)), file_name(e, 4), {}};
    switch (c.command) {
      case LoaderCommand::Allocate:
        c.a = le32(e, 60);
        c.b = e[64];
        break;
      case LoaderCommand::AddPointer:
        c.source = file_name(e, 60);
        c.a = le32(e, 116);
        c.b = e[120];
        break;
      case LoaderCommand::AddChecksum:
        c.a = le32(e, 60);
        c.b = le32(e, 64);
        c.c = le32(e, 68);
        break;
      default:
        FAIL("unknown loader command " << le32(e, 0));
    }
    out.push_back(c);
  }
  return out;
}

// Runs a script as a BIOS would, with each file already placed at the given address.
std::map<std::string, Bytes> run_loader(const std::vector<Command>& script,
                                        std::map<std::string, Bytes> files,
                                        const std::map<std::string, u64>& addresses) {
  std::map<std::string, bool> allocated;
  for (const Command& c : script) {
    switch (c.command) {
      case LoaderCommand::Allocate:
        REQUIRE(addresses.at(c.file) % c.a == 0);
        allocated[c.file] = true;
        break;
      case LoaderCommand::AddPointer: {
        REQUIRE(allocated[c.file]);
        REQUIRE(allocated[c.source]);
        Bytes& dest = files.at(c.file);
        REQUIRE(c.a + c.b <= dest.size());
        u64 value = 0;
        for (unsigned i = 0; i < c.b; ++i) value |= u64{dest[c.a + i]} << (8 * i);
        value += addresses.at(c.source);
        for (unsigned i = 0; i < c.b; ++i) dest[c.a + i] = static_cast<u8>(value >> (8 * i));
        break;
      }
      case LoaderCommand::AddChecksum: {
        REQUIRE(allocated[c.file]);
        Bytes& data = files.at(c.file);
        REQUIRE(c.b + c.c <= data.size());
        data.at(c.a) = static_cast<u8>(data[c.a] - test::sum_of(std::span(data).subspan(c.b, c.c)));
        break;
      }
    }
  }
  return files;
}

}  // namespace

TEST_CASE("the table-loader script is made of 128-byte commands naming the ACPI files") {
  const AcpiPlatform platform = test::pc_platform(2);
  const AcpiFwCfgFiles files = build_acpi_fw_cfg_files(platform);
  const AcpiTableSet set = build_acpi_tables(platform, 0);
  CHECK(files.tables == set.tables);
  CHECK(files.rsdp == set.rsdp);

  const std::vector<Command> script = parse(files.table_loader);
  REQUIRE(!script.empty());
  CHECK(script.front().command == LoaderCommand::Allocate);
  CHECK(script.front().file == "etc/acpi/tables");
  CHECK(script.front().a == 64);
  CHECK(script.front().b == static_cast<u32>(LoaderZone::High));

  std::map<LoaderCommand, unsigned> counts;
  bool rsdp_allocated = false;
  for (const Command& c : script) {
    counts[c.command]++;
    if (c.command == LoaderCommand::Allocate && c.file == "etc/acpi/rsdp") {
      rsdp_allocated = true;
      CHECK(c.a == 16);
      CHECK(c.b == static_cast<u32>(LoaderZone::FSegment));
    }
    if (c.command == LoaderCommand::AddPointer) {
      CHECK(c.source == "etc/acpi/tables");
      CHECK((c.b == 4 || c.b == 8));
    }
  }
  CHECK(rsdp_allocated);
  CHECK(counts[LoaderCommand::Allocate] == 2);
  // FACP: FACS, DSDT, X_DSDT; RSDT and XSDT: 3 tables each; RSDP: RSDT and XSDT.
  CHECK(counts[LoaderCommand::AddPointer] == 3 + 3 + 3 + 2);
  CHECK(set.table_pointers.size() + set.rsdp_pointers.size() == 11);
  // Every table but the FACS, and the RSDP's two checksums.
  CHECK(counts[LoaderCommand::AddChecksum] == 6 + 2);
  // Unused bytes of an entry are zero, so the file names are NUL-terminated.
  CHECK(files.table_loader[4 + 15] == 0);
  CHECK(files.table_loader.at(127) == 0);
}

TEST_CASE("running the table-loader script reproduces the tables built for that address") {
  for (unsigned cpus : {1u, 3u}) {
    const AcpiPlatform platform = test::pc_platform(cpus);
    const AcpiFwCfgFiles files = build_acpi_fw_cfg_files(platform);
    const u64 tables_base = 0x07FDF000;
    const u64 rsdp_base = 0xF6F10;
    const auto loaded =
        run_loader(parse(files.table_loader),
                   {{"etc/acpi/tables", files.tables}, {"etc/acpi/rsdp", files.rsdp}},
                   {{"etc/acpi/tables", tables_base}, {"etc/acpi/rsdp", rsdp_base}});
    const AcpiTableSet expected = build_acpi_tables(platform, tables_base);
    INFO(cpus << " CPUs");
    CHECK(loaded.at("etc/acpi/tables") == expected.tables);
    CHECK(loaded.at("etc/acpi/rsdp") == expected.rsdp);
  }
}

TEST_CASE("checksum commands follow the pointers they cover") {
  const std::vector<Command> script =
      parse(build_acpi_fw_cfg_files(test::pc_platform(1)).table_loader);
  // A checksum must not be computed before a pointer inside its range is relocated.
  for (std::size_t i = 0; i < script.size(); ++i) {
    if (script[i].command != LoaderCommand::AddChecksum) continue;
    for (std::size_t j = i + 1; j < script.size(); ++j) {
      const Command& later = script[j];
      if (later.command != LoaderCommand::AddPointer || later.file != script[i].file) continue;
      const bool inside = later.a >= script[i].b && later.a < script[i].b + script[i].c;
      CHECK_FALSE(inside);
    }
  }
}

}  // namespace glasspc::firmware

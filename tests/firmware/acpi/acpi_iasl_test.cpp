// Cross-checks the generated tables with the ACPICA disassembler/compiler (iasl, Debian package
// acpica-tools): each table must disassemble without errors or warnings, and the disassembly must
// compile back with none either. Skipped with a message when iasl is not installed.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "firmware/acpi_tables.h"
#include "tests/firmware/acpi/acpi_test_support.h"

namespace glasspc::firmware {

namespace {

namespace fs = std::filesystem;

using test::CommandResult;
using test::TempDir;

CommandResult run(const std::string& command) {
  return test::run_command(command);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Lines of iasl output that report a problem. iasl prints its messages as "Error", "Warning"
// (with a number) and the disassembler flags table defects with "Invalid"/"Incorrect" comments.
std::vector<std::string> problems(const std::string& text) {
  static const std::regex bad(
      R"((\bError\b|\bWarning\b|\bInvalid\b|\bIncorrect\b|ACPI Error|\*\*\*\*))",
      std::regex::icase);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    // The compiler's summary counts are checked separately.
    if (line.find("Errors,") != std::string::npos) continue;
    if (std::regex_search(line, bad)) lines.push_back(line);
  }
  return lines;
}

struct Disassembly {
  std::string listing;  // the .dsl file
};

// Disassembles `bytes` (one table) and compiles the result back; both must be clean.
Disassembly check_with_iasl(const TempDir& dir, const std::string& name,
                            const std::vector<u8>& bytes) {
  dir.write(name + ".dat", bytes);
  const CommandResult disassembled =
      run(fmt::format("cd '{}' && timeout 120 iasl -d '{}.dat'", dir.path().string(), name));
  INFO("iasl -d " << name << ":\n" << disassembled.output);
  REQUIRE(disassembled.status == 0);
  CHECK(problems(disassembled.output).empty());
  const fs::path listing = dir.path() / (name + ".dsl");
  REQUIRE(fs::exists(listing));
  Disassembly result{read_text(listing)};
  {
    INFO(name << ".dsl:\n" << result.listing);
    CHECK(problems(result.listing).empty());
  }

  const CommandResult compiled = run(fmt::format(
      "cd '{}' && timeout 120 iasl -p '{}-recompiled' '{}.dsl'", dir.path().string(), name, name));
  INFO("iasl " << name << ".dsl:\n" << compiled.output);
  CHECK(compiled.status == 0);
  CHECK(compiled.output.find(" 0 Errors, 0 Warnings") != std::string::npos);
  return result;
}

// iasl cannot disassemble a bare RSDP (it has no table header), so the RSDP is checked the
// other way round: its fields are written in iasl's data table language, with zero checksums,
// and iasl's compiled RSDP (which computes both checksums) must equal ours byte for byte.
void check_rsdp_with_iasl(const TempDir& dir, const AcpiTableSet& set) {
  const fs::path source = dir.path() / "rsdp.asl";
  {
    std::ofstream out(source);
    out << "[0008] Signature : \"RSD PTR \"\n"
        << "[0001] Checksum : 00\n"
        << "[0006] Oem ID : \"" << test::text(set.rsdp, 9, 6) << "\"\n"
        << "[0001] Revision : 02\n"
        << fmt::format("[0004] RSDT Address : {:08X}\n", set.address_of("RSDT"))
        << "[0004] Length : 00000024\n"
        << fmt::format("[0008] XSDT Address : {:016X}\n", set.address_of("XSDT"))
        << "[0001] Extended Checksum : 00\n"
        << "[0003] Reserved : 000000\n";
  }
  const CommandResult compiled =
      run(fmt::format("cd '{}' && timeout 120 iasl rsdp.asl", dir.path().string()));
  INFO("iasl rsdp.asl:\n" << compiled.output);
  REQUIRE(compiled.status == 0);
  CHECK(compiled.output.find(" 0 Errors, 0 Warnings") != std::string::npos);
  std::ifstream in(dir.path() / "rsdp.aml", std::ios::binary);
  const std::vector<u8> reference((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  CHECK(reference == set.rsdp);
}

}  // namespace

TEST_CASE("iasl disassembles and recompiles every generated table without errors or warnings") {
  if (!test::have_program("iasl")) {
    WARN("iasl not found (Debian package acpica-tools): ACPI disassembly check skipped");
    return;
  }
  for (unsigned cpus : {1u, 4u}) {
    TempDir dir(fmt::format("all-{}", cpus));
    const AcpiTableSet set = build_acpi_tables(test::pc_platform(cpus, u64{6} << 30), 0x7FFE0000);
    for (const AcpiTableEntry& entry : set.entries) {
      INFO(cpus << " CPUs, table " << entry.signature);
      check_with_iasl(dir, entry.signature, set.table(entry.signature));
    }
    INFO(cpus << " CPUs, RSDP");
    check_rsdp_with_iasl(dir, set);
  }
}

TEST_CASE("iasl's disassembly of the DSDT shows the expected devices") {
  if (!test::have_program("iasl")) {
    WARN("iasl not found (Debian package acpica-tools): ACPI disassembly check skipped");
    return;
  }
  TempDir dir("dsdt");
  const AcpiTableSet set = build_acpi_tables(test::pc_platform(2), 0x07FE0000);
  const std::string dsl = check_with_iasl(dir, "DSDT", set.table("DSDT")).listing;
  for (const char* expected : {"Device (PCI0)",        "EisaId (\"PNP0A03\")",
                               "Device (LNKA)",        "Device (LNKB)",
                               "Device (LNKC)",        "Device (LNKD)",
                               "EisaId (\"PNP0C0F\")", "Device (COM1)",
                               "EisaId (\"PNP0501\")", "EisaId (\"PNP0B00\")",
                               "EisaId (\"PNP0100\")", "EisaId (\"PNP0000\")",
                               "EisaId (\"PNP0303\")", "EisaId (\"PNP0F13\")",
                               "EisaId (\"PNP0103\")", "Name (\\_S5, Package",
                               "\"ACPI0007\"",         "Device (C001)",
                               "PCI_Config",           "Method (_SRS, 1, Serialized)",
                               "WordBusNumber",        "QWordMemory",
                               "IO (Decode16,",        "Memory32Fixed (ReadOnly,"}) {
    INFO(expected);
    CHECK(dsl.find(expected) != std::string::npos);
  }
}

}  // namespace glasspc::firmware

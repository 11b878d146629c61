// Runs the DSDT's control methods in the ACPICA interpreter (acpiexec, Debian package
// acpica-tools), which emulates the PCI configuration region the link devices use: the methods
// the OS calls to route PCI interrupts must read and write the PIIX3 PIRQ registers as intended.
// Skipped with a message when acpiexec is not installed.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "firmware/acpi_dsdt.h"
#include "tests/firmware/acpi/acpi_test_support.h"

namespace glasspc::firmware {

namespace {

// Evaluates each method in turn (arguments follow the path, buffers written as "(01 02)") and
// returns acpiexec's report of each evaluation, in order, plus the whole output.
struct Evaluation {
  std::vector<std::string> results;
  std::string output;
};

Evaluation evaluate(const AcpiPlatform& platform, const std::vector<std::string>& commands) {
  test::TempDir dir("acpiexec");
  dir.write("dsdt.dat", build_dsdt(platform));
  std::string batch;
  for (const std::string& c : commands) batch += (batch.empty() ? "" : "; ") + ("evaluate " + c);
  const test::CommandResult run = test::run_command(
      fmt::format("cd '{}' && timeout 120 acpiexec -b '{}' dsdt.dat", dir.path().string(), batch));
  Evaluation evaluation{{}, run.output};
  std::istringstream in(run.output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Evaluating ", 0) == 0)
      evaluation.results.emplace_back();
    else if (!evaluation.results.empty())
      evaluation.results.back() += line + "\n";
  }
  return evaluation;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the PCI link methods route, report and disable PIRQ lines in the ACPICA interpreter") {
  if (!test::have_program("acpiexec")) {
    WARN("acpiexec not found (Debian package acpica-tools): AML execution check skipped");
    return;
  }
  // _SRS receives a template like _PRS with one interrupt: Interrupt(...){10}.
  const Evaluation e =
      evaluate(test::pc_platform(2), {
                                         "\\_SB.LNKB._SRS (89 06 00 09 01 0A 00 00 00 79 00)",
                                         "\\_SB.LNKB._CRS",
                                         "\\_SB.PCI0.ISA.PRQ1",
                                         "\\_SB.PCI0.ISA.PRQ0",
                                         "\\_SB.LNKB._STA",
                                         "\\_SB.LNKB._DIS",
                                         "\\_SB.PCI0.ISA.PRQ1",
                                         "\\_SB.LNKB._STA",
                                         "\\_SB.LNKB._CRS",
                                         "\\_SB.LNKD._PRS",
                                     });
  INFO(e.output);
  REQUIRE(e.results.size() == 10);
  CHECK_FALSE(contains(e.output, "ACPI Error"));
  CHECK_FALSE(contains(e.output, "ACPI Warning"));
  CHECK_FALSE(contains(e.output, "failed with status"));
  CHECK(contains(e.results[1], "89 06 00 09 01 0A 00 00 00 79 00"));  // routed to IRQ 10
  CHECK(contains(e.results[2], "[Integer] = 000000000000000A"));      // PIRQB register
  CHECK(contains(e.results[3], "[Integer] = 0000000000000000"));      // PIRQA untouched
  CHECK(contains(e.results[4], "[Integer] = 000000000000000B"));      // enabled
  CHECK(contains(e.results[6], "[Integer] = 000000000000008A"));      // bit 7: disabled
  CHECK(contains(e.results[7], "[Integer] = 0000000000000009"));      // present, not enabled
  CHECK(contains(e.results[8], "89 06 00 09 01 00 00 00 00 79 00"));  // no IRQ while disabled
  CHECK(contains(e.results[9], "89 0E 00 09 03 05 00 00 00 0A 00 00"));
}

TEST_CASE("the DSDT's objects evaluate to the platform's values in the ACPICA interpreter") {
  if (!test::have_program("acpiexec")) {
    WARN("acpiexec not found (Debian package acpica-tools): AML execution check skipped");
    return;
  }
  const Evaluation e = evaluate(test::pc_platform(3), {
                                                          "\\_S5",
                                                          "\\_SB.C002._UID",
                                                          "\\_SB.C002._HID",
                                                          "\\_SB.PCI0.ISA.COM1._HID",
                                                          "\\_SB.HPET._CRS",
                                                          "\\_SB.PCI0._BBN",
                                                          "\\_SB.PCI0.ISA._ADR",
                                                      });
  INFO(e.output);
  REQUIRE(e.results.size() == 7);
  CHECK_FALSE(contains(e.output, "ACPI Error"));
  CHECK(contains(e.results[0], "[Package] Contains 4 Elements"));
  CHECK_FALSE(contains(e.results[0], "[Integer] = 0000000000000001"));  // SLP_TYP 0
  CHECK(contains(e.results[1], "[Integer] = 0000000000000002"));
  CHECK(contains(e.results[2], "ACPI0007"));
  CHECK(contains(e.results[3], "[Integer] = 000000000105D041"));  // EisaId("PNP0501")
  CHECK(contains(e.results[4], "86 09 00 00 00 00 D0 FE 00 04 00 00"));
  CHECK(contains(e.results[5], "[Integer] = 0000000000000000"));
  CHECK(contains(e.results[6], "[Integer] = 0000000000010000"));
}

}  // namespace glasspc::firmware

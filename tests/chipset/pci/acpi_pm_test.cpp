// Register-level tests of the PIIX4-style ACPI power management function: PM I/O decode, PM
// timer, SCI, sleep states, GPE0 and the APM ports.
#include "chipset/acpi_pm.h"

#include <catch2/catch.hpp>

#include "bus/archive.h"
#include "bus/clock.h"
#include "tests/chipset/pci/pci_rig.h"

namespace glasspc {
namespace {

using test::PciRig;

constexpr u16 kBase = AcpiPm::kDefaultPmBase;
constexpr u16 kPm1Sts = kBase + AcpiPm::kPm1Status;
constexpr u16 kPm1En = kBase + AcpiPm::kPm1Enable;
constexpr u16 kPm1Cnt = kBase + AcpiPm::kPm1Control;
constexpr u16 kPmTmr = kBase + AcpiPm::kPmTimer;
constexpr u16 kGpeSts = AcpiPm::kGpe0Port;
constexpr u16 kGpeEn = AcpiPm::kGpe0Port + 2;

struct PmRig : PciRig {
  test::FakeSystem system;
  test::IrqProbe sci;
  AcpiPm& pm;
  PmRig() : pm(machine.add_device<AcpiPm>("acpi", bus, system)) {
    pm.attach(machine.ports());
    pm.sci().connect(sci, AcpiPm::kSciIrq);
  }
  void enable() {
    pm.enable_pm_io(kBase);
    out(AcpiPm::kSmiCommandPort, AcpiPm::kAcpiEnable);
  }
  void at(Picoseconds time) {
    machine.clock().skip_to(time);
    machine.scheduler().run_due();
  }
  bool sci_level() const { return sci.level[AcpiPm::kSciIrq]; }
};

TEST_CASE("acpi: identity and configuration registers as QEMU's pc shows them", "[acpi]") {
  PmRig rig;
  CHECK(rig.config_read(1, 3, pci::kVendorId, 4) == 0x71138086);
  CHECK(rig.config_read(1, 3, pci::kRevisionId, 4) == 0x06800003);
  CHECK(rig.config_read(1, 3, AcpiPm::kPmba, 4) == (kBase | AcpiPm::kPmbaIoSpace));
  rig.config_write(1, 3, AcpiPm::kPmba, 0xFFFFFFFF, 4);
  CHECK(rig.config_read(1, 3, AcpiPm::kPmba, 4) == 0xFFC1);  // 64-byte block, I/O bit
  // APMC_EN reads 1 so that SeaBIOS leaves SMM alone; it cannot be cleared.
  CHECK(rig.config_read(1, 3, AcpiPm::kDevactb, 4) == AcpiPm::kApmcEnable);
  rig.config_write(1, 3, AcpiPm::kDevactb, 0, 4);
  CHECK(rig.config_read(1, 3, AcpiPm::kDevactb, 4) == AcpiPm::kApmcEnable);
  // No SMBus controller: SMBBA stays 0.
  rig.config_write(1, 3, 0x90, 0xB101, 4);
  CHECK(rig.config_read(1, 3, 0x90, 4) == 0);
}

TEST_CASE("acpi: the PM block decodes only with PMIOSE and follows PMBA", "[acpi]") {
  PmRig rig;
  CHECK_FALSE(rig.pm.pm_io_base());
  CHECK(rig.in(kPm1Cnt, 2) == 0xFFFF);  // not decoded yet
  rig.config_write(1, 3, AcpiPm::kPmregmisc, AcpiPm::kPmIoEnable, 1);
  CHECK(rig.pm.pm_io_base() == std::optional<u16>(kBase));
  rig.out(kPm1En, AcpiPm::kPowerButtonEnable, 2);
  CHECK(rig.in(kPm1En, 2) == AcpiPm::kPowerButtonEnable);
  rig.config_write(1, 3, AcpiPm::kPmba, 0xB000, 4);  // SeaBIOS's choice
  CHECK(rig.in(0xB002, 2) == AcpiPm::kPowerButtonEnable);
  CHECK(rig.in(kPm1En, 2) == 0xFFFF);
  rig.config_write(1, 3, AcpiPm::kPmregmisc, 0, 1);
  CHECK(rig.in(0xB002, 2) == 0xFFFF);
  CHECK(rig.machine.ports().owner(0xB000).empty());
}

TEST_CASE("acpi: the PM timer counts 3.579545 MHz of virtual time in 24 bits", "[acpi][timer]") {
  PmRig rig;
  rig.enable();
  CHECK(rig.in(kPmTmr, 4) == 0);
  rig.at(kPsPerSecond);
  CHECK(rig.in(kPmTmr, 4) == 3579545);
  rig.at(kPsPerSecond + 1000 * kPsPerNs);  // one microsecond later: 3.58 ticks
  CHECK(rig.in(kPmTmr, 4) == 3579548);
  rig.at(5 * kPsPerSecond);  // 17897725 ticks wrap at 2^24
  CHECK(rig.in(kPmTmr, 4) == 17897725 - (1u << 24));
  rig.out(kPmTmr, 0, 4);  // read-only
  CHECK(rig.in(kPmTmr, 4) == 17897725 - (1u << 24));
  CHECK(rig.in(kPmTmr + 2, 2) == ((17897725 - (1u << 24)) >> 16));
}

TEST_CASE("acpi: timer overflow sets TMR_STS and raises SCI on time, writing 1 clears it",
          "[acpi][timer]") {
  PmRig rig;
  rig.enable();
  rig.out(kPm1En, AcpiPm::kTimerEnable, 2);
  const Picoseconds overflow = time_of_tick(AcpiPm::kTimerOverflowTicks, AcpiPm::kTimerHz);
  CHECK(rig.machine.scheduler().next_deadline() == overflow);
  rig.at(overflow - 1);
  CHECK_FALSE(rig.sci_level());
  CHECK((rig.in(kPm1Sts, 2) & AcpiPm::kTimerStatus) == 0);
  rig.at(overflow);
  CHECK(rig.sci_level());
  CHECK((rig.in(kPm1Sts, 2) & AcpiPm::kTimerStatus) != 0);
  rig.out(kPm1Sts, 0, 2);  // writing 0 leaves it
  CHECK(rig.sci_level());
  rig.out(kPm1Sts, AcpiPm::kTimerStatus, 2);
  CHECK_FALSE(rig.sci_level());
  CHECK((rig.in(kPm1Sts, 2) & AcpiPm::kTimerStatus) == 0);
  // The next change of bit 23 is at 2^24 ticks.
  CHECK(rig.machine.scheduler().next_deadline() ==
        time_of_tick(2 * AcpiPm::kTimerOverflowTicks, AcpiPm::kTimerHz));
  // With TMR_EN clear the status still latches (read lazily), with no SCI.
  rig.out(kPm1En, 0, 2);
  rig.at(time_of_tick(2 * AcpiPm::kTimerOverflowTicks, AcpiPm::kTimerHz));
  CHECK_FALSE(rig.sci_level());
  CHECK((rig.in(kPm1Sts, 2) & AcpiPm::kTimerStatus) != 0);
}

TEST_CASE("acpi: SLP_TYP 0 with SLP_EN powers off, S4 too, other types wake at once",
          "[acpi][sleep]") {
  PmRig rig;
  rig.enable();
  rig.out(kPm1Cnt, AcpiPm::kSciEnable | 5u << AcpiPm::kSleepTypeShift, 2);  // no SLP_EN
  CHECK(rig.system.exits == 0);
  CHECK(rig.in(kPm1Cnt, 2) == (AcpiPm::kSciEnable | 5u << AcpiPm::kSleepTypeShift));
  // S1-like type: no suspended state, WAK_STS at once; SLP_EN reads 0.
  rig.out(kPm1Cnt, AcpiPm::kSciEnable | AcpiPm::kSleepEnable | 1u << AcpiPm::kSleepTypeShift, 2);
  CHECK(rig.system.exits == 0);
  CHECK((rig.in(kPm1Sts, 2) & AcpiPm::kWakeStatus) != 0);
  CHECK((rig.in(kPm1Cnt, 2) & AcpiPm::kSleepEnable) == 0);
  rig.out(kPm1Sts, AcpiPm::kWakeStatus, 2);
  CHECK((rig.in(kPm1Sts, 2) & AcpiPm::kWakeStatus) == 0);
  // S5: Linux writes SLP_TYP, then SLP_TYP | SLP_EN.
  rig.out(kPm1Cnt, AcpiPm::kSciEnable, 2);
  rig.out(kPm1Cnt, AcpiPm::kSciEnable | AcpiPm::kSleepEnable, 2);
  CHECK(rig.system.exits == 1);
  CHECK(rig.system.exit_status == 0);
  CHECK(rig.system.reason.find("S5") != std::string::npos);
  // A byte write of the high half carries SLP_EN too.
  rig.out(kPm1Cnt + 1, (AcpiPm::kSleepEnable | 2u << AcpiPm::kSleepTypeShift) >> 8, 1);
  CHECK(rig.system.exits == 2);
  CHECK(rig.system.reason.find("S4") != std::string::npos);
}

TEST_CASE("acpi: GPE0 status clears by writing 1 and raises SCI when enabled", "[acpi][gpe]") {
  PmRig rig;
  rig.enable();
  rig.pm.raise_gpe(1);
  rig.pm.raise_gpe(9);
  CHECK(rig.in(kGpeSts, 2) == 0x0202);
  CHECK_FALSE(rig.sci_level());
  rig.out(kGpeEn, 0x0002, 2);
  CHECK(rig.sci_level());
  rig.out(kGpeSts + 1, 0x02, 1);  // clears bit 9 only
  CHECK(rig.in(kGpeSts, 2) == 0x0002);
  CHECK(rig.sci_level());
  rig.out(kGpeSts, 0xFFFF, 2);
  CHECK(rig.in(kGpeSts, 2) == 0);
  CHECK_FALSE(rig.sci_level());
  CHECK(rig.in(kGpeEn, 2) == 0x0002);
}

TEST_CASE("acpi: power button event and SCI_EN through ACPI_ENABLE/ACPI_DISABLE", "[acpi][sci]") {
  PmRig rig;
  rig.pm.enable_pm_io(kBase);
  rig.out(kPm1En, AcpiPm::kPowerButtonEnable, 2);
  rig.pm.press_power_button();
  CHECK((rig.in(kPm1Sts, 2) & AcpiPm::kPowerButtonStatus) != 0);
  CHECK_FALSE(rig.sci_level());  // SCI_EN clear: the event only latches
  rig.out(AcpiPm::kSmiCommandPort, AcpiPm::kAcpiEnable);
  CHECK((rig.in(kPm1Cnt, 2) & AcpiPm::kSciEnable) != 0);
  CHECK(rig.in(AcpiPm::kSmiCommandPort) == AcpiPm::kAcpiEnable);
  CHECK(rig.sci_level());
  rig.out(kPm1Sts + 1, AcpiPm::kPowerButtonStatus >> 8, 1);
  CHECK_FALSE(rig.sci_level());
  rig.pm.rtc_alarm();  // RTC_EN clear
  CHECK(!rig.sci_level());
  rig.out(kPm1En, AcpiPm::kPowerButtonEnable | AcpiPm::kRtcEnable, 2);
  CHECK(rig.sci_level());
  rig.out(AcpiPm::kSmiCommandPort, AcpiPm::kAcpiDisable);
  CHECK_FALSE(rig.sci_level());
  rig.out(AcpiPm::kSmiStatusPort, 0x5A);  // APMS is a scratch register
  CHECK(rig.in(AcpiPm::kSmiStatusPort) == 0x5A);
}

TEST_CASE("acpi: reset and snapshot", "[acpi]") {
  PmRig rig;
  rig.enable();
  rig.out(kPm1En, AcpiPm::kTimerEnable | AcpiPm::kPowerButtonEnable, 2);
  Archive saver = Archive::for_saving();
  {
    ArchiveSection section(saver, "acpi", 1);
    rig.pm.serialize(saver);
  }
  const std::vector<u8> bytes = saver.finish();
  rig.machine.reset();
  CHECK_FALSE(rig.pm.pm_io_base());
  CHECK(rig.pm.pm1_enable() == 0);
  CHECK(rig.pm.pm1_control() == 0);
  Archive loader = Archive::for_loading(bytes);
  {
    ArchiveSection section(loader, "acpi", 1);
    rig.pm.serialize(loader);
  }
  CHECK(rig.pm.pm_io_base() == std::optional<u16>(kBase));
  CHECK(rig.in(kPm1En, 2) == (AcpiPm::kTimerEnable | AcpiPm::kPowerButtonEnable));
  CHECK((rig.in(kPm1Cnt, 2) & AcpiPm::kSciEnable) != 0);
}

}  // namespace
}  // namespace glasspc

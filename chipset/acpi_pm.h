// ACPI power management at PCI 01.3, the PIIX4 power management function as QEMU's pc has it
// (Intel 82371AB PIIX4 datasheet 290562, function 3 "Power Management"; ACPI Specification 6.5,
// 4.8 "ACPI Hardware Features").
//
// Configuration: PMBA (0x40) holds the base of the 64-byte PM I/O block (bits 15:6; bit 0 reads
// 1 for I/O space); PMREGMISC (0x80) bit 0 turns its decode on. The block moves live when either
// changes; ports another device already owns stay with that device (as for an I/O BAR).
// DEVACTB (0x58) bit 25, APMC_EN, reads 1: with no System Management Mode there is no SMI
// handler to install, and SeaBIOS then skips its SMM setup as it does on QEMU without SMM. The
// SMBus registers (0x90 SMBBA, 0xD2 SMBHSTCFG) read 0, so drivers see no SMBus controller.
//
// PM I/O block (offsets from PMBA):
//   0x00 PM1_STS  TMROF_STS, PWRBTN_STS, RTC_STS, WAK_STS ... write 1 to clear
//   0x02 PM1_EN   TMROF_EN, GBL_EN, PWRBTN_EN, RTC_EN
//   0x04 PM1_CNT  SCI_EN, BM_RLD, GBL_RLS (write-only), SLP_TYP, SLP_EN (write-only)
//   0x08 PM_TMR   24-bit count of a 3.579545 MHz clock derived from virtual time
// The rest of the block reads 0 and ignores writes. GPE0 is a fixed 4-byte block at 0xAFE0
// (GPE0_STS, write 1 to clear, then GPE0_EN), and APMC/APMS (SMI command and status, 0xB2/0xB3)
// are stored; writing ACPI_ENABLE (0xF1) or ACPI_DISABLE (0xF0) to APMC sets or clears SCI_EN,
// the effect the firmware's SMI handler has on real hardware (and QEMU's pc has without SMM).
//
// SCI (to ISA IRQ 9, level, active high) is asserted while SCI_EN is set and an enabled PM1
// event or GPE0 event is pending (ACPI 4.8.3.1, 4.8.4.1; with SCI_EN clear events would go to
// SMI, which does not exist here, so they only latch their status). The timer overflow event
// sets TMROF_STS each time bit 23 of PM_TMR changes; while TMROF_EN is set a Scheduler timer
// delivers it on time.
//
// Sleep (PM1_CNT with SLP_EN): SLP_TYP 0 is soft off (S5) and ends the run with status 0
// (SystemControl::request_exit); SLP_TYP 2 is QEMU's S4 and powers off too (hibernation has
// already written its image). glasspc has no suspended state: any other type returns at once as
// if a wake event had arrived (WAK_STS set), so the board's DSDT should offer only \_S5 (and
// \_S4 as type 2).
//
// The FADT reset register is the PIIX3's reset control register: kResetRegisterPort/Value.
#pragma once

#include <optional>
#include <string>

#include "bus/irq_line.h"
#include "bus/pci/pci_bars.h"
#include "bus/pci/pci_function.h"
#include "bus/register_bank.h"
#include "bus/scheduler.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class PciBus;
class PortSpace;
class SystemControl;

class AcpiPm : public PciFunction {
 public:
  static constexpr u16 kVendorIntel = 0x8086;
  static constexpr u16 kDeviceId = 0x7113;
  static constexpr u8 kRevision = 0x03;
  // Configuration registers.
  static constexpr u8 kPmba = 0x40;
  static constexpr u8 kDevactb = 0x58;
  static constexpr u8 kPmregmisc = 0x80;
  static constexpr u32 kPmbaIoSpace = 1 << 0;
  static constexpr u32 kPmbaAddressMask = 0xFFC0;
  static constexpr u32 kApmcEnable = 1u << 25;
  static constexpr u8 kPmIoEnable = 1 << 0;  // PMIOSE
  // What a BIOS-less boot programs (QEMU's default PM base), and the block size.
  static constexpr u16 kDefaultPmBase = 0x600;
  static constexpr u32 kPmBlockSize = 0x40;
  // PM I/O block offsets.
  static constexpr u8 kPm1Status = 0x00;
  static constexpr u8 kPm1Enable = 0x02;
  static constexpr u8 kPm1Control = 0x04;
  static constexpr u8 kPmTimer = 0x08;
  // PM1_STS / PM1_EN bits (ACPI 4.8.3.1, tables 4.16 and 4.17).
  static constexpr u16 kTimerStatus = 1 << 0;
  static constexpr u16 kBusMasterStatus = 1 << 4;
  static constexpr u16 kGlobalStatus = 1 << 5;
  static constexpr u16 kPowerButtonStatus = 1 << 8;
  static constexpr u16 kRtcStatus = 1 << 10;
  static constexpr u16 kPowerButtonOverrideStatus = 1 << 11;
  static constexpr u16 kWakeStatus = 1 << 15;
  static constexpr u16 kTimerEnable = kTimerStatus;
  static constexpr u16 kGlobalEnable = kGlobalStatus;
  static constexpr u16 kPowerButtonEnable = kPowerButtonStatus;
  static constexpr u16 kRtcEnable = kRtcStatus;
  // PM1_CNT bits (ACPI 4.8.3.2.1, table 4.18).
  static constexpr u16 kSciEnable = 1 << 0;
  static constexpr u16 kBusMasterReload = 1 << 1;
  static constexpr u16 kGlobalRelease = 1 << 2;
  static constexpr unsigned kSleepTypeShift = 10;
  static constexpr u16 kSleepTypeMask = 0x7 << kSleepTypeShift;
  static constexpr u16 kSleepEnable = 1 << 13;
  static constexpr u8 kSleepTypeSoftOff = 0;
  static constexpr u8 kSleepTypeS4 = 2;
  // PM timer (ACPI 4.8.3.3).
  static constexpr u64 kTimerHz = 3579545;
  static constexpr u32 kTimerMask = 0xFFFFFF;
  static constexpr u64 kTimerOverflowTicks = u64{1} << 23;  // bit 23 changes
  // Fixed blocks, as in QEMU's FADT for this board.
  static constexpr u16 kGpe0Port = 0xAFE0;
  static constexpr u32 kGpe0Length = 4;
  static constexpr u16 kSmiCommandPort = 0xB2;
  static constexpr u16 kSmiStatusPort = 0xB3;
  static constexpr u8 kAcpiEnable = 0xF1;
  static constexpr u8 kAcpiDisable = 0xF0;
  static constexpr unsigned kSciIrq = 9;
  static constexpr u16 kResetRegisterPort = 0xCF9;
  static constexpr u8 kResetValue = 0x06;

  // The PM function at 01.3 of `bus`.
  AcpiPm(std::string name, PciBus& bus, SystemControl& system);

  // Claims the GPE0 block and the APM ports; the PM block follows PMBA/PMREGMISC.
  void attach(PortSpace& ports);
  // What a firmware loader does instead of the BIOS: PMBA = base, PMREGMISC.PMIOSE = 1.
  void enable_pm_io(u16 base);

  // The SCI output; the board wires it to ISA IRQ 9.
  IrqLine& sci() { return m_sci; }
  // Events from the board: the power button (monitor "system_powerdown"), the RTC alarm,
  // general-purpose event `bit` of GPE0.
  void press_power_button();
  void rtc_alarm();
  void raise_gpe(unsigned bit);

  u32 pm_timer();
  u16 pm1_status();
  u16 pm1_enable() const;
  u16 pm1_control() const;
  u16 gpe0_status() const;
  std::optional<u16> pm_io_base() const;

  void reset() override;
  void serialize(Archive& archive) override;

 protected:
  void config_written(u8 offset, unsigned size) override;

 private:
  void define_pm_block();
  void define_fixed_blocks();
  void update_pm_io();
  void refresh_timer_status();
  void arm_overflow();
  void overflow_fired();
  void status_byte_written(RegisterBank& bank, u32 reg, u8 value, u8 old_value);
  void set_pm1_status_bits(u16 bits);
  void pm1_control_written(u16 value);
  void apm_command_written(u8 value);
  void update_sci();

  SystemControl& m_system;
  RegisterBank m_pm;   // the PMBA block
  RegisterBank m_gpe;  // GPE0 at 0xAFE0
  RegisterBank m_apm;  // APMC/APMS
  // Register indices. Status registers are byte registers because they clear by writing 1 per
  // byte, and a byte write must not touch the other byte.
  u32 m_reg_pm1_sts_low = 0, m_reg_pm1_sts_high = 0, m_reg_pm1_en = 0, m_reg_pm1_cnt = 0;
  u32 m_reg_gpe_sts_low = 0, m_reg_gpe_sts_high = 0, m_reg_gpe_en = 0;
  PciIoWindow m_pm_window;
  IrqLine m_sci;
  TimerId m_overflow_timer;
  u64 m_next_overflow_tick = 0;  // PM_TMR tick count at which TMROF_STS sets next
};

}  // namespace glasspc

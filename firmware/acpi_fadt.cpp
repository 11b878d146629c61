#include "firmware/acpi_fadt.h"

#include <stdexcept>

namespace glasspc::firmware {

namespace {

// PM1a blocks of the PIIX4 PM function (PIIX4 datasheet §11.7.3, PMBA-relative): PM1 status and
// enable (2 bytes each), PM1 control, and the 24-bit PM timer.
constexpr u8 kPm1EventLength = 4;
constexpr u8 kPm1ControlLength = 2;
constexpr u8 kPmTimerLength = 4;
constexpr u16 kPm1ControlOffset = 4;
constexpr u16 kPmTimerOffset = 8;

// C2 latency above 100 us and C3 latency above 1000 us tell the OS these states do not exist
// (§5.2.9, P_LVL2_LAT and P_LVL3_LAT); the machine only has C1 (HLT).
constexpr u16 kNoC2Latency = 0x0FFF;
constexpr u16 kNoC3Latency = 0x0FFF;

}  // namespace

BuiltTable build_fadt(const AcpiPlatform& platform, u64 facs_address, u64 dsdt_address) {
  if (facs_address > 0xFFFFFFFF || dsdt_address > 0xFFFFFFFF)
    throw std::invalid_argument("the FACS and DSDT must lie below 4 GiB");
  const u32 pm1_event = platform.pm_io_base;
  const u32 pm1_control = platform.pm_io_base + kPm1ControlOffset;
  const u32 pm_timer = platform.pm_io_base + kPmTimerOffset;

  BuiltTable out;
  TableWriter t;
  begin_acpi_table(t, "FACP", kFadtRevision);
  out.pointers.push_back({t.size(), 4});
  t.put32(static_cast<u32>(facs_address));  // FIRMWARE_CTRL
  out.pointers.push_back({t.size(), 4});
  t.put32(static_cast<u32>(dsdt_address));  // DSDT
  // Offset 44 was INT_MODEL in ACPI 1.0; 1 (APIC model) keeps 1.0 readers on the IOAPIC path,
  // which the specification allows for compatibility.
  t.put8(1);
  t.put8(0);  // Preferred_PM_Profile: unspecified
  t.put16(platform.sci_irq);
  t.put32(platform.smi_cmd);
  t.put8(platform.smi_cmd != 0 ? platform.acpi_enable_value : 0);
  t.put8(platform.smi_cmd != 0 ? platform.acpi_disable_value : 0);
  t.put8(0);  // S4BIOS_REQ: no S4BIOS
  t.put8(0);  // PSTATE_CNT: no P-state control through SMI
  t.put32(pm1_event);
  t.put32(0);  // PM1b_EVT_BLK
  t.put32(pm1_control);
  t.put32(0);  // PM1b_CNT_BLK
  t.put32(0);  // PM2_CNT_BLK: none
  t.put32(pm_timer);
  t.put32(platform.gpe0_base);
  t.put32(0);  // GPE1_BLK
  t.put8(kPm1EventLength);
  t.put8(kPm1ControlLength);
  t.put8(0);  // PM2_CNT_LEN
  t.put8(kPmTimerLength);
  t.put8(platform.gpe0_length);
  t.put8(0);  // GPE1_BLK_LEN
  t.put8(0);  // GPE1_BASE
  t.put8(0);  // CST_CNT: no _CST change notification
  t.put16(kNoC2Latency);
  t.put16(kNoC3Latency);
  t.put16(0);  // FLUSH_SIZE: unused with WBINVD
  t.put16(0);  // FLUSH_STRIDE
  t.put8(0);   // DUTY_OFFSET: no throttling
  t.put8(0);   // DUTY_WIDTH
  t.put8(0);   // DAY_ALRM: no day-of-month alarm in CMOS
  t.put8(0);   // MON_ALRM
  t.put8(platform.rtc_century_index);
  t.put16(static_cast<u16>(fadt::kLegacyDevices | (platform.i8042 ? fadt::k8042 : 0)));
  t.put8(0);  // reserved
  // WBINVD works; C1 is supported; the sleep button is not a fixed feature; the RTC can wake
  // from S4; the PM timer is 24 bits (TMR_VAL_EXT clear); the reset register is valid.
  t.put32(fadt::kWbinvd | fadt::kProcC1 | fadt::kSlpButton | fadt::kRtcS4 | fadt::kResetRegSup |
          fadt::kUsePlatformClock);
  generic_address(t, AddressSpace::SystemIo, 8, AccessSize::Byte, platform.reset_port);
  t.put8(platform.reset_value);
  t.zeros(2);  // ARM_BOOT_ARCH (revision 5 and later), reserved here
  t.put8(0);   // FADT minor version
  // X_FIRMWARE_CTRL stays 0: the 32-bit FIRMWARE_CTRL is used, and the specification forbids
  // both being set to different values.
  t.put64(0);
  out.pointers.push_back({t.size(), 8});
  t.put64(dsdt_address);  // X_DSDT
  // Extended blocks: the same I/O addresses with their width in bits, as the OS cross-checks
  // them against the 32-bit fields and lengths.
  generic_address(t, AddressSpace::SystemIo, kPm1EventLength * 8, AccessSize::Undefined, pm1_event);
  generic_address(t, AddressSpace::SystemIo, 0, AccessSize::Undefined, 0);  // X_PM1b_EVT_BLK
  generic_address(t, AddressSpace::SystemIo, kPm1ControlLength * 8, AccessSize::Undefined,
                  pm1_control);
  generic_address(t, AddressSpace::SystemIo, 0, AccessSize::Undefined, 0);  // X_PM1b_CNT_BLK
  generic_address(t, AddressSpace::SystemIo, 0, AccessSize::Undefined, 0);  // X_PM2_CNT_BLK
  generic_address(t, AddressSpace::SystemIo, kPmTimerLength * 8, AccessSize::Undefined, pm_timer);
  generic_address(t, AddressSpace::SystemIo, static_cast<u8>(platform.gpe0_length * 8),
                  AccessSize::Undefined, platform.gpe0_base);
  generic_address(t, AddressSpace::SystemIo, 0, AccessSize::Undefined, 0);  // X_GPE1_BLK
  out.bytes = finish_acpi_table(t);
  if (out.bytes.size() != kFadtLength) throw std::logic_error("FADT layout is wrong");
  return out;
}

std::vector<u8> build_facs() {
  TableWriter t;
  t.chars("FACS", 4);
  t.put32(kFacsLength);
  t.put32(0);  // hardware signature: the hardware configuration never changes across S4
  t.put32(0);  // firmware waking vector: no S3 resume
  t.put32(0);  // global lock: free
  t.put32(0);  // flags: no S4BIOS, no 64-bit wake
  t.put64(0);  // X firmware waking vector
  t.put8(2);   // version of this layout (ACPI 4.0 and later)
  t.zeros(3);
  t.put32(0);  // OSPM flags
  t.zeros(24);
  return t.take();
}

}  // namespace glasspc::firmware

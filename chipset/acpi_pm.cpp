#include "chipset/acpi_pm.h"

#include <fmt/format.h>

#include "bus/archive.h"
#include "bus/clock.h"
#include "bus/machine.h"
#include "bus/pci/pci_bus.h"
#include "bus/port_space.h"
#include "bus/system_control.h"

namespace glasspc {

namespace {

constexpr u8 kClassBridge = 0x06;
constexpr u8 kSubclassOther = 0x80;
constexpr u8 kDevice = 1;
constexpr u8 kFunction = 3;
constexpr u8 kSmbusBase = 0x90;
constexpr u8 kSmbusHostConfig = 0xD2;
constexpr u32 kApmPortCount = 2;
// GPE0_STS and GPE0_EN are two bytes each: events 0-15.
constexpr unsigned kGpe0Events = 16;
constexpr unsigned kBitsPerByte = 8;

constexpr u16 kPm1StatusBits = AcpiPm::kTimerStatus | AcpiPm::kBusMasterStatus |
                               AcpiPm::kGlobalStatus | AcpiPm::kPowerButtonStatus |
                               AcpiPm::kRtcStatus | AcpiPm::kPowerButtonOverrideStatus |
                               AcpiPm::kWakeStatus;
constexpr u16 kPm1EnableBits =
    AcpiPm::kTimerEnable | AcpiPm::kGlobalEnable | AcpiPm::kPowerButtonEnable | AcpiPm::kRtcEnable;
constexpr u16 kPm1ControlWritable = AcpiPm::kSciEnable | AcpiPm::kBusMasterReload |
                                    AcpiPm::kGlobalRelease | AcpiPm::kSleepTypeMask |
                                    AcpiPm::kSleepEnable;
// Write-only bits: they act when written and read 0.
constexpr u16 kPm1ControlWriteOnly = AcpiPm::kGlobalRelease | AcpiPm::kSleepEnable;

PciIdentity identity() {
  PciIdentity id;
  id.vendor_id = AcpiPm::kVendorIntel;
  id.device_id = AcpiPm::kDeviceId;
  id.revision = AcpiPm::kRevision;
  id.class_code = kClassBridge;
  id.subclass = kSubclassOther;
  id.interrupt_pin = pci::kIntA;  // the SMBus interrupt pin, as QEMU's pc reports it
  id.status = pci::kStatusDevselMedium;
  return id;
}

// A read/write byte register with an optional write hook; wider registers adjust the fields.
RegisterSpec byte_register(u32 offset, std::string name, std::function<void(u64, u64)> written) {
  RegisterSpec spec;
  spec.offset = offset;
  spec.width = 1;
  spec.name = std::move(name);
  spec.writable_mask = 0xFF;
  spec.write = std::move(written);
  return spec;
}

PortHandler bank_handler(std::string name, RegisterBank& bank) {
  return PortHandler{
      .name = std::move(name),
      .read = [&bank](u16 offset,
                      unsigned size) { return static_cast<u32>(bank.read(offset, size)); },
      .write = [&bank](u16 offset, u32 value, unsigned size) { bank.write(offset, value, size); },
      .impl = {1, 4, true},
      .traces_itself = true};
}

}  // namespace

AcpiPm::AcpiPm(std::string name, PciBus& bus, SystemControl& system)
    : PciFunction(std::move(name), bus, kDevice, kFunction, identity()),
      m_system(system),
      m_pm(this->name() + ".pm", bus.machine().trace(), kPmBlockSize),
      m_gpe(this->name() + ".gpe0", bus.machine().trace(), kGpe0Length),
      m_apm(this->name() + ".apm", bus.machine().trace(), kApmPortCount),
      m_pm_window(bus.machine().ports(), bus.machine().trace(),
                  bank_handler(this->name() + ".pm", m_pm), kPmBlockSize),
      m_sci(this->name() + ".SCI", &bus.machine().trace()) {
  define_register(kPmba, 4, kDefaultPmBase | kPmbaIoSpace, kPmbaAddressMask);
  define_register(kDevactb, 4, kApmcEnable, ~kApmcEnable);
  define_register(kPmregmisc, 1, 0, kPmIoEnable);
  define_register(kSmbusBase, 4, 0, 0);
  define_register(kSmbusHostConfig, 1, 0, 0);
  define_pm_block();
  define_fixed_blocks();
  m_overflow_timer = bus.machine().scheduler().create_timer(this->name() + ".tmr_overflow",
                                                            [this] { overflow_fired(); });
  reset();
}

void AcpiPm::define_pm_block() {
  RegisterSpec status_low = byte_register(kPm1Status, "PM1_STS_L", [this](u64 value, u64 old) {
    status_byte_written(m_pm, m_reg_pm1_sts_low, static_cast<u8>(value), static_cast<u8>(old));
  });
  // TMROF_STS is brought up to date when read (see refresh_timer_status).
  status_low.read = [this] {
    refresh_timer_status();
    return m_pm.value(m_reg_pm1_sts_low);
  };
  m_reg_pm1_sts_low = m_pm.add(std::move(status_low));
  m_reg_pm1_sts_high =
      m_pm.add(byte_register(kPm1Status + 1, "PM1_STS_H", [this](u64 value, u64 old) {
        status_byte_written(m_pm, m_reg_pm1_sts_high, static_cast<u8>(value), static_cast<u8>(old));
      }));
  RegisterSpec enable = byte_register(kPm1Enable, "PM1_EN", [this](u64, u64) {
    refresh_timer_status();
    arm_overflow();
    update_sci();
  });
  enable.width = 2;
  enable.writable_mask = kPm1EnableBits;
  m_reg_pm1_en = m_pm.add(std::move(enable));
  RegisterSpec control = byte_register(kPm1Control, "PM1_CNT", [this](u64 value, u64) {
    pm1_control_written(static_cast<u16>(value));
  });
  control.width = 2;
  control.writable_mask = kPm1ControlWritable;
  m_reg_pm1_cnt = m_pm.add(std::move(control));
  RegisterSpec timer = byte_register(kPmTimer, "PM_TMR", {});
  timer.width = 4;
  timer.writable_mask = 0;
  timer.read = [this] { return u64{pm_timer()}; };
  m_pm.add(std::move(timer));
}

void AcpiPm::define_fixed_blocks() {
  m_gpe.set_trace_base(kGpe0Port, TraceCategory::Port);
  m_reg_gpe_sts_low = m_gpe.add(byte_register(0, "GPE0_STS_0", [this](u64 value, u64 old) {
    status_byte_written(m_gpe, m_reg_gpe_sts_low, static_cast<u8>(value), static_cast<u8>(old));
  }));
  m_reg_gpe_sts_high = m_gpe.add(byte_register(1, "GPE0_STS_1", [this](u64 value, u64 old) {
    status_byte_written(m_gpe, m_reg_gpe_sts_high, static_cast<u8>(value), static_cast<u8>(old));
  }));
  RegisterSpec enable = byte_register(2, "GPE0_EN", [this](u64, u64) { update_sci(); });
  enable.width = 2;
  enable.writable_mask = 0xFFFF;
  m_reg_gpe_en = m_gpe.add(std::move(enable));
  m_apm.set_trace_base(kSmiCommandPort, TraceCategory::Port);
  m_apm.add(byte_register(0, "APMC",
                          [this](u64 value, u64) { apm_command_written(static_cast<u8>(value)); }));
  m_apm.add(byte_register(1, "APMS", {}));
}

void AcpiPm::attach(PortSpace& ports) {
  ports.claim(kGpe0Port, kGpe0Length, bank_handler(name() + ".gpe0", m_gpe));
  ports.claim(kSmiCommandPort, kApmPortCount, bank_handler(name() + ".apm", m_apm));
}

void AcpiPm::enable_pm_io(u16 base) {
  config_write(kPmba, base, 4);
  config_write(kPmregmisc, kPmIoEnable, 1);
}

// --- configuration -------------------------------------------------------------------------------

std::optional<u16> AcpiPm::pm_io_base() const {
  if (!(config_value(kPmregmisc, 1) & kPmIoEnable)) return std::nullopt;
  const u32 base = config_value(kPmba, 4) & kPmbaAddressMask;
  if (base == 0) return std::nullopt;
  return static_cast<u16>(base);
}

void AcpiPm::update_pm_io() {
  const std::optional<u16> base = pm_io_base();
  m_pm_window.place(base);
  m_pm.set_trace_base(base.value_or(0), TraceCategory::Port);
}

void AcpiPm::config_written(u8 offset, unsigned size) {
  const unsigned end = offset + size;
  if ((offset < kPmba + 4 && end > kPmba) || (offset <= kPmregmisc && end > kPmregmisc))
    update_pm_io();
}

// --- PM timer ------------------------------------------------------------------------------------

u32 AcpiPm::pm_timer() {
  return static_cast<u32>(ticks_at(machine().clock().now(), kTimerHz)) & kTimerMask;
}

// TMROF_STS latches the bit-23 change that happened last; later ones while it is set add nothing.
void AcpiPm::refresh_timer_status() {
  const u64 ticks = ticks_at(machine().clock().now(), kTimerHz);
  if (ticks < m_next_overflow_tick) return;
  m_next_overflow_tick = (ticks / kTimerOverflowTicks + 1) * kTimerOverflowTicks;
  m_pm.set_value(m_reg_pm1_sts_low, m_pm.value(m_reg_pm1_sts_low) | kTimerStatus);
}

// Only while the event is enabled and not yet pending does the overflow need to fire on time;
// otherwise its status is computed when read.
void AcpiPm::arm_overflow() {
  Scheduler& scheduler = machine().scheduler();
  const bool pending = m_pm.value(m_reg_pm1_sts_low) & kTimerStatus;
  if ((m_pm.value(m_reg_pm1_en) & kTimerEnable) && !pending)
    scheduler.arm_at(m_overflow_timer, time_of_tick(m_next_overflow_tick, kTimerHz));
  else
    scheduler.cancel(m_overflow_timer);
}

void AcpiPm::overflow_fired() {
  refresh_timer_status();
  update_sci();
  arm_overflow();
}

// --- events --------------------------------------------------------------------------------------

void AcpiPm::status_byte_written(RegisterBank& bank, u32 reg, u8 value, u8 old_value) {
  // The bank stored the written byte; status bits instead clear where a 1 was written.
  bank.set_value(reg, old_value & ~value);
  if (&bank == &m_pm) arm_overflow();  // a cleared TMROF_STS needs the next overflow on time
  update_sci();
}

void AcpiPm::set_pm1_status_bits(u16 bits) {
  m_pm.set_value(m_reg_pm1_sts_low, m_pm.value(m_reg_pm1_sts_low) | (bits & 0xFF));
  m_pm.set_value(m_reg_pm1_sts_high, m_pm.value(m_reg_pm1_sts_high) | (bits >> 8));
  update_sci();
}

void AcpiPm::press_power_button() {
  set_pm1_status_bits(kPowerButtonStatus);
}

void AcpiPm::rtc_alarm() {
  set_pm1_status_bits(kRtcStatus);
}

void AcpiPm::raise_gpe(unsigned bit) {
  if (bit >= kGpe0Events) return;
  const u32 reg = bit < kBitsPerByte ? m_reg_gpe_sts_low : m_reg_gpe_sts_high;
  m_gpe.set_value(reg, m_gpe.value(reg) | (u64{1} << (bit % kBitsPerByte)));
  update_sci();
}

u16 AcpiPm::pm1_status() {
  refresh_timer_status();
  return static_cast<u16>(m_pm.value(m_reg_pm1_sts_low) | m_pm.value(m_reg_pm1_sts_high) << 8);
}

u16 AcpiPm::pm1_enable() const {
  return static_cast<u16>(m_pm.value(m_reg_pm1_en));
}

u16 AcpiPm::pm1_control() const {
  return static_cast<u16>(m_pm.value(m_reg_pm1_cnt));
}

u16 AcpiPm::gpe0_status() const {
  return static_cast<u16>(m_gpe.value(m_reg_gpe_sts_low) | m_gpe.value(m_reg_gpe_sts_high) << 8);
}

void AcpiPm::update_sci() {
  const u16 pm1_events = pm1_status() & pm1_enable() & kPm1EnableBits;
  const u16 gpe_events = gpe0_status() & static_cast<u16>(m_gpe.value(m_reg_gpe_en));
  const bool sci_enabled = pm1_control() & kSciEnable;
  m_sci.set(sci_enabled && (pm1_events != 0 || gpe_events != 0));
}

// --- control -------------------------------------------------------------------------------------

void AcpiPm::pm1_control_written(u16 value) {
  m_pm.set_value(m_reg_pm1_cnt, value & ~kPm1ControlWriteOnly);
  if (value & kSleepEnable) {
    const u8 type = static_cast<u8>((value & kSleepTypeMask) >> kSleepTypeShift);
    if (trace().on(TraceCategory::Device))
      trace().emit(TraceCategory::Device, name(), "sleep", {{"slp_typ", type}});
    if (type == kSleepTypeSoftOff) {
      m_system.request_exit(0, "ACPI power off (S5)");
    } else if (type == kSleepTypeS4) {
      m_system.request_exit(0, "ACPI power off (S4)");
    } else {
      // No suspended state: the system wakes at once (ACPI 4.8.3.1.1, WAK_STS).
      set_pm1_status_bits(kWakeStatus);
    }
  }
  update_sci();
}

void AcpiPm::apm_command_written(u8 value) {
  const u16 control = pm1_control();
  if (value == kAcpiEnable) m_pm.set_value(m_reg_pm1_cnt, control | kSciEnable);
  if (value == kAcpiDisable) m_pm.set_value(m_reg_pm1_cnt, control & ~kSciEnable);
  update_sci();
}

// --- state ---------------------------------------------------------------------------------------

void AcpiPm::reset() {
  PciFunction::reset();
  m_pm.reset();
  m_gpe.reset();
  m_apm.reset();
  m_next_overflow_tick =
      (ticks_at(machine().clock().now(), kTimerHz) / kTimerOverflowTicks + 1) * kTimerOverflowTicks;
  update_pm_io();
  arm_overflow();
  update_sci();
}

void AcpiPm::serialize(Archive& archive) {
  PciFunction::serialize(archive);
  {
    ArchiveSection section(archive, "pm", 1);
    m_pm.serialize(archive);
  }
  {
    ArchiveSection section(archive, "gpe0", 1);
    m_gpe.serialize(archive);
  }
  {
    ArchiveSection section(archive, "apm", 1);
    m_apm.serialize(archive);
  }
  archive.field("next_overflow_tick", m_next_overflow_tick);
  if (archive.loading()) {
    update_pm_io();
    update_sci();
  }
}

}  // namespace glasspc

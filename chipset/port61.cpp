#include "chipset/port61.h"

#include "bus/archive.h"
#include "bus/clock.h"
#include "bus/port_space.h"
#include "bus/trace.h"
#include "chipset/pit8254.h"

namespace glasspc {

namespace {

constexpr u8 kWritable =
    Port61::kTimer2Gate | Port61::kSpeakerData | Port61::kSerrNmiDisable | Port61::kIochkNmiDisable;

// The refresh toggle flips after every DRAM refresh request. AT BIOSes program 8254 counter 1
// for 18 clocks of 1.193182 MHz (15.09 us) per request, and count the flips to time delays; the
// PIIX3 generates the requests itself, so the period does not follow counter 1 here either.
constexpr u64 kRefreshClocks = 18;

}  // namespace

Port61::Port61(std::string name, Pit8254& pit, const Clock& clock, Trace& trace)
    : Device(std::move(name)), m_pit(pit), m_clock(clock), m_bank(this->name(), trace, 1) {
  m_bank.set_trace_base(kPort, TraceCategory::Port);
  m_register = m_bank.add({.offset = 0,
                           .width = 1,
                           .name = "NMISC",
                           .writable_mask = kWritable,
                           .read = [this] { return u64{read_status()}; },
                           .write = [this](u64 value, u64) { written(static_cast<u8>(value)); }});
  reset();
}

void Port61::attach(PortSpace& ports) {
  claim_byte_register(ports, kPort, m_bank, name());
}

void Port61::reset() {
  m_bank.reset();
  written(control());
}

// No device in glasspc asserts IOCHK# or SERR#, so both NMI source statuses read 0.
u8 Port61::read_status() {
  const u64 refresh = ticks_at(m_clock.now(), Pit8254::kClockHz) / kRefreshClocks;
  u8 value = control();
  if (refresh & 1) value |= kRefreshToggle;
  if (m_pit.output(2)) value |= kTimer2Out;
  return value;
}

void Port61::written(u8 value) {
  m_pit.set_gate(2, value & kTimer2Gate);
}

bool Port61::speaker_level() {
  return (control() & kSpeakerData) && m_pit.output(2);
}

void Port61::serialize(Archive& archive) {
  m_bank.serialize(archive);
  if (archive.loading()) m_bank.set_value(m_register, control() & kWritable);
}

}  // namespace glasspc

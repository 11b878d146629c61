// Port 0x80, where BIOSes write power-on self-test (POST) progress codes for a diagnostic card
// on the ISA bus, and where Linux writes to delay (outb_p). Nothing on the PIIX3 decodes it; the
// cycle goes to ISA, where this device stands in for the POST card: it latches the last code,
// reads it back (as many boards' port 80 latches do) and traces each code under
// TraceCategory::Device, so a boot shows its POST progress with `-d device`.
#pragma once

#include <string>

#include "bus/device.h"
#include "bus/register_bank.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class PortSpace;
class Trace;

class PostCodePort : public Device {
 public:
  static constexpr u16 kPort = 0x80;

  PostCodePort(std::string name, Trace& trace);

  // Claims port 0x80.
  void attach(PortSpace& ports);
  u8 last_code() const { return static_cast<u8>(m_bank.value(m_register)); }
  u64 codes_written() const { return m_count; }

  void reset() override;
  void serialize(Archive& archive) override;

 private:
  Trace& m_trace;
  RegisterBank m_bank;
  u32 m_register = 0;
  u64 m_count = 0;
};

}  // namespace glasspc

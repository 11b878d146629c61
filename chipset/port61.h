// Port 0x61, the NMI Status and Control register (NMISC) of the PIIX3, as every AT since the
// IBM PC/AT has it: the gate and output of 8254 counter 2 (the speaker and the BIOS's delay
// timer), the speaker data enable, the NMI source enables and statuses, and the refresh toggle
// that BIOSes count to time short delays.
//
// Reference: Intel 82371FB/SB PIIX/PIIX3 datasheet (290550), NMI Status and Control Register.
#pragma once

#include <string>

#include "bus/device.h"
#include "bus/register_bank.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class Clock;
class Pit8254;
class PortSpace;
class Trace;

class Port61 : public Device {
 public:
  static constexpr u16 kPort = 0x61;

  // NMISC bits.
  static constexpr u8 kTimer2Gate = 1 << 0;       // R/W: GATE of counter 2
  static constexpr u8 kSpeakerData = 1 << 1;      // R/W: OUT 2 reaches the speaker
  static constexpr u8 kSerrNmiDisable = 1 << 2;   // R/W: 1 = PCI SERR# NMI disabled and cleared
  static constexpr u8 kIochkNmiDisable = 1 << 3;  // R/W: 1 = IOCHK# NMI disabled and cleared
  static constexpr u8 kRefreshToggle = 1 << 4;    // RO
  static constexpr u8 kTimer2Out = 1 << 5;        // RO: OUT of counter 2
  static constexpr u8 kIochkNmiStatus = 1 << 6;   // RO
  static constexpr u8 kSerrNmiStatus = 1 << 7;    // RO

  Port61(std::string name, Pit8254& pit, const Clock& clock, Trace& trace);

  // Claims port 0x61.
  void attach(PortSpace& ports);

  void reset() override;
  void serialize(Archive& archive) override;

  // The level at the speaker: OUT 2 gated by the speaker data enable.
  bool speaker_level();
  bool serr_nmi_enabled() const { return !(control() & kSerrNmiDisable); }
  bool iochk_nmi_enabled() const { return !(control() & kIochkNmiDisable); }

 private:
  u8 control() const { return static_cast<u8>(m_bank.value(m_register)); }
  u8 read_status();
  void written(u8 value);

  Pit8254& m_pit;
  const Clock& m_clock;
  RegisterBank m_bank;
  u32 m_register = 0;
};

}  // namespace glasspc

// Port 0x92, the PIIX3's "Port 92" register (Intel 82371SB PIIX3 datasheet 290550, Port 92h):
// the fast A20 gate and the fast CPU reset that PS/2-era software uses instead of the slow
// keyboard controller route.
//
// Bit 1 (ALT_A20_GATE) drives the A20 gate through MemoryMap::set_a20. On the chip it is ORed
// with the keyboard controller's A20 output; glasspc keeps one A20 gate, so the last of the two
// to be written decides, as on QEMU's pc. Bit 0 (FAST_INIT): writing 1 when it reads 0 resets
// the system (the datasheet asserts INIT; the machine performs a full reset, as QEMU does).
// Both bits read back; the others are reserved and read 0.
#pragma once

#include <string>

#include "bus/device.h"
#include "bus/register_bank.h"
#include "bus/types.h"

namespace glasspc {

class Archive;
class MemoryMap;
class PortSpace;
class SystemControl;
class Trace;

class Port92 : public Device {
 public:
  static constexpr u16 kPort = 0x92;
  static constexpr u8 kFastReset = 1 << 0;  // FAST_INIT
  static constexpr u8 kA20Gate = 1 << 1;    // ALT_A20_GATE

  Port92(std::string name, MemoryMap& memory, SystemControl& system, Trace& trace);

  // Claims port 0x92.
  void attach(PortSpace& ports);
  u8 value() const { return static_cast<u8>(m_bank.value(m_register)); }

  void reset() override;
  void serialize(Archive& archive) override;

 private:
  void written(u8 value, u8 old_value);

  MemoryMap& m_memory;
  SystemControl& m_system;
  RegisterBank m_bank;
  u32 m_register = 0;
};

}  // namespace glasspc

// The Intel 8042 keyboard controller as on PC/AT and PS/2 boards: data port 0x60, status and
// command port 0x64, the command byte in its internal RAM, the output port (A20 gate, CPU reset),
// two PS/2 ports (a keyboard with optional set-2 to set-1 translation, and a mouse) and their
// interrupts on IRQ 1 and IRQ 12.
//
// Bytes move without delay: a device byte enters the one-byte output buffer as soon as the
// buffer is empty and the port is enabled, as QEMU's controller does. Host input reaches the
// devices only through the InputLog: the board registers a channel whose records (made by
// encode_key_event / encode_mouse_event) are delivered to host_input().
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "bus/device.h"
#include "bus/irq_line.h"
#include "bus/port_space.h"
#include "bus/system_control.h"
#include "bus/trace.h"
#include "bus/types.h"
#include "chipset/ps2_keyboard.h"
#include "chipset/ps2_mouse.h"

namespace glasspc {

// Ports, bits and commands, as in the 8042 documentation of the IBM PC/AT and PS/2 Technical
// References ("Keyboard/Auxiliary Device Controller").
namespace i8042 {
constexpr u16 kDataPort = 0x60;
constexpr u16 kStatusCommandPort = 0x64;

// Status register.
constexpr u8 kStatusOutputFull = 0x01;
constexpr u8 kStatusInputFull = 0x02;
constexpr u8 kStatusSystem = 0x04;    // system flag, from command byte bit 2
constexpr u8 kStatusCommand = 0x08;   // last write was to port 0x64
constexpr u8 kStatusUnlocked = 0x10;  // keyboard inhibit switch: 1 = not inhibited
constexpr u8 kStatusAuxData = 0x20;   // output buffer holds mouse data
constexpr u8 kStatusTimeout = 0x40;
constexpr u8 kStatusParity = 0x80;

// Command byte (internal RAM byte 0).
constexpr u8 kCmdKeyboardInterrupt = 0x01;
constexpr u8 kCmdMouseInterrupt = 0x02;
constexpr u8 kCmdSystem = 0x04;
constexpr u8 kCmdIgnoreLock = 0x08;
constexpr u8 kCmdKeyboardDisable = 0x10;
constexpr u8 kCmdMouseDisable = 0x20;
constexpr u8 kCmdTranslate = 0x40;
// After reset, as QEMU: both interrupts enabled; firmware writes its own value.
constexpr u8 kCmdPowerOn = kCmdKeyboardInterrupt | kCmdMouseInterrupt;

// Output port.
constexpr u8 kOutResetHigh = 0x01;  // 0 asserts the CPU's reset line
constexpr u8 kOutA20 = 0x02;
constexpr u8 kOutKeyboardFull = 0x10;  // IRQ 1 output
constexpr u8 kOutMouseFull = 0x20;     // IRQ 12 output
constexpr u8 kOutLinesIdle = 0xcc;     // mouse and keyboard clock/data lines released
constexpr u8 kOutPowerOn = kOutLinesIdle | kOutA20 | kOutResetHigh;

// Input port (command 0xC0): bit 7 = keyboard not inhibited.
constexpr u8 kInputPortValue = 0x80;

// Controller commands.
constexpr u8 kReadRamFirst = 0x20;  // 0x20-0x3F: read RAM byte (0x20: command byte)
constexpr u8 kReadRamLast = 0x3f;
constexpr u8 kWriteRamFirst = 0x60;  // 0x60-0x7F: write RAM byte (0x60: command byte)
constexpr u8 kWriteRamLast = 0x7f;
constexpr u8 kRamMask = 0x1f;
constexpr u8 kPasswordInstalled = 0xa4;
constexpr u8 kDisableMouse = 0xa7;
constexpr u8 kEnableMouse = 0xa8;
constexpr u8 kTestMouse = 0xa9;
constexpr u8 kSelfTest = 0xaa;
constexpr u8 kTestKeyboard = 0xab;
constexpr u8 kDisableKeyboard = 0xad;
constexpr u8 kEnableKeyboard = 0xae;
constexpr u8 kReadInputPort = 0xc0;
constexpr u8 kReadOutputPort = 0xd0;
constexpr u8 kWriteOutputPort = 0xd1;
constexpr u8 kWriteKeyboardBuffer = 0xd2;
constexpr u8 kWriteMouseBuffer = 0xd3;
constexpr u8 kWriteMouse = 0xd4;
constexpr u8 kDisableA20 = 0xdd;  // HP Vectra style fast A20 commands
constexpr u8 kEnableA20 = 0xdf;
constexpr u8 kReadTestInputs = 0xe0;
constexpr u8 kPulseFirst = 0xf0;  // 0xF0-0xFF: pulse output port bits 3-0 that are 0
constexpr u8 kPulseMask = 0x0f;

constexpr u8 kSelfTestOk = 0x55;
constexpr u8 kInterfaceTestOk = 0x00;
constexpr u8 kNoPassword = 0xf1;

// InputLog record kinds (host_input).
constexpr u8 kRecordKey = 1;
constexpr u8 kRecordMouse = 2;
}  // namespace i8042

class I8042 : public Device {
 public:
  // `a20` drives the A20 gate (the board passes MemoryMap::set_a20); `system` takes the reset.
  I8042(std::string name, Trace& trace, SystemControl& system, std::function<void(bool)> a20);

  // Claims ports 0x60 and 0x64.
  void attach(PortSpace& ports);
  IrqLine& keyboard_irq() { return m_irq1; }
  IrqLine& mouse_irq() { return m_irq12; }
  Ps2Keyboard& keyboard() { return m_keyboard; }
  Ps2Mouse& mouse() { return m_mouse; }

  // Host input, applied at once; the frontend goes through the InputLog instead.
  void key_event(u16 key, bool down);
  void mouse_event(i32 dx, i32 dy, i32 dz, u8 buttons);
  // An InputLog record: [kRecordKey, key low, key high, down] or
  // [kRecordMouse, dx (4 bytes LE), dy (4), dz (4), buttons]. Malformed records are ignored.
  void host_input(std::span<const u8> record);
  static std::vector<u8> encode_key_event(u16 key, bool down);
  static std::vector<u8> encode_mouse_event(i32 dx, i32 dy, i32 dz, u8 buttons);

  u8 command_byte() const { return m_ram[0]; }
  u8 output_port() const { return m_output_port; }

  void reset() override;
  void serialize(Archive& archive) override;

 private:
  u8 read_data();
  u8 read_status() const;
  void write_data(u8 value);
  void write_command(u8 command);
  void write_output_port(u8 value);
  // Fills the empty output buffer: controller replies first, then keyboard, then mouse.
  void service();
  void reply(u8 byte, bool aux = false);
  void update_irqs();
  void trace_port(const char* what, u16 port, u8 value);

  Trace& m_trace;
  SystemControl& m_system;
  std::function<void(bool)> m_a20;
  IrqLine m_irq1;
  IrqLine m_irq12;
  Ps2Keyboard m_keyboard;
  Ps2Mouse m_mouse;
  PortSpace* m_ports = nullptr;
  PortClaimId m_claim_data = 0;
  PortClaimId m_claim_command = 0;

  // Guest-visible state (all of it is in serialize()).
  std::array<u8, 32> m_ram{};  // byte 0 is the command byte
  u8 m_output_port = i8042::kOutPowerOn;
  u8 m_output_buffer = 0;
  bool m_output_full = false;
  bool m_output_aux = false;
  bool m_last_write_command = false;
  u8 m_pending_command = 0;  // a command waiting for its data byte on port 0x60, or 0
  struct Reply {
    u8 byte;
    bool aux;  // presented as mouse data (command 0xD3)
  };
  std::deque<Reply> m_replies;     // controller replies waiting for the output buffer
  bool m_system_flag = false;      // status bit 2: set by self test and by the command byte
  bool m_translate_break = false;  // translation saw F0 and waits for the code it prefixes
};

}  // namespace glasspc

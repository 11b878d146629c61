// An IBM PS/2 (MF2) keyboard: the command protocol (reset and self test, echo, LEDs, scan code
// set selection, typematic rate, enable/disable, identify) and scan code generation in sets 1, 2
// and 3 from host key events.
//
// Keys are named by their set-2 make code, with kExtended added for the keys that send an E0
// prefix (right Ctrl is 0xE014); Print Screen and Pause have their own names. Host key events
// arrive through the InputLog (see I8042::host_input). Auto-repeat comes from the host, as with
// QEMU: a repeated "down" event of a held key sends its make code again, except for set-3 keys
// whose attribute says they do not repeat.
#pragma once

#include <array>
#include <bitset>

#include "bus/types.h"
#include "chipset/ps2_device.h"

namespace glasspc {

namespace ps2 {
constexpr u16 kExtended = 0xe000;        // key name flag: sends an E0 prefix in sets 1 and 2
constexpr u16 kKeyPrintScreen = 0xe07c;  // sends the E0 12 E0 7C sequence in set 2
constexpr u16 kKeyPause = 0xe177;        // E1 14 77 E1 F0 14 F0 77 in set 2, no break code

// Keyboard commands (IBM PS/2 Technical Reference, "Keyboard Commands").
constexpr u8 kKbdSetLeds = 0xed;
constexpr u8 kKbdEcho = 0xee;
constexpr u8 kKbdScanCodeSet = 0xf0;
constexpr u8 kKbdAllTypematic = 0xf7;  // set 3 key attributes, all keys
constexpr u8 kKbdAllMakeBreak = 0xf8;
constexpr u8 kKbdAllMake = 0xf9;
constexpr u8 kKbdAllTypematicMakeBreak = 0xfa;
constexpr u8 kKbdKeyTypematic = 0xfb;  // set 3 key attributes, keys listed after
constexpr u8 kKbdKeyMakeBreak = 0xfc;
constexpr u8 kKbdKeyMake = 0xfd;
constexpr u8 kKbdEchoReply = 0xee;
constexpr u8 kKbdIdFirst = 0xab;  // identify: AB 83 (an MF2 keyboard)
constexpr u8 kKbdIdSecond = 0x83;
constexpr u8 kBreakPrefix = 0xf0;  // sets 2 and 3
constexpr u8 kExtendedPrefix = 0xe0;
constexpr u8 kPausePrefix = 0xe1;
constexpr u8 kSet1Break = 0x80;  // set 1: break code = make code | 0x80
constexpr u8 kLedMask = 0x07;    // scroll, num, caps lock
constexpr u8 kTypematicMask = 0x7f;
constexpr u8 kTypematicDefault = 0x2b;  // 10.9 characters/s after 500 ms
constexpr u8 kDefaultScanCodeSet = 2;
}  // namespace ps2

// The 8042's translation of set-2 codes to set 1 (IBM PS/2 Technical Reference, keyboard
// controller "translate" mode). Codes 0x80 and above pass unchanged except F7's 0x83 (-> 0x41).
u8 translate_set2_to_set1(u8 code);

class Ps2Keyboard : public Ps2Device {
 public:
  // Bytes the keyboard buffers while the controller inhibits it (IBM: a 16-byte buffer).
  static constexpr std::size_t kBufferSize = 16;

  Ps2Keyboard() { power_on(); }

  void receive(u8 byte) override;
  // A key went down (down = true) or up. Ignored while scanning is disabled.
  void key_event(u16 key, bool down);

  u8 scan_code_set() const { return m_set; }
  u8 leds() const { return m_leds; }
  u8 typematic() const { return m_typematic; }
  bool scanning() const { return m_scanning; }

  // Power-on state: set 2, defaults, scanning enabled, nothing queued, no key held.
  void power_on();
  void serialize(Archive& archive);

 private:
  static constexpr u8 kAttrTypematic = 0x01;
  static constexpr u8 kAttrBreak = 0x02;

  void command(u8 byte);
  void parameter(u8 byte);
  void set_defaults();
  // Appends the bytes of one key event in the current set; false if it has none there.
  bool encode(u16 key, bool down, std::array<u8, 8>& bytes, std::size_t& count) const;
  void queue_event(const u8* bytes, std::size_t count);

  u8 m_set = ps2::kDefaultScanCodeSet;
  u8 m_leds = 0;
  u8 m_typematic = ps2::kTypematicDefault;
  bool m_scanning = true;
  u8 m_pending = 0;  // command waiting for its parameter, 0 when none
  std::array<u8, 256> m_set3_attributes{};
  std::bitset<0x200> m_held;  // keys currently down, by name (extended keys at 0x100 + code)
};

}  // namespace glasspc

#include "chipset/ps2_keyboard.h"

namespace glasspc {

using namespace ps2;

namespace {

constexpr u8 kCodeF7 = 0x83;     // the one set-2 key code above 0x7F
constexpr u8 kCodeSysRq = 0x84;  // Alt + Print Screen
constexpr u8 kSet1F7 = 0x41;
constexpr u8 kSet1SysRq = 0x54;
constexpr u8 kOverrunSet1 = 0xff;
constexpr u8 kOverrunSet23 = 0x00;
constexpr u8 kFirstCommand = kKbdSetLeds;  // bytes from 0xED up are commands, never parameters
constexpr u8 kKeyCodeMask = 0xff;
constexpr u16 kHeldExtended = 0x100;

// IBM's 8042 translate table, set-2 code (index) to set-1 code, for codes 0x00-0x7F. Unused
// set-2 codes map to the set-1 codes of keys only larger keyboards have. One row per 16 codes.
// clang-format off
constexpr std::array<u8, 128> kSet2ToSet1 = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, 0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, 0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, 0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};
// clang-format on

struct Set3Code {
  u16 key;  // set-2 name
  u8 code;  // set-3 code
};

// Keys whose set-3 code differs from their set-2 code (IBM PS/2 Technical Reference, keyboard
// scan code set 3). Every other unprefixed key sends the same code in sets 2 and 3; prefixed keys
// not listed here have no set-3 code.
constexpr Set3Code kSet3Codes[] = {
    {0x76, 0x08},  // Esc
    {0x05, 0x07},
    {0x06, 0x0f},
    {0x04, 0x17},
    {0x0c, 0x1f},  // F1-F4
    {0x03, 0x27},
    {0x0b, 0x2f},
    {0x83, 0x37},
    {0x0a, 0x3f},  // F5-F8
    {0x01, 0x47},
    {0x09, 0x4f},
    {0x78, 0x56},
    {0x07, 0x5e},              // F9-F12
    {0x14, 0x11},              // left Ctrl
    {0x11, 0x19},              // left Alt
    {0x58, 0x14},              // Caps Lock
    {0x61, 0x13},              // the 102nd key (non-US backslash)
    {0x5d, 0x5c},              // backslash
    {0x7e, 0x5f},              // Scroll Lock
    {0x77, 0x76},              // Num Lock
    {0x7c, 0x7e},              // keypad *
    {0x7b, 0x84},              // keypad -
    {0x79, 0x7c},              // keypad +
    {0x84, 0x57},              // SysRq
    {kExtended | 0x11, 0x39},  // right Alt
    {kExtended | 0x14, 0x58},  // right Ctrl
    {kExtended | 0x4a, 0x77},  // keypad /
    {kExtended | 0x5a, 0x79},  // keypad Enter
    {kExtended | 0x70, 0x67},  // Insert
    {kExtended | 0x71, 0x64},  // Delete
    {kExtended | 0x6c, 0x6e},  // Home
    {kExtended | 0x69, 0x65},  // End
    {kExtended | 0x7d, 0x6f},  // Page Up
    {kExtended | 0x7a, 0x6d},  // Page Down
    {kExtended | 0x75, 0x63},  // Up
    {kExtended | 0x72, 0x60},  // Down
    {kExtended | 0x6b, 0x61},  // Left
    {kExtended | 0x74, 0x6a},  // Right
    {kExtended | 0x1f, 0x8b},  // left Windows
    {kExtended | 0x27, 0x8c},  // right Windows
    {kExtended | 0x2f, 0x8d},  // Menu
    {kKeyPrintScreen, 0x57},
    {kKeyPause, 0x62},
};

u8 set3_code(u16 key) {
  for (const Set3Code& entry : kSet3Codes)
    if (entry.key == key) return entry.code;
  if ((key & kExtended) != 0 || key > kKeyCodeMask) return 0;
  return static_cast<u8>(key);
}

}  // namespace

u8 translate_set2_to_set1(u8 code) {
  if (code < kSet2ToSet1.size()) return kSet2ToSet1[code];
  return code == kCodeF7 ? kSet1F7 : code;
}

// The completion code a keyboard sends after its power-up self test is not queued: firmware
// resets the keyboard (0xFF) and reads the code then, as on QEMU.
void Ps2Keyboard::power_on() {
  clear_output();
  m_set = kDefaultScanCodeSet;
  m_leds = 0;
  m_pending = 0;
  m_scanning = true;
  m_held.reset();
  set_defaults();
}

// "Set Default" (F6): typematic rate and delay and the set-3 key attributes return to their
// defaults (every key typematic with make and break codes).
void Ps2Keyboard::set_defaults() {
  m_typematic = kTypematicDefault;
  m_set3_attributes.fill(kAttrTypematic | kAttrBreak);
}

void Ps2Keyboard::receive(u8 byte) {
  // A command byte aborts a command still waiting for its parameter.
  if (m_pending != 0 && byte < kFirstCommand) {
    parameter(byte);
    return;
  }
  m_pending = 0;
  command(byte);
}

void Ps2Keyboard::command(u8 byte) {
  switch (byte) {
    case kCommandReset:
      // Basic assurance test: acknowledge, reset to power-on state, report success.
      power_on();
      send(kAck);
      send(kSelfTestPassed);
      break;
    case kCommandResend:
      send(last_sent());
      break;
    case kCommandSetDefaults:
      clear_output();
      set_defaults();
      send(kAck);
      break;
    case kCommandDisable:  // "Default Disable": defaults, and stop scanning
      clear_output();
      set_defaults();
      m_scanning = false;
      send(kAck);
      break;
    case kCommandEnable:
      clear_output();
      m_scanning = true;
      send(kAck);
      break;
    case kCommandIdentify:
      send(kAck);
      send(kKbdIdFirst);
      send(kKbdIdSecond);
      break;
    case kKbdEcho:
      send(kKbdEchoReply);
      break;
    case kKbdSetLeds:
    case kKbdScanCodeSet:
    case kCommandSetRate:
    case kKbdKeyTypematic:
    case kKbdKeyMakeBreak:
    case kKbdKeyMake:
      m_pending = byte;
      send(kAck);
      break;
    case kKbdAllTypematic:
      m_set3_attributes.fill(kAttrTypematic);
      send(kAck);
      break;
    case kKbdAllMakeBreak:
      m_set3_attributes.fill(kAttrBreak);
      send(kAck);
      break;
    case kKbdAllMake:
      m_set3_attributes.fill(0);
      send(kAck);
      break;
    case kKbdAllTypematicMakeBreak:
      m_set3_attributes.fill(kAttrTypematic | kAttrBreak);
      send(kAck);
      break;
    default:
      send(kResend);
      break;  // not a command this keyboard knows
  }
}

void Ps2Keyboard::parameter(u8 byte) {
  const u8 command = m_pending;
  m_pending = 0;
  switch (command) {
    case kKbdSetLeds:
      m_leds = byte & kLedMask;
      send(kAck);
      break;
    case kCommandSetRate:
      m_typematic = byte & kTypematicMask;
      send(kAck);
      break;
    case kKbdScanCodeSet:
      if (byte == 0) {
        send(kAck);
        send(m_set);  // the controller's translation turns 1/2/3 into 43/41/3F
      } else if (byte <= 3) {
        m_set = byte;
        send(kAck);
      } else {
        send(kResend);
      }
      break;
    case kKbdKeyTypematic:
    case kKbdKeyMakeBreak:
    case kKbdKeyMake:
      // A list of set-3 codes follows, ended by the next command.
      m_set3_attributes[byte] = command == kKbdKeyTypematic   ? kAttrTypematic
                                : command == kKbdKeyMakeBreak ? kAttrBreak
                                                              : 0;
      m_pending = command;
      send(kAck);
      break;
    default:
      break;
  }
}

bool Ps2Keyboard::encode(u16 key, bool down, std::array<u8, 8>& bytes, std::size_t& count) const {
  count = 0;
  const auto put = [&](std::initializer_list<u8> list) {
    for (u8 b : list) bytes[count++] = b;
  };
  const bool extended = (key & kExtended) != 0;
  const u8 code = static_cast<u8>(key & kKeyCodeMask);
  if (m_set == 3) {
    const u8 code3 = set3_code(key);
    if (code3 == 0) return false;
    if (down) {
      put({code3});
    } else if (m_set3_attributes[code3] & kAttrBreak) {
      put({kBreakPrefix, code3});
    }
    return count > 0;
  }
  if (key == kKeyPause) {
    if (!down) return false;  // Pause has no break code
    if (m_set == 1)
      put({kPausePrefix, 0x1d, 0x45, kPausePrefix, 0x9d, 0xc5});
    else
      put({kPausePrefix, 0x14, 0x77, kPausePrefix, kBreakPrefix, 0x14, kBreakPrefix, 0x77});
    return true;
  }
  if (key == kKeyPrintScreen) {
    // Print Screen pressed on its own: a fake left Shift wraps the key, as MF2 keyboards send.
    if (m_set == 1) {
      if (down)
        put({kExtendedPrefix, 0x2a, kExtendedPrefix, 0x37});
      else
        put({kExtendedPrefix, 0xb7, kExtendedPrefix, 0xaa});
    } else if (down) {
      put({kExtendedPrefix, 0x12, kExtendedPrefix, 0x7c});
    } else {
      put({kExtendedPrefix, kBreakPrefix, 0x7c, kExtendedPrefix, kBreakPrefix, 0x12});
    }
    return true;
  }
  if (key > (kExtended | kKeyCodeMask) || (key > kKeyCodeMask && !extended)) return false;
  if (extended) put({kExtendedPrefix});
  if (m_set == 1) {
    const u8 code1 = code == kCodeSysRq ? kSet1SysRq : translate_set2_to_set1(code);
    put({static_cast<u8>(down ? code1 : code1 | kSet1Break)});
  } else {
    if (!down) put({kBreakPrefix});
    put({code});
  }
  return true;
}

void Ps2Keyboard::key_event(u16 key, bool down) {
  const std::size_t held_index =
      (key & kExtended) ? kHeldExtended | (key & kKeyCodeMask) : (key & kKeyCodeMask);
  const bool repeat = down && m_held[held_index];
  m_held[held_index] = down;
  if (!m_scanning) return;
  // Set 3 keys without the typematic attribute do not repeat.
  if (repeat && m_set == 3 && !(m_set3_attributes[set3_code(key)] & kAttrTypematic)) return;
  std::array<u8, 8> bytes{};
  std::size_t count = 0;
  if (!encode(key, down, bytes, count)) return;
  queue_event(bytes.data(), count);
}

// A key event that does not fit in the buffer is lost and an overrun code takes its place
// (00 in sets 2 and 3, FF in set 1), once, until there is room again.
void Ps2Keyboard::queue_event(const u8* bytes, std::size_t count) {
  const std::size_t free = room(kBufferSize);
  if (free <= count) {
    const u8 overrun = m_set == 1 ? kOverrunSet1 : kOverrunSet23;
    if (free > 0 && !(queued() > 0 && last_sent() == overrun)) send(overrun);
    return;
  }
  for (std::size_t i = 0; i < count; ++i) send(bytes[i]);
}

void Ps2Keyboard::serialize(Archive& archive) {
  serialize_queue(archive);
  archive.field("set", m_set);
  archive.field("leds", m_leds);
  archive.field("typematic", m_typematic);
  archive.field("scanning", m_scanning);
  archive.field("pending", m_pending);
  archive.field("set3_attributes", m_set3_attributes);
  std::vector<u8> held(m_held.size());
  for (std::size_t i = 0; i < held.size(); ++i) held[i] = m_held[i] ? 1 : 0;
  archive.field("held", held);
  for (std::size_t i = 0; i < m_held.size(); ++i) m_held[i] = i < held.size() && held[i] != 0;
  if (archive.loading() && (m_set < 1 || m_set > 3)) m_set = kDefaultScanCodeSet;
}

}  // namespace glasspc

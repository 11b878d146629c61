// The 8042 keyboard controller and the PS/2 keyboard: commands, translation, IRQ 1, A20, reset.
#include <catch2/catch.hpp>

#include "bus/archive.h"
#include "bus/input_log.h"
#include "bus/scheduler.h"
#include "tests/chipset/timekeeping/kbc_rig.h"

namespace glasspc::test {
namespace {

using namespace i8042;

constexpr u16 kKeyA = 0x1c;
constexpr u16 kKeyRightCtrl = ps2::kExtended | 0x14;
constexpr u16 kKeyEsc = 0x76;
constexpr u16 kKeyF7 = 0x83;

TEST_CASE("i8042: self test, interface tests and the status register", "[i8042]") {
  KbcRig rig;
  CHECK(rig.status() == kStatusUnlocked);
  rig.command(kSelfTest);
  CHECK(rig.status() == (kStatusUnlocked | kStatusCommand | kStatusSystem | kStatusOutputFull));
  CHECK(rig.data() == kSelfTestOk);
  CHECK((rig.status() & kStatusOutputFull) == 0);
  rig.command(kTestKeyboard);
  CHECK(rig.drain() == Bytes{kInterfaceTestOk});
  rig.command(kTestMouse);
  CHECK(rig.drain() == Bytes{kInterfaceTestOk});
  rig.command(kPasswordInstalled);
  CHECK(rig.drain() == Bytes{kNoPassword});
  rig.command(kReadInputPort);
  CHECK(rig.drain() == Bytes{kInputPortValue});
  // A write to the data port clears the command/data flag.
  rig.write(ps2::kKbdEcho);
  CHECK((rig.status() & kStatusCommand) == 0);
  CHECK(rig.drain() == Bytes{ps2::kKbdEchoReply});
  // Reading an empty buffer returns the last byte again.
  CHECK(rig.data() == ps2::kKbdEchoReply);
}

TEST_CASE("i8042: command byte and internal RAM read and write", "[i8042]") {
  KbcRig rig;
  rig.command(kReadRamFirst);
  CHECK(rig.drain() == Bytes{kCmdPowerOn});
  rig.set_command_byte(kCmdKeyboardInterrupt | kCmdSystem | kCmdTranslate);
  rig.command(kReadRamFirst);
  CHECK(rig.drain() == Bytes{0x45});
  CHECK((rig.status() & kStatusSystem) != 0);  // bit 2 shows in the status register
  rig.set_command_byte(0x00);
  CHECK((rig.status() & kStatusSystem) == 0);

  rig.command(kDisableKeyboard);
  rig.command(kDisableMouse);
  CHECK(rig.kbc.command_byte() == (kCmdKeyboardDisable | kCmdMouseDisable));
  rig.command(kEnableKeyboard);
  CHECK(rig.kbc.command_byte() == kCmdMouseDisable);
  rig.command(kEnableMouse);
  CHECK(rig.kbc.command_byte() == 0x00);

  // Other RAM bytes: 0x61-0x7F write, 0x21-0x3F read.
  rig.command(0x65);
  rig.write(0xa5);
  rig.command(0x25);
  CHECK(rig.drain() == Bytes{0xa5});
  rig.command(0x3f);
  CHECK(rig.drain() == Bytes{0x00});
}

TEST_CASE("i8042: keyboard reset, identify and echo", "[i8042]") {
  KbcRig rig;
  rig.write(ps2::kCommandReset);
  CHECK(rig.drain() == Bytes{ps2::kAck, ps2::kSelfTestPassed});
  rig.write(ps2::kCommandIdentify);
  CHECK(rig.drain() == Bytes{ps2::kAck, 0xab, 0x83});
  rig.write(ps2::kKbdEcho);
  CHECK(rig.drain() == Bytes{0xee});
  // With translation the second ID byte reads 0x41.
  rig.set_command_byte(kCmdTranslate);
  rig.write(ps2::kCommandIdentify);
  CHECK(rig.drain() == Bytes{ps2::kAck, 0xab, 0x41});
  // Resend repeats the last byte; an unknown command is answered with Resend.
  rig.write(ps2::kCommandResend);
  CHECK(rig.drain() == Bytes{0x41});
  rig.write(0x12);
  CHECK(rig.drain() == Bytes{ps2::kResend});
}

TEST_CASE("i8042: scan code set get and set, with and without translation", "[i8042]") {
  KbcRig rig;
  // F0 and its parameter are each acknowledged; parameter 0 asks for the current set.
  rig.write(ps2::kKbdScanCodeSet);
  rig.write(0);
  CHECK(rig.drain() == Bytes{ps2::kAck, ps2::kAck, 2});
  rig.set_command_byte(kCmdTranslate);
  rig.write(ps2::kKbdScanCodeSet);
  rig.write(0);
  CHECK(rig.drain() == Bytes{ps2::kAck, ps2::kAck, 0x41});
  rig.write(ps2::kKbdScanCodeSet);
  rig.write(1);
  CHECK(rig.drain() == Bytes{ps2::kAck, ps2::kAck});
  rig.write(ps2::kKbdScanCodeSet);
  rig.write(0);
  CHECK(rig.drain() == Bytes{ps2::kAck, ps2::kAck, 0x43});
  rig.write(ps2::kKbdScanCodeSet);
  rig.write(3);
  rig.write(ps2::kKbdScanCodeSet);
  rig.write(0);
  CHECK(rig.drain() == Bytes{ps2::kAck, ps2::kAck, ps2::kAck, ps2::kAck, 0x3f});
  CHECK(rig.kbc.keyboard().scan_code_set() == 3);
  // An invalid set is refused and the set stays.
  rig.write(ps2::kKbdScanCodeSet);
  rig.write(7);
  CHECK(rig.drain() == Bytes{ps2::kAck, ps2::kResend});
  CHECK(rig.kbc.keyboard().scan_code_set() == 3);
}

TEST_CASE("i8042: set-2 key events pass untranslated", "[i8042]") {
  KbcRig rig;
  rig.key(kKeyA, true);
  rig.key(kKeyA, false);
  rig.key(kKeyRightCtrl, true);
  rig.key(kKeyRightCtrl, false);
  CHECK(rig.drain() == Bytes{0x1c, 0xf0, 0x1c, 0xe0, 0x14, 0xe0, 0xf0, 0x14});
  rig.key(ps2::kKeyPause, true);
  rig.key(ps2::kKeyPause, false);  // no break code
  CHECK(rig.drain() == Bytes{0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77});
  rig.key(ps2::kKeyPrintScreen, true);
  rig.key(ps2::kKeyPrintScreen, false);
  CHECK(rig.drain() == Bytes{0xe0, 0x12, 0xe0, 0x7c, 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12});
  // A held key repeats its make code (host auto-repeat).
  rig.key(kKeyA, true);
  rig.key(kKeyA, true);
  CHECK(rig.drain() == Bytes{0x1c, 0x1c});
}

TEST_CASE("i8042: translation turns set 2 into set 1", "[i8042]") {
  KbcRig rig;
  rig.set_command_byte(kCmdKeyboardInterrupt | kCmdTranslate);
  rig.key(kKeyA, true);
  rig.key(kKeyA, false);
  rig.key(kKeyRightCtrl, true);
  rig.key(kKeyRightCtrl, false);
  rig.key(kKeyEsc, true);
  rig.key(kKeyF7, true);
  rig.key(kKeyF7, false);
  CHECK(rig.drain() == Bytes{0x1e, 0x9e, 0xe0, 0x1d, 0xe0, 0x9d, 0x01, 0x41, 0xc1});
  rig.key(ps2::kKeyPause, true);
  CHECK(rig.drain() == Bytes{0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5});
  // Every set-2 code of a 102-key keyboard lands on its set-1 code.
  CHECK(translate_set2_to_set1(0x5a) == 0x1c);  // Enter
  CHECK(translate_set2_to_set1(0x29) == 0x39);  // Space
  CHECK(translate_set2_to_set1(0x07) == 0x58);  // F12
  CHECK(translate_set2_to_set1(0x12) == 0x2a);  // left Shift
  CHECK(translate_set2_to_set1(0xfa) == 0xfa);  // ACK passes
}

TEST_CASE("i8042: the keyboard's own sets 1 and 3", "[i8042]") {
  KbcRig rig;
  rig.write(ps2::kKbdScanCodeSet);
  rig.write(1);
  rig.drain();
  rig.key(kKeyA, true);
  rig.key(kKeyA, false);
  rig.key(kKeyRightCtrl, false);
  rig.key(ps2::kKeyPrintScreen, true);
  CHECK(rig.drain() == Bytes{0x1e, 0x9e, 0xe0, 0x9d, 0xe0, 0x2a, 0xe0, 0x37});

  rig.write(ps2::kKbdScanCodeSet);
  rig.write(3);
  rig.drain();
  rig.key(kKeyEsc, true);
  rig.key(kKeyEsc, false);
  rig.key(kKeyA, true);
  rig.key(kKeyA, false);
  rig.key(kKeyRightCtrl, true);
  CHECK(rig.drain() == Bytes{0x08, 0xf0, 0x08, 0x1c, 0xf0, 0x1c, 0x58});
  // "All keys make only": no break codes and no repeats.
  rig.write(ps2::kKbdAllMake);
  CHECK(rig.drain() == Bytes{ps2::kAck});
  rig.key(kKeyA, true);
  rig.key(kKeyA, true);
  rig.key(kKeyA, false);
  CHECK(rig.drain() == Bytes{0x1c});
  // Per-key attributes: A back to make/break, list ended by the next command.
  rig.write(ps2::kKbdKeyMakeBreak);
  rig.write(0x1c);
  rig.write(ps2::kKbdEcho);
  CHECK(rig.drain() == Bytes{ps2::kAck, ps2::kAck, 0xee});
  rig.key(kKeyA, true);
  rig.key(kKeyA, false);
  CHECK(rig.drain() == Bytes{0x1c, 0xf0, 0x1c});
}

TEST_CASE("i8042: IRQ 1 follows the output buffer and the command byte", "[i8042]") {
  KbcRig rig;
  rig.set_command_byte(kCmdKeyboardInterrupt);
  rig.key(kKeyA, true);
  CHECK(rig.irq1_levels == std::vector<bool>{true});
  CHECK(rig.data() == 0x1c);
  CHECK(rig.irq1_levels == std::vector<bool>{true, false});
  // Two bytes: reading the first drops the line and the second raises it again (a new edge).
  rig.key(kKeyA, false);
  CHECK(rig.data() == 0xf0);
  CHECK(rig.irq1_levels == std::vector<bool>{true, false, true, false, true});
  CHECK(rig.data() == 0x1c);
  CHECK_FALSE(rig.kbc.keyboard_irq().level());
  CHECK(rig.irq12_levels.empty());

  // Interrupt disabled: the byte waits in the buffer without IRQ 1.
  rig.set_command_byte(0);
  rig.irq1_levels.clear();
  rig.key(kKeyA, true);
  CHECK((rig.status() & kStatusOutputFull) != 0);
  CHECK(rig.irq1_levels.empty());
  rig.set_command_byte(kCmdKeyboardInterrupt);  // the pending byte now raises IRQ 1
  CHECK(rig.kbc.keyboard_irq().level());
  rig.drain();

  // A disabled keyboard interface holds the bytes in the keyboard until it is enabled.
  rig.command(kDisableKeyboard);
  rig.key(kKeyEsc, true);
  CHECK((rig.status() & kStatusOutputFull) == 0);
  CHECK_FALSE(rig.kbc.keyboard_irq().level());
  rig.command(kEnableKeyboard);
  CHECK(rig.kbc.keyboard_irq().level());
  CHECK(rig.drain() == Bytes{0x76});
  // The output port shows the IRQ 1 pin; the controller's reply goes out before the
  // keyboard's next byte.
  rig.key(kKeyEsc, false);
  rig.command(kReadOutputPort);
  CHECK(rig.drain() == Bytes{0xf0, kOutPowerOn | kOutKeyboardFull, 0x76});
}

TEST_CASE("i8042: LEDs, typematic, enable and disable scanning", "[i8042]") {
  KbcRig rig;
  rig.write(ps2::kKbdSetLeds);
  rig.write(0x07);
  CHECK(rig.drain() == Bytes{ps2::kAck, ps2::kAck});
  CHECK(rig.kbc.keyboard().leds() == 0x07);
  rig.write(ps2::kCommandSetRate);
  rig.write(0x20);
  CHECK(rig.drain() == Bytes{ps2::kAck, ps2::kAck});
  CHECK(rig.kbc.keyboard().typematic() == 0x20);
  // A command in place of a parameter aborts the first command.
  rig.write(ps2::kKbdSetLeds);
  rig.write(ps2::kKbdEcho);
  CHECK(rig.drain() == Bytes{ps2::kAck, 0xee});
  CHECK(rig.kbc.keyboard().leds() == 0x07);

  rig.write(ps2::kCommandDisable);
  CHECK(rig.drain() == Bytes{ps2::kAck});
  CHECK(rig.kbc.keyboard().typematic() == ps2::kTypematicDefault);
  rig.key(kKeyA, true);
  CHECK(rig.drain().empty());
  rig.write(ps2::kCommandEnable);
  rig.key(kKeyA, false);
  CHECK(rig.drain() == Bytes{ps2::kAck, 0xf0, 0x1c});
}

TEST_CASE("i8042: keyboard buffer overrun", "[i8042]") {
  KbcRig rig;
  rig.command(kDisableKeyboard);
  for (int i = 0; i < 12; ++i) {
    rig.key(kKeyA, true);
    rig.key(kKeyA, false);
  }
  rig.command(kEnableKeyboard);
  Bytes bytes = rig.drain();
  // Five press/release pairs fill 15 bytes; the next press does not fit and becomes the set-2
  // overrun code, and nothing more is queued.
  REQUIRE(bytes.size() == Ps2Keyboard::kBufferSize);
  CHECK(bytes.back() == 0x00);
  CHECK(bytes[0] == 0x1c);
}

TEST_CASE("i8042: A20 through the output port and the fast A20 commands", "[i8042]") {
  KbcRig rig;
  rig.command(kReadOutputPort);
  CHECK(rig.drain() == Bytes{kOutPowerOn});
  rig.command(kWriteOutputPort);
  rig.write(kOutPowerOn & ~kOutA20);
  CHECK(rig.a20 == std::vector<bool>{false});
  rig.command(kReadOutputPort);
  CHECK(rig.drain() == Bytes{kOutPowerOn & ~kOutA20});
  rig.command(kWriteOutputPort);
  rig.write(kOutPowerOn);
  CHECK(rig.a20 == std::vector<bool>{false, true});
  rig.command(kDisableA20);
  rig.command(kEnableA20);
  rig.command(kEnableA20);  // no change, no call
  CHECK(rig.a20 == std::vector<bool>{false, true, false, true});
  CHECK(rig.system.resets.empty());
}

TEST_CASE("i8042: CPU reset by pulse command 0xFE and by the output port", "[i8042]") {
  KbcRig rig;
  rig.command(0xff);  // pulses nothing
  rig.command(0xfd);  // pulses bit 1 only
  CHECK(rig.system.resets.empty());
  rig.command(0xfe);
  CHECK(rig.system.resets.size() == 1);
  rig.command(0xf0);  // bits 3-0 all pulse, including reset
  CHECK(rig.system.resets.size() == 2);
  rig.command(kWriteOutputPort);
  rig.write(kOutLinesIdle | kOutA20);  // reset bit 0
  CHECK(rig.system.resets.size() == 3);
  CHECK(rig.a20.empty());
}

TEST_CASE("i8042: D2 and D3 place bytes as keyboard and mouse data", "[i8042]") {
  KbcRig rig;
  rig.command(kWriteKeyboardBuffer);
  rig.write(0x55);
  CHECK(rig.status() == (kStatusUnlocked | kStatusOutputFull));
  CHECK(rig.kbc.keyboard_irq().level());
  CHECK(rig.data() == 0x55);
  rig.command(kWriteMouseBuffer);
  rig.write(0x66);
  CHECK(rig.status() == (kStatusUnlocked | kStatusOutputFull | kStatusAuxData));
  CHECK(rig.kbc.mouse_irq().level());
  CHECK_FALSE(rig.kbc.keyboard_irq().level());
  CHECK(rig.data() == 0x66);
  CHECK_FALSE(rig.kbc.mouse_irq().level());
  rig.command(kReadTestInputs);
  CHECK(rig.drain() == Bytes{0x03});
}

TEST_CASE("i8042: key events arrive through the InputLog", "[i8042]") {
  KbcRig rig;
  Scheduler scheduler(rig.clock);
  InputLog input(scheduler);
  const InputLog::ChannelId channel = input.register_channel(
      "i8042", [&rig](std::span<const u8> record) { rig.kbc.host_input(record); });
  input.deliver(channel, I8042::encode_key_event(kKeyRightCtrl, true));
  input.deliver(channel, I8042::encode_key_event(kKeyRightCtrl, false));
  const Bytes garbage = {7, 1, 2};
  input.deliver(channel, garbage);  // malformed: ignored
  CHECK(rig.drain() == Bytes{0xe0, 0x14, 0xe0, 0xf0, 0x14});
}

TEST_CASE("i8042: garbage on both ports never breaks the controller", "[i8042]") {
  KbcRig rig;
  u32 lfsr = 0xace1u;
  for (int i = 0; i < 20000; ++i) {
    lfsr = (lfsr >> 1) ^ (-(lfsr & 1u) & 0xb400u);
    const u8 value = static_cast<u8>(lfsr);
    if (lfsr & 0x100) {
      // Reset pulses only reach the rig's SystemControl, which records them.
      rig.command(value);
    } else {
      rig.write(value);
    }
    if (lfsr & 0x200) rig.data();
    if (lfsr & 0x400)
      rig.kbc.mouse_event(static_cast<i8>(value), -static_cast<i8>(value), 1, value);
    if (lfsr & 0x800) rig.key(value, (lfsr & 0x1000) != 0);
  }
  rig.kbc.reset();
  CHECK(rig.status() == kStatusUnlocked);
  CHECK(rig.kbc.command_byte() == kCmdPowerOn);
}

TEST_CASE("i8042: unanswered replies stay bounded", "[i8042]") {
  KbcRig rig;
  // The output buffer holds the first reply and 16 more wait; the rest are lost.
  for (int i = 0; i < 1000; ++i) rig.command(kReadRamFirst);
  CHECK(rig.drain().size() == 17);
  // A device keeps at most 256 answers.
  for (int i = 0; i < 1000; ++i) rig.to_mouse(ps2::kCommandIdentify);
  CHECK(rig.drain().size() == 1 + Ps2Device::kHardLimit);
  for (int i = 0; i < 1000; ++i) rig.write(ps2::kKbdEcho);
  CHECK(rig.drain().size() == 1 + Ps2Device::kHardLimit);
}

TEST_CASE("i8042: snapshot round trip", "[i8042]") {
  KbcRig rig;
  rig.set_command_byte(kCmdKeyboardInterrupt | kCmdTranslate);
  rig.write(ps2::kKbdSetLeds);
  rig.write(0x02);
  rig.drain();
  rig.command(kDisableKeyboard);
  rig.key(kKeyA, true);
  rig.key(kKeyA, false);
  Archive saver = Archive::for_saving();
  {
    ArchiveSection section(saver, "i8042", 1);
    rig.kbc.serialize(saver);
  }
  const std::vector<u8> bytes = saver.finish();
  KbcRig other;
  Archive loader = Archive::for_loading(bytes);
  {
    ArchiveSection section(loader, "i8042", 1);
    other.kbc.serialize(loader);
  }
  CHECK(other.kbc.keyboard().leds() == 0x02);
  other.command(kEnableKeyboard);
  CHECK(other.drain() == Bytes{0x1e, 0x9e});
}

}  // namespace
}  // namespace glasspc::test

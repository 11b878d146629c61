// The PS/2 mouse behind the 8042: commands through 0xD4, IRQ 12, packets, IntelliMouse IDs.
#include <catch2/catch.hpp>

#include "tests/chipset/timekeeping/kbc_rig.h"

namespace glasspc::test {
namespace {

using namespace i8042;
using namespace ps2;

void knock(KbcRig& rig, std::initializer_list<u8> rates) {
  for (u8 rate : rates) {
    rig.to_mouse(kCommandSetRate);
    rig.to_mouse(rate);
  }
  rig.drain();
}

TEST_CASE("ps2 mouse: reset and identify through command 0xD4, on IRQ 12", "[ps2mouse]") {
  KbcRig rig;
  rig.to_mouse(kCommandReset);
  CHECK((rig.status() & kStatusAuxData) != 0);
  CHECK(rig.kbc.mouse_irq().level());
  CHECK_FALSE(rig.kbc.keyboard_irq().level());
  CHECK(rig.drain() == Bytes{kAck, kSelfTestPassed, kMouseIdStandard});
  CHECK(rig.irq12_levels == std::vector<bool>{true, false, true, false, true, false});
  rig.to_mouse(kCommandIdentify);
  CHECK(rig.drain() == Bytes{kAck, kMouseIdStandard});
  // Without the mouse interrupt enable the data arrives without IRQ 12.
  rig.set_command_byte(kCmdKeyboardInterrupt);
  rig.irq12_levels.clear();
  rig.to_mouse(kCommandIdentify);
  CHECK(rig.drain() == Bytes{kAck, kMouseIdStandard});
  CHECK(rig.irq12_levels.empty());
  // An unknown command is answered with Resend.
  rig.to_mouse(0x01);
  CHECK(rig.drain() == Bytes{kResend});
}

TEST_CASE("ps2 mouse: stream mode packets from host motion", "[ps2mouse]") {
  KbcRig rig;
  rig.kbc.mouse_event(5, -3, 0, kButtonLeft);  // reporting is off after reset
  CHECK(rig.drain().empty());
  rig.to_mouse(kCommandEnable);
  CHECK(rig.drain() == Bytes{kAck});
  // Right 5, up 3 (screen y down is negative), left button.
  rig.kbc.mouse_event(5, -3, 0, kButtonLeft);
  CHECK(rig.drain() == Bytes{kPacketAlways1 | kPacketLeft, 5, 3});
  // Left 10, down 10: both sign bits, 9-bit two's complement.
  rig.kbc.mouse_event(-10, 10, 0, kButtonLeft);
  CHECK(rig.drain() ==
        Bytes{kPacketAlways1 | kPacketLeft | kPacketXSign | kPacketYSign, 0xf6, 0xf6});
  // A button change alone makes a packet; the wheel is not reported by a plain mouse.
  rig.kbc.mouse_event(0, 0, 3, kButtonRight | kButtonMiddle);
  CHECK(rig.drain() == Bytes{kPacketAlways1 | kPacketRight | kPacketMiddle, 0, 0});
  rig.kbc.mouse_event(0, 0, 0, kButtonRight | kButtonMiddle);
  CHECK(rig.drain().empty());
  // The aux interface disabled: the packet waits in the mouse.
  rig.command(kDisableMouse);
  rig.kbc.mouse_event(1, 0, 0, 0);
  CHECK(rig.drain().empty());
  rig.command(kEnableMouse);
  CHECK(rig.drain() == Bytes{kPacketAlways1, 1, 0});
}

TEST_CASE("ps2 mouse: large motion is split over several packets", "[ps2mouse]") {
  KbcRig rig;
  rig.to_mouse(kCommandEnable);
  rig.drain();
  rig.kbc.mouse_event(600, 0, 0, 0);
  CHECK(rig.drain() ==
        Bytes{kPacketAlways1, 255, 0, kPacketAlways1, 255, 0, kPacketAlways1, 90, 0});
  rig.kbc.mouse_event(-300, 0, 0, 0);
  CHECK(rig.drain() ==
        Bytes{kPacketAlways1 | kPacketXSign, 0x00, 0, kPacketAlways1 | kPacketXSign, 0xd4, 0});
}

TEST_CASE("ps2 mouse: IntelliMouse knock sequences switch ID and packet size", "[ps2mouse]") {
  KbcRig rig;
  knock(rig, {200, 100, 80});
  rig.to_mouse(kCommandIdentify);
  CHECK(rig.drain() == Bytes{kAck, kMouseIdWheel});
  rig.to_mouse(kCommandEnable);
  rig.drain();
  // Wheel one notch away from the user: byte 3 is -1.
  rig.kbc.mouse_event(0, 0, 1, 0);
  CHECK(rig.drain() == Bytes{kPacketAlways1, 0, 0, 0xff});

  knock(rig, {200, 200, 80});
  rig.to_mouse(kCommandIdentify);
  CHECK(rig.drain() == Bytes{kAck, kMouseIdFiveButtons});
  rig.kbc.mouse_event(0, 0, -2, kButton4 | kButton5);
  CHECK(rig.drain() == Bytes{kPacketAlways1, 0, 0, 0x02 | kPacketButton4 | kPacketButton5});
  // Wheel counts beyond the nibble go out in following packets.
  rig.kbc.mouse_event(0, 0, -10, 0);
  CHECK(rig.drain() == Bytes{kPacketAlways1, 0, 0, 0x07, kPacketAlways1, 0, 0, 0x03});

  // Reset returns to the standard mouse; a wrong order does not knock.
  rig.to_mouse(kCommandReset);
  rig.drain();
  knock(rig, {100, 200, 80});
  rig.to_mouse(kCommandIdentify);
  CHECK(rig.drain() == Bytes{kAck, kMouseIdStandard});
  // Explorer needs the wheel mouse first.
  knock(rig, {200, 200, 80});
  rig.to_mouse(kCommandIdentify);
  CHECK(rig.drain() == Bytes{kAck, kMouseIdStandard});
}

TEST_CASE("ps2 mouse: status request, sample rate, resolution and scaling", "[ps2mouse]") {
  KbcRig rig;
  rig.to_mouse(kMouseStatusRequest);
  CHECK(rig.drain() == Bytes{kAck, 0x00, kDefaultResolution, kDefaultSampleRate});
  rig.to_mouse(kMouseSetResolution);
  rig.to_mouse(3);
  rig.to_mouse(kCommandSetRate);
  rig.to_mouse(40);
  rig.to_mouse(kMouseScaling21);
  rig.to_mouse(kCommandEnable);
  CHECK(rig.drain() == Bytes{kAck, kAck, kAck, kAck, kAck, kAck});
  rig.kbc.mouse_event(0, 0, 0, kButtonLeft | kButtonRight);
  rig.drain();
  rig.to_mouse(kMouseStatusRequest);
  CHECK(rig.drain() ==
        Bytes{kAck, kStatusLeft | kStatusRight | kStatusScaling21 | kStatusEnabled, 3, 40});
  // Invalid parameters are refused.
  rig.to_mouse(kMouseSetResolution);
  rig.to_mouse(9);
  rig.to_mouse(kCommandSetRate);
  rig.to_mouse(33);
  CHECK(rig.drain() == Bytes{kAck, kResend, kAck, kResend});
  CHECK(rig.kbc.mouse().sample_rate() == 40);
  CHECK(rig.kbc.mouse().resolution() == 3);

  // 2:1 scaling in stream mode: 1->1, 2->1, 3->3, 4->6, 5->9, 6->12.
  const std::pair<int, u8> cases[] = {{1, 1}, {2, 1}, {3, 3}, {4, 6}, {5, 9}, {6, 12}};
  for (const auto& [in, out] : cases) {
    rig.kbc.mouse_event(in, 0, 0, kButtonLeft | kButtonRight);
    CHECK(rig.drain() == Bytes{kPacketAlways1 | kPacketLeft | kPacketRight, out, 0});
  }
  rig.to_mouse(kMouseScaling11);
  rig.drain();
  rig.kbc.mouse_event(4, 0, 0, 0);
  CHECK(rig.drain() == Bytes{kPacketAlways1, 4, 0});
  // Set defaults: back to 100 samples/s, resolution 2, 1:1, reporting off.
  rig.to_mouse(kCommandSetDefaults);
  rig.drain();
  CHECK_FALSE(rig.kbc.mouse().reporting());
  CHECK(rig.kbc.mouse().sample_rate() == kDefaultSampleRate);
}

TEST_CASE("ps2 mouse: remote mode and read data", "[ps2mouse]") {
  KbcRig rig;
  rig.to_mouse(kCommandEnable);
  rig.to_mouse(kMouseRemoteMode);
  CHECK(rig.drain() == Bytes{kAck, kAck});
  rig.kbc.mouse_event(7, 0, 0, 0);
  rig.kbc.mouse_event(3, 0, 0, 0);
  CHECK(rig.drain().empty());
  rig.to_mouse(kMouseReadData);
  CHECK(rig.drain() == Bytes{kAck, kPacketAlways1, 10, 0});
  // Read data answers even without motion.
  rig.to_mouse(kMouseReadData);
  CHECK(rig.drain() == Bytes{kAck, kPacketAlways1, 0, 0});
  rig.to_mouse(kMouseStatusRequest);
  CHECK(rig.drain() ==
        Bytes{kAck, kStatusRemote | kStatusEnabled, kDefaultResolution, kDefaultSampleRate});
  rig.to_mouse(kMouseStreamMode);
  rig.kbc.mouse_event(1, 1, 0, 0);
  CHECK(rig.drain() == Bytes{kAck, kPacketAlways1 | kPacketYSign, 1, 0xff});
}

TEST_CASE("ps2 mouse: wrap mode echoes until reset wrap", "[ps2mouse]") {
  KbcRig rig;
  rig.to_mouse(kMouseWrapMode);
  rig.to_mouse(0x12);
  rig.to_mouse(kCommandIdentify);  // echoed, not executed
  rig.to_mouse(kMouseResetWrap);
  rig.to_mouse(kCommandIdentify);
  CHECK(rig.drain() == Bytes{kAck, 0x12, kCommandIdentify, kAck, kAck, kMouseIdStandard});
}

}  // namespace
}  // namespace glasspc::test

// An IBM PS/2 mouse with the IntelliMouse extensions: stream and remote modes, wrap (echo) mode,
// sample rate, resolution and scaling, status request, identify (ID 0; ID 3 with a wheel after
// the sample-rate sequence 200, 100, 80; ID 4 with wheel and buttons 4 and 5 after 200, 200, 80),
// and 3- or 4-byte movement packets built from host mouse events.
//
// Host events carry relative motion (dx to the right, dy downwards as on a screen, dz in wheel
// notches away from the user) and the button state; movement that does not fit one packet is
// kept and sent in the following packets, so nothing is lost and the overflow bits stay clear.
#pragma once

#include <array>

#include "bus/types.h"
#include "chipset/ps2_device.h"

namespace glasspc {

namespace ps2 {
// Mouse commands (IBM PS/2 Technical Reference, "Auxiliary Device Commands").
constexpr u8 kMouseScaling11 = 0xe6;
constexpr u8 kMouseScaling21 = 0xe7;
constexpr u8 kMouseSetResolution = 0xe8;
constexpr u8 kMouseStatusRequest = 0xe9;
constexpr u8 kMouseStreamMode = 0xea;
constexpr u8 kMouseReadData = 0xeb;
constexpr u8 kMouseResetWrap = 0xec;
constexpr u8 kMouseWrapMode = 0xee;
constexpr u8 kMouseRemoteMode = 0xf0;

// Packet byte 0.
constexpr u8 kPacketLeft = 0x01;
constexpr u8 kPacketRight = 0x02;
constexpr u8 kPacketMiddle = 0x04;
constexpr u8 kPacketAlways1 = 0x08;
constexpr u8 kPacketXSign = 0x10;
constexpr u8 kPacketYSign = 0x20;
// IntelliMouse Explorer (ID 4) byte 3: wheel in bits 3-0, buttons 4 and 5 in bits 4-5.
constexpr u8 kPacketButton4 = 0x10;
constexpr u8 kPacketButton5 = 0x20;

// Status request byte 0.
constexpr u8 kStatusRight = 0x01;
constexpr u8 kStatusMiddle = 0x02;
constexpr u8 kStatusLeft = 0x04;
constexpr u8 kStatusScaling21 = 0x10;
constexpr u8 kStatusEnabled = 0x20;
constexpr u8 kStatusRemote = 0x40;

// Host button bits (mouse_event).
constexpr u8 kButtonLeft = 0x01;
constexpr u8 kButtonRight = 0x02;
constexpr u8 kButtonMiddle = 0x04;
constexpr u8 kButton4 = 0x08;
constexpr u8 kButton5 = 0x10;

constexpr u8 kMouseIdStandard = 0x00;
constexpr u8 kMouseIdWheel = 0x03;
constexpr u8 kMouseIdFiveButtons = 0x04;
constexpr u8 kDefaultSampleRate = 100;
constexpr u8 kDefaultResolution = 2;  // 4 counts/mm
}  // namespace ps2

class Ps2Mouse : public Ps2Device {
 public:
  // Bytes the mouse buffers while the controller is busy: enough for several packets.
  static constexpr std::size_t kBufferSize = 64;

  Ps2Mouse() { power_on(); }

  void receive(u8 byte) override;
  void poll() override;
  void mouse_event(i32 dx, i32 dy, i32 dz, u8 buttons);

  u8 id() const { return m_id; }
  u8 sample_rate() const { return m_sample_rate; }
  u8 resolution() const { return m_resolution; }
  bool reporting() const { return m_reporting; }

  void power_on();
  void serialize(Archive& archive);

 private:
  void command(u8 byte);
  void parameter(u8 byte);
  void set_defaults();
  std::size_t packet_size() const { return m_id == ps2::kMouseIdStandard ? 3 : 4; }
  bool has_report() const;
  // Sends one packet of the pending motion (and the button state), applying 2:1 scaling in
  // stream mode when `stream` is set.
  void send_packet(bool stream);

  bool m_reporting = false;
  bool m_remote = false;
  bool m_wrap = false;
  bool m_scaling21 = false;
  u8 m_sample_rate = ps2::kDefaultSampleRate;
  u8 m_resolution = ps2::kDefaultResolution;
  u8 m_id = ps2::kMouseIdStandard;
  u8 m_pending = 0;
  std::array<u8, 3> m_rate_history{};  // the last three sample rates set, oldest first
  u8 m_buttons = 0;
  u8 m_reported_buttons = 0;
  i32 m_dx = 0;  // pending motion, in PS/2 directions (y up, z towards the user)
  i32 m_dy = 0;
  i32 m_dz = 0;
};

}  // namespace glasspc

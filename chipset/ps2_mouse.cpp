#include "chipset/ps2_mouse.h"

#include <algorithm>

namespace glasspc {

using namespace ps2;

namespace {

constexpr u8 kFirstCommand = kMouseScaling11;  // bytes from 0xE6 up are commands
constexpr u8 kPacketXOverflow = 0x40;
constexpr u8 kPacketYOverflow = 0x80;
constexpr u8 kWheelNibble = 0x0f;
constexpr u8 kResolutionMax = 3;
constexpr i32 kMotionMin = -256;  // 9-bit two's complement with the sign bit in byte 0
constexpr i32 kMotionMax = 255;
constexpr i32 kWheelMin = -8;  // the IntelliMouse wheel count is a signed nibble
constexpr i32 kWheelMax = 7;
constexpr i32 kPendingLimit = 1 << 20;  // pending motion saturates here
constexpr u8 kButtonsMask = kButtonLeft | kButtonRight | kButtonMiddle | kButton4 | kButton5;
constexpr std::array<u8, 7> kValidSampleRates = {10, 20, 40, 60, 80, 100, 200};
constexpr std::array<u8, 3> kWheelKnock = {200, 100, 80};
constexpr std::array<u8, 3> kFiveButtonKnock = {200, 200, 80};

// 2:1 scaling (IBM PS/2 Technical Reference, "Scaling"): 1->1, 2->1, 3->3, 4->6, 5->9, n->2n.
i32 scale_2_to_1(i32 value) {
  static constexpr i32 kSmall[] = {0, 1, 1, 3, 6, 9};
  const i32 magnitude = value < 0 ? -value : value;
  const i32 scaled = magnitude <= 5 ? kSmall[magnitude] : 2 * magnitude;
  return value < 0 ? -scaled : scaled;
}

}  // namespace

void Ps2Mouse::power_on() {
  clear_output();
  set_defaults();
  m_remote = false;
  m_wrap = false;
  m_id = kMouseIdStandard;
  m_pending = 0;
  m_rate_history = {};
  m_reported_buttons = m_buttons;
  m_dx = m_dy = m_dz = 0;
}

// "Set Default": 100 samples/s, 4 counts/mm, 1:1 scaling, reporting disabled, stream mode.
void Ps2Mouse::set_defaults() {
  m_sample_rate = kDefaultSampleRate;
  m_resolution = kDefaultResolution;
  m_scaling21 = false;
  m_reporting = false;
}

void Ps2Mouse::receive(u8 byte) {
  if (m_wrap && byte != kMouseResetWrap && byte != kCommandReset) {
    send(byte);  // wrap mode echoes everything but "reset wrap mode" and "reset"
    return;
  }
  if (m_pending != 0 && byte < kFirstCommand) {
    parameter(byte);
    return;
  }
  m_pending = 0;
  command(byte);
}

void Ps2Mouse::command(u8 byte) {
  switch (byte) {
    case kCommandReset:
      power_on();
      send(kAck);
      send(kSelfTestPassed);
      send(m_id);
      break;
    case kCommandResend:
      send(last_sent());
      break;
    case kCommandSetDefaults:
      set_defaults();
      send(kAck);
      break;
    case kCommandDisable:
      m_reporting = false;
      send(kAck);
      break;
    case kCommandEnable:
      m_reporting = true;
      send(kAck);
      break;
    case kCommandSetRate:
    case kMouseSetResolution:
      m_pending = byte;
      send(kAck);
      break;
    case kCommandIdentify:
      send(kAck);
      send(m_id);
      break;
    case kMouseRemoteMode:
      m_remote = true;
      send(kAck);
      break;
    case kMouseStreamMode:
      m_remote = false;
      send(kAck);
      break;
    case kMouseWrapMode:
      m_wrap = true;
      send(kAck);
      break;
    case kMouseResetWrap:
      m_wrap = false;
      send(kAck);
      break;
    case kMouseReadData:
      send(kAck);
      send_packet(false);  // a packet even without motion
      break;
    case kMouseStatusRequest: {
      u8 status = 0;
      if (m_buttons & kButtonLeft) status |= kStatusLeft;
      if (m_buttons & kButtonMiddle) status |= kStatusMiddle;
      if (m_buttons & kButtonRight) status |= kStatusRight;
      if (m_scaling21) status |= kStatusScaling21;
      if (m_reporting) status |= kStatusEnabled;
      if (m_remote) status |= kStatusRemote;
      send(kAck);
      send(status);
      send(m_resolution);
      send(m_sample_rate);
      break;
    }
    case kMouseScaling21:
      m_scaling21 = true;
      send(kAck);
      break;
    case kMouseScaling11:
      m_scaling21 = false;
      send(kAck);
      break;
    default:
      send(kResend);
      break;
  }
}

void Ps2Mouse::parameter(u8 byte) {
  const u8 command = m_pending;
  m_pending = 0;
  if (command == kMouseSetResolution) {
    if (byte > kResolutionMax) {
      send(kResend);
      return;
    }
    m_resolution = byte;
    send(kAck);
    return;
  }
  // Set sample rate.
  if (std::find(kValidSampleRates.begin(), kValidSampleRates.end(), byte) ==
      kValidSampleRates.end()) {
    send(kResend);
    return;
  }
  m_sample_rate = byte;
  m_rate_history = {m_rate_history[1], m_rate_history[2], byte};
  // The IntelliMouse "knock": these rate sequences switch the reported ID and packet format.
  if (m_id == kMouseIdStandard && m_rate_history == kWheelKnock) m_id = kMouseIdWheel;
  if (m_id == kMouseIdWheel && m_rate_history == kFiveButtonKnock) m_id = kMouseIdFiveButtons;
  send(kAck);
}

void Ps2Mouse::mouse_event(i32 dx, i32 dy, i32 dz, u8 buttons) {
  // In stream mode with reporting disabled (and in wrap mode) motion is not accumulated, so an
  // enable never releases stale packets; remote mode keeps counting until Read Data.
  if (m_wrap || (!m_remote && !m_reporting)) {
    m_buttons = buttons & kButtonsMask;
    m_reported_buttons = m_buttons;
    return;
  }
  // PS/2 counts y upwards and the wheel towards the user.
  m_dx = static_cast<i32>(std::clamp<i64>(i64{m_dx} + dx, -kPendingLimit, kPendingLimit));
  m_dy = static_cast<i32>(std::clamp<i64>(i64{m_dy} - dy, -kPendingLimit, kPendingLimit));
  m_dz = static_cast<i32>(std::clamp<i64>(i64{m_dz} - dz, -kPendingLimit, kPendingLimit));
  m_buttons = buttons & kButtonsMask;
  poll();
}

bool Ps2Mouse::has_report() const {
  return m_dx != 0 || m_dy != 0 || m_dz != 0 || m_buttons != m_reported_buttons;
}

void Ps2Mouse::poll() {
  if (m_id == kMouseIdStandard) m_dz = 0;  // a plain mouse has no wheel to report
  if (!m_reporting || m_remote || m_wrap) return;
  while (has_report() && room(kBufferSize) >= packet_size()) send_packet(true);
}

void Ps2Mouse::send_packet(bool stream) {
  if (m_id == kMouseIdStandard) m_dz = 0;
  i32 dx = std::clamp(m_dx, kMotionMin, kMotionMax);
  i32 dy = std::clamp(m_dy, kMotionMin, kMotionMax);
  const i32 dz = std::clamp(m_dz, kWheelMin, kWheelMax);
  m_dx -= dx;
  m_dy -= dy;
  m_dz -= dz;
  u8 flags = kPacketAlways1;
  if (stream && m_scaling21) {
    dx = scale_2_to_1(dx);
    dy = scale_2_to_1(dy);
    if (dx < kMotionMin || dx > kMotionMax) flags |= kPacketXOverflow;
    if (dy < kMotionMin || dy > kMotionMax) flags |= kPacketYOverflow;
    dx = std::clamp(dx, kMotionMin, kMotionMax);
    dy = std::clamp(dy, kMotionMin, kMotionMax);
  }
  if (m_buttons & kButtonLeft) flags |= kPacketLeft;
  if (m_buttons & kButtonRight) flags |= kPacketRight;
  if (m_buttons & kButtonMiddle) flags |= kPacketMiddle;
  if (dx < 0) flags |= kPacketXSign;
  if (dy < 0) flags |= kPacketYSign;
  send(flags);
  send(static_cast<u8>(dx));
  send(static_cast<u8>(dy));
  if (m_id == kMouseIdWheel) {
    send(static_cast<u8>(dz));
  } else if (m_id == kMouseIdFiveButtons) {
    u8 extra = static_cast<u8>(dz) & kWheelNibble;
    if (m_buttons & kButton4) extra |= kPacketButton4;
    if (m_buttons & kButton5) extra |= kPacketButton5;
    send(extra);
  }
  m_reported_buttons = m_buttons;
}

void Ps2Mouse::serialize(Archive& archive) {
  serialize_queue(archive);
  archive.field("reporting", m_reporting);
  archive.field("remote", m_remote);
  archive.field("wrap", m_wrap);
  archive.field("scaling21", m_scaling21);
  archive.field("sample_rate", m_sample_rate);
  archive.field("resolution", m_resolution);
  archive.field("id", m_id);
  archive.field("pending", m_pending);
  archive.field("rate_history", m_rate_history);
  archive.field("buttons", m_buttons);
  archive.field("reported_buttons", m_reported_buttons);
  archive.field("dx", m_dx);
  archive.field("dy", m_dy);
  archive.field("dz", m_dz);
  if (archive.loading()) {
    m_dx = std::clamp(m_dx, -kPendingLimit, kPendingLimit);
    m_dy = std::clamp(m_dy, -kPendingLimit, kPendingLimit);
    m_dz = std::clamp(m_dz, -kPendingLimit, kPendingLimit);
    m_buttons &= kButtonsMask;
    if (m_id != kMouseIdWheel && m_id != kMouseIdFiveButtons) m_id = kMouseIdStandard;
  }
}

}  // namespace glasspc

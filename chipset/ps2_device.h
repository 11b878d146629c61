// A device on one of the 8042's two PS/2 ports, as the controller sees it: it takes command and
// parameter bytes and holds the bytes it sends back (responses, scan codes, mouse packets) in a
// small FIFO until the controller's output buffer is free and the port's clock is not inhibited.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "bus/archive.h"
#include "bus/types.h"

namespace glasspc {

// Replies common to PS/2 keyboards and mice (IBM PS/2 Technical Reference, "Keyboard/Auxiliary
// Device Commands").
namespace ps2 {
constexpr u8 kAck = 0xfa;
constexpr u8 kResend = 0xfe;
constexpr u8 kSelfTestPassed = 0xaa;
constexpr u8 kCommandReset = 0xff;
constexpr u8 kCommandResend = 0xfe;
constexpr u8 kCommandSetDefaults = 0xf6;
constexpr u8 kCommandDisable = 0xf5;
constexpr u8 kCommandEnable = 0xf4;
constexpr u8 kCommandSetRate = 0xf3;  // typematic rate (keyboard) or sample rate (mouse)
constexpr u8 kCommandIdentify = 0xf2;
}  // namespace ps2

class Ps2Device {
 public:
  // Most bytes a device holds, whatever the guest does.
  static constexpr std::size_t kHardLimit = 256;

  virtual ~Ps2Device() = default;

  // A byte from the controller (a command, or the parameter of the previous command).
  virtual void receive(u8 byte) = 0;
  // Called by the controller before it looks for output (lets a mouse turn pending movement
  // into a packet once there is room).
  virtual void poll() {}

  bool has_output() const { return !m_output.empty(); }
  u8 pop_output() {
    const u8 byte = m_output.front();
    m_output.pop_front();
    return byte;
  }
  std::size_t queued() const { return m_output.size(); }

 protected:
  // Responses always fit, up to kHardLimit, which only a guest sending commands without ever
  // reading the answers reaches; input events check room() first and drop what does not fit.
  void send(u8 byte) {
    if (m_output.size() >= kHardLimit) return;
    m_output.push_back(byte);
    m_last_sent = byte;
  }
  std::size_t room(std::size_t capacity) const {
    return m_output.size() >= capacity ? 0 : capacity - m_output.size();
  }
  void clear_output() { m_output.clear(); }
  u8 last_sent() const { return m_last_sent; }

  void serialize_queue(Archive& archive) {
    std::vector<u8> bytes(m_output.begin(), m_output.end());
    archive.field("output", bytes);
    if (bytes.size() > kHardLimit) bytes.resize(kHardLimit);
    archive.field("last_sent", m_last_sent);
    m_output.assign(bytes.begin(), bytes.end());
  }

 private:
  std::deque<u8> m_output;
  u8 m_last_sent = 0;
};

}  // namespace glasspc

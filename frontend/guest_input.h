// Host input on its way to a guest device.
//
// Typed bytes wait here until the device can take them: pump() hands the device only as many
// as its can_receive() allows, through the machine's InputLog (so a recording replays them at
// the same instruction), and keeps the rest, as QEMU's chardev layer does. A UART with a full
// FIFO therefore never overruns because the host typed fast.
#pragma once

#include <cstddef>
#include <deque>
#include <span>

#include "bus/chardev.h"
#include "bus/input_log.h"
#include "frontend/char_mux.h"

namespace glasspc {

class GuestInputQueue : public InputTarget {
 public:
  // Beyond this many waiting bytes the queue stops taking input (the terminal is not read).
  static constexpr std::size_t kLimit = 4096;

  GuestInputQueue(InputLog& input, InputLog::ChannelId channel, const CharReceiver& receiver)
      : m_input(input), m_channel(channel), m_receiver(receiver) {}

  void accept(std::span<const u8> bytes) override {
    m_pending.insert(m_pending.end(), bytes.begin(), bytes.end());
  }
  bool ready() const override { return m_pending.size() < kLimit; }

  // Delivers what the device can take now; returns the number of bytes delivered.
  std::size_t pump();
  std::size_t pending() const { return m_pending.size(); }

 private:
  InputLog& m_input;
  InputLog::ChannelId m_channel;
  const CharReceiver& m_receiver;
  std::deque<u8> m_pending;
};

}  // namespace glasspc

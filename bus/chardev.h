// Character streams between a guest device (UART, debugcon) and the host (a terminal, a file).
//
// Output goes device -> CharBackend directly (output is not an input to the guest). Input goes
// host -> InputLog -> device, so that recorded runs replay it at the same instruction; the host
// side asks the device how much it can take (can_receive) and holds the rest, as QEMU does.
#pragma once

#include <cstddef>

#include "bus/types.h"

namespace glasspc {

// Host end: where a device's output goes.
class CharBackend {
 public:
  virtual ~CharBackend() = default;
  virtual void write(const u8* data, std::size_t length) = 0;
  virtual void flush() {}
};

// Device end: what accepts input from the host.
class CharReceiver {
 public:
  virtual ~CharReceiver() = default;
  // How many bytes the device can accept now without losing any.
  virtual std::size_t can_receive() const = 0;
  virtual void receive(const u8* data, std::size_t length) = 0;
};

// Discards output (-serial none, -display none without a monitor).
class NullCharBackend : public CharBackend {
 public:
  void write(const u8*, std::size_t) override {}
};

}  // namespace glasspc

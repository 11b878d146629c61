// Host input reaches a device only as fast as the device can take it.
#include "frontend/guest_input.h"

#include <catch2/catch.hpp>
#include <string>

#include "bus/clock.h"
#include "bus/input_log.h"
#include "bus/scheduler.h"

using namespace glasspc;

namespace {

class Fifo : public CharReceiver {
 public:
  std::size_t can_receive() const override { return space; }
  void receive(const u8* data, std::size_t length) override {
    received.append(data, data + length);
    space -= length;
  }
  std::size_t space = 0;
  std::string received;
};

struct Rig {
  Clock clock;
  Scheduler scheduler{clock};
  InputLog input{scheduler};
  Fifo fifo;
  InputLog::ChannelId channel = input.register_channel(
      "com1", [this](std::span<const u8> data) { fifo.receive(data.data(), data.size()); });
  GuestInputQueue queue{input, channel, fifo};
};

std::span<const u8> bytes(std::string_view text) {
  return {reinterpret_cast<const u8*>(text.data()), text.size()};
}

}  // namespace

TEST_CASE("pump delivers only what can_receive allows and keeps the rest in order") {
  Rig rig;
  rig.queue.accept(bytes("hello"));
  CHECK(rig.queue.pump() == 0);  // the FIFO is full
  rig.fifo.space = 2;
  CHECK(rig.queue.pump() == 2);
  CHECK(rig.fifo.received == "he");
  CHECK(rig.queue.pending() == 3);
  rig.fifo.space = 16;
  CHECK(rig.queue.pump() == 3);
  CHECK(rig.fifo.received == "hello");
  CHECK(rig.queue.pending() == 0);
}

TEST_CASE("delivered input goes through the InputLog, so a recording replays it") {
  Rig recorded;
  recorded.input.start_recording();
  recorded.fifo.space = 16;
  recorded.queue.accept(bytes("ab"));
  recorded.queue.pump();
  CHECK(recorded.fifo.received == "ab");

  Rig replayed;
  replayed.fifo.space = 16;
  replayed.input.start_replay(recorded.input.recording());
  replayed.queue.accept(bytes("typed during the replay"));
  replayed.queue.pump();  // live input is dropped while replaying
  replayed.scheduler.run_due();
  CHECK(replayed.fifo.received == "ab");
}

TEST_CASE("the queue stops taking input at its limit") {
  Rig rig;
  const std::string chunk(GuestInputQueue::kLimit - 1, 'x');
  rig.queue.accept(bytes(chunk));
  CHECK(rig.queue.ready());
  rig.queue.accept(bytes("y"));
  CHECK_FALSE(rig.queue.ready());
}

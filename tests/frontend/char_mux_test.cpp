// The terminal's mux: focus, Ctrl-A escapes, and plain pass-through.
#include "frontend/char_mux.h"

#include <catch2/catch.hpp>
#include <string>

using namespace glasspc;

namespace {

class TextBackend : public CharBackend {
 public:
  void write(const u8* data, std::size_t length) override { text.append(data, data + length); }
  std::string text;
};

class Recorder : public InputTarget {
 public:
  void accept(std::span<const u8> bytes) override { text.append(bytes.begin(), bytes.end()); }
  bool ready() const override { return is_ready; }
  void focus_gained() override { ++focus_count; }
  std::string text;
  bool is_ready = true;
  int focus_count = 0;
};

std::span<const u8> bytes(std::string_view text) {
  return {reinterpret_cast<const u8*>(text.data()), text.size()};
}

}  // namespace

TEST_CASE("without escapes every byte, Ctrl-A included, goes to the only frontend") {
  TextBackend out;
  Recorder serial;
  CharMux mux(out, false);
  mux.add(serial);
  mux.input(
      bytes("a\x01x\x01"
            "c"));
  CHECK(serial.text ==
        "a\x01x\x01"
        "c");
  CHECK(out.text.empty());
}

TEST_CASE("Ctrl-A c moves input to the next frontend and tells it") {
  TextBackend out;
  Recorder serial, monitor;
  CharMux mux(out, true);
  mux.add(serial);
  mux.add(monitor);
  mux.input(
      bytes("ab\x01"
            "cde\x01"
            "cf"));
  CHECK(serial.text == "abf");
  CHECK(monitor.text == "de");
  CHECK(monitor.focus_count == 1);
  CHECK(serial.focus_count == 1);
  CHECK(mux.focus() == 0);
}

TEST_CASE("an escape split across two reads still works") {
  TextBackend out;
  Recorder serial, monitor;
  CharMux mux(out, true);
  mux.add(serial);
  mux.add(monitor);
  mux.input(bytes("x\x01"));
  mux.input(bytes("cy"));
  CHECK(serial.text == "x");
  CHECK(monitor.text == "y");
}

TEST_CASE("Ctrl-A Ctrl-A and Ctrl-A a send one Ctrl-A and unknown escapes are dropped") {
  TextBackend out;
  Recorder serial;
  CharMux mux(out, true);
  mux.add(serial);
  mux.input(
      bytes("1\x01\x01"
            "2\x01"
            "a3\x01"
            "z4"));
  CHECK(serial.text ==
        "1\x01"
        "2\x01"
        "34");
}

TEST_CASE("Ctrl-A x prints Terminated and quits and Ctrl-A h prints the keys") {
  TextBackend out;
  Recorder serial;
  CharMux mux(out, true);
  mux.add(serial);
  int quits = 0;
  mux.set_quit_handler([&] { ++quits; });
  mux.input(bytes("\x01h"));
  CHECK(out.text.find("C-a x    exit glasspc\n") != std::string::npos);
  CHECK(quits == 0);
  out.text.clear();
  mux.input(bytes("\x01x"));
  CHECK(out.text == "glasspc: Terminated\n");
  CHECK(quits == 1);
  CHECK(serial.text.empty());
}

TEST_CASE("the mux is ready when its focused frontend is") {
  TextBackend out;
  Recorder serial, monitor;
  CharMux mux(out, true);
  CHECK_FALSE(mux.ready());  // no frontend at all
  mux.add(serial);
  mux.add(monitor);
  serial.is_ready = false;
  CHECK_FALSE(mux.ready());
  mux.set_focus(1);
  CHECK(mux.ready());
}

// Host input for one host character stream (the terminal), shared by its frontends.
//
// A chardev may serve several frontends: a serial port and the monitor on "mon:stdio", or two
// devices on "-chardev stdio,mux=on". Output from every frontend goes to the terminal as it is
// written; input goes to the frontend that has focus. With escapes on (a shared chardev) Ctrl-A
// starts a command, as on QEMU:
//   Ctrl-A h   print the escape keys         Ctrl-A x   quit (exit status 0)
//   Ctrl-A c   switch focus to the next frontend (serial port <-> monitor)
//   Ctrl-A Ctrl-A (or Ctrl-A a)  send one Ctrl-A
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "bus/chardev.h"
#include "bus/types.h"

namespace glasspc {

// One frontend as the host side sees it: where typed input goes.
class InputTarget {
 public:
  virtual ~InputTarget() = default;
  virtual void accept(std::span<const u8> bytes) = 0;
  // Whether it takes more input now; while the focused target is not ready, the terminal is
  // not read, so typed input waits in the host's buffers instead of being lost.
  virtual bool ready() const { return true; }
  // Input now goes here (the monitor prints its prompt).
  virtual void focus_gained() {}
};

class CharMux {
 public:
  static constexpr u8 kEscape = 0x01;  // Ctrl-A

  // `output` is where the mux writes its own messages (help, "Terminated"): the terminal.
  CharMux(CharBackend& output, bool escapes) : m_output(output), m_escapes(escapes) {}

  // Adds a frontend; the first one added has focus.
  void add(InputTarget& target);
  void set_focus(std::size_t index);
  std::size_t focus() const { return m_focus; }
  std::size_t size() const { return m_targets.size(); }
  bool escapes() const { return m_escapes; }

  // Whether the focused frontend takes input now.
  bool ready() const;
  // Bytes typed on the terminal.
  void input(std::span<const u8> bytes);
  // Called on Ctrl-A x, after "Terminated" is printed.
  void set_quit_handler(std::function<void()> handler) { m_quit = std::move(handler); }

 private:
  void command(u8 key);
  void print(std::string_view text);

  CharBackend& m_output;
  bool m_escapes;
  std::vector<InputTarget*> m_targets;
  std::size_t m_focus = 0;
  bool m_got_escape = false;
  std::function<void()> m_quit;
};

}  // namespace glasspc

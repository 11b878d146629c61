#include "frontend/char_mux.h"

#include <string_view>

namespace glasspc {

namespace {

// Plain "\n": raw mode keeps output processing on, so the terminal still returns the carriage.
constexpr std::string_view kHelp =
    "\n"
    "C-a h    print this help\n"
    "C-a x    exit glasspc\n"
    "C-a c    switch between the serial port and the monitor\n"
    "C-a C-a  send C-a (C-a a does the same)\n";

}  // namespace

void CharMux::add(InputTarget& target) {
  m_targets.push_back(&target);
}

void CharMux::set_focus(std::size_t index) {
  if (index >= m_targets.size()) return;
  m_focus = index;
  m_targets[m_focus]->focus_gained();
}

bool CharMux::ready() const {
  return !m_targets.empty() && m_targets[m_focus]->ready();
}

void CharMux::print(std::string_view text) {
  m_output.write(reinterpret_cast<const u8*>(text.data()), text.size());
  m_output.flush();
}

void CharMux::input(std::span<const u8> bytes) {
  // Runs of ordinary bytes go to the focused target in one piece; an escape splits them.
  std::size_t start = 0;
  auto pass = [&](std::size_t end) {
    if (end > start && !m_targets.empty())
      m_targets[m_focus]->accept(bytes.subspan(start, end - start));
  };
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (!m_escapes) continue;
    if (m_got_escape) {
      m_got_escape = false;
      start = i + 1;
      command(bytes[i]);
    } else if (bytes[i] == kEscape) {
      pass(i);
      m_got_escape = true;
      start = i + 1;
    }
  }
  pass(bytes.size());
}

void CharMux::command(u8 key) {
  static constexpr u8 kEscapeByte[] = {kEscape};
  switch (key) {
    case kEscape:
    case 'a':
      if (!m_targets.empty()) m_targets[m_focus]->accept(kEscapeByte);
      break;
    case 'h':
    case '?':
      print(kHelp);
      break;
    case 'x':
      print("glasspc: Terminated\n");
      if (m_quit) m_quit();
      break;
    case 'c':
      if (!m_targets.empty()) set_focus((m_focus + 1) % m_targets.size());
      break;
    default:
      // As QEMU: an unknown escape key is dropped.
      break;
  }
}

}  // namespace glasspc

#include "frontend/host_console.h"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "bus/machine.h"
#include "frontend/terminal.h"

namespace glasspc {

HostConsole::HostConsole(Machine& machine, const TerminalSession* terminal)
    : m_machine(machine), m_terminal(terminal) {}

void HostConsole::set_input(int fd, CharMux& mux) {
  m_fd = fd;
  m_mux = &mux;
}

void HostConsole::quit() {
  m_machine.request_exit(0, "quit");
  m_wake = true;
  m_running = true;  // let a stopped machine reach its exit
}

void HostConsole::system_reset() {
  m_machine.request_reset("system_reset");
  m_wake = true;
}

bool HostConsole::check_signal() {
  if (m_signal != 0 || m_terminal == nullptr) return false;
  const int signal = m_terminal->stop_signal();
  if (signal == 0) return false;
  m_signal = signal;
  // QEMU's behaviour: a terminating signal ends the run in order, with status 0.
  m_machine.request_exit(0, fmt::format("terminating on signal {}", signal));
  m_wake = true;
  m_running = true;
  return true;
}

void HostConsole::read_input(std::optional<std::chrono::nanoseconds> timeout) {
  const bool readable = m_fd >= 0 && m_mux != nullptr && m_mux->ready();
  std::array<pollfd, 2> entries{};
  nfds_t count = 0;
  if (m_terminal != nullptr) entries[count++] = pollfd{m_terminal->wake_fd(), POLLIN, 0};
  const nfds_t input = count;
  if (readable) entries[count++] = pollfd{m_fd, POLLIN, 0};
  timespec limit{};
  if (timeout) {
    const auto ns = std::max<std::chrono::nanoseconds::rep>(timeout->count(), 0);
    limit.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    limit.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  }
  // A timeout, EINTR or the signal pipe all end the wait; the caller checks for a signal. The
  // pipe is never drained: once glasspc is asked to stop, no later wait may block.
  if (::ppoll(entries.data(), count, timeout ? &limit : nullptr, nullptr) <= 0) return;
  if (!readable || entries[input].revents == 0) return;
  std::array<u8, 256> buffer;
  const ssize_t got = ::read(m_fd, buffer.data(), buffer.size());
  if (got > 0) {
    m_mux->input(std::span<const u8>(buffer.data(), static_cast<std::size_t>(got)));
  } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
    m_fd = -1;  // EOF or a dead terminal: no more input, but the machine runs on
  }
}

bool HostConsole::pump() {
  bool delivered = false;
  for (GuestInputQueue* queue : m_queues) delivered |= queue->pump() > 0;
  return delivered;
}

HostActivity HostConsole::service() {
  HostActivity activity;
  check_signal();
  read_input(std::chrono::nanoseconds(0));
  activity.wake = pump();
  while (!m_running) {
    activity.paused = true;
    read_input(std::nullopt);
    check_signal();
  }
  // Input typed for a device while the machine was stopped is delivered now.
  activity.wake |= pump() || m_wake;
  m_wake = false;
  return activity;
}

HostActivity HostConsole::wait(std::optional<std::chrono::nanoseconds> timeout) {
  if (!check_signal()) read_input(timeout);
  return service();
}

void HostConsole::hold_while_stopped() {
  while (!m_running) {
    read_input(std::nullopt);
    check_signal();
  }
}

}  // namespace glasspc

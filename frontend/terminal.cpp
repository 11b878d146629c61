#include "frontend/terminal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace glasspc {

namespace {

// The one piece of static state in glasspc: a signal handler cannot reach an object, yet it must
// restore the terminal when glasspc dies of a signal, and note a stop request for the run loop.
struct SignalState {
  volatile std::sig_atomic_t active = 0;       // a TerminalSession exists
  volatile std::sig_atomic_t raw = 0;          // the terminal is in raw mode: restore `saved`
  volatile std::sig_atomic_t stop_signal = 0;  // SIGINT/SIGTERM/SIGHUP received
  int fd = -1;
  int wake_pipe[2] = {-1, -1};  // the handler writes a byte so that a waiting poll() returns
  termios saved{};
  termios raw_mode{};
};
SignalState signal_state;

constexpr std::array kStopSignals = {SIGINT, SIGTERM, SIGHUP};
constexpr std::array kFatalSignals = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGQUIT};
constexpr std::array kJobSignals = {SIGTSTP, SIGCONT, SIGTTIN};
static_assert(kStopSignals.size() + kFatalSignals.size() + kJobSignals.size() <= 12);

// Everything below runs in signal handlers: only async-signal-safe calls (tcsetattr, sigaction,
// sigprocmask, raise).
void restore_terminal() {
  if (signal_state.raw) tcsetattr(signal_state.fd, TCSANOW, &signal_state.saved);
}

void die_by(int signal) {
  restore_terminal();
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(signal);
}

void on_stop_signal(int signal) {
  if (signal_state.stop_signal != 0) {
    die_by(signal);  // asked twice: the run loop is not answering
    return;
  }
  signal_state.stop_signal = signal;
  // A poll() that was about to start would miss the EINTR; the pipe wakes it in any case.
  const char byte = 0;
  [[maybe_unused]] const ssize_t written = write(signal_state.wake_pipe[1], &byte, 1);
}

void on_fatal_signal(int signal) {
  die_by(signal);
}

void on_job_signal(int signal);

void install(int signal, void (*handler)(int), struct sigaction* previous) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: poll() returns EINTR so a stop request is seen at once
  sigaction(signal, &action, previous);
}

void on_job_signal(int signal) {
  if (signal == SIGCONT) {
    // Back from Ctrl-Z (or SIGSTOP): the shell has reset the terminal modes.
    if (signal_state.raw) tcsetattr(signal_state.fd, TCSANOW, &signal_state.raw_mode);
    return;
  }
  // SIGTSTP/SIGTTIN: give the shell a sane terminal, stop, and come back through SIGCONT.
  restore_terminal();
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(signal);  // stops here until SIGCONT (an orphaned process group does not stop at all)
  install(signal, on_job_signal, nullptr);
  if (signal_state.raw) tcsetattr(signal_state.fd, TCSANOW, &signal_state.raw_mode);
}

}  // namespace

TerminalSession::TerminalSession(int fd, bool raw, bool signals) {
  if (signal_state.active) throw std::logic_error("two terminal sessions at once");
  signal_state.active = 1;
  signal_state.stop_signal = 0;
  signal_state.fd = fd;
  signal_state.raw = 0;
  if (pipe2(signal_state.wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
    signal_state.active = 0;
    throw std::runtime_error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  if (raw && isatty(fd) && tcgetattr(fd, &signal_state.saved) == 0) {
    termios mode = signal_state.saved;
    mode.c_iflag &=
        ~static_cast<tcflag_t>(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    mode.c_oflag |= OPOST;  // keep "\n" -> "\r\n" for output, as QEMU does
    mode.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | IEXTEN);
    if (!signals) mode.c_lflag &= ~static_cast<tcflag_t>(ISIG);
    mode.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB);
    mode.c_cflag |= CS8;
    mode.c_cc[VMIN] = 1;
    mode.c_cc[VTIME] = 0;
    signal_state.raw_mode = mode;
    if (tcsetattr(fd, TCSANOW, &mode) == 0) signal_state.raw = 1;
  }
  std::size_t slot = 0;
  for (int signal : kStopSignals) install(signal, on_stop_signal, &m_previous[slot++]);
  for (int signal : kFatalSignals) install(signal, on_fatal_signal, &m_previous[slot++]);
  for (int signal : kJobSignals) install(signal, on_job_signal, &m_previous[slot++]);
}

TerminalSession::~TerminalSession() {
  std::size_t slot = 0;
  for (int signal : kStopSignals) sigaction(signal, &m_previous[slot++], nullptr);
  for (int signal : kFatalSignals) sigaction(signal, &m_previous[slot++], nullptr);
  for (int signal : kJobSignals) sigaction(signal, &m_previous[slot++], nullptr);
  restore_terminal();
  signal_state.raw = 0;
  close(signal_state.wake_pipe[0]);
  close(signal_state.wake_pipe[1]);
  signal_state.wake_pipe[0] = signal_state.wake_pipe[1] = -1;
  signal_state.active = 0;
}

bool TerminalSession::raw() const {
  return signal_state.raw != 0;
}

int TerminalSession::stop_signal() const {
  return signal_state.stop_signal;
}

int TerminalSession::wake_fd() const {
  return signal_state.wake_pipe[0];
}

}  // namespace glasspc

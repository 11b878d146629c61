#include "frontend/char_backends.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "firmware/load_error.h"

namespace glasspc {

void FdCharBackend::write(const u8* data, std::size_t length) {
  while (length > 0) {
    const ssize_t written = ::write(m_fd, data, length);
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // the terminal went away (EPIPE, EIO): the guest keeps running, as on QEMU
    }
    data += written;
    length -= static_cast<std::size_t>(written);
  }
}

FileCharBackend::FileCharBackend(const std::string& id, const std::string& path, bool append)
    : m_file(std::fopen(path.c_str(), append ? "ab" : "wb")) {
  if (!m_file)
    throw firmware::LoadError("chardev", id,
                              fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  // Unbuffered, as QEMU writes: whoever watches the file sees each character when it is sent.
  std::setvbuf(m_file, nullptr, _IONBF, 0);
}

FileCharBackend::~FileCharBackend() {
  std::fclose(m_file);
}

void FileCharBackend::write(const u8* data, std::size_t length) {
  std::fwrite(data, 1, length, m_file);
}

void FileCharBackend::flush() {
  std::fflush(m_file);
}

}  // namespace glasspc

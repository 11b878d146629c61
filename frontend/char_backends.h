// Where guest character output goes on the host: the terminal (stdout) or a file.
// (-chardev null and unconnected ports use NullCharBackend from bus/chardev.h.)
#pragma once

#include <cstdio>
#include <string>

#include "bus/chardev.h"

namespace glasspc {

// Writes to a file descriptor (stdout), retrying short writes. Output is unbuffered so that a
// guest's prompt appears before the guest waits for input.
class FdCharBackend : public CharBackend {
 public:
  explicit FdCharBackend(int fd) : m_fd(fd) {}
  void write(const u8* data, std::size_t length) override;

 private:
  int m_fd;
};

// -chardev file / -serial file:PATH. Like QEMU, the file is truncated unless append=on.
class FileCharBackend : public CharBackend {
 public:
  // Throws firmware::LoadError ("chardev 'id': cannot open 'path': reason").
  FileCharBackend(const std::string& id, const std::string& path, bool append);
  ~FileCharBackend() override;
  FileCharBackend(const FileCharBackend&) = delete;
  FileCharBackend& operator=(const FileCharBackend&) = delete;

  void write(const u8* data, std::size_t length) override;
  void flush() override;

 private:
  std::FILE* m_file;
};

}  // namespace glasspc

#include "firmware/file_image.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

#include "firmware/load_error.h"

namespace glasspc::firmware {

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::string error_text(int error) {
  return std::generic_category().message(error);
}

}  // namespace

std::vector<u8> read_image_file(const std::string& path, std::string_view what) {
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw LoadError(what, path, "cannot open: " + error_text(errno));

  std::vector<u8> bytes;
  constexpr std::size_t kChunk = 64 * 1024;
  for (;;) {
    const std::size_t old_size = bytes.size();
    bytes.resize(old_size + kChunk);
    errno = 0;
    const std::size_t got = std::fread(bytes.data() + old_size, 1, kChunk, file.get());
    bytes.resize(old_size + got);
    if (bytes.size() >= kMaxImageFileSize)
      throw LoadError(what, path, "file is 4 GiB or larger, too large to load into the guest");
    if (got == kChunk) continue;
    if (std::ferror(file.get()))
      throw LoadError(what, path, "cannot read: " + error_text(errno != 0 ? errno : EIO));
    break;  // end of file
  }
  bytes.shrink_to_fit();
  return bytes;
}

}  // namespace glasspc::firmware

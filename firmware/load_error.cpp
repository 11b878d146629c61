#include "firmware/load_error.h"

#include <fmt/format.h>

namespace glasspc::firmware {

namespace {

std::string one_line(std::string_view text) {
  std::string line(text);
  for (char& c : line)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return line;
}

}  // namespace

LoadError::LoadError(std::string_view kind, std::string_view name, std::string_view problem)
    : std::runtime_error(fmt::format("{} '{}': {}", kind, one_line(name), one_line(problem))) {}

LoadError::LoadError(std::string_view message) : std::runtime_error(one_line(message)) {}

}  // namespace glasspc::firmware

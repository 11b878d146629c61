// How firmware loaders report bad input.
//
// Every loader (kernels, modules, BIOS images, the memory size) throws LoadError for input it
// cannot use. what() is exactly one line that names the input and the problem, e.g.
//   kernel 'x.elf': not a multiboot image (no header in the first 8192 bytes)
// so the command line can print it as it is and exit with status 2.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace glasspc::firmware {

class LoadError : public std::runtime_error {
 public:
  // "<kind> '<name>': <problem>". `kind` says what the input is for ("kernel", "module", "bios");
  // `name` is usually its path. Control characters in `name` and `problem` are shown as '?', so
  // the message stays on one line whatever the file is called.
  LoadError(std::string_view kind, std::string_view name, std::string_view problem);
  // A message that names its subject itself ("memory size ...").
  explicit LoadError(std::string_view message);
};

}  // namespace glasspc::firmware

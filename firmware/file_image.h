// Reading a whole file that a loader places into the guest (kernel, module, BIOS image).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bus/types.h"

namespace glasspc::firmware {

// Anything the firmware places into the guest must fit below 4 GiB, so a file of 4 GiB or more
// is a mistake (a disk image given as a kernel) rather than something to allocate.
constexpr u64 kMaxImageFileSize = u64{4} * 1024 * 1024 * 1024;

// Returns the bytes of the file at `path`. `what` names its role in error messages, which are
// LoadErrors such as "kernel 'p': cannot open: No such file or directory". Works on pipes and
// other unseekable files too: the file is read until its end.
std::vector<u8> read_image_file(const std::string& path, std::string_view what);

}  // namespace glasspc::firmware

// What a kernel image asks to have placed in guest memory, independent of its file format.
//
// The multiboot address fields and ELF32 program headers are both turned into a LoadPlan; one
// place then checks the plan against the file and the RAM and copies it into the guest.
#pragma once

#include <vector>

#include "bus/types.h"

namespace glasspc::firmware {

// `file_size` bytes from `file_offset` go to guest-physical `address`, followed by zeros up to
// `memory_size` bytes (bss). Fields are 64-bit so that sums of 32-bit fields cannot wrap.
struct LoadSegment {
  u64 file_offset = 0;
  u64 file_size = 0;
  u64 address = 0;
  u64 memory_size = 0;
  u32 index = 0;  // how the file numbers it (program header index), for error messages
};

struct LoadPlan {
  std::vector<LoadSegment> segments;  // never empty, no empty segments
  u64 entry = 0;
};

}  // namespace glasspc::firmware

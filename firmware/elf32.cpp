#include "firmware/elf32.h"

#include <fmt/format.h>

#include "firmware/little_endian.h"
#include "firmware/load_error.h"
#include "firmware/pc_memory_layout.h"

namespace glasspc::firmware {

namespace {

// e_ident (System V ABI, "ELF Identification").
constexpr u64 kEiClass = 4;
constexpr u64 kEiData = 5;
constexpr u8 kElfClass32 = 1;
constexpr u8 kElfClass64 = 2;
constexpr u8 kElfData2Lsb = 1;

// ELF32 header fields.
constexpr u64 kElf32HeaderSize = 52;
constexpr u64 kType = 16;
constexpr u64 kMachine = 18;
constexpr u64 kEntry = 24;
constexpr u64 kPhoff = 28;
constexpr u64 kPhentsize = 42;
constexpr u64 kPhnum = 44;
constexpr u16 kTypeExec = 2;
constexpr u16 kTypeDyn = 3;
constexpr u16 kMachine386 = 3;
constexpr u16 kMachineX86_64 = 62;

// ELF32 program header fields.
constexpr u64 kProgramHeaderSize = 32;
constexpr u64 kPType = 0;
constexpr u64 kPOffset = 4;
constexpr u64 kPPaddr = 12;
constexpr u64 kPFilesz = 16;
constexpr u64 kPMemsz = 20;
constexpr u32 kPtLoad = 1;

void fail(std::string_view path, std::string_view problem) {
  throw LoadError("kernel", path, problem);
}

}  // namespace

bool has_elf_magic(std::span<const u8> image) {
  return image.size() >= 4 && image[0] == 0x7F && image[1] == 'E' && image[2] == 'L' &&
         image[3] == 'F';
}

LoadPlan elf32_load_plan(std::span<const u8> image, std::string_view path) {
  if (!has_elf_magic(image))
    fail(path, "multiboot header has no address fields (flag 16) and the file is not ELF");
  if (image.size() <= kEiData)
    fail(path, fmt::format("truncated: ELF header cut off at {} bytes", image.size()));
  if (image[kEiClass] == kElfClass64)
    fail(path, "64-bit ELF image; a multiboot kernel must be 32-bit ELF (i386)");
  if (image[kEiClass] != kElfClass32)
    fail(path, fmt::format("unknown ELF class {}", image[kEiClass]));
  if (image[kEiData] != kElfData2Lsb) fail(path, "big-endian ELF image; i386 is little-endian");
  if (image.size() < kElf32HeaderSize)
    fail(path, fmt::format("truncated: ELF header cut off at {} bytes", image.size()));

  const u16 type = load_le16(image, kType);
  if (type != kTypeExec && type != kTypeDyn)
    fail(path, fmt::format("ELF type {} is not an executable", type));
  const u16 machine = load_le16(image, kMachine);
  if (machine == kMachineX86_64)
    fail(path, "x86-64 ELF image; a multiboot kernel must be 32-bit ELF (i386)");
  if (machine != kMachine386) fail(path, fmt::format("ELF machine {} is not i386", machine));

  const u64 phoff = load_le32(image, kPhoff);
  const u64 phentsize = load_le16(image, kPhentsize);
  const u64 phnum = load_le16(image, kPhnum);
  if (phnum != 0 && phentsize < kProgramHeaderSize)
    fail(path, fmt::format("ELF program header size {} is smaller than {}", phentsize,
                           kProgramHeaderSize));
  const u64 table_end = phoff + phentsize * phnum;
  if (table_end > image.size())
    fail(path, fmt::format("truncated: ELF program headers {:#x}-{:#x} lie beyond the end of "
                           "the file ({:#x} bytes)",
                           phoff, table_end, image.size()));

  LoadPlan plan;
  plan.entry = load_le32(image, kEntry);
  for (u64 i = 0; i < phnum; ++i) {
    const std::span<const u8> ph = image.subspan(phoff + i * phentsize, kProgramHeaderSize);
    if (load_le32(ph, kPType) != kPtLoad) continue;
    LoadSegment segment;
    segment.index = static_cast<u32>(i);
    segment.file_offset = load_le32(ph, kPOffset);
    segment.address = load_le32(ph, kPPaddr);
    segment.file_size = load_le32(ph, kPFilesz);
    segment.memory_size = load_le32(ph, kPMemsz);
    if (segment.memory_size == 0) continue;
    if (segment.file_size > segment.memory_size)
      fail(path, fmt::format("ELF segment {} has p_filesz {:#x} larger than p_memsz {:#x}", i,
                             segment.file_size, segment.memory_size));
    if (segment.file_offset + segment.file_size > image.size())
      fail(path, fmt::format("truncated: ELF segment {} needs file bytes {:#x}-{:#x} but the "
                             "file has {:#x} bytes",
                             i, segment.file_offset, segment.file_offset + segment.file_size,
                             image.size()));
    if (segment.address + segment.memory_size > k4GiB)
      fail(path, fmt::format("ELF segment {} at {:#x} ({:#x} bytes) runs past 4 GiB", i,
                             segment.address, segment.memory_size));
    plan.segments.push_back(segment);
  }
  if (plan.segments.empty()) fail(path, "ELF image has no loadable segments");
  return plan;
}

}  // namespace glasspc::firmware

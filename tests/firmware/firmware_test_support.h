// Shared pieces of the firmware tests: multiboot kernels built in memory, a guest with PC RAM,
// and a scratch directory for files the loaders read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "bus/clock.h"
#include "bus/memory_map.h"
#include "bus/trace.h"
#include "bus/types.h"
#include "firmware/pc_memory_layout.h"

namespace glasspc::firmware::test {

void put_le16(std::vector<u8>& bytes, std::size_t offset, u16 value);
void put_le32(std::vector<u8>& bytes, std::size_t offset, u32 value);

// The 12-byte multiboot header (magic, flags, checksum) followed, when `flags` has bit 16, by
// the five address fields.
struct MultibootHeaderFields {
  u32 flags = 0x00000003;  // page-align modules, memory information
  u32 header_addr = 0;
  u32 load_addr = 0;
  u32 load_end_addr = 0;
  u32 bss_end_addr = 0;
  u32 entry_addr = 0;
};
std::vector<u8> multiboot_header_bytes(const MultibootHeaderFields& fields);

struct ElfSegment {
  u32 paddr = 0;
  std::vector<u8> data;  // p_filesz bytes
  u32 memsz = 0;         // >= data.size(); the rest is bss
  u32 type = 1;          // PT_LOAD
};

struct ElfKernel {
  std::vector<ElfSegment> segments;
  u32 entry = 0;
  u16 machine = 3;  // EM_386
  u32 header_flags = 0x00000003;
};

struct BuiltElf {
  std::vector<u8> image;
  std::vector<u32> segment_offsets;  // file offset of each segment's data
  std::size_t program_headers = 0;   // file offset of the program header table
};

// An ELF32 executable: ELF header, program headers, the multiboot header right after them, then
// each segment's data at a 4 KiB aligned file offset.
BuiltElf build_elf32_kernel(const ElfKernel& kernel);
// A minimal x86-64 ELF64 executable with a valid multiboot header (which multiboot refuses).
std::vector<u8> build_elf64_kernel();

// An "a.out kludge" kernel: `text` loaded at `load_addr`, the header with address fields at
// `header_offset` within the text (overwriting those bytes), then `bss_size` bytes of bss.
struct AoutKernel {
  u32 load_addr = 0x100000;
  std::vector<u8> text;
  u32 header_offset = 0x40;
  u32 bss_size = 0;
  u32 entry = 0x100000;
};
std::vector<u8> build_aout_kernel(const AoutKernel& kernel);

// A byte pattern that differs at every offset of a page and between seeds.
std::vector<u8> pattern(std::size_t size, u8 seed);

// "" when the byte vectors are equal, else where and how they first differ (Catch would print
// every byte of both).
std::string difference(const std::vector<u8>& actual, const std::vector<u8>& expected);

// A machine's memory with PC RAM mapped; RAM is filled with 0xCC first so that tests can tell
// bytes a loader wrote (or zeroed) from untouched ones.
class GuestMemory {
 public:
  explicit GuestMemory(u64 ram_size);
  MemoryMap& memory() { return m_memory; }
  const PcMemoryLayout& layout() const { return m_layout; }
  u32 read32(u64 gpa) { return static_cast<u32>(m_memory.read(gpa, 4)); }
  u64 read64(u64 gpa) { return m_memory.read(gpa, 8); }
  std::vector<u8> bytes(u64 gpa, std::size_t length);
  std::string c_string(u64 gpa);

 private:
  Clock m_clock;
  Trace m_trace{m_clock};
  MemoryMap m_memory{m_trace};
  PcMemoryLayout m_layout;
};

// A fresh directory under the system's temporary directory, removed with its contents. `tag`
// must differ between directories that exist at the same time in one process.
class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& tag);
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  // Writes `bytes` to a file called `name` and returns its full path.
  std::string write(const std::string& name, const std::vector<u8>& bytes);

 private:
  std::filesystem::path m_path;
};

}  // namespace glasspc::firmware::test

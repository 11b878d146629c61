// Shared pieces of the ACPI and MP table tests: platforms, little-endian reads, guest memory.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bus/clock.h"
#include "bus/memory_map.h"
#include "bus/trace.h"
#include "bus/types.h"
#include "firmware/acpi_platform.h"

namespace glasspc::firmware::test {

// QEMU pc defaults with `cpus` CPUs and `ram` bytes of RAM split as pc_memory_layout does.
AcpiPlatform pc_platform(unsigned cpus, u64 ram = u64{128} << 20);

u16 le16(std::span<const u8> bytes, std::size_t offset);
u32 le32(std::span<const u8> bytes, std::size_t offset);
u64 le64(std::span<const u8> bytes, std::size_t offset);
u8 sum_of(std::span<const u8> bytes);
std::string text(std::span<const u8> bytes, std::size_t offset, std::size_t length);
// Whether `needle` occurs in `haystack`, and how often.
std::size_t count_of(std::span<const u8> haystack, std::span<const u8> needle);
std::size_t count_of(std::span<const u8> haystack, std::string_view needle);

// Runs `command` through the shell; returns its exit status (-1 if it did not exit) and its
// standard output and error together.
struct CommandResult {
  int status = -1;
  std::string output;
};
CommandResult run_command(const std::string& command);
// Whether `program` is on the PATH.
bool have_program(const std::string& program);

// A fresh directory under the system's temporary directory, removed with its contents. `tag`
// must differ between directories that exist at the same time in one process.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  // Writes `bytes` to a file called `name` in the directory.
  void write(const std::string& name, std::span<const u8> bytes) const;

 private:
  std::filesystem::path m_path;
};

// Guest memory with `ram` bytes of PC RAM mapped.
class AcpiGuest {
 public:
  explicit AcpiGuest(u64 ram);
  MemoryMap& memory() { return m_memory; }
  std::vector<u8> bytes(u64 gpa, std::size_t length);

 private:
  Clock m_clock;
  Trace m_trace{m_clock};
  MemoryMap m_memory{m_trace};
};

}  // namespace glasspc::firmware::test

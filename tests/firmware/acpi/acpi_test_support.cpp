#include "tests/firmware/acpi/acpi_test_support.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "firmware/pc_memory_layout.h"

namespace glasspc::firmware::test {

AcpiPlatform pc_platform(unsigned cpus, u64 ram) {
  const PcMemoryLayout layout = pc_memory_layout(ram);
  AcpiPlatform platform;
  platform.cpu_count = cpus;
  platform.ram_below_4g = layout.below_4g;
  platform.ram_above_4g = layout.above_4g;
  return platform;
}

u16 le16(std::span<const u8> bytes, std::size_t offset) {
  return static_cast<u16>(bytes[offset] | (bytes[offset + 1] << 8));
}

u32 le32(std::span<const u8> bytes, std::size_t offset) {
  return u32{le16(bytes, offset)} | (u32{le16(bytes, offset + 2)} << 16);
}

u64 le64(std::span<const u8> bytes, std::size_t offset) {
  return u64{le32(bytes, offset)} | (u64{le32(bytes, offset + 4)} << 32);
}

u8 sum_of(std::span<const u8> bytes) {
  u8 sum = 0;
  for (u8 b : bytes) sum = static_cast<u8>(sum + b);
  return sum;
}

std::string text(std::span<const u8> bytes, std::size_t offset, std::size_t length) {
  return std::string(bytes.begin() + static_cast<std::ptrdiff_t>(offset),
                     bytes.begin() + static_cast<std::ptrdiff_t>(offset + length));
}

std::size_t count_of(std::span<const u8> haystack, std::span<const u8> needle) {
  std::size_t count = 0;
  auto it = haystack.begin();
  while (true) {
    it = std::search(it, haystack.end(), needle.begin(), needle.end());
    if (it == haystack.end()) return count;
    ++count;
    ++it;
  }
}

std::size_t count_of(std::span<const u8> haystack, std::string_view needle) {
  const std::vector<u8> bytes(needle.begin(), needle.end());
  return count_of(haystack, bytes);
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> chunk{};
  std::size_t n = 0;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), pipe)) > 0)
    result.output.append(chunk.data(), n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool have_program(const std::string& program) {
  return run_command("command -v '" + program + "'").status == 0;
}

TempDir::TempDir(const std::string& tag)
    : m_path(std::filesystem::temp_directory_path() /
             fmt::format("glasspc-acpi-test-{}-{}", ::getpid(), tag)) {
  std::filesystem::remove_all(m_path);
  std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

void TempDir::write(const std::string& name, std::span<const u8> bytes) const {
  const std::filesystem::path file = m_path / name;
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

AcpiGuest::AcpiGuest(u64 ram) {
  map_pc_ram(m_memory, pc_memory_layout(ram));
}

std::vector<u8> AcpiGuest::bytes(u64 gpa, std::size_t length) {
  std::vector<u8> out(length);
  m_memory.read_bytes(gpa, out.data(), length);
  return out;
}

}  // namespace glasspc::firmware::test

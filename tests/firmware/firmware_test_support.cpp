#include "tests/firmware/firmware_test_support.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace glasspc::firmware::test {

namespace {

constexpr u32 kMagic = 0x1BADB002;
constexpr std::size_t kElf32HeaderSize = 52;
constexpr std::size_t kElf32ProgramHeaderSize = 32;
constexpr u32 kSegmentFileAlign = 0x1000;
// Virtual addresses differ from physical ones so that a loader using p_vaddr is caught.
constexpr u32 kVirtualOffset = 0xC0000000;

std::size_t align4(std::size_t value) {
  return (value + 3) & ~std::size_t{3};
}

void place(std::vector<u8>& image, std::size_t offset, const std::vector<u8>& bytes) {
  if (image.size() < offset + bytes.size()) image.resize(offset + bytes.size());
  std::copy(bytes.begin(), bytes.end(), image.begin() + offset);
}

}  // namespace

void put_le16(std::vector<u8>& bytes, std::size_t offset, u16 value) {
  bytes.at(offset) = static_cast<u8>(value);
  bytes.at(offset + 1) = static_cast<u8>(value >> 8);
}

void put_le32(std::vector<u8>& bytes, std::size_t offset, u32 value) {
  for (unsigned i = 0; i < 4; ++i) bytes.at(offset + i) = static_cast<u8>(value >> (8 * i));
}

std::vector<u8> multiboot_header_bytes(const MultibootHeaderFields& fields) {
  const bool address_fields = (fields.flags & (1u << 16)) != 0;
  std::vector<u8> header(address_fields ? 32 : 12, 0);
  put_le32(header, 0, kMagic);
  put_le32(header, 4, fields.flags);
  put_le32(header, 8, 0u - kMagic - fields.flags);
  if (address_fields) {
    put_le32(header, 12, fields.header_addr);
    put_le32(header, 16, fields.load_addr);
    put_le32(header, 20, fields.load_end_addr);
    put_le32(header, 24, fields.bss_end_addr);
    put_le32(header, 28, fields.entry_addr);
  }
  return header;
}

BuiltElf build_elf32_kernel(const ElfKernel& kernel) {
  BuiltElf built;
  std::vector<u8>& image = built.image;
  image.assign(kElf32HeaderSize, 0);
  const u8 ident[] = {0x7F, 'E', 'L', 'F', 1 /* ELFCLASS32 */, 1 /* little-endian */, 1};
  std::copy(std::begin(ident), std::end(ident), image.begin());
  put_le16(image, 16, 2);  // ET_EXEC
  put_le16(image, 18, kernel.machine);
  put_le32(image, 20, 1);  // EV_CURRENT
  put_le32(image, 24, kernel.entry);
  put_le32(image, 28, static_cast<u32>(kElf32HeaderSize));
  put_le16(image, 40, static_cast<u16>(kElf32HeaderSize));
  put_le16(image, 42, static_cast<u16>(kElf32ProgramHeaderSize));
  put_le16(image, 44, static_cast<u16>(kernel.segments.size()));

  built.program_headers = kElf32HeaderSize;
  const std::size_t header_at =
      align4(kElf32HeaderSize + kElf32ProgramHeaderSize * kernel.segments.size());
  MultibootHeaderFields header;
  header.flags = kernel.header_flags;
  place(image, header_at, multiboot_header_bytes(header));

  for (std::size_t i = 0; i < kernel.segments.size(); ++i) {
    const ElfSegment& segment = kernel.segments[i];
    const std::size_t used = std::max<std::size_t>(image.size(), kSegmentFileAlign);
    const u32 offset =
        static_cast<u32>((used + kSegmentFileAlign - 1) & ~std::size_t{kSegmentFileAlign - 1});
    built.segment_offsets.push_back(offset);
    std::vector<u8> ph(kElf32ProgramHeaderSize, 0);
    put_le32(ph, 0, segment.type);
    put_le32(ph, 4, offset);
    put_le32(ph, 8, segment.paddr + kVirtualOffset);
    put_le32(ph, 12, segment.paddr);
    put_le32(ph, 16, static_cast<u32>(segment.data.size()));
    put_le32(ph, 20, segment.memsz);
    put_le32(ph, 24, 7);  // RWX
    put_le32(ph, 28, kSegmentFileAlign);
    place(image, kElf32HeaderSize + i * kElf32ProgramHeaderSize, ph);
    place(image, offset, segment.data);
  }
  return built;
}

std::vector<u8> build_elf64_kernel() {
  std::vector<u8> image(64 + 56, 0);
  const u8 ident[] = {0x7F, 'E', 'L', 'F', 2 /* ELFCLASS64 */, 1, 1};
  std::copy(std::begin(ident), std::end(ident), image.begin());
  put_le16(image, 16, 2);   // ET_EXEC
  put_le16(image, 18, 62);  // EM_X86_64
  put_le32(image, 20, 1);
  put_le32(image, 24, 0x100000);  // e_entry (low half)
  put_le32(image, 32, 64);        // e_phoff (low half)
  put_le16(image, 52, 64);        // e_ehsize
  put_le16(image, 54, 56);        // e_phentsize
  put_le16(image, 56, 1);         // e_phnum
  put_le32(image, 64, 1);         // PT_LOAD
  place(image, image.size(), multiboot_header_bytes(MultibootHeaderFields{}));
  return image;
}

std::vector<u8> build_aout_kernel(const AoutKernel& kernel) {
  std::vector<u8> image = kernel.text;
  MultibootHeaderFields header;
  header.flags = 0x00010003;
  header.header_addr = kernel.load_addr + kernel.header_offset;
  header.load_addr = kernel.load_addr;
  header.load_end_addr = kernel.load_addr + static_cast<u32>(kernel.text.size());
  header.bss_end_addr = kernel.bss_size == 0 ? 0 : header.load_end_addr + kernel.bss_size;
  header.entry_addr = kernel.entry;
  place(image, kernel.header_offset, multiboot_header_bytes(header));
  return image;
}

std::vector<u8> pattern(std::size_t size, u8 seed) {
  std::vector<u8> bytes(size);
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<u8>((i * 7 + (i >> 8) * 13 + seed * 31 + 1) & 0xff);
  return bytes;
}

std::string difference(const std::vector<u8>& actual, const std::vector<u8>& expected) {
  if (actual.size() != expected.size())
    return fmt::format("size {:#x} instead of {:#x}", actual.size(), expected.size());
  const auto mismatch = std::mismatch(actual.begin(), actual.end(), expected.begin());
  if (mismatch.first == actual.end()) return "";
  return fmt::format("at {:#x}: {:#04x} instead of {:#04x}", mismatch.first - actual.begin(),
                     *mismatch.first, *mismatch.second);
}

GuestMemory::GuestMemory(u64 ram_size) : m_layout(pc_memory_layout(ram_size)) {
  map_pc_ram(m_memory, m_layout);
  std::memset(m_memory.ram(), 0xCC, m_memory.ram_size());
}

std::vector<u8> GuestMemory::bytes(u64 gpa, std::size_t length) {
  std::vector<u8> out(length);
  m_memory.read_bytes(gpa, out.data(), length);
  return out;
}

std::string GuestMemory::c_string(u64 gpa) {
  std::string text;
  for (;;) {
    const char c = static_cast<char>(m_memory.read(gpa++, 1));
    if (c == '\0' || text.size() > 4096) return text;
    text += c;
  }
}

ScratchDirectory::ScratchDirectory(const std::string& tag) {
  // The process id keeps concurrently running test processes apart; the tag keeps several
  // directories of one process apart.
  m_path = std::filesystem::temp_directory_path() /
           fmt::format("glasspc-firmware-test-{}-{}", ::getpid(), tag);
  std::filesystem::remove_all(m_path);
  std::filesystem::create_directories(m_path);
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

std::string ScratchDirectory::write(const std::string& name, const std::vector<u8>& bytes) {
  const std::filesystem::path file = m_path / name;
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return file.string();
}

}  // namespace glasspc::firmware::test

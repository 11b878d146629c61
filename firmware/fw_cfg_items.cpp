#include "firmware/fw_cfg_items.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace glasspc::firmware {

namespace {

void put_be32(std::vector<u8>& out, std::size_t offset, u32 value) {
  for (unsigned i = 0; i < 4; ++i) out[offset + i] = static_cast<u8>(value >> (24 - 8 * i));
}

void put_be16(std::vector<u8>& out, std::size_t offset, u16 value) {
  out[offset] = static_cast<u8>(value >> 8);
  out[offset + 1] = static_cast<u8>(value);
}

std::vector<u8> little_endian(u64 value, unsigned bytes) {
  std::vector<u8> out(bytes);
  for (unsigned i = 0; i < bytes; ++i) out[i] = static_cast<u8>(value >> (8 * i));
  return out;
}

}  // namespace

std::vector<u8> fw_cfg_le16(u16 value) {
  return little_endian(value, 2);
}
std::vector<u8> fw_cfg_le32(u32 value) {
  return little_endian(value, 4);
}
std::vector<u8> fw_cfg_le64(u64 value) {
  return little_endian(value, 8);
}

std::vector<u8> encode_fw_cfg_file_dir(std::span<const FwCfgFileEntry> files) {
  std::vector<u8> out(4 + files.size() * fw_cfg::kFileEntrySize, 0);
  put_be32(out, 0, static_cast<u32>(files.size()));
  for (std::size_t i = 0; i < files.size(); ++i) {
    const FwCfgFileEntry& file = files[i];
    if (file.name.size() > fw_cfg::kMaxFileName)
      throw std::invalid_argument(fmt::format("fw_cfg file name '{}' is longer than {} bytes",
                                              file.name, fw_cfg::kMaxFileName));
    const std::size_t at = 4 + i * fw_cfg::kFileEntrySize;
    put_be32(out, at, file.size);
    put_be16(out, at + 4, file.select);
    // Bytes 6..7 are reserved (zero); the name is NUL-padded to the end of the entry.
    std::copy(file.name.begin(), file.name.end(),
              out.begin() + static_cast<std::ptrdiff_t>(at + 8));
  }
  return out;
}

std::vector<u8> encode_fw_cfg_e820(std::span<const E820Entry> entries) {
  std::vector<u8> out;
  out.reserve(entries.size() * fw_cfg::kE820EntrySize);
  for (const E820Entry& entry : entries) {
    const std::vector<u8> address = fw_cfg_le64(entry.address);
    const std::vector<u8> length = fw_cfg_le64(entry.length);
    const std::vector<u8> type = fw_cfg_le32(static_cast<u32>(entry.type));
    out.insert(out.end(), address.begin(), address.end());
    out.insert(out.end(), length.begin(), length.end());
    out.insert(out.end(), type.begin(), type.end());
  }
  return out;
}

std::vector<E820Entry> fw_cfg_e820_ram(const PcMemoryLayout& layout) {
  std::vector<E820Entry> entries;
  if (layout.below_4g != 0) entries.push_back(E820Entry{0, layout.below_4g, E820Type::Ram});
  if (layout.above_4g != 0) entries.push_back(E820Entry{k4GiB, layout.above_4g, E820Type::Ram});
  return entries;
}

std::vector<u8> encode_fw_cfg_bootorder(std::span<const std::string> paths) {
  std::vector<u8> out;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (paths[i].find_first_of(std::string_view("\n\0", 2)) != std::string::npos)
      throw std::invalid_argument(
          fmt::format("fw_cfg bootorder entry {} contains a newline or NUL", i));
    if (i != 0) out.push_back('\n');
    out.insert(out.end(), paths[i].begin(), paths[i].end());
  }
  if (!paths.empty()) out.push_back('\0');
  return out;
}

}  // namespace glasspc::firmware

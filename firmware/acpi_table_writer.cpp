#include "firmware/acpi_table_writer.h"

#include <stdexcept>

namespace glasspc::firmware {

void TableWriter::chars(std::string_view text, std::size_t width, char pad) {
  if (text.size() > width) throw std::invalid_argument("table string field too long");
  for (char c : text) m_bytes.push_back(static_cast<u8>(c));
  m_bytes.insert(m_bytes.end(), width - text.size(), static_cast<u8>(pad));
}

void TableWriter::align(std::size_t alignment) {
  while (m_bytes.size() % alignment != 0) m_bytes.push_back(0);
}

void TableWriter::patch(std::size_t offset, u64 value, unsigned size) {
  if (offset + size > m_bytes.size()) throw std::out_of_range("table patch past the end");
  for (unsigned i = 0; i < size; ++i) m_bytes[offset + i] = static_cast<u8>(value >> (8 * i));
}

void TableWriter::put_le(u64 value, unsigned size) {
  for (unsigned i = 0; i < size; ++i) m_bytes.push_back(static_cast<u8>(value >> (8 * i)));
}

u8 byte_sum(std::span<const u8> bytes) {
  u8 sum = 0;
  for (u8 b : bytes) sum = static_cast<u8>(sum + b);
  return sum;
}

u8 table_checksum(std::span<const u8> bytes) {
  return static_cast<u8>(-byte_sum(bytes));
}

void set_checksum(std::span<u8> bytes, std::size_t field, std::size_t start, std::size_t length) {
  if (start + length > bytes.size() || field < start || field >= start + length)
    throw std::out_of_range("checksum range outside the table");
  bytes[field] = 0;
  bytes[field] = table_checksum(bytes.subspan(start, length));
}

void begin_acpi_table(TableWriter& table, std::string_view signature, u8 revision) {
  if (table.size() != 0 || signature.size() != 4)
    throw std::invalid_argument("an ACPI table starts with a 4-character signature");
  table.chars(signature, 4);
  table.put32(0);  // length, patched by finish_acpi_table
  table.put8(revision);
  table.put8(0);  // checksum, patched by finish_acpi_table
  table.chars(kAcpiOemId, 6);
  table.chars(kAcpiOemTableId, 8);
  table.put32(kAcpiOemRevision);
  table.chars(kAcpiCreatorId, 4);
  table.put32(kAcpiCreatorRevision);
}

std::vector<u8> finish_acpi_table(TableWriter& table) {
  table.patch(4, table.size(), 4);
  std::vector<u8> bytes = table.take();
  set_checksum(bytes, kAcpiChecksumOffset, 0, bytes.size());
  return bytes;
}

void generic_address(TableWriter& table, AddressSpace space, u8 bit_width, AccessSize access,
                     u64 address) {
  table.put8(static_cast<u8>(space));
  table.put8(bit_width);
  table.put8(0);  // bit offset
  table.put8(static_cast<u8>(access));
  table.put64(address);
}

}  // namespace glasspc::firmware

// Little-endian byte assembly for firmware tables (ACPI, MP), and the ACPI System Description
// Table header every table but the RSDP and FACS starts with (ACPI 6.4 §5.2.6).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "bus/types.h"

namespace glasspc::firmware {

// A field of a table that holds the physical address of another table, `size` bytes at
// `offset`. Recorded so that a loader can relocate the tables (see acpi_table_loader.h).
struct TablePointer {
  std::size_t offset = 0;
  unsigned size = 0;
  friend bool operator==(const TablePointer&, const TablePointer&) = default;
};

// A finished table and its pointer fields (offsets relative to the table's first byte).
struct BuiltTable {
  std::vector<u8> bytes;
  std::vector<TablePointer> pointers;
};

// Appends fields to a growing table and patches them afterwards (lengths, checksums, pointers).
class TableWriter {
 public:
  std::size_t size() const { return m_bytes.size(); }
  const std::vector<u8>& bytes() const { return m_bytes; }
  std::vector<u8> take() { return std::move(m_bytes); }

  void put8(u8 value) { m_bytes.push_back(value); }
  void put16(u16 value) { put_le(value, 2); }
  void put32(u32 value) { put_le(value, 4); }
  void put64(u64 value) { put_le(value, 8); }
  // `text` padded with `pad` to exactly `width` bytes (longer text is a programming error).
  void chars(std::string_view text, std::size_t width, char pad = ' ');
  void bytes(std::span<const u8> data) { m_bytes.insert(m_bytes.end(), data.begin(), data.end()); }
  void zeros(std::size_t count) { m_bytes.insert(m_bytes.end(), count, 0); }
  void align(std::size_t alignment);

  void patch(std::size_t offset, u64 value, unsigned size);

 private:
  void put_le(u64 value, unsigned size);
  std::vector<u8> m_bytes;
};

// The byte that makes `bytes` sum to zero modulo 256, given that it is itself counted as zero.
u8 table_checksum(std::span<const u8> bytes);
// Sum of all bytes modulo 256 (0 for a table with a correct checksum).
u8 byte_sum(std::span<const u8> bytes);
// Stores at `field` the checksum of bytes[start, start + length), which includes the field.
void set_checksum(std::span<u8> bytes, std::size_t field, std::size_t start, std::size_t length);

// The System Description Table header: signature, length, revision, checksum (offset 9), OEM
// ID, OEM table ID, OEM revision, creator ID and revision.
constexpr std::size_t kAcpiHeaderSize = 36;
constexpr std::size_t kAcpiChecksumOffset = 9;
// OEM and creator identification written in every glasspc table.
constexpr std::string_view kAcpiOemId = "GLASS ";         // 6 characters
constexpr std::string_view kAcpiOemTableId = "GLASSPC ";  // 8 characters
constexpr u32 kAcpiOemRevision = 1;
constexpr std::string_view kAcpiCreatorId = "GLPC";
constexpr u32 kAcpiCreatorRevision = 1;

// Starts a table: the header with length and checksum still zero.
void begin_acpi_table(TableWriter& table, std::string_view signature, u8 revision);
// Fills in the length and the checksum of a table started with begin_acpi_table.
std::vector<u8> finish_acpi_table(TableWriter& table);

// The 12-byte Generic Address Structure (ACPI 6.4 §5.2.3.2).
enum class AddressSpace : u8 { SystemMemory = 0, SystemIo = 1 };
enum class AccessSize : u8 { Undefined = 0, Byte = 1, Word = 2, DWord = 3, QWord = 4 };
void generic_address(TableWriter& table, AddressSpace space, u8 bit_width, AccessSize access,
                     u64 address);

}  // namespace glasspc::firmware

#include "firmware/acpi_table_loader.h"

#include "firmware/acpi_root_tables.h"
#include "firmware/acpi_table_writer.h"
#include "firmware/acpi_tables.h"

namespace glasspc::firmware {

namespace {

class LoaderScript {
 public:
  void allocate(std::string_view file, u32 alignment, LoaderZone zone) {
    TableWriter e = begin(LoaderCommand::Allocate);
    e.chars(file, kLoaderFileNameSize, '\0');
    e.put32(alignment);
    e.put8(static_cast<u8>(zone));
    finish(e);
  }

  void add_pointer(std::string_view destination, std::string_view source, u32 offset, u8 size) {
    TableWriter e = begin(LoaderCommand::AddPointer);
    e.chars(destination, kLoaderFileNameSize, '\0');
    e.chars(source, kLoaderFileNameSize, '\0');
    e.put32(offset);
    e.put8(size);
    finish(e);
  }

  void add_checksum(std::string_view file, u32 checksum_offset, u32 start, u32 length) {
    TableWriter e = begin(LoaderCommand::AddChecksum);
    e.chars(file, kLoaderFileNameSize, '\0');
    e.put32(checksum_offset);
    e.put32(start);
    e.put32(length);
    finish(e);
  }

  std::vector<u8> take() { return std::move(m_bytes); }

 private:
  static TableWriter begin(LoaderCommand command) {
    TableWriter e;
    e.put32(static_cast<u32>(command));
    return e;
  }
  void finish(TableWriter& entry) {
    entry.zeros(kLoaderEntrySize - entry.size());
    const std::vector<u8>& bytes = entry.bytes();
    m_bytes.insert(m_bytes.end(), bytes.begin(), bytes.end());
  }
  std::vector<u8> m_bytes;
};

}  // namespace

AcpiFwCfgFiles build_acpi_fw_cfg_files(const AcpiPlatform& platform) {
  const AcpiTableSet set = build_acpi_tables(platform, 0);
  LoaderScript script;

  // The tables go to high memory, 64-byte aligned for the FACS at their start.
  script.allocate(kAcpiTablesFile, static_cast<u32>(kAcpiTablesAlignment), LoaderZone::High);
  for (const AcpiTableEntry& entry : set.entries) {
    const std::size_t end = entry.offset + entry.length;
    // A table's pointers are relocated before its checksum is computed, as the checksum covers
    // them.
    for (const TablePointer& p : set.table_pointers) {
      if (p.offset >= entry.offset && p.offset < end)
        script.add_pointer(kAcpiTablesFile, kAcpiTablesFile, static_cast<u32>(p.offset),
                           static_cast<u8>(p.size));
    }
    if (entry.signature == "FACS") continue;  // the FACS has no checksum
    script.add_checksum(kAcpiTablesFile, static_cast<u32>(entry.offset + kAcpiChecksumOffset),
                        static_cast<u32>(entry.offset), static_cast<u32>(entry.length));
  }

  // The RSDP goes where the OS scans for it, the F segment, on a 16-byte boundary.
  script.allocate(kAcpiRsdpFile, static_cast<u32>(kRsdpAlignment), LoaderZone::FSegment);
  for (const TablePointer& p : set.rsdp_pointers)
    script.add_pointer(kAcpiRsdpFile, kAcpiTablesFile, static_cast<u32>(p.offset),
                       static_cast<u8>(p.size));
  script.add_checksum(kAcpiRsdpFile, kRsdpChecksumOffset, 0, kRsdpV1Length);
  script.add_checksum(kAcpiRsdpFile, kRsdpExtendedChecksumOffset, 0, kRsdpLength);

  return AcpiFwCfgFiles{script.take(), set.tables, set.rsdp};
}

}  // namespace glasspc::firmware

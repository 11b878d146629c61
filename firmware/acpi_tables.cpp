#include "firmware/acpi_tables.h"

#include <fmt/format.h>

#include <stdexcept>

#include "bus/memory_map.h"
#include "firmware/acpi_dsdt.h"
#include "firmware/acpi_fadt.h"
#include "firmware/acpi_hpet.h"
#include "firmware/acpi_madt.h"
#include "firmware/acpi_root_tables.h"

namespace glasspc::firmware {

namespace {

// Tables other than the FACS start on 16-byte boundaries; ACPI asks for none, but aligned
// tables are cheaper for the OS to map and easier to read in a memory dump.
constexpr std::size_t kTableAlignment = 16;
constexpr u64 k4GiB = u64{1} << 32;

class Layout {
 public:
  explicit Layout(AcpiTableSet& set) : m_set(set) {}

  u64 add(std::string_view signature, const std::vector<u8>& bytes, std::size_t alignment,
          const std::vector<TablePointer>& pointers = {}) {
    const std::size_t offset = aligned(m_set.tables.size(), alignment);
    m_set.tables.resize(offset, 0);
    m_set.tables.insert(m_set.tables.end(), bytes.begin(), bytes.end());
    m_set.entries.push_back({std::string(signature), offset, bytes.size()});
    for (const TablePointer& p : pointers)
      m_set.table_pointers.push_back({offset + p.offset, p.size});
    return m_set.base_address + offset;
  }

 private:
  static std::size_t aligned(std::size_t value, std::size_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
  }
  AcpiTableSet& m_set;
};

}  // namespace

const AcpiTableEntry* AcpiTableSet::find(std::string_view signature) const {
  for (const AcpiTableEntry& entry : entries) {
    if (entry.signature == signature) return &entry;
  }
  return nullptr;
}

u64 AcpiTableSet::address_of(std::string_view signature) const {
  const AcpiTableEntry* entry = find(signature);
  if (entry == nullptr) throw std::out_of_range(fmt::format("no {} table", signature));
  return base_address + entry->offset;
}

std::vector<u8> AcpiTableSet::table(std::string_view signature) const {
  const AcpiTableEntry* entry = find(signature);
  if (entry == nullptr) throw std::out_of_range(fmt::format("no {} table", signature));
  const auto start = tables.begin() + static_cast<std::ptrdiff_t>(entry->offset);
  return std::vector<u8>(start, start + static_cast<std::ptrdiff_t>(entry->length));
}

AcpiTableSet build_acpi_tables(const AcpiPlatform& platform, u64 base_address) {
  validate_acpi_platform(platform);
  if (base_address % kAcpiTablesAlignment != 0)
    throw std::invalid_argument(
        fmt::format("ACPI tables base {:#x} is not 64-byte aligned", base_address));

  AcpiTableSet set;
  set.base_address = base_address;
  Layout layout(set);
  const u64 facs = layout.add("FACS", build_facs(), kFacsAlignment);
  const u64 dsdt = layout.add("DSDT", build_dsdt(platform), kTableAlignment);
  const BuiltTable fadt_table = build_fadt(platform, facs, dsdt);
  std::vector<u64> listed;
  listed.push_back(layout.add("FACP", fadt_table.bytes, kTableAlignment, fadt_table.pointers));
  listed.push_back(layout.add("APIC", build_madt(platform), kTableAlignment));
  if (platform.hpet)
    listed.push_back(layout.add("HPET", build_hpet_table(platform), kTableAlignment));
  const BuiltTable rsdt_table = build_rsdt(listed);
  const u64 rsdt = layout.add("RSDT", rsdt_table.bytes, kTableAlignment, rsdt_table.pointers);
  const BuiltTable xsdt_table = build_xsdt(listed);
  const u64 xsdt = layout.add("XSDT", xsdt_table.bytes, kTableAlignment, xsdt_table.pointers);
  if (base_address + set.tables.size() > k4GiB)
    throw std::invalid_argument("ACPI tables must end below 4 GiB");

  BuiltTable rsdp = build_rsdp(rsdt, xsdt);
  set.rsdp = std::move(rsdp.bytes);
  set.rsdp_pointers = std::move(rsdp.pointers);
  return set;
}

void install_acpi_tables(MemoryMap& memory, const AcpiTableSet& tables, u64 rsdp_address) {
  if (rsdp_address % kRsdpAlignment != 0 || rsdp_address < kRsdpScanStart ||
      rsdp_address + tables.rsdp.size() > kRsdpScanEnd)
    throw std::invalid_argument(fmt::format(
        "RSDP address {:#x} is not on a 16-byte boundary in 0xE0000-0xFFFFF", rsdp_address));
  const u64 tables_end = tables.base_address + tables.tables.size();
  if (rsdp_address < tables_end && tables.base_address < rsdp_address + tables.rsdp.size())
    throw std::invalid_argument(fmt::format("RSDP at {:#x} overlaps the ACPI tables at {:#x}-{:#x}",
                                            rsdp_address, tables.base_address, tables_end - 1));

  auto write_checked = [&memory](u64 address, const std::vector<u8>& bytes, const char* what) {
    memory.write_bytes(address, bytes.data(), bytes.size());
    std::vector<u8> back(bytes.size());
    memory.read_bytes(address, back.data(), back.size());
    if (back != bytes)
      throw std::runtime_error(
          fmt::format("{} at {:#x} did not reach guest RAM (is that address RAM?)", what, address));
  };
  write_checked(tables.base_address, tables.tables, "ACPI tables");
  write_checked(rsdp_address, tables.rsdp, "ACPI RSDP");
}

}  // namespace glasspc::firmware

#include "firmware/acpi_root_tables.h"

#include <stdexcept>

namespace glasspc::firmware {

BuiltTable build_rsdp(u64 rsdt_address, u64 xsdt_address) {
  if (rsdt_address > 0xFFFFFFFF) throw std::invalid_argument("the RSDT must lie below 4 GiB");
  BuiltTable out;
  TableWriter t;
  t.chars("RSD PTR ", 8);
  t.put8(0);  // checksum of the first 20 bytes
  t.chars(kAcpiOemId, 6);
  t.put8(2);  // revision 2: the XSDT fields follow
  out.pointers.push_back({t.size(), 4});
  t.put32(static_cast<u32>(rsdt_address));
  t.put32(kRsdpLength);
  out.pointers.push_back({t.size(), 8});
  t.put64(xsdt_address);
  t.put8(0);  // extended checksum
  t.zeros(3);
  out.bytes = t.take();
  // The 20-byte checksum first: the extended checksum covers that byte too.
  set_checksum(out.bytes, kRsdpChecksumOffset, 0, kRsdpV1Length);
  set_checksum(out.bytes, kRsdpExtendedChecksumOffset, 0, kRsdpLength);
  return out;
}

BuiltTable build_rsdt(const std::vector<u64>& table_addresses) {
  BuiltTable out;
  TableWriter t;
  begin_acpi_table(t, "RSDT", 1);
  for (u64 address : table_addresses) {
    if (address > 0xFFFFFFFF) throw std::invalid_argument("RSDT entries must lie below 4 GiB");
    out.pointers.push_back({t.size(), 4});
    t.put32(static_cast<u32>(address));
  }
  out.bytes = finish_acpi_table(t);
  return out;
}

BuiltTable build_xsdt(const std::vector<u64>& table_addresses) {
  BuiltTable out;
  TableWriter t;
  begin_acpi_table(t, "XSDT", 1);
  for (u64 address : table_addresses) {
    out.pointers.push_back({t.size(), 8});
    t.put64(address);
  }
  out.bytes = finish_acpi_table(t);
  return out;
}

}  // namespace glasspc::firmware

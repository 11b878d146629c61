#include "firmware/aml_resources.h"

#include <stdexcept>

namespace glasspc::firmware::aml {

namespace {

// Descriptor type bytes (§6.4.2 small items: type << 3 | length; §6.4.3 large items: 0x80 | type).
constexpr u8 kIrqNoFlagsTag = 0x22;  // small type 0x04, 2 bytes
constexpr u8 kIoPortTag = 0x47;      // small type 0x08, 7 bytes
constexpr u8 kEndTag = 0x79;         // small type 0x0F, 1 byte
constexpr u8 kMemory32FixedTag = 0x86;
constexpr u8 kDWordAddressTag = 0x87;
constexpr u8 kWordAddressTag = 0x88;
constexpr u8 kExtendedInterruptTag = 0x89;
constexpr u8 kQWordAddressTag = 0x8A;

// Resource Type of an address space descriptor.
constexpr u8 kMemoryRange = 0;
constexpr u8 kIoRange = 1;
constexpr u8 kBusNumberRange = 2;

// General Flags of a bridge window: _MAF (bit 3) and _MIF (bit 2) fixed, positive decode
// (bit 1 clear), and bit 0 clear: the bridge produces the range for its children.
constexpr u8 kProducerFixedWindow = 0x0C;
// I/O type-specific flags: _RNG = 3, both ISA and non-ISA ranges.
constexpr u8 kIoEntireRange = 0x03;
// Memory type-specific flags: _RW in bit 0, _MEM (cacheability) in bits 2-1.
constexpr u8 kMemoryReadWrite = 0x01;

void put_le(std::vector<u8>& out, u64 value, unsigned size) {
  for (unsigned i = 0; i < size; ++i) out.push_back(static_cast<u8>(value >> (8 * i)));
}

// Granularity, minimum, maximum, translation offset and length, each `size` bytes, after the
// tag, length, resource type and flag bytes every address space descriptor starts with.
ResourceDescriptor address_space(u8 tag, unsigned size, u8 resource_type, u8 type_flags,
                                 u64 minimum, u64 maximum) {
  if (maximum < minimum) throw std::invalid_argument("address window ends before it starts");
  const u64 length = maximum - minimum + 1;
  if (size < 8 && (length >> (8 * size)) != 0)
    throw std::invalid_argument("address window length does not fit the descriptor");
  std::vector<u8> out{tag};
  put_le(out, 3 + 5 * size, 2);
  out.push_back(resource_type);
  out.push_back(kProducerFixedWindow);
  out.push_back(type_flags);
  put_le(out, 0, size);  // granularity: no alignment constraint
  put_le(out, minimum, size);
  put_le(out, maximum, size);
  put_le(out, 0, size);  // translation offset: CPU and bus addresses are the same
  put_le(out, length, size);
  return ResourceDescriptor(std::move(out));
}

u8 memory_flags(Cacheability cacheability) {
  return static_cast<u8>(kMemoryReadWrite | (static_cast<u8>(cacheability) << 1));
}

}  // namespace

Aml resource_template(const std::vector<ResourceDescriptor>& descriptors, EndTagChecksum checksum) {
  std::vector<u8> bytes;
  for (const ResourceDescriptor& d : descriptors)
    bytes.insert(bytes.end(), d.bytes().begin(), d.bytes().end());
  bytes.push_back(kEndTag);
  u8 sum = 0;
  for (u8 b : bytes) sum = static_cast<u8>(sum + b);
  bytes.push_back(checksum == EndTagChecksum::Computed ? static_cast<u8>(-sum) : 0);
  return buffer(bytes);
}

ResourceDescriptor io(u16 minimum, u16 maximum, u8 alignment, u8 length) {
  std::vector<u8> out{kIoPortTag, 0x01};  // information bit 0: decodes 16 address bits
  put_le(out, minimum, 2);
  put_le(out, maximum, 2);
  out.push_back(alignment);
  out.push_back(length);
  return ResourceDescriptor(std::move(out));
}

ResourceDescriptor irq_no_flags(std::initializer_list<u8> irqs) {
  u16 mask = 0;
  for (u8 irq : irqs) {
    if (irq > 15) throw std::invalid_argument("IRQ descriptors hold ISA IRQs 0-15");
    mask = static_cast<u16>(mask | (1u << irq));
  }
  std::vector<u8> out{kIrqNoFlagsTag};
  put_le(out, mask, 2);
  return ResourceDescriptor(std::move(out));
}

ResourceDescriptor interrupt(ResourceUsage usage, Trigger trigger, Polarity polarity,
                             Sharing sharing, const std::vector<u32>& interrupts) {
  if (interrupts.empty() || interrupts.size() > 255)
    throw std::invalid_argument("an interrupt descriptor lists 1 to 255 interrupts");
  std::vector<u8> out{kExtendedInterruptTag};
  put_le(out, 2 + 4 * interrupts.size(), 2);
  // Interrupt Vector Flags: consumer bit 0, edge bit 1, active low bit 2, shared bit 3.
  out.push_back(static_cast<u8>(static_cast<u8>(usage) | (static_cast<u8>(trigger) << 1) |
                                (static_cast<u8>(polarity) << 2) |
                                (static_cast<u8>(sharing) << 3)));
  out.push_back(static_cast<u8>(interrupts.size()));
  for (u32 gsi : interrupts) put_le(out, gsi, 4);
  return ResourceDescriptor(std::move(out));
}

ResourceDescriptor memory32_fixed(Writable writable, u32 base, u32 length) {
  std::vector<u8> out{kMemory32FixedTag};
  put_le(out, 9, 2);
  out.push_back(static_cast<u8>(writable));
  put_le(out, base, 4);
  put_le(out, length, 4);
  return ResourceDescriptor(std::move(out));
}

ResourceDescriptor word_bus_number(u16 minimum, u16 maximum) {
  return address_space(kWordAddressTag, 2, kBusNumberRange, 0, minimum, maximum);
}

ResourceDescriptor word_io(u16 minimum, u16 maximum) {
  return address_space(kWordAddressTag, 2, kIoRange, kIoEntireRange, minimum, maximum);
}

ResourceDescriptor dword_memory(Cacheability cacheability, u32 minimum, u32 maximum) {
  return address_space(kDWordAddressTag, 4, kMemoryRange, memory_flags(cacheability), minimum,
                       maximum);
}

ResourceDescriptor qword_memory(Cacheability cacheability, u64 minimum, u64 maximum) {
  if (maximum == ~u64{0} && minimum == 0)
    throw std::invalid_argument("a QWord window cannot span all 2^64 addresses");
  return address_space(kQWordAddressTag, 8, kMemoryRange, memory_flags(cacheability), minimum,
                       maximum);
}

}  // namespace glasspc::firmware::aml

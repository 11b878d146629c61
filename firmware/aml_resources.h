// Resource descriptors for _CRS/_PRS buffers, and ASL's ResourceTemplate() that wraps them.
//
// Byte layouts follow ACPI 6.4 §6.4 "Resource Data Types for ACPI": small descriptors (§6.4.2)
// start with one byte holding the type and the length, large descriptors (§6.4.3) with a type
// byte and a 16-bit length of what follows.
#pragma once

#include <initializer_list>
#include <vector>

#include "bus/types.h"
#include "firmware/aml_builder.h"

namespace glasspc::firmware {

// The bytes of one resource descriptor.
class ResourceDescriptor {
 public:
  explicit ResourceDescriptor(std::vector<u8> bytes) : m_bytes(std::move(bytes)) {}
  const std::vector<u8>& bytes() const { return m_bytes; }

 private:
  std::vector<u8> m_bytes;
};

namespace aml {

// The End Tag's checksum byte (§6.4.2.9): computed so that the whole template sums to zero, or
// zero, which means "treat the checksum as valid" and is what a template needs when AML patches
// it at run time (a computed checksum would go stale).
enum class EndTagChecksum : u8 { Computed, Zero };

// A Buffer holding `descriptors` followed by the End Tag.
Aml resource_template(const std::vector<ResourceDescriptor>& descriptors,
                      EndTagChecksum checksum = EndTagChecksum::Computed);

// I/O Port Descriptor (§6.4.2.5), always 16-bit decode, as ASL's IO(Decode16, ...).
ResourceDescriptor io(u16 minimum, u16 maximum, u8 alignment, u8 length);

// IRQ Descriptor without the information byte (§6.4.2.1): edge triggered, active high, exclusive,
// the ISA default. `irqs` are 0-15.
ResourceDescriptor irq_no_flags(std::initializer_list<u8> irqs);

enum class ResourceUsage : u8 { Producer = 0, Consumer = 1 };
enum class Trigger : u8 { Level = 0, Edge = 1 };
enum class Polarity : u8 { ActiveHigh = 0, ActiveLow = 1 };
enum class Sharing : u8 { Exclusive = 0, Shared = 1 };

// Extended Interrupt Descriptor (§6.4.3.6), ASL's Interrupt(): interrupt numbers are GSIs.
ResourceDescriptor interrupt(ResourceUsage usage, Trigger trigger, Polarity polarity,
                             Sharing sharing, const std::vector<u32>& interrupts);

// Fixed Memory Range Descriptor (§6.4.3.4), ASL's Memory32Fixed().
enum class Writable : u8 { ReadOnly = 0, ReadWrite = 1 };
ResourceDescriptor memory32_fixed(Writable writable, u32 base, u32 length);

// Address space descriptors (§6.4.3.5) for windows a bridge forwards: ResourceProducer,
// positive decode, minimum and maximum fixed, granularity 0, no translation. The length is
// maximum - minimum + 1.
enum class Cacheability : u8 {
  NonCacheable = 0,
  Cacheable = 1,
  WriteCombining = 2,
  Prefetchable = 3
};

ResourceDescriptor word_bus_number(u16 minimum, u16 maximum);  // §6.4.3.5.3
ResourceDescriptor word_io(u16 minimum, u16 maximum);          // §6.4.3.5.3, entire range
ResourceDescriptor dword_memory(Cacheability cacheability, u32 minimum, u32 maximum);  // §6.4.3.5.2
ResourceDescriptor qword_memory(Cacheability cacheability, u64 minimum, u64 maximum);  // §6.4.3.5.1

}  // namespace aml

}  // namespace glasspc::firmware

// A small typed builder for ACPI Machine Language (AML) byte code, the language of the DSDT.
//
// Each function returns one encoded AML term (an `Aml`); terms nest by value, so a device is
// written the way its ASL reads:
//
//   aml::device("COM1", {aml::name("_HID", aml::eisa_id("PNP0501")), ...})
//
// The encodings follow the AML grammar of ACPI 6.4, chapter 20 ("ACPI Machine Language
// Specification"): names in §20.2.2, data objects in §20.2.3, package lengths in §20.2.4, and the
// named, statement and expression opcodes in §20.2.5. Invalid input (a bad name, a length AML
// cannot encode) throws std::invalid_argument: the tables are built from code, so such input is
// a programming error caught by the tests, never something a guest can cause.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bus/types.h"

namespace glasspc::firmware {

// One encoded AML term, or several concatenated (a TermList).
class Aml {
 public:
  Aml() = default;
  explicit Aml(std::vector<u8> bytes) : m_bytes(std::move(bytes)) {}

  const std::vector<u8>& bytes() const { return m_bytes; }
  std::size_t size() const { return m_bytes.size(); }
  bool empty() const { return m_bytes.empty(); }

  // Appends another term after this one.
  Aml& operator+=(const Aml& other);

 private:
  std::vector<u8> m_bytes;
};

using AmlList = std::vector<Aml>;

namespace aml {

// --- encodings shared by several terms (§20.2.4, §20.2.2) ---------------------------------------

// The PkgLength in front of a body of `body_length` bytes. Its value counts its own bytes too:
// one byte up to a total of 63, then 2, 3 or 4 bytes (bits 7-6 of the lead byte give the count
// of follow bytes, bits 3-0 the low nibble, each follow byte the next 8 bits) up to 2^28 - 1.
std::vector<u8> pkg_length(std::size_t body_length);
// A field element's length in bits: the same encoding, but holding `bits` itself.
std::vector<u8> field_length(u32 bits);

// A NameSeg: 4 characters, a lead of 'A'-'Z' or '_', then 'A'-'Z', '0'-'9' or '_'. Shorter
// names are padded with '_' as ASL does ("RTC" is "RTC_").
std::array<u8, 4> name_seg(std::string_view seg);
// A NameString from an ASL path: an optional root prefix '\' or parent prefixes '^', then
// NameSegs separated by '.'. One segment is written bare, two with DualNamePrefix, more with
// MultiNamePrefix and a count, none (for "\" or "") as NullName.
Aml name_string(std::string_view path);

// --- data objects (§20.2.3) ---------------------------------------------------------------------

// The shortest encoding of `value`: ZeroOp, OneOp, or BytePrefix/WordPrefix/DWordPrefix/
// QWordPrefix with the little-endian value.
Aml integer(u64 value);
// Fixed-width forms, for values a method may patch or compare by width.
Aml byte_const(u8 value);
Aml word_const(u16 value);
Aml dword_const(u32 value);
Aml qword_const(u64 value);
Aml zero();
Aml one();
Aml ones();  // OnesOp: all ones in the table's integer width
// A StringPrefix, the ASCII characters (0x01-0x7F) and the terminating NUL.
Aml string(std::string_view text);
// BufferOp PkgLength BufferSize ByteList.
Aml buffer(std::span<const u8> bytes);
// PackageOp PkgLength NumElements PackageElementList (up to 255 elements).
Aml package(const AmlList& elements);

// The 32-bit compressed EISA ID of a PNP identifier such as "PNP0A03": three letters of 5 bits
// (letter - 0x40) and four hex digits, stored big-endian ("PNP0A03" is 0x41D00A03, bytes
// 41 D0 0A 03). As ASL's EisaId(), the value is written as a DWord constant.
u32 eisa_id_value(std::string_view id);
Aml eisa_id(std::string_view id);

// --- arguments, locals and references -----------------------------------------------------------

Aml arg(unsigned index);    // Arg0Op-Arg6Op
Aml local(unsigned index);  // Local0Op-Local7Op
// A method invocation: the method's NameString followed by its arguments.
Aml call(std::string_view method, const AmlList& args = {});

// --- namespace modifiers and named objects (§20.2.5.1, §20.2.5.2) -------------------------------

Aml scope(std::string_view path, const AmlList& terms);
Aml name(std::string_view path, const Aml& value);
Aml device(std::string_view path, const AmlList& terms);

enum class MethodSerialize : u8 { NotSerialized = 0, Serialized = 1 };
// MethodOp with MethodFlags: argument count (0-7) in bits 2-0, SerializeFlag in bit 3,
// SyncLevel 0.
Aml method(std::string_view path, unsigned arg_count, MethodSerialize serialize,
           const AmlList& terms);

// The legacy processor declaration (ProcessorOp): ProcID, the P_BLK address and length.
Aml processor(std::string_view path, u8 processor_id, u32 pblk_address, u8 pblk_length,
              const AmlList& terms = {});

enum class RegionSpace : u8 { SystemMemory = 0x00, SystemIO = 0x01, PciConfig = 0x02 };
Aml operation_region(std::string_view path, RegionSpace space, const Aml& offset,
                     const Aml& length);

enum class FieldAccess : u8 { Any = 0, Byte = 1, Word = 2, DWord = 3, QWord = 4, Buffer = 5 };
enum class FieldLock : u8 { NoLock = 0, Lock = 1 };
enum class FieldUpdate : u8 { Preserve = 0, WriteAsOnes = 1, WriteAsZeros = 2 };

// One entry of a Field list: a named unit of `bits` bits, or ASL's Offset(), a jump forward to
// a byte offset in the region (encoded as a ReservedField of the bits skipped).
class FieldUnit {
 public:
  static FieldUnit named(std::string_view name, u32 bits) { return FieldUnit(name, bits, 0); }
  static FieldUnit offset(u32 byte_offset) { return FieldUnit({}, 0, byte_offset); }

  const std::string& name() const { return m_name; }
  u32 bits() const { return m_bits; }
  u32 byte_offset() const { return m_byte_offset; }
  bool is_offset() const { return m_name.empty(); }

 private:
  FieldUnit(std::string_view name, u32 bits, u32 byte_offset)
      : m_name(name), m_bits(bits), m_byte_offset(byte_offset) {}
  std::string m_name;
  u32 m_bits;
  u32 m_byte_offset;
};

Aml field(std::string_view region, FieldAccess access, FieldLock lock, FieldUpdate update,
          const std::vector<FieldUnit>& units);

// CreateDWordField(buffer, byte_index, name).
Aml create_dword_field(const Aml& buffer, const Aml& byte_index, std::string_view name);

// --- statements (§20.2.5.3) ---------------------------------------------------------------------

Aml return_value(const Aml& value);
Aml if_then(const Aml& predicate, const AmlList& terms);
// ElseOp; placed right after the if_then it belongs to.
Aml else_then(const AmlList& terms);

// --- expressions (§20.2.5.4) --------------------------------------------------------------------

Aml store(const Aml& source, const Aml& destination);
// Binary operators with an optional Target (omitted: NullName, the result is only returned).
Aml bit_and(const Aml& left, const Aml& right, const Aml& target = {});
Aml bit_or(const Aml& left, const Aml& right, const Aml& target = {});
Aml shift_left(const Aml& value, const Aml& count, const Aml& target = {});
Aml shift_right(const Aml& value, const Aml& count, const Aml& target = {});
Aml add(const Aml& left, const Aml& right, const Aml& target = {});
Aml logical_and(const Aml& left, const Aml& right);
Aml logical_or(const Aml& left, const Aml& right);
Aml logical_not(const Aml& value);
Aml logical_equal(const Aml& left, const Aml& right);
Aml logical_greater(const Aml& left, const Aml& right);
Aml logical_less(const Aml& left, const Aml& right);

}  // namespace aml

}  // namespace glasspc::firmware

#include "firmware/aml_builder.h"

#include <fmt/format.h>

#include <stdexcept>

namespace glasspc::firmware {

namespace {

// Opcodes of the AML grammar (ACPI 6.4 §20.2), named as the specification names them.
enum Opcode : u8 {
  kZeroOp = 0x00,
  kOneOp = 0x01,
  kNameOp = 0x08,
  kBytePrefix = 0x0A,
  kWordPrefix = 0x0B,
  kDWordPrefix = 0x0C,
  kStringPrefix = 0x0D,
  kQWordPrefix = 0x0E,
  kScopeOp = 0x10,
  kBufferOp = 0x11,
  kPackageOp = 0x12,
  kMethodOp = 0x14,
  kDualNamePrefix = 0x2E,
  kMultiNamePrefix = 0x2F,
  kExtOpPrefix = 0x5B,
  kRootChar = 0x5C,
  kParentPrefixChar = 0x5E,
  kLocal0Op = 0x60,
  kArg0Op = 0x68,
  kStoreOp = 0x70,
  kAddOp = 0x72,
  kShiftLeftOp = 0x79,
  kShiftRightOp = 0x7A,
  kAndOp = 0x7B,
  kOrOp = 0x7D,
  kCreateDWordFieldOp = 0x8A,
  kLandOp = 0x90,
  kLorOp = 0x91,
  kLnotOp = 0x92,
  kLEqualOp = 0x93,
  kLGreaterOp = 0x94,
  kLLessOp = 0x95,
  kIfOp = 0xA0,
  kElseOp = 0xA1,
  kReturnOp = 0xA4,
  kOnesOp = 0xFF,
};

// Second bytes after ExtOpPrefix.
enum ExtOpcode : u8 {
  kOpRegionOp = 0x80,
  kFieldOp = 0x81,
  kDeviceOp = 0x82,
  kProcessorOp = 0x83,
};

constexpr u8 kNullName = 0x00;
constexpr u8 kReservedFieldPrefix = 0x00;

// PkgLength is at most 4 bytes: 4 bits in the lead byte and 8 in each of 3 follow bytes.
constexpr std::size_t kMaxPkgLength = (std::size_t{1} << 28) - 1;

void append(std::vector<u8>& out, const Aml& term) {
  out.insert(out.end(), term.bytes().begin(), term.bytes().end());
}

void append(std::vector<u8>& out, const std::vector<u8>& bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void append_le(std::vector<u8>& out, u64 value, unsigned size) {
  for (unsigned i = 0; i < size; ++i) out.push_back(static_cast<u8>(value >> (8 * i)));
}

// Encodes `value` (already including the encoding's own bytes when that matters) in `count`
// bytes of the PkgLength format.
std::vector<u8> encode_length(std::size_t value, unsigned count) {
  if (count == 1) return {static_cast<u8>(value)};
  std::vector<u8> out;
  out.push_back(static_cast<u8>(((count - 1) << 6) | (value & 0x0F)));
  for (unsigned i = 1; i < count; ++i) out.push_back(static_cast<u8>(value >> (4 + 8 * (i - 1))));
  return out;
}

// Opcode(s), PkgLength, then `body`: the shape of every term that has a length.
Aml with_pkg_length(std::vector<u8> opcode, const std::vector<u8>& body) {
  append(opcode, aml::pkg_length(body.size()));
  append(opcode, body);
  return Aml(std::move(opcode));
}

std::vector<u8> term_list(const AmlList& terms) {
  std::vector<u8> out;
  for (const Aml& term : terms) append(out, term);
  return out;
}

Aml binary(u8 opcode, const Aml& left, const Aml& right, const Aml& target) {
  std::vector<u8> out{opcode};
  append(out, left);
  append(out, right);
  if (target.empty())
    out.push_back(kNullName);
  else
    append(out, target);
  return Aml(std::move(out));
}

Aml logical(u8 opcode, const Aml& left, const Aml& right) {
  std::vector<u8> out{opcode};
  append(out, left);
  append(out, right);
  return Aml(std::move(out));
}

bool is_lead_char(char c) {
  return (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_lead_char(c) || (c >= '0' && c <= '9');
}

}  // namespace

Aml& Aml::operator+=(const Aml& other) {
  append(m_bytes, other);
  return *this;
}

namespace aml {

std::vector<u8> pkg_length(std::size_t body_length) {
  // The length counts itself, so the byte count is the smallest that fits body + itself.
  for (unsigned count = 1; count <= 4; ++count) {
    const std::size_t total = body_length + count;
    const std::size_t limit = count == 1 ? 0x3F : (std::size_t{1} << (4 + 8 * (count - 1))) - 1;
    if (total <= limit) return encode_length(total, count);
  }
  throw std::invalid_argument(
      fmt::format("AML package of {} bytes exceeds the PkgLength limit of {} bytes", body_length,
                  kMaxPkgLength));
}

std::vector<u8> field_length(u32 bits) {
  if (bits <= 0x3F) return encode_length(bits, 1);
  if (bits <= 0xFFF) return encode_length(bits, 2);
  if (bits <= 0xFFFFF) return encode_length(bits, 3);
  if (bits <= kMaxPkgLength) return encode_length(bits, 4);
  throw std::invalid_argument(fmt::format("AML field of {} bits is too long", bits));
}

std::array<u8, 4> name_seg(std::string_view seg) {
  if (seg.empty() || seg.size() > 4 || !is_lead_char(seg[0]))
    throw std::invalid_argument(fmt::format("invalid AML name segment '{}'", seg));
  std::array<u8, 4> out{'_', '_', '_', '_'};
  for (std::size_t i = 0; i < seg.size(); ++i) {
    if (!is_name_char(seg[i]))
      throw std::invalid_argument(fmt::format("invalid AML name segment '{}'", seg));
    out[i] = static_cast<u8>(seg[i]);
  }
  return out;
}

Aml name_string(std::string_view path) {
  std::vector<u8> out;
  std::size_t pos = 0;
  if (pos < path.size() && path[pos] == '\\') {
    out.push_back(kRootChar);
    ++pos;
  } else {
    while (pos < path.size() && path[pos] == '^') {
      out.push_back(kParentPrefixChar);
      ++pos;
    }
  }
  std::vector<std::array<u8, 4>> segs;
  std::string_view rest = path.substr(pos);
  while (!rest.empty()) {
    const std::size_t dot = rest.find('.');
    segs.push_back(name_seg(rest.substr(0, dot)));
    if (dot == std::string_view::npos) break;
    rest = rest.substr(dot + 1);
    if (rest.empty()) throw std::invalid_argument(fmt::format("invalid AML path '{}'", path));
  }
  if (segs.empty()) {
    // "\" alone names the root; a parent prefix must be followed by a name.
    if (!out.empty() && out.back() == kParentPrefixChar)
      throw std::invalid_argument(fmt::format("invalid AML path '{}'", path));
    out.push_back(kNullName);
  } else if (segs.size() == 2) {
    out.push_back(kDualNamePrefix);
  } else if (segs.size() > 2) {
    if (segs.size() > 255) throw std::invalid_argument("AML path has too many segments");
    out.push_back(kMultiNamePrefix);
    out.push_back(static_cast<u8>(segs.size()));
  }
  for (const auto& seg : segs) out.insert(out.end(), seg.begin(), seg.end());
  return Aml(std::move(out));
}

Aml integer(u64 value) {
  if (value == 0) return zero();
  if (value == 1) return one();
  if (value <= 0xFF) return byte_const(static_cast<u8>(value));
  if (value <= 0xFFFF) return word_const(static_cast<u16>(value));
  if (value <= 0xFFFFFFFF) return dword_const(static_cast<u32>(value));
  return qword_const(value);
}

Aml byte_const(u8 value) {
  return Aml({kBytePrefix, value});
}

Aml word_const(u16 value) {
  std::vector<u8> out{kWordPrefix};
  append_le(out, value, 2);
  return Aml(std::move(out));
}

Aml dword_const(u32 value) {
  std::vector<u8> out{kDWordPrefix};
  append_le(out, value, 4);
  return Aml(std::move(out));
}

Aml qword_const(u64 value) {
  std::vector<u8> out{kQWordPrefix};
  append_le(out, value, 8);
  return Aml(std::move(out));
}

Aml zero() {
  return Aml({kZeroOp});
}
Aml one() {
  return Aml({kOneOp});
}
Aml ones() {
  return Aml({kOnesOp});
}

Aml string(std::string_view text) {
  std::vector<u8> out{kStringPrefix};
  for (char c : text) {
    const auto byte = static_cast<u8>(c);
    if (byte == 0 || byte > 0x7F)
      throw std::invalid_argument("AML strings hold ASCII characters 0x01-0x7F only");
    out.push_back(byte);
  }
  out.push_back(0);
  return Aml(std::move(out));
}

Aml buffer(std::span<const u8> bytes) {
  std::vector<u8> body;
  append(body, integer(bytes.size()));
  body.insert(body.end(), bytes.begin(), bytes.end());
  return with_pkg_length({kBufferOp}, body);
}

Aml package(const AmlList& elements) {
  if (elements.size() > 255)
    throw std::invalid_argument("AML Package holds at most 255 elements (use VarPackage)");
  std::vector<u8> body{static_cast<u8>(elements.size())};
  append(body, term_list(elements));
  return with_pkg_length({kPackageOp}, body);
}

u32 eisa_id_value(std::string_view id) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  bool valid = id.size() == 7;
  for (std::size_t i = 0; valid && i < 3; ++i) valid = id[i] >= 'A' && id[i] <= 'Z';
  for (std::size_t i = 3; valid && i < 7; ++i) valid = hex(id[i]) >= 0;
  if (!valid) throw std::invalid_argument(fmt::format("invalid EISA ID '{}'", id));
  u32 value = 0;
  for (std::size_t i = 0; i < 3; ++i) value = (value << 5) | static_cast<u32>(id[i] - 0x40);
  for (std::size_t i = 3; i < 7; ++i) value = (value << 4) | static_cast<u32>(hex(id[i]));
  return value;  // 7 bits of zero on top: bit 31 is reserved
}

Aml eisa_id(std::string_view id) {
  // The compressed ID is stored most significant byte first, so the DWord holds it swapped.
  const u32 value = eisa_id_value(id);
  const u32 swapped =
      ((value & 0xFF) << 24) | ((value & 0xFF00) << 8) | ((value >> 8) & 0xFF00) | (value >> 24);
  return dword_const(swapped);
}

Aml arg(unsigned index) {
  if (index > 6) throw std::invalid_argument("AML has Arg0 to Arg6 only");
  return Aml({static_cast<u8>(kArg0Op + index)});
}

Aml local(unsigned index) {
  if (index > 7) throw std::invalid_argument("AML has Local0 to Local7 only");
  return Aml({static_cast<u8>(kLocal0Op + index)});
}

Aml call(std::string_view method, const AmlList& args) {
  if (args.size() > 7) throw std::invalid_argument("AML methods take at most 7 arguments");
  Aml out = name_string(method);
  for (const Aml& a : args) out += a;
  return out;
}

Aml scope(std::string_view path, const AmlList& terms) {
  std::vector<u8> body = name_string(path).bytes();
  append(body, term_list(terms));
  return with_pkg_length({kScopeOp}, body);
}

Aml name(std::string_view path, const Aml& value) {
  std::vector<u8> out{kNameOp};
  append(out, name_string(path));
  append(out, value);
  return Aml(std::move(out));
}

Aml device(std::string_view path, const AmlList& terms) {
  std::vector<u8> body = name_string(path).bytes();
  append(body, term_list(terms));
  return with_pkg_length({kExtOpPrefix, kDeviceOp}, body);
}

Aml method(std::string_view path, unsigned arg_count, MethodSerialize serialize,
           const AmlList& terms) {
  if (arg_count > 7) throw std::invalid_argument("AML methods take at most 7 arguments");
  std::vector<u8> body = name_string(path).bytes();
  body.push_back(static_cast<u8>(arg_count | (static_cast<u8>(serialize) << 3)));
  append(body, term_list(terms));
  return with_pkg_length({kMethodOp}, body);
}

Aml processor(std::string_view path, u8 processor_id, u32 pblk_address, u8 pblk_length,
              const AmlList& terms) {
  std::vector<u8> body = name_string(path).bytes();
  body.push_back(processor_id);
  append_le(body, pblk_address, 4);
  body.push_back(pblk_length);
  append(body, term_list(terms));
  return with_pkg_length({kExtOpPrefix, kProcessorOp}, body);
}

Aml operation_region(std::string_view path, RegionSpace space, const Aml& offset,
                     const Aml& length) {
  std::vector<u8> out{kExtOpPrefix, kOpRegionOp};
  append(out, name_string(path));
  out.push_back(static_cast<u8>(space));
  append(out, offset);
  append(out, length);
  return Aml(std::move(out));
}

Aml field(std::string_view region, FieldAccess access, FieldLock lock, FieldUpdate update,
          const std::vector<FieldUnit>& units) {
  std::vector<u8> body = name_string(region).bytes();
  // FieldFlags: AccessType in bits 3-0, LockRule in bit 4, UpdateRule in bits 6-5.
  body.push_back(static_cast<u8>(static_cast<u8>(access) | (static_cast<u8>(lock) << 4) |
                                 (static_cast<u8>(update) << 5)));
  u64 position = 0;  // bits from the start of the region
  for (const FieldUnit& unit : units) {
    if (unit.is_offset()) {
      const u64 target = u64{unit.byte_offset()} * 8;
      if (target < position)
        throw std::invalid_argument(fmt::format(
            "AML field Offset(0x{:X}) lies before the current position", unit.byte_offset()));
      if (target > position) {
        body.push_back(kReservedFieldPrefix);
        append(body, field_length(static_cast<u32>(target - position)));
        position = target;
      }
      continue;
    }
    if (unit.bits() == 0) throw std::invalid_argument("AML field unit of zero bits");
    const auto seg = name_seg(unit.name());
    body.insert(body.end(), seg.begin(), seg.end());
    append(body, field_length(unit.bits()));
    position += unit.bits();
  }
  return with_pkg_length({kExtOpPrefix, kFieldOp}, body);
}

Aml create_dword_field(const Aml& buffer, const Aml& byte_index, std::string_view name) {
  std::vector<u8> out{kCreateDWordFieldOp};
  append(out, buffer);
  append(out, byte_index);
  append(out, name_string(name));
  return Aml(std::move(out));
}

Aml return_value(const Aml& value) {
  std::vector<u8> out{kReturnOp};
  append(out, value);
  return Aml(std::move(out));
}

Aml if_then(const Aml& predicate, const AmlList& terms) {
  std::vector<u8> body = predicate.bytes();
  append(body, term_list(terms));
  return with_pkg_length({kIfOp}, body);
}

Aml else_then(const AmlList& terms) {
  return with_pkg_length({kElseOp}, term_list(terms));
}

Aml store(const Aml& source, const Aml& destination) {
  std::vector<u8> out{kStoreOp};
  append(out, source);
  append(out, destination);
  return Aml(std::move(out));
}

Aml bit_and(const Aml& left, const Aml& right, const Aml& target) {
  return binary(kAndOp, left, right, target);
}
Aml bit_or(const Aml& left, const Aml& right, const Aml& target) {
  return binary(kOrOp, left, right, target);
}
Aml shift_left(const Aml& value, const Aml& count, const Aml& target) {
  return binary(kShiftLeftOp, value, count, target);
}
Aml shift_right(const Aml& value, const Aml& count, const Aml& target) {
  return binary(kShiftRightOp, value, count, target);
}
Aml add(const Aml& left, const Aml& right, const Aml& target) {
  return binary(kAddOp, left, right, target);
}

Aml logical_and(const Aml& left, const Aml& right) {
  return logical(kLandOp, left, right);
}
Aml logical_or(const Aml& left, const Aml& right) {
  return logical(kLorOp, left, right);
}
Aml logical_not(const Aml& value) {
  std::vector<u8> out{kLnotOp};
  append(out, value);
  return Aml(std::move(out));
}
Aml logical_equal(const Aml& left, const Aml& right) {
  return logical(kLEqualOp, left, right);
}
Aml logical_greater(const Aml& left, const Aml& right) {
  return logical(kLGreaterOp, left, right);
}
Aml logical_less(const Aml& left, const Aml& right) {
  return logical(kLLessOp, left, right);
}

}  // namespace aml

}  // namespace glasspc::firmware

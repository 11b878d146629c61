#include "bus/register_bank.h"

#include <fmt/format.h>

#include <stdexcept>

#include "bus/archive.h"

namespace glasspc {

namespace {

// The register holding byte `at` of an access, which may run past the end of the bank.
int index_at(const RegisterBank& bank, u64 at) {
  return at <= 0xffff'ffffu ? bank.find(static_cast<u32>(at)) : -1;
}

}  // namespace

RegisterBank::RegisterBank(std::string device, Trace& trace, u32 span)
    : m_device(std::move(device)), m_trace(trace), m_span(span), m_index_of_offset(span, -1) {}

u32 RegisterBank::add(RegisterSpec spec) {
  const auto fail = [&](std::string_view why) {
    throw std::logic_error(fmt::format("{}: register '{}' at offset {:#x}: {}", m_device, spec.name,
                                       spec.offset, why));
  };
  if (spec.name.empty()) fail("has no name");
  if (spec.width != 1 && spec.width != 2 && spec.width != 4 && spec.width != 8)
    fail(fmt::format("width {} is not 1, 2, 4 or 8", spec.width));
  if (spec.offset % spec.width != 0) fail("is not aligned to its width");
  if (u64{spec.offset} + spec.width > m_span)
    fail(fmt::format("lies outside the bank of {:#x} bytes", m_span));
  for (u32 b = 0; b < spec.width; ++b) {
    const i32 other = m_index_of_offset[spec.offset + b];
    if (other >= 0) fail(fmt::format("overlaps register '{}'", m_registers[other].spec.name));
  }
  for (const Register& reg : m_registers)
    if (reg.spec.name == spec.name) fail("has the name of another register");

  const u32 index = static_cast<u32>(m_registers.size());
  for (u32 b = 0; b < spec.width; ++b) m_index_of_offset[spec.offset + b] = static_cast<i32>(index);
  Register reg;
  reg.value = spec.reset_value & size_mask(spec.width);
  reg.spec = std::move(spec);
  m_registers.push_back(std::move(reg));
  return index;
}

int RegisterBank::find(u32 offset) const {
  return offset < m_span ? m_index_of_offset[offset] : -1;
}

u64 RegisterBank::read_register(Register& reg) {
  const u64 mask = size_mask(reg.spec.width);
  return (reg.spec.read ? reg.spec.read() : reg.value) & mask;
}

// Only the bits that are both written by this access (byte enables) and writable change.
void RegisterBank::write_register(Register& reg, u64 value, u64 byte_enable_mask) {
  const u64 change = byte_enable_mask & reg.spec.writable_mask & size_mask(reg.spec.width);
  const u64 old_value = reg.value;
  reg.value = (old_value & ~change) | (value & change);
  if (reg.spec.write) reg.spec.write(reg.value, old_value);
}

// An access of any size is cut into the pieces that fall into one register each (or into a run of
// bytes that decode to nothing); every register is read or written once, with byte enables, as a
// bus bridge presents a wide access to narrower registers.
u64 RegisterBank::read(u32 offset, unsigned size) {
  if (size == 0) return 0;
  if (size > 8) size = 8;
  u64 result = 0;
  unsigned b = 0;
  while (b < size) {
    const u64 at = u64{offset} + b;
    const int index = index_at(*this, at);
    if (index < 0) {
      // A run of undecoded bytes reads as the corresponding bytes of the floating value.
      unsigned run = 0;
      while (b + run < size && index_at(*this, u64{offset} + b + run) < 0) ++run;
      const u64 mask = size_mask(run) << (8 * b);
      const u64 bytes = m_undefined_value & mask;
      result |= bytes;
      ++m_undefined_accesses;
      trace_access("read", static_cast<u32>(at), nullptr, bytes >> (8 * b), run);
      b += run;
      continue;
    }
    Register& reg = m_registers[index];
    const u32 first = static_cast<u32>(at - reg.spec.offset);  // byte within the register
    const unsigned count = std::min<unsigned>(reg.spec.width - first, size - b);
    const u64 bytes = (read_register(reg) >> (8 * first)) & size_mask(count);
    result |= bytes << (8 * b);
    trace_access("read", static_cast<u32>(at), &reg, bytes, count);
    b += count;
  }
  return result;
}

void RegisterBank::write(u32 offset, u64 value, unsigned size) {
  if (size == 0) return;
  if (size > 8) size = 8;
  value &= size_mask(size);
  unsigned b = 0;
  while (b < size) {
    const u64 at = u64{offset} + b;
    const int index = index_at(*this, at);
    if (index < 0) {
      unsigned run = 0;
      while (b + run < size && index_at(*this, u64{offset} + b + run) < 0) ++run;
      ++m_undefined_accesses;
      trace_access("write, dropped", static_cast<u32>(at), nullptr,
                   (value >> (8 * b)) & size_mask(run), run);
      b += run;
      continue;
    }
    Register& reg = m_registers[index];
    const u32 first = static_cast<u32>(at - reg.spec.offset);
    const unsigned count = std::min<unsigned>(reg.spec.width - first, size - b);
    const u64 bytes = (value >> (8 * b)) & size_mask(count);
    trace_access("write", static_cast<u32>(at), &reg, bytes, count);
    write_register(reg, bytes << (8 * first), size_mask(count) << (8 * first));
    b += count;
  }
}

// "[icount=.. t=..] reg   com1 LCR port=0x3fb value=0x3 size=0x1 (write)"
void RegisterBank::trace_access(const char* what, u32 offset, const Register* reg, u64 value,
                                unsigned size) {
  if (!m_trace.on(TraceCategory::Reg)) return;
  const char* address_key = m_category == TraceCategory::Port ? "port" : "addr";
  m_trace.emit(TraceCategory::Reg, m_device, reg ? std::string_view(reg->spec.name) : "undefined",
               {{address_key, m_trace_base + offset}, {"value", value}, {"size", size}}, what);
}

void RegisterBank::reset() {
  for (Register& reg : m_registers) reg.value = reg.spec.reset_value & size_mask(reg.spec.width);
}

void RegisterBank::serialize(Archive& archive) {
  for (Register& reg : m_registers) {
    u64 value = reg.value;
    archive.field(reg.spec.name, value);
    reg.value = value & size_mask(reg.spec.width);
  }
}

PortClaimId claim_byte_register(PortSpace& ports, u16 port, RegisterBank& bank,
                                const std::string& name) {
  return ports.claim(
      port, 1,
      PortHandler{.name = name,
                  .read = [&bank](u16, unsigned) { return static_cast<u32>(bank.read(0, 1)); },
                  .write = [&bank](u16, u32 value, unsigned) { bank.write(0, value, 1); },
                  .impl = {1, 1, true},
                  .traces_itself = true});
}

}  // namespace glasspc

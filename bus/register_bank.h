// A device's registers as a table: offset, width, name, writable mask and behaviour.
//
// Devices describe their registers once; the bank then dispatches accesses of any size
// (a 1-byte read of a 4-byte register, a 4-byte write spanning two 2-byte registers), handles
// offsets that decode to no register in one place, traces every access by register name
// ("hpet.TIMER0_CMP <- 0x1000") and saves register values by name. Registers are checked when
// they are added: overlap, misalignment or an offset outside the bank is a programming error and
// throws std::logic_error at construction, never at guest run time.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bus/port_space.h"
#include "bus/trace.h"
#include "bus/types.h"

namespace glasspc {

class Archive;

struct RegisterSpec {
  u32 offset = 0;
  u8 width = 1;                 // bytes: 1, 2, 4 or 8
  std::string name;             // as the datasheet spells it
  u64 writable_mask = ~u64{0};  // bits a guest write may change; the rest keep their value
  u64 reset_value = 0;
  // Optional: produce the value on a read (side effects allowed). Without it the stored value
  // is returned.
  std::function<u64()> read;
  // Optional: called after a write has been merged into the stored value, with the new and old
  // stored values. Partial writes have already been merged with the current value.
  std::function<void(u64 value, u64 old_value)> write;
};

class RegisterBank {
 public:
  // `device` names the owner in traces; `span` is the size of the decoded window in bytes.
  RegisterBank(std::string device, Trace& trace, u32 span);

  // Adds a register and returns its index. Throws std::logic_error on a bad table.
  u32 add(RegisterSpec spec);

  // Guest accesses. Offsets relative to the window; any size 1..8.
  u64 read(u32 offset, unsigned size);
  void write(u32 offset, u64 value, unsigned size);

  // Value read from offsets that decode to no register (default 0; some chips float to ones).
  void set_undefined_read_value(u64 value) { m_undefined_value = value; }
  u64 undefined_accesses() const { return m_undefined_accesses; }
  // The guest-visible address of offset 0, used only to print addresses in traces; `category`
  // says whether it is a port (TraceCategory::Port) or a physical address (Mmio). Register
  // events themselves are always emitted under TraceCategory::Reg.
  void set_trace_base(u64 base, TraceCategory category) {
    m_trace_base = base;
    m_category = category;
  }

  // Direct access to stored values by index, for the device itself (no side effects, no trace).
  u64 value(u32 index) const { return m_registers[index].value; }
  void set_value(u32 index, u64 value) {
    m_registers[index].value = value & size_mask(m_registers[index].spec.width);
  }
  const RegisterSpec& spec(u32 index) const { return m_registers[index].spec; }
  std::size_t size() const { return m_registers.size(); }
  // Index of the register containing `offset`, or -1.
  int find(u32 offset) const;

  // Every register back to its reset value.
  void reset();
  // Saves/loads stored values, one field per register name.
  void serialize(Archive& archive);

 private:
  struct Register {
    RegisterSpec spec;
    u64 value = 0;
  };
  u64 read_register(Register& reg);
  void write_register(Register& reg, u64 value, u64 byte_enable_mask);
  void trace_access(const char* what, u32 offset, const Register* reg, u64 value, unsigned size);

  std::string m_device;
  Trace& m_trace;
  u32 m_span;
  std::vector<Register> m_registers;
  std::vector<i32> m_index_of_offset;  // per byte offset: register index or -1
  u64 m_undefined_value = 0;
  u64 m_undefined_accesses = 0;
  u64 m_trace_base = 0;
  TraceCategory m_category = TraceCategory::Reg;
};

// Claims the single byte-wide I/O port `port` for a device whose one register is offset 0 of
// `bank` (ports 0x61, 0x80, 0x92, 0xF0 and the like): every access goes through the bank, which
// traces it by register name.
PortClaimId claim_byte_register(PortSpace& ports, u16 port, RegisterBank& bank,
                                const std::string& name);

}  // namespace glasspc

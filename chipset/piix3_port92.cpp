#include "chipset/piix3_port92.h"

#include "bus/archive.h"
#include "bus/memory_map.h"
#include "bus/port_space.h"
#include "bus/system_control.h"

namespace glasspc {

Port92::Port92(std::string name, MemoryMap& memory, SystemControl& system, Trace& trace)
    : Device(std::move(name)), m_memory(memory), m_system(system), m_bank(this->name(), trace, 1) {
  m_bank.set_trace_base(kPort, TraceCategory::Port);
  m_register = m_bank.add({.offset = 0,
                           .width = 1,
                           .name = "PORT92",
                           .writable_mask = kFastReset | kA20Gate,
                           .reset_value = 0,
                           .read = {},
                           .write = [this](u64 value, u64 old_value) {
                             written(static_cast<u8>(value), static_cast<u8>(old_value));
                           }});
}

void Port92::attach(PortSpace& ports) {
  claim_byte_register(ports, kPort, m_bank, name());
}

void Port92::written(u8 value, u8 old_value) {
  m_memory.set_a20(value & kA20Gate);
  if ((value & kFastReset) && !(old_value & kFastReset))
    m_system.request_reset("port 0x92 fast reset");
}

// A reset clears FAST_INIT so that the next 0 -> 1 write resets again; the A20 gate is left as
// it is (the keyboard controller's reset decides the gate the machine starts with).
void Port92::reset() {
  m_bank.reset();
}

void Port92::serialize(Archive& archive) {
  m_bank.serialize(archive);
}

}  // namespace glasspc

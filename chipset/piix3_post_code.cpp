#include "chipset/piix3_post_code.h"

#include "bus/archive.h"
#include "bus/port_space.h"
#include "bus/trace.h"

namespace glasspc {

PostCodePort::PostCodePort(std::string name, Trace& trace)
    : Device(std::move(name)), m_trace(trace), m_bank(this->name(), trace, 1) {
  m_bank.set_trace_base(kPort, TraceCategory::Port);
  m_register = m_bank.add(
      {.offset = 0,
       .width = 1,
       .name = "POST",
       .writable_mask = 0xFF,
       .reset_value = 0,
       .read = {},
       .write = [this](u64 value, u64) {
         ++m_count;
         if (m_trace.on(TraceCategory::Device))
           m_trace.emit(TraceCategory::Device, this->name(), "post code", {{"code", value}});
       }});
}

void PostCodePort::attach(PortSpace& ports) {
  claim_byte_register(ports, kPort, m_bank, name());
}

void PostCodePort::reset() {
  m_bank.reset();
  m_count = 0;
}

void PostCodePort::serialize(Archive& archive) {
  m_bank.serialize(archive);
  archive.field("count", m_count);
}

}  // namespace glasspc

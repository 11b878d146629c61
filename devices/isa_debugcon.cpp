#include "devices/isa_debugcon.h"

#include <utility>

namespace glasspc {

IsaDebugcon::IsaDebugcon(std::string name, Trace& trace)
    : Device(std::move(name)), m_trace(trace) {}

void IsaDebugcon::attach(PortSpace& ports, u16 iobase) {
  if (m_ports) {
    m_ports->release(m_claim);
    m_ports = nullptr;
  }
  PortHandler handler;
  handler.name = name();
  handler.read = [this](u16, unsigned) -> u32 { return m_readback; };
  handler.write = [this](u16, u32 value, unsigned) {
    const u8 byte = static_cast<u8>(value);
    if (m_trace.on(TraceCategory::Device))
      m_trace.emit(TraceCategory::Device, name(), "output", {{"value", byte}});
    if (m_backend) m_backend->write(&byte, 1);
  };
  // QEMU's debugcon accepts only byte accesses on a one-byte region, so a wider OUT is split by
  // the bus: the low byte lands here, the rest on the ports after it.
  handler.impl = AccessSizes{1, 1, true};
  m_claim = ports.claim(iobase, 1, std::move(handler));
  m_ports = &ports;
}

}  // namespace glasspc

#include "devices/isa_debug_exit.h"

#include <utility>

namespace glasspc {

IsaDebugExit::IsaDebugExit(std::string name, SystemControl& system, Trace& trace)
    : Device(std::move(name)), m_system(system), m_trace(trace) {}

int IsaDebugExit::exit_status(u32 value) {
  // QEMU passes (val << 1) | 1 as an int: the low 32 bits, two's complement. The host process
  // status then keeps the low 8 bits, so writing 0x10 exits with 33 and 0 exits with 1.
  return static_cast<int>(static_cast<u32>((u64{value} << 1) | 1));
}

void IsaDebugExit::attach(PortSpace& ports, u16 iobase, u16 iosize) {
  if (m_ports) {
    m_ports->release(m_claim);
    m_ports = nullptr;
  }
  PortHandler handler;
  handler.name = name();
  // QEMU's debug_exit_read returns 0 for any port and width.
  handler.read = [](u16, unsigned) -> u32 { return 0; };
  handler.write = [this](u16 offset, u32 value, unsigned size) {
    if (m_trace.on(TraceCategory::Device)) {
      m_trace.emit(TraceCategory::Device, name(), "exit",
                   {{"offset", offset}, {"value", value}, {"size", size}});
    }
    m_system.request_exit(exit_status(value), "isa-debug-exit");
  };
  // QEMU declares 1- to 4-byte accesses valid and leaves the implemented sizes at their
  // defaults (1 to 4), so a 2- or 4-byte OUT reaches the handler as one access carrying the whole
  // value: outw 0x1234 exits with 0x2469 (before the host truncates it).
  handler.impl = AccessSizes{1, 4, true};
  m_claim = ports.claim(iobase, iosize, std::move(handler));
  m_ports = &ports;
}

}  // namespace glasspc

// QEMU's `isa-debugcon` device (hw/char/debugcon.c): a one-port console. Every byte written to
// the port goes to the backend; reads return a fixed "readback" value (0xe9 by default, the
// port's own number), which is how Bochs-style guests detect the console before using it.
#pragma once

#include <string>

#include "bus/chardev.h"
#include "bus/device.h"
#include "bus/port_space.h"
#include "bus/trace.h"
#include "bus/types.h"

namespace glasspc {

class IsaDebugcon : public Device {
 public:
  static constexpr u16 kDefaultIobase = 0xe9;
  static constexpr u8 kDefaultReadback = 0xe9;

  IsaDebugcon(std::string name, Trace& trace);

  // Claims the single port `iobase`. May be called again to move the device.
  void attach(PortSpace& ports, u16 iobase);
  void set_backend(CharBackend* backend) { m_backend = backend; }
  // QEMU's `readback` property.
  void set_readback(u8 value) { m_readback = value; }

  void reset() override {}
  void serialize(Archive&) override {}  // no state: output is not guest-visible

 private:
  Trace& m_trace;
  CharBackend* m_backend = nullptr;
  u8 m_readback = kDefaultReadback;
  PortSpace* m_ports = nullptr;
  PortClaimId m_claim = 0;
};

}  // namespace glasspc

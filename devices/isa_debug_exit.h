// QEMU's `isa-debug-exit` device: a guest write ends the run with exit status (value << 1) | 1.
//
// Test kernels (and the guest tests of this project) use it to report PASS/FAIL to the host
// without an ACPI power-off path. The port range and the arithmetic follow QEMU's
// hw/misc/debugexit.c, so programs written for `-device isa-debug-exit,iobase=0x501,iosize=2`
// behave the same here.
#pragma once

#include <string>

#include "bus/device.h"
#include "bus/port_space.h"
#include "bus/system_control.h"
#include "bus/trace.h"
#include "bus/types.h"

namespace glasspc {

class IsaDebugExit : public Device {
 public:
  static constexpr u16 kDefaultIobase = 0x501;
  static constexpr u16 kDefaultIosize = 2;

  IsaDebugExit(std::string name, SystemControl& system, Trace& trace);

  // Claims [iobase, iobase + iosize). May be called again to move the device.
  void attach(PortSpace& ports, u16 iobase, u16 iosize);

  // The exit status QEMU computes for a written value (exit((val << 1) | 1), truncated to int).
  static int exit_status(u32 value);

  void reset() override {}
  void serialize(Archive&) override {}  // no state: the port range is configuration

 private:
  SystemControl& m_system;
  Trace& m_trace;
  PortSpace* m_ports = nullptr;
  PortClaimId m_claim = 0;
};

}  // namespace glasspc

// A machine with the i440FX host bridge and configuration mechanism #1, plus a test PCI
// function with every kind of BAR, MSI and MSI-X, for the PCI unit tests.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bus/machine.h"
#include "bus/msi.h"
#include "bus/pci/pci_bus.h"
#include "bus/pci/pci_function.h"
#include "bus/pci/pci_msi.h"
#include "bus/pci/pci_msix.h"
#include "bus/system_control.h"
#include "chipset/i440fx.h"

namespace glasspc::test {

constexpr u64 kRamSize = 2 * 1024 * 1024;
constexpr u16 kConfigAddress = 0xCF8;
constexpr u16 kConfigData = 0xCFC;

struct FakeSystem : SystemControl {
  int exits = 0;
  int resets = 0;
  int exit_status = -1;
  std::string reason;
  void request_exit(int status, std::string why) override {
    ++exits;
    exit_status = status;
    reason = std::move(why);
  }
  void request_reset(std::string why) override {
    ++resets;
    reason = std::move(why);
  }
};

struct MsiProbe : InterruptMessageSink {
  std::vector<std::pair<MsiMessage, RequesterId>> messages;
  void deliver_msi(const MsiMessage& message, RequesterId requester) override {
    messages.emplace_back(message, requester);
  }
};

struct IrqProbe : IrqSink {
  std::array<bool, 24> level{};
  std::vector<std::pair<unsigned, bool>> events;
  void set_irq(unsigned pin, bool value) override {
    if (pin < level.size()) level[pin] = value;
    events.emplace_back(pin, value);
  }
};

// A function with: BAR0 32 I/O ports, BAR1 4 KiB 32-bit memory, BAR2/3 1 MiB 64-bit
// prefetchable memory, BAR4 4 KiB holding the MSI-X table (offset 0) and PBA (0x800); MSI at
// 0x50 and MSI-X at 0x70; INTA#.
class TestFunction : public PciFunction {
 public:
  static constexpr u16 kVendor = 0x1234;
  static constexpr u16 kDevice = 0xBEEF;
  static constexpr u8 kMsiOffset = 0x50;
  static constexpr u8 kMsixOffset = 0x70;
  static constexpr unsigned kMsixVectors = 4;

  TestFunction(std::string name, PciBus& bus, u8 device, u8 function = 0,
               PciMsi::Options msi_options = {4, true, true})
      : PciFunction(std::move(name), bus, device, function, identity()),
        m_msi(*this, kMsiOffset, msi_options),
        m_msix(*this, kMsixOffset, PciMsix::Layout{kMsixVectors, 4, 0x000, 4, 0x800}) {
    PciBarSpec io;
    io.kind = PciBarKind::Io;
    io.size = 32;
    io.io.read = [this](u16 offset, unsigned) -> u32 { return io_regs[offset % io_regs.size()]; };
    io.io.write = [this](u16 offset, u32 value, unsigned) {
      io_regs[offset % io_regs.size()] = static_cast<u8>(value);
    };
    add_bar(0, std::move(io));
    MmioOps mem;
    mem.read = [](u64 offset, unsigned) -> u64 { return 0xA000'0000u | offset; };
    mem.write = [this](u64 offset, u64 value, unsigned) { writes.emplace_back(offset, value); };
    PciBarSpec mem32;
    mem32.kind = PciBarKind::Memory32;
    mem32.size = 0x1000;
    mem32.mmio = mem;
    add_bar(1, std::move(mem32));
    PciBarSpec mem64;
    mem64.kind = PciBarKind::Memory64;
    mem64.size = 0x100000;
    mem64.prefetchable = true;
    mem64.mmio = mem;
    add_bar(2, std::move(mem64));
    PciBarSpec table;
    table.kind = PciBarKind::Memory32;
    table.size = 0x1000;
    table.mmio = m_msix.bar_ops(4);
    add_bar(4, std::move(table));
    PciFunction::reset();
  }

  static PciIdentity identity() {
    PciIdentity id;
    id.vendor_id = kVendor;
    id.device_id = kDevice;
    id.revision = 7;
    id.class_code = 0xFF;
    id.interrupt_pin = pci::kIntA;
    return id;
  }

  PciMsi& msi() { return m_msi; }
  PciMsix& msix() { return m_msix; }

  std::array<u8, 32> io_regs{};
  std::vector<std::pair<u64, u64>> writes;

 private:
  PciMsi m_msi;
  PciMsix m_msix;
};

struct PciRig {
  Machine machine;
  PciBus bus{"pci.0", machine};
  I440fx& host;
  MsiProbe msi;

  PciRig() : host(machine.add_device<I440fx>("i440fx", bus)) {
    machine.memory().allocate_ram(kRamSize);
    machine.memory().add_ram("ram", 0, kRamSize, 0);
    host.attach(machine.ports());
    machine.set_interrupt_sink(&msi);
  }

  static u32 address(u8 bus, u8 device, u8 function, u8 reg) {
    return I440fx::kConfigEnable | u32{bus} << 16 | u32{device} << 11 | u32{function} << 8 |
           (reg & 0xFCu);
  }
  u32 config_read(u8 device, u8 function, u8 reg, unsigned size, u8 bus_number = 0) {
    machine.ports().write(kConfigAddress, address(bus_number, device, function, reg), 4);
    return machine.ports().read(static_cast<u16>(kConfigData + (reg & 3)), size);
  }
  void config_write(u8 device, u8 function, u8 reg, u32 value, unsigned size, u8 bus_number = 0) {
    machine.ports().write(kConfigAddress, address(bus_number, device, function, reg), 4);
    machine.ports().write(static_cast<u16>(kConfigData + (reg & 3)), value, size);
  }
  u32 in(u16 port, unsigned size = 1) { return machine.ports().read(port, size); }
  void out(u16 port, u32 value, unsigned size = 1) { machine.ports().write(port, value, size); }
  u64 peek(Gpa gpa, unsigned size = 1) { return machine.memory().read(gpa, size); }
  void poke(Gpa gpa, u64 value, unsigned size = 1) { machine.memory().write(gpa, value, size); }
};

}  // namespace glasspc::test

// Assembles a PC from a MachineConfig: RAM, vCPUs, the legacy platform chips (pc_platform.h),
// the serial ports and debug devices, the trace, the host chardevs they are wired to, and the
// firmware (a BIOS ROM, or a multiboot or Linux kernel booted directly with the ACPI and MP
// tables in memory; fw_cfg either way). One line per device, in the order
// a PC's are listed. The UARTs' interrupts go to their standard ISA IRQs (COM1/COM3: IRQ 4,
// COM2/COM4: IRQ 3) through the platform's IRQ table.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bus/chardev.h"
#include "bus/input_log.h"
#include "bus/irq_line.h"
#include "bus/machine.h"
#include "firmware/linux_boot.h"
#include "firmware/multiboot.h"
#include "frontend/machine_config.h"
#include "frontend/pc_chipset.h"
#include "frontend/pc_platform.h"

namespace glasspc {

// A configuration that cannot be built (the message is one line, for "glasspc: <message>").
// Files that cannot be used are reported as firmware::LoadError instead.
class BoardError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A guest device that takes input from a host chardev.
struct GuestPort {
  std::string name;  // "com1": the device, and its InputLog channel
  InputLog::ChannelId channel = 0;
  const CharReceiver* receiver = nullptr;
};

class PcBoard {
 public:
  // Throws BoardError or firmware::LoadError.
  explicit PcBoard(const MachineConfig& config);
  ~PcBoard();
  PcBoard(const PcBoard&) = delete;
  PcBoard& operator=(const PcBoard&) = delete;

  Machine& machine() { return *m_machine; }
  PcPlatform& platform() { return *m_platform; }
  PcChipset& chipset() { return *m_chipset; }
  // Where output for chardev `id` goes (the terminal for stdio chardevs).
  CharBackend& backend(const std::string& id);
  // The devices that read chardev `id`, in COM-port order.
  std::vector<GuestPort> input_ports(const std::string& id) const;
  // "text to stderr", "json to trace.json": for the monitor's "info trace".
  const std::string& trace_description() const { return m_trace_description; }

 private:
  void open_trace(const MachineConfig& config);
  void open_chardevs(const MachineConfig& config);
  void add_cpus(const MachineConfig& config);
  void add_platform(const MachineConfig& config);
  void add_devices(const MachineConfig& config);
  void read_firmware(const MachineConfig& config);
  void read_linux(const MachineConfig& config);
  void load_firmware(const MachineConfig& config);
  void claim_check(std::string_view device, u16 base, u32 count);

  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  // Declared before the machine: the machine's trace sink writes to the file until it goes.
  std::unique_ptr<std::FILE, FileCloser> m_trace_file;
  std::map<std::string, std::unique_ptr<CharBackend>> m_backends;  // by chardev id
  std::map<std::string, std::vector<GuestPort>> m_inputs;          // by chardev id
  std::string m_trace_description;
  std::vector<u8> m_bios;               // read by read_firmware, mapped by load_firmware
  firmware::MultibootRequest m_kernel;  // likewise; kept for reboots
  std::optional<firmware::LinuxBootRequest> m_linux;  // set instead when -kernel is a bzImage
  // CPU 0's FERR# output (x87 errors with CR0.NE = 0), wired to the FerrLatch on IRQ 13; declared
  // before the machine so that it outlives the CPU that drives it.
  std::unique_ptr<IrqLine> m_cpu0_ferr;
  std::unique_ptr<Machine> m_machine;
  // Holds glue the machine's devices call (the CPU's INTR pin); the destructor ends the machine
  // first.
  std::unique_ptr<PcPlatform> m_platform;
  std::unique_ptr<PcChipset> m_chipset;
};

}  // namespace glasspc

// What the command line asks for, as plain data: the option parser fills it in (no I/O), the
// board builder turns it into a Machine. Defaults are QEMU's where QEMU has one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bus/types.h"

namespace glasspc {

enum class Pacing : u8 {
  Realtime,  // virtual time never runs ahead of host time (what a person at a terminal wants)
  Fast,      // idle time is skipped at once; as fast as the host allows (tests, batch runs)
};

enum class TraceFormat : u8 { Text, Json };

// A host-side character stream (-chardev, or one implied by -serial).
struct ChardevConfig {
  enum class Backend : u8 { Stdio, File, Null };
  std::string id;
  Backend backend = Backend::Null;
  std::string path;     // File: where output goes
  bool append = false;  // File: append instead of truncating (QEMU's append=on)
  // Several frontends (serial ports, debugcon, the monitor) may share it; input goes to the one
  // with focus, and Ctrl-A escapes (Ctrl-A c to switch focus, Ctrl-A x to quit) are active.
  bool mux = false;
  // Stdio: Ctrl-C ends glasspc (true) or is passed to the guest (false, as with mon:stdio).
  bool signal = true;
};

// One 16550 UART at COM1..COM4 (index 0..3).
struct SerialConfig {
  unsigned index = 0;
  std::string chardev;  // empty: the port exists but nothing is connected to it
  // Transmit at the programmed baud rate (LSR.THRE/TEMT follow the line), instead of QEMU's
  // "the host takes each character at once" (see devices/uart16550.h).
  bool line_timing = false;
};

// QEMU's isa-debug-exit: a write of v to the port ends the run with status (v << 1) | 1.
struct DebugExitConfig {
  u16 iobase = 0x501;
  u16 iosize = 0x02;
};

// QEMU's isa-debugcon: bytes written to the port go to a chardev (Bochs's port 0xE9 hack).
struct DebugconConfig {
  u16 iobase = 0xe9;
  std::string chardev;
};

// QEMU's pc-testdev (devices/pc_testdev.h): fixed ports 0xE0-0xEB and 0x2000-0x2017, 64 KiB of
// MMIO at 0xFF000000; no properties.
struct PcTestdevConfig {};

// QEMU's pci-testdev (devices/pci_testdev.h), in the first free slot of PCI bus 0 from 2 up.
struct PciTestdevConfig {
  bool interrupts = true;  // glasspc's MSI/MSI-X extension; msi=off gives QEMU's exact function
};

// The standard PC I/O base and ISA IRQ of COM1..COM4.
struct ComPortResources {
  u16 iobase;
  u8 irq;
};
inline constexpr ComPortResources kComPorts[4] = {{0x3f8, 4}, {0x2f8, 3}, {0x3e8, 4}, {0x2e8, 3}};
inline constexpr unsigned kMaxSerialPorts = 4;

// Where the guest's real-time clock starts (-rtc base=...). The clock then runs on virtual time.
struct RtcConfig {
  enum class Base : u8 {
    Utc,        // the host's time at start, in UTC (QEMU's default)
    LocalTime,  // the host's time at start, in the host's time zone (for DOS and Windows)
    Fixed,      // a given date and time, the same on every run
  };
  Base base = Base::Utc;
  i64 fixed_seconds = 0;  // Fixed: seconds since 1970-01-01 00:00:00
};

struct MachineConfig {
  u64 ram_size = u64{128} << 20;  // QEMU's default for the pc machine
  unsigned cpus = 1;
  // -smp N,quantum=K: with several vCPUs each takes turns of K CPU cycles (at most) in a fixed
  // order; every run with the same K is the same run.
  u64 smp_quantum_cycles = 20'000;
  std::string machine = "pc";
  std::string cpu_model = "max";
  // -accel tcg,jit=on|off: compile hot blocks to host code (x86-64 hosts) or interpret only.
  bool jit = true;
  std::optional<u64> cpu_frequency_hz;  // unset: the CPU's own default

  std::string kernel;
  std::string initrd;  // QEMU syntax: "path[ args],path2..." (multiboot modules)
  std::string append;
  std::string bios;

  std::vector<ChardevConfig> chardevs;
  std::vector<SerialConfig> serials;  // ascending index
  std::vector<DebugExitConfig> debug_exits;
  std::vector<DebugconConfig> debugcons;
  std::vector<PcTestdevConfig> pc_testdevs;
  std::vector<PciTestdevConfig> pci_testdevs;
  std::string monitor_chardev;  // the chardev the monitor is reached on; empty: no monitor
  RtcConfig rtc;

  bool no_reboot = false;
  bool start_stopped = false;  // -S

  u32 trace_mask = 0;
  std::string trace_file;  // empty: stderr
  TraceFormat trace_format = TraceFormat::Text;
  Pacing pacing = Pacing::Realtime;

  const ChardevConfig* find_chardev(const std::string& id) const {
    for (const auto& chardev : chardevs)
      if (chardev.id == id) return &chardev;
    return nullptr;
  }
};

}  // namespace glasspc

#include "frontend/pc_board.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bus/clock.h"
#include "bus/pci/pci_bus.h"
#include "chipset/ferr_latch.h"
#include "chipset/ioapic.h"
#include "cpu/cpu_factory.h"
#include "devices/isa_debug_exit.h"
#include "devices/isa_debugcon.h"
#include "devices/pc_testdev.h"
#include "devices/pci_testdev.h"
#include "devices/uart16550.h"
#include "firmware/bios_rom.h"
#include "firmware/file_image.h"
#include "firmware/linux_setup_header.h"
#include "firmware/load_error.h"
#include "firmware/multiboot.h"
#include "firmware/pc_memory_layout.h"
#include "frontend/char_backends.h"
#include "frontend/pc_firmware_tables.h"

namespace glasspc {

namespace {

// "debugcon", then "debugcon1", ...: device names must be unique within the machine.
std::string numbered(std::string_view base, std::size_t index) {
  return index == 0 ? std::string(base) : fmt::format("{}{}", base, index);
}

}  // namespace

PcBoard::PcBoard(const MachineConfig& config) {
  if (config.kernel.empty() && config.bios.empty()) throw BoardError("no -kernel or -bios given");
  // Input files first: a wrong path is reported before any guest RAM is allocated.
  read_firmware(config);
  MachineOptions options;
  options.no_reboot = config.no_reboot;
  options.smp_quantum = time_of_tick(config.smp_quantum_cycles,
                                     config.cpu_frequency_hz.value_or(CpuConfig{}.frequency_hz));
  m_machine = std::make_unique<Machine>(options);
  open_trace(config);
  open_chardevs(config);
  firmware::map_pc_ram(m_machine->memory(), firmware::pc_memory_layout(config.ram_size));
  add_cpus(config);
  add_platform(config);
  add_devices(config);
  load_firmware(config);
}

PcBoard::~PcBoard() {
  // The machine (and its trace sink, which may still write a JSON trailer) goes before the
  // files and terminals it writes to.
  m_machine.reset();
}

void PcBoard::open_trace(const MachineConfig& config) {
  std::FILE* out = stderr;
  std::string where = "stderr";
  if (!config.trace_file.empty()) {
    m_trace_file.reset(std::fopen(config.trace_file.c_str(), "w"));
    if (!m_trace_file)
      throw firmware::LoadError("log file", config.trace_file,
                                fmt::format("cannot open: {}", std::strerror(errno)));
    out = m_trace_file.get();
    where = config.trace_file;
  }
  const bool json = config.trace_format == TraceFormat::Json;
  m_trace_description = fmt::format("{} to {}", json ? "json" : "text", where);
  // -D without -d still creates the file (as QEMU does), so a bad path is reported at once.
  if (config.trace_mask == 0 && config.trace_file.empty()) return;
  Trace& trace = m_machine->trace();
  trace.set_sink(json ? make_json_trace_sink(out) : make_text_trace_sink(out));
  trace.set_mask(config.trace_mask);
}

void PcBoard::open_chardevs(const MachineConfig& config) {
  for (const ChardevConfig& chardev : config.chardevs) {
    std::unique_ptr<CharBackend> backend;
    switch (chardev.backend) {
      case ChardevConfig::Backend::Stdio:
        backend = std::make_unique<FdCharBackend>(STDOUT_FILENO);
        break;
      case ChardevConfig::Backend::File:
        backend = std::make_unique<FileCharBackend>(chardev.id, chardev.path, chardev.append);
        break;
      case ChardevConfig::Backend::Null:
        backend = std::make_unique<NullCharBackend>();
        break;
    }
    m_backends.emplace(chardev.id, std::move(backend));
  }
}

CharBackend& PcBoard::backend(const std::string& id) {
  const auto it = m_backends.find(id);
  if (it == m_backends.end()) throw BoardError(fmt::format("chardev '{}' not found", id));
  return *it->second;
}

std::vector<GuestPort> PcBoard::input_ports(const std::string& id) const {
  const auto it = m_inputs.find(id);
  return it == m_inputs.end() ? std::vector<GuestPort>{} : it->second;
}

void PcBoard::add_cpus(const MachineConfig& config) {
  Machine& machine = *m_machine;
  const CpuEnvironment environment{machine.memory(),    machine.ports(), machine.clock(),
                                   machine.scheduler(), machine.trace(), machine};
  for (unsigned index = 0; index < config.cpus; ++index) {
    CpuConfig cpu;
    cpu.index = index;
    cpu.cpu_count = config.cpus;
    cpu.model = config.cpu_model;
    cpu.jit = config.jit;
    if (config.cpu_frequency_hz) cpu.frequency_hz = *config.cpu_frequency_hz;
    try {
      CpuEnvironment env = environment;
      if (index == 0) {
        // The PC/AT wires the boot processor's FERR# to IRQ 13 (through the FERR latch).
        m_cpu0_ferr = std::make_unique<IrqLine>("cpu0.ferr", &machine.trace());
        env.ferr = m_cpu0_ferr.get();
      }
      machine.add_cpu(create_x86_cpu(cpu, env));
    } catch (const std::invalid_argument& error) {
      throw BoardError(fmt::format("-cpu {}: {}", config.cpu_model, error.what()));
    }
  }
}

void PcBoard::add_platform(const MachineConfig& config) {
  const firmware::PcMemoryLayout layout = firmware::pc_memory_layout(config.ram_size);
  m_platform = std::make_unique<PcPlatform>(*m_machine, config, layout);
  // x87 error reporting of the PC/AT: FERR# latches IRQ 13, a write to port 0xF0 clears it.
  FerrLatch& ferr = m_machine->add_device<FerrLatch>("ferr", m_machine->trace());
  ferr.attach(m_machine->ports());
  m_cpu0_ferr->connect(ferr, FerrLatch::kFerrInput);
  m_platform->connect_isa_irq(ferr.irq(), FerrLatch::kIsaIrq);
  // Without a BIOS nobody else configures the chipset: the board does it for a direct boot.
  m_chipset = std::make_unique<PcChipset>(*m_machine, *m_platform, config.bios.empty());
  add_pc_fw_cfg(*m_machine, pc_acpi_platform(config, layout), layout);
}

void PcBoard::claim_check(std::string_view device, u16 base, u32 count) {
  const PortSpace& ports = m_machine->ports();
  for (u32 port = base; port < u32{base} + count; ++port) {
    const std::string owner = ports.owner(static_cast<u16>(port));
    if (!owner.empty())
      throw BoardError(
          fmt::format("{} at {:#x}: port {:#x} is already used by {}", device, base, port, owner));
  }
}

void PcBoard::add_devices(const MachineConfig& config) {
  Machine& machine = *m_machine;
  for (const SerialConfig& serial : config.serials) {
    const ComPortResources& com = kComPorts[serial.index];
    const std::string name = fmt::format("com{}", serial.index + 1);
    claim_check(name, com.iobase, uart::kPortCount);
    auto& uart = machine.add_device<Uart16550>(name, machine.scheduler(), machine.trace());
    uart.attach(machine.ports(), com.iobase);
    uart.set_line_timing(serial.line_timing);
    uart.set_peer_flow_control(true);
    m_platform->connect_isa_irq(uart.irq(), com.irq);
    if (!serial.chardev.empty()) {
      uart.set_backend(&backend(serial.chardev));
      const InputLog::ChannelId channel = machine.input().register_channel(
          name, [&uart](std::span<const u8> data) { uart.receive(data.data(), data.size()); });
      m_inputs[serial.chardev].push_back(GuestPort{name, channel, &uart});
    }
  }
  for (std::size_t i = 0; i < config.debug_exits.size(); ++i) {
    const DebugExitConfig& exit = config.debug_exits[i];
    const std::string name = numbered("debug-exit", i);
    claim_check(name, exit.iobase, exit.iosize);
    machine.add_device<IsaDebugExit>(name, machine, machine.trace())
        .attach(machine.ports(), exit.iobase, exit.iosize);
  }
  for (std::size_t i = 0; i < config.debugcons.size(); ++i) {
    const DebugconConfig& debugcon = config.debugcons[i];
    const std::string name = numbered("debugcon", i);
    claim_check(name, debugcon.iobase, 1);
    auto& device = machine.add_device<IsaDebugcon>(name, machine.trace());
    device.attach(machine.ports(), debugcon.iobase);
    device.set_backend(&backend(debugcon.chardev));
  }
  for (std::size_t i = 0; i < config.pc_testdevs.size(); ++i) {
    const std::string name = numbered("pc-testdev", i);
    claim_check(name, PcTestdev::kIoportBase, 12);  // 0xE0-0xEB
    claim_check(name, PcTestdev::kIrqLineBase, PcTestdev::kIrqLines);
    auto& testdev = machine.add_device<PcTestdev>(name, machine.trace());
    testdev.attach(machine.ports(), machine.memory());
    // Lines 0-15 are the ISA IRQs (8259 and IOAPIC); 16-23 reach only IOAPIC pins 16-23.
    for (unsigned line = 0; line < PcTestdev::kIsaIrqLines; ++line)
      m_platform->connect_isa_irq(testdev.irq(line), line);
    for (unsigned line = PcTestdev::kIsaIrqLines; line < PcTestdev::kIrqLines; ++line)
      testdev.irq(line).connect(m_chipset->ioapic(), line);
  }
  for (std::size_t i = 0; i < config.pci_testdevs.size(); ++i) {
    // QEMU's rule for a -device without addr=: the first free slot (-nodefaults leaves 2 free).
    PciBus& bus = m_chipset->pci_bus();
    u8 slot = 2;
    while (slot < 32 && bus.function(pci::devfn(slot, 0))) ++slot;
    if (slot == 32) throw BoardError("pci-testdev: no free slot on PCI bus 0");
    machine.add_device<PciTestdev>(numbered("pci-testdev", i), bus, slot,
                                   PciTestdev::Options{config.pci_testdevs[i].interrupts});
  }
}

void PcBoard::read_firmware(const MachineConfig& config) {
  if (!config.bios.empty()) m_bios = firmware::read_image_file(config.bios, "bios");
  if (config.kernel.empty()) return;
  m_kernel.kernel_path = config.kernel;
  m_kernel.kernel = firmware::read_image_file(config.kernel, "kernel");
  if (firmware::is_bzimage(m_kernel.kernel)) {
    read_linux(config);
    return;
  }
  if (!firmware::is_multiboot_image(m_kernel.kernel))
    throw firmware::LoadError("kernel", config.kernel, "not a multiboot or Linux bzImage image");
  m_kernel.cmdline = config.append;
  m_kernel.modules = firmware::parse_multiboot_modules(config.initrd);
  m_kernel.layout = firmware::pc_memory_layout(config.ram_size);
}

void PcBoard::read_linux(const MachineConfig& config) {
  firmware::LinuxBootRequest request;
  request.kernel_path = config.kernel;
  request.kernel = std::move(m_kernel.kernel);
  if (!config.initrd.empty()) {
    request.initrd_path = config.initrd;
    request.initrd = firmware::read_image_file(config.initrd, "initrd");
  }
  request.cmdline = config.append;
  request.layout = firmware::pc_memory_layout(config.ram_size);
  request.acpi_rsdp = kDirectBootRsdpAddress;
  // Placement errors (RAM too small, an initrd that does not fit) before the machine is built.
  firmware::plan_linux_boot(request);
  m_linux = std::move(request);
}

void PcBoard::load_firmware(const MachineConfig& config) {
  Machine& machine = *m_machine;
  if (!config.bios.empty()) firmware::load_bios(machine.memory(), config.bios, std::move(m_bios));
  if (config.kernel.empty()) return;
  if (config.bios.empty()) {
    // The tables a BIOS would have built; again after a reset, which hides the shadow RAM
    // holding them until the chipset's reset hook opens it again.
    const firmware::AcpiPlatform tables =
        pc_acpi_platform(config, firmware::pc_memory_layout(config.ram_size));
    install_direct_boot_tables(machine, tables);
    machine.add_reset_hook([&machine, tables] { install_direct_boot_tables(machine, tables); });
  }
  if (m_linux) {
    machine.cpu(0).set_boot_state(firmware::load_linux(machine.memory(), *m_linux));
    machine.add_reset_hook([&machine, request = std::move(*m_linux)] {
      machine.cpu(0).set_boot_state(firmware::load_linux(machine.memory(), request));
    });
    return;
  }
  machine.cpu(0).set_boot_state(firmware::load_multiboot(machine.memory(), m_kernel));
  // A reset boots the kernel again, as QEMU's does: the images are copied in afresh (the guest
  // may have changed them) and the BSP starts at the entry point again. The kernel's bytes are
  // kept; module files are read again.
  machine.add_reset_hook([&machine, request = std::move(m_kernel)] {
    machine.cpu(0).set_boot_state(firmware::load_multiboot(machine.memory(), request));
  });
}

}  // namespace glasspc

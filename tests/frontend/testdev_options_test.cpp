// -device pc-testdev and -device pci-testdev: parsed into the configuration, and built by the
// board only when asked for (pc-testdev on its ports, IRQ lines and iomem; pci-testdev in the
// first free slot of bus 0).
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bus/pci/pci_bus.h"
#include "devices/pc_testdev.h"
#include "devices/pci_testdev.h"
#include "frontend/options.h"
#include "frontend/pc_board.h"

using namespace glasspc;

namespace {

CommandLine parse(std::vector<std::string> args) {
  return parse_command_line(args);
}

class TempBios {
 public:
  TempBios() {
    static std::atomic<int> counter{0};
    m_path =
        std::filesystem::temp_directory_path() /
        ("glasspc-testdev-bios-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::ofstream out(m_path, std::ios::binary);
    const std::vector<char> bytes(64 * 1024, static_cast<char>(0xf4));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempBios() { std::filesystem::remove(m_path); }
  std::string path() const { return m_path.string(); }

 private:
  std::filesystem::path m_path;
};

MachineConfig board_config(const TempBios& bios) {
  MachineConfig config;
  config.pacing = Pacing::Fast;
  config.bios = bios.path();
  return config;
}

}  // namespace

TEST_CASE("option -device pc-testdev and pci-testdev", "[testdev]") {
  CommandLine result = parse({"-device", "pc-testdev", "-device", "pci-testdev"});
  REQUIRE(result.action == CommandLine::Action::Run);
  CHECK(result.config.pc_testdevs.size() == 1);
  REQUIRE(result.config.pci_testdevs.size() == 1);
  CHECK(result.config.pci_testdevs[0].interrupts);
  result = parse({"-device", "pci-testdev,msi=off"});
  REQUIRE(result.action == CommandLine::Action::Run);
  CHECK_FALSE(result.config.pci_testdevs.at(0).interrupts);
  CHECK(parse({}).config.pc_testdevs.empty());
  CHECK(parse({}).config.pci_testdevs.empty());

  result = parse({"-device", "pc-testdev,iobase=0x10"});
  REQUIRE(result.action == CommandLine::Action::Fail);
  CHECK(result.text ==
        "-device pc-testdev,iobase=0x10: unknown parameter 'iobase' (accepted: none)");
  result = parse({"-device", "pci-testdev,membar=4096"});
  REQUIRE(result.action == CommandLine::Action::Fail);
  CHECK(result.text ==
        "-device pci-testdev,membar=4096: unknown parameter 'membar' (accepted: msi)");
  result = parse({"-device", "help"});
  REQUIRE(result.action == CommandLine::Action::Print);
  CHECK(result.text.find("pc-testdev") != std::string::npos);
  CHECK(result.text.find("pci-testdev") != std::string::npos);
}

TEST_CASE("the board has no test devices unless asked for", "[testdev]") {
  const TempBios bios;
  PcBoard board(board_config(bios));
  Machine& machine = board.machine();
  CHECK(machine.ports().owner(0xe0).empty());
  CHECK(machine.ports().owner(0x2000).empty());
  CHECK(machine.memory().read(PcTestdev::kIomemBase, 4) == 0xFFFFFFFF);
  for (u8 slot = 2; slot < 32; ++slot)
    CHECK(board.chipset().pci_bus().function(pci::devfn(slot, 0)) == nullptr);
}

TEST_CASE("the board wires pc-testdev to the ISA IRQs and pci-testdev to slot 2", "[testdev]") {
  const TempBios bios;
  MachineConfig config = board_config(bios);
  config.pc_testdevs.resize(1);
  config.pci_testdevs.resize(2);
  config.pci_testdevs[1].interrupts = false;
  PcBoard board(config);
  Machine& machine = board.machine();
  CHECK(machine.ports().owner(0xe0) == "pc-testdev.ioport");
  CHECK(machine.ports().owner(0xe4) == "pc-testdev.flush");
  CHECK(machine.ports().owner(0xeb) == "pc-testdev.ioport-byte");
  CHECK(machine.ports().owner(0x2017) == "pc-testdev.irq-line");
  machine.memory().write(PcTestdev::kIomemBase + 8, 0x1234, 2);
  CHECK(machine.memory().read(PcTestdev::kIomemBase + 8, 2) == 0x1234);
  // Line 9 reaches ISA IRQ 9 (8259 and IOAPIC receive it through the platform's IRQ table).
  machine.ports().write(0x2009, 1, 1);
  CHECK(board.platform().isa_irqs().line(9).level());
  machine.ports().write(0x2009, 0, 1);
  CHECK_FALSE(board.platform().isa_irqs().line(9).level());

  PciBus& bus = board.chipset().pci_bus();
  auto* first = dynamic_cast<PciTestdev*>(bus.function(pci::devfn(2, 0)));
  auto* second = dynamic_cast<PciTestdev*>(bus.function(pci::devfn(3, 0)));
  REQUIRE(first != nullptr);
  REQUIRE(second != nullptr);
  CHECK(first->name() == "pci-testdev");
  CHECK(second->name() == "pci-testdev1");
  CHECK(first->msix() != nullptr);
  CHECK(second->msix() == nullptr);
  CHECK(bus.config_read(0, pci::devfn(2, 0), 0, 4) == 0x00051B36);

  config.pci_testdevs.clear();
  config.pc_testdevs.resize(2);
  CHECK_THROWS_WITH(PcBoard(config),
                    "pc-testdev1 at 0xe0: port 0xe0 is already used by pc-testdev.ioport");
}

TEST_CASE("a machine snapshot carries both test devices", "[testdev]") {
  const TempBios bios;
  MachineConfig config = board_config(bios);
  config.pc_testdevs.resize(1);
  config.pci_testdevs.resize(1);
  PcBoard board(config);
  Machine& machine = board.machine();
  PciBus& bus = board.chipset().pci_bus();
  const u8 devfn = pci::devfn(2, 0);
  machine.ports().write(0xe0, 0xA5A55A5A, 4);
  machine.memory().write(PcTestdev::kIomemBase + 0x100, 0x77, 1);
  machine.ports().write(0x200a, 1, 1);
  bus.config_write(0, devfn, 0x14, 0xd000, 4);  // BAR1
  bus.config_write(0, devfn, 0x04, 1, 2);       // I/O decode
  machine.ports().write(0xd000, 2, 1);          // portio-datamatch selected
  const std::vector<u8> snapshot = machine.save_snapshot();

  PcBoard other(config);
  other.machine().load_snapshot(snapshot);
  Machine& loaded = other.machine();
  CHECK(loaded.ports().read(0xe0, 4) == 0xA5A55A5A);
  CHECK(loaded.memory().read(PcTestdev::kIomemBase + 0x100, 1) == 0x77);
  CHECK(other.platform().isa_irqs().line(10).level());
  CHECK(loaded.ports().read(0xd000, 1) == 5);
  auto* testdev = dynamic_cast<PciTestdev*>(other.chipset().pci_bus().function(devfn));
  REQUIRE(testdev != nullptr);
  CHECK(testdev->current_test() == 5);
}

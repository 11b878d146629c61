// The board built from a configuration: devices on their ports, firmware in memory, a kernel
// that runs and exits through isa-debug-exit, and a reset that boots it again.
#include "frontend/pc_board.h"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "devices/uart16550.h"
#include "firmware/load_error.h"
#include "frontend/app.h"
#include "tests/firmware/linux/bzimage_builder.h"

using namespace glasspc;

namespace {

// A file in the temporary directory, removed when the test ends.
class TempFile {
 public:
  explicit TempFile(const std::vector<u8>& bytes) {
    static std::atomic<int> counter{0};
    m_path = std::filesystem::temp_directory_path() /
             ("glasspc-board-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::ofstream out(m_path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(m_path); }
  std::string path() const { return m_path.string(); }

 private:
  std::filesystem::path m_path;
};

void put32(std::vector<u8>& image, std::size_t offset, u32 value) {
  for (int i = 0; i < 4; ++i) image[offset + i] = static_cast<u8>(value >> (8 * i));
}

constexpr u32 kLoadAddress = 0x100000;
constexpr u32 kEntryOffset = 32;

// A multiboot kernel with the header's address fields (flags bit 16), loaded at 1 MiB, whose
// code writes `value` to port 0x501 (isa-debug-exit) and halts.
std::vector<u8> exit_kernel(u8 value) {
  std::vector<u8> image(kEntryOffset);
  constexpr u32 kMagic = 0x1BADB002;
  constexpr u32 kFlags = 1u << 16;
  put32(image, 0, kMagic);
  put32(image, 4, kFlags);
  put32(image, 8, 0u - (kMagic + kFlags));
  put32(image, 12, kLoadAddress);  // header_addr: the header is the file's first byte
  put32(image, 16, kLoadAddress);  // load_addr
  put32(image, 20, 0);             // load_end_addr: the whole file
  put32(image, 24, 0);             // bss_end_addr: no bss
  put32(image, 28, kLoadAddress + kEntryOffset);
  const std::vector<u8> code = {
      0x66, 0xba,  0x01, 0x05,  // mov dx, 0x501
      0xb0, value,              // mov al, value
      0xee,                     // out dx, al
      0xf4,                     // hlt
      0xeb, 0xfd,               // jmp hlt
  };
  image.insert(image.end(), code.begin(), code.end());
  return image;
}

MachineConfig quiet_config() {
  MachineConfig config;
  config.pacing = Pacing::Fast;
  return config;
}

}  // namespace

TEST_CASE("the board puts the serial ports and debug devices on their ports") {
  const TempFile bios(std::vector<u8>(64 * 1024, 0xf4));
  MachineConfig config = quiet_config();
  config.bios = bios.path();
  ChardevConfig null_chardev;
  null_chardev.id = "n";
  null_chardev.backend = ChardevConfig::Backend::Null;
  config.chardevs.push_back(null_chardev);
  config.serials = {{0, "n"}, {3, ""}};
  config.debug_exits = {{0xf4, 4}};
  config.debugcons = {{0xe9, "n"}};
  config.cpus = 2;
  PcBoard board(config);
  Machine& machine = board.machine();
  CHECK(machine.cpu_count() == 2);
  CHECK(machine.ports().owner(0x3f8) == "com1");
  CHECK(machine.ports().owner(0x3ff) == "com1");
  CHECK(machine.ports().owner(0x2e8) == "com4");
  CHECK(machine.ports().owner(0x2f8).empty());
  CHECK(machine.ports().owner(0xf7) == "debug-exit");
  CHECK(machine.ports().owner(0xe9) == "debugcon");
  // COM1 reads its chardev; COM4 has none.
  REQUIRE(board.input_ports("n").size() == 1);
  CHECK(board.input_ports("n")[0].name == "com1");
  CHECK(machine.memory().ram_size() == 128u << 20);
  // The BIOS ends at 4 GiB, and its last 128 KiB show below 1 MiB.
  CHECK(machine.memory().read(0xfffffff0, 1) == 0xf4);
  CHECK(machine.memory().read(0xffff0, 1) == 0xf4);
}

TEST_CASE("board errors name what is wrong in one line") {
  MachineConfig config = quiet_config();
  CHECK_THROWS_WITH(PcBoard(config), "no -kernel or -bios given");

  const TempFile not_a_kernel(std::vector<u8>(4096, 0x90));
  config.kernel = not_a_kernel.path();
  CHECK_THROWS_WITH(PcBoard(config), "kernel '" + not_a_kernel.path() +
                                         "': not a multiboot or Linux bzImage image");

  const TempFile bios(std::vector<u8>(64 * 1024, 0xf4));
  config = quiet_config();
  config.bios = bios.path();
  config.serials = {{0, ""}};
  config.debug_exits = {{0x3fc, 2}};
  CHECK_THROWS_AS(PcBoard(config), BoardError);
  CHECK_THROWS_WITH(PcBoard(config), "debug-exit at 0x3fc: port 0x3fc is already used by com1");

  config.debug_exits.clear();
  config.ram_size = 1000 * 1024;
  CHECK_THROWS_AS(PcBoard(config), firmware::LoadError);
}

TEST_CASE("a reset copies the kernel in again") {
  const TempFile kernel(exit_kernel(1));
  MachineConfig config = quiet_config();
  config.kernel = kernel.path();
  PcBoard board(config);
  Machine& machine = board.machine();
  const u8 original = static_cast<u8>(machine.memory().read(kLoadAddress + kEntryOffset, 1));
  CHECK(original == 0x66);
  machine.memory().write(kLoadAddress + kEntryOffset, 0xcc, 1);  // the guest overwrote its code
  machine.reset();
  CHECK(machine.memory().read(kLoadAddress + kEntryOffset, 1) == 0x66);
}

TEST_CASE("glasspc runs a multiboot kernel to its isa-debug-exit status") {
  const TempFile kernel(exit_kernel(0x20));
  // No chardev on the terminal: the test's stdin stays untouched.
  const int status = run_glasspc(
      {"-kernel", kernel.path(), "-nodefaults", "-device", "isa-debug-exit", "-pacing", "fast"});
  CHECK(status == ((0x20 << 1) | 1));
}

TEST_CASE("the board wires COM1/COM3 to IRQ 4 and COM2/COM4 to IRQ 3, behind OUT2") {
  const TempFile bios(std::vector<u8>(64 * 1024, 0xf4));
  MachineConfig config = quiet_config();
  config.bios = bios.path();
  config.serials = {{0, ""}, {1, ""}, {2, ""}, {3, ""}};
  PcBoard board(config);
  Machine& machine = board.machine();
  CHECK(machine.ports().owner(0x20) == "pic.master");
  CHECK(machine.ports().owner(0x40) == "pit");
  CHECK(machine.ports().owner(0x70) == "rtc");
  CHECK(machine.ports().owner(0x64) == "i8042");
  IsaIrqs& irqs = board.platform().isa_irqs();
  for (unsigned index = 0; index < kMaxSerialPorts; ++index) {
    INFO("COM" << index + 1);
    const u16 base = kComPorts[index].iobase;
    const unsigned irq = kComPorts[index].irq;
    const unsigned other = irq == 4 ? 3 : 4;
    machine.ports().write(base + uart::kIerDlm, uart::kIerThre, 1);  // THR is empty: pending
    CHECK_FALSE(irqs.line(irq).level());  // OUT2 clear: the UART does not drive the bus
    machine.ports().write(base + uart::kMcr, uart::kMcrOut2, 1);
    CHECK(irqs.line(irq).level());
    CHECK_FALSE(irqs.line(other).level());
    machine.ports().write(base + uart::kMcr, 0, 1);
    CHECK_FALSE(irqs.line(irq).level());
    machine.ports().write(base + uart::kIerDlm, 0, 1);
  }
}

TEST_CASE("a bzImage boots through the Linux loader with the ACPI tables in place") {
  MachineConfig config = quiet_config();
  const TempFile kernel(firmware::test::build_bzimage(firmware::test::FakeBzImage{}));
  const TempFile initrd(std::vector<u8>(8192, 0x5a));
  config.kernel = kernel.path();
  config.initrd = initrd.path();
  config.append = "console=ttyS0";
  PcBoard board(config);
  MemoryMap& memory = board.machine().memory();
  // The zero page holds the setup header and the RSDP address the board placed.
  CHECK(memory.read(0x7000 + 0x202, 4) == 0x53726448);  // "HdrS"
  CHECK(memory.read(0x7000 + 0x070, 8) == 0xF0000);     // boot_params.acpi_rsdp_addr
  CHECK(memory.read(0x7000 + 0x21C, 4) == 8192);        // ramdisk_size
  char cmdline[14] = {};
  memory.read_bytes(0x20000, cmdline, 13);
  CHECK(std::string(cmdline) == "console=ttyS0");
  char rsdp[8];
  memory.read_bytes(0xF0000, rsdp, 8);
  CHECK(std::string(rsdp, 8) == "RSD PTR ");
}

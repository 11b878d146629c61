// Register-level tests of the i440FX host bridge: configuration mechanism #1, PAM shadowing
// and the SMRAM register.
#include "chipset/i440fx.h"

#include <catch2/catch.hpp>

#include "bus/archive.h"
#include "tests/chipset/pci/pci_rig.h"

namespace glasspc {
namespace {

using test::PciRig;

constexpr u64 k4GiB = u64{1} << 32;
constexpr u64 kBiosSize = 128 * 1024;
constexpr u8 kRomByte = 0xC3;
constexpr u8 kPam0 = 0x59;
constexpr u8 kPam5 = 0x5E;  // 0xE0000 (low nibble) and 0xE4000 (high nibble)
constexpr u8 kPam1 = 0x5A;  // 0xC0000 / 0xC4000

// The BIOS as the firmware maps it: a ROM below 4 GiB and its isa-bios alias below 1 MiB.
struct ShadowRig : PciRig {
  ShadowRig() {
    std::vector<u8> image(kBiosSize, kRomByte);
    const RegionId bios = machine.memory().add_rom("bios", k4GiB - kBiosSize, image);
    machine.memory().add_alias("isa-bios", 0x100000 - kBiosSize, kBiosSize, bios, 0, 1);
    host.map_shadow_ram(machine.memory());
  }
  void set_pam(u8 reg, u8 value) { config_write(0, 0, reg, value, 1); }
};

TEST_CASE("i440fx: configuration mechanism #1 reads the host bridge by dword", "[i440fx]") {
  PciRig rig;
  CHECK(rig.config_read(0, 0, pci::kVendorId, 4) == 0x12378086);
  CHECK(rig.config_read(0, 0, pci::kRevisionId, 4) == 0x06000002);  // class 06 00 00, rev 2
  CHECK(rig.config_read(0, 0, pci::kHeaderType, 1) == 0x00);
  CHECK(rig.in(test::kConfigAddress, 4) == PciRig::address(0, 0, 0, pci::kHeaderType));
}

TEST_CASE("i440fx: byte and word accesses to 0xCFC-0xCFF reach the matching register bytes",
          "[i440fx]") {
  PciRig rig;
  rig.out(test::kConfigAddress, PciRig::address(0, 0, 0, 0), 4);
  CHECK(rig.in(0xCFC, 1) == 0x86);
  CHECK(rig.in(0xCFD, 1) == 0x80);
  CHECK(rig.in(0xCFE, 1) == 0x37);
  CHECK(rig.in(0xCFF, 1) == 0x12);
  CHECK(rig.in(0xCFC, 2) == 0x8086);
  CHECK(rig.in(0xCFE, 2) == 0x1237);
  // Writes: the latency timer is byte 1 of dword 0x0C, the interrupt line byte 0 of 0x3C.
  rig.out(test::kConfigAddress, PciRig::address(0, 0, 0, pci::kCacheLineSize), 4);
  rig.out(0xCFD, 0x40, 1);
  CHECK(rig.config_read(0, 0, pci::kLatencyTimer, 1) == 0x40);
  CHECK(rig.config_read(0, 0, pci::kCacheLineSize, 1) == 0x00);
  rig.out(test::kConfigAddress, PciRig::address(0, 0, 0, 0x60), 4);
  rig.out(0xCFE, 0xBEEF, 2);  // DRB2/DRB3: plain storage
  CHECK(rig.config_read(0, 0, 0x60, 4) == 0xBEEF0000);
  CHECK(rig.config_read(0, 0, 0x62, 2) == 0xBEEF);
  CHECK(rig.config_read(0, 0, 0x63, 1) == 0xBE);
}

TEST_CASE("i440fx: with the enable bit clear CONFIG_DATA floats and writes go nowhere",
          "[i440fx]") {
  PciRig rig;
  rig.out(test::kConfigAddress, PciRig::address(0, 0, 0, 0x60) & ~I440fx::kConfigEnable, 4);
  CHECK(rig.in(0xCFC, 4) == 0xFFFFFFFF);
  CHECK(rig.in(0xCFE, 2) == 0xFFFF);
  rig.out(0xCFC, 0x12345678, 4);
  CHECK(rig.config_read(0, 0, 0x60, 4) == 0);
}

TEST_CASE("i440fx: CONFIG_ADDRESS takes only dword writes and keeps only implemented bits",
          "[i440fx]") {
  PciRig rig;
  rig.out(test::kConfigAddress, 0xFFFFFFFF, 4);
  CHECK(rig.in(test::kConfigAddress, 4) == I440fx::kAddressImplemented);
  // Linux's type 1 probe: a byte write to 0xCFB is not a configuration address.
  rig.out(test::kConfigAddress, 0x80000000, 4);
  rig.out(0xCFB, 0x01, 1);
  rig.out(0xCF8, 0x00, 2);
  CHECK(rig.in(test::kConfigAddress, 4) == 0x80000000);
  CHECK(rig.in(0xCF8, 1) == 0xFF);  // nothing claims a byte read there without the PIIX3
}

TEST_CASE("i440fx: absent devices, functions and buses read all ones", "[i440fx][pci]") {
  PciRig rig;
  CHECK(rig.config_read(5, 0, pci::kVendorId, 4) == 0xFFFFFFFF);
  CHECK(rig.config_read(0, 1, pci::kVendorId, 2) == 0xFFFF);
  CHECK(rig.config_read(0, 0, pci::kVendorId, 4, 1) == 0xFFFFFFFF);
  CHECK(rig.config_read(31, 7, 0xFC, 1) == 0xFF);
  rig.config_write(5, 0, 0x40, 0x1234, 2);  // dropped without harm
  CHECK(rig.config_read(5, 0, 0x40, 2) == 0xFFFF);
}

TEST_CASE("i440fx: PAM disabled reads the ROM and drops writes", "[i440fx][pam]") {
  ShadowRig rig;
  rig.machine.memory().ram()[0xF0000] = 0x11;
  CHECK(rig.host.pam_mode(0) == PamMode::Disabled);
  CHECK(rig.peek(0xF0000) == kRomByte);
  rig.poke(0xF0000, 0x55);
  CHECK(rig.machine.memory().ram()[0xF0000] == 0x11);
  CHECK(rig.peek(0xF0000) == kRomByte);
  // 0xC0000 has no ROM: with DRAM disabled the PCI side floats.
  rig.machine.memory().ram()[0xC0000] = 0x22;
  CHECK(rig.peek(0xC0000) == 0xFF);
  rig.poke(0xC0000, 0x66);
  CHECK(rig.machine.memory().ram()[0xC0000] == 0x22);
}

TEST_CASE("i440fx: PAM write-only then read-only shadows the BIOS as firmware does",
          "[i440fx][pam]") {
  ShadowRig rig;
  // Write only: reads come from ROM, writes land in DRAM -- copy the ROM onto itself.
  rig.set_pam(kPam0, 0x20);
  CHECK(rig.host.pam_mode(0) == PamMode::WriteOnly);
  for (Gpa a = 0xF0000; a < 0xF0010; ++a) rig.poke(a, rig.peek(a) ^ 0x0F);
  CHECK(rig.peek(0xF0000) == kRomByte);
  CHECK(rig.machine.memory().ram()[0xF0000] == (kRomByte ^ 0x0F));
  // Read only: reads come from DRAM, writes are dropped (to the ROM).
  rig.set_pam(kPam0, 0x10);
  CHECK(rig.host.pam_mode(0) == PamMode::ReadOnly);
  CHECK(rig.peek(0xF0000) == (kRomByte ^ 0x0F));
  rig.poke(0xF0000, 0x00);
  CHECK(rig.peek(0xF0000) == (kRomByte ^ 0x0F));
  // Read/write: plain RAM.
  rig.set_pam(kPam0, 0x30);
  rig.poke(0xF0000, 0x5A);
  CHECK(rig.peek(0xF0000) == 0x5A);
  CHECK(rig.config_read(0, 0, kPam0, 1) == 0x30);
}

TEST_CASE("i440fx: each PAM nibble controls its own 16 KiB segment", "[i440fx][pam]") {
  ShadowRig rig;
  rig.set_pam(kPam5, 0x03);  // 0xE0000-0xE3FFF read/write, 0xE4000-0xE7FFF disabled
  rig.poke(0xE0000, 0x77);
  rig.poke(0xE4000, 0x77);
  CHECK(rig.peek(0xE0000) == 0x77);
  CHECK(rig.peek(0xE3FFF) == 0x00);  // DRAM
  CHECK(rig.peek(0xE4000) == kRomByte);
  CHECK(rig.host.pam_mode(9) == PamMode::ReadWrite);
  CHECK(rig.host.pam_mode(10) == PamMode::Disabled);
  rig.set_pam(kPam1, 0x30);  // 0xC4000 read/write only
  rig.poke(0xC4000, 0x12);
  rig.poke(0xC0000, 0x12);
  CHECK(rig.peek(0xC4000) == 0x12);
  CHECK(rig.peek(0xC0000) == 0xFF);
  // Reserved bits do not stick.
  rig.set_pam(kPam0, 0xFF);
  CHECK(rig.config_read(0, 0, kPam0, 1) == 0x30);
  rig.set_pam(kPam1, 0xFF);
  CHECK(rig.config_read(0, 0, kPam1, 1) == 0x33);
}

TEST_CASE("i440fx: machine reset disables shadowing and clears CONFIG_ADDRESS", "[i440fx][pam]") {
  ShadowRig rig;
  rig.set_pam(kPam0, 0x30);
  rig.poke(0xF0000, 0x99);
  CHECK(rig.peek(0xF0000) == 0x99);
  rig.machine.reset();
  CHECK(rig.in(test::kConfigAddress, 4) == 0);
  CHECK(rig.peek(0xF0000) == kRomByte);
  CHECK(rig.machine.memory().ram()[0xF0000] == 0x99);  // DRAM keeps its contents
}

TEST_CASE("i440fx: SMRAM register: fixed base, D_OPEN over the VGA window, D_LCK",
          "[i440fx][smram]") {
  ShadowRig rig;
  MmioOps vga;
  vga.read = [](u64, unsigned) -> u64 { return 0x42; };
  rig.machine.memory().add_mmio("vga", 0xA0000, 0x20000, vga, 1);
  rig.machine.memory().ram()[0xA0000] = 0x17;
  CHECK(rig.config_read(0, 0, I440fx::kSmram, 1) == 0x02);
  rig.config_write(0, 0, I440fx::kSmram, 0x05, 1);  // C_BASE_SEG is read-only
  CHECK(rig.config_read(0, 0, I440fx::kSmram, 1) == 0x02);
  CHECK(rig.peek(0xA0000) == 0x42);
  rig.config_write(0, 0, I440fx::kSmram, 0x40, 1);  // D_OPEN without G_SMRAME: no effect
  CHECK(rig.peek(0xA0000) == 0x42);
  rig.config_write(0, 0, I440fx::kSmram, 0x48, 1);  // D_OPEN | G_SMRAME
  CHECK(rig.config_read(0, 0, I440fx::kSmram, 1) == 0x4A);
  CHECK(rig.peek(0xA0000) == 0x17);
  rig.config_write(0, 0, I440fx::kSmram, 0x58, 1);  // D_LCK closes and locks
  CHECK(rig.config_read(0, 0, I440fx::kSmram, 1) == 0x1A);
  CHECK(rig.peek(0xA0000) == 0x42);
  rig.config_write(0, 0, I440fx::kSmram, 0x48, 1);  // locked: D_OPEN cannot be set again
  CHECK(rig.config_read(0, 0, I440fx::kSmram, 1) == 0x1A);
  rig.config_write(0, 0, I440fx::kSmram, 0x38, 1);  // D_CLS stays writable
  CHECK(rig.config_read(0, 0, I440fx::kSmram, 1) == 0x3A);
  rig.machine.reset();
  CHECK(rig.config_read(0, 0, I440fx::kSmram, 1) == 0x02);
}

TEST_CASE("i440fx: snapshot keeps PAM state and CONFIG_ADDRESS", "[i440fx]") {
  ShadowRig rig;
  rig.set_pam(kPam0, 0x30);
  rig.out(test::kConfigAddress, PciRig::address(0, 0, 0, 0x10), 4);
  Archive saver = Archive::for_saving();
  {
    ArchiveSection section(saver, "i440fx", 1);
    rig.host.serialize(saver);
  }
  std::vector<u8> bytes = saver.finish();
  rig.machine.reset();
  CHECK(rig.host.pam_mode(0) == PamMode::Disabled);
  Archive loader = Archive::for_loading(bytes);
  {
    ArchiveSection section(loader, "i440fx", 1);
    rig.host.serialize(loader);
  }
  CHECK(rig.host.pam_mode(0) == PamMode::ReadWrite);
  CHECK(rig.host.config_address() == PciRig::address(0, 0, 0, 0x10));
  rig.poke(0xF0000, 0x31);
  CHECK(rig.peek(0xF0000) == 0x31);
}

}  // namespace
}  // namespace glasspc

// QEMU's firmware configuration device (fw_cfg) on the PC's I/O ports, so that firmware written
// for QEMU (the stock SeaBIOS bios.bin, its linuxboot option ROM) finds the machine's
// configuration, the kernel to boot and the ACPI tables where it looks for them.
//
// Reference: QEMU docs/specs/fw_cfg.rst. The guest-visible interface:
//   0x510  selector, 16-bit write: selects an item and rewinds its data offset to 0
//   0x511  data, 8-bit read: the next byte of the selected item, 0 past its end (and from a
//          selector that names no item); writes are ignored, as on QEMU since v2.4. A byte read
//          of 0x510 also reads data, since QEMU decodes the pair as one register.
//   0x514  DMA address, big-endian, as two 32-bit halves: the high half at 0x514 first, then
//          the low half at 0x518, whose write starts the transfer. Reading the register gives
//          "QEMU CFG". The address names a FWCfgDmaAccess {be32 control, be32 length, be64
//          address} in guest memory; control selects (bit 3, key in bits 31..16), then reads
//          (bit 1), writes (bit 4) or skips (bit 2) `length` bytes at the data offset, and is
//          written back as 0 on success or with the error bit (bit 0) set.
// Items are configuration, set up by the board before the guest runs: numbered items (key below
// 0x20, or architecture items with bit 15) and named files, which get keys from 0x20 in name
// order and appear in the file directory (key 0x19). Only files added as writable accept DMA
// writes, and only within their current size; every other write sets the error bit.
//
// DMA goes through the device's own DmaSpace, so it is traced with a requester ID and an IOMMU
// (when present) applies to it. Selections and DMA transfers are traced under
// TraceCategory::Device.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bus/device.h"
#include "bus/trace.h"
#include "bus/types.h"
#include "firmware/fw_cfg_items.h"
#include "firmware/pc_memory_layout.h"

namespace glasspc {
class Archive;
class DmaSpace;
class PortSpace;
}  // namespace glasspc

namespace glasspc::firmware {

enum class FwCfgAccess : u8 { ReadOnly, Writable };

// The direct-boot items QEMU's x86 machine gives its linuxboot option ROM: where the real-mode
// setup, the protected-mode kernel, the initrd and the command line go, and their bytes.
struct FwCfgLinuxBoot {
  u32 setup_addr = 0;
  std::vector<u8> setup;  // the real-mode part, its header already filled in by the loader
  u32 kernel_addr = 0;
  std::vector<u8> kernel;  // the protected-mode part
  u32 initrd_addr = 0;
  std::vector<u8> initrd;  // empty: no initrd (INITRD_ADDR and INITRD_SIZE read 0)
  u32 cmdline_addr = 0;
  std::string cmdline;
};

class FwCfg : public Device {
 public:
  static constexpr u16 kSelectorPort = 0x510;
  static constexpr u16 kDataPort = 0x511;
  static constexpr u16 kDmaPort = 0x514;

  // Starts with the items every QEMU machine has: the signature, the ID (traditional and DMA
  // interfaces), a zero UUID, NOGRAPHIC and BOOT_MENU 0, BOOT_DEVICE 'c', one CPU, an empty
  // "bootorder" and the file directory.
  FwCfg(std::string name, DmaSpace& dma, Trace& trace);

  // Claims 0x510-0x511 and 0x514-0x51B.
  void attach(PortSpace& ports);

  // --- configuration -------------------------------------------------------------------------
  // A numbered item: a key below 0x20 (other than the file directory), or an architecture item
  // (bit 15 set, index below 0x20). Throws std::invalid_argument for other keys.
  void set_item(u16 key, std::vector<u8> data);
  // Adds a named file (at most 55 bytes of name). Throws std::invalid_argument for a name that
  // is empty, too long or already present.
  void add_file(std::string name, std::vector<u8> data, FwCfgAccess access = FwCfgAccess::ReadOnly);
  // Replaces an existing file's contents (std::invalid_argument if there is no such file).
  void replace_file(std::string_view name, std::vector<u8> data);
  // The key a file is selected with, or nothing.
  std::optional<u16> file_key(std::string_view name) const;
  // What selecting `key` reads, or null when the key names no item.
  const std::vector<u8>* item(u16 key) const;

  void set_ram_size(u64 bytes);                             // RAM_SIZE
  void set_cpus(u16 present, u16 max);                      // NB_CPUS, MAX_CPUS
  void set_boot_device(char drive);                         // BOOT_DEVICE
  void set_boot_order(std::span<const std::string> paths);  // "bootorder"
  void set_e820(std::span<const E820Entry> entries);        // "etc/e820" (added on first use)
  // KERNEL_*, INITRD_*, CMDLINE_*, SETUP_* and KERNEL_CMDLINE (the command line's address, as
  // QEMU's other machines give it; QEMU's x86 machine leaves that key empty).
  void set_linux_boot(const FwCfgLinuxBoot& boot);

  // --- guest interface (the port handlers call these) ------------------------------------------
  void select(u16 key);
  u8 read_data();
  // A 32-bit write of the DMA address register: `offset` 0 (high half) or 4 (low half, starts
  // the transfer); `value` is the register's big-endian half as the CPU's OUT carried it.
  void write_dma_address(unsigned offset, u32 value);
  u16 selector() const { return m_selector; }
  u64 data_offset() const { return m_offset; }

  void reset() override;
  void serialize(Archive& archive) override;

 private:
  struct Item {
    std::vector<u8> data;
    bool writable = false;
  };
  struct File {
    std::string name;
    Item item;
  };

  Item* current_item();
  const Item* find_item(u16 key) const;
  void rebuild_directory();
  void run_dma(u64 address);
  bool dma_fill_zero(u64 address, u64 length);
  void trace(std::string_view what, std::initializer_list<TraceArg> args,
             std::string_view text = {});

  DmaSpace& m_dma;
  Trace& m_trace;
  std::map<u16, Item> m_items;  // numbered items by key (bit 15 kept, bit 14 cleared)
  std::vector<File> m_files;    // sorted by name; m_files[i] has key kFileFirst + i
  u16 m_selector = 0;
  u64 m_offset = 0;
  u64 m_dma_address = 0;
};

}  // namespace glasspc::firmware

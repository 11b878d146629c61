#include "firmware/fw_cfg.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "bus/archive.h"
#include "bus/dma_space.h"
#include "bus/port_space.h"

namespace glasspc::firmware {

namespace {

constexpr u16 kItemKeyMask = fw_cfg::kArchLocal | fw_cfg::kEntryMask;
constexpr std::size_t kDmaAccessSize = 16;  // FWCfgDmaAccess
constexpr std::array<u8, 4> kSignature{'Q', 'E', 'M', 'U'};
constexpr std::array<u8, 16> kZeroUuid{};

u32 load_be32(const u8* bytes) {
  return (u32{bytes[0]} << 24) | (u32{bytes[1]} << 16) | (u32{bytes[2]} << 8) | u32{bytes[3]};
}

u64 load_be64(const u8* bytes) {
  return (u64{load_be32(bytes)} << 32) | load_be32(bytes + 4);
}

u32 byte_swap(u32 value) {
  return ((value & 0xFF) << 24) | ((value & 0xFF00) << 8) | ((value >> 8) & 0xFF00) | (value >> 24);
}

// The port carries the register's big-endian bytes in address order; an x86 OUT puts the byte
// at the lower port in the low bits of the value.
u32 from_port_order(u32 value) {
  return byte_swap(value);
}

// The bytes of "QEMU CFG" at DMA register offset `offset` (0 or 4), as an IN of 4 bytes sees them.
u32 dma_signature_half(unsigned offset) {
  const u32 half = static_cast<u32>(fw_cfg::kDmaSignature >> (offset == 0 ? 32 : 0));
  return byte_swap(half);
}

}  // namespace

FwCfg::FwCfg(std::string name, DmaSpace& dma, Trace& trace)
    : Device(std::move(name)), m_dma(dma), m_trace(trace) {
  set_item(fw_cfg::kSignature, std::vector<u8>(kSignature.begin(), kSignature.end()));
  set_item(fw_cfg::kId, fw_cfg_le32(fw_cfg::kIdTraditional | fw_cfg::kIdDma));
  set_item(fw_cfg::kUuid, std::vector<u8>(kZeroUuid.begin(), kZeroUuid.end()));
  set_item(fw_cfg::kNographic, fw_cfg_le16(0));
  set_item(fw_cfg::kBootMenu, fw_cfg_le16(0));
  set_boot_device('c');
  set_cpus(1, 1);
  add_file("bootorder", {});
  rebuild_directory();
}

void FwCfg::attach(PortSpace& ports) {
  PortHandler control;
  control.name = name();
  control.read = [this](u16, unsigned size) -> u32 {
    // QEMU declares only byte reads valid in this pair; a wider read decodes to nothing.
    if (size != 1) return static_cast<u32>(size_mask(size));
    return read_data();
  };
  control.write = [this](u16 offset, u32 value, unsigned size) {
    if (offset == 0 && size == 2) {
      select(static_cast<u16>(value));
      return;
    }
    trace("ignored-write",
          {{"port", u64{kSelectorPort} + offset}, {"value", value}, {"size", size}},
          "data writes are ignored (QEMU 2.4+); select with a 16-bit write to 0x510");
  };
  control.impl = AccessSizes{1, 2, true};
  ports.claim(kSelectorPort, 2, std::move(control));

  PortHandler dma;
  dma.name = name() + ".dma";
  dma.read = [](u16 offset, unsigned size) -> u32 {
    if (size == 4 && (offset == 0 || offset == 4)) return dma_signature_half(offset);
    return static_cast<u32>(size_mask(size));
  };
  dma.write = [this](u16 offset, u32 value, unsigned size) {
    if (size == 4 && (offset == 0 || offset == 4)) {
      write_dma_address(offset, value);
      return;
    }
    trace("ignored-write", {{"port", u64{kDmaPort} + offset}, {"value", value}, {"size", size}},
          "the DMA address register takes 32-bit writes at 0x514 and 0x518");
  };
  dma.impl = AccessSizes{1, 4, true};
  ports.claim(kDmaPort, 8, std::move(dma));
}

// --- configuration ---------------------------------------------------------------------------

void FwCfg::set_item(u16 key, std::vector<u8> data) {
  const u16 index = key & fw_cfg::kEntryMask;
  if ((key & fw_cfg::kWriteChannel) != 0 || index >= fw_cfg::kFileFirst || key == fw_cfg::kFileDir)
    throw std::invalid_argument(
        fmt::format("fw_cfg: key {:#06x} is not a numbered item (files are added by name)", key));
  m_items[key] = Item{std::move(data), false};
}

void FwCfg::add_file(std::string name, std::vector<u8> data, FwCfgAccess access) {
  if (name.empty() || name.size() > fw_cfg::kMaxFileName || name.find('\0') != std::string::npos)
    throw std::invalid_argument(fmt::format("fw_cfg: file name '{}' must be 1 to {} characters",
                                            name, fw_cfg::kMaxFileName));
  if (m_files.size() >= fw_cfg::kEntryMask - fw_cfg::kFileFirst)
    throw std::invalid_argument("fw_cfg: no file keys left");
  // Names sort by bytes, as QEMU's strcmp does, so the order does not depend on the host locale.
  const auto at =
      std::lower_bound(m_files.begin(), m_files.end(), name,
                       [](const File& file, const std::string& n) { return file.name < n; });
  if (at != m_files.end() && at->name == name)
    throw std::invalid_argument(fmt::format("fw_cfg: file '{}' is already present", name));
  m_files.insert(at, File{std::move(name), Item{std::move(data), access == FwCfgAccess::Writable}});
  rebuild_directory();
}

void FwCfg::replace_file(std::string_view name, std::vector<u8> data) {
  for (File& file : m_files) {
    if (file.name != name) continue;
    file.item.data = std::move(data);
    rebuild_directory();
    return;
  }
  throw std::invalid_argument(fmt::format("fw_cfg: no file '{}' to replace", name));
}

std::optional<u16> FwCfg::file_key(std::string_view name) const {
  for (std::size_t i = 0; i < m_files.size(); ++i)
    if (m_files[i].name == name) return static_cast<u16>(fw_cfg::kFileFirst + i);
  return std::nullopt;
}

const std::vector<u8>* FwCfg::item(u16 key) const {
  const Item* found = find_item(key);
  return found ? &found->data : nullptr;
}

void FwCfg::set_ram_size(u64 bytes) {
  set_item(fw_cfg::kRamSize, fw_cfg_le64(bytes));
}

void FwCfg::set_cpus(u16 present, u16 max) {
  set_item(fw_cfg::kNbCpus, fw_cfg_le16(present));
  set_item(fw_cfg::kMaxCpus, fw_cfg_le16(max));
}

void FwCfg::set_boot_device(char drive) {
  set_item(fw_cfg::kBootDevice, fw_cfg_le16(static_cast<u8>(drive)));
}

void FwCfg::set_boot_order(std::span<const std::string> paths) {
  replace_file("bootorder", encode_fw_cfg_bootorder(paths));
}

void FwCfg::set_e820(std::span<const E820Entry> entries) {
  if (file_key("etc/e820"))
    replace_file("etc/e820", encode_fw_cfg_e820(entries));
  else
    add_file("etc/e820", encode_fw_cfg_e820(entries));
}

void FwCfg::set_linux_boot(const FwCfgLinuxBoot& boot) {
  const auto size32 = [](std::size_t size) { return fw_cfg_le32(static_cast<u32>(size)); };
  set_item(fw_cfg::kSetupAddr, fw_cfg_le32(boot.setup_addr));
  set_item(fw_cfg::kSetupSize, size32(boot.setup.size()));
  set_item(fw_cfg::kSetupData, boot.setup);
  set_item(fw_cfg::kKernelAddr, fw_cfg_le32(boot.kernel_addr));
  set_item(fw_cfg::kKernelSize, size32(boot.kernel.size()));
  set_item(fw_cfg::kKernelData, boot.kernel);
  const bool initrd = !boot.initrd.empty();
  set_item(fw_cfg::kInitrdAddr, fw_cfg_le32(initrd ? boot.initrd_addr : 0));
  set_item(fw_cfg::kInitrdSize, size32(boot.initrd.size()));
  set_item(fw_cfg::kInitrdData, boot.initrd);
  std::vector<u8> cmdline(boot.cmdline.begin(), boot.cmdline.end());
  cmdline.push_back('\0');
  set_item(fw_cfg::kKernelCmdline, fw_cfg_le32(boot.cmdline_addr));
  set_item(fw_cfg::kCmdlineAddr, fw_cfg_le32(boot.cmdline_addr));
  set_item(fw_cfg::kCmdlineSize, size32(cmdline.size()));
  set_item(fw_cfg::kCmdlineData, std::move(cmdline));
}

const FwCfg::Item* FwCfg::find_item(u16 key) const {
  key &= kItemKeyMask;
  if ((key & fw_cfg::kArchLocal) == 0 && key >= fw_cfg::kFileFirst) {
    const std::size_t index = key - fw_cfg::kFileFirst;
    return index < m_files.size() ? &m_files[index].item : nullptr;
  }
  const auto it = m_items.find(key);
  return it != m_items.end() ? &it->second : nullptr;
}

FwCfg::Item* FwCfg::current_item() {
  return const_cast<Item*>(find_item(m_selector));
}

void FwCfg::rebuild_directory() {
  std::vector<FwCfgFileEntry> entries;
  entries.reserve(m_files.size());
  for (std::size_t i = 0; i < m_files.size(); ++i)
    entries.push_back(FwCfgFileEntry{m_files[i].name, static_cast<u32>(m_files[i].item.data.size()),
                                     static_cast<u16>(fw_cfg::kFileFirst + i)});
  m_items[fw_cfg::kFileDir] = Item{encode_fw_cfg_file_dir(entries), false};
}

// --- guest interface -------------------------------------------------------------------------

void FwCfg::select(u16 key) {
  m_selector = key;
  m_offset = 0;
  const Item* selected = find_item(key);
  trace("select", {{"key", key}, {"size", selected ? selected->data.size() : 0}},
        selected ? std::string_view{} : "no such item: reads give 0");
}

u8 FwCfg::read_data() {
  const Item* selected = current_item();
  if (selected == nullptr || m_offset >= selected->data.size()) return 0;
  return selected->data[m_offset++];
}

void FwCfg::write_dma_address(unsigned offset, u32 value) {
  const u64 half = from_port_order(value);
  if (offset == 0) {
    m_dma_address = half << 32;
    return;
  }
  const u64 address = m_dma_address | half;
  // fw_cfg.rst: "The value for the register is 0 at startup and after an operation."
  m_dma_address = 0;
  run_dma(address);
}

bool FwCfg::dma_fill_zero(u64 address, u64 length) {
  static constexpr std::array<u8, 4096> kZeros{};
  while (length != 0) {
    const u64 chunk = std::min<u64>(length, kZeros.size());
    if (m_dma.write(address, kZeros.data(), chunk) != DmaStatus::Ok) return false;
    address += chunk;
    length -= chunk;
  }
  return true;
}

void FwCfg::run_dma(u64 address) {
  std::array<u8, kDmaAccessSize> access{};
  if (m_dma.read(address, access.data(), access.size()) != DmaStatus::Ok) {
    trace("dma", {{"access", address}}, "cannot read the access structure");
    const std::array<u8, 4> error{0, 0, 0, static_cast<u8>(fw_cfg::kDmaError)};
    m_dma.write(address, error.data(), error.size());
    return;
  }
  const u32 control = load_be32(access.data());
  u64 length = load_be32(access.data() + 4);
  u64 target = load_be64(access.data() + 8);
  if ((control & fw_cfg::kDmaSelect) != 0) select(static_cast<u16>(control >> 16));

  // One operation per access; read wins over write, write over skip (fw_cfg.rst).
  const bool read = (control & fw_cfg::kDmaRead) != 0;
  const bool write = !read && (control & fw_cfg::kDmaWrite) != 0;
  const bool skip = !read && !write && (control & fw_cfg::kDmaSkip) != 0;
  if (!read && !write && !skip) length = 0;

  const u64 requested = length;
  bool error = false;
  while (length != 0 && !error) {
    Item* selected = current_item();
    const u64 available = selected != nullptr && m_offset < selected->data.size()
                              ? selected->data.size() - m_offset
                              : 0;
    u64 chunk = length;
    if (available == 0) {
      // Past the end (or no item): reads give zeros, skips do nothing, writes fail.
      if (read) error = !dma_fill_zero(target, chunk);
      if (write) error = true;
    } else {
      chunk = std::min(length, available);
      u8* data = selected->data.data() + m_offset;
      if (read) error = m_dma.write(target, data, chunk) != DmaStatus::Ok;
      // A write may not run past the item's end, and is all or nothing (QEMU drops a truncated
      // write entirely).
      if (write) {
        if (!selected->writable || chunk != length) {
          error = true;
        } else {
          std::vector<u8> incoming(chunk);
          error = m_dma.read(target, incoming.data(), chunk) != DmaStatus::Ok;
          if (!error) std::copy(incoming.begin(), incoming.end(), data);
        }
      }
      if (!error) m_offset += chunk;
    }
    target += chunk;
    length -= chunk;
  }
  const u32 status = error ? fw_cfg::kDmaError : 0;
  trace("dma",
        {{"access", address}, {"control", control}, {"length", requested}, {"status", status}},
        read    ? "read"
        : write ? "write"
        : skip  ? "skip"
                : "select only");
  const std::array<u8, 4> result{0, 0, 0, static_cast<u8>(status)};
  m_dma.write(address, result.data(), result.size());
}

void FwCfg::trace(std::string_view what, std::initializer_list<TraceArg> args,
                  std::string_view text) {
  if (m_trace.on(TraceCategory::Device))
    m_trace.emit(TraceCategory::Device, name(), what, args, text);
}

void FwCfg::reset() {
  // QEMU's reset selects the signature item.
  m_selector = fw_cfg::kSignature;
  m_offset = 0;
  m_dma_address = 0;
}

void FwCfg::serialize(Archive& archive) {
  archive.field("selector", m_selector);
  archive.field("offset", m_offset);
  archive.field("dma_address", m_dma_address);
  // Writable files are guest state; the rest is configuration the board recreates.
  for (File& file : m_files) {
    if (!file.item.writable) continue;
    std::vector<u8> data = file.item.data;
    archive.field("file:" + file.name, data);
    if (archive.loading()) {
      if (data.size() != file.item.data.size())
        throw ArchiveError(fmt::format("{}: file '{}' has {} bytes in the snapshot, {} here",
                                       name(), file.name, data.size(), file.item.data.size()));
      file.item.data = std::move(data);
    }
  }
}

}  // namespace glasspc::firmware

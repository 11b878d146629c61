// A machine with PC RAM and an fw_cfg device on its ports, driven the way firmware drives it:
// 16-bit OUT to the selector, byte INs from the data port, DMA access structures in RAM.
#pragma once

#include <string>
#include <vector>

#include "bus/machine.h"
#include "firmware/fw_cfg.h"
#include "firmware/pc_memory_layout.h"

namespace glasspc::firmware::test {

constexpr RequesterId kFwCfgRequester = RequesterId::of(0, 0, 0);

class FwCfgBoard {
 public:
  explicit FwCfgBoard(u64 ram_size = 16 * kMiB) {
    map_pc_ram(m_machine.memory(), pc_memory_layout(ram_size));
    m_fw_cfg =
        &m_machine.add_device<FwCfg>("fw_cfg", m_machine.dma(kFwCfgRequester), m_machine.trace());
    m_fw_cfg->attach(m_machine.ports());
  }

  Machine& machine() { return m_machine; }
  FwCfg& fw_cfg() { return *m_fw_cfg; }
  PortSpace& ports() { return m_machine.ports(); }

  void select(u16 key) { ports().write(FwCfg::kSelectorPort, key, 2); }
  std::vector<u8> read(std::size_t count) {
    std::vector<u8> bytes(count);
    for (u8& byte : bytes) byte = static_cast<u8>(ports().read(FwCfg::kDataPort, 1));
    return bytes;
  }
  std::vector<u8> read_item(u16 key, std::size_t count) {
    select(key);
    return read(count);
  }

  // Writes a FWCfgDmaAccess (big-endian fields) at `access` and starts it with the two 32-bit
  // OUTs firmware uses: cpu_to_be32 of each half, high half first.
  void dma(u64 access, u32 control, u32 length, u64 address) {
    put_be32(access, control);
    put_be32(access + 4, length);
    put_be32(access + 8, static_cast<u32>(address >> 32));
    put_be32(access + 12, static_cast<u32>(address));
    ports().write(FwCfg::kDmaPort, bswap(static_cast<u32>(access >> 32)), 4);
    ports().write(FwCfg::kDmaPort + 4, bswap(static_cast<u32>(access)), 4);
  }
  // The control word as the device left it (host order).
  u32 dma_control(u64 access) {
    return bswap(static_cast<u32>(m_machine.memory().read(access, 4)));
  }

  std::vector<u8> memory(u64 gpa, std::size_t length) {
    std::vector<u8> bytes(length);
    m_machine.memory().read_bytes(gpa, bytes.data(), length);
    return bytes;
  }
  void fill(u64 gpa, std::size_t length, u8 value) {
    const std::vector<u8> bytes(length, value);
    m_machine.memory().write_bytes(gpa, bytes.data(), length);
  }

  static u32 bswap(u32 value) {
    return ((value & 0xFF) << 24) | ((value & 0xFF00) << 8) | ((value >> 8) & 0xFF00) |
           (value >> 24);
  }

 private:
  void put_be32(u64 gpa, u32 value) { m_machine.memory().write(gpa, bswap(value), 4); }

  Machine m_machine;
  FwCfg* m_fw_cfg = nullptr;
};

inline u32 be32_at(const std::vector<u8>& bytes, std::size_t offset) {
  return (u32{bytes.at(offset)} << 24) | (u32{bytes.at(offset + 1)} << 16) |
         (u32{bytes.at(offset + 2)} << 8) | u32{bytes.at(offset + 3)};
}
inline u16 be16_at(const std::vector<u8>& bytes, std::size_t offset) {
  return static_cast<u16>((bytes.at(offset) << 8) | bytes.at(offset + 1));
}
inline u64 le_at(const std::vector<u8>& bytes, std::size_t offset, unsigned size) {
  u64 value = 0;
  for (unsigned i = 0; i < size; ++i) value |= u64{bytes.at(offset + i)} << (8 * i);
  return value;
}

}  // namespace glasspc::firmware::test

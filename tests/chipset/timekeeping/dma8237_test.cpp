// The 8237A pair: programming, transfers through the ISA DmaSpace, TC, auto-init, masks.
#include "chipset/dma8237.h"

#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "bus/clock.h"
#include "bus/dma_space.h"
#include "bus/memory_map.h"
#include "bus/port_space.h"
#include "bus/trace.h"

namespace glasspc::test {
namespace {

using namespace dma;

struct DmaRig {
  static constexpr u64 kRamSize = 1024 * 1024;
  Clock clock;
  Trace trace{clock};
  MemoryMap memory{trace};
  PortSpace ports{trace};
  DmaSpace space{kIsaDmaRequester, memory, trace};
  Dma8237 dma{"dma", space, trace};

  DmaRig() {
    memory.allocate_ram(kRamSize);
    memory.add_ram("ram", 0, kRamSize, 0);
    dma.attach(ports);
    // What PC firmware does at POST: channel 4 in cascade mode, unmasked.
    unmask_cascade();
  }
  void out(u16 port, u8 value) { ports.write(port, value, 1); }
  u8 in(u16 port) { return static_cast<u8>(ports.read(port, 1)); }
  // The usual driver sequence for an 8-bit channel (0-3).
  void program8(unsigned channel, u8 mode, u32 physical, u16 count) {
    out(kRegSingleMask, static_cast<u8>(kSetBit | channel));
    out(kRegClearFlipFlop, 0);
    out(kRegMode, static_cast<u8>(mode | channel));
    out(static_cast<u16>(2 * channel), static_cast<u8>(physical));
    out(static_cast<u16>(2 * channel), static_cast<u8>(physical >> 8));
    out(kPagePorts[channel], static_cast<u8>(physical >> 16));
    out(static_cast<u16>(2 * channel + 1), static_cast<u8>(count));
    out(static_cast<u16>(2 * channel + 1), static_cast<u8>(count >> 8));
    out(kRegSingleMask, static_cast<u8>(channel));
  }
  // Controller 2: registers at 0xC0 + 2 * index; channels 4-7 count words.
  void out2(unsigned reg, u8 value) { out(static_cast<u16>(kController2Base + 2 * reg), value); }
  u8 in2(unsigned reg) { return in(static_cast<u16>(kController2Base + 2 * reg)); }
  void unmask_cascade() {
    out2(kRegMode, kModeCascade | 0);
    out2(kRegSingleMask, 0);
  }
  std::vector<u8> ram(u64 address, std::size_t length) {
    return std::vector<u8>(memory.ram() + address, memory.ram() + address + length);
  }
};

std::vector<u8> pattern(std::size_t length, u8 first = 1) {
  std::vector<u8> bytes(length);
  std::iota(bytes.begin(), bytes.end(), first);
  return bytes;
}

TEST_CASE("dma: programming a channel through the byte pointer flip-flop", "[dma]") {
  DmaRig rig;
  rig.program8(2, kModeSingle | kModeWrite, 0x21234, 0x01ff);
  CHECK(rig.dma.current_address(2) == 0x1234);
  CHECK(rig.dma.current_count(2) == 0x01ff);
  CHECK(rig.dma.page(2) == 0x02);
  CHECK(rig.in(0x81) == 0x02);
  CHECK(rig.dma.mode(2) == (kModeSingle | kModeWrite));
  CHECK_FALSE(rig.dma.masked(2));
  // Reads go low byte, high byte through the same flip-flop.
  rig.out(kRegClearFlipFlop, 0);
  CHECK(rig.in(4) == 0x34);
  CHECK(rig.in(4) == 0x12);
  CHECK(rig.in(5) == 0xff);
  CHECK(rig.in(5) == 0x01);
  // A stray read leaves the flip-flop on the high byte until it is cleared.
  CHECK(rig.in(4) == 0x34);
  rig.out(kRegClearFlipFlop, 0);
  CHECK(rig.in(4) == 0x34);
  rig.out(kRegClearFlipFlop, 0);
  // Every page register port the PC uses, and 0x80 is not ours.
  for (unsigned channel = 0; channel < kChannelCount; ++channel) {
    rig.out(kPagePorts[channel], static_cast<u8>(0x10 + channel));
    CHECK(rig.dma.page(channel) == 0x10 + channel);
  }
  CHECK(rig.ports.owner(0x80).empty());
  // The temporary register reads 0 (no memory-to-memory transfer happened).
  CHECK(rig.in(kRegTemporaryMasterClear) == 0x00);
}

TEST_CASE("dma: a memory write transfer through the DmaSpace ends at terminal count", "[dma]") {
  DmaRig rig;
  rig.program8(2, kModeSingle | kModeWrite, 0x21000, 511);  // 512 bytes
  REQUIRE(rig.dma.channel_ready(2));
  std::vector<u8> data = pattern(600);
  // The device offers 256 bytes, then the rest; the chip stops after 512.
  DmaTransfer first = rig.dma.transfer(2, std::span<u8>(data.data(), 256), true);
  CHECK(first.bytes == 256);
  CHECK_FALSE(first.terminal_count);
  CHECK(rig.dma.current_address(2) == 0x1100);
  CHECK(rig.dma.current_count(2) == 255);
  CHECK((rig.in(kRegStatusCommand)&kStatusTcMask) == 0);
  DmaTransfer second = rig.dma.transfer(2, std::span<u8>(data.data() + 256, 344), true);
  CHECK(second.bytes == 256);
  CHECK(second.terminal_count);
  CHECK(rig.ram(0x21000, 512) == std::vector<u8>(data.begin(), data.begin() + 512));
  CHECK(rig.ram(0x21200, 1) == std::vector<u8>{0});
  CHECK(rig.dma.current_count(2) == 0xffff);
  // TC sets the status bit (cleared by reading) and masks the channel.
  CHECK(rig.in(kRegStatusCommand) == 0x04);
  CHECK(rig.in(kRegStatusCommand) == 0x00);
  CHECK(rig.dma.masked(2));
  CHECK(rig.dma.transfer(2, data, true).bytes == 0);
}

TEST_CASE("dma: a memory read transfer feeds the device", "[dma]") {
  DmaRig rig;
  const std::vector<u8> source = pattern(16, 0x40);
  rig.memory.write_bytes(0x5000, source.data(), source.size());
  rig.program8(1, kModeBlock | kModeRead, 0x5000, 15);
  std::vector<u8> buffer(32, 0xee);
  const DmaTransfer t = rig.dma.transfer(1, buffer, false);
  CHECK(t.bytes == 16);
  CHECK(t.terminal_count);
  CHECK(std::vector<u8>(buffer.begin(), buffer.begin() + 16) == source);
  CHECK(buffer[16] == 0xee);
  // A device asking for the other direction gets nothing.
  rig.program8(1, kModeSingle | kModeRead, 0x5000, 15);
  CHECK(rig.dma.transfer(1, buffer, true).bytes == 0);
  CHECK(rig.dma.current_count(1) == 15);
}

TEST_CASE("dma: auto-initialize reloads the base registers at terminal count", "[dma]") {
  DmaRig rig;
  rig.program8(3, kModeSingle | kModeWrite | kModeAutoInit, 0x8000, 3);  // 4-byte ring
  std::vector<u8> data = pattern(10);
  const DmaTransfer t = rig.dma.transfer(3, data, true);
  CHECK(t.bytes == 10);
  CHECK(t.terminal_count);
  // Bytes 9 and 10 overwrote the start of the ring after the reload.
  CHECK(rig.ram(0x8000, 5) == std::vector<u8>{9, 10, 7, 8, 0});
  CHECK(rig.dma.current_address(3) == 0x8002);
  CHECK(rig.dma.current_count(3) == 1);
  CHECK_FALSE(rig.dma.masked(3));
  CHECK(rig.in(kRegStatusCommand) == 0x08);
}

TEST_CASE("dma: address decrement stores the first byte highest", "[dma]") {
  DmaRig rig;
  rig.program8(0, kModeSingle | kModeWrite | kModeDecrement, 0x3010, 7);
  std::vector<u8> data = pattern(8);
  CHECK(rig.dma.transfer(0, data, true).bytes == 8);
  CHECK(rig.ram(0x3009, 8) == std::vector<u8>{8, 7, 6, 5, 4, 3, 2, 1});
  CHECK(rig.dma.current_address(0) == 0x3008);
  // Reading back downwards gives the bytes in the original order.
  rig.program8(0, kModeSingle | kModeRead | kModeDecrement, 0x3010, 7);
  std::vector<u8> back(8);
  CHECK(rig.dma.transfer(0, back, false).bytes == 8);
  CHECK(back == data);
}

TEST_CASE("dma: single, all and clear mask registers, master clear and cascade", "[dma]") {
  DmaRig rig;
  rig.out2(kRegSingleMask, kSetBit | 0);
  rig.program8(0, kModeSingle | kModeWrite, 0x1000, 15);
  // Channel 0 reaches the bus through channel 4 of controller 2, masked here.
  CHECK_FALSE(rig.dma.channel_ready(0));
  std::vector<u8> data = pattern(4);
  CHECK(rig.dma.transfer(0, data, true).bytes == 0);
  rig.unmask_cascade();
  CHECK(rig.dma.channel_ready(0));

  CHECK(rig.in(kRegAllMask) == 0xfe);  // channels 1-3 still masked since reset
  rig.out(kRegClearMask, 0);
  rig.out(kRegSingleMask, kSetBit | 0);
  CHECK(rig.dma.masked(0));
  CHECK(rig.in(kRegAllMask) == 0xf1);
  rig.out(kRegClearMask, 0);
  CHECK(rig.in(kRegAllMask) == 0xf0);
  rig.out(kRegAllMask, 0x0a);
  CHECK(rig.dma.masked(1));
  CHECK(rig.dma.masked(3));
  CHECK_FALSE(rig.dma.masked(0));
  // Controller disable stops all its channels.
  rig.out(kRegStatusCommand, kCommandDisable);
  CHECK_FALSE(rig.dma.channel_ready(0));
  rig.out(kRegStatusCommand, 0);
  CHECK(rig.dma.channel_ready(0));
  // Master clear masks everything and clears the flip-flop.
  rig.out(0, 0x55);  // flip-flop now on the high byte
  rig.out(kRegTemporaryMasterClear, 0);
  CHECK(rig.in(kRegAllMask) == 0xff);
  rig.out(kRegSingleMask, 0);
  rig.out(0, 0x78);
  rig.out(0, 0x56);
  CHECK(rig.dma.current_address(0) == 0x5678);
  // The cascade channel itself never transfers.
  CHECK_FALSE(rig.dma.channel_ready(4));
}

TEST_CASE("dma: 16-bit channels count words and use 128 KiB pages", "[dma]") {
  DmaRig rig;
  rig.out2(kRegSingleMask, kSetBit | 1);
  rig.out2(kRegClearFlipFlop, 0);
  rig.out2(kRegMode, kModeSingle | kModeWrite | 1);  // channel 5
  // Word address 0x8000 on page 3: physical (0x03 & 0xFE) << 16 | 0x8000 << 1 = 0x30000.
  rig.out2(2, 0x00);
  rig.out2(2, 0x80);
  rig.out(kPagePorts[5], 0x03);
  rig.out2(3, 3);  // 4 words
  rig.out2(3, 0);
  rig.out2(kRegSingleMask, 1);
  REQUIRE(rig.dma.channel_ready(5));
  std::vector<u8> data = pattern(11);
  const DmaTransfer t = rig.dma.transfer(5, data, true);
  CHECK(t.bytes == 8);
  CHECK(t.terminal_count);
  CHECK(rig.ram(0x30000, 9) == std::vector<u8>{1, 2, 3, 4, 5, 6, 7, 8, 0});
  CHECK(rig.dma.current_address(5) == 0x8004);
  CHECK(rig.in2(kRegStatusCommand) == 0x02);
  // Odd ports of controller 2 do not decode.
  CHECK(rig.in(kController2Base + 1) == 0xff);
}

TEST_CASE("dma: verify transfers count without touching memory, the address wraps in its page",
          "[dma]") {
  DmaRig rig;
  rig.program8(2, kModeSingle | kModeVerify, 0x40000, 9);
  std::vector<u8> data = pattern(10);
  CHECK(rig.dma.transfer(2, data, true).bytes == 10);
  CHECK(rig.ram(0x40000, 10) == std::vector<u8>(10, 0));
  CHECK(rig.dma.current_address(2) == 10);

  // 0x1FFFE: two bytes at the top of page 1, then the address wraps to 0x10000 (no carry into
  // the page register).
  rig.program8(2, kModeSingle | kModeWrite, 0x1fffe, 3);
  CHECK(rig.dma.transfer(2, data, true).bytes == 4);
  CHECK(rig.ram(0x1fffe, 2) == std::vector<u8>{1, 2});
  CHECK(rig.ram(0x10000, 2) == std::vector<u8>{3, 4});
  CHECK(rig.ram(0x20000, 2) == std::vector<u8>{0, 0});
  CHECK(rig.dma.page(2) == 0x01);
}

TEST_CASE("dma: request register and DREQ pins show in the status register", "[dma]") {
  DmaRig rig;
  rig.dma.set_dreq(1, true);
  CHECK(rig.in(kRegStatusCommand) == 0x20);
  rig.out(kRegRequest, kSetBit | 3);
  CHECK(rig.in(kRegStatusCommand) == 0xa0);
  rig.out(kRegRequest, 3);
  rig.dma.set_dreq(1, false);
  CHECK(rig.in(kRegStatusCommand) == 0x00);
  rig.dma.set_dreq(6, true);
  CHECK(rig.in2(kRegStatusCommand) == 0x40);
  // Out-of-range channels and garbage on every port are harmless.
  rig.dma.set_dreq(9, true);
  std::vector<u8> data(4);
  CHECK(rig.dma.transfer(12, data, true).bytes == 0);
  for (unsigned port = 0; port < 0x100; ++port) {
    rig.ports.write(static_cast<u16>(port), 0xff, 1);
    rig.ports.read(static_cast<u16>(port), 1);
  }
}

}  // namespace
}  // namespace glasspc::test

// The PC's two Intel 8237A DMA controllers (8237A datasheet; PIIX3 datasheet,
// "DMA Registers"): controller 1 serves the 8-bit channels 0-3 at ports 0x00-0x0F, controller 2
// the 16-bit channels 4-7 at the even ports 0xC0-0xDE, with its channel 4 cascading controller 1.
// The page registers at 0x81-0x8F supply address bits 16-23 (0x80 is the POST port, not ours).
//
// An ISA device moves data by calling transfer() for its channel while the guest has the channel
// programmed and unmasked; the bytes go through the ISA DmaSpace (requester 00:01.0), so they
// are traced and translated like any other DMA. The real chip interleaves single, block and
// demand cycles with the CPU's bus use; that takes no virtual time here, so the three modes
// move the same bytes: as many as the device offers, up to terminal count. At terminal count the
// channel's TC status bit is set and it either reloads (auto-initialize) or masks itself.
#pragma once

#include <array>
#include <span>
#include <string>

#include "bus/device.h"
#include "bus/dma_space.h"
#include "bus/port_space.h"
#include "bus/trace.h"
#include "bus/types.h"

namespace glasspc {

// Register offsets and bits, as in the 8237A datasheet ("Register Description").
namespace dma {
constexpr u16 kController1Base = 0x00;
constexpr u16 kController2Base = 0xc0;
constexpr unsigned kRegisterCount = 16;  // per controller; controller 2 decodes even ports only

// Register index within a controller (port offset, or port offset / 2 on controller 2).
constexpr unsigned kRegChannelAddress0 = 0x0;  // channel n address: 2n, count: 2n + 1
constexpr unsigned kRegStatusCommand = 0x8;    // read: status, write: command
constexpr unsigned kRegRequest = 0x9;
constexpr unsigned kRegSingleMask = 0xa;
constexpr unsigned kRegMode = 0xb;
constexpr unsigned kRegClearFlipFlop = 0xc;
constexpr unsigned kRegTemporaryMasterClear = 0xd;  // read: temporary, write: master clear
constexpr unsigned kRegClearMask = 0xe;
constexpr unsigned kRegAllMask = 0xf;  // write all mask bits; readable on the PIIX

constexpr u8 kChannelSelect = 0x03;  // request, single mask and mode registers: bits 1-0

// Command register.
constexpr u8 kCommandMemToMem = 0x01;  // memory-to-memory (not supported on the PC's PIIX)
constexpr u8 kCommandDisable = 0x04;   // controller disable

// Request and single mask registers: bit 2 sets (1) or clears (0) the channel's bit.
constexpr u8 kSetBit = 0x04;

// Mode register.
constexpr u8 kModeTransferMask = 0x0c;
constexpr u8 kModeVerify = 0x00;
constexpr u8 kModeWrite = 0x04;  // I/O device -> memory
constexpr u8 kModeRead = 0x08;   // memory -> I/O device
constexpr u8 kModeIllegal = 0x0c;
constexpr u8 kModeAutoInit = 0x10;
constexpr u8 kModeDecrement = 0x20;
constexpr u8 kModeSelectMask = 0xc0;
constexpr u8 kModeDemand = 0x00;
constexpr u8 kModeSingle = 0x40;
constexpr u8 kModeBlock = 0x80;
constexpr u8 kModeCascade = 0xc0;

// Status register: TC bits 3-0 (cleared by reading), request bits 7-4.
constexpr u8 kStatusTcMask = 0x0f;
constexpr unsigned kStatusRequestShift = 4;

constexpr unsigned kChannelCount = 8;
constexpr unsigned kCascadeChannel = 4;
constexpr u8 kAllMasked = 0x0f;

// Page register ports, indexed by channel (channel 4's register exists but is unused).
constexpr std::array<u16, kChannelCount> kPagePorts = {0x87, 0x83, 0x81, 0x82,
                                                       0x8f, 0x8b, 0x89, 0x8a};
}  // namespace dma

struct DmaTransfer {
  std::size_t bytes = 0;        // bytes taken from or given to the device's buffer
  bool terminal_count = false;  // the channel reached terminal count during this transfer
};

class Dma8237 : public Device {
 public:
  // `dma` is the DMA view of the ISA bridge (kIsaDmaRequester).
  Dma8237(std::string name, DmaSpace& dma, Trace& trace);

  // Claims 0x00-0x0F, 0xC0-0xDF and the eight page registers.
  void attach(PortSpace& ports);

  // Can `channel` transfer now: controller enabled, channel unmasked (and, for 0-3, the
  // cascade channel 4 unmasked), a transfer type and mode programmed that moves data?
  bool channel_ready(unsigned channel) const;
  // Moves data for the device on `channel`: device_to_memory for a device that writes memory
  // (the mode register's "write transfer"), else memory to the device's buffer. A direction that
  // disagrees with the programmed mode moves nothing. Verify transfers advance address and count
  // without touching memory. 16-bit channels move whole words (an odd last byte is left).
  DmaTransfer transfer(unsigned channel, std::span<u8> buffer, bool device_to_memory);
  // The device's DREQ pin, shown in the status register's request bits.
  void set_dreq(unsigned channel, bool active);

  // Inspection (monitor, tests): the channel's registers as the guest would read them.
  u16 current_address(unsigned channel) const;
  u16 current_count(unsigned channel) const;
  u8 mode(unsigned channel) const;
  bool masked(unsigned channel) const;
  u8 page(unsigned channel) const;

  void reset() override;
  void serialize(Archive& archive) override;

 private:
  struct Channel {
    u16 base_address = 0;
    u16 base_count = 0;
    u16 current_address = 0;
    u16 current_count = 0;
    u8 mode = 0;
    u8 page = 0;
  };
  struct Controller {
    std::array<Channel, 4> channels{};
    u8 command = 0;
    u8 status_tc = 0;  // TC bits 3-0
    u8 request = 0;    // software requests, bits 3-0
    u8 dreq = 0;       // DREQ pins, bits 3-0
    u8 mask = dma::kAllMasked;
    u8 temporary = 0;
    bool flip_flop = false;  // false: next byte is the low byte
  };

  u8 read_register(unsigned controller, unsigned reg);
  void write_register(unsigned controller, unsigned reg, u8 value);
  void master_clear(Controller& controller);
  Channel& channel_state(unsigned channel);
  const Channel& channel_state(unsigned channel) const;
  void move_units(unsigned channel, Channel& state, u8* data, u32 units, bool to_memory);
  void trace_register(const char* what, unsigned controller, unsigned reg, u8 value);

  DmaSpace& m_dma;
  Trace& m_trace;
  std::array<Controller, 2> m_controllers{};
  std::array<PortClaimId, 2 + dma::kChannelCount> m_claims{};
  PortSpace* m_ports = nullptr;
};

}  // namespace glasspc

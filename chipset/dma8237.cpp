#include "chipset/dma8237.h"

#include <algorithm>
#include <string>
#include <vector>

#include "bus/archive.h"

namespace glasspc {

using namespace dma;

namespace {

constexpr unsigned kChannelsPerController = 4;
constexpr u32 kAddressSpan = 0x10000;  // the address register wraps within 64K units
constexpr u8 kFloatingBus = 0xff;
constexpr u8 kWordPageMask = 0xfe;  // 16-bit channels: page bit 0 is replaced by address A16
constexpr u16 kController2Span = 2 * kRegisterCount;

unsigned controller_of(unsigned channel) {
  return channel / kChannelsPerController;
}
u8 bit_of(unsigned channel) {
  return static_cast<u8>(1u << (channel % kChannelsPerController));
}

const char* register_name(unsigned reg) {
  static constexpr const char* kNames[kRegisterCount] = {
      "CH0_ADDRESS",     "CH0_COUNT",
      "CH1_ADDRESS",     "CH1_COUNT",
      "CH2_ADDRESS",     "CH2_COUNT",
      "CH3_ADDRESS",     "CH3_COUNT",
      "STATUS_COMMAND",  "REQUEST",
      "SINGLE_MASK",     "MODE",
      "CLEAR_FLIP_FLOP", "TEMPORARY_MASTER_CLEAR",
      "CLEAR_MASK",      "ALL_MASK"};
  return kNames[reg % kRegisterCount];
}

}  // namespace

Dma8237::Dma8237(std::string name, DmaSpace& dma, Trace& trace)
    : Device(std::move(name)), m_dma(dma), m_trace(trace) {
  reset();
}

void Dma8237::attach(PortSpace& ports) {
  if (m_ports != nullptr)
    for (PortClaimId id : m_claims) m_ports->release(id);
  m_ports = &ports;

  PortHandler first;
  first.name = name();
  first.traces_itself = true;
  first.read = [this](u16 offset, unsigned) -> u32 { return read_register(0, offset); };
  first.write = [this](u16 offset, u32 value, unsigned) {
    write_register(0, offset, static_cast<u8>(value));
  };
  m_claims[0] = ports.claim(kController1Base, kRegisterCount, std::move(first));

  // Controller 2 sits on address lines A4-A1 (PIIX3 datasheet, DMA register map): only the even
  // ports decode.
  PortHandler second;
  second.name = name();
  second.traces_itself = true;
  second.read = [this](u16 offset, unsigned) -> u32 {
    return (offset & 1) ? kFloatingBus : read_register(1, offset / 2);
  };
  second.write = [this](u16 offset, u32 value, unsigned) {
    if ((offset & 1) == 0) write_register(1, offset / 2, static_cast<u8>(value));
  };
  m_claims[1] = ports.claim(kController2Base, kController2Span, std::move(second));

  for (unsigned channel = 0; channel < kChannelCount; ++channel) {
    PortHandler page;
    page.name = name();
    page.read = [this, channel](u16, unsigned) -> u32 { return channel_state(channel).page; };
    page.write = [this, channel](u16, u32 value, unsigned) {
      channel_state(channel).page = static_cast<u8>(value);
    };
    m_claims[2 + channel] = ports.claim(kPagePorts[channel], 1, std::move(page));
  }
}

Dma8237::Channel& Dma8237::channel_state(unsigned channel) {
  return m_controllers[controller_of(channel)].channels[channel % kChannelsPerController];
}

const Dma8237::Channel& Dma8237::channel_state(unsigned channel) const {
  return m_controllers[controller_of(channel)].channels[channel % kChannelsPerController];
}

// --- registers -----------------------------------------------------------------------------------

u8 Dma8237::read_register(unsigned index, unsigned reg) {
  Controller& c = m_controllers[index];
  u8 value = kFloatingBus;
  if (reg < kRegStatusCommand) {
    // Address and count registers are 16 bits read through the byte pointer flip-flop.
    const Channel& ch = c.channels[reg / 2];
    const u16 word = (reg & 1) ? ch.current_count : ch.current_address;
    value = static_cast<u8>(c.flip_flop ? word >> 8 : word);
    c.flip_flop = !c.flip_flop;
  } else if (reg == kRegStatusCommand) {
    // TC bits are cleared by the read; request bits show software requests and DREQ pins.
    value = static_cast<u8>(c.status_tc | ((c.request | c.dreq) << kStatusRequestShift));
    c.status_tc = 0;
  } else if (reg == kRegTemporaryMasterClear) {
    value = c.temporary;
  } else if (reg == kRegAllMask) {
    value = static_cast<u8>(0xf0 | c.mask);  // PIIX3: the mask bits, upper bits read as ones
  }
  trace_register("read", index, reg, value);
  return value;
}

void Dma8237::write_register(unsigned index, unsigned reg, u8 value) {
  trace_register("write", index, reg, value);
  Controller& c = m_controllers[index];
  if (reg < kRegStatusCommand) {
    // A write loads the base and current register together (datasheet, "Base and Current").
    Channel& ch = c.channels[reg / 2];
    u16& base = (reg & 1) ? ch.base_count : ch.base_address;
    u16& current = (reg & 1) ? ch.current_count : ch.current_address;
    if (c.flip_flop)
      base = static_cast<u16>((base & 0x00ff) | (value << 8));
    else
      base = static_cast<u16>((base & 0xff00) | value);
    current = base;
    c.flip_flop = !c.flip_flop;
    return;
  }
  const unsigned selected = value & kChannelSelect;
  const u8 bit = static_cast<u8>(1u << selected);
  switch (reg) {
    case kRegStatusCommand:
      c.command = value;
      break;
    case kRegRequest:
      // A software request is latched and shown in the status register. With no I/O device
      // taking part it only serves memory-to-memory transfers, which the PC's PIIX lacks.
      c.request = (value & kSetBit) ? (c.request | bit) : (c.request & ~bit);
      break;
    case kRegSingleMask:
      c.mask = (value & kSetBit) ? (c.mask | bit) : (c.mask & ~bit);
      break;
    case kRegMode:
      c.channels[selected].mode = value & static_cast<u8>(~kChannelSelect);
      break;
    case kRegClearFlipFlop:
      c.flip_flop = false;
      break;
    case kRegTemporaryMasterClear:
      master_clear(c);
      break;
    case kRegClearMask:
      c.mask = 0;
      break;
    case kRegAllMask:
      c.mask = value & kAllMasked;
      break;
    default:
      break;
  }
}

// Datasheet, "Software Commands": master clear has the same effect as the RESET pin: command,
// status, request, temporary and flip-flop cleared, all channels masked.
void Dma8237::master_clear(Controller& c) {
  c.command = 0;
  c.status_tc = 0;
  c.request = 0;
  c.temporary = 0;
  c.flip_flop = false;
  c.mask = kAllMasked;
}

void Dma8237::trace_register(const char* what, unsigned controller, unsigned reg, u8 value) {
  if (!m_trace.on(TraceCategory::Reg)) return;
  const u64 port = controller == 0 ? kController1Base + reg : kController2Base + 2 * reg;
  m_trace.emit(TraceCategory::Reg, name(), register_name(reg),
               {{"controller", controller + 1}, {"port", port}, {"value", value}}, what);
}

// --- transfers -----------------------------------------------------------------------------------

bool Dma8237::channel_ready(unsigned channel) const {
  if (channel >= kChannelCount) return false;
  const Controller& c = m_controllers[controller_of(channel)];
  const Channel& ch = channel_state(channel);
  if ((c.command & kCommandDisable) || (c.mask & bit_of(channel))) return false;
  if ((ch.mode & kModeSelectMask) == kModeCascade) return false;
  if ((ch.mode & kModeTransferMask) == kModeIllegal) return false;
  if (channel < kCascadeChannel) {
    // Controller 1 reaches the bus through controller 2's channel 4 (its HRQ is DREQ4).
    const Controller& master = m_controllers[1];
    if ((master.command & kCommandDisable) || (master.mask & bit_of(kCascadeChannel))) return false;
  }
  return true;
}

DmaTransfer Dma8237::transfer(unsigned channel, std::span<u8> buffer, bool device_to_memory) {
  DmaTransfer result;
  if (!channel_ready(channel)) return result;
  Controller& c = m_controllers[controller_of(channel)];
  Channel& ch = channel_state(channel);
  const u8 type = ch.mode & kModeTransferMask;
  const bool verify = type == kModeVerify;
  if (!verify && device_to_memory != (type == kModeWrite)) return result;

  const unsigned unit = channel >= kCascadeChannel ? 2 : 1;
  const bool decrement = (ch.mode & kModeDecrement) != 0;
  u64 offered = buffer.size() / unit;
  while (offered > 0) {
    // The chip transfers count + 1 units, and the address wraps inside its 64K-unit page.
    const u32 to_terminal = u32{ch.current_count} + 1;
    const u32 to_wrap = decrement ? u32{ch.current_address} + 1 : kAddressSpan - ch.current_address;
    const u32 run = static_cast<u32>(std::min<u64>(offered, std::min(to_terminal, to_wrap)));
    if (!verify) move_units(channel, ch, buffer.data() + result.bytes, run, device_to_memory);
    ch.current_address =
        static_cast<u16>(decrement ? ch.current_address - run : ch.current_address + run);
    ch.current_count = static_cast<u16>(ch.current_count - run);
    result.bytes += std::size_t{run} * unit;
    offered -= run;
    if (run != to_terminal) continue;

    // Terminal count: the count rolled over from 0 to 0xFFFF.
    result.terminal_count = true;
    c.status_tc |= bit_of(channel);
    c.request &= static_cast<u8>(~bit_of(channel));
    if (m_trace.on(TraceCategory::Dma)) {
      m_trace.emit(TraceCategory::Dma, name(), "terminal count",
                   {{"channel", channel}, {"auto_init", (ch.mode & kModeAutoInit) != 0}});
    }
    if (ch.mode & kModeAutoInit) {
      ch.current_address = ch.base_address;
      ch.current_count = ch.base_count;
    } else {
      c.mask |= bit_of(channel);
      break;
    }
  }
  return result;
}

// Moves `units` units between the device's bytes and memory, starting at the channel's current
// address and going up or down. Physical address: page register above the 16-bit address for
// channels 0-3; for 16-bit channels the address counts words, so it is shifted left by one and
// page bit 0 gives way to A16 (128 KiB pages).
void Dma8237::move_units(unsigned channel, Channel& ch, u8* data, u32 units, bool to_memory) {
  const bool word = channel >= kCascadeChannel;
  const unsigned unit = word ? 2 : 1;
  const bool decrement = (ch.mode & kModeDecrement) != 0;
  const u16 lowest =
      decrement ? static_cast<u16>(ch.current_address - (units - 1)) : ch.current_address;
  const Gpa address =
      word ? (Gpa{static_cast<u8>(ch.page & kWordPageMask)} << 16) | (Gpa{lowest} << 1)
           : (Gpa{ch.page} << 16) | lowest;
  const u64 length = u64{units} * unit;
  if (!decrement) {
    if (to_memory)
      m_dma.write(address, data, length);
    else
      m_dma.read(address, data, length);
    return;
  }
  // Decrementing: the device's first unit lands at the highest address.
  std::vector<u8> reversed(length);
  if (to_memory) {
    for (u32 k = 0; k < units; ++k)
      std::copy_n(data + k * unit, unit, reversed.data() + (units - 1 - k) * unit);
    m_dma.write(address, reversed.data(), length);
  } else {
    m_dma.read(address, reversed.data(), length);
    for (u32 k = 0; k < units; ++k)
      std::copy_n(reversed.data() + (units - 1 - k) * unit, unit, data + k * unit);
  }
}

void Dma8237::set_dreq(unsigned channel, bool active) {
  if (channel >= kChannelCount) return;
  Controller& c = m_controllers[controller_of(channel)];
  c.dreq = active ? (c.dreq | bit_of(channel)) : (c.dreq & ~bit_of(channel));
}

// --- inspection, reset, snapshot -----------------------------------------------------------------

u16 Dma8237::current_address(unsigned channel) const {
  return channel < kChannelCount ? channel_state(channel).current_address : 0;
}
u16 Dma8237::current_count(unsigned channel) const {
  return channel < kChannelCount ? channel_state(channel).current_count : 0;
}
u8 Dma8237::mode(unsigned channel) const {
  return channel < kChannelCount ? channel_state(channel).mode : 0;
}
bool Dma8237::masked(unsigned channel) const {
  return channel >= kChannelCount ||
         (m_controllers[controller_of(channel)].mask & bit_of(channel)) != 0;
}
u8 Dma8237::page(unsigned channel) const {
  return channel < kChannelCount ? channel_state(channel).page : 0;
}

void Dma8237::reset() {
  for (Controller& c : m_controllers) {
    master_clear(c);
    c.dreq = 0;
    for (Channel& ch : c.channels) ch = Channel{};
  }
}

void Dma8237::serialize(Archive& archive) {
  for (unsigned index = 0; index < m_controllers.size(); ++index) {
    Controller& c = m_controllers[index];
    ArchiveSection section(archive, index == 0 ? "controller1" : "controller2", 1);
    archive.field("command", c.command);
    archive.field("status_tc", c.status_tc);
    archive.field("request", c.request);
    archive.field("dreq", c.dreq);
    archive.field("mask", c.mask);
    archive.field("temporary", c.temporary);
    archive.field("flip_flop", c.flip_flop);
    std::array<u16, kChannelsPerController> base_address{}, base_count{}, current_address{},
        current_count{};
    std::array<u8, kChannelsPerController> mode{}, page{};
    for (unsigned i = 0; i < kChannelsPerController; ++i) {
      base_address[i] = c.channels[i].base_address;
      base_count[i] = c.channels[i].base_count;
      current_address[i] = c.channels[i].current_address;
      current_count[i] = c.channels[i].current_count;
      mode[i] = c.channels[i].mode;
      page[i] = c.channels[i].page;
    }
    archive.field("base_address", base_address);
    archive.field("base_count", base_count);
    archive.field("current_address", current_address);
    archive.field("current_count", current_count);
    archive.field("mode", mode);
    archive.field("page", page);
    for (unsigned i = 0; i < kChannelsPerController; ++i) {
      c.channels[i] = Channel{base_address[i],  base_count[i], current_address[i],
                              current_count[i], mode[i],       page[i]};
    }
    c.status_tc &= kStatusTcMask;
    c.request &= kAllMasked;
    c.dreq &= kAllMasked;
    c.mask &= kAllMasked;
  }
}

}  // namespace glasspc

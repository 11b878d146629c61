#include "chipset/i8042.h"

#include "bus/archive.h"

namespace glasspc {

using namespace i8042;

namespace {

constexpr std::size_t kKeyRecordSize = 4;
constexpr std::size_t kMouseRecordSize = 14;
constexpr u8 kTestInputsReleased = 0x03;  // T0/T1: keyboard and mouse clock lines read high
constexpr u16 kReplyAuxFlag = 0x100;
constexpr std::size_t kMaxReplies = 16;  // snapshot encoding of a reply's aux flag

void put_i32(std::vector<u8>& out, i32 value) {
  const u32 raw = static_cast<u32>(value);
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<u8>(raw >> shift));
}

i32 get_i32(std::span<const u8> bytes, std::size_t at) {
  u32 raw = 0;
  for (int i = 0; i < 4; ++i) raw |= u32{bytes[at + i]} << (8 * i);
  return static_cast<i32>(raw);
}

}  // namespace

I8042::I8042(std::string name, Trace& trace, SystemControl& system, std::function<void(bool)> a20)
    : Device(std::move(name)),
      m_trace(trace),
      m_system(system),
      m_a20(std::move(a20)),
      m_irq1(this->name() + ".irq1", &trace),
      m_irq12(this->name() + ".irq12", &trace) {
  reset();
}

void I8042::attach(PortSpace& ports) {
  if (m_ports != nullptr) {
    m_ports->release(m_claim_data);
    m_ports->release(m_claim_command);
  }
  PortHandler data;
  data.name = name();
  data.traces_itself = true;
  data.read = [this](u16, unsigned) -> u32 { return read_data(); };
  data.write = [this](u16, u32 value, unsigned) { write_data(static_cast<u8>(value)); };
  m_claim_data = ports.claim(kDataPort, 1, std::move(data));

  PortHandler command;
  command.name = name();
  command.traces_itself = true;
  command.read = [this](u16, unsigned) -> u32 {
    const u8 status = read_status();
    trace_port("STATUS", kStatusCommandPort, status);
    return status;
  };
  command.write = [this](u16, u32 value, unsigned) { write_command(static_cast<u8>(value)); };
  m_claim_command = ports.claim(kStatusCommandPort, 1, std::move(command));
  m_ports = &ports;
}

// --- guest accesses ------------------------------------------------------------------------------

u8 I8042::read_status() const {
  u8 status = kStatusUnlocked;
  if (m_output_full) status |= kStatusOutputFull;
  if (m_output_full && m_output_aux) status |= kStatusAuxData;
  if (m_system_flag) status |= kStatusSystem;
  if (m_last_write_command) status |= kStatusCommand;
  return status;
}

// Reading the data port empties the output buffer (lowering IRQ 1/12); an empty buffer reads
// the last byte again. The next byte, if any, moves in at once and raises its IRQ anew.
u8 I8042::read_data() {
  const u8 value = m_output_buffer;
  trace_port("DATA", kDataPort, value);
  m_output_full = false;
  update_irqs();
  service();
  return value;
}

void I8042::write_data(u8 value) {
  trace_port("DATA", kDataPort, value);
  m_last_write_command = false;
  const u8 command = m_pending_command;
  m_pending_command = 0;
  if (command >= kWriteRamFirst && command <= kWriteRamLast) {
    const u8 index = command & kRamMask;
    m_ram[index] = value;
    // The command byte's bit 2 is copied into the status register's system flag.
    if (index == 0) m_system_flag = (value & kCmdSystem) != 0;
  } else if (command == kWriteOutputPort) {
    write_output_port(value);
  } else if (command == kWriteKeyboardBuffer) {
    reply(value, false);
  } else if (command == kWriteMouseBuffer) {
    reply(value, true);
  } else if (command == kWriteMouse) {
    m_mouse.receive(value);
  } else {
    m_keyboard.receive(value);
  }
  service();
}

void I8042::write_command(u8 command) {
  trace_port("COMMAND", kStatusCommandPort, command);
  m_last_write_command = true;
  m_pending_command = 0;
  if (command >= kReadRamFirst && command <= kReadRamLast) {
    reply(m_ram[command & kRamMask]);
  } else if (command >= kWriteRamFirst && command <= kWriteRamLast) {
    m_pending_command = command;
  } else if (command >= kPulseFirst) {
    // Output port bits 3-0 whose command bit is 0 pulse low for 6 us. Only bit 0, the CPU
    // reset line, has a lasting effect (0xFE is the classic reboot).
    if ((command & kOutResetHigh) == 0) m_system.request_reset("i8042 pulse output port (reset)");
  } else {
    switch (command) {
      case kPasswordInstalled:
        reply(kNoPassword);
        break;
      case kDisableMouse:
        m_ram[0] |= kCmdMouseDisable;
        break;
      case kEnableMouse:
        m_ram[0] &= static_cast<u8>(~kCmdMouseDisable);
        break;
      case kTestMouse:
        reply(kInterfaceTestOk);
        break;
      case kSelfTest:
        m_system_flag = true;
        reply(kSelfTestOk);
        break;
      case kTestKeyboard:
        reply(kInterfaceTestOk);
        break;
      case kDisableKeyboard:
        m_ram[0] |= kCmdKeyboardDisable;
        break;
      case kEnableKeyboard:
        m_ram[0] &= static_cast<u8>(~kCmdKeyboardDisable);
        break;
      case kReadInputPort:
        reply(kInputPortValue);
        break;
      case kReadOutputPort: {
        u8 port = m_output_port & static_cast<u8>(~(kOutKeyboardFull | kOutMouseFull));
        if (m_irq1.level()) port |= kOutKeyboardFull;
        if (m_irq12.level()) port |= kOutMouseFull;
        reply(port);
        break;
      }
      case kWriteOutputPort:
      case kWriteKeyboardBuffer:
      case kWriteMouseBuffer:
      case kWriteMouse:
        m_pending_command = command;
        break;
      case kDisableA20:
        write_output_port(m_output_port & static_cast<u8>(~kOutA20));
        break;
      case kEnableA20:
        write_output_port(m_output_port | kOutA20);
        break;
      case kReadTestInputs:
        reply(kTestInputsReleased);
        break;
      default:
        if (m_trace.on(TraceCategory::Device)) {
          m_trace.emit(TraceCategory::Device, name(), "unknown command", {{"command", command}});
        }
        break;
    }
  }
  service();
}

void I8042::write_output_port(u8 value) {
  const bool a20_was = (m_output_port & kOutA20) != 0;
  m_output_port = value & static_cast<u8>(~(kOutKeyboardFull | kOutMouseFull));
  const bool a20 = (value & kOutA20) != 0;
  if (a20 != a20_was && m_a20) m_a20(a20);
  if ((value & kOutResetHigh) == 0) m_system.request_reset("i8042 output port reset line");
}

// The real controller stalls until its output buffer is read; a guest issuing commands without
// ever reading the answers loses the newest ones instead of growing the queue without bound.
void I8042::reply(u8 byte, bool aux) {
  if (m_replies.size() < kMaxReplies) m_replies.push_back({byte, aux});
}

// --- output buffer and interrupts ---------------------------------------------------------------

void I8042::service() {
  if (!m_output_full && !m_replies.empty()) {
    m_output_buffer = m_replies.front().byte;
    m_output_aux = m_replies.front().aux;
    m_output_full = true;
    m_replies.pop_front();
  }
  // A disabled port has its clock held low: the device keeps its bytes.
  if (!m_output_full && !(m_ram[0] & kCmdKeyboardDisable)) {
    while (m_keyboard.has_output()) {
      u8 byte = m_keyboard.pop_output();
      if (m_ram[0] & kCmdTranslate) {
        // Translation folds set 2's F0 break prefix into bit 7 of the next code.
        if (byte == ps2::kBreakPrefix) {
          m_translate_break = true;
          continue;
        }
        byte = translate_set2_to_set1(byte);
        if (m_translate_break) byte |= ps2::kSet1Break;
        m_translate_break = false;
      }
      m_output_buffer = byte;
      m_output_aux = false;
      m_output_full = true;
      break;
    }
  }
  if (!m_output_full && !(m_ram[0] & kCmdMouseDisable)) {
    m_mouse.poll();
    if (m_mouse.has_output()) {
      m_output_buffer = m_mouse.pop_output();
      m_output_aux = true;
      m_output_full = true;
    }
  }
  update_irqs();
}

// IRQ 1 and IRQ 12 are the controller's "output buffer full" pins, gated by the command byte's
// interrupt enables.
void I8042::update_irqs() {
  m_irq1.set(m_output_full && !m_output_aux && (m_ram[0] & kCmdKeyboardInterrupt));
  m_irq12.set(m_output_full && m_output_aux && (m_ram[0] & kCmdMouseInterrupt));
}

void I8042::trace_port(const char* what, u16 port, u8 value) {
  if (!m_trace.on(TraceCategory::Reg)) return;
  m_trace.emit(TraceCategory::Reg, name(), what, {{"port", port}, {"value", value}});
}

// --- host input ---------------------------------------------------------------------------------

void I8042::key_event(u16 key, bool down) {
  m_keyboard.key_event(key, down);
  service();
}

void I8042::mouse_event(i32 dx, i32 dy, i32 dz, u8 buttons) {
  m_mouse.mouse_event(dx, dy, dz, buttons);
  service();
}

std::vector<u8> I8042::encode_key_event(u16 key, bool down) {
  return {kRecordKey, static_cast<u8>(key), static_cast<u8>(key >> 8), static_cast<u8>(down)};
}

std::vector<u8> I8042::encode_mouse_event(i32 dx, i32 dy, i32 dz, u8 buttons) {
  std::vector<u8> record{kRecordMouse};
  put_i32(record, dx);
  put_i32(record, dy);
  put_i32(record, dz);
  record.push_back(buttons);
  return record;
}

void I8042::host_input(std::span<const u8> record) {
  if (record.size() == kKeyRecordSize && record[0] == kRecordKey) {
    key_event(static_cast<u16>(record[1] | (record[2] << 8)), record[3] != 0);
  } else if (record.size() == kMouseRecordSize && record[0] == kRecordMouse) {
    mouse_event(get_i32(record, 1), get_i32(record, 5), get_i32(record, 9), record[13]);
  }
}

// --- reset, snapshot ----------------------------------------------------------------------------

void I8042::reset() {
  m_ram.fill(0);
  m_ram[0] = kCmdPowerOn;
  // The A20 line itself belongs to the machine's reset; the port shows it enabled, as QEMU.
  m_output_port = kOutPowerOn;
  m_output_buffer = 0;
  m_output_full = false;
  m_output_aux = false;
  m_last_write_command = false;
  m_pending_command = 0;
  m_replies.clear();
  m_system_flag = false;
  m_translate_break = false;
  m_keyboard.power_on();
  m_mouse.power_on();
  update_irqs();
}

void I8042::serialize(Archive& archive) {
  archive.field("ram", m_ram);
  archive.field("output_port", m_output_port);
  archive.field("output_buffer", m_output_buffer);
  archive.field("output_full", m_output_full);
  archive.field("output_aux", m_output_aux);
  archive.field("last_write_command", m_last_write_command);
  archive.field("pending_command", m_pending_command);
  archive.field("system_flag", m_system_flag);
  archive.field("translate_break", m_translate_break);
  std::vector<u16> replies;
  for (const Reply& r : m_replies) replies.push_back(r.byte | (r.aux ? kReplyAuxFlag : 0));
  archive.field("replies", replies);
  m_replies.clear();
  for (u16 r : replies) reply(static_cast<u8>(r), (r & kReplyAuxFlag) != 0);
  {
    ArchiveSection section(archive, "keyboard", 1);
    m_keyboard.serialize(archive);
  }
  {
    ArchiveSection section(archive, "mouse", 1);
    m_mouse.serialize(archive);
  }
  if (archive.loading()) update_irqs();
}

}  // namespace glasspc

#include "chipset/pic8259.h"

#include <fmt/format.h>

#include <tuple>

#include "bus/archive.h"
#include "bus/port_space.h"
#include "bus/trace.h"

namespace glasspc {

namespace {

// 8259A datasheet, "Initialization Command Words": ICW1 is any write to A0 = 0 with D4 = 1.
enum Icw1 : u8 {
  kIcw1NeedIcw4 = 1 << 0,   // IC4
  kIcw1Single = 1 << 1,     // SNGL: one 8259A, no ICW3
  kIcw1LevelMode = 1 << 3,  // LTIM: level-triggered inputs
  kIcw1Select = 1 << 4,     // marks the word as ICW1
};

// ICW2 carries T7-T3 of the vector in 8086 mode; the chip supplies bits 2-0 from the IR number.
constexpr u8 kIcw2VectorMask = 0xF8;
// ICW3 of a slave: its cascade ID (ID2-ID0).
constexpr u8 kIcw3SlaveIdMask = 0x07;

enum Icw4 : u8 {
  kIcw4AutoEoi = 1 << 1,             // AEOI
  kIcw4SpecialFullyNested = 1 << 4,  // SFNM
};

// OCW3 is a write to A0 = 0 with D4 = 0 and D3 = 1; OCW2 has D4 = D3 = 0.
constexpr u8 kOcwIsOcw3 = 1 << 3;
enum Ocw3 : u8 {
  kOcw3ReadIsr = 1 << 0,            // RIS
  kOcw3ReadRegister = 1 << 1,       // RR: RIS is valid
  kOcw3Poll = 1 << 2,               // P
  kOcw3SpecialMask = 1 << 5,        // SMM
  kOcw3EnableSpecialMask = 1 << 6,  // ESMM: SMM is valid
};

// OCW2 bits R, SL, EOI (D7-D5) select the command; L2-L0 name an IR level.
constexpr u8 kOcw2CommandMask = 0xE0;
constexpr u8 kOcw2LevelMask = 0x07;
enum class Ocw2Command : u8 {
  RotateInAutoEoiClear = 0x00,
  NonSpecificEoi = 0x20,
  NoOperation = 0x40,
  SpecificEoi = 0x60,
  RotateInAutoEoiSet = 0x80,
  RotateOnNonSpecificEoi = 0xA0,
  SetPriority = 0xC0,
  RotateOnSpecificEoi = 0xE0,
};

// A poll read returns I (D7: a request was pending) and W2-W0 (its level).
constexpr u8 kPollInterrupt = 0x80;

// With no request left at acknowledge time the 8259A answers as if IR7 had asked, without
// setting its ISR bit: the "spurious" IRQ 7 (slave: IRQ 15).
constexpr unsigned kSpuriousPin = 7;
// No slave recognises the cascade address: nothing drives the data bus during the second INTA.
constexpr u8 kFloatingBus = 0xFF;

// PIIX3 datasheet, ELCR1/ELCR2 (edge/level control): ELCR1 bits 2-0 (IRQ 0, 1, 2) and ELCR2 bits 0
// and 5 (IRQ 8, 13) are reserved, so those inputs are always edge-triggered.
constexpr u8 kElcr1Writable = 0xF8;
constexpr u8 kElcr2Writable = 0xDE;

constexpr u8 bit(unsigned pin) {
  return static_cast<u8>(1u << pin);
}

}  // namespace

Pic8259Pair::Pic8259Pair(std::string name, Trace& trace)
    : Device(std::move(name)),
      m_trace(trace),
      m_elcr(this->name(), trace, 2),
      m_intr(this->name() + ".intr", &trace) {
  m_master.label = this->name() + ".master";
  m_master.is_master = true;
  m_slave.label = this->name() + ".slave";
  m_elcr.set_trace_base(kElcrPort, TraceCategory::Port);
  // Both registers are plain bit masks; a write changes which inputs are level-triggered.
  for (const auto& [offset, reg, writable] :
       {std::tuple{0u, "ELCR1", kElcr1Writable}, std::tuple{1u, "ELCR2", kElcr2Writable}}) {
    RegisterSpec spec;
    spec.offset = offset;
    spec.width = 1;
    spec.name = reg;
    spec.writable_mask = writable;
    spec.write = [this](u64, u64) { elcr_written(); };
    m_elcr.add(std::move(spec));
  }
  reset();
}

void Pic8259Pair::attach(PortSpace& ports) {
  for (Chip* chip : {&m_master, &m_slave}) {
    const u16 base = chip->is_master ? kMasterPort : kSlavePort;
    ports.claim(
        base, 2,
        PortHandler{
            .name = chip->label,
            .read = [this, base](u16 offset, unsigned) { return read_port(chip_at(base), offset); },
            .write = [this, base](u16 offset, u32 value,
                                  unsigned) { write_port(chip_at(base), offset, value); },
            .impl = {1, 1, true},
            .traces_itself = true});
  }
  ports.claim(kElcrPort, 2,
              PortHandler{.name = name() + ".elcr",
                          .read = [this](u16 offset, unsigned) { return m_elcr.read(offset, 1); },
                          .write = [this](u16 offset, u32 value,
                                          unsigned) { m_elcr.write(offset, value, 1); },
                          .impl = {1, 1, true},
                          .traces_itself = true});
}

Pic8259Pair::Chip& Pic8259Pair::chip_at(u16 base) {
  return base == kMasterPort ? m_master : m_slave;
}

// The input pins are wires outside the chips: a reset forgets every register but not which
// lines are high.
void Pic8259Pair::reset() {
  for (Chip* chip : {&m_master, &m_slave}) {
    Chip fresh;
    fresh.label = chip->label;
    fresh.is_master = chip->is_master;
    fresh.input = chip->input;
    fresh.output = chip->output;
    *chip = fresh;
  }
  m_elcr.reset();
  update_outputs();
}

u8 Pic8259Pair::level_pins(const Chip& chip) const {
  if (chip.level_mode) return 0xFF;
  return static_cast<u8>(m_elcr.value(chip.is_master ? 0 : 1));
}

u16 Pic8259Pair::irr() const {
  return static_cast<u16>(m_master.irr | (m_slave.irr << 8));
}
u16 Pic8259Pair::isr() const {
  return static_cast<u16>(m_master.isr | (m_slave.isr << 8));
}
u16 Pic8259Pair::imr() const {
  return static_cast<u16>(m_master.imr | (m_slave.imr << 8));
}
u16 Pic8259Pair::elcr() const {
  return static_cast<u16>(m_elcr.value(0) | (m_elcr.value(1) << 8));
}

// ---- command and data ports ---------------------------------------------------------------

u8 Pic8259Pair::read_port(Chip& chip, u16 offset) {
  // With A0 = 1 the data bus always carries the IMR; no OCW3 is needed to select it.
  if (offset == 1) {
    trace_register(chip, "IMR", offset, chip.imr, "read");
    return chip.imr;
  }
  if (chip.poll) {
    const u8 value = poll(chip);
    trace_register(chip, "POLL", offset, value, "read");
    return value;
  }
  const u8 value = chip.read_isr ? chip.isr : chip.irr;
  trace_register(chip, chip.read_isr ? "ISR" : "IRR", offset, value, "read");
  return value;
}

void Pic8259Pair::write_port(Chip& chip, u16 offset, u8 value) {
  if (offset == 0) {
    if (value & kIcw1Select) {
      trace_register(chip, "ICW1", offset, value, "write");
      write_icw1(chip, value);
    } else if (value & kOcwIsOcw3) {
      trace_register(chip, "OCW3", offset, value, "write");
      write_ocw3(chip, value);
    } else {
      trace_register(chip, "OCW2", offset, value, "write");
      write_ocw2(chip, value);
    }
    return;
  }
  if (chip.init != InitStep::Ready) {
    write_init_word(chip, value);
    return;
  }
  trace_register(chip, "OCW1", offset, value, "write");
  chip.imr = value;
  update_outputs();
}

// 8259A datasheet, "Initialization Command Words": ICW1 resets the edge-sense circuit (an input
// that is already high must go low and high again), clears the IMR, makes IR7 the lowest
// priority, sets the slave address to 7, clears special mask mode and selects IRR for reads;
// without IC4 every ICW4 function is zero. Nothing stays in service across a re-initialization.
void Pic8259Pair::write_icw1(Chip& chip, u8 value) {
  chip.init = InitStep::Icw2;
  chip.icw4_needed = value & kIcw1NeedIcw4;
  chip.single = value & kIcw1Single;
  chip.level_mode = value & kIcw1LevelMode;
  chip.irr = 0;
  chip.isr = 0;
  chip.imr = 0;
  chip.icw3 = kIcw3SlaveIdMask;
  chip.lowest_priority = 7;
  chip.special_mask = false;
  chip.read_isr = false;
  chip.poll = false;
  if (!chip.icw4_needed) {
    chip.icw4 = 0;
    chip.auto_eoi = false;
    chip.special_fully_nested = false;
  }
  chip.rotate_in_auto_eoi = false;
  resync_level_inputs(chip);
  update_outputs();
}

void Pic8259Pair::write_init_word(Chip& chip, u8 value) {
  switch (chip.init) {
    case InitStep::Icw2:
      trace_register(chip, "ICW2", 1, value, "write");
      // 8086 mode: T7-T3 from ICW2. In MCS-80/85 mode the chip would place a CALL on the bus
      // over three INTA cycles, which no x86 CPU issues, so the 8086 format is used always.
      chip.vector_base = value & kIcw2VectorMask;
      chip.init =
          !chip.single ? InitStep::Icw3 : (chip.icw4_needed ? InitStep::Icw4 : InitStep::Ready);
      break;
    case InitStep::Icw3:
      trace_register(chip, "ICW3", 1, value, "write");
      chip.icw3 = value;
      chip.init = chip.icw4_needed ? InitStep::Icw4 : InitStep::Ready;
      break;
    case InitStep::Icw4:
      trace_register(chip, "ICW4", 1, value, "write");
      chip.icw4 = value;
      chip.auto_eoi = value & kIcw4AutoEoi;
      chip.special_fully_nested = value & kIcw4SpecialFullyNested;
      chip.init = InitStep::Ready;
      break;
    case InitStep::Ready:
      break;
  }
  update_outputs();
}

// 8259A datasheet, "Operation Command Words", OCW2 table: R, SL and EOI select one of eight
// commands; L2-L0 is used by the specific ones.
void Pic8259Pair::write_ocw2(Chip& chip, u8 value) {
  const unsigned level = value & kOcw2LevelMask;
  switch (static_cast<Ocw2Command>(value & kOcw2CommandMask)) {
    case Ocw2Command::NonSpecificEoi:
    case Ocw2Command::RotateOnNonSpecificEoi: {
      const bool rotate =
          (value & kOcw2CommandMask) == static_cast<u8>(Ocw2Command::RotateOnNonSpecificEoi);
      const int pin = highest_in_service(chip);
      if (pin < 0) {
        if (m_trace.on(TraceCategory::Irq))
          m_trace.emit(TraceCategory::Irq, chip.label, "eoi", {},
                       "non-specific EOI with nothing in service: no effect");
        break;
      }
      end_of_interrupt(chip, pin, rotate ? "rotate on non-specific EOI" : "non-specific EOI");
      if (rotate) chip.lowest_priority = static_cast<u8>(pin);
      break;
    }
    case Ocw2Command::SpecificEoi:
      end_of_interrupt(chip, level, "specific EOI");
      break;
    case Ocw2Command::RotateOnSpecificEoi:
      end_of_interrupt(chip, level, "rotate on specific EOI");
      chip.lowest_priority = static_cast<u8>(level);
      break;
    case Ocw2Command::SetPriority:
      chip.lowest_priority = static_cast<u8>(level);
      if (m_trace.on(TraceCategory::Irq)) {
        m_trace.emit(
            TraceCategory::Irq, chip.label, "priority", {{"lowest", level}},
            fmt::format("set priority: IR{} lowest, IR{} highest", level, (level + 1) & 7));
      }
      break;
    case Ocw2Command::RotateInAutoEoiSet:
      chip.rotate_in_auto_eoi = true;
      break;
    case Ocw2Command::RotateInAutoEoiClear:
      chip.rotate_in_auto_eoi = false;
      break;
    case Ocw2Command::NoOperation:
      break;
  }
  update_outputs();
}

void Pic8259Pair::write_ocw3(Chip& chip, u8 value) {
  if (value & kOcw3EnableSpecialMask) chip.special_mask = value & kOcw3SpecialMask;
  if (value & kOcw3ReadRegister) chip.read_isr = value & kOcw3ReadIsr;
  // The poll command freezes the request state until the next read of the even port, which
  // then acts as an interrupt acknowledge.
  chip.poll = value & kOcw3Poll;
  update_outputs();
}

u8 Pic8259Pair::poll(Chip& chip) {
  chip.poll = false;
  const int pin = highest_request(chip);
  if (pin < 0) {
    if (m_trace.on(TraceCategory::Irq))
      m_trace.emit(TraceCategory::Irq, chip.label, "poll", {}, "poll: no request pending");
    return 0;
  }
  take_request(chip, pin);
  if (m_trace.on(TraceCategory::Irq)) {
    m_trace.emit(TraceCategory::Irq, chip.label, "poll",
                 {{"irq", static_cast<u64>(pin) + (chip.is_master ? 0 : 8)}},
                 fmt::format("poll acknowledges {}", describe_pin(chip, pin)));
  }
  update_outputs();
  return static_cast<u8>(kPollInterrupt | pin);
}

void Pic8259Pair::elcr_written() {
  resync_level_inputs(m_master);
  resync_level_inputs(m_slave);
  update_outputs();
}

// ---- requests, priorities, acknowledge ----------------------------------------------------

void Pic8259Pair::set_irq(unsigned irq, bool level) {
  if (irq >= 16 || irq == kCascadePin) {
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, name(), "ignored", {{"irq", irq}, {"level", level}},
                   irq == kCascadePin ? "IRQ 2 is the cascade input, driven only by the slave"
                                      : "no such ISA IRQ");
    }
    return;
  }
  Chip& chip = irq < 8 ? m_master : m_slave;
  set_input(chip, irq & 7, level);
  update_outputs();
}

// 8259A datasheet, "Edge and Level Triggered Modes": in edge mode a low-to-high transition
// latches the request in IRR, which then stays until acknowledged, so a pulse is enough; in level
// mode IRR follows the input while it is high.
void Pic8259Pair::set_input(Chip& chip, unsigned pin, bool level) {
  const u8 mask = bit(pin);
  const bool was_high = chip.input & mask;
  chip.input = level ? (chip.input | mask) : (chip.input & ~mask);
  const u8 old_irr = chip.irr;
  const bool level_triggered = level_pins(chip) & mask;
  if (level_triggered) {
    chip.irr = level ? (chip.irr | mask) : (chip.irr & ~mask);
  } else if (level && !was_high) {
    chip.irr |= mask;
  }
  if (chip.irr != old_irr && m_trace.on(TraceCategory::Irq)) {
    const bool latched = chip.irr & mask;
    m_trace.emit(TraceCategory::Irq, chip.label, latched ? "request" : "withdrawn",
                 {{"irq", pin + (chip.is_master ? 0u : 8u)}, {"irr", chip.irr}},
                 fmt::format("{} {} ({}-triggered)", describe_pin(chip, pin),
                             latched ? "latched in IRR" : "dropped from IRR",
                             level_triggered ? "level" : "edge"));
  }
}

// After the trigger mode of pins changes, level-triggered IRR bits mirror their inputs.
void Pic8259Pair::resync_level_inputs(Chip& chip) {
  const u8 level = level_pins(chip);
  chip.irr = static_cast<u8>((chip.irr & ~level) | (chip.input & level));
}

// The priority resolver (8259A datasheet, "Fully Nested Mode", "Special Mask Mode",
// "Special Fully Nested Mode"): walk the levels from highest to lowest priority; a level in
// service blocks itself and everything below it, except that special mask mode ignores in-service
// levels that are masked, and in special fully nested mode the master lets a slave with a
// higher-priority request through while the slave's own level is in service.
int Pic8259Pair::highest_request(const Chip& chip) const {
  const u8 pending = chip.irr & ~chip.imr;
  if (pending == 0) return -1;
  const u8 in_service = chip.special_mask ? (chip.isr & ~chip.imr) : chip.isr;
  const u8 nested_slaves =
      chip.is_master && chip.special_fully_nested && !chip.single ? chip.icw3 : 0;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned pin = (chip.lowest_priority + 1 + i) & 7;
    const bool serving = in_service & bit(pin);
    if (serving && !(nested_slaves & bit(pin))) return -1;
    if (pending & bit(pin)) return static_cast<int>(pin);
    if (serving) return -1;
  }
  return -1;
}

// A non-specific EOI clears the highest-priority in-service bit; in special mask mode a masked
// in-service bit is left alone (8259A datasheet, "End of Interrupt").
int Pic8259Pair::highest_in_service(const Chip& chip) const {
  const u8 in_service = chip.special_mask ? (chip.isr & ~chip.imr) : chip.isr;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned pin = (chip.lowest_priority + 1 + i) & 7;
    if (in_service & bit(pin)) return static_cast<int>(pin);
  }
  return -1;
}

// An acknowledge (INTA or poll) of `pin`: the edge latch is consumed (a level input keeps
// requesting while high), and the level goes in service unless AEOI ends it at once.
void Pic8259Pair::take_request(Chip& chip, unsigned pin) {
  if (!(level_pins(chip) & bit(pin))) chip.irr &= ~bit(pin);
  if (chip.auto_eoi) {
    if (chip.rotate_in_auto_eoi) chip.lowest_priority = static_cast<u8>(pin);
  } else {
    chip.isr |= bit(pin);
  }
  // The slave's INT falls for the acknowledge cycle, so that a request still pending there
  // afterwards (AEOI, special mask mode) reaches the master's edge-triggered IR2 as a fresh
  // rising edge instead of being lost behind an edge that was already consumed.
  if (!chip.is_master && chip.output) {
    chip.output = false;
    set_input(m_master, kCascadePin, false);
  }
}

void Pic8259Pair::end_of_interrupt(Chip& chip, unsigned pin, const char* how) {
  const bool was_in_service = chip.isr & bit(pin);
  chip.isr &= ~bit(pin);
  if (m_trace.on(TraceCategory::Irq)) {
    m_trace.emit(TraceCategory::Irq, chip.label, "eoi",
                 {{"irq", pin + (chip.is_master ? 0u : 8u)}, {"isr", chip.isr}},
                 fmt::format("{} for {}{}", how, describe_pin(chip, pin),
                             was_in_service ? ": ISR bit cleared" : ", which was not in service"));
  }
}

u8 Pic8259Pair::acknowledge() {
  const int pin = highest_request(m_master);
  u8 vector;
  if (pin < 0) {
    vector = static_cast<u8>(m_master.vector_base | kSpuriousPin);
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, m_master.label, "acknowledge",
                   {{"irq", kSpuriousPin}, {"vector", vector}},
                   "spurious IRQ 7: the request vanished before INTA; ISR not set");
    }
  } else {
    take_request(m_master, pin);
    const bool cascaded = !m_master.single && (m_master.icw3 & bit(pin));
    if (cascaded) {
      // The master puts the IR number on CAS0-2; the slave whose ID matches supplies the vector.
      vector = acknowledge_slave(pin);
    } else {
      vector = static_cast<u8>(m_master.vector_base | pin);
      if (m_trace.on(TraceCategory::Irq)) {
        m_trace.emit(TraceCategory::Irq, m_master.label, "acknowledge",
                     {{"irq", static_cast<u64>(pin)}, {"vector", vector}},
                     fmt::format("INTA: {} -> vector {:#04x}{}", describe_pin(m_master, pin),
                                 vector, m_master.auto_eoi ? " (auto EOI)" : ", ISR bit set"));
      }
    }
  }
  update_outputs();
  return vector;
}

u8 Pic8259Pair::acknowledge_slave(unsigned cascade_address) {
  if ((m_slave.icw3 & kIcw3SlaveIdMask) != cascade_address) {
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, m_master.label, "acknowledge",
                   {{"cascade", cascade_address}, {"vector", kFloatingBus}},
                   "no slave has this cascade ID: the data bus floats");
    }
    return kFloatingBus;
  }
  const int pin = highest_request(m_slave);
  if (pin < 0) {
    const u8 vector = static_cast<u8>(m_slave.vector_base | kSpuriousPin);
    if (m_trace.on(TraceCategory::Irq)) {
      m_trace.emit(TraceCategory::Irq, m_slave.label, "acknowledge",
                   {{"irq", 8 + kSpuriousPin}, {"vector", vector}},
                   "spurious IRQ 15: the slave's request vanished; master IR2 stays in service");
    }
    return vector;
  }
  take_request(m_slave, pin);
  const u8 vector = static_cast<u8>(m_slave.vector_base | pin);
  if (m_trace.on(TraceCategory::Irq)) {
    m_trace.emit(
        TraceCategory::Irq, m_slave.label, "acknowledge", {{"irq", 8u + pin}, {"vector", vector}},
        fmt::format("INTA via cascade IR2: {} -> vector {:#04x}{}", describe_pin(m_slave, pin),
                    vector, m_slave.auto_eoi ? " (auto EOI)" : ", ISR bit set"));
  }
  return vector;
}

// Recomputes both INT pins: the slave's feeds the master's IR2, the master's is INTR.
void Pic8259Pair::update_outputs() {
  const bool slave_int = highest_request(m_slave) >= 0;
  if (slave_int != m_slave.output) {
    m_slave.output = slave_int;
    set_input(m_master, kCascadePin, slave_int);
  }
  const int pin = highest_request(m_master);
  const bool master_int = pin >= 0;
  m_master.output = master_int;
  if (master_int == m_intr.level()) return;
  if (m_trace.on(TraceCategory::Irq)) {
    if (master_int) {
      m_trace.emit(TraceCategory::Irq, name(), "intr",
                   {{"level", 1}, {"irq", static_cast<u64>(pin)}},
                   fmt::format("INTR raised: {} is the highest-priority unmasked request",
                               describe_pin(m_master, pin)));
    } else {
      m_trace.emit(TraceCategory::Irq, name(), "intr", {{"level", 0}},
                   "INTR lowered: no unmasked request above the levels in service");
    }
  }
  m_intr.set(master_int);
}

// ---- tracing and state ---------------------------------------------------------------------

void Pic8259Pair::trace_register(const Chip& chip, const char* reg, u16 offset, u8 value,
                                 const char* what) {
  if (!m_trace.on(TraceCategory::Reg)) return;
  const u16 port = static_cast<u16>((chip.is_master ? kMasterPort : kSlavePort) + offset);
  m_trace.emit(TraceCategory::Reg, chip.label, reg, {{"port", port}, {"value", value}}, what);
}

std::string Pic8259Pair::describe_pin(const Chip& chip, unsigned pin) const {
  if (chip.is_master && pin == kCascadePin && !chip.single && (chip.icw3 & bit(pin)))
    return "IRQ 2 (cascade from the slave)";
  return fmt::format("IRQ {}", pin + (chip.is_master ? 0 : 8));
}

void Pic8259Pair::serialize(Archive& archive) {
  for (Chip* chip : {&m_master, &m_slave}) {
    ArchiveSection section(archive, chip->is_master ? "master" : "slave", 1);
    archive.field("irr", chip->irr);
    archive.field("isr", chip->isr);
    archive.field("imr", chip->imr);
    archive.field("input", chip->input);
    archive.field("init", chip->init);
    archive.field("icw4_needed", chip->icw4_needed);
    archive.field("single", chip->single);
    archive.field("level_mode", chip->level_mode);
    archive.field("vector_base", chip->vector_base);
    archive.field("icw3", chip->icw3);
    archive.field("icw4", chip->icw4);
    archive.field("auto_eoi", chip->auto_eoi);
    archive.field("special_fully_nested", chip->special_fully_nested);
    archive.field("rotate_in_auto_eoi", chip->rotate_in_auto_eoi);
    archive.field("lowest_priority", chip->lowest_priority);
    archive.field("read_isr", chip->read_isr);
    archive.field("poll", chip->poll);
    archive.field("special_mask", chip->special_mask);
    archive.field("output", chip->output);
    if (archive.loading()) {
      // Values from a damaged file must not index outside the 8 levels or the ICW sequence.
      chip->lowest_priority &= 7;
      if (chip->init > InitStep::Icw4) chip->init = InitStep::Ready;
    }
  }
  {
    ArchiveSection section(archive, "elcr", 1);
    m_elcr.serialize(archive);
  }
  if (archive.loading()) {
    m_elcr.set_value(0, m_elcr.value(0) & kElcr1Writable);
    m_elcr.set_value(1, m_elcr.value(1) & kElcr2Writable);
    update_outputs();
  }
}

}  // namespace glasspc

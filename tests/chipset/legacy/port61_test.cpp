// Register-level tests of port 0x61 (PIIX3 NMI status and control) with the 8254 behind it.
#include "chipset/port61.h"

#include <catch2/catch.hpp>

#include "bus/archive.h"
#include "bus/clock.h"
#include "bus/port_space.h"
#include "bus/scheduler.h"
#include "bus/trace.h"
#include "chipset/pit8254.h"

namespace glasspc {
namespace {

constexpr u16 kPort61 = 0x61;
constexpr u16 kCounter2 = 0x42;
constexpr u16 kControl = 0x43;

struct Port61Rig {
  Clock clock;
  Trace trace{clock};
  Scheduler scheduler{clock};
  PortSpace ports{trace};
  Pit8254 pit{"pit", scheduler, trace};
  Port61 port61{"port61", pit, clock, trace};

  Port61Rig() {
    pit.attach(ports);
    port61.attach(ports);
  }
  void out(u16 port, u8 value) { ports.write(port, value, 1); }
  u8 in(u16 port) { return static_cast<u8>(ports.read(port, 1)); }
  void to_tick(u64 tick) {
    clock.skip_to(time_of_tick(tick, Pit8254::kClockHz));
    scheduler.run_due();
  }
};

TEST_CASE("port61: bit 0 gates counter 2 and bit 5 shows its OUT", "[port61]") {
  Port61Rig rig;
  CHECK((rig.in(kPort61)&0x0F) == 0);
  // What a BIOS does to time a delay: counter 2 in mode 0, gated by port 0x61 bit 0.
  rig.out(kControl, 0xB0);
  rig.out(kCounter2, 100);
  rig.out(kCounter2, 0);
  rig.to_tick(500);
  CHECK((rig.in(kPort61)&Port61::kTimer2Out) == 0);  // gate off: nothing counted
  rig.out(kPort61, Port61::kTimer2Gate);
  CHECK(rig.pit.gate(2));
  rig.to_tick(599);
  CHECK((rig.in(kPort61)&Port61::kTimer2Out) == 0);
  rig.to_tick(600);
  CHECK((rig.in(kPort61)&Port61::kTimer2Out) != 0);
  rig.out(kPort61, 0);
  CHECK_FALSE(rig.pit.gate(2));
}

TEST_CASE("port61: the refresh toggle flips every 18 PIT clocks of virtual time", "[port61]") {
  Port61Rig rig;
  CHECK((rig.in(kPort61)&Port61::kRefreshToggle) == 0);
  rig.to_tick(17);
  CHECK((rig.in(kPort61)&Port61::kRefreshToggle) == 0);
  rig.to_tick(18);
  CHECK((rig.in(kPort61)&Port61::kRefreshToggle) != 0);
  rig.to_tick(36);
  CHECK((rig.in(kPort61)&Port61::kRefreshToggle) == 0);
  // About 66 flips per millisecond, as a BIOS delay loop expects (15.09 us each).
  int flips = 0;
  bool last = rig.in(kPort61)&Port61::kRefreshToggle;
  const Picoseconds start = rig.clock.now();
  for (Picoseconds t = start; t < start + kPsPerMs; t += kPsPerUs) {
    rig.clock.skip_to(t);
    const bool bit = rig.in(kPort61)&Port61::kRefreshToggle;
    flips += bit != last;
    last = bit;
  }
  CHECK(flips >= 65);
  CHECK(flips <= 67);
}

TEST_CASE("port61: status bits ignore writes and the NMI enables are kept", "[port61]") {
  Port61Rig rig;
  CHECK(rig.port61.serr_nmi_enabled());
  CHECK(rig.port61.iochk_nmi_enabled());
  rig.out(kPort61, 0xFF);
  const u8 value = rig.in(kPort61);
  CHECK((value & 0x0F) == 0x0F);
  CHECK((value & (Port61::kSerrNmiStatus | Port61::kIochkNmiStatus)) == 0);
  CHECK_FALSE(rig.port61.serr_nmi_enabled());
  CHECK_FALSE(rig.port61.iochk_nmi_enabled());
  rig.out(kPort61, Port61::kSerrNmiDisable);
  CHECK_FALSE(rig.port61.serr_nmi_enabled());
  CHECK(rig.port61.iochk_nmi_enabled());
  rig.port61.reset();
  CHECK((rig.in(kPort61)&0x0F) == 0);
  CHECK_FALSE(rig.pit.gate(2));
}

TEST_CASE("port61: the speaker follows OUT 2 only with speaker data enabled", "[port61]") {
  Port61Rig rig;
  rig.out(kControl, 0xB6);  // counter 2, square wave
  rig.out(kCounter2, 10);
  rig.out(kCounter2, 0);
  rig.out(kPort61, Port61::kTimer2Gate);  // loads on the next clock
  rig.to_tick(3);
  CHECK_FALSE(rig.port61.speaker_level());
  CHECK((rig.in(kPort61)&Port61::kTimer2Out) != 0);
  rig.out(kPort61, Port61::kTimer2Gate | Port61::kSpeakerData);
  CHECK(rig.port61.speaker_level());
  rig.to_tick(7);
  CHECK_FALSE(rig.port61.speaker_level());  // the low half of the square wave
  rig.to_tick(11);
  CHECK(rig.port61.speaker_level());
}

TEST_CASE("port61: the register survives a snapshot round trip", "[port61]") {
  Port61Rig rig;
  rig.out(kPort61, Port61::kTimer2Gate | Port61::kIochkNmiDisable);
  Archive saver = Archive::for_saving();
  {
    ArchiveSection section(saver, "port61", 1);
    rig.port61.serialize(saver);
  }
  Port61Rig copy;
  Archive loader = Archive::for_loading(saver.finish());
  {
    ArchiveSection section(loader, "port61", 1);
    copy.port61.serialize(loader);
  }
  CHECK((copy.in(kPort61)&0x0F) == (Port61::kTimer2Gate | Port61::kIochkNmiDisable));
  CHECK_FALSE(copy.port61.iochk_nmi_enabled());
}

}  // namespace
}  // namespace glasspc

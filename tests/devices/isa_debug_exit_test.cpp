// QEMU-compatible isa-debug-exit: exit status arithmetic, access widths, reads.
#include "devices/isa_debug_exit.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "bus/clock.h"
#include "bus/port_space.h"
#include "bus/system_control.h"
#include "bus/trace.h"

namespace glasspc::test {
namespace {

class FakeSystem : public SystemControl {
 public:
  void request_exit(int status, std::string reason) override {
    exits.push_back(status);
    reasons.push_back(std::move(reason));
  }
  void request_reset(std::string) override { ++resets; }
  std::vector<int> exits;
  std::vector<std::string> reasons;
  int resets = 0;
};

struct ExitRig {
  Clock clock;
  Trace trace{clock};
  PortSpace ports{trace};
  FakeSystem system;
  IsaDebugExit device{"debug-exit", system, trace};
  ExitRig() { device.attach(ports, IsaDebugExit::kDefaultIobase, IsaDebugExit::kDefaultIosize); }
};

TEST_CASE("isa-debug-exit: a byte write exits with (value << 1) | 1", "[debug-exit]") {
  ExitRig rig;
  rig.ports.write(0x501, 0x10, 1);
  CHECK(rig.system.exits == std::vector<int>{0x21});
  CHECK(rig.system.reasons == std::vector<std::string>{"isa-debug-exit"});
  rig.ports.write(0x502, 0x00, 1);  // the second port of the range does the same
  CHECK(rig.system.exits == std::vector<int>{0x21, 0x01});
  CHECK(rig.system.resets == 0);
}

TEST_CASE("isa-debug-exit: 2- and 4-byte writes carry the whole value", "[debug-exit]") {
  ExitRig rig;
  rig.ports.write(0x501, 0x1234, 2);
  REQUIRE(rig.system.exits.size() == 1);  // one access, not two byte writes
  CHECK(rig.system.exits[0] == 0x2469);
  rig.device.attach(rig.ports, 0xf4, 4);
  rig.ports.write(0xf4, 0x12345678, 4);
  rig.ports.write(0xf4, 0x80000000u, 4);  // bit 31 shifts out of the 32-bit status
  rig.ports.write(0xf4, 0xffffffffu, 4);
  CHECK(rig.system.exits == std::vector<int>{0x2469, 0x2468acf1, 1, -1});
  CHECK(IsaDebugExit::exit_status(0x7fffffff) == -1);
}

TEST_CASE("isa-debug-exit: reads return zero at every width", "[debug-exit]") {
  ExitRig rig;
  CHECK(rig.ports.read(0x501, 1) == 0);
  CHECK(rig.ports.read(0x502, 1) == 0);
  CHECK(rig.ports.read(0x501, 2) == 0);
  // Past the two claimed ports the ISA bus floats high.
  CHECK(rig.ports.read(0x503, 1) == 0xff);
  CHECK(rig.system.exits.empty());
}

TEST_CASE("isa-debug-exit: attach moves the port range", "[debug-exit]") {
  ExitRig rig;
  rig.device.attach(rig.ports, 0xf4, 1);
  CHECK(rig.ports.owner(0x501).empty());
  CHECK(rig.ports.owner(0xf4) == "debug-exit");
  CHECK(rig.ports.owner(0xf5).empty());
  rig.ports.write(0x501, 3, 1);
  CHECK(rig.system.exits.empty());
  rig.ports.write(0xf4, 3, 1);
  CHECK(rig.system.exits == std::vector<int>{7});
}

}  // namespace
}  // namespace glasspc::test

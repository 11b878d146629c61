// QEMU-compatible isa-debugcon: output to the backend and the readback value.
#include "devices/isa_debugcon.h"

#include <catch2/catch.hpp>
#include <string>

#include "bus/chardev.h"
#include "bus/clock.h"
#include "bus/port_space.h"
#include "bus/trace.h"

namespace glasspc::test {
namespace {

class StringBackend : public CharBackend {
 public:
  void write(const u8* data, std::size_t length) override {
    text.append(reinterpret_cast<const char*>(data), length);
  }
  std::string text;
};

struct DebugconRig {
  Clock clock;
  Trace trace{clock};
  PortSpace ports{trace};
  StringBackend backend;
  IsaDebugcon device{"debugcon", trace};
  DebugconRig() {
    device.attach(ports, IsaDebugcon::kDefaultIobase);
    device.set_backend(&backend);
  }
};

TEST_CASE("isa-debugcon: written bytes go to the backend", "[debugcon]") {
  DebugconRig rig;
  for (char c : std::string("ok\n")) rig.ports.write(0xe9, static_cast<u8>(c), 1);
  CHECK(rig.backend.text == "ok\n");
}

TEST_CASE("isa-debugcon: reads return the readback value", "[debugcon]") {
  DebugconRig rig;
  CHECK(rig.ports.read(0xe9, 1) == 0xe9);
  rig.device.set_readback(0x42);
  CHECK(rig.ports.read(0xe9, 1) == 0x42);
  CHECK(rig.backend.text.empty());
}

TEST_CASE("isa-debugcon: a 2-byte write outputs only its low byte", "[debugcon]") {
  DebugconRig rig;
  rig.ports.write(0xe9, 0x4241, 2);  // 'A' here, 'B' to the unclaimed port 0xea
  CHECK(rig.backend.text == "A");
  CHECK(rig.ports.unclaimed_writes() == 1);
  CHECK(rig.ports.read(0xe9, 2) == 0xffe9);
}

TEST_CASE("isa-debugcon: without a backend output is dropped and attach moves the port",
          "[debugcon]") {
  DebugconRig rig;
  rig.device.set_backend(nullptr);
  rig.ports.write(0xe9, 'x', 1);
  CHECK(rig.backend.text.empty());
  rig.device.set_backend(&rig.backend);
  rig.device.attach(rig.ports, 0x402);
  CHECK(rig.ports.owner(0xe9).empty());
  rig.ports.write(0x402, 'y', 1);
  CHECK(rig.backend.text == "y");
  CHECK(rig.ports.read(0x402, 1) == 0xe9);
}

}  // namespace
}  // namespace glasspc::test

// 16550 state survives a save/load round trip, including data in flight.
#include <catch2/catch.hpp>

#include "bus/archive.h"
#include "tests/devices/uart_rig.h"

namespace glasspc::test {
namespace {

std::vector<u8> save(UartRig& rig) {
  Archive archive = Archive::for_saving();
  {
    ArchiveSection root(archive, "machine", 1);
    rig.clock.serialize(archive);
    rig.scheduler.serialize(archive);
    ArchiveSection device(archive, rig.uart.name(), 1);
    rig.uart.serialize(archive);
  }
  return archive.finish();
}

void load(UartRig& rig, std::vector<u8> bytes) {
  Archive archive = Archive::for_loading(std::move(bytes));
  ArchiveSection root(archive, "machine", 1);
  rig.clock.serialize(archive);
  rig.scheduler.serialize(archive);
  ArchiveSection device(archive, rig.uart.name(), 1);
  rig.uart.serialize(archive);
}

// Everything a guest can observe, read in the same order from both UARTs (reads have side
// effects, so both sides must see the same sequence).
std::vector<u32> observe(UartRig& rig) {
  std::vector<u32> seen;
  seen.push_back(rig.irq());
  for (u16 offset : {uart::kLcr, uart::kMcr, uart::kScr, uart::kIerDlm})
    seen.push_back(rig.in(offset));
  const u8 lcr = rig.in(uart::kLcr);
  rig.out(uart::kLcr, lcr | uart::kLcrDlab);
  seen.push_back(rig.in(uart::kRbrThrDll));
  seen.push_back(rig.in(uart::kIerDlm));
  rig.out(uart::kLcr, lcr);
  seen.push_back(rig.in(uart::kIirFcr));
  seen.push_back(rig.in(uart::kLsr));
  seen.push_back(rig.in(uart::kMsr));
  for (int i = 0; i < 6; ++i) seen.push_back(rig.in(uart::kRbrThrDll));
  // Let the transmitter and the timeout run to completion.
  while (rig.scheduler.next_deadline() != kNever) {
    rig.advance_to(rig.scheduler.next_deadline());
    seen.push_back(rig.in(uart::kIirFcr));
  }
  for (const auto& [time, byte] : rig.backend.sent) {
    seen.push_back(static_cast<u32>(time));
    seen.push_back(byte);
  }
  return seen;
}

TEST_CASE("uart: snapshot round trip restores registers, FIFOs and pending timers", "[uart]") {
  UartRig original;
  original.configure_8n1_115200();
  original.out(uart::kLcr, 0x1b);
  original.out(uart::kIirFcr, uart::kFcrEnable | 0x40);
  original.out(uart::kIerDlm, 0x0f);
  original.out(uart::kMcr, uart::kMcrOut2 | uart::kMcrDtr);
  original.out(uart::kScr, 0x5c);
  original.feed({'r', 's', 't'});
  original.uart.receive_break();
  original.uart.set_modem_inputs(uart::kMsrCts | uart::kMsrRi);
  for (u8 c : {'x', 'y', 'z'}) original.out(uart::kRbrThrDll, c);
  original.advance_by(kChar8n1At115200 / 2);  // 'x' is halfway out

  const std::vector<u8> bytes = save(original);
  UartRig restored;
  load(restored, bytes);
  CHECK(restored.clock.now() == original.clock.now());
  CHECK(restored.irq() == original.irq());
  // Saving the restored UART gives the very same bytes.
  CHECK(save(restored) == bytes);
  // And both behave identically from here on.
  const std::vector<u32> expected = observe(original);
  CHECK(observe(restored) == expected);
  CHECK(original.backend.sent.size() == 3);
}

TEST_CASE("uart: loading a snapshot drives the IRQ line to the saved level", "[uart]") {
  UartRig original;
  original.out(uart::kMcr, uart::kMcrOut2);
  original.out(uart::kIerDlm, uart::kIerThre);
  REQUIRE(original.irq());
  UartRig restored;
  REQUIRE_FALSE(restored.irq());
  load(restored, save(original));
  CHECK(restored.irq());
  CHECK(restored.irq_levels == std::vector<bool>{true});
}

}  // namespace
}  // namespace glasspc::test

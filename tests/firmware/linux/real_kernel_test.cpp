// The header of the real Debian kernel that tools/make-guest.sh downloads, when it is there.
#include <catch2/catch.hpp>
#include <filesystem>

#include "firmware/file_image.h"
#include "firmware/linux_boot.h"
#include "tests/firmware/firmware_test_support.h"

namespace glasspc::firmware {

TEST_CASE("linux boot: the default guest's vmlinuz parses and plans", "[linux]") {
  const std::filesystem::path path = std::filesystem::path(GLASSPC_GUEST_DIR) / "vmlinuz";
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " << path.string() << " is absent (run tools/make-guest.sh)");
    return;
  }
  const std::vector<u8> image = read_image_file(path.string(), "kernel");
  REQUIRE(is_bzimage(image));
  const LinuxSetupHeader header = parse_linux_setup_header(image, path.string());
  // What every x86-64 distribution kernel of the last decade has.
  CHECK(header.version >= 0x020C);
  CHECK((header.loadflags & setup_header::kLoadedHigh) != 0);
  CHECK(header.relocatable);
  CHECK(header.code32_start == 0x100000);
  CHECK((header.xloadflags & setup_header::kXlfKernel64) != 0);
  CHECK(header.pref_address >= 0x100000);
  CHECK(header.init_size > header.kernel_size);
  CHECK(header.cmdline_size >= 255);
  CHECK(header.header_end <= 0x290);
  if (header.version >= 0x020F) CHECK(header.kernel_info.has_value());

  // With 512 MiB of RAM and a 16 MiB initrd, everything fits where the protocol wants it.
  LinuxBootRequest request;
  request.kernel_path = path.string();
  request.kernel = image;
  request.initrd = std::vector<u8>(16 * kMiB, 0);
  request.cmdline = "console=ttyS0";
  request.layout = pc_memory_layout(512 * kMiB);
  const LinuxBootPlan plan = plan_linux_boot(request);
  CHECK(plan.runtime_start == header.pref_address);
  CHECK(plan.initrd_address >= plan.runtime_end);
  CHECK(plan.initrd_address + plan.initrd_size <= u64{header.initrd_addr_max} + 1);
  CHECK(plan.initrd_address + plan.initrd_size <= 512 * kMiB);
}

}  // namespace glasspc::firmware

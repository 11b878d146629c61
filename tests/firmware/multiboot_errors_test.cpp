// Tests for firmware/multiboot: every kind of bad input gives one line naming file and problem.
#include <catch2/catch.hpp>
#include <random>

#include "firmware/load_error.h"
#include "firmware/multiboot.h"
#include "tests/firmware/firmware_test_support.h"

namespace glasspc::firmware {

namespace {

constexpr u64 kGuestRam = 64 * kMiB;
// Where build_elf32_kernel puts the multiboot header of a two-segment kernel: after the ELF
// header (52 bytes) and two program headers (32 bytes each).
constexpr std::size_t kTwoSegmentHeaderOffset = 0x74;

test::ElfKernel two_segment_kernel() {
  test::ElfKernel kernel;
  kernel.entry = 0x100000;
  kernel.segments.push_back({0x100000, test::pattern(0x1000, 1), 0x1000});
  kernel.segments.push_back({0x102000, test::pattern(0x200, 2), 0x1000});
  return kernel;
}

// Loads `image` as kernel `path` into 64 MiB of fresh RAM.
void load(const std::string& path, std::vector<u8> image,
          std::vector<MultibootModuleSpec> modules = {}, u64 ram = kGuestRam) {
  test::GuestMemory guest(ram);
  MultibootRequest request;
  request.kernel_path = path;
  request.kernel = std::move(image);
  request.modules = std::move(modules);
  request.layout = guest.layout();
  load_multiboot(guest.memory(), request);
}

}  // namespace

TEST_CASE("load_multiboot rejects an image without a multiboot header") {
  CHECK_THROWS_WITH(load("x.elf", test::pattern(0x4000, 9)),
                    "kernel 'x.elf': not a multiboot image (no header in the first 8192 bytes)");
  CHECK_THROWS_WITH(load("tiny", {0x02, 0xB0, 0xAD, 0x1B}),
                    "kernel 'tiny': not a multiboot image (no header in the first 8192 bytes)");
  CHECK_THROWS_AS(load("empty", {}), LoadError);
}

TEST_CASE("load_multiboot rejects a header with a bad checksum") {
  std::vector<u8> image = test::build_elf32_kernel(two_segment_kernel()).image;
  test::put_le32(image, kTwoSegmentHeaderOffset + 8, 0xE4524FFC);  // one more than correct
  CHECK_THROWS_WITH(load("k.elf", image),
                    "kernel 'k.elf': multiboot header at offset 0x74 has a bad checksum (flags "
                    "0x3, checksum 0xe4524ffc)");
}

TEST_CASE("load_multiboot rejects required header flags it does not know") {
  test::ElfKernel kernel = two_segment_kernel();
  kernel.header_flags = 0x0000000B;
  CHECK_THROWS_WITH(load("k.elf", test::build_elf32_kernel(kernel).image),
                    "kernel 'k.elf': multiboot header requires features this loader does not "
                    "know (flags 0xb, unknown required bits 0x8)");
}

TEST_CASE("load_multiboot rejects ELF images that are not 32-bit i386 executables") {
  CHECK_THROWS_WITH(load("k64.elf", test::build_elf64_kernel()),
                    "kernel 'k64.elf': 64-bit ELF image; a multiboot kernel must be 32-bit ELF "
                    "(i386)");
  test::ElfKernel arm = two_segment_kernel();
  arm.machine = 40;
  CHECK_THROWS_WITH(load("arm.elf", test::build_elf32_kernel(arm).image),
                    "kernel 'arm.elf': ELF machine 40 is not i386");
  // A multiboot header without address fields in a file that is not ELF at all.
  std::vector<u8> raw(0x1000, 0x90);
  const std::vector<u8> header = test::multiboot_header_bytes(test::MultibootHeaderFields{});
  std::copy(header.begin(), header.end(), raw.begin() + 0x10);
  CHECK_THROWS_WITH(load("raw.bin", raw),
                    "kernel 'raw.bin': multiboot header has no address fields (flag 16) and the "
                    "file is not ELF");
}

TEST_CASE("load_multiboot rejects kernels outside RAM") {
  test::ElfKernel high = two_segment_kernel();
  high.segments[1].paddr = 0x8000000;  // 128 MiB, in a 64 MiB guest
  CHECK_THROWS_WITH(load("k.elf", test::build_elf32_kernel(high).image),
                    "kernel 'k.elf': ELF segment 1 at 0x8000000-0x8001000 is not in RAM (RAM "
                    "below 4 GiB: 0x0-0x9fc00, 0x100000-0x4000000)");
  // Straddling the end of RAM.
  test::ElfKernel straddle = two_segment_kernel();
  straddle.segments[1].paddr = 0x3FFF000;
  straddle.segments[1].memsz = 0x2000;
  CHECK_THROWS_WITH(load("k.elf", test::build_elf32_kernel(straddle).image),
                    "kernel 'k.elf': ELF segment 1 at 0x3fff000-0x4001000 is not in RAM (RAM "
                    "below 4 GiB: 0x0-0x9fc00, 0x100000-0x4000000)");
  // In the VGA window.
  test::ElfKernel vga = two_segment_kernel();
  vga.segments[0].paddr = 0xB8000;
  CHECK_THROWS_AS(load("k.elf", test::build_elf32_kernel(vga).image), LoadError);
  // Past 4 GiB (p_paddr + p_memsz wraps a 32-bit address).
  test::ElfKernel wrap = two_segment_kernel();
  wrap.segments[1].paddr = 0xFFFFF000;
  wrap.segments[1].memsz = 0x2000;
  CHECK_THROWS_WITH(load("k.elf", test::build_elf32_kernel(wrap).image),
                    "kernel 'k.elf': ELF segment 1 at 0xfffff000 (0x2000 bytes) runs past 4 GiB");
}

TEST_CASE("load_multiboot rejects overlapping segments and p_filesz above p_memsz") {
  test::ElfKernel overlap = two_segment_kernel();
  overlap.segments[0].memsz = 0x2800;
  CHECK_THROWS_WITH(load("k.elf", test::build_elf32_kernel(overlap).image),
                    "kernel 'k.elf': ELF segment 0 at 0x100000-0x102800 overlaps ELF segment 1 "
                    "at 0x102000-0x103000");
  test::ElfKernel sizes = two_segment_kernel();
  sizes.segments[1].memsz = 0x100;
  CHECK_THROWS_WITH(load("k.elf", test::build_elf32_kernel(sizes).image),
                    "kernel 'k.elf': ELF segment 1 has p_filesz 0x200 larger than p_memsz 0x100");
  test::ElfKernel none = two_segment_kernel();
  none.segments[0].type = 4;  // PT_NOTE
  none.segments[1].type = 6;  // PT_PHDR
  CHECK_THROWS_WITH(load("k.elf", test::build_elf32_kernel(none).image),
                    "kernel 'k.elf': ELF image has no loadable segments");
}

TEST_CASE("load_multiboot rejects truncated images") {
  // Segment 1's 0x200 bytes sit at file offset 0x2000.
  std::vector<u8> image = test::build_elf32_kernel(two_segment_kernel()).image;
  REQUIRE(image.size() == 0x2200);
  image.resize(0x2100);
  CHECK_THROWS_WITH(load("k.elf", image),
                    "kernel 'k.elf': truncated: ELF segment 1 needs file bytes 0x2000-0x2200 but "
                    "the file has 0x2100 bytes");
  // A program header table that runs off the end.
  std::vector<u8> headers = test::build_elf32_kernel(two_segment_kernel()).image;
  test::put_le16(headers, 44, 400);
  CHECK_THROWS_WITH(load("k.elf", headers),
                    "kernel 'k.elf': truncated: ELF program headers 0x34-0x3234 lie beyond the end "
                    "of the file (0x2200 bytes)");
  // An a.out kernel shorter than its load_end_addr says, then one cut inside its header.
  test::AoutKernel aout{0x100000, test::pattern(0x1000, 4), 0x40, 0, 0x100000};
  std::vector<u8> aout_image = test::build_aout_kernel(aout);
  aout_image.resize(0x800);
  CHECK_THROWS_WITH(load("a.bin", aout_image),
                    "kernel 'a.bin': truncated: the multiboot header loads file bytes 0x0-0x1000 "
                    "but the file has 0x800 bytes");
  aout_image.resize(0x40 + 20);
  CHECK_THROWS_WITH(load("a.bin", aout_image),
                    "kernel 'a.bin': truncated: the multiboot header at offset 0x40 has address "
                    "fields but the file ends at 0x54");
}

TEST_CASE("load_multiboot rejects inconsistent address fields") {
  std::vector<u8> image(0x1000, 0);
  auto with_fields = [&image](const test::MultibootHeaderFields& fields) {
    std::vector<u8> copy = image;
    const std::vector<u8> header = test::multiboot_header_bytes(fields);
    std::copy(header.begin(), header.end(), copy.begin() + 0x40);
    return copy;
  };
  test::MultibootHeaderFields fields;
  fields.flags = 0x00010000;
  fields.load_addr = 0x100000;
  fields.header_addr = 0x0FFFF0;
  CHECK_THROWS_WITH(load("a.bin", with_fields(fields)),
                    "kernel 'a.bin': multiboot header_addr 0xffff0 is below load_addr 0x100000");
  fields.header_addr = 0x100080;  // the header would be 0x80 bytes into the text, but it is at 0x40
  CHECK_THROWS_WITH(load("a.bin", with_fields(fields)),
                    "kernel 'a.bin': multiboot load_addr 0x100000 would start 0x40 bytes before "
                    "the file (header_addr 0x100080, header at offset 0x40)");
  fields.header_addr = 0x100040;
  fields.load_end_addr = 0x0FF000;
  CHECK_THROWS_WITH(load("a.bin", with_fields(fields)),
                    "kernel 'a.bin': multiboot load_end_addr 0xff000 is below load_addr 0x100000");
  fields.load_end_addr = 0x100800;
  fields.bss_end_addr = 0x100400;
  CHECK_THROWS_WITH(load("a.bin", with_fields(fields)),
                    "kernel 'a.bin': multiboot bss_end_addr 0x100400 is below the end of the "
                    "loaded image 0x100800");
  fields.bss_end_addr = 0;
  fields.load_addr = 0xFFFFF800;
  fields.header_addr = 0xFFFFF840;
  fields.load_end_addr = 0;  // the rest of the file: 0x1000 bytes
  CHECK_THROWS_WITH(load("a.bin", with_fields(fields)),
                    "kernel 'a.bin': multiboot image (0x1000 bytes at 0xfffff800) does not fit "
                    "below 4 GiB");
}

TEST_CASE("load_multiboot reports modules that are missing or do not fit") {
  test::ScratchDirectory directory("module-errors");
  const std::vector<u8> kernel = test::build_elf32_kernel(two_segment_kernel()).image;
  const std::string missing = (directory.path() / "nope.bin").string();
  CHECK_THROWS_WITH(load("k.elf", kernel, {{missing, missing + " arg"}}),
                    "module '" + missing + "': cannot open: No such file or directory");

  // 2 MiB of RAM: the kernel ends at 0x103000, RAM at 0x200000.
  const std::string big = directory.write("big.bin", std::vector<u8>(kMiB, 1));
  CHECK_THROWS_WITH(load("k.elf", kernel, {{big, big}}, 2 * kMiB),
                    "module '" + big +
                        "': does not fit in RAM: it would occupy "
                        "0x103000-0x203000 after the kernel (RAM below 4 GiB: 0x0-0x9fc00, "
                        "0x100000-0x200000)");
  // The module fits, but the information block after it does not.
  const std::string exact = directory.write("exact.bin", std::vector<u8>(0xFD000, 1));
  CHECK_THROWS_WITH(load("k.elf", kernel, {{exact, exact}}, 2 * kMiB),
                    "kernel 'k.elf': no room in RAM for the multiboot information at 0x200000 "
                    "after the kernel and modules (RAM below 4 GiB: 0x0-0x9fc00, "
                    "0x100000-0x200000)");
}

TEST_CASE("load_multiboot writes nothing when it fails") {
  test::ScratchDirectory directory("nothing-written");
  test::GuestMemory guest(kGuestRam);
  MultibootRequest request;
  request.kernel_path = "k.elf";
  request.kernel = test::build_elf32_kernel(two_segment_kernel()).image;
  request.modules = {{(directory.path() / "missing.bin").string(), "missing.bin"}};
  request.layout = guest.layout();
  CHECK_THROWS_AS(load_multiboot(guest.memory(), request), LoadError);
  CHECK(test::difference(guest.bytes(0x100000, 0x3000), std::vector<u8>(0x3000, 0xCC)) == "");
}

TEST_CASE("load_multiboot survives corrupted headers and truncation") {
  // Every corruption must end in success or a LoadError: no crash, no other exception, no read
  // outside the image (the sanitizer build checks the last part). The generator is seeded, so
  // the run is the same every time.
  std::mt19937 random(20240601);
  auto below = [&random](u32 bound) {
    return std::uniform_int_distribution<u32>(0, bound - 1)(random);
  };
  // Values near the edges the checks care about.
  const u32 interesting[] = {0,          1,          0x34,       0x74,       0x1000,
                             0x2000,     0x2200,     0x100000,   0x1FFFFF,   0x7FFFFFFF,
                             0xFFFFF000, 0xFFFFFFFF, 0x80000000, 0x0FFFFFF0, 0x200000};
  auto value = [&]() { return below(2) ? interesting[below(15)] : static_cast<u32>(random()); };

  test::GuestMemory guest(2 * kMiB);
  MultibootRequest request;
  request.layout = guest.layout();
  const std::vector<u8> elf = test::build_elf32_kernel(two_segment_kernel()).image;
  const std::vector<u8> aout = test::build_aout_kernel(
      test::AoutKernel{0x100000, test::pattern(0x1000, 4), 0x40, 0x800, 0x100000});
  unsigned loaded = 0, rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    const bool use_elf = round % 2 == 0;
    std::vector<u8> image = use_elf ? elf : aout;
    if (use_elf) {
      // ELF header and program header fields (everything before the multiboot header).
      for (u32 n = 1 + below(3); n > 0; --n) {
        const u32 at = below(kTwoSegmentHeaderOffset / 4) * 4;
        test::put_le32(image, at, below(3) == 0 ? value() : image[at] ^ (1u << below(8)));
      }
    } else {
      // Address fields, with the checksum kept valid so that they are looked at.
      for (u32 n = 1 + below(3); n > 0; --n)
        test::put_le32(image, 0x40 + 12 + 4 * below(5), value());
    }
    if (below(4) == 0) image.resize(below(static_cast<u32>(image.size()) + 1));
    request.kernel_path = use_elf ? "fuzz.elf" : "fuzz.bin";
    request.kernel = image;
    try {
      load_multiboot(guest.memory(), request);
      ++loaded;
    } catch (const LoadError& error) {
      ++rejected;
      CHECK(std::string(error.what()).find('\n') == std::string::npos);
    }
  }
  // Both outcomes happen, so the corruption is neither always fatal nor always harmless.
  CHECK(loaded > 0);
  CHECK(rejected > 0);
}

}  // namespace glasspc::firmware

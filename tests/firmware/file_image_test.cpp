// Tests for firmware/file_image and firmware/load_error.
#include "firmware/file_image.h"

#include <catch2/catch.hpp>

#include "firmware/load_error.h"
#include "tests/firmware/firmware_test_support.h"

namespace glasspc::firmware {

TEST_CASE("read_image_file returns every byte of a file") {
  test::ScratchDirectory directory("read");
  // Larger than one read chunk and not a multiple of it.
  const std::vector<u8> bytes = test::pattern(200 * 1024 + 7, 3);
  const std::string path = directory.write("kernel.bin", bytes);
  CHECK(test::difference(read_image_file(path, "kernel"), bytes) == "");
  CHECK(read_image_file(directory.write("empty.bin", {}), "module").empty());
}

TEST_CASE("read_image_file names the file and the reason it cannot be read") {
  test::ScratchDirectory directory("errors");
  const std::string missing = (directory.path() / "x.elf").string();
  CHECK_THROWS_WITH(read_image_file(missing, "kernel"),
                    "kernel '" + missing + "': cannot open: No such file or directory");
  CHECK_THROWS_AS(read_image_file(missing, "kernel"), LoadError);
  const std::string folder = directory.path().string();
  CHECK_THROWS_WITH(read_image_file(folder, "module"),
                    "module '" + folder + "': cannot read: Is a directory");
}

TEST_CASE("LoadError keeps its message on one line") {
  const LoadError error("kernel", "odd\nname", "bad\tthing");
  CHECK(std::string(error.what()) == "kernel 'odd?name': bad?thing");
  CHECK(std::string(LoadError("memory size 1 bytes\n").what()) == "memory size 1 bytes?");
}

}  // namespace glasspc::firmware

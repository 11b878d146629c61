// The library must not compute with the host's floating point: no float, double or long double
// in its code, and no <cmath>/<cfenv>. That is what makes x87 and SSE results identical on every
// host, with or without extended precision (an ARM host has no 80-bit format at all).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace {

// Removes comments and string literals so prose such as "double extended" is not flagged.
std::string code_only(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "//") == 0) {
      while (i < text.size() && text[i] != '\n') ++i;
      out += '\n';
    } else if (text.compare(i, 2, "/*") == 0) {
      const std::size_t end = text.find("*/", i + 2);
      i = end == std::string::npos ? text.size() : end + 1;
    } else if (text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
    } else {
      out += text[i];
    }
  }
  return out;
}

TEST_CASE("the float library uses no host floating-point types or headers", "[float][purity]") {
  const std::regex forbidden(
      R"(\b(float|double|_Float\d+|__float128|__fp16)\b|#\s*include\s*<(cmath|math\.h|cfenv|fenv\.h)>)");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(GLASSPC_FLOAT_SOURCE_DIR)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".cpp" && ext != ".h") continue;
    std::ifstream in(entry.path());
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string code = code_only(buffer.str());
    std::smatch m;
    INFO(entry.path().filename().string());
    CHECK_FALSE(std::regex_search(code, m, forbidden));
    ++files;
  }
  CHECK(files >= 10);
}

TEST_CASE("the purity scanner itself detects host floating point", "[float][purity]") {
  const std::regex forbidden(R"(\b(float|double)\b)");
  CHECK(std::regex_search(code_only("long double x = 0;"), forbidden));
  CHECK_FALSE(std::regex_search(code_only("// double extended\nint x;"), forbidden));
  CHECK_FALSE(std::regex_search(code_only("auto s = \"double\";"), forbidden));
}

}  // namespace

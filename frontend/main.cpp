// glasspc: a see-through x86 PC emulator. Everything but this entry point is in
// glasspc_frontend (app.h), so that it can be tested.
#include <string>
#include <vector>

#include "frontend/app.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return glasspc::run_glasspc(args);
}

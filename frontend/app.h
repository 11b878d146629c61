// The glasspc program: parse the command line, build the PC, run it, report how it ended.
#pragma once

#include <string>
#include <vector>

namespace glasspc {

// Returns the process exit status: the guest's (isa-debug-exit), 0 when glasspc was asked to
// quit (Ctrl-A x, monitor "quit", SIGINT/SIGTERM/SIGHUP) or the machine reset or shut down under
// -no-reboot, 2 for a command line or input file that cannot be used (reported as one line
// "glasspc: <message>" on stderr), 1 for an error while running.
int run_glasspc(const std::vector<std::string>& args);

}  // namespace glasspc

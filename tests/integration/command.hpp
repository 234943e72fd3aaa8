#pragma once
// Runs a program to completion for a test (settlectl, systemd-analyze, cmake) and captures its
// exit code, stdout and stderr.

#include <string>
#include <vector>

namespace settled::testing {

struct CommandResult {
  int code = -1;  // exit code, 128 + signal if killed, -1 if it could not start
  std::string out, err;
};

// The whole file at `path`, "" if it cannot be read.
std::string slurp(const std::string& path);

// Runs `args` (argv[0] looked up on PATH) to completion.
CommandResult run_command(const std::vector<std::string>& args);

}  // namespace settled::testing

#pragma once
// Running the funnelsim command as a user does, for the end-to-end tests.

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

namespace funnelsim::testing {

struct Outcome {
  int exit_code = -1;
  std::string output;  ///< standard output (and standard error where the command sends it there)
};

/// Runs `command` with /bin/sh and captures its standard output.
inline Outcome shell_output(const std::string& command) {
  Outcome outcome;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
    outcome.output += buffer;
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

#ifdef FUNNELSIM_CLI
/// Runs the built funnelsim with `arguments`, standard output and error together (in the test
/// programs that build funnelsim first: tests/CMakeLists.txt, option CLI).
inline Outcome run_cli(const std::string& arguments) {
  return shell_output(std::string(FUNNELSIM_CLI) + " " + arguments + " 2>&1");
}
#endif

}  // namespace funnelsim::testing

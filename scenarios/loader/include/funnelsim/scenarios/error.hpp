#pragma once
/// The error the scenario loader throws for bad user input.

#include <string>

#include "funnelsim/error.hpp"

namespace funnelsim::scenarios {

/// An error in user input that knows where it is (kind input, exit code 2). `what()` reads
/// gcc-style:
/// `branch.yaml:14:7: segments.small.stages.solution.win_probability: must be in (0, 1], got 1.4`.
/// The file is the name as given, or `--set` for command-line overrides. Line and column are
/// 1-based, 0 when unknown (then `what()` leaves them out); the key path is empty for errors
/// about the whole file.
class InputError : public Error {
 public:
  InputError(std::string file, int line, int column, std::string key_path, std::string message);

  const std::string& file() const { return location()->file; }
  int line() const { return location()->line; }
  int column() const { return location()->column; }
  const std::string& key_path() const { return location()->key_path; }
};

}  // namespace funnelsim::scenarios

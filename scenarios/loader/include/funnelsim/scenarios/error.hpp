#pragma once
/// The error the scenario loader throws for bad user input.

#include <stdexcept>
#include <string>

namespace funnelsim::scenarios {

/// An error in user input that knows where it is. `what()` reads gcc-style:
/// `branch.yaml:14:7: segments.small.stages.solution.win_probability: must be in (0, 1], got 1.4`.
/// The file is the name as given, or `--set` for command-line overrides. Line and column are
/// 1-based, 0 when unknown (then `what()` leaves them out); the key path is empty for errors
/// about the whole file.
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, int line, int column, std::string key_path, std::string message);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& key_path() const { return key_path_; }
  /// The message alone, without the location and key path.
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string key_path_;
  std::string message_;
};

}  // namespace funnelsim::scenarios

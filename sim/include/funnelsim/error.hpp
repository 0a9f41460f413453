#pragma once
/// The one base of every error funnelsim throws on purpose.
///
/// The error model: libraries throw, only the command's `main` prints and chooses the exit
/// code. Every error a user can cause is a funnelsim::Error (or a type derived from it: the
/// loader's InputError, the results file's ResultsError, the output writer's OutputError, the
/// command line's UsageError, CompareError, PlanError, ForecastError, PlanUnreachable) and
/// carries
/// - a kind, which alone decides the exit code (exit_code below, docs/guarantees.md): usage,
///   input, results and output errors are the user's to fix (2), runtime failures are not (1);
/// - where known, a location: the file as the user named it (a scenario, a snapshot, `--set`,
///   a results file), a 1-based line and column (0 when unknown) and a key path (a scenario's
///   `segments.small.stages.solution.win_probability`, a results file's dataset).
/// `what()` reads gcc-style, `file:line:column: key: message`, leaving out what is unknown.
/// Anything else that escapes (std::bad_alloc, a std::runtime_error from the system) is a
/// runtime failure. Header-only, so that every library, `sim` included, can throw it.

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace funnelsim {

/// What kind of failure an error is; each kind has one exit code.
enum class ErrorKind {
  usage,    ///< a bad option or combination of options on the command line
  input,    ///< a bad scenario or snapshot file, or a --set override
  results,  ///< a results file that is missing, damaged, foreign or of a newer layout
  output,   ///< an output path funnelsim refuses to write (a link, an input, no --force)
  runtime   ///< the machine failed the run: a full disk, an HDF5 write error, a target not met
};

/// The exit codes of the funnelsim command (docs/guarantees.md, "Exit codes").
enum ExitCode : int { SUCCESS = 0, RUNTIME_FAILURE = 1, BAD_INPUT = 2, INTERRUPTED = 130 };

/// The exit code of an error of `kind`: 2 for what the user can fix, 1 otherwise.
constexpr int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::input:
    case ErrorKind::results:
    case ErrorKind::output:
      return BAD_INPUT;
    case ErrorKind::runtime:
      return RUNTIME_FAILURE;
  }
  return RUNTIME_FAILURE;
}

/// Where an error is: in a scenario, the file, line, column and key path; in a results file,
/// its path and the dataset (as the key path).
struct ErrorLocation {
  std::string file;  ///< as the user named it, or `--set`; empty until a caller names it
  int line = 0;      ///< 1-based; 0 when unknown
  int column = 0;    ///< 1-based; 0 when unknown
  std::string key_path;
};

/// An error a user can meet, with its kind and, where known, its location.
class Error : public std::runtime_error {
 public:
  /// An error whose message says everything (it may itself name a file).
  Error(ErrorKind kind, const std::string& message) : Error(kind, message, std::nullopt) {}
  /// An error at `location`: what() is `file:line:column: key: message`, leaving out the
  /// parts that are empty or 0. A location with an empty file is one whose file the caller
  /// knows and adds with in_file().
  Error(ErrorKind kind, std::string message, std::optional<ErrorLocation> location)
      : std::runtime_error(format_what(location, message)),
        kind_(kind),
        message_(std::move(message)),
        location_(std::move(location)) {}

  ErrorKind kind() const { return kind_; }
  /// The message alone, without the location.
  const std::string& message() const { return message_; }
  const std::optional<ErrorLocation>& location() const { return location_; }

  /// This error located in `file`, when its location lacks a file and `file` is not empty;
  /// otherwise itself (an empty name adds nothing, and what() stays as it was).
  Error in_file(const std::string& file) const {
    if (!location_ || !location_->file.empty() || file.empty()) {
      return *this;
    }
    ErrorLocation located = *location_;
    located.file = file;
    return Error(kind_, message_, std::move(located));
  }

 protected:
  /// For derived types that format what() their own way (InputError's is fixed by tests).
  Error(ErrorKind kind, const std::string& what, std::string message,
        std::optional<ErrorLocation> location)
      : std::runtime_error(what),
        kind_(kind),
        message_(std::move(message)),
        location_(std::move(location)) {}

 private:
  static std::string format_what(const std::optional<ErrorLocation>& location,
                                 const std::string& message) {
    if (!location) {
      return message;
    }
    std::string text;
    if (!location->file.empty()) {
      text = location->file;
      if (location->line > 0) {
        text += ':' + std::to_string(location->line);
        if (location->column > 0) {
          text += ':' + std::to_string(location->column);
        }
      }
      text += ": ";
    }
    if (!location->key_path.empty()) {
      text += location->key_path + ": ";
    }
    return text + message;
  }

  ErrorKind kind_;
  std::string message_;
  std::optional<ErrorLocation> location_;
};

}  // namespace funnelsim

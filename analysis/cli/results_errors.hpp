#pragma once
// Clean errors for the commands that read a results file: every message names the file.

#include <stdexcept>
#include <string>
#include <utility>

#include "funnelsim/analysis/results_file.hpp"

namespace funnelsim::cli {

/// Runs `read`, a command's work on the results file `path`, and returns its result. A
/// ResultsError that does not name the file is given its name; an index or size error
/// (what a damaged file can still provoke past the reader's checks) becomes a ResultsError
/// on the file, so that main reports it as bad input rather than as an internal failure.
template <typename Read>
auto naming_results_file(const std::string& path, Read&& read) -> decltype(read()) {
  try {
    return std::forward<Read>(read)();
  } catch (const analysis::ResultsError& error) {
    const std::string message = error.what();
    if (message.starts_with(path + ":") || message.starts_with(path + " ")) {
      throw;
    }
    throw analysis::ResultsError(path + ": " + message);
  } catch (const std::out_of_range& error) {
    throw analysis::ResultsError(path + ": damaged results file (" + error.what() + ")");
  } catch (const std::length_error& error) {
    throw analysis::ResultsError(path + ": damaged results file (" + error.what() + ")");
  }
}

}  // namespace funnelsim::cli

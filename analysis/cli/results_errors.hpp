#pragma once
// Clean errors for the commands that read a results file: every message names the file.

#include <csignal>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/results/results_merge.hpp"

namespace funnelsim::cli {

/// The models of a run's variants from the scenario text its shards store, by the scenario
/// loader (what merge_shards needs and the results library, which reads no YAML, cannot do).
std::vector<analysis::VariantModel> shard_scenario_models(const std::string& scenario_yaml,
                                                          const std::string& where);

/// `path` is a damaged results file, as `error` (from the standard library) shows.
inline analysis::ResultsError damaged(const std::string& path, const std::exception& error) {
  return analysis::ResultsError::at({path, 0, 0, {}},
                                    std::string("damaged results file (") + error.what() + ")");
}

/// While alive, a crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) ends the process with the
/// message "funnelsim: <path>: damaged results file (...)" and exit code 2 (BAD_INPUT).
/// HDF5 1.10 trusts parts of a file that carry no checksum (the global heap of its
/// variable-length strings) and can crash on a damaged one: a user must still get a clear
/// message and an exit code below 128.
class ResultsCrashGuard {
 public:
  explicit ResultsCrashGuard(const std::string& path);
  ~ResultsCrashGuard();
  ResultsCrashGuard(const ResultsCrashGuard&) = delete;
  ResultsCrashGuard& operator=(const ResultsCrashGuard&) = delete;

 private:
  static constexpr int SIGNALS[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
};

/// Runs `read`, a command's work on the results file `path`, and returns its result. An
/// error located in the file but without its name (a dataset the analysis found wrong, a
/// CompareError) is given the name (Error::in_file), keeping its kind; an index or size error
/// (what a damaged file can still provoke past the reader's checks) becomes a ResultsError
/// on the file, so that main reports it as bad input rather than as an internal failure;
/// a ResultsCrashGuard covers the reading.
template <typename Read>
auto naming_results_file(const std::string& path, Read&& read) -> decltype(read()) {
  const ResultsCrashGuard guard(path);
  try {
    return std::forward<Read>(read)();
  } catch (const Error& error) {
    if (error.location() && error.location()->file.empty()) {
      throw error.in_file(path);
    }
    throw;
  } catch (const std::out_of_range& error) {
    throw damaged(path, error);
  } catch (const std::length_error& error) {
    throw damaged(path, error);
  }
}

}  // namespace funnelsim::cli

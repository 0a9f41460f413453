#pragma once
// Options shared by several subcommands.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace funnelsim::cli {

/// Adds the positional scenario file and --set to a subcommand.
void add_scenario_options(CLI::App& command, std::string& scenario,
                          std::vector<std::string>& overrides);

/// A plan search's run options, the same for every candidate it simulates: -n/--replications,
/// --seed, --threads and -q/--quiet; `candidate` names what each run is ("candidate").
void add_search_run_options(CLI::App& command, std::size_t& replications, std::uint64_t& seed,
                            int& threads, bool& quiet, const std::string& candidate);

/// The worker threads a run starts: `threads`, or all cores for 0.
int worker_threads(int threads);

/// The largest seed: any 64-bit unsigned integer is one.
constexpr std::uint64_t MAX_SEED = std::numeric_limits<std::uint64_t>::max();

/// Checks an integer option's text before CLI11 converts it: plain decimal digits (no sign,
/// no space, no 0x or leading-zero octal) of a value in [min, max]. CLI11 alone reads `-1`
/// into an unsigned option as 2^64 - 1, clamps 99999999999999999999 to 2^64 - 1 and reads
/// `010` as 8; this refuses each with the option's domain. Its help text states the domain.
CLI::Validator integer_in(std::uint64_t min, std::uint64_t max);

/// Checks a number option's text: a finite decimal number in [min, max], or (min, max] when
/// `open_min`; `what` names the unit in the message ("万"). Its help text states the domain.
CLI::Validator number_in(double min, double max, bool open_min, const std::string& what = "");

/// Starts `threads` - 1 threads that wait until all are up, then ends them: a run whose worker
/// threads cannot be created (a low `ulimit -u`, an address-space cap too small for their
/// stacks) is refused with a UsageError naming `option` before any work, rather than aborted
/// by oneTBB halfway (exit 134).
void check_threads_start(int threads, const std::string& option);

}  // namespace funnelsim::cli

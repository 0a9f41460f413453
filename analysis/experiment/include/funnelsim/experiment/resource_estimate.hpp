#pragma once
/// What a run will cost before it starts: the events it simulates, its time, its peak memory
/// and the size of its results file, from a validated model and a replication count. A run
/// that cannot fit is refused up front with the estimate and the limit, rather than killed
/// for memory or disk halfway (issue #8).

#include <cstddef>
#include <string>
#include <vector>

#include "funnelsim/results/results_file.hpp"  // MAX_REPLICATIONS
#include "funnelsim/sim/model.hpp"

namespace funnelsim::analysis {

/// The run to estimate. `variants` counts the baseline: each variant runs every replication.
struct RunSize {
  std::size_t replications = 2000;
  std::size_t variants = 1;
  int threads = 1;                     ///< threads that will run replications (>= 1)
  std::size_t forecast_samples = 200;  ///< 0: the simulation forecast model is off
  /// Runs of the model one after another: a `plan` search's candidates, each estimated as the
  /// largest one (the model given). 1 for `run`.
  std::size_t candidates = 1;
  /// A `plan` search sets the searched key (`teams.NAME.headcount`) and the option that bounds
  /// it (`--max-headcount`): an error that blames that key names the option instead.
  std::string searched_key;
  std::string searched_option;
};

/// One key's share of a replication's work (event-equivalents) or of the memory (bytes): the
/// estimate blames the largest.
struct Contribution {
  std::string key;  ///< a scenario key path (`teams.north.headcount`) or an option (`--threads`)
  double amount = 0.0;
};

/// Upper-side estimates (bytes, seconds). Each errs high, never low.
struct ResourceEstimate {
  /// Engine events of one replication: each lead's arrival and one end per stage it can
  /// reach (1 + stages), referral chains expanded over the horizon, a week end per rep-week.
  double events_per_replication = 0.0;
  /// Everything a replication spends, in engine events' worth: the events, the lead process's
  /// thinned points, the marketing leads' rendezvous over the team's reps, each leave's
  /// bookkeeping, the week ends and the simulation forecast's draws. Its terms, by key, are in
  /// `work_by_key`.
  double work_per_replication = 0.0;
  std::vector<Contribution> work_by_key;
  std::vector<Contribution> memory_by_key;    ///< terms of peak_memory_bytes, by key
  double seconds = 0.0;                       ///< wall time at RunSize::threads
  double peak_memory_bytes = 0.0;             ///< the process at its largest
  double output_bytes = 0.0;                  ///< the results file, before compression
  double output_bytes_per_replication = 0.0;  ///< of every variant together
};

/// The most a run may use. The defaults refuse the absurd (a typo of three zeros), not the
/// large: 64 GiB of memory, 1 TiB of results and a week of computing.
/// The memory a run may plan to use on this machine: 64 GiB, or 80% of the physical memory or
/// of the address-space limit (`ulimit -v`) where either is smaller, so that a run refused for
/// its size is refused up front (exit code 2), not killed or out of memory hours later.
double machine_memory_limit();

struct ResourceLimits {
  double memory_bytes = machine_memory_limit();
  double output_bytes = 1024.0 * (1ull << 30);
  double seconds = 7.0 * 24 * 3600;
  /// Engine throughput assumed for the time estimate, per thread: the benchmark measures
  /// 15.4 M events/s on one core of the development machine (bench/README.md); 2.5 M covers
  /// slower machines, a loaded system and the weekly forecasts, which on a small scenario can
  /// cost twice the simulation. With the events counted high too, the estimate errs high
  /// several times over on that machine.
  double events_per_second_per_thread = 2.5e6;
};

/// The most worker threads a command may ask for (`--threads`): more than any machine funnelsim
/// runs on has cores, and few enough that their stacks fit a 4 GiB address space.
constexpr int MAX_THREADS = 256;

/// Estimates the cost of running `model` (the baseline; variants are assumed the same size).
ResourceEstimate estimate_resources(const sim::Model& model, const RunSize& run,
                                    const ResourceLimits& limits = {});

/// Throws scenarios::InputError when the run exceeds a limit (or asks for more than
/// MAX_REPLICATIONS replications): the message names the key to change (`replications`, or
/// the scenario key that makes one replication too large, such as `teams.territory.headcount`
/// or `calendar.quarters`), the estimate and the limit. `source` is the scenario file, for the
/// error's location; the `replications` key is reported against `--replications`.
void check_resources(const sim::Model& model, const RunSize& run, const std::string& source,
                     const ResourceLimits& limits = {});

/// "1.5 GiB", "320 KiB": a byte count for a message.
std::string format_bytes(double bytes);
/// "3.2 s", "4.1 h", "12 days": a duration for a message.
std::string format_seconds(double seconds);

}  // namespace funnelsim::analysis

#pragma once
/// Runs every variant of a scenario on common random numbers into one results file, block by
/// block, optionally until a target precision is reached.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "funnelsim/results/results_file.hpp"
#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/trace.hpp"
#include "funnelsim/stats/statistics.hpp"

namespace funnelsim::analysis {

/// One variant to run: the baseline comes first.
struct ExperimentVariant {
  std::string name;
  const sim::Model* model = nullptr;
  std::string resolved_yaml;
  SweepPoint sweep;  ///< its place on the scenario's sweep; empty for other variants
};

struct ExperimentOptions {
  std::uint64_t seed = 42;
  std::size_t max_replications = 2000;  ///< all of them, or the ceiling with a precision target
  std::size_t first_replication = 0;
  int threads = 0;
  /// Relative half-width of the 95% interval to reach, e.g. 0.01; none: run them all.
  std::optional<double> precision;
  std::size_t block = 256;  ///< replications of every variant between precision checks
  /// Pilot replications of the simulation forecast model (0: the model is off).
  std::size_t forecast_samples = 200;
  const std::atomic<bool>* stop = nullptr;
};

struct ExperimentResult {
  std::size_t replications = 0;  ///< of every variant
  std::uint64_t events = 0;
  bool stopped_early = false;  ///< by the stop flag
  /// The largest relative half-width of the 95% intervals of the baseline's mean total
  /// bookings and of each variant's mean paired difference (both over the baseline's mean).
  double precision = 0.0;
};

/// Progress: replications done and planned, summed over variants (for the simulation forecast
/// model's pilot, before the run: its replications done and planned, summed over variants).
using ExperimentProgress = std::function<void(std::size_t done, std::size_t planned)>;

/// Runs the variants into `writer` (one add_variant each; the caller commits). All variants
/// of replication r use the same random streams, so they are paired. With a precision target
/// the run stops after the first block at which it is reached; the root attributes
/// `precision_target` and `precision_achieved` record it.
ExperimentResult run_experiment(const std::vector<ExperimentVariant>& variants,
                                const ExperimentOptions& options, ResultsWriter& writer,
                                const ExperimentProgress& progress = {},
                                const ExperimentProgress& pilot_progress = {});

}  // namespace funnelsim::analysis

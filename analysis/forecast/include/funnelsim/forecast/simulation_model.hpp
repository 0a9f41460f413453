#pragma once
/// The simulation forecast model of a run: what the rest of a quarter will book, given the
/// funnel a manager sees at the end of one of its weeks, learned from the scenario itself.
///
/// Before the run, `pilot` replications of the scenario are simulated with their own random
/// streams (a seed derived from the run's, so independent of every replication it scores) and
/// traced: for every measured week, segment and
/// stage, the share of the open amount that is won by the end of the quarter, with the moments
/// of each opportunity's outcome; and for every week and segment, what opportunities created
/// after it book by the quarter's end. Every feature of the engine is in those measurements
/// (existing customers, lead sources and referrals, skill spread, attrition, hires and
/// departures, ramps, seasonality, stalls), so the model's conditional mean is unbiased for
/// any scenario the engine runs, up to the pilot's own sampling error.
///
/// At each week of a replication the model then needs no sampling: the mean is the funnel's
/// amounts times the learned shares plus the new business to come; the spread is the sum of
/// the opportunities' independent variances (compound Poisson for new business); the quantiles
/// are the mean plus that spread times the pilot's own standardised outcomes' quantiles at the
/// same week of the quarter, which carry whatever the independent outcomes leave out (shared
/// skill, bunched referrals, attrition, a lumpy last week).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/results.hpp"

namespace funnelsim::analysis {

/// What a long pilot reports while it runs, and the flag that stops it (Ctrl-C).
struct PilotHooks {
  const std::atomic<bool>* stop = nullptr;
  /// Called from the constructor's thread with the pilot replications done so far.
  std::function<void(std::size_t done)> progress;
};

class SimulationForecastModel {
 public:
  /// Learns the model from `pilot` (> 0) traced replications on `threads` worker threads (0:
  /// all cores); the same model for any thread count.
  SimulationForecastModel(const sim::Model& model, std::uint64_t seed, std::size_t pilot,
                          int threads = 0, const PilotHooks& hooks = {});

  /// False when `hooks.stop` cut the pilot short: the model is then unusable.
  bool complete() const { return complete_; }

  /// The quarter's bookings still to come after measured week `measured` (0-based), as a
  /// distribution summary, 万.
  struct Outlook {
    double mean = 0.0;
    double p10 = 0.0;
    double p50 = 0.0;
    double p90 = 0.0;
  };
  Outlook remaining(const sim::ReplicationResult& result, int measured) const;

  std::size_t pilot() const { return pilot_; }
  /// Per week of the quarter: the 0.1, 0.5 and 0.9 quantiles of the pilot's remaining
  /// bookings, less the model's mean, over its standard deviation (normal where the pilot saw
  /// nothing remain).
  struct Shape {
    double z10 = -1.2815515655446004;
    double z50 = 0.0;
    double z90 = 1.2815515655446004;
  };
  const std::vector<Shape>& shape() const { return shape_; }

 private:
  /// Per measured week, segment and stage: the opportunities open at the week's end.
  struct StageCell {
    double share = 0.0;  ///< won-by-quarter-end amount ÷ open amount
    double r1 = 0.0;     ///< moments of (won amount ÷ the stage's average open amount)
    double r2 = 0.0;
    bool seen = false;
  };
  /// Per measured week and segment: what opportunities created after the week's end book by
  /// the quarter's end (pilot means of the sum, and of the sum of squares).
  struct NewCell {
    double k1 = 0.0;
    double k2 = 0.0;
  };
  struct Cumulants {
    double k1 = 0.0;
    double k2 = 0.0;
  };
  Cumulants cumulants(const sim::ReplicationResult& result, int measured) const;
  std::size_t stage_index(int measured, std::size_t segment, std::size_t stage) const;

  const sim::Model& model_;
  std::size_t pilot_;
  bool complete_ = true;
  std::vector<std::size_t> stage_offset_;  ///< [segment]: first stage's position in a week's row
  std::size_t stages_total_ = 0;
  std::vector<StageCell> stage_cells_;  ///< [measured week][segment, stage]
  std::vector<NewCell> new_cells_;      ///< [measured week][segment]
  std::vector<Shape> shape_;            ///< [week of the quarter]
};

}  // namespace funnelsim::analysis

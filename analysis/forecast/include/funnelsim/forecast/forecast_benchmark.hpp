#pragma once
/// The forecast models applied inside a run: at the end of every week of every measured
/// quarter, each model forecasts that quarter's bookings from what a manager would know then
/// (the funnel, the reps' calls, the bookings so far), and the run records the forecasts
/// beside the truth, for `funnelsim forecast-accuracy` to score.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/random.hpp"
#include "funnelsim/sim/results.hpp"
#include "funnelsim/sim/runner.hpp"

namespace funnelsim::analysis {

/// The series a run records per replication, quarter and week, in this order:
/// funnel (4a), commit (4c), run_rate, simulation (its mean), and the simulation's P10 and P90.
/// ForecastBenchmark fills ReplicationResult::derived in this order; the results writer
/// stores each as forecast/<name>.
inline constexpr std::array<sim::SeriesInfo, 6> FORECAST_SERIES{{
#define FUNNELSIM_FORECAST(name)                                                           \
  {name, sim::Extent::quarter_week, "万",                                                  \
   "Forecast of the quarter's bookings made at the end of each of its weeks by the '" name \
   "' model (see RESULTS.md); NaN where the model was off."}
    FUNNELSIM_FORECAST("funnel"),
    FUNNELSIM_FORECAST("commit"),
    FUNNELSIM_FORECAST("run_rate"),
    FUNNELSIM_FORECAST("simulation"),
    FUNNELSIM_FORECAST("simulation_p10"),
    FUNNELSIM_FORECAST("simulation_p90"),
#undef FUNNELSIM_FORECAST
}};

/// Computes the weekly forecasts of a replication on the worker thread that simulated it and
/// stores them in ReplicationResult::derived, one [quarter][week of quarter] array per series
/// of FORECAST_SERIES.
///
/// The simulation model plays the rest of the quarter forward from the snapshot with the
/// scenario's own funnel, `samples` times: each open opportunity in stage i wins with the
/// stage's probability and closes after the rest of its stage (a manager sees the stage, not
/// the age: the equilibrium residual of the stage's duration) and the later stages'
/// durations, and new leads arrive at the teams' prospecting rates. Its randomness is keyed by
/// (seed, replication, week), so it is reproducible and independent of the run's own draws.
/// `samples` 0 switches it off (NaN).
class ForecastBenchmark final : public sim::ReplicationHook {
 public:
  ForecastBenchmark(const sim::Model& model, std::uint64_t seed, std::size_t samples);

  void after(std::uint64_t replication, sim::ReplicationResult& result) const override;

  std::size_t samples() const { return samples_; }

  /// One segment's open funnel: opportunities and their amount (万) per stage.
  struct OpenFunnel {
    std::vector<std::int64_t> count;
    std::vector<double> amount;
    bool active = true;  ///< false: this segment books nothing, not even new leads
  };

  /// One play of the rest of the quarter: the bookings (万) that the open funnels (one per
  /// segment of the model, or fewer: the first segments) and the leads still to come book in
  /// the `weeks_left` weeks, drawn from `stream`.
  double play_forward(const std::vector<OpenFunnel>& funnels, int weeks_left,
                      sim::RandomStream& stream) const;

 private:
  struct SegmentTables;

  const sim::Model& model_;
  std::uint64_t seed_;
  std::size_t samples_;
  /// Per segment: P(win and close within r weeks | entering stage i now) for r = 0..weeks of a
  /// quarter, and the same for a lead arriving uniformly within the next r weeks.
  std::vector<std::vector<std::vector<double>>> close_within_;  // [segment][stage][r]
  std::vector<std::vector<double>> new_lead_within_;            // [segment][r]
  std::vector<double> leads_per_week_;                          // [segment]
  std::vector<double> deal_mean_;                               // [segment]
  std::vector<double> deal_sd_;                                 // [segment]
};

}  // namespace funnelsim::analysis

#pragma once
/// The forecast models applied inside a run: at the end of every week of every measured
/// quarter, each model forecasts that quarter's bookings from what a manager would know then
/// (the funnel, the reps' calls, the bookings so far), and the run records the forecasts
/// beside the truth, for `funnelsim forecast-accuracy` to score.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "funnelsim/forecast/simulation_model.hpp"
#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/random.hpp"
#include "funnelsim/sim/results.hpp"
#include "funnelsim/sim/runner.hpp"

namespace funnelsim::analysis {

/// The series a run records per replication, quarter and week, in this order:
/// funnel (4a), commit (4c), run_rate, simulation (its mean), and the simulation's P10, P50 and
/// P90.
/// ForecastBenchmark fills ReplicationResult::derived in this order; the results writer
/// stores each as forecast/<name>.
inline constexpr std::array<sim::SeriesInfo, 7> FORECAST_SERIES{{
#define FUNNELSIM_FORECAST(name)                                                           \
  {name, sim::Extent::quarter_week, "万",                                                  \
   "Forecast of the quarter's bookings made at the end of each of its weeks by the '" name \
   "' model (see RESULTS.md); NaN where the model was off."}
    FUNNELSIM_FORECAST("funnel"),
    FUNNELSIM_FORECAST("commit"),
    FUNNELSIM_FORECAST("run_rate"),
    FUNNELSIM_FORECAST("simulation"),
    FUNNELSIM_FORECAST("simulation_p10"),
    FUNNELSIM_FORECAST("simulation_p50"),
    FUNNELSIM_FORECAST("simulation_p90"),
#undef FUNNELSIM_FORECAST
}};

/// Computes the weekly forecasts of a replication on the worker thread that simulated it and
/// stores them in ReplicationResult::derived, one [quarter][week of quarter] array per series
/// of FORECAST_SERIES.
///
/// The simulation model is SimulationForecastModel, learned from `pilot` replications of the
/// scenario before the run (simulation_model.hpp); `pilot` 0 switches it off (NaN).
///
/// play_forward() is the older simulation of a snapshot's rest of quarter, for snapshots that
/// come without a run (`funnelsim forecast --scenario`, the exercises): each open opportunity in
/// stage i wins with the stage's probability and closes after the rest of its stage (a manager
/// sees the stage, not the age: the equilibrium residual of the stage's duration) and the
/// later stages' durations, and new leads arrive at the teams' prospecting rates.
class ForecastBenchmark final : public sim::ReplicationHook {
 public:
  /// `threads`: the pilot's worker threads (0: all cores), as the run's.
  ForecastBenchmark(const sim::Model& model, std::uint64_t seed, std::size_t pilot, int threads = 0,
                    const PilotHooks& hooks = {});

  void after(std::uint64_t replication, sim::ReplicationResult& result) const override;

  /// Pilot replications of the simulation model; 0 when it is off.
  std::size_t pilot() const { return simulation_ ? simulation_->pilot() : 0; }
  const SimulationForecastModel* simulation() const { return simulation_.get(); }

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
  std::unique_ptr<SimulationForecastModel> simulation_;
  /// Per segment: P(win and close within r weeks | entering stage i now) for r = 0..weeks of a
  /// quarter, and the same for a lead arriving uniformly within the next r weeks.
  std::vector<std::vector<std::vector<double>>> close_within_;  // [segment][stage][r]
  std::vector<std::vector<double>> new_lead_within_;            // [segment][r]
  std::vector<double> leads_per_week_;                          // [segment]
  std::vector<double> deal_mean_;                               // [segment]
  std::vector<double> deal_sd_;                                 // [segment]
};

}  // namespace funnelsim::analysis

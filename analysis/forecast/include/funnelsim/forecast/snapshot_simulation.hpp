#pragma once
/// The simulation model on a snapshot (`funnelsim forecast --scenario`): the segment of a
/// scenario whose funnel the snapshot is plays the rest of the quarter forward from the
/// snapshot's open funnel, many times, with the weekly benchmark's play (ForecastBenchmark),
/// and the quarter's bookings are reported as a distribution. Amounts are in 万.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "funnelsim/forecast/snapshot.hpp"
#include "funnelsim/sim/model.hpp"

namespace funnelsim::analysis {

/// The segment of `model` that `snapshot` is: the one called `name`, or, with `name` empty,
/// the first whose stages have the snapshot's stage names in the snapshot's order; none when
/// no segment is. A segment called `name` may have other stages (simulate_outlook refuses it).
std::optional<std::size_t> snapshot_segment(const sim::Model& model, const Snapshot& snapshot,
                                            const std::string& name);

/// The quarter's bookings by the simulation model: realized plus what the rest of the quarter
/// books, over `samples` plays.
struct SimulationOutlook {
  std::string segment;      ///< the segment of the model that was played
  std::size_t samples = 0;  ///< plays
  int weeks_left = 0;       ///< the snapshot's weeks remaining, rounded to whole weeks
  double mean = 0.0;        ///< 万
  double p10 = 0.0;         ///< percentiles by Hyndman–Fan type 7 (quantile_sorted), 万
  double p50 = 0.0;
  double p90 = 0.0;
};

/// Plays the rest of the quarter `samples` times from the snapshot's open funnel in segment
/// `segment` of `model`, the model's other segments idle: each open opportunity of stage i
/// wins and closes as ForecastBenchmark::play_forward draws it (a stage without amounts takes
/// count × average deal), and new leads arrive at the segment's prospecting rate. The draws
/// come from one stream keyed by `seed` alone (entity "snapshot"), so the same model, snapshot,
/// seed and samples give the same outlook bit for bit. Throws std::invalid_argument unless
/// `segment` is a segment of the model with as many stages as the snapshot, and `samples` >= 1.
SimulationOutlook simulate_outlook(const sim::Model& model, const Snapshot& snapshot,
                                   std::size_t segment, std::uint64_t seed, std::size_t samples);

}  // namespace funnelsim::analysis

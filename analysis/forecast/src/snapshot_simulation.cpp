#include "funnelsim/forecast/snapshot_simulation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/sim/random.hpp"
#include "funnelsim/stats/statistics.hpp"

namespace funnelsim::analysis {
namespace {

/// The key of the outlook's one stream: "snapshot", as the command has always drawn it.
constexpr std::uint64_t SNAPSHOT_ENTITY = 0x736e617073686f74ULL;

}  // namespace

std::optional<std::size_t> snapshot_segment(const sim::Model& model, const Snapshot& snapshot,
                                            const std::string& name) {
  for (std::size_t s = 0; s < model.segments.size(); ++s) {
    const sim::Segment& candidate = model.segments[s];
    bool same = candidate.stages.size() == snapshot.stages.size();
    for (std::size_t i = 0; same && i < snapshot.stages.size(); ++i) {
      same = candidate.stages[i].name == snapshot.stages[i].name;
    }
    if (name.empty() ? same : candidate.name == name) {
      return s;
    }
  }
  return std::nullopt;
}

SimulationOutlook simulate_outlook(const sim::Model& model, const Snapshot& snapshot,
                                   std::size_t segment, std::uint64_t seed, std::size_t samples) {
  if (segment >= model.segments.size() ||
      model.segments[segment].stages.size() != snapshot.stages.size()) {
    throw std::invalid_argument("simulate_outlook: the segment is not the snapshot's funnel");
  }
  if (samples == 0) {
    throw std::invalid_argument("simulate_outlook: no samples");
  }
  const ForecastBenchmark benchmark(model, seed, 0);  // play_forward only: no pilot
  std::vector<ForecastBenchmark::OpenFunnel> funnels(model.segments.size());
  for (std::size_t s = 0; s < funnels.size(); ++s)
    funnels[s].active = s == segment;
  const double deal = average_deal(snapshot);
  for (const SnapshotStage& stage : snapshot.stages) {
    funnels[segment].count.push_back(stage.count);
    funnels[segment].amount.push_back(stage.amount ? *stage.amount : stage.count * deal);
  }
  SimulationOutlook outlook;
  outlook.segment = model.segments[segment].name;
  outlook.samples = samples;
  outlook.weeks_left = static_cast<int>(std::lround(snapshot.weeks_remaining));
  sim::RandomStream stream(seed, 0, {SNAPSHOT_ENTITY, 0}, sim::Purpose::forecast);
  std::vector<double> outcomes(samples);
  for (double& outcome : outcomes) {
    outcome = snapshot.realized + benchmark.play_forward(funnels, outlook.weeks_left, stream);
    outlook.mean += outcome / static_cast<double>(samples);
  }
  std::sort(outcomes.begin(), outcomes.end());
  outlook.p10 = quantile_sorted(outcomes, 0.10);
  outlook.p50 = quantile_sorted(outcomes, 0.50);
  outlook.p90 = quantile_sorted(outcomes, 0.90);
  return outlook;
}

}  // namespace funnelsim::analysis

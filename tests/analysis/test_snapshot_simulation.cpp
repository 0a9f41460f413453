// The simulation model on a snapshot (funnelsim/forecast/snapshot_simulation.hpp): which
// segment a snapshot is, the outlook's reproducibility and its stream, and a case whose answer
// is known without simulating.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/forecast/snapshot_simulation.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/scenarios/snapshot.hpp"
#include "funnelsim/sim/random.hpp"
#include "funnelsim/stats/statistics.hpp"

namespace {

namespace analysis = funnelsim::analysis;
namespace sim = funnelsim::sim;

const std::string SOURCE = FUNNELSIM_SOURCE_DIR;

sim::Model branch() {
  return funnelsim::scenarios::load_scenario_file(SOURCE + "/scenarios/branch.yaml").model;
}

analysis::Snapshot snapshot_file(const std::string& name) {
  return funnelsim::scenarios::load_snapshot_file(SOURCE + "/scenarios/snapshots/" + name);
}

}  // namespace

TEST_CASE("a snapshot is the segment with its stages, or the one named", "[forecast]") {
  const sim::Model model = branch();  // segments small (3 stages), large (5 stages)
  const analysis::Snapshot small = snapshot_file("branch-week7.yaml");
  const analysis::Snapshot large = snapshot_file("key-accounts-week7.yaml");
  CHECK(analysis::snapshot_segment(model, small, "") == 0u);
  CHECK(analysis::snapshot_segment(model, large, "") == 1u);
  CHECK(analysis::snapshot_segment(model, small, "small") == 0u);
  CHECK(analysis::snapshot_segment(model, small, "nope") == std::nullopt);
  analysis::Snapshot renamed = small;
  renamed.stages[1].name = "proposal";
  CHECK(analysis::snapshot_segment(model, renamed, "") == std::nullopt);
  // A segment named on purpose may have other stages; playing it is refused.
  CHECK(analysis::snapshot_segment(model, small, "large") == 1u);
  CHECK_THROWS_AS(analysis::simulate_outlook(model, small, 1, 42, 10), std::invalid_argument);
  CHECK_THROWS_AS(analysis::simulate_outlook(model, small, 2, 42, 10), std::invalid_argument);
  CHECK_THROWS_AS(analysis::simulate_outlook(model, small, 0, 42, 0), std::invalid_argument);
}

TEST_CASE("the simulation outlook is the same for the same seed", "[forecast]") {
  const sim::Model model = branch();
  const analysis::Snapshot snapshot = snapshot_file("branch-week7.yaml");
  const analysis::SimulationOutlook a = analysis::simulate_outlook(model, snapshot, 0, 42, 300);
  const analysis::SimulationOutlook b = analysis::simulate_outlook(model, snapshot, 0, 42, 300);
  CHECK(a.segment == "small");
  CHECK(a.samples == 300);
  CHECK(a.weeks_left == 6);
  CHECK(a.mean == b.mean);
  CHECK(a.p10 == b.p10);
  CHECK(a.p50 == b.p50);
  CHECK(a.p90 == b.p90);
  CHECK(snapshot.realized <= a.p10);
  CHECK(a.p10 <= a.p50);
  CHECK(a.p50 <= a.p90);
  const analysis::SimulationOutlook other = analysis::simulate_outlook(model, snapshot, 0, 43, 300);
  CHECK(other.mean != a.mean);
}

TEST_CASE("the simulation outlook draws from the stream the command always used", "[forecast]") {
  // `funnelsim forecast --scenario` printed these plays before the function existed: one
  // stream keyed by the seed and the entity "snapshot", purpose forecast. Its results must not
  // move.
  const sim::Model model = branch();
  const analysis::Snapshot snapshot = snapshot_file("key-accounts-week7.yaml");
  const std::uint64_t seed = 7;
  const std::size_t samples = 101;
  const analysis::ForecastBenchmark benchmark(model, seed, samples);
  std::vector<analysis::ForecastBenchmark::OpenFunnel> funnels(2);
  funnels[0].active = false;
  for (const analysis::SnapshotStage& stage : snapshot.stages) {
    funnels[1].count.push_back(stage.count);
    funnels[1].amount.push_back(*stage.amount);
  }
  const int weeks_left = static_cast<int>(std::lround(snapshot.weeks_remaining));
  sim::RandomStream stream(seed, 0, {0x736e617073686f74ULL, 0}, sim::Purpose::forecast);
  std::vector<double> outcomes(samples);
  double mean = 0.0;
  for (double& outcome : outcomes) {
    outcome = snapshot.realized + benchmark.play_forward(funnels, weeks_left, stream);
    mean += outcome / static_cast<double>(samples);
  }
  std::sort(outcomes.begin(), outcomes.end());
  const analysis::SimulationOutlook outlook =
      analysis::simulate_outlook(model, snapshot, 1, seed, samples);
  CHECK(outlook.segment == "large");
  CHECK(outlook.mean == mean);
  CHECK(outlook.p10 == analysis::quantile_sorted(outcomes, 0.10));
  CHECK(outlook.p50 == analysis::quantile_sorted(outcomes, 0.50));
  CHECK(outlook.p90 == analysis::quantile_sorted(outcomes, 0.90));
}

TEST_CASE("with nothing open and no week left the quarter books exactly what is realized",
          "[forecast]") {
  // No opportunity can close and no lead can arrive in zero weeks: every play adds 0.
  analysis::Snapshot snapshot = snapshot_file("branch-week7.yaml");
  for (analysis::SnapshotStage& stage : snapshot.stages)
    stage.count = 0;
  snapshot.weeks_remaining = 0.0;
  snapshot.realized = 60.0;
  // 8 samples: 60 / 8 is exact, so the mean sums back to 60 exactly.
  const analysis::SimulationOutlook outlook =
      analysis::simulate_outlook(branch(), snapshot, 0, 42, 8);
  CHECK(outlook.weeks_left == 0);
  CHECK(outlook.mean == 60.0);
  CHECK(outlook.p10 == 60.0);
  CHECK(outlook.p50 == 60.0);
  CHECK(outlook.p90 == 60.0);
}

// funnelsim's side of bench/run's "vs simpy": the replications that bench/simpy_branch.py runs,
// of the same scenario, on one thread, into a results file as `funnelsim run` writes it, timed
// as the SimPy script times itself (from the loaded model to the last result stored, process
// start and scenario parsing excluded). No weekly forecasts: the SimPy model has none. Best of
// three runs (the machine is shared). Prints the seconds; bench/run prints the comparison.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench_arguments.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/sim/runner.hpp"
#include "support/temporary_directory.hpp"

namespace analysis = funnelsim::analysis;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const auto arguments =
      funnelsim::bench::parse_bench_arguments(argc, argv, "funnelsim_simpy_pair", 60);
  if (!arguments)
    return 2;
  const std::size_t replications = arguments->replications;
  const funnelsim::scenarios::LoadedScenario scenario =
      funnelsim::scenarios::load_scenario_file(arguments->scenario);
  const funnelsim::testing::TemporaryDirectory scratch("funnelsim-pair");
  const std::filesystem::path& directory = scratch.path();

  double best = 1e300;
  try {
    for (int round = 0; round < 3; ++round) {
      analysis::RunMetadata metadata;
      metadata.scenario_yaml = scenario.resolved_yaml;
      metadata.scenario_name = scenario.model.name;
      metadata.seed = 42;
      metadata.replications_planned = replications;
      const Clock::time_point start = Clock::now();
      analysis::ResultsWriter writer(directory / "results.h5", metadata, true);
      funnelsim::sim::RunOptions options;
      options.seed = 42;
      options.replications = replications;
      options.threads = 1;
      funnelsim::sim::run_replications(
          scenario.model, options,
          writer.add_variant("baseline", scenario.model, scenario.resolved_yaml));
      writer.commit(replications);
      best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "funnelsim_simpy_pair: %s\n", error.what());
    return 1;
  }
  std::printf("%.6f\n", best);
  return 0;
}

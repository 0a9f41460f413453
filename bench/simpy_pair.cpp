// funnelsim's side of bench/run's "vs simpy": the replications that bench/simpy_branch.py runs,
// of the same scenario, on one thread, into a results file as `funnelsim run` writes it, timed
// as the SimPy script times itself (from the loaded model to the last result stored, process
// start and scenario parsing excluded). No weekly forecasts: the SimPy model has none. Best of
// three runs (the machine is shared). Prints the seconds; bench/run prints the comparison.

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "funnelsim/analysis/results_file.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/sim/runner.hpp"

namespace analysis = funnelsim::analysis;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  std::size_t replications = 60;
  std::string scenario_path = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--replications" && i + 1 < argc) {
      replications = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--scenario" && i + 1 < argc) {
      scenario_path = argv[++i];
    } else {
      std::fprintf(stderr, "usage: funnelsim_simpy_pair [--replications N] [--scenario FILE]\n");
      return 2;
    }
  }
  const funnelsim::scenarios::LoadedScenario scenario =
      funnelsim::scenarios::load_scenario_file(scenario_path);
  std::string pattern = (std::filesystem::temp_directory_path() / "funnelsim-pair-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::perror("funnelsim_simpy_pair: mkdtemp");
    return 1;
  }
  const std::filesystem::path directory(pattern);

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
    std::filesystem::remove_all(directory);
    return 1;
  }
  std::filesystem::remove_all(directory);
  std::printf("%.6f\n", best);
  return 0;
}

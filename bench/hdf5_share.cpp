// The share of a run's time spent writing results to HDF5: the same replications on one
// thread, with the weekly forecasts `funnelsim run` computes, once into a sink that drops them
// and once into the results file, timing what the writer does (each batch's write, and the
// commit that flushes the chunk caches, compresses and renames). On one thread nothing
// overlaps, so writing time / run time is the share; with more threads the writer's serial
// stage overlaps simulation and costs less wall time than this. Prints figures; asserts nothing.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench_arguments.hpp"
#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/sim/runner.hpp"
#include "support/temporary_directory.hpp"

namespace sim = funnelsim::sim;
namespace analysis = funnelsim::analysis;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class NullSink final : public sim::ResultSink {
 public:
  void consume(std::size_t, std::span<const sim::ReplicationResult>) override {}
};

/// Passes batches on to the file's sink and adds up the time spent there.
class TimedSink final : public sim::ResultSink {
 public:
  explicit TimedSink(sim::ResultSink& file) : file_(file) {}
  void consume(std::size_t first, std::span<const sim::ReplicationResult> results) override {
    const Clock::time_point start = Clock::now();
    file_.consume(first, results);
    seconds += seconds_since(start);
  }
  double seconds = 0.0;

 private:
  sim::ResultSink& file_;
};

struct Timing {
  double run = 0.0;      ///< whole run, s
  double writing = 0.0;  ///< inside the writer, s (0 for the null sink)
};

sim::RunOptions one_thread(std::size_t replications, const sim::ReplicationHook& hook) {
  sim::RunOptions options;
  options.seed = 42;
  options.replications = replications;
  options.threads = 1;
  options.hook = &hook;
  return options;
}

Timing without_file(const sim::Model& model, std::size_t replications,
                    const sim::ReplicationHook& hook) {
  NullSink sink;
  const Clock::time_point start = Clock::now();
  sim::run_replications(model, one_thread(replications, hook), sink);
  return {seconds_since(start), 0.0};
}

Timing with_file(const funnelsim::scenarios::LoadedScenario& scenario, std::size_t replications,
                 const sim::ReplicationHook& hook, const std::filesystem::path& target) {
  analysis::RunMetadata metadata;
  metadata.scenario_yaml = scenario.resolved_yaml;
  metadata.scenario_name = scenario.model.name;
  metadata.seed = 42;
  metadata.replications_planned = replications;
  const Clock::time_point start = Clock::now();
  analysis::ResultsWriter writer(target, metadata, true);
  TimedSink sink(writer.add_variant("baseline", scenario.model, scenario.resolved_yaml,
                                    analysis::FORECAST_SERIES));
  const double setup = seconds_since(start);
  sim::run_replications(scenario.model, one_thread(replications, hook), sink);
  const Clock::time_point commit = Clock::now();
  writer.commit(replications);
  const double writing = setup + sink.seconds + seconds_since(commit);
  return {seconds_since(start), writing};
}

}  // namespace

int main(int argc, char** argv) {
  const auto arguments =
      funnelsim::bench::parse_bench_arguments(argc, argv, "funnelsim_hdf5_share", 2000);
  if (!arguments)
    return 2;
  const std::size_t replications = arguments->replications;
  const funnelsim::scenarios::LoadedScenario scenario =
      funnelsim::scenarios::load_scenario_file(arguments->scenario);
  // As `funnelsim run` computes them by default (--forecast-samples 100).
  const analysis::ForecastBenchmark forecasts(scenario.model, 42, 100);

  const funnelsim::testing::TemporaryDirectory scratch("funnelsim-hdf5");
  const std::filesystem::path& directory = scratch.path();
  const std::filesystem::path target = directory / "results.h5";

  // Three rounds, interleaved, keeping the fastest of each (the machine is shared).
  Timing dropped{1e300, 0.0};
  Timing written{1e300, 0.0};
  std::uintmax_t file_bytes = 0;
  try {
    for (int round = 0; round < 3; ++round) {
      const Timing a = without_file(scenario.model, replications, forecasts);
      if (a.run < dropped.run)
        dropped = a;
      const Timing b = with_file(scenario, replications, forecasts, target);
      if (b.run < written.run)
        written = b;
      file_bytes = std::filesystem::file_size(target);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "funnelsim_hdf5_share: %s\n", error.what());
    return 1;
  }

  std::printf(
      "hdf5 writing: %.1f%% of run time (%.2f s writing of %.2f s; %zu replications of %s, "
      "1 thread, %.1f MB file; the same run into a null sink: %.2f s, %+.1f%%)\n",
      100.0 * written.writing / written.run, written.writing, written.run, replications,
      scenario.model.name.c_str(), static_cast<double>(file_bytes) / 1e6, dropped.run,
      100.0 * (written.run / dropped.run - 1.0));
  return 0;
}

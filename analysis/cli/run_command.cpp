#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "funnelsim/analysis/results_file.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/sim/runner.hpp"
#include "options.hpp"
#include "progress.hpp"

namespace funnelsim::cli {
namespace {

struct RunArgs {
  std::string scenario;
  std::string output;
  std::size_t replications = 2000;
  std::uint64_t seed = 42;
  int threads = 0;
  std::vector<std::string> overrides;
  bool force = false;
  bool quiet = false;
};

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  interrupted.store(true);
  // A second Ctrl-C kills at once, the default way.
  std::signal(SIGINT, SIG_DFL);
}

int run(const RunArgs& args) {
  // Everything the user gave is checked before the first replication.
  const scenarios::LoadedScenario scenario =
      scenarios::load_scenario_file(args.scenario, args.overrides);
  const std::filesystem::path target(args.output);
  if (std::filesystem::exists(target) && !args.force) {
    throw UsageError(args.output + ": exists; use --force to replace it");
  }
  if (std::filesystem::is_directory(target)) {
    throw UsageError(args.output + ": is a directory");
  }

  analysis::RunMetadata metadata;
  metadata.scenario_yaml = scenario.resolved_yaml;
  metadata.scenario_name = scenario.model.name;
  metadata.seed = args.seed;
  metadata.replications_planned = args.replications;

  sim::RunOptions options;
  options.seed = args.seed;
  options.replications = args.replications;
  options.threads = args.threads;
  options.stop = &interrupted;

  const auto start = std::chrono::steady_clock::now();
  sim::RunStats stats;
  try {
    analysis::ResultsWriter writer(target, metadata, args.force);
    sim::ResultSink& sink = writer.add_variant("baseline", scenario.model, scenario.resolved_yaml);
    ProgressSink progress(sink, args.replications, !args.quiet && stderr_is_terminal(),
                          scenario.model.name);
    std::signal(SIGINT, on_interrupt);
    stats = sim::run_replications(scenario.model, options, progress);
    std::signal(SIGINT, SIG_DFL);
    progress.finish();
    writer.commit(stats.replications_done);
  } catch (const analysis::ResultsError& error) {
    throw std::runtime_error(error.what());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (stats.stopped_early) {
    std::fprintf(stderr,
                 "funnelsim: interrupted: wrote %s with %zu of %zu replications, marked "
                 "incomplete\n",
                 args.output.c_str(), stats.replications_done, args.replications);
    return INTERRUPTED;
  }
  if (!args.quiet) {
    std::fprintf(stderr,
                 "funnelsim: wrote %s: %zu replications of '%s', seed %llu, %.3g events in "
                 "%.2f s\n",
                 args.output.c_str(), stats.replications_done, scenario.model.name.c_str(),
                 static_cast<unsigned long long>(args.seed), static_cast<double>(stats.events),
                 seconds);
  }
  return SUCCESS;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* command = app.add_subcommand(
      "run", "Simulate a scenario's replications in parallel and write the results (HDF5)");
  add_scenario_options(*command, args->scenario, args->overrides);
  command->add_option("-o,--output", args->output, "Results file to write (HDF5)")->required();
  command->add_option("-n,--replications", args->replications, "Monte Carlo replications")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  command
      ->add_option("--seed", args->seed,
                   "Random seed: the same scenario, seed and build give identical results")
      ->capture_default_str();
  command->add_option("--threads", args->threads, "Worker threads (0: all cores)")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096));
  command->add_flag("--force", args->force, "Replace the output file if it exists");
  command->add_flag("-q,--quiet", args->quiet, "No progress bar or closing report");
  command->footer(
      "\nThe file is written beside the target and renamed when complete: a failed run leaves\n"
      "no partial file and an existing target untouched. Ctrl-C stops early and keeps the\n"
      "finished replications in a file marked incomplete (exit code 130).");
  return {command, [args] { return run(*args); }};
}

}  // namespace funnelsim::cli

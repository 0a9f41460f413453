#include <CLI/CLI.hpp>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "crm_export.hpp"
#include "funnelsim/analysis/experiment.hpp"
#include "funnelsim/analysis/results_file.hpp"
#include "funnelsim/scenarios/variants.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "trace_csv.hpp"

namespace funnelsim::cli {
namespace {

struct RunArgs {
  std::string scenario;
  std::string output;
  std::size_t replications = 2000;
  std::uint64_t seed = 42;
  int threads = 0;
  std::vector<std::string> overrides;
  std::string precision;
  std::optional<std::size_t> replication;
  std::string trace;
  std::size_t forecast_samples = 100;
  std::string crm_export;
  std::size_t crm_replications = 3;
  bool force = false;
  bool quiet = false;
  bool replications_given = false;
};

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  interrupted.store(true);
  // A second Ctrl-C kills at once, the default way.
  std::signal(SIGINT, SIG_DFL);
}

/// "1%" or "0.01" as a fraction in (0, 1).
double parse_precision(const std::string& text) {
  std::size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const bool percent = used + 1 == text.size() && text.back() == '%';
  if (used == 0 || (used != text.size() && !percent)) {
    throw UsageError("--precision: expected a relative half-width such as 1% or 0.01, got '" +
                     text + "'");
  }
  if (percent)
    value /= 100.0;
  if (!(value > 0.0 && value < 1.0)) {
    throw UsageError("--precision: must be between 0 and 100%, got '" + text + "'");
  }
  return value;
}

/// Keeps peak memory flat in the replication count. The results writer runs on whichever oneTBB
/// thread holds the pipeline's serial stage, so HDF5's chunk buffers (up to 512 KiB) are
/// allocated in every thread's glibc arena in turn, and glibc's dynamic mmap threshold, raised
/// by the first such buffer freed, leaves them in those arenas, fragmented: peak RSS grew from
/// 32 MB at 1000 replications of the branch to 40 MB at 10,000. A fixed threshold maps and
/// unmaps them instead (30.1 and 30.4 MB at 1000 and 5000), for a few hundred mmap calls a run.
void map_large_buffers() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

int run(const RunArgs& args) {
  // Everything the user gave is checked before the first replication.
  const scenarios::ScenarioSet scenario =
      scenarios::load_scenario_set(args.scenario, args.overrides);
  const std::optional<double> precision =
      args.precision.empty() ? std::nullopt : std::optional(parse_precision(args.precision));
  std::size_t replications = args.replications;
  std::size_t first = 0;
  if (args.replication) {
    first = *args.replication;
    if (!args.replications_given)
      replications = 1;
  }
  if (!args.trace.empty() && replications != 1) {
    throw UsageError("--trace records one replication: use it with --replication K");
  }
  const std::filesystem::path target(args.output);
  if (std::filesystem::is_directory(target))
    throw UsageError(args.output + ": is a directory");
  if (std::filesystem::exists(target) && !args.force) {
    throw UsageError(args.output + ": exists; use --force to replace it");
  }

  const sim::Model& baseline = scenario.variants.front().scenario.model;
  analysis::RunMetadata metadata;
  metadata.scenario_yaml = scenario.resolved_yaml;
  metadata.scenario_name = baseline.name;
  metadata.seed = args.seed;
  metadata.replications_planned = replications;
  metadata.first_replication = first;

  std::vector<analysis::ExperimentVariant> variants;
  for (const scenarios::ScenarioVariant& variant : scenario.variants) {
    variants.push_back({variant.name, &variant.scenario.model, variant.scenario.resolved_yaml});
  }
  analysis::ExperimentOptions options;
  options.seed = args.seed;
  options.max_replications = replications;
  options.first_replication = first;
  options.threads = args.threads;
  options.precision = precision;
  options.forecast_samples = args.forecast_samples;
  options.stop = &interrupted;

  map_large_buffers();
  const auto start = std::chrono::steady_clock::now();
  analysis::ExperimentResult result;
  try {
    analysis::ResultsWriter writer(target, metadata, args.force);
    ProgressBar bar(!args.quiet && stderr_is_terminal(), baseline.name);
    std::signal(SIGINT, on_interrupt);
    result = analysis::run_experiment(
        variants, options, writer,
        [&bar](std::size_t done, std::size_t total) { bar.update(done, total); });
    std::signal(SIGINT, SIG_DFL);
    bar.finish();
    writer.commit(result.replications);
  } catch (const analysis::ResultsError& error) {
    throw std::runtime_error(error.what());
  }
  if (!args.trace.empty() && !result.stopped_early) {
    write_trace_csv(args.trace, baseline, args.seed, first);
  }
  if (!args.crm_export.empty() && !result.stopped_early) {
    write_crm_export(args.crm_export, baseline, args.seed, first,
                     std::min(args.crm_replications, result.replications));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (result.stopped_early) {
    std::fprintf(stderr,
                 "funnelsim: interrupted: wrote %s with %zu of %zu replications, marked "
                 "incomplete\n",
                 args.output.c_str(), result.replications, replications);
    return INTERRUPTED;
  }
  if (!args.quiet) {
    std::fprintf(stderr, "funnelsim: wrote %s: %zu replications", args.output.c_str(),
                 result.replications);
    if (variants.size() > 1)
      std::fprintf(stderr, " of %zu variants", variants.size());
    std::fprintf(stderr, " of '%s', seed %llu, %.3g events in %.2f s\n", baseline.name.c_str(),
                 static_cast<unsigned long long>(args.seed), static_cast<double>(result.events),
                 seconds);
    if (precision) {
      std::fprintf(stderr, "funnelsim: precision %.2f%% (target %.2f%%)%s\n",
                   100.0 * result.precision, 100.0 * *precision,
                   result.precision <= *precision ? "" : ": not reached within -n, raise it");
    }
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
  CLI::Option* count =
      command
          ->add_option("-n,--replications", args->replications,
                       "Monte Carlo replications of every variant (the ceiling with --precision)")
          ->capture_default_str()
          ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  command
      ->add_option("--seed", args->seed,
                   "Random seed: the same scenario, seed and build give identical results")
      ->capture_default_str();
  command->add_option("--threads", args->threads, "Worker threads (0: all cores)")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096));
  command->add_option("--precision", args->precision,
                      "Add replications until the 95% interval of mean bookings (and of each\n"
                      "variant's difference from the baseline) is within this share of the\n"
                      "baseline's mean, e.g. 1%; -n is the ceiling");
  command->add_option("--replication", args->replication,
                      "Start at replication K (with -n 1 unless -n is given): reproduces that\n"
                      "replication of a larger run exactly");
  command->add_option("--trace", args->trace,
                      "With --replication K: write the baseline's events of that replication\n"
                      "as CSV (time_days, week, rep, team, opportunity, event, segment, stage,\n"
                      "amount)");
  command
      ->add_option("--forecast-samples", args->forecast_samples,
                   "Samples of the simulation forecast model at each week's end (0: off; the\n"
                   "funnel, commit and run-rate forecasts are always recorded)")
      ->capture_default_str();
  command->add_option("--crm-export", args->crm_export,
                      "Also write what a CRM would hold for the baseline's first replications:\n"
                      "DIR/snapshots.csv (every open opportunity at every week's end) and\n"
                      "DIR/outcomes.csv (every closed one), for scoring outside models");
  command
      ->add_option("--crm-replications", args->crm_replications, "Replications in the CRM export")
      ->capture_default_str();
  command->add_flag("--force", args->force, "Replace the output file (and export) if they exist");
  command->add_flag("-q,--quiet", args->quiet, "No progress bar or closing report");
  command->callback([args, count] { args->replications_given = count->count() > 0; });
  command->footer(
      "\nEvery variant and sweep value of the scenario runs on the same random numbers as the\n"
      "baseline (compare them with 'funnelsim compare'). The file is written beside the target\n"
      "and renamed when complete: a failed run leaves no partial file and an existing target\n"
      "untouched. Ctrl-C stops early and keeps the finished replications in a file marked\n"
      "incomplete (exit code 130).");
  return {command, [args] { return run(*args); }};
}

}  // namespace funnelsim::cli

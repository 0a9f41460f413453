#include <CLI/CLI.hpp>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <tuple>
#include <vector>

#include <unistd.h>

#include "commands.hpp"
#include "crm_export.hpp"
#include "funnelsim/experiment/experiment.hpp"
#include "funnelsim/experiment/resource_estimate.hpp"
#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/results/output_path.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/results/results_merge.hpp"
#include "funnelsim/scenarios/error.hpp"
#include "funnelsim/scenarios/variants.hpp"
#include "mpi_job.hpp"
#include "options.hpp"
#include "output_file.hpp"
#include "progress.hpp"
#include "results_errors.hpp"
#include "trace_csv.hpp"

namespace funnelsim::cli {
namespace {

/// --replication K: a first replication index that leaves room for MAX_REPLICATIONS after it.
constexpr std::uint64_t MAX_FIRST_REPLICATION = (std::uint64_t{1} << 63) - 1;
/// --forecast-samples: pilot replications of the simulation forecast model; more than this
/// sharpens nothing a run reports (the pilot's error is then far below a run's own).
constexpr std::uint64_t MAX_FORECAST_SAMPLES = 10'000;

struct RunArgs {
  std::string scenario;
  std::string output;
  std::size_t replications = 2000;
  std::uint64_t seed = 42;
  int threads = 0;
  std::vector<std::string> overrides;
  std::string precision;
  std::string shard;
  std::optional<std::size_t> replication;
  std::string trace;
  std::size_t forecast_samples = 200;
  std::string crm_export;
  std::string crm_replications = "3";  ///< COUNT or FIRST:COUNT
  bool crm_variants = false;
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

/// "K/N" of --shard: shard K (from 1) of N.
analysis::ShardInfo parse_shard(const std::string& text) {
  const auto number = [&](std::string_view digits) -> std::size_t {
    std::size_t value = 0;
    const bool ok =
        !digits.empty() && digits.size() <= 9 &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (ok)
      value = static_cast<std::size_t>(std::stoul(std::string(digits)));
    if (!ok || value == 0) {
      throw UsageError("--shard: expected K/N with 1 <= K <= N, such as 2/4, got '" + text + "'");
    }
    return value;
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos)
    number("");
  analysis::ShardInfo shard;
  shard.index = number(std::string_view(text).substr(0, slash));
  shard.count = number(std::string_view(text).substr(slash + 1));
  if (shard.index > shard.count) {
    throw UsageError("--shard: K must be at most N (shards are counted from 1), got '" + text +
                     "'");
  }
  return shard;
}

/// Everything a run needs, checked before the first replication.
struct Plan {
  scenarios::ScenarioSet scenario;
  std::vector<analysis::ExperimentVariant> variants;
  analysis::RunMetadata metadata;
  analysis::ExperimentOptions options;
  std::optional<analysis::ShardInfo> shard;  ///< what the file records: --shard or a rank
  std::size_t first = 0;
  std::size_t replications = 0;
  std::optional<double> precision;
  std::size_t crm_first = 0;  ///< --crm-replications, resolved
  std::size_t crm_count = 0;
};

/// Checks every path the run writes before the first replication: the results file, the
/// trace and the CRM export's files must be new names or, with --force, regular files, none
/// of them the scenario or one another (analysis/output_path.hpp).
void check_targets(const RunArgs& args) {
  const std::vector<analysis::FileIdentity> inputs = analysis::identify_inputs({args.scenario});
  std::vector<std::pair<std::string, std::string>> outputs = {{"-o", args.output}};
  analysis::check_output_path(args.output, args.force, inputs);
  if (!args.trace.empty()) {
    analysis::check_output_path(args.trace, args.force, inputs);
    outputs.emplace_back("--trace", args.trace);
  }
  if (!args.crm_export.empty()) {
    analysis::check_output_directory(args.crm_export, args.force, CRM_EXPORT_FILES, inputs);
    for (const std::string& name : CRM_EXPORT_FILES)
      outputs.emplace_back("--crm-export",
                           (std::filesystem::path(args.crm_export) / name).string());
  }
  check_distinct_outputs(outputs);
}

/// Loads and checks everything; with `shard`, the plan runs that shard's replications of the
/// run the arguments describe. Variants point into plan.scenario: the plan stays in place.
void prepare(const RunArgs& args, std::optional<analysis::ShardInfo> shard, Plan& plan) {
  plan.scenario = scenarios::load_scenario_set(args.scenario, args.overrides);
  plan.precision =
      args.precision.empty() ? std::nullopt : std::optional(parse_precision(args.precision));
  plan.replications = args.replications;
  if (args.replication) {
    plan.first = *args.replication;
    if (!args.replications_given)
      plan.replications = 1;
  }
  // Replication numbers are 0 .. 2^63 - 1: the last one of the run must be one too.
  if (plan.replications > 0 && plan.first > MAX_FIRST_REPLICATION - (plan.replications - 1)) {
    throw UsageError("--replication: " + std::to_string(plan.first) + " with -n " +
                     std::to_string(plan.replications) +
                     " runs past the last replication number, " +
                     std::to_string(MAX_FIRST_REPLICATION) + "; start at most at " +
                     std::to_string(MAX_FIRST_REPLICATION - (plan.replications - 1)));
  }
  if (!args.trace.empty() && plan.replications != 1) {
    throw UsageError("--trace records one replication: use it with --replication K");
  }
  {
    // COUNT (the run's first COUNT replications) or FIRST:COUNT, 0-based replication numbers
    // of this run; checked whether or not there is an export to use it.
    const std::string& text = args.crm_replications;
    const std::size_t colon = text.find(':');
    const auto number = [&](const std::string& part) {
      std::uint64_t value = 0;
      const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
      if (part.empty() || error != std::errc() || end != part.data() + part.size())
        throw UsageError("--crm-replications: expected COUNT or FIRST:COUNT (0-based), got '" +
                         text + "'");
      return static_cast<std::size_t>(value);
    };
    plan.crm_first = colon == std::string::npos ? plan.first : number(text.substr(0, colon));
    plan.crm_count = number(colon == std::string::npos ? text : text.substr(colon + 1));
    if (colon == std::string::npos)
      plan.crm_count = std::min(plan.crm_count, plan.replications);
    if (!args.crm_export.empty() &&
        (plan.crm_first < plan.first || plan.crm_count > plan.replications ||
         plan.crm_first - plan.first > plan.replications - plan.crm_count))
      throw UsageError("--crm-replications: " + text + " is not within this run's replications " +
                       std::to_string(plan.first) + ".." +
                       std::to_string(plan.first + plan.replications - 1) + " (0-based)");
  }
  if (shard) {
    // The number of replications of an adaptive run depends on all of them: no shard knows
    // where it ends.
    if (plan.precision)
      throw UsageError("--precision cannot be split into shards: give a fixed -n instead");
    if (!args.trace.empty() || !args.crm_export.empty()) {
      throw UsageError(
          "--trace and --crm-export write one run's files: use them without "
          "--shard or mpirun");
    }
    if (plan.replications < shard->count) {
      throw UsageError("--shard: " + std::to_string(plan.replications) +
                       " replications cannot make " + std::to_string(shard->count) +
                       " shards of at least one replication each");
    }
    shard->run_first = plan.first;
    shard->run_replications = plan.replications;
    shard->forecast_samples = args.forecast_samples;
    const analysis::ShardRange range = analysis::shard_range(*shard);
    plan.first = range.first;
    plan.replications = range.count;
  }
  plan.shard = shard;

  const sim::Model& baseline = plan.scenario.variants.front().scenario.model;
  // Refused up front, with the estimate and the limit, rather than killed halfway.
  analysis::RunSize size;
  size.replications = plan.replications;
  size.variants = plan.scenario.variants.size();
  size.threads = worker_threads(args.threads);
  size.forecast_samples = args.forecast_samples;
  try {
    analysis::check_resources(baseline, size, args.scenario);
  } catch (const scenarios::InputError& error) {
    throw scenarios::locate_key(error, args.overrides);
  }
  check_threads_start(size.threads, "--threads");
  plan.metadata.scenario_yaml = plan.scenario.resolved_yaml;
  plan.metadata.scenario_name = baseline.name;
  plan.metadata.seed = args.seed;
  plan.metadata.replications_planned = plan.replications;
  plan.metadata.first_replication = plan.first;

  for (const scenarios::ScenarioVariant& variant : plan.scenario.variants) {
    plan.variants.push_back({variant.name,
                             &variant.scenario.model,
                             variant.scenario.resolved_yaml,
                             {variant.sweep_keys, variant.sweep_values}});
  }
  plan.options.seed = args.seed;
  plan.options.max_replications = plan.replications;
  plan.options.first_replication = plan.first;
  plan.options.threads = args.threads;
  plan.options.precision = plan.precision;
  plan.options.forecast_samples = args.forecast_samples;
  plan.options.stop = &interrupted;
}

/// Runs the plan into `target` (atomically); `progress`: draw the bar.
analysis::ExperimentResult simulate(const Plan& plan, const std::filesystem::path& target,
                                    bool force, bool progress, const std::string& scenario) {
  map_large_buffers();
  try {
    analysis::ResultsWriter writer(target, plan.metadata, force, {scenario});
    std::signal(SIGINT, on_interrupt);
    // The simulation forecast model's pilot first, on a bar of its own (on a large scenario it
    // takes a while before the first replication), then the run's.
    const bool draw = progress && stderr_is_terminal();
    std::optional<ProgressBar> pilot_bar;
    std::optional<ProgressBar> bar;
    const analysis::ExperimentResult result = analysis::run_experiment(
        plan.variants, plan.options, writer,
        [&](std::size_t done, std::size_t total) {
          if (pilot_bar) {
            pilot_bar->finish();
            pilot_bar.reset();
          }
          if (!bar)
            bar.emplace(draw, plan.metadata.scenario_name);
          bar->update(done, total);
        },
        [&](std::size_t done, std::size_t total) {
          if (!pilot_bar)
            pilot_bar.emplace(draw, plan.metadata.scenario_name + ": forecast model's pilot");
          pilot_bar->update(done, total);
        });
    std::signal(SIGINT, SIG_DFL);
    if (pilot_bar)
      pilot_bar->finish();
    if (bar)
      bar->finish();
    // Stopped before the first replication (in the pilot): nothing worth a file.
    if (result.replications == 0)
      return result;
    if (plan.shard)
      analysis::mark_shard(writer, *plan.shard);
    writer.commit(result.replications);
    return result;
  } catch (const analysis::ResultsError& error) {
    // The results file being written failed: the machine's fault (a full disk), not the user's.
    throw Error(ErrorKind::runtime, error.what());
  }
}

void report(const RunArgs& args, const Plan& plan, const analysis::ExperimentResult& result,
            double seconds, int ranks) {
  const std::string& name = plan.metadata.scenario_name;
  std::fprintf(stderr, "funnelsim: wrote %s: %zu replications", args.output.c_str(),
               result.replications);
  if (plan.shard && ranks == 1) {
    const analysis::ShardRange range = analysis::shard_range(*plan.shard);
    std::fprintf(stderr, " (shard %zu/%zu: replications %zu to %zu)", plan.shard->index,
                 plan.shard->count, range.first, range.first + range.count - 1);
  }
  if (plan.variants.size() > 1)
    std::fprintf(stderr, " of %zu variants", plan.variants.size());
  std::fprintf(stderr, " of '%s', seed %llu, ", name.c_str(),
               static_cast<unsigned long long>(args.seed));
  if (ranks > 1) {
    std::fprintf(stderr, "%d MPI ranks, %.2f s\n", ranks, seconds);
  } else {
    std::fprintf(stderr, "%.3g events in %.2f s\n", static_cast<double>(result.events), seconds);
  }
  if (plan.precision) {
    std::fprintf(stderr, "funnelsim: precision %.2f%% (target %.2f%%)%s\n",
                 100.0 * result.precision, 100.0 * *plan.precision,
                 result.precision <= *plan.precision ? "" : ": not reached within -n, raise it");
  }
}

/// A rank's failure that rank 0 reports.
struct SilentFailure {
  int exit_code;
};

/// The exit code main() gives `failure`: its kind's (funnelsim/error.hpp), otherwise 1.
int exit_code_of(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const Error& error) {
    return exit_code(error.kind());
  } catch (...) {
    return RUNTIME_FAILURE;
  }
}

/// mpirun -np N: rank r runs shard r+1 of N into a hidden file beside the target, rank 0
/// merges them onto the target, and every rank removes its shard. A failure on any rank fails
/// every rank, leaving no file; only rank 0 prints, unless another rank failed alone.
int run_mpi(const RunArgs& args, const MpiJob& job) try {
  const auto start = std::chrono::steady_clock::now();
  const bool root = job.rank() == 0;
  // Each step ends in a collective, so a rank that fails never leaves the others waiting.
  const auto step = [&](const std::function<void()>& work) {
    std::exception_ptr failure;
    try {
      work();
    } catch (...) {
      failure = std::current_exception();
    }
    if (job.all(!failure))
      return;
    // Rank 0's exit code, 0 if it succeeded: the silent ranks exit with it.
    const auto root_code =
        static_cast<int>(job.from_root(root && failure ? exit_code_of(failure) : 0));
    if (failure && (root || root_code == 0))
      std::rethrow_exception(failure);
    if (root)
      throw std::runtime_error("another MPI rank failed (its message is above); no file written");
    throw SilentFailure{root_code};
  };

  Plan plan;
  step([&] {
    if (!args.shard.empty())
      throw UsageError("--shard splits a run by hand; under mpirun the ranks split it");
    analysis::ShardInfo shard;
    shard.index = static_cast<std::size_t>(job.rank()) + 1;
    shard.count = static_cast<std::size_t>(job.size());
    prepare(args, shard, plan);
    check_targets(args);
  });
  const std::filesystem::path target(args.output);
  const std::filesystem::path directory =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  const auto shard_path = [&,
                           tag = job.from_root(static_cast<std::uint64_t>(::getpid()))](int rank) {
    return directory / ("." + target.filename().string() + ".mpi-" + std::to_string(tag) + "-rank" +
                        std::to_string(rank));
  };
  const std::filesystem::path mine = shard_path(job.rank());
  // Removed only once this rank wrote it: whatever else has that name is not ours (the
  // writer refuses to replace it).
  struct RemoveShard {
    std::filesystem::path path;
    bool written = false;
    ~RemoveShard() {
      std::error_code ignored;
      if (written)
        std::filesystem::remove(path, ignored);
    }
  } remove_mine{mine};

  analysis::ExperimentResult result;
  step([&] {
    result = simulate(plan, mine, false, root && !args.quiet, args.scenario);
    remove_mine.written = true;
    if (result.stopped_early)
      throw std::runtime_error("interrupted: no file written");
  });
  step([&] {
    if (!root)
      return;
    std::vector<std::filesystem::path> shards;
    for (int rank = 0; rank < job.size(); ++rank)
      shards.push_back(shard_path(rank));
    try {
      analysis::merge_shards(shards, target, args.force, analysis::FORECAST_SERIES,
                             shard_scenario_models);
    } catch (const analysis::ResultsError& error) {
      throw Error(ErrorKind::runtime, error.what());  // as simulate's: the write failed
    }
  });
  // Every shard stays until rank 0 has merged them all (the step above ends in a collective).
  if (root && !args.quiet) {
    result.replications = plan.shard->run_replications;
    report(args, plan, result,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
           job.size());
  }
  return SUCCESS;
} catch (const SilentFailure& failure) {
  return failure.exit_code;
}

int run(const RunArgs& args) {
  const MpiJob job;
  if (job.size() > 1)
    return run_mpi(args, job);

  // Everything the user gave is checked before the first replication.
  Plan plan;
  prepare(args, args.shard.empty() ? std::nullopt : std::optional(parse_shard(args.shard)), plan);
  check_targets(args);

  const auto start = std::chrono::steady_clock::now();
  const analysis::ExperimentResult result =
      simulate(plan, args.output, args.force, !args.quiet, args.scenario);
  const sim::Model& baseline = *plan.variants.front().model;
  // The trace and the export never replace the results just written, nor the scenario.
  const std::vector<analysis::FileIdentity> inputs =
      analysis::identify_inputs({args.scenario, args.output});
  if (!args.trace.empty() && !result.stopped_early) {
    write_trace_csv(args.trace, baseline, args.seed, plan.first, args.force, inputs);
  }
  if (!args.crm_export.empty() && !result.stopped_early) {
    std::vector<CrmVariant> exported;
    for (const analysis::ExperimentVariant& variant : plan.variants) {
      exported.push_back({variant.name, variant.model});
      if (!args.crm_variants)
        break;  // the baseline only
    }
    write_crm_export(args.crm_export, exported, args.seed, plan.crm_first, plan.crm_count,
                     args.force, inputs);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (result.stopped_early && result.replications == 0) {
    std::fprintf(stderr, "funnelsim: interrupted before the first replication: no file written\n");
    return INTERRUPTED;
  }
  if (result.stopped_early) {
    std::fprintf(stderr,
                 "funnelsim: interrupted: wrote %s with %zu of %zu replications, marked "
                 "incomplete\n",
                 args.output.c_str(), result.replications, plan.replications);
    return INTERRUPTED;
  }
  if (!args.quiet)
    report(args, plan, result, seconds, 1);
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
          ->check(integer_in(1, analysis::MAX_REPLICATIONS));
  command
      ->add_option("--seed", args->seed,
                   "Random seed: the same scenario, seed and build give identical results")
      ->capture_default_str()
      ->check(integer_in(0, MAX_SEED));
  command->add_option("--threads", args->threads, "Worker threads (0: all cores)")
      ->capture_default_str()
      ->check(integer_in(0, analysis::MAX_THREADS));
  command->add_option("--precision", args->precision,
                      "Add replications until the 95% interval of mean bookings (and of each\n"
                      "variant's difference from the baseline) is within this share of the\n"
                      "baseline's mean, e.g. 1%; -n is the ceiling");
  command
      ->add_option("--replication", args->replication,
                   "Start at replication K (with -n 1 unless -n is given): reproduces that\n"
                   "replication of a larger run exactly")
      ->check(integer_in(0, MAX_FIRST_REPLICATION));
  command->add_option("--shard", args->shard,
                      "Run shard K of N (K from 1): replications [(K-1)R/N, KR/N) of the -n R\n"
                      "replications, into a file that 'funnelsim merge' joins with the others");
  command->add_option(
      "--trace", args->trace,
      "With --replication K: write the baseline's events of that replication\n"
      "as CSV (day, measured_week: 0-based from the first measured day; rep, team,\n"
      "opportunity, event, segment, stage, amount, source, customer)");
  command
      ->add_option(
          "--forecast-samples", args->forecast_samples,
          "Pilot replications the simulation forecast model learns the scenario from\n"
          "before the run, once per variant, each about twice a replication's work (more:\n"
          "sharper quantiles; 0: off; the funnel, commit and run-rate forecasts are\n"
          "always recorded)")
      ->capture_default_str()
      ->check(integer_in(0, MAX_FORECAST_SAMPLES));
  command->add_option(
      "--crm-export", args->crm_export,
      "Also write what a CRM would hold for some replications (analysis/\n"
      "RESULTS.md, 'CRM export'): DIR/opportunities.csv (one row per opportunity),\n"
      "DIR/stage_history.csv (one row per stage entered) and DIR/snapshots.csv\n"
      "(every open opportunity at every week's end), for fitting and scoring\n"
      "outside models");
  command
      ->add_option("--crm-replications", args->crm_replications,
                   "Replications in the CRM export: COUNT (the first ones) or FIRST:COUNT,\n"
                   "0-based replication numbers")
      ->capture_default_str();
  command->add_flag("--crm-variants", args->crm_variants,
                    "Export every variant, not only the baseline");
  command->add_flag("--force", args->force, "Replace the output file (and export) if they exist");
  command->add_flag("-q,--quiet", args->quiet, "No progress bar or closing report");
  command->callback([args, count] { args->replications_given = count->count() > 0; });
  command->footer(
      "\nEvery variant and sweep value of the scenario runs on the same random numbers as the\n"
      "baseline (compare them with 'funnelsim compare'). The file is written beside the target\n"
      "and renamed when complete: a failed run leaves no partial file and an existing target\n"
      "untouched. Ctrl-C stops early and keeps the finished replications in a file marked\n"
      "incomplete (exit code 130).\n"
      "\n"
      "Splitting a run across machines: every replication's random numbers are keyed by its\n"
      "number, so shards are exactly the rows of the whole run. On 4 machines:\n"
      "  funnelsim run scenarios/company.yaml -n 10000 --shard 1/4 -o part1.h5   (machine 1)\n"
      "  ...\n"
      "  funnelsim run scenarios/company.yaml -n 10000 --shard 4/4 -o part4.h5   (machine 4)\n"
      "  funnelsim merge part*.h5 -o company.h5\n"
      "company.h5 is identical (h5diff) to one machine's 'funnelsim run ... -n 10000'. Give\n"
      "every shard the same scenario, --set, -n, --seed and --forecast-samples; --precision\n"
      "cannot be sharded. In an MPI build, 'mpirun -np N funnelsim run ...' splits the run\n"
      "across N ranks and writes one file (the target's directory must be shared).");
  return {command, [args] { return run(*args); }};
}

}  // namespace funnelsim::cli

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/results/results_merge.hpp"
#include "output_file.hpp"
#include "results_errors.hpp"

namespace funnelsim::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> shards;
  std::string output;
  bool force = false;
  bool quiet = false;
};

int merge(const MergeArgs& args) {
  const std::filesystem::path target(args.output);
  check_output_target(args.output, args.force, args.shards);
  const std::vector<std::filesystem::path> shards(args.shards.begin(), args.shards.end());
  // HDF5 can crash on a damaged shard (see results_errors.hpp): a message and exit code 2.
  std::string inputs;
  for (const std::string& shard : args.shards)
    inputs += (inputs.empty() ? "" : ", ") + shard;
  const ResultsCrashGuard guard("one of " + inputs);
  const analysis::MergeResult result = analysis::merge_shards(
      shards, target, args.force, analysis::FORECAST_SERIES, shard_scenario_models);
  if (!args.quiet) {
    std::fprintf(stderr, "funnelsim: wrote %s: %zu replications of %zu variant%s from %zu shards\n",
                 args.output.c_str(), result.replications, result.variants,
                 result.variants == 1 ? "" : "s", result.shards);
  }
  return SUCCESS;
}

}  // namespace

Command add_merge_command(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* command =
      app.add_subcommand("merge", "Join the shard files of 'funnelsim run --shard K/N' into one");
  command->add_option("shards", args->shards, "Shard files, in any order")->required();
  command->add_option("-o,--output", args->output, "Results file to write (HDF5)")->required();
  command->add_flag("--force", args->force, "Replace the output file if it exists");
  command->add_flag("-q,--quiet", args->quiet, "No closing report");
  command->footer(
      "\nThe shards must come from one run: the same funnelsim version, scenario (after --set),\n"
      "seed, -n and --forecast-samples, each complete, and together holding every replication\n"
      "once (a gap or an overlap is refused, naming the files). The merged file is the one a\n"
      "single machine writes: h5diff finds no difference. It is written beside the target and\n"
      "renamed when complete. Example, a run split over 4 machines:\n"
      "  funnelsim run scenarios/company.yaml -n 10000 --shard K/4 -o partK.h5   (K = 1..4)\n"
      "  funnelsim merge part1.h5 part2.h5 part3.h5 part4.h5 -o company.h5\n"
      "  funnelsim summary company.h5");
  return {command, [args] { return merge(*args); }};
}

}  // namespace funnelsim::cli

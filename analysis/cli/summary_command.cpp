#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "funnelsim/report/summary.hpp"
#include "funnelsim/results/results_file.hpp"
#include "results_errors.hpp"

namespace funnelsim::cli {

namespace {

struct SummaryArgs {
  std::string results;
  std::string variant = "baseline";
};

int summary(const SummaryArgs& args) {
  const std::string text = naming_results_file(args.results, [&] {
    const analysis::ResultsReader reader(args.results);
    const analysis::Summary table = analysis::summarize(reader, args.variant);
    return analysis::format_summary(table, reader.metadata());
  });
  std::fputs(text.c_str(), stdout);
  return SUCCESS;
}

}  // namespace

Command add_summary_command(CLI::App& app) {
  auto args = std::make_shared<SummaryArgs>();
  CLI::App* command =
      app.add_subcommand("summary", "Bookings per quarter: mean, sd, percentiles and P(quota met)");
  command->add_option("results", args->results, "Results file written by funnelsim run")
      ->required();
  command->add_option("--variant", args->variant, "Variant to summarise")->capture_default_str();
  return {command, [args] { return summary(*args); }};
}

}  // namespace funnelsim::cli

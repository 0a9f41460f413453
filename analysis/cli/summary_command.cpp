#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "funnelsim/report/summary.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/stats/csv.hpp"
#include "results_errors.hpp"

namespace funnelsim::cli {

namespace {

struct SummaryArgs {
  std::string results;
  std::string variant = "baseline";
  bool json = false;
  bool csv = false;
  bool bom = false;
};

constexpr const char* FOOTER =
    "\nPer measured quarter and for the whole run (\"year\" for 4 quarters, else \"total\"):\n"
    "the quota, the mean, standard error, sd and P5/P25/P50/P75/P95 of bookings over\n"
    "replications (Hyndman-Fan type 7), mean wins, mean attainment, and P(quota met)\n"
    "(bookings >= quota; for the whole run, total bookings >= total quota) with its 95%\n"
    "Wilson interval. Amounts in 万 (10,000 RMB).\n"
    "\n"
    "--json prints one object: scenario, variant, seed, replications, replications_planned,\n"
    "complete (false for a run stopped early), weeks_per_quarter, warmup_weeks, units, then\n"
    "\"quarters\" (one entry per quarter) and \"whole_run\". Each entry holds period and\n"
    "quota, mean, sd, standard_error, p5, p25, p50, p75, p95, mean_wins, mean_attainment,\n"
    "quota_met_count, quota_met, quota_met_low, quota_met_high: the table's numbers unrounded\n"
    "(the shortest text that reads back as the same double), probabilities and attainment as\n"
    "fractions, null where undefined (the sd of one replication). --csv prints the same\n"
    "fields after variant, period and replications, one row per quarter and one for the whole\n"
    "run (empty: undefined). --bom starts the CSV with the UTF-8 byte-order mark (EF BB BF),\n"
    "so that a spreadsheet reads it as UTF-8.\n"
    "\n"
    "One row per replication, and a workbook for spreadsheets: funnelsim export.\n"
    "\n"
    "Examples:\n"
    "  funnelsim summary results.h5\n"
    "  funnelsim summary levers.h5 --variant plus-two-reps --json\n"
    "  funnelsim summary results.h5 --csv --bom > summary.csv\n";

int summary(const SummaryArgs& args) {
  const std::string text = naming_results_file(args.results, [&] {
    const analysis::ResultsReader reader(args.results);
    const analysis::Summary table = analysis::summarize(reader, args.variant);
    if (args.json) {
      return analysis::summary_json(table, reader.metadata());
    }
    if (args.csv) {
      return (args.bom ? std::string(analysis::UTF8_BOM) : std::string()) +
             analysis::summary_csv(table);
    }
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
  command->footer(FOOTER);
  command->add_option("results", args->results, "Results file written by funnelsim run")
      ->required();
  command->add_option("--variant", args->variant, "Variant to summarise")->capture_default_str();
  CLI::Option* json = command->add_flag("--json", args->json, "Print JSON instead of tables");
  CLI::Option* csv =
      command->add_flag("--csv", args->csv, "Print CSV instead of tables")->excludes(json);
  command->add_flag("--bom", args->bom, "Start the CSV with a UTF-8 byte-order mark")->needs(csv);
  return {command, [args] { return summary(*args); }};
}

}  // namespace funnelsim::cli

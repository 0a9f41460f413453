#include <CLI/CLI.hpp>
#include <ctime>
#include <memory>
#include <string>

#include "commands.hpp"
#include "funnelsim/report/report.hpp"
#include "funnelsim/results/results_file.hpp"
#include "output_file.hpp"
#include "results_errors.hpp"

namespace funnelsim::cli {

namespace {

struct ReportArgs {
  std::string results;
  std::string output;
  bool force = false;
};

std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &local);
  return text;
}

int report(const ReportArgs& args) {
  check_output_target(args.output, args.force, {args.results});
  const std::string page = naming_results_file(args.results, [&] {
    const analysis::ResultsReader reader(args.results);
    return analysis::render_report(reader, {args.results, today()});
  });
  write_atomically(args.output, page, args.force, {args.results});
  return SUCCESS;
}

}  // namespace

Command add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* command = app.add_subcommand(
      "report", "One self-contained HTML page of charts of a results file (works offline)");
  command->add_option("results", args->results, "Results file written by funnelsim run")
      ->required();
  command->add_option("-o,--output", args->output, "HTML file to write")->required();
  command->add_flag("--force", args->force, "Overwrite an existing output file");
  return {command, [args] { return report(*args); }};
}

}  // namespace funnelsim::cli

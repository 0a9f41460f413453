#include <unistd.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "funnelsim/analysis/report.hpp"
#include "funnelsim/analysis/results_file.hpp"
#include "results_errors.hpp"

namespace funnelsim::cli {

namespace {

namespace fs = std::filesystem;

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

// Temporary file beside the target, renamed onto it: a reader never sees half a page.
void write_atomically(const fs::path& target, const std::string& content) {
  const fs::path temporary = target.parent_path() / ("." + target.filename().string() + ".tmp-" +
                                                     std::to_string(getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw std::runtime_error(target.string() + ": cannot write " + temporary.string());
    }
  }
  std::error_code error;
  fs::rename(temporary, target, error);
  if (error) {
    fs::remove(temporary, error);
    throw std::runtime_error(target.string() + ": cannot rename the report onto it");
  }
}

int report(const ReportArgs& args) {
  if (!args.force && fs::exists(args.output))
    throw UsageError(args.output + ": exists; pass --force to overwrite it");
  const std::string page = naming_results_file(args.results, [&] {
    const analysis::ResultsReader reader(args.results);
    return analysis::render_report(reader, {args.results, today()});
  });
  write_atomically(args.output, page);
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

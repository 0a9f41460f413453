#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "funnelsim/report/export.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/stats/csv.hpp"
#include "output_file.hpp"
#include "results_errors.hpp"

namespace funnelsim::cli {

namespace {

struct ExportArgs {
  std::string results;
  std::string output;
  std::string variant = "baseline";
  bool bom = false;
  bool force = false;
};

constexpr const char* FOOTER =
    "\nThe output's extension chooses what is written:\n"
    "\n"
    "  .csv   one row per replication of the variant: replication (its number), bookings_Q1,\n"
    "         ..., bookings_year (\"total\" unless 4 quarters), quota_met_Q1, ...,\n"
    "         quota_met_year (1 when bookings >= the period's quota, else 0: their mean is\n"
    "         summary's P(quota met)), and cost_Q1, ..., cost_year when the file stores costs.\n"
    "         Amounts in 万, unrounded (the shortest text that reads back as the same double).\n"
    "         --bom starts it with the UTF-8 byte-order mark (EF BB BF), so that a spreadsheet\n"
    "         reads it as UTF-8.\n"
    "  .xlsx  a workbook with the sheets Summary (summary's table by quarter, for the variant),\n"
    "         Variants (every variant against it over the whole run: bookings, P(quota met),\n"
    "         paired differences and cost, as funnelsim compare), Teams (each team's mean\n"
    "         bookings per quarter, when the file holds per-rep data) and Replications (the\n"
    "         rows of the .csv). Numbers are stored unrounded and shown rounded. A sheet holds\n"
    "         at most 1,048,575 replications; export more to .csv.\n"
    "\n"
    "An existing output is refused without --force, and so is the results file itself; the\n"
    "output is written to a temporary file and published in one step.\n"
    "\n"
    "Examples:\n"
    "  funnelsim export levers.h5 -o levers.xlsx\n"
    "  funnelsim export levers.h5 -o plus-two.xlsx --variant plus-two-reps\n"
    "  funnelsim export results.h5 -o replications.csv --bom\n";

enum class Format { csv, xlsx };

Format format_of(const std::string& output) {
  std::string extension = std::filesystem::path(output).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".csv") {
    return Format::csv;
  }
  if (extension == ".xlsx") {
    return Format::xlsx;
  }
  throw UsageError("-o " + output +
                   ": the extension chooses the format; expected a name ending in .csv or .xlsx");
}

int export_results(const ExportArgs& args) {
  const Format format = format_of(args.output);
  if (args.bom && format != Format::csv) {
    throw UsageError("--bom applies to a .csv output only");
  }
  check_output_target(args.output, args.force, {args.results});
  naming_results_file(args.results, [&] {
    const analysis::ResultsReader reader(args.results);
    if (format == Format::xlsx) {
      const std::string workbook = analysis::export_workbook(reader, args.variant);
      write_atomically(args.output, workbook, args.force, {args.results});
      return;
    }
    // Checked before the output is created, so that a bad variant leaves nothing behind.
    analysis::replication_table(reader, args.variant);
    write_atomically(args.output, args.force, {args.results}, [&](const auto& write) {
      if (args.bom) {
        write(analysis::UTF8_BOM);
      }
      analysis::write_replications_csv(reader, args.variant, write);
    });
  });
  return SUCCESS;
}

}  // namespace

Command add_export_command(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* command = app.add_subcommand(
      "export", "For spreadsheets: an .xlsx workbook, or one CSV row per replication");
  command->footer(FOOTER);
  command->add_option("results", args->results, "Results file written by funnelsim run")
      ->required();
  command->add_option("-o,--output", args->output, "File to write: NAME.csv or NAME.xlsx")
      ->required();
  command->add_option("--variant", args->variant, "Variant to export")->capture_default_str();
  command->add_flag("--bom", args->bom, "Start the CSV with a UTF-8 byte-order mark");
  command->add_flag("--force", args->force, "Overwrite an existing output file");
  return {command, [args] { return export_results(*args); }};
}

}  // namespace funnelsim::cli

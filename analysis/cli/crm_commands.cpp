// 'funnelsim snapshot', 'calibrate' and 'diagnose': a CRM's opportunity history (funnelsim's
// own export, or a mainstream CRM's opportunity and opportunity-history tables) turned into a
// forecast snapshot, a fitted scenario, and the reps' diagnosis.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "funnelsim/crm/calibrate.hpp"
#include "funnelsim/crm/diagnose.hpp"
#include "funnelsim/crm/history.hpp"
#include "funnelsim/crm/snapshot.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "options.hpp"
#include "output_file.hpp"

namespace funnelsim::cli {
namespace {

/// Where the history is: a folder, or the two tables named, and the column map.
struct HistoryArgs {
  std::string folder;
  std::string opportunities;
  std::string history;
  std::vector<std::string> map;
};

void add_history_options(CLI::App& command, HistoryArgs& args) {
  command.add_option("history", args.folder,
                     "Folder holding opportunities.csv and stage_history.csv (funnelsim's\n"
                     "CRM export, or a CRM's tables under those names)");
  command.add_option("--opportunities", args.opportunities,
                     "The opportunity table (CSV), instead of HISTORY/opportunities.csv");
  command.add_option("--history", args.history,
                     "The opportunity-history table (CSV, one row per stage change), instead of\n"
                     "HISTORY/stage_history.csv");
  command
      .add_option("--map", args.map,
                  "COLUMN=NAME: read canonical COLUMN from your column NAME (repeatable),\n"
                  "e.g. --map rep_id=Owner --map stage=Stage")
      ->take_all();
}

analysis::crm::HistorySource history_source(const HistoryArgs& args) {
  analysis::crm::HistorySource source;
  if (!args.folder.empty())
    source = analysis::crm::history_folder(args.folder);
  if (!args.opportunities.empty())
    source.opportunities_file = args.opportunities;
  if (!args.history.empty())
    source.history_file = args.history;
  if (source.opportunities_file.empty() || source.history_file.empty())
    throw UsageError("no history: give a folder HISTORY, or both --opportunities and --history");
  for (const std::string& entry : args.map)
    analysis::crm::add_column_map(source, entry);
  return source;
}

std::vector<std::string> inputs(const analysis::crm::HistorySource& source) {
  return {source.opportunities_file, source.history_file};
}

double date_option(const std::string& option, const std::string& text) {
  const auto day = analysis::crm::parse_iso_time(text);
  if (!day)
    throw UsageError(option + " " + text + ": must be a date, yyyy-mm-dd");
  return *day;
}

// --- snapshot -------------------------------------------------------------------------------

struct SnapshotArgs {
  HistoryArgs history;
  std::string as_of;
  std::string output;
  std::string segment;
  std::string world;
  std::string scenario;
  std::string quarter_start;
  std::optional<double> quota;
  bool force = false;
};

int snapshot(const SnapshotArgs& args) {
  const analysis::crm::HistorySource source = history_source(args.history);
  if (!args.output.empty() && args.output != "-")
    check_output_target(args.output, args.force, inputs(source));
  std::optional<sim::Model> model;
  if (!args.scenario.empty())
    model = scenarios::load_scenario_file(args.scenario).model;
  const analysis::crm::History history = analysis::crm::read_history(source);
  analysis::crm::SnapshotRequest request;
  request.as_of = date_option("--as-of", args.as_of);
  request.segment = args.segment;
  request.world = args.world;
  request.quota = args.quota;
  if (!args.quarter_start.empty())
    request.quarter_start = date_option("--quarter-start", args.quarter_start);
  request.scenario = model ? &*model : nullptr;
  const auto snapshot = analysis::crm::take_snapshot(history, request);
  const std::string text = analysis::crm::snapshot_yaml(
      snapshot, args.history.folder.empty() ? source.opportunities_file : args.history.folder);
  if (args.output.empty() || args.output == "-")
    std::fputs(text.c_str(), stdout);
  else
    write_atomically(args.output, text, args.force, inputs(source));
  return SUCCESS;
}

// --- calibrate ------------------------------------------------------------------------------

struct CalibrateArgs {
  HistoryArgs history;
  std::string segment;
  std::string world;
  std::string output;
  std::string name = "calibrated";
  std::string report;
  bool json = false;
  bool force = false;
};

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int calibrate(const CalibrateArgs& args) {
  const analysis::crm::HistorySource source = history_source(args.history);
  check_output_target(args.output, args.force, inputs(source));
  if (!args.report.empty()) {
    check_output_target(args.report, args.force, inputs(source));
    check_distinct_outputs({{"-o", args.output}, {"--report", args.report}});
  }
  analysis::crm::History history = analysis::crm::read_history(source);
  if (!args.world.empty()) {
    analysis::crm::check_world(history, args.world);
    history = analysis::crm::select_world(history, args.world);
  }
  if (!args.segment.empty()) {
    const std::string segment = analysis::crm::select_segment(history, args.segment);
    std::erase_if(history.opportunities,
                  [&](const analysis::crm::Opportunity& o) { return o.segment != segment; });
  }
  const analysis::crm::Calibration fit = analysis::crm::calibrate(history);
  const std::string name =
      args.history.folder.empty() ? source.opportunities_file : args.history.folder;
  const std::string yaml = analysis::crm::calibration_yaml(fit, args.name, name);
  // The scenario must load as written: check it before it is published.
  scenarios::load_scenario_text(yaml, args.output);
  write_atomically(args.output, yaml, args.force, inputs(source));
  if (!args.report.empty()) {
    const bool html = ends_with(args.report, ".html") || ends_with(args.report, ".htm");
    write_atomically(args.report,
                     html ? analysis::crm::calibration_html(fit, name)
                          : analysis::crm::calibration_text(fit, name),
                     args.force, inputs(source));
  }
  const std::string text = args.json ? analysis::crm::calibration_json(fit, name)
                                     : analysis::crm::calibration_text(fit, name);
  std::fputs(text.c_str(), stdout);
  return SUCCESS;
}

// --- diagnose -------------------------------------------------------------------------------

struct DiagnoseArgs {
  HistoryArgs history;
  std::string scenario;
  std::string quarter;
  std::string segment;
  std::string world;
  std::string output;
  bool json = false;
  bool force = false;
};

int diagnose(const DiagnoseArgs& args) {
  const analysis::crm::HistorySource source = history_source(args.history);
  if (!args.output.empty())
    check_output_target(args.output, args.force, inputs(source));
  std::optional<sim::Model> model;
  if (!args.scenario.empty())
    model = scenarios::load_scenario_file(args.scenario).model;
  const analysis::crm::History history = analysis::crm::read_history(source);
  analysis::crm::DiagnoseRequest request;
  std::tie(request.quarter_start, request.quarter_end) =
      analysis::crm::parse_quarter(args.quarter, history);
  request.segment = args.segment;
  request.world = args.world;
  request.scenario = model ? &*model : nullptr;
  const auto report = analysis::crm::diagnose_history(history, request);
  const bool html = ends_with(args.output, ".html") || ends_with(args.output, ".htm");
  const std::string text = args.json ? analysis::crm::diagnose_json(report)
                           : html    ? analysis::crm::diagnose_html(report)
                                     : analysis::crm::diagnose_text(report);
  if (args.output.empty())
    std::fputs(text.c_str(), stdout);
  else
    write_atomically(args.output, text, args.force, inputs(source));
  return SUCCESS;
}

}  // namespace

Command add_calibrate_command(CLI::App& app) {
  auto args = std::make_shared<CalibrateArgs>();
  CLI::App* command = app.add_subcommand(
      "calibrate", "Fit a scenario to a CRM history: stage probabilities, durations, deal sizes");
  add_history_options(*command, args->history);
  command->add_option("-o,--output", args->output, "Scenario file to write (YAML)")->required();
  command->add_option("--name", args->name, "The scenario's name")->capture_default_str();
  command->add_option("--segment", args->segment,
                      "Fit this segment alone (default: every segment of the history)");
  command->add_option("--world", args->world,
                      "VARIANT:REPLICATION: fit one world of a funnelsim export that holds\n"
                      "several (default: all of them, pooled)");
  command->add_option("--report", args->report,
                      "Also write the fit report (observed against fitted) to this file:\n"
                      "HTML when it ends in .html, text otherwise");
  command->add_flag("--json", args->json, "Print the fit as JSON instead of the text report");
  command->add_flag("--force", args->force, "Overwrite existing output files");
  command->footer(
      "\nExample:\n"
      "  funnelsim calibrate crm/ -o mine.yaml --report fit.html\n"
      "  funnelsim calibrate --opportunities Opportunity.csv --history OpportunityHistory.csv \\\n"
      "      --map segment=Type -o mine.yaml\n"
      "The history's format and the workflow: docs/crm.md.\n");
  return {command, [args] { return calibrate(*args); }};
}

Command add_diagnose_command(CLI::App& app) {
  auto args = std::make_shared<DiagnoseArgs>();
  CLI::App* command = app.add_subcommand(
      "diagnose", "Each rep's Yield, Balance and Time-in-Step from a CRM history (playbook 5)");
  add_history_options(*command, args->history);
  command
      ->add_option("--quarter", args->quarter,
                   "The quarter: YYYY-Qn, its first day yyyy-mm-dd (13 weeks), or N\n"
                   "(funnelsim's measured quarter, 0-based)")
      ->required();
  command->add_option("--scenario", args->scenario,
                      "The standard funnel (default: calibrated from the history itself)");
  command->add_option("--segment", args->segment, "The segment (default: the only one)");
  command->add_option("--world", args->world,
                      "VARIANT:REPLICATION of a funnelsim export that holds several");
  command->add_option("-o,--output", args->output,
                      "Write the diagnosis to this file (HTML when it ends in .html)");
  command->add_flag("--json", args->json, "JSON instead of text");
  command->add_flag("--force", args->force, "Overwrite an existing output file");
  command->footer(
      "\nExample:\n"
      "  funnelsim diagnose scenarios/crm-example --quarter 2026-Q2\n"
      "  funnelsim diagnose crm/ --quarter 3 --scenario scenarios/branch.yaml --segment small -o "
      "d.html\n"
      "The rules are the diagnose exercise's (docs/training.md); the history: docs/crm.md.\n");
  return {command, [args] { return diagnose(*args); }};
}

Command add_snapshot_command(CLI::App& app) {
  auto args = std::make_shared<SnapshotArgs>();
  CLI::App* command = app.add_subcommand(
      "snapshot", "The open funnel of a CRM history on a day, as a snapshot for 'forecast'");
  add_history_options(*command, args->history);
  command->add_option("--as-of", args->as_of, "The day (yyyy-mm-dd): the funnel at its end")
      ->required();
  command->add_option("-o,--output", args->output, "Snapshot file to write (YAML; default: print)");
  command->add_option("--segment", args->segment, "The segment (default: the history's only one)");
  command->add_option("--world", args->world,
                      "VARIANT:REPLICATION of a funnelsim export that holds several");
  command->add_option("--scenario", args->scenario,
                      "Scenario whose segment gives the stages' order and win probabilities,\n"
                      "its weeks per quarter and the quarter's quota");
  command->add_option("--quota", args->quota, "The quarter's quota, 万")
      ->check(number_in(0.0, 1e15, true, "a quota"));
  command->add_option("--quarter-start", args->quarter_start,
                      "First day of the quarter (default: funnelsim's 13-week quarters from its\n"
                      "first measured day, else the calendar quarter)");
  command->add_flag("--force", args->force, "Overwrite an existing output file");
  command->footer(
      "\nExample:\n"
      "  funnelsim snapshot crm/ --as-of 2026-02-22 --quota 260 -o week7.yaml\n"
      "  funnelsim forecast week7.yaml --scenario scenarios/branch.yaml\n"
      "The history's format and the workflow: docs/crm.md.\n");
  return {command, [args] { return snapshot(*args); }};
}

}  // namespace funnelsim::cli

// 'funnelsim forecast': the forecast models of playbook §4 applied to a snapshot file, shown
// with the arithmetic a manager writes on a whiteboard, or as JSON.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/forecast/snapshot_simulation.hpp"
#include "funnelsim/report/forecast_text.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/scenarios/snapshot.hpp"
#include "options.hpp"
#include "text.hpp"

namespace funnelsim::cli {
namespace {

struct ForecastArgs {
  std::string snapshot;
  bool json = false;
  std::string scenario;  ///< enables the simulation model
  std::string segment;
  std::size_t samples = 2000;
  std::uint64_t seed = 42;
};

/// The simulation model on a snapshot: the segment of the scenario whose stages the snapshot
/// names plays the rest of the quarter forward.
analysis::ScenarioOutlook simulate(const ForecastArgs& args, const analysis::Snapshot& snapshot) {
  const sim::Model model = scenarios::load_scenario_file(args.scenario).model;
  const std::optional<std::size_t> segment =
      analysis::snapshot_segment(model, snapshot, args.segment);
  if (!segment) {
    std::string list;
    for (const sim::Segment& candidate : model.segments)
      list += (list.empty() ? "" : ", ") + candidate.name;
    throw UsageError(
        args.segment.empty()
            ? args.scenario + ": no segment has the snapshot's stages (segments: " + list +
                  "); name one with --segment"
            : args.scenario + ": no segment named '" + args.segment + "' (segments: " + list + ")");
  }
  if (model.segments[*segment].stages.size() != snapshot.stages.size()) {
    throw UsageError("--segment " + args.segment + ": has " +
                     format("%zu", model.segments[*segment].stages.size()) +
                     " stages, the snapshot " + format("%zu", snapshot.stages.size()));
  }
  return {args.scenario,
          analysis::simulate_outlook(model, snapshot, *segment, args.seed, args.samples)};
}

int forecast(const ForecastArgs& args) {
  const analysis::Snapshot snapshot = scenarios::load_snapshot_file(args.snapshot);
  const analysis::ForecastReport report = analysis::forecast_all(snapshot);
  std::optional<analysis::ScenarioOutlook> simulation;
  if (!args.scenario.empty())
    simulation = simulate(args, snapshot);
  const std::string text =
      args.json ? analysis::forecast_report_json(args.snapshot, snapshot, report, simulation)
                : analysis::forecast_report_text(args.snapshot, snapshot, report, simulation);
  std::fputs(text.c_str(), stdout);
  return SUCCESS;
}

constexpr const char* FOOTER =
    "\nModels (each printed when the snapshot allows it; amounts in 万):\n"
    "  funnel         expected wins = sum of count x win probability (playbook 4a);\n"
    "                 gap = quota - realized - wins x average deal;\n"
    "                 new opportunities = gap / average deal / p(first stage)\n"
    "  amount funnel  large projects, when stages have 'amount' (playbook 4b)\n"
    "  commit         realized + committed x α + possible x β + quota x γ x weeks left\n"
    "  gap ladder     Gap0..Gap3 and the new customers still needed (playbook 4d)\n"
    "  run rate       realized / weeks elapsed x weeks in the quarter\n"
    "  coverage       open pipeline / remaining quota, against 1 / its win probability\n"
    "\nExample:\n"
    "  funnelsim forecast scenarios/snapshots/branch-week7.yaml --json\n"
    "Snapshot keys are documented in docs/forecasting.md, 'Forecasting a funnel'.\n";

}  // namespace

Command add_forecast_command(CLI::App& app) {
  auto args = std::make_shared<ForecastArgs>();
  CLI::App* command = app.add_subcommand(
      "forecast", "Forecast the quarter from a funnel snapshot: funnel, commit, gap ladder models");
  command->footer(FOOTER);
  command->add_option("snapshot", args->snapshot, "Snapshot file (YAML): quota, stages, calls")
      ->required();
  command->add_flag("--json", args->json, "Print the models' results as JSON");
  command->add_option("--scenario", args->scenario,
                      "Also run the simulation model: play the rest of the quarter forward with\n"
                      "this scenario's funnel (durations, deal sizes, prospecting) and report\n"
                      "P10/P50/P90 of the quarter's bookings");
  command->add_option("--segment", args->segment,
                      "Segment of --scenario the snapshot is (default: the one with its stages)");
  command->add_option("--samples", args->samples, "Plays of the simulation model")
      ->capture_default_str()
      ->check(integer_in(1, 10'000'000));
  command->add_option("--seed", args->seed, "Seed of the simulation model")
      ->capture_default_str()
      ->check(integer_in(0, MAX_SEED));
  return {command, [args] { return forecast(*args); }};
}

}  // namespace funnelsim::cli

// 'funnelsim forecast-accuracy': how accurate each forecast model is, week by week, against the
// simulated truth.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "commands.hpp"
#include "funnelsim/report/forecast_accuracy.hpp"
#include "funnelsim/results/results_file.hpp"
#include "results_errors.hpp"
#include "text.hpp"

namespace funnelsim::cli {
namespace {

struct AccuracyArgs {
  std::string results;
  std::string variant = "baseline";
  bool json = false;
};

void print_text(const analysis::AccuracyReport& report, const analysis::FileMetadata& metadata) {
  std::printf("Forecast accuracy, scenario %s, variant %s: %zu quarters simulated (seed %llu)\n",
              metadata.scenario_name.c_str(), report.variant.c_str(), report.samples,
              static_cast<unsigned long long>(metadata.seed));
  std::printf("Each model forecasts the quarter's bookings at the end of each week of it.\n");
  for (const analysis::ModelAccuracy& model : report.models) {
    const bool simulation = model.model == "simulation";
    std::printf("\n%s\n", model.model.c_str());
    std::printf("  week   bias %%    MAPE   RMSE 万  within ±10%%%s\n",
                simulation ? "  P10-P90 cover  pinball 万" : "");
    for (const analysis::WeekAccuracy& week : model.weeks) {
      std::printf("  %4d %7.1f%% %6.1f%% %8.1f %10.0f%%", week.week, 100.0 * week.relative_bias,
                  100.0 * week.mape, week.rmse, 100.0 * week.within_10);
      if (simulation)
        std::printf(" %13.0f%% %10.1f", 100.0 * week.coverage, week.pinball);
      std::printf("\n");
    }
  }
  // Which model to trust when: the lowest MAPE at each week.
  if (report.models.empty())
    return;
  std::printf("\nLowest MAPE by week:");
  const std::size_t weeks = report.models.front().weeks.size();
  for (std::size_t w = 0; w < weeks; ++w) {
    const analysis::ModelAccuracy* best = nullptr;
    for (const analysis::ModelAccuracy& model : report.models) {
      if (w < model.weeks.size() && (!best || model.weeks[w].mape < best->weeks[w].mape)) {
        best = &model;
      }
    }
    std::printf("%s %zu %s", w == 0 ? "" : ",", w + 1, best->model.c_str());
  }
  std::printf("\n");
}

void print_json(const analysis::AccuracyReport& report) {
  std::printf("{\n  \"variant\": %s,\n  \"samples\": %zu,\n  \"models\": {",
              json_string(report.variant).c_str(), report.samples);
  for (std::size_t m = 0; m < report.models.size(); ++m) {
    const analysis::ModelAccuracy& model = report.models[m];
    std::printf("%s\n    %s: [", m == 0 ? "" : ",", json_string(model.model).c_str());
    for (std::size_t w = 0; w < model.weeks.size(); ++w) {
      const analysis::WeekAccuracy& week = model.weeks[w];
      std::printf(
          "%s\n      {\"week\": %d, \"bias\": %s, \"relative_bias\": %s, \"mape\": %s, "
          "\"rmse\": %s, \"within_10\": %s",
          w == 0 ? "" : ",", week.week, json_number(week.bias).c_str(),
          json_number(week.relative_bias).c_str(), json_number(week.mape).c_str(),
          json_number(week.rmse).c_str(), json_number(week.within_10).c_str());
      if (week.coverage >= 0.0) {
        std::printf(", \"coverage_p10_p90\": %s, \"pinball\": %s",
                    json_number(week.coverage).c_str(), json_number(week.pinball).c_str());
      }
      std::printf("}");
    }
    std::printf("\n    ]");
  }
  std::printf("\n  }\n}\n");
}

int accuracy(const AccuracyArgs& args) {
  // Everything is read before the first line is printed: a damaged file prints no half report.
  const auto [report, metadata] = naming_results_file(args.results, [&] {
    const analysis::ResultsReader reader(args.results);
    return std::pair(analysis::score_forecasts(reader, args.variant), reader.metadata());
  });
  if (args.json) {
    print_json(report);
  } else {
    print_text(report, metadata);
  }
  return SUCCESS;
}

}  // namespace

Command add_forecast_accuracy_command(CLI::App& app) {
  auto args = std::make_shared<AccuracyArgs>();
  CLI::App* command = app.add_subcommand(
      "forecast-accuracy",
      "Score the forecast models (funnel, commit, run-rate, simulation) week by week");
  command->add_option("results", args->results, "Results file written by funnelsim run")
      ->required();
  command->add_option("--variant", args->variant, "Variant to score")->capture_default_str();
  command->add_flag("--json", args->json, "Print the scores as JSON, keyed by model");
  command->footer(
      "\nAt the end of every week of every measured quarter, a run records each model's\n"
      "forecast of that quarter's bookings from the snapshot it had then; this scores them\n"
      "against what the quarter booked: bias (relative), MAPE, RMSE, the share within ±10%,\n"
      "and for the simulation model the coverage of its P10-P90 interval and its pinball loss.");
  return {command, [args] { return accuracy(*args); }};
}

}  // namespace funnelsim::cli

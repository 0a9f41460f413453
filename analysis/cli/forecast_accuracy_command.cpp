// 'funnelsim forecast-accuracy': how accurate each forecast model is, week by week, against the
// simulated truth: the run's own models and any an analyst brings, with 95% intervals and a
// paired comparison with a reference model.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "commands.hpp"
#include "funnelsim/report/forecast_accuracy.hpp"
#include "funnelsim/results/results_file.hpp"
#include "output_file.hpp"
#include "results_errors.hpp"
#include "text.hpp"

namespace funnelsim::cli {
namespace {

struct AccuracyArgs {
  std::string results;
  std::string variant = "baseline";
  std::vector<std::string> external;  ///< NAME=CSV
  std::string export_forecasts;
  std::string reference = "simulation";
  bool json = false;
  bool csv = false;
  bool force = false;
};

/// An outside forecast file's bytes beyond what its rows can need are refused before reading.
constexpr std::size_t BYTES_PER_ROW = 1024;

std::string read_external(const std::string& path, std::size_t cells) {
  // Only a regular file: a FIFO would block the open, /dev/zero would never end.
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error)
    throw Error(ErrorKind::input,
                "--external: " + path + ": cannot be read (" + error.message() + ")");
  if (!std::filesystem::is_regular_file(status))
    throw Error(ErrorKind::input, "--external: " + path + ": not a regular file");
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error || size > (cells + 1) * BYTES_PER_ROW)
    throw Error(ErrorKind::input, "--external: " + path + ": " + std::to_string(size) +
                                      " bytes, more than the results file's " +
                                      std::to_string(cells) +
                                      " rows (replications x quarters x weeks) can need");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(ErrorKind::input,
                "--external: " + path + ": cannot be read (" + std::strerror(errno) + ")");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::string interval_text(const analysis::Estimate95& e, double scale, const char* format) {
  char text[96];
  std::snprintf(text, sizeof text, format, scale * e.value, scale * (e.high - e.value));
  return text;
}

void print_text(const analysis::AccuracyReport& report, const analysis::FileMetadata& metadata) {
  std::printf(
      "Forecast accuracy, scenario %s, variant %s: %zu replications x %zu quarters (seed "
      "%llu)\n",
      metadata.scenario_name.c_str(), report.variant.c_str(), report.replications,
      report.replications ? report.samples / report.replications : 0,
      static_cast<unsigned long long>(metadata.seed));
  std::printf(
      "Each model forecasts the quarter's bookings at the end of each week of it (weeks counted "
      "from 1 here;\n0-based in --json and --csv). Scores ± their 95%% interval's half-width; "
      "bias and MAPE are\nΣ error ÷ Σ actual and Σ |error| ÷ Σ actual. The last week, which "
      "every model knows, is not ranked.\n");
  for (const analysis::ModelAccuracy& model : report.models) {
    const bool quantiles = !model.taus.empty();
    std::printf("\n%s\n", model.model.c_str());
    std::printf("  week      bias          MAPE       RMSE 万   within ±10%%%s\n",
                quantiles ? "    coverage     CRPS 万" : "");
    for (const analysis::WeekAccuracy& week : model.weeks) {
      std::printf("  %4d %s %s %s %s", week.week + 1,
                  interval_text(week.bias, 100.0, "%+6.1f±%4.1f%%").c_str(),
                  interval_text(week.mape, 100.0, "%6.1f±%4.1f%%").c_str(),
                  interval_text(week.rmse, 1.0, "%7.1f±%5.1f").c_str(),
                  interval_text(week.hit10, 100.0, "%6.0f±%3.0f%%").c_str());
      if (week.coverage)
        std::printf(" %s %s", interval_text(*week.coverage, 100.0, "%6.1f±%3.1f%%").c_str(),
                    interval_text(*week.crps, 1.0, "%7.1f±%4.1f").c_str());
      if (week.trivial)
        std::printf("  (known: not ranked)");
      std::printf("\n");
    }
  }
  // Each model against the reference: the paired difference in MAPE, week by week.
  bool any = false;
  for (const analysis::ModelAccuracy& model : report.models)
    any = any || !model.versus.empty();
  if (!any)
    return;
  std::printf(
      "\nAgainst %s: MAPE difference (negative: more accurate), paired on the same "
      "quarters, 95%% interval\n",
      report.reference.c_str());
  for (const analysis::ModelAccuracy& model : report.models) {
    if (model.versus.empty())
      continue;
    std::printf("  %s:", model.model.c_str());
    for (const analysis::PairedWeek& week : model.versus) {
      if (week.trivial)
        continue;
      std::printf(" %d %s", week.week + 1,
                  week.verdict == "tied"
                      ? "tied"
                      : interval_text(week.mape_difference, 100.0, "%+.1f±%.1f").c_str());
    }
    std::printf("\n");
  }
}

std::string estimate_json(const analysis::Estimate95& e) {
  return "{\"value\": " + json_number(e.value) + ", \"interval\": [" + json_number(e.low) + ", " +
         json_number(e.high) + "]}";
}

void print_json(const analysis::AccuracyReport& report) {
  std::printf(
      "{\n  \"variant\": %s,\n  \"replications\": %zu,\n  \"samples\": %zu,\n"
      "  \"reference\": %s,\n  \"week_base\": 0,\n  \"models\": {",
      json_string(report.variant).c_str(), report.replications, report.samples,
      json_string(report.reference).c_str());
  for (std::size_t m = 0; m < report.models.size(); ++m) {
    const analysis::ModelAccuracy& model = report.models[m];
    std::printf("%s\n    %s: {\"quantiles\": [", m == 0 ? "" : ",",
                json_string(model.model).c_str());
    for (std::size_t t = 0; t < model.taus.size(); ++t)
      std::printf("%s%s", t == 0 ? "" : ", ", json_number(model.taus[t]).c_str());
    std::printf("], \"weeks\": [");
    for (std::size_t w = 0; w < model.weeks.size(); ++w) {
      const analysis::WeekAccuracy& week = model.weeks[w];
      std::printf(
          "%s\n      {\"week\": %d, \"trivial\": %s, \"bias\": %s, \"mape\": %s, "
          "\"rmse\": %s, \"hit10\": %s",
          w == 0 ? "" : ",", week.week, week.trivial ? "true" : "false",
          estimate_json(week.bias).c_str(), estimate_json(week.mape).c_str(),
          estimate_json(week.rmse).c_str(), estimate_json(week.hit10).c_str());
      if (week.coverage) {
        std::printf(", \"pinball\": [");
        for (std::size_t t = 0; t < week.pinball.size(); ++t)
          std::printf("%s{\"tau\": %s, \"loss\": %s}", t == 0 ? "" : ", ",
                      json_number(model.taus[t]).c_str(), estimate_json(week.pinball[t]).c_str());
        std::printf("], \"crps\": %s, \"coverage\": %s", estimate_json(*week.crps).c_str(),
                    estimate_json(*week.coverage).c_str());
      }
      std::printf("}");
    }
    std::printf("\n    ]}");
  }
  std::printf("\n  },\n  \"versus\": {");
  bool first = true;
  for (const analysis::ModelAccuracy& model : report.models) {
    if (model.versus.empty())
      continue;
    std::printf("%s\n    %s: [", first ? "" : ",", json_string(model.model).c_str());
    first = false;
    for (std::size_t w = 0; w < model.versus.size(); ++w) {
      const analysis::PairedWeek& week = model.versus[w];
      std::printf(
          "%s\n      {\"week\": %d, \"trivial\": %s, \"mape_difference\": %s, "
          "\"verdict\": %s}",
          w == 0 ? "" : ",", week.week, week.trivial ? "true" : "false",
          estimate_json(week.mape_difference).c_str(),
          json_string(week.trivial ? "trivial" : week.verdict).c_str());
    }
    std::printf("\n    ]");
  }
  std::printf("\n  }\n}\n");
}

/// One row per model, week and score: model,week,trivial,score,tau,value,low,high.
void print_csv(const analysis::AccuracyReport& report) {
  std::printf("model,week,trivial,score,tau,value,low,high\n");
  const auto row = [](const std::string& model, const auto& week, const char* score,
                      const std::string& tau, const analysis::Estimate95& e) {
    std::printf("%s,%d,%s,%s,%s,%s,%s,%s\n", model.c_str(), week.week,
                week.trivial ? "true" : "false", score, tau.c_str(), json_number(e.value).c_str(),
                json_number(e.low).c_str(), json_number(e.high).c_str());
  };
  for (const analysis::ModelAccuracy& model : report.models) {
    for (const analysis::WeekAccuracy& week : model.weeks) {
      row(model.model, week, "bias", "", week.bias);
      row(model.model, week, "mape", "", week.mape);
      row(model.model, week, "rmse", "", week.rmse);
      row(model.model, week, "hit10", "", week.hit10);
      for (std::size_t t = 0; t < week.pinball.size(); ++t)
        row(model.model, week, "pinball", json_number(model.taus[t]), week.pinball[t]);
      if (week.crps)
        row(model.model, week, "crps", "", *week.crps);
      if (week.coverage)
        row(model.model, week, "coverage", "", *week.coverage);
    }
    for (const analysis::PairedWeek& week : model.versus)
      row(model.model, week, ("mape_difference_vs_" + report.reference).c_str(), "",
          week.mape_difference);
  }
}

int accuracy(const AccuracyArgs& args) {
  if (args.json && args.csv)
    throw Error(ErrorKind::usage, "--json and --csv: choose one");
  std::vector<std::string> inputs{args.results};
  std::vector<std::pair<std::string, std::string>> external;
  for (const std::string& spec : args.external) {
    const std::size_t equals = spec.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == spec.size())
      throw Error(ErrorKind::usage, "--external: expected NAME=FILE.csv, got '" + spec + "'");
    external.emplace_back(spec.substr(0, equals), spec.substr(equals + 1));
    inputs.push_back(external.back().second);
  }
  if (!args.export_forecasts.empty())
    check_output_target(args.export_forecasts, args.force, inputs);
  // Everything is read before the first line is printed: a damaged file prints no half report.
  const auto [sets, actual, metadata] = naming_results_file(args.results, [&] {
    const analysis::ResultsReader reader(args.results);
    const analysis::Matrix bookings = analysis::read_actual_bookings(reader, args.variant);
    return std::tuple(analysis::read_run_forecasts(reader, args.variant), bookings,
                      reader.metadata());
  });
  std::vector<analysis::ForecastSet> all = sets;
  const std::size_t weeks = sets.empty() ? 0 : sets.front().weeks;
  for (const auto& [name, path] : external) {
    for (const analysis::ForecastSet& set : all)
      if (set.model == name)
        throw Error(ErrorKind::usage,
                    "--external: the name '" + name +
                        "' is taken (the run's models are funnel, commit, "
                        "run_rate, simulation; each outside model needs its own)");
    const std::size_t cells = actual.rows * actual.cols * weeks;
    all.push_back(analysis::read_forecasts_csv(read_external(path, cells), path, name, actual.rows,
                                               actual.cols, weeks));
  }
  bool known = false;
  for (const analysis::ForecastSet& set : all)
    known = known || set.model == args.reference;
  if (!known)
    throw Error(ErrorKind::usage, "--reference: no model '" + args.reference +
                                      "' (funnel, commit, run_rate, simulation or an --external "
                                      "name)");
  analysis::AccuracyReport report = analysis::score_forecast_sets(actual, all, args.reference);
  report.variant = args.variant;
  if (!args.export_forecasts.empty()) {
    std::ostringstream out;
    analysis::write_forecasts_csv(out, sets);
    write_atomically(args.export_forecasts, out.str(), args.force, inputs);
  }
  if (args.json) {
    print_json(report);
  } else if (args.csv) {
    print_csv(report);
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
      "Score the forecast models (funnel, commit, run-rate, simulation, and your own) week by "
      "week");
  command->add_option("results", args->results, "Results file written by funnelsim run")
      ->required();
  command->add_option("--variant", args->variant, "Variant to score")->capture_default_str();
  command->add_option("--external", args->external,
                      "NAME=FILE.csv: score an outside model's forecasts on the same truth\n"
                      "(columns replication,quarter,week,forecast[,q0.1,q0.5,q0.9...], 0-based,\n"
                      "one row per replication, quarter and week; repeatable)");
  command->add_option("--export-forecasts", args->export_forecasts,
                      "Also write the run's forecasts as CSV in the format --external reads,\n"
                      "with a first column 'model'");
  command
      ->add_option("--reference", args->reference,
                   "Model every other is paired with: better, worse or tied by the 95%\n"
                   "interval of the difference in MAPE")
      ->capture_default_str();
  command->add_flag("--json", args->json, "Print the scores as JSON (0-based weeks)");
  command->add_flag("--csv", args->csv,
                    "Print the scores as CSV: model,week,trivial,score,tau,value,low,high");
  command->add_flag("--force", args->force, "Replace the --export-forecasts file if it exists");
  command->footer(
      "\nAt the end of every week of every measured quarter, a run records each model's\n"
      "forecast of that quarter's bookings from the snapshot it had then; this scores them\n"
      "against what the quarter booked. Scores, each with a 95% interval (replications are\n"
      "independent; a replication's quarters are not, so intervals are clustered by it):\n"
      "  bias      Σ (forecast - actual) / Σ actual\n"
      "  MAPE      Σ |forecast - actual| / Σ actual (the same denominator: |bias| <= MAPE)\n"
      "  RMSE      root mean squared error, 万;  hit10: share within ±10% of the actual\n"
      "  pinball   per quantile level τ, mean of τ·(y-q) if y >= q else (1-τ)·(q-y), 万\n"
      "  CRPS      2 x the mean pinball over the levels given (from the quantiles), 万\n"
      "  coverage  share of actuals inside [lowest quantile, highest quantile]\n"
      "Each model is paired with --reference on the same quarters: 'better' or 'worse' only\n"
      "when the interval of the MAPE difference excludes 0, else 'tied'. The quarter's last\n"
      "week is marked trivial: every model knows the answer then.\n\n"
      "Your own model, scored beside the run's:\n"
      "  funnelsim run scenarios/branch.yaml -o r.h5 --crm-export crm/\n"
      "  ... fit your model on crm/, write mine.csv ...\n"
      "  funnelsim forecast-accuracy r.h5 --external mine=mine.csv --reference mine\n"
      "An --export-forecasts file's rows of one model, without the 'model' column, read back\n"
      "with --external score exactly as that model.");
  return {command, [args] { return accuracy(*args); }};
}

}  // namespace funnelsim::cli

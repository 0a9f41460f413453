// 'funnelsim forecast': the forecast models of playbook §4 applied to a snapshot file, shown
// with the arithmetic a manager writes on a whiteboard, or as JSON.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/forecast/snapshot_simulation.hpp"
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

/// The simulation model's answer: the quarter's bookings as a distribution.
struct SimulationOutlook {
  std::string scenario;
  std::string segment;
  std::size_t samples = 0;
  int weeks_left = 0;
  double mean = 0.0;
  double p10 = 0.0;
  double p50 = 0.0;
  double p90 = 0.0;
};

/// "75%", "28.9%".
std::string percent(double share) {
  const double value = 100.0 * share;
  return std::abs(value - std::round(value)) < 1e-9 ? format("%.0f%%", value)
                                                    : format("%.1f%%", value);
}

std::string amount(double value) {
  return format("%.1f", value);
}

std::string weeks(double value) {
  return format("%g %s", value, value == 1.0 ? "week" : "weeks");
}

/// One whiteboard step: what, how, and the result.
std::string step(const std::string& label, const std::string& formula, const std::string& result) {
  return format("  %-17s %-36s = %s\n", label.c_str(), formula.c_str(), result.c_str());
}

// Text.

std::string funnel_text(const analysis::Snapshot& snapshot, const analysis::FunnelForecast& f) {
  std::string text = "Funnel model, by count (playbook 4a)\n";
  text += format("  %-17s %6s %10s %14s\n", "stage", "count", "win prob.", "expected wins");
  int count = 0;
  for (std::size_t i = 0; i < snapshot.stages.size(); ++i) {
    const analysis::SnapshotStage& stage = snapshot.stages[i];
    count += stage.count;
    text += format("  %-17s %6d %10s %14.2f\n", stage.name.c_str(), stage.count,
                   percent(stage.win_probability).c_str(), f.stage_expected_wins[i]);
  }
  text += format("  %-17s %6d %10s %14.2f\n", "total", count, "", f.expected_wins);
  if (f.average_deal_source == analysis::AverageDealSource::funnel_amount) {
    text += step("average deal", "funnel amount / " + std::to_string(count) + " opportunities",
                 format("%.2f", f.average_deal));
  }
  text += step("expected amount",
               format("%.2f wins x %.2f average deal", f.expected_wins, f.average_deal),
               amount(f.expected_amount));
  const std::string gap = step("amount gap",
                               amount(snapshot.quota) + " - " + amount(snapshot.realized) +
                                   " realized - " + amount(f.expected_amount),
                               amount(f.amount_gap) + (f.amount_gap > 0.0 ? "" : " (no gap)"));
  text += gap;
  if (f.amount_gap > 0.0) {
    text += step("new opportunities",
                 amount(f.amount_gap) + format(" / %.2f / ", f.average_deal) +
                     percent(f.new_opportunity_win_probability) + " win probability",
                 amount(f.new_opportunities_needed));
  } else {
    text += "  new opportunities none needed: the open funnel covers the quota\n";
  }
  if (!f.projection) {
    return text;
  }
  const analysis::FunnelProjection& p = *f.projection;
  text += "  week by week, " + weeks(p.weeks_per_stage) +
          " per stage (expected wins closing; * after the quarter):\n ";
  for (std::size_t week = 1; week <= p.wins_by_week.size(); ++week) {
    const bool after = static_cast<double>(week) > snapshot.weeks_remaining;
    text += format("   week %zu%s %.1f", week, after ? "*" : ":", p.wins_by_week[week - 1]);
    if (week % 5 == 0 && week < p.wins_by_week.size()) {
      text += "\n ";
    }
  }
  text += "\n";
  std::string needed = amount(p.wins_needed);
  if (p.wins_needed_per_week) {
    needed += format(" (%.1f a week)", *p.wins_needed_per_week);
  }
  text +=
      step("wins needed",
           amount(std::max(0.0, f.remaining_quota)) + format(" / %.2f", f.average_deal), needed);
  text += step("funnel closes",
               amount(p.wins_in_quarter) + " wins within " + weeks(snapshot.weeks_remaining),
               amount(p.wins_short) + " short");
  if (p.entry_window_weeks >= 0.0) {
    text += "  new opportunities take " + weeks(p.weeks_to_close_new) +
            " to close: they must enter within " + weeks(p.entry_window_weeks) + "\n";
  } else {
    text += "  new opportunities take " + weeks(p.weeks_to_close_new) +
            " to close: too late for this quarter\n";
  }
  return text;
}

std::string amount_funnel_text(const analysis::Snapshot& snapshot,
                               const analysis::AmountFunnelForecast& f) {
  std::string text = "\nAmount funnel, large projects (playbook 4b)\n";
  text += format("  %-17s %8s %10s %17s\n", "stage", "amount", "win prob.", "expected revenue");
  double total = 0.0;
  for (std::size_t i = 0; i < snapshot.stages.size(); ++i) {
    const analysis::SnapshotStage& stage = snapshot.stages[i];
    total += *stage.amount;
    text += format("  %-17s %8.1f %10s %17.1f\n", stage.name.c_str(), *stage.amount,
                   percent(stage.win_probability).c_str(), f.stage_expected_revenue[i]);
  }
  text += format("  %-17s %8.1f %10s %17.1f\n", "total", total, "", f.expected_revenue);
  const analysis::ReceiptShares& r = f.receipts;
  text += step("receipts",
               "(" + amount(f.closing_stage_expected_revenue) + " x " +
                   percent(r.paid_within_year) + " x " + percent(r.quarter_share) + " + " +
                   amount(r.won_receipts) + " won) x " + percent(r.software_share),
               amount(f.expected_receipts));
  text += step("amount gap",
               amount(snapshot.quota) + " - " + amount(f.expected_receipts) + " - " +
                   amount(snapshot.realized) + " realized",
               amount(f.amount_gap) + (f.amount_gap > 0.0 ? "" : " (no gap)"));
  return text;
}

std::string commit_text(const analysis::Snapshot& snapshot, const analysis::CommitForecast& f) {
  std::string text = "\nCommit model, the reps' calls (playbook 4c)\n";
  text += step("realized", "", amount(snapshot.realized));
  text +=
      step("committed", amount(snapshot.calls->committed) + " x " + percent(f.weights.committed),
           amount(f.committed_part));
  text += step("possible", amount(snapshot.calls->possible) + " x " + percent(f.weights.possible),
               amount(f.possible_part));
  text += step("unforecast",
               amount(snapshot.quota) + " x " + percent(f.weights.unforecast_per_week) + " x " +
                   weeks(snapshot.weeks_remaining),
               amount(f.unforecast_part));
  text += step("forecast",
               amount(snapshot.realized) + " + " + amount(f.committed_part) + " + " +
                   amount(f.possible_part) + " + " + amount(f.unforecast_part),
               amount(f.forecast));
  text += step("completion", amount(f.forecast) + " / " + amount(snapshot.quota),
               percent(f.completion_rate));
  return text;
}

std::string gap_ladder_text(const analysis::Snapshot& snapshot, const analysis::GapLadder& g) {
  std::string text = "\nGap ladder (playbook 4d)\n";
  text +=
      step("Gap0", amount(snapshot.quota) + " quota - " + amount(snapshot.realized) + " realized",
           amount(g.gap0));
  text += step("Gap1",
               amount(g.gap0) + " - " + amount(snapshot.calls->committed) + " committed x P1 " +
                   percent(g.p1),
               amount(g.gap1));
  text += step(
      "Gap2",
      amount(g.gap1) + " - " + amount(snapshot.calls->possible) + " possible x P2 " + percent(g.p2),
      amount(g.gap2));
  text += step("Gap3", amount(std::max(0.0, g.gap2)) + " / P3 " + percent(g.p3),
               amount(g.gap3) + " of pipeline");
  text += step("NA (customers)", amount(g.gap3) + format(" / P4 %.2f", g.p4),
               amount(g.new_customers_needed));
  if (g.weekly_prospecting_target) {
    text += step("weekly target",
                 amount(g.new_customers_needed) + " / " + weeks(snapshot.weeks_remaining),
                 amount(*g.weekly_prospecting_target) + " a week");
  } else {
    text += "  weekly target     undefined: no week remains\n";
  }
  return text;
}

std::string run_rate_text(const analysis::Snapshot& snapshot,
                          const std::optional<analysis::RunRateForecast>& f) {
  std::string text = "\nRun rate\n";
  if (!f) {
    return text + "  undefined: no week of the quarter has elapsed\n";
  }
  text += step("per week", amount(snapshot.realized) + " / " + weeks(f->weeks_elapsed) + " elapsed",
               format("%.2f", f->per_week));
  text += step("forecast", format("%.2f x ", f->per_week) + weeks(snapshot.weeks_in_quarter),
               amount(f->forecast));
  text += step("completion", amount(f->forecast) + " / " + amount(snapshot.quota),
               percent(f->completion_rate));
  return text;
}

std::string coverage_text(const analysis::Snapshot& snapshot, const analysis::FunnelForecast& f,
                          const std::optional<analysis::Coverage>& c) {
  std::string text = "\nCoverage\n";
  if (!c) {
    return text + "  the quota is already met: nothing left to cover\n";
  }
  int count = 0;
  for (const analysis::SnapshotStage& stage : snapshot.stages) {
    count += stage.count;
  }
  const std::string pipeline = snapshot.stages.front().amount
                                   ? std::string("sum of stage amounts")
                                   : format("%d opportunities x %.2f", count, f.average_deal);
  text += step("open pipeline", pipeline, amount(c->pipeline_amount));
  text += step("remaining quota", amount(snapshot.quota) + " - " + amount(snapshot.realized),
               amount(c->remaining_quota));
  text += step("coverage", amount(c->pipeline_amount) + " / " + amount(c->remaining_quota),
               format("%.2fx", c->coverage));
  text += step("required", "1 / " + percent(c->win_probability) + " win probability by amount",
               format("%.2fx", c->required_coverage));
  text +=
      step("pipeline needed", amount(c->remaining_quota) + format(" x %.2f", c->required_coverage),
           amount(c->pipeline_required));
  text += step("still needed", amount(c->pipeline_required) + " - " + amount(c->pipeline_amount),
               c->pipeline_short > 0.0 ? amount(c->pipeline_short) : std::string("none"));
  return text;
}

std::string report_text(const std::string& source, const analysis::Snapshot& snapshot,
                        const analysis::ForecastReport& report,
                        const std::optional<SimulationOutlook>& simulation) {
  std::string text = "Forecast for " + source + " (amounts in 万)\n";
  text += "quota " + amount(snapshot.quota) + ", realized " + amount(snapshot.realized) + " (" +
          percent(snapshot.realized / snapshot.quota) + "), " +
          format("%g", snapshot.weeks_remaining) + " of " + weeks(snapshot.weeks_in_quarter) +
          " remaining\n\n";
  text += funnel_text(snapshot, report.funnel);
  if (report.amount_funnel) {
    text += amount_funnel_text(snapshot, *report.amount_funnel);
  }
  if (report.commit) {
    text += commit_text(snapshot, *report.commit);
  }
  if (report.gap_ladder) {
    text += gap_ladder_text(snapshot, *report.gap_ladder);
  }
  text += run_rate_text(snapshot, report.run_rate);
  text += coverage_text(snapshot, report.funnel, report.coverage);
  if (simulation) {
    text += "\nSimulation model: the rest of the quarter played " +
            format("%zu", simulation->samples) + " times with " + simulation->scenario +
            " (segment " + simulation->segment + ")\n";
    text += format("  quarter's bookings  P10 %s   P50 %s   P90 %s   mean %s (%s of quota)\n",
                   amount(simulation->p10).c_str(), amount(simulation->p50).c_str(),
                   amount(simulation->p90).c_str(), amount(simulation->mean).c_str(),
                   percent(simulation->mean / snapshot.quota).c_str());
  }
  std::vector<std::string> skipped;
  if (!report.amount_funnel) {
    skipped.push_back("amount funnel (no stage amounts)");
  }
  if (!report.commit) {
    skipped.push_back("commit model and gap ladder (no calls)");
  }
  if (!skipped.empty()) {
    text += "\nNot computed:";
    for (std::size_t i = 0; i < skipped.size(); ++i) {
      text += (i == 0 ? " " : "; ") + skipped[i];
    }
    text += "\n";
  }
  return text;
}

// JSON.

std::string json_optional(const std::optional<double>& value) {
  return value ? json_number(*value) : std::string("null");
}

/// A JSON object built member by member; values are JSON text already.
class JsonObject {
 public:
  JsonObject& add(const std::string& key, std::string json) {
    members_.emplace_back(key, std::move(json));
    return *this;
  }
  JsonObject& number(const std::string& key, double value) { return add(key, json_number(value)); }
  /// Multi-line, for sections; `indent` is the depth of the opening brace.
  std::string block(int indent) const {
    const std::string pad(static_cast<std::size_t>(indent) + 2, ' ');
    std::string text = "{";
    for (std::size_t i = 0; i < members_.size(); ++i) {
      text += (i == 0 ? "\n" : ",\n") + pad + json_string(members_[i].first) + ": " +
              members_[i].second;
    }
    return text + "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "}";
  }
  /// One line, for list items.
  std::string line() const {
    std::string text = "{";
    for (std::size_t i = 0; i < members_.size(); ++i) {
      text += (i == 0 ? "" : ", ") + json_string(members_[i].first) + ": " + members_[i].second;
    }
    return text + "}";
  }

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

std::string json_list(const std::vector<std::string>& items, int indent) {
  const std::string pad(static_cast<std::size_t>(indent) + 2, ' ');
  std::string text = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    text += (i == 0 ? "\n" : ",\n") + pad + items[i];
  }
  return text + "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "]";
}

std::string json_numbers(const std::vector<double>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    text += (i == 0 ? "" : ", ") + json_number(values[i]);
  }
  return text + "]";
}

std::string funnel_json(const analysis::Snapshot& snapshot, const analysis::FunnelForecast& f) {
  std::vector<std::string> stages;
  for (std::size_t i = 0; i < snapshot.stages.size(); ++i) {
    const analysis::SnapshotStage& stage = snapshot.stages[i];
    stages.push_back(JsonObject()
                         .add("name", json_string(stage.name))
                         .number("win_probability", stage.win_probability)
                         .add("count", std::to_string(stage.count))
                         .number("expected_wins", f.stage_expected_wins[i])
                         .line());
  }
  JsonObject json;
  json.add("stages", json_list(stages, 4))
      .number("expected_wins", f.expected_wins)
      .number("average_deal", f.average_deal)
      .add("average_deal_source",
           json_string(f.average_deal_source == analysis::AverageDealSource::given
                           ? "given"
                           : "funnel_amount"))
      .number("expected_amount", f.expected_amount)
      .number("remaining_quota", f.remaining_quota)
      .number("amount_gap", f.amount_gap)
      .add("gap", f.amount_gap > 0.0 ? "true" : "false")
      .number("new_opportunity_win_probability", f.new_opportunity_win_probability)
      .number("new_opportunities_needed", f.new_opportunities_needed);
  if (f.projection) {
    const analysis::FunnelProjection& p = *f.projection;
    json.add("projection", JsonObject()
                               .number("weeks_per_stage", p.weeks_per_stage)
                               .add("wins_by_week", json_numbers(p.wins_by_week))
                               .number("wins_in_quarter", p.wins_in_quarter)
                               .number("wins_needed", p.wins_needed)
                               .add("wins_needed_per_week", json_optional(p.wins_needed_per_week))
                               .number("wins_short", p.wins_short)
                               .number("weeks_to_close_new", p.weeks_to_close_new)
                               .number("entry_window_weeks", p.entry_window_weeks)
                               .block(4));
  }
  return json.block(2);
}

std::string amount_funnel_json(const analysis::Snapshot& snapshot,
                               const analysis::AmountFunnelForecast& f) {
  std::vector<std::string> stages;
  for (std::size_t i = 0; i < snapshot.stages.size(); ++i) {
    const analysis::SnapshotStage& stage = snapshot.stages[i];
    stages.push_back(JsonObject()
                         .add("name", json_string(stage.name))
                         .number("win_probability", stage.win_probability)
                         .number("amount", *stage.amount)
                         .number("expected_revenue", f.stage_expected_revenue[i])
                         .line());
  }
  return JsonObject()
      .add("stages", json_list(stages, 4))
      .number("expected_revenue", f.expected_revenue)
      .add("closing_stage", json_string(snapshot.stages.back().name))
      .number("closing_stage_expected_revenue", f.closing_stage_expected_revenue)
      .number("paid_within_year", f.receipts.paid_within_year)
      .number("quarter_share", f.receipts.quarter_share)
      .number("software_share", f.receipts.software_share)
      .number("won_receipts", f.receipts.won_receipts)
      .number("expected_receipts", f.expected_receipts)
      .number("amount_gap", f.amount_gap)
      .block(2);
}

std::string commit_json(const analysis::Snapshot& snapshot, const analysis::CommitForecast& f) {
  return JsonObject()
      .number("committed", snapshot.calls->committed)
      .number("alpha", f.weights.committed)
      .number("committed_part", f.committed_part)
      .number("possible", snapshot.calls->possible)
      .number("beta", f.weights.possible)
      .number("possible_part", f.possible_part)
      .number("gamma", f.weights.unforecast_per_week)
      .number("unforecast_part", f.unforecast_part)
      .number("forecast", f.forecast)
      .number("completion_rate", f.completion_rate)
      .block(2);
}

std::string gap_ladder_json(const analysis::GapLadder& g) {
  return JsonObject()
      .number("p1", g.p1)
      .number("p2", g.p2)
      .number("p3", g.p3)
      .number("p4", g.p4)
      .number("gap0", g.gap0)
      .number("gap1", g.gap1)
      .number("gap2", g.gap2)
      .number("gap3", g.gap3)
      .number("new_customers_needed", g.new_customers_needed)
      .add("weekly_prospecting_target", json_optional(g.weekly_prospecting_target))
      .block(2);
}

std::string report_json(const std::string& source, const analysis::Snapshot& snapshot,
                        const analysis::ForecastReport& report,
                        const std::optional<SimulationOutlook>& simulation) {
  JsonObject json;
  json.add("snapshot", json_string(source))
      .number("quota", snapshot.quota)
      .number("realized", snapshot.realized)
      .number("weeks_remaining", snapshot.weeks_remaining)
      .number("weeks_in_quarter", snapshot.weeks_in_quarter)
      .add("funnel", funnel_json(snapshot, report.funnel));
  if (report.amount_funnel) {
    json.add("amount_funnel", amount_funnel_json(snapshot, *report.amount_funnel));
  }
  if (report.commit) {
    json.add("commit", commit_json(snapshot, *report.commit));
  }
  if (report.gap_ladder) {
    json.add("gap_ladder", gap_ladder_json(*report.gap_ladder));
  }
  if (const auto& r = report.run_rate) {
    json.add("run_rate", JsonObject()
                             .number("weeks_elapsed", r->weeks_elapsed)
                             .number("per_week", r->per_week)
                             .number("forecast", r->forecast)
                             .number("completion_rate", r->completion_rate)
                             .block(2));
  }
  if (const auto& c = report.coverage) {
    json.add("coverage", JsonObject()
                             .number("pipeline_amount", c->pipeline_amount)
                             .number("remaining_quota", c->remaining_quota)
                             .number("coverage", c->coverage)
                             .number("win_probability", c->win_probability)
                             .number("required_coverage", c->required_coverage)
                             .number("pipeline_required", c->pipeline_required)
                             .number("pipeline_short", c->pipeline_short)
                             .block(2));
  }
  if (simulation) {
    json.add("simulation", JsonObject()
                               .add("scenario", json_string(simulation->scenario))
                               .add("segment", json_string(simulation->segment))
                               .number("samples", static_cast<double>(simulation->samples))
                               .number("weeks_left", simulation->weeks_left)
                               .number("mean", simulation->mean)
                               .number("p10", simulation->p10)
                               .number("p50", simulation->p50)
                               .number("p90", simulation->p90)
                               .block(2));
  }
  return json.block(0) + "\n";
}

/// The simulation model on a snapshot: the segment of the scenario whose stages the snapshot
/// names plays the rest of the quarter forward.
SimulationOutlook simulate(const ForecastArgs& args, const analysis::Snapshot& snapshot) {
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
  const analysis::SimulationOutlook played =
      analysis::simulate_outlook(model, snapshot, *segment, args.seed, args.samples);
  SimulationOutlook outlook;
  outlook.scenario = args.scenario;
  outlook.segment = played.segment;
  outlook.samples = played.samples;
  outlook.weeks_left = played.weeks_left;
  outlook.mean = played.mean;
  outlook.p10 = played.p10;
  outlook.p50 = played.p50;
  outlook.p90 = played.p90;
  return outlook;
}

int forecast(const ForecastArgs& args) {
  const analysis::Snapshot snapshot = scenarios::load_snapshot_file(args.snapshot);
  const analysis::ForecastReport report = analysis::forecast_all(snapshot);
  std::optional<SimulationOutlook> simulation;
  if (!args.scenario.empty())
    simulation = simulate(args, snapshot);
  const std::string text = args.json ? report_json(args.snapshot, snapshot, report, simulation)
                                     : report_text(args.snapshot, snapshot, report, simulation);
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

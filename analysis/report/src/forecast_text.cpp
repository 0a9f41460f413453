#include "funnelsim/report/forecast_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "funnelsim/stats/json.hpp"
#include "funnelsim/stats/text_format.hpp"

namespace funnelsim::analysis {
namespace {

/// "75%", "28.9%".
std::string percent(double share) {
  const double value = 100.0 * share;
  return std::abs(value - std::round(value)) < 1e-9 ? format_text("%.0f%%", value)
                                                    : format_text("%.1f%%", value);
}

std::string amount(double value) {
  return format_text("%.1f", value);
}

std::string weeks(double value) {
  return format_text("%g %s", value, value == 1.0 ? "week" : "weeks");
}

/// One whiteboard step: what, how, and the result.
std::string step(const std::string& label, const std::string& formula, const std::string& result) {
  return format_text("  %-17s %-36s = %s\n", label.c_str(), formula.c_str(), result.c_str());
}

// Text.

std::string funnel_text(const Snapshot& snapshot, const FunnelForecast& f) {
  std::string text = "Funnel model, by count (playbook 4a)\n";
  text += format_text("  %-17s %6s %10s %14s\n", "stage", "count", "win prob.", "expected wins");
  int count = 0;
  for (std::size_t i = 0; i < snapshot.stages.size(); ++i) {
    const SnapshotStage& stage = snapshot.stages[i];
    count += stage.count;
    text += format_text("  %-17s %6d %10s %14.2f\n", stage.name.c_str(), stage.count,
                        percent(stage.win_probability).c_str(), f.stage_expected_wins[i]);
  }
  text += format_text("  %-17s %6d %10s %14.2f\n", "total", count, "", f.expected_wins);
  if (f.average_deal_source == AverageDealSource::funnel_amount) {
    text += step("average deal", "funnel amount / " + std::to_string(count) + " opportunities",
                 format_text("%.2f", f.average_deal));
  }
  text += step("expected amount",
               format_text("%.2f wins x %.2f average deal", f.expected_wins, f.average_deal),
               amount(f.expected_amount));
  const std::string gap = step("amount gap",
                               amount(snapshot.quota) + " - " + amount(snapshot.realized) +
                                   " realized - " + amount(f.expected_amount),
                               amount(f.amount_gap) + (f.amount_gap > 0.0 ? "" : " (no gap)"));
  text += gap;
  if (f.amount_gap > 0.0) {
    text += step("new opportunities",
                 amount(f.amount_gap) + format_text(" / %.2f / ", f.average_deal) +
                     percent(f.new_opportunity_win_probability) + " win probability",
                 amount(f.new_opportunities_needed));
  } else {
    text += "  new opportunities none needed: the open funnel covers the quota\n";
  }
  if (!f.projection) {
    return text;
  }
  const FunnelProjection& p = *f.projection;
  text += "  week by week, " + weeks(p.weeks_per_stage) +
          " per stage (expected wins closing; * after the quarter):\n ";
  for (std::size_t week = 1; week <= p.wins_by_week.size(); ++week) {
    const bool after = static_cast<double>(week) > snapshot.weeks_remaining;
    text += format_text("   week %zu%s %.1f", week, after ? "*" : ":", p.wins_by_week[week - 1]);
    if (week % 5 == 0 && week < p.wins_by_week.size()) {
      text += "\n ";
    }
  }
  text += "\n";
  std::string needed = amount(p.wins_needed);
  if (p.wins_needed_per_week) {
    needed += format_text(" (%.1f a week)", *p.wins_needed_per_week);
  }
  text += step("wins needed",
               amount(std::max(0.0, f.remaining_quota)) + format_text(" / %.2f", f.average_deal),
               needed);
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

std::string amount_funnel_text(const Snapshot& snapshot, const AmountFunnelForecast& f) {
  std::string text = "\nAmount funnel, large projects (playbook 4b)\n";
  text +=
      format_text("  %-17s %8s %10s %17s\n", "stage", "amount", "win prob.", "expected revenue");
  double total = 0.0;
  for (std::size_t i = 0; i < snapshot.stages.size(); ++i) {
    const SnapshotStage& stage = snapshot.stages[i];
    total += *stage.amount;
    text += format_text("  %-17s %8.1f %10s %17.1f\n", stage.name.c_str(), *stage.amount,
                        percent(stage.win_probability).c_str(), f.stage_expected_revenue[i]);
  }
  text += format_text("  %-17s %8.1f %10s %17.1f\n", "total", total, "", f.expected_revenue);
  const ReceiptShares& r = f.receipts;
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

std::string commit_text(const Snapshot& snapshot, const CommitForecast& f) {
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

std::string gap_ladder_text(const Snapshot& snapshot, const GapLadder& g) {
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
  text += step("NA (customers)", amount(g.gap3) + format_text(" / P4 %.2f", g.p4),
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

std::string run_rate_text(const Snapshot& snapshot, const std::optional<RunRateForecast>& f) {
  std::string text = "\nRun rate\n";
  if (!f) {
    return text + "  undefined: no week of the quarter has elapsed\n";
  }
  text += step("per week", amount(snapshot.realized) + " / " + weeks(f->weeks_elapsed) + " elapsed",
               format_text("%.2f", f->per_week));
  text += step("forecast", format_text("%.2f x ", f->per_week) + weeks(snapshot.weeks_in_quarter),
               amount(f->forecast));
  text += step("completion", amount(f->forecast) + " / " + amount(snapshot.quota),
               percent(f->completion_rate));
  return text;
}

std::string coverage_text(const Snapshot& snapshot, const FunnelForecast& f,
                          const std::optional<Coverage>& c) {
  std::string text = "\nCoverage\n";
  if (!c) {
    return text + "  the quota is already met: nothing left to cover\n";
  }
  int count = 0;
  for (const SnapshotStage& stage : snapshot.stages) {
    count += stage.count;
  }
  const std::string pipeline = snapshot.stages.front().amount
                                   ? std::string("sum of stage amounts")
                                   : format_text("%d opportunities x %.2f", count, f.average_deal);
  text += step("open pipeline", pipeline, amount(c->pipeline_amount));
  text += step("remaining quota", amount(snapshot.quota) + " - " + amount(snapshot.realized),
               amount(c->remaining_quota));
  text += step("coverage", amount(c->pipeline_amount) + " / " + amount(c->remaining_quota),
               format_text("%.2fx", c->coverage));
  text += step("required", "1 / " + percent(c->win_probability) + " win probability by amount",
               format_text("%.2fx", c->required_coverage));
  text += step("pipeline needed",
               amount(c->remaining_quota) + format_text(" x %.2f", c->required_coverage),
               amount(c->pipeline_required));
  text += step("still needed", amount(c->pipeline_required) + " - " + amount(c->pipeline_amount),
               c->pipeline_short > 0.0 ? amount(c->pipeline_short) : std::string("none"));
  return text;
}

}  // namespace

/// The models a snapshot lacks the inputs for, each with the key it would need.
std::vector<std::pair<std::string, std::string>> skipped_models(const Snapshot& snapshot,
                                                                const ForecastReport& report) {
  std::vector<std::pair<std::string, std::string>> skipped;
  if (!report.funnel)
    skipped.emplace_back("funnel model, coverage, action plan", "stages");
  if (!report.amount_funnel)
    skipped.emplace_back("amount funnel", snapshot.stages.empty() ? "stages" : "stages' amount");
  if (!report.commit)
    skipped.emplace_back("commit model", "calls");
  if (!report.gap_ladder)
    skipped.emplace_back("gap ladder", !snapshot.calls ? "calls" : "average_deal or gap_ladder.p4");
  return skipped;
}

std::string forecast_report_text(const std::string& source, const Snapshot& snapshot,
                                 const ForecastReport& report,
                                 const std::optional<ScenarioOutlook>& simulation) {
  std::string text = "Forecast for " + source + " (amounts in 万)\n";
  text += "quota " + amount(snapshot.quota) + ", realized " + amount(snapshot.realized) + " (" +
          percent(snapshot.realized / snapshot.quota) + "), " +
          format_text("%g", snapshot.weeks_remaining) + " of " + weeks(snapshot.weeks_in_quarter) +
          " remaining\n\n";
  if (report.funnel)
    text += funnel_text(snapshot, *report.funnel);
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
  if (report.funnel)
    text += coverage_text(snapshot, *report.funnel, report.coverage);
  if (const auto& plan = report.action_plan) {
    text += "\nAction plan (playbook 4a)\n";
    text += step("wins a week",
                 amount(report.funnel->remaining_quota) +
                     format_text(" / %.2f average deal / ", report.funnel->average_deal) +
                     weeks(snapshot.weeks_remaining),
                 format_text("%.1f a week", *plan->wins_per_week));
    if (plan->new_opportunities_per_week) {
      text += step("new opportunities",
                   amount(report.funnel->new_opportunities_needed) + " / " +
                       weeks(*plan->entry_window_weeks) + " of entry window",
                   format_text("%.1f a week", *plan->new_opportunities_per_week));
    } else if (plan->entry_window_weeks) {
      text +=
          "  new opportunities the entry window has closed: what enters now closes next "
          "quarter\n";
    }
    if (!plan->funnel_by_now.empty()) {
      text += "  funnel by now: on plan = wins a week x " +
              weeks(report.funnel->projection->weeks_per_stage) + " per stage / win probability\n";
      text += format_text("  %-17s %10s %8s\n", "stage", "on plan", "actual");
      for (const ActionPlan::Stage& stage : plan->funnel_by_now)
        text += format_text("  %-17s %10.1f %8.0f%s\n", stage.name.c_str(), stage.standard,
                            stage.actual, stage.actual < stage.standard ? "  short" : "");
    }
  }
  if (report.verdict) {
    const GapVerdict& v = *report.verdict;
    text += "\nVerdict: " +
            (v.gap > 0.0 ? "a gap of " + amount(v.gap) + " 万" : std::string("no gap")) +
            ", by the " + v.governed_by + " model\n  (" + v.reason + ")\n";
    if (report.amount_funnel) {
      const bool amount_governs = v.governed_by == "amount";
      const double other =
          amount_governs ? report.funnel->amount_gap : report.amount_funnel->amount_gap;
      text += std::string("  The ") + (amount_governs ? "count" : "amount") + " model's gap, " +
              amount(other) + ", is shown above for reference only.\n";
    }
  }
  if (simulation) {
    text += "\nSimulation model: the rest of the quarter played " +
            format_text("%zu", simulation->outlook.samples) + " times with " +
            simulation->scenario + " (segment " + simulation->outlook.segment + ")\n";
    text += format_text(
        "  quarter's bookings  P10 %s   P50 %s   P90 %s   mean %s (%s of quota)\n",
        amount(simulation->outlook.p10).c_str(), amount(simulation->outlook.p50).c_str(),
        amount(simulation->outlook.p90).c_str(), amount(simulation->outlook.mean).c_str(),
        percent(simulation->outlook.mean / snapshot.quota).c_str());
  }
  std::vector<std::string> skipped;
  for (const auto& [model, missing] : skipped_models(snapshot, report))
    skipped.push_back(model + " (no " + missing + ")");
  if (!skipped.empty()) {
    text += "\nNot computed (each model needs only its own inputs):\n";
    for (const std::string& line : skipped)
      text += "  " + line + "\n";
  }
  return text;
}

namespace {

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

std::string funnel_json(const Snapshot& snapshot, const FunnelForecast& f) {
  std::vector<std::string> stages;
  for (std::size_t i = 0; i < snapshot.stages.size(); ++i) {
    const SnapshotStage& stage = snapshot.stages[i];
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
           json_string(f.average_deal_source == AverageDealSource::given ? "given"
                                                                         : "funnel_amount"))
      .number("expected_amount", f.expected_amount)
      .number("remaining_quota", f.remaining_quota)
      .number("amount_gap", f.amount_gap)
      .add("gap", f.amount_gap > 0.0 ? "true" : "false")
      .number("new_opportunity_win_probability", f.new_opportunity_win_probability)
      .number("new_opportunities_needed", f.new_opportunities_needed);
  if (f.projection) {
    const FunnelProjection& p = *f.projection;
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

std::string amount_funnel_json(const Snapshot& snapshot, const AmountFunnelForecast& f) {
  std::vector<std::string> stages;
  for (std::size_t i = 0; i < snapshot.stages.size(); ++i) {
    const SnapshotStage& stage = snapshot.stages[i];
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

std::string commit_json(const Snapshot& snapshot, const CommitForecast& f) {
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

std::string gap_ladder_json(const GapLadder& g) {
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

}  // namespace

std::string forecast_report_json(const std::string& source, const Snapshot& snapshot,
                                 const ForecastReport& report,
                                 const std::optional<ScenarioOutlook>& simulation) {
  JsonObject json;
  json.add("snapshot", json_string(source))
      .number("quota", snapshot.quota)
      .number("realized", snapshot.realized)
      .number("weeks_remaining", snapshot.weeks_remaining)
      .number("weeks_in_quarter", snapshot.weeks_in_quarter);
  if (report.funnel)
    json.add("funnel", funnel_json(snapshot, *report.funnel));
  if (report.amount_funnel) {
    json.add("amount_funnel", amount_funnel_json(snapshot, *report.amount_funnel));
  }
  if (report.commit) {
    json.add("commit", commit_json(snapshot, *report.commit));
  }
  if (report.gap_ladder) {
    json.add("gap_ladder", gap_ladder_json(*report.gap_ladder));
  }
  if (const auto& verdict = report.verdict)
    json.add("verdict", JsonObject()
                            .add("governed_by", json_string(verdict->governed_by))
                            .add("reason", json_string(verdict->reason))
                            .number("gap", verdict->gap)
                            .block(2));
  {
    std::vector<std::string> skipped;
    for (const auto& [model, missing] : skipped_models(snapshot, report))
      skipped.push_back(JsonObject()
                            .add("model", json_string(model))
                            .add("missing", json_string(missing))
                            .line());
    json.add("skipped", json_list(skipped, 2));
  }
  if (const auto& plan = report.action_plan) {
    std::vector<std::string> stages;
    for (const ActionPlan::Stage& stage : plan->funnel_by_now)
      stages.push_back(JsonObject()
                           .add("name", json_string(stage.name))
                           .number("standard", stage.standard)
                           .number("actual", stage.actual)
                           .line());
    json.add("action_plan",
             JsonObject()
                 .add("wins_per_week", json_optional(plan->wins_per_week))
                 .add("new_opportunities_per_week", json_optional(plan->new_opportunities_per_week))
                 .add("entry_window_weeks", json_optional(plan->entry_window_weeks))
                 .add("funnel_by_now", json_list(stages, 4))
                 .block(2));
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
                               .add("segment", json_string(simulation->outlook.segment))
                               .number("samples", static_cast<double>(simulation->outlook.samples))
                               .number("weeks_left", simulation->outlook.weeks_left)
                               .number("mean", simulation->outlook.mean)
                               .number("p10", simulation->outlook.p10)
                               .number("p50", simulation->outlook.p50)
                               .number("p90", simulation->outlook.p90)
                               .block(2));
  }
  return json.block(0) + "\n";
}

}  // namespace funnelsim::analysis

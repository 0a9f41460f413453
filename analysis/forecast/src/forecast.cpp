#include "funnelsim/forecast/forecast.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "funnelsim/sim/model.hpp"

namespace funnelsim::analysis {
namespace {

std::string text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

void require(bool holds, const std::string& what, const char* wanted, double value) {
  if (!holds) {
    throw ForecastError(what + ": must be " + wanted + ", got " + text(value));
  }
}

void require_positive(const std::string& what, double value) {
  require(std::isfinite(value) && value > 0.0, what, "> 0", value);
}

void require_non_negative(const std::string& what, double value) {
  require(std::isfinite(value) && value >= 0.0, what, ">= 0", value);
}

void require_fraction(const std::string& what, double value) {
  require(std::isfinite(value) && value >= 0.0 && value <= 1.0, what, "in [0, 1]", value);
}

void require_probability(const std::string& what, double value) {
  require(std::isfinite(value) && value > 0.0 && value <= 1.0, what, "in (0, 1]", value);
}

bool has_amounts(const Snapshot& snapshot) {
  return !snapshot.stages.empty() && snapshot.stages.front().amount.has_value();
}

double total_count(const Snapshot& snapshot) {
  double count = 0.0;
  for (const SnapshotStage& stage : snapshot.stages) {
    count += stage.count;
  }
  return count;
}

double total_amount(const Snapshot& snapshot) {
  double amount = 0.0;
  for (const SnapshotStage& stage : snapshot.stages) {
    amount += stage.amount.value_or(0.0);
  }
  return amount;
}

/// The week in which today's deals in stage `index` close: the stages still ahead, this one
/// included, each take `weeks_per_stage` (§4a: negotiation next week, solution the week after).
std::size_t close_week(std::size_t index, std::size_t stages, double weeks_per_stage) {
  const double weeks = static_cast<double>(stages - index) * weeks_per_stage;
  return static_cast<std::size_t>(std::max(1.0, std::ceil(weeks - 1e-9)));
}

FunnelProjection project(const Snapshot& snapshot, const FunnelForecast& funnel) {
  FunnelProjection projection;
  projection.weeks_per_stage = *snapshot.weeks_per_stage;
  const std::size_t stages = snapshot.stages.size();
  projection.wins_by_week.assign(close_week(0, stages, projection.weeks_per_stage), 0.0);
  for (std::size_t i = 0; i < stages; ++i) {
    const std::size_t week = close_week(i, stages, projection.weeks_per_stage);
    projection.wins_by_week[week - 1] += funnel.stage_expected_wins[i];
    if (static_cast<double>(week) <= snapshot.weeks_remaining) {
      projection.wins_in_quarter += funnel.stage_expected_wins[i];
    }
  }
  projection.wins_needed = std::max(0.0, funnel.remaining_quota) / funnel.average_deal;
  if (snapshot.weeks_remaining > 0.0) {
    projection.wins_needed_per_week = projection.wins_needed / snapshot.weeks_remaining;
  }
  projection.wins_short = std::max(0.0, projection.wins_needed - projection.wins_in_quarter);
  projection.weeks_to_close_new = static_cast<double>(stages) * projection.weeks_per_stage;
  projection.entry_window_weeks = snapshot.weeks_remaining - projection.weeks_to_close_new;
  return projection;
}

void check_stages(const std::vector<PlanStage>& stages) {
  if (stages.empty()) {
    throw ForecastError("stages: at least one stage is needed");
  }
  for (std::size_t i = 0; i < stages.size(); ++i) {
    require_probability("stage '" + stages[i].name + "' win probability",
                        stages[i].win_probability);
    if (i == 0) {
      continue;
    }
    const std::string previous = text(stages[i - 1].win_probability);
    const std::string value = text(stages[i].win_probability);
    const std::string error = sim::win_probability_order_error(
        {stages[i - 1].name, stages[i - 1].win_probability, previous},
        {stages[i].name, stages[i].win_probability, value});
    if (!error.empty()) {
      throw ForecastError(error);
    }
  }
}

}  // namespace

void check_snapshot(const Snapshot& snapshot) {
  require_positive("quota", snapshot.quota);
  require_non_negative("realized", snapshot.realized);
  require_positive("weeks_in_quarter", snapshot.weeks_in_quarter);
  require(std::isfinite(snapshot.weeks_remaining) && snapshot.weeks_remaining >= 0.0 &&
              snapshot.weeks_remaining <= snapshot.weeks_in_quarter,
          "weeks_remaining", "in [0, weeks_in_quarter]", snapshot.weeks_remaining);
  const bool amounts = has_amounts(snapshot);
  for (const SnapshotStage& stage : snapshot.stages) {
    const std::string what = "stages." + stage.name;
    require_probability(what + ".win_probability", stage.win_probability);
    require(stage.count >= 0, what + ".count", ">= 0", stage.count);
    if (stage.amount.has_value() != amounts) {
      throw ForecastError(what + ".amount: give an amount for every stage or for none");
    }
    if (stage.amount) {
      require_non_negative(what + ".amount", *stage.amount);
    }
  }
  if (snapshot.average_deal) {
    require_positive("average_deal", *snapshot.average_deal);
  } else if (!snapshot.stages.empty() &&
             (!amounts || total_count(snapshot) == 0.0 || total_amount(snapshot) == 0.0)) {
    throw ForecastError("average_deal: not given, and the funnel has no amount to derive it");
  }
  if (snapshot.weeks_per_stage) {
    require_positive("weeks_per_stage", *snapshot.weeks_per_stage);
  }
  if (snapshot.new_opportunity_win_probability) {
    require_probability("new_opportunity_win_probability",
                        *snapshot.new_opportunity_win_probability);
  }
  if (snapshot.calls) {
    require_non_negative("calls.committed", snapshot.calls->committed);
    require_non_negative("calls.possible", snapshot.calls->possible);
  }
  require_fraction("weights.committed", snapshot.weights.committed);
  require_fraction("weights.possible", snapshot.weights.possible);
  require_fraction("weights.unforecast_per_week", snapshot.weights.unforecast_per_week);
  require_fraction("receipts.paid_within_year", snapshot.receipts.paid_within_year);
  require_fraction("receipts.quarter_share", snapshot.receipts.quarter_share);
  require_fraction("receipts.software_share", snapshot.receipts.software_share);
  require_non_negative("receipts.won_receipts", snapshot.receipts.won_receipts);
  if (snapshot.gap_ladder.p1) {
    require_fraction("gap_ladder.p1", *snapshot.gap_ladder.p1);
  }
  if (snapshot.gap_ladder.p2) {
    require_fraction("gap_ladder.p2", *snapshot.gap_ladder.p2);
  }
  if (snapshot.gap_ladder.p3) {
    require_probability("gap_ladder.p3", *snapshot.gap_ladder.p3);
  }
  if (snapshot.gap_ladder.p4) {
    require_positive("gap_ladder.p4", *snapshot.gap_ladder.p4);
  }
}

AverageDealSource average_deal_source(const Snapshot& snapshot) {
  return snapshot.average_deal ? AverageDealSource::given : AverageDealSource::funnel_amount;
}

double average_deal(const Snapshot& snapshot) {
  check_snapshot(snapshot);
  if (snapshot.average_deal) {
    return *snapshot.average_deal;
  }
  if (snapshot.stages.empty())
    throw ForecastError("average_deal: not given, and there is no funnel to derive it from");
  return total_amount(snapshot) / total_count(snapshot);
}

static bool knows_average_deal(const Snapshot& snapshot) {
  return snapshot.average_deal.has_value() || has_amounts(snapshot);
}

FunnelForecast forecast_funnel(const Snapshot& snapshot) {
  if (snapshot.stages.empty())
    throw ForecastError("stages: the funnel model needs the funnel's stages");
  FunnelForecast funnel;
  funnel.average_deal = average_deal(snapshot);
  funnel.average_deal_source = average_deal_source(snapshot);
  for (const SnapshotStage& stage : snapshot.stages) {
    funnel.stage_expected_wins.push_back(stage.count * stage.win_probability);
    funnel.expected_wins += funnel.stage_expected_wins.back();
  }
  // §4a takes receipts at 100% of expected wins: late wins paying next quarter offset the
  // earlier ones paying now.
  funnel.expected_amount = funnel.expected_wins * funnel.average_deal;
  funnel.remaining_quota = snapshot.quota - snapshot.realized;
  funnel.amount_gap = funnel.remaining_quota - funnel.expected_amount;
  funnel.new_opportunity_win_probability =
      snapshot.new_opportunity_win_probability.value_or(snapshot.stages.front().win_probability);
  if (funnel.amount_gap > 0.0) {
    funnel.new_opportunities_needed =
        funnel.amount_gap / funnel.average_deal / funnel.new_opportunity_win_probability;
  }
  if (snapshot.weeks_per_stage) {
    funnel.projection = project(snapshot, funnel);
  }
  return funnel;
}

std::optional<AmountFunnelForecast> forecast_amount_funnel(const Snapshot& snapshot) {
  check_snapshot(snapshot);
  if (!has_amounts(snapshot)) {
    return std::nullopt;
  }
  AmountFunnelForecast forecast;
  forecast.receipts = snapshot.receipts;
  for (const SnapshotStage& stage : snapshot.stages) {
    forecast.stage_expected_revenue.push_back(*stage.amount * stage.win_probability);
    forecast.expected_revenue += forecast.stage_expected_revenue.back();
  }
  forecast.closing_stage_expected_revenue = forecast.stage_expected_revenue.back();
  const ReceiptShares& shares = snapshot.receipts;
  forecast.expected_receipts =
      (forecast.closing_stage_expected_revenue * shares.paid_within_year * shares.quarter_share +
       shares.won_receipts) *
      shares.software_share;
  forecast.amount_gap = snapshot.quota - forecast.expected_receipts - snapshot.realized;
  return forecast;
}

std::optional<CommitForecast> forecast_commit(const Snapshot& snapshot) {
  check_snapshot(snapshot);
  if (!snapshot.calls) {
    return std::nullopt;
  }
  CommitForecast forecast;
  forecast.weights = snapshot.weights;
  forecast.committed_part = snapshot.calls->committed * snapshot.weights.committed;
  forecast.possible_part = snapshot.calls->possible * snapshot.weights.possible;
  forecast.unforecast_part =
      snapshot.quota * snapshot.weights.unforecast_per_week * snapshot.weeks_remaining;
  forecast.forecast = snapshot.realized + forecast.committed_part + forecast.possible_part +
                      forecast.unforecast_part;
  forecast.completion_rate = forecast.forecast / snapshot.quota;
  return forecast;
}

std::optional<GapLadder> forecast_gap_ladder(const Snapshot& snapshot) {
  check_snapshot(snapshot);
  if (!snapshot.calls) {
    return std::nullopt;
  }
  if (!snapshot.gap_ladder.p4 && !knows_average_deal(snapshot)) {
    return std::nullopt;  // P4 is the average deal: given, or from the funnel
  }
  GapLadder ladder;
  ladder.p1 = snapshot.gap_ladder.p1.value_or(COURSE_P1);
  ladder.p2 = snapshot.gap_ladder.p2.value_or(COURSE_P2);
  ladder.p3 = snapshot.gap_ladder.p3.value_or(
      snapshot.stages.empty() ? COURSE_P3 : snapshot.stages.front().win_probability);
  ladder.p4 = snapshot.gap_ladder.p4 ? *snapshot.gap_ladder.p4 : average_deal(snapshot);
  ladder.gap0 = snapshot.quota - snapshot.realized;
  ladder.gap1 = ladder.gap0 - snapshot.calls->committed * ladder.p1;
  ladder.gap2 = ladder.gap1 - snapshot.calls->possible * ladder.p2;
  // A covered gap needs no new pipeline; the surplus shows in gap1 and gap2.
  ladder.gap3 = std::max(0.0, ladder.gap2) / ladder.p3;
  ladder.new_customers_needed = ladder.gap3 / ladder.p4;
  if (snapshot.weeks_remaining > 0.0) {
    ladder.weekly_prospecting_target = ladder.new_customers_needed / snapshot.weeks_remaining;
  }
  return ladder;
}

std::optional<RunRateForecast> forecast_run_rate(const Snapshot& snapshot) {
  check_snapshot(snapshot);
  RunRateForecast forecast;
  forecast.weeks_elapsed = snapshot.weeks_in_quarter - snapshot.weeks_remaining;
  if (forecast.weeks_elapsed <= 0.0) {
    return std::nullopt;
  }
  forecast.per_week = snapshot.realized / forecast.weeks_elapsed;
  forecast.forecast = forecast.per_week * snapshot.weeks_in_quarter;
  forecast.completion_rate = forecast.forecast / snapshot.quota;
  return forecast;
}

std::optional<Coverage> forecast_coverage(const Snapshot& snapshot) {
  if (snapshot.stages.empty())
    return std::nullopt;  // no pipeline to cover with
  const double deal = average_deal(snapshot);
  Coverage coverage;
  coverage.remaining_quota = snapshot.quota - snapshot.realized;
  if (coverage.remaining_quota <= 0.0) {
    return std::nullopt;
  }
  double expected = 0.0;
  for (const SnapshotStage& stage : snapshot.stages) {
    const double amount = stage.amount ? *stage.amount : stage.count * deal;
    coverage.pipeline_amount += amount;
    expected += amount * stage.win_probability;
  }
  coverage.coverage = coverage.pipeline_amount / coverage.remaining_quota;
  coverage.win_probability = coverage.pipeline_amount > 0.0
                                 ? expected / coverage.pipeline_amount
                                 : snapshot.stages.front().win_probability;
  coverage.required_coverage = 1.0 / coverage.win_probability;
  coverage.pipeline_required = coverage.remaining_quota * coverage.required_coverage;
  coverage.pipeline_short = std::max(0.0, coverage.pipeline_required - coverage.pipeline_amount);
  return coverage;
}

GapVerdict forecast_verdict(const FunnelForecast& funnel,
                            const std::optional<AmountFunnelForecast>& amount_funnel) {
  GapVerdict verdict;
  char text[200];
  if (amount_funnel && funnel.average_deal > LARGE_PROJECT_DEAL) {
    std::snprintf(text, sizeof text,
                  "average deal %.1f 万 > %.0f 万: a large project, forecast by amount (4b)",
                  funnel.average_deal, LARGE_PROJECT_DEAL);
    verdict = {"amount", text, amount_funnel->amount_gap};
  } else if (amount_funnel) {
    std::snprintf(text, sizeof text,
                  "average deal %.1f 万 <= %.0f 万: a small project, forecast by count (4a)",
                  funnel.average_deal, LARGE_PROJECT_DEAL);
    verdict = {"count", text, funnel.amount_gap};
  } else {
    verdict = {"count", "no stage amounts: only the count model applies", funnel.amount_gap};
  }
  return verdict;
}

std::optional<ActionPlan> forecast_action_plan(const Snapshot& snapshot, const FunnelForecast& f) {
  if (snapshot.weeks_remaining <= 0.0 || f.remaining_quota <= 0.0)
    return std::nullopt;
  ActionPlan plan;
  const double wins_needed = f.remaining_quota / f.average_deal;
  plan.wins_per_week = wins_needed / snapshot.weeks_remaining;
  if (f.projection) {
    const FunnelProjection& p = *f.projection;
    plan.entry_window_weeks = p.entry_window_weeks;
    if (p.entry_window_weeks > 0.0)
      plan.new_opportunities_per_week = f.new_opportunities_needed / p.entry_window_weeks;
    for (const SnapshotStage& stage : snapshot.stages) {
      plan.funnel_by_now.push_back({stage.name,
                                    *plan.wins_per_week * p.weeks_per_stage / stage.win_probability,
                                    static_cast<double>(stage.count)});
    }
  }
  return plan;
}

ForecastReport forecast_all(const Snapshot& snapshot) {
  ForecastReport report;
  check_snapshot(snapshot);
  if (!snapshot.stages.empty())
    report.funnel = forecast_funnel(snapshot);
  report.amount_funnel = forecast_amount_funnel(snapshot);
  report.commit = forecast_commit(snapshot);
  report.gap_ladder = forecast_gap_ladder(snapshot);
  report.run_rate = forecast_run_rate(snapshot);
  report.coverage = forecast_coverage(snapshot);
  if (report.funnel) {
    report.verdict = forecast_verdict(*report.funnel, report.amount_funnel);
    report.action_plan = forecast_action_plan(snapshot, *report.funnel);
  }
  return report;
}

StandardFunnel plan_standard_funnel(const FunnelPlanInput& input) {
  require_positive("quota", input.quota);
  require_positive("average deal", input.average_deal);
  require_positive("weeks per stage", input.weeks_per_stage);
  require_positive("selling weeks", input.selling_weeks);
  require_positive("prospects per rep", input.prospects_per_rep);
  check_stages(input.stages);

  StandardFunnel funnel;
  funnel.wins_needed = input.quota / input.average_deal;
  funnel.wins_per_week = funnel.wins_needed / input.selling_weeks;
  // Little's law (§2): a stage entered by K ÷ p opportunities a week, each staying W weeks,
  // holds K × W ÷ p of them.
  for (const PlanStage& stage : input.stages) {
    funnel.stages.push_back({stage.name, stage.win_probability,
                             funnel.wins_per_week * input.weeks_per_stage / stage.win_probability});
  }
  funnel.new_opportunities_per_week = funnel.wins_per_week / input.stages.front().win_probability;
  funnel.reps_exact = funnel.new_opportunities_per_week / input.prospects_per_rep;
  // The count must fit the int it is printed from (a quota of 1e300 once printed a negative
  // number of reps): more than a billion reps is no plan, and says which inputs to check.
  constexpr double MAX_REPS = 1e9;
  if (!(funnel.reps_exact <= MAX_REPS)) {
    throw ForecastError("reps needed: " + text(funnel.reps_exact) + ", more than " +
                        text(MAX_REPS) + "; check the quota, the average deal, the win " +
                        "probabilities and the prospects per rep");
  }
  // A hair of tolerance, so that 50 ÷ 5 computed as 10.000000000000002 stays 10 reps.
  funnel.reps_needed = static_cast<int>(std::ceil(funnel.reps_exact * (1.0 - 1e-12)));
  return funnel;
}

double quarter_quota_from_annual(double annual, double vat, double share, double quarter_share) {
  require_positive("annual quota", annual);
  require_positive("VAT factor", vat);
  require(std::isfinite(share) && share > 0.0 && share <= 1.0, "share", "in (0, 1]", share);
  require(std::isfinite(quarter_share) && quarter_share > 0.0 && quarter_share <= 1.0,
          "quarter share", "in (0, 1]", quarter_share);
  return annual * vat * share * quarter_share;
}

}  // namespace funnelsim::analysis

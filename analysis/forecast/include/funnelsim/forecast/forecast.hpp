#pragma once
/// The forecast models a sales manager applies to a funnel on a given day (playbook §4), and
/// the standard funnel a quota needs (§2). Each model is a pure function of a Snapshot and
/// returns its intermediate steps, the numbers a manager writes on a whiteboard, so that a
/// report can show the arithmetic and a benchmark can score a model against simulated
/// outcomes. Amounts are in 万 (10,000 RMB); probabilities and shares are fractions.
///
/// The Snapshot (snapshot.hpp) is plain data with no parser behind it: the command line fills
/// it from a validated snapshot file (funnelsim/scenarios/snapshot.hpp), a simulation from its
/// state.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "funnelsim/error.hpp"
#include "funnelsim/forecast/snapshot.hpp"

namespace funnelsim::analysis {

/// A snapshot the models cannot use: no stages, a probability outside (0, 1], a negative or
/// non-finite amount, an average deal that cannot be derived.
/// A usage error (exit code 2): a snapshot file reaches the models checked by its loader, so
/// what is left is what the command line passes (plan funnel's numbers).
class ForecastError : public Error {
 public:
  explicit ForecastError(const std::string& message) : Error(ErrorKind::usage, message) {}
};

// Names the models' results use for the parts of a snapshot (snapshot.hpp).
using Calls = SnapshotCalls;
using CommitWeights = SnapshotWeights;
using ReceiptShares = SnapshotReceipts;
using GapLadderWeights = SnapshotGapLadder;

/// Where the average deal came from.
enum class AverageDealSource { given, funnel_amount };

/// The unit output (§4a): the given average deal, or funnel amount ÷ funnel count, 万.
double average_deal(const Snapshot& snapshot);
AverageDealSource average_deal_source(const Snapshot& snapshot);

/// Checks what every model relies on; throws ForecastError naming the bad value.
void check_snapshot(const Snapshot& snapshot);

/// The course's week-by-week projection (§4a): with W weeks per stage, today's deals in the
/// last stage close in W weeks, the stage before in 2W weeks, and so on.
struct FunnelProjection {
  double weeks_per_stage = 0.0;
  /// Expected wins closing in week 1, 2, ... until the open funnel is exhausted.
  std::vector<double> wins_by_week;
  double wins_in_quarter = 0.0;  ///< expected wins closing within weeks_remaining
  double wins_needed = 0.0;      ///< max(0, quota - realized) ÷ average deal
  /// wins_needed ÷ weeks_remaining; unset when no week remains.
  std::optional<double> wins_needed_per_week;
  double wins_short = 0.0;          ///< max(0, wins_needed - wins_in_quarter)
  double weeks_to_close_new = 0.0;  ///< stages × weeks_per_stage: when an entry today closes
  /// weeks_remaining - weeks_to_close_new: new opportunities must enter within this many weeks
  /// to close this quarter (negative: too late).
  double entry_window_weeks = 0.0;
};

/// The objective funnel model by count (§4a).
struct FunnelForecast {
  std::vector<double> stage_expected_wins;  ///< count × win probability, per stage
  double expected_wins = 0.0;               ///< Σ count × win probability
  double average_deal = 0.0;                ///< 万
  AverageDealSource average_deal_source = AverageDealSource::given;
  double expected_amount = 0.0;  ///< expected_wins × average_deal, 万
  double remaining_quota = 0.0;  ///< quota - realized, 万
  double amount_gap = 0.0;       ///< remaining_quota - expected_amount, 万; <= 0: no gap
  double new_opportunity_win_probability = 0.0;
  /// amount_gap ÷ average_deal ÷ new_opportunity_win_probability; 0 when there is no gap.
  double new_opportunities_needed = 0.0;
  std::optional<FunnelProjection> projection;  ///< when weeks_per_stage is known
};
FunnelForecast forecast_funnel(const Snapshot& snapshot);

/// The objective funnel model by amount, for large projects (§4b).
struct AmountFunnelForecast {
  std::vector<double> stage_expected_revenue;  ///< amount × win probability per stage, 万
  double expected_revenue = 0.0;               ///< Σ over the stages, 万
  /// The last (most advanced) stage's expected revenue, 万: negotiation in the playbook.
  double closing_stage_expected_revenue = 0.0;
  ReceiptShares receipts;
  /// (closing-stage revenue × paid_within_year × quarter_share + won_receipts) ×
  /// software_share, 万.
  double expected_receipts = 0.0;
  double amount_gap = 0.0;  ///< quota - expected_receipts - realized, 万
};
/// Unset when the stages carry no amounts.
std::optional<AmountFunnelForecast> forecast_amount_funnel(const Snapshot& snapshot);

/// The subjective forecast: the sum of the reps' calls (§4c).
struct CommitForecast {
  CommitWeights weights;
  double committed_part = 0.0;   ///< committed × α, 万
  double possible_part = 0.0;    ///< possible × β, 万
  double unforecast_part = 0.0;  ///< quota × γ × weeks_remaining, 万
  double forecast = 0.0;         ///< realized + the three parts, 万
  double completion_rate = 0.0;  ///< forecast ÷ quota
};
/// Unset without calls.
std::optional<CommitForecast> forecast_commit(const Snapshot& snapshot);

/// The rep's gap ladder (§4d).
struct GapLadder {
  double p1 = 0.0, p2 = 0.0, p3 = 0.0, p4 = 0.0;  ///< as used, defaults resolved
  double gap0 = 0.0;                              ///< quota - realized, 万
  double gap1 = 0.0;                              ///< gap0 - committed × P1, 万
  double gap2 = 0.0;                              ///< gap1 - possible × P2, 万
  double gap3 = 0.0;                  ///< max(0, gap2) ÷ P3: pipeline still needed, 万
  double new_customers_needed = 0.0;  ///< gap3 ÷ P4 (NA)
  /// new_customers_needed ÷ weeks_remaining; unset when no week remains.
  std::optional<double> weekly_prospecting_target;
};
/// Unset without calls, or without an average deal (given, from the funnel's amounts, or P4).
std::optional<GapLadder> forecast_gap_ladder(const Snapshot& snapshot);

/// Straight-line extrapolation of what is booked so far.
struct RunRateForecast {
  double weeks_elapsed = 0.0;    ///< weeks_in_quarter - weeks_remaining, > 0
  double per_week = 0.0;         ///< realized ÷ weeks_elapsed, 万
  double forecast = 0.0;         ///< per_week × weeks_in_quarter, 万
  double completion_rate = 0.0;  ///< forecast ÷ quota
};
/// Unset when no week has elapsed (the rate is undefined).
std::optional<RunRateForecast> forecast_run_rate(const Snapshot& snapshot);

/// Pipeline coverage of the remaining quota, against the coverage the win rate requires.
struct Coverage {
  double pipeline_amount = 0.0;  ///< Σ stage amounts, or Σ count × average deal, 万
  double remaining_quota = 0.0;  ///< quota - realized, 万, > 0
  double coverage = 0.0;         ///< pipeline_amount ÷ remaining_quota
  /// The pipeline's win probability weighted by amount (Σ amount × p ÷ Σ amount); the first
  /// stage's when the pipeline is empty.
  double win_probability = 0.0;
  double required_coverage = 0.0;  ///< 1 ÷ win_probability
  double pipeline_required = 0.0;  ///< remaining_quota × required_coverage, 万
  double pipeline_short = 0.0;     ///< max(0, pipeline_required - pipeline_amount), 万
};
/// Unset when the quota is already met (nothing remains to cover).
std::optional<Coverage> forecast_coverage(const Snapshot& snapshot);

/// The course's gap ladder values (§4d): P1 70% of committed deals close, P2 25% of possible.
inline constexpr double COURSE_P1 = 0.70;
inline constexpr double COURSE_P2 = 0.25;
/// P3 when the snapshot has no funnel to take the first stage's probability from (§4d: 20%).
inline constexpr double COURSE_P3 = 0.20;
/// Deals above this average size are large projects (§3: "over 20 万"), forecast by amount.
inline constexpr double LARGE_PROJECT_DEAL = 20.0;

/// One verdict on the gap when both the count model (§4a) and the amount model (§4b) apply:
/// the amount model governs large projects, the count model small ones.
struct GapVerdict {
  std::string governed_by;  ///< "count" or "amount"
  std::string reason;
  double gap = 0.0;  ///< the governing model's amount gap, 万; <= 0: no gap
};
GapVerdict forecast_verdict(const FunnelForecast& funnel,
                            const std::optional<AmountFunnelForecast>& amount_funnel);

/// What the count model asks of the rest of the quarter (§4a), on the whiteboard as the course
/// writes it: deals to win a week, new opportunities a week while they can still close, and the
/// funnel a quarter on plan would hold now against the one there is.
struct ActionPlan {
  std::optional<double> wins_per_week;  ///< wins needed ÷ weeks remaining
  /// New opportunities needed ÷ the weeks they can still enter and close this quarter; unset
  /// when the entry window has closed or no weeks_per_stage is given.
  std::optional<double> new_opportunities_per_week;
  std::optional<double> entry_window_weeks;
  struct Stage {
    std::string name;
    double standard = 0.0;  ///< wins a week × weeks per stage ÷ the stage's win probability
    double actual = 0.0;    ///< open opportunities in the stage now
  };
  std::vector<Stage> funnel_by_now;  ///< with weeks_per_stage and a week left
};
/// Unset when the quota is already covered (no wins needed) or no week remains.
std::optional<ActionPlan> forecast_action_plan(const Snapshot& snapshot, const FunnelForecast& f);

/// Every model the snapshot allows.
/// Each model needs only its own inputs: without stages there is no funnel model, amount
/// funnel, coverage, verdict or action plan; the commit model needs calls; the gap ladder needs
/// calls and an average deal (given, from the funnel's amounts, or as gap_ladder.p4).
struct ForecastReport {
  std::optional<FunnelForecast> funnel;  ///< unset without stages
  std::optional<AmountFunnelForecast> amount_funnel;
  std::optional<CommitForecast> commit;
  std::optional<GapLadder> gap_ladder;
  std::optional<RunRateForecast> run_rate;
  std::optional<Coverage> coverage;
  std::optional<GapVerdict> verdict;  ///< with a funnel
  std::optional<ActionPlan> action_plan;
};
ForecastReport forecast_all(const Snapshot& snapshot);

/// A stage of the standard funnel to plan.
struct PlanStage {
  std::string name;
  double win_probability = 0.0;  ///< cumulative, in (0, 1], increasing along the funnel
};

/// What the standard funnel is planned for (§2).
struct FunnelPlanInput {
  double quota = 0.0;            ///< the quarter's quota, 万, > 0
  double average_deal = 0.0;     ///< 万, > 0
  double weeks_per_stage = 0.0;  ///< > 0
  std::vector<PlanStage> stages;
  double selling_weeks = 12.0;     ///< the course counts 12 in a quarter
  double prospects_per_rep = 5.0;  ///< new prospects per rep per week, > 0
};

/// The balanced funnel that closes the quota at a steady rate.
struct StandardFunnelStage {
  std::string name;
  double win_probability = 0.0;
  double count = 0.0;  ///< open opportunities to hold: wins_per_week × weeks_per_stage ÷ p
};
struct StandardFunnel {
  double wins_needed = 0.0;                 ///< quota ÷ average deal
  double wins_per_week = 0.0;               ///< wins_needed ÷ selling_weeks (K)
  std::vector<StandardFunnelStage> stages;  ///< in funnel order
  double new_opportunities_per_week = 0.0;  ///< K ÷ first stage's win probability
  double reps_exact = 0.0;                  ///< new opportunities ÷ prospects per rep
  int reps_needed = 0;                      ///< reps_exact rounded up
};
/// Throws ForecastError for a non-positive or non-finite number, no stages, or probabilities
/// outside (0, 1] or not increasing.
StandardFunnel plan_standard_funnel(const FunnelPlanInput& input);

/// The small-project quota of a quarter from the annual software quota (§2): annual × VAT ×
/// small-project share × the quarter's share of the year, 万. Throws ForecastError for a
/// non-positive or non-finite factor.
double quarter_quota_from_annual(double annual, double vat, double share, double quarter_share);

}  // namespace funnelsim::analysis

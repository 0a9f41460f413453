#pragma once
/// A funnel snapshot: what a sales manager knows on a given day of the quarter (the open
/// opportunities per stage, what is booked, the reps' own calls), the input of the course's
/// forecast formulas (forecast.hpp). Plain data, validated by whoever builds it: the snapshot
/// loader (funnelsim/scenarios/snapshot.hpp) documents every key and its domain.
/// Amounts are in 万 (10,000 RMB).

#include <optional>
#include <string>
#include <vector>

namespace funnelsim::analysis {

/// One stage of the open funnel. Stages come in funnel order, win probabilities increasing.
struct SnapshotStage {
  std::string name;
  double win_probability = 0.0;  ///< cumulative: P(eventually won) from this stage, in (0, 1]
  int count = 0;                 ///< open opportunities in the stage, >= 0
  std::optional<double> amount;  ///< their total contract amount, 万, >= 0 (every stage or none)
};

/// The reps' own calls for the quarter (playbook §4c), 万.
struct SnapshotCalls {
  double committed = 0.0;  ///< deals >= 90% sure to pay this quarter
  double possible = 0.0;   ///< deals >= 50% sure
};

/// The subjective model's weights (playbook §4c).
struct SnapshotWeights {
  double committed = 0.75;            ///< α, in [0, 1]
  double possible = 0.25;             ///< β, in [0, 1]
  double unforecast_per_week = 0.04;  ///< γ: share of the quota arriving unforecast each week
};

/// How large-project contracts turn into this quarter's software receipts (playbook §4b).
struct SnapshotReceipts {
  double paid_within_year = 0.70;  ///< share of a contract paid within the year, in [0, 1]
  double quarter_share = 0.50;     ///< share of the year's receipts in this quarter, in [0, 1]
  double software_share = 0.75;    ///< software share of receipts (software : services 3 : 1)
  double won_receipts = 0.0;       ///< expected receipts from deals already won, 万, >= 0
};

/// The gap ladder's P1-P4 (playbook §4d); unset ones take the forecast models' defaults.
struct SnapshotGapLadder {
  std::optional<double> p1;  ///< share of committed deals that close, in [0, 1]
  std::optional<double> p2;  ///< share of possible deals that close, in [0, 1]
  std::optional<double> p3;  ///< win probability of new pipeline, in (0, 1]
  std::optional<double> p4;  ///< 万 per new customer, > 0
};

/// A validated snapshot. Cross-field rules hold: weeks_remaining <= weeks_in_quarter; stage
/// names are unique and win probabilities increase; either every stage has an amount or none
/// has; average_deal is set, or the stages have amounts and at least one opportunity.
struct Snapshot {
  double quota = 0.0;                     ///< the quarter's quota, 万, > 0
  double realized = 0.0;                  ///< booked so far this quarter, 万, >= 0
  double weeks_remaining = 0.0;           ///< selling weeks left in the quarter, >= 0
  double weeks_in_quarter = 13.0;         ///< > 0
  std::optional<double> average_deal;     ///< 万 per won deal, > 0
  std::optional<double> weeks_per_stage;  ///< for the week-by-week projection
  std::optional<double> new_opportunity_win_probability;  ///< in (0, 1]
  std::vector<SnapshotStage> stages;                      ///< non-empty
  std::optional<SnapshotCalls> calls;
  SnapshotWeights weights;
  SnapshotReceipts receipts;
  SnapshotGapLadder gap_ladder;
};

}  // namespace funnelsim::analysis

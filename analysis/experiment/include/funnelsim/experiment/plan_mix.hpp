#pragma once
/// `plan mix`: the cheapest combination of several teams' headcounts whose probability of
/// making the organisation's quota (a quarter, or the year) reaches a wanted P.
///
/// Every combination is simulated on the same seed and replications. On these common random
/// numbers a rep added to a team keeps every other rep's draws, so in each replication the
/// organisation's bookings never fall as any team grows, and the estimated probability is
/// monotone in each headcount. For the last two teams the search walks the staircase of
/// smallest feasible headcounts: as the first grows, the second's smallest feasible headcount
/// never rises, so one walk of at most 2 (range₁ + 1) + range₂ + 1 combinations finds, for every
/// headcount of the first, the smallest of the second that meets the target. Teams before the
/// last two are enumerated. With costs that rise with headcount (seats, and commission on
/// bookings that never fall), the cheapest feasible combination lies on the staircase: the
/// answer is the cheapest simulated combination, exactly.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "funnelsim/experiment/plan.hpp"
#include "funnelsim/sim/model.hpp"
#include "funnelsim/stats/statistics.hpp"

namespace funnelsim::analysis {

/// One team of the mix and the headcounts to consider.
struct MixTeam {
  std::size_t team = 0;  ///< index into Model::teams
  int min_headcount = 0;
  int max_headcount = 0;
};

struct MixQuestion {
  std::vector<MixTeam> teams;  ///< at least one; each team once
  double probability = 0.8;    ///< wanted P(organisation bookings >= quota), in (0, 1)
  std::optional<int> quarter;  ///< 0-based measured quarter; none: the year
  /// The organisation's quota of the period, 万; 0: the scenario's (Model::quota).
  double quota = 0.0;
  int hire_week = 1;     ///< reps beyond a team's scenario headcount are hired then...
  bool tenured = false;  ///< ...or tenured (see PlanQuestion)
  std::size_t replications = 1000;
  std::uint64_t seed = 42;
  int threads = 0;
};

/// One simulated combination.
struct MixEvaluation {
  std::vector<int> headcounts;  ///< in the order of MixQuestion::teams
  std::size_t successes = 0;    ///< replications whose organisation bookings reach the quota
  std::size_t samples = 0;      ///< replications
  double probability = 0.0;
  Interval interval;           ///< 95% Wilson
  double mean_bookings = 0.0;  ///< the organisation's, over the period, 万
  /// The organisation's mean cost over the period, 万: every team's seats
  /// (cost_per_rep_per_quarter, by the weeks each seat exists) plus commission on bookings.
  double cost = 0.0;
  bool meets = false;  ///< probability >= the wanted P
};

struct MixResult {
  std::optional<MixEvaluation> answer;  ///< the cheapest that meets P; none if none does
  std::vector<MixEvaluation> frontier;  ///< every combination simulated, in search order
  double quota = 0.0;                   ///< the quota used, 万
};

/// Progress: after each combination's simulation.
using MixObserver = std::function<void(const MixEvaluation&)>;

/// Throws PlanError for a bad question (no team, a team twice, an empty range, P outside
/// (0, 1), a quarter out of range, a hire week outside the measured weeks).
void check_mix_question(const sim::Model& model, const MixQuestion& question);

/// Simulates `model` with the teams of `question` at `headcounts` (hires or tenured as the
/// question says) and measures the organisation against the quota.
MixEvaluation evaluate_mix(const sim::Model& model, const MixQuestion& question,
                           const std::vector<int>& headcounts);

/// The cheapest combination meeting the target, by the staircase search described above.
MixResult plan_mix(const sim::Model& model, const MixQuestion& question,
                   const MixObserver& observer = {});

}  // namespace funnelsim::analysis

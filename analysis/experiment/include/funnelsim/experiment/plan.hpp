#pragma once
/// Planning searches: the smallest headcount, or the smallest prospecting standard, with which
/// a team's quarterly bookings reach a quota with a wanted probability.
///
/// Every candidate is simulated on the same seed and replications (common random numbers).
/// For a fixed replication a team's bookings never fall when a rep is added (the first h reps
/// keep their draws) or when `prospects_per_week` rises (existing leads are kept, new ones
/// added), so the estimated probability is monotone in the searched value and a gallop-then-
/// bisect search over simulated values finds the exact smallest one.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "funnelsim/error.hpp"
#include "funnelsim/sim/model.hpp"
#include "funnelsim/stats/statistics.hpp"

namespace funnelsim::analysis {

/// A planning question that cannot be asked: an unknown team, a probability outside (0, 1),
/// a non-positive quota, no replications. The command line reports it as bad usage.
class PlanError : public Error {
 public:
  explicit PlanError(const std::string& message) : Error(ErrorKind::usage, message) {}
};

/// The target cannot be met within the search's limit (headcount or prospecting rate): a
/// runtime failure (exit code 1), the question being well formed.
class PlanUnreachable : public Error {
 public:
  explicit PlanUnreachable(const std::string& message) : Error(ErrorKind::runtime, message) {}
};

/// What to plan for and how to simulate each candidate.
struct PlanQuestion {
  std::size_t team = 0;        ///< index into Model::teams
  double quota = 0.0;          ///< 万 for the period (a quarter, or the year), > 0
  double probability = 0.9;    ///< wanted P(bookings >= quota), in (0, 1)
  std::optional<int> quarter;  ///< 0-based measured quarter; none: all quarters pooled
  bool year = false;           ///< the period is every measured quarter summed (not pooled)
  /// Measure the organisation's bookings (every team simulated) rather than the team's.
  bool organisation = false;
  /// plan_headcount: reps added beyond the scenario's headcount are hires at this measured
  /// week (counted from 1), starting with an empty funnel on the team's ramp...
  int hire_week = 1;
  /// ...or, when set, tenured reps present from the start of the warm-up (fully ramped, with
  /// a full funnel at the first measured week): the optimistic answer of earlier versions.
  bool tenured = false;
  std::size_t replications = 1000;  ///< per candidate, >= 1
  std::uint64_t seed = 42;          ///< the same for every candidate
  int threads = 0;                  ///< 0: all cores; results do not depend on it
  int max_headcount = 100000;       ///< plan_headcount gives up above this (the loader's limit)
  double tolerance = 0.05;          ///< plan_prospecting's resolution, prospects a week
  double max_prospects_per_week = 1000;  ///< plan_prospecting gives up above this
};

/// One simulated candidate. Samples are (replication, quarter) pairs: replications × measured
/// quarters when pooled, replications when one quarter or the year is chosen. Quarters of one
/// replication share its reps' traits, so with skill variation the pooled interval is somewhat
/// narrow.
struct PlanEvaluation {
  double value = 0.0;         ///< the candidate: headcount, or prospects a week per rep
  std::size_t successes = 0;  ///< samples with team bookings >= quota
  std::size_t samples = 0;
  double probability = 0.0;    ///< successes / samples
  Interval interval;           ///< 95% Wilson interval of `probability`
  double mean_bookings = 0.0;  ///< the team's mean bookings per sample, 万 a quarter
};

/// The answer of a search and the evidence for it.
struct PlanResult {
  PlanEvaluation answer;  ///< the smallest candidate with probability >= the target
  /// The candidate one step below the answer (one rep fewer, or one tolerance less), which
  /// misses the target; none only when a prospecting rate of 0 already meets it.
  std::optional<PlanEvaluation> previous;
  std::vector<PlanEvaluation> evaluations;  ///< every candidate simulated, in search order
};

/// Progress reports of a search; either function may be empty. Calls are serial and in order,
/// though `progress` may be called on a worker thread.
struct PlanObserver {
  /// During a candidate's simulation, after each batch: `done` of `total` replications.
  std::function<void(double value, std::size_t done, std::size_t total)> progress;
  /// After each candidate's simulation.
  std::function<void(const PlanEvaluation&)> evaluated;
};

/// The index of the team called `name`. Throws PlanError naming the scenario's teams, and the
/// closest one when `name` looks like a typo of it.
std::size_t find_team(const sim::Model& model, std::string_view name);

/// Throws PlanError if `question` does not fit `model` (see PlanQuestion's ranges).
void check_question(const sim::Model& model, const PlanQuestion& question);

/// Simulates `model` as it is and estimates P(team bookings >= quota) for `question`; the
/// evaluation's value is the team's headcount.
PlanEvaluation evaluate_team(const sim::Model& model, const PlanQuestion& question,
                             const PlanObserver& observer = {});

/// The team `model` with `headcount` reps for `question`: below the scenario's headcount, fewer
/// tenured reps; above it, the extra reps hired at `question.hire_week` (or tenured).
sim::Model with_headcount(const sim::Model& model, const PlanQuestion& question, int headcount);

/// The team's quota for the question's period from the scenario: its tenured reps' (and planned
/// hires' prorated) quota_per_quarter, summed over the year when `year`; with `organisation`,
/// the organisation's quota. 0 when the scenario sets none. A pooled question has none.
double scenario_quota(const sim::Model& model, const PlanQuestion& question);

/// The smallest headcount of `question.team` meeting the target, searched from the scenario's
/// headcount (at least 1) by galloping down or up, then bisecting. Throws PlanError for a bad
/// question, PlanUnreachable if `max_headcount` reps miss the target.
PlanResult plan_headcount(const sim::Model& model, const PlanQuestion& question,
                          const PlanObserver& observer = {});

/// The smallest `prospects_per_week` of `question.team`, a multiple of `tolerance`, meeting the
/// target at the scenario's headcount: bracketed by doubling or halving the scenario's rate,
/// then bisected. Throws PlanError for a bad question or a team without reps, PlanUnreachable
/// if `max_prospects_per_week` misses the target.
PlanResult plan_prospecting(const sim::Model& model, const PlanQuestion& question,
                            const PlanObserver& observer = {});

}  // namespace funnelsim::analysis

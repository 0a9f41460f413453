#include "funnelsim/experiment/plan_mix.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <span>
#include <string>

#include "funnelsim/sim/runner.hpp"

namespace funnelsim::analysis {
namespace {

/// Counts the replications whose organisation bookings over the period reach the quota, and
/// sums bookings and cost.
class OrganisationSink final : public sim::ResultSink {
 public:
  OrganisationSink(const sim::Model& model, std::optional<int> quarter, double quota)
      : quarters_(model.calendar.quarters), quarter_(quarter), quota_(quota) {
    for (const sim::Team& team : model.teams) {
      for (int q = 0; q < quarters_; ++q) {
        if (!quarter_ || *quarter_ == q)
          seat_cost_ += team.seat_quarters(q, model.calendar.weeks_per_quarter) *
                        team.cost_per_rep_per_quarter;
      }
      commission_.insert(commission_.end(), static_cast<std::size_t>(team.territories()),
                         team.commission_rate);
    }
  }

  void consume(std::size_t, std::span<const sim::ReplicationResult> results) override {
    const auto quarters = static_cast<std::size_t>(quarters_);
    for (const sim::ReplicationResult& result : results) {
      double bookings = 0.0;
      double commission = 0.0;
      for (std::size_t q = 0; q < quarters; ++q) {
        if (quarter_ && static_cast<std::size_t>(*quarter_) != q)
          continue;
        bookings += result.bookings[q];
        for (std::size_t rep = 0; rep < commission_.size(); ++rep)
          commission += commission_[rep] * result.rep_bookings[rep * quarters + q];
      }
      successes_ += bookings >= quota_ ? 1 : 0;
      ++samples_;
      bookings_sum_ += bookings;
      commission_sum_ += commission;
    }
  }

  MixEvaluation evaluation() const {
    MixEvaluation result;
    result.successes = successes_;
    result.samples = samples_;
    const auto n = static_cast<double>(samples_);
    result.probability = static_cast<double>(successes_) / n;
    result.interval = wilson_interval(successes_, samples_);
    result.mean_bookings = bookings_sum_ / n;
    result.cost = seat_cost_ + commission_sum_ / n;
    return result;
  }

 private:
  int quarters_;
  std::optional<int> quarter_;
  double quota_;
  double seat_cost_ = 0.0;
  std::vector<double> commission_;  ///< per rep, its team's commission rate
  std::size_t successes_ = 0;
  std::size_t samples_ = 0;
  double bookings_sum_ = 0.0;
  double commission_sum_ = 0.0;
};

double period_quota(const sim::Model& model, const MixQuestion& question) {
  if (question.quota > 0.0)
    return question.quota;
  double quota = 0.0;
  for (int q = 0; q < model.calendar.quarters; ++q) {
    if (!question.quarter || *question.quarter == q)
      quota += model.quota[static_cast<std::size_t>(q)];
  }
  return quota;
}

/// Cheaper first; on equal cost, fewer reps, then the earlier combination.
bool cheaper(const MixEvaluation& a, const MixEvaluation& b) {
  if (a.cost != b.cost)
    return a.cost < b.cost;
  const int reps_a = std::accumulate(a.headcounts.begin(), a.headcounts.end(), 0);
  const int reps_b = std::accumulate(b.headcounts.begin(), b.headcounts.end(), 0);
  return reps_a < reps_b;
}

class MixSearch {
 public:
  MixSearch(const sim::Model& model, const MixQuestion& question, const MixObserver& observer)
      : model_(model), question_(question), observer_(observer) {}

  MixResult run() {
    result_.quota = period_quota(model_, question_);
    std::vector<int> headcounts(question_.teams.size());
    enumerate(headcounts, 0);
    for (const MixEvaluation& evaluation : result_.frontier) {
      if (evaluation.meets && (!result_.answer || cheaper(evaluation, *result_.answer)))
        result_.answer = evaluation;
    }
    return std::move(result_);
  }

 private:
  /// Teams before the last two take every headcount of their range; the last two (or the
  /// only one) are searched.
  void enumerate(std::vector<int>& headcounts, std::size_t position) {
    const std::size_t teams = question_.teams.size();
    if (teams == 1) {
      smallest_single(headcounts);
      return;
    }
    if (position + 2 == teams) {
      staircase(headcounts, position);
      return;
    }
    const MixTeam& team = question_.teams[position];
    for (int h = team.min_headcount; h <= team.max_headcount; ++h) {
      headcounts[position] = h;
      enumerate(headcounts, position + 1);
    }
  }

  /// One team: bisection for its smallest feasible headcount.
  void smallest_single(std::vector<int>& headcounts) {
    const MixTeam& team = question_.teams[0];
    int lower = team.min_headcount - 1;  // known to miss (or below the range)
    int upper = team.max_headcount;
    headcounts[0] = upper;
    if (!meets(headcounts))
      return;
    while (upper - lower > 1) {
      headcounts[0] = lower + (upper - lower) / 2;
      (meets(headcounts) ? upper : lower) = headcounts[0];
    }
  }

  /// The last two teams: for each headcount of the first, ascending, the smallest feasible
  /// headcount of the second, walked down from the previous one.
  void staircase(std::vector<int>& headcounts, std::size_t position) {
    const MixTeam& first = question_.teams[position];
    const MixTeam& second = question_.teams[position + 1];
    int b = second.max_headcount;
    for (int a = first.min_headcount; a <= first.max_headcount; ++a) {
      headcounts[position] = a;
      headcounts[position + 1] = b;
      if (!meets(headcounts))
        continue;  // even the largest second team that may still be needed misses
      while (b > second.min_headcount) {
        headcounts[position + 1] = b - 1;
        if (!meets(headcounts))
          break;
        --b;
      }
      if (b == second.min_headcount)
        break;  // larger first teams only cost more with the second at its minimum
    }
  }

  bool meets(const std::vector<int>& headcounts) {
    auto found = tried_.find(headcounts);
    if (found == tried_.end()) {
      MixEvaluation evaluation = evaluate_mix(model_, question_, headcounts);
      found = tried_.emplace(headcounts, evaluation.meets).first;
      result_.frontier.push_back(evaluation);
      if (observer_)
        observer_(evaluation);
    }
    return found->second;
  }

  const sim::Model& model_;
  const MixQuestion& question_;
  const MixObserver& observer_;
  std::map<std::vector<int>, bool> tried_;
  MixResult result_;
};

}  // namespace

void check_mix_question(const sim::Model& model, const MixQuestion& question) {
  if (question.teams.empty())
    throw PlanError("name at least one team to mix");
  std::set<std::size_t> seen;
  for (const MixTeam& team : question.teams) {
    if (team.team >= model.teams.size())
      throw PlanError("team index " + std::to_string(team.team) + " out of range");
    const std::string& name = model.teams[team.team].name;
    if (!seen.insert(team.team).second)
      throw PlanError("team '" + name + "' is named twice");
    if (team.min_headcount < 0 || team.max_headcount < team.min_headcount ||
        team.max_headcount > 100000) {
      throw PlanError("team '" + name + "': the headcounts to search must be a range within " +
                      "0..100000, got " + std::to_string(team.min_headcount) + ".." +
                      std::to_string(team.max_headcount));
    }
  }
  if (!(question.probability > 0.0 && question.probability < 1.0))
    throw PlanError("probability must be in (0, 1)");
  if (question.quarter && (*question.quarter < 0 || *question.quarter >= model.calendar.quarters))
    throw PlanError("quarter " + std::to_string(*question.quarter + 1) + " out of range");
  if (question.hire_week < 1 || question.hire_week > model.calendar.measured_weeks())
    throw PlanError("the hire week must be a measured week in 1.." +
                    std::to_string(model.calendar.measured_weeks()));
  if (question.replications < 1)
    throw PlanError("replications must be at least 1");
  if (!(period_quota(model, question) > 0.0))
    throw PlanError("the organisation has no quota for the period");
}

MixEvaluation evaluate_mix(const sim::Model& model, const MixQuestion& question,
                           const std::vector<int>& headcounts) {
  sim::Model candidate = model;
  for (std::size_t i = 0; i < question.teams.size(); ++i) {
    PlanQuestion team_question;
    team_question.team = question.teams[i].team;
    team_question.hire_week = question.hire_week;
    team_question.tenured = question.tenured;
    candidate = with_headcount(candidate, team_question, headcounts[i]);
  }
  OrganisationSink sink(candidate, question.quarter, period_quota(model, question));
  sim::RunOptions options;
  options.seed = question.seed;
  options.replications = question.replications;
  options.threads = question.threads;
  sim::run_replications(candidate, options, sink);
  MixEvaluation evaluation = sink.evaluation();
  evaluation.headcounts = headcounts;
  evaluation.meets = evaluation.probability >= question.probability;
  return evaluation;
}

MixResult plan_mix(const sim::Model& model, const MixQuestion& question,
                   const MixObserver& observer) {
  check_mix_question(model, question);
  return MixSearch(model, question, observer).run();
}

}  // namespace funnelsim::analysis

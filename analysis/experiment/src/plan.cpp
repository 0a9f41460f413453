#include "funnelsim/experiment/plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "funnelsim/sim/funnel_arithmetic.hpp"
#include "funnelsim/sim/runner.hpp"

namespace funnelsim::analysis {
namespace {

/// Counts the samples in which one team's bookings reach the quota.
class TeamQuotaSink final : public sim::ResultSink {
 public:
  TeamQuotaSink(const sim::Model& model, const PlanQuestion& question, double value,
                const PlanObserver& observer)
      : observer_(observer),
        value_(value),
        replications_(question.replications),
        quota_(question.quota),
        quarters_(model.calendar.quarters),
        first_rep_(model.first_rep_of_team()[question.team]),
        headcount_(model.teams[question.team].territories()),
        quarter_(question.quarter),
        year_(question.year),
        organisation_(question.organisation) {}

  void consume(std::size_t, std::span<const sim::ReplicationResult> results) override {
    for (const sim::ReplicationResult& result : results) {
      double year = 0.0;
      for (int quarter = 0; quarter < quarters_; ++quarter) {
        if (quarter_ && *quarter_ != quarter)
          continue;
        double bookings = 0.0;
        if (organisation_) {
          bookings = result.bookings[static_cast<std::size_t>(quarter)];
        } else {
          for (int rep = first_rep_; rep < first_rep_ + headcount_; ++rep)
            bookings += result.rep_bookings[static_cast<std::size_t>(rep * quarters_ + quarter)];
        }
        if (year_) {
          year += bookings;
          continue;
        }
        count(bookings);
      }
      if (year_)
        count(year);
    }
    done_ += results.size();
    if (observer_.progress)
      observer_.progress(value_, done_, replications_);
  }

  void count(double bookings) {
    successes_ += bookings >= quota_ ? 1 : 0;
    ++samples_;
    bookings_sum_ += bookings;
  }

  PlanEvaluation evaluation() const {
    PlanEvaluation result;
    result.value = value_;
    result.successes = successes_;
    result.samples = samples_;
    result.probability = static_cast<double>(successes_) / static_cast<double>(samples_);
    result.interval = wilson_interval(successes_, samples_);
    result.mean_bookings = bookings_sum_ / static_cast<double>(samples_);
    return result;
  }

 private:
  const PlanObserver& observer_;
  double value_;
  std::size_t replications_;
  std::size_t done_ = 0;
  double quota_;
  int quarters_;
  int first_rep_;
  int headcount_;
  std::optional<int> quarter_;
  bool year_;
  bool organisation_;
  std::size_t successes_ = 0;
  std::size_t samples_ = 0;
  double bookings_sum_ = 0.0;
};

/// `model` with only the team of `question` and its lead sources. Random streams are keyed by
/// team and source names, so the team's draws, and its bookings, are those of the full model;
/// the other teams would only cost time.
sim::Model team_alone(const sim::Model& model, std::size_t team) {
  sim::Model alone;
  alone.name = model.name;
  alone.calendar = model.calendar;
  alone.segments = model.segments;
  alone.quota = model.quota;
  alone.teams.push_back(model.teams[team]);
  for (const sim::LeadSource& source : model.sources) {
    if (source.team == team) {
      alone.sources.push_back(source);
      alone.sources.back().team = 0;
    }
  }
  return alone;
}

PlanQuestion alone_question(const PlanQuestion& question) {
  PlanQuestion alone = question;
  alone.team = 0;
  return alone;
}

/// What a candidate simulates: the team alone, or, for the organisation's target, the whole
/// organisation; `question` becomes the one that fits it.
sim::Model simulated_model(const sim::Model& model, PlanQuestion& question) {
  if (question.organisation)
    return model;
  sim::Model alone = team_alone(model, question.team);
  question = alone_question(question);
  return alone;
}

PlanEvaluation simulate(const sim::Model& model, const PlanQuestion& question, double value,
                        const PlanObserver& observer) {
  TeamQuotaSink sink(model, question, value, observer);
  sim::RunOptions options;
  options.seed = question.seed;
  options.replications = question.replications;
  options.threads = question.threads;
  sim::run_replications(model, options, sink);
  return sink.evaluation();
}

/// How the search brackets the answer from its starting step.
enum class Gallop {
  by_one,      ///< start ± 1, ± 3, ± 7, ...: for answers near the start (headcounts)
  by_doubling  ///< start × 2, × 4, ... or ÷ 2, ÷ 4, ...: for a scale-free rate
};

/// The smallest step k in [0, last] whose candidate meets the target, assuming (as common
/// random numbers guarantee) that the estimated probability is non-decreasing in k: gallop
/// from `start` down or up until the answer is bracketed, then bisect.
class StepSearch {
 public:
  using Evaluate = std::function<PlanEvaluation(long)>;

  StepSearch(double target, Gallop gallop, Evaluate evaluate, const PlanObserver& observer)
      : target_(target), gallop_(gallop), evaluate_(std::move(evaluate)), observer_(observer) {}

  /// Returns false if even `last` misses the target.
  bool run(long start, long last) {
    long lower = -1;  // the largest step known to miss; -1: none yet
    long upper = -1;  // the smallest step known to meet
    if (meets(start)) {
      upper = start;
      for (long step = 1; upper > 0; step *= 2) {
        const long candidate = gallop_ == Gallop::by_one ? std::max(0L, upper - step) : upper / 2;
        if (!meets(candidate)) {
          lower = candidate;
          break;
        }
        upper = candidate;
      }
    } else {
      lower = start;
      for (long step = 1; upper < 0; step *= 2) {
        if (lower == last)
          return false;
        const long candidate = std::min(last, gallop_ == Gallop::by_one ? lower + step : 2 * lower);
        if (meets(candidate)) {
          upper = candidate;
        } else {
          lower = candidate;
        }
      }
    }
    while (lower >= 0 && upper - lower > 1) {
      const long middle = lower + (upper - lower) / 2;
      if (meets(middle)) {
        upper = middle;
      } else {
        lower = middle;
      }
    }
    result_.answer = tried_.at(upper);
    if (lower >= 0)
      result_.previous = tried_.at(lower);
    return true;
  }

  PlanResult& result() { return result_; }

 private:
  bool meets(long step) {
    auto found = tried_.find(step);
    if (found == tried_.end()) {
      found = tried_.emplace(step, evaluate_(step)).first;
      result_.evaluations.push_back(found->second);
      if (observer_.evaluated)
        observer_.evaluated(found->second);
    }
    return found->second.probability >= target_;
  }

  double target_;
  Gallop gallop_;
  Evaluate evaluate_;
  const PlanObserver& observer_;
  std::map<long, PlanEvaluation> tried_;
  PlanResult result_;
};

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

/// "a 300 万 quarter with probability 0.9" or "300 万 in Q2 with probability 0.9"
std::string target_text(const PlanQuestion& question) {
  const std::string quota = number_text(question.quota) + " 万";
  const std::string whose = question.organisation ? "the organisation's " : "";
  return (question.year      ? whose + quota + " in the year"
          : question.quarter ? whose + quota + " in Q" + std::to_string(*question.quarter + 1)
                             : "a " + quota + " quarter" +
                                   (question.organisation ? " for the organisation" : "")) +
         " with probability " + number_text(question.probability);
}

/// Optimal string alignment distance: insertions, deletions, substitutions, transpositions.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::size_t find_team(const sim::Model& model, std::string_view name) {
  std::string names;
  std::string closest;
  std::size_t closest_distance = std::max<std::size_t>(1, name.size() / 3) + 1;
  for (std::size_t t = 0; t < model.teams.size(); ++t) {
    const std::string& team = model.teams[t].name;
    if (team == name)
      return t;
    names += (t == 0 ? "" : ", ") + team;
    if (const std::size_t distance = edit_distance(name, team); distance < closest_distance) {
      closest_distance = distance;
      closest = team;
    }
  }
  std::string message = "unknown team '" + std::string(name) + "'";
  if (!closest.empty())
    message += "; did you mean '" + closest + "'?";
  throw PlanError(message + " (teams: " + names + ")");
}

void check_question(const sim::Model& model, const PlanQuestion& question) {
  if (question.team >= model.teams.size()) {
    throw PlanError("team index " + std::to_string(question.team) +
                    " out of range: " + std::to_string(model.teams.size()) + " teams");
  }
  if (!(question.quota > 0.0) || !std::isfinite(question.quota)) {
    throw PlanError("quota must be a positive number of 万, got " + number_text(question.quota));
  }
  if (!(question.probability > 0.0 && question.probability < 1.0)) {
    throw PlanError("probability must be in (0, 1), got " + number_text(question.probability));
  }
  if (question.year && question.quarter)
    throw PlanError("give a quarter or the year, not both");
  if (question.hire_week < 1 || question.hire_week > model.calendar.measured_weeks()) {
    throw PlanError("the hire week must be a measured week in 1.." +
                    std::to_string(model.calendar.measured_weeks()) + ", got " +
                    std::to_string(question.hire_week));
  }
  if (question.quarter && (*question.quarter < 0 || *question.quarter >= model.calendar.quarters)) {
    throw PlanError("quarter " + std::to_string(*question.quarter + 1) +
                    " out of range: the scenario measures " +
                    std::to_string(model.calendar.quarters) + " quarters");
  }
  if (question.replications < 1) {
    throw PlanError("replications must be at least 1, got 0");
  }
  if (question.threads < 0) {
    throw PlanError("threads must be >= 0, got " + std::to_string(question.threads));
  }
  if (question.max_headcount < 1) {
    throw PlanError("the headcount limit must be at least 1, got " +
                    std::to_string(question.max_headcount));
  }
  if (!(question.tolerance > 0.0) || !std::isfinite(question.tolerance)) {
    throw PlanError("tolerance must be a positive number of prospects a week, got " +
                    number_text(question.tolerance));
  }
  if (!(question.max_prospects_per_week >= question.tolerance) ||
      question.max_prospects_per_week / question.tolerance > 1e12) {
    throw PlanError(
        "the prospecting limit must be at least the tolerance and at most 1e12 "
        "tolerances, got " +
        number_text(question.max_prospects_per_week) + " with tolerance " +
        number_text(question.tolerance));
  }
}

PlanEvaluation evaluate_team(const sim::Model& model, const PlanQuestion& question,
                             const PlanObserver& observer) {
  check_question(model, question);
  PlanQuestion simulated_question = question;
  const sim::Model simulated = simulated_model(model, simulated_question);
  return simulate(simulated, simulated_question,
                  simulated.teams[simulated_question.team].territories(), observer);
}

sim::Model with_headcount(const sim::Model& model, const PlanQuestion& question, int headcount) {
  sim::Model candidate = model;
  sim::Team& team = candidate.teams[question.team];
  if (question.tenured || headcount <= team.headcount) {
    team.headcount = headcount;
  } else {
    // Hired on the calendar, after the scenario's own hires, so that a candidate's territories
    // are the previous candidate's plus one (common random numbers: bookings never fall).
    team.hires.push_back(sim::Hire{question.hire_week, headcount - team.headcount});
  }
  return candidate;
}

double scenario_quota(const sim::Model& model, const PlanQuestion& question) {
  if (!question.year && !question.quarter)
    return 0.0;
  double quota = 0.0;
  for (int q = 0; q < model.calendar.quarters; ++q) {
    if (question.quarter && *question.quarter != q)
      continue;
    if (question.organisation) {
      quota += model.quota[static_cast<std::size_t>(q)];
    } else {
      const sim::Team& team = model.teams[question.team];
      for (int rep = 0; rep < team.territories(); ++rep) {
        const double share = rep < team.headcount
                                 ? 1.0
                                 : team.hire_share(static_cast<std::size_t>(rep - team.headcount),
                                                   q, model.calendar.weeks_per_quarter);
        quota += share * team.quota_per_quarter[static_cast<std::size_t>(q)];
      }
    }
  }
  return quota;
}

namespace {

/// Refuses a target that even the largest candidate (`largest`, the team alone at the search's
/// limit) cannot meet, before any candidate is simulated. Bookings are never negative, so
/// P(bookings >= quota) <= mean / quota (Markov's inequality); the funnel arithmetic's
/// stationary mean errs high (ramp-up, stalls, vacancies and a capped win skill only lower the
/// simulated mean), and a margin of 3 on top of it leaves no doubt. Without this a search for
/// an unreachable quota climbs through every headcount to the limit: minutes for nothing.
void refuse_unreachable(const sim::Model& largest, const PlanQuestion& question,
                        const std::string& team, const std::string& limit) {
  const sim::TeamArithmetic arithmetic = sim::funnel_arithmetic(largest).front();
  const double weeks =
      question.year ? largest.calendar.measured_weeks() : largest.calendar.weeks_per_quarter;
  const double mean = arithmetic.bookings_per_week * weeks;
  constexpr double MARGIN = 3.0;
  if (std::isfinite(mean) && MARGIN * mean < question.quota * question.probability) {
    throw PlanUnreachable(
        "team '" + team + "': " + target_text(question) + " is not reachable with up to " + limit +
        ": by the funnel arithmetic " + "they book about " + number_text(mean) +
        (question.year ? " 万 a year on average, so a year of "
                       : " 万 a quarter on average, so a quarter of ") +
        number_text(question.quota) + " 万 has probability at most " +
        number_text(mean / question.quota) +
        " (Markov's inequality; bookings are never negative); no candidate " + "was simulated");
  }
}

}  // namespace

PlanResult plan_headcount(const sim::Model& model, const PlanQuestion& question,
                          const PlanObserver& observer) {
  check_question(model, question);
  PlanQuestion alone_q = question;
  const sim::Model alone = simulated_model(model, alone_q);
  StepSearch search(
      question.probability, Gallop::by_one,
      [&](long headcount) {
        return simulate(with_headcount(alone, alone_q, static_cast<int>(headcount)), alone_q,
                        static_cast<double>(headcount), observer);
      },
      observer);
  if (!question.organisation) {
    sim::Model largest = alone;
    largest.teams[0].headcount = question.max_headcount;
    refuse_unreachable(largest, question, model.teams[question.team].name,
                       std::to_string(question.max_headcount) + " reps");
  }
  const long start = std::clamp(model.teams[question.team].headcount, 1, question.max_headcount);
  if (!search.run(start, question.max_headcount)) {
    throw PlanUnreachable("team '" + model.teams[question.team].name +
                          "': " + target_text(question) + " is not reachable with up to " +
                          std::to_string(question.max_headcount) + " reps");
  }
  return std::move(search.result());
}

PlanResult plan_prospecting(const sim::Model& model, const PlanQuestion& question,
                            const PlanObserver& observer) {
  check_question(model, question);
  const sim::Team& team = model.teams[question.team];
  if (team.headcount < 1) {
    throw PlanError("team '" + team.name +
                    "' has no reps to prospect; give it a headcount (--set teams." + team.name +
                    ".headcount=N)");
  }
  PlanQuestion alone_q = question;
  sim::Model alone = simulated_model(model, alone_q);
  // Candidates are whole multiples of the tolerance, so the answer and the rate below it that
  // misses are exactly one tolerance apart.
  const double tolerance = question.tolerance;
  StepSearch search(
      question.probability, Gallop::by_doubling,
      [&](long step) {
        const double rate = static_cast<double>(step) * tolerance;
        alone.teams[alone_q.team].prospects_per_week = rate;
        return simulate(alone, alone_q, rate, observer);
      },
      observer);
  const long last = std::lround(std::floor(question.max_prospects_per_week / tolerance));
  if (!question.organisation) {
    sim::Model largest = alone;
    largest.teams[0].prospects_per_week = static_cast<double>(last) * tolerance;
    refuse_unreachable(largest, question, team.name,
                       number_text(static_cast<double>(last) * tolerance) +
                           " prospects a week per rep at " + std::to_string(team.headcount) +
                           " reps");
  }
  const long start = std::clamp(std::lround(team.prospects_per_week / tolerance), 1L, last);
  if (!search.run(start, last)) {
    throw PlanUnreachable(
        "team '" + team.name + "': " + target_text(question) + " is not reachable with up to " +
        number_text(static_cast<double>(last) * tolerance) + " prospects a week per rep at " +
        std::to_string(team.headcount) + " reps");
  }
  return std::move(search.result());
}

}  // namespace funnelsim::analysis

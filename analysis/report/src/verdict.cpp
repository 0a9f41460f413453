#include "funnelsim/report/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "funnelsim/stats/text_format.hpp"

namespace funnelsim::analysis {
namespace {

// A variant in the running, with its score in each replication.
struct Candidate {
  const VariantComparison* row = nullptr;
  std::vector<double> score;
  double estimate = 0.0;  ///< mean of score
};

std::vector<double> differences(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> result(x.size());
  for (std::size_t r = 0; r < x.size(); ++r)
    result[r] = x[r] - y[r];
  return result;
}

// s = R + (u - R w) / mean(w): mean(s) = R exactly, and Var(s) / n is the delta-method variance
// of the ratio of means.
std::vector<double> linearised_return(const std::vector<double>& extra_bookings,
                                      const std::vector<double>& extra_cost) {
  const double mean_cost = mean(extra_cost);
  const double ratio = mean(extra_bookings) / mean_cost;
  std::vector<double> score(extra_bookings.size());
  for (std::size_t r = 0; r < score.size(); ++r)
    score[r] = ratio + (extra_bookings[r] - ratio * extra_cost[r]) / mean_cost;
  return score;
}

std::vector<Candidate> candidates(const Comparison& comparison, Criterion criterion,
                                  std::vector<std::string>& not_ranked) {
  std::vector<Candidate> result;
  if (criterion != Criterion::return_per_cost) {
    for (const VariantComparison& row : comparison.variants) {
      const ReplicationValues& values = row.by_replication;
      result.push_back(
          {&row, criterion == Criterion::bookings ? values.bookings : values.quota_met});
    }
  } else {
    if (!comparison.has_cost)
      throw CompareError(
          "--rank-by return: the file stores no cost (scenario keys cost_per_rep_per_quarter, "
          "commission_rate), so there is no return per 万 to rank by");
    const ReplicationValues& baseline = comparison.variants.front().by_replication;
    for (const VariantComparison& row : comparison.variants) {
      if (row.is_baseline)
        continue;
      const std::vector<double> extra_cost = differences(row.by_replication.cost, baseline.cost);
      if (!(mean(extra_cost) > 0.0)) {
        not_ranked.push_back(row.variant);
        continue;
      }
      result.push_back(
          {&row, linearised_return(differences(row.by_replication.bookings, baseline.bookings),
                                   extra_cost)});
    }
    if (result.empty())
      throw CompareError("--rank-by return: no variant costs more than " + comparison.baseline +
                         ", so there is no return per 万 of extra cost to rank by");
  }
  for (Candidate& candidate : result)
    candidate.estimate = mean(candidate.score);
  return result;
}

// Best minus `other`, paired by replication; within noise when its interval reaches zero. A lead
// below 1e-9 of the estimates is rounding (the same sums added in another order), not a lead.
bool within_noise(const PairedDifference& difference, const Candidate& best,
                  const Candidate& other) {
  const double rounding = 1e-9 * std::max(std::abs(best.estimate), std::abs(other.estimate));
  return !(difference.interval.lower > rounding);
}

std::string criterion_phrase(Criterion criterion) {
  switch (criterion) {
    case Criterion::quota:
      return "P(quota met)";
    case Criterion::return_per_cost:
      return "return per 万 of extra cost";
    case Criterion::bookings:
      break;
  }
  return "mean bookings";
}

// A number of the criterion as the tables print it (P(quota met) in points, a return to two
// decimals), with a rounding error of -1e-15 shown as +0.00, not -0.00.
std::string shown(Criterion criterion, double value) {
  const double scale = criterion == Criterion::quota ? 100.0 : 1.0;
  std::string text =
      format_text(criterion == Criterion::return_per_cost ? "%+.2f" : "%+.1f", scale * value);
  if (text.find_first_not_of("-0.") == std::string::npos)
    text[0] = '+';
  return text;
}

// A difference of the criterion in its units, as the tables print them.
std::string amount(Criterion criterion, double value) {
  switch (criterion) {
    case Criterion::quota:
      return shown(criterion, value) + " points";
    case Criterion::return_per_cost:
      return shown(criterion, value) + " 万/万";
    case Criterion::bookings:
      break;
  }
  return shown(criterion, value) + " 万";
}

std::string interval(Criterion criterion, const Interval& bounds) {
  if (std::isnan(bounds.lower) || std::isnan(bounds.upper))
    return "no interval from one replication";
  return "95% CI " + shown(criterion, bounds.lower) + " to " + shown(criterion, bounds.upper);
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names)
    text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

std::string criterion_name(Criterion criterion) {
  switch (criterion) {
    case Criterion::quota:
      return "quota";
    case Criterion::return_per_cost:
      return "return";
    case Criterion::bookings:
      break;
  }
  return "bookings";
}

Criterion parse_criterion(const std::string& name) {
  for (const Criterion criterion :
       {Criterion::bookings, Criterion::quota, Criterion::return_per_cost})
    if (criterion_name(criterion) == name)
      return criterion;
  throw CompareError("unknown criterion '" + name + "' (criteria: bookings, quota, return)");
}

Verdict decide(const Comparison& comparison, Criterion criterion) {
  Verdict verdict;
  verdict.criterion = criterion;
  std::vector<Candidate> field = candidates(comparison, criterion, verdict.not_ranked);
  // By estimate, best first; equal estimates keep the comparison's order (the baseline first).
  std::stable_sort(field.begin(), field.end(),
                   [](const Candidate& a, const Candidate& b) { return a.estimate > b.estimate; });
  const Candidate& best = field.front();
  const std::string phrase = criterion_phrase(criterion);
  const std::string& baseline = comparison.baseline;
  verdict.leaders.push_back(best.row->variant);

  std::string within;  // "A ahead of B by +0.8 万, 95% CI -0.6 to +2.2; of C by ..."
  std::vector<std::string> behind;
  for (std::size_t c = 1; c < field.size(); ++c) {
    const PairedDifference difference = paired_difference(best.score, field[c].score);
    if (c == 1) {
      verdict.runner_up = field[c].row->variant;
      verdict.margin = difference;
    }
    if (within_noise(difference, best, field[c])) {
      verdict.leaders.push_back(field[c].row->variant);
      within += (within.empty() ? best.row->variant + " ahead of " : "; of ") +
                field[c].row->variant + " by " + amount(criterion, difference.mean) + ", " +
                interval(criterion, difference.interval);
    } else {
      behind.push_back(field[c].row->variant);
    }
  }

  const bool baseline_leads =
      std::find(verdict.leaders.begin(), verdict.leaders.end(), baseline) != verdict.leaders.end();
  if (!verdict.runner_up) {
    const double half_width = Z_95 * standard_error(best.score);
    verdict.statement =
        criterion == Criterion::return_per_cost
            ? best.row->variant + " is the only variant that costs more than " + baseline + ": " +
                  format_text("%.2f", best.estimate) + " 万 of bookings per 万 of extra cost (" +
                  interval(criterion, {best.estimate - half_width, best.estimate + half_width}) +
                  "), with nothing to rank it against."
            : best.row->variant + " is the only variant: nothing to rank by " + phrase + ".";
  } else if (verdict.leaders.size() == 1) {
    verdict.statement = best.row->variant + " is best by " + phrase + " (" +
                        amount(criterion, verdict.margin.mean) + ", " +
                        interval(criterion, verdict.margin.interval) + " against runner-up " +
                        *verdict.runner_up + ")" +
                        (best.row->is_baseline ? ": no variant beats " + baseline + "." : ".");
  } else {
    verdict.statement =
        "Tied by " + phrase + ": " + joined(verdict.leaders) +
        " — their differences are within noise (" + within + ")." +
        (baseline_leads ? " No variant clearly beats " + baseline + "." : "") +
        (behind.empty() ? ""
                        : " Clearly behind " + best.row->variant + ": " + joined(behind) + ".");
  }
  if (!verdict.not_ranked.empty())
    verdict.statement +=
        " Not ranked, costing no more than " + baseline + ": " + joined(verdict.not_ranked) + ".";
  return verdict;
}

}  // namespace funnelsim::analysis

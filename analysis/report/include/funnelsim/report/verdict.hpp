#pragma once
/// The one verdict about a comparison that `compare` (text and JSON) and every reading of the
/// report state: which variants lead by a chosen criterion, and whether the lead is real. A
/// variant is called best only when its paired difference against every other candidate, on
/// common random numbers, has a 95% interval above zero; otherwise the variants whose
/// difference from the best estimate is within noise are named as tied.

#include <optional>
#include <string>
#include <vector>

#include "funnelsim/report/compare.hpp"
#include "funnelsim/stats/statistics.hpp"

namespace funnelsim::analysis {

/// What the variants are ranked by.
enum class Criterion {
  bookings,  ///< mean bookings over the period, 万
  quota,     ///< P(quota met) over the period, each variant against its own quota
  /// Extra bookings per 万 of extra cost against the baseline (the ratio of the mean paired
  /// differences); only variants costing more than the baseline are ranked, and the baseline
  /// itself is not (0/0).
  return_per_cost
};

/// "bookings", "quota", "return": the names of `compare --rank-by` and of the JSON.
std::string criterion_name(Criterion criterion);
/// The criterion of `name` (criterion_name's inverse); CompareError for another name.
Criterion parse_criterion(const std::string& name);

/// Which variants lead, and the sentence that says so.
struct Verdict {
  Criterion criterion = Criterion::bookings;
  /// The variant with the best estimate first, then every candidate whose paired difference
  /// from it has a 95% interval that includes zero, by estimate (ties: the comparison's order).
  std::vector<std::string> leaders;
  /// The candidate with the second-best estimate, if there are two candidates.
  std::optional<std::string> runner_up;
  /// Best minus runner-up of the criterion, paired by replication (the units of
  /// criterion_name: 万, a fraction, 万 per 万), with its 95% interval.
  PairedDifference margin;
  /// Variants not ranked: for return_per_cost, those costing no more than the baseline.
  std::vector<std::string> not_ranked;
  /// Plain language: "X is best by ... (+d, 95% CI a to b against runner-up Y)." for a single
  /// leader; otherwise "Tied by ...: A, B — their differences are within noise (...).", then
  /// the candidates clearly behind the best.
  std::string statement;
};

/// The verdict of `comparison` by `criterion`, the baseline a candidate like any other (except
/// for return_per_cost). Each candidate's per-replication score s is its bookings, its 0/1
/// quota-met indicator, or for return_per_cost the first-order (delta-method) linearisation of
/// the ratio R = mean(u) / mean(w) of its extra bookings u and extra cost w against the
/// baseline, s = R + (u - R w) / mean(w), whose mean is R and whose paired differences give
/// the ratio estimator's variance (Cochran 1977, Sampling Techniques, §6.3). Intervals are
/// paired_difference's: mean ± 1.96 s.e. of the per-replication differences of s. Differences
/// within 1e-9 of the estimates count as zero (rounding, not a lead). Throws CompareError for
/// return_per_cost when the file stores no cost or no variant costs more than the baseline.
Verdict decide(const Comparison& comparison, Criterion criterion);

}  // namespace funnelsim::analysis

#pragma once
/// Comparison of a results file's variants against a baseline on common random numbers:
/// replication r of every variant used the same random streams, so the variants' outcomes
/// are paired by replication and their differences are estimated far more precisely than
/// independent runs would allow. Amounts are in 万 (10,000 RMB).

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "funnelsim/results/results_file.hpp"
#include "funnelsim/stats/statistics.hpp"

namespace funnelsim::analysis {

/// A question the file cannot answer: an unknown baseline variant, a quarter it does not
/// measure. The message names the value found and the values allowed. A usage error (exit
/// code 2) located in the results file, whose path the command adds (Error::in_file).
class CompareError : public Error {
 public:
  explicit CompareError(const std::string& message)
      : Error(ErrorKind::usage, message, ErrorLocation{}) {}
};

/// The outcome compared, per replication and period.
enum class CompareMetric {
  bookings,   ///< 万
  wins,       ///< deals
  attainment  ///< bookings / quota of the period (over several quarters: total / total quota)
};

/// "bookings", "wins", "attainment".
std::string metric_name(CompareMetric metric);
/// "万", "deals", "1".
std::string metric_units(CompareMetric metric);

/// What to compare.
struct CompareQuestion {
  std::string baseline = "baseline";  ///< the variant the others are measured against
  CompareMetric metric = CompareMetric::bookings;
  std::optional<int> quarter;  ///< 0-based measured quarter; none: the whole measured run
};

/// One variant's values over the chosen period, one per replication in replication order:
/// what a verdict between any two variants is computed from (decide in verdict.hpp).
struct ReplicationValues {
  std::vector<double> bookings;   ///< 万
  std::vector<double> quota_met;  ///< 1 when bookings >= the variant's quota, else 0
  std::vector<double> cost;       ///< 万
};

/// One variant against the baseline over the chosen period. Values of the metric are in its
/// units (attainment as a fraction); probabilities are fractions; costs are in 万.
struct VariantComparison {
  std::string variant;
  bool is_baseline = false;
  double quota = 0.0;  ///< this variant's quota for the period, 万

  // The variant's own distribution over replications.
  double mean = 0.0;
  double p10 = 0.0;  ///< percentiles by Hyndman–Fan type 7 (see quantile_sorted)
  double p50 = 0.0;
  double p90 = 0.0;
  std::size_t quota_met_count = 0;  ///< replications with bookings >= quota in the period
  double quota_met = 0.0;           ///< P(quota met)
  Interval quota_met_interval;      ///< 95% Wilson interval

  // Against the baseline, paired by replication (the baseline's own row: zeros, NaN factor).
  /// Mean of (variant - baseline) of the metric, with mean ± 1.96 s.e. of the differences.
  PairedDifference difference;
  /// Mean of the differences of the quota-met indicators (-1, 0 or 1), ± 1.96 s.e.
  PairedDifference quota_met_difference;
  /// (Var(baseline) + Var(variant)) / Var(variant - baseline) of the metric; infinity when
  /// the difference is constant (an identical variant), NaN when undefined.
  double variance_reduction = 0.0;

  // Costs (dataset `cost`; files without it cost nothing).
  double cost = 0.0;            ///< mean over replications of the period's cost, 万
  double extra_cost = 0.0;      ///< cost - the baseline's cost, 万
  double extra_bookings = 0.0;  ///< mean bookings - the baseline's, 万, whatever the metric
  /// extra_bookings / extra_cost, 万 of bookings per 万 spent; NaN when extra_cost is 0.
  double return_per_cost = 0.0;

  ReplicationValues by_replication;

  /// Its values of the sweep's keys (Comparison::grid), as the scenario wrote them; empty for
  /// a variant that is no sweep's (the baseline, a `variants:` entry).
  std::vector<std::string> sweep_values;
};

/// The grid of a scenario's `sweep:`, from its variants' `sweep_keys` attributes.
struct SweepGrid {
  std::vector<std::string> keys;  ///< the swept key paths, first key outermost
  /// Column headers: each key's last path component, or as many trailing components as tell
  /// the keys apart ("smb-north.headcount" beside "enterprise.headcount").
  std::vector<std::string> labels;

  bool empty() const { return keys.empty(); }
};

/// Every variant of a file against the baseline.
struct Comparison {
  CompareMetric metric = CompareMetric::bookings;
  std::string period;  ///< "Q1", "Q2", ..., or "year" (4 quarters) / "total" for the whole run
  std::string baseline;
  std::size_t replications = 0;  ///< of every variant, paired
  /// The baseline first, then the others by mean difference, largest first (ties: file order);
  /// when the file holds a sweep, the others in file order (the sweep's grid order, first key
  /// outermost), so that the grid reads as the scenario wrote it.
  std::vector<VariantComparison> variants;
  bool has_cost = false;     ///< some variant has a non-zero cost
  bool cost_stored = false;  ///< every variant has the dataset `cost` (files of layout 1 may not)
  SweepGrid grid;            ///< empty when no variant is a sweep's
};

/// Compares every variant of `reader` with `question.baseline`. Throws CompareError for an
/// unknown baseline or a quarter out of range, ResultsError for a damaged file, variants of
/// different shapes, or no replications.
Comparison compare_variants(const ResultsReader& reader, const CompareQuestion& question);

/// A variant's short label: its name, or for a sweep's variant its values of the grid's keys
/// under their labels, "headcount=12, prospects_per_week=6".
std::string variant_label(const Comparison& comparison, const VariantComparison& row);

/// The cheapest variant whose P(quota met) reaches a threshold (compare --cheapest).
struct Cheapest {
  double threshold = 0.0;  ///< a probability, (0, 1]
  /// Index into Comparison::variants of the variant with the lowest mean cost among those
  /// whose P(quota met) >= threshold (ties: higher P, then table order); none when none does.
  std::optional<std::size_t> variant;
  /// Its 95% Wilson interval lies wholly at or above the threshold; false when the interval
  /// straddles it (it meets the threshold on the estimate only) or no variant qualifies.
  bool meets_with_confidence = false;
  /// Variants cheaper than the chosen one (or, when none qualifies, every variant) whose
  /// interval still reaches the threshold: they may meet it too.
  std::vector<std::size_t> possibly;
  /// When none qualifies: the variant with the highest P(quota met).
  std::optional<std::size_t> highest;
  std::string statement;  ///< one or two plain sentences saying all of the above
};

/// The cheapest variant of `comparison` with P(quota met) >= `threshold`. Throws CompareError
/// when the threshold is not in (0, 1] or the file holds no costs (no `cost` dataset, or every
/// cost zero: the scenario sets neither cost_per_rep_per_quarter nor commission_rate).
Cheapest find_cheapest(const Comparison& comparison, double threshold);

struct Verdict;

/// Text tables within 80 columns: the distributions, the differences from the baseline, the
/// costs (when any), and the verdict's statement (decide); headed like format_summary by
/// `metadata`. With a sweep, a column per swept key and the grid's tables of P(quota met) and
/// mean bookings (a two-way table, first key rows and second key columns, for two keys; one
/// row per value for one key); with `cheapest`, its statement last.
std::string format_comparison(const Comparison& comparison, const FileMetadata& metadata,
                              const Verdict& verdict, const Cheapest* cheapest = nullptr);

/// A JSON object keyed by variant name, in the table's order; each entry holds the metadata
/// (metric, units, period, baseline, replications) and every number of VariantComparison
/// under the names of compare_fields(); NaN and infinity are null. Last, the key "verdict":
/// {criterion, leaders, runner_up, diff_mean, diff_low, diff_high, not_ranked, statement}
/// (diff_*: best minus runner-up, null without a runner-up). With a sweep, the key "grid":
/// {keys, labels, values: {variant: [value per key]}} for the sweep's variants in grid order;
/// with `cheapest`, the key "cheapest": {threshold, variant (null when none qualifies),
/// probability, interval [low, high], cost, meets_with_confidence, statement}. Throws
/// CompareError if a variant is itself named like one of these keys.
std::string comparison_json(const Comparison& comparison, const Verdict& verdict,
                            const Cheapest* cheapest = nullptr);

/// CSV: a header line, then one row per variant in the table's order, with the columns
/// `variant` and compare_fields(); NaN is an empty field, infinity "inf".
std::string comparison_csv(const Comparison& comparison);

/// The field names of JSON entries and CSV columns after `variant`, in order.
const std::vector<std::string>& compare_fields();

}  // namespace funnelsim::analysis

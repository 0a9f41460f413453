#pragma once
/// Small statistics over replications: means, standard deviations, quantiles and binomial
/// confidence intervals. Functions throw std::invalid_argument on empty input or NaN.

#include <cstddef>
#include <span>
#include <vector>

namespace funnelsim::analysis {

/// The standard normal quantile for a two-sided 95% interval.
inline constexpr double Z_95 = 1.959963984540054;

/// A closed interval [lower, upper].
struct Interval {
  double lower = 0.0;
  double upper = 0.0;
};

/// Arithmetic mean. Throws std::invalid_argument if `values` is empty.
double mean(std::span<const double> values);

/// Sample standard deviation (divisor n - 1); NaN for fewer than two values.
double sample_sd(std::span<const double> values);

/// Standard error of the mean, sample_sd / sqrt(n); NaN for fewer than two values.
double standard_error(std::span<const double> values);

/// The `probability` quantile of values already sorted ascending, by linear interpolation
/// between order statistics: Hyndman & Fan (1996) type 7, the default of R and NumPy.
/// With n values x(1) <= ... <= x(n), h = (n - 1) p + 1 and the quantile is
/// x(⌊h⌋) + (h - ⌊h⌋) (x(⌊h⌋ + 1) - x(⌊h⌋)). `probability` must be in [0, 1].
double quantile_sorted(std::span<const double> sorted_values, double probability);

/// As quantile_sorted, for values in any order (sorts a copy). Throws on NaN.
double quantile(std::span<const double> values, double probability);

/// Wilson score interval for a binomial proportion `successes` / `trials` (Wilson 1927),
/// which unlike the normal approximation stays inside [0, 1] and behaves at 0 and n.
/// Throws std::invalid_argument if trials is 0 or successes > trials.
Interval wilson_interval(std::size_t successes, std::size_t trials, double z = Z_95);

/// The mean of paired differences x[i] - y[i] (such as two variants' results in the same
/// replication, on common random numbers) and its 95% interval.
struct PairedDifference {
  double mean = 0.0;
  /// mean ± z × sd / sqrt(n), sd of the differences with divisor n - 1: the normal
  /// approximation (for n in the hundreds the t quantile differs from z in the third digit).
  /// NaN bounds for fewer than two pairs.
  Interval interval;
};

/// The paired difference of `x` minus `y`. Throws std::invalid_argument if they are empty,
/// differ in length or contain NaN.
PairedDifference paired_difference(std::span<const double> x, std::span<const double> y,
                                   double z = Z_95);

/// The variance-reduction factor of pairing, (Var(x) + Var(y)) / Var(x - y): the variance of
/// the difference of two independent samples over that of the paired differences. Pairing
/// makes the interval of the difference sqrt(factor) times narrower; independent samples would
/// need `factor` times as many pairs for the same width. Infinity when the differences are
/// constant but x or y varies; NaN when nothing varies or for fewer than two pairs. Throws as
/// paired_difference.
double variance_reduction_factor(std::span<const double> x, std::span<const double> y);

/// The relative precision of a run from running sums (Welford) of the baseline's totals and
/// of each variant's paired differences.
class PrecisionTracker {
 public:
  explicit PrecisionTracker(std::size_t variants);
  /// `totals[v]` is variant v's total bookings in one replication (v = 0 the baseline).
  void add(const std::vector<double>& totals);
  std::size_t count() const { return count_; }
  /// 1.96 x standard error / |baseline mean|, the largest over the baseline and the variants'
  /// differences; infinity before two replications.
  double relative_half_width() const;

 private:
  std::size_t count_ = 0;
  std::vector<double> mean_;  ///< [0]: baseline totals; [v]: differences variant v - baseline
  std::vector<double> m2_;
};

}  // namespace funnelsim::analysis

#include "funnelsim/stats/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace funnelsim::analysis {

double mean(std::span<const double> values) {
  if (values.empty()) {
    throw std::invalid_argument("mean: no values");
  }
  double sum = 0.0;
  for (const double value : values) {
    sum += value;
  }
  return sum / static_cast<double>(values.size());
}

double sample_sd(std::span<const double> values) {
  if (values.size() < 2) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  // Two passes: summing squared deviations from the mean avoids the cancellation of
  // sum(x²) - n mean².
  const double centre = mean(values);
  double squares = 0.0;
  for (const double value : values) {
    squares += (value - centre) * (value - centre);
  }
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

double standard_error(std::span<const double> values) {
  return sample_sd(values) / std::sqrt(static_cast<double>(values.size()));
}

double quantile_sorted(std::span<const double> sorted_values, double probability) {
  if (sorted_values.empty()) {
    throw std::invalid_argument("quantile: no values");
  }
  if (!(probability >= 0.0 && probability <= 1.0)) {
    throw std::invalid_argument("quantile: probability must be in [0, 1], got " +
                                std::to_string(probability));
  }
  // 0-based form of type 7: h = (n - 1) p.
  const double h = static_cast<double>(sorted_values.size() - 1) * probability;
  const auto below = static_cast<std::size_t>(std::floor(h));
  if (below + 1 >= sorted_values.size()) {
    return sorted_values.back();
  }
  const double fraction = h - static_cast<double>(below);
  return sorted_values[below] + fraction * (sorted_values[below + 1] - sorted_values[below]);
}

double quantile(std::span<const double> values, double probability) {
  if (std::any_of(values.begin(), values.end(), [](double value) { return std::isnan(value); })) {
    throw std::invalid_argument("quantile: values contain NaN");
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return quantile_sorted(sorted, probability);
}

Interval wilson_interval(std::size_t successes, std::size_t trials, double z) {
  if (trials == 0 || successes > trials) {
    throw std::invalid_argument(
        "wilson_interval: need 0 <= successes <= trials and trials > 0, "
        "got " +
        std::to_string(successes) + " of " + std::to_string(trials));
  }
  const auto n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denominator;
  const double half_width = z / denominator * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  // At 0 and n successes the bounds are exactly 0 and 1; rounding would miss them by an ulp.
  const double lower = successes == 0 ? 0.0 : std::max(0.0, centre - half_width);
  const double upper = successes == trials ? 1.0 : std::min(1.0, centre + half_width);
  return Interval{lower, upper};
}

namespace {

std::vector<double> differences(std::span<const double> x, std::span<const double> y,
                                const char* function) {
  if (x.empty() || x.size() != y.size()) {
    throw std::invalid_argument(std::string(function) +
                                ": need two samples of the same non-zero length, got " +
                                std::to_string(x.size()) + " and " + std::to_string(y.size()));
  }
  std::vector<double> result;
  result.reserve(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i]) || std::isnan(y[i])) {
      throw std::invalid_argument(std::string(function) + ": values contain NaN");
    }
    result.push_back(x[i] - y[i]);
  }
  return result;
}

}  // namespace

PairedDifference paired_difference(std::span<const double> x, std::span<const double> y, double z) {
  const std::vector<double> paired = differences(x, y, "paired_difference");
  const double centre = mean(paired);
  const double half_width = z * standard_error(paired);
  return PairedDifference{centre, Interval{centre - half_width, centre + half_width}};
}

double variance_reduction_factor(std::span<const double> x, std::span<const double> y) {
  const std::vector<double> paired = differences(x, y, "variance_reduction_factor");
  const double x_sd = sample_sd(x);
  const double y_sd = sample_sd(y);
  const double independent = x_sd * x_sd + y_sd * y_sd;
  const double difference_sd = sample_sd(paired);
  if (difference_sd == 0.0) {
    return independent > 0.0 ? std::numeric_limits<double>::infinity()
                             : std::numeric_limits<double>::quiet_NaN();
  }
  return independent / (difference_sd * difference_sd);
}

PrecisionTracker::PrecisionTracker(std::size_t variants)
    : mean_(variants, 0.0), m2_(variants, 0.0) {}

void PrecisionTracker::add(const std::vector<double>& totals) {
  ++count_;
  const double n = static_cast<double>(count_);
  for (std::size_t v = 0; v < mean_.size(); ++v) {
    const double x = v == 0 ? totals[0] : totals[v] - totals[0];
    const double delta = x - mean_[v];
    mean_[v] += delta / n;
    m2_[v] += delta * (x - mean_[v]);
  }
}

double PrecisionTracker::relative_half_width() const {
  if (count_ < 2 || mean_[0] == 0.0)
    return std::numeric_limits<double>::infinity();
  const double n = static_cast<double>(count_);
  double worst = 0.0;
  for (std::size_t v = 0; v < mean_.size(); ++v) {
    const double half_width = 1.96 * std::sqrt(m2_[v] / (n - 1.0) / n);
    worst = std::max(worst, half_width / std::abs(mean_[0]));
  }
  return worst;
}

}  // namespace funnelsim::analysis

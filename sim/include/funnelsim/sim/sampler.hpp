#pragma once
/// Sampling a Distribution with Boost.Random, with its parameters precomputed once.

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <boost/random/triangle_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "funnelsim/sim/model.hpp"

namespace funnelsim::sim {

/// Draws from one Distribution. Construct once per model; sampling is const and
/// allocation-free, so one Sampler serves every thread.
class Sampler {
 public:
  explicit Sampler(const Distribution& distribution);

  template <class Engine>
  double operator()(Engine& engine) const {
    // Stage durations are gamma and deal sizes empirical in most scenarios: test for them
    // before the switch, whose jump a predictor misses where one call site samples several
    // kinds.
    if (kind_ == DistributionKind::gamma)
      return scale_ * gamma(engine);
    if (kind_ == DistributionKind::empirical)
      return scale_ * empirical(engine);
    return scale_ * unscaled(engine);
  }

  DistributionKind kind() const { return kind_; }

 private:
  /// One bucket of an empirical table, ready to sample.
  struct Bucket {
    double cumulative = 0.0;  ///< weights normalised and summed up to this bucket
    double min = 0.0;
    double width = 0.0;        ///< infinite for an open-ended bucket
    double tilt = 0.0;         ///< t = theta * width of the truncated exponential; 0 is uniform
    double expm1_tilt = 0.0;   ///< e^t - 1
    double excess_mean = 0.0;  ///< open-ended bucket: mean above min
  };

  template <class Engine>
  double unscaled(Engine& engine) const;
  template <class Engine>
  double gamma(Engine& engine) const;
  template <class Engine>
  double empirical(Engine& engine) const;

  /// Empirical tables up to this many buckets are searched by counting, larger ones by bisection.
  static constexpr std::size_t SMALL_TABLE = 16;

  DistributionKind kind_;
  double scale_ = 1.0;
  double a_ =
      0.0;  // fixed: value; exponential: mean; gamma: scale; lognormal: mu; uniform/triangular: min
  double b_ = 0.0;  // gamma: shape; lognormal: sigma; uniform/triangular: max
  double c_ = 0.0;  // triangular: mode
  // Marsaglia–Tsang constants for gamma: d = k' - 1/3, c = 1 / sqrt(9 d), k' = max(k, k + 1).
  double mt_d_ = 0.0;
  double mt_c_ = 0.0;
  std::vector<Bucket> buckets_;
};

/// boost::random::uniform_01<double>()(engine) for a 64-bit engine, bit for bit: the draw x as
/// a double, rounded to nearest, times 2^-64, drawn again in the rare case that rounds to 1.
/// Boost's conversion of an unsigned 64-bit integer compiles (without AVX-512) to a branch on
/// its top bit, a coin toss the predictor loses half the time, twice a stage entry; here the
/// two 32-bit halves are converted exactly and summed with a single rounding, which is the
/// same correctly rounded double without the branch.
template <class Engine>
double boost_uniform01(Engine& engine) {
  for (;;) {
    const std::uint64_t x = engine();
    const double value = (static_cast<double>(static_cast<std::uint32_t>(x >> 32)) * 0x1.0p32 +
                          static_cast<double>(static_cast<std::uint32_t>(x))) *
                         0x1.0p-64;
    if (value < 1.0)
      return value;
  }
}

/// boost::random::poisson_distribution<int, double>(mean)(engine), bit for bit. Below a mean
/// of 10 Boost inverts the distribution from one uniform_01 draw; that draw is taken with
/// boost_uniform01 here, without the branch. Larger means use Boost's own sampler.
class PoissonSampler {
 public:
  explicit PoissonSampler(double mean) : mean_(mean), exp_mean_(std::exp(-mean)), boost_(mean) {}

  template <class Engine>
  int operator()(Engine& engine) const {
    if (!(mean_ < 10.0))
      return boost_(engine);
    // Boost's invert(), step for step.
    double p = exp_mean_;
    int x = 0;
    double u = boost_uniform01(engine);
    while (u > p) {
      u = u - p;
      ++x;
      p = mean_ * p / x;
    }
    return x;
  }

 private:
  double mean_;
  double exp_mean_;  ///< e^-mean, as Boost computes it when constructed
  boost::random::poisson_distribution<int, double> boost_;
};

/// Relative mean (mean - min) / width of a truncated exponential on a bucket with tilt t.
double truncated_exponential_mean_fraction(double tilt);
/// The tilt whose truncated exponential has the given relative mean in (0, 1).
double truncated_exponential_tilt(double mean_fraction);

template <class Engine>
double Sampler::unscaled(Engine& engine) const {
  switch (kind_) {
    case DistributionKind::fixed:
      return a_;
    case DistributionKind::exponential:
      return boost::random::exponential_distribution<double>(1.0 / a_)(engine);
    case DistributionKind::gamma:
      return gamma(engine);
    case DistributionKind::lognormal:
      return boost::random::lognormal_distribution<double>(a_, b_)(engine);
    case DistributionKind::uniform:
      return boost::random::uniform_real_distribution<double>(a_, b_)(engine);
    case DistributionKind::triangular:
      return boost::random::triangle_distribution<double>(a_, c_, b_)(engine);
    case DistributionKind::empirical:
      return empirical(engine);
  }
  return 0.0;
}

// Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM TOMS 26(3),
// on Boost's ziggurat normal: about 2.1 raw draws a variate, where Boost's own
// gamma_distribution takes about 50 (measured in bench/). Shape k < 1 uses the boost
// X = Y * U^(1/k) with Y ~ Gamma(k + 1).
template <class Engine>
double Sampler::gamma(Engine& engine) const {
  boost::random::normal_distribution<double> normal;
  double x = 0.0;
  double v = 0.0;
  for (;;) {
    do {
      x = normal(engine);
      v = 1.0 + mt_c_ * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = boost_uniform01(engine);
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2)
      break;
    if (std::log(u) < 0.5 * x2 + mt_d_ * (1.0 - v + std::log(v)))
      break;
  }
  double value = mt_d_ * v;
  if (b_ < 1.0)
    value *= std::pow(boost_uniform01(engine), 1.0 / b_);
  return value * a_;
}

template <class Engine>
double Sampler::empirical(Engine& engine) const {
  const double pick = boost_uniform01(engine);
  // The first bucket whose cumulative weight exceeds the pick (the last if rounding leaves
  // none). Cumulative weights rise, so it is the number of buckets at or below the pick:
  // counted without a branch in small tables, whose bucket a predictor cannot guess.
  std::size_t index = 0;
  if (buckets_.size() <= SMALL_TABLE) {
    for (const Bucket& candidate : buckets_)
      index += pick >= candidate.cumulative ? 1 : 0;
  } else {
    index = static_cast<std::size_t>(
        std::upper_bound(buckets_.begin(), buckets_.end(), pick,
                         [](double p, const Bucket& b) { return p < b.cumulative; }) -
        buckets_.begin());
  }
  const Bucket* bucket = &buckets_[std::min(index, buckets_.size() - 1)];
  if (std::isinf(bucket->width)) {
    return bucket->min +
           boost::random::exponential_distribution<double>(1.0 / bucket->excess_mean)(engine);
  }
  const double u = boost_uniform01(engine);
  if (bucket->tilt == 0.0)
    return bucket->min + u * bucket->width;
  // Inverse CDF of the density proportional to exp(t x / width) on [0, width].
  return bucket->min + bucket->width * std::log1p(u * bucket->expm1_tilt) / bucket->tilt;
}

}  // namespace funnelsim::sim

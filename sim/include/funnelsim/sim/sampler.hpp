#pragma once
/// Sampling a Distribution with Boost.Random, with its parameters precomputed once.

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/triangle_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
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
    // Stage durations are gamma in most scenarios: test for it before the switch.
    if (kind_ == DistributionKind::gamma)
      return scale_ * gamma(engine);
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
  boost::random::uniform_01<double> uniform;
  double x = 0.0;
  double v = 0.0;
  for (;;) {
    do {
      x = normal(engine);
      v = 1.0 + mt_c_ * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform(engine);
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2)
      break;
    if (std::log(u) < 0.5 * x2 + mt_d_ * (1.0 - v + std::log(v)))
      break;
  }
  double value = mt_d_ * v;
  if (b_ < 1.0)
    value *= std::pow(uniform(engine), 1.0 / b_);
  return value * a_;
}

template <class Engine>
double Sampler::empirical(Engine& engine) const {
  boost::random::uniform_01<double> uniform;
  const double pick = uniform(engine);
  const Bucket* bucket = &buckets_.back();
  for (const Bucket& candidate : buckets_) {
    if (pick < candidate.cumulative) {
      bucket = &candidate;
      break;
    }
  }
  if (std::isinf(bucket->width)) {
    return bucket->min +
           boost::random::exponential_distribution<double>(1.0 / bucket->excess_mean)(engine);
  }
  const double u = uniform(engine);
  if (bucket->tilt == 0.0)
    return bucket->min + u * bucket->width;
  // Inverse CDF of the density proportional to exp(t x / width) on [0, width].
  return bucket->min + bucket->width * std::log1p(u * bucket->expm1_tilt) / bucket->tilt;
}

}  // namespace funnelsim::sim

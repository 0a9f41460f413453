#include <cmath>

#include "funnelsim/sim/sampler.hpp"

namespace funnelsim::sim {

double truncated_exponential_mean_fraction(double tilt) {
  // E[X] / width for density t e^{t x} / (e^t - 1) on [0, 1]: 1 / (1 - e^{-t}) - 1 / t.
  if (std::abs(tilt) < 1e-6)
    return 0.5 + tilt / 12.0;
  return 1.0 / -std::expm1(-tilt) - 1.0 / tilt;
}

double truncated_exponential_tilt(double mean_fraction) {
  // The mean fraction rises monotonically from 0 to 1 as the tilt goes from -inf to +inf.
  double low = -700.0;
  double high = 700.0;
  for (int i = 0; i < 200 && high - low > 1e-12; ++i) {
    const double mid = 0.5 * (low + high);
    if (truncated_exponential_mean_fraction(mid) < mean_fraction) {
      low = mid;
    } else {
      high = mid;
    }
  }
  return 0.5 * (low + high);
}

Sampler::Sampler(const Distribution& distribution)
    : kind_(distribution.kind), scale_(distribution.scale) {
  switch (kind_) {
    case DistributionKind::fixed:
      a_ = distribution.value;
      break;
    case DistributionKind::exponential:
      a_ = distribution.mean;
      break;
    case DistributionKind::gamma: {
      const double shape = 1.0 / (distribution.cv * distribution.cv);
      a_ = distribution.mean / shape;  // scale
      b_ = shape;
      const double boosted = shape < 1.0 ? shape + 1.0 : shape;
      mt_d_ = boosted - 1.0 / 3.0;
      mt_c_ = 1.0 / std::sqrt(9.0 * mt_d_);
      break;
    }
    case DistributionKind::lognormal: {
      const double sigma2 = std::log1p(distribution.cv * distribution.cv);
      a_ = std::log(distribution.mean) - 0.5 * sigma2;
      b_ = std::sqrt(sigma2);
      break;
    }
    case DistributionKind::uniform:
      a_ = distribution.min;
      b_ = distribution.max;
      break;
    case DistributionKind::triangular:
      a_ = distribution.min;
      b_ = distribution.max;
      c_ = distribution.mode;
      break;
    case DistributionKind::empirical: {
      double total = 0.0;
      for (const EmpiricalBucket& bucket : distribution.buckets)
        total += bucket.weight;
      double cumulative = 0.0;
      for (const EmpiricalBucket& source : distribution.buckets) {
        Bucket bucket;
        cumulative += source.weight / total;
        bucket.cumulative = cumulative;
        bucket.min = source.min;
        bucket.width = source.max - source.min;
        if (std::isinf(source.max)) {
          bucket.excess_mean = source.mean - source.min;
        } else if (!std::isnan(source.mean)) {
          // Maximum-entropy law on [min, max] with the bucket's mean: a truncated exponential.
          bucket.tilt = truncated_exponential_tilt((source.mean - source.min) / bucket.width);
          bucket.expm1_tilt = std::expm1(bucket.tilt);
        }
        buckets_.push_back(bucket);
      }
      buckets_.back().cumulative = 1.0;
      break;
    }
  }
}

}  // namespace funnelsim::sim

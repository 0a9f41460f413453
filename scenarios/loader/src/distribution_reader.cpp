#include "distribution_reader.hpp"
#include "readers.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace funnelsim::scenarios::detail {
namespace {

constexpr double SHARE_TOLERANCE = 1e-6;
/// The most `count` of an empirical bucket: 1,000 buckets then sum to at most 1e15, exactly
/// enough for the weights' ratios.
constexpr double MAX_COUNT = 1e12;
/// How close to either end of a bounded bucket its `mean` may lie, as a share of the width:
/// the sampler's truncated exponential reaches 1/700 of the width from either end (its tilt is
/// bounded at 700 so that e^tilt stays finite), and a mean nearer would silently move.
constexpr double BUCKET_MEAN_MARGIN = 0.002;

sim::EmpiricalBucket read_bucket(const Field& field, bool last, bool& uses_share,
                                 bool first_bucket) {
  field.check_keys({"min", "max", "count", "share", "mean"}, "an empirical bucket");
  sim::EmpiricalBucket bucket;
  bucket.min = field.at("min").number(amount_range());
  if (const auto max = field.get("max")) {
    bucket.max = max->number({bucket.min, MAX_VALUE, true, false});
  } else if (!last) {
    field.fail("only the last bucket may omit 'max' (be open-ended)");
  }

  const auto count = field.get("count");
  const auto share = field.get("share");
  if (count && share) {
    field.fail("give 'count' or 'share', not both");
  }
  if (!count && !share) {
    field.renamed(field.key_path() + ".count").fail("missing required key 'count' or 'share'");
  }
  if (first_bucket) {
    uses_share = share.has_value();
  } else if (uses_share != share.has_value()) {
    (share ? *share : *count)
        .fail(std::string("all buckets must use 'count' or all 'share': the first bucket uses '") +
              (uses_share ? "share" : "count") + "'");
  }
  bucket.weight =
      share ? share->number(Range::probability()) : count->number({0.0, MAX_COUNT, true, false});

  if (const auto mean = field.get("mean")) {
    if (std::isinf(bucket.max)) {
      bucket.mean = mean->number({bucket.min + MIN_MEAN, MAX_VALUE});
    } else {
      const double margin = BUCKET_MEAN_MARGIN * (bucket.max - bucket.min);
      bucket.mean = mean->number({bucket.min, bucket.max, true, true});
      if (bucket.mean < bucket.min + margin || bucket.mean > bucket.max - margin) {
        mean->fail("must lie at least 0.2% of the bucket's width from its ends, in [" +
                   format_number(bucket.min + margin) + ", " + format_number(bucket.max - margin) +
                   "], got " + mean->describe());
      }
    }
  } else if (std::isinf(bucket.max)) {
    // The open bucket's law is a shifted exponential: it needs a mean to have a scale.
    field.renamed(field.key_path() + ".mean")
        .fail("missing required key 'mean': an open-ended bucket needs a mean");
  }
  return bucket;
}

sim::Distribution read_empirical(const Field& field) {
  const Field buckets_field = field.at("buckets");
  const std::vector<Field> items = buckets_field.non_empty_items(MAX_BUCKETS);
  std::vector<sim::EmpiricalBucket> buckets;
  bool uses_share = false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    sim::EmpiricalBucket bucket = read_bucket(items[i], i + 1 == items.size(), uses_share, i == 0);
    if (i > 0 && bucket.min < buckets.back().max) {
      items[i].at("min").fail("buckets must be sorted and must not overlap: min " +
                              format_number(bucket.min) + " is below the previous bucket's max " +
                              format_number(buckets.back().max));
    }
    buckets.push_back(bucket);
  }

  double total = 0.0;
  for (const sim::EmpiricalBucket& bucket : buckets) {
    total += bucket.weight;
  }
  if (uses_share && std::abs(total - 1.0) > SHARE_TOLERANCE) {
    buckets_field.fail("shares must sum to 1, got " + format_number(total));
  }
  for (sim::EmpiricalBucket& bucket : buckets) {
    bucket.weight /= total;
  }
  return sim::Distribution::empirical(std::move(buckets));
}

sim::Distribution read_unscaled(const Field& field, FixedValue fixed_value) {
  const Range value_range =
      fixed_value == FixedValue::positive ? positive_amount_range() : amount_range();
  const Range mean_range{MIN_MEAN, MAX_VALUE};
  const Range cv_range{MIN_CV, MAX_CV};
  if (field.node().IsScalar()) {
    return sim::Distribution::fixed(field.number(value_range));
  }
  if (!field.node().IsMap()) {
    field.fail("must be a number or a distribution mapping with 'dist', got " + field.describe());
  }
  if (!field.has("dist")) {
    // Catch a misspelt 'dist' before reporting it missing.
    field.check_keys({"dist", "value", "mean", "cv", "min", "mode", "max", "buckets", "scale"},
                     "a distribution");
  }
  const std::string kind = field.at("dist").choice(
      {"fixed", "exponential", "gamma", "lognormal", "uniform", "triangular", "empirical"});

  if (kind == "fixed") {
    field.check_keys({"dist", "value", "scale"}, "a fixed distribution");
    return sim::Distribution::fixed(field.at("value").number(value_range));
  }
  if (kind == "exponential") {
    field.check_keys({"dist", "mean", "scale"}, "an exponential distribution");
    return sim::Distribution::exponential(field.at("mean").number(mean_range));
  }
  if (kind == "gamma" || kind == "lognormal") {
    field.check_keys({"dist", "mean", "cv", "scale"}, "a " + kind + " distribution");
    const double mean = field.at("mean").number(mean_range);
    const double cv = field.at("cv").number(cv_range);
    return kind == "gamma" ? sim::Distribution::gamma(mean, cv)
                           : sim::Distribution::lognormal(mean, cv);
  }
  if (kind == "uniform") {
    field.check_keys({"dist", "min", "max", "scale"}, "a uniform distribution");
    const double min = field.at("min").number(amount_range());
    const double max = field.at("max").number({min, MAX_VALUE, true, false});
    return sim::Distribution::uniform(min, max);
  }
  if (kind == "triangular") {
    field.check_keys({"dist", "min", "mode", "max", "scale"}, "a triangular distribution");
    const double min = field.at("min").number(amount_range());
    const double max = field.at("max").number({min, MAX_VALUE, true, false});
    const double mode = field.at("mode").number({min, max});
    return sim::Distribution::triangular(min, mode, max);
  }
  field.check_keys({"dist", "buckets", "scale"}, "an empirical distribution");
  return read_empirical(field);
}

}  // namespace

sim::Distribution read_distribution(const Field& field, FixedValue fixed_value) {
  sim::Distribution distribution = read_unscaled(field, fixed_value);
  if (field.node().IsMap()) {
    if (const auto scale = field.get("scale")) {
      distribution.scale = scale->number({0.0, MAX_SCALE, true, false});
    }
  }
  return distribution;
}

}  // namespace funnelsim::scenarios::detail

#pragma once
/// A segment's stages as the opportunity path reads them: constants derived once per
/// replication from the model (advance probabilities, duration samplers, stall limits, the
/// thresholds of the reps' calls). Nothing here changes while a replication runs; what the
/// week ends observe lives in FunnelLedger.

#include <cmath>
#include <cstddef>
#include <vector>

#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/sampler.hpp"

namespace funnelsim::sim::engine {

/// The uniform judgement draw U above which a rep perceives a deal of win probability p at
/// or above `threshold`: p x optimism x exp(mu + sigma Z), a lognormal error with mean 1 and
/// Z = Phi^-1(U). Returns Phi(z) for the threshold z of Z; 1 when never.
inline double judgement_u(const Calls& calls, double p, double threshold) {
  const double gap = std::log(threshold) - std::log(p * calls.optimism);
  if (calls.noise_cv <= 0.0)
    return gap <= 0.0 ? 0.0 : 1.0;
  const double sigma2 = std::log1p(calls.noise_cv * calls.noise_cv);
  const double z = (gap + 0.5 * sigma2) / std::sqrt(sigma2);
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

struct SegmentPlan {
  SegmentPlan(const Segment& segment, const Calls& calls) : deal_size(segment.deal_size) {
    const std::size_t n = segment.stages.size();
    for (std::size_t i = 0; i < n; ++i) {
      const Stage& stage = segment.stages[i];
      days.emplace_back(stage.days);
      const double next = i + 1 < n ? segment.stages[i + 1].win_probability : 1.0;
      advance.push_back(stage.win_probability / next);  // new customers' half
      stall_days.push_back(stage.stall_days);
      commit_u.push_back(judgement_u(calls, stage.win_probability, calls.committed_threshold));
      possible_u.push_back(judgement_u(calls, stage.win_probability, calls.possible_threshold));
    }
    // Existing customers win at their own overall rate q: every stage's advance probability
    // becomes a_i^k with k = ln q / ln p(first).
    const double k = segment.existing_exponent();
    for (std::size_t i = 0; i < n; ++i) {
      const double a = advance[i];
      advance.push_back(k == 1.0 ? a : std::exp(k * std::log(a)));
    }
    mean_days_left.assign(n, 0.0);
    double days_left = 0.0;
    for (std::size_t i = n; i-- > 0;) {
      days_left += segment.stages[i].days.expected_value();
      mean_days_left[i] = days_left;
    }
  }

  std::size_t stages() const { return days.size(); }

  std::vector<Sampler> days;  ///< [stage]: days in the stage
  /// [kind x stages + i]: kind 0 new customers, a_i = p(i) / p(i + 1) with p after the last
  /// stage = 1; kind 1 existing customers, a_i^k. Indexed, not chosen by a branch: the kind is
  /// a coin toss that a predictor loses.
  std::vector<double> advance;
  std::vector<double> stall_days;  ///< [stage]: a stay longer than this is a stall
  /// Uniform judgement draws at or above these commit, or call possible, a deal in stage i
  /// (1: never): Phi(z) of the standard-normal thresholds, so that a uniform U stands for the
  /// normal Z = Phi^-1(U) without computing it.
  std::vector<double> commit_u;
  std::vector<double> possible_u;
  std::vector<double> mean_days_left;  ///< mean days from entering stage i to the outcome
  Sampler deal_size;                   ///< 万, before the rep's deal-size skill
};

}  // namespace funnelsim::sim::engine

// Seasonality beyond the quota: per-quarter multipliers of a team's prospecting, of its win
// probability (for opportunities that come in during the quarter), and of a marketing source's
// leads, against the closed form of a single-stage Poisson funnel. Tolerances are 4 standard
// errors of a Poisson count's mean; the seeds are fixed.

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "support/collect.hpp"
#include "support/models.hpp"

using funnelsim::sim::Distribution;
using funnelsim::sim::LeadSource;
using funnelsim::sim::LeadSourceKind;
using funnelsim::sim::Model;
using funnelsim::sim::ReplicationResult;
using funnelsim::testing::run;

namespace {

constexpr double LAMBDA = 5.0;  // prospects a week per rep
constexpr double P = 0.5;       // the stage's win probability
constexpr int REPS = 4;
constexpr double CLOSE = 1.0 / 7.0;  // weeks from a lead to its booking (a fixed 1-day stage)

Model single_stage() {
  Model model = funnelsim::testing::funnel_model(LAMBDA, {P}, REPS, 1.0, 4);
  model.calendar.warmup_weeks = 2;
  model.segments[0].stages[0].days = Distribution::fixed(1.0);
  return model;
}

/// Each quarter's mean bookings over the replications.
std::vector<double> quarter_means(const std::vector<ReplicationResult>& runs) {
  std::vector<double> means(4, 0.0);
  for (const ReplicationResult& r : runs)
    for (int q = 0; q < 4; ++q)
      means[q] += r.bookings[q] / static_cast<double>(runs.size());
  return means;
}

/// Mean bookings of quarter q when leads come at `rate(q)` a week and win with `win(q)`: the
/// leads of the quarter's last day book in the next one (the warm-up's last quarter is the
/// cycle's fourth).
template <typename Rate, typename Win>
double expected(int q, Rate rate, Win win) {
  const int previous = (q + 3) % 4;
  return rate(q) * win(q) * (13.0 - CLOSE) + rate(previous) * win(previous) * CLOSE;
}

void check_quarters(const std::vector<ReplicationResult>& runs, auto expectation) {
  const std::vector<double> means = quarter_means(runs);
  for (int q = 0; q < 4; ++q) {
    const double mean = expectation(q);
    const double standard_error = std::sqrt(mean / static_cast<double>(runs.size()));
    INFO("quarter " << q + 1 << ": mean " << means[q] << ", closed form " << mean);
    CHECK(std::abs(means[q] - mean) < 4.0 * standard_error);
  }
}

}  // namespace

TEST_CASE("Prospecting seasonality multiplies each quarter's leads",
          "[engine][closed-form][statistical]") {
  Model model = single_stage();
  const std::vector<double> season{1.0, 2.0, 0.5, 1.5};
  model.teams[0].seasonality.prospecting = season;
  const auto runs = run(model, 300);
  check_quarters(runs, [&](int q) {
    return expected(
        q, [&](int k) { return REPS * LAMBDA * season[k]; }, [](int) { return P; });
  });
}

TEST_CASE("Win seasonality lifts the quarter's incoming opportunities: a year-end push",
          "[engine][closed-form][statistical]") {
  Model model = single_stage();
  const std::vector<double> push{1.0, 1.0, 1.0, 1.4};
  model.teams[0].seasonality.win = push;
  const auto runs = run(model, 300);
  check_quarters(runs, [&](int q) {
    return expected(
        q, [](int) { return REPS * LAMBDA; }, [&](int k) { return P * push[k]; });
  });
  // Q1 to Q3's leads are drawn exactly as without the push (common random numbers).
  const auto plain = run(single_stage(), 300);
  for (std::size_t i = 0; i < runs.size(); ++i)
    CHECK(runs[i].bookings[1] == plain[i].bookings[1]);
}

TEST_CASE("A seasonal marketing source brings its leads in its quarters only",
          "[engine][closed-form][statistical]") {
  Model model = single_stage();
  LeadSource fair;
  fair.name = "trade-fair";
  fair.kind = LeadSourceKind::marketing;
  fair.team = 0;
  fair.leads_per_week = 8.0;
  fair.seasonality = {0.0, 1.0, 0.0, 0.5};
  model.sources.push_back(fair);
  const auto runs = run(model, 300);
  check_quarters(runs, [&](int q) {
    return expected(
        q, [&](int k) { return REPS * LAMBDA + 8.0 * fair.seasonality[k]; }, [](int) { return P; });
  });
}

// The engine against closed-form results of funnel arithmetic (playbook §1–3).
// Every tolerance is 4 standard errors of the estimate, the standard error coming from the
// closed form's own variance where one exists (Poisson thinning), so a correct engine fails
// about once in 16,000 runs, and the fixed seeds make each run the same.

#include <catch2/catch.hpp>
#include <cmath>

#include "support/collect.hpp"
#include "support/models.hpp"

using funnelsim::testing::estimate;
using funnelsim::testing::funnel_model;
using funnelsim::testing::run;

namespace {

constexpr double WEEKS = 13.0;  // per quarter in funnel_model

/// Per-replication values of a quarter's wins for quarter `q`.
std::vector<double> quarter_wins(const std::vector<funnelsim::sim::ReplicationResult>& runs,
                                 int q) {
  std::vector<double> values;
  for (const auto& r : runs)
    values.push_back(static_cast<double>(r.wins[q]));
  return values;
}

}  // namespace

TEST_CASE("Poisson leads thinned by the funnel give lambda x p(first) wins a week",
          "[engine][closed-form][statistical]") {
  // 10 reps x 5 prospects a week = 50 leads a week, won at 20%: 10 wins a week (playbook §2).
  const auto model = funnel_model(5.0, {0.20, 0.35, 0.70}, 10);
  const auto runs = run(model, 400);
  for (int q = 0; q < 2; ++q) {
    const auto wins = estimate(quarter_wins(runs, q));
    // Wins in a quarter are leads of a 13-week window that won: Poisson thinning, so the
    // count is Poisson with mean 50 x 0.2 x 13 = 130 and variance 130.
    const double expected = 50.0 * 0.20 * WEEKS;
    const double standard_error = std::sqrt(expected / runs.size());
    CHECK(std::abs(wins.mean - expected) < 4.0 * standard_error);
    // Index of dispersion of a Poisson count is 1; its sampling sd is about sqrt(2 / (n - 1)).
    CHECK(std::abs(wins.variance / expected - 1.0) < 4.0 * std::sqrt(2.0 / (runs.size() - 1)));
  }
}

TEST_CASE("Bookings are wins times the deal size", "[engine][closed-form][statistical]") {
  const auto model = funnel_model(5.0, {0.20, 0.35, 0.70}, 3, 2.0);
  for (const auto& r : run(model, 50)) {
    for (int q = 0; q < 2; ++q) {
      CHECK(r.bookings[q] == Approx(2.0 * static_cast<double>(r.wins[q])));
      double rep_total = 0.0;
      for (int rep = 0; rep < 3; ++rep)
        rep_total += r.rep_bookings[rep * 2 + q];
      CHECK(rep_total == Approx(r.bookings[q]));
      CHECK(r.segments[0].wins[q] == r.wins[q]);
    }
  }
}

TEST_CASE("Week-end funnel counts follow Little's law: the playbook's standard funnel",
          "[engine][closed-form][statistical]") {
  // lambda = 50 leads a week entering intent, one week per stage: L = lambda_i x W gives
  // intent 50, solution 50 x 0.2 / 0.35 = 28.6, negotiation 50 x 0.2 / 0.7 = 14.3.
  const auto model = funnel_model(50.0, {0.20, 0.35, 0.70}, 1);
  const auto runs = run(model, 100);
  const double expected[] = {50.0, 50.0 * 0.20 / 0.35, 50.0 * 0.20 / 0.70};
  const int weeks = model.calendar.measured_weeks();
  for (int stage = 0; stage < 3; ++stage) {
    std::vector<double> counts;
    for (const auto& r : runs) {
      for (int w = 0; w < weeks; ++w) {
        counts.push_back(static_cast<double>(r.segments[0].funnel_count[w * 3 + stage]));
      }
    }
    // Each count is Poisson (an M/D/infinity queue) and fixed 7-day stages make the counts of
    // different week ends independent, so the standard error is sqrt(L / samples).
    const auto count = estimate(counts);
    INFO("stage " << stage << " mean open " << count.mean << " expected " << expected[stage]);
    CHECK(std::abs(count.mean - expected[stage]) <
          4.0 * std::sqrt(expected[stage] / counts.size()));
  }
}

TEST_CASE("Funnel amounts are the open deals' sizes", "[engine][closed-form][statistical]") {
  const auto model = funnel_model(20.0, {0.20, 0.35, 0.70}, 1, 2.5);
  for (const auto& r : run(model, 5)) {
    for (std::size_t i = 0; i < r.segments[0].funnel_count.size(); ++i) {
      CHECK(r.segments[0].funnel_amount[i] ==
            Approx(2.5 * static_cast<double>(r.segments[0].funnel_count[i])));
    }
  }
}

TEST_CASE("Existing customers win at their own rate", "[engine][closed-form][statistical]") {
  // Playbook §3: 23% of new customers win, 47% of existing ones.
  auto model = funnel_model(5.0, {0.23, 0.40, 0.70}, 10);
  model.segments[0].existing_share = 0.4;
  model.segments[0].existing_win_probability = 0.47;
  const auto runs = run(model, 400);
  const double rate = 0.6 * 0.23 + 0.4 * 0.47;
  const double expected = 50.0 * rate * WEEKS;
  const auto wins = estimate(quarter_wins(runs, 1));
  CHECK(std::abs(wins.mean - expected) < 4.0 * std::sqrt(expected / runs.size()));
}

TEST_CASE("Leads per quarter are Poisson with the prospecting rate",
          "[engine][closed-form][statistical]") {
  const auto model = funnel_model(5.0, {0.20, 0.35, 0.70}, 10);
  const auto runs = run(model, 300);
  std::vector<double> leads;
  for (const auto& r : runs)
    leads.push_back(static_cast<double>(r.segments[0].leads[0]));
  const double expected = 50.0 * WEEKS;
  CHECK(std::abs(estimate(leads).mean - expected) < 4.0 * std::sqrt(expected / runs.size()));
}

TEST_CASE("A fractional rate is thinned exactly", "[engine][closed-form][statistical]") {
  const auto model = funnel_model(2.5, {0.5, 0.8}, 4);
  const auto runs = run(model, 300);
  std::vector<double> leads;
  for (const auto& r : runs)
    leads.push_back(static_cast<double>(r.segments[0].leads[1]));
  const double expected = 10.0 * WEEKS;
  CHECK(std::abs(estimate(leads).mean - expected) < 4.0 * std::sqrt(expected / runs.size()));
}

TEST_CASE("Opportunities that sit longer than stall_days are lost", "[engine]") {
  auto model = funnel_model(5.0, {0.20, 0.35, 0.70}, 2);
  model.segments[0].stages[1].stall_days = 5.0;  // every solution stage lasts 7 days
  for (const auto& r : run(model, 20)) {
    CHECK(r.wins[0] == 0);
    CHECK(r.wins[1] == 0);
  }
}

TEST_CASE("Referrals add wins as a branching process", "[engine][closed-form][statistical]") {
  // Each win brings Poisson(r) referrals that win like any lead: total wins per week
  // lambda p / (1 - r p) while r p < 1.
  auto model = funnel_model(5.0, {0.20, 0.35, 0.70}, 10);
  funnelsim::sim::LeadSource referrals;
  referrals.name = "referrals";
  referrals.kind = funnelsim::sim::LeadSourceKind::referral;
  referrals.team = 0;
  referrals.per_win = 2.0;
  referrals.delay_days = funnelsim::sim::Distribution::exponential(7.0);
  model.sources.push_back(referrals);
  model.calendar.warmup_weeks = 20;
  const auto runs = run(model, 400);
  const double expected = 50.0 * 0.2 / (1.0 - 2.0 * 0.2) * WEEKS;
  // Clustered: a win's referrals win together, so use the sample's standard error.
  const auto wins = estimate(quarter_wins(runs, 1));
  INFO("wins " << wins.mean << " expected " << expected);
  CHECK(std::abs(wins.mean - expected) < 4.0 * wins.standard_error);
}

TEST_CASE("A marketing source adds its leads", "[engine][closed-form][statistical]") {
  auto model = funnel_model(5.0, {0.20, 0.35, 0.70}, 4);
  funnelsim::sim::LeadSource events;
  events.name = "trade-fairs";
  events.kind = funnelsim::sim::LeadSourceKind::marketing;
  events.team = 0;
  events.leads_per_week = 3.0;
  model.sources.push_back(events);
  const auto runs = run(model, 300);
  std::vector<double> leads;
  for (const auto& r : runs)
    leads.push_back(static_cast<double>(r.segments[0].leads[0]));
  const double expected = (20.0 + 3.0) * WEEKS;
  CHECK(std::abs(estimate(leads).mean - expected) < 4.0 * std::sqrt(expected / runs.size()));
}

TEST_CASE("Skill multipliers have mean one", "[engine][closed-form][statistical]") {
  auto model = funnel_model(5.0, {0.20, 0.35, 0.70}, 10);
  model.teams[0].skill = {0.3, 0.0, 0.2};
  const auto runs = run(model, 300);
  std::vector<double> leads;
  std::vector<double> bookings;
  for (const auto& r : runs) {
    leads.push_back(static_cast<double>(r.segments[0].leads[0]));
    bookings.push_back(r.bookings[0]);
  }
  // Rep traits vary between replications, so the sample's own standard error applies.
  const auto lead_estimate = estimate(leads);
  CHECK(std::abs(lead_estimate.mean - 50.0 * WEEKS) < 4.0 * lead_estimate.standard_error);
  const auto booking_estimate = estimate(bookings);
  CHECK(std::abs(booking_estimate.mean - 50.0 * 0.2 * 2.0 * WEEKS) <
        4.0 * booking_estimate.standard_error);
}

TEST_CASE("Attrition leaves territories vacant for the renewal share of the time",
          "[engine][closed-form][statistical]") {
  // Alternating renewal: tenure Exp(mean 1 / rate years), vacancy v: the long-run share of
  // time a territory is staffed is (1 / rate) / (1 / rate + v).
  auto model = funnel_model(5.0, {0.20, 0.35, 0.70}, 20);
  model.teams[0].attrition.annual_rate = 2.0;
  model.teams[0].attrition.vacancy_weeks = 13.0;
  model.calendar.warmup_weeks = 156;  // three years: the renewal process forgets its start
  const auto runs = run(model, 300);
  std::vector<double> leads;
  for (const auto& r : runs)
    leads.push_back(static_cast<double>(r.segments[0].leads[1]));
  const double staffed = 0.5 / (0.5 + 0.25);
  const auto lead_estimate = estimate(leads);
  INFO("leads " << lead_estimate.mean << " expected " << 100.0 * WEEKS * staffed);
  CHECK(std::abs(lead_estimate.mean - 100.0 * WEEKS * staffed) <
        4.0 * lead_estimate.standard_error);
}

TEST_CASE("Leavers' open opportunities are lost when the team says so", "[engine]") {
  auto model = funnel_model(5.0, {0.20, 0.35, 0.70}, 20);
  model.teams[0].attrition.annual_rate = 4.0;
  model.teams[0].attrition.vacancy_weeks = 4.0;
  auto reassigned = run(model, 100);
  model.teams[0].attrition.open_opportunities = funnelsim::sim::LeaverOpportunities::lost;
  auto lost = run(model, 100);
  double wins_reassigned = 0.0;
  double wins_lost = 0.0;
  for (const auto& r : reassigned)
    wins_reassigned += static_cast<double>(r.wins[0] + r.wins[1]);
  for (const auto& r : lost)
    wins_lost += static_cast<double>(r.wins[0] + r.wins[1]);
  // About 4 leavers a rep-year each lose about one week of wins out of their ~13-week tenure.
  CHECK(wins_lost < wins_reassigned * 0.97);
  for (const auto& r : lost) {
    for (auto count : r.segments[0].funnel_count)
      CHECK(count >= 0);
  }
}

TEST_CASE("Ramp-up lowers a new hire's prospecting", "[engine]") {
  auto model = funnel_model(5.0, {0.20, 0.35, 0.70}, 20);
  model.teams[0].attrition.annual_rate = 1.0;
  const auto without = run(model, 100);
  model.teams[0].ramp = {13.0, 0.25};
  const auto with = run(model, 100);
  double leads_without = 0.0;
  double leads_with = 0.0;
  for (const auto& r : without)
    leads_without += static_cast<double>(r.segments[0].leads[1]);
  for (const auto& r : with)
    leads_with += static_cast<double>(r.segments[0].leads[1]);
  // Same territories, same points: ramping only removes leads.
  CHECK(leads_with < leads_without);
  CHECK(leads_with > 0.7 * leads_without);
}

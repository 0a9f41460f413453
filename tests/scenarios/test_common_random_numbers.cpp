// Common random numbers: variants of a replication see the same draws wherever the model is
// the same, so comparisons between variants measure the change, not the noise.

#include <catch2/catch.hpp>

#include "funnelsim/scenarios/variants.hpp"
#include "support/collect.hpp"
#include "support/models.hpp"

namespace sim = funnelsim::sim;
using funnelsim::testing::estimate;
using funnelsim::testing::run;

namespace {

/// The playbook's branch with every optional piece of realism on except marketing leads,
/// which are shared across a team (tested separately below).
sim::Model realistic_branch() {
  sim::Model model = funnelsim::scenarios::load_scenario_file(std::string(FUNNELSIM_SOURCE_DIR) +
                                                              "/scenarios/branch.yaml")
                         .model;
  for (sim::Team& team : model.teams) {
    team.skill = {0.3, 0.2, 0.1};
    team.ramp = {13.0, 0.25};
    team.attrition = {0.4, 6.0, sim::LeaverOpportunities::lost};
  }
  model.segments[0].existing_share = 0.25;
  model.segments[0].existing_win_probability = 0.47;
  model.sources.push_back({.name = "referrals",
                           .kind = sim::LeadSourceKind::referral,
                           .team = 0,
                           .per_win = 0.4,
                           .delay_days = sim::Distribution::exponential(20.0)});
  return model;
}

/// Bookings of rep `slot` of team `team`, quarter `q`.
double rep_bookings(const sim::Model& model, const sim::ReplicationResult& result, std::size_t team,
                    int slot, int q) {
  const int rep = model.first_rep_of_team()[team] + slot;
  return result.rep_bookings[static_cast<std::size_t>(rep * model.calendar.quarters + q)];
}

constexpr std::size_t REPLICATIONS = 40;

}  // namespace

TEST_CASE("A variant that changes nothing is bit-identical to the baseline", "[crn]") {
  const std::string text = R"(
name: crn
calendar: {quarters: 2, warmup_weeks: 8}
segments:
  - name: small
    stages:
      - {name: intent, win_probability: 0.2, days: {dist: gamma, mean: 7, cv: 0.3}}
      - {name: negotiation, win_probability: 0.7, days: 7}
    deal_size: {dist: lognormal, mean: 2, cv: 1}
teams:
  - {name: territory, segment: small, headcount: 5, prospects_per_week: 5, quota_per_quarter: 25}
variants:
  - {name: same, set: {teams.territory.headcount: 5}}
sweep:
  teams.territory.prospects_per_week: [5, 6]
)";
  const auto set = funnelsim::scenarios::load_scenario_set_text(text, "crn.yaml");
  REQUIRE(set.variants.size() == 4);
  CHECK(set.variants[1].name == "same");
  CHECK(set.variants[2].name == "prospects_per_week=5");
  CHECK(set.variants[3].name == "prospects_per_week=6");
  const auto baseline = run(set.variants[0].scenario.model, REPLICATIONS);
  for (const std::size_t v : {1, 2}) {
    const auto same = run(set.variants[v].scenario.model, REPLICATIONS);
    for (std::size_t r = 0; r < REPLICATIONS; ++r) {
      CHECK(same[r].rep_bookings == baseline[r].rep_bookings);
      CHECK(same[r].segments[0].funnel_amount == baseline[r].segments[0].funnel_amount);
    }
  }
}

TEST_CASE("Adding reps leaves the existing reps' results bit-identical", "[crn]") {
  const sim::Model baseline = realistic_branch();
  sim::Model more = baseline;
  more.teams[0].headcount += 2;
  const auto before = run(baseline, REPLICATIONS);
  const auto after = run(more, REPLICATIONS);
  for (std::size_t r = 0; r < REPLICATIONS; ++r) {
    for (std::size_t team = 0; team < baseline.teams.size(); ++team) {
      for (int slot = 0; slot < baseline.teams[team].headcount; ++slot) {
        for (int q = 0; q < baseline.calendar.quarters; ++q) {
          CHECK(rep_bookings(baseline, before[r], team, slot, q) ==
                rep_bookings(more, after[r], team, slot, q));
        }
      }
    }
    // The two new reps add bookings of their own.
    CHECK(after[r].bookings[3] >= before[r].bookings[3]);
  }
}

TEST_CASE("Marketing leads shared across a team move only to the new reps", "[crn]") {
  sim::Model baseline = realistic_branch();
  baseline.sources.push_back({.name = "trade-fairs",
                              .kind = sim::LeadSourceKind::marketing,
                              .team = 0,
                              .leads_per_week = 10.0});
  baseline.teams[0].attrition = {};  // vacancies would move leads too
  sim::Model more = baseline;
  more.teams[0].headcount += 3;
  const auto before = run(baseline, REPLICATIONS);
  const auto after = run(more, REPLICATIONS);
  int unchanged = 0;
  int reps = 0;
  for (std::size_t r = 0; r < REPLICATIONS; ++r) {
    for (int slot = 0; slot < baseline.teams[0].headcount; ++slot) {
      for (int q = 0; q < baseline.calendar.quarters; ++q) {
        const double old_bookings = rep_bookings(baseline, before[r], 0, slot, q);
        const double new_bookings = rep_bookings(more, after[r], 0, slot, q);
        // Rendezvous assignment: an existing rep keeps its own leads and a subset of its
        // marketing leads, so it can only lose bookings.
        CHECK(new_bookings <= old_bookings);
        unchanged += new_bookings == old_bookings;
        ++reps;
      }
    }
  }
  // With 10 reps sharing 10 leads a week, each rep loses about 3/13 of its marketing leads:
  // most rep-quarters still change, but none gains.
  CHECK(unchanged < reps);
}

TEST_CASE("Raising a prospecting rate keeps the existing leads and adds new ones", "[crn]") {
  const sim::Model baseline = realistic_branch();
  sim::Model faster = baseline;
  faster.teams[0].prospects_per_week = 6.0;
  const auto before = run(baseline, REPLICATIONS);
  const auto after = run(faster, REPLICATIONS);
  for (std::size_t r = 0; r < REPLICATIONS; ++r) {
    for (int q = 0; q < baseline.calendar.quarters; ++q) {
      CHECK(after[r].segments[0].leads[q] > before[r].segments[0].leads[q]);
      // Every lead of the baseline has the same fate, so no rep can book less.
      for (int slot = 0; slot < baseline.teams[0].headcount; ++slot) {
        CHECK(rep_bookings(faster, after[r], 0, slot, q) >=
              rep_bookings(baseline, before[r], 0, slot, q));
      }
    }
    // The other team is untouched.
    CHECK(after[r].segments[1].bookings == before[r].segments[1].bookings);
  }
}

TEST_CASE("Raising a win probability turns some losses into wins and touches nothing else",
          "[crn]") {
  sim::Model baseline = realistic_branch();
  baseline.segments[0].existing_share = 0.0;  // existing customers keep their own rate
  sim::Model better = baseline;
  better.segments[0].stages[0].win_probability = 0.25;
  const auto before = run(baseline, REPLICATIONS);
  const auto after = run(better, REPLICATIONS);
  std::int64_t extra_wins = 0;
  for (std::size_t r = 0; r < REPLICATIONS; ++r) {
    for (int q = 0; q < baseline.calendar.quarters; ++q) {
      CHECK(after[r].wins[q] >= before[r].wins[q]);
      extra_wins += after[r].wins[q] - before[r].wins[q];
      for (int slot = 0; slot < baseline.teams[0].headcount; ++slot) {
        CHECK(rep_bookings(better, after[r], 0, slot, q) >=
              rep_bookings(baseline, before[r], 0, slot, q));
      }
    }
    CHECK(after[r].segments[1].bookings == before[r].segments[1].bookings);
  }
  CHECK(extra_wins > 0);
}

TEST_CASE("Pairing shrinks the variance of a difference between close variants",
          "[crn][statistical]") {
  // 5 versus 6 prospects a week: the paired difference of yearly bookings varies far less
  // than the difference of two independent runs, Var(X) + Var(Y).
  const auto baseline = funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 10, 2.0, 4);
  auto faster = baseline;
  faster.teams[0].prospects_per_week = 6.0;
  const auto x = run(baseline, 400);
  const auto y = run(faster, 400);
  std::vector<double> xs, ys, differences;
  for (std::size_t r = 0; r < x.size(); ++r) {
    double a = 0.0, b = 0.0;
    for (int q = 0; q < 4; ++q) {
      a += x[r].bookings[q];
      b += y[r].bookings[q];
    }
    xs.push_back(a);
    ys.push_back(b);
    differences.push_back(b - a);
  }
  const double factor =
      (estimate(xs).variance + estimate(ys).variance) / estimate(differences).variance;
  INFO("variance reduction " << factor);
  // Poisson thinning: Var(X) = 5k, Var(Y) = 6k, Var(Y - X) = k (only the added leads differ),
  // so the factor is about 11.
  CHECK(factor > 8.0);
  CHECK(factor < 14.0);
}

// plan mix: the cheapest combination of two teams' headcounts that makes the organisation's
// year with a wanted probability, against the exact Poisson answer of a single-stage funnel and
// against an exhaustive search of a small grid.

#include <algorithm>
#include <boost/math/distributions/poisson.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <optional>
#include <vector>

#include "funnelsim/experiment/plan_mix.hpp"
#include "support/models.hpp"

using funnelsim::analysis::MixEvaluation;
using funnelsim::analysis::MixQuestion;
using funnelsim::analysis::MixResult;
namespace sim = funnelsim::sim;

namespace {

constexpr double WIN = 0.5;
constexpr double RATE_A = 1.0;  // prospects a week per rep of team a
constexpr double RATE_B = 3.0;  // ... of team b: three times as productive
constexpr double COST_A = 2.0;  // 万 per rep per quarter
constexpr double COST_B = 7.0;  // more than three times as costly
constexpr double TARGET = 0.8;
constexpr std::size_t REPLICATIONS = 2000;
constexpr int RANGE = 6;  // headcounts 0..6 of each team

/// Two teams, a and b, selling one single-stage segment (7 days, deal size 1): the year (two
/// quarters, 26 weeks) books Poisson(26 p (h_a λ_a + h_b λ_b)) when every rep is tenured.
sim::Model two_teams(std::vector<double> stages = {WIN}) {
  sim::Model model = funnelsim::testing::funnel_model(RATE_A, stages, 1, 1.0);
  sim::Team& a = model.teams[0];
  a.name = "a";
  a.cost_per_rep_per_quarter = COST_A;
  sim::Team b = a;
  b.name = "b";
  b.prospects_per_week = RATE_B;
  b.cost_per_rep_per_quarter = COST_B;
  model.teams.push_back(b);
  return model;
}

MixQuestion question(double quota, bool tenured) {
  MixQuestion q;
  q.teams = {{0, 0, RANGE}, {1, 0, RANGE}};
  q.probability = TARGET;
  q.quota = quota;
  q.tenured = tenured;
  q.replications = REPLICATIONS;
  q.seed = 20261204;
  return q;
}

double exact_probability(int a, int b, double deals) {
  const double mean = 26.0 * WIN * (a * RATE_A + b * RATE_B);
  if (mean == 0.0)
    return deals <= 0.0 ? 1.0 : 0.0;
  return boost::math::cdf(boost::math::complement(boost::math::poisson(mean), deals - 1.0));
}

double seat_cost(int a, int b) {
  return 2.0 * (a * COST_A + b * COST_B);  // two quarters
}

}  // namespace

TEST_CASE("plan mix finds the exact Poisson answer: the cheapest pair of headcounts",
          "[plan][statistical]") {
  // A quota whose every combination in the grid is at least 5 standard errors (at most
  // 0.5 / √2000 each) from the target: then the simulated feasibility of each is the exact one.
  const double margin = 5.0 * 0.5 / std::sqrt(static_cast<double>(REPLICATIONS));
  double deals = 0.0;
  for (double d = 120.0; d < 200.0 && deals == 0.0; d += 1.0) {
    bool clear = true;
    for (int a = 0; a <= RANGE; ++a)
      for (int b = 0; b <= RANGE; ++b)
        clear = clear && std::abs(exact_probability(a, b, d) - TARGET) >= margin;
    if (clear)
      deals = d;
  }
  REQUIRE(deals > 0.0);
  std::optional<std::pair<int, int>> exact;
  for (int a = 0; a <= RANGE; ++a) {
    for (int b = 0; b <= RANGE; ++b) {
      if (exact_probability(a, b, deals) >= TARGET &&
          (!exact || seat_cost(a, b) < seat_cost(exact->first, exact->second)))
        exact = {a, b};
    }
  }
  REQUIRE(exact);
  INFO("quota " << deals << " deals; exact answer a " << exact->first << ", b " << exact->second);
  const MixResult result = funnelsim::analysis::plan_mix(two_teams(), question(deals, true));
  REQUIRE(result.answer);
  CHECK(result.answer->headcounts == std::vector<int>{exact->first, exact->second});
  CHECK(result.answer->cost == Approx(seat_cost(exact->first, exact->second)));
  // Every combination simulated is on the exact side of the target.
  for (const MixEvaluation& evaluation : result.frontier) {
    const double p = exact_probability(evaluation.headcounts[0], evaluation.headcounts[1], deals);
    CHECK(evaluation.meets == (p >= TARGET));
  }
  // The staircase costs at most two runs per headcount of the first team and one per headcount
  // of the second, not the whole grid of 49.
  CHECK(result.frontier.size() <= 3 * (RANGE + 1));
}

TEST_CASE("plan mix returns the cheapest of an exhaustive grid, hires on a ramp included",
          "[plan]") {
  // A three-stage funnel, commission, and hires at week 3 on a ramp: no closed form. Every
  // combination of the grid is simulated; the search must return the cheapest that meets the
  // target, with exactly that combination's estimate.
  sim::Model model = two_teams({0.2, 0.35, 0.7});
  model.teams[0].prospects_per_week = 4.0;
  model.teams[1].prospects_per_week = 9.0;
  model.teams[0].commission_rate = 0.05;
  model.teams[0].ramp = {8.0, 0.2};
  model.teams[1].ramp = {8.0, 0.2};
  model.teams[0].headcount = 2;
  model.teams[1].headcount = 1;
  MixQuestion q = question(90.0, false);
  q.hire_week = 3;
  q.replications = 200;
  q.teams = {{0, 0, 5}, {1, 0, 4}};
  std::vector<MixEvaluation> grid;
  for (int a = 0; a <= 5; ++a)
    for (int b = 0; b <= 4; ++b)
      grid.push_back(funnelsim::analysis::evaluate_mix(model, q, {a, b}));
  // Monotone in each headcount on common random numbers.
  for (const MixEvaluation& x : grid) {
    for (const MixEvaluation& y : grid) {
      if (x.headcounts[0] <= y.headcounts[0] && x.headcounts[1] <= y.headcounts[1])
        CHECK(x.probability <= y.probability);
    }
  }
  const MixEvaluation* cheapest = nullptr;
  for (const MixEvaluation& evaluation : grid) {
    if (evaluation.meets && (cheapest == nullptr || evaluation.cost < cheapest->cost))
      cheapest = &evaluation;
  }
  REQUIRE(cheapest != nullptr);
  const MixResult result = funnelsim::analysis::plan_mix(model, q);
  REQUIRE(result.answer);
  CHECK(result.answer->headcounts == cheapest->headcounts);
  CHECK(result.answer->probability == cheapest->probability);
  CHECK(result.answer->cost == cheapest->cost);
  CHECK(result.frontier.size() < grid.size());
}

// Planning searches (headcount, prospecting standard) against the exact Poisson law of a
// minimal funnel, their monotonicity under common random numbers, and the command end to end.
//
// The minimal funnel is funnel_model's with one stage of win probability p and a fixed deal
// size d: a rep's leads are Poisson with rate λ a week, the stage lasts 7 days (less than
// the 8-week warm-up), so a quarter's wins are the leads of a 13-week window that won,
// Poisson(13 λ p) by thinning, and h reps book d × Poisson(13 h λ p) 万. Quarters are
// disjoint windows, hence independent samples.

#include <sys/wait.h>

#include <algorithm>
#include <boost/math/distributions/poisson.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <string>

#include "funnelsim/experiment/plan.hpp"
#include "support/collect.hpp"
#include "support/models.hpp"
#include "support/shell.hpp"

using funnelsim::analysis::PlanEvaluation;
using funnelsim::analysis::PlanQuestion;
using funnelsim::analysis::PlanResult;
using funnelsim::testing::funnel_model;

namespace {

constexpr double WEEKS = 13.0;   // per quarter in funnel_model
constexpr double WIN = 0.5;      // the single stage's win probability
constexpr double DEAL = 2.0;     // 万, fixed
constexpr double QUOTA = 100.0;  // 万: 50 deals
constexpr double TARGET = 0.75;  // wanted probability
constexpr std::size_t REPLICATIONS = 2000;
constexpr int QUARTERS = 2;  // funnel_model's default: 4000 samples per candidate

/// P(d × Poisson(mean) >= quota), exactly.
double exact_probability(double mean_wins) {
  const double deals = std::ceil(QUOTA / DEAL);
  return boost::math::cdf(boost::math::complement(boost::math::poisson(mean_wins), deals - 1.0));
}

double mean_wins(int headcount, double prospects_per_week) {
  return WEEKS * headcount * prospects_per_week * WIN;
}

PlanQuestion question() {
  PlanQuestion q;
  q.team = 0;
  q.quota = QUOTA;
  q.probability = TARGET;
  q.replications = REPLICATIONS;
  q.seed = 20261127;
  return q;
}

bool non_decreasing(std::vector<PlanEvaluation> evaluations) {
  std::sort(evaluations.begin(), evaluations.end(),
            [](const auto& a, const auto& b) { return a.value < b.value; });
  for (std::size_t i = 1; i < evaluations.size(); ++i) {
    if (evaluations[i].probability < evaluations[i - 1].probability)
      return false;
  }
  return true;
}

bool inside(double value, const funnelsim::analysis::Interval& interval) {
  return interval.lower <= value && value <= interval.upper;
}

// The standard error of an estimated probability from n independent samples is
// sqrt(p (1 - p) / n) <= 0.5 / sqrt(n): 0.0079 for 4000 samples. A margin of 0.04 between
// the exact probability and the target is 5 standard errors, so the estimate lands on the
// exact side of the target except about once in 3.5 million runs.
constexpr double MARGIN = 0.04;
const double MAX_STANDARD_ERROR = 0.5 / std::sqrt(static_cast<double>(REPLICATIONS * QUARTERS));

}  // namespace

TEST_CASE("The headcount search finds the exact Poisson answer", "[plan][statistical]") {
  int exact = 1;
  while (exact_probability(mean_wins(exact, 1.0)) < TARGET)
    ++exact;
  // 9 reps: P = 0.882; 8 reps: P = 0.628. Both are far more than MARGIN from 0.75.
  REQUIRE(exact_probability(mean_wins(exact, 1.0)) - TARGET >= MARGIN);
  REQUIRE(TARGET - exact_probability(mean_wins(exact - 1, 1.0)) >= MARGIN);
  REQUIRE(MARGIN >= 5.0 * MAX_STANDARD_ERROR);

  // Searched up from 3 reps and down from 14: the same answer either way.
  for (const int start : {3, 14}) {
    INFO("starting headcount " << start);
    const auto model = funnel_model(1.0, {WIN}, start, DEAL);
    PlanQuestion q = question();
    q.tenured = true;  // reps added as tenured: the Poisson law of h whole reps
    const PlanResult plan = funnelsim::analysis::plan_headcount(model, q);
    CHECK(plan.answer.value == exact);
    REQUIRE(plan.previous);
    CHECK(plan.previous->value == exact - 1);
    CHECK(plan.answer.probability >= TARGET);
    CHECK(plan.previous->probability < TARGET);
    CHECK(plan.answer.samples == REPLICATIONS * QUARTERS);
    // Each 95% interval misses the exact value in 5% of seeds; the seed is fixed.
    CHECK(inside(exact_probability(mean_wins(exact, 1.0)), plan.answer.interval));
    CHECK(inside(exact_probability(mean_wins(exact - 1, 1.0)), plan.previous->interval));
    CHECK(non_decreasing(plan.evaluations));
  }
}

TEST_CASE("The prospecting search finds the exact Poisson rate within its tolerance",
          "[plan][statistical]") {
  constexpr int HEADCOUNT = 5;
  PlanQuestion q = question();
  q.tolerance = 0.05;

  // The rate at which the exact probability equals `probability`, by bisection (the tail
  // probability increases with the Poisson mean).
  const auto rate_for = [&](double probability) {
    double low = 0.0;
    double high = 100.0;
    for (int i = 0; i < 200; ++i) {
      const double middle = 0.5 * (low + high);
      (exact_probability(mean_wins(HEADCOUNT, middle)) < probability ? low : high) = middle;
    }
    return high;
  };
  const double exact = rate_for(TARGET);  // about 1.67 prospects a week
  // The search answers the smallest multiple k of the tolerance with P̂(k) >= target, P̂ of the
  // multiple below it missing. If both estimates are within 4 standard errors (one in 16,000
  // runs misses) of the exact probabilities, the answer lies in
  // [rate_for(target - 4 se), rate_for(target + 4 se) + tolerance].
  const double error = 4.0 * MAX_STANDARD_ERROR;
  const double lowest = rate_for(TARGET - error);
  const double highest = rate_for(TARGET + error) + q.tolerance;

  const auto model = funnel_model(1.0, {WIN}, HEADCOUNT, DEAL);
  const PlanResult plan = funnelsim::analysis::plan_prospecting(model, q);
  INFO("exact " << exact << ", allowed [" << lowest << ", " << highest << "], found "
                << plan.answer.value);
  CHECK(plan.answer.value >= lowest);
  CHECK(plan.answer.value <= highest);
  CHECK(std::abs(plan.answer.value / q.tolerance - std::round(plan.answer.value / q.tolerance)) <
        1e-9);
  REQUIRE(plan.previous);
  CHECK(plan.answer.value - plan.previous->value == Approx(q.tolerance));
  CHECK(plan.answer.probability >= TARGET);
  CHECK(plan.previous->probability < TARGET);
  CHECK(inside(exact_probability(mean_wins(HEADCOUNT, plan.answer.value)), plan.answer.interval));
  CHECK(inside(exact_probability(mean_wins(HEADCOUNT, plan.previous->value)),
               plan.previous->interval));
  CHECK(non_decreasing(plan.evaluations));
}

TEST_CASE("Estimates never fall as reps or prospects are added (common random numbers)", "[plan]") {
  // Every candidate of a dense sweep, not only those a search visits: with the same seed and
  // replications a rep added keeps the others' draws, and a higher rate keeps every lead.
  auto model = funnel_model(1.0, {0.2, 0.35, 0.7}, 1, DEAL);
  PlanQuestion q = question();
  q.quota = 20.0;
  q.replications = 200;
  std::vector<PlanEvaluation> by_headcount;
  for (int headcount = 1; headcount <= 12; ++headcount) {
    model.teams[0].headcount = headcount;
    by_headcount.push_back(funnelsim::analysis::evaluate_team(model, q));
  }
  CHECK(non_decreasing(by_headcount));
  CHECK(by_headcount.front().probability < by_headcount.back().probability);

  model.teams[0].headcount = 4;
  std::vector<PlanEvaluation> by_rate;
  for (double rate = 0.5; rate <= 4.0; rate += 0.25) {
    model.teams[0].prospects_per_week = rate;
    by_rate.push_back(funnelsim::analysis::evaluate_team(model, q));
    by_rate.back().value = rate;
  }
  CHECK(non_decreasing(by_rate));
  for (std::size_t i = 1; i < by_rate.size(); ++i) {
    CHECK(by_rate[i].mean_bookings >= by_rate[i - 1].mean_bookings);
  }
}

TEST_CASE("A team's estimate is the same alone as beside other teams", "[plan]") {
  // The search simulates the planned team alone; the draws are keyed by team name, so the
  // other teams cannot change its bookings.
  auto model = funnel_model(2.0, {0.2, 0.35, 0.7}, 3, DEAL);
  auto other = model.teams[0];
  other.name = "key-account";
  other.headcount = 2;
  model.teams.insert(model.teams.begin(), other);
  PlanQuestion q = question();
  q.team = 1;
  q.quota = 15.0;
  q.replications = 100;
  q.quarter = 1;
  const PlanEvaluation alone = funnelsim::analysis::evaluate_team(model, q);

  std::size_t successes = 0;
  for (const auto& replication : funnelsim::testing::run(model, 100, q.seed)) {
    double bookings = 0.0;
    for (int rep = 2; rep < 5; ++rep)
      bookings += replication.rep_bookings[static_cast<std::size_t>(rep * QUARTERS + 1)];
    successes += bookings >= q.quota ? 1 : 0;
  }
  CHECK(alone.samples == 100);
  CHECK(alone.successes == successes);
}

TEST_CASE("The headcount search for the year finds the exact Poisson answer, hires included",
          "[plan][statistical]") {
  // The year is funnel_model's two quarters summed: 26 weeks. A tenured rep's wins are the
  // leads of the 26-week window that closes them, Poisson(26 λ p); a rep hired at week 1 has no
  // leads from the warm-up's last week (each closes 7 days later), so 25 weeks: Poisson(25 λ p).
  constexpr int BASE = 3;  // the scenario's tenured reps; more are hired
  constexpr double YEAR_WEEKS = 2.0 * WEEKS;
  const auto exact_answer = [&](double deals, bool hired) {
    for (int h = 1;; ++h) {
      const int extra = std::max(0, h - BASE);
      const double mean =
          WIN * ((h - extra) * YEAR_WEEKS + extra * (hired ? YEAR_WEEKS - 1.0 : YEAR_WEEKS));
      const double p =
          boost::math::cdf(boost::math::complement(boost::math::poisson(mean), deals - 1.0));
      if (p >= TARGET)
        return std::pair{h, p};
    }
  };
  const auto probability_at = [&](double deals, bool hired, int h) {
    const int extra = std::max(0, h - BASE);
    const double mean =
        WIN * ((h - extra) * YEAR_WEEKS + extra * (hired ? YEAR_WEEKS - 1.0 : YEAR_WEEKS));
    return boost::math::cdf(boost::math::complement(boost::math::poisson(mean), deals - 1.0));
  };
  // 2000 samples (one a replication): a standard error of at most 0.0112; a quota whose
  // answers, hired and tenured, are both 5 of them clear of the target on either side.
  const double margin = 5.0 * 0.5 / std::sqrt(static_cast<double>(REPLICATIONS));
  double deals = 0.0;
  for (double d = 60.0; d < 200.0 && deals == 0.0; d += 1.0) {
    bool clear = true;
    for (const bool hired : {false, true}) {
      const auto [h, p] = exact_answer(d, hired);
      clear = clear && p - TARGET >= margin && TARGET - probability_at(d, hired, h - 1) >= margin;
    }
    if (clear)
      deals = d;
  }
  REQUIRE(deals > 0.0);
  for (const bool hired : {false, true}) {
    INFO((hired ? "hired at week 1" : "tenured") << ", quota " << deals * DEAL << " 万");
    const auto model = funnel_model(1.0, {WIN}, BASE, DEAL);
    PlanQuestion q = question();
    q.year = true;
    q.quota = deals * DEAL;
    q.tenured = !hired;
    const PlanResult plan = funnelsim::analysis::plan_headcount(model, q);
    const auto [exact, p] = exact_answer(deals, hired);
    CHECK(plan.answer.value == exact);
    CHECK(plan.answer.samples == REPLICATIONS);
    CHECK(inside(p, plan.answer.interval));
    CHECK(non_decreasing(plan.evaluations));
  }
}

TEST_CASE("The year's headcount search returns the smallest of an exhaustive grid", "[plan]") {
  // Hires at week 5 on a 6-week ramp, in a three-stage funnel: no closed form, so every
  // headcount of the grid is simulated and the search must return the smallest that meets the
  // target, with exactly that candidate's estimate (the same seed and replications).
  auto model = funnel_model(2.0, {0.2, 0.35, 0.7}, 2, DEAL);
  model.teams[0].ramp = {6.0, 0.1};
  PlanQuestion q = question();
  q.year = true;
  q.quota = 130.0;
  q.replications = 300;
  q.hire_week = 5;
  std::vector<PlanEvaluation> grid;
  for (int headcount = 1; headcount <= 14; ++headcount) {
    grid.push_back(funnelsim::analysis::evaluate_team(
        funnelsim::analysis::with_headcount(model, q, headcount), q));
    grid.back().value = headcount;
  }
  CHECK(non_decreasing(grid));
  const auto smallest = std::find_if(grid.begin(), grid.end(), [&](const PlanEvaluation& e) {
    return e.probability >= q.probability;
  });
  REQUIRE(smallest != grid.end());
  REQUIRE(smallest != grid.begin());
  const PlanResult plan = funnelsim::analysis::plan_headcount(model, q);
  CHECK(plan.answer.value == smallest->value);
  CHECK(plan.answer.probability == smallest->probability);
  CHECK(plan.answer.mean_bookings == smallest->mean_bookings);
  // Hired reps book less than tenured ones would: the search's answer is never smaller.
  q.tenured = true;
  CHECK(funnelsim::analysis::plan_headcount(model, q).answer.value <= plan.answer.value);
}

TEST_CASE("Planning questions are checked before any simulation", "[plan][process]") {
  using funnelsim::analysis::PlanError;
  const auto model = funnel_model(1.0, {WIN}, 3, DEAL);
  CHECK_THROWS_WITH(
      funnelsim::analysis::find_team(model, "teritory"),
      Catch::Contains("did you mean 'territory'") && Catch::Contains("teams: territory"));
  CHECK_THROWS_WITH(funnelsim::analysis::find_team(model, "sales"),
                    !Catch::Contains("did you mean") && Catch::Contains("teams: territory"));
  for (const double probability : {0.0, 1.0, -0.5, 1.5}) {
    PlanQuestion q = question();
    q.probability = probability;
    CHECK_THROWS_AS(funnelsim::analysis::plan_headcount(model, q), PlanError);
  }
  PlanQuestion q = question();
  q.quota = 0.0;
  CHECK_THROWS_WITH(funnelsim::analysis::plan_headcount(model, q),
                    Catch::Contains("quota must be a positive"));
  q = question();
  q.replications = 0;
  CHECK_THROWS_AS(funnelsim::analysis::plan_prospecting(model, q), PlanError);
  q = question();
  q.quarter = 2;
  CHECK_THROWS_WITH(funnelsim::analysis::plan_headcount(model, q),
                    Catch::Contains("quarter 3 out of range"));
  q = question();
  q.max_headcount = 4;
  q.replications = 50;
  CHECK_THROWS_WITH(funnelsim::analysis::plan_headcount(model, q),
                    Catch::Contains("not reachable with up to 4 reps"));
}

// --- the command, end to end -----------------------------------------------------------------

namespace {

using ::funnelsim::testing::Outcome;
using ::funnelsim::testing::shell_output;

const std::string PLAN = std::string(FUNNELSIM_CLI) + " plan ";
const std::string BRANCH = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
const std::string TERRITORY = " --team territory --quota 300 --probability 0.9 -n 30 ";

}  // namespace

TEST_CASE("plan headcount --json prints an object Python reads", "[plan][cli][process]") {
  const Outcome outcome = shell_output(
      PLAN + "headcount " + BRANCH + TERRITORY + "--quarter 2 --json -q | /usr/bin/python3 -c '" +
      "import json, sys; d = json.load(sys.stdin); "
      "assert d[\"previous\"][\"headcount\"] == d[\"headcount\"] - 1; "
      "assert len(d[\"interval\"]) == 2 and d[\"interval\"][0] <= d[\"probability\"]; "
      "print(d[\"team\"], d[\"quarter\"], d[\"replications\"], d[\"seed\"], "
      "len(d[\"evaluations\"]) > 0, d[\"headcount\"] > 0)' 2>&1");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.output == "territory 2 30 42 True True\n");
}

TEST_CASE(
    "plan headcount --quarter year takes the scenario's quota, the team's or the "
    "organisation's",
    "[plan][cli][process]") {
  // branch.yaml: territory reps carry 18.83 + 23.96 + 20.54 + 22.25 = 85.58 万 a year each, 10
  // of them 855.8; the organisation's quota is 1045 x 1.17 = 1222.65 万.
  const std::string common = " --team territory --probability 0.5 -n 40 --quarter year --json -q";
  const std::string python =
      " | /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); "
      "print(d[\"quarter\"], d[\"target\"], round(float(d[\"quota\"]), 6), d[\"added_reps\"])' "
      "2>&1";
  Outcome outcome = shell_output(PLAN + "headcount " + BRANCH + common + python);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.output == "year team 855.8 {'hired_at_week': 1}\n");
  outcome = shell_output(PLAN + "headcount " + BRANCH + common +
                         " --organisation --tenured --max-headcount 40" + python);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.output == "year organisation 1222.65 tenured\n");
}

TEST_CASE("plan prospecting --json has the rate", "[plan][cli][process]") {
  const Outcome outcome =
      shell_output(PLAN + "prospecting " + BRANCH + TERRITORY + "--tolerance 0.25 --json -q | " +
                   "/usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); "
                   "print(d[\"quarter\"], d[\"prospects_per_week\"] > 0, d[\"tolerance\"])' 2>&1");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.output == "all True 0.25\n");
}

TEST_CASE("plan headcount prints the candidates and a one-line reading", "[plan][cli][process]") {
  const Outcome outcome = shell_output(PLAN + "headcount " + BRANCH + TERRITORY + "-q 2>&1");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.output.find("<- answer") != std::string::npos);
  const auto reading = outcome.output.find(" territory reps make a 300 万 quarter with ");
  REQUIRE(reading != std::string::npos);
  CHECK(outcome.output.find(" probability [", reading) != std::string::npos);
  CHECK(outcome.output.find(" reps: ", reading) != std::string::npos);
}

TEST_CASE("plan rejects an unknown team and bad targets with exit code 2", "[plan][cli][process]") {
  Outcome outcome = shell_output(PLAN + "headcount " + BRANCH +
                                 " --team teritory --quota 300 --probability 0.9 2>&1");
  CHECK(outcome.exit_code == 2);
  CHECK(outcome.output.find("unknown team 'teritory'; did you mean 'territory'?") !=
        std::string::npos);
  CHECK(outcome.output.find("territory, key-account") != std::string::npos);

  outcome = shell_output(PLAN + "prospecting " + BRANCH +
                         " --team territory --quota 300 --probability 1.2 2>&1");
  CHECK(outcome.exit_code == 2);
  CHECK(outcome.output.find("probability must be in (0, 1), got 1.2") != std::string::npos);

  outcome = shell_output(PLAN + "headcount " + BRANCH + TERRITORY + "--quarter 5 2>&1");
  CHECK(outcome.exit_code == 2);
  CHECK(outcome.output.find("--quarter: must be 'year' or a quarter in 1..4") != std::string::npos);
  outcome = shell_output(PLAN + "headcount " + BRANCH + TERRITORY + "--quarter yeer 2>&1");
  CHECK(outcome.exit_code == 2);
  CHECK(outcome.output.find("got 'yeer'") != std::string::npos);
}

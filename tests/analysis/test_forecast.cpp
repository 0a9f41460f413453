// The forecast models of playbook §4 and the standard funnel of §2, each checked against the
// arithmetic done by hand (in the comments) and against the playbook's own numbers; and the
// two commands end to end.

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/scenarios/snapshot.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

using funnelsim::analysis::ForecastError;
using funnelsim::analysis::Snapshot;
using funnelsim::scenarios::InputError;
using funnelsim::scenarios::load_snapshot_file;
namespace analysis = funnelsim::analysis;

const std::string SOURCE = FUNNELSIM_SOURCE_DIR;
const std::string EXAMPLE = SOURCE + "/scenarios/snapshots/branch-week7.yaml";
const std::string KEY_ACCOUNTS = SOURCE + "/scenarios/snapshots/key-accounts-week7.yaml";

/// The loaded file as the models see it (the command does the same copy).

Snapshot example() {
  return load_snapshot_file(EXAMPLE);
}

/// The playbook's small-project stages with the given counts.
Snapshot small_funnel(int intent, int solution, int negotiation) {
  Snapshot snapshot;
  snapshot.quota = 240.0;
  snapshot.realized = 60.0;
  snapshot.weeks_remaining = 6.0;
  snapshot.average_deal = 2.0;
  snapshot.stages = {{"intent", 0.20, intent, std::nullopt},
                     {"solution", 0.35, solution, std::nullopt},
                     {"negotiation", 0.70, negotiation, std::nullopt}};
  return snapshot;
}

// Exact decimal arithmetic in binary floating point: equal to a few ulps.
Approx near(double value) {
  return Approx(value).epsilon(1e-12).margin(1e-12);
}

}  // namespace

TEST_CASE("the example snapshot loads with its defaults", "[forecast]") {
  const funnelsim::analysis::Snapshot file = load_snapshot_file(EXAMPLE);
  CHECK(file.quota == 240.0);
  CHECK(file.realized == 60.0);
  CHECK(file.weeks_remaining == 6.0);
  CHECK(file.weeks_in_quarter == 13.0);
  REQUIRE(file.stages.size() == 3);
  CHECK(file.stages[1].name == "solution");
  CHECK(file.stages[1].count == 40);
  CHECK_FALSE(file.stages[1].amount);
  REQUIRE(file.calls);
  CHECK(file.calls->possible == 90.0);
  CHECK(file.receipts.paid_within_year == 0.70);
  CHECK_FALSE(file.gap_ladder.p3);
}

TEST_CASE("funnel model: expected wins, amount, gap and new opportunities (4a)", "[forecast]") {
  const analysis::FunnelForecast funnel = analysis::forecast_funnel(example());
  // 120 x 0.20 + 40 x 0.35 + 20 x 0.70 = 24 + 14 + 14 = 52 wins
  CHECK(funnel.stage_expected_wins[0] == near(24.0));
  CHECK(funnel.stage_expected_wins[1] == near(14.0));
  CHECK(funnel.stage_expected_wins[2] == near(14.0));
  CHECK(funnel.expected_wins == near(52.0));
  // 52 x 2 = 104; gap 240 - 60 - 104 = 76; 76 / 2 / 0.20 = 190 new opportunities
  CHECK(funnel.average_deal == 2.0);
  CHECK(funnel.average_deal_source == analysis::AverageDealSource::given);
  CHECK(funnel.expected_amount == near(104.0));
  CHECK(funnel.remaining_quota == near(180.0));
  CHECK(funnel.amount_gap == near(76.0));
  CHECK(funnel.new_opportunity_win_probability == 0.20);
  CHECK(funnel.new_opportunities_needed == near(190.0));
}

TEST_CASE("funnel model: a funnel that covers the quota needs no new opportunities", "[forecast]") {
  // 200 x 0.2 + 100 x 0.35 + 50 x 0.7 = 40 + 35 + 35 = 110 wins = 220 万 > 180 万 remaining
  const analysis::FunnelForecast funnel = analysis::forecast_funnel(small_funnel(200, 100, 50));
  CHECK(funnel.amount_gap == near(-40.0));
  CHECK(funnel.new_opportunities_needed == 0.0);
}

TEST_CASE("funnel model: new opportunities may win at their own probability", "[forecast]") {
  Snapshot snapshot = small_funnel(120, 40, 20);
  snapshot.new_opportunity_win_probability = 0.25;
  // 76 / 2 / 0.25 = 152
  CHECK(analysis::forecast_funnel(snapshot).new_opportunities_needed == near(152.0));
}

TEST_CASE("funnel model: the week-by-week projection of the course (4a)", "[forecast]") {
  const analysis::FunnelForecast funnel = analysis::forecast_funnel(example());
  REQUIRE(funnel.projection);
  const analysis::FunnelProjection& p = *funnel.projection;
  // One week per stage: negotiation closes in week 1 (20 x 0.7 = 14), solution in week 2
  // (40 x 0.35 = 14), intent in week 3 (120 x 0.2 = 24).
  REQUIRE(p.wins_by_week.size() == 3);
  CHECK(p.wins_by_week[0] == near(14.0));
  CHECK(p.wins_by_week[1] == near(14.0));
  CHECK(p.wins_by_week[2] == near(24.0));
  // All within 6 weeks: 52. Needed 180 / 2 = 90, 15 a week; 38 short. New entries take 3
  // weeks to close, so they must enter within 6 - 3 = 3 weeks.
  CHECK(p.wins_in_quarter == near(52.0));
  CHECK(p.wins_needed == near(90.0));
  REQUIRE(p.wins_needed_per_week);
  CHECK(*p.wins_needed_per_week == near(15.0));
  CHECK(p.wins_short == near(38.0));
  CHECK(p.weeks_to_close_new == 3.0);
  CHECK(p.entry_window_weeks == 3.0);

  // Two weeks per stage and 4 weeks left: intent's wins (week 6) fall after the quarter.
  Snapshot slow = small_funnel(120, 40, 20);
  slow.weeks_remaining = 4.0;
  slow.weeks_per_stage = 2.0;
  const analysis::FunnelProjection q = *analysis::forecast_funnel(slow).projection;
  REQUIRE(q.wins_by_week.size() == 6);
  CHECK(q.wins_by_week[1] == near(14.0));
  CHECK(q.wins_by_week[3] == near(14.0));
  CHECK(q.wins_by_week[5] == near(24.0));
  CHECK(q.wins_in_quarter == near(28.0));
  CHECK(q.entry_window_weeks == -2.0);
}

TEST_CASE("the average deal is funnel amount over funnel count when not given", "[forecast]") {
  const Snapshot snapshot = load_snapshot_file(KEY_ACCOUNTS);
  // (400 + 300 + 200 + 150 + 100) / (10 + 6 + 4 + 3 + 2) = 1150 / 25 = 46
  CHECK(analysis::average_deal(snapshot) == near(46.0));
  CHECK(analysis::average_deal_source(snapshot) == analysis::AverageDealSource::funnel_amount);
}

TEST_CASE("amount funnel: expected receipts and gap for large projects (4b)", "[forecast]") {
  const auto forecast = analysis::forecast_amount_funnel(load_snapshot_file(KEY_ACCOUNTS));
  REQUIRE(forecast);
  // 400 x 0.1 = 40, 300 x 0.2 = 60, 200 x 0.3 = 60, 150 x 0.5 = 75, 100 x 0.7 = 70: 305
  CHECK(forecast->stage_expected_revenue[3] == near(75.0));
  CHECK(forecast->expected_revenue == near(305.0));
  CHECK(forecast->closing_stage_expected_revenue == near(70.0));
  // (70 x 0.70 x 0.50 + 10) x 0.75 = (24.5 + 10) x 0.75 = 25.875; gap 100 - 25.875 - 20
  CHECK(forecast->expected_receipts == near(25.875));
  CHECK(forecast->amount_gap == near(54.125));
  // Without amounts the model does not apply.
  CHECK_FALSE(analysis::forecast_amount_funnel(example()));
}

TEST_CASE("commit model: the reps' calls weighted by alpha, beta, gamma (4c)", "[forecast]") {
  const auto commit = analysis::forecast_commit(example());
  REQUIRE(commit);
  // 50 x 0.75 = 37.5; 90 x 0.25 = 22.5; 240 x 0.04 x 6 = 57.6
  CHECK(commit->committed_part == near(37.5));
  CHECK(commit->possible_part == near(22.5));
  CHECK(commit->unforecast_part == near(57.6));
  // 60 + 37.5 + 22.5 + 57.6 = 177.6; 177.6 / 240 = 0.74
  CHECK(commit->forecast == near(177.6));
  CHECK(commit->completion_rate == near(0.74));
  CHECK_FALSE(analysis::forecast_commit(small_funnel(1, 1, 1)));  // no calls
}

TEST_CASE("commit model with the course's worked alpha of 70%", "[forecast]") {
  Snapshot snapshot = example();
  snapshot.weights.committed = 0.70;
  snapshot.weeks_remaining = 0.0;
  // 60 + 50 x 0.7 + 90 x 0.25 + 0 = 60 + 35 + 22.5 = 117.5
  CHECK(analysis::forecast_commit(snapshot)->forecast == near(117.5));
}

TEST_CASE("gap ladder: the playbook's illustrative numbers (4d)", "[forecast]") {
  Snapshot snapshot;
  snapshot.quota = 50.0;
  snapshot.realized = 10.0;
  snapshot.weeks_remaining = 8.0;
  snapshot.average_deal = 2.0;
  snapshot.stages = {{"intent", 0.20, 0, std::nullopt}};
  snapshot.calls = analysis::Calls{20.0, 40.0};
  snapshot.gap_ladder = {0.70, 0.25, 0.20, 2.0};
  const auto ladder = analysis::forecast_gap_ladder(snapshot);
  REQUIRE(ladder);
  // Gap0 = 50 - 10 = 40; Gap1 = 40 - 20 x 0.7 = 26; Gap2 = 26 - 40 x 0.25 = 16;
  // Gap3 = 16 / 0.2 = 80; NA = 80 / 2 = 40; 40 / 8 weeks = 5 a week
  CHECK(ladder->gap0 == near(40.0));
  CHECK(ladder->gap1 == near(26.0));
  CHECK(ladder->gap2 == near(16.0));
  CHECK(ladder->gap3 == near(80.0));
  CHECK(ladder->new_customers_needed == near(40.0));
  REQUIRE(ladder->weekly_prospecting_target);
  CHECK(*ladder->weekly_prospecting_target == near(5.0));
}

TEST_CASE("gap ladder: defaults the course's P1 70% and P2 25%, first stage, average deal",
          "[forecast]") {
  // The course's ladder (playbook 4d) uses P1 = 70%, not the commit model's alpha of 75%.
  const auto ladder = analysis::forecast_gap_ladder(example());
  REQUIRE(ladder);
  CHECK(ladder->p1 == 0.70);
  CHECK(ladder->p2 == 0.25);
  CHECK(ladder->p3 == 0.20);
  CHECK(ladder->p4 == 2.0);
  // 180; 180 - 50 x 0.7 = 145; 145 - 90 x 0.25 = 122.5; 122.5 / 0.2 = 612.5; / 2 = 306.25;
  // / 6 weeks = 51.04
  CHECK(ladder->gap1 == near(145.0));
  CHECK(ladder->gap2 == near(122.5));
  CHECK(ladder->gap3 == near(612.5));
  CHECK(ladder->new_customers_needed == near(306.25));
  CHECK(*ladder->weekly_prospecting_target == near(306.25 / 6.0));
}

TEST_CASE("gap ladder: a covered gap needs no pipeline, and no weeks means no target",
          "[forecast]") {
  Snapshot snapshot = example();
  snapshot.calls = analysis::Calls{200.0, 0.0};
  snapshot.weeks_remaining = 0.0;
  const auto ladder = analysis::forecast_gap_ladder(snapshot);
  // 180 - 200 x 0.70 = 40; 40 - 0 = 40 > 0 still
  CHECK(ladder->gap2 == near(40.0));
  CHECK_FALSE(ladder->weekly_prospecting_target);
  snapshot.calls = analysis::Calls{300.0, 0.0};
  // 180 - 300 x 0.70 = -30: no new pipeline
  CHECK(analysis::forecast_gap_ladder(snapshot)->gap2 == near(-30.0));
  CHECK(analysis::forecast_gap_ladder(snapshot)->gap3 == 0.0);
  CHECK(analysis::forecast_gap_ladder(snapshot)->new_customers_needed == 0.0);
}

TEST_CASE("run rate: realized per elapsed week times the quarter", "[forecast]") {
  const auto rate = analysis::forecast_run_rate(example());
  REQUIRE(rate);
  // 13 - 6 = 7 weeks elapsed; 60 / 7 x 13 = 111.428571...; / 240 = 0.4642857...
  CHECK(rate->weeks_elapsed == 7.0);
  CHECK(rate->per_week == near(60.0 / 7.0));
  CHECK(rate->forecast == near(780.0 / 7.0));
  CHECK(rate->completion_rate == near(780.0 / 7.0 / 240.0));
  Snapshot first_day = example();
  first_day.weeks_remaining = 13.0;
  CHECK_FALSE(analysis::forecast_run_rate(first_day));  // undefined: nothing elapsed
}

TEST_CASE("coverage: pipeline over remaining quota, against 1 / win probability", "[forecast]") {
  const auto coverage = analysis::forecast_coverage(example());
  REQUIRE(coverage);
  // pipeline 180 x 2 = 360; remaining 180; coverage 2
  CHECK(coverage->pipeline_amount == near(360.0));
  CHECK(coverage->remaining_quota == near(180.0));
  CHECK(coverage->coverage == near(2.0));
  // by amount: (240 x 0.2 + 80 x 0.35 + 40 x 0.7) / 360 = 104 / 360 = 0.2888...;
  // required 360 / 104 = 3.4615...; needed 180 x 3.4615 = 623.08; short 263.08
  CHECK(coverage->win_probability == near(104.0 / 360.0));
  CHECK(coverage->required_coverage == near(360.0 / 104.0));
  CHECK(coverage->pipeline_required == near(180.0 * 360.0 / 104.0));
  CHECK(coverage->pipeline_short == near(180.0 * 360.0 / 104.0 - 360.0));

  const auto large = analysis::forecast_coverage(load_snapshot_file(KEY_ACCOUNTS));
  // stage amounts: 1150 / (100 - 20) = 14.375; p = 305 / 1150; required 1150 / 305
  CHECK(large->coverage == near(14.375));
  CHECK(large->required_coverage == near(1150.0 / 305.0));
  CHECK(large->pipeline_short == 0.0);

  Snapshot met = example();
  met.realized = 250.0;
  CHECK_FALSE(analysis::forecast_coverage(met));  // nothing left to cover
  Snapshot empty = small_funnel(0, 0, 0);
  CHECK(analysis::forecast_coverage(empty)->win_probability == 0.20);  // first stage's
}

TEST_CASE("forecast_all computes each model the snapshot allows", "[forecast]") {
  const analysis::ForecastReport report = analysis::forecast_all(example());
  CHECK(report.commit);
  CHECK(report.gap_ladder);
  CHECK(report.run_rate);
  CHECK(report.coverage);
  CHECK_FALSE(report.amount_funnel);
  const analysis::ForecastReport large = analysis::forecast_all(load_snapshot_file(KEY_ACCOUNTS));
  CHECK(large.amount_funnel);
  CHECK_FALSE(large.commit);
  CHECK_FALSE(large.gap_ladder);
}

TEST_CASE("the models reject a snapshot built wrong in code", "[forecast]") {
  Snapshot snapshot = small_funnel(1, 2, 3);
  snapshot.quota = 0.0;
  CHECK_THROWS_AS(analysis::forecast_all(snapshot), ForecastError);
  snapshot = small_funnel(1, 2, 3);
  snapshot.stages[1].win_probability = 1.3;
  CHECK_THROWS_WITH(analysis::forecast_funnel(snapshot),
                    "stages.solution.win_probability: must be in (0, 1], got 1.3");
  snapshot = small_funnel(1, 2, 3);
  snapshot.average_deal.reset();
  CHECK_THROWS_AS(analysis::forecast_funnel(snapshot), ForecastError);
  snapshot = small_funnel(1, 2, 3);
  snapshot.stages.clear();
  // No stages: the funnel model cannot run; the others need no funnel (their own test below).
  CHECK_THROWS_WITH(analysis::forecast_funnel(snapshot),
                    "stages: the funnel model needs the funnel's stages");
  snapshot = small_funnel(1, 2, 3);
  snapshot.weeks_remaining = 14.0;
  CHECK_THROWS_AS(analysis::forecast_run_rate(snapshot), ForecastError);
}

TEST_CASE("the quarter's small-project quota from the annual one (2)", "[forecast]") {
  // 1045 x 1.17 x 0.70 x 0.28 = 1222.65 x 0.196 = 239.6394; the playbook says about 240
  const double quota = analysis::quarter_quota_from_annual(1045.0, 1.17, 0.70, 0.28);
  CHECK(quota == near(239.6394));
  CHECK(quota == Approx(240.0).margin(0.5));
  CHECK_THROWS_AS(analysis::quarter_quota_from_annual(1045.0, 1.17, 1.2, 0.28), ForecastError);
}

TEST_CASE("the standard funnel of the course example (2)", "[forecast]") {
  analysis::FunnelPlanInput input;
  input.quota = 240.0;
  input.average_deal = 2.0;
  input.weeks_per_stage = 1.0;
  input.stages = {{"intent", 0.20}, {"solution", 0.35}, {"negotiation", 0.70}};
  const analysis::StandardFunnel funnel = analysis::plan_standard_funnel(input);
  // 240 / 2 = 120 wins; / 12 weeks = 10 a week
  CHECK(funnel.wins_needed == near(120.0));
  CHECK(funnel.wins_per_week == near(10.0));
  // 10 x 1 / 0.2 = 50; 10 / 0.35 = 28.57 (the course rounds to 30); 10 / 0.7 = 14.29 (15)
  REQUIRE(funnel.stages.size() == 3);
  CHECK(funnel.stages[0].count == near(50.0));
  CHECK(funnel.stages[1].count == near(10.0 / 0.35));
  CHECK(funnel.stages[1].count == Approx(28.6).margin(0.05));
  CHECK(funnel.stages[2].count == Approx(14.3).margin(0.05));
  // 10 / 0.2 = 50 new opportunities a week; at 5 prospects per rep, 10 reps
  CHECK(funnel.new_opportunities_per_week == near(50.0));
  CHECK(funnel.reps_exact == near(10.0));
  CHECK(funnel.reps_needed == 10);

  input.prospects_per_rep = 4.0;  // 50 / 4 = 12.5: 13 reps
  CHECK(analysis::plan_standard_funnel(input).reps_needed == 13);
  input.weeks_per_stage = 2.0;  // twice the time in each stage, twice the opportunities
  CHECK(analysis::plan_standard_funnel(input).stages[0].count == near(100.0));
}

TEST_CASE("the large-project standard funnel at two wins a period (2)", "[forecast]") {
  analysis::FunnelPlanInput input;
  input.quota = 24.0;  // 24 / 1 = 24 wins / 12 = K = 2
  input.average_deal = 1.0;
  input.weeks_per_stage = 1.0;
  input.stages = {{"potential", 0.10},
                  {"intent", 0.20},
                  {"approved", 0.30},
                  {"recognized", 0.50},
                  {"negotiation", 0.70}};
  const analysis::StandardFunnel funnel = analysis::plan_standard_funnel(input);
  // 2 / p: 20, 10, 6.67 (course 7), 4, 2.86 (course 3)
  CHECK(funnel.stages[0].count == near(20.0));
  CHECK(funnel.stages[1].count == near(10.0));
  CHECK(funnel.stages[2].count == near(2.0 / 0.3));
  CHECK(funnel.stages[3].count == near(4.0));
  CHECK(funnel.stages[4].count == near(2.0 / 0.7));
}

TEST_CASE("the standard funnel rejects an impossible plan", "[forecast]") {
  analysis::FunnelPlanInput input;
  input.quota = 240.0;
  input.average_deal = 2.0;
  input.weeks_per_stage = 1.0;
  CHECK_THROWS_WITH(analysis::plan_standard_funnel(input), Catch::Contains("at least one stage"));
  input.stages = {{"intent", 0.35}, {"solution", 0.20}};
  CHECK_THROWS_WITH(analysis::plan_standard_funnel(input),
                    Catch::Contains("win probabilities must increase"));
  input.stages = {{"intent", 0.2}};
  input.average_deal = 0.0;
  CHECK_THROWS_AS(analysis::plan_standard_funnel(input), ForecastError);
}

// The bad-snapshot corpus (tests/bad_snapshots/) is checked file by file in
// test_bad_input.cpp, with the bad scenarios.

namespace {

std::string bad_snapshot(const std::string& file) {
  return SOURCE + "/tests/bad_snapshots/" + file;
}

}  // namespace

TEST_CASE("a snapshot error reads gcc-style", "[forecast][process]") {
  const std::string path = bad_snapshot("probability_above_one.yaml");
  CHECK_THROWS_WITH(
      load_snapshot_file(path),
      path + ":7:39: stages.solution.win_probability: must be in [1e-06, 1], got 1.3");
  CHECK_THROWS_WITH(load_snapshot_file(bad_snapshot("no_such_file.yaml")),
                    Catch::Contains("cannot read: No such file or directory"));
}

// The commands end to end, through the binary.

namespace {

using ::funnelsim::testing::Outcome;

/// Runs a shell command line from the source directory.
Outcome shell_output(const std::string& command_line) {
  return ::funnelsim::testing::shell_output("cd '" + SOURCE + "' && " + command_line);
}

Outcome run_cli(const std::string& arguments) {
  return shell_output(std::string(FUNNELSIM_CLI) + " " + arguments + " 2>&1");
}

/// Exit code of python's json.load on the command's stdout.
int json_check(const std::string& arguments) {
  return shell_output(std::string(FUNNELSIM_CLI) + " " + arguments +
                      " | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)'")
      .exit_code;
}

// Regenerate: funnelsim forecast scenarios/snapshots/branch-week7.yaml --json (from the
// source directory), after checking each number against the hand calculations above.
const char* EXAMPLE_JSON = R"({
  "snapshot": "scenarios/snapshots/branch-week7.yaml",
  "quota": 240,
  "realized": 60,
  "weeks_remaining": 6,
  "weeks_in_quarter": 13,
  "funnel": {
    "stages": [
      {"name": "intent", "win_probability": 0.2, "count": 120, "expected_wins": 24},
      {"name": "solution", "win_probability": 0.35, "count": 40, "expected_wins": 14},
      {"name": "negotiation", "win_probability": 0.7, "count": 20, "expected_wins": 14}
    ],
    "expected_wins": 52,
    "average_deal": 2,
    "average_deal_source": "given",
    "expected_amount": 104,
    "remaining_quota": 180,
    "amount_gap": 76,
    "gap": true,
    "new_opportunity_win_probability": 0.2,
    "new_opportunities_needed": 190,
    "projection": {
      "weeks_per_stage": 1,
      "wins_by_week": [14, 14, 24],
      "wins_in_quarter": 52,
      "wins_needed": 90,
      "wins_needed_per_week": 15,
      "wins_short": 38,
      "weeks_to_close_new": 3,
      "entry_window_weeks": 3
    }
  },
  "commit": {
    "committed": 50,
    "alpha": 0.75,
    "committed_part": 37.5,
    "possible": 90,
    "beta": 0.25,
    "possible_part": 22.5,
    "gamma": 0.04,
    "unforecast_part": 57.599999999999994,
    "forecast": 177.6,
    "completion_rate": 0.74
  },
  "gap_ladder": {
    "p1": 0.7,
    "p2": 0.25,
    "p3": 0.2,
    "p4": 2,
    "gap0": 180,
    "gap1": 145,
    "gap2": 122.5,
    "gap3": 612.5,
    "new_customers_needed": 306.25,
    "weekly_prospecting_target": 51.041666666666664
  },
  "verdict": {
    "governed_by": "count",
    "reason": "no stage amounts: only the count model applies",
    "gap": 76
  },
  "skipped": [
    {"model": "amount funnel", "missing": "stages' amount"}
  ],
  "action_plan": {
    "wins_per_week": 15,
    "new_opportunities_per_week": 63.333333333333336,
    "entry_window_weeks": 3,
    "funnel_by_now": [
      {"name": "intent", "standard": 75, "actual": 120},
      {"name": "solution", "standard": 42.85714285714286, "actual": 40},
      {"name": "negotiation", "standard": 21.42857142857143, "actual": 20}
    ]
  },
  "run_rate": {
    "weeks_elapsed": 7,
    "per_week": 8.571428571428571,
    "forecast": 111.42857142857143,
    "completion_rate": 0.4642857142857143
  },
  "coverage": {
    "pipeline_amount": 360,
    "remaining_quota": 180,
    "coverage": 2,
    "win_probability": 0.28888888888888886,
    "required_coverage": 3.4615384615384617,
    "pipeline_required": 623.0769230769231,
    "pipeline_short": 263.0769230769231
  }
}
)";

}  // namespace

TEST_CASE("forecast --json of the example snapshot, complete", "[forecast][cli][process]") {
  const Outcome outcome = run_cli("forecast scenarios/snapshots/branch-week7.yaml --json");
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.output == EXAMPLE_JSON);
}

TEST_CASE("forecast prints every model the snapshot allows", "[forecast][cli][process]") {
  const Outcome small = run_cli("forecast scenarios/snapshots/branch-week7.yaml");
  INFO(small.output);
  CHECK(small.exit_code == 0);
  for (const char* line :
       {"Funnel model", "Commit model", "Gap ladder", "Run rate", "Coverage", "= 190.0", "= 177.6",
        "= 612.5 of pipeline", "= 111.4", "  amount funnel (no stages' amount)"}) {
    CHECK(small.output.find(line) != std::string::npos);
  }
  const Outcome large = run_cli("forecast scenarios/snapshots/key-accounts-week7.yaml");
  INFO(large.output);
  CHECK(large.exit_code == 0);
  CHECK(large.output.find("Amount funnel") != std::string::npos);
  CHECK(large.output.find("= 25.9") != std::string::npos);
  CHECK(large.output.find("Commit model") == std::string::npos);
  CHECK(json_check("forecast scenarios/snapshots/key-accounts-week7.yaml --json") == 0);
  CHECK(json_check("forecast scenarios/snapshots/branch-week7.yaml --json") == 0);
}

TEST_CASE("forecast fits 80 columns", "[forecast][cli][process]") {
  for (const char* file : {"branch-week7.yaml", "key-accounts-week7.yaml"}) {
    const Outcome outcome = run_cli(std::string("forecast scenarios/snapshots/") + file);
    std::size_t start = 0;
    while (start < outcome.output.size()) {
      const std::size_t end = outcome.output.find('\n', start);
      const std::string line = outcome.output.substr(start, end - start);
      // 万 is three bytes wide in UTF-8 and two columns on a terminal.
      std::size_t columns = 0;
      for (std::size_t i = 0; i < line.size(); ++i) {
        const auto byte = static_cast<unsigned char>(line[i]);
        columns += (byte & 0xC0) == 0x80 ? 0 : (byte >= 0xE0 ? 2 : 1);
      }
      INFO(line);
      CHECK(columns <= 80);
      start = end == std::string::npos ? outcome.output.size() : end + 1;
    }
  }
}

TEST_CASE("forecast rejects a bad snapshot with exit code 2 and its location",
          "[forecast][cli][process]") {
  const Outcome outcome = run_cli("forecast tests/bad_snapshots/probability_above_one.yaml");
  CHECK(outcome.exit_code == 2);
  CHECK(outcome.output ==
        "tests/bad_snapshots/probability_above_one.yaml:7:39: "
        "stages.solution.win_probability: must be in [1e-06, 1], got 1.3\n");
  CHECK(run_cli("forecast tests/bad_snapshots/no_such_file.yaml").exit_code == 2);
  CHECK(run_cli("forecast").exit_code == 2);
  CHECK(run_cli("forecast --help").exit_code == 0);
}

TEST_CASE("plan funnel prints the course's standard funnel", "[forecast][cli][process]") {
  const Outcome text = run_cli("plan funnel --quota 240 --average-deal 2 --weeks-per-stage 1");
  INFO(text.output);
  CHECK(text.exit_code == 0);
  for (const char* fragment :
       {"= 120.0", "= 10.00", "50.0", "28.6", "14.3", "= 50.0 a week", "= 10 (10.00)"}) {
    CHECK(text.output.find(fragment) != std::string::npos);
  }
  const Outcome json =
      run_cli("plan funnel --quota 240 --average-deal 2 --weeks-per-stage 1 --json");
  CHECK(json.exit_code == 0);
  for (const char* fragment :
       {"\"wins_needed\": 120,", "\"wins_per_week\": 10,", "\"new_opportunities_per_week\": 50,",
        "{\"name\": \"solution\", \"win_probability\": 0.35, \"count\": 28.571428571428573}",
        "\"reps_needed\": 10\n"}) {
    CHECK(json.output.find(fragment) != std::string::npos);
  }
  CHECK(json_check("plan funnel --quota 240 --average-deal 2 --weeks-per-stage 1 --json") == 0);
  CHECK(json_check("plan funnel --from-annual 1045 --average-deal 2 --weeks-per-stage 1 --json") ==
        0);
  const Outcome annual =
      run_cli("plan funnel --from-annual 1045 --average-deal 2 --weeks-per-stage 1");
  CHECK(annual.output.find("= 239.6") != std::string::npos);
}

TEST_CASE("plan funnel rejects bad options with exit code 2", "[forecast][cli][process]") {
  const char* const BAD[] = {
      "plan funnel --average-deal 2 --weeks-per-stage 1",
      "plan funnel --quota 240 --weeks-per-stage 1",
      "plan funnel --quota -5 --average-deal 2 --weeks-per-stage 1",
      "plan funnel --quota 240 --from-annual 1045 --average-deal 2 --weeks-per-stage 1",
      "plan funnel --quota 240 --vat 1.1 --average-deal 2 --weeks-per-stage 1",
      "plan funnel --quota 240 --average-deal 2 --weeks-per-stage 1 --stages a=0.3,b=0.2",
      "plan funnel --quota 240 --average-deal 2 --weeks-per-stage 1 --stages a=x",
      "plan funnel --quota 240 --average-deal 2 --weeks-per-stage 1 --stages a=1.5",
      "plan funnel --quota 240 --average-deal 2 --weeks-per-stage 1 --stages a=0.1,a=0.2",
  };
  for (const char* arguments : BAD) {
    const Outcome outcome = run_cli(arguments);
    INFO(arguments << "\n" << outcome.output);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.output.rfind("funnelsim: ", 0) == 0);
  }
}

TEST_CASE("action plan (4a): wins a week, new opportunities in the entry window, funnel by now",
          "[forecast]") {
  // The example: 180 万 to go at 2 万 a deal over 6 weeks -> 90 wins, 15 a week. The gap of
  // 76 万 needs 190 new opportunities; with 1 week per stage they take 3 weeks to close, so
  // they must enter within 6 - 3 = 3 weeks: 190 / 3 = 63.3 a week. A funnel on plan holds
  // 15 a week x 1 week / p: intent 75, solution 42.9, negotiation 21.4 (it has 120, 40, 20).
  Snapshot snapshot = example();
  snapshot.weeks_per_stage = 1.0;
  const analysis::ForecastReport report = analysis::forecast_all(snapshot);
  REQUIRE(report.action_plan);
  const analysis::ActionPlan& plan = *report.action_plan;
  CHECK(*plan.wins_per_week == near(15.0));
  CHECK(*plan.entry_window_weeks == near(3.0));
  CHECK(*plan.new_opportunities_per_week == near(190.0 / 3.0));
  REQUIRE(plan.funnel_by_now.size() == 3);
  CHECK(plan.funnel_by_now[0].standard == near(75.0));
  CHECK(plan.funnel_by_now[1].standard == near(15.0 / 0.35));
  CHECK(plan.funnel_by_now[2].standard == near(15.0 / 0.7));
  CHECK(plan.funnel_by_now[0].actual == 120.0);
  // Too late: with 3 weeks per stage nothing entering now closes this quarter.
  snapshot.weeks_per_stage = 3.0;
  const auto late = analysis::forecast_all(snapshot).action_plan;
  REQUIRE(late);
  CHECK(*late->entry_window_weeks < 0.0);
  CHECK_FALSE(late->new_opportunities_per_week);
  // The quota already covered: no plan.
  snapshot.realized = snapshot.quota;
  CHECK_FALSE(analysis::forecast_all(snapshot).action_plan);
}

TEST_CASE("one verdict: the amount model governs large projects, the count model small ones",
          "[forecast]") {
  // Both models apply when the stages carry amounts. Above 20 万 a deal (playbook 3: large
  // projects are the deals over 20 万) the amount model's gap is the verdict, whatever the
  // count model says; at or below it, the count model's.
  Snapshot snapshot = example();
  for (auto& stage : snapshot.stages)
    stage.amount = stage.count * 46.0;
  snapshot.average_deal = std::nullopt;  // from the funnel: 46 万
  const analysis::ForecastReport large = analysis::forecast_all(snapshot);
  REQUIRE(large.amount_funnel);
  CHECK(large.verdict->governed_by == "amount");
  CHECK(large.verdict->gap == large.amount_funnel->amount_gap);
  CHECK_THAT(large.verdict->reason, Catch::Contains("46.0 万 > 20 万"));
  for (auto& stage : snapshot.stages)
    stage.amount = stage.count * 2.0;
  const analysis::ForecastReport small = analysis::forecast_all(snapshot);
  CHECK(small.verdict->governed_by == "count");
  CHECK(small.verdict->gap == small.funnel->amount_gap);
  // The text prints exactly one verdict line.
  const Outcome outcome = run_cli("forecast scenarios/snapshots/key-accounts-week7.yaml");
  CHECK(outcome.exit_code == 0);
  std::size_t lines = 0;
  for (std::size_t at = outcome.output.find("Verdict:"); at != std::string::npos;
       at = outcome.output.find("Verdict:", at + 1))
    ++lines;
  CHECK(lines == 1);
  CHECK_THAT(outcome.output, Catch::Contains(", by the amount model"));
}

TEST_CASE("each model needs only its own inputs: a commit from calls, a ladder without a funnel",
          "[forecast]") {
  // The playbook's illustrative ladder (4d): quota 50, finished 10, committed 20, uncommitted
  // 40, P4 = 2 万: Gap0 40, Gap1 = 40 - 20 x 70% = 26, Gap2 = 26 - 40 x 25% = 16,
  // Gap3 = 16 / 20% = 80, NA = 80 / 2 = 40 customers. No stages: P3 is the course's 20%.
  Snapshot snapshot;
  snapshot.quota = 50.0;
  snapshot.realized = 10.0;
  snapshot.weeks_remaining = 8.0;
  snapshot.calls = analysis::Calls{20.0, 40.0};
  snapshot.average_deal = 2.0;
  const analysis::ForecastReport report = analysis::forecast_all(snapshot);
  CHECK_FALSE(report.funnel);
  CHECK_FALSE(report.amount_funnel);
  CHECK_FALSE(report.coverage);
  CHECK_FALSE(report.verdict);
  CHECK_FALSE(report.action_plan);
  REQUIRE(report.commit);
  // 10 + 20 x 0.75 + 40 x 0.25 + 50 x 0.04 x 8 = 10 + 15 + 10 + 16 = 51
  CHECK(report.commit->forecast == near(51.0));
  REQUIRE(report.gap_ladder);
  CHECK(report.gap_ladder->p3 == 0.20);
  CHECK(report.gap_ladder->gap1 == near(26.0));
  CHECK(report.gap_ladder->gap3 == near(80.0));
  CHECK(report.gap_ladder->new_customers_needed == near(40.0));
  // Without an average deal the ladder has no P4: skipped, the commit model still computed.
  snapshot.average_deal = std::nullopt;
  const analysis::ForecastReport calls_only = analysis::forecast_all(snapshot);
  CHECK(calls_only.commit);
  CHECK_FALSE(calls_only.gap_ladder);
  snapshot.gap_ladder.p4 = 2.0;
  CHECK(analysis::forecast_all(snapshot).gap_ladder);
}

TEST_CASE("a snapshot file with calls alone is forecast, naming what it skipped",
          "[forecast][cli][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string file = (directory.path() / "calls.yaml").string();
  {
    std::ofstream out(file);
    out << "quota: 50\nrealized: 10\nweeks_remaining: 8\ncalls: {committed: 20, possible: 40}\n";
  }
  const Outcome outcome = run_cli("forecast " + file);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK_THAT(outcome.output,
             Catch::Contains("= 51.0") &&
                 Catch::Contains("gap ladder (no average_deal or gap_ladder.p4)") &&
                 Catch::Contains("funnel model, coverage, action plan (no stages)"));
  const Outcome json = run_cli("forecast " + file + " --json");
  CHECK_THAT(json.output, Catch::Contains("\"missing\": \"stages\""));
}

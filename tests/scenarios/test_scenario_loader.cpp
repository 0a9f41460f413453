// Loading scenarios: the default branch, defaults, distribution forms, --set overrides and
// the resolved scenario text that results files store.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/scenarios/override.hpp"

namespace {

using funnelsim::scenarios::InputError;
using funnelsim::scenarios::load_scenario_file;
using funnelsim::scenarios::load_scenario_text;
using funnelsim::scenarios::LoadedScenario;
namespace sim = funnelsim::sim;

const std::string BRANCH = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";

/// A small valid scenario whose small segment's deal size is `deal_size` (YAML flow text).
std::string minimal_scenario(const std::string& deal_size = "2", const std::string& extra = "") {
  return "name: minimal\n"
         "segments:\n"
         "  - name: small\n"
         "    stages:\n"
         "      - {name: intent, win_probability: 0.2, days: 7}\n"
         "      - {name: solution, win_probability: 0.35, days: 7}\n"
         "    deal_size: " +
         deal_size +
         "\n"
         "teams:\n"
         "  - {name: territory, segment: small, headcount: 2, prospects_per_week: 5}\n"
         "quota: {annual: 100}\n" +
         extra;
}

sim::Distribution deal_size_of(const std::string& text) {
  return load_scenario_text(minimal_scenario(text), "deal.yaml").model.segments[0].deal_size;
}

InputError error_of(const std::string& text, const std::vector<std::string>& overrides) {
  try {
    load_scenario_text(text, "test.yaml", overrides);
  } catch (const InputError& error) {
    return error;
  }
  FAIL("loaded without an error");
  throw std::logic_error("unreachable");
}

bool same_number(double a, double b) {
  return a == b || (std::isnan(a) && std::isnan(b));
}

void check_same(const sim::Distribution& a, const sim::Distribution& b) {
  CHECK(a.kind == b.kind);
  CHECK(a.value == b.value);
  CHECK(a.mean == b.mean);
  CHECK(a.cv == b.cv);
  CHECK(a.min == b.min);
  CHECK(a.mode == b.mode);
  CHECK(a.max == b.max);
  REQUIRE(a.buckets.size() == b.buckets.size());
  for (std::size_t i = 0; i < a.buckets.size(); ++i) {
    CHECK(a.buckets[i].min == b.buckets[i].min);
    CHECK(a.buckets[i].max == b.buckets[i].max);
    CHECK(a.buckets[i].weight == b.buckets[i].weight);
    CHECK(same_number(a.buckets[i].mean, b.buckets[i].mean));
  }
}

/// Every field of two models, exactly.
void check_same(const sim::Model& a, const sim::Model& b) {
  CHECK(a.name == b.name);
  CHECK(a.calendar.weeks_per_quarter == b.calendar.weeks_per_quarter);
  CHECK(a.calendar.quarters == b.calendar.quarters);
  CHECK(a.calendar.warmup_weeks == b.calendar.warmup_weeks);
  CHECK(a.quota == b.quota);
  REQUIRE(a.segments.size() == b.segments.size());
  for (std::size_t s = 0; s < a.segments.size(); ++s) {
    const sim::Segment& x = a.segments[s];
    const sim::Segment& y = b.segments[s];
    CHECK(x.name == y.name);
    CHECK(x.existing_share == y.existing_share);
    CHECK(x.existing_win_probability == y.existing_win_probability);
    check_same(x.deal_size, y.deal_size);
    REQUIRE(x.stages.size() == y.stages.size());
    for (std::size_t i = 0; i < x.stages.size(); ++i) {
      CHECK(x.stages[i].name == y.stages[i].name);
      CHECK(x.stages[i].win_probability == y.stages[i].win_probability);
      CHECK(x.stages[i].stall_days == y.stages[i].stall_days);
      check_same(x.stages[i].days, y.stages[i].days);
    }
  }
  REQUIRE(a.teams.size() == b.teams.size());
  for (std::size_t t = 0; t < a.teams.size(); ++t) {
    const sim::Team& x = a.teams[t];
    const sim::Team& y = b.teams[t];
    CHECK(x.name == y.name);
    CHECK(x.segment == y.segment);
    CHECK(x.headcount == y.headcount);
    CHECK(x.prospects_per_week == y.prospects_per_week);
    CHECK(x.quota_per_quarter == y.quota_per_quarter);
    CHECK(x.skill.prospecting_cv == y.skill.prospecting_cv);
    CHECK(x.skill.win_cv == y.skill.win_cv);
    CHECK(x.skill.deal_size_cv == y.skill.deal_size_cv);
    CHECK(x.ramp.weeks == y.ramp.weeks);
    CHECK(x.ramp.start == y.ramp.start);
    CHECK(x.attrition.annual_rate == y.attrition.annual_rate);
    CHECK(x.attrition.vacancy_weeks == y.attrition.vacancy_weeks);
    CHECK(x.attrition.open_opportunities == y.attrition.open_opportunities);
  }
  REQUIRE(a.sources.size() == b.sources.size());
  for (std::size_t i = 0; i < a.sources.size(); ++i) {
    CHECK(a.sources[i].name == b.sources[i].name);
    CHECK(a.sources[i].kind == b.sources[i].kind);
    CHECK(a.sources[i].team == b.sources[i].team);
    CHECK(a.sources[i].per_win == b.sources[i].per_win);
    CHECK(a.sources[i].leads_per_week == b.sources[i].leads_per_week);
    check_same(a.sources[i].delay_days, b.sources[i].delay_days);
  }
}

}  // namespace

TEST_CASE("the playbook's branch loads with its numbers", "[loader]") {
  const LoadedScenario scenario = load_scenario_file(BRANCH);
  const sim::Model& model = scenario.model;
  CHECK(scenario.source == BRANCH);
  CHECK(model.name == "branch");
  CHECK(model.calendar.weeks_per_quarter == 13);
  CHECK(model.calendar.quarters == 4);
  CHECK(model.calendar.warmup_weeks == 39);

  REQUIRE(model.segments.size() == 2);
  const sim::Segment& small = model.segments[0];
  const sim::Segment& large = model.segments[1];
  CHECK(small.name == "small");
  CHECK(large.name == "large");
  REQUIRE(small.stages.size() == 3);
  CHECK(small.stages[0].name == "intent");
  CHECK(small.stages[0].win_probability == 0.20);
  CHECK(small.stages[1].win_probability == 0.35);
  CHECK(small.stages[2].name == "negotiation");
  CHECK(small.stages[2].win_probability == 0.70);
  CHECK(small.stages[0].days.kind == sim::DistributionKind::gamma);
  CHECK(small.stages[0].days.mean == 7.0);
  CHECK(small.stages[0].days.cv == 0.3);
  CHECK(std::isinf(small.stages[0].stall_days));
  REQUIRE(large.stages.size() == 5);
  CHECK(large.stages[0].win_probability == 0.10);
  CHECK(large.stages[4].win_probability == 0.70);
  CHECK(large.stages[4].days.mean == 36.0);

  // Playbook §3: 1106 + 389 + 82 + 27 = 1604 deals up to 20 万, normalised to weights.
  const sim::Distribution& small_deals = small.deal_size;
  REQUIRE(small_deals.kind == sim::DistributionKind::empirical);
  REQUIRE(small_deals.buckets.size() == 4);
  CHECK(small_deals.buckets[0].weight == Approx(1106.0 / 1604.0));
  CHECK(small_deals.buckets[3].weight == Approx(27.0 / 1604.0));
  CHECK(small_deals.buckets[1].min == 2.0);
  CHECK(small_deals.buckets[1].max == 5.0);
  CHECK(small_deals.buckets[1].mean == 2.9448);
  double total_weight = 0.0;
  for (const sim::EmpiricalBucket& bucket : small_deals.buckets) {
    total_weight += bucket.weight;
  }
  CHECK(total_weight == Approx(1.0).epsilon(1e-12));
  REQUIRE(large.deal_size.buckets.size() == 1);
  CHECK(std::isinf(large.deal_size.buckets[0].max));
  CHECK(large.deal_size.buckets[0].weight == 1.0);
  CHECK(large.deal_size.buckets[0].mean == 58.4855);

  REQUIRE(model.teams.size() == 2);
  CHECK(model.teams[0].name == "territory");
  CHECK(model.teams[0].segment == 0);
  CHECK(model.teams[0].headcount == 10);
  CHECK(model.teams[0].prospects_per_week == 5.0);
  CHECK(model.teams[0].quota_per_quarter == std::vector<double>{18.83, 23.96, 20.54, 22.25});
  CHECK(model.teams[1].name == "key-account");
  CHECK(model.teams[1].segment == 1);
  CHECK(model.teams[1].headcount == 3);
  CHECK(model.teams[0].headcount + model.teams[1].headcount == 13);
  CHECK(model.sources.empty());

  // The software quota with VAT, 1045 x 1.17 万 a year (playbook §2), by the quarter shares
  // 22/28/24/26%; Q2's small-project share (70%) is the course's 240 万.
  REQUIRE(model.quota.size() == 4);
  CHECK(model.quota[0] == Approx(1045 * 1.17 * 0.22));
  CHECK(model.quota[1] == Approx(1045 * 1.17 * 0.28));
  CHECK(model.quota[2] == Approx(1045 * 1.17 * 0.24));
  CHECK(model.quota[3] == Approx(1045 * 1.17 * 0.26));
  CHECK(model.quota[1] * 0.7 == Approx(240.0).epsilon(0.002));
  // The teams' quotas add up to the branch's, quarter by quarter, within their rounding.
  for (std::size_t q = 0; q < 4; ++q) {
    CHECK(10 * model.teams[0].quota_per_quarter[q] + 3 * model.teams[1].quota_per_quarter[q] ==
          Approx(model.quota[q]).epsilon(0.001));
  }
}

TEST_CASE("omitted keys take their defaults", "[loader]") {
  const sim::Model model = load_scenario_text(minimal_scenario(), "minimal.yaml").model;
  CHECK(model.calendar.weeks_per_quarter == 13);
  CHECK(model.calendar.quarters == 4);
  CHECK(model.calendar.warmup_weeks == 0);
  const sim::Segment& segment = model.segments[0];
  CHECK(std::isinf(segment.stages[0].stall_days));
  CHECK(segment.existing_share == 0.0);
  CHECK(segment.existing_win_probability == 0.0);
  const sim::Team& team = model.teams[0];
  CHECK(team.quota_per_quarter == std::vector<double>(4, 0.0));
  CHECK(team.skill.prospecting_cv == 0.0);
  CHECK(team.skill.win_cv == 0.0);
  CHECK(team.skill.deal_size_cv == 0.0);
  CHECK(team.ramp.weeks == 0.0);
  CHECK(team.ramp.start == 1.0);
  CHECK(team.attrition.annual_rate == 0.0);
  CHECK(team.attrition.vacancy_weeks == 0.0);
  CHECK(team.attrition.open_opportunities == sim::LeaverOpportunities::reassigned);
  CHECK(model.sources.empty());
  // quota.annual without quarter_shares: equal quarters.
  CHECK(model.quota == std::vector<double>(4, 25.0));
}

TEST_CASE("every optional key is read", "[loader]") {
  const std::string text =
      "name: full\n"
      "description: every optional key\n"
      "calendar: {weeks_per_quarter: 12, quarters: 6, warmup_weeks: 26}\n"
      "segments:\n"
      "  - name: small\n"
      "    existing_share: 0.4\n"
      "    existing_win_probability: 0.47\n"
      "    stages:\n"
      "      - {name: intent, win_probability: 0.2, days: 7, stall_days: 30}\n"
      "    deal_size: 2\n"
      "teams:\n"
      "  - name: territory\n"
      "    segment: small\n"
      "    headcount: 10\n"
      "    prospects_per_week: 5\n"
      "    quota_per_quarter: [20, 30]\n"
      "    skill: {prospecting_cv: 0.3, win_cv: 0.2, deal_size_cv: 0.1}\n"
      "    ramp: {weeks: 12, start: 0.25}\n"
      "    attrition: {annual_rate: 0.15, vacancy_weeks: 8, open_opportunities: lost}\n"
      "  - {name: telesales, segment: small, headcount: 0, prospects_per_week: 9,\n"
      "     quota_per_quarter: 4}\n"
      "sources:\n"
      "  - {name: referrals, type: referral, team: territory, per_win: 0.5,\n"
      "     delay_days: {dist: exponential, mean: 14}}\n"
      "  - {name: word-of-mouth, type: referral, team: territory, per_win: 0.1}\n"
      "  - {name: web, type: marketing, team: telesales, leads_per_week: 3}\n"
      "quota: {per_quarter: [300, 400, 500]}\n";
  const sim::Model model = load_scenario_text(text, "full.yaml").model;
  CHECK(model.calendar.weeks_per_quarter == 12);
  CHECK(model.calendar.quarters == 6);
  CHECK(model.calendar.warmup_weeks == 26);
  CHECK(model.segments[0].existing_share == 0.4);
  CHECK(model.segments[0].existing_win_probability == 0.47);
  CHECK(model.segments[0].stages[0].stall_days == 30.0);
  const sim::Team& territory = model.teams[0];
  // Lists are cycled over the measured quarters: entry q % length.
  CHECK(territory.quota_per_quarter == std::vector<double>{20, 30, 20, 30, 20, 30});
  CHECK(model.teams[1].quota_per_quarter == std::vector<double>(6, 4.0));
  CHECK(model.teams[1].headcount == 0);
  CHECK(territory.skill.prospecting_cv == 0.3);
  CHECK(territory.skill.win_cv == 0.2);
  CHECK(territory.skill.deal_size_cv == 0.1);
  CHECK(territory.ramp.weeks == 12.0);
  CHECK(territory.ramp.start == 0.25);
  CHECK(territory.attrition.annual_rate == 0.15);
  CHECK(territory.attrition.vacancy_weeks == 8.0);
  CHECK(territory.attrition.open_opportunities == sim::LeaverOpportunities::lost);
  REQUIRE(model.sources.size() == 3);
  CHECK(model.sources[0].kind == sim::LeadSourceKind::referral);
  CHECK(model.sources[0].team == 0);
  CHECK(model.sources[0].per_win == 0.5);
  CHECK(model.sources[0].delay_days.kind == sim::DistributionKind::exponential);
  CHECK(model.sources[0].delay_days.mean == 14.0);
  CHECK(model.sources[1].delay_days.kind == sim::DistributionKind::fixed);
  CHECK(model.sources[1].delay_days.value == 0.0);
  CHECK(model.sources[2].kind == sim::LeadSourceKind::marketing);
  CHECK(model.sources[2].team == 1);
  CHECK(model.sources[2].leads_per_week == 3.0);
  CHECK(model.quota == std::vector<double>{300, 400, 500, 300, 400, 500});
}

TEST_CASE("every distribution kind and the bare-number shorthand", "[loader]") {
  SECTION("a bare number is fixed") {
    const sim::Distribution d = deal_size_of("2.5");
    CHECK(d.kind == sim::DistributionKind::fixed);
    CHECK(d.value == 2.5);
  }
  SECTION("fixed") {
    const sim::Distribution d = deal_size_of("{dist: fixed, value: 3}");
    CHECK(d.kind == sim::DistributionKind::fixed);
    CHECK(d.value == 3.0);
  }
  SECTION("exponential") {
    const sim::Distribution d = deal_size_of("{dist: exponential, mean: 2}");
    CHECK(d.kind == sim::DistributionKind::exponential);
    CHECK(d.mean == 2.0);
  }
  SECTION("gamma") {
    const sim::Distribution d = deal_size_of("{dist: gamma, mean: 2, cv: 0.5}");
    CHECK(d.kind == sim::DistributionKind::gamma);
    CHECK(d.mean == 2.0);
    CHECK(d.cv == 0.5);
  }
  SECTION("lognormal") {
    const sim::Distribution d = deal_size_of("{dist: lognormal, mean: 2, cv: 1.5}");
    CHECK(d.kind == sim::DistributionKind::lognormal);
    CHECK(d.mean == 2.0);
    CHECK(d.cv == 1.5);
  }
  SECTION("uniform") {
    const sim::Distribution d = deal_size_of("{dist: uniform, min: 0, max: 4}");
    CHECK(d.kind == sim::DistributionKind::uniform);
    CHECK(d.min == 0.0);
    CHECK(d.max == 4.0);
  }
  SECTION("triangular, mode at an end") {
    const sim::Distribution d = deal_size_of("{dist: triangular, min: 1, mode: 1, max: 5}");
    CHECK(d.kind == sim::DistributionKind::triangular);
    CHECK(d.min == 1.0);
    CHECK(d.mode == 1.0);
    CHECK(d.max == 5.0);
  }
  SECTION("empirical by share, with a uniform bucket and an open-ended one") {
    const sim::Distribution d = deal_size_of(
        "{dist: empirical, buckets: [{min: 0, max: 2, share: 0.75}, "
        "{min: 2, max: 20, share: 0.2, mean: 4}, {min: 20, share: 0.05, mean: 58}]}");
    REQUIRE(d.kind == sim::DistributionKind::empirical);
    REQUIRE(d.buckets.size() == 3);
    CHECK(d.buckets[0].weight == 0.75);
    CHECK(std::isnan(d.buckets[0].mean));
    CHECK(d.buckets[1].mean == 4.0);
    CHECK(std::isinf(d.buckets[2].max));
    CHECK(d.buckets[2].mean == 58.0);
  }
  SECTION("empirical by count is normalised") {
    const sim::Distribution d = deal_size_of(
        "{dist: empirical, buckets: [{min: 0, max: 2, count: 3}, {min: 5, max: 9, count: 1}]}");
    REQUIRE(d.buckets.size() == 2);
    CHECK(d.buckets[0].weight == 0.75);
    CHECK(d.buckets[1].weight == 0.25);
  }
}

TEST_CASE("a referral delay may be 0 days, a stage duration may not", "[loader]") {
  const std::string delay_zero =
      minimal_scenario("2",
                       "sources: [{name: referrals, type: referral, team: territory, per_win: 1, "
                       "delay_days: 0}]\n");
  CHECK(load_scenario_text(delay_zero, "delay.yaml").model.sources[0].delay_days.value == 0.0);
  const InputError error = error_of(minimal_scenario(), {"segments.small.stages.intent.days=0"});
  CHECK(error.message() == "must be in (0, 1e+12], got 0");
}

TEST_CASE("Overrides (--set) address keys by path", "[loader]") {
  SECTION("a team's headcount") {
    const sim::Model model = load_scenario_file(BRANCH, {"teams.territory.headcount=12"}).model;
    CHECK(model.teams[0].headcount == 12);
    CHECK(model.teams[1].headcount == 3);
  }
  SECTION("a stage's win probability") {
    const sim::Model model =
        load_scenario_file(BRANCH, {"segments.small.stages.intent.win_probability=0.25"}).model;
    CHECK(model.segments[0].stages[0].win_probability == 0.25);
    CHECK(model.segments[1].stages[1].win_probability == 0.20);  // large.intent untouched
  }
  SECTION("a whole distribution") {
    const sim::Model model =
        load_scenario_file(BRANCH, {"segments.large.stages.approved.days={dist: fixed, value: 7}"})
            .model;
    const sim::Distribution& days = model.segments[1].stages[2].days;
    CHECK(days.kind == sim::DistributionKind::fixed);
    CHECK(days.value == 7.0);
  }
  SECTION("an unnamed list item by index, and a list value") {
    const sim::Model model =
        load_scenario_file(BRANCH, {"segments.small.deal_size.buckets.0.mean=1.2",
                                    "teams.key-account.quota_per_quarter=[30, 40]"})
            .model;
    CHECK(model.segments[0].deal_size.buckets[0].mean == 1.2);
    CHECK(model.teams[1].quota_per_quarter == std::vector<double>{30, 40, 30, 40});
  }
  SECTION("a key that was absent, and its absent parent mapping") {
    const sim::Model model =
        load_scenario_file(BRANCH, {"teams.territory.ramp.weeks=8", "calendar.quarters=8"}).model;
    CHECK(model.teams[0].ramp.weeks == 8.0);
    CHECK(model.calendar.quarters == 8);
    CHECK(model.quota.size() == 8);
  }
  SECTION("in order: the last one wins") {
    const sim::Model model =
        load_scenario_file(BRANCH, {"teams.territory.headcount=12", "teams.territory.headcount=7"})
            .model;
    CHECK(model.teams[0].headcount == 7);
  }
}

TEST_CASE("Override (--set) errors name the override", "[loader]") {
  const std::string text = minimal_scenario();
  SECTION("a list item that does not exist") {
    const InputError error = error_of(text, {"segments.smal.deal_size=3"});
    CHECK(error.file() == "--set");
    CHECK(error.line() == 0);
    CHECK(error.key_path() == "segments.smal.deal_size");
    CHECK(error.message() == "no item named 'smal' in 'segments'; did you mean 'small'?");
  }
  SECTION("a list item far from every name lists the names") {
    const InputError error = error_of(text, {"segments.small.stages.won.days=3"});
    CHECK(error.message() ==
          "no item named 'won' in 'segments.small.stages'; items are: intent, solution");
  }
  SECTION("no '='") {
    const InputError error = error_of(text, {"teams.territory.headcount"});
    CHECK(error.file() == "--set");
    CHECK(error.message() == "expected path=value, got 'teams.territory.headcount'");
  }
  SECTION("a value that is not YAML") {
    const InputError error = error_of(text, {"teams.territory.headcount=[1, 2"});
    CHECK(error.file() == "--set");
    CHECK_THAT(error.message(), Catch::StartsWith("cannot parse value '[1, 2': "));
  }
  SECTION("a key inside a single value") {
    const InputError error = error_of(text, {"teams.territory.headcount.extra=1"});
    CHECK_THAT(error.message(),
               Catch::Contains("cannot set a key inside 'teams.territory.headcount'"));
  }
  SECTION("an invalid value is reported against --set, not the file") {
    const InputError error = error_of(text, {"teams.territory.headcount=2.5"});
    CHECK(error.file() == "--set");
    CHECK(error.line() == 0);
    CHECK(error.key_path() == "teams.territory.headcount");
    CHECK(error.message() == "must be an integer, got 2.5");
    CHECK(std::string(error.what()) ==
          "--set: teams.territory.headcount: must be an integer, got 2.5");
  }
  SECTION("an unknown key created by --set") {
    const InputError error = error_of(text, {"teams.territory.prospect_per_week=4"});
    CHECK(error.file() == "--set");
    CHECK(error.key_path() == "teams.territory.prospect_per_week");
    CHECK(error.message() == "unknown key 'prospect_per_week'; did you mean 'prospects_per_week'?");
  }
  SECTION("errors in the file's own nodes keep the file's location") {
    const InputError error = error_of(text, {"segments.small.stages.solution.win_probability=0.1"});
    CHECK(error.file() == "--set");
    CHECK(
        error.message() ==
        "win probabilities must increase along the funnel: 'solution' has 0.1 after 'intent' 0.2");
    const InputError in_file = error_of(text, {"segments.small.stages.intent.win_probability=0.4"});
    CHECK(in_file.file() == "test.yaml");
    CHECK(in_file.line() == 6);
    CHECK(in_file.key_path() == "segments.small.stages.solution.win_probability");
    CHECK(
        in_file.message() ==
        "win probabilities must increase along the funnel: 'solution' has 0.35 after 'intent' 0.4");
  }
}

TEST_CASE("resolved_yaml loads back to the same model", "[loader]") {
  SECTION("the branch as written") {
    const LoadedScenario scenario = load_scenario_file(BRANCH);
    check_same(load_scenario_text(scenario.resolved_yaml, "resolved.yaml").model, scenario.model);
    // Validation reads the tree and never changes it.
    YAML::Emitter as_parsed;
    as_parsed << YAML::LoadFile(BRANCH);
    CHECK(scenario.resolved_yaml == std::string(as_parsed.c_str()) + "\n");
  }
  SECTION("the branch after overrides") {
    const LoadedScenario scenario = load_scenario_file(
        BRANCH, {"teams.territory.headcount=12",
                 "segments.small.stages.intent.days={dist: uniform, min: 3, max: 11}",
                 "sources=[{name: web, type: marketing, team: territory, leads_per_week: 4}]"});
    const LoadedScenario reloaded = load_scenario_text(scenario.resolved_yaml, "resolved.yaml");
    check_same(reloaded.model, scenario.model);
    CHECK(reloaded.model.teams[0].headcount == 12);
    CHECK(reloaded.model.sources.size() == 1);
    CHECK(reloaded.resolved_yaml == scenario.resolved_yaml);
  }
}

TEST_CASE("without quota:, the quota is the teams' headcount x quota_per_quarter", "[loader]") {
  YAML::Node root = YAML::LoadFile(BRANCH);
  root.remove("quota");
  const sim::Model model = funnelsim::scenarios::load_scenario_tree(root, BRANCH).model;
  // 10 territory reps and 3 key-account reps: 10 x 18.83 + 3 x 26.9 = 269 万 in Q1, and so on.
  REQUIRE(model.quota.size() == 4);
  CHECK(model.quota[0] == Approx(10 * 18.83 + 3 * 26.9));
  CHECK(model.quota[1] == Approx(10 * 23.96 + 3 * 34.23));
  CHECK(model.quota[2] == Approx(10 * 20.54 + 3 * 29.34));
  CHECK(model.quota[3] == Approx(10 * 22.25 + 3 * 31.79));
}

TEST_CASE("apply_override edits a parsed tree in place", "[loader]") {
  YAML::Node root = YAML::Load("teams: [{name: a, headcount: 1}, {name: b, headcount: 2}]");
  funnelsim::scenarios::apply_override(root, "teams.b.headcount", YAML::Node(5), "variants.yaml");
  CHECK(root["teams"][1]["headcount"].as<int>() == 5);
  CHECK(root["teams"][0]["headcount"].as<int>() == 1);
  funnelsim::scenarios::apply_assignment(root, "teams.1={name: c, headcount: 3}");
  CHECK(root["teams"][1]["name"].as<std::string>() == "c");
  try {
    funnelsim::scenarios::apply_override(root, "teams.z.headcount", YAML::Node(1), "variants.yaml");
    FAIL("no error");
  } catch (const InputError& error) {
    CHECK(error.file() == "variants.yaml");
    CHECK(error.message() == "no item named 'z' in 'teams'; items are: a, c");
  }
}

TEST_CASE("UTF-8 text loads, and other bytes are refused at their line and column", "[loader]") {
  // A byte-order mark and multi-byte characters (万, an emoji) are text.
  CHECK_NOTHROW(load_scenario_text(
      "\xEF\xBB\xBF" + minimal_scenario() + "description: 'quota in 万 \xF0\x9F\x93\x88'\n",
      "utf8.yaml"));
  const auto error_for = [](const std::string& bytes) {
    try {
      load_scenario_text("name: x\ndescription: '" + bytes + "'\n", "bad.yaml");
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string("loaded");
  };
  // Overlong encodings, UTF-16 surrogates, code points past U+10FFFF and cut sequences.
  CHECK(error_for("\xC0\xAF") == "bad.yaml:2:15: not UTF-8 text: byte 0xc0");
  CHECK(error_for("\xE0\x80\xAF") == "bad.yaml:2:15: not UTF-8 text: byte 0xe0");
  CHECK(error_for("\xED\xA0\x80") == "bad.yaml:2:15: not UTF-8 text: byte 0xed");
  CHECK(error_for("\xF4\x90\x80\x80") == "bad.yaml:2:15: not UTF-8 text: byte 0xf4");
  CHECK(error_for("ab\xE4\xB8") == "bad.yaml:2:17: not UTF-8 text: byte 0xe4");
  CHECK(error_for("\x7F") == "bad.yaml:2:15: not a text file: control character 0x7f");
  CHECK(error_for("a\tb") == "bad.yaml:1:1: segments: missing required key 'segments'");
}

TEST_CASE("aliases are allowed within the node budget, and --set values get the same checks",
          "[loader]") {
  // An anchor spares repeating a distribution.
  const LoadedScenario scenario = load_scenario_text(
      "name: aliases\n"
      "segments:\n"
      "  - name: small\n"
      "    stages:\n"
      "      - {name: intent, win_probability: 0.2, days: &week {dist: gamma, mean: 7, cv: 0.3}}\n"
      "      - {name: solution, win_probability: 0.35, days: *week}\n"
      "    deal_size: 2\n"
      "teams:\n"
      "  - {name: territory, segment: small, headcount: 2, prospects_per_week: 5}\n"
      "quota: {annual: 100}\n",
      "aliases.yaml");
  CHECK(scenario.model.segments[0].stages[1].days.cv == 0.3);

  std::string bomb = "[&a0 [x, x, x, x, x, x, x, x, x, x]";
  for (int level = 1; level < 9; ++level) {
    bomb += ", &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i)
      bomb += (i ? ", *a" : "*a") + std::to_string(level - 1);
    bomb += "]";
  }
  bomb += "]";
  REQUIRE_THROWS_WITH(
      load_scenario_text(minimal_scenario(), "ok.yaml", {"description=" + bomb}),
      Catch::StartsWith("--set: description: the document expands to more than 250000 nodes"));
  std::string deep(100, '[');
  REQUIRE_THROWS_WITH(load_scenario_text(minimal_scenario(), "ok.yaml",
                                         {"description=" + deep + std::string(100, ']')}),
                      "--set: description: nested deeper than 64 levels");
}

TEST_CASE("Overrides (--set) are held to the file's limits", "[loader]") {
  REQUIRE_THROWS_WITH(
      load_scenario_text(minimal_scenario(), "ok.yaml", {"teams.territory.headcount=1e9"}),
      "--set: teams.territory.headcount: must be in [0, 100000], got 1e9");
  REQUIRE_THROWS_WITH(load_scenario_text(minimal_scenario(), "ok.yaml", {"calendar.quarters=1000"}),
                      "--set: calendar.quarters: must be in [1, 400], got 1000");
}

TEST_CASE("A team's calendar of hires and departures loads in week order, --set included",
          "[loader]") {
  const std::string text =
      "name: calendar\n"
      "segments:\n"
      "  - name: small\n"
      "    stages: [{name: intent, win_probability: 0.2, days: 7}]\n"
      "    deal_size: 2\n"
      "teams:\n"
      "  - name: territory\n"
      "    segment: small\n"
      "    headcount: 4\n"
      "    prospects_per_week: 5\n"
      "    quota_per_quarter: 10\n"
      "    cost_per_rep_per_quarter: 3\n"
      "    hires: [{week: 27, count: 1}, {week: 14, count: 2}]\n"
      "    departures: [{week: 41, count: 1, who: top, open_opportunities: lost}]\n";
  const sim::Model model = load_scenario_text(text, "calendar.yaml").model;
  const sim::Team& team = model.teams[0];
  REQUIRE(team.hires.size() == 2);
  CHECK(team.hires[0].week == 14);
  CHECK(team.hires[0].count == 2);
  CHECK(team.hires[1].week == 27);
  REQUIRE(team.departures.size() == 1);
  CHECK(team.departures[0].who == sim::Leaver::top);
  CHECK(team.departures[0].open_opportunities == sim::LeaverOpportunities::lost);
  CHECK(team.territories() == 7);
  CHECK(model.rep_count() == 7);
  // Seats by hand: 4; 4 + 2; 4 + 2 + 1; 7 for the first of Q4's 13 weeks (week 41 is its
  // second), then 6.
  CHECK(team.seat_quarters(0, 13) == 4.0);
  CHECK(team.seat_quarters(1, 13) == 6.0);
  CHECK(team.seat_quarters(2, 13) == 7.0);
  CHECK(team.seat_quarters(3, 13) == Approx(7.0 - 12.0 / 13.0));
  // The organisation's quota, when the scenario sets none, is the seats' quotas.
  REQUIRE(model.quota.size() == 4);
  CHECK(model.quota[0] == 40.0);
  CHECK(model.quota[1] == 60.0);
  CHECK(model.quota[2] == 70.0);
  CHECK(model.quota[3] == Approx(10.0 * (7.0 - 12.0 / 13.0)));
  CHECK(team.hire_share(0, 1, 13) == 1.0);
  CHECK(team.hire_share(2, 1, 13) == 0.0);
  CHECK(team.hire_share(2, 2, 13) == 1.0);

  // --set replaces the list, and the replacement gets the same checks.
  const sim::Model set =
      load_scenario_text(text, "calendar.yaml", {"teams.territory.hires=[{week: 2, count: 5}]"})
          .model;
  CHECK(set.teams[0].territories() == 9);
  CHECK(set.teams[0].seat_quarters(0, 13) == Approx(4.0 + 5.0 * 12.0 / 13.0));
  const InputError error = error_of(text, {"teams.territory.departures=[{week: 3, count: 5}]"});
  CHECK_THAT(error.message(),
             Catch::Contains("5 cannot leave at week 3: the team has 4 reps then"));
}

TEST_CASE("Seasonal multipliers load for teams and marketing sources, within their domains",
          "[loader]") {
  const std::string text =
      "name: seasons\n"
      "segments: [{name: small, stages: [{name: intent, win_probability: 0.2, days: 7}], "
      "deal_size: 2}]\n"
      "teams:\n"
      "  - {name: territory, segment: small, headcount: 2, prospects_per_week: 5, "
      "quota_per_quarter: 10,\n"
      "     seasonality: {prospecting: [1, 1.2, 0.8, 1.5], win: [1, 1, 1, 1.3]}}\n"
      "sources:\n"
      "  - {name: fair, type: marketing, team: territory, leads_per_week: 4, "
      "seasonality: [0, 1]}\n";
  const sim::Model model = load_scenario_text(text, "seasons.yaml").model;
  CHECK(model.teams[0].seasonality.prospecting == std::vector<double>{1, 1.2, 0.8, 1.5});
  CHECK(model.teams[0].seasonality.win == std::vector<double>{1, 1, 1, 1.3});
  CHECK(model.sources[0].seasonality == std::vector<double>{0, 1});
  // Cycled like quota_per_quarter, the warm-up continuing the cycle backwards.
  CHECK(sim::seasonal(model.sources[0].seasonality, 3) == 1.0);
  CHECK(sim::seasonal(model.teams[0].seasonality.prospecting, -1) == 1.5);
  CHECK(sim::seasonal({}, 7) == 1.0);

  CHECK_THAT(error_of(text, {"teams.territory.seasonality.win=[1, 0]"}).message(),
             Catch::Contains("must be in (0, 10], got 0"));
  CHECK_THAT(error_of(text, {"sources.fair.seasonality=[0, 0]"}).message(),
             Catch::Contains("at least one quarter needs a positive multiplier"));
  CHECK_THAT(error_of(text, {"teams.territory.seasonality.prospecting=[11]"}).message(),
             Catch::Contains("must be in [0, 10], got 11"));
}

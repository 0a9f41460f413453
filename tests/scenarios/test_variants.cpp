// Variants and sweeps in a scenario file: expansion, names, set and scale, and their errors.

#include <catch2/catch.hpp>

#include "funnelsim/scenarios/variants.hpp"

using funnelsim::scenarios::InputError;
using funnelsim::scenarios::load_scenario_set_text;

namespace {

const std::string BASE = R"(name: v
segments:
  - name: small
    stages:
      - {name: intent, win_probability: 0.2, days: 7}
      - {name: negotiation, win_probability: 0.7, days: 7}
    deal_size: {dist: empirical, buckets: [{min: 0, max: 2, count: 3}, {min: 2, max: 5, count: 1}]}
teams:
  - {name: territory, segment: small, headcount: 10, prospects_per_week: 5, quota_per_quarter: 25}
  - {name: key-account, segment: small, headcount: 2, prospects_per_week: 1, quota_per_quarter: 40}
)";

}  // namespace

TEST_CASE("Variants set and scale key paths of the baseline", "[variants]") {
  const auto set = load_scenario_set_text(BASE + R"(variants:
  - name: more-prospecting
    set: {teams.territory.prospects_per_week: 6}
  - name: better-intent
    set: {segments.small.stages.intent.win_probability: 0.25}
  - name: bigger-deals
    scale: {segments.small.deal_size.scale: 1.2, teams.key-account.prospects_per_week: 1.5}
)",
                                          "v.yaml");
  REQUIRE(set.variants.size() == 4);
  CHECK(set.variants[0].name == "baseline");
  CHECK(set.variants[0].scenario.model.teams[0].prospects_per_week == 5.0);
  CHECK(set.variants[1].scenario.model.teams[0].prospects_per_week == 6.0);
  CHECK(set.variants[1].change == "teams.territory.prospects_per_week=6");
  CHECK(set.variants[2].scenario.model.segments[0].stages[0].win_probability == 0.25);
  const auto& bigger = set.variants[3].scenario.model;
  CHECK(bigger.segments[0].deal_size.scale == Approx(1.2));
  CHECK(bigger.teams[1].prospects_per_week == Approx(1.5));
  CHECK(bigger.segments[0].deal_size.expected_value() ==
        Approx(1.2 * set.variants[0].scenario.model.segments[0].deal_size.expected_value()));
  // The baseline's stored text has no variants; the whole file's text keeps them.
  CHECK(set.variants[0].scenario.resolved_yaml.find("variants") == std::string::npos);
  CHECK(set.resolved_yaml.find("more-prospecting") != std::string::npos);
}

TEST_CASE("A sweep expands into one variant per value, or per combination", "[variants]") {
  SECTION("one key") {
    const auto set = load_scenario_set_text(BASE + R"(sweep:
  teams.territory.headcount: [8, 10, 12]
)",
                                            "v.yaml");
    REQUIRE(set.variants.size() == 4);
    CHECK(set.variants[1].name == "headcount=8");
    CHECK(set.variants[3].name == "headcount=12");
    CHECK(set.variants[3].scenario.model.teams[0].headcount == 12);
  }
  SECTION("a grid, first key outermost") {
    const auto set = load_scenario_set_text(BASE + R"(sweep:
  teams.territory.headcount: [8, 12]
  teams.territory.prospects_per_week: [5, 6]
)",
                                            "v.yaml");
    REQUIRE(set.variants.size() == 5);
    CHECK(set.variants[1].name == "headcount=8,prospects_per_week=5");
    CHECK(set.variants[2].name == "headcount=8,prospects_per_week=6");
    CHECK(set.variants[4].name == "headcount=12,prospects_per_week=6");
    CHECK(set.variants[4].scenario.model.teams[0].prospects_per_week == 6.0);
  }
  SECTION("keys with the same last name are named by their whole path") {
    const auto set = load_scenario_set_text(BASE + R"(sweep:
  teams.territory.headcount: [8]
  teams.key-account.headcount: [3]
)",
                                            "v.yaml");
    CHECK(set.variants[1].name == "teams.territory.headcount=8,teams.key-account.headcount=3");
  }
}

TEST_CASE("Overrides (--set) apply to the baseline before the variants", "[variants]") {
  const auto set = load_scenario_set_text(BASE + R"(variants:
  - {name: more-prospecting, set: {teams.territory.prospects_per_week: 6}}
)",
                                          "v.yaml", {"teams.territory.headcount=14"});
  CHECK(set.variants[0].scenario.model.teams[0].headcount == 14);
  CHECK(set.variants[1].scenario.model.teams[0].headcount == 14);
}

TEST_CASE("Bad variants are reported at their entry in the file", "[variants]") {
  auto error_of = [](const std::string& extra) -> InputError {
    try {
      load_scenario_set_text(BASE + extra, "v.yaml");
    } catch (const InputError& error) {
      return error;
    }
    FAIL("no error for: " << extra);
    throw std::logic_error("unreachable");
  };
  SECTION("an invalid value") {
    const InputError error =
        error_of("variants:\n  - {name: bad, set: {teams.territory.headcount: -3}}\n");
    CHECK(error.file() == "v.yaml");
    CHECK(error.line() == 12);  // the variant's entry, after 10 lines of BASE and "variants:"
    CHECK(error.key_path() == "teams.territory.headcount");
    CHECK(error.message().find("in variant 'bad'") != std::string::npos);
  }
  SECTION("a path naming no team") {
    const InputError error =
        error_of("variants:\n  - {name: bad, set: {teams.teritory.headcount: 3}}\n");
    CHECK(error.line() == 12);  // the variant's entry, after 10 lines of BASE and "variants:"
    CHECK(error.message().find("did you mean 'territory'") != std::string::npos);
  }
  SECTION("scaling a mean that an empirical table does not have") {
    const InputError error =
        error_of("variants:\n  - {name: bad, scale: {segments.small.deal_size.mean: 1.2}}\n");
    CHECK(error.message().find(".scale") != std::string::npos);
  }
  SECTION("duplicate and reserved names") {
    CHECK(error_of("variants:\n  - {name: a}\n  - {name: a}\n").message().find("duplicate") !=
          std::string::npos);
    CHECK(error_of("variants:\n  - {name: baseline}\n").message().find("baseline") !=
          std::string::npos);
  }
  SECTION("an unknown key in a variant") {
    CHECK(error_of("variants:\n  - {name: a, sett: {}}\n").message().find("did you mean 'set'") !=
          std::string::npos);
  }
}

namespace {

// Two stages share one duration distribution through an anchor, as a file that does not
// repeat itself would write it; the teams share one quota list the same way.
const std::string ALIASED = R"(name: aliased
calendar: {quarters: 2}
segments:
  - name: small
    stages:
      - name: intent
        win_probability: 0.2
        days: &d {dist: gamma, mean: 10, cv: 0.5}
      - name: negotiation
        win_probability: 0.7
        days: *d
    deal_size: 3
teams:
  - {name: a, segment: small, headcount: 2, prospects_per_week: 5, quota_per_quarter: &q [25, 30]}
  - {name: b, segment: small, headcount: 2, prospects_per_week: 5, quota_per_quarter: *q}
)";

}  // namespace

TEST_CASE("A variant that scales an aliased distribution changes one stage only", "[variants]") {
  const auto set = load_scenario_set_text(ALIASED + R"(variants:
  - name: slower-intent
    scale: {segments.small.stages.intent.days.mean: 2}
  - name: set-negotiation
    set: {segments.small.stages.negotiation.days.cv: 1}
  - name: new-quota
    set: {teams.b.quota_per_quarter.1: 50}
)",
                                          "a.yaml");
  REQUIRE(set.variants.size() == 4);
  const auto& baseline = set.variants[0].scenario.model.segments[0].stages;
  const auto& slower = set.variants[1].scenario.model.segments[0].stages;
  CHECK(baseline[0].days.mean == 10.0);
  CHECK(baseline[1].days.mean == 10.0);
  CHECK(slower[0].days.mean == 20.0);
  CHECK(slower[1].days.mean == 10.0);
  CHECK(slower[1].days.cv == 0.5);
  const auto& set_cv = set.variants[2].scenario.model.segments[0].stages;
  CHECK(set_cv[0].days.cv == 0.5);
  CHECK(set_cv[1].days.cv == 1.0);
  const auto& teams = set.variants[3].scenario.model.teams;
  CHECK(teams[0].quota_per_quarter == std::vector<double>{25, 30});
  CHECK(teams[1].quota_per_quarter == std::vector<double>{25, 50});
  // The baseline after all the variants is still what the file says.
  CHECK(set.variants[0].scenario.model.teams[1].quota_per_quarter == std::vector<double>{25, 30});
}

TEST_CASE("An override (--set) on an aliased node changes the path named only", "[variants]") {
  SECTION("a distribution's key") {
    const auto set =
        load_scenario_set_text(ALIASED, "a.yaml", {"segments.small.stages.intent.days.mean=4"});
    const auto& stages = set.variants[0].scenario.model.segments[0].stages;
    CHECK(stages[0].days.mean == 4.0);
    CHECK(stages[1].days.mean == 10.0);
  }
  SECTION("the whole distribution") {
    const auto set =
        load_scenario_set_text(ALIASED, "a.yaml", {"segments.small.stages.negotiation.days=3"});
    const auto& stages = set.variants[0].scenario.model.segments[0].stages;
    CHECK(stages[0].days.mean == 10.0);
    CHECK(stages[1].days.value == 3.0);
  }
  SECTION("an item of an aliased list") {
    const auto set = load_scenario_set_text(ALIASED, "a.yaml", {"teams.a.quota_per_quarter.0=1"});
    const auto& teams = set.variants[0].scenario.model.teams;
    CHECK(teams[0].quota_per_quarter == std::vector<double>{1, 30});
    CHECK(teams[1].quota_per_quarter == std::vector<double>{25, 30});
  }
}

TEST_CASE("Overrides on aliased stages, segments and teams leave the other uses alone",
          "[variants]") {
  // Each of the second segment, its second stage and the second team is an alias of the first;
  // renaming the second use (--set) makes the names unique, and must leave the first as it was.
  const std::string text = R"(name: aliased
segments:
  - &seg
    name: small
    stages:
      - &st {name: intent, win_probability: 0.2, days: 7}
      - *st
    deal_size: 3
  - *seg
teams:
  - &team {name: a, segment: small, headcount: 2, prospects_per_week: 5, quota_per_quarter: 25}
  - *team
variants:
  - name: v
    set: {segments.1.deal_size: 4, segments.0.stages.0.days: 9, teams.1.headcount: 3}
)";
  const auto set = load_scenario_set_text(
      text, "a.yaml",
      {"segments.1.name=large", "segments.small.stages.1.name=negotiation",
       "segments.small.stages.negotiation.win_probability=0.7",
       "segments.large.stages.1.name=negotiation",
       "segments.large.stages.negotiation.win_probability=0.7", "teams.1.name=b"});
  REQUIRE(set.variants.size() == 2);
  for (const auto& variant : set.variants) {
    const auto& segments = variant.scenario.model.segments;
    REQUIRE(segments.size() == 2);
    CHECK(segments[0].name == "small");
    CHECK(segments[1].name == "large");
    CHECK(segments[0].deal_size.value == 3.0);
    CHECK(segments[0].stages[1].name == "negotiation");
    CHECK(segments[1].stages[0].days.value == 7.0);
    CHECK(segments[1].stages[1].days.value == 7.0);
    CHECK(segments[0].stages[1].days.value == 7.0);
    CHECK(variant.scenario.model.teams[0].name == "a");
    CHECK(variant.scenario.model.teams[0].headcount == 2);
  }
  CHECK(set.variants[0].scenario.model.segments[1].deal_size.value == 3.0);
  CHECK(set.variants[1].scenario.model.segments[1].deal_size.value == 4.0);
  CHECK(set.variants[0].scenario.model.segments[0].stages[0].days.value == 7.0);
  CHECK(set.variants[1].scenario.model.segments[0].stages[0].days.value == 9.0);
  CHECK(set.variants[1].scenario.model.teams[1].headcount == 3);
}

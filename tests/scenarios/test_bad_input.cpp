// Bad scenarios and snapshots are rejected with a message that names the value and where it
// is. Each case is one small file in tests/bad_inputs/ or tests/bad_snapshots/; the tables
// below hold its expected error. Crashes the fuzzers find (tests/fuzz) become cases here.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/scenarios/snapshot.hpp"
#include "funnelsim/scenarios/variants.hpp"

namespace {

using funnelsim::scenarios::InputError;
using funnelsim::scenarios::load_scenario_file;
using funnelsim::scenarios::load_scenario_set;
using funnelsim::scenarios::load_snapshot_file;

struct BadInput {
  const char* file;      // under tests/bad_inputs/
  int line;              // 1-based; 0: the error has no line (the whole file)
  int column;            // 1-based; the offending node, or the parent mapping of a missing key
  const char* key_path;  // "" for errors about the whole file
  const char* message;   // a fragment of InputError::message()
};

// clang-format off
const BadInput BAD_INPUTS[] = {
  // The file itself.
  {"malformed_unclosed_bracket.yaml", 4, 1, "", "end of sequence flow not found"},
  {"empty.yaml", 0, 0, "", "empty scenario"},
  {"only_comments.yaml", 0, 0, "", "empty scenario"},
  {"top_level_list.yaml", 1, 1, "", "the top level must be a mapping, got a list"},
  {"two_documents.yaml", 3, 1, "", "a scenario file holds one YAML document, found 2"},
  {"binary_garbage.yaml", 3, 16, "", "not a text file: control character 0x00"},
  {"invalid_utf8.yaml", 1, 10, "", "not UTF-8 text: byte 0xe9"},
  {"alias_bomb.yaml", 4, 45, "",
   "the document expands to more than 250000 nodes (aliases counted at each use)"},
  {"deep_nesting.yaml", 3, 1, "", "nested deeper than 64 levels"},
  {"deep_nesting_shallow_parse.yaml", 3, 77, "", "nested deeper than 64 levels"},
  // Found by tests/fuzz: yaml-cpp 0.7's LoadAll looped forever, allocating, on this file.
  {"fuzz_parser_stuck.yaml", 1, 1, "", "the top level must be a mapping, got ''"},
  // Keys.
  {"unknown_key_top.yaml", 2, 1, "segmets", "unknown key 'segmets'; did you mean 'segments'?"},
  {"unknown_key_team.yaml", 11, 5, "teams.territory.prospect_per_week",
   "unknown key 'prospect_per_week'; did you mean 'prospects_per_week'?"},
  {"unknown_key_no_suggestion.yaml", 4, 3, "calendar.horizon",
   "unknown key 'horizon'; valid keys for calendar: weeks_per_quarter, quarters, warmup_weeks"},
  {"duplicate_key.yaml", 11, 5, "teams.territory.headcount",
   "duplicate key 'headcount' (first at line 10)"},
  {"missing_required_key.yaml", 8, 5, "teams.territory.headcount",
   "missing required key 'headcount'"},
  {"missing_segments.yaml", 1, 1, "segments", "missing required key 'segments'"},
  // Types.
  {"wrong_type_number.yaml", 11, 25, "teams.territory.prospects_per_week",
   "must be a number, got 'five'"},
  {"wrong_type_mapping.yaml", 2, 11, "calendar", "must be a mapping, got a list"},
  {"wrong_type_list.yaml", 2, 11, "segments", "must be a list, got a mapping"},
  {"headcount_fraction.yaml", 8, 50, "teams.territory.headcount", "must be an integer, got 2.5"},
  {"number_infinite.yaml", 8, 74, "teams.territory.prospects_per_week",
   "must be a finite number, got .inf"},
  {"calendar_out_of_range.yaml", 3, 13, "calendar.quarters", "must be in [1, 400], got 0"},
  // Sizes (scenarios/README.md, "Limits").
  {"calendar_quarters_too_many.yaml", 2, 22, "calendar.quarters", "must be in [1, 400], got 401"},
  {"headcount_too_large.yaml", 8, 50, "teams.territory.headcount",
   "must be in [0, 100000], got 100001"},
  {"reps_too_many.yaml", 18, 44, "teams.t10.headcount",
   "the teams have 1100000 reps in all up to this one; the limit is 1000000"},
  {"stages_too_many.yaml", 5, 7, "segments.small.stages", "must have at most 50 items, got 51"},
  {"sweep_too_large.yaml", 11, 3, "sweep",
   "the variants and the sweep make more than 1000 variants (0 variants and more than 1000 "
   "sweep combinations); the limit is 1000"},
  // Win probabilities.
  {"probability_zero.yaml", 5, 41, "segments.small.stages.intent.win_probability",
   "must be in (0, 1], got 0"},
  {"probability_above_one.yaml", 6, 43, "segments.small.stages.solution.win_probability",
   "must be in (0, 1], got 1.4"},
  {"probability_negative.yaml", 6, 26, "segments.small.stages.intent.win_probability",
   "must be in (0, 1], got -0.1"},
  {"probability_nan.yaml", 5, 41, "segments.small.stages.intent.win_probability",
   "must be a finite number, got .nan"},
  {"probabilities_not_increasing.yaml", 6, 43, "segments.small.stages.solution.win_probability",
   "win probabilities must increase along the funnel: 'solution' has 0.3 after 'intent' 0.35"},
  {"existing_share_without_probability.yaml", 3, 5, "segments.small.existing_win_probability",
   "missing required key 'existing_win_probability'"},
  // Distributions.
  {"prospects_per_week_zero.yaml", 8, 73, "teams.territory.prospects_per_week",
   "must be in (0, 1000000], got 0"},
  {"duration_zero.yaml", 5, 52, "segments.small.stages.intent.days", "must be in (0, 1e+12], got 0"},
  {"lognormal_negative_mean.yaml", 6, 40, "segments.small.deal_size.mean", "must be in [1e-09, 1e+12], got -2"},
  {"duration_negative.yaml", 7, 36, "segments.small.stages.intent.days.value",
   "must be in (0, 1e+12], got -3"},
  {"gamma_cv_zero.yaml", 7, 42, "segments.small.stages.intent.days.cv", "must be in [0.001, 10], got 0"},
  {"distribution_unknown_kind.yaml", 5, 59, "segments.small.stages.intent.days.dist",
   "got 'gama'; did you mean 'gamma'?"},
  {"distribution_extra_parameter.yaml", 5, 81, "segments.small.stages.intent.days.cv",
   "unknown key 'cv'; valid keys for an exponential distribution: dist, mean"},
  {"distribution_missing_parameter.yaml", 5, 52, "segments.small.stages.intent.days.mode",
   "missing required key 'mode'"},
  {"empirical_shares_not_one.yaml", 9, 9, "segments.small.deal_size.buckets",
   "shares must sum to 1, got 0.97"},
  {"empirical_open_bucket_not_last.yaml", 9, 11, "segments.small.deal_size.buckets.0",
   "only the last bucket may omit 'max'"},
  {"empirical_mean_outside_bucket.yaml", 10, 46, "segments.small.deal_size.buckets.1.mean",
   "must be in (2, 5), got 6"},
  {"empirical_overlapping_buckets.yaml", 10, 17, "segments.small.deal_size.buckets.1.min",
   "buckets must be sorted and must not overlap: min 1 is below the previous bucket's max 2"},
  {"empirical_mixed_weights.yaml", 10, 35, "segments.small.deal_size.buckets.1.share",
   "all buckets must use 'count' or all 'share'"},
  // Names and references.
  {"duplicate_segment.yaml", 7, 11, "segments.small.name",
   "duplicate segment name 'small' (first at line 3)"},
  {"duplicate_stage.yaml", 6, 16, "segments.small.stages.intent.name",
   "duplicate stage name 'intent' (first at line 5)"},
  {"invalid_name.yaml", 3, 11, "segments.0.name",
   "must not contain '.', '=' or whitespace, got 'small deals'"},
  {"team_missing_segment.yaml", 8, 32, "teams.territory.segment",
   "no segment named 'smal'; did you mean 'small'?"},
  {"source_missing_team.yaml", 10, 45, "sources.referrals.team",
   "no team named 'territroy'; did you mean 'territory'?"},
  {"source_key_of_other_type.yaml", 10, 50, "sources.web.leads_per_week",
   "unknown key 'leads_per_week'; valid keys for a referral source"},
  {"attrition_bad_choice.yaml", 12, 55, "teams.territory.attrition.open_opportunities",
   "must be one of lost, reassigned, got 'lots'; did you mean 'lost'?"},
  {"hires_week_out_of_range.yaml", 12, 20, "teams.territory.hires.0.week",
   "must be in [1, 52], got 53"},
  {"departures_too_many.yaml", 16, 27, "teams.territory.departures.2.count",
   "2 cannot leave at week 21: the team has 1 rep then (headcount, plus hires, less earlier "
   "departures)"},
  {"departure_bad_who.yaml", 12, 44, "teams.territory.departures.0.who",
   "must be one of random, top, got 'best'"},
  // Quota.
  {"quota_shares_bad_sum.yaml", 11, 19, "quota.quarter_shares", "shares must sum to 1, got 0.94"},
  {"quota_shares_three.yaml", 11, 19, "quota.quarter_shares",
   "must have 4 entries, one per quarter of the year, got 3"},
  {"quota_missing.yaml", 1, 1, "quota",
   "no quota for quarter 1: set quota.annual or teams' quota_per_quarter"},
  {"quota_quarter_zero.yaml", 1, 1, "quota", "no quota for quarter 2"},
  // Numeric domains: the extremes that overflowed the samplers or the engine's arithmetic.
  {"lognormal_cv_huge.yaml", 6, 47, "segments.small.deal_size.cv", "must be in [0.001, 10], got 1e200"},
  {"gamma_cv_tiny.yaml", 5, 79, "segments.small.stages.intent.days.cv", "must be in [0.001, 10], got 1e-200"},
  {"deal_size_huge.yaml", 6, 16, "segments.small.deal_size", "must be in (0, 1e+12], got 1.7e308"},
  {"empirical_count_huge.yaml", 8, 41, "segments.small.deal_size.buckets.0.count", "must be in (0, 1e+12], got 1e308"},
  {"empirical_mean_at_edge.yaml", 8, 81, "segments.small.deal_size.buckets.1.mean", "must lie at least 0.2% of the bucket's width from its ends, in [3.996, 998.004], got 999.9"},
  {"distribution_scale_huge.yaml", 6, 52, "segments.small.deal_size.scale", "must be in (0, 1000000], got 1e300"},
  {"attrition_rate_tiny.yaml", 12, 30, "teams.territory.attrition.annual_rate", "must be 0 or in [1e-06, 100], got 1e-300"},
  {"prospects_huge.yaml", 8, 73, "teams.territory.prospects_per_week", "must be in (0, 1000000], got 1e300"},
  {"deal_size_mean_too_large.yaml", 6, 16, "segments.small.deal_size",
   "the mean deal size (scale included) must be at most 1000000 万, got 2000000"},
  // Names that cannot name a results file group or a file.
  {"name_with_slash.yaml", 1, 7, "name", "must not contain '/'"},
  {"segment_name_control.yaml", 3, 11, "segments.0.name", "must not contain control characters, got 0x01"},
  {"stage_name_too_long.yaml", 5, 16, "segments.small.stages.0.name", "must be at most 100 bytes, got 101"},
  {"variant_name_leading_dot.yaml", 10, 11, "variants.0.name", "a variant name must not start with '.'"},
};
// clang-format on

std::string corpus_path(const std::string& file) {
  return std::string(FUNNELSIM_SOURCE_DIR) + "/tests/bad_inputs/" + file;
}

// Bad snapshots (for `funnelsim forecast`): each file in tests/bad_snapshots/ and its error.

// The same fields, for files under tests/bad_snapshots/.
using BadSnapshot = BadInput;

// clang-format off
const BadSnapshot BAD_SNAPSHOTS[] = {
  // The file itself.
  {"empty.yaml", 0, 0, "", "empty snapshot"},
  {"only_comments.yaml", 0, 0, "", "empty snapshot"},
  {"malformed.yaml", 3, 1, "", "end of map flow not found"},
  {"top_level_list.yaml", 1, 1, "", "the top level must be a mapping, got a list"},
  {"two_documents.yaml", 3, 1, "", "a snapshot file holds one YAML document, found 2"},
  {"binary_garbage.yaml", 2, 11, "", "not UTF-8 text: byte 0x89"},
  {"invalid_utf8.yaml", 6, 15, "", "not UTF-8 text: byte 0xc3"},
  {"alias_bomb.yaml", 4, 45, "",
   "the document expands to more than 250000 nodes (aliases counted at each use)"},
  {"deep_nesting.yaml", 1, 1999, "", "nested deeper than 64 levels"},
  {"parser_stuck.yaml", 1, 1, "", "not valid YAML: the parser cannot go on from here"},
  {"stages_too_many.yaml", 6, 3, "stages", "must have at most 100 items, got 101"},
  {"count_too_large.yaml", 6, 50, "stages.intent.count", "must be in [0, 10000000], got 1e12"},
  // Keys.
  {"unknown_key_top.yaml", 2, 1, "realised", "unknown key 'realised'; did you mean 'realized'?"},
  {"unknown_key_stage.yaml", 7, 22, "stages.solution.win_probabilty",
   "unknown key 'win_probabilty'; did you mean 'win_probability'?"},
  {"unknown_key_no_suggestion.yaml", 8, 23, "gap_ladder.alpha",
   "unknown key 'alpha'; valid keys for gap_ladder: p1, p2, p3, p4"},
  {"quota_missing.yaml", 1, 1, "quota", "missing required key 'quota'"},
  {"calls_missing_possible.yaml", 7, 8, "calls.possible", "missing required key 'possible'"},
  {"average_deal_missing.yaml", 1, 1, "average_deal",
   "missing required key 'average_deal' (needed when the stages have no 'amount')"},
  // Types and numbers.
  {"wrong_type_number.yaml", 2, 11, "realized", "must be a number, got 'sixty'"},
  {"wrong_type_calls.yaml", 7, 8, "calls", "must be a mapping, got a list"},
  {"probability_nan.yaml", 6, 37, "stages.intent.win_probability",
   "must be a finite number, got .nan"},
  {"quota_infinite.yaml", 1, 8, "quota", "must be a finite number, got .inf"},
  {"probability_above_one.yaml", 7, 39, "stages.solution.win_probability",
   "must be in [1e-06, 1], got 1.3"},
  {"count_negative.yaml", 6, 50, "stages.intent.count", "got -5"},
  {"count_fraction.yaml", 6, 50, "stages.intent.count", "must be an integer, got 12.5"},
  {"realized_negative.yaml", 2, 11, "realized", "must be in [0, 1e+12], got -10"},
  {"weight_above_one.yaml", 8, 22, "weights.committed", "must be in [0, 1], got 1.5"},
  // Cross-field rules.
  {"weeks_remaining_above_quarter.yaml", 3, 18, "weeks_remaining",
   "must be <= weeks_in_quarter (13), got 14"},
  {"stages_empty.yaml", 5, 9, "stages", "must not be empty"},
  {"duplicate_stage.yaml", 7, 12, "stages.intent.name",
   "duplicate stage name 'intent' (first at line 6)"},
  {"probabilities_not_increasing.yaml", 7, 39, "stages.solution.win_probability",
   "win probabilities must increase along the funnel: 'solution' has 0.20 after 'intent' 0.35"},
  {"amount_on_some_stages.yaml", 6, 5, "stages.intent",
   "give 'amount' for every stage or for none: 'intent' has none, 'potential' has one"},
  {"average_deal_from_empty_funnel.yaml", 5, 3, "stages",
   "cannot derive the average deal from a funnel with no opportunities: set 'average_deal'"},
  // Numeric domains: the extremes that crashed the projection or overflowed the forecast.
  {"weeks_per_stage_huge.yaml", 5, 18, "weeks_per_stage", "must be in (0, 52], got 1e9"},
  {"average_deal_tiny.yaml", 4, 15, "average_deal", "must be in [1e-06, 1e+12], got 1e-300"},
  {"quota_huge.yaml", 1, 8, "quota", "must be in (0, 1e+12], got 1e300"},
  {"probability_tiny.yaml", 5, 34, "new_opportunity_win_probability", "must be in [1e-06, 1], got 1e-320"},
  {"average_deal_derived_tiny.yaml", 5, 3, "stages", "the average deal derived from the funnel, 7.692307692e-303, is below 1e-06"},
};
// clang-format on

std::string bad_snapshot(const std::string& file) {
  return std::string(FUNNELSIM_SOURCE_DIR) + "/tests/bad_snapshots/" + file;
}

}  // namespace

namespace {

/// Loads every file of a corpus with `load` and checks its error against the table.
template <class Table, class Path, class Load>
void check_corpus(const Table& table, Path path_of, Load load) {
  for (const BadInput& bad : table) {
    DYNAMIC_SECTION(bad.file) {
      const std::string path = path_of(bad.file);
      try {
        load(path);
        FAIL("loaded without an error");
      } catch (const InputError& error) {
        INFO(error.what());
        CHECK(error.file() == path);
        CHECK(error.line() == bad.line);
        CHECK(error.column() == bad.column);
        CHECK(error.key_path() == bad.key_path);
        CHECK_THAT(error.message(), Catch::Contains(bad.message));
      }
    }
  }
}

/// Every file in the corpus folder has its row in the table.
template <class Table>
void check_corpus_listed(const Table& table, const std::string& folder) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FUNNELSIM_SOURCE_DIR) +
                                                               "/tests/" + folder)) {
    const std::string name = entry.path().filename().string();
    bool listed = false;
    for (const BadInput& bad : table) {
      listed = listed || name == bad.file;
    }
    INFO(name);
    CHECK(listed);
  }
}

}  // namespace

TEST_CASE("each bad scenario is rejected with its location and message", "[loader][bad_input]") {
  // The loader `funnelsim run` uses: the scenario, then its variants and sweep.
  check_corpus(BAD_INPUTS, corpus_path, [](const std::string& path) { load_scenario_set(path); });
}

TEST_CASE("every corpus file has an expected error in the table", "[loader][bad_input]") {
  check_corpus_listed(BAD_INPUTS, "bad_inputs");
}

TEST_CASE("an error reads gcc-style: file:line:column: key path: message", "[loader][bad_input]") {
  const std::string path = corpus_path("probability_above_one.yaml");
  REQUIRE_THROWS_WITH(load_scenario_file(path),
                      path + ":6:43: segments.small.stages.solution.win_probability: " +
                          "must be in (0, 1], got 1.4");
  REQUIRE_THROWS_WITH(load_scenario_file(corpus_path("empty.yaml")),
                      corpus_path("empty.yaml") + ": empty scenario");
}

TEST_CASE("a file that cannot be read is an InputError naming it", "[loader][bad_input]") {
  const std::string path = corpus_path("no_such_file.yaml");
  try {
    load_scenario_file(path);
    FAIL("loaded a missing file");
  } catch (const InputError& error) {
    CHECK(error.file() == path);
    CHECK(error.line() == 0);
    CHECK(error.message() == "cannot read: No such file or directory");
  }
  CHECK_THROWS_WITH(load_scenario_file(std::string(FUNNELSIM_SOURCE_DIR) + "/tests/bad_inputs"),
                    Catch::Contains("cannot read: Is a directory"));
}

TEST_CASE("each bad snapshot is rejected with its location and message", "[forecast][bad_input]") {
  check_corpus(BAD_SNAPSHOTS, bad_snapshot,
               [](const std::string& path) { load_snapshot_file(path); });
}

TEST_CASE("every bad snapshot has an expected error in the table", "[forecast][bad_input]") {
  check_corpus_listed(BAD_SNAPSHOTS, "bad_snapshots");
}

TEST_CASE("a stream is read up to the size limit, a FIFO without a writer as empty",
          "[loader][bad_input]") {
  // /dev/zero has no size to check beforehand: it was read until memory ran out.
  try {
    load_scenario_file("/dev/zero");
    FAIL("loaded /dev/zero");
  } catch (const InputError& error) {
    CHECK(error.file() == "/dev/zero");
    CHECK_THAT(error.message(), Catch::StartsWith("too large: more than 16777216"));
  }
  CHECK_THROWS_WITH(load_snapshot_file("/dev/zero"), Catch::Contains("too large"));
  // A FIFO that no process writes to once waited in open() forever.
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("funnelsim-fifo-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const std::string fifo = (folder / "scenario.yaml").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(load_scenario_file(fifo), fifo + ": empty scenario");
  std::filesystem::remove_all(folder);
}

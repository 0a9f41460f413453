// Bad scenarios are rejected with a message that names the value and where it is.
// Each case is one small file in tests/bad_inputs/; the table below is its expected error.

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "funnelsim/scenarios/load.hpp"

namespace {

using funnelsim::scenarios::InputError;
using funnelsim::scenarios::load_scenario_file;

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
  {"duration_zero.yaml", 5, 52, "segments.small.stages.intent.days", "must be > 0, got 0"},
  {"duration_negative.yaml", 7, 36, "segments.small.stages.intent.days.value",
   "must be > 0, got -3"},
  {"gamma_cv_zero.yaml", 7, 42, "segments.small.stages.intent.days.cv", "must be > 0, got 0"},
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
  // Quota.
  {"quota_shares_bad_sum.yaml", 11, 19, "quota.quarter_shares", "shares must sum to 1, got 0.94"},
  {"quota_shares_three.yaml", 11, 19, "quota.quarter_shares",
   "must have 4 entries, one per quarter of the year, got 3"},
  {"quota_missing.yaml", 1, 1, "quota",
   "no quota for quarter 1: set quota.annual or teams' quota_per_quarter"},
  {"quota_quarter_zero.yaml", 1, 1, "quota", "no quota for quarter 2"},
};
// clang-format on

std::string corpus_path(const std::string& file) {
  return std::string(FUNNELSIM_SOURCE_DIR) + "/tests/bad_inputs/" + file;
}

}  // namespace

TEST_CASE("each bad scenario is rejected with its location and message", "[loader][bad_input]") {
  for (const BadInput& bad : BAD_INPUTS) {
    DYNAMIC_SECTION(bad.file) {
      const std::string path = corpus_path(bad.file);
      try {
        load_scenario_file(path);
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

TEST_CASE("every corpus file has an expected error in the table", "[loader][bad_input]") {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FUNNELSIM_SOURCE_DIR) +
                                                               "/tests/bad_inputs")) {
    const std::string name = entry.path().filename().string();
    bool listed = false;
    for (const BadInput& bad : BAD_INPUTS) {
      listed = listed || name == bad.file;
    }
    INFO(name);
    CHECK(listed);
  }
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

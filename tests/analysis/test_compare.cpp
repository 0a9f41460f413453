// Comparing variants on common random numbers: the paired statistics against closed forms and
// hand-computed cases, the tables, JSON and CSV, and `funnelsim compare` end to end.

#include <hdf5.h>
#include <stdlib.h>  // mkdtemp
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "funnelsim/report/compare.hpp"
#include "funnelsim/report/verdict.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/sim/results.hpp"
#include "funnelsim/sim/runner.hpp"
#include "funnelsim/stats/statistics.hpp"
#include "support/models.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

namespace fs = std::filesystem;
namespace sim = funnelsim::sim;
namespace analysis = funnelsim::analysis;
using analysis::CompareError;
using analysis::CompareMetric;
using analysis::CompareQuestion;
using analysis::Comparison;
using analysis::Criterion;
using analysis::ResultsReader;
using analysis::ResultsWriter;
using analysis::VariantComparison;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;

/// Each test's scratch directory, removed with its contents.
struct TemporaryDirectory : funnelsim::testing::TemporaryDirectory {
  TemporaryDirectory() : funnelsim::testing::TemporaryDirectory("funnelsim-compare") {}
};

analysis::RunMetadata run_metadata(std::size_t replications) {
  return {"name: test\n", "test", 42, replications, 0};
}

// ---- A tiny file with known values.
//
// Two quarters, quota 40 万 a quarter (80 for the run), two reps booking 1/4 and 3/4 of each
// quarter. Totals over the run, per replication:
//   baseline  70  90  80 100   (mean 85, quota met 3 of 4: 80 >= 80 counts)
//   worse     60  80  70  90   (baseline - 10 in every replication)
//   same      70  90  80 100   (identical)
//   more      80  95  95 110   (differences 10 5 15 10)
// Costs: 2 reps × 3 万 a quarter + 10% commission (worse: 2 万 a rep).

using Quarters = std::vector<std::vector<double>>;  // [replication][quarter], 万

const Quarters BASELINE{{30, 40}, {40, 50}, {35, 45}, {45, 55}};
const Quarters WORSE{{25, 35}, {35, 45}, {30, 40}, {40, 50}};
const Quarters MORE{{35, 45}, {45, 50}, {40, 55}, {50, 60}};

sim::Model tiny_model(double cost_per_rep) {
  sim::Model model = funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 2, 2.0, 2);
  model.teams[0].cost_per_rep_per_quarter = cost_per_rep;
  model.teams[0].commission_rate = 0.10;
  return model;
}

std::vector<sim::ReplicationResult> fabricate(const sim::Model& model, const Quarters& bookings) {
  const sim::ResultShape shape(model);
  std::vector<sim::ReplicationResult> results(bookings.size());
  for (std::size_t r = 0; r < bookings.size(); ++r) {
    results[r].reset(shape);
    for (std::size_t q = 0; q < 2; ++q) {
      const double amount = bookings[r][q];
      results[r].bookings[q] = amount;
      results[r].segments[0].bookings[q] = amount;
      results[r].rep_bookings[q] = 0.25 * amount;
      results[r].rep_bookings[2 + q] = 0.75 * amount;
      results[r].wins[q] = static_cast<std::int64_t>(amount / 2);
    }
  }
  return results;
}

struct FabricatedVariant {
  std::string name;
  Quarters bookings;
  double cost_per_rep = 3.0;
};

void write_file(const fs::path& path, const std::vector<FabricatedVariant>& variants) {
  ResultsWriter writer(path, run_metadata(4), false);
  std::vector<sim::Model> models;
  models.reserve(variants.size());
  for (const FabricatedVariant& variant : variants) {
    models.push_back(tiny_model(variant.cost_per_rep));
    writer.add_variant(variant.name, models.back(), "name: test\n")
        .consume(0, fabricate(models.back(), variant.bookings));
  }
  writer.commit(4);
}

const std::vector<FabricatedVariant> FOUR_VARIANTS{
    {"baseline", BASELINE}, {"worse", WORSE, 2.0}, {"same", BASELINE}, {"more", MORE}};

const VariantComparison& row_of(const Comparison& comparison, const std::string& name) {
  for (const VariantComparison& row : comparison.variants) {
    if (row.variant == name) {
      return row;
    }
  }
  FAIL("no row " << name);
  throw std::logic_error("unreachable");
}

// ---- The command line, as a user runs it.

using ::funnelsim::testing::Outcome;

Outcome run_shell(const std::string& command) {
  return ::funnelsim::testing::shell_output(command + " 2>&1");
}

Outcome run_cli(const std::string& arguments) {
  return run_shell(std::string(FUNNELSIM_CLI) + " " + arguments);
}

}  // namespace

TEST_CASE("Paired difference and variance-reduction factor by hand", "[compare]") {
  const std::vector<double> baseline{70, 90, 80, 100};
  const std::vector<double> more{80, 95, 95, 110};
  // Differences 10 5 15 10: mean 10, sd sqrt(50 / 3), standard error sd / 2.
  const analysis::PairedDifference difference = analysis::paired_difference(more, baseline);
  const double half_width = analysis::Z_95 * std::sqrt(50.0 / 3.0) / 2.0;
  CHECK(difference.mean == Approx(10.0));
  CHECK(difference.interval.lower == Approx(10.0 - half_width));
  CHECK(difference.interval.upper == Approx(10.0 + half_width));
  // Var(baseline) 500/3, Var(more) 450/3, Var(difference) 50/3: (500 + 450) / 50 = 19.
  CHECK(analysis::variance_reduction_factor(baseline, more) == Approx(19.0));

  CHECK(std::isinf(analysis::variance_reduction_factor(baseline, baseline)));
  const std::vector<double> flat{5, 5, 5, 5};
  CHECK(std::isnan(analysis::variance_reduction_factor(flat, flat)));
  const std::vector<double> one{1};
  CHECK(std::isnan(analysis::paired_difference(one, one).interval.lower));
  CHECK_THROWS_AS(analysis::paired_difference(baseline, one), std::invalid_argument);
  CHECK_THROWS_AS(analysis::paired_difference({}, {}), std::invalid_argument);
  const std::vector<double> nan{std::numeric_limits<double>::quiet_NaN(), 1, 2, 3};
  CHECK_THROWS_AS(analysis::variance_reduction_factor(nan, baseline), std::invalid_argument);
}

TEST_CASE("On common random numbers the paired interval covers the true difference",
          "[compare][statistical]") {
  // 10 reps prospecting 5 or 6 a week, every lead won with probability 0.2 at 2 万: one more
  // prospect a week is worth 1 × 10 reps × 13 weeks × 0.2 × 2 万 = 52 万 a quarter exactly
  // (the warm-up of 8 weeks is longer than the 3-week cycle, so every quarter is stationary).
  const sim::Model five = funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 10, 2.0, 4);
  const sim::Model six = funnelsim::testing::funnel_model(6.0, {0.2, 0.35, 0.7}, 10, 2.0, 4);
  constexpr std::size_t REPLICATIONS = 500;
  TemporaryDirectory directory;
  const fs::path path = directory / "crn.h5";
  {
    ResultsWriter writer(path, run_metadata(REPLICATIONS), false);
    sim::RunOptions options;
    options.seed = 42;
    options.replications = REPLICATIONS;
    sim::run_replications(five, options, writer.add_variant("baseline", five, "name: five\n"));
    sim::run_replications(six, options, writer.add_variant("six-a-week", six, "name: six\n"));
    writer.commit(REPLICATIONS);
  }
  const ResultsReader reader(path);
  // A 95% interval misses one time in twenty; the seed is fixed, so this is not flaky, and a
  // change of the engine that breaks it deserves a look.
  SECTION("one quarter") {
    const Comparison comparison = analysis::compare_variants(reader, {"baseline", {}, 0});
    const VariantComparison& six_a_week = comparison.variants.at(1);
    CHECK(comparison.period == "Q1");
    CHECK(six_a_week.difference.interval.lower <= 52.0);
    CHECK(six_a_week.difference.interval.upper >= 52.0);
    // The 6-a-week territories keep every lead of the 5-a-week ones, so the difference varies
    // far less than either: Var(X) + Var(Y) ≈ 4 (130 + 156) against Var(X - Y) ≈ 4 × 26.
    CHECK(six_a_week.variance_reduction > 5.0);
  }
  SECTION("the year") {
    const Comparison comparison = analysis::compare_variants(reader, {});
    const VariantComparison& six_a_week = comparison.variants.at(1);
    CHECK(comparison.period == "year");
    CHECK(six_a_week.difference.interval.lower <= 4 * 52.0);
    CHECK(six_a_week.difference.interval.upper >= 4 * 52.0);
    CHECK(six_a_week.variance_reduction > 5.0);
  }
}

TEST_CASE("Every number of a comparison, by hand", "[compare]") {
  TemporaryDirectory directory;
  const fs::path path = directory / "four.h5";
  write_file(path, FOUR_VARIANTS);
  const ResultsReader reader(path);
  const Comparison comparison = analysis::compare_variants(reader, {});

  CHECK(comparison.period == "total");  // two quarters, not a year
  CHECK(comparison.baseline == "baseline");
  CHECK(comparison.replications == 4);
  CHECK(comparison.has_cost);

  SECTION("sorted: the baseline, then by mean difference, largest first") {
    std::vector<std::string> order;
    for (const VariantComparison& row : comparison.variants) {
      order.push_back(row.variant);
    }
    CHECK(order == std::vector<std::string>{"baseline", "more", "same", "worse"});
    CHECK(comparison.variants.front().is_baseline);
  }
  SECTION("the baseline's distribution and its own row") {
    const VariantComparison& baseline = row_of(comparison, "baseline");
    CHECK(baseline.quota == 80.0);
    CHECK(baseline.mean == Approx(85.0));
    // Type 7 on 70 80 90 100: h = 3p, so P10 = 73, P50 = 85, P90 = 97.
    CHECK(baseline.p10 == Approx(73.0));
    CHECK(baseline.p50 == Approx(85.0));
    CHECK(baseline.p90 == Approx(97.0));
    CHECK(baseline.quota_met_count == 3);
    CHECK(baseline.quota_met == 0.75);
    const analysis::Interval wilson = analysis::wilson_interval(3, 4);
    CHECK(baseline.quota_met_interval.lower == wilson.lower);
    CHECK(baseline.quota_met_interval.upper == wilson.upper);
    CHECK(baseline.difference.mean == 0.0);
    CHECK(std::isnan(baseline.variance_reduction));
    // 2 reps × 3 万 × 2 quarters + 10% of 85 万.
    CHECK(baseline.cost == Approx(12.0 + 8.5));
    CHECK(baseline.extra_cost == 0.0);
    CHECK(std::isnan(baseline.return_per_cost));
  }
  SECTION("a better variant") {
    const VariantComparison& more = row_of(comparison, "more");
    CHECK(more.mean == Approx(95.0));
    CHECK(more.quota_met == 1.0);
    const double half_width = analysis::Z_95 * std::sqrt(50.0 / 3.0) / 2.0;
    CHECK(more.difference.mean == Approx(10.0));
    CHECK(more.difference.interval.lower == Approx(10.0 - half_width));
    CHECK(more.difference.interval.upper == Approx(10.0 + half_width));
    // Indicator differences 1 0 0 0: mean 1/4, sd 1/2, standard error 1/4.
    CHECK(more.quota_met_difference.mean == Approx(0.25));
    CHECK(more.quota_met_difference.interval.lower == Approx(0.25 - analysis::Z_95 * 0.25));
    CHECK(more.quota_met_difference.interval.upper == Approx(0.25 + analysis::Z_95 * 0.25));
    CHECK(more.variance_reduction == Approx(19.0));
    // 10% commission on 10 万 more: 1 万 extra for 10 万 of bookings.
    CHECK(more.cost == Approx(12.0 + 9.5));
    CHECK(more.extra_cost == Approx(1.0));
    CHECK(more.extra_bookings == Approx(10.0));
    CHECK(more.return_per_cost == Approx(10.0));
  }
  SECTION("an identical variant: no difference, an infinite factor, no return") {
    const VariantComparison& same = row_of(comparison, "same");
    CHECK(same.difference.mean == 0.0);
    CHECK(same.difference.interval.lower == 0.0);
    CHECK(same.difference.interval.upper == 0.0);
    CHECK(same.quota_met_difference.mean == 0.0);
    CHECK(std::isinf(same.variance_reduction));
    CHECK(same.extra_cost == 0.0);
    CHECK(std::isnan(same.return_per_cost));
  }
  SECTION("a constant shift: an exact difference, cheaper") {
    const VariantComparison& worse = row_of(comparison, "worse");
    CHECK(worse.difference.mean == Approx(-10.0));
    CHECK(worse.difference.interval.lower == Approx(-10.0));
    CHECK(std::isinf(worse.variance_reduction));
    // 80 + 7.5 (commission) less 20.5 = -5 万 for -10 万: 2 万 of bookings per 万 saved.
    CHECK(worse.quota_met == 0.5);
    CHECK(worse.quota_met_difference.mean == Approx(-0.25));
    CHECK(worse.extra_cost == Approx(-5.0));
    CHECK(worse.return_per_cost == Approx(2.0));
  }
}

TEST_CASE("Metrics, quarters and another baseline", "[compare]") {
  TemporaryDirectory directory;
  const fs::path path = directory / "four.h5";
  write_file(path, FOUR_VARIANTS);
  const ResultsReader reader(path);

  SECTION("attainment over the run is total bookings over total quota") {
    const Comparison comparison =
        analysis::compare_variants(reader, {"baseline", CompareMetric::attainment, {}});
    CHECK(comparison.variants.front().mean == Approx(85.0 / 80.0));
    CHECK(row_of(comparison, "more").difference.mean == Approx(10.0 / 80.0));
  }
  SECTION("wins in the second quarter") {
    // Wins are half the bookings (rounded down): baseline Q2 20 25 22 27, more 22 25 27 30.
    const Comparison comparison =
        analysis::compare_variants(reader, {"baseline", CompareMetric::wins, 1});
    CHECK(comparison.period == "Q2");
    CHECK(comparison.variants.front().mean == Approx(23.5));
    CHECK(row_of(comparison, "more").difference.mean == Approx(2.5));
    // P(quota met) stays about bookings against Q2's quota of 40 万: 40 50 45 55 all meet it.
    CHECK(comparison.variants.front().quota_met == 1.0);
  }
  SECTION("another baseline: more") {
    const Comparison comparison = analysis::compare_variants(reader, {"more", {}, {}});
    CHECK(comparison.variants.front().variant == "more");
    CHECK(comparison.variants.at(1).variant == "baseline");  // ties keep the file's order
    CHECK(comparison.variants.at(2).variant == "same");
    CHECK(comparison.variants.at(3).variant == "worse");
    CHECK(row_of(comparison, "baseline").difference.mean == Approx(-10.0));
    CHECK(row_of(comparison, "worse").difference.mean == Approx(-20.0));
  }
  SECTION("bad questions") {
    CHECK_THROWS_WITH(analysis::compare_variants(reader, {"x", {}, {}}),
                      "no variant 'x' (variants: baseline, worse, same, more)");
    CHECK_THROWS_AS(analysis::compare_variants(reader, {"baseline", {}, 2}), CompareError);
    CHECK_THROWS_WITH(analysis::compare_variants(reader, {"baseline", {}, -1}),
                      Contains("quarter 0 is out of range") && Contains("2 quarters"));
  }
}

TEST_CASE("The comparison as tables, JSON and CSV", "[compare]") {
  TemporaryDirectory directory;
  const fs::path path = directory / "four.h5";
  write_file(path, FOUR_VARIANTS);
  const ResultsReader reader(path);
  const Comparison comparison = analysis::compare_variants(reader, {});

  SECTION("tables within 80 columns, with units and a reading") {
    const std::string text = analysis::format_comparison(
        comparison, reader.metadata(), analysis::decide(comparison, Criterion::bookings));
    CHECK_THAT(text, Contains("4 replications of each of 4 variants"));
    CHECK_THAT(text, Contains("Bookings (万), total (2 quarters of 13 weeks)"));
    CHECK_THAT(text, Contains("baseline  85.0  73.0  85.0   97.0         75.0%   [30.1, 95.4]"));
    CHECK_THAT(text, Contains("more      +10.0   [+6.0, +14.0]     +25.0  [-24.0, +74.0]  19.0"));
    CHECK_THAT(text, Contains("same       +0.0    [+0.0, +0.0]      +0.0    [+0.0, +0.0]     ∞"));
    CHECK_THAT(text, Contains("Cost (万)"));
    CHECK_THAT(text, Contains("more      21.5        +1.0           +10.0         10.00"));
    std::string reading = text.substr(text.find("more is best"));
    std::replace(reading.begin(), reading.end(), '\n', ' ');
    CHECK(reading ==
          "more is best by mean bookings (+10.0 万, 95% CI +6.0 to +14.0 against runner-up "
          "baseline). ");
    CHECK(text.find("\nmore") < text.find("\nsame"));
    CHECK(text.find("\nsame") < text.find("\nworse"));
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      const std::string line = text.substr(start, end - start);
      // Columns: bytes less the continuation bytes of UTF-8, plus one for each wide 万.
      std::size_t columns = 0;
      for (const char c : line) {
        columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      }
      for (std::size_t at = line.find("万"); at != std::string::npos;
           at = line.find("万", at + 1)) {
        ++columns;
      }
      CHECK(columns <= 80);
      start = end + 1;
    }
  }
  SECTION("JSON keyed by variant, metadata in each entry, null for NaN and infinity") {
    const std::string json =
        analysis::comparison_json(comparison, analysis::decide(comparison, Criterion::bookings));
    CHECK(json.find("\"baseline\": {") < json.find("\"more\": {"));
    CHECK_THAT(json, Contains("\"metric\": \"bookings\""));
    CHECK_THAT(json, Contains("\"units\": \"万\""));
    CHECK_THAT(json, Contains("\"period\": \"total\""));
    CHECK_THAT(json, Contains("\"replications\": 4"));
    CHECK_THAT(json, Contains("\"diff_mean\": 10,"));
    CHECK_THAT(json, Contains("\"quota_met\": 0.75,"));
    CHECK_THAT(json, Contains("\"variance_reduction\": null"));
    for (const std::string& field : analysis::compare_fields()) {
      CHECK_THAT(json, Contains("\"" + field + "\": "));
    }
  }
  SECTION("CSV: a header and one row per variant") {
    const std::string csv = analysis::comparison_csv(comparison);
    std::string header = "variant";
    for (const std::string& field : analysis::compare_fields()) {
      header += "," + field;
    }
    CHECK(csv.substr(0, csv.find('\n')) == header);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);
    CHECK_THAT(csv, Contains("\nbaseline,bookings,万,total,baseline,4,80,85,73,85,97,0.75,"));
    // same: an infinite factor, then cost 20.5, no extra cost, no return (empty).
    CHECK_THAT(csv, Contains(",inf,20.5,0,0,\n"));
  }
  SECTION("names with commas and quotes are quoted") {
    const fs::path odd = directory / "odd.h5";
    write_file(odd, {{"baseline", BASELINE}, {"headcount=8,prospects=\"5\"", MORE}});
    const ResultsReader odd_reader(odd);
    const Comparison odd_comparison = analysis::compare_variants(odd_reader, {});
    CHECK_THAT(analysis::comparison_csv(odd_comparison),
               Contains("\n\"headcount=8,prospects=\"\"5\"\"\",bookings"));
    CHECK_THAT(analysis::comparison_json(odd_comparison,
                                         analysis::decide(odd_comparison, Criterion::bookings)),
               Contains("\"headcount=8,prospects=\\\"5\\\"\": {"));
  }
}

// ---- The verdict: a single best only outside the noise.
//
// Totals over the run per replication, against the baseline's 70 90 80 100:
//   shifted  75  95  85 105   (+5 in every replication: no variance at all)
//   noisy    74  88  83  99   (+4 -2 +3 -1: mean +1, sd sqrt(26/3))

const Quarters SHIFTED{{32.5, 42.5}, {42.5, 52.5}, {37.5, 47.5}, {47.5, 57.5}};
const Quarters NOISY{{32, 42}, {39, 49}, {36.5, 46.5}, {44.5, 54.5}};

analysis::Verdict verdict_of(const TemporaryDirectory& directory,
                             const std::vector<FabricatedVariant>& variants, Criterion criterion,
                             const std::string& baseline = "baseline") {
  const fs::path path = directory / "verdict.h5";
  fs::remove(path);
  write_file(path, variants);
  const ResultsReader reader(path);
  return analysis::decide(analysis::compare_variants(reader, {baseline, {}, {}}), criterion);
}

TEST_CASE("A fixed lead with no variance is a single best", "[compare][verdict]") {
  TemporaryDirectory directory;
  const analysis::Verdict verdict =
      verdict_of(directory, {{"baseline", BASELINE}, {"shifted", SHIFTED}}, Criterion::bookings);
  CHECK(verdict.leaders == std::vector<std::string>{"shifted"});
  CHECK(verdict.runner_up == "baseline");
  CHECK(verdict.margin.mean == 5.0);
  CHECK(verdict.margin.interval.lower == 5.0);
  CHECK(verdict.margin.interval.upper == 5.0);
  CHECK(verdict.statement ==
        "shifted is best by mean bookings (+5.0 万, 95% CI +5.0 to +5.0 against runner-up "
        "baseline).");
}

TEST_CASE("A lead within noise is a tie with the paired interval by hand", "[compare][verdict]") {
  TemporaryDirectory directory;
  const analysis::Verdict verdict =
      verdict_of(directory, {{"baseline", BASELINE}, {"noisy", NOISY}}, Criterion::bookings);
  CHECK(verdict.leaders == std::vector<std::string>{"noisy", "baseline"});
  // Differences 4 -2 3 -1: mean 1, deviations 3 -3 2 -2, sd sqrt(26 / 3), s.e. sd / sqrt(4);
  // compare's interval, mean ± 1.96 s.e. (the normal approximation): -1.885 to +3.885.
  const double half_width = analysis::Z_95 * std::sqrt(26.0 / 3.0) / 2.0;
  CHECK(verdict.margin.mean == Approx(1.0));
  CHECK(verdict.margin.interval.lower == Approx(1.0 - half_width));
  CHECK(verdict.margin.interval.upper == Approx(1.0 + half_width));
  CHECK(verdict.statement ==
        "Tied by mean bookings: noisy, baseline — their differences are within noise (noisy "
        "ahead of baseline by +1.0 万, 95% CI -1.9 to +3.9). No variant clearly beats "
        "baseline.");
  CHECK_THAT(verdict.statement, !Contains("is best"));
}

TEST_CASE("The baseline is a candidate like any other", "[compare][verdict]") {
  TemporaryDirectory directory;
  SECTION("nothing beats it") {
    const analysis::Verdict verdict =
        verdict_of(directory, {{"baseline", BASELINE}, {"worse", WORSE}}, Criterion::bookings);
    CHECK(verdict.leaders == std::vector<std::string>{"baseline"});
    CHECK(verdict.statement ==
          "baseline is best by mean bookings (+10.0 万, 95% CI +10.0 to +10.0 against runner-up "
          "worse): no variant beats baseline.");
  }
  SECTION("an identical variant ties with it") {
    const analysis::Verdict verdict =
        verdict_of(directory, {{"baseline", BASELINE}, {"same", BASELINE}}, Criterion::bookings);
    CHECK(verdict.leaders == std::vector<std::string>{"baseline", "same"});
    CHECK(verdict.margin.interval.lower == 0.0);
  }
  SECTION("a tie says who is clearly behind") {
    const analysis::Verdict verdict =
        verdict_of(directory, {{"baseline", BASELINE}, {"noisy", NOISY}, {"worse", WORSE}},
                   Criterion::bookings);
    CHECK(verdict.leaders == std::vector<std::string>{"noisy", "baseline"});
    CHECK_THAT(verdict.statement, EndsWith(". No variant clearly beats baseline. Clearly behind "
                                           "noisy: worse."));
  }
  SECTION("the leaders are every variant within noise of the best, not of each other") {
    // more leads baseline (+6.0 to +14.0) and noisy's lead on baseline is noise: the best is
    // more alone, though noisy ties with baseline.
    const analysis::Verdict verdict = verdict_of(
        directory, {{"baseline", BASELINE}, {"noisy", NOISY}, {"more", MORE}}, Criterion::bookings);
    CHECK(verdict.leaders == std::vector<std::string>{"more"});
    CHECK(verdict.runner_up == "noisy");
  }
}

TEST_CASE("The verdict by P(quota met) pairs the 0/1 indicators", "[compare][verdict]") {
  TemporaryDirectory directory;
  // Met (80 万 over the run): baseline 0 1 1 1, more 1 1 1 1, same 0 1 1 1, worse 0 1 0 1.
  // more - worse: 1 0 1 0, mean 1/2, sd sqrt(1/3), s.e. sd / 2: the interval reaches -0.066.
  const analysis::Verdict verdict = verdict_of(directory, FOUR_VARIANTS, Criterion::quota);
  CHECK(verdict.leaders == std::vector<std::string>{"more", "baseline", "same", "worse"});
  CHECK(verdict.margin.mean == Approx(0.25));
  CHECK(verdict.margin.interval.lower == Approx(0.25 - analysis::Z_95 * 0.25));
  CHECK_THAT(verdict.statement,
             Contains("Tied by P(quota met): more, baseline, same, worse — their differences are "
                      "within noise (more ahead of baseline by +25.0 points, 95% CI -24.0 to "
                      "+74.0; of same by +25.0 points") &&
                 Contains("of worse by +50.0 points, 95% CI -6.6 to +106.6)"));
}

TEST_CASE("The verdict by return per 万 uses the delta method of a ratio", "[compare][verdict]") {
  TemporaryDirectory directory;
  SECTION("by hand") {
    // more: extra cost is 10% commission on its extra bookings u = 10 5 15 10, so its return
    // is 10 in every replication. pricier: 2 reps × 1 万 × 2 quarters more as well, extra cost
    // w = 5 4.5 5.5 5, R = 10 / 5 = 2 and s = R + (u - R w) / mean(w) = 2 1.2 2.8 2.
    // more - pricier: 8 8.8 7.2 8, mean 8, sd sqrt(1.28 / 3).
    std::vector<FabricatedVariant> variants = FOUR_VARIANTS;
    variants.push_back({"pricier", MORE, 4.0});
    const analysis::Verdict verdict = verdict_of(directory, variants, Criterion::return_per_cost);
    CHECK(verdict.leaders == std::vector<std::string>{"more"});
    CHECK(verdict.runner_up == "pricier");
    const double half_width = analysis::Z_95 * std::sqrt(1.28 / 3.0) / 2.0;
    CHECK(verdict.margin.mean == Approx(8.0));
    CHECK(verdict.margin.interval.lower == Approx(8.0 - half_width));
    CHECK(verdict.margin.interval.upper == Approx(8.0 + half_width));
    CHECK(verdict.not_ranked == std::vector<std::string>{"same", "worse"});
    CHECK(verdict.statement ==
          "more is best by return per 万 of extra cost (+8.00 万/万, 95% CI +7.36 to +8.64 "
          "against runner-up pricier). Not ranked, costing no more than baseline: same, worse.");
  }
  SECTION("one variant costing more") {
    const analysis::Verdict verdict =
        verdict_of(directory, {{"baseline", BASELINE}, {"more", MORE}}, Criterion::return_per_cost);
    CHECK(verdict.leaders == std::vector<std::string>{"more"});
    CHECK_FALSE(verdict.runner_up);
    CHECK_THAT(verdict.statement,
               Contains("more is the only variant that costs more than baseline: 10.00 万 of "
                        "bookings per 万 of extra cost"));
  }
  SECTION("refused without costs to rank") {
    CHECK_THROWS_WITH(verdict_of(directory, FOUR_VARIANTS, Criterion::return_per_cost, "more"),
                      Contains("no variant costs more than more"));
    const fs::path path = directory / "old.h5";
    write_file(path, {{"baseline", BASELINE}, {"more", MORE}});
    {  // as a file of layout 1, written before costs were stored
      const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
      REQUIRE(file >= 0);
      CHECK(H5Ldelete(file, "variants/baseline/cost", H5P_DEFAULT) >= 0);
      CHECK(H5Ldelete(file, "variants/more/cost", H5P_DEFAULT) >= 0);
      H5Fclose(file);
    }
    const ResultsReader reader(path);
    const Comparison comparison = analysis::compare_variants(reader, {});
    CHECK_THROWS_AS(analysis::decide(comparison, Criterion::return_per_cost), CompareError);
    CHECK_THROWS_WITH(analysis::decide(comparison, Criterion::return_per_cost),
                      Contains("the file stores no cost"));
  }
}

TEST_CASE("Criteria by name and a variant named like the JSON key verdict", "[compare][verdict]") {
  CHECK(analysis::parse_criterion("quota") == Criterion::quota);
  CHECK(analysis::criterion_name(Criterion::return_per_cost) == "return");
  CHECK_THROWS_WITH(analysis::parse_criterion("profit"), Contains("bookings, quota, return"));
  TemporaryDirectory directory;
  const fs::path path = directory / "named.h5";
  write_file(path, {{"baseline", BASELINE}, {"verdict", MORE}});
  const ResultsReader reader(path);
  const Comparison comparison = analysis::compare_variants(reader, {});
  CHECK_THROWS_WITH(
      analysis::comparison_json(comparison, analysis::decide(comparison, Criterion::bookings)),
      Contains("a variant is named 'verdict'"));
}

TEST_CASE("A file with only a baseline still compares", "[compare]") {
  TemporaryDirectory directory;
  const fs::path path = directory / "alone.h5";
  write_file(path, {{"baseline", BASELINE}});
  const ResultsReader reader(path);
  const Comparison comparison = analysis::compare_variants(reader, {});
  REQUIRE(comparison.variants.size() == 1);
  CHECK(comparison.variants.front().mean == Approx(85.0));
  const analysis::Verdict verdict = analysis::decide(comparison, Criterion::bookings);
  CHECK(verdict.leaders == std::vector<std::string>{"baseline"});
  CHECK_FALSE(verdict.runner_up);
  const std::string text = analysis::format_comparison(comparison, reader.metadata(), verdict);
  CHECK_THAT(text, Contains("baseline  85.0"));
  CHECK_THAT(text, Contains("No other variant to compare with baseline."));
}

TEST_CASE("funnelsim compare end to end", "[compare][cli][process]") {
  TemporaryDirectory directory;
  const fs::path path = directory / "four.h5";
  write_file(path, FOUR_VARIANTS);
  const std::string file = path.string();

  SECTION("the table") {
    const Outcome outcome = run_cli("compare " + file);
    CHECK(outcome.exit_code == 0);
    CHECK_THAT(outcome.output, Contains("more is best by mean bookings"));
  }
  SECTION("JSON that Python parses, with the hand-computed values") {
    const std::string check =
        "import json,sys; d=json.load(sys.stdin); "
        "assert list(d) == ['baseline', 'more', 'same', 'worse', 'verdict'], list(d); "
        "v=d['verdict']; assert v['criterion'] == 'bookings' and v['leaders'] == ['more'], v; "
        "assert v['runner_up'] == 'baseline' and abs(v['diff_mean'] - 10) < 1e-12, v; "
        "assert v['statement'].startswith('more is best by mean bookings'), v; "
        "m=d['more']; assert abs(m['diff_mean'] - 10) < 1e-12; "
        "assert abs(m['variance_reduction'] - 19) < 1e-9; "
        "assert d['same']['variance_reduction'] is None; "
        "assert d['same']['return_per_cost'] is None; "
        "assert abs(d['worse']['return_per_cost'] - 2) < 1e-12; "
        "assert m['baseline'] == 'baseline' and m['replications'] == 4";
    const Outcome outcome = run_shell(std::string(FUNNELSIM_CLI) + " compare " + file +
                                      " --json | /usr/bin/python3 -c \"" + check + "\"");
    CHECK(outcome.output.empty());
    CHECK(outcome.exit_code == 0);
  }
  SECTION("CSV that Python parses") {
    const Outcome outcome =
        run_shell(std::string(FUNNELSIM_CLI) + " compare " + file +
                  " --csv --metric wins --quarter 2 | /usr/bin/python3 -c \"import csv,sys; "
                  "rows=list(csv.DictReader(sys.stdin)); assert len(rows) == 4; "
                  "assert rows[1]['variant'] == 'more' and rows[1]['period'] == 'Q2'\"");
    CHECK(outcome.output.empty());
    CHECK(outcome.exit_code == 0);
  }
  SECTION("--rank-by picks the verdict's criterion; return without costs exits 2") {
    Outcome outcome = run_cli("compare " + file + " --rank-by quota");
    CHECK(outcome.exit_code == 0);
    CHECK_THAT(outcome.output, Contains("Tied by P(quota met): more, baseline, same, worse"));
    outcome = run_cli("compare " + file + " --rank-by return --baseline more");
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output, Contains("four.h5") && Contains("no variant costs more than more"));
    CHECK(run_cli("compare " + file + " --rank-by profit").exit_code == 2);
  }
  SECTION("another baseline") {
    const Outcome outcome = run_cli("compare " + file + " --baseline worse --json");
    CHECK(outcome.exit_code == 0);
    CHECK(outcome.output.find("\"worse\"") < outcome.output.find("\"baseline\""));
  }
  SECTION("bad arguments exit 2 with a message") {
    Outcome outcome = run_cli("compare " + file + " --baseline x");
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output, Contains("no variant 'x' (variants: baseline, worse, same, more)"));
    outcome = run_cli("compare " + file + " --quarter 3");
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output, Contains("quarter 3 is out of range"));
    outcome = run_cli("compare " + file + " --quarter first");
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output, Contains("--quarter"));
    CHECK(run_cli("compare " + file + " --metric revenue").exit_code == 2);
    CHECK(run_cli("compare " + file + " --json --csv").exit_code == 2);
    CHECK(run_cli("compare").exit_code == 2);
  }
  SECTION("damaged or foreign files exit 2") {
    const fs::path damaged = directory / "damaged.h5";
    fs::copy_file(path, damaged);
    fs::resize_file(damaged, fs::file_size(damaged) / 2);
    Outcome outcome = run_cli("compare " + damaged.string());
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output, Contains("damaged.h5"));
    const fs::path text = directory / "notes.h5";
    std::ofstream(text) << "not HDF5\n";
    outcome = run_cli("compare " + text.string());
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output, Contains("not an HDF5 file"));
    CHECK(run_cli("compare " + (directory / "missing.h5").string()).exit_code == 2);
  }
  SECTION("--help documents the output") {
    const Outcome outcome = run_cli("compare --help");
    CHECK(outcome.exit_code == 0);
    CHECK_THAT(outcome.output, Contains("variance-reduction factor"));
    CHECK_THAT(outcome.output, Contains("keyed by variant name"));
    CHECK_THAT(outcome.output, Contains("--rank-by") && Contains("tied"));
  }
}

TEST_CASE("From a scenario with variants and costs to a comparison", "[compare][cli][process]") {
  TemporaryDirectory directory;
  const fs::path scenario = directory / "costs.yaml";
  std::ofstream(scenario) << "name: costs\n"
                             "calendar: {weeks_per_quarter: 13, quarters: 4, warmup_weeks: 8}\n"
                             "segments:\n"
                             "  - name: small\n"
                             "    stages:\n"
                             "      - {name: intent, win_probability: 0.2, days: 7}\n"
                             "      - {name: negotiation, win_probability: 0.7, days: 7}\n"
                             "    deal_size: 2\n"
                             "teams:\n"
                             "  - {name: territory, segment: small, headcount: 10,\n"
                             "     prospects_per_week: 5, quota_per_quarter: 25,\n"
                             "     cost_per_rep_per_quarter: 6, commission_rate: 0.05}\n"
                             "variants:\n"
                             "  - name: plus-two-reps\n"
                             "    set: {teams.territory.headcount: 12}\n";
  const std::string results = (directory / "costs.h5").string();
  const Outcome run =
      run_cli("run " + scenario.string() + " -o " + results + " -n 40 --quiet --threads 2");
  REQUIRE(run.exit_code == 0);
  const Outcome compare = run_cli("compare " + results);
  CHECK(compare.exit_code == 0);
  CHECK_THAT(compare.output, Contains("plus-two-reps"));
  CHECK_THAT(compare.output, Contains("Cost (万), year"));

  const ResultsReader reader(results);
  const Comparison comparison = analysis::compare_variants(reader, {});
  // 10 reps × 6 万 × 4 quarters + 5% of the bookings; 2 more reps cost 48 万 a year more.
  const VariantComparison& baseline = comparison.variants.at(0);
  const VariantComparison& plus_two = comparison.variants.at(1);
  CHECK(baseline.cost == Approx(240.0 + 0.05 * baseline.mean));
  CHECK(plus_two.extra_cost == Approx(48.0 + 0.05 * plus_two.difference.mean));
  // With team-derived quotas, 2 more reps raise the quota too: 12 × 25 a quarter.
  CHECK(plus_two.quota == 12 * 25 * 4);
}

TEST_CASE("A file without the cost dataset compares at no cost", "[compare]") {
  TemporaryDirectory directory;
  const fs::path path = directory / "old.h5";
  write_file(path, {{"baseline", BASELINE}, {"more", MORE}});
  {  // as a file of layout 1, written before costs were stored
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(file >= 0);
    CHECK(H5Ldelete(file, "variants/baseline/cost", H5P_DEFAULT) >= 0);
    CHECK(H5Ldelete(file, "variants/more/cost", H5P_DEFAULT) >= 0);
    H5Fclose(file);
  }
  const ResultsReader reader(path);
  CHECK_FALSE(reader.has_dataset("baseline", "cost"));
  const Comparison comparison = analysis::compare_variants(reader, {});
  CHECK_FALSE(comparison.has_cost);
  CHECK(row_of(comparison, "more").cost == 0.0);
  CHECK(row_of(comparison, "more").mean > row_of(comparison, "baseline").mean);
}

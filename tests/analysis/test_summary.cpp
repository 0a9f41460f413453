// Summary statistics: the quantile and interval formulas against hand-computed values, and
// the summary of a small results file whose every number is known.

#include <stdlib.h>  // mkdtemp

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/report/summary.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/results.hpp"
#include "funnelsim/stats/statistics.hpp"

namespace {

namespace fs = std::filesystem;
namespace analysis = funnelsim::analysis;
namespace sim = funnelsim::sim;
using Catch::Matchers::Contains;

class SummaryDirectory {
 public:
  SummaryDirectory() {
    std::string pattern = (fs::temp_directory_path() / "funnelsim-summary-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~SummaryDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  SummaryDirectory(const SummaryDirectory&) = delete;
  SummaryDirectory& operator=(const SummaryDirectory&) = delete;
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

/// One rep selling one segment over a year of four quarters, quota 25 万 a quarter.
sim::Model one_rep_model() {
  sim::Model model;
  model.name = "one-rep";
  model.calendar.weeks_per_quarter = 1;
  model.calendar.quarters = 4;
  sim::Segment segment;
  segment.name = "small";
  segment.stages.push_back(
      sim::Stage{.name = "intent", .win_probability = 0.5, .days = sim::Distribution::fixed(7)});
  segment.deal_size = sim::Distribution::fixed(1.0);
  model.segments.push_back(segment);
  sim::Team team;
  team.name = "territory";
  team.headcount = 1;
  team.quota_per_quarter = {25.0, 25.0, 25.0, 25.0};
  model.teams.push_back(team);
  model.quota = {25.0, 25.0, 25.0, 25.0};
  return model;
}

// Bookings per replication (rows) and quarter (columns), 万: Q1 is 10..50 out of order,
// Q2 exactly meets quota, Q3 beats it, Q4 falls short. Wins are replication + quarter.
constexpr double BOOKINGS[5][4] = {
    {30, 25, 40, 0}, {10, 25, 40, 1}, {50, 25, 40, 2}, {20, 25, 40, 3}, {40, 25, 40, 4}};

/// Writes the five replications above (of `planned`) and returns the file's path.
fs::path write_known_results(const SummaryDirectory& directory, std::size_t planned) {
  const fs::path target = directory / "summary.h5";
  const sim::Model model = one_rep_model();
  analysis::ResultsWriter writer(target,
                                 analysis::RunMetadata{.scenario_yaml = "name: one-rep\n",
                                                       .scenario_name = "one-rep",
                                                       .seed = 42,
                                                       .replications_planned = planned},
                                 false);
  sim::ResultSink& sink = writer.add_variant("baseline", model, "name: one-rep\n");
  std::vector<sim::ReplicationResult> results(5);
  for (std::size_t r = 0; r < 5; ++r) {
    results[r].reset(sim::ResultShape(model));
    for (std::size_t q = 0; q < 4; ++q) {
      results[r].bookings[q] = BOOKINGS[r][q];
      results[r].rep_bookings[q] = BOOKINGS[r][q];
      results[r].segments[0].bookings[q] = BOOKINGS[r][q];
      results[r].wins[q] = static_cast<std::int64_t>(r + q);
      results[r].segments[0].wins[q] = static_cast<std::int64_t>(r + q);
    }
  }
  sink.consume(0, results);
  writer.commit(5);
  return target;
}

// Display columns of UTF-8 text: 万 and other CJK characters (3-byte sequences) take two.
std::size_t display_width(const std::string& line) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < line.size();) {
    const auto byte = static_cast<unsigned char>(line[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    width += length == 3 ? 2 : 1;
    i += length;
  }
  return width;
}

}  // namespace

TEST_CASE("quantiles are Hyndman-Fan type 7", "[results][summary]") {
  // h = (n - 1) p in 0-based order statistics; values worked by hand (and equal to R's
  // quantile(type = 7) and NumPy's default).
  const std::vector<double> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK(analysis::quantile_sorted(ten, 0.0) == 1.0);
  CHECK(analysis::quantile_sorted(ten, 0.1) == Approx(1.9));    // h = 0.9
  CHECK(analysis::quantile_sorted(ten, 0.5) == Approx(5.5));    // h = 4.5
  CHECK(analysis::quantile_sorted(ten, 0.95) == Approx(9.55));  // h = 8.55
  CHECK(analysis::quantile_sorted(ten, 1.0) == 10.0);

  const std::vector<double> unsorted{50, 15, 40, 20, 35};
  CHECK(analysis::quantile(unsorted, 0.4) == Approx(29.0));   // h = 1.6: 20 + 0.6 × 15
  CHECK(analysis::quantile(unsorted, 0.05) == Approx(16.0));  // h = 0.2: 15 + 0.2 × 5
  CHECK(analysis::quantile(std::vector<double>{7.5}, 0.3) == 7.5);

  CHECK_THROWS_AS(analysis::quantile(std::vector<double>{}, 0.5), std::invalid_argument);
  CHECK_THROWS_WITH(analysis::quantile(ten, 1.5), Contains("must be in [0, 1], got 1.5"));
  CHECK_THROWS_WITH(analysis::quantile(std::vector<double>{1, std::nan("")}, 0.5), Contains("NaN"));
}

TEST_CASE("mean, standard deviation and standard error", "[results][summary]") {
  const std::vector<double> values{2, 4, 4, 4, 5, 5, 7, 9};
  CHECK(analysis::mean(values) == 5.0);
  CHECK(analysis::sample_sd(values) == Approx(std::sqrt(32.0 / 7.0)));
  CHECK(analysis::standard_error(values) == Approx(std::sqrt(32.0 / 7.0) / std::sqrt(8.0)));
  CHECK(std::isnan(analysis::sample_sd(std::vector<double>{3.0})));
  CHECK_THROWS_AS(analysis::mean(std::vector<double>{}), std::invalid_argument);
}

TEST_CASE("Wilson intervals match known values", "[results][summary]") {
  // 8 of 10 at 95%: [0.490, 0.943] (Newcombe 1998, table I, method 3).
  const analysis::Interval eight = analysis::wilson_interval(8, 10);
  CHECK(eight.lower == Approx(0.4902).margin(5e-4));
  CHECK(eight.upper == Approx(0.9433).margin(5e-4));
  // At 0 and n the interval stays inside [0, 1]: upper bound z² / (n + z²) for 0 of n.
  const double z2 = analysis::Z_95 * analysis::Z_95;
  const analysis::Interval none = analysis::wilson_interval(0, 10);
  CHECK(none.lower == 0.0);
  CHECK(none.upper == Approx(z2 / (10 + z2)));
  const analysis::Interval all = analysis::wilson_interval(10, 10);
  CHECK(all.lower == Approx(10 / (10 + z2)));
  CHECK(all.upper == 1.0);
  CHECK_THROWS_AS(analysis::wilson_interval(0, 0), std::invalid_argument);
  CHECK_THROWS_AS(analysis::wilson_interval(3, 2), std::invalid_argument);
}

TEST_CASE("summarize a results file with known bookings", "[results][summary]") {
  const SummaryDirectory directory;
  const analysis::ResultsReader reader(write_known_results(directory, 5));
  const analysis::Summary summary = analysis::summarize(reader);
  CHECK(summary.variant == "baseline");
  CHECK(summary.replications == 5);
  REQUIRE(summary.quarters.size() == 4);

  const analysis::PeriodSummary& q1 = summary.quarters[0];
  CHECK(q1.label == "Q1");
  CHECK(q1.quota == 25.0);
  CHECK(q1.mean == Approx(30.0));
  CHECK(q1.sd == Approx(std::sqrt(250.0)));  // deviations ±20, ±10, 0 over n - 1 = 4
  CHECK(q1.standard_error == Approx(std::sqrt(250.0 / 5.0)));
  CHECK(q1.p5 == Approx(12.0));
  CHECK(q1.p25 == Approx(20.0));
  CHECK(q1.p50 == Approx(30.0));
  CHECK(q1.p75 == Approx(40.0));
  CHECK(q1.p95 == Approx(48.0));
  CHECK(q1.mean_wins == Approx(2.0));
  CHECK(q1.mean_attainment == Approx(30.0 / 25.0));
  CHECK(q1.quota_met_count == 3);  // 30, 50 and 40
  CHECK(q1.quota_met == Approx(0.6));
  CHECK(q1.quota_met_interval.lower == Approx(analysis::wilson_interval(3, 5).lower));
  CHECK(q1.quota_met_interval.upper == Approx(analysis::wilson_interval(3, 5).upper));

  const analysis::PeriodSummary& q2 = summary.quarters[1];
  CHECK(q2.sd == 0.0);
  CHECK(q2.quota_met_count == 5);  // bookings exactly at quota meet it
  CHECK(summary.quarters[2].quota_met == 1.0);
  CHECK(summary.quarters[3].quota_met == 0.0);
  CHECK(summary.quarters[3].mean_wins == Approx(5.0));

  // Year totals per replication: 95, 76, 117, 88, 109 against a quota of 100.
  const analysis::PeriodSummary& year = summary.whole_run;
  CHECK(year.label == "year");
  CHECK(year.quota == 100.0);
  CHECK(year.mean == Approx(97.0));
  CHECK(year.p5 == Approx(78.4));  // h = 0.2: 76 + 0.2 × 12
  CHECK(year.p25 == Approx(88.0));
  CHECK(year.p50 == Approx(95.0));
  CHECK(year.p75 == Approx(109.0));
  CHECK(year.p95 == Approx(115.4));       // h = 3.8: 109 + 0.8 × 8
  CHECK(year.mean_wins == Approx(14.0));  // 4r + 6 averaged over r = 0..4
  CHECK(year.mean_attainment == Approx(0.97));
  CHECK(year.quota_met_count == 2);  // 117 and 109

  const std::string table = analysis::format_summary(summary, reader.metadata());
  CHECK_THAT(table, Contains("one-rep") && Contains("seed 42") && Contains("5 replications") &&
                        Contains("万") && Contains("year"));
  CHECK_THAT(table, !Contains("INCOMPLETE"));
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(display_width(line) <= 80);
  }
}

TEST_CASE("the summary of a stopped run says so", "[results][summary]") {
  const SummaryDirectory directory;
  const analysis::ResultsReader reader(write_known_results(directory, 200));
  const std::string table =
      analysis::format_summary(analysis::summarize(reader), reader.metadata());
  CHECK_THAT(table, Contains("INCOMPLETE: stopped after 5 of 200"));
  CHECK_THROWS_WITH(analysis::summarize(reader, "hire"), Contains("no variant 'hire'"));
}

TEST_CASE("summary columns never run together, whatever the amounts", "[results][summary]") {
  // Found by a review: amounts of eight digits or more filled the 8-character columns and ran
  // into each other ("12345678.912345678.9"), so the table could not be read or split.
  analysis::Summary summary;
  summary.variant = "baseline";
  summary.replications = 2;
  const std::vector<double> sizes{1.5, 123456789.25, 9.87654321e12, 1e15};
  for (std::size_t q = 0; q < sizes.size(); ++q) {
    analysis::PeriodSummary period;
    period.label = "Q" + std::to_string(q + 1);
    period.quota = period.mean = period.sd = period.standard_error = sizes[q];
    period.p5 = period.p25 = period.p50 = period.p75 = period.p95 = sizes[q];
    period.mean_wins = sizes[q];
    period.mean_attainment = sizes[q];
    period.quota_met = 0.5;
    period.quota_met_interval = {0.1, 0.9};
    summary.quarters.push_back(period);
  }
  summary.whole_run = summary.quarters.back();
  summary.whole_run.label = "year";
  analysis::FileMetadata metadata;
  metadata.scenario_name = std::string(300, 's');  // longer than any fixed line buffer
  const std::string text = analysis::format_summary(summary, metadata);
  CHECK(text.find(std::string(300, 's')) != std::string::npos);

  // Every row of both tables splits on white space into as many fields as its header.
  std::istringstream lines(text);
  std::string line;
  std::size_t header_fields = 0;
  int rows_checked = 0;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    const std::vector<std::string> fields{std::istream_iterator<std::string>(words),
                                          std::istream_iterator<std::string>()};
    if (line.rfind("period", 0) == 0) {
      // "period quota mean ..." (10 fields); "period mean wins mean attainment P(quota met)
      // 95% Wilson interval": 5 columns, whose rows split into 6 fields ("[10.0%," "90.0%]").
      header_fields = line.find("Wilson") == std::string::npos ? fields.size() : 6;
      continue;
    }
    const bool quarter_row = !fields.empty() && fields[0].size() == 2 && fields[0][0] == 'Q';
    if (header_fields > 0 && (quarter_row || (!fields.empty() && fields[0] == "year"))) {
      CHECK(fields.size() == header_fields);
      ++rows_checked;
    }
  }
  CHECK(rows_checked == 10);
}

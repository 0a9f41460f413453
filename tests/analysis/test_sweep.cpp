// Sweeps read as a grid: the sweep point each variant stores, compare's grid order, labels and
// tables, --cheapest against an exhaustive search, and the report's sweep section. One tiny
// run of a 2 × 2 sweep (a few seconds) is shared by the tests.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/report/compare.hpp"
#include "funnelsim/report/report.hpp"
#include "funnelsim/report/verdict.hpp"
#include "funnelsim/results/results_file.hpp"
#include "support/models.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

namespace fs = std::filesystem;
namespace analysis = funnelsim::analysis;
using Catch::Matchers::Contains;
using funnelsim::testing::Outcome;
using funnelsim::testing::run_cli;

// Two teams whose headcounts are swept: their last path components clash ("headcount"), so
// the labels keep the team.
const std::string SCENARIO = R"(name: sweep-test
calendar: {quarters: 4, warmup_weeks: 6}
segments:
  - name: small
    stages:
      - {name: intent, win_probability: 0.2, days: 7}
      - {name: negotiation, win_probability: 0.7, days: 7}
    deal_size: {dist: empirical, buckets: [{min: 0, max: 2, count: 3}, {min: 2, max: 5, count: 1}]}
teams:
  - {name: smb-north, segment: small, headcount: 3, prospects_per_week: 5, quota_per_quarter: 20,
     cost_per_rep_per_quarter: 4}
  - {name: enterprise, segment: small, headcount: 2, prospects_per_week: 2, quota_per_quarter: 8,
     cost_per_rep_per_quarter: 9}
sweep:
  teams.smb-north.headcount: [2, 4]
  teams.enterprise.headcount: [1, 3]
)";

const std::vector<std::string> GRID_ORDER{
    "baseline",
    "teams.smb-north.headcount=2,teams.enterprise.headcount=1",
    "teams.smb-north.headcount=2,teams.enterprise.headcount=3",
    "teams.smb-north.headcount=4,teams.enterprise.headcount=1",
    "teams.smb-north.headcount=4,teams.enterprise.headcount=3",
};

/// The run every test reads, made once per test program.
const fs::path& sweep_file() {
  static const funnelsim::testing::TemporaryDirectory directory("funnelsim-sweep");
  static const fs::path file = [] {
    std::ofstream(directory / "sweep.yaml") << SCENARIO;
    const fs::path path = directory / "sweep.h5";
    const Outcome run =
        run_cli("run " + (directory / "sweep.yaml").string() +
                " -n 120 --seed 11 --forecast-samples 0 --quiet -o " + path.string());
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    return path;
  }();
  return file;
}

/// A variant's figures computed from its datasets, independently of compare.
struct Direct {
  double p = 0.0;  ///< P(year's bookings >= year's quota)
  double lower = 0.0;
  double upper = 0.0;
  double bookings = 0.0;  ///< mean
  double cost = 0.0;      ///< mean
};

Direct direct(const analysis::ResultsReader& reader, const std::string& variant) {
  const analysis::Matrix bookings = reader.read_matrix(variant, "bookings");
  const analysis::Matrix cost = reader.read_matrix(variant, "cost");
  const std::vector<double> quota = reader.read_vector(variant, "quota");
  const double year_quota = std::accumulate(quota.begin(), quota.end(), 0.0);
  Direct d;
  std::size_t met = 0;
  for (std::size_t r = 0; r < bookings.rows; ++r) {
    double year = 0.0;
    for (std::size_t q = 0; q < bookings.cols; ++q) {
      year += bookings.at(r, q);
      d.cost += cost.at(r, q);
    }
    d.bookings += year;
    met += year >= year_quota ? 1 : 0;
  }
  const double n = static_cast<double>(bookings.rows);
  d.p = static_cast<double>(met) / n;
  d.bookings /= n;
  d.cost /= n;
  // Wilson's score interval at z = 1.96.
  const double z = 1.959963984540054;
  const double centre = (d.p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z / (1 + z * z / n) * std::sqrt(d.p * (1 - d.p) / n + z * z / (4 * n * n));
  d.lower = centre - half;
  d.upper = centre + half;
  return d;
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream stream(line);
  std::vector<std::string> out;
  for (std::string word; stream >> word;)
    out.push_back(word);
  return out;
}

/// The lines of `text` after the first line that starts with `heading`, from the first line
/// that is not blank up to the next blank one.
std::vector<std::string> table_after(const std::string& text, const std::string& heading) {
  std::istringstream stream(text);
  std::vector<std::string> lines;
  bool in = false;
  for (std::string line; std::getline(stream, line);) {
    if (in && line.empty() && lines.empty())
      continue;
    if (in && line.empty())
      break;
    if (in)
      lines.push_back(line);
    if (line.rfind(heading, 0) == 0)
      in = true;
  }
  return lines;
}

}  // namespace

TEST_CASE("A sweep's variants store their keys and values", "[sweep][cli][process]") {
  const analysis::ResultsReader reader(sweep_file());
  CHECK(reader.variants() == GRID_ORDER);
  CHECK(reader.sweep_point("baseline").empty());
  const analysis::SweepPoint point = reader.sweep_point(GRID_ORDER[2]);
  CHECK(point.keys ==
        std::vector<std::string>{"teams.smb-north.headcount", "teams.enterprise.headcount"});
  CHECK(point.values == std::vector<std::string>{"2", "3"});
  // As h5py sees them (RESULTS.md): string arrays on the variant group.
  const std::string script =
      "import h5py,sys; f=h5py.File(sys.argv[1],'r'); v=f['variants']; "
      "assert 'sweep_keys' not in v['baseline'].attrs; "
      "g=v['" +
      GRID_ORDER[4] +
      "']; assert list(g.attrs['sweep_keys'])==['teams.smb-north.headcount',"
      "'teams.enterprise.headcount'], g.attrs['sweep_keys']; "
      "assert list(g.attrs['sweep_values'])==['4','3'], g.attrs['sweep_values']";
  const Outcome h5py = funnelsim::testing::shell_output("/usr/bin/python3 -c \"" + script + "\" " +
                                                        sweep_file().string() + " 2>&1");
  INFO(h5py.output);
  CHECK(h5py.exit_code == 0);
}

TEST_CASE("compare keeps a sweep's grid order and labels it by its values",
          "[sweep][compare][process]") {
  const analysis::ResultsReader reader(sweep_file());
  const analysis::Comparison comparison = analysis::compare_variants(reader, {});
  CHECK(comparison.grid.labels ==
        std::vector<std::string>{"smb-north.headcount", "enterprise.headcount"});
  REQUIRE(comparison.variants.size() == GRID_ORDER.size());
  for (std::size_t v = 0; v < GRID_ORDER.size(); ++v)
    CHECK(comparison.variants[v].variant == GRID_ORDER[v]);
  CHECK(comparison.variants[3].sweep_values == std::vector<std::string>{"4", "1"});
  CHECK(analysis::variant_label(comparison, comparison.variants[3]) ==
        "smb-north.headcount=4, enterprise.headcount=1");

  const Outcome outcome = run_cli("compare " + sweep_file().string());
  INFO(outcome.output);
  REQUIRE(outcome.exit_code == 0);
  // The long names appear nowhere: the values stand for them.
  CHECK_THAT(outcome.output, !Contains("teams.smb-north.headcount=2"));
  // The distribution table: header with the labels, rows in grid order.
  const std::vector<std::string> distribution = table_after(outcome.output, "Bookings (万), year");
  REQUIRE(distribution.size() >= 6);
  CHECK(words(distribution[0]).at(0) == "variant");
  CHECK(words(distribution[0]).at(1) == "smb-north.headcount");
  CHECK(words(distribution[0]).at(2) == "enterprise.headcount");
  CHECK(words(distribution[1]).at(0) == "baseline");
  const std::vector<std::vector<std::string>> cells{{"2", "1"}, {"2", "3"}, {"4", "1"}, {"4", "3"}};
  for (std::size_t v = 0; v < 4; ++v) {
    const std::vector<std::string> row = words(distribution[2 + v]);
    CHECK(row.at(0) == cells[v][0]);
    CHECK(row.at(1) == cells[v][1]);
  }
}

TEST_CASE("compare's two-way tables match the datasets", "[sweep][compare][process]") {
  const analysis::ResultsReader reader(sweep_file());
  const Outcome outcome = run_cli("compare " + sweep_file().string());
  INFO(outcome.output);
  REQUIRE(outcome.exit_code == 0);
  const std::vector<std::string> probability =
      table_after(outcome.output,
                  "P(quota met), year: rows smb-north.headcount, columns "
                  "enterprise.headcount");
  const std::vector<std::string> bookings =
      table_after(outcome.output,
                  "Mean bookings (万), year: rows smb-north.headcount, columns "
                  "enterprise.headcount");
  REQUIRE(probability.size() == 3);
  REQUIRE(bookings.size() == 3);
  CHECK(words(probability[0]) ==
        std::vector<std::string>{"smb-north.headcount", "\\", "enterprise.headcount", "1", "3"});
  const std::vector<std::string> rows{"2", "4"};
  const std::vector<std::string> columns{"1", "3"};
  for (std::size_t a = 0; a < 2; ++a) {
    const std::vector<std::string> p_row = words(probability[1 + a]);
    const std::vector<std::string> b_row = words(bookings[1 + a]);
    REQUIRE(p_row.size() == 3);
    REQUIRE(b_row.size() == 3);
    CHECK(p_row[0] == rows[a]);
    CHECK(b_row[0] == rows[a]);
    for (std::size_t b = 0; b < 2; ++b) {
      const Direct d = direct(reader, "teams.smb-north.headcount=" + rows[a] +
                                          ",teams.enterprise.headcount=" + columns[b]);
      char expected[32];
      std::snprintf(expected, sizeof expected, "%.1f%%", 100.0 * d.p);
      CHECK(p_row[1 + b] == expected);
      std::snprintf(expected, sizeof expected, "%.1f", d.bookings);
      CHECK(b_row[1 + b] == expected);
    }
  }
}

TEST_CASE("compare --cheapest agrees with an exhaustive search over the variants",
          "[sweep][compare][process]") {
  const analysis::ResultsReader reader(sweep_file());
  const analysis::Comparison comparison = analysis::compare_variants(reader, {});
  std::vector<Direct> all;
  for (const analysis::VariantComparison& row : comparison.variants)
    all.push_back(direct(reader, row.variant));
  // Every distinct P, and between them, and beyond the highest: each a different answer.
  std::vector<double> thresholds{0.01, 1.0};
  for (const Direct& d : all) {
    if (d.p > 0.0)
      thresholds.push_back(d.p);
    thresholds.push_back(std::min(1.0, d.p + 0.001));
  }
  bool saw_none = false;
  bool saw_some = false;
  for (const double threshold : thresholds) {
    INFO("threshold " << threshold);
    std::optional<std::size_t> best;
    for (std::size_t v = 0; v < all.size(); ++v) {
      if (all[v].p >= threshold && (!best || all[v].cost < all[*best].cost ||
                                    (all[v].cost == all[*best].cost && all[v].p > all[*best].p)))
        best = v;
    }
    const analysis::Cheapest cheapest = analysis::find_cheapest(comparison, threshold);
    REQUIRE(cheapest.variant.has_value() == best.has_value());
    if (!best) {
      saw_none = true;
      CHECK_THAT(cheapest.statement, Contains("No variant has P(quota met) ≥"));
      continue;
    }
    saw_some = true;
    CHECK(*cheapest.variant == *best);
    CHECK(comparison.variants[*best].cost == Approx(all[*best].cost));
    CHECK(comparison.variants[*best].quota_met_interval.lower == Approx(all[*best].lower));
    CHECK(cheapest.meets_with_confidence == (all[*best].lower >= threshold));
    CHECK_THAT(cheapest.statement,
               Contains(cheapest.meets_with_confidence ? "with 95% confidence"
                                                       : "on the estimate; its interval"));
  }
  CHECK(saw_none);
  CHECK(saw_some);

  // The command line, in JSON: the same variant and the grid.
  const std::string script =
      "import json,sys; d=json.load(sys.stdin); c=d['cheapest']; g=d['grid']; "
      "print(c['variant'], c['meets_with_confidence'], len(c['interval']), "
      "g['labels'][0], len(g['values']))";
  const Outcome json = funnelsim::testing::shell_output(
      std::string(FUNNELSIM_CLI) + " compare " + sweep_file().string() +
      " --cheapest 0.01 --json | /usr/bin/python3 -c \"" + script + "\"");
  const std::optional<std::size_t> lowest = analysis::find_cheapest(comparison, 0.01).variant;
  REQUIRE(lowest);
  CHECK(json.exit_code == 0);
  CHECK_THAT(json.output, Contains(comparison.variants[*lowest].variant));
  CHECK_THAT(json.output, Contains("smb-north.headcount 4"));

  // A threshold no variant reaches is an answer, not an error; a bad one is.
  Outcome outcome = run_cli("compare " + sweep_file().string() + " --cheapest 1");
  CHECK(outcome.exit_code == 0);
  outcome = run_cli("compare " + sweep_file().string() + " --cheapest 1.5");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Contains("(0, 1]"));
  outcome = run_cli("compare " + sweep_file().string() + " --cheapest most");
  CHECK(outcome.exit_code == 2);
}

TEST_CASE("compare --cheapest refuses a file without costs", "[sweep][compare][process]") {
  funnelsim::testing::TemporaryDirectory directory("funnelsim-sweep-free");
  const fs::path path = directory / "free.h5";
  {
    // Two fabricated variants that cost nothing, one of them on a sweep.
    analysis::ResultsWriter writer(path, {"name: free\n", "free", 1, 2, 0}, false);
    const funnelsim::sim::Model model =
        funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 2, 2.0, 2);
    for (const std::string& name : {std::string("baseline"), std::string("headcount=2")}) {
      const analysis::SweepPoint point = name == "baseline"
                                             ? analysis::SweepPoint{}
                                             : analysis::SweepPoint{{"teams.t.headcount"}, {"2"}};
      funnelsim::sim::ResultSink& sink = writer.add_variant(name, model, "name: free\n", {}, point);
      std::vector<funnelsim::sim::ReplicationResult> results(2);
      for (funnelsim::sim::ReplicationResult& result : results)
        result.reset(funnelsim::sim::ResultShape(model));
      sink.consume(0, results);
    }
    writer.commit(2);
  }
  const Outcome outcome = run_cli("compare " + path.string() + " --cheapest 0.8");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Contains("--cheapest needs costs"));
  // One swept key: a one-way table.
  const Outcome plain = run_cli("compare " + path.string());
  INFO(plain.output);
  CHECK(plain.exit_code == 0);
  CHECK_THAT(plain.output, Contains("The sweep by headcount"));
}

TEST_CASE("The report draws P(quota met) across the sweep", "[sweep][report][process]") {
  const analysis::ResultsReader reader(sweep_file());
  const std::string page = analysis::render_report(reader, {"sweep.h5", "2026-01-01"});
  CHECK_THAT(page, Contains("id=\"chart-sweep\""));
  CHECK_THAT(page, Contains("one line per value of the other swept keys"));
  const analysis::Comparison comparison = analysis::compare_variants(reader, {});
  // The reading is compare --cheapest 0.8's statement (HTML-escaped: it holds no markup).
  CHECK_THAT(page, Contains(analysis::find_cheapest(comparison, 0.8).statement));
}

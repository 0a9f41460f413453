// Outputs for spreadsheets: summary as JSON and CSV and --bom on every CSV, on a small results
// file whose every number is known; `funnelsim summary` end to end.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/report/summary.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/sim/results.hpp"
#include "funnelsim/stats/json.hpp"
#include "support/models.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

namespace fs = std::filesystem;
namespace sim = funnelsim::sim;
namespace analysis = funnelsim::analysis;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using funnelsim::testing::Outcome;

const std::string BOM = "\xEF\xBB\xBF";

struct TemporaryDirectory : funnelsim::testing::TemporaryDirectory {
  TemporaryDirectory() : funnelsim::testing::TemporaryDirectory("funnelsim-export") {}
  std::string file(const std::string& name) const { return (*this / name).string(); }
};

// ---- A small file with known values.
//
// Two quarters, quota 40 万 a quarter (80 for the run). Three reps: two of team "territory"
// (a quarter of the bookings each, 3 万 a quarter each and 10% commission) and one of team
// "key-account" (half of the bookings, no cost). Bookings per replication and quarter:
//   Q1  30 45 40   60 35   quota met 0 1 1 1 0
//   Q2  50 40 39.5 20 45             1 1 0 0 1
//   run 80 85 79.5 80 80             1 1 0 1 1
// Cost of a quarter: 6 + 5% of its bookings. Variant "more" books 5 万 more every quarter.

using Quarters = std::vector<std::vector<double>>;  // [replication][quarter], 万
const Quarters BASELINE{{30, 50}, {45, 40}, {40, 39.5}, {60, 20}, {35, 45}};
const Quarters MORE{{35, 55}, {50, 45}, {45, 44.5}, {65, 25}, {40, 50}};

sim::Model two_team_model() {
  sim::Model model = funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 2, 2.0, 2);
  model.teams[0].cost_per_rep_per_quarter = 3.0;
  model.teams[0].commission_rate = 0.10;
  sim::Team key = model.teams[0];
  key.name = "key-account";
  key.headcount = 1;
  key.cost_per_rep_per_quarter = 0.0;
  key.commission_rate = 0.0;
  model.teams.push_back(key);
  model.quota = {40.0, 40.0};
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
      results[r].rep_bookings[0 * 2 + q] = 0.25 * amount;
      results[r].rep_bookings[1 * 2 + q] = 0.25 * amount;
      results[r].rep_bookings[2 * 2 + q] = 0.5 * amount;
      results[r].wins[q] = static_cast<std::int64_t>(amount / 2);
    }
  }
  return results;
}

/// The known file: baseline and more, or the first `replications` of the baseline alone.
fs::path write_known(const TemporaryDirectory& directory, const std::string& name,
                     std::size_t replications = 5) {
  const fs::path path = directory / name;
  analysis::ResultsWriter writer(path, {"name: two-teams\n", "two-teams", 42, replications, 0},
                                 false);
  const sim::Model model = two_team_model();
  const Quarters baseline(BASELINE.begin(), BASELINE.begin() + static_cast<long>(replications));
  writer.add_variant("baseline", model, "name: two-teams\n").consume(0, fabricate(model, baseline));
  if (replications == BASELINE.size()) {
    writer.add_variant("more", model, "name: two-teams\n").consume(0, fabricate(model, MORE));
  }
  writer.commit(replications);
  return path;
}

/// Runs a shell command line, standard error with standard output.
Outcome shell(const std::string& command) {
  return funnelsim::testing::shell_output(command + " 2>&1");
}

/// Runs the built funnelsim with `arguments`, its temporary directory `tmpdir`.
Outcome cli(const std::string& arguments, const std::string& tmpdir = "/tmp") {
  return shell("TMPDIR=" + tmpdir + " " + std::string(FUNNELSIM_CLI) + " " + arguments);
}

/// Standard output alone (standard error to the terminal), for byte comparisons.
std::string cli_stdout(const std::string& arguments) {
  const Outcome outcome =
      funnelsim::testing::shell_output(std::string(FUNNELSIM_CLI) + " " + arguments);
  REQUIRE(outcome.exit_code == 0);
  return outcome.output;
}

}  // namespace

TEST_CASE("The summary as JSON and CSV holds the table's numbers", "[export]") {
  const TemporaryDirectory directory;
  const analysis::ResultsReader reader(write_known(directory, "known.h5"));
  const analysis::Summary summary = analysis::summarize(reader);
  const std::string json = analysis::summary_json(summary, reader.metadata());
  CHECK_THAT(json, StartsWith("{\n  \"scenario\": \"two-teams\",\n  \"variant\": \"baseline\","));
  CHECK_THAT(json, Contains("\"seed\": 42,") && Contains("\"replications\": 5,") &&
                       Contains("\"complete\": true,") && Contains("\"units\": \"万\","));
  CHECK_THAT(json, Contains("\"quarters\": [\n    {\n      \"period\": \"Q1\",\n"));
  CHECK_THAT(json, Contains("\"whole_run\": {\n    \"period\": \"total\",\n    \"quota\": 80,\n"));
  CHECK_THAT(json, Contains("\"mean\": " + analysis::json_number(summary.whole_run.mean) + ","));
  CHECK_THAT(json, Contains("\"quota_met_count\": 4,\n    \"quota_met\": 0.8,"));
  for (const std::string& field : analysis::summary_fields()) {
    CHECK_THAT(json, Contains("\"" + field + "\": "));
  }

  const std::string csv = analysis::summary_csv(summary);
  std::istringstream lines(csv);
  std::string header, q1, q2, total, extra;
  std::getline(lines, header);
  std::getline(lines, q1);
  std::getline(lines, q2);
  std::getline(lines, total);
  CHECK_FALSE(std::getline(lines, extra));
  CHECK(header ==
        "variant,period,replications,quota,mean,sd,standard_error,p5,p25,p50,p75,p95,mean_wins,"
        "mean_attainment,quota_met_count,quota_met,quota_met_low,quota_met_high");
  CHECK_THAT(q1, StartsWith("baseline,Q1,5,40,42,"));
  CHECK_THAT(q2, StartsWith("baseline,Q2,5,40,38.9,"));
  CHECK_THAT(total, StartsWith("baseline,total,5,80,80.9,"));
  CHECK_THAT(total, Contains(",4,0.8,"));

  SECTION("an undefined number is null in JSON and empty in CSV") {
    const TemporaryDirectory one;
    const analysis::ResultsReader single(write_known(one, "one.h5", 1));
    const analysis::Summary alone = analysis::summarize(single);
    CHECK_THAT(analysis::summary_json(alone, single.metadata()), Contains("\"sd\": null,"));
    CHECK_THAT(analysis::summary_csv(alone), Contains("baseline,total,1,80,80,,"));
  }
}

TEST_CASE("funnelsim summary --json and --csv end to end", "[export][cli][process]") {
  const TemporaryDirectory directory;
  const std::string file = write_known(directory, "known.h5").string();
  const std::string check =
      "import csv,json,sys; d=json.load(open(sys.argv[1])); "
      "rows=list(csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))); "
      "periods=d['quarters']+[d['whole_run']]; "
      "assert [r['period'] for r in rows] == [p['period'] for p in periods] == "
      "['Q1','Q2','total'], rows; "
      "assert all(float(r[k]) == p[k] for r, p in zip(rows, periods) for k in list(r)[3:]); "
      "assert d['variant'] == 'more' and d['whole_run']['mean'] == 90.9, d";
  REQUIRE(
      cli("summary " + file + " --variant more --json > " + directory.file("s.json")).exit_code ==
      0);
  REQUIRE(cli("summary " + file + " --variant more --csv --bom > " + directory.file("s.csv"))
              .exit_code == 0);
  const Outcome checked = shell("/usr/bin/python3 -c \"" + check + "\" " +
                                directory.file("s.json") + " " + directory.file("s.csv"));
  INFO(checked.output);
  CHECK(checked.exit_code == 0);

  CHECK(cli("summary " + file + " --json --csv").exit_code == 2);
  const Outcome bom = cli("summary " + file + " --bom");
  CHECK(bom.exit_code == 2);
  CHECK_THAT(bom.output, Contains("--bom requires --csv"));
  const Outcome help = cli("summary --help");
  CHECK_THAT(help.output, Contains("--json") && Contains("--bom") &&
                              Contains("funnelsim summary results.h5 --csv --bom"));
}

TEST_CASE("Every CSV starts with exactly EF BB BF under the bom flag", "[export][cli][process]") {
  const TemporaryDirectory directory;
  const std::string file = write_known(directory, "known.h5").string();
  for (const std::string& command : {"compare " + file + " --csv", "summary " + file + " --csv"}) {
    INFO(command);
    const std::string plain = cli_stdout(command);
    CHECK_THAT(plain, StartsWith(command[0] == 'c' ? "variant,metric," : "variant,period,"));
    CHECK(cli_stdout(command + " --bom") == BOM + plain);
  }
}

// Outputs for spreadsheets: summary as JSON and CSV, the per-replication table, the teams'
// bookings, the .xlsx workbook (read back by openpyxl), and --bom on every CSV, on a small
// results file whose every number is known; `funnelsim summary` and `funnelsim export` end to
// end.

#include <hdf5.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/report/export.hpp"
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

/// The file as one written before costs were stored, without per-rep data.
void remove_cost_and_reps(const fs::path& path) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  for (const char* variant : {"baseline", "more"}) {
    for (const char* dataset : {"cost", "rep_bookings"}) {
      const std::string link = std::string("variants/") + variant + "/" + dataset;
      CHECK(H5Ldelete(file, link.c_str(), H5P_DEFAULT) >= 0);
    }
  }
  H5Fclose(file);
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
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

TEST_CASE("One row per replication: bookings, quota met and cost", "[export]") {
  const TemporaryDirectory directory;
  const fs::path path = write_known(directory, "known.h5");
  const analysis::ResultsReader reader(path);
  const analysis::ReplicationTable table = analysis::replication_table(reader, "baseline");
  CHECK(table.replications == 5);
  CHECK(table.periods == std::vector<std::string>{"Q1", "Q2", "total"});
  CHECK(table.quota == std::vector<double>{40, 40, 80});
  CHECK(table.has_cost);
  CHECK(analysis::replication_columns(table) ==
        std::vector<std::string>{"replication", "bookings_Q1", "bookings_Q2", "bookings_total",
                                 "quota_met_Q1", "quota_met_Q2", "quota_met_total", "cost_Q1",
                                 "cost_Q2", "cost_total"});

  std::vector<analysis::ReplicationRow> rows;
  analysis::for_each_replication(reader, table,
                                 [&](const analysis::ReplicationRow& row) { rows.push_back(row); });
  REQUIRE(rows.size() == 5);
  CHECK(rows[2].replication == 2);
  CHECK(rows[2].bookings == std::vector<double>{40, 39.5, 79.5});
  CHECK(rows[2].quota_met == std::vector<int>{1, 0, 0});
  CHECK(rows[3].quota_met == std::vector<int>{1, 0, 1});  // 80 of 80 meets the run's quota
  CHECK(rows[0].cost[0] == Approx(6 + 0.05 * 30));
  CHECK(rows[0].cost[2] == Approx(12 + 0.05 * 80));

  // The flags' means are summary's P(quota met), period by period.
  const analysis::Summary summary = analysis::summarize(reader);
  for (std::size_t p = 0; p < 3; ++p) {
    std::size_t met = 0;
    for (const analysis::ReplicationRow& row : rows) {
      met += static_cast<std::size_t>(row.quota_met[p]);
    }
    const analysis::PeriodSummary& period = p < 2 ? summary.quarters[p] : summary.whole_run;
    CHECK(met == period.quota_met_count);
  }

  std::string csv;
  analysis::write_replications_csv(reader, "more",
                                   [&](std::string_view piece) { csv.append(piece); });
  CHECK_THAT(csv, StartsWith("replication,bookings_Q1,bookings_Q2,bookings_total,quota_met_Q1,"
                             "quota_met_Q2,quota_met_total,cost_Q1,cost_Q2,cost_total\n"
                             "0,35,55,90,0,1,1,"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 6);

  SECTION("a file without costs has no cost columns") {
    const fs::path older = write_known(directory, "old.h5");
    remove_cost_and_reps(older);
    const analysis::ResultsReader old(older);
    const analysis::ReplicationTable plain = analysis::replication_table(old, "baseline");
    CHECK_FALSE(plain.has_cost);
    CHECK(analysis::replication_columns(plain).back() == "quota_met_total");
    CHECK(analysis::team_bookings(old, "baseline").empty());
  }
  CHECK_THROWS_WITH(analysis::replication_table(reader, "nope"), Contains("no variant 'nope'"));
}

TEST_CASE("The teams' mean bookings add up to the organisation's", "[export]") {
  const TemporaryDirectory directory;
  const analysis::ResultsReader reader(write_known(directory, "known.h5"));
  const std::vector<analysis::TeamBookings> teams = analysis::team_bookings(reader, "baseline");
  REQUIRE(teams.size() == 2);
  CHECK(teams[0].team == "territory");
  CHECK(teams[0].reps == 2);
  CHECK(teams[1].team == "key-account");
  CHECK(teams[1].reps == 1);
  // Half of the mean bookings each: Q1 42, Q2 38.9, the run 80.9.
  for (const analysis::TeamBookings& team : teams) {
    REQUIRE(team.mean.size() == 3);
    CHECK(team.mean[0] == Approx(21.0));
    CHECK(team.mean[1] == Approx(19.45));
    CHECK(team.mean[2] == Approx(40.45));
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
  REQUIRE(cli("export " + file + " -o " + directory.file("plain.csv")).exit_code == 0);
  REQUIRE(cli("export " + file + " -o " + directory.file("bom.csv") + " --bom").exit_code == 0);
  const std::string plain = read(directory.file("plain.csv"));
  CHECK_THAT(plain, StartsWith("replication,bookings_Q1,"));
  CHECK(read(directory.file("bom.csv")) == BOM + plain);
  CHECK(read(directory.file("bom.csv")).substr(0, 3) == std::string{'\xEF', '\xBB', '\xBF'});
}

TEST_CASE("funnelsim export writes a workbook with summary's and compare's numbers",
          "[export][cli][process]") {
  const TemporaryDirectory directory;
  const std::string file = write_known(directory, "known.h5").string();
  // The workbook's scratch directory goes under TMPDIR, and must be gone afterwards.
  const std::string tmpdir = directory.file("tmp");
  fs::create_directory(tmpdir);
  for (const char* name : {"baseline", "more"}) {
    const std::string variant = name;
    INFO(variant);
    const std::string book = directory.file(variant + ".xlsx");
    const std::string json = directory.file(variant + ".json");
    const std::string csv = directory.file(variant + ".csv");
    const std::string compare = directory.file(variant + "-compare.json");
    const std::string reps = directory.file(variant + "-reps.csv");
    const std::string on = " --variant " + variant;
    REQUIRE(cli("export " + file + " -o " + book + on, tmpdir).exit_code == 0);
    REQUIRE(cli("summary " + file + on + " --json > " + json).exit_code == 0);
    REQUIRE(cli("summary " + file + on + " --csv > " + csv).exit_code == 0);
    REQUIRE(cli("compare " + file + " --baseline " + variant + " --json > " + compare).exit_code ==
            0);
    REQUIRE(cli("export " + file + on + " -o " + reps).exit_code == 0);
    const Outcome checked = shell("/usr/bin/python3 " + std::string(FUNNELSIM_SOURCE_DIR) +
                                  "/tests/check_export_xlsx.py " + book + " " + json + " " + csv +
                                  " " + compare + " " + reps);
    INFO(checked.output);
    CHECK(checked.exit_code == 0);
    CHECK_THAT(checked.output, Contains("xlsx: OK 3 periods, 2 variants, 5 replications"));
  }
  CHECK(fs::is_empty(tmpdir));
  // Two exports of one file are byte-identical (a fixed creation date).
  REQUIRE(cli("export " + file + " -o " + directory.file("again.xlsx")).exit_code == 0);
  CHECK(read(directory.file("again.xlsx")) == read(directory.file("baseline.xlsx")));
}

TEST_CASE("A file without costs or per-rep data still exports a workbook",
          "[export][cli][process]") {
  const TemporaryDirectory directory;
  const fs::path file = write_known(directory, "old.h5");
  remove_cost_and_reps(file);
  CHECK(cli("export " + file.string() + " -o " + directory.file("old.xlsx")).exit_code == 0);
  const Outcome sheets = shell(
      "/usr/bin/python3 -c \"import openpyxl,sys; b=openpyxl.load_workbook(sys.argv[1]); "
      "print(b.sheetnames, b['Teams']['A2'].value)\" " +
      directory.file("old.xlsx"));
  CHECK_THAT(sheets.output, Contains("['Summary', 'Variants', 'Teams', 'Replications'] "
                                     "No per-rep data in this file"));
}

TEST_CASE("funnelsim export refuses what it must not write", "[export][cli][process]") {
  const TemporaryDirectory directory;
  const std::string file = write_known(directory, "known.h5").string();
  const std::string existing = directory.file("existing.csv");
  std::ofstream(existing) << "keep\n";

  Outcome outcome = cli("export " + file + " -o " + directory.file("out.txt"));
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Contains("expected a name ending in .csv or .xlsx"));
  outcome = cli("export " + file + " -o " + directory.file("out.xlsx") + " --bom");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Contains("--bom applies to a .csv output only"));
  outcome = cli("export " + file + " -o " + existing);
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Contains("exists; use --force"));
  CHECK(read(existing) == "keep\n");
  outcome = cli("export " + file + " -o " + directory.file("out.csv") + " --variant nope");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Contains("no variant 'nope'"));
  CHECK(cli("export " + file + " -o " + directory.file("out.xlsx") + " --variant nope").exit_code ==
        2);
  CHECK_FALSE(fs::exists(directory.file("out.csv")));
  CHECK_FALSE(fs::exists(directory.file("out.xlsx")));
  fs::create_hard_link(file, directory.file("alias.csv"));
  outcome = cli("export " + file + " -o " + directory.file("alias.csv") + " --force");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Contains("an input"));

  CHECK(cli("export " + file + " -o " + existing + " --force").exit_code == 0);
  CHECK_THAT(read(existing), StartsWith("replication,"));
  const Outcome help = cli("export --help");
  CHECK_THAT(help.output, Contains("Summary") && Contains("Replications") &&
                              Contains("funnelsim export levers.h5 -o levers.xlsx"));
}

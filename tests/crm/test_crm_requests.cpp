// What a snapshot, diagnose or calibrate request may ask of a history (issue #21's review): a
// segment's own quota, each stage judged against its own standard days, periods the history
// does not cover, the world and segment named, and outputs that name one file twice.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "funnelsim/crm/diagnose.hpp"
#include "funnelsim/crm/history.hpp"
#include "funnelsim/crm/snapshot.hpp"
#include "funnelsim/error.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/stats/civil_date.hpp"
#include "history_text.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace crm = funnelsim::analysis::crm;

namespace {

const std::string SOURCE = FUNNELSIM_SOURCE_DIR;
const std::string CLI = FUNNELSIM_CLI;
const std::string KNOWN = SOURCE + "/tests/crm/known.yaml";
const std::string BRANCH = SOURCE + "/scenarios/branch.yaml";

using funnelsim::analysis::iso_date;
using funnelsim::testing::error_of;
using funnelsim::testing::text_source;

std::string read(const std::string& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Two reps, one opportunity a week each from 2026-01-05 for 13 weeks. Slow stays 12 days in
/// intent and loses; Steady spends a day in intent and in solution, 20 in negotiation, and
/// wins 3 万.
crm::History two_reps() {
  std::string opportunities = "Id,Owner,Amount,CreatedDate,CloseDate,IsClosed,IsWon\n";
  std::string history = "OpportunityId,StageName,CreatedDate\n";
  const double start = *crm::parse_iso_time("2026-01-05");
  for (int k = 0; k < 13; ++k) {
    const double created = start + 7 * k;
    const std::string s = "S" + std::to_string(k), w = "W" + std::to_string(k);
    opportunities +=
        s + ",Slow,2," + iso_date(created) + "," + iso_date(created + 12) + ",true,false\n";
    history += s + ",intent," + iso_date(created) + "\n" + s + ",Closed Lost," +
               iso_date(created + 12) + "\n";
    opportunities +=
        w + ",Steady,3," + iso_date(created) + "," + iso_date(created + 22) + ",true,true\n";
    history += w + ",intent," + iso_date(created) + "\n" + w + ",solution," +
               iso_date(created + 1) + "\n" + w + ",negotiation," + iso_date(created + 2) + "\n" +
               w + ",Closed Won," + iso_date(created + 22) + "\n";
  }
  return crm::parse_history(opportunities, history, text_source());
}

}  // namespace

TEST_CASE("Diagnose judges each stage's days against that stage's standard", "[crm]") {
  const crm::History h = two_reps();
  const funnelsim::sim::Model standard = funnelsim::scenarios::load_scenario_file(KNOWN).model;
  crm::DiagnoseRequest request;
  std::tie(request.quarter_start, request.quarter_end) = crm::parse_quarter("2026-01-05", h);
  request.scenario = &standard;
  const crm::DiagnoseReport report = crm::diagnose_history(h, request);
  // known.yaml's stages last 7, 10 and 14 days on average: the stall thresholds are 1.6 times
  // each (the rules table of the diagnose exercise), 11.2, 16 and 22.4 days.
  REQUIRE(report.standard.stage_days == std::vector<double>{7, 10, 14});
  std::vector<double> thresholds;
  for (const auto& rule : funnelsim::analysis::exercise::diagnosis_rules(report.standard)) {
    if (rule.label == funnelsim::analysis::exercise::Weakness::stalled)
      thresholds.push_back(rule.threshold);
  }
  CHECK(thresholds == std::vector<double>{11.2, 16.0, 22.4});
  REQUIRE(report.reps.size() == 2);
  const crm::RepDiagnosis& slow = report.reps[0];
  const crm::RepDiagnosis& steady = report.reps[1];
  REQUIRE(slow.figures.name == "Slow");
  // Slow's 12 days in intent are over 11.2: stalled (an average of the three stages' days,
  // 10.33, would have let them pass under its 16.5).
  CHECK(slow.figures.days_in_step[0] == 12.0);
  CHECK(slow.diagnosis.weakness == funnelsim::analysis::exercise::Weakness::stalled);
  // Steady's 20 days in negotiation are under its 22.4: not a stall (the average's 16.5 would
  // have called it one); one new opportunity a week is under 0.7 x 5: too few prospects.
  CHECK(steady.figures.days_in_step == std::vector<double>{1, 1, 20});
  CHECK(steady.diagnosis.weakness == funnelsim::analysis::exercise::Weakness::too_few_prospects);
  // Every output shows each stage's standard days.
  CHECK_THAT(crm::diagnose_text(report),
             Catch::Contains("days in step intent 7.0, solution 10.0, negotiation 14.0"));
  CHECK_THAT(crm::diagnose_json(report), Catch::Contains("\"stage_days\": [7, 10, 14]"));
  CHECK_THAT(crm::diagnose_html(report), Catch::Contains("negotiation days (14.0)"));
}

TEST_CASE("Periods outside the history are refused, with its span", "[crm]") {
  const crm::History h = two_reps();  // 2026-01-05 to 2026-04-21 (the last win)
  const funnelsim::sim::Model standard = funnelsim::scenarios::load_scenario_file(KNOWN).model;
  crm::DiagnoseRequest request;
  request.scenario = &standard;
  for (const char* quarter : {"2026-Q2", "2025-Q4", "2030-Q1", "2026-02-01"}) {
    CAPTURE(quarter);
    std::tie(request.quarter_start, request.quarter_end) = crm::parse_quarter(quarter, h);
    CHECK_THAT(error_of([&] { crm::diagnose_history(h, request); }),
               Catch::Contains("outside the history, which runs from 2026-01-05 to 2026-04-21"));
  }
  // A week's grace: a calendar quarter that starts four days before the first record is read.
  std::tie(request.quarter_start, request.quarter_end) = crm::parse_quarter("2026-Q1", h);
  CHECK(crm::diagnose_history(h, request).reps.size() == 2);
  crm::SnapshotRequest snap;
  snap.quota = 10.0;
  snap.scenario = &standard;
  for (const char* day : {"2025-12-01", "2026-05-01", "2031-01-01"}) {
    CAPTURE(day);
    snap.as_of = *crm::parse_iso_time(day);
    CHECK_THAT(error_of([&] { crm::take_snapshot(h, snap); }),
               Catch::Contains("outside the history"));
  }
  snap.as_of = *crm::parse_iso_time("2026-04-21");
  CHECK(crm::take_snapshot(h, snap).snapshot.stages.size() == 3);
}

TEST_CASE("A segment's snapshot carries its own teams' quota, not the branch's", "[crm][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string folder = (directory / "crm").string();
  const std::string run = CLI + " run " + BRANCH + " -o " + (directory / "r.h5").string() +
                          " -n 1 -q --forecast-samples 0 --crm-export " + folder +
                          " --crm-replications 0:1";
  REQUIRE(std::system(run.c_str()) == 0);
  const crm::History history = crm::read_history(crm::history_folder(folder));
  const funnelsim::sim::Model branch = funnelsim::scenarios::load_scenario_file(BRANCH).model;
  crm::SnapshotRequest request;
  request.scenario = &branch;
  request.world = history.worlds.front();
  // branch.yaml: ten territory reps at 18.83 万 a quarter (23.96 in Q2) sell the small
  // segment; three key-account reps at 26.90 (34.23) the large one. The branch's quota,
  // 1222.65 x 22%, is neither.
  const struct {
    const char* segment;
    double day;
    double quota;
  } cases[] = {{"small", 20, 10 * 18.83},
               {"large", 20, 3 * 26.90},
               {"small", 95, 10 * 23.96},
               {"large", 95, 3 * 34.23}};
  for (const auto& c : cases) {
    CAPTURE(c.segment, c.day);
    request.segment = c.segment;
    request.as_of = *history.origin + c.day;
    const crm::HistorySnapshot snap = crm::take_snapshot(history, request);
    CHECK(snap.snapshot.quota == Approx(c.quota).epsilon(1e-12));
    CHECK_THAT(crm::snapshot_yaml(snap, folder),
               Catch::Contains("the quota of segment " + std::string(c.segment) + "'s teams"));
  }
  // Without the teams' own quotas the segment's share is unknown: --quota is asked for.
  std::string yaml = read(BRANCH);
  for (std::size_t at; (at = yaml.find("quota_per_quarter:")) != std::string::npos;)
    yaml.erase(at, yaml.find('\n', at) - at);
  const funnelsim::sim::Model annual =
      funnelsim::scenarios::load_scenario_text(yaml, "branch-annual.yaml").model;
  request.scenario = &annual;
  CHECK_THAT(error_of([&] { crm::take_snapshot(history, request); }),
             Catch::Contains("give --quota"));
  // The command names the worlds and segments to choose from.
  auto outcome =
      funnelsim::testing::run_cli("snapshot " + folder + " --as-of 2026-02-01 --quota 5");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Catch::Contains("segments small, large: name one with --segment"));
  outcome = funnelsim::testing::run_cli("diagnose " + folder +
                                        " --quarter 0 --segment small --world nowhere:9");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Catch::Contains("--world nowhere:9: not in the history (" +
                                             history.worlds.front() + ")"));
  outcome = funnelsim::testing::run_cli("diagnose " + folder + " --quarter 0 --segment small");
  CHECK(outcome.exit_code == 0);
  CHECK_THAT(outcome.output, Catch::Contains("\nterritory-0.0 "));  // reps by their own names
  // calibrate fits one segment when asked.
  outcome = funnelsim::testing::run_cli("calibrate " + folder + " --segment small -o " +
                                        (directory / "small.yaml").string());
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  const funnelsim::sim::Model small =
      funnelsim::scenarios::load_scenario_file((directory / "small.yaml").string()).model;
  REQUIRE(small.segments.size() == 1);
  CHECK(small.segments[0].name == "small");
}

TEST_CASE("calibrate refuses one file named by both of its outputs", "[crm][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string example = SOURCE + "/scenarios/crm-example";
  const std::string target = (directory / "mine.yaml").string();
  std::ofstream(target) << "mine: the user's own\n";
  for (const std::string& report : {target, (directory / "." / "mine.yaml").string()}) {
    const auto outcome = funnelsim::testing::run_cli("calibrate " + example + " -o " + target +
                                                     " --report " + report + " --force");
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output, Catch::Contains("named by both -o and --report"));
    CHECK(read(target) == "mine: the user's own\n");
  }
  const auto outcome =
      funnelsim::testing::run_cli("calibrate " + example + " -o " + target + " --report " +
                                  (directory / "fit.html").string() + " --force");
  CHECK(outcome.exit_code == 0);
  CHECK(read(target).find("mine: the user's own") == std::string::npos);
}

// The CRM history (issue #21): reading both shapes, snapshot against the results file, the
// calibration's round-trip floors on a known scenario, and the reps' diagnosis.

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "funnelsim/crm/calibrate.hpp"
#include "funnelsim/crm/diagnose.hpp"
#include "funnelsim/crm/history.hpp"
#include "funnelsim/crm/snapshot.hpp"
#include "funnelsim/error.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/scenarios/snapshot.hpp"
#include "funnelsim/stats/civil_date.hpp"
#include "history_text.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace crm = funnelsim::analysis::crm;

namespace {

const std::string SOURCE = FUNNELSIM_SOURCE_DIR;
const std::string CLI = FUNNELSIM_CLI;
const std::string KNOWN = SOURCE + "/tests/crm/known.yaml";

using funnelsim::testing::error_of;
using funnelsim::testing::text_source;

/// Exports `replications` replications of the known scenario (8 quarters) into `folder`, with
/// the results file beside it.
void export_known(const std::string& folder, const std::string& results, int replications,
                  const std::string& extra = "") {
  const std::string run = CLI + " run " + KNOWN + " -o " + results + " -n " +
                          std::to_string(replications) + " -q --forecast-samples 0 --crm-export " +
                          folder + " --crm-replications 0:" + std::to_string(replications) + " " +
                          extra;
  REQUIRE(std::system(run.c_str()) == 0);
}

const char* MAINSTREAM_OPPORTUNITIES =
    "Id,OwnerId,Type,Amount,CreatedDate,CloseDate,StageName,IsClosed,IsWon\n"
    "006A,Wang Li,New Business,\"1,200\",2026-01-05,2026-02-01,Closed Won,true,true\n"
    "006B,Wang Li,Existing Business,3.5,2026-01-06T09:30:00Z,2026-03-31,Solution,false,false\n"
    "006C,\"Zhang, Wei\",New Business,2,2026-01-07,2026-01-20,Closed Lost,true,false\n";
const char* MAINSTREAM_HISTORY =
    "OpportunityId,StageName,CreatedDate,Probability,ForecastCategory,Amount\n"
    "006A,Intent,2026-01-05,20,Pipeline,1200\n"
    "006A,Intent,2026-01-08,20,BestCase,1200\n"
    "006A,Solution,2026-01-12,35,Commit,1200\n"
    "006A,Closed Won,2026-02-01,100,Closed,1200\n"
    "006B,Intent,2026-01-06T09:30:00Z,20,Pipeline,3.5\n"
    "006B,Solution,2026-01-16,35,BestCase,3.5\n"
    "006C,Intent,2026-01-07,20,Pipeline,2\n"
    "006C,Closed Lost,2026-01-20,0,Omitted,2\n";

}  // namespace

TEST_CASE("A mainstream CRM's two tables read as stays, outcomes and categories", "[crm]") {
  const crm::History h =
      crm::parse_history(MAINSTREAM_OPPORTUNITIES, MAINSTREAM_HISTORY, text_source());
  REQUIRE(h.opportunities.size() == 3);
  const crm::Opportunity& a = h.opportunities[0];
  CHECK(a.rep == "Wang Li");
  CHECK(a.amount == 1200.0);  // "1,200" quoted
  CHECK(a.outcome == crm::Outcome::won);
  REQUIRE(a.stays.size() == 2);  // the two Intent rows are one stay; Closed Won is no stay
  CHECK(a.stays[0].stage == "Intent");
  CHECK(a.stays[0].category == "best_case");
  CHECK(*a.stays[0].left - a.stays[0].entered == 7.0);
  CHECK(*a.stays[0].probability == Approx(0.20));
  CHECK(*a.stays[1].left == *crm::parse_iso_time("2026-02-01"));
  const crm::Opportunity& b = h.opportunities[1];
  CHECK(b.existing);
  CHECK(b.outcome == crm::Outcome::open);
  CHECK(b.created == Approx(*crm::parse_iso_time("2026-01-06") + 9.5 / 24));
  CHECK(!b.stays.back().left);
  CHECK(h.opportunities[2].rep == "Zhang, Wei");
  CHECK(h.opportunities[2].outcome == crm::Outcome::lost);
  CHECK(crm::stage_order(h, "all") == std::vector<std::string>{"Intent", "Solution"});
  // 2026-01-05 is day 20458 (calendar.start_date's default).
  CHECK(*crm::parse_iso_time("2026-01-05") == 20458.0);
  CHECK(funnelsim::analysis::iso_date(20458.75) == "2026-01-05");
  CHECK(!crm::parse_iso_time("2026-02-30"));
  CHECK(!crm::parse_iso_time("05/01/2026"));
}

TEST_CASE("A column map reads other names, and bad rows name file, line, column and key", "[crm]") {
  crm::HistorySource source = text_source();
  std::string opportunities = MAINSTREAM_OPPORTUNITIES;
  opportunities.replace(opportunities.find("OwnerId"), 7, "Sales Person");
  CHECK_THAT(error_of([&] { crm::parse_history(opportunities, MAINSTREAM_HISTORY, source); }),
             Catch::Contains("Opportunity.csv:1:1: rep_id: no column for 'rep_id'"));
  crm::add_column_map(source, "rep_id=Sales Person");
  CHECK(crm::parse_history(opportunities, MAINSTREAM_HISTORY, source).opportunities[0].rep ==
        "Wang Li");
  CHECK_THROWS_AS(crm::add_column_map(source, "salesperson=X"), funnelsim::Error);
  // A bad date, a bad amount, an unknown opportunity, a short row.
  std::string bad = MAINSTREAM_OPPORTUNITIES;
  bad.replace(bad.find("2026-01-07"), 10, "07.01.2026");
  CHECK_THAT(error_of([&] { crm::parse_history(bad, MAINSTREAM_HISTORY, text_source()); }),
             Catch::Contains("Opportunity.csv:4:") &&
                 Catch::Contains("created_date: must be an ISO date"));
  bad = MAINSTREAM_OPPORTUNITIES;
  bad.replace(bad.find(",3.5,"), 5, ",abc,");
  CHECK_THAT(error_of([&] { crm::parse_history(bad, MAINSTREAM_HISTORY, text_source()); }),
             Catch::Contains("Opportunity.csv:3:32: amount: must be a finite number, got 'abc'"));
  std::string history = MAINSTREAM_HISTORY;
  history += "006Z,Intent,2026-01-07,20,Pipeline,2\n";
  CHECK_THAT(
      error_of([&] { crm::parse_history(MAINSTREAM_OPPORTUNITIES, history, text_source()); }),
      Catch::Contains("OpportunityHistory.csv:10:1: opportunity_id: opportunity '006Z' is not in"));
  history = MAINSTREAM_HISTORY;
  history += "006C,Intent\n";
  CHECK_THAT(
      error_of([&] { crm::parse_history(MAINSTREAM_OPPORTUNITIES, history, text_source()); }),
      Catch::Contains("OpportunityHistory.csv:10:1: has 2 fields, the header 6"));
  CHECK_THAT(
      error_of([&] {
        crm::parse_history("Id,OwnerId,Amount,CreatedDate\n\"006A,x,1,2026-01-01\n",
                           MAINSTREAM_HISTORY, text_source());
      }),
      Catch::Contains("Opportunity.csv:2:1: opportunity_id: a quoted field that never ends"));
}

TEST_CASE("A history too thin for a fit is told so, stage by stage", "[crm]") {
  const crm::History h =
      crm::parse_history(MAINSTREAM_OPPORTUNITIES, MAINSTREAM_HISTORY, text_source());
  const std::string message = error_of([&] { crm::calibrate(h); });
  CHECK_THAT(message, Catch::Contains("cannot support a fit"));
  CHECK_THAT(message, Catch::Contains("stage 'Intent': 2 closed opportunities"));
  CHECK_THAT(message, Catch::Contains(
                          "stage 'Solution': 1 closed opportunities (1 advanced or won, 0 lost)"));
}

TEST_CASE("The incomplete gamma function agrees with closed forms", "[crm]") {
  // Q(1, x) = e^-x; Q(2, x) = (1 + x) e^-x; Q(0.5, x) = erfc(sqrt x).
  for (const double x : {0.01, 0.5, 1.0, 3.0, 12.0, 40.0}) {
    CHECK(crm::gamma_q(1.0, x) == Approx(std::exp(-x)).epsilon(1e-12));
    CHECK(crm::gamma_q(2.0, x) == Approx((1 + x) * std::exp(-x)).epsilon(1e-12));
    CHECK(crm::gamma_q(0.5, x) == Approx(std::erfc(std::sqrt(x))).epsilon(1e-10));
  }
}

TEST_CASE("A snapshot of the history gives the results file's funnel of that week",
          "[crm][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string folder = (directory / "crm").string();
  const std::string results = (directory / "results.h5").string();
  export_known(folder, results, 1);
  const crm::History history = crm::read_history(crm::history_folder(folder));
  REQUIRE(history.origin);
  CHECK(*history.origin == *crm::parse_iso_time("2026-01-05"));
  const funnelsim::analysis::ResultsReader reader(results);
  const std::string variant = reader.variants().front();
  const funnelsim::analysis::Array funnel =
      reader.read_array(variant, "segments/small/funnel_count");
  const funnelsim::analysis::Array amount =
      reader.read_array(variant, "segments/small/funnel_amount");
  const funnelsim::analysis::Matrix bookings = reader.read_matrix(variant, "bookings");
  const std::size_t weeks = funnel.shape[1], stages = funnel.shape[2];
  REQUIRE(weeks == 104);
  for (const std::size_t week : {0, 6, 12, 20, 51, 77, 103}) {
    CAPTURE(week);
    crm::SnapshotRequest request;
    // The end of week W (0-based) is the end of day 7W + 6 from the first measured day.
    request.as_of = *history.origin + 7.0 * static_cast<double>(week) + 6.0;
    request.quota = 100.0;
    const crm::HistorySnapshot snap = crm::take_snapshot(history, request);
    REQUIRE(snap.snapshot.stages.size() == stages);
    for (std::size_t i = 0; i < stages; ++i) {
      const std::size_t cell = week * stages + i;
      CHECK(snap.snapshot.stages[i].count == funnel.values[cell]);
      CHECK(*snap.snapshot.stages[i].amount == Approx(amount.values[cell]).epsilon(1e-9));
    }
    CHECK(snap.snapshot.weeks_remaining == static_cast<double>(12 - week % 13));
    if (week % 13 == 12)  // the quarter's last week: all of its bookings are realized
      CHECK(snap.snapshot.realized == Approx(bookings.at(0, week / 13)).epsilon(1e-12));
    // The YAML reads back as the same snapshot.
    const funnelsim::analysis::Snapshot back =
        funnelsim::scenarios::load_snapshot_text(crm::snapshot_yaml(snap, folder), "snapshot.yaml");
    CHECK(back.stages[1].count == snap.snapshot.stages[1].count);
    CHECK(back.realized == Approx(snap.snapshot.realized).epsilon(1e-9));
    CHECK(back.calls.has_value());
  }
  // The command writes a snapshot that forecast and forecast --scenario accept.
  const std::string file = (directory / "week7.yaml").string();
  auto outcome = funnelsim::testing::run_cli(
      "snapshot " + folder + " --as-of 2026-02-22 --scenario " + KNOWN + " -o " + file);
  INFO(outcome.output);
  REQUIRE(outcome.exit_code == 0);
  outcome =
      funnelsim::testing::run_cli("forecast " + file + " --scenario " + KNOWN + " --samples 200");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  // A history's bad row: file:line:column, exit code 2.
  std::ofstream(directory / "bad_opportunities.csv")
      << "opportunity_id,rep_id,created_date,amount\nA,r,2026-01-01,x\n";
  outcome = funnelsim::testing::run_cli(
      "snapshot --opportunities " + (directory / "bad_opportunities.csv").string() + " --history " +
      folder + "/stage_history.csv" + " --as-of 2026-02-22 --quota 10");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output,
             Catch::Contains("bad_opportunities.csv:2:16: amount: must be a finite number"));
}

namespace {

struct Truth {
  funnelsim::sim::Model model;
};

/// The floors of one calibration against the known scenario: win probabilities within 0.03
/// and 3 reported standard errors, mean durations within 10%, the mean deal within 5%, the
/// prospecting rate within 5%.
void check_floors(const crm::Calibration& fit, const funnelsim::sim::Model& truth) {
  REQUIRE(fit.segments.size() == 1);
  const crm::SegmentFit& s = fit.segments[0];
  const funnelsim::sim::Segment& t = truth.segments[0];
  REQUIRE(s.stages.size() == t.stages.size());
  for (std::size_t i = 0; i < t.stages.size(); ++i) {
    CAPTURE(t.stages[i].name);
    CHECK(s.stages[i].name == t.stages[i].name);
    const crm::Estimate& p = s.stages[i].win_probability;
    CAPTURE(p.value, p.se);
    CHECK(std::abs(p.value - t.stages[i].win_probability) <= 0.03);
    CHECK(std::abs(p.value - t.stages[i].win_probability) <= 3 * p.se);
    const double days = t.stages[i].days.expected_value();
    CAPTURE(s.stages[i].days.mean.value, days);
    CHECK(std::abs(s.stages[i].days.mean.value / days - 1) <= 0.10);
  }
  CHECK(s.stages[1].stall_days);
  CHECK(s.stages[1].stall_days.value_or(0) == Approx(25.0).margin(1e-3));
  CHECK(!s.stages[0].stall_days);
  const double deal = t.deal_size.expected_value();
  CAPTURE(s.deal_size.mean.value, deal);
  CHECK(std::abs(s.deal_size.mean.value / deal - 1) <= 0.05);
  REQUIRE(fit.teams.size() == 1);
  const crm::TeamFit& team = fit.teams[0];
  CAPTURE(team.prospects_per_week.value);
  CHECK(std::abs(team.prospects_per_week.value / truth.teams[0].prospects_per_week - 1) <= 0.05);
  CHECK(team.headcount == truth.teams[0].headcount);
  CHECK(std::abs(s.existing_share.value - t.existing_share) <= 3 * s.existing_share.se);
  REQUIRE(s.existing_win_probability);
  CHECK(std::abs(s.existing_win_probability->value - t.existing_win_probability) <=
        3 * s.existing_win_probability->se);
}

}  // namespace

TEST_CASE("Calibrate recovers a known scenario from one replication of eight quarters",
          "[crm][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string folder = (directory / "crm").string();
  export_known(folder, (directory / "results.h5").string(), 1);
  const funnelsim::sim::Model truth = funnelsim::scenarios::load_scenario_file(KNOWN).model;
  const crm::Calibration fit = crm::calibrate(crm::read_history(crm::history_folder(folder)));
  check_floors(fit, truth);
  // The scenario it writes loads, with the fitted values.
  const funnelsim::sim::Model fitted = funnelsim::scenarios::load_scenario_text(
                                           crm::calibration_yaml(fit, "mine", folder), "mine.yaml")
                                           .model;
  CHECK(fitted.segments[0].stages[0].win_probability ==
        Approx(fit.segments[0].stages[0].win_probability.value).epsilon(1e-5));
  CHECK(fitted.segments[0].deal_size.expected_value() ==
        Approx(fit.segments[0].deal_size.mean.value).epsilon(0.002));

  // A run of the calibrated scenario books what the true one does, yearly, within 5%.
  const std::string scenario = (directory / "mine.yaml").string();
  const std::string report = (directory / "fit.html").string();
  auto outcome = funnelsim::testing::run_cli("calibrate " + folder + " -o " + scenario +
                                             " --report " + report);
  INFO(outcome.output);
  REQUIRE(outcome.exit_code == 0);
  CHECK_THAT(outcome.output, Catch::Contains("Stage conversion"));
  REQUIRE(funnelsim::testing::run_cli("validate " + scenario).exit_code == 0);
  const std::string mine = (directory / "mine.h5").string(),
                    known = (directory / "known.h5").string();
  REQUIRE(
      funnelsim::testing::run_cli("run " + scenario + " -n 200 -q --forecast-samples 0 -o " + mine)
          .exit_code == 0);
  REQUIRE(
      funnelsim::testing::run_cli(
          "run " + KNOWN + " --set calendar.quarters=4 -n 200 -q --forecast-samples 0 -o " + known)
          .exit_code == 0);
  const auto yearly = [](const std::string& file) {
    const funnelsim::analysis::ResultsReader reader(file);
    const funnelsim::analysis::Matrix b = reader.read_matrix(reader.variants().front(), "bookings");
    REQUIRE(b.cols == 4);
    double total = 0.0;
    for (const double v : b.values)
      total += v;
    return total / static_cast<double>(b.rows);
  };
  const double fitted_yearly = yearly(mine), true_yearly = yearly(known);
  CAPTURE(fitted_yearly, true_yearly);
  WARN("yearly bookings: calibrated " << fitted_yearly << ", true " << true_yearly);
  CHECK(std::abs(fitted_yearly / true_yearly - 1) <= 0.05);
}

TEST_CASE("Calibrate's 95% intervals cover the truth in 17 of 20 histories, fast",
          "[crm][process][statistical]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string folder = (directory / "crm").string();
  export_known(folder, (directory / "results.h5").string(), 20);
  const funnelsim::sim::Model truth = funnelsim::scenarios::load_scenario_file(KNOWN).model;
  // All 20 histories at once (about 220,000 opportunities): read and fitted in under 10 s.
  const auto start = std::chrono::steady_clock::now();
  const crm::History all = crm::read_history(crm::history_folder(folder));
  const crm::Calibration pooled = crm::calibrate(all);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CAPTURE(all.opportunities.size(), seconds);
  CHECK(all.opportunities.size() > 100000);
  CHECK(seconds < 10.0);
  WARN("calibrated " << all.opportunities.size() << " opportunities in " << seconds << " s");
  REQUIRE(all.worlds.size() == 20);
  const funnelsim::sim::Segment& t = truth.segments[0];
  std::vector<int> p_in(t.stages.size()), days_in(t.stages.size());
  int deal_in = 0, rate_in = 0;
  for (const std::string& world : all.worlds) {
    const crm::Calibration fit = crm::calibrate(crm::select_world(all, world));
    const crm::SegmentFit& s = fit.segments[0];
    for (std::size_t i = 0; i < t.stages.size(); ++i) {
      const crm::Estimate& p = s.stages[i].win_probability;
      p_in[i] += p.low <= t.stages[i].win_probability && t.stages[i].win_probability <= p.high;
      const crm::Estimate& d = s.stages[i].days.mean;
      const double days = t.stages[i].days.expected_value();
      days_in[i] += d.low <= days && days <= d.high;
    }
    const double deal = t.deal_size.expected_value();
    deal_in += s.deal_size.mean.low <= deal && deal <= s.deal_size.mean.high;
    const crm::Estimate& r = fit.teams[0].prospects_per_week;
    rate_in +=
        r.low <= truth.teams[0].prospects_per_week && truth.teams[0].prospects_per_week <= r.high;
  }
  for (std::size_t i = 0; i < t.stages.size(); ++i) {
    WARN(t.stages[i].name << ": win probability covered " << p_in[i] << "/20, mean days "
                          << days_in[i] << "/20");
    CAPTURE(t.stages[i].name, p_in[i], days_in[i]);
    CHECK(p_in[i] >= 17);
    CHECK(days_in[i] >= 17);
  }
  WARN("mean deal covered " << deal_in << "/20, prospecting rate " << rate_in << "/20");
  CHECK(deal_in >= 17);
  CHECK(rate_in >= 17);
}

TEST_CASE("Diagnose reads each rep's quarter, and the team adds up to the results file",
          "[crm][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string folder = (directory / "crm").string();
  const std::string results = (directory / "results.h5").string();
  export_known(folder, results, 1);
  const crm::History history = crm::read_history(crm::history_folder(folder));
  const funnelsim::sim::Model truth = funnelsim::scenarios::load_scenario_file(KNOWN).model;
  crm::DiagnoseRequest request;
  std::tie(request.quarter_start, request.quarter_end) = crm::parse_quarter("3", history);
  request.scenario = &truth;
  const crm::DiagnoseReport report = crm::diagnose_history(history, request);
  REQUIRE(report.reps.size() == 20);
  const funnelsim::analysis::ResultsReader reader(results);
  const std::string variant = reader.variants().front();
  const funnelsim::analysis::Array funnel =
      reader.read_array(variant, "segments/small/funnel_count");
  const funnelsim::analysis::Matrix wins = reader.read_matrix(variant, "wins");
  const funnelsim::analysis::Matrix bookings = reader.read_matrix(variant, "bookings");
  const std::size_t stages = funnel.shape[2];
  std::vector<double> open(stages);
  double won = 0.0, booked = 0.0;
  for (const crm::RepDiagnosis& d : report.reps) {
    for (std::size_t i = 0; i < stages; ++i)
      open[i] += d.figures.open_count[i];
    won += d.figures.wins;
    booked += d.figures.bookings;
  }
  // Open at the quarter's end: the funnel of measured week 4 x 13 - 1.
  for (std::size_t i = 0; i < stages; ++i)
    CHECK(open[i] == funnel.values[(4 * 13 - 1) * stages + i]);
  CHECK(won == wins.at(0, 3));
  CHECK(booked == Approx(bookings.at(0, 3)).margin(0.05 * 20));
  // The standard is the scenario's: K x weeks in the stage / p(stage).
  CHECK(report.standard.standard_count[0] == Approx(5 * 0.2 * 1.0 / 0.2));
  // A standard calibrated from the history itself, and the command's three outputs.
  request.scenario = nullptr;
  CHECK(crm::diagnose_history(history, request).reps.size() == 20);
  auto outcome = funnelsim::testing::run_cli("diagnose " + folder + " --quarter 3 --json");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK_THAT(outcome.output, Catch::Contains("\"weakness\""));
  outcome = funnelsim::testing::run_cli("diagnose " + folder + " --quarter 3 --scenario " + KNOWN +
                                        " -o " + (directory / "d.html").string());
  CHECK(outcome.exit_code == 0);
}

TEST_CASE("The example history, a mainstream CRM's export, calibrates, snapshots and diagnoses",
          "[crm][process]") {
  // scenarios/crm-example: the column names a mainstream CRM exports (Opportunity Owner, Stage,
  // Changed Date, Probability (%), ...), dates alone, Closed Won / Closed Lost rows.
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string example = SOURCE + "/scenarios/crm-example";
  const std::string scenario = (directory / "mine.yaml").string();
  auto outcome = funnelsim::testing::run_cli("calibrate " + example + " -o " + scenario +
                                             " --report " + (directory / "fit.html").string());
  INFO(outcome.output);
  REQUIRE(outcome.exit_code == 0);
  REQUIRE(funnelsim::testing::run_cli("validate " + scenario).exit_code == 0);
  // A team's name with a space is written as a scenario name.
  const funnelsim::sim::Model fitted = funnelsim::scenarios::load_scenario_file(scenario).model;
  CHECK(fitted.teams[0].name == "Territory-Sales");
  CHECK(fitted.teams[0].headcount == 4);
  const std::string snapshot = (directory / "week7.yaml").string();
  outcome = funnelsim::testing::run_cli("snapshot " + example + " --as-of 2026-05-17 --scenario " +
                                        scenario + " --quota 80 -o " + snapshot);
  REQUIRE(outcome.exit_code == 0);
  outcome = funnelsim::testing::run_cli("forecast " + snapshot + " --scenario " + scenario +
                                        " --samples 100");
  CHECK(outcome.exit_code == 0);
  // The snapshot's figures, counted by hand from the two tables: open on 2026-05-17's evening.
  const crm::History history = crm::read_history(crm::history_folder(example));
  crm::SnapshotRequest request;
  request.as_of = *crm::parse_iso_time("2026-05-17");
  request.quota = 80.0;
  const crm::HistorySnapshot snap = crm::take_snapshot(history, request);
  const double evening = request.as_of + 1.0;
  std::vector<int> open(3);
  double realized = 0.0;
  for (const crm::Opportunity& o : history.opportunities) {
    if (o.outcome == crm::Outcome::won && *o.closed >= *crm::parse_iso_time("2026-04-01") &&
        *o.closed < evening)
      realized += o.amount;
    if (o.created < evening && (!o.closed || *o.closed >= evening)) {
      for (const crm::Stay& s : o.stays) {
        if (s.entered < evening && (!s.left || *s.left >= evening))
          ++open[s.stage == "Intent" ? 0 : s.stage == "Solution" ? 1 : 2];
      }
    }
  }
  CHECK(snap.quarter_start == *crm::parse_iso_time("2026-04-01"));
  CHECK(snap.snapshot.realized == Approx(realized));
  for (std::size_t i = 0; i < 3; ++i)
    CHECK(snap.snapshot.stages[i].count == open[i]);
  outcome = funnelsim::testing::run_cli("diagnose " + example + " --quarter 2026-Q2 --json");
  CHECK(outcome.exit_code == 0);
  CHECK_THAT(outcome.output, Catch::Contains("\"Wang Li\""));
  // An unknown canonical column in --map, and a map to a column the file lacks: exit code 2.
  outcome = funnelsim::testing::run_cli("calibrate " + example + " -o " +
                                        (directory / "x.yaml").string() + " --map seller=Owner");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Catch::Contains("'seller' is not a column"));
  outcome = funnelsim::testing::run_cli("calibrate " + example + " -o " +
                                        (directory / "x.yaml").string() + " --map rep_id=Seller");
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Catch::Contains("opportunities.csv:1:1: rep_id: no column 'Seller'"));
  // An existing output is not replaced without --force.
  CHECK(funnelsim::testing::run_cli("calibrate " + example + " -o " + scenario).exit_code == 2);
}

TEST_CASE("Diagnose's figures of a hand-made quarter, worked by hand", "[crm]") {
  // Ann opens one opportunity a week from 2026-01-05 (13 in the quarter, 2 万 each): the even
  // ones move to solution after 4 days and are lost 6 days later, the odd ones are lost in
  // intent after 2 days. Bob wins one 10 万 deal, a day in each stage.
  std::string opportunities = "Id,Owner,Amount,CreatedDate,CloseDate,IsClosed,IsWon\n";
  std::string history = "OpportunityId,StageName,CreatedDate\n";
  const double start = *crm::parse_iso_time("2026-01-05");
  for (int k = 0; k < 13; ++k) {
    const double created = start + 7 * k;
    const double closed = created + (k % 2 == 0 ? 10 : 2);
    const std::string id = "A" + std::to_string(k);
    const bool open = closed >= start + 91;
    opportunities += id + ",Ann,2," + funnelsim::analysis::iso_date(created) + "," +
                     funnelsim::analysis::iso_date(closed) + "," + (open ? "false" : "true") +
                     ",false\n";
    history += id + ",intent," + funnelsim::analysis::iso_date(created) + "\n";
    if (k % 2 == 0)
      history += id + ",solution," + funnelsim::analysis::iso_date(created + 4) + "\n";
    if (!open)
      history += id + ",Closed Lost," + funnelsim::analysis::iso_date(closed) + "\n";
  }
  opportunities += "B0,Bob,10,2026-01-05,2026-01-08,true,true\n";
  history +=
      "B0,intent,2026-01-05\nB0,solution,2026-01-06\nB0,negotiation,2026-01-07\n"
      "B0,Closed Won,2026-01-08\n";
  const crm::History h = crm::parse_history(opportunities, history, text_source());
  const funnelsim::sim::Model standard = funnelsim::scenarios::load_scenario_file(KNOWN).model;
  crm::DiagnoseRequest request;
  std::tie(request.quarter_start, request.quarter_end) = crm::parse_quarter("2026-01-05", h);
  request.scenario = &standard;
  const crm::DiagnoseReport report = crm::diagnose_history(h, request);
  REQUIRE(report.reps.size() == 2);
  const funnelsim::analysis::exercise::RepFigures& ann = report.reps[0].figures;
  CHECK(ann.name == "Ann");
  CHECK(ann.new_per_week == 1.0);
  CHECK(ann.wins == 0);
  CHECK(ann.open_count == std::vector<int>{0, 1, 0});           // A12 is in solution at the end
  CHECK(ann.conversion == std::vector<double>{54, 0, 0});       // 7 of 13 moved on; 0 of 6
  CHECK(ann.days_in_step == std::vector<double>{3.1, 6.0, 0});  // (7 x 4 + 6 x 2) / 13; 6
  CHECK(ann.win_rate == 0);
  CHECK(ann.average_opportunity == 2.0);
  const funnelsim::analysis::exercise::RepFigures& bob = report.reps[1].figures;
  CHECK(bob.new_per_week == 0.1);  // 1 / 13
  CHECK(bob.wins == 1);
  CHECK(bob.bookings == 10.0);
  CHECK(bob.conversion == std::vector<double>{100, 100, 100});
  CHECK(bob.days_in_step == std::vector<double>{1, 1, 1});
  CHECK(bob.win_rate == 100);
  CHECK(bob.average_won_deal == 10.0);
  // The diagnosis is the exercise's, on these figures and the scenario's standard.
  for (const crm::RepDiagnosis& d : report.reps) {
    const auto expected = funnelsim::analysis::exercise::diagnose_rep(d.figures, report.standard);
    CHECK(d.diagnosis.weakness == expected.weakness);
    CHECK(d.diagnosis.evidence == expected.evidence);
  }
  CHECK(report.standard.new_per_week == 5.0);
  CHECK(report.standard.average_deal == Approx(standard.segments[0].deal_size.expected_value()));
}

TEST_CASE("Censored stage advances and their errors, worked by hand", "[crm]") {
  // Stage A then B. 12 deals reach B (9 won, 3 lost), 2 are still open in B, 8 are lost in A,
  // 4 are still open in A, and one goes A -> B -> back to A and is lost there.
  // A: advanced 12 + 2 + 1 = 15, lost 8 + 1 = 9, open 4: a = 15 / 24 = 0.625.
  // B: won 9, lost 3, open 2 and the move back 1 (censored): a = 9 / 12 = 0.75.
  // p(B) = 0.75, p(A) = 0.625 x 0.75 = 0.46875; var ln a = (1 - a) / (n a).
  std::string opportunities = "Id,Owner,Amount,CreatedDate,CloseDate,IsClosed,IsWon\n";
  std::string history = "OpportunityId,StageName,CreatedDate\n";
  const double start = *crm::parse_iso_time("2026-01-01");
  int n = 0;
  const auto add = [&](const std::vector<std::string>& stages, const std::string& end) {
    const std::string id = "O" + std::to_string(n);
    const double created = start + n;
    ++n;
    for (std::size_t k = 0; k < stages.size(); ++k)
      history +=
          id + "," + stages[k] + "," + funnelsim::analysis::iso_date(created + 3.0 * k) + "\n";
    const double closed = created + 3.0 * static_cast<double>(stages.size());
    if (!end.empty())
      history += id + "," + end + "," + funnelsim::analysis::iso_date(closed) + "\n";
    opportunities += id + ",R,2," + funnelsim::analysis::iso_date(created) + "," +
                     (end.empty() ? "" : funnelsim::analysis::iso_date(closed)) + "," +
                     (end.empty() ? "false" : "true") + "," +
                     (end == "Closed Won" ? "true" : "false") + "\n";
  };
  for (int k = 0; k < 9; ++k)
    add({"A", "B"}, "Closed Won");
  for (int k = 0; k < 3; ++k)
    add({"A", "B"}, "Closed Lost");
  for (int k = 0; k < 2; ++k)
    add({"A", "B"}, "");
  for (int k = 0; k < 8; ++k)
    add({"A"}, "Closed Lost");
  for (int k = 0; k < 4; ++k)
    add({"A"}, "");
  add({"A", "B", "A"}, "Closed Lost");
  const crm::Calibration fit =
      crm::calibrate(crm::parse_history(opportunities, history, text_source()));
  const crm::SegmentFit& s = fit.segments.at(0);
  REQUIRE(s.stages.size() == 2);
  CHECK(s.stages[0].advanced == 15);
  CHECK(s.stages[0].lost == 9);
  CHECK(s.stages[1].advanced == 9);
  CHECK(s.stages[1].lost == 3);
  CHECK(s.stages[1].censored == 3);
  CHECK(s.stages[1].win_probability.value == Approx(0.75));
  CHECK(s.stages[0].win_probability.value == Approx(0.46875));
  const double var_a = 0.375 / (24 * 0.625), var_b = 0.25 / (12 * 0.75);
  CHECK(s.stages[1].win_probability.se == Approx(0.75 * std::sqrt(var_b)));
  CHECK(s.stages[0].win_probability.se == Approx(0.46875 * std::sqrt(var_a + var_b)));
  CHECK(s.stages[0].win_probability.low ==
        Approx(0.46875 * std::exp(-1.959963984540054 * std::sqrt(var_a + var_b))));
  // Every deal is 2: one bucket, and the scenario says so.
  CHECK(s.deal_size.mean.value == 2.0);
  CHECK_THAT(crm::calibration_yaml(fit, "x", "here"), Catch::Contains("dist: fixed, value: 2"));
  const funnelsim::sim::Model model =
      funnelsim::scenarios::load_scenario_text(crm::calibration_yaml(fit, "x", "here"), "x.yaml")
          .model;
  CHECK(model.segments[0].deal_size.expected_value() == 2.0);
  CHECK(model.segments[0].stages[0].win_probability == Approx(0.46875).epsilon(1e-5));
}

// The resource estimate that refuses runs too large to finish: it must err high against what a
// run really uses (events, file size), and refuse the absurd with the key, the estimate and the
// limit.

#include <chrono>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "funnelsim/experiment/resource_estimate.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/sim/runner.hpp"
#include "support/collect.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

using funnelsim::analysis::check_resources;
using funnelsim::analysis::estimate_resources;
using funnelsim::analysis::ResourceLimits;
using funnelsim::analysis::RunSize;
using funnelsim::scenarios::InputError;

const std::string SOURCE = FUNNELSIM_SOURCE_DIR;

funnelsim::sim::Model scenario(const std::string& name,
                               const std::vector<std::string>& overrides = {}) {
  return funnelsim::scenarios::load_scenario_file(SOURCE + "/scenarios/" + name, overrides).model;
}

/// Events the engine really simulates in `replications` replications, on average.
double measured_events(const funnelsim::sim::Model& model, std::size_t replications) {
  funnelsim::testing::CollectingSink sink;
  funnelsim::sim::RunOptions options;
  options.replications = replications;
  const funnelsim::sim::RunStats stats = funnelsim::sim::run_replications(model, options, sink);
  return static_cast<double>(stats.events) / static_cast<double>(replications);
}

}  // namespace

TEST_CASE("the event estimate errs high, but within a factor of 3", "[resources]") {
  // branch: the playbook's branch; company-sized runs are the benchmark's, too slow here.
  for (const char* name : {"branch.yaml", "prospecting-vs-winrate.yaml"}) {
    INFO(name);
    const funnelsim::sim::Model model = scenario(name);
    const double estimate = estimate_resources(model, RunSize{}).events_per_replication;
    const double measured = measured_events(model, 8);
    CHECK(estimate >= measured);
    CHECK(estimate <= 3.0 * measured);
  }
}

TEST_CASE("the output estimate is at least the results file's size", "[resources][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string file = (directory.path() / "results.h5").string();
  const auto outcome = funnelsim::testing::run_cli(
      "run " + SOURCE + "/scenarios/branch.yaml -n 64 --quiet -o " + file);
  REQUIRE(outcome.exit_code == 0);
  RunSize run;
  run.replications = 64;
  const double estimate = estimate_resources(scenario("branch.yaml"), run).output_bytes;
  CHECK(estimate >= static_cast<double>(std::filesystem::file_size(file)));
}

TEST_CASE("the estimates scale with replications, variants and threads", "[resources]") {
  const funnelsim::sim::Model model = scenario("branch.yaml");
  RunSize one;
  one.replications = 1000;
  one.forecast_samples = 0;  // the simulation forecast's pilot is a cost per variant (below)
  RunSize more = one;
  more.replications = 4000;
  more.variants = 3;
  const auto small = estimate_resources(model, one);
  const auto large = estimate_resources(model, more);
  CHECK(large.output_bytes == Approx(12.0 * small.output_bytes));
  CHECK(large.seconds == Approx(12.0 * small.seconds));
  more.threads = 4;
  CHECK(estimate_resources(model, more).seconds == Approx(3.0 * small.seconds));
  // A branch of 1000 replications costs seconds and megabytes.
  CHECK(small.seconds < 120.0);
  CHECK(small.peak_memory_bytes < 512.0 * (1 << 20));
  // The pilot of the simulation forecast is paid once a variant, whatever the replications:
  // each pilot replication about twice a replication's work.
  const auto seconds = [&](std::size_t replications, std::size_t pilot) {
    RunSize run = one;
    run.replications = replications;
    run.forecast_samples = pilot;
    return estimate_resources(model, run).seconds;
  };
  const double pilot_at_1000 = seconds(1000, 400) - seconds(1000, 200);
  const double pilot_at_4000 = seconds(4000, 400) - seconds(4000, 200);
  CHECK(pilot_at_1000 == Approx(2.0 * 200.0 / 1000.0 * small.seconds));
  CHECK(pilot_at_4000 == Approx(pilot_at_1000));
}

TEST_CASE("ordinary runs pass the resource check", "[resources]") {
  CHECK_NOTHROW(check_resources(scenario("branch.yaml"), RunSize{}, "branch.yaml"));
  RunSize run;
  run.replications = 16;
  run.threads = 2;
  CHECK_NOTHROW(check_resources(scenario("company.yaml"), run, "company.yaml"));
}

TEST_CASE("absurd runs are refused up front with the key, the estimate and the limit",
          "[resources]") {
  const funnelsim::sim::Model branch = scenario("branch.yaml");
  RunSize run;

  SECTION("a replication count past the ceiling") {
    run.replications = 1'000'000'000'000;
    REQUIRE_THROWS_WITH(check_resources(branch, run, "branch.yaml"),
                        "--replications: must be at most 100000000, got 1000000000000");
  }
  SECTION("too many replications for the time limit") {
    // Ten times the branch's prospecting: ten times the events, the same results row.
    const funnelsim::sim::Model busy =
        scenario("branch.yaml", {"teams.territory.prospects_per_week=50"});
    run.replications = 50'000'000;
    try {
      check_resources(busy, run, "branch.yaml");
      FAIL("accepted");
    } catch (const InputError& error) {
      INFO(error.what());
      CHECK(error.file() == "--replications");
      CHECK_THAT(error.message(), Catch::StartsWith("the run would take about "));
      CHECK_THAT(error.message(), Catch::Contains("the limit is 7 days"));
      CHECK_THAT(error.message(), Catch::Contains(" replications fit"));
    }
  }
  SECTION("a headcount that makes each replication too large for the results") {
    const funnelsim::sim::Model huge =
        scenario("branch.yaml", {"teams.territory.headcount=100000", "calendar.quarters=400"});
    ResourceLimits limits;
    limits.output_bytes = 100.0 * (1 << 30);
    limits.seconds = 1e30;  // the file size alone
    try {
      check_resources(huge, run, "branch.yaml", limits);
      FAIL("accepted");
    } catch (const InputError& error) {
      INFO(error.what());
      CHECK(error.file() == "branch.yaml");
      CHECK(error.key_path() == "teams.territory.headcount");
      // 100,003 reps x 400 quarters of rep_bookings: 320 MB a replication, 642 GB in all.
      CHECK_THAT(error.message(), Catch::StartsWith("the results would take about 598 GiB"));
      CHECK_THAT(error.message(), Catch::EndsWith("the limit is 100 GiB"));
    }
  }
  SECTION("a memory limit names the estimate") {
    ResourceLimits limits;
    limits.memory_bytes = 1024.0;
    REQUIRE_THROWS_WITH(check_resources(branch, run, "branch.yaml", limits),
                        Catch::Contains("of memory") && Catch::Contains("the limit is 1 KiB"));
  }
}

TEST_CASE("referrals that bring more than one won referral each grow over the horizon",
          "[resources]") {
  // Each win brings 10 referrals won at 20%: two wins a win, a chain that doubles every cycle.
  const funnelsim::sim::Model exploding = scenario(
      "branch.yaml",
      {"sources=[{name: word, type: referral, team: territory, per_win: 10, delay_days: 1}]"});
  const funnelsim::sim::Model plain = scenario("branch.yaml");
  CHECK(estimate_resources(exploding, RunSize{}).events_per_replication >
        1e6 * estimate_resources(plain, RunSize{}).events_per_replication);
  // The open funnel explodes with the leads: refused for memory before time.
  CHECK_THROWS_WITH(check_resources(exploding, RunSize{}, "branch.yaml"),
                    Catch::Contains("the run would need about"));
}

namespace {

/// The key or option an over-limit run is refused with: the error's key path, or its "file"
/// when that is an option.
/// The limits of a 64 GiB machine without `ulimit -v`, whatever machine the tests run on.
ResourceLimits fixed_limits() {
  ResourceLimits limits;
  limits.memory_bytes = 64.0 * (1ull << 30);
  return limits;
}

std::string refused_key(const funnelsim::sim::Model& model, const RunSize& run) {
  try {
    check_resources(model, run, "branch.yaml", fixed_limits());
  } catch (const InputError& error) {
    INFO(error.what());
    return error.key_path().empty() ? error.file() : error.key_path();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("each feature that can blow a run up is refused alone, naming its key", "[resources]") {
  RunSize run;
  run.threads = 2;
  // The scenario's own keys: the simulation forecast's pilot, which traces whole replications,
  // is off (it has its section below).
  run.forecast_samples = 0;
  SECTION("attrition: replacement hires, each leave touching every rep of the team") {
    const auto model = scenario("branch.yaml", {"teams.territory.headcount=100000",
                                                "teams.territory.attrition={annual_rate: 100}"});
    CHECK(refused_key(model, run) == "teams.territory.attrition.annual_rate");
  }
  SECTION("a marketing source, each lead a rendezvous over the team's reps") {
    const auto model =
        scenario("branch.yaml", {"teams.territory.headcount=100000",
                                 "sources=[{name: fair, type: marketing, team: territory, "
                                 "leads_per_week: 1e6}]"});
    CHECK(refused_key(model, run) == "sources.fair.leads_per_week");
  }
  SECTION("referrals that grow faster than any horizon can hold") {
    const auto model = scenario(
        "branch.yaml", {"sources=[{name: word, type: referral, team: territory, per_win: 50, "
                        "delay_days: {dist: exponential, mean: 1}}]"});
    CHECK(refused_key(model, run) == "sources.word.per_win");
  }
  SECTION("referrals with a rep skill that makes some reps win everything") {
    // 0.6 referrals a win at 20%: 0.12, tame on average; but win skill of cv 3 gives some
    // reps a win probability of 1, and 0.6 x ... stays below 1: accepted. per_win 3 is not.
    const auto tame = scenario(
        "branch.yaml", {"sources=[{name: word, type: referral, team: territory, per_win: 0.6, "
                        "delay_days: 1}]",
                        "teams.territory.skill={win_cv: 3}"});
    CHECK(refused_key(tame, run) == "accepted");
    const auto wild = scenario(
        "branch.yaml", {"sources=[{name: word, type: referral, team: territory, per_win: 40, "
                        "delay_days: 0}]",
                        "teams.territory.skill={win_cv: 3}"});
    CHECK(refused_key(wild, run) == "sources.word.per_win");
  }
  SECTION("prospecting: chunks of the lead process, thinned or not") {
    const auto model = scenario("branch.yaml", {"teams.territory.prospects_per_week=1e6",
                                                "teams.territory.headcount=1000"});
    CHECK(refused_key(model, run) == "teams.territory.prospects_per_week");
  }
  SECTION("forecast samples: a pilot of traced replications, each open deal at each week") {
    // 100,000 reps prospecting 50 a week: a replication fits, but a pilot replication's trace
    // of every open deal at every week's end does not. It is charged to what makes the funnel
    // large, so the message names the scenario's key, not the option.
    const auto model = scenario("branch.yaml", {"teams.territory.headcount=100000",
                                                "teams.territory.prospects_per_week=50"});
    run.replications = 1;
    CHECK(refused_key(model, run) == "accepted");
    run.forecast_samples = 200;
    CHECK(refused_key(model, run) == "teams.territory.headcount");
  }
  SECTION("threads: each a stack and a replication in flight") {
    ResourceLimits limits;
    limits.memory_bytes = 1024.0 * (1 << 20);
    run.threads = 256;
    try {
      check_resources(scenario("branch.yaml"), run, "branch.yaml", limits);
      FAIL("accepted");
    } catch (const InputError& error) {
      CHECK(error.file() == "--threads");
    }
  }
  SECTION("a plan search: the largest candidate times the most candidates") {
    RunSize search = run;
    search.replications = 1000;
    search.candidates = 36;
    search.searched_key = "teams.territory.headcount";
    search.searched_option = "--max-headcount";
    const auto largest = scenario("branch.yaml", {"teams.territory.headcount=100000",
                                                  "teams.territory.prospects_per_week=100"});
    CHECK(refused_key(largest, search) == "--max-headcount");
    search.candidates = 1;
    search.replications = 1;
    CHECK(refused_key(largest, search) == "accepted");
  }
}

TEST_CASE("the memory limit follows the machine: its memory and ulimit -v",
          "[resources][process]") {
  // A run that needs more memory than the process may have was accepted and then failed with
  // "out of memory" (exit 1) under an address-space cap; it is now refused up front.
  const double limit = funnelsim::analysis::machine_memory_limit();
  CHECK(limit <= 64.0 * (1ull << 30));
  CHECK(limit > 0.0);
  const funnelsim::testing::TemporaryDirectory directory;
  const auto outcome = funnelsim::testing::shell_output(
      "ulimit -v 1048576; " + std::string(FUNNELSIM_CLI) + " run " +
      std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml -q -n 4 --threads 256 -o " +
      (directory.path() / "r.h5").string() + " 2>&1");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output,
             Catch::Contains("of memory") && Catch::Contains("the limit is 819 MiB"));
}

TEST_CASE("the work estimate stays above the engine's events on every shipped scenario",
          "[resources]") {
  for (const char* name : {"branch.yaml", "prospecting-vs-winrate.yaml", "company.yaml"}) {
    INFO(name);
    const funnelsim::sim::Model model = scenario(name);
    const auto estimate = estimate_resources(model, RunSize{});
    const double measured = measured_events(model, 2);
    CHECK(estimate.events_per_replication >= measured);
    CHECK(estimate.work_per_replication >= estimate.events_per_replication);
  }
}

TEST_CASE("a refusal takes well under a second", "[resources]") {
  const auto model = scenario(
      "branch.yaml", {"sources=[{name: word, type: referral, team: territory, per_win: 0.95, "
                      "delay_days: {dist: lognormal, mean: 3, cv: 2}}]",
                      "teams.territory.skill={win_cv: 2}"});
  const auto start = std::chrono::steady_clock::now();
  (void)estimate_resources(model, RunSize{});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
}

// The error model (funnelsim/error.hpp): every error a user can cause is a funnelsim::Error
// whose kind alone decides the exit code, and each validation rule lives in one place.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>

#include "funnelsim/error.hpp"
#include "funnelsim/experiment/plan.hpp"
#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/report/compare.hpp"
#include "funnelsim/results/output_path.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/scenarios/error.hpp"
#include "funnelsim/sim/model.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace analysis = funnelsim::analysis;
using funnelsim::Error;
using funnelsim::ErrorKind;
using funnelsim::ErrorLocation;
using funnelsim::exit_code;

namespace {

const std::string SOURCE = FUNNELSIM_SOURCE_DIR;

ErrorKind kind_of(const Error& error) {
  return error.kind();
}

}  // namespace

TEST_CASE("each kind of error has its documented exit code", "[errors]") {
  // docs/guarantees.md, "Exit codes": 1 runtime failure, 2 bad usage or bad input.
  CHECK(exit_code(ErrorKind::usage) == 2);
  CHECK(exit_code(ErrorKind::input) == 2);
  CHECK(exit_code(ErrorKind::results) == 2);
  CHECK(exit_code(ErrorKind::output) == 2);
  CHECK(exit_code(ErrorKind::runtime) == 1);
  CHECK(funnelsim::SUCCESS == 0);
  CHECK(funnelsim::INTERRUPTED == 130);
}

TEST_CASE("every error type derives from funnelsim::Error with its kind", "[errors]") {
  static_assert(std::is_base_of_v<std::runtime_error, Error>);
  CHECK(kind_of(funnelsim::scenarios::InputError("a.yaml", 1, 2, "k", "bad")) == ErrorKind::input);
  CHECK(kind_of(analysis::ResultsError("r.h5: bad")) == ErrorKind::results);
  CHECK(kind_of(analysis::OutputError("out: bad")) == ErrorKind::output);
  CHECK(kind_of(analysis::CompareError("bad")) == ErrorKind::usage);
  CHECK(kind_of(analysis::PlanError("bad")) == ErrorKind::usage);
  CHECK(kind_of(analysis::ForecastError("bad")) == ErrorKind::usage);
  CHECK(kind_of(analysis::PlanUnreachable("bad")) == ErrorKind::runtime);
}

TEST_CASE("an error's location reads gcc-style and a caller can name its file", "[errors]") {
  const funnelsim::scenarios::InputError input("branch.yaml", 14, 7, "segments.small", "bad");
  CHECK(std::string(input.what()) == "branch.yaml:14:7: segments.small: bad");
  CHECK(input.message() == "bad");
  CHECK(std::string(funnelsim::scenarios::InputError("--set", 0, 0, "a.b", "bad").what()) ==
        "--set: a.b: bad");

  CHECK(std::string(Error(ErrorKind::results, "r.h5: bad").what()) == "r.h5: bad");
  // Without a file, the location waits for the command that opened the file to name it.
  const analysis::ResultsError unnamed(ErrorLocation{{}, 0, 0, "variant 'x'"}, "no rows");
  CHECK(std::string(unnamed.what()) == "variant 'x': no rows");
  const Error named = unnamed.in_file("r.h5");
  CHECK(std::string(named.what()) == "r.h5: variant 'x': no rows");
  CHECK(named.kind() == ErrorKind::results);
  CHECK(named.location()->file == "r.h5");
  CHECK(named.location()->key_path == "variant 'x'");
  // An error that names its file, or has no location, stays as it is.
  CHECK(std::string(named.in_file("other.h5").what()) == "r.h5: variant 'x': no rows");
  CHECK(std::string(analysis::PlanError("bad").in_file("r.h5").what()) == "bad");
}

TEST_CASE("win probabilities must increase: one rule", "[errors]") {
  using funnelsim::sim::win_probability_order_error;
  CHECK(win_probability_order_error({"intent", 0.2, "0.2"}, {"solution", 0.35, "0.35"}).empty());
  CHECK(win_probability_order_error({"intent", 0.35, "0.35"}, {"solution", 0.20, "0.20"}) ==
        "win probabilities must increase along the funnel: 'solution' has 0.20 after 'intent' "
        "0.35");
  // Equal is not an increase.
  CHECK_FALSE(win_probability_order_error({"a", 0.5, "0.5"}, {"b", 0.5, "0.5"}).empty());

  // The scenario loader, the snapshot loader and the funnel planner all say it so.
  analysis::FunnelPlanInput input;
  input.quota = 240.0;
  input.average_deal = 2.0;
  input.weeks_per_stage = 1.0;
  input.stages = {{"intent", 0.35}, {"solution", 0.20}};
  CHECK_THROWS_WITH(
      analysis::plan_standard_funnel(input),
      "win probabilities must increase along the funnel: 'solution' has 0.2 after 'intent' 0.35");
}

TEST_CASE("the command gives each kind of error its exit code and message", "[errors][cli]") {
  using funnelsim::testing::run_cli;
  funnelsim::testing::TemporaryDirectory scratch("funnelsim-errors");

  SECTION("usage: 2, after 'funnelsim: '") {
    const auto outcome = run_cli(
        "plan funnel --quota 240 --average-deal 2 --weeks-per-stage 1 "
        "--stages intent=0.35,solution=0.2");
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.output ==
          "funnelsim: plan funnel: win probabilities must increase along the funnel: "
          "'solution' has 0.2 after 'intent' 0.35\n");
  }
  SECTION("input: 2, gcc-style") {
    const std::string file = SOURCE + "/tests/bad_inputs/probabilities_not_increasing.yaml";
    const auto outcome = run_cli("validate " + file);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.output == file +
                                ":6:43: segments.small.stages.solution.win_probability: "
                                "win probabilities must increase along the funnel: 'solution' "
                                "has 0.3 after 'intent' 0.35\n");
  }
  SECTION("results: 2, naming the file") {
    const std::string file = (scratch.path() / "missing.h5").string();
    const auto outcome = run_cli("summary " + file);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.output == "funnelsim: " + file + ": no such file\n");
  }
  SECTION("output: 2, naming the path") {
    const std::string file = (scratch.path() / "taken.h5").string();
    std::ofstream(file) << "mine";
    const auto outcome = run_cli("run " + SOURCE + "/scenarios/branch.yaml -n 1 -q -o " + file);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.output.starts_with("funnelsim: " + file + ": "));
  }
  SECTION("runtime: 1, after 'funnelsim: error: '") {
    const auto outcome = run_cli("plan headcount " + SOURCE +
                                 "/scenarios/branch.yaml --team territory --quota 1e7 "
                                 "--probability 0.9 -n 10 --max-headcount 2 -q");
    CHECK(outcome.exit_code == 1);
    CHECK(outcome.output.starts_with("funnelsim: error: team 'territory': "));
  }
}

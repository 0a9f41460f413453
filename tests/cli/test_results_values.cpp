// Values and names in a results file no run writes (a crafted or hand-edited file): every
// reading command refuses them with exit code 2, naming the file, the dataset and the cell,
// instead of printing inf, NaN, 1234500% or a terminal escape. The files are made at test time
// from small valid runs by tests/damaged_results/make_values.py (h5py).

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "funnelsim/results/results_values.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace fs = std::filesystem;
using funnelsim::testing::Outcome;
using funnelsim::testing::run_cli;
using funnelsim::testing::shell_output;
using funnelsim::testing::TemporaryDirectory;

namespace {

const std::string SCENARIOS = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/";
const std::string MAKE_VALUES =
    std::string(FUNNELSIM_SOURCE_DIR) + "/tests/damaged_results/make_values.py";

struct Crafted {
  std::string name;
  bool two_variants;  ///< made from the two-variant run
  std::string edits;  ///< make_values.py's edits
  std::string message;
};

std::vector<std::string> commands(const fs::path& file) {
  return {"summary " + file.string(), "compare " + file.string(), "compare --csv " + file.string(),
          "forecast-accuracy " + file.string(),
          "report " + file.string() + " -o " + file.string() + ".html"};
}

}  // namespace

TEST_CASE("Results files with values no run writes are refused by every reading command",
          "[results-values][cli]") {
  const TemporaryDirectory directory("funnelsim-values");
  const fs::path one = directory / "one.h5";
  const fs::path two = directory / "two.h5";
  REQUIRE(run_cli("run " + SCENARIOS + "branch.yaml -o " + one.string() + " -n 6 -q").exit_code ==
          0);
  REQUIRE(run_cli("run " + SCENARIOS + "prospecting-vs-winrate.yaml -o " + two.string() +
                  " -n 6 --forecast-samples 0 -q")
              .exit_code == 0);
  for (const fs::path& valid : {one, two}) {
    for (const std::string& command : commands(valid)) {
      const Outcome outcome = run_cli(command);
      INFO(command << "\n" << outcome.output);
      CHECK(outcome.exit_code == 0);
    }
  }
  const std::vector<Crafted> cases{
      {"quota_inf.h5", false, "set variants/baseline/quota 0 inf",
       "variants/baseline/quota: not a finite number: inf at quarter 1"},
      {"quota_zero.h5", false, "set variants/baseline/quota 0 0",
       "variants/baseline/quota: 0 at quarter 1 is out of range (a quota is > 0"},
      {"attainment.h5", false, "set variants/baseline/attainment : 12345",
       "variants/baseline/attainment: 12345 at replication 0, quarter 1 is not bookings / quota"},
      {"huge.h5", true, "set variants/bigger-deals/bookings :,0 1e300",
       "variants/bigger-deals/bookings: 1e+300 at replication 0, quarter 1 is out of range "
       "(amounts are at most 1e+24"},
      {"nan_bookings.h5", false, "set variants/baseline/bookings 3,1 nan",
       "variants/baseline/bookings: not a finite number: nan at replication 3, quarter 2"},
      {"nan_rep_bookings.h5", false, "set variants/baseline/rep_bookings 1,2,3 nan",
       "variants/baseline/rep_bookings: not a finite number: nan at replication 1, rep 3, "
       "quarter 4"},
      {"nan_cost.h5", true, "set variants/baseline/cost 5,3 nan",
       "variants/baseline/cost: not a finite number: nan at replication 5, quarter 4"},
      {"forecast_inf.h5", false, "set variants/baseline/forecast/funnel 0,0,0 inf",
       "variants/baseline/forecast/funnel: not a finite number: inf at replication 0, quarter 1, "
       "week 1"},
      {"negative_wins.h5", false, "set variants/baseline/wins 2,0 -1",
       "variants/baseline/wins: -1 at replication 2, quarter 1 is out of range (counts"},
      {"many_leads.h5", false, "set variants/baseline/segments/small/leads 0,0 1e16",
       "variants/baseline/segments/small/leads: 1e+16 at replication 0, quarter 1 is out of range "
       "(counts are whole numbers in [0, 1e+15])"},
      {"funnel_amount.h5", false, "set variants/baseline/segments/small/funnel_amount 4,20,1 -inf",
       "variants/baseline/segments/small/funnel_amount: not a finite number: -inf at replication "
       "4, week 21, stage 2"},
      {"variant_name.h5", true, "move variants/bigger-deals 'variants/\\x1b[31mRED\\x1b[0m\\nfake'",
       "variants/\\x1b[31mRED\\x1b[0m\\x0afake: variant name holds a control character (0x1b)"},
      {"scenario_name.h5", true, "attr scenario_name 'x\\x1b[2J\\nline2'",
       "attribute 'scenario_name' ('x\\x1b[2J\\x0aline2') holds a control character (0x1b)"},
      {"segment_name.h5", false,
       "move variants/baseline/segments/small 'variants/baseline/segments/a\\tb'",
       "variants/baseline/segments/a\\x09b: segment name holds a control character (0x09)"},
      {"long_variant.h5", false, "move variants/baseline variants/" + std::string(101, 'v'),
       "variants/" + std::string(60, 'v') + "...: variant name is 101 bytes, more than 100"},
  };
  for (const Crafted& crafted : cases) {
    const fs::path file = directory / crafted.name;
    const Outcome made = shell_output("/usr/bin/python3 " + MAKE_VALUES + " " +
                                      (crafted.two_variants ? two : one).string() + " " +
                                      file.string() + " " + crafted.edits + " 2>&1");
    INFO(crafted.name << ": " << made.output);
    REQUIRE(made.exit_code == 0);
    for (const std::string& command : commands(file)) {
      const Outcome outcome = run_cli(command);
      INFO(command << "\n" << outcome.output);
      CHECK(outcome.exit_code == 2);
      CHECK_THAT(outcome.output,
                 Catch::StartsWith("funnelsim: " + file.string() + ": " + crafted.message));
      CHECK(outcome.output.find('\x1b') == std::string::npos);
      CHECK_FALSE(fs::exists(file.string() + ".html"));
    }
  }
}

TEST_CASE("funnelsim merge refuses a shard with a value no run writes", "[results-values][cli]") {
  const TemporaryDirectory directory("funnelsim-values-merge");
  const fs::path first = directory / "part1.h5";
  const fs::path second = directory / "part2.h5";
  const fs::path crafted = directory / "crafted.h5";
  for (const auto& [shard, file] : {std::pair{"1/2", first}, std::pair{"2/2", second}}) {
    REQUIRE(run_cli("run " + SCENARIOS + "branch.yaml -o " + file.string() +
                    " -n 4 --forecast-samples 0 -q --shard " + shard)
                .exit_code == 0);
  }
  REQUIRE(shell_output("/usr/bin/python3 " + MAKE_VALUES + " " + second.string() + " " +
                       crafted.string() + " set variants/baseline/bookings 1,0 1e300")
              .exit_code == 0);
  const fs::path merged = directory / "merged.h5";
  const Outcome outcome =
      run_cli("merge " + first.string() + " " + crafted.string() + " -o " + merged.string());
  INFO(outcome.output);
  CHECK(outcome.exit_code == 2);
  // The shard's rows are replications 2 and 3 of the run.
  CHECK_THAT(outcome.output,
             Catch::Contains(crafted.string() + ": variants/baseline/bookings: 1e+300 at "
                                                "replication 3, quarter 1 is out of range"));
  CHECK_FALSE(fs::exists(merged));
}

TEST_CASE("Names from a results file follow the scenario loader's rule", "[results-values]") {
  using funnelsim::analysis::results_name_problem;
  CHECK(results_name_problem("bigger-deals").empty());
  CHECK(results_name_problem("销售 团队").empty());
  CHECK(results_name_problem(std::string(100, 'x')).empty());
  CHECK(results_name_problem(std::string(101, 'x')) == "is 101 bytes, more than 100");
  CHECK(results_name_problem("") == "must not be empty");
  CHECK(results_name_problem("a\nb") == "holds a control character (0x0a)");
  CHECK(results_name_problem("a\x7f") == "holds a control character (0x7f)");
  CHECK(results_name_problem("a\xff") == "is not UTF-8 (byte 0xff)");
  CHECK(results_name_problem("\xc0\xaf") == "is not UTF-8 (byte 0xc0)");      // overlong '/'
  CHECK(results_name_problem("\xed\xa0\x80") == "is not UTF-8 (byte 0xed)");  // a surrogate
  CHECK(funnelsim::analysis::printable_name("a\x1b[2J\\") == "a\\x1b[2J\\x5c");
}

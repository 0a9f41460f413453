// Scale-out: `funnelsim run --shard K/N` and `funnelsim merge`. Replications' random streams
// are keyed by their numbers, so merged shards are the single-machine run, attribute for
// attribute (h5diff); merge refuses anything that is not every shard of one run.

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "funnelsim/results/results_merge.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace analysis = funnelsim::analysis;
using funnelsim::testing::Outcome;
using funnelsim::testing::run_cli;
using funnelsim::testing::shell_output;
using funnelsim::testing::TemporaryDirectory;

namespace {

const std::string SCENARIOS = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/";
const std::string BRANCH = SCENARIOS + "branch.yaml";
const std::string LEVERS = SCENARIOS + "prospecting-vs-winrate.yaml";
// Few forecast samples keep the runs short; shards and whole runs must agree on them.
const std::string FAST = " --forecast-samples 5 --quiet";

std::string quoted(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

/// Runs funnelsim and requires success.
void succeed(const std::string& arguments) {
  const Outcome outcome = run_cli(arguments);
  INFO(arguments << "\n" << outcome.output);
  REQUIRE(outcome.exit_code == 0);
}

/// h5diff's exit code: 0 when the files hold the same objects, data and attributes.
int h5diff(const std::filesystem::path& a, const std::filesystem::path& b) {
  const Outcome outcome = shell_output("h5diff " + quoted(a) + " " + quoted(b) + " 2>&1");
  INFO(outcome.output);
  return outcome.exit_code;
}

}  // namespace

TEST_CASE("Shards tile the run in contiguous blocks", "[shard]") {
  for (const std::size_t replications : {1, 7, 300, 1001}) {
    for (std::size_t count = 1; count <= std::min<std::size_t>(replications, 9); ++count) {
      std::size_t next = 5;
      for (std::size_t index = 1; index <= count; ++index) {
        const analysis::ShardRange range =
            analysis::shard_range({index, count, 5, replications, 0});
        CHECK(range.first == next);
        // Blocks differ by at most one replication.
        CHECK(range.count >= replications / count);
        CHECK(range.count <= replications / count + 1);
        next = range.first + range.count;
      }
      CHECK(next == 5 + replications);
    }
  }
}

TEST_CASE("Three shards merged in any order are the single-machine run", "[shard][cli][process]") {
  TemporaryDirectory directory;
  const auto whole = directory / "whole.h5";
  succeed("run " + BRANCH + " -n 300 -o " + quoted(whole) + FAST);
  for (int k = 1; k <= 3; ++k) {
    succeed("run " + BRANCH + " -n 300 --shard " + std::to_string(k) + "/3 -o " +
            quoted(directory / ("part" + std::to_string(k) + ".h5")) + FAST +
            (k == 2 ? " --threads 1" : ""));
  }
  const auto merged = directory / "merged.h5";
  succeed("merge " + quoted(directory / "part3.h5") + " " + quoted(directory / "part1.h5") + " " +
          quoted(directory / "part2.h5") + " -o " + quoted(merged) + " --quiet");
  CHECK(h5diff(whole, merged) == 0);
  CHECK(directory.file_count() == 5);  // no temporary file left behind

  // A shard is itself a results file of its replications.
  const Outcome summary = run_cli("summary " + quoted(directory / "part2.h5"));
  INFO(summary.output);
  CHECK(summary.exit_code == 0);
  CHECK(summary.output.find("100 replications") != std::string::npos);
}

TEST_CASE("Shards of a scenario with variants merge into the single-machine run",
          "[shard][cli][variants][process]") {
  TemporaryDirectory directory;
  const auto whole = directory / "whole.h5";
  const std::string common = " -n 50 --seed 7 --set teams.territory.headcount=11" + FAST;
  succeed("run " + LEVERS + common + " -o " + quoted(whole));
  succeed("run " + LEVERS + common + " --shard 2/2 -o " + quoted(directory / "b.h5"));
  succeed("run " + LEVERS + common + " --shard 1/2 -o " + quoted(directory / "a.h5"));
  const auto merged = directory / "merged.h5";
  succeed("merge " + quoted(directory / "b.h5") + " " + quoted(directory / "a.h5") + " -o " +
          quoted(merged) + " --quiet");
  CHECK(h5diff(whole, merged) == 0);
}

TEST_CASE("merge refuses shards that are not every shard of one run", "[shard][cli][process]") {
  TemporaryDirectory directory;
  const auto shard = [&](const std::string& name, const std::string& options) {
    succeed("run " + BRANCH + " -n 30 -o " + quoted(directory / name) + FAST + " " + options);
    return quoted(directory / name);
  };
  const std::string one = shard("1.h5", "--shard 1/3");
  const std::string two = shard("2.h5", "--shard 2/3");
  const std::string three = shard("3.h5", "--shard 3/3");
  const auto out = directory / "out.h5";
  const auto refused = [&](const std::string& inputs, const std::string& message) {
    const Outcome outcome = run_cli("merge " + inputs + " -o " + quoted(out));
    INFO(outcome.output);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.output.find(message) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));
  };

  SECTION("a gap") {
    refused(one + " " + three, "replications [10, 20) are missing");
    refused(one + " " + two, "replications [20, 30) are missing");
  }
  SECTION("an overlap") {
    refused(one + " " + two + " " + three + " " + two, "overlap");
    const std::string half = shard("half.h5", "--shard 1/2");
    refused(half + " " + two + " " + three, "overlap");
  }
  SECTION("a different seed") {
    const std::string other = shard("seed.h5", "--shard 2/3 --seed 7");
    refused(one + " " + other + " " + three, "seed 7 differs");
  }
  SECTION("a different scenario") {
    const std::string other = shard("set.h5", "--shard 2/3 --set teams.territory.headcount=12");
    refused(one + " " + other + " " + three, "scenario text differs");
    succeed("run " + LEVERS + " -n 30 --shard 2/3 -o " + quoted(directory / "levers.h5") + FAST);
    refused(one + " " + quoted(directory / "levers.h5") + " " + three, "scenario 'prospecting");
  }
  SECTION("a different run length or forecast") {
    succeed("run " + BRANCH + " -n 33 --shard 2/3 -o " + quoted(directory / "n.h5") + FAST);
    refused(one + " " + quoted(directory / "n.h5") + " " + three, "run of replications");
    succeed("run " + BRANCH + " -n 30 --shard 2/3 --forecast-samples 0 --quiet -o " +
            quoted(directory / "f.h5"));
    refused(one + " " + quoted(directory / "f.h5") + " " + three, "--forecast-samples 0 differs");
  }
  SECTION("files that are not shards") {
    const std::string whole = shard("whole.h5", "");
    refused(one + " " + whole, "not a shard");
    std::ofstream(directory / "notes.h5") << "not HDF5\n";
    refused(one + " " + quoted(directory / "notes.h5"), "notes.h5");
    refused(one + " " + quoted(directory / "absent.h5"), "absent.h5");
  }
  SECTION("an existing output without --force") {
    std::ofstream(out) << "keep me\n";
    const Outcome outcome =
        run_cli("merge " + one + " " + two + " " + three + " -o " + quoted(out));
    CHECK(outcome.exit_code == 2);
    std::ifstream kept(out);
    std::string line;
    std::getline(kept, line);
    CHECK(line == "keep me");
  }
}

TEST_CASE("run --shard rejects malformed shards and adaptive runs", "[shard][cli][process]") {
  TemporaryDirectory directory;
  const auto out = directory / "out.h5";
  for (const char* bad : {"3/2", "0/0", "0/3", "a/b", "4", "1/", "/2", "1/2/3", "-1/2"}) {
    const Outcome outcome = run_cli("run " + BRANCH + " -n 30 --shard '" + std::string(bad) +
                                    "' -o " + quoted(out) + FAST);
    INFO(bad << ": " << outcome.output);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.output.find("--shard") != std::string::npos);
  }
  const Outcome precision =
      run_cli("run " + BRANCH + " -n 30 --shard 1/2 --precision 1% -o " + quoted(out) + FAST);
  CHECK(precision.exit_code == 2);
  CHECK(precision.output.find("--precision cannot be split") != std::string::npos);
  const Outcome tiny = run_cli("run " + BRANCH + " -n 2 --shard 1/3 -o " + quoted(out) + FAST);
  CHECK(tiny.exit_code == 2);
  CHECK(directory.file_count() == 0);
}

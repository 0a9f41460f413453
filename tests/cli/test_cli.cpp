// The funnelsim command end to end, as a user runs it: exit codes, messages, and the
// guarantee that bad input or a refused target leaves no output behind.

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "support/shell.hpp"

namespace fs = std::filesystem;

namespace {

using ::funnelsim::testing::Outcome;

Outcome run_cli(const std::string& arguments) {
  return ::funnelsim::testing::run_cli(arguments);
}

int shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// A scratch directory removed at the end of the test.
struct Scratch {
  Scratch() : path(fs::temp_directory_path() / ("funnelsim-cli-" + std::to_string(getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {}));
  }
  fs::path path;
};

const std::string BRANCH = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
const std::string BAD = std::string(FUNNELSIM_SOURCE_DIR) + "/tests/bad_inputs/";

}  // namespace

TEST_CASE("run writes a results file that summary reads", "[cli]") {
  Scratch scratch;
  const std::string out = scratch.file("results.h5");
  const Outcome run = run_cli("run " + BRANCH + " -o " + out + " -n 40 --quiet");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(run.output.empty());      // --quiet, and no terminal for a progress bar
  CHECK(scratch.entries() == 1);  // the temporary file was renamed, nothing else left

  const Outcome summary = run_cli("summary " + out);
  INFO(summary.output);
  CHECK(summary.exit_code == 0);
  CHECK(summary.output.find("P(quota met)") != std::string::npos);
  CHECK(summary.output.find("year") != std::string::npos);
}

TEST_CASE("Results are identical for one and two threads (h5diff)", "[cli][determinism]") {
  Scratch scratch;
  const std::string one = scratch.file("one.h5");
  const std::string two = scratch.file("two.h5");
  REQUIRE(run_cli("run " + BRANCH + " -o " + one + " -n 30 --seed 9 --threads 1 -q").exit_code ==
          0);
  REQUIRE(run_cli("run " + BRANCH + " -o " + two + " -n 30 --seed 9 --threads 2 -q").exit_code ==
          0);
  CHECK(shell("h5diff " + one + " " + two) == 0);
  // More threads than cores: as many threads as asked for, the same file, and no warning from
  // oneTBB about its worker limit.
  const std::string many = scratch.file("many.h5");
  const int threads = 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) + 1;
  const Outcome oversubscribed = run_cli("run " + BRANCH + " -o " + many +
                                         " -n 30 --seed 9 -q --threads " + std::to_string(threads));
  CHECK(oversubscribed.exit_code == 0);
  CHECK(oversubscribed.output.empty());
  CHECK(shell("h5diff " + one + " " + many) == 0);
  // And a different seed differs.
  const std::string other = scratch.file("other.h5");
  REQUIRE(run_cli("run " + BRANCH + " -o " + other + " -n 30 --seed 10 -q").exit_code == 0);
  CHECK(shell("h5diff -q " + one + " " + other +
              " /variants/baseline/bookings "
              "/variants/baseline/bookings > /dev/null") == 1);
}

TEST_CASE("Results read cleanly with h5py, outside funnelsim", "[cli][interop]") {
  Scratch scratch;
  const std::string out = scratch.file("results.h5");
  REQUIRE(run_cli("run " + BRANCH + " -o " + out + " -n 20 -q").exit_code == 0);
  const std::string script = std::string(FUNNELSIM_SOURCE_DIR) + "/tests/check_results_h5py.py";
  CHECK(shell("/usr/bin/python3 " + script + " " + out) == 0);
}

TEST_CASE("An existing target is refused without --force and kept intact", "[cli]") {
  Scratch scratch;
  const std::string out = scratch.file("results.h5");
  { std::ofstream(out) << "precious"; }
  const Outcome refused = run_cli("run " + BRANCH + " -o " + out + " -n 5 -q");
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("--force") != std::string::npos);
  std::ifstream kept(out);
  std::string content;
  kept >> content;
  CHECK(content == "precious");

  CHECK(run_cli("run " + BRANCH + " -o " + out + " -n 5 -q --force").exit_code == 0);
  CHECK(scratch.entries() == 1);
}

TEST_CASE("Bad input exits with 2, names file, line and key, and writes nothing", "[cli]") {
  Scratch scratch;
  const std::string out = scratch.file("results.h5");
  SECTION("an invalid scenario file") {
    const Outcome bad = run_cli("run " + BAD + "probability_above_one.yaml -o " + out + " -q");
    INFO(bad.output);
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("probability_above_one.yaml:") != std::string::npos);
    CHECK(bad.output.find("win_probability") != std::string::npos);
  }
  SECTION("an override naming a missing team") {
    const Outcome bad =
        run_cli("run " + BRANCH + " -o " + out + " --set teams.teritory.headcount=3");
    INFO(bad.output);
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("territory") != std::string::npos);  // the suggestion
  }
  SECTION("a missing scenario file") {
    const Outcome bad = run_cli("run " + scratch.file("nope.yaml") + " -o " + out);
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("nope.yaml") != std::string::npos);
  }
  SECTION("bad usage") {
    CHECK(run_cli("run " + BRANCH).exit_code == 2);  // no -o
    CHECK(run_cli("run " + BRANCH + " -o " + out + " -n 0").exit_code == 2);
    CHECK(run_cli("frobnicate").exit_code == 2);
  }
  CHECK(scratch.entries() == 0);
}

TEST_CASE("validate explains the scenario and checks it", "[cli]") {
  const Outcome good = run_cli("validate " + BRANCH);
  INFO(good.output);
  CHECK(good.exit_code == 0);
  // The playbook's standard funnel: 50 leads a week give intent 50, solution 28.6,
  // negotiation 14.3.
  CHECK(good.output.find("intent 50.0 solution 28.6 negotiation 14.3") != std::string::npos);
  CHECK(run_cli("validate " + BAD + "probability_above_one.yaml").exit_code == 2);
}

TEST_CASE("summary refuses files that are not funnelsim results", "[cli]") {
  Scratch scratch;
  const std::string junk = scratch.file("junk.h5");
  { std::ofstream(junk) << "not an HDF5 file at all"; }
  const Outcome bad = run_cli("summary " + junk);
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("junk.h5") != std::string::npos);
  CHECK(run_cli("summary " + scratch.file("missing.h5")).exit_code == 2);
}

TEST_CASE("Help teaches and the version answers", "[cli]") {
  const Outcome help = run_cli("--help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("Examples:") != std::string::npos);
  const Outcome run_help = run_cli("run --help");
  CHECK(run_help.exit_code == 0);
  CHECK(run_help.output.find("--set") != std::string::npos);
  CHECK(run_cli("--version").exit_code == 0);
}

TEST_CASE("Ctrl-C keeps the finished replications in a file marked incomplete", "[cli]") {
  Scratch scratch;
  const std::string out = scratch.file("stopped.h5");
  const std::string company = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/company.yaml";
  // 2000 company replications take minutes; the interrupt arrives after about one second
  // (without the simulation forecast model's pilot, which would still be running then).
  const int code = shell("sh -c '" + std::string(FUNNELSIM_CLI) + " run " + company + " -o " + out +
                         " -n 2000 -q --forecast-samples 0 2>/dev/null & pid=$!; sleep 1; "
                         "kill -INT $pid; wait $pid'");
  CHECK(code == 130);
  CHECK(scratch.entries() == 1);  // the results, and no temporary file
  const Outcome summary = run_cli("summary " + out);
  CHECK(summary.exit_code == 0);
  CHECK(summary.output.find("INCOMPLETE: stopped after") != std::string::npos);
}

TEST_CASE("Ctrl-C in the forecast model's pilot stops at once and writes nothing", "[cli]") {
  Scratch scratch;
  const std::string out = scratch.file("stopped.h5");
  const std::string company = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/company.yaml";
  // The company's pilot of 200 traced replications takes about 15 s on two cores; the
  // interrupt arrives after about one second, and the run must end well before the pilot would.
  const auto start = std::chrono::steady_clock::now();
  const int code = shell("sh -c '" + std::string(FUNNELSIM_CLI) + " run " + company + " -o " + out +
                         " -n 2000 2>" + scratch.file("stderr.txt") +
                         " & pid=$!; sleep 1; kill -INT $pid; wait $pid'");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(code == 130);
  CHECK(seconds < 6.0);
  CHECK(!std::filesystem::exists(out));
  CHECK(scratch.entries() == 1);  // stderr.txt only: no results, no temporary file
  std::ifstream stderr_file(scratch.file("stderr.txt"));
  const std::string message((std::istreambuf_iterator<char>(stderr_file)),
                            std::istreambuf_iterator<char>());
  CHECK(message.find("interrupted before the first replication: no file written") !=
        std::string::npos);
}

TEST_CASE("Option --replication K reproduces replication K of a larger run", "[cli][determinism]") {
  Scratch scratch;
  const std::string whole = scratch.file("whole.h5");
  const std::string one = scratch.file("one.h5");
  const std::string trace = scratch.file("trace.csv");
  REQUIRE(run_cli("run " + BRANCH + " -o " + whole + " -n 10 --seed 3 -q").exit_code == 0);
  REQUIRE(run_cli("run " + BRANCH + " -o " + one + " --replication 7 --seed 3 -q --trace " + trace)
              .exit_code == 0);
  // Row 7 of the larger run equals row 0 of the single one.
  const std::string compare = "/usr/bin/python3 -c \"import h5py,numpy,sys; a=h5py.File('" + whole +
                              "')['variants/baseline/rep_bookings'][7]; b=h5py.File('" + one +
                              "')['variants/baseline/rep_bookings'][0]; "
                              "sys.exit(0 if numpy.array_equal(a,b) else 1)\"";
  CHECK(shell(compare) == 0);
  // The trace's won amounts in measured weeks add up to the file's bookings.
  const std::string sum_wins =
      "/usr/bin/python3 -c \"import csv,h5py,sys; rows=[r for r in csv.DictReader(open('" + trace +
      "')) if r['event']=='win' and int(r['measured_week'])>=0]; total=sum(float(r['amount']) for "
      "r in "
      "rows); booked=h5py.File('" +
      one +
      "')['variants/baseline/bookings'][0].sum(); sys.exit(0 if abs(total-booked)<1e-9*booked "
      "else 1)\"";
  CHECK(shell(sum_wins) == 0);
  CHECK(run_cli("run " + BRANCH + " -o " + scratch.file("x.h5") + " -n 3 --trace " + trace)
            .exit_code == 2);
}

TEST_CASE("Option --precision stops once the interval is narrow enough", "[cli]") {
  Scratch scratch;
  const std::string out = scratch.file("precise.h5");
  const Outcome run = run_cli("run " + BRANCH + " -o " + out + " -n 20000 --precision 2%");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  // The yearly bookings' coefficient of variation is about 14%: 2% needs about
  // (1.96 x 0.14 / 0.02)^2 = 190 replications, reached after the first block of 256.
  const std::string check =
      "/usr/bin/python3 -c \"import h5py,sys; f=h5py.File('" + out +
      "'); n=int(f.attrs['replications']); p=float(f.attrs['precision_achieved'][0]); "
      "sys.exit(0 if n < 20000 and p <= 0.02 else 1)\"";
  CHECK(shell(check) == 0);
  CHECK(run_cli("run " + BRANCH + " -o " + out + " --precision lots --force").exit_code == 2);
}

TEST_CASE("The trace names each rep's own team, hires included", "[cli]") {
  // Reps are numbered team by team, each team's tenured reps then its hires (rep_team). The
  // trace once looked a hire's team up past the end of its table (the key-account hire, rep
  // 13 of every-feature.yaml, read as 'territory'). Each opportunity's team must sell its
  // segment: territory the small deals, key-account the large.
  Scratch scratch;
  const std::string trace = scratch.file("trace.csv");
  const std::string scenario = std::string(FUNNELSIM_SOURCE_DIR) + "/tests/data/every-feature.yaml";
  REQUIRE(run_cli("run " + scenario + " -o " + scratch.file("r.h5") +
                  " --replication 3 -q --trace " + trace)
              .exit_code == 0);
  const std::string check =
      "/usr/bin/python3 -c \"import csv; rows=list(csv.DictReader(open('" + trace +
      "'))); sells={'territory':'small','key-account':'large'}; "
      "bad=[r for r in rows if r['segment'] and sells[r['team']]!=r['segment']]; "
      "assert not bad, bad[:3]; reps={int(r['rep']) for r in rows}; "
      "assert max(reps)==13, sorted(reps); print(len(rows))\"";
  const Outcome outcome = ::funnelsim::testing::shell_output(check);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
}

// funnelsim report end to end: the HTML page drawn in a real headless browser, the sections
// a file without variants or forecasts still gets, and the refusals (bad files, existing output).

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/shell.hpp"

namespace fs = std::filesystem;

namespace {

using ::funnelsim::testing::Outcome;
using ::funnelsim::testing::run_cli;
using ::funnelsim::testing::shell_output;

const std::string SCENARIOS = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/";
const char* CHROMIUM = "/usr/bin/chromium";

struct Scratch {
  Scratch() : path(fs::temp_directory_path() / ("funnelsim-report-" + std::to_string(getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  fs::path path;
};

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

/// The page after its scripts ran in headless Chromium, or "" when Chromium is not installed.
std::string rendered_dom(const Scratch& scratch, const std::string& html) {
  if (!fs::exists(CHROMIUM))
    return "";
  const Outcome dom =
      shell_output(std::string(CHROMIUM) +
                   " --headless --no-sandbox --disable-gpu --disable-background-networking "
                   "--disable-component-update --disable-sync --no-first-run --user-data-dir=" +
                   scratch.file("chromium-profile") +
                   " --virtual-time-budget=10000 --dump-dom file://" + html + " 2>/dev/null");
  REQUIRE(dom.exit_code == 0);
  return dom.output;
}

/// Every chart container in the dumped DOM holds an <svg> drawing before the next container.
void check_every_chart_drew(const std::string& dom, std::size_t expected_charts) {
  CHECK(dom.find("<span id=\"render-status\">done</span>") != std::string::npos);
  CHECK(dom.find("<span id=\"render-errors\">0</span>") != std::string::npos);
  std::size_t charts = 0;
  const std::string marker = "<div class=\"chart";
  for (std::size_t at = dom.find(marker); at != std::string::npos; ++charts) {
    const std::size_t next = dom.find(marker, at + 1);
    const std::string container = dom.substr(at, next == std::string::npos ? 2000 : next - at);
    INFO(container.substr(0, 200));
    CHECK(container.find("<svg") != std::string::npos);
    at = next;
  }
  CHECK(charts == expected_charts);
}

}  // namespace

TEST_CASE("report of variants draws every chart in a headless browser", "[report]") {
  Scratch scratch;
  const std::string results = scratch.file("levers.h5");
  const std::string html = scratch.file("levers.html");
  REQUIRE(run_cli("run " + SCENARIOS + "prospecting-vs-winrate.yaml -o " + results +
                  " -n 50 --forecast-samples 20 -q")
              .exit_code == 0);
  const Outcome report = run_cli("report " + results + " -o " + html);
  INFO(report.output);
  REQUIRE(report.exit_code == 0);

  const std::string page = read(html);
  CHECK(page.find("src=\"http") == std::string::npos);  // nothing fetched: works offline
  CHECK(page.find("Differences from the baseline") != std::string::npos);
  CHECK(page.find("id=\"chart-differences\"") != std::string::npos);
  CHECK(page.find("P(quota met) over the year is") != std::string::npos);
  CHECK(page.find("id=\"chart-forecast\"") != std::string::npos);
  CHECK(page.find("seed") != std::string::npos);

  const std::string dom = rendered_dom(scratch, html);
  if (dom.empty()) {
    WARN(
        "skipped the browser check: /usr/bin/chromium is not installed (scripts/setup installs "
        "it)");
    return;
  }
  // bookings, P(quota met), exceedance, the quarters' P(quota met) and bookings, differences,
  // cost, teams, segments, attainment by team, one funnel per segment (2), forecast.
  CHECK(count(page, "<div class=\"chart\"") == 13);
  check_every_chart_drew(dom, count(page, "<div class=\"chart\""));
}

/// The verdict of `funnelsim compare RESULTS --json --rank-by CRITERION`, its structure
/// checked by Python: the number of leaders, a newline, the statement.
struct VerdictSeen {
  std::size_t leaders = 0;
  std::string statement;
};

VerdictSeen compare_verdict(const std::string& results, const std::string& criterion) {
  const std::string check =
      "import json,sys; v=json.load(sys.stdin)['verdict']; "
      "assert sorted(v) == ['criterion', 'diff_high', 'diff_low', 'diff_mean', 'leaders', "
      "'not_ranked', 'runner_up', 'statement'], v; "
      "assert v['criterion'] == '" +
      criterion +
      "', v; l=v['leaders']; assert l and all(isinstance(n, str) for n in l), v; "
      "assert (len(l) == 1) == (' is best by ' in v['statement']), v; "
      "assert (len(l) > 1) == v['statement'].startswith('Tied by '), v; "
      "print(len(l)); print(v['statement'])";
  const Outcome outcome =
      shell_output(std::string(FUNNELSIM_CLI) + " compare " + results + " --json --rank-by " +
                   criterion + " | /usr/bin/python3 -c \"" + check + "\" 2>&1");
  INFO(outcome.output);
  REQUIRE(outcome.exit_code == 0);
  const std::size_t newline = outcome.output.find('\n');
  return {std::stoul(outcome.output.substr(0, newline)),
          outcome.output.substr(newline + 1, outcome.output.size() - newline - 2)};
}

TEST_CASE("report readings and compare state one verdict and tie within noise",
          "[report][verdict]") {
  Scratch scratch;
  const std::string results = scratch.file("levers.h5");
  const std::string html = scratch.file("levers.html");
  REQUIRE(run_cli("run " + SCENARIOS + "prospecting-vs-winrate.yaml -o " + results +
                  " -n 40 --forecast-samples 0 -q")
              .exit_code == 0);
  REQUIRE(run_cli("report " + results + " -o " + html).exit_code == 0);
  const std::string page = read(html);
  std::vector<std::string> readings;
  const std::string open = "<p class=\"reading\">";
  for (std::size_t at = page.find(open); at != std::string::npos; at = page.find(open, at + 1))
    readings.push_back(page.substr(at + open.size(), page.find("</p>", at) - at - open.size()));

  // The differences chart reads by bookings, the P(quota met) chart by quota; each reading
  // holds compare's statement word for word, and names a best only where compare does.
  bool some_tie = false;
  for (const auto& [criterion, phrase] :
       {std::pair<std::string, std::string>{"bookings", "mean bookings"},
        {"quota", "P(quota met)"}}) {
    const VerdictSeen verdict = compare_verdict(results, criterion);
    INFO(criterion << ": " << verdict.statement);
    CHECK(page.find(verdict.statement) != std::string::npos);
    some_tie = some_tie || verdict.leaders > 1;
    if (verdict.leaders > 1)
      for (const std::string& reading : readings)
        CHECK(reading.find("is best by " + phrase) == std::string::npos);
  }
  // At 40 replications the levers' differences (about 1 万 of a 200 万 gain a year) are far
  // inside the noise, so the tie's wording is exercised, not only the single best's.
  CHECK(some_tie);
}

TEST_CASE("report of one variant without forecasts is still complete", "[report]") {
  Scratch scratch;
  const std::string results = scratch.file("branch.h5");
  const std::string html = scratch.file("branch.html");
  REQUIRE(
      run_cli("run " + SCENARIOS + "branch.yaml -o " + results + " -n 20 --forecast-samples 0 -q")
          .exit_code == 0);
  const Outcome report = run_cli("report " + results + " -o " + html);
  INFO(report.output);
  REQUIRE(report.exit_code == 0);
  const std::string page = read(html);
  CHECK(page.find("nothing to compare") != std::string::npos);
  CHECK(page.find("id=\"chart-differences\"") == std::string::npos);
  CHECK(page.find("id=\"chart-forecast\"") != std::string::npos);  // funnel, commit, run-rate
  CHECK(count(page, "<section>") == 10);
  CHECK(page.find("The file holds no costs") != std::string::npos);

  const std::string dom = rendered_dom(scratch, html);
  if (dom.empty()) {
    WARN(
        "skipped the browser check: /usr/bin/chromium is not installed (scripts/setup installs "
        "it)");
    return;
  }
  check_every_chart_drew(dom, count(page, "<div class=\"chart\""));
}

/// tests/cli/check_report.py's verdict on the page: every number of the planner's sections
/// recomputed from the results file with h5py, and the embedded font against the page.
void check_numbers(const std::string& results, const std::string& html) {
  const Outcome check =
      shell_output("/usr/bin/python3 " + std::string(FUNNELSIM_SOURCE_DIR) +
                   "/tests/cli/check_report.py " + FUNNELSIM_CLI + " " + results + " " + html +
                   " " + FUNNELSIM_SOURCE_DIR + "/analysis/report/fonts 2>&1");
  INFO(check.output);
  REQUIRE(check.exit_code == 0);
  if (check.output.find("not checked") != std::string::npos)
    WARN("the embedded font's cmap was not checked: no fontTools (scripts/setup installs it)");
}

TEST_CASE("report's planner sections print the numbers of the results file", "[report][numbers]") {
  Scratch scratch;
  // Variants with costs (the levers), one variant whose Q2 quota outruns its funnel (the
  // branch), and teams of two segments with different quotas (the company, briefly).
  for (const auto& [scenario, replications] :
       {std::pair<std::string, int>{"prospecting-vs-winrate", 40},
        {"branch", 60},
        {"company", 2}}) {
    INFO(scenario);
    const std::string results = scratch.file(scenario + ".h5");
    const std::string html = scratch.file(scenario + ".html");
    REQUIRE(run_cli("run " + SCENARIOS + scenario + ".yaml -o " + results + " -n " +
                    std::to_string(replications) + " --forecast-samples 0 -q")
                .exit_code == 0);
    REQUIRE(run_cli("report " + results + " -o " + html).exit_code == 0);
    check_numbers(results, html);
    const std::string page = read(html);
    CHECK(page.find("@font-face { font-family: FunnelsimCJK;") != std::string::npos);
    if (scenario == "branch")
      CHECK(page.find("Q2 carries ") != std::string::npos);
    if (scenario == "prospecting-vs-winrate")
      CHECK(page.find("id=\"chart-cost\"") != std::string::npos);
  }
}

TEST_CASE("report refuses bad results files and an existing output", "[report]") {
  Scratch scratch;
  const std::string text = scratch.file("notes.h5");
  std::ofstream(text) << "not HDF5\n";
  Outcome outcome = run_cli("report " + text + " -o " + scratch.file("a.html"));
  CHECK(outcome.exit_code == 2);
  CHECK(outcome.output.find(text) != std::string::npos);
  CHECK_FALSE(fs::exists(scratch.file("a.html")));

  const std::string results = scratch.file("branch.h5");
  REQUIRE(
      run_cli("run " + SCENARIOS + "branch.yaml -o " + results + " -n 10 --forecast-samples 0 -q")
          .exit_code == 0);
  const std::string truncated = scratch.file("truncated.h5");
  fs::copy_file(results, truncated);
  fs::resize_file(truncated, fs::file_size(results) / 2);
  outcome = run_cli("report " + truncated + " -o " + scratch.file("b.html"));
  CHECK(outcome.exit_code == 2);
  CHECK(outcome.output.find(truncated) != std::string::npos);

  const std::string existing = scratch.file("existing.html");
  std::ofstream(existing) << "keep me\n";
  outcome = run_cli("report " + results + " -o " + existing);
  CHECK(outcome.exit_code == 2);
  CHECK(outcome.output.find("--force") != std::string::npos);
  CHECK(read(existing) == "keep me\n");
  CHECK(run_cli("report " + results + " -o " + existing + " --force").exit_code == 0);
  CHECK(read(existing).find("<!DOCTYPE html>") == 0);
  CHECK(std::distance(fs::directory_iterator(scratch.path), {}) == 4);  // no temporary left
}

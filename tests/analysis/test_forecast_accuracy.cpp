// The forecast models applied inside a run (playbook §4), against the simulated truth.

#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cmath>

#include <cstdio>

#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/report/forecast_accuracy.hpp"
#include "support/collect.hpp"
#include "support/models.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace analysis = funnelsim::analysis;
namespace sim = funnelsim::sim;
using funnelsim::testing::estimate;

namespace {

/// Series s (FORECAST_SERIES order) of replication r at quarter q, week w (0-based).
double forecast(const sim::Model& model, const sim::ReplicationResult& r, std::size_t series, int q,
                int w) {
  const int weeks = model.calendar.weeks_per_quarter;
  return r.derived[series][static_cast<std::size_t>(q * weeks + w)];
}

std::vector<sim::ReplicationResult> run_with_forecasts(const sim::Model& model,
                                                       std::size_t replications,
                                                       std::size_t samples) {
  const analysis::ForecastBenchmark benchmark(model, 7, samples);
  funnelsim::testing::CollectingSink sink;
  sim::RunOptions options;
  options.seed = 7;
  options.replications = replications;
  options.hook = &benchmark;
  sim::run_replications(model, options, sink);
  return std::move(sink.replications);
}

constexpr std::size_t FUNNEL = 0, COMMIT = 1, RUN_RATE = 2, SIMULATION = 3, P10 = 4, P90 = 6;

}  // namespace

TEST_CASE("Run-rate is exact at the quarter's last week", "[forecast-accuracy]") {
  const auto model = funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 5);
  for (const auto& r : run_with_forecasts(model, 20, 0)) {
    for (int q = 0; q < model.calendar.quarters; ++q) {
      CHECK(forecast(model, r, RUN_RATE, q, 12) == Approx(r.bookings[q]));
      CHECK(std::isnan(forecast(model, r, SIMULATION, q, 5)));  // switched off
    }
  }
}

TEST_CASE("The commit model is the course's formula on the reps' calls", "[forecast-accuracy]") {
  const auto model = funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 5);
  for (const auto& r : run_with_forecasts(model, 5, 0)) {
    for (int w = 0; w < 13; ++w) {
      const auto& s = r.segments[0];
      // realized + committed x 0.75 + possible x 0.25 + quota x 0.04 x weeks remaining (§4c).
      const double expected = s.realized[w] + 0.75 * s.calls_committed[w] +
                              0.25 * s.calls_possible[w] + model.quota[0] * 0.04 * (12 - w);
      CHECK(forecast(model, r, COMMIT, 0, w) == Approx(expected));
    }
  }
}

TEST_CASE("The funnel model is unbiased over one sales cycle of a stationary funnel",
          "[forecast-accuracy][statistical]") {
  // Fixed 7-day stages: every deal open at a week's end closes within three weeks and no new
  // lead can, so the funnel's expected amount (4a) is exactly the expected bookings of the
  // next three weeks, and the funnel forecast of the quarter is unbiased at week 10 of 13.
  const auto model = funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 10, 2.0, 4);
  const auto runs = run_with_forecasts(model, 200, 0);
  std::vector<double> errors;
  for (const auto& r : runs) {
    for (int q = 0; q < 4; ++q)
      errors.push_back(forecast(model, r, FUNNEL, q, 9) - r.bookings[q]);
  }
  const auto error = estimate(errors);
  INFO("bias " << error.mean << " standard error " << error.standard_error);
  CHECK(std::abs(error.mean) < 4.0 * error.standard_error);
  // Earlier in the quarter it misses the leads still to come: biased low at week 1.
  std::vector<double> early;
  for (const auto& r : runs)
    early.push_back(forecast(model, r, FUNNEL, 0, 0) - r.bookings[0]);
  CHECK(estimate(early).mean < -4.0 * estimate(early).standard_error);
}

TEST_CASE("The simulation model's P10-P90 interval covers about 80% of outcomes",
          "[forecast-accuracy][statistical]") {
  // Gamma stage durations and an empirical-like spread of deal sizes, as in the branch.
  auto model = funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 10, 2.0, 2);
  for (auto& stage : model.segments[0].stages)
    stage.days = sim::Distribution::gamma(7.0, 0.4);
  model.segments[0].deal_size = sim::Distribution::lognormal(2.0, 1.0);
  const auto runs = run_with_forecasts(model, 300, 100);
  double covered = 0.0;
  double samples = 0.0;
  std::vector<double> errors;
  for (const auto& r : runs) {
    for (int q = 0; q < 2; ++q) {
      for (int w = 0; w < 12; ++w) {
        const double y = r.bookings[q];
        covered += y >= forecast(model, r, P10, q, w) && y <= forecast(model, r, P90, q, w);
        ++samples;
      }
      errors.push_back(forecast(model, r, SIMULATION, q, 5) - r.bookings[q]);
    }
  }
  // The model approximates (an open deal's time left from renewal theory, sums of deal sizes
  // by the central limit theorem): its nominal 80% is allowed 8 points either way. The
  // sampling error of the coverage itself, over 7200 correlated forecasts, is about 1 point.
  INFO("coverage " << covered / samples);
  CHECK(covered / samples > 0.72);
  CHECK(covered / samples < 0.88);
  const auto error = estimate(errors);
  CHECK(std::abs(error.mean) < 4.0 * error.standard_error);
}

TEST_CASE("Pinball loss penalises the wrong side of a quantile", "[forecast-accuracy]") {
  CHECK(analysis::pinball_loss(0.9, 100.0, 110.0) == Approx(9.0));  // under the P90: 0.9 x 10
  CHECK(analysis::pinball_loss(0.9, 100.0, 90.0) == Approx(1.0));   // over it: 0.1 x 10
  CHECK(analysis::pinball_loss(0.1, 100.0, 90.0) == Approx(9.0));
}

TEST_CASE("forecast-accuracy reads a run's forecasts", "[forecast-accuracy][cli][process]") {
  const std::string out = "/tmp/funnelsim-accuracy-" + std::to_string(::getpid()) + ".h5";
  const std::string branch = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
  const std::string cli = FUNNELSIM_CLI;
  REQUIRE(std::system((cli + " run " + branch + " -o " + out + " -n 30 -q --force").c_str()) == 0);
  const std::string json =
      cli + " forecast-accuracy " + out +
      " --json | /usr/bin/python3 -c \"import json,sys; d=json.load(sys.stdin);"
      " m=d['models']; assert set(m)=={'funnel','commit','run_rate','simulation'};"
      " assert len(m['commit']['weeks'])==13 and 'coverage' in m['simulation']['weeks'][0];"
      " assert m['simulation']['quantiles']==[0.1,0.5,0.9]\"";
  CHECK(std::system(json.c_str()) == 0);
  CHECK(std::system((cli + " forecast-accuracy " + out + " > /dev/null").c_str()) == 0);
  std::remove(out.c_str());
}

TEST_CASE("forecast --scenario adds the simulation model's interval",
          "[forecast-accuracy][cli][process]") {
  const std::string cli = FUNNELSIM_CLI;
  const std::string source = FUNNELSIM_SOURCE_DIR;
  const std::string snapshot = source + "/scenarios/snapshots/branch-week7.yaml";
  const std::string check =
      cli + " forecast " + snapshot + " --scenario " + source +
      "/scenarios/branch.yaml --json | /usr/bin/python3 -c \"import json,sys; "
      "s=json.load(sys.stdin)['simulation']; assert s['segment']=='small'; "
      "assert 60 < s['p10'] <= s['p50'] <= s['p90']; assert s['p10'] < s['mean'] < s['p90']\"";
  CHECK(std::system(check.c_str()) == 0);
  // A segment that does not match the snapshot's stages is a usage error.
  const std::string wrong = cli + " forecast " + snapshot + " --scenario " + source +
                            "/scenarios/branch.yaml --segment large > /dev/null 2>&1";
  const int status = std::system(wrong.c_str());
  CHECK(WEXITSTATUS(status) == 2);
}

TEST_CASE("forecast-accuracy refuses a results file with non-finite values",
          "[forecast-accuracy][cli][process]") {
  // A results file is untrusted: an infinite forecast or a NaN booking was printed as "nan".
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string out = (directory.path() / "r.h5").string();
  const std::string branch = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
  REQUIRE(funnelsim::testing::run_cli("run " + branch + " -o " + out + " -n 4 -q").exit_code == 0);
  struct Case {
    std::string dataset;
    std::string value;
  };
  for (const Case& c : {Case{"bookings", "float('nan')"}, Case{"forecast/funnel", "float('inf')"},
                        Case{"forecast/simulation_p90", "float('-inf')"}}) {
    INFO(c.dataset);
    const std::string copy = (directory.path() / "bad.h5").string();
    const std::string poke = "cp " + out + " " + copy +
                             " && /usr/bin/python3 -c \"import h5py; f=h5py.File('" + copy +
                             "','r+'); d=f['variants/baseline/" + c.dataset +
                             "']; i=(2,1,3)[:d.ndim]; d[i]=" + c.value + "; f.close()\"";
    REQUIRE(funnelsim::testing::shell_output(poke).exit_code == 0);
    const auto outcome = funnelsim::testing::run_cli("forecast-accuracy " + copy);
    INFO(outcome.output);
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output,
               Catch::Contains(copy) &&
                   Catch::Contains("baseline/" + c.dataset + ": not a finite number") &&
                   Catch::Contains("replication 2, quarter 2"));
  }
}

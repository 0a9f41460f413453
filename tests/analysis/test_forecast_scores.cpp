// forecast-accuracy's scores (issue #19): definitions checked by hand on a tiny case, the
// intervals' coverage on data with a known answer, the paired verdicts, outside models read
// from CSV and the run's own exported and read back.

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/report/forecast_accuracy.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace analysis = funnelsim::analysis;

namespace {

/// 2 replications x 1 quarter x 2 weeks: actuals 100 and 200.
analysis::Matrix two_actuals() {
  return {2, 1, {100.0, 200.0}};
}

analysis::ForecastSet set_of(const std::string& name, std::vector<double> point) {
  analysis::ForecastSet set;
  set.model = name;
  set.replications = 2;
  set.quarters = 1;
  set.weeks = 2;
  set.point = std::move(point);
  return set;
}

}  // namespace

TEST_CASE("Scores follow their definitions on a case worked by hand", "[forecast-accuracy]") {
  // Week 0: forecasts 110 (actual 100) and 180 (actual 200); errors +10 and -20.
  analysis::ForecastSet model = set_of("m", {110.0, 100.0, 180.0, 200.0});
  model.taus = {0.1, 0.9};
  model.quantiles = {{90.0, 100.0, 190.0, 200.0}, {120.0, 100.0, 230.0, 200.0}};
  const analysis::AccuracyReport report = analysis::score_forecast_sets(two_actuals(), {model}, "");
  REQUIRE(report.models.size() == 1);
  const analysis::WeekAccuracy& w0 = report.models[0].weeks[0];
  // bias = (10 - 20) / 300; MAPE = (10 + 20) / 300; RMSE = sqrt((100 + 400) / 2).
  CHECK(w0.bias.value == Approx(-10.0 / 300.0));
  CHECK(w0.mape.value == Approx(30.0 / 300.0));
  CHECK(w0.rmse.value == Approx(std::sqrt(250.0)));
  // Within ±10%: |10| <= 10 yes, |20| <= 20 yes.
  CHECK(w0.hit10.value == Approx(1.0));
  // Pinball at 0.1: y=100 above q=90: 0.1 x 10 = 1; y=200 above 190: 0.1 x 10 = 1 -> mean 1.
  // At 0.9: y=100 below q=120: 0.1 x 20 = 2; y=200 below 230: 0.1 x 30 = 3 -> mean 2.5.
  REQUIRE(w0.pinball.size() == 2);
  CHECK(w0.pinball[0].value == Approx(1.0));
  CHECK(w0.pinball[1].value == Approx(2.5));
  // CRPS = 2 x mean over levels: 2 x (1 + 2.5) / 2 = 3.5.
  REQUIRE(w0.crps);
  CHECK(w0.crps->value == Approx(3.5));
  REQUIRE(w0.coverage);
  CHECK(w0.coverage->value == Approx(1.0));
  // The ratio's interval by the delta method, clustered by replication (n = 2):
  // residuals e_r - b y_r with b = -1/30: 10 + 100/30 and -20 + 200/30;
  // se = sqrt(2/1 x Σ residual²) / 300.
  const double b = -1.0 / 30.0;
  const double r1 = 10.0 - b * 100.0, r2 = -20.0 - b * 200.0;
  const double se = std::sqrt(2.0 * (r1 * r1 + r2 * r2)) / 300.0;
  CHECK(w0.bias.low == Approx(b - 1.959963984540054 * se));
  CHECK(w0.bias.high == Approx(b + 1.959963984540054 * se));
  // |bias| <= MAPE by construction.
  CHECK(std::abs(w0.bias.value) <= w0.mape.value);
  // The last week is trivial; the first is not.
  CHECK(!w0.trivial);
  CHECK(report.models[0].weeks[1].trivial);
  CHECK(report.models[0].weeks[1].mape.value == 0.0);
}

TEST_CASE("The intervals cover the true ratio about 95% of the time",
          "[forecast-accuracy][statistical]") {
  // Quarters of 4 per replication share a replication effect (the reason to cluster); the true
  // MAPE is E|e| / E y = E|N(0, 20)| / 100 = 20 sqrt(2/π) / 100.
  std::mt19937_64 random(20261205);
  std::normal_distribution<double> shared(0.0, 15.0), own(0.0, 20.0 * std::sqrt(1.0 - 0.0));
  const double truth = 20.0 * std::sqrt(2.0 / M_PI) / 100.0;
  int covered = 0, bias_covered = 0;
  const int datasets = 1000;
  for (int d = 0; d < datasets; ++d) {
    const std::size_t n = 200, quarters = 4;
    analysis::Matrix actual{n, quarters, std::vector<double>(n * quarters)};
    analysis::ForecastSet set;
    set.model = "m";
    set.replications = n;
    set.quarters = quarters;
    set.weeks = 2;
    set.point.resize(n * quarters * 2);
    for (std::size_t r = 0; r < n; ++r) {
      const double level = 100.0 + shared(random);  // the replication's effect on the actuals
      for (std::size_t q = 0; q < quarters; ++q) {
        actual.values[r * quarters + q] = level;
        set.point[set.cell(r, q, 0)] = level + own(random);
        set.point[set.cell(r, q, 1)] = level;
      }
    }
    // E y = 100 and the error is independent of y: MAPE's estimand is `truth`, bias's 0.
    const analysis::AccuracyReport report = analysis::score_forecast_sets(actual, {set}, "");
    const analysis::WeekAccuracy& w = report.models[0].weeks[0];
    covered += w.mape.low <= truth && truth <= w.mape.high;
    bias_covered += w.bias.low <= 0.0 && 0.0 <= w.bias.high;
  }
  // 1000 datasets: the share's standard error is 0.7 points; 4 of them either way.
  INFO("MAPE covered " << covered << ", bias covered " << bias_covered << " of " << datasets);
  CHECK(std::abs(covered / double(datasets) - 0.95) < 0.028);
  CHECK(std::abs(bias_covered / double(datasets) - 0.95) < 0.028);
}

TEST_CASE("A paired comparison says tied unless its interval excludes 0", "[forecast-accuracy]") {
  // 400 replications of one quarter: the reference is off by ±10%; one copy of it is tied,
  // a model off by ±30% is worse, the truth itself is better.
  std::mt19937_64 random(7);
  std::normal_distribution<double> noise(0.0, 1.0);
  const std::size_t n = 400;
  analysis::Matrix actual{n, 1, std::vector<double>(n)};
  analysis::ForecastSet reference, copy, worse, perfect;
  for (analysis::ForecastSet* set : {&reference, &copy, &worse, &perfect}) {
    set->replications = n;
    set->quarters = 1;
    set->weeks = 2;
    set->point.resize(n * 2);
  }
  reference.model = "reference";
  copy.model = "copy";
  worse.model = "worse";
  perfect.model = "perfect";
  for (std::size_t r = 0; r < n; ++r) {
    const double y = 100.0 + 10.0 * noise(random);
    actual.values[r] = y;
    const double z = noise(random);
    for (std::size_t w = 0; w < 2; ++w) {
      reference.point[r * 2 + w] = y * (1.0 + 0.1 * z);
      copy.point[r * 2 + w] = y * (1.0 + 0.1 * z);
      worse.point[r * 2 + w] = y * (1.0 + 0.3 * z);
      perfect.point[r * 2 + w] = y;
    }
  }
  const analysis::AccuracyReport report =
      analysis::score_forecast_sets(actual, {reference, copy, worse, perfect}, "reference");
  REQUIRE(report.models.size() == 4);
  CHECK(report.models[0].versus.empty());  // the reference itself
  CHECK(report.models[1].versus[0].verdict == "tied");
  CHECK(report.models[1].versus[0].mape_difference.value == 0.0);
  CHECK(report.models[2].versus[0].verdict == "worse");
  CHECK(report.models[3].versus[0].verdict == "better");
  CHECK(report.models[3].versus[1].trivial);
}

TEST_CASE("Outside forecasts are read strictly, naming line, column and what is wrong",
          "[forecast-accuracy]") {
  const auto read = [](const std::string& text) {
    return analysis::read_forecasts_csv(text, "mine.csv", "mine", 2, 1, 2);
  };
  const std::string header = "replication,quarter,week,forecast,q0.1,q0.9\n";
  const std::string good = header + "0,0,0,1,0.5,2\n0,0,1,1,0.5,2\n1,0,0,2,1,3\n1,0,1,2,1,3\n";
  const analysis::ForecastSet set = read(good);
  CHECK(set.point == std::vector<double>{1, 1, 2, 2});
  CHECK(set.taus == std::vector<double>{0.1, 0.9});
  // Rows in any order, CRLF line ends, a quantile column empty everywhere is absent.
  const analysis::ForecastSet shuffled = read(
      "replication,quarter,week,forecast,q0.5\r\n1,0,1,2,\r\n0,0,0,1,\r\n1,0,0,2,\r\n0,0,1,1,\r\n");
  CHECK(shuffled.point == std::vector<double>{1, 1, 2, 2});
  CHECK(shuffled.taus.empty());
  struct Case {
    std::string text;
    std::string message;
  };
  for (const Case& c : {
           Case{"model," + header, "mine.csv:1:1: model: a column 'model'"},
           Case{"replication,quarter,wk,forecast\n", "mine.csv:1:21: wk: column 3 must be 'week'"},
           Case{header.substr(0, header.size() - 1) + ",extra\n",
                "mine.csv:1:45: extra: unknown column"},
           Case{header + "0,0,0,1,0.5,2\n0,0,0,1,0.5,2\n", "mine.csv:3:1: repeats replication 0"},
           Case{header + "0,0,2,1,0.5,2\n", "mine.csv:2:5: week: must be in 0..1"},
           Case{header + "0,0,0,abc,0.5,2\n", "mine.csv:2:7: forecast: must be a finite number"},
           Case{header + "0,0,0,nan,0.5,2\n", "forecast: must be a finite number, got 'nan'"},
           Case{header + "0,0,0,1,3,2\n", "mine.csv:2:11: q0.9: a quantile below"},
           Case{header + "-1,0,0,1,0.5,2\n", "mine.csv:2:1: replication: must be a 0-based"},
           Case{header + "0,0,0,1,0.5\n", "mine.csv:2:1: has 5 fields, the header 6"},
           Case{header + "0,0,0,1,0.5,2\n", "no row for replication 0, quarter 0, week 1"},
           Case{header + "0,0,0,1,0.5,2\n0,0,1,1,,2\n1,0,0,2,1,3\n1,0,1,2,1,3\n",
                "q0.1: empty on 1 rows"},
       }) {
    INFO(c.text);
    CHECK_THROWS_WITH(read(c.text), Catch::Contains(c.message));
  }
}

TEST_CASE("An exported model read back as an outside model scores identically",
          "[forecast-accuracy][cli][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const auto path = [&](const std::string& name) { return (directory.path() / name).string(); };
  const std::string branch = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
  REQUIRE(funnelsim::testing::run_cli("run " + branch + " -o " + path("r.h5") + " -n 40 -q")
              .exit_code == 0);
  REQUIRE(funnelsim::testing::run_cli("forecast-accuracy " + path("r.h5") + " --export-forecasts " +
                                      path("all.csv"))
              .exit_code == 0);
  // An existing export needs --force.
  CHECK(funnelsim::testing::run_cli("forecast-accuracy " + path("r.h5") + " --export-forecasts " +
                                    path("all.csv"))
            .exit_code == 2);
  // Each model's rows, without the model column, under another name: every score of every
  // week equal to the original's, bit for bit (the JSON's text).
  const std::string check =
      "cd " + directory.path().string() +
      " && /usr/bin/python3 -c \"\n"
      "import csv, json, subprocess, sys\n"
      "rows = list(csv.reader(open('all.csv')))\n"
      "assert rows[0] == ['model','replication','quarter','week','forecast','q0.1','q0.5','q0.9']\n"
      "models = sorted({r[0] for r in rows[1:]})\n"
      "assert models == ['commit','funnel','run_rate','simulation'], models\n"
      "args = []\n"
      "for m in models:\n"
      "    with open(m + '.csv', 'w', newline='') as f:\n"
      "        w = csv.writer(f, lineterminator='\\\\n')\n"
      "        w.writerow(rows[0][1:])\n"
      "        w.writerows(r[1:] for r in rows[1:] if r[0] == m)\n"
      "    args += ['--external', 'again_' + m + '=' + m + '.csv']\n"
      "out = subprocess.run([sys.argv[1], 'forecast-accuracy', 'r.h5', '--json'] + args,\n"
      "                     check=True, capture_output=True, text=True).stdout\n"
      "d = json.loads(out)['models']\n"
      "for m in models:\n"
      "    assert json.dumps(d[m]) == json.dumps(d['again_' + m]), m\n"
      "print('identical', len(models))\n"
      "\" " +
      std::string(FUNNELSIM_CLI);
  const auto outcome = funnelsim::testing::shell_output(check);
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  CHECK_THAT(outcome.output, Catch::Contains("identical 4"));
}

TEST_CASE("forecast-accuracy refuses a bad outside model with exit code 2",
          "[forecast-accuracy][cli][process]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const auto path = [&](const std::string& name) { return (directory.path() / name).string(); };
  const std::string branch = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
  REQUIRE(
      funnelsim::testing::run_cli("run " + branch + " -o " + path("r.h5") + " -n 2 -q").exit_code ==
      0);
  REQUIRE(funnelsim::testing::shell_output(
              "printf 'replication,quarter,week,forecast\\n0,0,0,1\\n' > " + path("short.csv"))
              .exit_code == 0);
  const auto outcome = funnelsim::testing::run_cli("forecast-accuracy " + path("r.h5") +
                                                   " --external mine=" + path("short.csv"));
  INFO(outcome.output);
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.output, Catch::Contains("short.csv:2: ") &&
                                 Catch::Contains("no row for replication 0, quarter 0, week 1"));
  CHECK(funnelsim::testing::run_cli("forecast-accuracy " + path("r.h5") +
                                    " --external funnel=" + path("short.csv"))
            .exit_code == 2);
  CHECK(funnelsim::testing::run_cli("forecast-accuracy " + path("r.h5") + " --reference nope")
            .exit_code == 2);
}

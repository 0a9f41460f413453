// funnelsim against an independent SimPy model of the same branch (bench/simpy_branch.py):
// two implementations, two random number generators, one model. Their wins and bookings per
// quarter must agree in mean and variance within the two samples' standard errors. The SimPy
// model is also what bench/run times funnelsim against ("vs simpy").
//
// Built only where CMake found SimPy 2 for /usr/bin/python3 (Debian's python3-simpy, which
// scripts/setup installs); CMake says so when it leaves the test out.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/scenarios/load.hpp"
#include "support/collect.hpp"
#include "support/shell.hpp"

namespace sim = funnelsim::sim;
using funnelsim::testing::shell_output;

namespace {

constexpr int QUARTERS = 4;
constexpr int YEAR = QUARTERS;  // index of the whole measured year in Outcomes

/// Wins and bookings (万) of each replication, per measured quarter and for the year.
struct Outcomes {
  std::vector<std::vector<double>> wins = std::vector<std::vector<double>>(QUARTERS + 1);
  std::vector<std::vector<double>> bookings = std::vector<std::vector<double>>(QUARTERS + 1);

  void add(int quarter, double quarter_wins, double quarter_bookings) {
    wins[quarter].push_back(quarter_wins);
    bookings[quarter].push_back(quarter_bookings);
    if (quarter == 0) {
      wins[YEAR].push_back(0.0);
      bookings[YEAR].push_back(0.0);
    }
    wins[YEAR].back() += quarter_wins;
    bookings[YEAR].back() += quarter_bookings;
  }
};

/// Runs the SimPy model for `replications` on `seed`, split over two processes (it is slow),
/// and parses its `replication,quarter,wins,bookings` rows, which come in replication order.
Outcomes simpy_outcomes(int replications, int seed) {
  const int half = replications / 2;
  std::ostringstream command;
  command << "cd '" << FUNNELSIM_SOURCE_DIR << "' && dir=$(mktemp -d) && "
          << "{ /usr/bin/python3 bench/simpy_branch.py --replications " << half << " --seed "
          << seed << " >\"$dir/a\" & first=$!; "
          << "/usr/bin/python3 bench/simpy_branch.py --first-replication " << half
          << " --replications " << replications - half << " --seed " << seed
          << " >\"$dir/b\" & second=$!; "
          << "wait $first && wait $second && cat \"$dir/a\" \"$dir/b\"; }; status=$?; "
          << "rm -rf \"$dir\"; exit $status";
  const funnelsim::testing::Outcome run = shell_output(command.str());
  REQUIRE(run.exit_code == 0);

  Outcomes outcomes;
  std::istringstream rows(run.output);
  std::string row;
  while (std::getline(rows, row)) {
    if (row.empty() || row.starts_with("replication"))
      continue;
    int replication = 0;
    int quarter = 0;
    double wins = 0.0;
    double bookings = 0.0;
    char comma = 0;
    std::istringstream fields(row);
    fields >> replication >> comma >> quarter >> comma >> wins >> comma >> bookings;
    if (!fields || quarter < 0 || quarter >= QUARTERS)
      FAIL("bench/simpy_branch.py printed a malformed row: " << row);
    outcomes.add(quarter, wins, bookings);
  }
  REQUIRE(outcomes.wins[YEAR].size() == static_cast<std::size_t>(replications));
  return outcomes;
}

Outcomes funnelsim_outcomes(std::size_t replications, std::uint64_t seed) {
  const sim::Model model = funnelsim::scenarios::load_scenario_file(
                               std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml")
                               .model;
  REQUIRE(model.calendar.quarters == QUARTERS);
  Outcomes outcomes;
  for (const sim::ReplicationResult& result : funnelsim::testing::run(model, replications, seed)) {
    for (int q = 0; q < QUARTERS; ++q)
      outcomes.add(q, static_cast<double>(result.wins[q]), result.bookings[q]);
  }
  return outcomes;
}

/// Sample variance and the standard error of that estimate, sqrt((m4 - s^4) / n), which holds
/// for any law with a fourth moment (bookings are skewed: large deals are rare and big).
struct VarianceEstimate {
  double variance = 0.0;
  double standard_error = 0.0;
};

VarianceEstimate variance_estimate(const std::vector<double>& values) {
  const auto e = funnelsim::testing::estimate(values);
  double m4 = 0.0;
  for (double v : values)
    m4 += std::pow(v - e.mean, 4);
  m4 /= static_cast<double>(values.size());
  return {e.variance, std::sqrt(std::max(m4 - e.variance * e.variance, 0.0) /
                                static_cast<double>(values.size()))};
}

std::string period_name(int period) {
  return period == YEAR ? "year" : "Q" + std::to_string(period + 1);
}

/// Two independent estimates of one quantity agree within 4 standard errors of their
/// difference: at a fixed seed the check is deterministic, and for 20 checks of correct
/// models a seed fails with probability about 20 x 6e-5.
void check_agreement(const std::string& what, double funnelsim_value, double funnelsim_se,
                     double simpy_value, double simpy_se) {
  const double tolerance = 4.0 * std::hypot(funnelsim_se, simpy_se);
  INFO(what << ": funnelsim " << funnelsim_value << " (s.e. " << funnelsim_se << "), SimPy "
            << simpy_value << " (s.e. " << simpy_se << "), tolerance " << tolerance);
  CHECK(std::abs(funnelsim_value - simpy_value) < tolerance);
}

}  // namespace

TEST_CASE("funnelsim and the SimPy model of the branch agree on wins and bookings",
          "[engine][simpy][process][statistical]") {
  // 64 SimPy replications take about 8 s on two cores; funnelsim's 4000 under 2 s. The SimPy
  // side's standard error dominates: 1.5 wins a quarter (1.1%), about 13 万 of bookings (3.5%).
  const Outcomes simpy = simpy_outcomes(64, 7);
  const Outcomes funnelsim = funnelsim_outcomes(4000, 20261127);

  for (int period = 0; period <= QUARTERS; ++period) {
    const std::string name = period_name(period);
    const auto fw = funnelsim::testing::estimate(funnelsim.wins[period]);
    const auto sw = funnelsim::testing::estimate(simpy.wins[period]);
    check_agreement(name + " mean wins", fw.mean, fw.standard_error, sw.mean, sw.standard_error);
    const auto fb = funnelsim::testing::estimate(funnelsim.bookings[period]);
    const auto sb = funnelsim::testing::estimate(simpy.bookings[period]);
    check_agreement(name + " mean bookings", fb.mean, fb.standard_error, sb.mean,
                    sb.standard_error);

    const VarianceEstimate fwv = variance_estimate(funnelsim.wins[period]);
    const VarianceEstimate swv = variance_estimate(simpy.wins[period]);
    check_agreement(name + " variance of wins", fwv.variance, fwv.standard_error, swv.variance,
                    swv.standard_error);
    const VarianceEstimate fbv = variance_estimate(funnelsim.bookings[period]);
    const VarianceEstimate sbv = variance_estimate(simpy.bookings[period]);
    check_agreement(name + " variance of bookings", fbv.variance, fbv.standard_error, sbv.variance,
                    sbv.standard_error);
  }
}

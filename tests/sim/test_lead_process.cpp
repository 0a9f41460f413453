// A territory's lead process on its own (sim/src/lead_process.hpp): unit-rate Poisson chunks
// on time x level, thinned by the rep's rate, keyed by territory so that a chunk added late
// has the points it would have had from day 0.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

#include "lead_process.hpp"

namespace sim = funnelsim::sim;
namespace engine = funnelsim::sim::engine;

TEST_CASE("A chunk added late has the points it would have had from day 0") {
  const sim::RoundKeys keys(20261202, 1);
  engine::LeadProcess early;
  early.grow(3, keys, 0xbeef, 2, 0.0);
  engine::LeadProcess late;
  late.grow(3, keys, 0xbeef, 2, 100.0);
  for (std::uint32_t c = 0; c < 3; ++c) {
    while (early.next(c) < 100.0)
      early.take(c);
    for (int i = 0; i < 20; ++i) {
      const engine::LeadProcess::Point a = early.take(c);
      const engine::LeadProcess::Point b = late.take(c);
      REQUIRE(a.day == b.day);
      REQUIRE(a.index == b.index);
      REQUIRE(a.level == b.level);
    }
  }
}

TEST_CASE("A chunk is a rate-1 Poisson process with levels uniform in its band", "[statistical]") {
  // 10000 weeks of chunk 1: 10000 points within 4 standard deviations (400), levels in [1, 2)
  // with mean 1.5 within 4 standard errors (4 x 0.29 / 100).
  const sim::RoundKeys keys(7, 0);
  engine::LeadProcess process;
  process.grow(2, keys, 0x1ead, 0, 0.0);
  constexpr double WEEKS = 10000.0;
  int points = 0;
  double levels = 0.0;
  while (process.next(1) < WEEKS * engine::DAYS_PER_WEEK) {
    const engine::LeadProcess::Point point = process.take(1);
    REQUIRE(point.level >= 1.0);
    REQUIRE(point.level < 2.0);
    REQUIRE(point.index == static_cast<std::uint32_t>(points));
    levels += point.level;
    ++points;
  }
  CHECK(std::abs(points - WEEKS) < 400.0);
  CHECK(std::abs(levels / points - 1.5) < 4.0 * 0.29 / 100.0);
}

TEST_CASE("A new rep's rate ramps up linearly from the ramp's start") {
  sim::Team team;
  team.prospects_per_week = 4.0;
  team.ramp.weeks = 10.0;
  team.ramp.start = 0.5;
  CHECK(engine::lead_rate(team, 1.5, 70.0, 70.0) == 4.0 * 1.5 * 0.5);
  CHECK(engine::lead_rate(team, 1.5, 70.0, 70.0 + 35.0) == Approx(4.0 * 1.5 * 0.75));
  CHECK(engine::lead_rate(team, 1.5, 70.0, 70.0 + 70.0) == 4.0 * 1.5);
}

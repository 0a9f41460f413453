// The funnel ledger on its own (sim/src/funnel_ledger.hpp): what the week ends observe of a
// segment's funnel, added as differences over the weeks an opportunity spends in a stage and
// summed week by week.

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "funnel_ledger.hpp"

namespace engine = funnelsim::sim::engine;

namespace {

constexpr std::int64_t FIVE = 5 * static_cast<std::int64_t>(engine::AMOUNT_SCALE);  // 5 万

struct Week {
  std::int64_t count = 0;
  double amount = 0.0;
  double committed = 0.0;
  double possible = 0.0;
};

/// Closes weeks 0 ... weeks - 1 and returns what each week end saw of stage `stage`.
std::vector<Week> close_all(engine::FunnelLedger& ledger, int weeks, std::size_t stage) {
  std::vector<Week> seen;
  for (int week = 0; week < weeks; ++week) {
    ledger.close_week(week);
    seen.push_back({ledger.open_count(stage), ledger.open_amount(stage), ledger.committed(),
                    ledger.possible()});
  }
  return seen;
}

}  // namespace

TEST_CASE("A stay in a stage is seen at the week ends from its entry's week to its exit's") {
  engine::FunnelLedger ledger(2, 7);
  // In stage 1 at the ends of weeks 1, 2 and 3, called committed, due from week 2.
  ledger.observe(1, FIVE, engine::COMMITTED, 2, 1, 4, 1);
  const std::vector<Week> seen = close_all(ledger, 7, 1);
  for (int week = 0; week < 7; ++week) {
    const bool open = week >= 1 && week < 4;
    CHECK(seen[week].count == (open ? 1 : 0));
    CHECK(seen[week].amount == (open ? 5.0 : 0.0));
    CHECK(seen[week].committed == (open && week >= 2 ? 5.0 : 0.0));
    CHECK(seen[week].possible == 0.0);
  }
  CHECK(ledger.open_count(0) == 0);
}

TEST_CASE("A taken-back stay leaves the week ends after the drop as if it had ended there") {
  engine::FunnelLedger ledger(1, 8);
  ledger.observe(0, FIVE, engine::POSSIBLE, 0, 1, 6, 1);
  ledger.observe(0, FIVE, engine::POSSIBLE, 0, 3, 6, -1);  // its rep leaves in week 3
  ledger.observe(0, FIVE, engine::POSSIBLE, 0, 7, 6, -1);  // a stay over before: nothing
  const std::vector<Week> seen = close_all(ledger, 8, 0);
  for (int week = 0; week < 8; ++week) {
    const bool open = week >= 1 && week < 3;
    CHECK(seen[week].count == (open ? 1 : 0));
    CHECK(seen[week].possible == (open ? 5.0 : 0.0));
    CHECK(seen[week].committed == 0.0);
  }
}

TEST_CASE("A deal not forecast, or seen at no week end, changes no week end") {
  engine::FunnelLedger ledger(1, 5);
  ledger.observe(0, FIVE, engine::NOT_FORECAST, 0, 1, 3, 1);
  ledger.observe(0, FIVE, engine::COMMITTED, 0, 2, 2, 1);  // entered and left within a week
  const std::vector<Week> seen = close_all(ledger, 5, 0);
  for (int week = 0; week < 5; ++week) {
    CHECK(seen[week].count == (week >= 1 && week < 3 ? 1 : 0));
    CHECK(seen[week].committed == 0.0);
    CHECK(seen[week].possible == 0.0);
  }
}

TEST_CASE("Bookings of a quarter accumulate until the quarter closes") {
  engine::FunnelLedger ledger(1, 3);
  ledger.book(2.5);
  ledger.book(4.0);
  CHECK(ledger.realized_this_quarter() == 6.5);
  ledger.close_quarter();
  CHECK(ledger.realized_this_quarter() == 0.0);
}

// The opportunity path on its own (sim/src/opportunity_path.hpp): a pure function of its
// streams' keys, the segment's plan and the timeline, which returns each stage's entry and
// call, the outcome and the day it ends. These tests hold it to the model's rules without
// running a replication.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "funnelsim/sim/model.hpp"
#include "opportunity_path.hpp"

namespace sim = funnelsim::sim;
namespace engine = funnelsim::sim::engine;

namespace {

/// Three stages of fixed durations 10, 20 and 30 days, won overall with probability 0.2.
sim::Segment three_stages(double first = 0.2, double second = 0.5, double third = 0.8) {
  sim::Segment segment;
  segment.name = "deals";
  segment.deal_size = sim::Distribution::fixed(10.0);
  const double probabilities[] = {first, second, third};
  for (int i = 0; i < 3; ++i) {
    sim::Stage stage;
    stage.name = "stage" + std::to_string(i);
    stage.win_probability = probabilities[i];
    stage.days = sim::Distribution::fixed(10.0 * (i + 1));
    segment.stages.push_back(stage);
  }
  return segment;
}

sim::Calendar one_year() {
  sim::Calendar calendar;
  calendar.weeks_per_quarter = 13;
  calendar.quarters = 4;
  return calendar;
}

engine::PathStart start_of(std::uint64_t lead, double day, bool existing = false,
                           double skill = 1.0) {
  return engine::PathStart{sim::EntityKey{0x5eed, lead}, existing, skill, day};
}

}  // namespace

TEST_CASE("A path that wins every stage enters each at the end of the one before") {
  // Every stage always advances: p = 1 throughout.
  const sim::Segment segment = three_stages(1.0, 1.0, 1.0);
  const engine::SegmentPlan plan(segment, sim::Calls{});
  const engine::Timeline timeline(one_year());
  const sim::RoundKeys keys(1, 0);
  std::vector<engine::PathStep> steps(plan.stages());
  std::vector<double> left_days;
  const engine::PathEnd end =
      engine::draw_path(plan, timeline, keys, start_of(7, 5.0), steps.data(),
                        [&](std::uint16_t stage, const engine::PathStep& step, double left) {
                          CHECK(stage == left_days.size());
                          CHECK(step.entered == steps[stage].entered);
                          left_days.push_back(left);
                        });
  CHECK(end.outcome == engine::Outcome::win);
  CHECK(end.last_stage == 2);
  CHECK(end.end == 5.0 + 10.0 + 20.0 + 30.0);
  CHECK(steps[0].entered == 5.0);
  CHECK(steps[1].entered == 15.0);
  CHECK(steps[2].entered == 35.0);
  CHECK(left_days == std::vector<double>{15.0, 35.0, 65.0});
}

TEST_CASE("A path is a pure function of its keys, and another lead's differs") {
  const engine::SegmentPlan plan(three_stages(), sim::Calls{});
  const engine::Timeline timeline(one_year());
  const sim::RoundKeys keys(20261202, 3);
  int differ = 0;
  for (std::uint64_t lead = 0; lead < 200; ++lead) {
    std::vector<engine::PathStep> a(plan.stages()), b(plan.stages()), other(plan.stages());
    const engine::PathEnd first =
        engine::draw_path(plan, timeline, keys, start_of(lead, 3.0), a.data());
    const engine::PathEnd again =
        engine::draw_path(plan, timeline, keys, start_of(lead, 3.0), b.data());
    REQUIRE(first.outcome == again.outcome);
    REQUIRE(first.last_stage == again.last_stage);
    REQUIRE(first.end == again.end);
    for (std::size_t i = 0; i <= first.last_stage; ++i) {
      REQUIRE(a[i].entered == b[i].entered);
      REQUIRE(a[i].call == b[i].call);
      REQUIRE(a[i].close_quarter == b[i].close_quarter);
    }
    const engine::PathEnd next = engine::draw_path(plan, timeline, sim::RoundKeys(20261202, 4),
                                                   start_of(lead, 3.0), other.data());
    differ += next.outcome != first.outcome || next.last_stage != first.last_stage;
  }
  // Another replication's streams: about half of the paths end elsewhere.
  CHECK(differ > 40);
}

TEST_CASE("A rep without win skill loses every lead in the first stage") {
  const engine::SegmentPlan plan(three_stages(1.0, 1.0, 1.0), sim::Calls{});
  const engine::Timeline timeline(one_year());
  const sim::RoundKeys keys(1, 0);
  std::vector<engine::PathStep> steps(plan.stages());
  const engine::PathEnd end =
      engine::draw_path(plan, timeline, keys, start_of(1, 0.0, false, 0.0), steps.data());
  CHECK(end.outcome == engine::Outcome::loss);
  CHECK(end.last_stage == 0);
  CHECK(end.end == 10.0);
}

TEST_CASE("A stage that outlasts its stall limit ends the path at the limit") {
  sim::Segment segment = three_stages(1.0, 1.0, 1.0);
  segment.stages[1].stall_days = 12.5;  // the second stage takes 20 days
  const engine::SegmentPlan plan(segment, sim::Calls{});
  const engine::Timeline timeline(one_year());
  std::vector<engine::PathStep> steps(plan.stages());
  const engine::PathEnd end =
      engine::draw_path(plan, timeline, sim::RoundKeys(1, 0), start_of(1, 0.0), steps.data());
  CHECK(end.outcome == engine::Outcome::stall);
  CHECK(end.last_stage == 1);
  CHECK(end.end == 10.0 + 12.5);
}

TEST_CASE("A path still in a stage at the run's end is open, with no end") {
  const engine::SegmentPlan plan(three_stages(1.0, 1.0, 1.0), sim::Calls{});
  const engine::Timeline timeline(one_year());  // 364 days
  std::vector<engine::PathStep> steps(plan.stages());
  const engine::PathEnd end =
      engine::draw_path(plan, timeline, sim::RoundKeys(1, 0), start_of(1, 350.0), steps.data());
  CHECK(end.outcome == engine::Outcome::open);
  CHECK(end.last_stage == 1);  // enters the second stage at day 360, which it leaves at 380
  CHECK(end.end == std::numeric_limits<double>::infinity());
}

TEST_CASE("New customers win at the first stage's probability, existing ones at their own") {
  // p(first) = 0.2 and existing customers' q = 0.45: over 20000 paths each, the share won is
  // within 4 standard errors (at most 0.0036 x 4) of its probability.
  sim::Segment segment = three_stages();
  segment.existing_share = 0.5;
  segment.existing_win_probability = 0.45;
  const engine::SegmentPlan plan(segment, sim::Calls{});
  const engine::Timeline timeline(one_year());
  const sim::RoundKeys keys(42, 0);
  constexpr int PATHS = 20000;
  for (const bool existing : {false, true}) {
    int wins = 0;
    std::vector<engine::PathStep> steps(plan.stages());
    for (std::uint64_t lead = 0; lead < PATHS; ++lead) {
      wins += engine::draw_path(plan, timeline, keys, start_of(lead, 0.0, existing), steps.data())
                  .outcome == engine::Outcome::win;
    }
    const double p = existing ? 0.45 : 0.2;
    const double standard_error = std::sqrt(p * (1.0 - p) / PATHS);
    CHECK(std::abs(static_cast<double>(wins) / PATHS - p) < 4.0 * standard_error);
  }
}

TEST_CASE("The existing customers' exponent maps the first stage onto their win rate") {
  const sim::Segment segment = [] {
    sim::Segment s = three_stages();
    s.existing_share = 0.3;
    s.existing_win_probability = 0.45;
    return s;
  }();
  const double k = segment.existing_exponent();
  CHECK(std::pow(0.2, k) == Approx(0.45).epsilon(1e-12));
  sim::Segment none = segment;
  none.existing_share = 0.0;
  CHECK(none.existing_exponent() == 1.0);
  sim::Segment sure = three_stages(1.0, 1.0, 1.0);
  sure.existing_share = 0.3;
  sure.existing_win_probability = 0.45;
  CHECK(sure.existing_exponent() == 1.0);
}
